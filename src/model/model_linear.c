/* model_linear.c — linear layers on top of the interim GEMM (model_gemm.h). */
#include "model/model_linear.h"

#include "core/error.h"
#include "lowp/model.h"
#include "model/model_gemm.h"

lowp_status lowp_linear_forward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                lowp_buffer *y, size_t y_offset)
{
    struct lowp_model_gemm_desc g = {.m = l->rows, .n = l->out, .k = l->in, .trans_a = 0, .trans_b = 1,
                                     .lda = l->in, .ldb = l->in, .ldc = l->out, .alpha = 1.0f, .beta = 0.0f,
                                     .a_offset = x_offset, .b_offset = l->w_offset, .c_offset = y_offset};
    LOWP_TRY(lowp_model_gemm(ctx, &g, x, l->w, y));
    if (l->b == NULL)
        return LOWP_OK;
    struct lowp_bias_desc bd = {.rows = l->rows, .cols = l->out, .b_offset = l->b_offset, .y_offset = y_offset};
    return lowp_bias_add(ctx, &bd, l->b, y);
}

lowp_status lowp_linear_backward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                 const lowp_buffer *dy, size_t dy_offset, lowp_buffer *dx, size_t dx_offset,
                                 int dx_accumulate, lowp_buffer *dw, size_t dw_offset, lowp_buffer *db,
                                 size_t db_offset)
{
    if (dx != NULL) { /* dx[rows, in] (+)= dy[rows, out] W[out, in] */
        struct lowp_model_gemm_desc g = {.m = l->rows, .n = l->in, .k = l->out, .lda = l->out, .ldb = l->in,
                                         .ldc = l->in, .alpha = 1.0f, .beta = dx_accumulate ? 1.0f : 0.0f,
                                         .a_offset = dy_offset, .b_offset = l->w_offset, .c_offset = dx_offset};
        LOWP_TRY(lowp_model_gemm(ctx, &g, dy, l->w, dx));
    }
    /* dW[out, in] += dy^T[out, rows] x[rows, in] */
    struct lowp_model_gemm_desc g = {.m = l->out, .n = l->in, .k = l->rows, .trans_a = 1, .lda = l->out,
                                     .ldb = l->in, .ldc = l->in, .alpha = 1.0f, .beta = 1.0f,
                                     .a_offset = dy_offset, .b_offset = x_offset, .c_offset = dw_offset};
    LOWP_TRY(lowp_model_gemm(ctx, &g, dy, x, dw));
    if (l->b == NULL || db == NULL)
        return LOWP_OK;
    struct lowp_bias_desc bd = {.rows = l->rows, .cols = l->out, .b_offset = db_offset, .y_offset = dy_offset};
    return lowp_bias_grad(ctx, &bd, dy, db);
}
