/* qmatmul_internal.h — shared by the front-end and the CPU paths of
 * lowp_matmul_quantized. */
#ifndef LOWP_MATMUL_QMATMUL_INTERNAL_H
#define LOWP_MATMUL_QMATMUL_INTERNAL_H

#include "lowp/matmul.h"

/* Validate d against a host C of c_elems floats and give the fp32 GEMM that
 * the dequantized operands go through: each operand dequantized packed in
 * the shape of its descriptor (A m x k or k x m, B n x k or k x n), trans
 * and ld set to match, C with ldc. *c_needed = 0: empty problem, nothing
 * to do. */
lowp_status lowp_qmatmul_gemm_desc(const struct lowp_qmatmul_desc *d, const float *c, size_t c_elems,
                                   struct lowp_matmul_desc *g, size_t *c_needed);

/* The same fp32 GEMM for a descriptor already validated (engine copied). */
void lowp_qmatmul_as_gemm(const struct lowp_qmatmul_desc *d, struct lowp_matmul_desc *g);

/* lowp_matmul_quantized through fp32: dequantize A and B into scratch
 * buffers of ctx, then lowp_matmul with `engine` (BLAS, CLBLAST, or AUTO).
 * d is validated and alpha != 0. */
lowp_status lowp_qmatmul_via_gemm(lowp_context *ctx, const struct lowp_qmatmul_desc *d, lowp_matmul_engine engine,
                                  const lowp_buffer *a_codes, const lowp_buffer *a_scales, const lowp_buffer *a_ts,
                                  const lowp_buffer *b_codes, const lowp_buffer *b_scales, const lowp_buffer *b_ts,
                                  lowp_buffer *c);

/* How a kernel reads element (i, p) of an operand (i < m or n, p < k) from
 * the bytes lowp_quantize wrote (R = m or n, B = block; see formats/quant.h):
 *   KINNER       code i*k + p, scale i*(k/B) + p/B   (N + ROW, or T + COL:
 *                COL stores its [k][R] matrix transposed, the same bytes)
 *   TILE_KINNER  code i*k + p, scale (i/B)*(k/B) + p/B   (N + TILE2D)
 *   TILE_KOUTER  code p*R + i, scale (p/B)*(R/B) + i/B   (T + TILE2D)
 * The values match the QMM_* access codes of kernels/matmul.cl. */
typedef enum lowp_qmm_access {
    LOWP_QMM_KINNER = 0,
    LOWP_QMM_TILE_KINNER = 1,
    LOWP_QMM_TILE_KOUTER = 2
} lowp_qmm_access;

/* The access of a descriptor that lowp_qmatmul_desc_sizes accepted. */
lowp_qmm_access lowp_qmatmul_access(const struct lowp_quant_desc *q, lowp_matmul_trans trans);

#endif
