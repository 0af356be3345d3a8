/* nvfp4_vec.h — NVFP4 block quantization in SIMD lanes on the fast CPU path.
 *
 * lowp_quantize / lowp_fake_quantize of two-level E2M1 with 16-element
 * blocks (NVFP4, ue4m3 or ue5m3 scales) in every layout: eight lanes of
 * 32 bits per vector (AVX2 on x86, chosen at run time; GCC/Clang vector
 * extensions elsewhere). The lanes compute the branch-free element step of
 * fp4_lanes.h, so the bits are the codec's; a block whose prescale or decode
 * factors are not normal, or with a lane outside the fast cases, goes to
 * the caller's scalar block function instead. Applies to two-level E2M1
 * with 16-element blocks and ue4m3 or ue5m3 scales. */
#ifndef LOWP_CPU_NVFP4_VEC_H
#define LOWP_CPU_NVFP4_VEC_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/formats.h"

/* The scalar path for block b (formats_cpu.c's per-format block step, with
 * no statistics and no word cache). */
typedef void (*lowp_cpu_nvfp4_block_fn)(const struct lowp_quant_desc *d, const float *x, size_t b,
                                        const uint32_t ts[3], uint8_t *codes, uint8_t *scales, float *y);

/* 1 when the lanes are compiled in (on x86 this file is built with
 * -mavx2: call it only on a CPU with AVX2; lowp_cpu_nvfp4_vec_applies in
 * formats_cpu.c checks both). */
int lowp_cpu_nvfp4_vec_built(void);

/* Every block of d: codes and scales (quantize, either may be NULL) and/or
 * the dequantized values y (fake-quantize, may alias x). ts: the tensor
 * scales of lowp_cc_tensor_scale. Blocks the lanes do not take go to
 * scalar(). OpenMP-parallel over groups of blocks. */
void lowp_cpu_nvfp4_vec_run(const struct lowp_quant_desc *d, const float *x, const uint32_t ts[3], uint8_t *codes,
                            uint8_t *scales, float *y, lowp_cpu_nvfp4_block_fn scalar);

#endif
