/* hadamard_cpu.c — fast CPU Hadamard transform.
 *
 * Operation order (normative, shared with kernels/hadamard.cl):
 *   1. load, convert to fp32; forward: flip signs where s_j = −1;
 *   2. FWHT on each of the m contiguous chunks of p elements, radix-2
 *      stages h = 1, 2, 4, …, p/2 in that order, (a, b) → (a + b, a − b);
 *      radix-4 steps here only fuse two consecutive stages, same adds;
 *   3. m > 1: out_a = ±in_0 ±in_1 … ±in_{m−1}, left to right (H_m, or H_mᵀ
 *      for the inverse), for every offset b in the chunk;
 *   4. multiply by the fp32 scale;
 *   5. inverse: flip signs where s_i = −1;
 *   6. store (bf16: round to nearest even).
 * Every step is a single IEEE rounding in a fixed order, so any schedule
 * that keeps it gives the same bits. */
#include "hadamard_cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "hadamard/hadamard_plan.h"

/* Vectorize butterflies even where the compiler cannot prove the runs
 * disjoint; a no-op (and no warning) without OpenMP. */
#ifdef _OPENMP
#define LOWP_HAD_SIMD _Pragma("omp simd")
#else
#define LOWP_HAD_SIMD
#endif

/* Columns handled together for AXIS_COLS: one tile row is a contiguous
 * read, and every butterfly becomes a vectorizable loop over the lanes. */
#define COL_TILE 64
/* Short rows (n ≤ this) are also transformed COL_TILE at a time, as lanes
 * of a transposed tile: a vector of 12 or 16 alone leaves the butterfly and
 * H_m loops one element long (30× slower at n = 12). Same operations on
 * every element, so the same bits. */
#define ROW_TILE_MAX_N 256

/* Stages h = h0, 2·h0, …, p/2 of an FWHT of p elements, each element being
 * `lanes` interleaved independent values (lanes = 1: a plain vector). */
static void fwht_stages(float *buf, uint64_t p, uint64_t lanes, uint64_t h)
{
    for (; 4 * h <= p; h *= 4)
        for (uint64_t i = 0; i < p; i += 4 * h) {
            /* Stages h and 2h fused: quads (k, k+h, k+2h, k+3h). */
            float *r0 = buf + i * lanes, *r1 = r0 + h * lanes, *r2 = r1 + h * lanes, *r3 = r2 + h * lanes;
            /* The four runs never overlap: tell the vectorizer. */
LOWP_HAD_SIMD
            for (uint64_t k = 0; k < h * lanes; ++k) {
                float b0 = r0[k] + r1[k], b1 = r0[k] - r1[k];
                float b2 = r2[k] + r3[k], b3 = r2[k] - r3[k];
                r0[k] = b0 + b2;
                r2[k] = b0 - b2;
                r1[k] = b1 + b3;
                r3[k] = b1 - b3;
            }
        }
    if (h < p)
LOWP_HAD_SIMD
        for (uint64_t k = 0; k < h * lanes; ++k) {
            float a = buf[k], b = buf[k + h * lanes];
            buf[k] = a + b;
            buf[k + h * lanes] = a - b;
        }
}

/* Full FWHT of p elements × lanes. For one lane the first two stages are
 * done per quad, since a loop of length h = 1 does not vectorize. */
static void fwht(float *buf, uint64_t p, uint64_t lanes)
{
    uint64_t h = 1;
    if (lanes == 1 && p >= 4) {
        for (uint64_t i = 0; i < p; i += 4) {
            float b0 = buf[i] + buf[i + 1], b1 = buf[i] - buf[i + 1];
            float b2 = buf[i + 2] + buf[i + 3], b3 = buf[i + 2] - buf[i + 3];
            buf[i] = b0 + b2;
            buf[i + 2] = b0 - b2;
            buf[i + 1] = b1 + b3;
            buf[i + 3] = b1 - b3;
        }
        h = 4;
    }
    fwht_stages(buf, p, lanes, h);
}

/* Step 3: out[a] = Σ_c ±in[c] over the m chunks (each p·lanes floats),
 * left to right; bit c of hm_bits[a] set means −. */
static void mix(const float *in, float *out, const struct lowp_hadamard_plan *pl, uint64_t lanes)
{
    const uint64_t len = pl->p * lanes;
    for (uint32_t a = 0; a < pl->m; ++a) {
        float *o = out + a * len;
        const uint32_t bits = pl->hm_bits[a];
        if (bits & 1u)
            for (uint64_t k = 0; k < len; ++k)
                o[k] = -in[k];
        else
            for (uint64_t k = 0; k < len; ++k)
                o[k] = in[k];
        for (uint32_t c = 1; c < pl->m; ++c) {
            const float *ic = in + c * len;
            if ((bits >> c) & 1u) {
LOWP_HAD_SIMD
                for (uint64_t k = 0; k < len; ++k)
                    o[k] = o[k] - ic[k];
            } else {
LOWP_HAD_SIMD
                for (uint64_t k = 0; k < len; ++k)
                    o[k] = o[k] + ic[k];
            }
        }
    }
}

/* Steps 2-3 on buf (n·lanes floats); returns where the result lies. */
static float *transform(float *buf, float *tmp, const struct lowp_hadamard_plan *pl, uint64_t lanes)
{
    for (uint32_t c = 0; c < pl->m; ++c)
        fwht(buf + (uint64_t)c * pl->p * lanes, pl->p, lanes);
    if (pl->m == 1)
        return buf;
    mix(buf, tmp, pl, lanes);
    return tmp;
}

/* Contiguous runs of elements ↔ fp32 work buffer. */
static void load_run(float *dst, const void *src, lowp_hadamard_dtype t, uint64_t off, uint64_t count)
{
    if (t == LOWP_HADAMARD_DTYPE_F32) {
        memcpy(dst, (const float *)src + off, (size_t)count * sizeof *dst);
    } else {
        const uint16_t *s = (const uint16_t *)src + off;
LOWP_HAD_SIMD
        for (uint64_t k = 0; k < count; ++k)
            dst[k] = lowp_hadamard_bf16_to_f32(s[k]);
    }
}

static void store_run(void *dst, lowp_hadamard_dtype t, uint64_t off, const float *src, uint64_t count)
{
    if (t == LOWP_HADAMARD_DTYPE_F32) {
        memcpy((float *)dst + off, src, (size_t)count * sizeof *src);
    } else {
        uint16_t *o = (uint16_t *)dst + off;
LOWP_HAD_SIMD
        for (uint64_t k = 0; k < count; ++k)
            o[k] = lowp_hadamard_f32_to_bf16(src[k]);
    }
}

/* v[j·lanes + t] ^= sign mask of j (0 or the fp32 sign bit). */
static void apply_signs(float *v, const uint32_t *mask, uint64_t n, uint64_t lanes)
{
    for (uint64_t j = 0; j < n; ++j) {
        const uint32_t mj = mask[j];
LOWP_HAD_SIMD
        for (uint64_t t = 0; t < lanes; ++t)
            v[j * lanes + t] = lowp_hadamard_bits_f32(lowp_hadamard_f32_bits(v[j * lanes + t]) ^ mj);
    }
}

lowp_status lowp_cpu_hadamard(const struct lowp_hadamard_desc *d, const void *x, void *y,
                              const uint32_t *sign_bits)
{
    struct lowp_hadamard_plan pl;
    LOWP_TRY(lowp_hadamard_plan_make(d, &pl));
    LOWP_TRY(lowp_hadamard_check_host(d, x, y, sign_bits));
    const uint64_t n = pl.n;

    /* Signs once per call (Philox is the expensive part otherwise), as
     * XOR masks on the fp32 bits. */
    uint32_t *mask = calloc((size_t)n, sizeof *mask);
    if (mask == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_hadamard: no memory for the sign vector");
    const int has_signs = d->sign_mode != LOWP_HADAMARD_SIGNS_NONE;
    for (uint64_t j = 0; j < n && has_signs; ++j)
        mask[j] = (uint32_t)lowp_hadamard_sign_negative(d, sign_bits, j) << 31;

    const int cols = d->axis == LOWP_HADAMARD_AXIS_COLS;
    /* Rows in transposed tiles when short (see ROW_TILE_MAX_N). */
    const int row_tiles = !cols && n <= ROW_TILE_MAX_N;
    const uint64_t lanes_max = cols || row_tiles ? COL_TILE : 1;
    const uint64_t tiles = cols || row_tiles ? (pl.cross + COL_TILE - 1) / COL_TILE : pl.cross;
    const int64_t work = (int64_t)(tiles * pl.nblocks);
    const float scale = pl.scale;
    int failed = 0;

#pragma omp parallel
    {
        float *buf = malloc((size_t)(2 * n * lanes_max) * sizeof *buf);
        if (buf == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t w = 0; w < work; ++w) {
            if (buf == NULL)
                continue;
            const uint64_t blk = (uint64_t)w % pl.nblocks, tile = (uint64_t)w / pl.nblocks;
            const uint64_t a0 = blk * n;
            const uint64_t x0 = lanes_max > 1 ? tile * COL_TILE : tile;
            const uint64_t lanes = lanes_max > 1 ? (pl.cross - x0 < COL_TILE ? pl.cross - x0 : COL_TILE) : 1;
            /* Step 1. Rows: one contiguous run (or a transposed tile of
             * short rows); columns: one run per axis position. */
            if (cols)
                for (uint64_t j = 0; j < n; ++j)
                    load_run(buf + j * lanes, x, d->dtype_in, (a0 + j) * d->ld_in + x0, lanes);
            else if (row_tiles)
                for (uint64_t t = 0; t < lanes; ++t)
                    for (uint64_t j = 0; j < n; ++j)
                        buf[j * lanes + t] = lowp_hadamard_load(x, d->dtype_in, (x0 + t) * d->ld_in + a0 + j);
            else
                load_run(buf, x, d->dtype_in, x0 * d->ld_in + a0, n);
            if (has_signs && !d->inverse)
                apply_signs(buf, mask, n, lanes);
            /* Steps 2-3. */
            float *res = transform(buf, buf + n * lanes, &pl, lanes);
            /* Steps 4-5. */
LOWP_HAD_SIMD
            for (uint64_t k = 0; k < n * lanes; ++k)
                res[k] = res[k] * scale;
            if (has_signs && d->inverse)
                apply_signs(res, mask, n, lanes);
            /* Step 6. */
            if (cols)
                for (uint64_t i = 0; i < n; ++i)
                    store_run(y, d->dtype_out, (a0 + i) * d->ld_out + x0, res + i * lanes, lanes);
            else if (row_tiles)
                for (uint64_t t = 0; t < lanes; ++t)
                    for (uint64_t i = 0; i < n; ++i)
                        lowp_hadamard_store(y, d->dtype_out, (x0 + t) * d->ld_out + a0 + i, res[i * lanes + t]);
            else
                store_run(y, d->dtype_out, x0 * d->ld_out + a0, res, n);
        }
        free(buf);
    }
    free(mask);
    if (failed)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_hadamard: no memory for the work buffers");
    return LOWP_OK;
}
