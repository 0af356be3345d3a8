/* lowp/basic.h — elementwise fp32 ops, reductions and random bits.
 *
 * Offsets and counts are in elements. Reductions follow one fixed order
 * (docs/architecture.md, "Reduction order") on every device and for every
 * work-group size, so their results are bit-identical across devices that
 * keep fp32 subnormals. */
#ifndef LOWP_BASIC_H
#define LOWP_BASIC_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* x[i] = value */
LOWP_API lowp_status lowp_fill_f32(lowp_context *ctx, lowp_buffer *x, size_t offset, size_t count, float value);

/* x[i] = alpha * x[i] */
LOWP_API lowp_status lowp_scale_f32(lowp_context *ctx, lowp_buffer *x, size_t offset, size_t count, float alpha);

/* y[i] = alpha * x[i] + y[i]  (a multiply then an add: never fused) */
LOWP_API lowp_status lowp_axpy_f32(lowp_context *ctx, size_t count, float alpha,
                          const lowp_buffer *x, size_t x_offset, lowp_buffer *y, size_t y_offset);

/* x[i] = the 32 Philox4x32-10 bits of element i for (seed, stream). */
LOWP_API lowp_status lowp_random_u32(lowp_context *ctx, lowp_buffer *x, size_t offset, size_t count,
                            uint64_t seed, uint64_t stream);

typedef enum lowp_reduce_op {
    LOWP_REDUCE_SUM    = 0, /* sum of x */
    LOWP_REDUCE_ABSMAX = 1, /* max |x|; NaN if any element is NaN */
    LOWP_REDUCE_SUMSQ  = 2  /* sum of x*x */
} lowp_reduce_op;

struct lowp_reduce_desc {
    lowp_reduce_op op;
    size_t rows;       /* >= 1 */
    size_t cols;       /* >= 1: elements reduced per row (use rows=1 for a whole buffer) */
    size_t x_offset;   /* element offset of row 0 */
    size_t row_stride; /* elements between rows; >= cols (ignored when rows == 1) */
    size_t out_offset; /* out[out_offset + r] receives row r */
};

/* out[r] = reduce(x[r*row_stride + 0 .. cols-1]) for every row r. Blocks
 * of a tensor are rows with cols = block size. */
LOWP_API lowp_status lowp_reduce_rows_f32(lowp_context *ctx, const struct lowp_reduce_desc *desc,
                                 const lowp_buffer *x, lowp_buffer *out);

/* Convenience: reduce `count` elements starting at `offset` into a host float. */
LOWP_API lowp_status lowp_reduce_f32(lowp_context *ctx, lowp_reduce_op op, const lowp_buffer *x,
                            size_t offset, size_t count, float *result);

#ifdef __cplusplus
}
#endif
#endif
