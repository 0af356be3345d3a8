/* formats_ref.c — the reference: plain loops, one stage at a time.
 * 1) block amax (integer compare of |x| bits, NaN/Inf poisons the block),
 * 2) one scale per block, 3) every element encoded with the codec of
 * kernels/codec.cl, 4) statistics summed block by block in block
 * order, element by element in block-local order (the fast path sums in the
 * same order, so statistics are bit-identical too). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/philox.h"
/* The reference defines the bits: software codec only (kernels/codec.cl). */
#define LOWP_CC_SOFT_ONLY 1
#include "formats/codec.h"
#include "formats/quant.h"
#include "ref/formats_ref.h"

static uint32_t cast_one(const struct lowp_cast_desc *d, float x, size_t i)
{
    int sr = d->rounding == LOWP_ROUNDING_SR;
    uint32_t rb = sr ? lowp_philox_word(d->seed, d->stream, d->index_base + i) : 0u;
    return lowp_cc_encode_bits((int32_t)d->format, lowp_f32_bits(x), 0, sr, rb, d->overflow == LOWP_OVERFLOW_NONSAT);
}

lowp_status lowp_ref_cast_encode(const struct lowp_cast_desc *d, const float *x, void *codes)
{
    LOWP_TRY(lowp_cast_check(d, x, codes));
    unsigned nb = lowp_format_code_bytes(d->format);
    for (size_t i = 0; i < d->n; ++i) {
        uint32_t c = cast_one(d, x[i], i);
        if (nb == 1) ((uint8_t *)codes)[i] = (uint8_t)c;
        else if (nb == 2) ((uint16_t *)codes)[i] = (uint16_t)c;
        else ((uint32_t *)codes)[i] = c;
    }
    return LOWP_OK;
}

lowp_status lowp_ref_cast_decode(const struct lowp_cast_desc *d, const void *codes, float *y)
{
    LOWP_TRY(lowp_cast_check(d, codes, y));
    unsigned nb = lowp_format_code_bytes(d->format);
    for (size_t i = 0; i < d->n; ++i) {
        uint32_t c = nb == 1 ? ((const uint8_t *)codes)[i] : nb == 2 ? ((const uint16_t *)codes)[i]
                                                                     : ((const uint32_t *)codes)[i];
        y[i] = lowp_f32_from_bits(lowp_cc_decode_bits((int32_t)d->format, c));
    }
    return LOWP_OK;
}

lowp_status lowp_ref_cast_round(const struct lowp_cast_desc *d, const float *x, float *y)
{
    LOWP_TRY(lowp_cast_check(d, x, y));
    for (size_t i = 0; i < d->n; ++i)
        y[i] = lowp_f32_from_bits(lowp_cc_decode_bits((int32_t)d->format, cast_one(d, x[i], i)));
    return LOWP_OK;
}

/* ---------------- block quantization ---------------- */

/* |x| bits, or a NaN pattern for NaN/Inf (so it wins every integer max). */
static uint32_t abs_bits_poison(float x)
{
    uint32_t a = lowp_f32_bits(x) & 0x7FFFFFFFu;
    return a >= 0x7F800000u ? 0x7FC00000u : a;
}

/* The tensor-level scale of the two-level scheme (s_enc, s_dec, mult). */
static void tensor_scale_of(const struct lowp_quant_desc *d, const float *x, uint32_t ts[3])
{
    uint32_t amax;
    if (d->tensor_amax >= 0.0f) {
        amax = lowp_f32_bits(d->tensor_amax);
    } else {                           /* amax over the finite elements */
        amax = 0u;
        for (size_t r = 0; r < d->rows; ++r)
            for (size_t c = 0; c < d->cols; ++c) {
                uint32_t a = lowp_f32_bits(x[r * d->ld + c]) & 0x7FFFFFFFu;
                if (a < 0x7F800000u && a > amax) amax = a;
            }
    }
    lowp_cc_tensor_scale(amax, (int32_t)d->scale_format, (int32_t)d->elem_format, &ts[0], &ts[1], &ts[2]);
}

/* Everything quantize/fake-quantize share: scales[] per block, and for each
 * element its code and dequantized value. codes/y/stats may be NULL. */
static lowp_status quantize_all(const struct lowp_quant_desc *d, const float *x, uint8_t *codes,
                                uint8_t *scales, float *tensor_scale, float *y,
                                struct lowp_quant_stats *stats)
{
    size_t nb = lowp_quant_nblocks(d), n = d->rows * d->cols;
    int32_t ef = (int32_t)d->elem_format, sf = (int32_t)d->scale_format;
    int two = lowp_quant_two_level(d), sr = d->rounding == LOWP_ROUNDING_SR;
    int nonsat = d->overflow == LOWP_OVERFLOW_NONSAT;
    unsigned bits = lowp_format_bits(d->elem_format);
    uint32_t *amax = calloc(nb, sizeof *amax);
    uint32_t *sc = malloc(nb * sizeof *sc);
    uint32_t *enc = malloc(nb * sizeof *enc);
    uint32_t *q = malloc(n * sizeof *q);
    float *yy = malloc(n * sizeof *yy);
    uint8_t *clip = malloc(n);
    if (!amax || !sc || !enc || !q || !yy || !clip) {
        free(amax); free(sc); free(enc); free(q); free(yy); free(clip);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "quant: out of host memory (%zu elements)", n);
    }
    /* 1) block amax */
    for (size_t r = 0; r < d->rows; ++r)
        for (size_t c = 0; c < d->cols; ++c) {
            size_t b = lowp_quant_block_of(d, r, c);
            uint32_t a = abs_bits_poison(x[r * d->ld + c]);
            if (a > amax[b]) amax[b] = a;
        }
    /* 2) scales */
    uint32_t ts[3] = {0x3F800000u, 0x3F800000u, 0x3F800000u};
    if (two) tensor_scale_of(d, x, ts);
    uint32_t emaxv = lowp_cc_max_bits(ef);
    for (size_t b = 0; b < nb; ++b) {
        if (two) {
            sc[b] = lowp_cc_block_scale2(amax[b], ts[2], sf, d->clamp_tiny_scale != 0);
            enc[b] = lowp_cc_block_enc2(sf, sc[b], ts[1]);
        } else {
            sc[b] = lowp_cc_e8m0_scale(amax[b], (int32_t)d->scale_mode, ef);
        }
    }
    /* 3) elements, row-major */
    for (size_t r = 0; r < d->rows; ++r)
        for (size_t c = 0; c < d->cols; ++c) {
            size_t b = lowp_quant_block_of(d, r, c), s = r * d->cols + c;
            uint32_t xb = lowp_f32_bits(x[r * d->ld + c]);
            uint32_t rb = sr ? lowp_philox_word(d->seed, d->stream, (uint64_t)s) : 0u;
            uint32_t code, yb;
            int clipped;
            if (two) {
                int nan_scale = sc[b] == lowp_cc_format(sf).nanmag; /* enc NaN: NaN codes */
                code = lowp_cc_elem_encode2(ef, xb, enc[b], sr, rb);
                yb = lowp_cc_elem_decode2(ef, code, sf, sc[b], ts[1]);
                clipped = !nan_scale && (lowp_cc_f32_mul(xb, enc[b]) & 0x7FFFFFFFu) > emaxv;
            } else {
                code = lowp_cc_elem_encode_mx(ef, xb, sc[b], sr, rb, nonsat);
                yb = lowp_cc_elem_decode_mx(ef, code, sc[b]);
                clipped = sc[b] != 0xFFu &&
                          fabs((double)x[r * d->ld + c]) > ldexp((double)lowp_f32_from_bits(emaxv), (int)sc[b] - 127);
            }
            q[s] = code;
            yy[s] = lowp_f32_from_bits(yb);
            clip[s] = (uint8_t)clipped;
        }
    /* outputs */
    if (scales)
        for (size_t b = 0; b < nb; ++b) scales[b] = (uint8_t)sc[b];
    if (tensor_scale && two) *tensor_scale = lowp_f32_from_bits(ts[1]);
    if (codes)
        for (size_t r = 0; r < d->rows; ++r)
            for (size_t c = 0; c < d->cols; ++c)
                lowp_pack_put(codes, bits, lowp_quant_storage(d, r, c), q[r * d->cols + c]);
    if (y)
        for (size_t r = 0; r < d->rows; ++r)
            for (size_t c = 0; c < d->cols; ++c) y[r * d->ld + c] = yy[r * d->cols + c];
    /* 4) statistics, block order then block-local order */
    if (stats) {
        struct lowp_quant_stats st;
        memset(&st, 0, sizeof st);
        size_t bl = lowp_quant_block_len(d);
        for (size_t b = 0; b < nb; ++b) {
            double e2 = 0.0, x2 = 0.0;
            for (size_t k = 0; k < bl; ++k) {
                size_t r, c;
                lowp_quant_elem(d, b, k, &r, &c);
                double xv = (double)x[r * d->ld + c], yv = (double)yy[r * d->cols + c];
                st.count++;
                if (!isfinite(xv) || !isfinite(yv)) { st.nonfinite++; continue; }
                if (xv == 0.0) st.zeros++;
                else if (yv == 0.0) st.underflows++;
                st.clipped += clip[r * d->cols + c];
                if (fabs(xv) > st.amax) st.amax = fabs(xv);
                e2 += (yv - xv) * (yv - xv);
                x2 += xv * xv;
            }
            st.err_sq += e2;
            st.ref_sq += x2;
        }
        lowp_quant_stats_finish(&st);
        *stats = st;
    }
    free(amax); free(sc); free(enc); free(q); free(yy); free(clip);
    return LOWP_OK;
}

lowp_status lowp_ref_quantize(const struct lowp_quant_desc *d, const float *x, uint8_t *codes,
                              uint8_t *scales, float *tensor_scale, struct lowp_quant_stats *stats)
{
    LOWP_TRY(lowp_quant_check_quantize(d, x, codes, scales, tensor_scale));
    return quantize_all(d, x, codes, scales, tensor_scale, NULL, stats);
}

lowp_status lowp_ref_fake_quantize(const struct lowp_quant_desc *d, const float *x, float *y,
                                   struct lowp_quant_stats *stats)
{
    LOWP_TRY(lowp_quant_check_fake(d, x, y));
    return quantize_all(d, x, NULL, NULL, NULL, y, stats);
}

lowp_status lowp_ref_dequantize(const struct lowp_quant_desc *d, const uint8_t *codes,
                                const uint8_t *scales, float tensor_scale, float *y)
{
    LOWP_TRY(lowp_quant_check_dequantize(d, codes, scales, y));
    int32_t ef = (int32_t)d->elem_format, sf = (int32_t)d->scale_format;
    unsigned bits = lowp_format_bits(d->elem_format);
    uint32_t sdec = lowp_f32_bits(tensor_scale);
    for (size_t r = 0; r < d->rows; ++r)
        for (size_t c = 0; c < d->cols; ++c) {
            size_t b = lowp_quant_block_of(d, r, c);
            uint32_t q = lowp_pack_get(codes, bits, lowp_quant_storage(d, r, c));
            uint32_t yb = lowp_quant_two_level(d) ? lowp_cc_elem_decode2(ef, q, sf, scales[b], sdec)
                                                  : lowp_cc_elem_decode_mx(ef, q, scales[b]);
            y[r * d->ld + c] = lowp_f32_from_bits(yb);
        }
    return LOWP_OK;
}
