/* block_vec.h — block quantization in SIMD lanes on the fast CPU path.
 *
 * lowp_quantize / lowp_fake_quantize in every layout, for NVFP4 (two-level
 * E2M1, 16-element blocks, ue4m3 or ue5m3 scales) and MX with E4M3, E5M2 or
 * E2M1 elements (E8M0 scales, 32-element blocks, any scale mode): eight
 * lanes of 32 bits per vector (AVX2 on x86, chosen at run time; GCC/Clang
 * vector extensions elsewhere). The lanes compute the codec's fast paths,
 * so the bits are the codec's; a block the lanes cannot take (a scale or
 * factor outside their range, a subnormal, Inf or NaN element) goes to the
 * caller's scalar block function instead. */
#ifndef LOWP_CPU_BLOCK_VEC_H
#define LOWP_CPU_BLOCK_VEC_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/formats.h"

/* The scalar path for block b (formats_cpu.c's per-format block step, with
 * no statistics and no word cache). */
typedef void (*lowp_cpu_block_vec_scalar_fn)(const struct lowp_quant_desc *d, const float *x, size_t b,
                                             const uint32_t ts[3], uint8_t *codes, uint8_t *scales, float *y);

/* 1 when the lanes are compiled in. Runs no vector code: safe on any CPU. */
int lowp_cpu_block_vec_compiled(void);

/* 1 when the lanes are compiled in and take d's formats and block size.
 * On x86 this file is built with -mavx2: call it only on a CPU with AVX2
 * (formats_cpu.c checks). */
int lowp_cpu_block_vec_takes(const struct lowp_quant_desc *d);

/* Every block of d: codes and scales (quantize, either may be NULL) and/or
 * the dequantized values y (fake-quantize, may alias x). ts: the tensor
 * scales of lowp_cc_tensor_scale (two-level formats). Blocks the lanes do
 * not take go to scalar(). OpenMP-parallel over groups of blocks. */
void lowp_cpu_block_vec_run(const struct lowp_quant_desc *d, const float *x, const uint32_t ts[3], uint8_t *codes,
                            uint8_t *scales, float *y, lowp_cpu_block_vec_scalar_fn scalar);

#endif
