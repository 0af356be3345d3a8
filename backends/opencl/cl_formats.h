/* cl_formats.h — OpenCL launches of the formats ops (kernels/formats.cl). */
#ifndef LOWP_CL_FORMATS_H
#define LOWP_CL_FORMATS_H

#include "core/backend.h"

lowp_status lowp_cl_cast_encode(struct lowp_context *ctx, const struct lowp_cast_desc *d, const struct lowp_buffer *x,
                                size_t x_offset, struct lowp_buffer *codes, size_t codes_offset);
lowp_status lowp_cl_cast_decode(struct lowp_context *ctx, const struct lowp_cast_desc *d,
                                const struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *y,
                                size_t y_offset);
lowp_status lowp_cl_cast_round(struct lowp_context *ctx, const struct lowp_cast_desc *d, const struct lowp_buffer *x,
                               size_t x_offset, struct lowp_buffer *y, size_t y_offset);
lowp_status lowp_cl_quantize(struct lowp_context *ctx, const struct lowp_quant_desc *d, const struct lowp_buffer *x,
                             size_t x_offset, struct lowp_buffer *codes, size_t codes_offset,
                             struct lowp_buffer *scales, size_t scales_offset, struct lowp_buffer *tensor_scale,
                             size_t tensor_scale_offset, struct lowp_quant_stats *stats);
lowp_status lowp_cl_dequantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                               const struct lowp_buffer *codes, size_t codes_offset, const struct lowp_buffer *scales,
                               size_t scales_offset, const struct lowp_buffer *tensor_scale,
                               size_t tensor_scale_offset, struct lowp_buffer *y, size_t y_offset);
lowp_status lowp_cl_fake_quantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                                  const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y,
                                  size_t y_offset, struct lowp_quant_stats *stats);

#endif
