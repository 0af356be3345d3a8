/* qmatmul_via_gemm.c — lowp_matmul_quantized on an fp32 engine (OpenBLAS,
 * CLBlast): the operands are dequantized once into device scratch, then
 * multiplied by lowp_matmul. Built from public ops only, so it is the same
 * on every backend; the scratch is released before returning (an OpenCL
 * implementation keeps a released buffer alive until the queued GEMM that
 * reads it has run). */
#include "matmul/qmatmul_internal.h"

#include <stdio.h>

#include "core/error.h"
#include "lowp/formats.h"

static lowp_status alloc_floats(lowp_context *ctx, size_t n, lowp_buffer **out)
{
    lowp_status s = lowp_buffer_alloc(ctx, n * sizeof(float), out);
    if (s != LOWP_OK) {
        char why[256]; /* copy first: lowp_error rewrites the message buffer */
        snprintf(why, sizeof why, "%s", lowp_last_error());
        return lowp_error(s, "lowp_matmul_quantized: no room for %zu floats of dequantized operand: %s", n, why);
    }
    return LOWP_OK;
}

lowp_status lowp_qmatmul_via_gemm(lowp_context *ctx, const struct lowp_qmatmul_desc *d, lowp_matmul_engine engine,
                                  const lowp_buffer *a_codes, const lowp_buffer *a_scales, const lowp_buffer *a_ts,
                                  const lowp_buffer *b_codes, const lowp_buffer *b_scales, const lowp_buffer *b_ts,
                                  lowp_buffer *c)
{
    struct lowp_matmul_desc g;
    lowp_qmatmul_as_gemm(d, &g);
    g.engine = engine;
    lowp_buffer *a = NULL, *b = NULL;
    lowp_status s = alloc_floats(ctx, d->m * d->k, &a);
    if (s == LOWP_OK)
        s = alloc_floats(ctx, d->n * d->k, &b);
    if (s == LOWP_OK)
        s = lowp_dequantize(ctx, &d->a, a_codes, 0, a_scales, 0, a_ts, 0, a, 0);
    if (s == LOWP_OK)
        s = lowp_dequantize(ctx, &d->b, b_codes, 0, b_scales, 0, b_ts, 0, b, 0);
    if (s == LOWP_OK)
        s = lowp_matmul(ctx, &g, a, b, c);
    lowp_buffer_free(a);
    lowp_buffer_free(b);
    return s;
}
