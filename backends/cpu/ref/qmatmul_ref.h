/* qmatmul_ref.h — scalar reference of lowp_matmul_quantized (C = alpha A B^T
 * + beta C on block-quantized A [m,k], B [n,k]): dequantize both operands
 * with the formats reference, then the matmul references. */
#ifndef LOWP_REF_QMATMUL_H
#define LOWP_REF_QMATMUL_H

#include <stddef.h>
#include <stdint.h>
#include "lowp/matmul.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The oracle: double accumulation (lowp_ref_matmul). a_ts / b_ts: the fp32
 * tensor decode scales (two-level formats; ignored for E8M0). Pointers from
 * byte / element 0; c holds c_elems floats. Codes/scales may be NULL when
 * alpha == 0. */
lowp_status lowp_ref_matmul_quantized(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes,
                                      const uint8_t *a_scales, float a_ts, const uint8_t *b_codes,
                                      const uint8_t *b_scales, float b_ts, float *c, size_t c_elems);
/* The bit-exact model of every device: fp32 accumulation in ascending k
 * (lowp_ref_matmul_f32seq on the dequantized operands). */
lowp_status lowp_ref_matmul_quantized_f32seq(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes,
                                             const uint8_t *a_scales, float a_ts, const uint8_t *b_codes,
                                             const uint8_t *b_scales, float b_ts, float *c, size_t c_elems);

#ifdef __cplusplus
}
#endif
#endif
