/* quant.c — descriptor validation, storage sizes and default descriptors. */
#include <math.h>
#include <string.h>
#include "core/error.h"
#include "formats/codec.h"
#include "formats/quant.h"

lowp_status lowp_cast_check(const struct lowp_cast_desc *d, const void *a, const void *b)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_NOT_NULL(a);
    LOWP_CHECK_NOT_NULL(b);
    LOWP_CHECK_ARG((int)d->format >= 0 && d->format < LOWP_FORMAT_COUNT, "cast: unknown format %d", (int)d->format);
    LOWP_CHECK_ARG(d->rounding == LOWP_ROUNDING_RNE || d->rounding == LOWP_ROUNDING_SR, "cast: unknown rounding %d", (int)d->rounding);
    LOWP_CHECK_ARG(d->overflow == LOWP_OVERFLOW_SATURATE || d->overflow == LOWP_OVERFLOW_NONSAT, "cast: unknown overflow %d", (int)d->overflow);
    return LOWP_OK;
}

lowp_status lowp_quant_check(const struct lowp_quant_desc *d)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->rows > 0 && d->cols > 0, "quant: rows (%zu) and cols (%zu) must be > 0", d->rows, d->cols);
    LOWP_CHECK_ARG(d->ld >= d->cols, "quant: ld (%zu) must be >= cols (%zu)", d->ld, d->cols);
    LOWP_CHECK_ARG(d->block == 16 || d->block == 32, "quant: block (%u) must be 16 or 32", (unsigned)d->block);
    LOWP_CHECK_ARG(d->layout == LOWP_BLOCK_ROW || d->layout == LOWP_BLOCK_COL || d->layout == LOWP_BLOCK_TILE2D,
                   "quant: unknown block layout %d", (int)d->layout);
    if (!lowp_fmt_is_block_elem(d->elem_format))
        return lowp_error(LOWP_ERR_UNSUPPORTED, "quant: element format %s (%d) is not a block element format "
                          "(e4m3, e5m2, e3m2, e2m3, e2m1, int8)", lowp_format_name(d->elem_format), (int)d->elem_format);
    if (d->scale_format != LOWP_FORMAT_E8M0 && d->scale_format != LOWP_FORMAT_UE4M3 &&
        d->scale_format != LOWP_FORMAT_UE5M3)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "quant: scale format %s (%d) must be e8m0, ue4m3 or ue5m3",
                          lowp_format_name(d->scale_format), (int)d->scale_format);
    LOWP_CHECK_ARG((int)d->scale_mode >= 0 && d->scale_mode <= LOWP_SCALE_RCEIL, "quant: unknown scale mode %d", (int)d->scale_mode);
    LOWP_CHECK_ARG(d->rounding == LOWP_ROUNDING_RNE || d->rounding == LOWP_ROUNDING_SR, "quant: unknown rounding %d", (int)d->rounding);
    LOWP_CHECK_ARG(d->overflow == LOWP_OVERFLOW_SATURATE || d->overflow == LOWP_OVERFLOW_NONSAT, "quant: unknown overflow %d", (int)d->overflow);
    if (d->layout != LOWP_BLOCK_COL)
        LOWP_CHECK_ARG(d->cols % d->block == 0, "quant: cols (%zu) must be a multiple of the block (%u)", d->cols, (unsigned)d->block);
    if (d->layout != LOWP_BLOCK_ROW)
        LOWP_CHECK_ARG(d->rows % d->block == 0, "quant: rows (%zu) must be a multiple of the block (%u)", d->rows, (unsigned)d->block);
    LOWP_CHECK_ARG(d->rows <= ((size_t)1 << 40) / d->cols, "quant: rows*cols too large");
    return LOWP_OK;
}

lowp_status lowp_quant_check_quantize(const struct lowp_quant_desc *d, const float *x, const uint8_t *codes,
                                      const uint8_t *scales, const float *tensor_scale)
{
    LOWP_TRY(lowp_quant_check(d));
    LOWP_CHECK_NOT_NULL(x);
    LOWP_CHECK_NOT_NULL(codes);
    LOWP_CHECK_NOT_NULL(scales);
    if (lowp_quant_two_level(d))
        LOWP_CHECK_NOT_NULL(tensor_scale);
    return LOWP_OK;
}

lowp_status lowp_quant_check_fake(const struct lowp_quant_desc *d, const float *x, const float *y)
{
    LOWP_TRY(lowp_quant_check(d));
    LOWP_CHECK_NOT_NULL(x);
    LOWP_CHECK_NOT_NULL(y);
    return LOWP_OK;
}

lowp_status lowp_quant_check_dequantize(const struct lowp_quant_desc *d, const uint8_t *codes,
                                        const uint8_t *scales, const float *y)
{
    LOWP_TRY(lowp_quant_check(d));
    LOWP_CHECK_NOT_NULL(codes);
    LOWP_CHECK_NOT_NULL(scales);
    LOWP_CHECK_NOT_NULL(y);
    return LOWP_OK;
}

lowp_status lowp_quant_sizes(const struct lowp_quant_desc *d, size_t *code_bytes, size_t *scale_count)
{
    LOWP_TRY(lowp_quant_check(d));
    LOWP_CHECK_NOT_NULL(code_bytes);
    LOWP_CHECK_NOT_NULL(scale_count);
    *code_bytes = d->rows * d->cols * lowp_format_bits(d->elem_format) / 8;
    *scale_count = lowp_quant_nblocks(d);
    return LOWP_OK;
}

static struct lowp_quant_desc base_desc(size_t rows, size_t cols)
{
    struct lowp_quant_desc d;
    memset(&d, 0, sizeof d);
    d.rows = rows; d.cols = cols; d.ld = cols;
    d.layout = LOWP_BLOCK_ROW;
    d.rounding = LOWP_ROUNDING_RNE;
    d.overflow = LOWP_OVERFLOW_SATURATE;
    d.tensor_amax = -1.0f;
    return d;
}

struct lowp_quant_desc lowp_quant_desc_mx(size_t rows, size_t cols, enum lowp_format elem)
{
    struct lowp_quant_desc d = base_desc(rows, cols);
    d.block = 32; d.elem_format = elem; d.scale_format = LOWP_FORMAT_E8M0; d.scale_mode = LOWP_SCALE_FLOOR;
    return d;
}

struct lowp_quant_desc lowp_quant_desc_nvfp4(size_t rows, size_t cols)
{
    struct lowp_quant_desc d = base_desc(rows, cols);
    d.block = 16; d.elem_format = LOWP_FORMAT_E2M1; d.scale_format = LOWP_FORMAT_UE4M3;
    return d;
}

void lowp_quant_stats_finish(struct lowp_quant_stats *s)
{
    s->rel_rms = s->ref_sq > 0.0 ? sqrt(s->err_sq / s->ref_sq) : 0.0;
    s->snr_db = s->err_sq > 0.0 ? 10.0 * log10(s->ref_sq / s->err_sq) : HUGE_VAL;
}

lowp_status lowp_quant_tensor_decode_scale(const struct lowp_quant_desc *d, float tensor_amax, float *s_dec)
{
    LOWP_TRY(lowp_quant_check(d));
    LOWP_CHECK_NOT_NULL(s_dec);
    LOWP_CHECK_ARG(lowp_quant_two_level(d), "quant: tensor scale requires a ue4m3/ue5m3 scale format");
    uint32_t se, sd, mult;
    lowp_cc_tensor_scale(lowp_f32_bits(tensor_amax), (int32_t)d->scale_format, (int32_t)d->elem_format, &se, &sd, &mult);
    *s_dec = lowp_f32_from_bits(sd);
    return LOWP_OK;
}
