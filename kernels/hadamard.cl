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
 * A later fused quantize stage slots in at step 6: the final values of a
 * block are in local memory (local kernel) right before the store loop.
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

/* Local-tile slot idx of lowp_hadamard_local -> vector g of the group and
 * element j of its chunk (AXIS_COLS: idx = j*G + g, so neighbouring
 * work-items touch neighbouring columns; rows: idx = g*L + j). Updates the
 * (line, chunk) of vector g when g changes. 0 when the vector is past the
 * end (last group). */
inline int lowp_had_slot(uint idx, int axis_cols, uint G, uint L, ulong vbase, ulong nvec, ulong nchunks,
                         ulong ccol, uint *g, uint *j, uint *cached_g, ulong *line, ulong *chunk)
{
    if (axis_cols) {
        *g = idx & (G - 1u);
        *j = idx >> (31 - clz(G)); /* idx / G */
    } else {
        *g = idx / L;
        *j = idx - *g * L;
    }
    const ulong v = vbase + *g;
    if (v >= nvec)
        return 0;
    if (*g != *cached_g) {
        *cached_g = *g;
        *line = axis_cols ? v : v / nchunks;
        *chunk = axis_cols ? ccol : v - *line * nchunks;
    }
    return 1;
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
    const uint Ls = L + (axis_cols ? 1u : 0u); /* +1 spreads column loads over banks */
    const uint total = G * L;
    const uint chunks_per_block = n / L;
    /* AXIS_ROWS: vectors vbase.. are (line, chunk) pairs in row order.
     * AXIS_COLS: the group's vectors are lines xbase.. of chunk `ccol`. */
    const ulong vbase = (ulong)get_group_id(0) * G;
    const ulong nvec = axis_cols ? cross : cross * nchunks;
    const ulong ccol = get_group_id(1);

    /* 1. load, convert, forward signs */
    uint cached_g = 0xffffffffu;
    ulong line = 0, chunk = 0;
    for (uint idx = lid; idx < total; idx += W) {
        uint g, j;
        if (!lowp_had_slot(idx, axis_cols, G, L, vbase, nvec, nchunks, ccol, &g, &j, &cached_g, &line, &chunk))
            continue;
        float e = lowp_had_load(x, x_bf16, x_off + lowp_had_offset(axis_cols, chunk * L + j, line, x_ld));
        if (sign_mode != 0 && !inverse)
            e = lowp_had_flip(e, lowp_had_neg(sign_mode, seed, stream, sign_bits,
                                              (ulong)(chunk % chunks_per_block) * L + j));
        lds[g * Ls + j] = e;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    /* 2. radix-2 stages, two at a time (radix-4 quads k, k+h, k+2h, k+3h),
     * over the G*m chunks of p floats. */
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

    /* 4-6. scale, inverse signs, store (a fused quantize stage would go here). */
    cached_g = 0xffffffffu;
    for (uint idx = lid; idx < total; idx += W) {
        uint g, j;
        if (!lowp_had_slot(idx, axis_cols, G, L, vbase, nvec, nchunks, ccol, &g, &j, &cached_g, &line, &chunk))
            continue;
        float r = lds[g * Ls + j];
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
 * Register path for power-of-two transform lengths n <= 32: one work-item
 * per group of L = max(n, B) <= 32 consecutive elements along the axis
 * (AXIS_ROWS: part of a row; AXIS_COLS: part of a column, neighbouring
 * work-items on neighbouring columns so loads are coalesced). It loads the
 * group, runs the normative steps 1-5 (signs, radix-2 stages, scale, inverse
 * signs; the same IEEE operations as lowp_cpu_hadamard), then quantizes the
 * L/B blocks with the shared codecs (kernels/codec.cl) and stores packed
 * codes and scale bytes: one read of x, one write of the codes.
 *   amax_pass = 1: no store; the max |value| bits over finite values go to
 *   ts[0] (local tree, then atomic_max: exact and order-free). The host then
 *   runs lowp_quant_tensor_scale (formats program) to fill ts[1..3].
 * ts: [0] amax, [1] s_enc, [2] s_dec, [3] mult (two-level only).
 * Grid-stride over items u = line-major groups; any 1-D local size. Loops run
 * to the constant LOWP_HAD_MAX_T with guards (rusticl, see above). */
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
                uint a = as_uint(v[(q0 + e) & 31u]) & 0x7FFFFFFFu;
                if (a >= 0x7F800000u)
                    a = 0x7FC00000u;
                if (e < B && a > amax)
                    amax = a;
            }
            uint sc, enc = 0u;
            if (two) {
                sc = lowp_cc_block_scale2(amax, mult, scale_f, clamp_tiny);
                enc = lowp_cc_block_enc2(scale_f, sc, s_dec);
            } else {
                sc = lowp_cc_e8m0_scale(amax, scale_mode, elem);
            }
            const ulong a = a0 + q0; /* first element of the block along the axis */
            ulong s0, b, idx0, istep;
            if (axis_cols) {
                s0 = line * rows + a;
                b = line * (rows / B) + a / B;
                idx0 = a * cols + line;
                istep = cols;
            } else {
                s0 = line * cols + a;
                b = line * (cols / B) + a / B;
                idx0 = line * cols + a;
                istep = 1u;
            }
            scales[scales_off + b] = (uchar)sc;
            uint w = 0u, nw = 0u;
            ulong byte = codes_off + s0 * bits / 8u;
            for (uint e = 0; e < 32u; ++e) {
                if (e >= B)
                    break;
                uint rb = sr ? lowp_philox_word(qseed, qstream, idx0 + e * istep) : 0u;
                uint xb = as_uint(v[(q0 + e) & 31u]);
                uint code = two ? lowp_cc_elem_encode2(elem, xb, enc, sr, rb)
                                : lowp_cc_elem_encode_mx(elem, xb, sc, sr, rb, nonsat);
                w |= (code & ((1u << bits) - 1u)) << nw;
                nw += bits;
                while (nw >= 8u && (nw == 8u || bits != 6u || nw == 24u)) {
                    /* flush whole words: 8-bit every code, FP4 every 2, FP6 every 4 */
                    uint nb = nw / 8u;
                    for (uint t = 0; t < nb; ++t)
                        codes[byte + t] = (uchar)(w >> (8u * t));
                    byte += nb;
                    w = 0u;
                    nw = 0u;
                }
            }
        }
    }
    if (amax_pass) {
        const uint lid = (uint)get_local_id(0), LS = (uint)get_local_size(0);
        if (LS <= 256u) {
            lm[lid] = m;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (uint hh = 1u; hh < LS; hh <<= 1) {
                if ((lid & (2u * hh - 1u)) == 0u && lid + hh < LS)
                    lm[lid] = max(lm[lid], lm[lid + hh]);
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            if (lid == 0u)
                atomic_max(ts, lm[0]);
        } else {
            atomic_max(ts, m);
        }
    }
}
