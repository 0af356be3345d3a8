/* lowp/matmul.h — single-precision GEMM: C = alpha * op(A) * op(B) + beta * C.
 *
 * Layout: every matrix is ROW-MAJOR with a leading dimension (distance in
 * elements between the starts of two consecutive stored rows).
 *
 *   op(A) is m x k.  trans_a == N: A is stored m x k, lda >= k,
 *                                   op(A)(i,p) = A[offset_a + i*lda + p]
 *                    trans_a == T: A is stored k x m, lda >= m,
 *                                   op(A)(i,p) = A[offset_a + p*lda + i]
 *   op(B) is k x n.  trans_b == N: B is stored k x n, ldb >= n
 *                    trans_b == T: B is stored n x k, ldb >= k
 *   C is m x n, ldc >= n, C(i,j) = C[offset_c + i*ldc + j].
 *
 * Strided batch: problem b (0 <= b < batch) adds b*stride_a / b*stride_b /
 * b*stride_c elements to the offsets. stride_a or stride_b may be 0 (one A or
 * B shared by every problem); the C matrices of different problems must not
 * overlap (stride_c >= (m-1)*ldc + n when batch > 1).
 *
 * BLAS conventions that callers may rely on:
 *   - beta == 0: C is NOT read (NaN/Inf/garbage in C does not propagate).
 *   - alpha == 0 or k == 0: A and B are NOT read; C = beta*C (C = 0 if beta==0).
 *   - m == 0, n == 0 or batch == 0: nothing is read or written (valid no-op).
 *   - Elements of C outside the m x n window (ld padding) are never written.
 *   - C must not overlap A or B.
 * Leading dimensions must be >= max(1, stored row length) even when the
 * matrix is empty, as in BLAS, so that a wrong ld is caught early.
 *
 * All counts, leading dimensions, strides and offsets are in ELEMENTS. */
#ifndef LOWP_MATMUL_H
#define LOWP_MATMUL_H

#include <stddef.h>
#include "lowp/context.h"
#include "lowp/status.h"
#include "lowp/formats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowp_matmul_trans {
    LOWP_MATMUL_TRANS_N = 0, /* op(X) = X   */
    LOWP_MATMUL_TRANS_T = 1  /* op(X) = X^T */
} lowp_matmul_trans;

/* Which implementation runs the product.
 *   AUTO: on the CPU, OpenBLAS when built in (and the sizes fit its int
 *         arguments), else OWN. On OpenCL devices, OWN unless the tuning
 *         table (src/matmul/matmul_params.c) marks CLBlast as faster for the
 *         device and this build has CLBlast. The environment variable
 *         LOWP_MATMUL_ENGINE=own|clblast|blas|auto changes what AUTO means
 *         (clblast only for OpenCL devices, blas only for the CPU; other
 *         devices keep the default); an explicit desc->engine always wins.
 * Asking for an engine the backend or build lacks is LOWP_ERR_UNSUPPORTED,
 * never a silent substitution. OWN gives the same bits on every device
 * (see docs/matmul.md); BLAS and CLBLAST agree with it within the
 * normalized error bound only. */
typedef enum lowp_matmul_engine {
    LOWP_MATMUL_ENGINE_AUTO    = 0,
    LOWP_MATMUL_ENGINE_OWN     = 1, /* lowp's own kernels (CPU blocked / kernels/matmul.cl) */
    LOWP_MATMUL_ENGINE_CLBLAST = 2, /* OpenCL devices only */
    LOWP_MATMUL_ENGINE_BLAS    = 3  /* CPU only: cblas_sgemm (OpenBLAS) */
} lowp_matmul_engine;

struct lowp_matmul_desc {
    lowp_matmul_trans trans_a, trans_b;
    size_t m, n, k;             /* op(A): m x k, op(B): k x n, C: m x n */
    float alpha, beta;
    size_t lda, ldb, ldc;       /* leading dimensions (elements), see above */
    size_t batch;               /* number of problems (>= 0) */
    size_t stride_a, stride_b, stride_c; /* element distance between problems */
    size_t offset_a, offset_b, offset_c; /* element offset of problem 0 */
    lowp_matmul_engine engine;
};

/* Fill `d` for one packed, untransposed problem: alpha 1, beta 0,
 * lda = k, ldb = n, ldc = n, batch 1, strides = matrix sizes, offsets 0,
 * engine AUTO. Callers then change what differs. */
LOWP_API void lowp_matmul_desc_init(struct lowp_matmul_desc *d, size_t m, size_t n, size_t k);

/* Validate `d` against buffers holding a_elems / b_elems / c_elems floats
 * (counted from the start of the buffer, offsets included). Checks enum
 * values, leading dimensions, stride_c overlap, size_t overflow and that
 * every element the product touches lies inside its buffer. Returns
 * LOWP_ERR_INVALID_ARG with a message naming the field on failure. */
LOWP_API lowp_status lowp_matmul_desc_check(const struct lowp_matmul_desc *d,
                                   size_t a_elems, size_t b_elems, size_t c_elems);

/* The number of elements a buffer must hold for A, B and C (offsets
 * included), 0 for an operand that is not read/written. Any output pointer
 * may be NULL. Fails like lowp_matmul_desc_check on overflow or bad fields. */
LOWP_API lowp_status lowp_matmul_desc_extents(const struct lowp_matmul_desc *d,
                                     size_t *a_elems, size_t *b_elems, size_t *c_elems);

/* C = alpha * op(A) * op(B) + beta * C on the context's device. Offsets,
 * leading dimensions, strides and the batch come from `desc` (elements,
 * counted from the start of each buffer). Checks everything
 * lowp_matmul_desc_check checks against the buffer sizes, that the buffers
 * belong to `ctx`, and that C does not overlap A or B when they share a
 * buffer. A and B may be NULL when the descriptor does not read them
 * (alpha == 0, k == 0, empty problem); C may be NULL for an empty problem.
 * Queued like every op: lowp_buffer_read / lowp_context_sync wait for it. */
LOWP_API lowp_status lowp_matmul(lowp_context *ctx, const struct lowp_matmul_desc *desc, const lowp_buffer *a,
                                 const lowp_buffer *b, lowp_buffer *c);

/* ---- GEMM on block-quantized operands ------------------------------------
 * C = alpha * A * B^T + beta * C, the trainer's shape: A is m x k, B is
 * n x k (so C is m x n), both block-quantized with their blocks along k,
 * exactly as lowp_quantize stores them: packed codes (lowp_quant_sizes
 * bytes), one scale byte per block and, for two-level scale formats
 * (UE4M3/UE5M3, e.g. NVFP4), the fp32 tensor decode scale written by
 * lowp_quantize. Each operand is described by its own quantization
 * descriptor (the matrix that was quantized) and an orientation:
 *
 *   trans_a == N: desc->a is the m x k matrix A (rows = m, cols = k);
 *                 layout ROW (1 x B blocks along k) or TILE2D (B x B tiles).
 *   trans_a == T: desc->a is the k x m matrix A^T (rows = k, cols = m);
 *                 layout COL (B x 1 blocks down the columns, i.e. along k)
 *                 or TILE2D.
 *   trans_b == N: desc->b is the n x k matrix B; ROW or TILE2D.
 *   trans_b == T: desc->b is the k x n matrix B^T; COL or TILE2D.
 *
 * (N is the orientation of the product C = A B^T for both operands; T means
 * "the quantized tensor is the transpose". A layout whose blocks do not run
 * along k - ROW with T, COL with N - is LOWP_ERR_UNSUPPORTED.) So one
 * TILE2D-quantized weight W [out][in] serves both y = x W^T (trans_b N)
 * and dx = dy W (trans_b T) with the same codes and scales, and the
 * COL-quantized [K][M] / [K][N] operands of a weight gradient go in with
 * trans_a = trans_b = T. TILE2D needs the non-k dimension to be a multiple
 * of the block too.
 *
 * Every element is decoded exactly (value = elem * scale [* s_dec], as
 * lowp_dequantize), products are accumulated in fp32 in ascending k, and the
 * output is r = alpha*acc; if beta != 0: r = r + beta*C - so every device
 * gives the bits of lowp_ref_matmul_f32seq on the dequantized operands
 * (devices that flush fp32 subnormals excepted for subnormal products), for
 * every orientation and layout. C is row-major with leading dimension ldc;
 * beta == 0 does not read C; alpha == 0 reads neither A nor B (C = beta*C,
 * +0 when beta == 0); C(i, j) is c[offset_c + i*ldc + j]. Only the formats fields of desc->a / desc->b
 * (elem_format, scale_format, block, rows, cols, layout, ld) are used; the
 * rounding/seed/amax fields are ignored, ld must be cols (packed). k must
 * be a multiple of both blocks. The operand buffers start at offset 0
 * (codes and scales in bytes, tensor scales one float); C at offset_c
 * floats.
 *
 * Engines (desc->engine; $LOWP_MATMUL_ENGINE changes AUTO as for lowp_matmul):
 *   OWN      the device's quantized kernel, which reads codes and scales in
 *            place and gives the f32seq bits above on every device.
 *   BLAS, CLBLAST
 *            dequantize both operands into fp32 scratch on the device
 *            ((m + n) * k floats, freed before returning), then lowp_matmul
 *            with that engine: within the summation-order bound of the same
 *            product, not bit-equal; same device rules as lowp_matmul.
 *   AUTO     on the cpu device the dequantize + lowp_matmul(AUTO) route
 *            (OpenBLAS when built in: the CPU has no faster way to multiply
 *            the decoded values); on OpenCL devices OWN. */
struct lowp_qmatmul_desc {
    size_t m, n, k;
    float alpha, beta;
    size_t ldc;               /* >= max(1, n)                                     */
    size_t offset_c;          /* element offset of C(0, 0) in the C buffer        */
    struct lowp_quant_desc a; /* N: m x k, ROW|TILE2D;  T: k x m, COL|TILE2D; ld = cols */
    struct lowp_quant_desc b; /* N: n x k, ROW|TILE2D;  T: k x n, COL|TILE2D; ld = cols */
    lowp_matmul_trans trans_a, trans_b; /* orientation of the quantized tensors (above) */
    lowp_matmul_engine engine;          /* AUTO by lowp_qmatmul_desc_init (above)          */
};

/* Fill `d` for C (m x n) = A (m x k) B^T (n x k) with both operands in the
 * format of `fmt` (e.g. lowp_quant_desc_mx(1, 1, LOWP_FORMAT_E4M3) or
 * lowp_quant_desc_nvfp4(1, 1); its rows/cols/ld/layout are replaced):
 * trans_a = trans_b = N, ROW layout, alpha 1, beta 0, ldc = n, offset_c
 * 0, engine AUTO. Set d->b
 * separately for mixed formats; lowp_qmatmul_desc_orient changes one
 * operand's orientation and layout. */
LOWP_API void lowp_qmatmul_desc_init(struct lowp_qmatmul_desc *d, size_t m, size_t n, size_t k,
                                     const struct lowp_quant_desc *fmt);

/* Set the orientation and block layout of operand `which` ('a' or 'b') of a
 * descriptor made by lowp_qmatmul_desc_init, keeping its formats: the
 * operand descriptor gets the rows/cols/ld of that orientation (see above);
 * layout is ROW, COL or TILE2D (not checked here: lowp_qmatmul_desc_sizes
 * says what is wrong). */
LOWP_API void lowp_qmatmul_desc_orient(struct lowp_qmatmul_desc *d, char which, lowp_matmul_trans trans,
                                       enum lowp_block_layout layout);

/* Validate `d` and give the sizes the buffers need (bytes of codes and
 * scales of A and B, floats of C counted from the start of the buffer,
 * offset_c included - 0 for an empty product; any pointer may be NULL). */
LOWP_API lowp_status lowp_qmatmul_desc_sizes(const struct lowp_qmatmul_desc *d, size_t *a_code_bytes,
                                             size_t *a_scale_bytes, size_t *b_code_bytes, size_t *b_scale_bytes,
                                             size_t *c_elems);

/* The quantized GEMM on the context's device. a_tensor_scale/b_tensor_scale:
 * one float each, two-level scale formats only (may be NULL for E8M0).
 * Checks the descriptor, buffer sizes and contexts, and that C is not one
 * of the operand buffers. Queued like every op. */
LOWP_API lowp_status lowp_matmul_quantized(lowp_context *ctx, const struct lowp_qmatmul_desc *desc,
                                           const lowp_buffer *a_codes, const lowp_buffer *a_scales,
                                           const lowp_buffer *a_tensor_scale, const lowp_buffer *b_codes,
                                           const lowp_buffer *b_scales, const lowp_buffer *b_tensor_scale,
                                           lowp_buffer *c);

#ifdef __cplusplus
}
#endif
#endif
