/* basic_ref.h — scalar reference of the basic ops: the definition of what
 * every backend must compute. Host pointers are buffer bases; descriptors
 * carry offsets exactly as the public API does. */
#ifndef LOWP_BASIC_REF_H
#define LOWP_BASIC_REF_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/basic.h"

void lowp_ref_fill_f32(float *x, size_t count, float value);
void lowp_ref_scale_f32(float *x, size_t count, float alpha);
void lowp_ref_axpy_f32(size_t count, float alpha, const float *x, float *y);
/* x[i] = Philox word of element i (i counts from 0 at x). */
void lowp_ref_random_u32(uint32_t *x, size_t count, uint64_t seed, uint64_t stream);
/* out[desc->out_offset + r] = reduce of row r, in the order of src/core/reduce_order.h. */
lowp_status lowp_ref_reduce_rows_f32(const struct lowp_reduce_desc *desc, const float *x, float *out);

#endif
