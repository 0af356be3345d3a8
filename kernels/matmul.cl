/* matmul.cl - single-precision GEMM for lowp_matmul (see include/lowp/matmul.h):
 *   C = alpha * op(A) * op(B) + beta * C, row-major, leading dimensions,
 *   element offsets, strided batch (problem = get_group_id(2)).
 *
 * Kernels (identical argument lists):
 *   lowp_matmul_tiled   local-memory tiles + register blocking; any m, n, k
 *                       (edge tiles are zero-padded on load, clipped on store).
 *   lowp_matmul_simple  one work-item per C element; obviously correct; for
 *                       tiny problems and as the oracle of the tiled kernel.
 *
 * Numerics: both kernels sum op(A)(i,p)*op(B)(p,j) for p = 0..k-1 in order
 * into one float, then r = alpha*acc; if beta != 0: r = r + beta*C (with no
 * product, alpha == 0 or k == 0: r = beta*C, +0 when beta == 0). No
 * contraction (FP_CONTRACT OFF, MM_FMA 0), so the result is bit-identical for
 * every tuning parameter set, every work-group size, every conforming device,
 * to lowp_ref_matmul_f32seq and to the own CPU kernel (lowp_cpu_matmul,
 * engine OWN) on the host. Zero padding adds exact +0
 * products, which never change a float sum that starts at +0.
 * beta == 0: C is not read. alpha == 0: A and B are not read.
 *
 * Tile layout of the tiled kernel (work-group = NDIM x MDIM work-items):
 *
 *          j0 ........ j0+NWG               As[KWG][MWG+PADA]: op(A) tile, k-major
 *   i0  +-------------------+               Bs[KWG][NWG+PADB]: op(B) tile, k-major
 *    .  | item (tx,ty) owns |
 *    .  | rows ty+wm*MDIM   |  wm < WPTM    Strided ownership: neighbouring items
 *    .  | cols tx+wn*NDIM   |  wn < WPTN    touch neighbouring columns, so C stores
 * i0+MWG+-------------------+               and Bs reads are contiguous.
 *
 * Host launch (tiled): global = (ceil(n/NWG)*NDIM, ceil(m/MWG)*MDIM, batch),
 *                      local  = (NDIM, MDIM, 1), NDIM = NWG/WPTN, MDIM = MWG/WPTM.
 * Host launch (simple): global = (n, m, batch) rounded up to any local size
 *                      (out-of-range items return), local = any / NULL.
 * Local memory (tiled): 4*KWG*(MWG+PADA+NWG+PADB) bytes.
 */
#pragma OPENCL FP_CONTRACT OFF

/* ---- tunables (the host passes -DNAME=value; values from the table in
 *      src/matmul/matmul_params.c) ---- */
#ifndef MWG
#define MWG 64 /* rows of C per work-group tile */
#endif
#ifndef NWG
#define NWG 64 /* columns of C per work-group tile */
#endif
#ifndef KWG
#define KWG 16 /* depth of the k-slice staged in local memory per step */
#endif
#ifndef WPTM
#define WPTM 4 /* rows of C per work-item (register blocking in M) */
#endif
#ifndef WPTN
#define WPTN 4 /* columns of C per work-item (register blocking in N) */
#endif
#ifndef VW
#define VW 4 /* global-load vector width 1/2/4/8 for interior tiles (vloadN needs only float alignment; fastest when ld and offsets are multiples of VW) */
#endif
#ifndef PADA
#define PADA 1 /* extra floats per As row, against local-memory bank conflicts */
#endif
#ifndef PADB
#define PADB 1 /* extra floats per Bs row */
#endif
#ifndef MM_FMA
#define MM_FMA 0 /* 1: acc = fma(a, b, acc): faster on GPUs, still deterministic, but not bit-equal to lowp_ref_matmul_f32seq */
#endif
#ifndef RELAX_WGS
#define RELAX_WGS 0 /* 1: omit reqd_work_group_size (some compilers run slower with it) */
#endif

#define MDIM (MWG / WPTM) /* work-items along M */
#define NDIM (NWG / WPTN) /* work-items along N */
#define NTHREADS (MDIM * NDIM)

#if (MWG % WPTM) != 0 || (NWG % WPTN) != 0
#error "matmul.cl: MWG must be a multiple of WPTM and NWG of WPTN"
#endif
#if (KWG % VW) != 0 || (MWG % VW) != 0 || (NWG % VW) != 0
#error "matmul.cl: KWG, MWG and NWG must be multiples of VW"
#endif
#if VW != 1 && VW != 2 && VW != 4 && VW != 8
#error "matmul.cl: VW must be 1, 2, 4 or 8"
#endif

#if MM_FMA
#define MM_ACC(acc, x, y) ((acc) = fma((x), (y), (acc)))
#else
#define MM_ACC(acc, x, y) ((acc) = (acc) + (x) * (y))
#endif

/* Load VW consecutive floats of row `row`, columns col..col+VW-1, of a stored
 * rows x cols matrix with leading dimension ld into v[]; elements outside the
 * matrix read as +0. The vector path is taken only when all VW are inside. */
void lowp_mm_load_vec(__global const float *src, ulong row, ulong col,
                             ulong rows, ulong cols, ulong ld, float v[VW])
{
    if (row < rows && col + VW <= cols) {
        __global const float *p = src + row * ld + col;
#if VW == 1
        v[0] = p[0];
#elif VW == 2
        float2 x = vload2(0, p);
        v[0] = x.s0; v[1] = x.s1;
#elif VW == 4
        float4 x = vload4(0, p);
        v[0] = x.s0; v[1] = x.s1; v[2] = x.s2; v[3] = x.s3;
#else
        float8 x = vload8(0, p);
        v[0] = x.s0; v[1] = x.s1; v[2] = x.s2; v[3] = x.s3;
        v[4] = x.s4; v[5] = x.s5; v[6] = x.s6; v[7] = x.s7;
#endif
    } else {
        /* Edge vector: no address outside the matrix is formed or read. */
        for (int e = 0; e < VW; e++)
            v[e] = (row < rows && col + (ulong)e < cols) ? src[row * ld + col + (ulong)e] : 0.0f;
    }
}

/* Stage the logical tile X[r0 : r0+R, c0 : c0+KWG]^T into dst[KWG][R+PAD]
 * (k-major), where X = op(S) is rows_op x k. When trans == 0, S is stored
 * rows_op x k (contiguous along k); when trans != 0, S is stored k x rows_op
 * (contiguous along the R dimension). The branch is uniform per launch. */
#define LOWP_MM_STAGE(dst, R, PAD, src, trans, r0, k0, rows_op, kdim, ld)                 \
    do {                                                                               \
        float v_[VW];                                                                  \
        if (!(trans)) {                                                                \
            for (int idx = tid; idx < (R) * (KWG / VW); idx += NTHREADS) {             \
                const int r = idx / (KWG / VW), s = (idx % (KWG / VW)) * VW;           \
                lowp_mm_load_vec(src, (r0) + (ulong)r, (k0) + (ulong)s, rows_op, kdim, ld, v_); \
                for (int e = 0; e < VW; e++) dst[s + e][r] = v_[e];                    \
            }                                                                          \
        } else {                                                                       \
            for (int idx = tid; idx < KWG * ((R) / VW); idx += NTHREADS) {             \
                const int r = idx / ((R) / VW), s = (idx % ((R) / VW)) * VW;           \
                lowp_mm_load_vec(src, (k0) + (ulong)r, (r0) + (ulong)s, kdim, rows_op, ld, v_); \
                for (int e = 0; e < VW; e++) dst[r][s + e] = v_[e];                    \
            }                                                                          \
        }                                                                              \
    } while (0)

#if !RELAX_WGS
__attribute__((reqd_work_group_size(NDIM, MDIM, 1)))
#endif
__kernel void lowp_matmul_tiled(const ulong m, const ulong n, const ulong k,
                                const float alpha, const float beta,
                                const int trans_a, const int trans_b,
                                __global const float *a, const ulong a_off, const ulong lda, const ulong stride_a,
                                __global const float *b, const ulong b_off, const ulong ldb, const ulong stride_b,
                                __global float *c, const ulong c_off, const ulong ldc, const ulong stride_c)
{
    __local float As[KWG][MWG + PADA];
    __local float Bs[KWG][NWG + PADB];

    const int tx = (int)get_local_id(0), ty = (int)get_local_id(1);
    const int tid = ty * NDIM + tx;
    const ulong j0 = (ulong)get_group_id(0) * NWG, i0 = (ulong)get_group_id(1) * MWG;
    const ulong bz = (ulong)get_group_id(2);
    a += a_off + bz * stride_a;
    b += b_off + bz * stride_b;
    c += c_off + bz * stride_c;

    float acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++)
        for (int wn = 0; wn < WPTN; wn++)
            acc[wm][wn] = 0.0f;

    /* alpha == 0: A and B are not read (BLAS convention). */
    const ulong ntiles = alpha == 0.0f ? 0 : (k + KWG - 1) / KWG;
    for (ulong t = 0; t < ntiles; t++) {
        const ulong k0 = t * KWG;
        barrier(CLK_LOCAL_MEM_FENCE); /* previous step done reading As/Bs */
        LOWP_MM_STAGE(As, MWG, PADA, a, trans_a, i0, k0, m, k, lda);
        /* op(B) = B when trans_b == 0 is k x n (contiguous along n): that is the
         * "transposed" storage case of the staging macro, and vice versa. */
        LOWP_MM_STAGE(Bs, NWG, PADB, b, !trans_b, j0, k0, n, k, ldb);
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int kk = 0; kk < KWG; kk++) {
            float av[WPTM], bv[WPTN];
            for (int wm = 0; wm < WPTM; wm++)
                av[wm] = As[kk][ty + wm * MDIM];
            for (int wn = 0; wn < WPTN; wn++)
                bv[wn] = Bs[kk][tx + wn * NDIM];
            for (int wm = 0; wm < WPTM; wm++)
                for (int wn = 0; wn < WPTN; wn++)
                    MM_ACC(acc[wm][wn], av[wm], bv[wn]);
        }
    }

    for (int wm = 0; wm < WPTM; wm++) {
        const ulong i = i0 + (ulong)(ty + wm * MDIM);
        if (i >= m)
            continue;
        for (int wn = 0; wn < WPTN; wn++) {
            const ulong j = j0 + (ulong)(tx + wn * NDIM);
            if (j >= n)
                continue;
            float r;
            if (ntiles == 0) { /* no product: C = beta*C, +0 when beta == 0 */
                r = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
            } else {
                r = alpha * acc[wm][wn];
                if (beta != 0.0f) { /* beta == 0: C is not read */
                    const float bc = beta * c[i * ldc + j];
                    r = r + bc;
                }
            }
            c[i * ldc + j] = r;
        }
    }
}

__kernel void lowp_matmul_simple(const ulong m, const ulong n, const ulong k,
                                 const float alpha, const float beta,
                                 const int trans_a, const int trans_b,
                                 __global const float *a, const ulong a_off, const ulong lda, const ulong stride_a,
                                 __global const float *b, const ulong b_off, const ulong ldb, const ulong stride_b,
                                 __global float *c, const ulong c_off, const ulong ldc, const ulong stride_c)
{
    const ulong j = (ulong)get_global_id(0), i = (ulong)get_global_id(1), bz = (ulong)get_global_id(2);
    if (i >= m || j >= n)
        return;
    a += a_off + bz * stride_a;
    b += b_off + bz * stride_b;
    c += c_off + bz * stride_c;
    float acc = 0.0f;
    const ulong kk = alpha == 0.0f ? 0 : k;
    for (ulong p = 0; p < kk; p++) {
        const float x = trans_a ? a[p * lda + i] : a[i * lda + p];
        const float y = trans_b ? b[j * ldb + p] : b[p * ldb + j];
        MM_ACC(acc, x, y);
    }
    float r;
    if (kk == 0) {
        r = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    } else {
        r = alpha * acc;
        if (beta != 0.0f) {
            const float bc = beta * c[i * ldc + j];
            r = r + bc;
        }
    }
    c[i * ldc + j] = r;
}

/* ---------------- GEMM on block-quantized operands ----------------
 * C = alpha * A * B^T + beta * C, A [m,k] and B [n,k], each block-quantized
 * along k as lowp_quantize stores it (FP4 two per byte, low nibble first;
 * FP6 four per 3 bytes; one scale byte per block; two-level formats also an
 * fp32 tensor decode scale). How element (i, p) of an operand with R rows
 * in the product (m or n) is found depends on its orientation and layout
 * (src/matmul/qmatmul_internal.h, same numbers):
 *   QMM_KINNER       code i*k + p, scale i*(k/B) + p/B   (ROW; COL of A^T/B^T)
 *   QMM_TILE_KINNER  code i*k + p, scale (i/B)*(k/B) + p/B   (TILE2D, R x k)
 *   QMM_TILE_KOUTER  code p*R + i, scale (p/B)*(R/B) + i/B   (TILE2D, k x R)
 *
 * lowp_qmatmul_tiled: QMM_TS x QMM_TS work-groups, WPT x WPT C elements per
 * work-item. Each k step of QMM_TS (which divides every block length, so a
 * step never straddles two blocks of a row) stages a (TS*WPT) x TS slice
 * of A and of B: every item fetches WPT packed codes of each with their
 * scale bytes and decodes them in registers with the exact integer codecs of codec.cl (the
 * same value lowp_dequantize writes), storing fp32 in local memory. The
 * products are then added in ascending k into one float (no FMA), so the
 * result is lowp_ref_matmul_f32seq of the dequantized operands, bit for
 * bit, for every work-group count and operand access. Rows beyond m / n
 * stage 0 and are not written. */
#define QMM_KINNER 0
#define QMM_TILE_KINNER 1
#define QMM_TILE_KOUTER 2
#ifndef QMM_TS
#define QMM_TS 16
#endif
#if QMM_TS != 4 && QMM_TS != 8 && QMM_TS != 16
#error "QMM_TS must be 4, 8 or 16 (it must divide the block lengths 16 and 32)"
#endif

/* Code with storage index s of a packed operand of `bits`-bit elements. */
static inline uint lowp_qmm_code(__global const uchar *codes, uint bits, ulong s)
{
    if (bits == 8u)
        return codes[s];
    if (bits == 4u)
        return (codes[s >> 1] >> ((uint)(s & 1ul) * 4u)) & 0xFu;
    __global const uchar *b = codes + (s >> 2) * 3ul;
    uint w = (uint)b[0] | ((uint)b[1] << 8) | ((uint)b[2] << 16);
    return (w >> ((uint)(s & 3ul) * 6u)) & 0x3Fu;
}

/* Element (r, p) of a quantized operand with R rows in the product, as
 * fp32 (exact, as dequantize). */
static inline float lowp_qmm_value(__global const uchar *codes, __global const uchar *scales, uint sdec, int elem,
                                   int scale_fmt, uint block, int acc, ulong k, ulong R, ulong r, ulong p)
{
    uint bits = lowp_cc_elem_bits(elem);
    ulong s = acc == QMM_TILE_KOUTER ? p * R + r : r * k + p;
    ulong si = acc == QMM_KINNER         ? r * (k / block) + p / block
               : acc == QMM_TILE_KINNER ? (r / block) * (k / block) + p / block
                                        : (p / block) * (R / block) + r / block;
    uint q = lowp_qmm_code(codes, bits, s);
    uint sc = scales[si];
    uint v = scale_fmt == LOWP_CC_E8M0 ? lowp_cc_elem_decode_mx(elem, q, sc)
                                       : lowp_cc_elem_decode2(elem, q, scale_fmt, sc, sdec);
    return as_float(v);
}

/* Arguments: m, n, k; alpha, beta; then per operand (A, then B): codes,
 * scales, tensor decode scale (fp32 bits at [0]; not read for E8M0),
 * element format, scale format (LOWP_CC_*), block, access (QMM_*); then
 * c, ldc, offc (C(i, j) = c[offc + i*ldc + j]). A k-outer operand (QMM_TILE_KOUTER) is staged with neighbouring
 * items on neighbouring rows, the others with neighbouring items along k,
 * so that the global reads of a work-group stay contiguous either way.
 * Each work-group computes a (TS*WPT) x (TS*WPT) tile of C; item (lx, ly)
 * owns rows ly + TS*i and columns lx + TS*j (i, j < WPT), so one decoded
 * element serves TS*WPT outputs. Global (ceil(n/(TS*WPT))*TS,
 * ceil(m/(TS*WPT))*TS), local (TS, TS). */
#ifndef QMM_WPT
#define QMM_WPT 4
#endif
#define QMM_T (QMM_TS * QMM_WPT)
__kernel __attribute__((reqd_work_group_size(QMM_TS, QMM_TS, 1))) void
lowp_qmatmul_tiled(ulong m, ulong n, ulong k, float alpha, float beta, __global const uchar *a_codes,
                   __global const uchar *a_scales, __global const uint *a_sdec, int a_elem, int a_sfmt, uint a_block,
                   int a_acc, __global const uchar *b_codes, __global const uchar *b_scales,
                   __global const uint *b_sdec, int b_elem, int b_sfmt, uint b_block, int b_acc, __global float *c,
                   ulong ldc, ulong offc)
{
    c += offc;
    __local float As[QMM_T][QMM_TS + 1];
    __local float Bs[QMM_T][QMM_TS + 1];
    uint lx = (uint)get_local_id(0), ly = (uint)get_local_id(1), lid = ly * QMM_TS + lx;
    ulong row0 = get_group_id(1) * QMM_T, col0 = get_group_id(0) * QMM_T;
    ulong kk = alpha != 0.0f ? k : 0ul; /* alpha == 0: A and B are not read */
    uint asd = (kk && a_sfmt != LOWP_CC_E8M0) ? a_sdec[0] : 0u;
    uint bsd = (kk && b_sfmt != LOWP_CC_E8M0) ? b_sdec[0] : 0u;
    float acc[QMM_WPT][QMM_WPT];
    for (uint i = 0; i < QMM_WPT; ++i)
        for (uint j = 0; j < QMM_WPT; ++j)
            acc[i][j] = 0.0f;
    for (ulong k0 = 0; k0 < kk; k0 += QMM_TS) {
        /* stage T x TS of A and of B: T*TS / (TS*TS) = WPT elements each */
        for (uint e = lid; e < QMM_T * QMM_TS; e += QMM_TS * QMM_TS) {
            uint kin_r = e / QMM_TS, kin_p = e % QMM_TS, kout_r = e % QMM_T, kout_p = e / QMM_T;
            uint r = a_acc == QMM_TILE_KOUTER ? kout_r : kin_r, p = a_acc == QMM_TILE_KOUTER ? kout_p : kin_p;
            As[r][p] = row0 + r < m ? lowp_qmm_value(a_codes, a_scales, asd, a_elem, a_sfmt, a_block, a_acc, k, m,
                                                     row0 + r, k0 + p)
                                    : 0.0f;
            r = b_acc == QMM_TILE_KOUTER ? kout_r : kin_r, p = b_acc == QMM_TILE_KOUTER ? kout_p : kin_p;
            Bs[r][p] = col0 + r < n ? lowp_qmm_value(b_codes, b_scales, bsd, b_elem, b_sfmt, b_block, b_acc, k, n,
                                                     col0 + r, k0 + p)
                                    : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint p = 0; p < QMM_TS; ++p) {
            float av[QMM_WPT], bv[QMM_WPT];
            for (uint i = 0; i < QMM_WPT; ++i)
                av[i] = As[ly + QMM_TS * i][p];
            for (uint j = 0; j < QMM_WPT; ++j)
                bv[j] = Bs[lx + QMM_TS * j][p];
            for (uint i = 0; i < QMM_WPT; ++i)
                for (uint j = 0; j < QMM_WPT; ++j)
                    acc[i][j] = acc[i][j] + av[i] * bv[j];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (uint i = 0; i < QMM_WPT; ++i)
        for (uint j = 0; j < QMM_WPT; ++j) {
            ulong row = row0 + ly + QMM_TS * i, col = col0 + lx + QMM_TS * j;
            if (row >= m || col >= n)
                continue;
            __global float *cp = c + row * ldc + col;
            float r;
            if (kk == 0ul) /* no product: C = beta*C, +0 when beta == 0 */
                r = beta == 0.0f ? 0.0f : beta * *cp;
            else {
                r = alpha * acc[i][j];
                if (beta != 0.0f)
                    r = r + beta * *cp;
            }
            *cp = r;
        }
}
