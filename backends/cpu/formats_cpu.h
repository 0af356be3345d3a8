/* formats_cpu.h — fast CPU (OpenMP) casts and block quantization,
 * bit-identical to backends/cpu/ref/formats_ref.h (statistics included). */
#ifndef LOWP_FORMATS_CPU_H
#define LOWP_FORMATS_CPU_H

#include <stdint.h>
#include "lowp/formats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How block quantization runs on this CPU (shown in `lowp devices`):
 * "avx2" (block_vec.c's lanes, on an x86 CPU with AVX2), "vector" (the
 * same lanes in portable vector extensions, other architectures) or
 * "scalar" (the per-element codec). Every choice gives the same bits. */
const char *lowp_cpu_lanes_name(void);

lowp_status lowp_cpu_cast_encode(const struct lowp_cast_desc *d, const float *x, void *codes);
lowp_status lowp_cpu_cast_decode(const struct lowp_cast_desc *d, const void *codes, float *y);
lowp_status lowp_cpu_cast_round(const struct lowp_cast_desc *d, const float *x, float *y);

lowp_status lowp_cpu_quantize(const struct lowp_quant_desc *d, const float *x, uint8_t *codes,
                              uint8_t *scales, float *tensor_scale, struct lowp_quant_stats *stats);
lowp_status lowp_cpu_dequantize(const struct lowp_quant_desc *d, const uint8_t *codes,
                                const uint8_t *scales, float tensor_scale, float *y);
lowp_status lowp_cpu_fake_quantize(const struct lowp_quant_desc *d, const float *x, float *y,
                                   struct lowp_quant_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
