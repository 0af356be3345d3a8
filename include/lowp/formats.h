/* lowp/formats.h — low-precision number formats, element casts and block
 * quantization (MX, NVFP4, UE5M3-scaled). Semantics: docs/formats.md.
 *
 * Everything here is defined by exact integer manipulation of IEEE fp32
 * bit patterns: results never depend on the host's denormal mode, on
 * fused multiply-add, or on the number of threads / work-group size. */
#ifndef LOWP_FORMATS_H
#define LOWP_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include "lowp/context.h"
#include "lowp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Number formats. Values are stable (ABI). */
enum lowp_format {
    LOWP_FORMAT_FP32  = 0,  /* IEEE binary32 (identity cast)                        */
    LOWP_FORMAT_BF16  = 1,  /* 1.8.7, Inf/NaN                                       */
    LOWP_FORMAT_FP16  = 2,  /* IEEE binary16 1.5.10, Inf/NaN                        */
    LOWP_FORMAT_E4M3  = 3,  /* OCP FP8 E4M3 ("e4m3fn"): max 448, NaN 0x7F/0xFF      */
    LOWP_FORMAT_E5M2  = 4,  /* OCP FP8 E5M2: max 57344, Inf/NaN                     */
    LOWP_FORMAT_E3M2  = 5,  /* OCP MX FP6 E3M2: max 28, all codes finite            */
    LOWP_FORMAT_E2M3  = 6,  /* OCP MX FP6 E2M3: max 7.5, all codes finite           */
    LOWP_FORMAT_E2M1  = 7,  /* OCP MX FP4 / NVFP4 element: max 6, all finite        */
    LOWP_FORMAT_INT8  = 8,  /* MX INT8: two's complement * 2^-6, symmetric ±127/64  */
    LOWP_FORMAT_E8M0  = 9,  /* unsigned power of two 2^(c-127), c<255; 0xFF = NaN   */
    LOWP_FORMAT_UE4M3 = 10, /* E4M3 without sign (7-bit code 0..0x7F), 0x7F = NaN   */
    LOWP_FORMAT_UE5M3 = 11, /* unsigned 5.3, bias 15; lowp choice: 0xFF = NaN,
                               max 0xFE = 114688, no Inf (see docs/formats.md)     */
    LOWP_FORMAT_COUNT = 12
};

enum lowp_rounding {
    LOWP_ROUNDING_RNE = 0,  /* round to nearest, ties to even                       */
    LOWP_ROUNDING_SR  = 1   /* stochastic: add min(D,32) random bits below the kept
                               bits (D = discarded bits), truncate               */
};

enum lowp_overflow {
    LOWP_OVERFLOW_SATURATE = 0, /* finite overflow and ±Inf clamp to ±max finite      */
    LOWP_OVERFLOW_NONSAT   = 1  /* IEEE-like formats: ±Inf; E4M3/UE4M3/UE5M3/E8M0: NaN;
                                   formats with neither (FP6/FP4/INT8): saturate     */
};

/* How a power-of-two (E8M0) block scale is chosen from the block amax. */
enum lowp_scale_mode {
    LOWP_SCALE_FLOOR = 0,   /* OCP MX v1.0: 2^(floor(log2 amax) - emax_elem); may clip */
    LOWP_SCALE_CEIL  = 1,   /* 2^(ceil(log2 amax) - emax_elem); never clips          */
    LOWP_SCALE_EVEN  = 2,   /* amax significand rounded to the element's M bits first */
    LOWP_SCALE_RCEIL = 3    /* 2^ceil(log2(amax * fp32(1/max_elem))) (cuBLAS/TE)     */
};

/* Along which direction the blocks of a rows x cols matrix run. */
enum lowp_block_layout {
    LOWP_BLOCK_ROW    = 0,  /* 1 x B blocks along each row; codes row-major [rows][cols],
                               scales [rows][cols/B]                               */
    LOWP_BLOCK_COL    = 1,  /* B x 1 blocks down each column; codes stored TRANSPOSED
                               [cols][rows], scales [cols][rows/B]                 */
    LOWP_BLOCK_TILE2D = 2   /* B x B tiles; codes row-major, scales [rows/B][cols/B] */
};

/* Block quantization descriptor. The float matrix x (and the dequantized /
 * fake-quantized output y) has element (r, c) at r*ld + c.
 *
 * scale_format selects the scheme:
 *   LOWP_FORMAT_E8M0          MX: power-of-two scale chosen by scale_mode.
 *   LOWP_FORMAT_UE4M3 / UE5M3 two-level (NVFP4 recipe): fp32 tensor scale
 *                             from tensor_amax, then a per-block scale in
 *                             scale_format, in TE's operation order.
 * The random bits of element (r, c) are lowp_philox_word(seed, stream,
 * r*cols + c) whatever the layout. */
struct lowp_quant_desc {
    size_t rows, cols, ld;             /* ld >= cols                               */
    enum lowp_block_layout layout;
    uint32_t block;                    /* block length B: 16 or 32                 */
    enum lowp_format elem_format;      /* E4M3, E5M2, E3M2, E2M3, E2M1, INT8       */
    enum lowp_format scale_format;     /* E8M0, UE4M3, UE5M3                        */
    enum lowp_scale_mode scale_mode;   /* E8M0 only                                */
    enum lowp_rounding rounding;       /* of the elements (scales always RNE)      */
    enum lowp_overflow overflow;       /* of the elements (MX); two-level clamps   */
    uint64_t seed, stream;             /* SR only                                  */
    float tensor_amax;                 /* two-level only: amax for the tensor scale;
                                          a negative (or NaN) value means "compute it
                                          from x"
                                          (pass the all-reduced amax when sharded) */
    int clamp_tiny_scale;              /* two-level only: 0 = TE (block scale may be
                                          subnormal or zero), 1 = torchao (clamp the
                                          block scale to >= smallest normal)       */
};

/* Per-tensor statistics of one quantization (x vs its dequantized value). */
struct lowp_quant_stats {
    uint64_t count;        /* elements                                              */
    uint64_t nonfinite;    /* x or its dequantized value NaN/Inf (a NaN-scaled block
                              counts whole); excluded from everything below        */
    uint64_t zeros;        /* x == ±0                                               */
    uint64_t underflows;   /* x != 0 finite but dequantized value == 0              */
    uint64_t clipped;      /* |x / block scale| > max element (saturated)           */
    double amax;           /* max |x|                                               */
    double err_sq;         /* sum (y - x)^2 (double)                                */
    double ref_sq;         /* sum x^2 (double)                                      */
    double rel_rms;        /* sqrt(err_sq / ref_sq), 0 if ref_sq == 0               */
    double snr_db;         /* 10 log10(ref_sq / err_sq), +inf if err_sq == 0        */
};

/* Element cast descriptor (no block scale): x[i] <-> codes[i], i < n.
 * Codes are stored one per lowp_format_code_bytes() bytes (1, 2 or 4), FP6 and
 * FP4 unpacked in the low bits of a byte. Element i uses random word
 * lowp_philox_word(seed, stream, index_base + i). */
struct lowp_cast_desc {
    size_t n;
    enum lowp_format format;
    enum lowp_rounding rounding;
    enum lowp_overflow overflow;
    uint64_t seed, stream, index_base;
};

/* ---- scalar codecs (exact, no host float arithmetic involved) ---- */
/* Encode one fp32 value. rbits: the 32 random bits (SR only). */
LOWP_API uint32_t lowp_format_encode(enum lowp_format f, float x, enum lowp_rounding r,
                            uint32_t rbits, enum lowp_overflow o);
/* Decode one code to fp32 (exact for every format). */
LOWP_API float lowp_format_decode(enum lowp_format f, uint32_t code);
LOWP_API const char *lowp_format_name(enum lowp_format f);
LOWP_API unsigned lowp_format_bits(enum lowp_format f);        /* 32,16,8,6,4,(7 for UE4M3) */
LOWP_API unsigned lowp_format_code_bytes(enum lowp_format f);  /* unpacked storage: 1, 2, 4 */
LOWP_API float lowp_format_max(enum lowp_format f);            /* largest finite value      */

/* ---- sizes of the quantized storage for a descriptor ---- */
/* Packed element bytes: 8-bit formats 1/elt, FP6 4 values in 3 bytes, FP4 2/byte. */
LOWP_API lowp_status lowp_quant_sizes(const struct lowp_quant_desc *d, size_t *code_bytes,
                             size_t *scale_count);

/* Two-level scheme: the fp32 tensor decode scale s_dec for a tensor amax
 * (the value lowp_quantize writes to tensor_scale). */
LOWP_API lowp_status lowp_quant_tensor_decode_scale(const struct lowp_quant_desc *d, float tensor_amax, float *s_dec);

/* Default descriptors: MXFP4-like (32, E8M0, FLOOR) and NVFP4 (16, UE4M3). */
LOWP_API struct lowp_quant_desc lowp_quant_desc_mx(size_t rows, size_t cols, enum lowp_format elem);
LOWP_API struct lowp_quant_desc lowp_quant_desc_nvfp4(size_t rows, size_t cols);

/* ---- device ops: every device gives the reference's bits ----
 * Offsets count elements of each buffer's own type: x and y in floats;
 * cast codes in lowp_format_code_bytes(d->format)-byte units; packed block
 * codes and scales in bytes; tensor_scale in floats. Ops are queued on the
 * context like every lowp op; only a non-NULL `stats` makes the call wait
 * (the statistics are read back to the host). */

/* codes[codes_offset + i] = encode(x[x_offset + i]), i < d->n (1-, 2- or
 * 4-byte codes; FP6/FP4 unpacked in the low bits of a byte). */
LOWP_API lowp_status lowp_cast(lowp_context *ctx, const struct lowp_cast_desc *d, const lowp_buffer *x,
                               size_t x_offset, lowp_buffer *codes, size_t codes_offset);
/* y[y_offset + i] = decode(codes[codes_offset + i]) (exact). */
LOWP_API lowp_status lowp_cast_decode(lowp_context *ctx, const struct lowp_cast_desc *d, const lowp_buffer *codes,
                                      size_t codes_offset, lowp_buffer *y, size_t y_offset);
/* y = decode(encode(x)) ("fake cast"); y may be x at the same offset. */
LOWP_API lowp_status lowp_cast_round(lowp_context *ctx, const struct lowp_cast_desc *d, const lowp_buffer *x,
                                     size_t x_offset, lowp_buffer *y, size_t y_offset);

/* Block-quantize the rows x cols matrix x (stride d->ld) into packed codes
 * (lowp_quant_sizes() bytes) and one scale byte per block. Two-level scale
 * formats (ue4m3, ue5m3) also need `tensor_scale`: it receives s_dec, the
 * fp32 tensor decode scale, on the device (pass it to lowp_dequantize); for
 * E8M0 it may be NULL. The tensor amax is d->tensor_amax when >= 0, else it
 * is computed on the device over the finite elements of x. stats may be NULL. */
LOWP_API lowp_status lowp_quantize(lowp_context *ctx, const struct lowp_quant_desc *d, const lowp_buffer *x,
                                   size_t x_offset, lowp_buffer *codes, size_t codes_offset, lowp_buffer *scales,
                                   size_t scales_offset, lowp_buffer *tensor_scale, size_t tensor_scale_offset,
                                   struct lowp_quant_stats *stats);
/* y (stride d->ld) = the values the codes stand for. tensor_scale: two-level only. */
LOWP_API lowp_status lowp_dequantize(lowp_context *ctx, const struct lowp_quant_desc *d, const lowp_buffer *codes,
                                     size_t codes_offset, const lowp_buffer *scales, size_t scales_offset,
                                     const lowp_buffer *tensor_scale, size_t tensor_scale_offset, lowp_buffer *y,
                                     size_t y_offset);
/* y = dequantize(quantize(x)) in one pass, without storing codes; y may be x
 * at the same offset. stats may be NULL. */
LOWP_API lowp_status lowp_fake_quantize(lowp_context *ctx, const struct lowp_quant_desc *d, const lowp_buffer *x,
                                        size_t x_offset, lowp_buffer *y, size_t y_offset,
                                        struct lowp_quant_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
