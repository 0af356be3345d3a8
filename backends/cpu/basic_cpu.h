/* basic_cpu.h — fast CPU versions of the basic ops (OpenMP), bit-identical
 * to backends/cpu/ref/basic_ref.c. */
#ifndef LOWP_BASIC_CPU_H
#define LOWP_BASIC_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/basic.h"

void lowp_cpu_fill_f32(float *x, size_t count, float value);
void lowp_cpu_scale_f32(float *x, size_t count, float alpha);
void lowp_cpu_axpy_f32(size_t count, float alpha, const float *x, float *y);
void lowp_cpu_copy_bytes(void *dst, const void *src, size_t bytes);
void lowp_cpu_random_u32(uint32_t *x, size_t count, uint64_t seed, uint64_t stream);
lowp_status lowp_cpu_reduce_rows_f32(const struct lowp_reduce_desc *desc, const float *x, float *out);

#endif
