/* pqt.c — front-end of the PQT weight sampling op (lowp/pqt.h): every
 * argument checked, then the backend. */
#include <stdint.h>

#include "core/args.h"
#include "lowp/pqt.h"

void lowp_pqt_desc_init(struct lowp_pqt_desc *d, size_t rows, size_t cols)
{
    if (d == NULL)
        return;
    *d = (struct lowp_pqt_desc){.rows = rows, .cols = cols, .block = 32, .bits = 8, .format = LOWP_FORMAT_BF16};
}

lowp_status lowp_pqt_sample(lowp_context *ctx, const struct lowp_pqt_desc *d, const lowp_buffer *x, lowp_buffer *y)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->block >= 1, "lowp_pqt_sample: block must be >= 1");
    LOWP_CHECK_ARG(d->bits >= LOWP_PQT_MIN_BITS && d->bits <= LOWP_PQT_MAX_BITS,
                   "lowp_pqt_sample: bits %u is outside [%d, %d]", d->bits, LOWP_PQT_MIN_BITS, LOWP_PQT_MAX_BITS);
    LOWP_CHECK_ARG(d->format == LOWP_FORMAT_BF16 || d->format == LOWP_FORMAT_FP32,
                   "lowp_pqt_sample: format %d is not bf16 or fp32", (int)d->format);
    LOWP_CHECK_ARG(d->cols == 0 || d->rows <= SIZE_MAX / d->cols, "lowp_pqt_sample: rows x cols overflows");
    const size_t n = d->rows * d->cols;
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, d->x_offset, n, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "y", ctx, y, d->y_offset, n, sizeof(float)));
    LOWP_CHECK_ARG(!(x == y && d->x_offset != d->y_offset && d->x_offset < d->y_offset + n &&
                     d->y_offset < d->x_offset + n),
                   "lowp_pqt_sample: x and y overlap partially");
    LOWP_BACKEND_ENTRY(ctx, pqt_sample);
    return n == 0 ? LOWP_OK : ctx->ops->pqt_sample(ctx, d, x, y);
}
