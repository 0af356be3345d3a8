/* lowp/pqt.h — pseudo-quantization training (PQT) by Gaussian weight
 * sampling: the weight a product sees is the master weight plus random
 * noise at the scale of a quantization step, then cast to bf16 (or kept
 * fp32). After Ahn & Yoo, arXiv 2505.11170; docs/trainer.md ("PQT") says
 * which parts are the paper's and which are lowp's choices.
 *
 * For a rows x cols row-major matrix x cut into blocks of `block`
 * consecutive elements along each row (the last block of a row may be
 * shorter), element i = r * cols + c of block B:
 *
 *   e_B   = floor(log2(max_{j in B} |x_j|))       (exponent of the block max)
 *   k_B   = e_B + 1 - bits                         (log2 of the step Delta_B)
 *   b_0..b_3 = the four bytes of element i's Philox word (key seed,
 *           stream; lowp's layout: word i % 4 of counter i / 4)
 *   S_i   = b_0 + b_1 + b_2 + b_3 - 510             (integer, |S| <= 510)
 *   R_i   = S_i * C,  C = fp32(sqrt(3 / 65535))     (mean 0, variance 1)
 *   y_i   = cast(x_i + fp32(S_i * (C * 2^k_B)))
 *
 * R is Irwin-Hall(4) on bytes: a bounded approximation of N(0, 1)
 * (|R| <= 3.45, excess kurtosis -0.3) with 1021 levels 0.0068 apart, far
 * finer than the bf16 ulp it lands on at any bits <= 16. Every step is an exact integer operation or one
 * correctly rounded fp32 multiply or add on normal numbers, so every
 * device gives the same bits. Blocks whose max is zero, subnormal, Inf or
 * NaN, or whose step 2^k_B is below 2^-70, get no noise (y = cast(x)):
 * that keeps every noise value and sum clear of the subnormal range, which
 * some devices flush. cast: bf16 round-to-nearest-even, or none (fp32).
 *
 * The caller chooses `stream` (lowp's model: a PQT purpose tag, the step
 * and the weight tensor), so each step samples fresh noise and the same
 * call gives the same values in the forward and backward products. */
#ifndef LOWP_PQT_H
#define LOWP_PQT_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/context.h"
#include "lowp/formats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LOWP_PQT_MIN_BITS 2
#define LOWP_PQT_MAX_BITS 16
#define LOWP_PQT_MIN_STEP_LOG2 (-70) /* k_B below this: no noise */

struct lowp_pqt_desc {
    size_t rows, cols;       /* x and y: rows x cols, row-major */
    size_t block;            /* elements per block along a row, >= 1 */
    uint32_t bits;           /* [LOWP_PQT_MIN_BITS, LOWP_PQT_MAX_BITS]: Delta = 2^(e_B + 1 - bits) */
    enum lowp_format format; /* LOWP_FORMAT_BF16 (the paper's cast) or LOWP_FORMAT_FP32 (no cast) */
    uint64_t seed, stream;
    size_t x_offset, y_offset; /* elements */
};

/* Defaults: block 32, bits 8, bf16, seed and stream 0, offsets 0. */
LOWP_API void lowp_pqt_desc_init(struct lowp_pqt_desc *d, size_t rows, size_t cols);

/* y = cast(x + Delta * R) as above. x == y (same offset) is allowed. */
LOWP_API lowp_status lowp_pqt_sample(lowp_context *ctx, const struct lowp_pqt_desc *d, const lowp_buffer *x,
                                     lowp_buffer *y);

#ifdef __cplusplus
}
#endif
#endif
