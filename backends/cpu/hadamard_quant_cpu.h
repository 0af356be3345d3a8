/* hadamard_quant_cpu.h — fast CPU path of the fused Hadamard + quantize op. */
#ifndef LOWP_HADAMARD_QUANT_CPU_H
#define LOWP_HADAMARD_QUANT_CPU_H

#include "lowp/hadamard.h"

/* Same arguments and bits as lowp_ref_hadamard_quantize; the transformed
 * tensor only ever exists one cache-sized panel at a time. */
lowp_status lowp_cpu_hadamard_quantize(const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q,
                                       const void *x, uint8_t *codes, uint8_t *scales, float *tensor_scale,
                                       const uint32_t *sign_bits);
#endif
