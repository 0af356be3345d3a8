/* quant.h — block geometry, packing and validation shared by the reference
 * and the fast CPU block quantizers (and mirrored in kernels/formats.cl).
 *
 * Blocks are numbered b = 0 .. nblocks-1 in the order of the scale array:
 *   ROW    [rows][cols/B]   block b covers row b/(cols/B), columns (b%(cols/B))*B + k
 *   COL    [cols][rows/B]   block b covers column b/(rows/B), rows (b%(rows/B))*B + k
 *   TILE2D [rows/B][cols/B] tile b covers rows (b/(cols/B))*B + k/B, columns (b%(cols/B))*B + k%B
 * k is the block-local index (0..B-1, or 0..B*B-1 for tiles). Codes are stored
 * at "storage index" s: ROW/TILE2D s = r*cols + c, COL s = c*rows + r, and
 * packed by lowp_pack_put(): 8-bit 1 byte each; FP6 4 codes per 3 bytes as the
 * little-endian 24-bit word c0 | c1<<6 | c2<<12 | c3<<18; FP4 2 per byte, even s
 * in the low nibble. Every block starts at a byte boundary (B % 4 == 0). */
#ifndef LOWP_FORMATS_QUANT_H
#define LOWP_FORMATS_QUANT_H

#include <stddef.h>
#include <stdint.h>
#include "lowp/formats.h"

/* Validate a cast descriptor and its two host pointers. */
lowp_status lowp_cast_check(const struct lowp_cast_desc *d, const void *a, const void *b);

/* Validate a descriptor (clear message, LOWP_ERR_INVALID_ARG/UNSUPPORTED). */
lowp_status lowp_quant_check(const struct lowp_quant_desc *d);
/* The checks every host implementation (reference, fast CPU) makes on entry:
 * the descriptor, then the host pointers each entry needs (quantize: x,
 * codes, scales and, for two-level formats, tensor_scale; fake-quantize: x
 * and y; dequantize: codes, scales and y). Pass NULL for the pointers the
 * entry does not take. */
lowp_status lowp_quant_check_quantize(const struct lowp_quant_desc *d, const float *x, const uint8_t *codes,
                                      const uint8_t *scales, const float *tensor_scale);
lowp_status lowp_quant_check_fake(const struct lowp_quant_desc *d, const float *x, const float *y);
lowp_status lowp_quant_check_dequantize(const struct lowp_quant_desc *d, const uint8_t *codes,
                                        const uint8_t *scales, const float *y);

static inline int lowp_quant_two_level(const struct lowp_quant_desc *d)
{
    return d->scale_format != LOWP_FORMAT_E8M0;
}

static inline size_t lowp_quant_nblocks(const struct lowp_quant_desc *d)
{
    size_t B = d->block;
    return d->layout == LOWP_BLOCK_TILE2D ? (d->rows / B) * (d->cols / B) : d->rows * d->cols / B;
}

static inline size_t lowp_quant_block_len(const struct lowp_quant_desc *d)
{
    return d->layout == LOWP_BLOCK_TILE2D ? (size_t)d->block * d->block : d->block;
}

/* The largest lowp_quant_block_len: a 32 x 32 tile. */
#define LOWP_QUANT_MAX_BLOCK_LEN (32 * 32)

/* Element (r, c) of local index k in block b. */
static inline void lowp_quant_elem(const struct lowp_quant_desc *d, size_t b, size_t k,
                                   size_t *r, size_t *c)
{
    size_t B = d->block;
    if (d->layout == LOWP_BLOCK_ROW) {
        size_t nbl = d->cols / B;
        *r = b / nbl; *c = (b % nbl) * B + k;
    } else if (d->layout == LOWP_BLOCK_COL) {
        size_t nbl = d->rows / B;
        *c = b / nbl; *r = (b % nbl) * B + k;
    } else {
        size_t nbc = d->cols / B;
        *r = (b / nbc) * B + k / B; *c = (b % nbc) * B + k % B;
    }
}

/* (rr[k], cc[k]) = lowp_quant_elem(d, b, k) for every k of block b, stepped
 * from the first element: no division per element. */
static inline void lowp_quant_block_coords(const struct lowp_quant_desc *d, size_t b, size_t *rr, size_t *cc)
{
    const size_t bl = lowp_quant_block_len(d);
    size_t r0, c0, ti = 0, tj = 0; /* (ti, tj): position inside a 2D tile */
    lowp_quant_elem(d, b, 0, &r0, &c0);
    for (size_t k = 0; k < bl; ++k) {
        if (d->layout == LOWP_BLOCK_ROW) { rr[k] = r0; cc[k] = c0 + k; }
        else if (d->layout == LOWP_BLOCK_COL) { rr[k] = r0 + k; cc[k] = c0; }
        else {
            rr[k] = r0 + ti; cc[k] = c0 + tj;
            if (++tj == d->block) { tj = 0; ++ti; }
        }
    }
}

/* Block of element (r, c). */
static inline size_t lowp_quant_block_of(const struct lowp_quant_desc *d, size_t r, size_t c)
{
    size_t B = d->block;
    if (d->layout == LOWP_BLOCK_ROW) return r * (d->cols / B) + c / B;
    if (d->layout == LOWP_BLOCK_COL) return c * (d->rows / B) + r / B;
    return (r / B) * (d->cols / B) + c / B;
}

static inline size_t lowp_quant_storage(const struct lowp_quant_desc *d, size_t r, size_t c)
{
    return d->layout == LOWP_BLOCK_COL ? c * d->rows + r : r * d->cols + c;
}

static inline void lowp_pack_put(uint8_t *buf, unsigned bits, size_t s, uint32_t code)
{
    if (bits == 8) {
        buf[s] = (uint8_t)code;
    } else if (bits == 4) {
        uint8_t *p = buf + s / 2;
        unsigned sh = (unsigned)(s & 1u) * 4u;
        *p = (uint8_t)((*p & ~(0xFu << sh)) | ((code & 0xFu) << sh));
    } else { /* 6 */
        uint8_t *p = buf + (s / 4) * 3;
        uint32_t w = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
        unsigned sh = (unsigned)(s & 3u) * 6u;
        w = (w & ~(0x3Fu << sh)) | ((code & 0x3Fu) << sh);
        p[0] = (uint8_t)w; p[1] = (uint8_t)(w >> 8); p[2] = (uint8_t)(w >> 16);
    }
}

static inline uint32_t lowp_pack_get(const uint8_t *buf, unsigned bits, size_t s)
{
    if (bits == 8) return buf[s];
    if (bits == 4) return (buf[s / 2] >> ((unsigned)(s & 1u) * 4u)) & 0xFu;
    const uint8_t *p = buf + (s / 4) * 3;
    uint32_t w = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    return (w >> ((unsigned)(s & 3u) * 6u)) & 0x3Fu;
}

/* Finish derived stats fields (rel_rms, snr_db) from the sums. */
void lowp_quant_stats_finish(struct lowp_quant_stats *s);

#endif
