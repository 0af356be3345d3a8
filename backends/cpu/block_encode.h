/* block_encode.h — the per-block steps of block quantization on the fast
 * CPU path (scale, then element codes), shared by lowp_cpu_quantize and
 * friends (formats_cpu.c) and the fused Hadamard + quantize
 * (hadamard_quant_cpu.c), so both give the codec's bits the same way.
 *
 * Speed comes from instantiation: callers wrap their block function once
 * per element format (LOWP_EACH_BLOCK_ELEM) with LOWP_FLATTEN, so `ef` is
 * a compile-time constant and the codec's format tables fold away; NVFP4
 * (two-level E2M1) runs in the branch-free lanes of fp4_lanes.h. */
#ifndef LOWP_CPU_BLOCK_ENCODE_H
#define LOWP_CPU_BLOCK_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/philox.h"
#include "formats/codec.h"
#include "formats/quant.h"
#include "fp4_lanes.h"

/* Inline the whole call tree of a function (GCC, clang). Other compilers
 * get the generic code. */
#if defined(__GNUC__)
#define LOWP_FLATTEN __attribute__((flatten))
#define LOWP_ALWAYS_INLINE __attribute__((always_inline))
#else
#define LOWP_FLATTEN
#define LOWP_ALWAYS_INLINE
#endif

/* One X(format) per block element format (lowp_fmt_is_block_elem). */
#define LOWP_EACH_BLOCK_ELEM(X) \
    X(LOWP_CC_E4M3) X(LOWP_CC_E5M2) X(LOWP_CC_E3M2) X(LOWP_CC_E2M3) X(LOWP_CC_E2M1) X(LOWP_CC_INT8)

/* The scale of a block whose largest magnitude (NaN as 0x7FC00000) is
 * amax: *sc the stored scale byte; two-level formats also give *enc (the
 * element prescale) and *scale_bits (the decoded scale). ts: the tensor
 * scales of lowp_cc_tensor_scale. The two-level step takes the scale
 * format as an argument so that callers instantiated per format fold it. */
static inline LOWP_ALWAYS_INLINE void lowp_cpu_block_scale_two_level(const struct lowp_quant_desc *d, uint32_t amax,
                                                  const uint32_t ts[3], uint32_t *sc, uint32_t *enc,
                                                  uint32_t *scale_bits, const int32_t sf)
{
    *sc = lowp_cc_block_scale2(amax, ts[2], sf, d->clamp_tiny_scale != 0);
    *enc = lowp_cc_block_enc2(sf, *sc, ts[1]);
    *scale_bits = lowp_cc_decode_bits(sf, *sc);
}

static inline void lowp_cpu_block_scale(const struct lowp_quant_desc *d, uint32_t amax, const uint32_t ts[3],
                                        uint32_t *sc, uint32_t *enc, uint32_t *scale_bits, const int32_t ef)
{
    if (lowp_quant_two_level(d)) {
        lowp_cpu_block_scale_two_level(d, amax, ts, sc, enc, scale_bits, (int32_t)d->scale_format);
    } else {
        *sc = lowp_cc_e8m0_scale(amax, (int32_t)d->scale_mode, ef);
        *enc = *scale_bits = 0u;
    }
}

/* Per-thread memory of Philox blocks for blocks that run down columns:
 * element k of a COL block needs the Philox block of index r*cols + c,
 * which also serves the other columns of c's group of four. Walking the
 * blocks of one row band column after column, slot k keeps that block for
 * the next columns: a quarter of the Philox evaluations. */
struct lowp_cpu_rw_cache {
    uint64_t q[LOWP_QUANT_MAX_BLOCK_LEN];
    uint32_t w[LOWP_QUANT_MAX_BLOCK_LEN][4];
};

static inline void lowp_cpu_rw_cache_reset(struct lowp_cpu_rw_cache *c)
{
    for (size_t k = 0; k < LOWP_QUANT_MAX_BLOCK_LEN; ++k)
        c->q[k] = UINT64_MAX;
}

/* rw[k] = the random word of the element with Philox index idx[k] (word
 * idx & 3 of block idx >> 2, keyed by the descriptor's seed and stream);
 * zeros for RNE. cache: NULL, or the thread's memory (above). */
static inline void lowp_cpu_block_words(const struct lowp_quant_desc *d, const uint64_t *idx, size_t bl,
                                        uint32_t *rw, struct lowp_cpu_rw_cache *cache)
{
    if (d->rounding != LOWP_ROUNDING_SR) {
        memset(rw, 0, bl * sizeof *rw);
        return;
    }
    uint32_t w[4] = {0, 0, 0, 0};
    uint64_t last = UINT64_MAX;
    for (size_t k = 0; k < bl; ++k) {
        const uint64_t q = idx[k] >> 2;
        if (cache != NULL) {
            if (cache->q[k] != q) {
                cache->q[k] = q;
                lowp_philox_block(d->seed, d->stream, q, cache->w[k]);
            }
            rw[k] = cache->w[k][idx[k] & 3u];
        } else {
            if (q != last) {
                last = q;
                lowp_philox_block(d->seed, d->stream, q, w);
            }
            rw[k] = w[idx[k] & 3u];
        }
    }
}

/* Whether a block with prescale enc encodes in the lanes of fp4_lanes.h:
 * NVFP4 (two-level E2M1) with a normal prescale. */
static inline int lowp_cpu_block_lanes(const struct lowp_quant_desc *d, uint32_t enc, const int32_t ef)
{
    return lowp_quant_two_level(d) && ef == LOWP_CC_E2M1 && lowp_fp4_f32_is_normal(enc);
}

/* cd[k] = the code of element xb[k] (k < bl <= LOWP_QUANT_MAX_BLOCK_LEN)
 * with the block's scale; rw[k]: its random word (read even for RNE: pass
 * zeros). For two-level formats vv[k] is the prescaled value x * enc
 * (statistics use it); for E8M0 vv is not written. */
static inline void lowp_cpu_block_encode(const struct lowp_quant_desc *d, const uint32_t *xb, size_t bl, uint32_t sc,
                                         uint32_t enc, const uint32_t *rw, uint32_t *vv, uint32_t *cd,
                                         const int32_t ef)
{
    const int two = lowp_quant_two_level(d), sr = d->rounding == LOWP_ROUNDING_SR;
    if (lowp_cpu_block_lanes(d, enc, ef)) {
        lowp_fp4_encode2_lanes(xb, bl, enc, sr, rw, vv, cd);
        return;
    }
    const int nonsat = d->overflow == LOWP_OVERFLOW_NONSAT;
    const uint32_t emaxv = lowp_cc_max_bits(ef);
    for (size_t k = 0; k < bl; ++k) {
        if (two) {
            vv[k] = lowp_cc_f32_mul(xb[k], enc);
            cd[k] = lowp_cc_elem_encode2_scaled(ef, vv[k], emaxv, sr, rw[k]);
        } else {
            cd[k] = lowp_cc_elem_encode_mx(ef, xb[k], sc, sr, rw[k], nonsat);
        }
    }
}

#endif
