/* block_vec.c — block quantization in eight 32-bit lanes (see
 * block_vec.h): NVFP4 (two-level E2M1, 16-element blocks) and MX with
 * E4M3, E5M2 or E2M1 elements (E8M0 scales, 32-element blocks). The
 * element steps are the codec's fast paths written on GCC/Clang vector
 * types, one encode and one decode for both (lowp_cc_encode_bits: for
 * NVFP4 on the clamped product x * enc, for MX with the scale as an
 * exponent shift):
 *   ROW    one block = B/8 vectors of 8 consecutive elements;
 *   TILE2D one BxB tile = B rows of B/8 vectors, one scale;
 *   COL    eight neighbouring columns side by side, one lane per block,
 *          B row vectors; scales per lane.
 * A group is either done entirely in lanes or handed, block by block, to
 * the scalar path before anything is written (so x may alias y). */
#include "block_vec.h"

#include <string.h>

#include "block_encode.h"
#include "core/philox.h"
#include "formats/codec.h"
#include "formats/quant.h"

/* x86: CMake builds this file with -mavx2 (per-lane variable shifts,
 * 8 x 32-bit integer lanes; the codec's scalar steps inlined here are
 * compiled for AVX2 too, so no SSE/AVX transitions), and formats_cpu.c calls
 * it only when the CPU has AVX2. Elsewhere: GCC/Clang vector extensions on
 * the target's own SIMD. */
#if defined(__GNUC__) && !defined(LOWP_NO_SIMD) && (defined(__AVX2__) || !(defined(__x86_64__) || defined(__i386__)))
#define BV_VEC 1
#endif

#ifdef BV_VEC

#ifdef __AVX2__
#include <immintrin.h>
#endif

typedef uint32_t v8u __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v8f __attribute__((vector_size(32)));

#define BV_INLINE static inline __attribute__((always_inline))

BV_INLINE v8u bv_load(const float *p)
{
    v8u v;
    memcpy(&v, p, sizeof v);
    return v;
}

BV_INLINE v8u bv_sel(v8u mask, v8u a, v8u b)
{
    return (a & mask) | (b & ~mask);
}

BV_INLINE v8u bv_umax(v8u a, v8u b)
{
    return bv_sel((v8u)(a > b), a, b);
}

/* all ones where the fp32 bits b are a normal number */
BV_INLINE v8u bv_normal(v8u b)
{
    return (v8u)((((b >> 23) & 0xFFu) - 1u) < 254u);
}

BV_INLINE uint32_t bv_any(v8u m)
{
    uint32_t a = 0u;
    for (int j = 0; j < 8; ++j)
        a |= m[j];
    return a;
}

/* |x| with NaN as 0x7FC00000, the order-free amax key of do_block */
BV_INLINE v8u bv_amax_key(v8u xb)
{
    const v8u a = xb & 0x7FFFFFFFu;
    return bv_sel((v8u)(a >= 0x7F800000u), (v8u){0} + 0x7FC00000u, a);
}

typedef uint64_t v4q __attribute__((vector_size(32)));

/* (hi, lo) halves of the 64-bit products M * a, lane by lane */
BV_INLINE void bv_mulhilo(v8u a, uint32_t mul, v8u *hi, v8u *lo)
{
#ifdef __AVX2__
    /* GCC does not find the 32 x 32 -> 64 multiply in the generic form */
    const __m256i m = _mm256_set1_epi32((int)mul), av = (__m256i)a;
    const __m256i even = _mm256_mul_epu32(av, m), odd = _mm256_mul_epu32(_mm256_srli_epi64(av, 32), m);
    *lo = (v8u)_mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    *hi = (v8u)_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
#else
    const v4q low = (v4q){0} + 0xFFFFFFFFu;
    const v4q even = ((v4q)a & low) * mul, odd = ((v4q)a >> 32) * mul;
    *lo = (v8u)((even & low) | (odd << 32));
    *hi = (v8u)((even >> 32) | (odd & ~low));
#endif
}

/* Philox4x32-10 blocks q[0..7] (src/core/philox.h) in eight lanes:
 * w[4j + i] = word i of block q[j]. */
BV_INLINE void bv_philox8(uint64_t seed, uint64_t stream, const uint64_t q[8], uint32_t w[32])
{
    v8u c0, c1, c2 = (v8u){0} + (uint32_t)stream, c3 = (v8u){0} + (uint32_t)(stream >> 32);
    for (int j = 0; j < 8; ++j) {
        c0[j] = (uint32_t)q[j];
        c1[j] = (uint32_t)(q[j] >> 32);
    }
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; ++r) {
        if (r > 0) {
            k0 += LOWP_PHILOX_W0;
            k1 += LOWP_PHILOX_W1;
        }
        v8u hi0, lo0, hi1, lo1;
        bv_mulhilo(c0, LOWP_PHILOX_M0, &hi0, &lo0);
        bv_mulhilo(c2, LOWP_PHILOX_M1, &hi1, &lo1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    for (int j = 0; j < 8; ++j) {
        w[4 * j] = c0[j];
        w[4 * j + 1] = c1[j];
        w[4 * j + 2] = c2[j];
        w[4 * j + 3] = c3[j];
    }
}

/* Random words of n (8, 16 or 32) consecutive Philox indices from each of
 * the rows runs idx0[i] (rows * n <= 32): rw[v] holds words 8v .. 8v+7 of
 * the runs laid end to end. Runs that start on a multiple of 4 share
 * one eight-lane Philox per eight blocks; others take the scalar path. */
BV_INLINE void bv_words(const struct lowp_quant_desc *d, const uint64_t *idx0, size_t rows, size_t n, v8u *rw)
{
    uint64_t q[8];
    uint32_t w[32];
    const size_t per = n / 4; /* Philox blocks per run */
    int aligned = 1;
    for (size_t i = 0; i < rows; ++i)
        aligned &= (idx0[i] & 3u) == 0u;
    if (aligned) {
        for (size_t j = 0; j < 8; ++j)
            q[j] = (idx0[j / per < rows ? j / per : 0] >> 2) + j % per;
        bv_philox8(d->seed, d->stream, q, w);
        memcpy(rw, w, rows * n * sizeof(uint32_t));
        return;
    }
    uint32_t *out = (uint32_t *)rw;
    for (size_t i = 0; i < rows; ++i)
        for (size_t k = 0; k < n; ++k)
            out[i * n + k] = lowp_philox_word(d->seed, d->stream, idx0[i] + k);
}

/* ---- element steps: the codec's fast paths on eight lanes ---- */

/* *code = lowp_cc_encode_bits(ef, x, esh, sr, rw, nonsat) for normal or
 * zero x (esh per lane, an exact power-of-two prescale): the codec's
 * integer fast path, plus lowp_cc_round's results for discarding more than
 * 31 bits (RNE gives 0; SR rounds up to the smallest code when the top 32
 * bits of the discarded fraction plus the word carry out of 32 bits) and
 * for overflow. Returns the lanes to redo with the codec (subnormal, Inf or
 * NaN x). */
BV_INLINE v8u bv_elem_encode(v8u xb, v8i esh, v8u rw, int sr, int nonsat, v8u *code, const int32_t ef)
{
    const lowp_cc_fmt p = lowp_cc_format(ef);
    const int32_t maxbin = (int32_t)(p.maxmag >> p.mbits) - p.bias;
    const v8u one = (v8u){0} + 1u;
    const v8u sign = xb >> 31, a = xb & 0x7FFFFFFFu, e = a >> 23;
    const v8i l = (v8i)e - 127 + esh;
    const v8u sub = (v8u)(l < p.emin);
    const v8u below = (v8u)(p.emin - l) & sub;
    const v8u sh = below + (uint32_t)(23 - p.mbits);
    const v8u m = (a & 0x7FFFFFu) | 0x800000u, s31 = sh & 31u;
    const v8u add = sr ? rw >> ((32u - sh) & 31u) : (one << ((sh - 1u) & 31u)) - 1u + ((m >> s31) & 1u);
    v8u mag = (m + add) >> s31;
    mag += (v8u)((l + (p.bias - 1)) << p.mbits) & ~sub;
    const v8u tiny = (v8u)(sh > 31u);
    if (sr) {
        const v8u dsh = sh - 32u;
        const v8u top = m >> bv_sel((v8u)(dsh > 31u), (v8u){0} + 31u, dsh);
        mag = bv_sel(tiny, (v8u)((rw + top) < rw) & 1u, mag);
    } else {
        mag &= ~tiny;
    }
    const uint32_t ovf = nonsat && p.kind == LOWP_CK_IEEE ? p.maxmag + 1u
                         : nonsat && p.kind == LOWP_CK_FN ? p.nanmag
                                                          : p.maxmag;
    mag = bv_sel((v8u)(l > maxbin) | (v8u)(mag > p.maxmag), (v8u){0} + ovf, mag);
    const v8u zero = (v8u)(a == 0u);
    mag &= ~zero;
    *code = (sign << (uint32_t)p.sbit) | mag;
    return ~(zero | bv_normal(xb));
}

/* fp32 bits of the value of each code (exact); *bad gets the NaN/Inf codes. */
BV_INLINE v8u bv_elem_value(v8u code, v8u *bad, const int32_t ef)
{
    const lowp_cc_fmt p = lowp_cc_format(ef);
    const v8u mag = code & ((1u << p.sbit) - 1u);
    const v8u ef_ = mag >> p.mbits, mf = mag & ((1u << p.mbits) - 1u);
    const v8u normal = ((ef_ + (uint32_t)(127 - p.bias)) << 23) | (mf << (23u - (uint32_t)p.mbits));
    /* subnormal codes: mf * 2^(emin - mbits), exact in fp32 */
    const float ulp = lowp_f32_from_bits((uint32_t)(127 + p.emin - p.mbits) << 23);
    const v8u subn = (v8u)(__builtin_convertvector((v8i)mf, v8f) * ulp);
    *bad |= (v8u)(mag > p.maxmag);
    return bv_sel((v8u)(ef_ == 0u), subn, normal) | ((code >> (uint32_t)p.sbit) << 31);
}

/* y as is; *bad gets the lanes where it is subnormal or not finite (the
 * codec would round or special-case them). */
BV_INLINE v8u bv_check_decoded(v8u y, v8u *bad)
{
    const v8u ye = y & 0x7F800000u;
    *bad |= ((v8u)(ye == 0u) & (v8u)((y & 0x7FFFFFu) != 0u)) | (v8u)(ye == 0x7F800000u);
    return y;
}

/* NVFP4 (two-level E2M1), as lowp_cc_elem_encode2_scaled: v = x * enc
 * (the hardware product, which the codec also uses when x, enc and v are
 * normal), clamped to +-6, then the E2M1 fast path with no shift. Lanes
 * with a subnormal, Inf or NaN x or product are redone with the codec. */
BV_INLINE v8u bv_encode_nv(v8u xb, v8f encf, v8u rw, int sr, v8u *code)
{
    const v8u vb = (v8u)((v8f)xb * encf);
    const v8u v = bv_sel((v8u)((vb & 0x7FFFFFFFu) > LOWP_FP4_EMAX_BITS), (vb & 0x80000000u) | LOWP_FP4_EMAX_BITS, vb);
    (void)bv_elem_encode(v, (v8i){0}, rw, sr, 0, code, LOWP_CC_E2M1);
    const v8u zero = (v8u)((xb & 0x7FFFFFFFu) == 0u);
    return ~(zero | (bv_normal(xb) & bv_normal(vb)));
}

/* The codec's decode2 value: (value(code) * sf) * df. */
BV_INLINE v8u bv_decode_nv(v8u code, v8f sf, v8f df, v8u *bad)
{
    const v8u v = bv_elem_value(code, bad, LOWP_CC_E2M1);
    return bv_check_decoded((v8u)(((v8f)v * sf) * df), bad);
}

/* MX decode: value(code) * 2^(byte - 127) (scale normal), exact. */
BV_INLINE v8u bv_decode_mx(v8u code, v8f scale, v8u *bad, const int32_t ef)
{
    const v8u v = bv_elem_value(code, bad, ef);
    return bv_check_decoded((v8u)((v8f)v * scale), bad);
}

/* ---- one block's scale and element steps, by kind ---- */

enum bv_kind { BV_NVFP4, BV_MX };

/* Scale of a block with amax key a: *sc the stored byte, *p1 the element
 * step's parameter (NVFP4: the prescale; MX: the exponent shift), *p2 the
 * decode factor (NVFP4: the decoded scale; MX: 2^(byte - 127)); 0 when the
 * lanes cannot take the block. */
BV_INLINE int bv_scale(const struct lowp_quant_desc *d, uint32_t a, const uint32_t ts[3], int decode, uint32_t *sc,
                       uint32_t *p1, uint32_t *p2, const enum bv_kind kind, const int32_t ef, const int32_t sf)
{
    if (kind == BV_NVFP4) {
        lowp_cpu_block_scale_two_level(d, a, ts, sc, p1, p2, sf);
        return lowp_fp4_f32_is_normal(*p1) &&
               (!decode || (lowp_fp4_f32_is_normal(*p2) && lowp_fp4_f32_is_normal(ts[1])));
    }
    *sc = lowp_cc_e8m0_scale(a, (int32_t)d->scale_mode, ef);
    *p1 = (uint32_t)(127 - (int32_t)*sc);
    *p2 = *sc << 23;
    return *sc != 0xFFu && (!decode || *sc != 0u);
}

BV_INLINE v8u bv_encode(const struct lowp_quant_desc *d, v8u xb, v8u p1, v8u rw, int sr, v8u *code,
                        const enum bv_kind kind, const int32_t ef)
{
    if (kind == BV_NVFP4)
        return bv_encode_nv(xb, (v8f)p1, rw, sr, code);
    /* MX: lowp_cc_encode_bits(elem, x, 127 - scale byte) */
    return bv_elem_encode(xb, (v8i)p1, rw, sr, d->overflow == LOWP_OVERFLOW_NONSAT, code, ef);
}

BV_INLINE v8u bv_decode(v8u code, v8u p2, v8f df, v8u *bad, const enum bv_kind kind, const int32_t ef)
{
    if (kind == BV_NVFP4)
        return bv_decode_nv(code, (v8f)p2, df, bad);
    return bv_decode_mx(code, (v8f)p2, bad, ef);
}

/* Codes of eight elements, and their decoded values when decode; lanes
 * to redo are or-ed into *bad. */
BV_INLINE void bv_step(const struct lowp_quant_desc *d, v8u xb, v8u p1, v8u p2, v8f df, v8u rw, int sr, int decode,
                       v8u *code, v8u *yb, v8u *bad, const enum bv_kind kind, const int32_t ef)
{
    *bad |= bv_encode(d, xb, p1, rw, sr, code, kind, ef);
    if (decode)
        *yb = bv_decode(*code, p2, df, bad, kind, ef);
}

/* The words of n elements from column c0 in each of the rows r .. r + nr - 1
 * (nr * n <= 32), as bv_words lays them out. */
BV_INLINE void bv_row_words(const struct lowp_quant_desc *d, size_t r, size_t nr, size_t c0, size_t n, v8u *rw)
{
    uint64_t idx0[4] = {0, 0, 0, 0};
    for (size_t t = 0; t < nr; ++t)
        idx0[t] = (uint64_t)(r + t) * d->cols + c0;
    bv_words(d, idx0, nr, n, rw);
}

/* Eight consecutive codes of one block to their packed bytes at element
 * storage index s (a multiple of 8): one byte each, or nibbles. */
BV_INLINE void bv_pack8(v8u c, uint8_t *codes, size_t s, const unsigned bits)
{
    if (bits == 8) {
        for (int i = 0; i < 8; ++i)
            codes[s + (size_t)i] = (uint8_t)c[i];
    } else {
        for (int i = 0; i < 4; ++i)
            codes[s / 2 + (size_t)i] = (uint8_t)(c[2 * i] | (c[2 * i + 1] << 4));
    }
}

/* n rows of B elements starting at (r0, c0) with one scale: a ROW block
 * (n = 1) or a TILE2D tile (n = B). */
BV_INLINE int bv_rows(const struct lowp_quant_desc *d, const float *x, size_t r0, size_t c0, size_t n, size_t b,
                      const uint32_t ts[3], uint8_t *codes, uint8_t *scales, float *y, const enum bv_kind kind,
                      const int32_t ef, const int32_t sf, const size_t B)
{
    enum { MAXV = 32 * 4 };
    const size_t nv = B / 8; /* vectors per row */
    v8u xv[MAXV], cv[MAXV], yv[MAXV];
    v8u amax = {0};
    for (size_t i = 0; i < n; ++i)
        for (size_t t = 0; t < nv; ++t) {
            xv[i * nv + t] = bv_load(x + (r0 + i) * d->ld + c0 + 8 * t);
            amax = bv_umax(amax, bv_amax_key(xv[i * nv + t]));
        }
    uint32_t a = 0u, sc, p1, p2;
    for (int j = 0; j < 8; ++j)
        a = amax[j] > a ? amax[j] : a;
    if (!bv_scale(d, a, ts, y != NULL, &sc, &p1, &p2, kind, ef, sf))
        return 0;
    const int sr = d->rounding == LOWP_ROUNDING_SR;
    const v8u p1v = (v8u){0} + p1, p2v = (v8u){0} + p2;
    const v8f df = (v8f)((v8u){0} + ts[1]);
    const size_t runs = 32 / B; /* rows whose random words one eight-lane Philox gives */
    v8u bad = {0}, rw = {0}, rws[4];
    for (size_t v = 0; v < n * nv; ++v) {
        if (sr) {
            if (v % 4 == 0) {
                const size_t i = v / nv;
                bv_row_words(d, r0 + i, n - i < runs ? n - i : runs, c0, B, rws);
            }
            rw = rws[v % 4];
        }
        bv_step(d, xv[v], p1v, p2v, df, rw, sr, y != NULL, &cv[v], &yv[v], &bad, kind, ef);
    }
    if (bv_any(bad))
        return 0;
    if (scales)
        scales[b] = (uint8_t)sc;
    const unsigned bits = lowp_cc_elem_bits(ef);
    for (size_t i = 0; i < n; ++i) {
        const size_t r = r0 + i;
        for (size_t t = 0; t < nv; ++t) {
            if (codes)
                bv_pack8(cv[i * nv + t], codes, r * d->cols + c0 + 8 * t, bits);
            if (y)
                memcpy(y + r * d->ld + c0 + 8 * t, &yv[i * nv + t], 32);
        }
    }
    return 1;
}

/* Eight COL blocks side by side: columns c0 .. c0 + 7, rows r0 .. r0 + B - 1. */
BV_INLINE int bv_cols(const struct lowp_quant_desc *d, const float *x, size_t r0, size_t c0, const uint32_t ts[3],
                      uint8_t *codes, uint8_t *scales, float *y, const enum bv_kind kind, const int32_t ef,
                      const int32_t sf, const size_t B)
{
    v8u xv[32], cv[32], yv[32];
    v8u amax = {0};
    for (size_t i = 0; i < B; ++i) {
        xv[i] = bv_load(x + (r0 + i) * d->ld + c0);
        amax = bv_umax(amax, bv_amax_key(xv[i]));
    }
    v8u p1v, p2v, scv;
    for (int j = 0; j < 8; ++j) {
        uint32_t sc, p1, p2;
        if (!bv_scale(d, amax[j], ts, y != NULL, &sc, &p1, &p2, kind, ef, sf))
            return 0;
        scv[j] = sc;
        p1v[j] = p1;
        p2v[j] = p2;
    }
    const int sr = d->rounding == LOWP_ROUNDING_SR;
    const v8f df = (v8f)((v8u){0} + ts[1]);
    v8u bad = {0}, rw = {0}, rws[4];
    for (size_t i = 0; i < B; ++i) {
        if (sr) {
            if (i % 4 == 0)
                bv_row_words(d, r0 + i, 4, c0, 8, rws);
            rw = rws[i % 4];
        }
        bv_step(d, xv[i], p1v, p2v, df, rw, sr, y != NULL, &cv[i], &yv[i], &bad, kind, ef);
    }
    if (bv_any(bad))
        return 0;
    const size_t bands = d->rows / B;
    const unsigned bits = lowp_cc_elem_bits(ef);
    for (int j = 0; j < 8; ++j) {
        const size_t c = c0 + (size_t)j;
        if (scales)
            scales[c * bands + r0 / B] = (uint8_t)scv[j];
        if (codes)
            for (size_t i = 0; i < B; i += 8) {
                v8u col;
                for (int k = 0; k < 8; ++k)
                    col[k] = cv[i + (size_t)k][j];
                bv_pack8(col, codes, c * d->rows + r0 + i, bits);
            }
    }
    if (y)
        for (size_t i = 0; i < B; ++i)
            memcpy(y + (r0 + i) * d->ld + c0, &yv[i], 32);
    return 1;
}

/* One instance per (kind, element format, scale format, block), with the
 * codec folded for it (called from inside the OpenMP loops: an outlined
 * region would get them as run-time values). */
typedef int (*bv_rows_fn)(const struct lowp_quant_desc *, const float *, size_t, size_t, size_t, size_t,
                          const uint32_t[3], uint8_t *, uint8_t *, float *);
typedef int (*bv_cols_fn)(const struct lowp_quant_desc *, const float *, size_t, size_t, const uint32_t[3],
                          uint8_t *, uint8_t *, float *);
#define BV_INSTANCE(KIND, EF, SF, B, NAME)                                                                    \
    __attribute__((flatten)) static int bv_rows_##NAME(const struct lowp_quant_desc *d, const float *x,      \
                                                       size_t r0, size_t c0, size_t n, size_t b,             \
                                                       const uint32_t ts[3], uint8_t *codes, uint8_t *scales, \
                                                       float *y)                                              \
    { return bv_rows(d, x, r0, c0, n, b, ts, codes, scales, y, KIND, EF, SF, B); }                            \
    __attribute__((flatten)) static int bv_cols_##NAME(const struct lowp_quant_desc *d, const float *x,      \
                                                       size_t r0, size_t c0, const uint32_t ts[3],           \
                                                       uint8_t *codes, uint8_t *scales, float *y)             \
    { return bv_cols(d, x, r0, c0, ts, codes, scales, y, KIND, EF, SF, B); }
BV_INSTANCE(BV_NVFP4, LOWP_CC_E2M1, LOWP_CC_UE4M3, 16, nvfp4_ue4m3)
BV_INSTANCE(BV_NVFP4, LOWP_CC_E2M1, LOWP_CC_UE5M3, 16, nvfp4_ue5m3)
BV_INSTANCE(BV_MX, LOWP_CC_E4M3, LOWP_CC_E8M0, 32, mx_e4m3)
BV_INSTANCE(BV_MX, LOWP_CC_E5M2, LOWP_CC_E8M0, 32, mx_e5m2)
BV_INSTANCE(BV_MX, LOWP_CC_E2M1, LOWP_CC_E8M0, 32, mx_e2m1)

/* The instance for d, or 0 (d is not one of the shapes above). */
static int bv_pick(const struct lowp_quant_desc *d, bv_rows_fn *rows, bv_cols_fn *cols)
{
    if (d->scale_format == LOWP_FORMAT_UE4M3 || d->scale_format == LOWP_FORMAT_UE5M3) {
        if (d->elem_format != LOWP_FORMAT_E2M1 || d->block != 16)
            return 0;
        const int ue5 = d->scale_format == LOWP_FORMAT_UE5M3;
        *rows = ue5 ? bv_rows_nvfp4_ue5m3 : bv_rows_nvfp4_ue4m3;
        *cols = ue5 ? bv_cols_nvfp4_ue5m3 : bv_cols_nvfp4_ue4m3;
        return 1;
    }
    if (d->scale_format != LOWP_FORMAT_E8M0 || d->block != 32)
        return 0;
    switch (d->elem_format) {
    case LOWP_FORMAT_E4M3: *rows = bv_rows_mx_e4m3; *cols = bv_cols_mx_e4m3; return 1;
    case LOWP_FORMAT_E5M2: *rows = bv_rows_mx_e5m2; *cols = bv_cols_mx_e5m2; return 1;
    case LOWP_FORMAT_E2M1: *rows = bv_rows_mx_e2m1; *cols = bv_cols_mx_e2m1; return 1;
    default: return 0;
    }
}

static void bv_run(const struct lowp_quant_desc *d, const float *x, const uint32_t ts[3], uint8_t *codes,
                   uint8_t *scales, float *y, lowp_cpu_block_vec_scalar_fn scalar, bv_rows_fn rows, bv_cols_fn cols)
{
    const size_t B = d->block;
    if (d->layout == LOWP_BLOCK_COL) {
        /* group g: column group g % ngc (the last one may be narrower than
         * 8: scalar), row band g / ngc */
        const size_t bands = d->rows / B, ngc = (d->cols + 7) / 8;
        const long long ng = (long long)(bands * ngc);
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (long long g = 0; g < ng; ++g) {
            const size_t band = (size_t)g / ngc, c0 = ((size_t)g % ngc) * 8;
            if (c0 + 8 <= d->cols && cols(d, x, band * B, c0, ts, codes, scales, y))
                continue;
            for (size_t c = c0; c < c0 + 8 && c < d->cols; ++c)
                scalar(d, x, c * bands + band, ts, codes, scales, y);
        }
        return;
    }
    const int tile = d->layout == LOWP_BLOCK_TILE2D;
    const size_t nbc = d->cols / B;
    const long long nb = (long long)lowp_quant_nblocks(d);
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
    for (long long it = 0; it < nb; ++it) {
        const size_t b = (size_t)it, r0 = tile ? (b / nbc) * B : b / nbc, c0 = (b % nbc) * B;
        if (!rows(d, x, r0, c0, tile ? B : 1, b, ts, codes, scales, y))
            scalar(d, x, b, ts, codes, scales, y);
    }
}

#endif /* BV_VEC */

int lowp_cpu_block_vec_compiled(void)
{
#ifdef BV_VEC
    return 1;
#else
    return 0;
#endif
}

int lowp_cpu_block_vec_takes(const struct lowp_quant_desc *d)
{
#ifdef BV_VEC
    bv_rows_fn rows;
    bv_cols_fn cols;
    return bv_pick(d, &rows, &cols);
#else
    (void)d;
    return 0;
#endif
}

void lowp_cpu_block_vec_run(const struct lowp_quant_desc *d, const float *x, const uint32_t ts[3], uint8_t *codes,
                            uint8_t *scales, float *y, lowp_cpu_block_vec_scalar_fn scalar)
{
#ifdef BV_VEC
    bv_rows_fn rows;
    bv_cols_fn cols;
    if (bv_pick(d, &rows, &cols)) {
        bv_run(d, x, ts, codes, scales, y, scalar, rows, cols);
        return;
    }
#endif
    for (size_t b = 0; b < lowp_quant_nblocks(d); ++b)
        scalar(d, x, b, ts, codes, scales, y);
}
