/* model_gemm.h — the plain GEMM behind the model's linear layers
 * (src/model/model_linear.c) until lowp_matmul takes over:
 * C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T.
 * beta == 0 means C is not read. Internal: not part of the public API. */
#ifndef LOWP_MODEL_GEMM_H
#define LOWP_MODEL_GEMM_H

#include <stddef.h>

#include "lowp/status.h"

struct lowp_model_gemm_desc {
    size_t m, n, k;          /* C is m x n, op(A) m x k, op(B) k x n; all >= 1 */
    int trans_a, trans_b;
    size_t lda, ldb, ldc;    /* row strides of A, B, C as stored */
    float alpha, beta;
    size_t a_offset, b_offset, c_offset;
};

struct lowp_context;
struct lowp_buffer;
/* Front-end (src/ops/model.c): checks every argument, then the backend. */
lowp_status lowp_model_gemm(struct lowp_context *ctx, const struct lowp_model_gemm_desc *d,
                            const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c);

#endif
