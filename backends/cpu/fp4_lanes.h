/* fp4_lanes.h — NVFP4's element step (two-level E2M1: clamp(x * enc) ->
 * code -> (value * scale) * s_dec) for a whole block at once, as straight
 * lines of integer and float operations with no branch per element, so the
 * compiler can keep every lane in a vector register.
 *
 * Same bits as the codec (kernels/codec.cl). Each lane computes the codec's
 * own fast path: lowp_cc_f32_mul uses the hardware product when operands and
 * result are normal, and lowp_cc_encode_bits encodes a normal input with
 * at most 31 discarded bits by one add and one shift. A lane outside those
 * cases (a zero product from underflow, a subnormal, Inf/NaN, or a value
 * below 2^-9 that would discard more than 31 bits) is marked and redone
 * with the codec afterwards: rare in real tensors, and always exact.
 * Zero inputs are handled in the lanes (the codec gives a signed zero). */
#ifndef LOWP_CPU_FP4_LANES_H
#define LOWP_CPU_FP4_LANES_H

#include <stddef.h>
#include <stdint.h>

#include "formats/codec.h"
#include "formats/quant.h"

/* E2M1 constants: 6.0 is the largest value; codes are sign << 3 | mag. */
#define LOWP_FP4_EMAX_BITS 0x40C00000u

static inline int lowp_fp4_f32_is_normal(uint32_t b)
{
    return ((b >> 23) & 0xFFu) - 1u < 254u;
}

/* v[k] = x[k] * enc (fp32), code[k] = the E2M1 code of clamp(v[k], +-6)
 * rounded RNE, or stochastically with rw[k] (sr != 0; rw is read either
 * way, so it must hold n words). n <= LOWP_QUANT_MAX_BLOCK_LEN; enc must
 * be normal (lowp_fp4_f32_is_normal). Shift counts are masked to 0..31 so
 * that lanes that will be redone stay defined behaviour. */
static inline void lowp_fp4_encode2_lanes(const uint32_t *x, size_t n, uint32_t enc, int sr, const uint32_t *rw,
                                          uint32_t *v, uint32_t *code)
{
    const float encf = lowp_f32_from_bits(enc);
    uint32_t redo = 0u;
    uint8_t bad[LOWP_QUANT_MAX_BLOCK_LEN];
    for (size_t k = 0; k < n; ++k) {
        const uint32_t xb = x[k];
        const uint32_t vb = lowp_f32_bits(lowp_f32_from_bits(xb) * encf);
        const uint32_t sign = vb >> 31;
        uint32_t av = vb & 0x7FFFFFFFu;
        av = av > LOWP_FP4_EMAX_BITS ? LOWP_FP4_EMAX_BITS : av;
        const int32_t l = (int32_t)(av >> 23) - 127; /* binade of |v| */
        const uint32_t below = l < 0 ? (uint32_t)-l : 0u;
        const uint32_t sh = (22u + below) & 31u;     /* masked: lanes past 31 are redone */
        const uint32_t m = (av & 0x7FFFFFu) | 0x800000u;
        const uint32_t add = sr ? rw[k] >> ((32u - sh) & 31u) : (1u << ((sh - 1u) & 31u)) - 1u + ((m >> sh) & 1u);
        uint32_t mag = (m + add) >> sh;
        mag += l >= 0 ? (uint32_t)l << 1 : 0u;
        const uint32_t zero = (xb & 0x7FFFFFFFu) == 0u;
        const uint32_t ok = zero | (lowp_fp4_f32_is_normal(xb) & lowp_fp4_f32_is_normal(vb) & (below <= 9u));
        code[k] = (zero ? 0u : mag) | (sign << 3);
        v[k] = vb;
        bad[k] = (uint8_t)(ok ^ 1u);
        redo |= ok ^ 1u;
    }
    if (redo)
        for (size_t k = 0; k < n; ++k)
            if (bad[k]) {
                v[k] = lowp_cc_f32_mul(x[k], enc);
                code[k] = lowp_cc_elem_encode2_scaled(LOWP_CC_E2M1, v[k], LOWP_FP4_EMAX_BITS, sr, rw[k]);
            }
}

/* y[k] = (value(code[k]) * scale) * s_dec as fp32 bits, the codec's
 * lowp_cc_elem_decode2_value. scale_bits and s_dec must be normal; when a
 * result is subnormal or overflows, the block is redone with the codec. */
static inline void lowp_fp4_decode2_lanes(const uint32_t *code, size_t n, uint32_t scale_bits, uint32_t s_dec,
                                          uint32_t *y)
{
    static const float val[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                                  -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
    const float sf = lowp_f32_from_bits(scale_bits), df = lowp_f32_from_bits(s_dec);
    uint32_t redo = 0u;
    for (size_t k = 0; k < n; ++k) {
        y[k] = lowp_f32_bits((val[code[k] & 15u] * sf) * df);
        const uint32_t e = y[k] & 0x7F800000u;
        redo |= (e == 0u && (y[k] & 0x7FFFFFu) != 0u) | (e == 0x7F800000u);
    }
    if (redo)
        for (size_t k = 0; k < n; ++k)
            y[k] = lowp_cc_elem_decode2_value(LOWP_CC_E2M1, code[k], scale_bits, s_dec);
}

#endif
