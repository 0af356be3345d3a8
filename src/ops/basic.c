/* basic.c — front-ends of fill, scale, axpy, random bits and reductions. */
#include "core/args.h"

#include <stdint.h>

lowp_status lowp_fill_f32(lowp_context *ctx, lowp_buffer *x, size_t offset, size_t count, float value)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, offset, count, sizeof(float)));
    LOWP_BACKEND_ENTRY(ctx, fill_f32);
    return count == 0 ? LOWP_OK : ctx->ops->fill_f32(ctx, x, offset, count, value);
}

lowp_status lowp_scale_f32(lowp_context *ctx, lowp_buffer *x, size_t offset, size_t count, float alpha)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, offset, count, sizeof(float)));
    LOWP_BACKEND_ENTRY(ctx, scale_f32);
    return count == 0 ? LOWP_OK : ctx->ops->scale_f32(ctx, x, offset, count, alpha);
}

lowp_status lowp_axpy_f32(lowp_context *ctx, size_t count, float alpha, const lowp_buffer *x, size_t x_offset,
                          lowp_buffer *y, size_t y_offset)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, x_offset, count, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "y", ctx, y, y_offset, count, sizeof(float)));
    if (x == y && x_offset != y_offset && x_offset < y_offset + count && y_offset < x_offset + count)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_axpy_f32: x and y overlap partially");
    LOWP_BACKEND_ENTRY(ctx, axpy_f32);
    return count == 0 ? LOWP_OK : ctx->ops->axpy_f32(ctx, count, alpha, x, x_offset, y, y_offset);
}

lowp_status lowp_random_u32(lowp_context *ctx, lowp_buffer *x, size_t offset, size_t count, uint64_t seed,
                            uint64_t stream)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, offset, count, sizeof(uint32_t)));
    LOWP_BACKEND_ENTRY(ctx, random_u32);
    return count == 0 ? LOWP_OK : ctx->ops->random_u32(ctx, x, offset, count, seed, stream);
}

lowp_status lowp_reduce_rows_f32(lowp_context *ctx, const struct lowp_reduce_desc *desc, const lowp_buffer *x,
                                 lowp_buffer *out)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    LOWP_CHECK_ARG(desc->op == LOWP_REDUCE_SUM || desc->op == LOWP_REDUCE_ABSMAX || desc->op == LOWP_REDUCE_SUMSQ,
                   "lowp_reduce_rows_f32: unknown reduce op %d", (int)desc->op);
    LOWP_CHECK_ARG(desc->rows >= 1 && desc->cols >= 1, "lowp_reduce_rows_f32: rows (%zu) and cols (%zu) must be >= 1",
                   desc->rows, desc->cols);
    size_t stride = desc->rows == 1 ? desc->cols : desc->row_stride;
    LOWP_CHECK_ARG(stride >= desc->cols, "lowp_reduce_rows_f32: row_stride %zu < cols %zu", stride, desc->cols);
    LOWP_CHECK_ARG((desc->rows - 1) <= (SIZE_MAX - desc->cols) / stride,
                   "lowp_reduce_rows_f32: rows x row_stride overflows");
    size_t extent = (desc->rows - 1) * stride + desc->cols;
    LOWP_TRY(lowp_check_elems(__func__, "x", ctx, x, desc->x_offset, extent, sizeof(float)));
    LOWP_TRY(lowp_check_elems(__func__, "out", ctx, out, desc->out_offset, desc->rows, sizeof(float)));
    LOWP_BACKEND_ENTRY(ctx, reduce_rows_f32);
    struct lowp_reduce_desc d = *desc;
    d.row_stride = stride;
    return ctx->ops->reduce_rows_f32(ctx, &d, x, out);
}

lowp_status lowp_reduce_f32(lowp_context *ctx, lowp_reduce_op op, const lowp_buffer *x, size_t offset, size_t count,
                            float *result)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(result);
    LOWP_CHECK_ARG(count >= 1, "lowp_reduce_f32: count must be >= 1");
    lowp_buffer *out = NULL;
    LOWP_TRY(lowp_buffer_alloc(ctx, sizeof(float), &out));
    struct lowp_reduce_desc d = {.op = op, .rows = 1, .cols = count, .x_offset = offset, .row_stride = count};
    lowp_status s = lowp_reduce_rows_f32(ctx, &d, x, out);
    if (s == LOWP_OK)
        s = lowp_buffer_read(out, 0, result, sizeof(float));
    lowp_buffer_free(out);
    return s;
}
