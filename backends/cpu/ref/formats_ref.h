/* formats_ref.h — scalar CPU reference for element casts and block
 * quantization (defines what is correct; see docs/formats.md). */
#ifndef LOWP_FORMATS_REF_H
#define LOWP_FORMATS_REF_H

#include <stdint.h>
#include "lowp/formats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Element casts. codes: n entries of lowp_format_code_bytes(d->format) bytes. */
lowp_status lowp_ref_cast_encode(const struct lowp_cast_desc *d, const float *x, void *codes);
lowp_status lowp_ref_cast_decode(const struct lowp_cast_desc *d, const void *codes, float *y);
/* y = decode(encode(x)) ("fake cast"); y may equal x. */
lowp_status lowp_ref_cast_round(const struct lowp_cast_desc *d, const float *x, float *y);

/* Block quantize x (rows x cols, stride ld) into packed codes
 * (lowp_quant_sizes() bytes) and scales (one byte per block).
 * tensor_scale: two-level only (required there, ignored for E8M0): receives
 * s_dec, the fp32 decode scale of the tensor. stats may be NULL. */
lowp_status lowp_ref_quantize(const struct lowp_quant_desc *d, const float *x, uint8_t *codes,
                              uint8_t *scales, float *tensor_scale, struct lowp_quant_stats *stats);
/* y (stride ld) = dequantized codes; tensor_scale = s_dec from quantize (two-level). */
lowp_status lowp_ref_dequantize(const struct lowp_quant_desc *d, const uint8_t *codes,
                                const uint8_t *scales, float tensor_scale, float *y);
/* y = dequantize(quantize(x)) without storing codes; y may equal x. */
lowp_status lowp_ref_fake_quantize(const struct lowp_quant_desc *d, const float *x, float *y,
                                   struct lowp_quant_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
