/* hadamard.cl - Walsh-Hadamard transforms (lowp/hadamard.h), OpenCL C 1.2.
 *
 * The op: every block v of n elements along one axis of a row-major matrix
 * becomes c*H*diag(s)*v (forward) or c*diag(s)*H^T*v (inverse), with
 * H = H_m (x) H_p (m in {1, 12, 20, 28}, p a power of two, Sylvester order).
 *
 * fp32 operation order (the normative one of backends/cpu/hadamard_cpu.c,
 * so results are bit-identical to lowp_cpu_hadamard for fp32 and bf16):
 *   1 load -> fp32, forward: flip the sign bit where s_j = -1
 *   2 radix-2 stages h = 1, 2, ..., p/2 on each contiguous chunk of p
 *   3 m > 1: out_a = +/-in_0 +/-in_1 ... +/-in_{m-1} left to right (chunks of p)
 *   4 x scale (one fp32 multiply)   5 inverse: flip signs   6 store (bf16 RNE)
 * Nothing here depends on the work-group size: every butterfly is the same
 * two IEEE operations whichever work-item does it. No mad/fma (FP_CONTRACT
 * OFF), no denormal-sensitive tricks (sign flips and bf16 rounding use bits).
 *
 * Kernels (host plan in docs/hadamard.md section "Device plan"):
 *   lowp_hadamard_local    whole transform (or pass 1 of 2) in local memory,
 *                          G vectors of L floats per work-group.
 *   lowp_hadamard_strided  pass 2 for n larger than local memory: each
 *                          work-item finishes T elements at stride S in
 *                          registers (the last FWHT stages, or the H_m mix);
 *                          also the whole op for blocks n <= 32 along columns.
 *   lowp_hadamard_quant_reg, lowp_hadamard_quant_local
 *                          fused transform + block quantize (end of file):
 *                          steps 1-5, then block scales and packed codes
 *                          instead of step 6; the local one shares the tile
 *                          functions of lowp_hadamard_local.
 *
 * Buffers are byte pointers plus element offsets; `*_bf16` selects the
 * element type (0: float, 1: bfloat16 bits in ushort). 64-bit offsets. */
#pragma OPENCL FP_CONTRACT OFF

#define LOWP_HAD_MAX_M 28
#define LOWP_HAD_MAX_T 32

inline float lowp_had_load(__global const uchar *buf, int bf16, ulong i)
{
    if (bf16)
        return as_float((uint)((__global const ushort *)buf)[i] << 16);
    return ((__global const float *)buf)[i];
}

/* fp32 -> bf16 round to nearest even with integer ops; NaN stays NaN. */
inline void lowp_had_store(__global uchar *buf, int bf16, ulong i, float v)
{
    if (bf16) {
        uint u = as_uint(v);
        if ((u & 0x7fffffffu) > 0x7f800000u)
            u = (u >> 16) | 0x40u;
        else
            u = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
        ((__global ushort *)buf)[i] = (ushort)u;
    } else {
        ((__global float *)buf)[i] = v;
    }
}

/* 1 when s_j = -1. PHILOX: top bit of the element's word. USER: packed bits. */
inline uint lowp_had_neg(int sign_mode, ulong seed, ulong stream, __global const uint *sign_bits, ulong j)
{
    if (sign_mode == 1)
        return lowp_philox_word(seed, stream, j) >> 31;
    if (sign_mode == 2)
        return (sign_bits[j >> 5] >> (uint)(j & 31)) & 1u;
    return 0u;
}

inline float lowp_had_flip(float v, uint neg)
{
    return as_float(as_uint(v) ^ (neg << 31));
}

inline ulong lowp_had_offset(int axis_cols, ulong a, ulong line, ulong ld)
{
    return axis_cols ? a * ld + line : line * ld + a;
}

/* The local tile of one work-group: G vectors of L floats (row stride Ls in
 * lds). AXIS_ROWS: vectors vbase.. are (line, chunk) pairs in row order;
 * AXIS_COLS: the group's vectors are lines vbase.. of chunk `ccol`. Shared by
 * lowp_hadamard_local and lowp_hadamard_quant_local. */
typedef struct {
    int axis_cols;
    uint G, L, Ls;
    ulong vbase, nvec, nchunks, ccol;
} lowp_had_tile;

inline lowp_had_tile lowp_had_tile_at(int axis_cols, ulong cross, ulong nchunks, uint L, uint G, ulong ccol)
{
    lowp_had_tile t;
    t.axis_cols = axis_cols;
    t.G = G;
    t.L = L;
    t.Ls = L + (axis_cols ? 1u : 0u); /* +1 spreads column loads over banks */
    t.vbase = (ulong)get_group_id(0) * G;
    t.nvec = axis_cols ? cross : cross * nchunks;
    t.nchunks = nchunks;
    t.ccol = ccol;
    return t;
}

/* The (line, chunk) of vector g of the tile; 0 when it is past the end
 * (last group). */
inline int lowp_had_vector(const lowp_had_tile *t, uint g, ulong *line, ulong *chunk)
{
    const ulong v = t->vbase + g;
    if (v >= t->nvec)
        return 0;
    *line = t->axis_cols ? v : v / t->nchunks;
    *chunk = t->axis_cols ? t->ccol : v - *line * t->nchunks;
    return 1;
}

/* Tile slot idx -> vector g and element j of its chunk (AXIS_COLS:
 * idx = j*G + g, so neighbouring work-items touch neighbouring columns;
 * rows: idx = g*L + j). Updates the (line, chunk) of vector g when g
 * changes. 0 when the vector is past the end. */
inline int lowp_had_slot(const lowp_had_tile *t, uint idx, uint *g, uint *j, uint *cached_g, ulong *line,
                         ulong *chunk)
{
    if (t->axis_cols) {
        *g = idx & (t->G - 1u);
        *j = idx >> (31 - clz(t->G)); /* idx / G */
    } else {
        *g = idx / t->L;
        *j = idx - *g * t->L;
    }
    if (t->vbase + *g >= t->nvec)
        return 0;
    if (*g != *cached_g) {
        *cached_g = *g;
        lowp_had_vector(t, *g, line, chunk);
    }
    return 1;
}

/* Step 1 for a tile: load (coalesced), convert, forward signs (sign index
 * (chunk mod n/L)*L + j), into lds[g*Ls + j]; ends with a barrier. */
inline void lowp_had_tile_load(const lowp_had_tile *t, __global const uchar *x, ulong x_off, ulong x_ld,
                               int x_bf16, int sign_mode, ulong seed, ulong stream,
                               __global const uint *sign_bits, uint n, int inverse, __local float *lds)
{
    const uint lid = (uint)get_local_id(0), W = (uint)get_local_size(0);
    const uint chunks_per_block = n / t->L;
    uint cached_g = 0xffffffffu;
    ulong line = 0, chunk = 0;
    for (uint idx = lid; idx < t->G * t->L; idx += W) {
        uint g, j;
        if (!lowp_had_slot(t, idx, &g, &j, &cached_g, &line, &chunk))
            continue;
        float e = lowp_had_load(x, x_bf16, x_off + lowp_had_offset(t->axis_cols, chunk * t->L + j, line, x_ld));
        if (sign_mode != 0 && !inverse)
            e = lowp_had_flip(e, lowp_had_neg(sign_mode, seed, stream, sign_bits,
                                              (ulong)(chunk % chunks_per_block) * t->L + j));
        lds[g * t->Ls + j] = e;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
}

/* Steps 2-3 for a loaded tile (L = m*p): the radix-2 stages over the G*m
 * chunks of p floats, two at a time (radix-4 quads k, k+h, k+2h, k+3h, one
 * barrier per two stages), then the H_m mix. Ends with a barrier. */
inline void lowp_had_tile_stages(const lowp_had_tile *t, uint m, uint p, uint log2p, __global const uint *hm_bits,
                                 __local float *lds)
{
    const uint lid = (uint)get_local_id(0), W = (uint)get_local_size(0);
    const uint G = t->G, Ls = t->Ls;
    uint s = 0;
    if (p >= 4) {
        const uint quads = G * m * (p >> 2), qshift = log2p - 2;
        for (; s + 2 <= log2p; s += 2) {
            const uint h = 1u << s;
            for (uint q = lid; q < quads; q += W) {
                const uint ch = q >> qshift, r = q & ((p >> 2) - 1u);
                const uint base = (ch / m) * Ls + (ch % m) * p + ((r >> s) << (s + 2)) + (r & (h - 1u));
                float a0 = lds[base], a1 = lds[base + h], a2 = lds[base + 2 * h], a3 = lds[base + 3 * h];
                float b0 = a0 + a1, b1 = a0 - a1, b2 = a2 + a3, b3 = a2 - a3;
                lds[base] = b0 + b2;
                lds[base + 2 * h] = b0 - b2;
                lds[base + h] = b1 + b3;
                lds[base + 3 * h] = b1 - b3;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
    }
    if (s < log2p) { /* one radix-2 stage left: h = p/2 */
        const uint h = 1u << s, pairs = G * m * h;
        for (uint q = lid; q < pairs; q += W) {
            const uint ch = q >> s, r = q & (h - 1u);
            const uint base = (ch / m) * Ls + (ch % m) * p + r;
            float a = lds[base], b = lds[base + h];
            lds[base] = a + b;
            lds[base + h] = a - b;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    /* 3. mix the m chunks with H_m (each work-item owns one offset b). */
    if (m > 1) {
        for (uint idx = lid; idx < G * p; idx += W) {
            const uint g = idx >> log2p, b = idx & (p - 1u);
            __local float *vec = lds + g * Ls + b;
            /* Private arrays are indexed with constant trip counts and
             * guards: with a runtime bound (c < m) Mesa llvmpipe (rusticl,
             * LLVM 15) produced wrong results for m = 28 at work-group
             * size 1; fixed bounds also let GPUs keep them in registers. */
            float in[LOWP_HAD_MAX_M];
            for (uint c = 0; c < LOWP_HAD_MAX_M; ++c)
                in[c] = c < m ? vec[c * p] : 0.0f;
            for (uint a = 0; a < LOWP_HAD_MAX_M; ++a) {
                if (a >= m)
                    break;
                const uint bits = hm_bits[a];
                float acc = lowp_had_flip(in[0], bits & 1u);
                for (uint c = 1; c < LOWP_HAD_MAX_M; ++c)
                    if (c < m)
                        acc = ((bits >> c) & 1u) ? acc - in[c] : acc + in[c];
                vec[a * p] = acc;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

/* Argument groups (same order in both kernels):
 *   x, x_off, x_ld, x_bf16       input: buffer, element offset, row stride, type
 *   y, y_off, y_ld, y_bf16       output (may be the same buffer as x)
 *   axis_cols                    0: along rows, 1: along columns
 *   cross                        lines across the axis (rows or cols)
 *   sign_mode, seed, stream, sign_bits, n
 *                                signs (0 none, 1 Philox, 2 user bits) indexed
 *                                by the position inside the n-element block
 *   inverse, scale               direction and the fp32 scale
 *
 * lowp_hadamard_local, extra:
 *   nchunks    chunks of L per line (axis length / L)
 *   L, m, p, log2p   chunk length L = m*p handled in local memory
 *   hm_bits    m words: bit c of word a set <=> (H_m, or H_m^T if inverse)[a][c] = -1
 *   G          vectors per work-group (power of two)
 *   final_pass 1: steps 4-6 here; 0: store raw fp32 (pass 1 of 2; y must be fp32)
 *   lds        local memory of G*(L + axis_cols) floats
 * Global size: AXIS_ROWS (ceil(cross*nchunks / G)*W, 1);
 *              AXIS_COLS (ceil(cross / G)*W, nchunks); any local size (W, 1). */
__kernel void lowp_hadamard_local(__global const uchar *x, ulong x_off, ulong x_ld, int x_bf16,
                                  __global uchar *y, ulong y_off, ulong y_ld, int y_bf16,
                                  int axis_cols, ulong cross,
                                  int sign_mode, ulong seed, ulong stream, __global const uint *sign_bits, uint n,
                                  int inverse, float scale,
                                  ulong nchunks, uint L, uint m, uint p, uint log2p,
                                  __global const uint *hm_bits, uint G, int final_pass,
                                  __local float *lds)
{
    const uint lid = (uint)get_local_id(0), W = (uint)get_local_size(0);
    const lowp_had_tile t = lowp_had_tile_at(axis_cols, cross, nchunks, L, G, get_group_id(1));
    lowp_had_tile_load(&t, x, x_off, x_ld, x_bf16, sign_mode, seed, stream, sign_bits, n, inverse, lds);
    lowp_had_tile_stages(&t, m, p, log2p, hm_bits, lds);

    /* 4-6. scale, inverse signs, store (lowp_hadamard_quant_local replaces
     * this loop with the block quantizer). */
    const uint chunks_per_block = n / L;
    uint cached_g = 0xffffffffu;
    ulong line = 0, chunk = 0;
    for (uint idx = lid; idx < G * L; idx += W) {
        uint g, j;
        if (!lowp_had_slot(&t, idx, &g, &j, &cached_g, &line, &chunk))
            continue;
        float r = lds[g * t.Ls + j];
        int out_bf16 = 0;
        if (final_pass) {
            r = r * scale;
            if (sign_mode != 0 && inverse)
                r = lowp_had_flip(r, lowp_had_neg(sign_mode, seed, stream, sign_bits,
                                                  (ulong)(chunk % chunks_per_block) * L + j));
            out_bf16 = y_bf16;
        }
        lowp_had_store(y, out_bf16, y_off + lowp_had_offset(axis_cols, chunk * L + j, line, y_ld), r);
    }
}

/* Pass 2 for n beyond local memory. Each work-item takes the T elements
 * o, o + S, ..., o + (T-1)*S of one n-block (n = T*S), after pass 1 did every
 * stage below S, and either runs the remaining FWHT stages (mix = 0, T a
 * power of two <= 32: stage h*S for h = 1, 2, ...) or the H_m mix (mix = 1,
 * T = m), then steps 4-6. x is normally the fp32 pass-1 output.
 * Also the whole op in registers for small power-of-two blocks along
 * columns (S = 1, T = n <= 32, first_pass = 1: forward signs at load, no
 * local memory, no barriers; neighbouring work-items read neighbouring
 * columns) - the NVFP4 16x16 case.
 * Extra arguments: nblocks (axis length / n), T, S (power of two), mix,
 * hm_bits, first_pass (1: x is the op's input, apply forward signs).
 * Global size: AXIS_ROWS (S, cross*nblocks); AXIS_COLS (cross, nblocks*S);
 * any local size. */
__kernel void lowp_hadamard_strided(__global const uchar *x, ulong x_off, ulong x_ld, int x_bf16,
                                    __global uchar *y, ulong y_off, ulong y_ld, int y_bf16,
                                    int axis_cols, ulong cross,
                                    int sign_mode, ulong seed, ulong stream, __global const uint *sign_bits, uint n,
                                    int inverse, float scale,
                                    ulong nblocks, uint T, uint S, int mix, __global const uint *hm_bits,
                                    int first_pass)
{
    ulong line, blk;
    uint o;
    if (axis_cols) {
        line = get_global_id(0);
        const ulong k = get_global_id(1);
        blk = k / S;
        o = (uint)(k - blk * S);
        if (line >= cross || blk >= nblocks)
            return;
    } else {
        o = (uint)get_global_id(0);
        const ulong v = get_global_id(1);
        line = v / nblocks;
        blk = v - line * nblocks;
        if (o >= S || line >= cross)
            return;
    }
    const ulong a0 = blk * n + o;
    /* Constant trip counts with guards: see the note in lowp_hadamard_local. */
    float v[LOWP_HAD_MAX_T];
    for (uint t = 0; t < LOWP_HAD_MAX_T; ++t)
        v[t] = t < T ? lowp_had_load(x, x_bf16, x_off + lowp_had_offset(axis_cols, a0 + (ulong)t * S, line, x_ld))
                     : 0.0f;
    if (first_pass && sign_mode != 0 && !inverse)
        for (uint t = 0; t < LOWP_HAD_MAX_T; ++t)
            if (t < T)
                v[t] = lowp_had_flip(v[t], lowp_had_neg(sign_mode, seed, stream, sign_bits, (ulong)o + (ulong)t * S));
    if (mix) {
        float out[LOWP_HAD_MAX_M];
        for (uint a = 0; a < LOWP_HAD_MAX_M; ++a) {
            const uint bits = a < T ? hm_bits[a] : 0u;
            float acc = lowp_had_flip(v[0], bits & 1u);
            for (uint c = 1; c < LOWP_HAD_MAX_M; ++c)
                if (c < T)
                    acc = ((bits >> c) & 1u) ? acc - v[c] : acc + v[c];
            out[a] = acc;
        }
        for (uint a = 0; a < LOWP_HAD_MAX_M; ++a)
            v[a] = out[a];
    } else {
        for (uint h = 1; h < LOWP_HAD_MAX_T; h <<= 1) {
            if (h >= T)
                break;
            for (uint t = 0; t < LOWP_HAD_MAX_T; ++t)
                if (t < T && (t & h) == 0) {
                    float a = v[t], b = v[t + h];
                    v[t] = a + b;
                    v[t + h] = a - b;
                }
        }
    }
    for (uint t = 0; t < T; ++t) {
        float r = v[t] * scale;
        if (sign_mode != 0 && inverse)
            r = lowp_had_flip(r, lowp_had_neg(sign_mode, seed, stream, sign_bits, (ulong)o + (ulong)t * S));
        lowp_had_store(y, y_bf16, y_off + lowp_had_offset(axis_cols, a0 + (ulong)t * S, line, y_ld), r);
    }
}

/* ---- fused transform + block quantize (lowp_hadamard_quantize) ----------
 * Two kernels share the quantizer below: lowp_hadamard_quant_reg (power-of-
 * two n <= 32, the whole transform in registers) and lowp_hadamard_quant_local
 * (longer n, the transform of lowp_hadamard_local in local memory). Both
 * read x once and write packed codes and scale bytes; t is never stored.
 * With amax_pass = 1 they store nothing but the max |t| bits over finite
 * values into ts[0] (local tree, then atomic_max: exact and order-free);
 * the host then runs lowp_quant_tensor_scale (formats program) to fill
 * ts[1..3]. ts: [0] amax, [1] s_enc, [2] s_dec, [3] mult (two-level only).
 *
 * Quantizer arguments (same order in both kernels):
 *   L, B        group length along the axis (max(n, B)) and quant block
 *   elem, bits, scale_f, scale_mode, two, sr, nonsat, clamp_tiny
 *               element format, its storage bits (4, 6, 8), scale format,
 *               MX scale rounding, two-level (NVFP4) or MX, stochastic
 *               rounding, non-saturating overflow, clamp tiny scales
 *   qseed, qstream  SR draws: lowp_philox_word(qseed, qstream, r*cols + c)
 *   ts, amax_pass, codes, codes_off, scales, scales_off (byte offsets) */

/* Magnitude bits of a block element for the block amax: NaN/Inf poison
 * the block (quiet-NaN bits beat every finite magnitude). */
inline uint lowp_had_amag(float v)
{
    const uint a = as_uint(v) & 0x7FFFFFFFu;
    return a >= 0x7F800000u ? 0x7FC00000u : a;
}

/* Scale byte of a block from its amax bits; *key is what the element
 * encoder needs: the two-level encode multiplier, or the MX scale byte. */
inline uint lowp_had_block_scale(uint amax, int two, uint mult, uint s_dec, int elem, int scale_f, int scale_mode,
                                 int clamp_tiny, uint *key)
{
    if (two) {
        const uint sc = lowp_cc_block_scale2(amax, mult, scale_f, clamp_tiny);
        *key = lowp_cc_block_enc2(scale_f, sc, s_dec);
        return sc;
    }
    *key = lowp_cc_e8m0_scale(amax, scale_mode, elem);
    return *key;
}

inline uint lowp_had_encode(int two, int elem, float v, uint key, int sr, uint rb, int nonsat)
{
    return two ? lowp_cc_elem_encode2(elem, as_uint(v), key, sr, rb)
               : lowp_cc_elem_encode_mx(elem, as_uint(v), key, sr, rb, nonsat);
}

/* SR words of the 4 elements with logical indices idx0 + e*istep: one
 * Philox block when they are 4 aligned consecutive indices (along rows),
 * else one block per element (down a column). */
inline uint4 lowp_had_sr_words(ulong qseed, ulong qstream, ulong idx0, ulong istep)
{
    if (istep == 1u && (idx0 & 3u) == 0u)
        return lowp_philox_block(qseed, qstream, idx0 >> 2);
    return (uint4)(lowp_philox_word(qseed, qstream, idx0), lowp_philox_word(qseed, qstream, idx0 + istep),
                   lowp_philox_word(qseed, qstream, idx0 + 2u * istep),
                   lowp_philox_word(qseed, qstream, idx0 + 3u * istep));
}

/* Four codes with storage indices s0..s0+3 (s0 % 4 == 0, so whole bytes:
 * FP4 2, FP6 3, 8-bit 4; s0*bits/8 is the first). */
inline void lowp_had_store_quad(__global uchar *codes, ulong codes_off, uint bits, ulong s0, uint4 c)
{
    const uint mask = (1u << bits) - 1u;
    const uint w = (c.x & mask) | ((c.y & mask) << bits) | ((c.z & mask) << (2u * bits)) |
                   ((c.w & mask) << (3u * bits));
    __global uchar *b = codes + codes_off + s0 * bits / 8u;
    for (uint k = 0; k < bits / 2u; ++k)
        b[k] = (uchar)(w >> (8u * k));
}

/* Where a block's codes, scale and SR draws go: element a of line `line`
 * has storage index line*axis_len + a (codes are dense, column-major for
 * BLOCK_COL), scale index line*(axis_len/B) + a/B and logical index
 * r*cols + c. */
inline void lowp_had_quant_pos(int axis_cols, ulong rows, ulong cols, ulong line, ulong a, uint B, ulong *s0,
                               ulong *b, ulong *idx0, ulong *istep)
{
    const ulong axis_len = axis_cols ? rows : cols;
    *s0 = line * axis_len + a;
    *b = line * (axis_len / B) + a / B;
    *idx0 = axis_cols ? a * cols + line : line * cols + a;
    *istep = axis_cols ? cols : 1u;
}

/* Register path for power-of-two transform lengths n <= 32: one work-item
 * per group of L = max(n, B) <= 32 consecutive elements along the axis
 * (AXIS_ROWS: part of a row; AXIS_COLS: part of a column, neighbouring
 * work-items on neighbouring columns so loads are coalesced). It loads the
 * group, runs the normative steps 1-5 (signs, radix-2 stages, scale, inverse
 * signs; the same IEEE operations as lowp_cpu_hadamard), then quantizes the
 * L/B blocks. Grid-stride over items u = line-major groups; any 1-D local
 * size. Loops run to the constant LOWP_HAD_MAX_T with guards (rusticl, see
 * above). */
__kernel void lowp_hadamard_quant_reg(__global const uchar *x, ulong x_off, ulong x_ld, int x_bf16, ulong rows,
                                      ulong cols, int axis_cols, int sign_mode, ulong seed, ulong stream,
                                      __global const uint *sign_bits, uint n, int inverse, float scale, uint L,
                                      uint B, int elem, uint bits, int scale_f, int scale_mode, int two, int sr,
                                      int nonsat, int clamp_tiny, ulong qseed, ulong qstream, __global uint *ts,
                                      int amax_pass, __global uchar *codes, ulong codes_off, __global uchar *scales,
                                      ulong scales_off)
{
    const ulong axis_len = axis_cols ? rows : cols, cross = axis_cols ? cols : rows;
    const ulong ngroups = axis_len / L, items = cross * ngroups;
    __local uint lm[256]; /* amax pass: the work-group's tree */
    uint m = 0u;
    uint s_dec = 0u, mult = 0u;
    if (two && !amax_pass) {
        s_dec = ts[2];
        mult = ts[3];
    }
    for (ulong u = get_global_id(0); u < items; u += get_global_size(0)) {
        ulong line, a0;
        if (axis_cols) {
            line = u % cols;
            a0 = (u / cols) * L;
        } else {
            line = u / ngroups;
            a0 = (u % ngroups) * L;
        }
        float v[LOWP_HAD_MAX_T];
        for (uint k = 0; k < LOWP_HAD_MAX_T; ++k) {
            if (k < L) {
                float f = lowp_had_load(x, x_bf16, x_off + lowp_had_offset(axis_cols, a0 + k, line, x_ld));
                if (!inverse)
                    f = lowp_had_flip(f, lowp_had_neg(sign_mode, seed, stream, sign_bits, k & (n - 1u)));
                v[k] = f;
            } else {
                v[k] = 0.0f;
            }
        }
        for (uint h = 1u; h < LOWP_HAD_MAX_T; h <<= 1) {
            if (h < n) {
                for (uint i = 0; i < LOWP_HAD_MAX_T; ++i) {
                    if (i < L && (i & h) == 0u) {
                        float p = v[i], q = v[i + h];
                        v[i] = p + q;
                        v[i + h] = p - q;
                    }
                }
            }
        }
        for (uint k = 0; k < LOWP_HAD_MAX_T; ++k) {
            if (k < L) {
                float f = v[k] * scale;
                if (inverse)
                    f = lowp_had_flip(f, lowp_had_neg(sign_mode, seed, stream, sign_bits, k & (n - 1u)));
                v[k] = f;
            }
        }
        if (amax_pass) {
            for (uint k = 0; k < LOWP_HAD_MAX_T; ++k) {
                uint a = as_uint(v[k]) & 0x7FFFFFFFu;
                if (k < L && a < 0x7F800000u && a > m)
                    m = a;
            }
            continue;
        }
        for (uint q0 = 0; q0 < LOWP_HAD_MAX_T; q0 += 16u) {
            if (q0 % B != 0u || q0 >= L)
                continue;
            uint amax = 0u;
            for (uint e = 0; e < 32u; ++e) {
                uint a = lowp_had_amag(v[(q0 + e) & 31u]);
                if (e < B && a > amax)
                    amax = a;
            }
            uint key;
            const uint sc = lowp_had_block_scale(amax, two, mult, s_dec, elem, scale_f, scale_mode, clamp_tiny, &key);
            ulong s0, b, idx0, istep;
            lowp_had_quant_pos(axis_cols, rows, cols, line, a0 + q0, B, &s0, &b, &idx0, &istep);
            scales[scales_off + b] = (uchar)sc;
            for (uint e = 0; e < 32u; e += 4u) {
                if (e >= B)
                    break;
                const uint4 rb = sr ? lowp_had_sr_words(qseed, qstream, idx0 + e * istep, istep) : (uint4)(0u);
                const uint4 c = (uint4)(lowp_had_encode(two, elem, v[(q0 + e) & 31u], key, sr, rb.x, nonsat),
                                        lowp_had_encode(two, elem, v[(q0 + e + 1u) & 31u], key, sr, rb.y, nonsat),
                                        lowp_had_encode(two, elem, v[(q0 + e + 2u) & 31u], key, sr, rb.z, nonsat),
                                        lowp_had_encode(two, elem, v[(q0 + e + 3u) & 31u], key, sr, rb.w, nonsat));
                lowp_had_store_quad(codes, codes_off, bits, s0 + e, c);
            }
        }
    }
    if (amax_pass)
        lowp_wg_atomic_max(m, lm, 256u, ts);
}

/* Local-memory path for every other length the op accepts (n > 32 or not a
 * power of two, n <= 4096, n % B == 0): the tile of lowp_hadamard_local
 * (L = n: G whole vectors of one transform each), steps 1-3 by the same
 * functions, then instead of its store loop:
 *   Q1  one work-item per quant block (G*n/B of them): steps 4-5 in place
 *       (t = r*scale, inverse signs), block amax, scale byte stored, the
 *       encoder's key into lq;
 *   Q2  one work-item per 4 consecutive elements: codes, stored as whole
 *       bytes (consecutive work-items write consecutive bytes of a line).
 * amax_pass = 1: steps 4 and the max |t| only (signs do not change |t|).
 * Arguments 0-31 as lowp_hadamard_quant_reg (L = n), then the tile:
 *   m, p, log2p, hm_bits   n = m*p, H_m rows as bits (lowp_hadamard_local)
 *   G, chunk0              vectors per work-group; AXIS_COLS: first chunk of
 *                          this launch (dimension 1 is split at 65535)
 *   lds                    G*(n + axis_cols) floats
 *   lq                     max(G*n/B, W) words
 * Global size: AXIS_ROWS (ceil(rows*cols/n / G)*W, 1);
 *              AXIS_COLS (ceil(cols / G)*W, chunks); any local size (W, 1). */
__kernel void lowp_hadamard_quant_local(__global const uchar *x, ulong x_off, ulong x_ld, int x_bf16, ulong rows,
                                        ulong cols, int axis_cols, int sign_mode, ulong seed, ulong stream,
                                        __global const uint *sign_bits, uint n, int inverse, float scale, uint L,
                                        uint B, int elem, uint bits, int scale_f, int scale_mode, int two, int sr,
                                        int nonsat, int clamp_tiny, ulong qseed, ulong qstream, __global uint *ts,
                                        int amax_pass, __global uchar *codes, ulong codes_off,
                                        __global uchar *scales, ulong scales_off, uint m, uint p, uint log2p,
                                        __global const uint *hm_bits, uint G, ulong chunk0, __local float *lds,
                                        __local uint *lq)
{
    const uint lid = (uint)get_local_id(0), W = (uint)get_local_size(0);
    const ulong axis_len = axis_cols ? rows : cols, cross = axis_cols ? cols : rows;
    const lowp_had_tile t = lowp_had_tile_at(axis_cols, cross, axis_len / L, L, G, chunk0 + get_group_id(1));
    lowp_had_tile_load(&t, x, x_off, x_ld, x_bf16, sign_mode, seed, stream, sign_bits, n, inverse, lds);
    lowp_had_tile_stages(&t, m, p, log2p, hm_bits, lds);
    const uint nb = L / B, nblk = G * nb;

    if (amax_pass) {
        uint mx = 0u;
        for (uint idx = lid; idx < G * L; idx += W) {
            const uint g = idx / L;
            if (t.vbase + g >= t.nvec)
                continue;
            const uint a = as_uint(lds[g * t.Ls + idx - g * L] * scale) & 0x7FFFFFFFu;
            if (a < 0x7F800000u && a > mx)
                mx = a;
        }
        lowp_wg_atomic_max(mx, lq, nblk > W ? nblk : W, ts);
        return;
    }

    uint s_dec = 0u, mult = 0u;
    if (two) {
        s_dec = ts[2];
        mult = ts[3];
    }
    ulong line, chunk;
    /* Q1. Each block is read starting at a different element (u mod B) so
     * neighbouring work-items hit different banks; the amax is order-free. */
    for (uint u = lid; u < nblk; u += W) {
        const uint g = u / nb, j0 = (u - g * nb) * B;
        if (!lowp_had_vector(&t, g, &line, &chunk))
            continue;
        __local float *blk = lds + g * t.Ls + j0;
        uint amax = 0u;
        for (uint i = 0; i < B; ++i) {
            const uint e = (i + u) & (B - 1u);
            float r = blk[e] * scale;
            if (sign_mode != 0 && inverse)
                r = lowp_had_flip(r, lowp_had_neg(sign_mode, seed, stream, sign_bits, j0 + e));
            blk[e] = r;
            amax = max(amax, lowp_had_amag(r));
        }
        uint key;
        const uint sc = lowp_had_block_scale(amax, two, mult, s_dec, elem, scale_f, scale_mode, clamp_tiny, &key);
        ulong s0, b, idx0, istep;
        lowp_had_quant_pos(axis_cols, rows, cols, line, chunk * L + j0, B, &s0, &b, &idx0, &istep);
        scales[scales_off + b] = (uchar)sc;
        lq[u] = key;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    /* Q2 */
    const uint nq = L / 4u;
    for (uint q = lid; q < G * nq; q += W) {
        const uint g = q / nq, j0 = (q - g * nq) * 4u;
        if (!lowp_had_vector(&t, g, &line, &chunk))
            continue;
        const uint key = lq[g * nb + j0 / B];
        ulong s0, b, idx0, istep;
        lowp_had_quant_pos(axis_cols, rows, cols, line, chunk * L + j0, B, &s0, &b, &idx0, &istep);
        const uint4 rb = sr ? lowp_had_sr_words(qseed, qstream, idx0, istep) : (uint4)(0u);
        __local const float *e = lds + g * t.Ls + j0;
        const uint4 c = (uint4)(lowp_had_encode(two, elem, e[0], key, sr, rb.x, nonsat),
                                lowp_had_encode(two, elem, e[1], key, sr, rb.y, nonsat),
                                lowp_had_encode(two, elem, e[2], key, sr, rb.z, nonsat),
                                lowp_had_encode(two, elem, e[3], key, sr, rb.w, nonsat));
        lowp_had_store_quad(codes, codes_off, bits, s0, c);
    }
}
