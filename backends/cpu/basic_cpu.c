/* basic_cpu.c — fast CPU basic ops. Elementwise loops are split over
 * threads in large chunks; the reduction keeps reduce_order.h's lanes but
 * runs them as 256-wide vector-friendly loops over full blocks. */
#include "basic_cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/philox.h"
#include "core/reduce_order.h"

/* Below this many elements threads cost more than they save. */
#define CPU_PARALLEL_MIN 65536

void lowp_cpu_fill_f32(float *x, size_t count, float value)
{
    ptrdiff_t n = (ptrdiff_t)count;
#pragma omp parallel for schedule(static) if (count >= CPU_PARALLEL_MIN)
    for (ptrdiff_t i = 0; i < n; ++i)
        x[i] = value;
}

void lowp_cpu_scale_f32(float *x, size_t count, float alpha)
{
    ptrdiff_t n = (ptrdiff_t)count;
#pragma omp parallel for schedule(static) if (count >= CPU_PARALLEL_MIN)
    for (ptrdiff_t i = 0; i < n; ++i)
        x[i] = alpha * x[i];
}

void lowp_cpu_axpy_f32(size_t count, float alpha, const float *x, float *y)
{
    ptrdiff_t n = (ptrdiff_t)count;
#pragma omp parallel for schedule(static) if (count >= CPU_PARALLEL_MIN)
    for (ptrdiff_t i = 0; i < n; ++i)
        y[i] = alpha * x[i] + y[i]; /* -ffp-contract=off keeps this a separate multiply and add */
}

void lowp_cpu_copy_bytes(void *dst, const void *src, size_t bytes)
{
    const size_t chunk = (size_t)1 << 20;
    ptrdiff_t chunks = (ptrdiff_t)((bytes + chunk - 1) / chunk);
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (ptrdiff_t c = 0; c < chunks; ++c) {
        size_t start = (size_t)c * chunk;
        size_t len = bytes - start < chunk ? bytes - start : chunk;
        memcpy((char *)dst + start, (const char *)src + start, len);
    }
}

void lowp_cpu_random_u32(uint32_t *x, size_t count, uint64_t seed, uint64_t stream)
{
    ptrdiff_t quads = (ptrdiff_t)((count + 3) / 4);
#pragma omp parallel for schedule(static) if (count >= CPU_PARALLEL_MIN)
    for (ptrdiff_t q = 0; q < quads; ++q) {
        uint32_t w[4];
        lowp_philox_block(seed, stream, (uint64_t)q, w);
        for (size_t j = 0; j < 4 && (size_t)q * 4 + j < count; ++j)
            x[(size_t)q * 4 + j] = w[j];
    }
}

static inline float combine(lowp_reduce_op op, float a, float b)
{
    if (op != LOWP_REDUCE_ABSMAX)
        return a + b;
    if (a != a || b != b)
        return a != a ? a : b;
    return a > b ? a : b;
}

static inline float map_first(lowp_reduce_op op, float val)
{
    if (op == LOWP_REDUCE_SUMSQ)
        return val * val;
    if (op == LOWP_REDUCE_ABSMAX)
        return val < 0.0f ? -val : (val == 0.0f ? 0.0f : val);
    return val;
}

/* A block of m <= LANES values: each lane holds at most one value, and the
 * lanes past m hold the identity +0. Combining with +0 never changes a
 * partial (partials are never -0: +0 + -0 = +0, and |x| >= 0), so the tree
 * can skip them and still give the bits of reduce_order.h. */
static float short_block_reduce(lowp_reduce_op op, int first, const float *v, size_t m)
{
    float lane[LOWP_REDUCE_LANES];
    for (size_t l = 0; l < m; ++l)
        lane[l] = combine(op, 0.0f, first ? map_first(op, v[l]) : v[l]);
    for (size_t s = LOWP_REDUCE_LANES / 2; s >= 1; s /= 2)
        for (size_t i = 0; i < s && i + s < m; ++i)
            lane[i] = combine(op, lane[i], lane[i + s]);
    return lane[0];
}

static float block_reduce(lowp_reduce_op op, int first, const float *v, size_t m)
{
    if (m <= LOWP_REDUCE_LANES)
        return short_block_reduce(op, first, v, m);
    float lane[LOWP_REDUCE_LANES];
    for (size_t l = 0; l < LOWP_REDUCE_LANES; ++l)
        lane[l] = 0.0f;
    size_t full = m / LOWP_REDUCE_LANES;
    /* Full strips: one 256-wide loop per op, which the compiler vectorizes. */
    for (size_t k = 0; k < full; ++k) {
        const float *s = v + k * LOWP_REDUCE_LANES;
        if (op == LOWP_REDUCE_SUM || !first) {
            if (op == LOWP_REDUCE_ABSMAX) {
                for (size_t l = 0; l < LOWP_REDUCE_LANES; ++l)
                    lane[l] = combine(op, lane[l], s[l]);
            } else {
                for (size_t l = 0; l < LOWP_REDUCE_LANES; ++l)
                    lane[l] = lane[l] + s[l];
            }
        } else if (op == LOWP_REDUCE_SUMSQ) {
            for (size_t l = 0; l < LOWP_REDUCE_LANES; ++l) {
                float sq = s[l] * s[l];
                lane[l] = lane[l] + sq;
            }
        } else {
            for (size_t l = 0; l < LOWP_REDUCE_LANES; ++l) {
                float a = s[l] < 0.0f ? -s[l] : (s[l] == 0.0f ? 0.0f : s[l]);
                lane[l] = combine(op, lane[l], a);
            }
        }
    }
    for (size_t i = full * LOWP_REDUCE_LANES; i < m; ++i) {
        size_t l = i % LOWP_REDUCE_LANES;
        lane[l] = combine(op, lane[l], first ? map_first(op, v[i]) : v[i]);
    }
    for (size_t s = LOWP_REDUCE_LANES / 2; s >= 1; s /= 2)
        for (size_t i = 0; i < s; ++i)
            lane[i] = combine(op, lane[i], lane[i + s]);
    return lane[0];
}

/* One level: partial[r*nb + b] = block b of row r. */
static void reduce_level(lowp_reduce_op op, int first, const float *x, size_t rows, size_t cols, size_t stride,
                         float *partial, size_t nb)
{
    ptrdiff_t tasks = (ptrdiff_t)(rows * nb);
#pragma omp parallel for schedule(static) if (rows * cols >= CPU_PARALLEL_MIN)
    for (ptrdiff_t t = 0; t < tasks; ++t) {
        size_t r = (size_t)t / nb, b = (size_t)t % nb;
        size_t start = b * LOWP_REDUCE_BLOCK;
        size_t m = cols - start < LOWP_REDUCE_BLOCK ? cols - start : LOWP_REDUCE_BLOCK;
        partial[t] = block_reduce(op, first, x + r * stride + start, m);
    }
}

lowp_status lowp_cpu_reduce_rows_f32(const struct lowp_reduce_desc *d, const float *x, float *out)
{
    size_t rows = d->rows, cols = d->cols, stride = d->row_stride;
    const float *src = x + d->x_offset;
    int first = 1;
    float *scratch[2] = {NULL, NULL};
    int which = 0;
    for (;;) {
        size_t nb = (cols + LOWP_REDUCE_BLOCK - 1) / LOWP_REDUCE_BLOCK;
        if (nb == 1) {
            reduce_level(d->op, first, src, rows, cols, stride, out + d->out_offset, 1);
            break;
        }
        if (scratch[which] == NULL) {
            scratch[which] = malloc(rows * nb * sizeof(float));
            if (scratch[which] == NULL) {
                free(scratch[0]);
                free(scratch[1]);
                return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "cpu reduce: out of host memory");
            }
        }
        reduce_level(d->op, first, src, rows, cols, stride, scratch[which], nb);
        src = scratch[which];
        cols = nb;
        stride = nb;
        first = 0;
        which ^= 1;
    }
    free(scratch[0]);
    free(scratch[1]);
    return LOWP_OK;
}
