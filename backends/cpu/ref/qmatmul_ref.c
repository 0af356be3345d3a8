/* qmatmul_ref.c — dequantize with lowp_ref_dequantize, multiply with the
 * matmul references. Obvious code; the fast paths are checked against it. */
#include "ref/qmatmul_ref.h"

#include <stdlib.h>

#include "core/error.h"
#include "ref/formats_ref.h"
#include "ref/matmul_ref.h"
#include "matmul/qmatmul_internal.h"

typedef lowp_status (*ref_gemm)(const struct lowp_matmul_desc *, const float *, size_t, const float *, size_t,
                                float *, size_t);

static lowp_status run(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes, const uint8_t *a_scales, float a_ts,
                       const uint8_t *b_codes, const uint8_t *b_scales, float b_ts, float *c, size_t c_elems,
                       ref_gemm gemm)
{
    size_t ce = 0;
    struct lowp_matmul_desc g;
    LOWP_TRY(lowp_qmatmul_gemm_desc(d, c, c_elems, &g, &ce));
    if (ce == 0)
        return LOWP_OK;
    if (d->alpha == 0.0f) /* A and B are not read */
        return gemm(&g, NULL, 0, NULL, 0, c, c_elems);
    LOWP_CHECK_NOT_NULL(a_codes);
    LOWP_CHECK_NOT_NULL(a_scales);
    LOWP_CHECK_NOT_NULL(b_codes);
    LOWP_CHECK_NOT_NULL(b_scales);
    float *a = malloc(d->m * d->k * sizeof(float)), *b = malloc(d->n * d->k * sizeof(float));
    lowp_status s = LOWP_ERR_OUT_OF_MEMORY;
    if (a == NULL || b == NULL)
        lowp_error(s, "lowp_matmul_quantized: out of host memory");
    else if ((s = lowp_ref_dequantize(&d->a, a_codes, a_scales, a_ts, a)) == LOWP_OK &&
             (s = lowp_ref_dequantize(&d->b, b_codes, b_scales, b_ts, b)) == LOWP_OK)
        s = gemm(&g, a, d->m * d->k, b, d->n * d->k, c, c_elems);
    free(a);
    free(b);
    return s;
}

lowp_status lowp_ref_matmul_quantized(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes,
                                      const uint8_t *a_scales, float a_ts, const uint8_t *b_codes,
                                      const uint8_t *b_scales, float b_ts, float *c, size_t c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    return run(d, a_codes, a_scales, a_ts, b_codes, b_scales, b_ts, c, c_elems, lowp_ref_matmul);
}

lowp_status lowp_ref_matmul_quantized_f32seq(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes,
                                             const uint8_t *a_scales, float a_ts, const uint8_t *b_codes,
                                             const uint8_t *b_scales, float b_ts, float *c, size_t c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    return run(d, a_codes, a_scales, a_ts, b_codes, b_scales, b_ts, c, c_elems, lowp_ref_matmul_f32seq);
}
