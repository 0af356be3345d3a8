/* model_io.c — model parameters (and gradients) to and from safetensors.
 * Names follow nanoGPT (docs/model.md); matrices are [out, in] as in
 * PyTorch's nn.Linear. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "model/model_internal.h"

static float le_float(const unsigned char *p)
{
    uint32_t bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float v;
    memcpy(&v, &bits, 4);
    return v;
}

lowp_status lowp_model_load(lowp_model *m, const char *path)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(path);
    struct lowp_st_file f;
    LOWP_TRY(lowp_st_read(path, &f));
    float *host = calloc(m->nparams, sizeof *host);
    if (host == NULL) {
        lowp_st_free(&f);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_model_load: out of host memory");
    }
    lowp_status s = LOWP_OK;
    for (size_t i = 0; i < m->ntensors && s == LOWP_OK; ++i) {
        const struct lowp_model_tensor *t = &m->tensors[i];
        const struct lowp_st_tensor *st = lowp_st_find(&f, t->name);
        if (st == NULL) {
            s = lowp_error(LOWP_ERR_CORRUPT, "lowp_model_load: '%s' has no tensor '%s'", path, t->name);
            break;
        }
        int same = strcmp(st->dtype, "F32") == 0 && st->rank == t->rank && st->shape[0] == t->shape[0] &&
                   (t->rank == 1 || st->shape[1] == t->shape[1]);
        if (!same) {
            s = lowp_error(LOWP_ERR_CORRUPT,
                           "lowp_model_load: '%s': tensor '%s' is %s of rank %zu [%zu, %zu], the model needs F32 "
                           "[%zu%s%zu]",
                           path, t->name, st->dtype, st->rank, st->shape[0], st->rank > 1 ? st->shape[1] : 0,
                           t->shape[0], t->rank > 1 ? ", " : "", t->rank > 1 ? t->shape[1] : 0);
            break;
        }
        for (size_t e = 0; e < t->count; ++e)
            host[t->offset + e] = le_float(f.data + st->begin + 4 * e);
    }
    if (s == LOWP_OK)
        s = lowp_buffer_write(m->params, 0, host, m->nparams * sizeof(float));
    free(host);
    lowp_st_free(&f);
    return s;
}

static lowp_status save_buffer(lowp_model *m, lowp_buffer *buf, const char *path)
{
    float *host = malloc(m->nparams * sizeof *host);
    const char **names = malloc(m->ntensors * sizeof *names);
    size_t *ranks = malloc(m->ntensors * sizeof *ranks);
    size_t(*shapes)[2] = malloc(m->ntensors * sizeof *shapes);
    const float **data = malloc(m->ntensors * sizeof *data);
    lowp_status s = LOWP_OK;
    if (host == NULL || names == NULL || ranks == NULL || shapes == NULL || data == NULL)
        s = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_model_save: out of host memory");
    if (s == LOWP_OK)
        s = lowp_buffer_read(buf, 0, host, m->nparams * sizeof(float));
    if (s == LOWP_OK) {
        for (size_t i = 0; i < m->ntensors; ++i) {
            names[i] = m->tensors[i].name;
            ranks[i] = m->tensors[i].rank;
            shapes[i][0] = m->tensors[i].shape[0];
            shapes[i][1] = m->tensors[i].shape[1];
            data[i] = host + m->tensors[i].offset;
        }
        s = lowp_st_write(path, m->ntensors, names, ranks, (const size_t(*)[2])shapes, data);
    }
    free(host), free(names), free(ranks), free(shapes), free(data);
    return s;
}

lowp_status lowp_model_save(lowp_model *m, const char *path)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(path);
    return save_buffer(m, m->params, path);
}

lowp_status lowp_model_save_grads(lowp_model *m, const char *path)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(path);
    return save_buffer(m, m->grads, path);
}
