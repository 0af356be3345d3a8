/* hadamard_quant_ref.h — reference of the fused Hadamard + quantize op:
 * the unfused composition, on host pointers. */
#ifndef LOWP_HADAMARD_QUANT_REF_H
#define LOWP_HADAMARD_QUANT_REF_H

#include "lowp/hadamard.h"

/* t = lowp_cpu_hadamard(h, x) (the normative fp32 order every device
 * follows), then lowp_ref_quantize(q, t). tensor_scale: two-level only. */
lowp_status lowp_ref_hadamard_quantize(const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q,
                                       const void *x, uint8_t *codes, uint8_t *scales, float *tensor_scale,
                                       const uint32_t *sign_bits);
#endif
