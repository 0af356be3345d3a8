/* gnb.c — the labels of Sophia's Gauss-Newton-Bartlett estimator: one class
 * per row drawn from the model's own softmax, on the host, from Philox.
 *
 * Why on the host: the trainer reads the logits back once per Hessian
 * refresh (every k steps), and a host draw in double precision is the same
 * on every device by construction. */
#include <math.h>

#include "core/error.h"
#include "core/philox.h"
#include "lowp/train.h"

uint64_t lowp_train_gnb_stream(uint64_t draw)
{
    return ((uint64_t)LOWP_TRAIN_STREAM_GNB_LABELS << 56) | (draw & ((UINT64_C(1) << 56) - 1));
}

/* Exact inverse CDF of one row: p_j = exp(l_j - max) summed in increasing j
 * in double; the label is the first j whose running sum exceeds u * S. */
static int32_t draw_row(const float *l, size_t vocab, double u)
{
    float mx = l[0];
    for (size_t j = 1; j < vocab; ++j)
        if (l[j] > mx)
            mx = l[j];
    double sum = 0.0;
    for (size_t j = 0; j < vocab; ++j)
        sum += exp((double)l[j] - (double)mx);
    const double target = u * sum;
    double acc = 0.0;
    size_t last = 0; /* the last class with p > 0: u * S can round up to S */
    for (size_t j = 0; j < vocab; ++j) {
        double p = exp((double)l[j] - (double)mx);
        if (p > 0.0)
            last = j;
        acc += p;
        if (target < acc)
            return (int32_t)j;
    }
    return (int32_t)last;
}

lowp_status lowp_train_gnb_labels(const float *logits, size_t rows, size_t vocab, uint64_t seed, uint64_t draw,
                                  int32_t *labels)
{
    LOWP_CHECK_NOT_NULL(logits);
    LOWP_CHECK_NOT_NULL(labels);
    LOWP_CHECK_ARG(vocab >= 1 && vocab <= (size_t)INT32_MAX, "%s: vocab %zu is not in [1, 2^31)", __func__, vocab);
    LOWP_CHECK_ARG(rows < ((uint64_t)1 << 62), "%s: %zu rows are too many", __func__, rows);
    LOWP_CHECK_ARG(draw < (UINT64_C(1) << 56), "%s: draw %llu does not fit in 56 bits", __func__,
                   (unsigned long long)draw);
    /* Check everything first: a refused call writes no label. */
    for (size_t r = 0; r < rows; ++r) {
        const float *l = logits + r * vocab;
        int any = 0;
        for (size_t j = 0; j < vocab; ++j) {
            if (isnan(l[j]) || l[j] == INFINITY)
                return lowp_error(LOWP_ERR_NUMERIC, "%s: logit [%zu, %zu] = %g (row %zu has no distribution)",
                                  __func__, r, j, (double)l[j], r);
            any |= l[j] != -INFINITY;
        }
        if (!any)
            return lowp_error(LOWP_ERR_NUMERIC, "%s: every logit of row %zu is -inf", __func__, r);
    }
    const uint64_t stream = lowp_train_gnb_stream(draw);
    for (size_t r = 0; r < rows; ++r) {
        /* 53 random bits from two words: u in [0, 1) with the resolution of a double */
        uint64_t lo = lowp_philox_word(seed, stream, 2 * (uint64_t)r);
        uint64_t hi = lowp_philox_word(seed, stream, 2 * (uint64_t)r + 1);
        double u = (double)(((hi << 32) | lo) >> 11) * 0x1p-53;
        labels[r] = draw_row(logits + r * vocab, vocab, u);
    }
    return LOWP_OK;
}
