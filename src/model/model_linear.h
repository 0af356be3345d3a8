/* model_linear.h — the model's linear layers, y = x W^T (+ b), and their
 * backward, on device buffers. W is [out, in] row-major (PyTorch's
 * nn.Linear layout). The only file that knows how the product is computed:
 * lowp_matmul on operands fake-quantized by the model's recipe, or
 * lowp_matmul_quantized on packed ones (the recipe's gemm mode). */
#ifndef LOWP_MODEL_LINEAR_H
#define LOWP_MODEL_LINEAR_H

#include <stddef.h>

#include "lowp/context.h"

struct lowp_linear_quant;

struct lowp_linear {
    size_t rows, in, out;
    lowp_buffer *w, *b; /* b may be NULL: no bias */
    size_t w_offset, b_offset;
    struct lowp_linear_quant *q; /* NULL: fp32 operands */
    int high_precision;          /* NVFP4: this layer stays in bf16 */
    uint64_t stream;             /* Philox stream base of SR and RHT (low 2 bits: operand) */
};

/* y[rows, out] = x[rows, in] W^T + b */
lowp_status lowp_linear_forward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                lowp_buffer *y, size_t y_offset);

/* dx = dy W (dx may be NULL: not needed; added to dx when dx_accumulate);
 * dW += dy^T x; db += column sums of dy (when l->b). */
lowp_status lowp_linear_backward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                 const lowp_buffer *dy, size_t dy_offset, lowp_buffer *dx, size_t dx_offset,
                                 int dx_accumulate, lowp_buffer *dw, size_t dw_offset, lowp_buffer *db,
                                 size_t db_offset);

#endif
