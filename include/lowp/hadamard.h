/* lowp/hadamard.h — Walsh–Hadamard transforms along one axis of a matrix.
 *
 * The op works on a row-major matrix X of `rows` × `cols` elements. It cuts
 * the chosen axis into consecutive blocks of length n (n = `block`, or the
 * whole axis when block is 0) and replaces every block v (a vector of n
 * elements) by
 *
 *     forward:  y = c · H_n · diag(s) · v        (signs first, then H)
 *     inverse:  y = c · diag(s) · H_nᵀ · v       (H first, then signs)
 *
 * where c is the scale (1/√n by default), s the sign vector (all +1 unless
 * a sign source is chosen) and H_n the ±1 Hadamard matrix of order n:
 *
 *   n = 2^k, 1 ≤ k ≤ 15:       H_n = Sylvester matrix in natural order,
 *                              H[i][j] = (−1)^popcount(i & j)
 *                              (= scipy.linalg.hadamard(n)).
 *   n = m·2^k, m ∈ {12,20,28}, 0 ≤ k, n ≤ 32768:
 *                              H_n = H_m ⊗ H_{2^k} (Kronecker, H_m outer),
 *                              H_m built by the Paley constructions
 *                              described in docs/hadamard.md.
 *
 * Every H_n satisfies H·Hᵀ = n·I, so with the default scale the transform
 * is orthonormal and `inverse` undoes it exactly (up to rounding). In all
 * cases `inverse` applies the transpose (adjoint) of the forward operator
 * with the same scale: that is also the backward pass of the forward op.
 *
 * Sign vector: s has n entries, indexed by the position j ∈ [0, n) inside
 * the block, and the same s is used for every block and every row/column
 * (as in the NVFP4 recipe, where one 16-entry vector is shared).
 *   PHILOX: s_j = −1 exactly when bit 31 (the top bit) of
 *           lowp_philox_word(seed, stream, j) is set.
 *   USER:   s_j = −1 exactly when bit (j % 32) of sign_bits[j / 32] is set
 *           (see lowp_hadamard_signs_pack / lowp_hadamard_signs_philox).
 *
 * Element types: fp32, or bf16 stored as uint16_t. All arithmetic is fp32;
 * a bf16 output is the fp32 result rounded to nearest-even.
 *
 * In place: the output may alias the input exactly (same pointer / buffer
 * and offset) when both use the same dtype and the same row stride. Any
 * other overlap is an error. */
#ifndef LOWP_HADAMARD_H
#define LOWP_HADAMARD_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/context.h"
#include "lowp/formats.h"
#include "lowp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest transform length. */
#define LOWP_HADAMARD_MAX_N 32768u

typedef enum lowp_hadamard_dtype {
    LOWP_HADAMARD_DTYPE_F32  = 0, /* float */
    LOWP_HADAMARD_DTYPE_BF16 = 1  /* bfloat16 bits in a uint16_t */
} lowp_hadamard_dtype;

typedef enum lowp_hadamard_scale {
    LOWP_HADAMARD_SCALE_ORTHONORMAL = 0, /* c = 1/√n (n = transform length) */
    LOWP_HADAMARD_SCALE_NONE        = 1, /* c = 1 (plain ±1 sums)          */
    LOWP_HADAMARD_SCALE_CUSTOM      = 2  /* c = desc.scale (finite, ≠ 0)    */
} lowp_hadamard_scale;

typedef enum lowp_hadamard_axis {
    LOWP_HADAMARD_AXIS_ROWS = 0, /* transform along each row (the contiguous axis)   */
    LOWP_HADAMARD_AXIS_COLS = 1  /* transform along each column (stride = row stride) */
} lowp_hadamard_axis;

typedef enum lowp_hadamard_signs {
    LOWP_HADAMARD_SIGNS_NONE   = 0, /* s = all +1                           */
    LOWP_HADAMARD_SIGNS_PHILOX = 1, /* s from Philox(seed, stream, j)        */
    LOWP_HADAMARD_SIGNS_USER   = 2  /* s from a caller's packed bit vector   */
} lowp_hadamard_signs;

struct lowp_hadamard_desc {
    uint64_t rows;         /* matrix rows, ≥ 1 */
    uint64_t cols;         /* matrix columns (elements per row), ≥ 1 */
    uint64_t ld_in;        /* input row stride in elements, ≥ cols */
    uint64_t ld_out;       /* output row stride in elements, ≥ cols */
    lowp_hadamard_dtype dtype_in;
    lowp_hadamard_dtype dtype_out;
    lowp_hadamard_axis axis;
    uint32_t block;        /* transform length n; 0 = the whole axis (cols for
                              AXIS_ROWS, rows for AXIS_COLS). n must be a
                              supported length and divide the axis length.
                              Block-diagonal use: 16, 32, 64, 128, 256. */
    lowp_hadamard_scale scale_mode;
    float scale;           /* used only with LOWP_HADAMARD_SCALE_CUSTOM */
    lowp_hadamard_signs sign_mode;
    uint64_t seed;         /* PHILOX only: Philox key */
    uint64_t stream;       /* PHILOX only: Philox stream (counter words 2-3) */
    int inverse;           /* 0: forward, non-zero: transpose/inverse */
};

/* Fill `d` with defaults for a dense fp32 rows × cols matrix: whole-row
 * transform, orthonormal, no signs, forward, ld_in = ld_out = cols. */
LOWP_API lowp_status lowp_hadamard_desc_init(struct lowp_hadamard_desc *d, uint64_t rows, uint64_t cols);

/* Check every field; LOWP_ERR_INVALID_ARG with a message naming the field
 * on failure (e.g. an unsupported transform length). */
LOWP_API lowp_status lowp_hadamard_desc_validate(const struct lowp_hadamard_desc *d);

/* 1 when n is a supported transform length (see above), else 0. */
LOWP_API int lowp_hadamard_length_supported(uint64_t n);

/* The transform length n the descriptor implies (block, or the axis
 * length when block is 0). Does not validate. */
LOWP_API uint64_t lowp_hadamard_desc_length(const struct lowp_hadamard_desc *d);

/* The scale c actually applied, as fp32 (1/√n rounded to nearest from
 * double for ORTHONORMAL). Every fast path multiplies by exactly this. */
LOWP_API float lowp_hadamard_desc_scale(const struct lowp_hadamard_desc *d);

/* Words needed for a packed sign vector of n entries: (n + 31) / 32. */
LOWP_API size_t lowp_hadamard_signs_words(uint64_t n);

/* Pack ±1 (any negative value, including −0.0, means −1) into bits. */
LOWP_API lowp_status lowp_hadamard_signs_pack(const float *signs, uint64_t n, uint32_t *bits);

/* The PHILOX sign vector as packed bits, identical to what PHILOX mode
 * uses: bit j set when lowp_philox_word(seed, stream, j) >> 31 is 1. */
LOWP_API lowp_status lowp_hadamard_signs_philox(uint64_t seed, uint64_t stream, uint64_t n, uint32_t *bits);

/* The ±1 Hadamard matrix of order n used by this op, row-major n × n int8
 * (for tests and explicit references; n ≤ 4096 to keep it small). */
LOWP_API lowp_status lowp_hadamard_matrix(uint64_t n, int8_t *h);

/* Run the op on a device: y = op(x) for the matrices described by `desc`.
 *
 *   x         dtype_in elements; row 0 starts at element x_offset of the buffer,
 *             (rows − 1)·ld_in + cols elements from there must fit.
 *   y         dtype_out elements from element y_offset, (rows − 1)·ld_out + cols.
 *             In place: y == x with y_offset == x_offset, dtype_in == dtype_out
 *             and ld_in == ld_out. Any other overlap of x and y is an error.
 *   sign_bits SIGNS_USER only: lowp_hadamard_signs_words(n) packed uint32
 *             words from the start of the buffer (bit j%32 of word j/32 set
 *             means s_j = −1); must be NULL for the other sign modes.
 *
 * Every device gives the same bits as the fast CPU path for IEEE fp32
 * devices (docs/hadamard.md §6); PHILOX signs are the same on every device.
 * Queued like every op: lowp_buffer_read or lowp_context_sync waits for it.
 * Errors: LOWP_ERR_INVALID_ARG (any bad field, range or overlap, with a
 * message naming it), LOWP_ERR_UNSUPPORTED (device without enough local
 * memory for the length), LOWP_ERR_OUT_OF_MEMORY, LOWP_ERR_DEVICE. */
LOWP_API lowp_status lowp_hadamard(lowp_context *ctx, const struct lowp_hadamard_desc *desc, const lowp_buffer *x,
                                   size_t x_offset, lowp_buffer *y, size_t y_offset, const lowp_buffer *sign_bits);

/* Fused randomized Hadamard + block quantization (docs/hadamard.md §9):
 * exactly lowp_hadamard(h, x -> t) followed by lowp_quantize(q, t -> codes,
 * scales, tensor_scale), without storing t. Same codes, scales and tensor
 * scale bits as that pair on every device (the random bits of SR are keyed
 * by the logical element index r*cols + c, as in lowp_quantize).
 *
 * Compatibility (else LOWP_ERR_INVALID_ARG naming the field):
 *   h->dtype_out == F32 (the quantizer reads fp32; dtype_in may be BF16);
 *   q->rows == h->rows, q->cols == h->cols, q->ld == h->ld_out (the stride
 *   the unfused pair would use for t);
 *   AXIS_ROWS with LOWP_BLOCK_ROW, AXIS_COLS with LOWP_BLOCK_COL (the NVFP4
 *   Wgrad recipe: transform and quantize blocks along the same axis;
 *   TILE2D is rejected);
 *   transform length n <= LOWP_HADAMARD_QUANT_MAX_N and n % B == 0 or
 *   B % n == 0 (B = q->block), so every quant block lies in one group of
 *   max(n, B) elements that the transform produces together.
 * Two-level formats (NVFP4): q->tensor_amax < 0 means the amax of the
 * TRANSFORMED tensor; it is found by a first pass that transforms without
 * writing (x read twice, codes written once); a given amax skips it.
 * codes/scales/tensor_scale offsets as in lowp_quantize (bytes, bytes,
 * floats); tensor_scale may be NULL for E8M0. sign_bits as in lowp_hadamard. */
#define LOWP_HADAMARD_QUANT_MAX_N 4096u

LOWP_API lowp_status lowp_hadamard_quant_check(const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q);

LOWP_API lowp_status lowp_hadamard_quantize(lowp_context *ctx, const struct lowp_hadamard_desc *h,
                                            const struct lowp_quant_desc *q, const lowp_buffer *x, size_t x_offset,
                                            lowp_buffer *codes, size_t codes_offset, lowp_buffer *scales,
                                            size_t scales_offset, lowp_buffer *tensor_scale, size_t ts_offset,
                                            const lowp_buffer *sign_bits);

#ifdef __cplusplus
}
#endif
#endif
