/* cl_basic.h — OpenCL launches of the basic ops (kernels/basic.cl, reduce.cl). */
#ifndef LOWP_CL_BASIC_H
#define LOWP_CL_BASIC_H

#include "core/backend.h"

lowp_status lowp_cl_fill_f32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                             float value);
lowp_status lowp_cl_scale_f32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                              float alpha);
lowp_status lowp_cl_axpy_f32(struct lowp_context *ctx, size_t count, float alpha, const struct lowp_buffer *x,
                             size_t x_offset, struct lowp_buffer *y, size_t y_offset);
lowp_status lowp_cl_random_u32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                               uint64_t seed, uint64_t stream);
lowp_status lowp_cl_reduce_rows_f32(struct lowp_context *ctx, const struct lowp_reduce_desc *desc,
                                    const struct lowp_buffer *x, struct lowp_buffer *out);

#endif
