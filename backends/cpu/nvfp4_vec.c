/* nvfp4_vec.c — NVFP4 block quantization in eight 32-bit lanes (see
 * nvfp4_vec.h). Same integer and fp32 operations per element as
 * fp4_lanes.h, written on GCC/Clang vector types:
 *   ROW    one block = two vectors of 8 consecutive elements;
 *   TILE2D one 16x16 tile = 32 vectors (two per row), one scale;
 *   COL    eight neighbouring columns side by side, one lane per block,
 *          16 row vectors; scales per lane.
 * A group is either done entirely in lanes or handed, block by block, to
 * the scalar path before anything is written (so x may alias y). */
#include "nvfp4_vec.h"

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
#define NV_VEC 1
#endif

#ifdef NV_VEC

#ifdef __AVX2__
#include <immintrin.h>
#endif

typedef uint32_t v8u __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v8f __attribute__((vector_size(32)));

#define NV_INLINE static inline __attribute__((always_inline))

NV_INLINE v8u nv_load(const float *p)
{
    v8u v;
    memcpy(&v, p, sizeof v);
    return v;
}

NV_INLINE v8u nv_sel(v8u mask, v8u a, v8u b)
{
    return (a & mask) | (b & ~mask);
}

NV_INLINE v8u nv_umax(v8u a, v8u b)
{
    return nv_sel((v8u)(a > b), a, b);
}

/* all ones where the fp32 bits b are a normal number */
NV_INLINE v8u nv_normal(v8u b)
{
    return (v8u)((((b >> 23) & 0xFFu) - 1u) < 254u);
}

NV_INLINE uint32_t nv_any(v8u m)
{
    uint32_t a = 0u;
    for (int j = 0; j < 8; ++j)
        a |= m[j];
    return a;
}

/* |x| with NaN as 0x7FC00000, the order-free amax key of do_block */
NV_INLINE v8u nv_amax_key(v8u xb)
{
    const v8u a = xb & 0x7FFFFFFFu;
    return nv_sel((v8u)(a >= 0x7F800000u), (v8u){0} + 0x7FC00000u, a);
}

/* fp4_lanes.h's element step on eight lanes: *code = E2M1 code of
 * clamp(x * enc, +-6) (RNE, or SR with rw when sr), returns the lanes that
 * left the fast cases (all ones = redo with the codec): a subnormal, Inf
 * or NaN x or product. Unlike fp4_lanes.h, products below 2^-9 stay in
 * the lanes (small elements are common in activations and gradients). */
NV_INLINE v8u nv_encode(v8u xb, v8f encf, v8u rw, int sr, v8u *code)
{
    const v8u one = (v8u){0} + 1u;
    const v8u vb = (v8u)((v8f)xb * encf);
    const v8u sign = vb >> 31;
    v8u av = vb & 0x7FFFFFFFu;
    av = nv_sel((v8u)(av > LOWP_FP4_EMAX_BITS), (v8u){0} + LOWP_FP4_EMAX_BITS, av);
    const v8i l = (v8i)(av >> 23) - 127;
    const v8u neg = (v8u)(l < 0);
    const v8u below = (v8u)(-l) & neg;
    const v8u sh = (below + 22u) & 31u;
    const v8u m = (av & 0x7FFFFFu) | 0x800000u;
    const v8u add = sr ? rw >> ((32u - sh) & 31u) : (one << ((sh - 1u) & 31u)) - 1u + ((m >> sh) & 1u);
    v8u mag = (m + add) >> sh;
    mag += ((v8u)l << 1) & ~neg;
    /* |v| < 2^-9 discards more than 31 bits: lowp_cc_round keeps nothing;
     * RNE gives 0, SR rounds up to the smallest code when the top 32 bits
     * of the discarded fraction plus the word carry out of 32 bits */
    const v8u tiny = (v8u)(below > 9u);
    if (sr) {
        const v8u d = below - 10u; /* (22 + below) - 32 */
        const v8u top = m >> nv_sel((v8u)(d > 31u), (v8u){0} + 31u, d);
        mag = nv_sel(tiny, (v8u)((rw + top) < rw) & 1u, mag);
    } else {
        mag &= ~tiny;
    }
    const v8u zero = (v8u)((xb & 0x7FFFFFFFu) == 0u);
    const v8u ok = zero | (nv_normal(xb) & nv_normal(vb));
    *code = (mag & ~zero) | (sign << 3);
    return ~ok;
}

/* (value(code) * sf) * df as fp32 bits, the codec's decode2 value; *bad:
 * lanes whose result is subnormal or not finite (redo with the codec). */
NV_INLINE v8u nv_decode(v8u code, v8f sf, v8f df, v8u *bad)
{
    const v8u mag = code & 7u;
    /* E2M1 magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6: 2^(e-1) * (1 + m/2) for
     * codes >= 2 (e = code >> 1), 0.5 for code 1 */
    v8u bits = ((126u + (mag >> 1)) << 23) | ((mag & 1u) << 22);
    bits = nv_sel((v8u)(mag == 1u), (v8u){0} + 0x3F000000u, bits);
    bits &= ~(v8u)(mag == 0u);
    bits |= (code >> 3) << 31;
    const v8u y = (v8u)(((v8f)bits * sf) * df);
    const v8u e = y & 0x7F800000u;
    *bad |= ((v8u)(e == 0u) & (v8u)((y & 0x7FFFFFu) != 0u)) | (v8u)(e == 0x7F800000u);
    return y;
}

typedef uint64_t v4q __attribute__((vector_size(32)));

/* (hi, lo) halves of the 64-bit products M * a, lane by lane */
NV_INLINE void nv_mulhilo(v8u a, uint32_t mul, v8u *hi, v8u *lo)
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
NV_INLINE void nv_philox8(uint64_t seed, uint64_t stream, const uint64_t q[8], uint32_t w[32])
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
        nv_mulhilo(c0, LOWP_PHILOX_M0, &hi0, &lo0);
        nv_mulhilo(c2, LOWP_PHILOX_M1, &hi1, &lo1);
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

/* Random words of n (8 or 16) consecutive Philox indices from idx0, for
 * each of the rows runs idx0[i] (rows <= 4): rw[v] holds words 8v .. 8v+7
 * of the runs laid end to end. Runs that start on a multiple of 4 share
 * one eight-lane Philox per eight blocks; others take the scalar path. */
NV_INLINE void nv_words(const struct lowp_quant_desc *d, const uint64_t *idx0, size_t rows, size_t n, v8u *rw)
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
        nv_philox8(d->seed, d->stream, q, w);
        memcpy(rw, w, rows * n * sizeof(uint32_t));
        return;
    }
    uint32_t *out = (uint32_t *)rw;
    for (size_t i = 0; i < rows; ++i)
        for (size_t k = 0; k < n; ++k)
            out[i * n + k] = lowp_philox_word(d->seed, d->stream, idx0[i] + k);
}

/* Nibbles of 16 codes (two vectors, element 2i in the low half) to 8 bytes. */
NV_INLINE void nv_pack16(v8u lo, v8u hi, uint8_t *out)
{
    for (int i = 0; i < 4; ++i) {
        out[i] = (uint8_t)(lo[2 * i] | (lo[2 * i + 1] << 4));
        out[4 + i] = (uint8_t)(hi[2 * i] | (hi[2 * i + 1] << 4));
    }
}

/* Scale of a block with amax key a; 0 when the lanes cannot take it. */
NV_INLINE int nv_scale(const struct lowp_quant_desc *d, uint32_t a, const uint32_t ts[3], int decode, uint32_t *sc,
                       uint32_t *enc, uint32_t *scale_bits, const int32_t sf)
{
    lowp_cpu_block_scale_two_level(d, a, ts, sc, enc, scale_bits, sf);
    return lowp_fp4_f32_is_normal(*enc) &&
           (!decode || (lowp_fp4_f32_is_normal(*scale_bits) && lowp_fp4_f32_is_normal(ts[1])));
}

/* n rows of 16 elements starting at (r0, c0) with one scale: a ROW block
 * (n = 1) or a TILE2D tile (n = 16). */
NV_INLINE int nv_rows(const struct lowp_quant_desc *d, const float *x, size_t r0, size_t c0, size_t n, size_t b,
                      const uint32_t ts[3], uint8_t *codes, uint8_t *scales, float *y, const int32_t sf)
{
    v8u xv[32], cv[32], yv[32];
    v8u amax = {0};
    for (size_t i = 0; i < n; ++i) {
        const float *p = x + (r0 + i) * d->ld + c0;
        xv[2 * i] = nv_load(p);
        xv[2 * i + 1] = nv_load(p + 8);
        amax = nv_umax(amax, nv_umax(nv_amax_key(xv[2 * i]), nv_amax_key(xv[2 * i + 1])));
    }
    uint32_t a = 0u, sc, enc, scale_bits;
    for (int j = 0; j < 8; ++j)
        a = amax[j] > a ? amax[j] : a;
    if (!nv_scale(d, a, ts, y != NULL, &sc, &enc, &scale_bits, sf))
        return 0;
    const int sr = d->rounding == LOWP_ROUNDING_SR;
    const v8f encf = (v8f)((v8u){0} + enc), sbf = (v8f)((v8u){0} + scale_bits), df = (v8f)((v8u){0} + ts[1]);
    v8u bad = {0}, rw = {0};
    v8u rws[4];
    for (size_t v = 0; v < 2 * n; ++v) {
        if (sr) {
            if (v % 4 == 0) { /* words of rows v/2 and v/2 + 1 */
                const size_t i = v / 2, nr = n - i < 2 ? n - i : 2;
                const uint64_t idx0[2] = {(uint64_t)(r0 + i) * d->cols + c0, (uint64_t)(r0 + i + 1) * d->cols + c0};
                nv_words(d, idx0, nr, 16, rws);
            }
            rw = rws[v % 4];
        }
        bad |= nv_encode(xv[v], encf, rw, sr, &cv[v]);
        if (y)
            yv[v] = nv_decode(cv[v], sbf, df, &bad);
    }
    if (nv_any(bad))
        return 0;
    if (scales)
        scales[b] = (uint8_t)sc;
    for (size_t i = 0; i < n; ++i) {
        const size_t r = r0 + i;
        if (codes)
            nv_pack16(cv[2 * i], cv[2 * i + 1], codes + (r * d->cols + c0) / 2);
        if (y) {
            memcpy(y + r * d->ld + c0, &yv[2 * i], 32);
            memcpy(y + r * d->ld + c0 + 8, &yv[2 * i + 1], 32);
        }
    }
    return 1;
}

/* Eight COL blocks side by side: columns c0 .. c0 + 7, rows r0 .. r0 + 15. */
NV_INLINE int nv_cols(const struct lowp_quant_desc *d, const float *x, size_t r0, size_t c0, const uint32_t ts[3],
                      uint8_t *codes, uint8_t *scales, float *y, const int32_t sf)
{
    v8u xv[16], cv[16], yv[16];
    v8u amax = {0};
    for (size_t i = 0; i < 16; ++i) {
        xv[i] = nv_load(x + (r0 + i) * d->ld + c0);
        amax = nv_umax(amax, nv_amax_key(xv[i]));
    }
    v8u encv, sbv, scv;
    for (int j = 0; j < 8; ++j) {
        uint32_t sc, enc, scale_bits;
        if (!nv_scale(d, amax[j], ts, y != NULL, &sc, &enc, &scale_bits, sf))
            return 0;
        scv[j] = sc;
        encv[j] = enc;
        sbv[j] = scale_bits;
    }
    const int sr = d->rounding == LOWP_ROUNDING_SR;
    const v8f df = (v8f)((v8u){0} + ts[1]);
    v8u bad = {0}, rw = {0};
    v8u rws[4];
    for (size_t i = 0; i < 16; ++i) {
        if (sr) {
            if (i % 4 == 0) { /* words of rows i .. i + 3 */
                uint64_t idx0[4];
                for (size_t t = 0; t < 4; ++t)
                    idx0[t] = (uint64_t)(r0 + i + t) * d->cols + c0;
                nv_words(d, idx0, 4, 8, rws);
            }
            rw = rws[i % 4];
        }
        bad |= nv_encode(xv[i], (v8f)encv, rw, sr, &cv[i]);
        if (y)
            yv[i] = nv_decode(cv[i], (v8f)sbv, df, &bad);
    }
    if (nv_any(bad))
        return 0;
    const size_t bands = d->rows / 16;
    for (int j = 0; j < 8; ++j) {
        const size_t c = c0 + (size_t)j;
        if (scales)
            scales[c * bands + r0 / 16] = (uint8_t)scv[j];
        if (codes) {
            uint8_t *out = codes + (c * d->rows + r0) / 2;
            for (int i = 0; i < 8; ++i)
                out[i] = (uint8_t)(cv[2 * i][j] | (cv[2 * i + 1][j] << 4));
        }
    }
    if (y)
        for (size_t i = 0; i < 16; ++i)
            memcpy(y + (r0 + i) * d->ld + c0, &yv[i], 32);
    return 1;
}

/* One instance per scale format, with the codec folded for it (called
 * from inside the OpenMP loops: an outlined region would get the format
 * as a run-time value). */
typedef int (*nv_rows_fn)(const struct lowp_quant_desc *, const float *, size_t, size_t, size_t, size_t,
                          const uint32_t[3], uint8_t *, uint8_t *, float *);
typedef int (*nv_cols_fn)(const struct lowp_quant_desc *, const float *, size_t, size_t, const uint32_t[3],
                          uint8_t *, uint8_t *, float *);
#define NV_INSTANCE(SF, NAME)                                                                                  \
    __attribute__((flatten)) static int nv_rows_##NAME(                                                                                                    \
        const struct lowp_quant_desc *d, const float *x, size_t r0, size_t c0, size_t n, size_t b,            \
        const uint32_t ts[3], uint8_t *codes, uint8_t *scales, float *y)                                      \
    { return nv_rows(d, x, r0, c0, n, b, ts, codes, scales, y, SF); }                                         \
    __attribute__((flatten)) static int nv_cols_##NAME(                                                                                                    \
        const struct lowp_quant_desc *d, const float *x, size_t r0, size_t c0, const uint32_t ts[3],          \
        uint8_t *codes, uint8_t *scales, float *y)                                                            \
    { return nv_cols(d, x, r0, c0, ts, codes, scales, y, SF); }
NV_INSTANCE(LOWP_CC_UE4M3, ue4m3)
NV_INSTANCE(LOWP_CC_UE5M3, ue5m3)

static void nv_run(const struct lowp_quant_desc *d, const float *x, const uint32_t ts[3], uint8_t *codes,
                   uint8_t *scales, float *y, lowp_cpu_nvfp4_block_fn scalar)
{
    const int ue5 = d->scale_format == LOWP_FORMAT_UE5M3;
    if (d->layout == LOWP_BLOCK_COL) {
        /* group g: column group g % ngc (the last one may be narrower than
         * 8: scalar), row band g / ngc */
        const nv_cols_fn cols = ue5 ? nv_cols_ue5m3 : nv_cols_ue4m3;
        const size_t bands = d->rows / 16, ngc = (d->cols + 7) / 8;
        const long long ng = (long long)(bands * ngc);
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (long long g = 0; g < ng; ++g) {
            const size_t band = (size_t)g / ngc, c0 = ((size_t)g % ngc) * 8;
            if (c0 + 8 <= d->cols && cols(d, x, band * 16, c0, ts, codes, scales, y))
                continue;
            for (size_t c = c0; c < c0 + 8 && c < d->cols; ++c)
                scalar(d, x, c * bands + band, ts, codes, scales, y);
        }
        return;
    }
    const nv_rows_fn rows = ue5 ? nv_rows_ue5m3 : nv_rows_ue4m3;
    const int tile = d->layout == LOWP_BLOCK_TILE2D;
    const size_t nbc = d->cols / 16;
    const long long nb = (long long)lowp_quant_nblocks(d);
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
    for (long long it = 0; it < nb; ++it) {
        const size_t b = (size_t)it, r0 = tile ? (b / nbc) * 16 : b / nbc, c0 = (b % nbc) * 16;
        if (!rows(d, x, r0, c0, tile ? 16 : 1, b, ts, codes, scales, y))
            scalar(d, x, b, ts, codes, scales, y);
    }
}

#endif /* NV_VEC */

int lowp_cpu_nvfp4_vec_built(void)
{
#ifdef NV_VEC
    return 1;
#else
    return 0;
#endif
}

void lowp_cpu_nvfp4_vec_run(const struct lowp_quant_desc *d, const float *x, const uint32_t ts[3], uint8_t *codes,
                            uint8_t *scales, float *y, lowp_cpu_nvfp4_block_fn scalar)
{
#ifdef NV_VEC
    nv_run(d, x, ts, codes, scales, y, scalar);
#else
    for (size_t b = 0; b < lowp_quant_nblocks(d); ++b)
        scalar(d, x, b, ts, codes, scales, y);
#endif
}
