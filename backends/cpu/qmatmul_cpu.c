/* qmatmul_cpu.c — dequantize A and B once (each element is decoded once,
 * not once per output tile), then one packed NT GEMM with the own engine.
 * The fp32 operand copies cost (m + n)·k·4 bytes of host memory. */
#include "qmatmul_cpu.h"

#include <stdlib.h>

#include "core/error.h"
#include "formats_cpu.h"
#include "matmul_cpu.h"
#include "matmul/qmatmul_internal.h"

lowp_status lowp_cpu_matmul_quantized(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes,
                                      const uint8_t *a_scales, float a_ts, const uint8_t *b_codes,
                                      const uint8_t *b_scales, float b_ts, float *c, size_t c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    size_t ce = 0;
    struct lowp_matmul_desc g;
    LOWP_TRY(lowp_qmatmul_gemm_desc(d, c, c_elems, &g, &ce));
    if (ce == 0)
        return LOWP_OK;
    g.engine = LOWP_MATMUL_ENGINE_OWN; /* the bits of every other device */
    if (d->alpha == 0.0f)
        return lowp_cpu_matmul(&g, NULL, 0, NULL, 0, c, c_elems);
    float *a = malloc(d->m * d->k * sizeof(float)), *b = malloc(d->n * d->k * sizeof(float));
    lowp_status s = LOWP_ERR_OUT_OF_MEMORY;
    if (a == NULL || b == NULL)
        lowp_error(s, "lowp_matmul_quantized: out of host memory for the dequantized operands");
    else if ((s = lowp_cpu_dequantize(&d->a, a_codes, a_scales, a_ts, a)) == LOWP_OK &&
             (s = lowp_cpu_dequantize(&d->b, b_codes, b_scales, b_ts, b)) == LOWP_OK)
        s = lowp_cpu_matmul(&g, a, d->m * d->k, b, d->n * d->k, c, c_elems);
    free(a);
    free(b);
    return s;
}
