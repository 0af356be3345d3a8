/* formats.c — front-ends of the device casts and block quantization
 * (lowp/formats.h): every argument is checked here, then the backend table
 * is called (docs/architecture.md, "The life of an op call"). */
#include <stdint.h>

#include "core/args.h"
#include "formats/quant.h"

/* Byte ranges [a, a+alen) of buffer A and [b, b+blen) of buffer B intersect. */
static int overlap(const lowp_buffer *A, size_t a, size_t alen, const lowp_buffer *B, size_t b, size_t blen)
{
    return A == B && alen > 0 && blen > 0 && a < b + blen && b < a + alen;
}

static lowp_status cast_args(const char *fn, const lowp_context *ctx, const struct lowp_cast_desc *d)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    if ((int)d->format < 0 || d->format >= LOWP_FORMAT_COUNT)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: unknown format %d", fn, (int)d->format);
    if (d->rounding != LOWP_ROUNDING_RNE && d->rounding != LOWP_ROUNDING_SR)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: unknown rounding %d", fn, (int)d->rounding);
    if (d->overflow != LOWP_OVERFLOW_SATURATE && d->overflow != LOWP_OVERFLOW_NONSAT)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: unknown overflow mode %d", fn, (int)d->overflow);
    if (d->index_base > UINT64_MAX - 4 - (uint64_t)d->n)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: index_base %llu + n %zu overflows the random index", fn,
                          (unsigned long long)d->index_base, d->n);
    return LOWP_OK;
}

lowp_status lowp_cast(lowp_context *ctx, const struct lowp_cast_desc *d, const lowp_buffer *x, size_t x_offset,
                      lowp_buffer *codes, size_t codes_offset)
{
    LOWP_TRY(cast_args(__func__, ctx, d));
    size_t cb = lowp_format_code_bytes(d->format);
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, x_offset, d->n, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "codes", ctx, codes, codes_offset, d->n, cb));
    if (overlap(x, x_offset * 4, d->n * 4, codes, codes_offset * cb, d->n * cb))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_cast: x and codes overlap");
    LOWP_BACKEND_ENTRY(ctx, cast_encode);
    return d->n == 0 ? LOWP_OK : ctx->ops->cast_encode(ctx, d, x, x_offset, codes, codes_offset);
}

lowp_status lowp_cast_decode(lowp_context *ctx, const struct lowp_cast_desc *d, const lowp_buffer *codes,
                             size_t codes_offset, lowp_buffer *y, size_t y_offset)
{
    LOWP_TRY(cast_args(__func__, ctx, d));
    size_t cb = lowp_format_code_bytes(d->format);
    LOWP_TRY(lowp_check_elems(__func__, "codes", ctx, codes, codes_offset, d->n, cb));
    LOWP_TRY(lowp_check_elems(__func__, "y", ctx, y, y_offset, d->n, sizeof(float)));
    if (overlap(y, y_offset * 4, d->n * 4, codes, codes_offset * cb, d->n * cb))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_cast_decode: codes and y overlap");
    LOWP_BACKEND_ENTRY(ctx, cast_decode);
    return d->n == 0 ? LOWP_OK : ctx->ops->cast_decode(ctx, d, codes, codes_offset, y, y_offset);
}

lowp_status lowp_cast_round(lowp_context *ctx, const struct lowp_cast_desc *d, const lowp_buffer *x,
                            size_t x_offset, lowp_buffer *y, size_t y_offset)
{
    LOWP_TRY(cast_args(__func__, ctx, d));
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, x_offset, d->n, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "y", ctx, y, y_offset, d->n, sizeof(float)));
    if (x_offset != y_offset && overlap(x, x_offset * 4, d->n * 4, y, y_offset * 4, d->n * 4))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_cast_round: x and y overlap partially");
    LOWP_BACKEND_ENTRY(ctx, cast_round);
    return d->n == 0 ? LOWP_OK : ctx->ops->cast_round(ctx, d, x, x_offset, y, y_offset);
}

/* Elements spanned by the rows x ld matrix (checked for overflow). */
static lowp_status matrix_extent(const char *fn, const struct lowp_quant_desc *d, size_t *extent)
{
    if (d->rows - 1 > (SIZE_MAX - d->cols) / d->ld)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: (rows-1) * ld + cols overflows", fn);
    *extent = (d->rows - 1) * d->ld + d->cols;
    return LOWP_OK;
}

static lowp_status quant_args(const char *fn, const lowp_context *ctx, const struct lowp_quant_desc *d,
                              size_t *extent, size_t *code_bytes, size_t *nscales)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_TRY(lowp_quant_sizes(d, code_bytes, nscales));
    return matrix_extent(fn, d, extent);
}

lowp_status lowp_quantize(lowp_context *ctx, const struct lowp_quant_desc *d, const lowp_buffer *x, size_t x_offset,
                          lowp_buffer *codes, size_t codes_offset, lowp_buffer *scales, size_t scales_offset,
                          lowp_buffer *tensor_scale, size_t tensor_scale_offset, struct lowp_quant_stats *stats)
{
    size_t ext = 0, cb = 0, ns = 0;
    LOWP_TRY(quant_args(__func__, ctx, d, &ext, &cb, &ns));
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, x_offset, ext, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "codes", ctx, codes, codes_offset, cb, 1));
    LOWP_TRY(lowp_check_elems(__func__, "scales", ctx, scales, scales_offset, ns, 1));
    int two = lowp_quant_two_level(d);
    if (two)
        LOWP_TRY(lowp_check_elems(__func__, "tensor_scale", ctx, tensor_scale, tensor_scale_offset, 1, sizeof(float)));
    size_t xb = x_offset * 4, xl = ext * 4, tb = tensor_scale_offset * 4, tl = two ? 4 : 0;
    if (overlap(x, xb, xl, codes, codes_offset, cb) || overlap(x, xb, xl, scales, scales_offset, ns) ||
        overlap(x, xb, xl, tensor_scale, tb, tl) || overlap(codes, codes_offset, cb, scales, scales_offset, ns) ||
        overlap(codes, codes_offset, cb, tensor_scale, tb, tl) || overlap(scales, scales_offset, ns, tensor_scale, tb, tl))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_quantize: x, codes, scales and tensor_scale must not overlap");
    LOWP_BACKEND_ENTRY(ctx, quantize);
    return ctx->ops->quantize(ctx, d, x, x_offset, codes, codes_offset, scales, scales_offset, two ? tensor_scale : NULL,
                              tensor_scale_offset, stats);
}

lowp_status lowp_dequantize(lowp_context *ctx, const struct lowp_quant_desc *d, const lowp_buffer *codes,
                            size_t codes_offset, const lowp_buffer *scales, size_t scales_offset,
                            const lowp_buffer *tensor_scale, size_t tensor_scale_offset, lowp_buffer *y,
                            size_t y_offset)
{
    size_t ext = 0, cb = 0, ns = 0;
    LOWP_TRY(quant_args(__func__, ctx, d, &ext, &cb, &ns));
    LOWP_TRY(lowp_check_elems(__func__, "codes", ctx, codes, codes_offset, cb, 1));
    LOWP_TRY(lowp_check_elems(__func__, "scales", ctx, scales, scales_offset, ns, 1));
    int two = lowp_quant_two_level(d);
    if (two)
        LOWP_TRY(lowp_check_elems(__func__, "tensor_scale", ctx, tensor_scale, tensor_scale_offset, 1, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "y", ctx, y, y_offset, ext, sizeof(float)));
    size_t yb = y_offset * 4, yl = ext * 4;
    if (overlap(y, yb, yl, codes, codes_offset, cb) || overlap(y, yb, yl, scales, scales_offset, ns) ||
        overlap(y, yb, yl, tensor_scale, tensor_scale_offset * 4, two ? 4 : 0))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_dequantize: y overlaps codes, scales or tensor_scale");
    LOWP_BACKEND_ENTRY(ctx, dequantize);
    return ctx->ops->dequantize(ctx, d, codes, codes_offset, scales, scales_offset, two ? tensor_scale : NULL,
                                tensor_scale_offset, y, y_offset);
}

lowp_status lowp_fake_quantize(lowp_context *ctx, const struct lowp_quant_desc *d, const lowp_buffer *x,
                               size_t x_offset, lowp_buffer *y, size_t y_offset, struct lowp_quant_stats *stats)
{
    size_t ext = 0, cb = 0, ns = 0;
    LOWP_TRY(quant_args(__func__, ctx, d, &ext, &cb, &ns));
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, x_offset, ext, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "y", ctx, y, y_offset, ext, sizeof(float)));
    if (x_offset != y_offset && overlap(x, x_offset * 4, ext * 4, y, y_offset * 4, ext * 4))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_fake_quantize: x and y overlap partially");
    LOWP_BACKEND_ENTRY(ctx, fake_quantize);
    return ctx->ops->fake_quantize(ctx, d, x, x_offset, y, y_offset, stats);
}
