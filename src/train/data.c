/* data.c — a byte-level text corpus, its train/validation split, and
 * nanoGPT-style random windows drawn from Philox (so a batch depends only on
 * seed, split and step: resuming redraws the same batches). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/philox.h"
#include "fileio.h"
#include "lowp/train.h"

struct lowp_text_data {
    uint8_t *bytes;
    size_t size, n_train;
    char *path; /* for messages */
};

lowp_status lowp_text_data_load(const char *path, double val_fraction, lowp_text_data **out)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    LOWP_CHECK_ARG(val_fraction > 0.0 && val_fraction < 1.0, "%s: val_fraction %g is not in (0, 1)", __func__,
                   val_fraction);
    lowp_text_data *d = calloc(1, sizeof *d);
    if (!d)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    lowp_status s = lowp_file_read_all(path, &d->bytes, &d->size);
    if (s != LOWP_OK) {
        free(d);
        return s;
    }
    if (d->size == 0) {
        lowp_text_data_free(d);
        return lowp_error(LOWP_ERR_INVALID_ARG, "data file '%s' is empty", path);
    }
    /* nanoGPT: n_train = int(n * 0.9); the double product is exact enough
     * for any file below 2^52 bytes. */
    d->n_train = (size_t)floor((double)d->size * (1.0 - val_fraction));
    if (d->n_train == 0 || d->n_train == d->size) {
        size_t n = d->size;
        lowp_text_data_free(d);
        return lowp_error(LOWP_ERR_INVALID_ARG,
                          "data file '%s' is too short (%zu bytes) to split into train and validation parts "
                          "with val_fraction %g",
                          path, n, val_fraction);
    }
    d->path = malloc(strlen(path) + 1);
    if (!d->path) {
        lowp_text_data_free(d);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    }
    strcpy(d->path, path);
    *out = d;
    return LOWP_OK;
}

void lowp_text_data_free(lowp_text_data *data)
{
    if (!data)
        return;
    free(data->bytes);
    free(data->path);
    free(data);
}

size_t lowp_text_data_size(const lowp_text_data *data, lowp_split split)
{
    if (!data)
        return 0;
    return split == LOWP_SPLIT_TRAIN ? data->n_train : data->size - data->n_train;
}

const uint8_t *lowp_text_data_bytes(const lowp_text_data *data, lowp_split split)
{
    if (!data)
        return NULL;
    return split == LOWP_SPLIT_TRAIN ? data->bytes : data->bytes + data->n_train;
}

static const char *split_name(lowp_split split) { return split == LOWP_SPLIT_TRAIN ? "training" : "validation"; }

static lowp_status check_split(const lowp_text_data *d, lowp_split split, size_t context)
{
    size_t n = lowp_text_data_size(d, split);
    if (context == 0 || n < context + 1 || context + 1 == 0)
        return lowp_error(LOWP_ERR_INVALID_ARG,
                          "data file '%s': the %s part has %zu bytes, but context %zu needs at least %zu",
                          d->path, split_name(split), n, context, context + 1);
    return LOWP_OK;
}

lowp_status lowp_text_data_check(const lowp_text_data *data, size_t context)
{
    LOWP_CHECK_NOT_NULL(data);
    LOWP_CHECK_ARG(context > 0, "%s: context is 0", __func__);
    LOWP_TRY(check_split(data, LOWP_SPLIT_TRAIN, context));
    return check_split(data, LOWP_SPLIT_VAL, context);
}

uint64_t lowp_train_batch_stream(lowp_split split, uint64_t draw)
{
    uint64_t purpose = split == LOWP_SPLIT_TRAIN ? LOWP_TRAIN_STREAM_TRAIN_BATCH : LOWP_TRAIN_STREAM_VAL_BATCH;
    return (purpose << 56) | (draw & ((UINT64_C(1) << 56) - 1));
}

lowp_status lowp_text_data_batch(const lowp_text_data *data, lowp_split split, size_t batch, size_t context,
                                 uint64_t seed, uint64_t draw, int32_t *tokens, int32_t *targets, uint64_t *offsets)
{
    LOWP_CHECK_NOT_NULL(data);
    LOWP_CHECK_NOT_NULL(tokens);
    LOWP_CHECK_NOT_NULL(targets);
    LOWP_CHECK_ARG(split == LOWP_SPLIT_TRAIN || split == LOWP_SPLIT_VAL, "%s: unknown split %d", __func__, (int)split);
    LOWP_CHECK_ARG(batch > 0, "%s: batch is 0", __func__);
    LOWP_CHECK_ARG(draw < (UINT64_C(1) << 56), "%s: draw %llu does not fit in 56 bits", __func__,
                   (unsigned long long)draw);
    LOWP_TRY(check_split(data, split, context));
    const uint8_t *src = lowp_text_data_bytes(data, split);
    /* Starts in [0, n - context), as torch.randint(len(data) - block_size). */
    uint64_t range = (uint64_t)(lowp_text_data_size(data, split) - context);
    uint64_t stream = lowp_train_batch_stream(split, draw);
    for (size_t b = 0; b < batch; ++b) {
        /* Two 32-bit words make 64 bits: the modulo bias is below range/2^64. */
        uint64_t lo = lowp_philox_word(seed, stream, 2 * (uint64_t)b);
        uint64_t hi = lowp_philox_word(seed, stream, 2 * (uint64_t)b + 1);
        uint64_t o = ((hi << 32) | lo) % range;
        if (offsets)
            offsets[b] = o;
        int32_t *x = tokens + b * context, *y = targets + b * context;
        for (size_t t = 0; t < context; ++t) {
            x[t] = src[o + t];
            y[t] = src[o + t + 1];
        }
    }
    return LOWP_OK;
}
