/* qmatmul_cpu.h — fast CPU lowp_matmul_quantized: OpenMP dequantization of
 * both operands (formats_cpu.c), then the own blocked GEMM (matmul_cpu.c,
 * engine OWN), so the result has the bits of lowp_ref_matmul_quantized_f32seq
 * like every OpenCL device. */
#ifndef LOWP_CPU_QMATMUL_H
#define LOWP_CPU_QMATMUL_H

#include <stddef.h>
#include <stdint.h>
#include "lowp/matmul.h"

/* Arguments as lowp_ref_matmul_quantized. */
lowp_status lowp_cpu_matmul_quantized(const struct lowp_qmatmul_desc *d, const uint8_t *a_codes,
                                      const uint8_t *a_scales, float a_ts, const uint8_t *b_codes,
                                      const uint8_t *b_scales, float b_ts, float *c, size_t c_elems);

#endif
