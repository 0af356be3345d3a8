/* basic_ref.c — scalar reference of the basic ops. Obvious code on purpose:
 * the reduction below is src/core/reduce_order.h written out literally. */
#include "basic_ref.h"

#include <stdlib.h>

#include "core/error.h"
#include "core/philox.h"
#include "core/reduce_order.h"

void lowp_ref_fill_f32(float *x, size_t count, float value)
{
    for (size_t i = 0; i < count; ++i)
        x[i] = value;
}

void lowp_ref_scale_f32(float *x, size_t count, float alpha)
{
    for (size_t i = 0; i < count; ++i)
        x[i] = alpha * x[i];
}

void lowp_ref_axpy_f32(size_t count, float alpha, const float *x, float *y)
{
    for (size_t i = 0; i < count; ++i) {
        float product = alpha * x[i];
        y[i] = product + y[i];
    }
}

void lowp_ref_random_u32(uint32_t *x, size_t count, uint64_t seed, uint64_t stream)
{
    for (size_t i = 0; i < count; ++i)
        x[i] = lowp_philox_word(seed, stream, i);
}

static float ref_combine(lowp_reduce_op op, float a, float b)
{
    if (op != LOWP_REDUCE_ABSMAX)
        return a + b;
    if (a != a || b != b) /* NaN wins */
        return a != a ? a : b;
    return a > b ? a : b;
}

/* The first level maps each value; later levels only combine partials. */
static float ref_map(lowp_reduce_op op, int first_level, float v)
{
    if (!first_level)
        return v;
    if (op == LOWP_REDUCE_ABSMAX)
        return v < 0.0f ? -v : (v == 0.0f ? 0.0f : v); /* |-0| = +0, NaN stays NaN */
    if (op == LOWP_REDUCE_SUMSQ)
        return v * v;
    return v;
}

static float ref_block(lowp_reduce_op op, int first_level, const float *v, size_t m)
{
    float lane[LOWP_REDUCE_LANES];
    for (size_t l = 0; l < LOWP_REDUCE_LANES; ++l) {
        lane[l] = 0.0f;
        for (size_t i = l; i < m; i += LOWP_REDUCE_LANES)
            lane[l] = ref_combine(op, lane[l], ref_map(op, first_level, v[i]));
    }
    for (size_t s = LOWP_REDUCE_LANES / 2; s >= 1; s /= 2)
        for (size_t i = 0; i < s; ++i)
            lane[i] = ref_combine(op, lane[i], lane[i + s]);
    return lane[0];
}

/* reduce(row) from reduce_order.h; `first_level` says whether v holds raw values. */
static lowp_status ref_row(lowp_reduce_op op, int first_level, const float *v, size_t n, float *result)
{
    if (n <= LOWP_REDUCE_BLOCK) {
        *result = ref_block(op, first_level, v, n);
        return LOWP_OK;
    }
    size_t blocks = (n + LOWP_REDUCE_BLOCK - 1) / LOWP_REDUCE_BLOCK;
    float *partial = malloc(blocks * sizeof *partial);
    if (partial == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "reference reduce: out of host memory");
    for (size_t b = 0; b < blocks; ++b) {
        size_t m = b + 1 < blocks ? LOWP_REDUCE_BLOCK : n - b * LOWP_REDUCE_BLOCK;
        partial[b] = ref_block(op, first_level, v + b * LOWP_REDUCE_BLOCK, m);
    }
    lowp_status s = ref_row(op, 0, partial, blocks, result);
    free(partial);
    return s;
}

lowp_status lowp_ref_reduce_rows_f32(const struct lowp_reduce_desc *d, const float *x, float *out)
{
    for (size_t r = 0; r < d->rows; ++r)
        LOWP_TRY(ref_row(d->op, 1, x + d->x_offset + r * d->row_stride, d->cols, &out[d->out_offset + r]));
    return LOWP_OK;
}
