/* formats.cl - element casts (fp32 <-> every format, RNE or stochastic) and
 * block quantize / dequantize / fake-quantize (MX E8M0, two-level
 * UE4M3/UE5M3 = the NVFP4 recipe), bit-identical to
 * backends/cpu/ref/formats_ref.c. Semantics: docs/formats.md.
 *
 * The build puts common.cl, philox.cl and codec.cl before this file. Values
 * are handled as bit patterns (buffers are read and written as uint) and
 * encoded by the integer-only codecs of codec.cl, so denormal flushing, FMA
 * and inexact division on the device cannot change a bit.
 *
 * Memory access: consecutive work-items touch consecutive elements.
 *   casts    one work-item per group of 4 elements sharing one Philox call
 *   blocks   one work-group per "slab": a rectangle of whole blocks (below),
 *            loaded row by row into local memory, block amax by local
 *            atomic max (integer max: order-free), then every element
 *            encoded from local memory and the packed codes stored in
 *            storage order.
 * Every result depends only on the element and its block, never on which
 * work-item computed it, so any global and local size gives the same bits.
 * The statistics' float partial sums follow a fixed tree per block
 * (independent of the work-group size too). */

/* ---------------- element casts ---------------- */

/* Codes of the elements of cast unit t: the (up to) 4 elements whose random
 * index index_base + i lies in [4q, 4q + 4), q = index_base/4 + t. Bit j of
 * the result says whether slot j holds an element (i = 4q + j - index_base). */
static inline uint lowp_fmt_cast_unit(__global const uint *x, ulong x_off, ulong n, int format, int rounding,
                                      int overflow, ulong seed, ulong stream, ulong index_base, ulong t,
                                      uint *codes, ulong *i0)
{
    ulong q = (index_base >> 2) + t;
    uint4 w = rounding ? lowp_philox_block(seed, stream, q) : (uint4)(0u, 0u, 0u, 0u);
    uint mask = 0u;
    *i0 = (q << 2) - index_base; /* wraps for the first unit; slots before 0 are skipped */
    for (uint j = 0u; j < 4u; ++j) {
        ulong a = (q << 2) + j;
        if (a < index_base || a - index_base >= n)
            continue;
        ulong i = a - index_base;
        codes[j] = lowp_cc_encode_bits(format, x[x_off + i], 0, rounding, lowp_philox_pick(w, j), overflow);
        mask |= 1u << j;
    }
    return mask;
}

/* Units of a cast of n elements starting at random index index_base. */
static inline ulong lowp_fmt_cast_units(ulong n, ulong index_base)
{
    return ((index_base + n + 3ul) >> 2) - (index_base >> 2);
}

/* codes[c_off + i] = encode(x[x_off + i]), i < n. One kernel per code width:
 * 1 byte (8/6/4-bit formats, unpacked), 2 bytes (bf16, fp16), 4 bytes (fp32). */
#define LOWP_FMT_CAST_ENCODE(NAME, T)                                                                          \
    __kernel void NAME(__global const uint *x, ulong x_off, __global T *codes, ulong c_off, ulong n, int format, \
                       int rounding, int overflow, ulong seed, ulong stream, ulong index_base)                \
    {                                                                                                          \
        ulong units = lowp_fmt_cast_units(n, index_base);                                                      \
        for (ulong t = get_global_id(0); t < units; t += get_global_size(0)) {                                 \
            uint c[4];                                                                                         \
            ulong i0;                                                                                          \
            uint mask = lowp_fmt_cast_unit(x, x_off, n, format, rounding, overflow, seed, stream, index_base, t, \
                                           c, &i0);                                                            \
            for (uint j = 0u; j < 4u; ++j)                                                                     \
                if (mask & (1u << j))                                                                          \
                    codes[c_off + i0 + j] = (T)c[j];                                                           \
        }                                                                                                      \
    }
LOWP_FMT_CAST_ENCODE(lowp_cast_encode_u8, uchar)
LOWP_FMT_CAST_ENCODE(lowp_cast_encode_u16, ushort)
LOWP_FMT_CAST_ENCODE(lowp_cast_encode_u32, uint)

/* y[y_off + i] = fp32 bits of decode(codes[c_off + i]), i < n. */
#define LOWP_FMT_CAST_DECODE(NAME, T)                                                                          \
    __kernel void NAME(__global const T *codes, ulong c_off, __global uint *y, ulong y_off, ulong n, int format) \
    {                                                                                                          \
        for (ulong i = get_global_id(0); i < n; i += get_global_size(0))                                       \
            y[y_off + i] = lowp_cc_decode_bits(format, (uint)codes[c_off + i]);                                \
    }
LOWP_FMT_CAST_DECODE(lowp_cast_decode_u8, uchar)
LOWP_FMT_CAST_DECODE(lowp_cast_decode_u16, ushort)
LOWP_FMT_CAST_DECODE(lowp_cast_decode_u32, uint)

/* y = decode(encode(x)) ("fake cast"). y may be x at the same offset: every
 * unit reads its elements before writing them. */
__kernel void lowp_cast_round(__global const uint *x, ulong x_off, __global uint *y, ulong y_off, ulong n,
                              int format, int rounding, int overflow, ulong seed, ulong stream, ulong index_base)
{
    ulong units = lowp_fmt_cast_units(n, index_base);
    for (ulong t = get_global_id(0); t < units; t += get_global_size(0)) {
        uint c[4];
        ulong i0;
        uint mask = lowp_fmt_cast_unit(x, x_off, n, format, rounding, overflow, seed, stream, index_base, t, c, &i0);
        for (uint j = 0u; j < 4u; ++j)
            if (mask & (1u << j))
                y[y_off + i0 + j] = lowp_cc_decode_bits(format, c[j]);
    }
}

/* ---------------- block quantization: slabs ----------------
 *
 * Block b of a rows x cols matrix (docs/formats.md 4.3): ROW 1 x B, COL B x 1,
 * TILE2D B x B. A slab is an H x W rectangle of nbs whole blocks side by side
 * (bw = block width, H = block height):
 *   ROW     bw = B, H = 1    slab rows = rows,   units per slab row = cols/B
 *   TILE2D  bw = B, H = B    slab rows = rows/B, units per slab row = cols/B
 *   COL     bw = 1, H = B    slab rows = rows/B, units per slab row = cols
 * A slab row holds ceil(units / nbs_max) slabs; the host picks nbs_max with
 * nbs_max * block_len <= LOWP_QB_SLAB and nbs_max <= LOWP_QB_MAXBLK. Element
 * (i, jj) of a slab is unit u = jj / bw, block-local index k = i*bw + jj%bw
 * (the reference's order), kept in local memory at p = u*block_len + k. */
#define LOWP_QB_SLAB 1024
#define LOWP_QB_MAXBLK 64
#define LOWP_QB_ROW 0
#define LOWP_QB_COL 1
#define LOWP_QB_TILE 2

typedef struct lowp_qb_slab {
    ulong r0, c0;      /* top-left element                    */
    ulong sr, u0;      /* slab row, first unit                */
    uint nbs, W, H;    /* blocks, width and height (elements) */
    uint bwl, bl;      /* log2(block width), block length     */
} lowp_qb_slab;

static inline lowp_qb_slab lowp_qb_slab_at(int layout, ulong rows, ulong cols, uint block, uint nbs_max, ulong s)
{
    lowp_qb_slab g;
    uint bl2 = block == 16u ? 4u : 5u;
    ulong units = layout == LOWP_QB_COL ? cols : cols >> bl2;
    ulong spr = (units + nbs_max - 1ul) / nbs_max;
    g.sr = s / spr;
    g.u0 = (s % spr) * nbs_max;
    g.nbs = (uint)min((ulong)nbs_max, units - g.u0);
    g.bwl = layout == LOWP_QB_COL ? 0u : bl2;
    g.H = layout == LOWP_QB_ROW ? 1u : block;
    g.W = g.nbs << g.bwl;
    g.bl = g.H << g.bwl;
    g.r0 = g.sr * g.H;
    g.c0 = g.u0 << g.bwl;
    (void)rows;
    return g;
}

static inline ulong lowp_qb_nslabs(int layout, ulong rows, ulong cols, uint block, uint nbs_max)
{
    uint bl2 = block == 16u ? 4u : 5u;
    ulong units = layout == LOWP_QB_COL ? cols : cols >> bl2;
    ulong nsr = layout == LOWP_QB_ROW ? rows : rows >> bl2;
    return nsr * ((units + nbs_max - 1ul) / nbs_max);
}

/* Local position of slab element (i, jj): unit jj / bw, block-local index
 * i*bw + jj % bw. */
static inline uint lowp_qb_pos(const lowp_qb_slab *g, uint i, uint jj)
{
    return (jj >> g->bwl) * g->bl + (i << g->bwl) + (jj & ((1u << g->bwl) - 1u));
}

/* Scale-array index of unit u of the slab. */
static inline ulong lowp_qb_block_id(int layout, ulong rows, ulong cols, uint block, const lowp_qb_slab *g, uint u)
{
    uint bl2 = block == 16u ? 4u : 5u;
    if (layout == LOWP_QB_COL)
        return (g->u0 + u) * (rows >> bl2) + g->sr;
    return g->sr * (cols >> bl2) + g->u0 + u;
}

/* Element e (0..3) of storage group g: the 4 codes with consecutive storage
 * indices s0..s0+3 (ROW/TILE2D: along a row; COL: down a column). Returns
 * the local position p; *s0 receives the storage index of the group. */
static inline uint lowp_qb_group_p(int layout, ulong rows, ulong cols, const lowp_qb_slab *g, uint grp, uint e,
                                   ulong *s0)
{
    uint i, jj;
    if (layout == LOWP_QB_COL) {
        uint hq = g->H >> 2;
        jj = grp / hq;
        i = (grp % hq) * 4u;
        *s0 = (g->c0 + jj) * rows + g->r0 + i;
        i += e;
    } else {
        uint wq = g->W >> 2;
        i = grp / wq;
        jj = (grp % wq) * 4u;
        *s0 = (g->r0 + i) * cols + g->c0 + jj;
        jj += e;
    }
    return lowp_qb_pos(g, i, jj);
}

/* Store 4 codes with storage indices s0..s0+3 (s0 % 4 == 0): whole bytes. */
static inline void lowp_qb_store4(__global uchar *codes, uint bits, ulong s0, uint c0, uint c1, uint c2, uint c3)
{
    if (bits == 8u) {
        codes[s0] = (uchar)c0; codes[s0 + 1] = (uchar)c1; codes[s0 + 2] = (uchar)c2; codes[s0 + 3] = (uchar)c3;
    } else if (bits == 4u) {
        __global uchar *b = codes + (s0 >> 1);
        b[0] = (uchar)((c0 & 0xFu) | ((c1 & 0xFu) << 4));
        b[1] = (uchar)((c2 & 0xFu) | ((c3 & 0xFu) << 4));
    } else {
        __global uchar *b = codes + (s0 >> 2) * 3ul;
        uint w = (c0 & 0x3Fu) | ((c1 & 0x3Fu) << 6) | ((c2 & 0x3Fu) << 12) | ((c3 & 0x3Fu) << 18);
        b[0] = (uchar)w; b[1] = (uchar)(w >> 8); b[2] = (uchar)(w >> 16);
    }
}

static inline uint lowp_qb_load1(__global const uchar *codes, uint bits, ulong s0, uint e)
{
    if (bits == 8u)
        return codes[s0 + e];
    if (bits == 4u)
        return (codes[(s0 >> 1) + (e >> 1)] >> ((e & 1u) * 4u)) & 0xFu;
    __global const uchar *b = codes + (s0 >> 2) * 3ul;
    uint w = (uint)b[0] | ((uint)b[1] << 8) | ((uint)b[2] << 16);
    return (w >> (e * 6u)) & 0x3Fu;
}

/* The statistics rescaling exponent of a block: its amax lands in [1, 2)
 * (subnormal amax: below 1). A poisoned block counts no element at all. */
static inline int lowp_qb_esh(uint amax)
{
    uint e = amax >> 23;
    return 127 - (int)(e >= 255u ? 1u : max(e, 1u));
}

/* Exact x * 2^esh as fp32 (integer rescaling: no denormal flushing). */
static inline float lowp_qb_scaled(uint bits, int esh)
{
    uint a = bits & 0x7FFFFFFFu;
    if (a == 0u)
        return 0.0f;
    uint sign;
    ulong sig;
    int exp;
    lowp_cc_f32_split(bits, &sign, &sig, &exp);
    return as_float(lowp_cc_f32_pack(sign, sig, exp + esh));
}

/* Statistics. Per block (LOWP_QB_NSTAT arrays of nblocks words): nonfinite,
 * zeros, underflows, clipped, amax bits, err_sq, ref_sq, esh. err_sq and
 * ref_sq are fp32 sums of squares of values rescaled exactly by 2^esh (esh
 * from the block amax), so they neither overflow nor underflow; the true
 * sums are err_sq * 2^(-2 esh). Per chunk of LOWP_QB_CHUNK blocks
 * (LOWP_QB_CREC words): the 4 counts, amax bits, then err_sq and ref_sq
 * each as (fp32 m, int k) meaning m * 2^k. */
#define LOWP_QB_NSTAT 8
#define LOWP_QB_CREC 9
#define LOWP_QB_CHUNK 1024

/* Quantize (write_codes: packed codes and scales) and/or fake-quantize
 * (write_y: y[y_off + r*ld + c] = dequantized bits; y may be x with the same
 * offset). ts: [1] s_enc, [2] s_dec, [3] mult of the two-level scheme
 * (lowp_quant_tensor_scale). write_stats: per-block records at
 * stats[f*nblocks + b]. Any local size up to 256. */
__kernel void lowp_quant_blocks(__global const uint *x, ulong x_off, ulong rows, ulong cols, ulong ld, int layout,
                                uint block, int elem, int scale_fmt, int scale_mode, int rounding, int overflow,
                                ulong seed, ulong stream, int clamp_tiny, __global const uint *ts, uint nbs_max,
                                int write_codes, __global uchar *codes, ulong codes_off, __global uchar *scales,
                                ulong scales_off, int write_y, __global uint *y, ulong y_off, int write_stats,
                                __global uint *stats, ulong nblocks)
{
    __local uint lx[LOWP_QB_SLAB];  /* x bits, then the rescaled squared error */
    __local float lx2[LOWP_QB_SLAB]; /* rescaled x^2 (statistics only) */
    __local uchar lq[LOWP_QB_SLAB];  /* codes */
    __local uint lamax[LOWP_QB_MAXBLK], lsc[LOWP_QB_MAXBLK], lenc[LOWP_QB_MAXBLK];
    __local uint lcnt[LOWP_QB_MAXBLK * 5]; /* 4 counts + counted amax */
    uint lid = (uint)get_local_id(0), L = (uint)get_local_size(0);
    int two = scale_fmt != LOWP_CC_E8M0, nonsat = overflow != 0;
    uint s_dec = two ? ts[2] : 0u, mult = two ? ts[3] : 0u;
    uint emaxv = lowp_cc_max_bits(elem);
    uint scale_nan = lowp_cc_format(scale_fmt).nanmag;
    uint bits = lowp_cc_elem_bits(elem);
    ulong nslabs = lowp_qb_nslabs(layout, rows, cols, block, nbs_max);
    for (ulong s = get_group_id(0); s < nslabs; s += get_num_groups(0)) {
        lowp_qb_slab g = lowp_qb_slab_at(layout, rows, cols, block, nbs_max, s);
        uint wq = (g.W + 3u) >> 2, nq = g.H * wq;
        for (uint u = lid; u < g.nbs; u += L) {
            lamax[u] = 0u;
            for (uint f = 0u; f < 5u; ++f)
                lcnt[u * 5u + f] = 0u;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        /* 1) load row by row; block amax (NaN/Inf poison the block) */
        for (uint t = lid; t < nq; t += L) {
            uint i = t / wq, jj0 = (t % wq) * 4u;
            for (uint j = 0u; j < 4u && jj0 + j < g.W; ++j) {
                uint jj = jj0 + j, u = jj >> g.bwl;
                uint p = lowp_qb_pos(&g, i, jj);
                uint xb = x[x_off + (g.r0 + i) * ld + g.c0 + jj];
                uint a = xb & 0x7FFFFFFFu;
                lx[p] = xb;
                atomic_max(&lamax[u], a >= 0x7F800000u ? 0x7FC00000u : a);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        /* 2) one scale per block */
        for (uint u = lid; u < g.nbs; u += L) {
            uint sc, enc = 0u;
            if (two) {
                sc = lowp_cc_block_scale2(lamax[u], mult, scale_fmt, clamp_tiny);
                enc = lowp_cc_block_enc2(scale_fmt, sc, s_dec);
            } else {
                sc = lowp_cc_e8m0_scale(lamax[u], scale_mode, elem);
            }
            lsc[u] = sc;
            lenc[u] = enc;
            if (write_codes)
                scales[scales_off + lowp_qb_block_id(layout, rows, cols, block, &g, u)] = (uchar)sc;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        /* 3) elements, row by row */
        for (uint t = lid; t < nq; t += L) {
            uint i = t / wq, jj0 = (t % wq) * 4u;
            ulong qc = ~0ul;
            uint4 w = (uint4)(0u, 0u, 0u, 0u);
            for (uint j = 0u; j < 4u && jj0 + j < g.W; ++j) {
                uint jj = jj0 + j, u = jj >> g.bwl;
                uint p = lowp_qb_pos(&g, i, jj);
                ulong r = g.r0 + i, c = g.c0 + jj, idx = r * cols + c;
                uint rb = 0u;
                if (rounding) {
                    if ((idx >> 2) != qc) {
                        qc = idx >> 2;
                        w = lowp_philox_block(seed, stream, qc);
                    }
                    rb = lowp_philox_pick(w, (uint)(idx & 3ul));
                }
                uint xb = lx[p], sc = lsc[u], code, yb;
                int clipped;
                if (two) {
                    code = lowp_cc_elem_encode2(elem, xb, lenc[u], rounding, rb);
                    yb = lowp_cc_elem_decode2(elem, code, scale_fmt, sc, s_dec);
                    clipped = sc != scale_nan && (lowp_cc_f32_mul(xb, lenc[u]) & 0x7FFFFFFFu) > emaxv;
                } else {
                    code = lowp_cc_elem_encode_mx(elem, xb, sc, rounding, rb, nonsat);
                    yb = lowp_cc_elem_decode_mx(elem, code, sc);
                    clipped = lowp_cc_mx_clipped(elem, xb, sc);
                }
                lq[p] = (uchar)code;
                if (write_y)
                    y[y_off + r * ld + c] = yb;
                if (write_stats) {
                    uint xa = xb & 0x7FFFFFFFu, ya = yb & 0x7FFFFFFFu;
                    float e2 = 0.0f, x2 = 0.0f;
                    if (xa >= 0x7F800000u || ya >= 0x7F800000u) {
                        atomic_inc(&lcnt[u * 5u]);
                    } else {
                        if (xa == 0u)
                            atomic_inc(&lcnt[u * 5u + 1u]);
                        else if (ya == 0u)
                            atomic_inc(&lcnt[u * 5u + 2u]);
                        if (clipped)
                            atomic_inc(&lcnt[u * 5u + 3u]);
                        atomic_max(&lcnt[u * 5u + 4u], xa);
                        int esh = lowp_qb_esh(lamax[u]);
                        float xs = lowp_qb_scaled(xb, esh), ys = lowp_qb_scaled(yb, esh);
                        e2 = (ys - xs) * (ys - xs);
                        x2 = xs * xs;
                    }
                    lx[p] = as_uint(e2);
                    lx2[p] = x2;
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        /* 4) packed codes in storage order: groups of 4 consecutive storage indices */
        if (write_codes) {
            uint ngroups = (g.H * g.W) >> 2;
            for (uint grp = lid; grp < ngroups; grp += L) {
                ulong s0;
                uint c[4];
                for (uint e = 0u; e < 4u; ++e)
                    c[e] = lq[lowp_qb_group_p(layout, rows, cols, &g, grp, e, &s0)];
                lowp_qb_store4(codes + codes_off, bits, s0, c[0], c[1], c[2], c[3]);
            }
        }
        /* 5) statistics: fixed pairwise tree over each block's local order */
        if (write_stats) {
            for (uint h = g.bl >> 1; h >= 1u; h >>= 1) {
                for (uint v = lid; v < g.nbs * h; v += L) {
                    uint p = (v / h) * g.bl + v % h;
                    lx[p] = as_uint(as_float(lx[p]) + as_float(lx[p + h]));
                    lx2[p] = lx2[p] + lx2[p + h];
                }
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            for (uint u = lid; u < g.nbs; u += L) {
                ulong b = lowp_qb_block_id(layout, rows, cols, block, &g, u);
                for (uint f = 0u; f < 5u; ++f)
                    stats[f * nblocks + b] = lcnt[u * 5u + f];
                stats[5ul * nblocks + b] = lx[u * g.bl];
                stats[6ul * nblocks + b] = as_uint(lx2[u * g.bl]);
                stats[7ul * nblocks + b] = (uint)lowp_qb_esh(lamax[u]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

/* m * 2^k += f * 2^kf, keeping the larger exponent (exact power-of-two
 * rescaling; sequential, so the order is fixed). */
static inline void lowp_qb_acc(float *m, int *k, float f, int kf)
{
    if (f == 0.0f)
        return;
    if (*m == 0.0f) {
        *m = f;
        *k = kf;
    } else if (kf > *k) {
        *m = lowp_qb_scaled(as_uint(*m), *k - kf) + f;
        *k = kf;
    } else {
        *m = *m + lowp_qb_scaled(as_uint(f), kf - *k);
    }
}

/* Per-chunk statistics: chunk t combines blocks t*LOWP_QB_CHUNK .. in block
 * order into out[out_off + t*LOWP_QB_CREC ..]. */
__kernel void lowp_quant_stats_reduce(__global const uint *stats, ulong nblocks, __global uint *out, ulong out_off)
{
    ulong nchunks = (nblocks + LOWP_QB_CHUNK - 1ul) / LOWP_QB_CHUNK;
    for (ulong t = get_global_id(0); t < nchunks; t += get_global_size(0)) {
        ulong b0 = t * LOWP_QB_CHUNK, b1 = min(nblocks, b0 + LOWP_QB_CHUNK);
        uint cnt[4] = {0u, 0u, 0u, 0u}, amax = 0u;
        float e2 = 0.0f, x2 = 0.0f;
        int ke = 0, kx = 0;
        for (ulong b = b0; b < b1; ++b) {
            for (uint f = 0u; f < 4u; ++f)
                cnt[f] += stats[f * nblocks + b];
            amax = max(amax, stats[4ul * nblocks + b]);
            int kb = -2 * (int)stats[7ul * nblocks + b];
            lowp_qb_acc(&e2, &ke, as_float(stats[5ul * nblocks + b]), kb);
            lowp_qb_acc(&x2, &kx, as_float(stats[6ul * nblocks + b]), kb);
        }
        __global uint *o = out + out_off + t * LOWP_QB_CREC;
        for (uint f = 0u; f < 4u; ++f)
            o[f] = cnt[f];
        o[4] = amax;
        o[5] = as_uint(e2);
        o[6] = (uint)ke;
        o[7] = as_uint(x2);
        o[8] = (uint)kx;
    }
}

/* Dequantize: y[y_off + r*ld + c] = decoded bits. Codes are read in storage
 * order into local memory, then written row by row. s_dec: the two-level
 * tensor decode scale (fp32 bits) at s_dec[s_off]. */
__kernel void lowp_dequant_blocks(__global const uchar *codes, ulong codes_off, __global const uchar *scales,
                                  ulong scales_off, __global const uint *s_dec, ulong s_off, ulong rows, ulong cols,
                                  ulong ld, int layout, uint block, int elem, int scale_fmt, uint nbs_max,
                                  __global uint *y, ulong y_off)
{
    __local uchar lq[LOWP_QB_SLAB];
    __local uint lsc[LOWP_QB_MAXBLK];
    uint lid = (uint)get_local_id(0), L = (uint)get_local_size(0);
    int two = scale_fmt != LOWP_CC_E8M0;
    uint sd = two ? s_dec[s_off] : 0u, bits = lowp_cc_elem_bits(elem);
    ulong nslabs = lowp_qb_nslabs(layout, rows, cols, block, nbs_max);
    for (ulong s = get_group_id(0); s < nslabs; s += get_num_groups(0)) {
        lowp_qb_slab g = lowp_qb_slab_at(layout, rows, cols, block, nbs_max, s);
        uint wq = (g.W + 3u) >> 2, nq = g.H * wq, ngroups = (g.H * g.W) >> 2;
        for (uint u = lid; u < g.nbs; u += L)
            lsc[u] = scales[scales_off + lowp_qb_block_id(layout, rows, cols, block, &g, u)];
        for (uint grp = lid; grp < ngroups; grp += L) {
            ulong s0;
            for (uint e = 0u; e < 4u; ++e) {
                uint p = lowp_qb_group_p(layout, rows, cols, &g, grp, e, &s0);
                lq[p] = (uchar)lowp_qb_load1(codes + codes_off, bits, s0, e);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint t = lid; t < nq; t += L) {
            uint i = t / wq, jj0 = (t % wq) * 4u;
            for (uint j = 0u; j < 4u && jj0 + j < g.W; ++j) {
                uint jj = jj0 + j, u = jj >> g.bwl;
                uint p = lowp_qb_pos(&g, i, jj);
                uint q = lq[p], sc = lsc[u];
                y[y_off + (g.r0 + i) * ld + g.c0 + jj] =
                    two ? lowp_cc_elem_decode2(elem, q, scale_fmt, sc, sd) : lowp_cc_elem_decode_mx(elem, q, sc);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

/* ---------------- two-level tensor scale ---------------- */

/* amax[0] = max(amax[0], |x| bits over the finite elements of the rows x cols
 * matrix). Integer max of non-negative bit patterns is exact and does not
 * depend on order, so the local tree and the atomic_max give the same bits
 * for every geometry. 2-D launch: dim 0 over columns, dim 1 over rows; any
 * local size up to 256 in dim 0 (and 1 in dim 1). */
__kernel void lowp_quant_tensor_amax(__global const uint *x, ulong x_off, ulong rows, ulong cols, ulong ld,
                                     __global uint *amax)
{
    __local uint lm[256];
    uint m = 0u;
    for (ulong r = get_global_id(1); r < rows; r += get_global_size(1))
        for (ulong c = get_global_id(0); c < cols; c += get_global_size(0)) {
            uint a = x[x_off + r * ld + c] & 0x7FFFFFFFu;
            if (a < 0x7F800000u && a > m)
                m = a;
        }
    lowp_wg_atomic_max(m, lm, 256u, amax);
}

/* ts[0] holds the tensor amax bits; ts[1..3] = s_enc, s_dec, mult, and the
 * fp32 bits of s_dec go to s_dec_out[s_off] (the caller's tensor scale). One
 * work-item. */
__kernel void lowp_quant_tensor_scale(__global uint *ts, int scale_fmt, int elem, __global uint *s_dec_out,
                                      ulong s_off)
{
    if (get_global_id(0) != 0)
        return;
    uint se, sd, m;
    lowp_cc_tensor_scale(ts[0], scale_fmt, elem, &se, &sd, &m);
    ts[1] = se;
    ts[2] = sd;
    ts[3] = m;
    s_dec_out[s_off] = sd;
}
