/* hadamard_plan.h — what every Hadamard implementation (reference, fast
 * CPU, OpenCL host code) derives from a validated descriptor: the factoring
 * n = m·p, the fp32 scale, the small Hadamard matrix as bit rows, and the
 * element conversion / sign helpers. Keeping it in one place is what makes
 * the backends agree. */
#ifndef LOWP_HADAMARD_PLAN_H
#define LOWP_HADAMARD_PLAN_H

#include <stdint.h>
#include <string.h>

#include "lowp/hadamard.h"
#include "core/philox.h"

/* Largest small-order factor (H_28). */
#define LOWP_HADAMARD_MAX_M 28u

struct lowp_hadamard_plan {
    uint64_t n;        /* transform length = m · p */
    uint32_t m;        /* small factor: 1, 12, 20 or 28 */
    uint32_t p;        /* power-of-two factor (1 only when m > 1) */
    uint32_t log2p;
    uint64_t extent;   /* length of the transformed axis */
    uint64_t cross;    /* lines across it (rows for AXIS_ROWS, cols for AXIS_COLS) */
    uint64_t nblocks;  /* blocks per line = extent / n */
    uint64_t nvec;     /* vectors in all = cross · nblocks */
    float scale;       /* fp32 scale every fast path multiplies by */
    double scale_d;    /* the exact scale the reference uses */
    /* Row a of the small matrix the op applies: H_m for forward, H_mᵀ for
     * inverse. Bit c of hm_bits[a] set means entry (a, c) is −1. */
    uint32_t hm_bits[LOWP_HADAMARD_MAX_M];
};

/* Validate `d` and fill `plan`. */
lowp_status lowp_hadamard_plan_make(const struct lowp_hadamard_desc *d, struct lowp_hadamard_plan *plan);

/* Check the host pointers for an op: x, y non-NULL; sign_bits non-NULL
 * exactly when needed; y either equal to x with the same layout (in place)
 * or not overlapping it. */
lowp_status lowp_hadamard_check_host(const struct lowp_hadamard_desc *d, const void *x, const void *y,
                                     const uint32_t *sign_bits);

/* The bound of docs/hadamard.md §6 on |fp32 fast path − reference| for the
 * vectors of x (host pointer, layout of d): (log2 p + m + 2)·2^−24·|c|·
 * max over vectors of Σ|v_j|. Add one bf16 ulp of the result for a bf16
 * output. 0 for an invalid descriptor. Used by the tests. */
double lowp_hadamard_fp32_bound(const struct lowp_hadamard_desc *d, const void *x);

/* Split n into m·p (m ∈ {1,12,20,28}, p a power of two). 0 if unsupported. */
int lowp_hadamard_factor(uint64_t n, uint32_t *m, uint32_t *p);

/* The ±1 matrix H_m (m ∈ {1, 2, 12, 20, 28}) row-major into h[m*m],
 * by the constructions in docs/hadamard.md. */
lowp_status lowp_hadamard_small_matrix(uint32_t m, int8_t *h);

/* Element offset of axis position a on line x in a matrix with row stride ld. */
static inline uint64_t lowp_hadamard_offset(lowp_hadamard_axis axis, uint64_t a, uint64_t x, uint64_t ld)
{
    return axis == LOWP_HADAMARD_AXIS_ROWS ? x * ld + a : a * ld + x;
}

/* 1 when s_j = −1. */
static inline int lowp_hadamard_sign_negative(const struct lowp_hadamard_desc *d, const uint32_t *sign_bits,
                                              uint64_t j)
{
    switch (d->sign_mode) {
    case LOWP_HADAMARD_SIGNS_PHILOX: return (int)(lowp_philox_word(d->seed, d->stream, j) >> 31);
    case LOWP_HADAMARD_SIGNS_USER: return (int)((sign_bits[j >> 5] >> (j & 31u)) & 1u);
    default: return 0;
    }
}

static inline uint32_t lowp_hadamard_f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float lowp_hadamard_bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Negate by flipping the sign bit: exact for every value, NaN included. */
static inline float lowp_hadamard_flip(float f, int negative)
{
    return lowp_hadamard_bits_f32(lowp_hadamard_f32_bits(f) ^ ((uint32_t)(negative != 0) << 31));
}

static inline float lowp_hadamard_bf16_to_f32(uint16_t h)
{
    return lowp_hadamard_bits_f32((uint32_t)h << 16);
}

/* fp32 → bf16, round to nearest even; NaN stays NaN (quieted), overflow
 * rounds to ±Inf. Integer arithmetic, so FTZ/DAZ modes cannot change it. */
static inline uint16_t lowp_hadamard_f32_to_bf16(float f)
{
    uint32_t u = lowp_hadamard_f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((u >> 16) | 0x0040u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static inline float lowp_hadamard_load(const void *base, lowp_hadamard_dtype t, uint64_t i)
{
    if (t == LOWP_HADAMARD_DTYPE_BF16)
        return lowp_hadamard_bf16_to_f32(((const uint16_t *)base)[i]);
    return ((const float *)base)[i];
}

static inline void lowp_hadamard_store(void *base, lowp_hadamard_dtype t, uint64_t i, float v)
{
    if (t == LOWP_HADAMARD_DTYPE_BF16)
        ((uint16_t *)base)[i] = lowp_hadamard_f32_to_bf16(v);
    else
        ((float *)base)[i] = v;
}

#endif
