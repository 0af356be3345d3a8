/* formats.cl - OpenCL C 1.2 mirror of the lowp formats family: element
 * casts (fp32 <-> every format, RNE or stochastic) and block quantize /
 * dequantize / fake-quantize (MX E8M0, two-level UE4M3/UE5M3 = NVFP4 recipe),
 * bit-identical to backends/cpu/ref/formats_ref.c.
 *
 * philox.cl is prepended by the build (lowp_philox_block / lowp_philox_word).
 * No float arithmetic is used on values: the codecs come from codec.cl,
 * which the build puts before this file (integer-only, so denormal
 * flushing, FMA and inexact division on the device cannot change a bit). One work-item per element (casts) or per block (block
 * kernels): results never depend on the work-group size.
 * Semantics and argument tables: docs/formats.md. */
#pragma OPENCL FP_CONTRACT OFF


/* ---------------- element casts: one work-item per element ---------------- */

static inline uint lowp_fmt_cast_one(__global const float *x, ulong i, int format, int rounding,
                                     int overflow, ulong seed, ulong stream, ulong index)
{
    uint rb = rounding ? lowp_philox_word(seed, stream, index) : 0u;
    return lowp_cc_encode_bits(format, as_uint(x[i]), 0, rounding, rb, overflow);
}

/* codes[c_off + i] = encode(x[x_off + i]) for i < n; 1-byte codes (8/6/4-bit formats). */
__kernel void lowp_cast_encode_u8(__global const float *x, ulong x_off, __global uchar *codes, ulong c_off,
                                  ulong n, int format, int rounding, int overflow, ulong seed,
                                  ulong stream, ulong index_base)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    codes[c_off + i] = (uchar)lowp_fmt_cast_one(x, x_off + i, format, rounding, overflow, seed, stream, index_base + i);
}

/* Same for 2-byte codes (bf16, fp16). */
__kernel void lowp_cast_encode_u16(__global const float *x, ulong x_off, __global ushort *codes, ulong c_off,
                                   ulong n, int format, int rounding, int overflow, ulong seed,
                                   ulong stream, ulong index_base)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    codes[c_off + i] = (ushort)lowp_fmt_cast_one(x, x_off + i, format, rounding, overflow, seed, stream, index_base + i);
}

__kernel void lowp_cast_decode_u8(__global const uchar *codes, ulong c_off, __global float *y, ulong y_off,
                                  ulong n, int format)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    y[y_off + i] = as_float(lowp_cc_decode_bits(format, codes[c_off + i]));
}

__kernel void lowp_cast_decode_u16(__global const ushort *codes, ulong c_off, __global float *y, ulong y_off,
                                   ulong n, int format)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    y[y_off + i] = as_float(lowp_cc_decode_bits(format, codes[c_off + i]));
}

/* y = decode(encode(x)) ("fake cast"); y may alias x. */
__kernel void lowp_cast_round(__global const float *x, ulong x_off, __global float *y, ulong y_off,
                              ulong n, int format, int rounding, int overflow, ulong seed,
                              ulong stream, ulong index_base)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    uint c = lowp_fmt_cast_one(x, x_off + i, format, rounding, overflow, seed, stream, index_base + i);
    y[y_off + i] = as_float(lowp_cc_decode_bits(format, c));
}

/* ---------------- block geometry and packing (mirror of src/formats/quant.h) ---------------- */

static inline void lowp_fmt_elem(int layout, ulong rows, ulong cols, ulong B, ulong b, ulong k,
                                 ulong *r, ulong *c)
{
    if (layout == 0) { ulong nbl = cols / B; *r = b / nbl; *c = (b % nbl) * B + k; }
    else if (layout == 1) { ulong nbl = rows / B; *c = b / nbl; *r = (b % nbl) * B + k; }
    else { ulong nbc = cols / B; *r = (b / nbc) * B + k / B; *c = (b % nbc) * B + k % B; }
}

static inline ulong lowp_fmt_storage(int layout, ulong rows, ulong cols, ulong r, ulong c)
{
    return layout == 1 ? c * rows + r : r * cols + c;
}

static inline void lowp_fmt_pack_put(__global uchar *buf, uint bits, ulong s, uint code)
{
    if (bits == 8u) {
        buf[s] = (uchar)code;
    } else if (bits == 4u) {
        __global uchar *p = buf + s / 2;
        uint sh = (uint)(s & 1ul) * 4u;
        *p = (uchar)((*p & ~(0xFu << sh)) | ((code & 0xFu) << sh));
    } else {
        __global uchar *p = buf + (s / 4) * 3;
        uint w = (uint)p[0] | ((uint)p[1] << 8) | ((uint)p[2] << 16);
        uint sh = (uint)(s & 3ul) * 6u;
        w = (w & ~(0x3Fu << sh)) | ((code & 0x3Fu) << sh);
        p[0] = (uchar)w; p[1] = (uchar)(w >> 8); p[2] = (uchar)(w >> 16);
    }
}

static inline uint lowp_fmt_pack_get(__global const uchar *buf, uint bits, ulong s)
{
    if (bits == 8u) return buf[s];
    if (bits == 4u) return (buf[s / 2] >> ((uint)(s & 1ul) * 4u)) & 0xFu;
    __global const uchar *p = buf + (s / 4) * 3;
    uint w = (uint)p[0] | ((uint)p[1] << 8) | ((uint)p[2] << 16);
    return (w >> ((uint)(s & 3ul) * 6u)) & 0x3Fu;
}

static inline uint lowp_fmt_bits(int f)
{
    return (f == LOWP_CC_E3M2 || f == LOWP_CC_E2M3) ? 6u : f == LOWP_CC_E2M1 ? 4u : 8u;
}

/* ---------------- block kernels: one work-item per block ---------------- */

/* amax_out[0] = max(amax_out[0], |x| bits over finite x): the tensor amax of
 * the two-level scheme. Host zeroes amax_out first; any global/local size
 * (integer max is order-independent). Work-item g handles elements g, g+G, ... */
__kernel void lowp_quant_tensor_amax(__global const float *x, ulong x_off, ulong rows, ulong cols, ulong ld,
                                     __global uint *amax_out)
{
    ulong G = get_global_size(0), n = rows * cols;
    uint m = 0u;
    for (ulong i = get_global_id(0); i < n; i += G) {
        uint a = as_uint(x[x_off + (i / cols) * ld + i % cols]) & 0x7FFFFFFFu;
        if (a < 0x7F800000u && a > m) m = a;
    }
    atomic_max(amax_out, m);
}

/* Quantize block b = get_global_id(0) < nblocks (lowp_quant_nblocks()).
 * layout 0 ROW, 1 COL, 2 TILE2D; elem/scale_fmt: enum lowp_format;
 * scale_mode 0..3 (E8M0 only); rounding 0 RNE, 1 SR; overflow 0 sat, 1 nonsat;
 * tensor_amax_bits: fp32 bits of the tensor amax (two-level only).
 * write_codes: store packed codes at codes[codes_off ...] and scales;
 * write_y: store the dequantized value (fake quantize) at y[y_off + r*ld + c]
 * (y may alias x: a block reads its elements before writing them). */
__kernel void lowp_quant_blocks(__global const float *x, ulong x_off, ulong rows, ulong cols, ulong ld,
                                int layout, uint block, int elem, int scale_fmt, int scale_mode,
                                int rounding, int overflow, ulong seed, ulong stream, int clamp_tiny,
                                uint tensor_amax_bits, ulong nblocks, int write_codes,
                                __global uchar *codes, ulong codes_off, __global uchar *scales,
                                ulong scales_off, int write_y, __global float *y, ulong y_off)
{
    ulong b = get_global_id(0);
    if (b >= nblocks) return;
    ulong B = block, bl = layout == 2 ? B * B : B;
    int two = scale_fmt != LOWP_CC_E8M0;
    uint amax = 0u, sc, enc = 0u, s_enc = 0u, s_dec = 0u, mult = 0u;
    for (ulong k = 0; k < bl; ++k) {
        ulong r, c;
        lowp_fmt_elem(layout, rows, cols, B, b, k, &r, &c);
        uint a = as_uint(x[x_off + r * ld + c]) & 0x7FFFFFFFu;
        if (a >= 0x7F800000u) a = 0x7FC00000u;
        if (a > amax) amax = a;
    }
    if (two) {
        lowp_cc_tensor_scale(tensor_amax_bits, scale_fmt, elem, &s_enc, &s_dec, &mult);
        sc = lowp_cc_block_scale2(amax, mult, scale_fmt, clamp_tiny);
        enc = lowp_cc_block_enc2(scale_fmt, sc, s_dec);
    } else {
        sc = lowp_cc_e8m0_scale(amax, scale_mode, elem);
    }
    if (write_codes) scales[scales_off + b] = (uchar)sc;
    uint bits = lowp_fmt_bits(elem);
    ulong q = ~0ul;
    uint4 w = (uint4)(0u, 0u, 0u, 0u);
    for (ulong k = 0; k < bl; ++k) {
        ulong r, c;
        lowp_fmt_elem(layout, rows, cols, B, b, k, &r, &c);
        uint xb = as_uint(x[x_off + r * ld + c]);
        ulong idx = r * cols + c;
        uint rb = 0u;
        if (rounding) {
            if ((idx >> 2) != q) { q = idx >> 2; w = lowp_philox_block(seed, stream, q); }
            uint j = (uint)(idx & 3ul);
            rb = j == 0u ? w.x : j == 1u ? w.y : j == 2u ? w.z : w.w;
        }
        uint code, yb;
        if (two) {
            code = lowp_cc_elem_encode2(elem, xb, enc, rounding, rb);
            yb = lowp_cc_elem_decode2(elem, code, scale_fmt, sc, s_dec);
        } else {
            code = lowp_cc_elem_encode_mx(elem, xb, sc, rounding, rb, overflow);
            yb = lowp_cc_elem_decode_mx(elem, code, sc);
        }
        if (write_codes) lowp_fmt_pack_put(codes + codes_off, bits, lowp_fmt_storage(layout, rows, cols, r, c), code);
        if (write_y) y[y_off + r * ld + c] = as_float(yb);
    }
}

/* Dequantize block b = get_global_id(0) < nblocks into y[y_off + r*ld + c].
 * s_dec_bits: fp32 bits of the tensor decode scale (two-level only). */
__kernel void lowp_dequant_blocks(__global const uchar *codes, ulong codes_off, __global const uchar *scales,
                                  ulong scales_off, ulong rows, ulong cols, ulong ld, int layout, uint block,
                                  int elem, int scale_fmt, uint s_dec_bits, ulong nblocks,
                                  __global float *y, ulong y_off)
{
    ulong b = get_global_id(0);
    if (b >= nblocks) return;
    ulong B = block, bl = layout == 2 ? B * B : B;
    int two = scale_fmt != LOWP_CC_E8M0;
    uint sc = scales[scales_off + b], bits = lowp_fmt_bits(elem);
    for (ulong k = 0; k < bl; ++k) {
        ulong r, c;
        lowp_fmt_elem(layout, rows, cols, B, b, k, &r, &c);
        uint code = lowp_fmt_pack_get(codes + codes_off, bits, lowp_fmt_storage(layout, rows, cols, r, c));
        uint yb = two ? lowp_cc_elem_decode2(elem, code, scale_fmt, sc, s_dec_bits) : lowp_cc_elem_decode_mx(elem, code, sc);
        y[y_off + r * ld + c] = as_float(yb);
    }
}
