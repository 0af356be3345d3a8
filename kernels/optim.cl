/* optim.cl - fused multi-tensor optimizer kernels (OpenCL C 1.2, no extensions).
 *
 * The per-element updates (lowp_oe_adamw, ...), the coefficient layout LOWP_OC_*, the
 * phases LOWP_OPH_* and their slot table come from optim_rules.cl, the copy shared with
 * the C backends: the program is common.cl + philox.cl + codec.cl + optim_rules.cl +
 * this file (backends/opencl/cl_program.c). This file only adds the storage, the
 * multi-tensor indexing and the reductions.
 *
 * One launch covers a whole list of tensors. The host uploads:
 *   tab[4*k + 0..3]   = numel, param_offset, grad_offset, state_offset of tensor k
 *                       (ulong, ELEMENT offsets; state is planar: slot s of element i
 *                       at state[state_offset + s*numel + i])
 *   coef[16*k + 0..15] = the per-tensor coefficient vector of this step, computed on
 *                       the host exactly as src/optim/optim_step.c does (layout below)
 *   chunk_tensor[c], chunk_first[c] = the chunk -> tensor map: chunk c covers elements
 *                       [chunk_first[c], min(chunk_first[c] + LOWP_OPTIM_CHUNK, numel))
 *                       of tensor chunk_tensor[c]; chunks of one tensor are consecutive
 *                       and in element order. Zero-size tensors have no chunk.
 *
 * Elementwise kernels (lowp_optim_<phase>_mt): global size = n_chunks * LOWP_OPTIM_LANES
 * (256), any local size that divides it (64, 128, 256); results do not depend on it.
 *
 * Reduction kernels (lowp_optim_reduce_*_mt): local size EXACTLY LOWP_OPTIM_RLANES (64,
 * enforced by reqd_work_group_size), global = n_chunks * 64, one work-group per chunk;
 * each lane accumulates its elements (stride 64) in float, then a fixed pairwise tree.
 * partial[2*c + 0/1] gets the chunk's result. lowp_optim_reduce_finalize then adds the
 * partials of each tensor in chunk order (one work-item per tensor). So results are
 * deterministic and independent of device and work-group scheduling, but they are FLOAT
 * sums in a different order than the CPU's double sums: expect ~1e-6 relative
 * differences in norms (LAMB ratio, Stable-SPAM n, clip norm).
 *
 * Tolerance vs the CPU reference: sqrt and divide are not correctly rounded by default in
 * OpenCL 1.2 (sqrt <= 3 ulp, x/y <= 2.5 ulp). Built with -cl-fp32-correctly-rounded-divide-sqrt
 * (where the device supports it) the elementwise updates are expected to match the CPU bit
 * for bit (FP_CONTRACT is off); without it expect a few ulp per step in theta, m, v.
 * Lion and SGD use no sqrt/divide and must match exactly.
 *
 * Denormals: no result here depends on subnormal arithmetic beyond what flush-to-zero
 * changes by < 1 ulp of the normal range. */
#pragma OPENCL FP_CONTRACT OFF

#define LOWP_OPTIM_CHUNK 4096u
#define LOWP_OPTIM_LANES 256u
#define LOWP_OPTIM_RLANES 64u

typedef __global float *gfp;

/* State storage: fp32 by default; built with -DLOWP_OPTIM_STATE_BF16 the state
 * buffer holds bf16 (ushort) loaded exactly and stored with stochastic rounding
 * (Philox key seed, stream = rng | tensor << 2 | slot, counter = element index;
 * src/optim/optim_internal.h) with the shared lowp_oe_bf16_load/lowp_oe_bf16_store, so
 * bit-identical to the host's lowp_oe_load/lowp_oe_store (src/optim/optim_elem.h). */
#ifdef LOWP_OPTIM_STATE_BF16
typedef ushort state_t;
#define ST_LOAD(sp, j) lowp_oe_bf16_load((sp)[j])
#define ST_STORE(sp, j, x, seed, stream, i) ((sp)[j] = (ushort)lowp_oe_bf16_store(x, seed, stream, i))
#else
typedef float state_t;
#define ST_LOAD(sp, j) ((sp)[j])
#define ST_STORE(sp, j, x, seed, stream, i) ((sp)[j] = (x))
#endif
typedef __global state_t *gsp;

inline void lowp_oe_load(float *st, uint nread, ulong i, ulong n, gsp s)
{
    for (uint k = 0; k < nread; ++k) st[k] = ST_LOAD(s, k * n + i);
}

inline void lowp_oe_store(const float *st, uint nread, uint wmask, ulong i, ulong n, gsp s, ulong seed,
                          ulong sbase)
{
    for (uint k = 0; k < nread; ++k)
        if ((wmask >> k) & 1u) ST_STORE(s, k * n + i, st[k], seed, sbase | (ulong)k, i);
}

/* ---- multi-tensor elementwise kernels ---------------------------------------------
 * Arguments (all kernels, this order):
 *   0 __global const ulong *tab          4 per tensor
 *   1 __global const float *coef         16 per tensor
 *   2 __global const uint  *chunk_tensor n_chunks
 *   3 __global const ulong *chunk_first  n_chunks
 *   4 __global float *param
 *   5 __global float *grad               (written only by lowp_optim_scale_grad_mt)
 *   6 __global state_t *state            (any valid buffer when the optimizer has none)
 *   7 ulong seed                         hp.seed (bf16 state only)
 *   8 ulong rng                          (call << 32) | (purpose << 30) (bf16 state only)
 * The slots read / written come from lowp_oe_phase_slots() (optim_rules.cl), as on the host. */
#define LOWP_OPTIM_MT_KERNEL(NAME, FN, PHASE)                                             \
__kernel void NAME(__global const ulong *tab, __global const float *coef,                 \
                   __global const uint *chunk_tensor, __global const ulong *chunk_first,  \
                   __global float *param, __global float *grad, __global state_t *state,  \
                   ulong seed, ulong rng)                                                 \
{                                                                                         \
    size_t gid = get_global_id(0);                                                        \
    uint chunk = (uint)(gid / LOWP_OPTIM_LANES);                                          \
    uint lane = (uint)(gid % LOWP_OPTIM_LANES);                                           \
    uint k = chunk_tensor[chunk];                                                         \
    ulong n = tab[4 * k];                                                                 \
    gfp p = param + tab[4 * k + 1];                                                       \
    gfp g = grad + tab[4 * k + 2];                                                        \
    gsp s = state + tab[4 * k + 3];                                                       \
    float c[LOWP_OPTIM_NCOEF];                                                            \
    for (int q = 0; q < LOWP_OPTIM_NCOEF; ++q) c[q] = coef[LOWP_OPTIM_NCOEF * k + q];     \
    uint nread, wmask;                                                                    \
    lowp_oe_phase_slots(PHASE, c, &nread, &wmask);                                        \
    ulong sbase = rng | ((ulong)k << 2);                                                  \
    ulong first = chunk_first[chunk];                                                     \
    ulong end = min(first + (ulong)LOWP_OPTIM_CHUNK, n);                                  \
    for (ulong i = first + lane; i < end; i += LOWP_OPTIM_LANES) {                        \
        float st[3] = {0.0f, 0.0f, 0.0f};                                                 \
        lowp_oe_load(st, nread, i, n, s);                                                 \
        FN(c, i, n, p, g, st);                                                            \
        lowp_oe_store(st, nread, wmask, i, n, s, seed, sbase);                            \
    }                                                                                     \
}

LOWP_OPTIM_MT_KERNEL(lowp_optim_sgd_mt, lowp_oe_sgd, LOWP_OPH_SGD)
LOWP_OPTIM_MT_KERNEL(lowp_optim_adamw_mt, lowp_oe_adamw, LOWP_OPH_ADAMW)
LOWP_OPTIM_MT_KERNEL(lowp_optim_lion_mt, lowp_oe_lion, LOWP_OPH_LION)
LOWP_OPTIM_MT_KERNEL(lowp_optim_lamb_moments_mt, lowp_oe_lamb_moments, LOWP_OPH_LAMB_MOMENTS)
LOWP_OPTIM_MT_KERNEL(lowp_optim_lamb_apply_mt, lowp_oe_lamb_apply, LOWP_OPH_LAMB_APPLY)
LOWP_OPTIM_MT_KERNEL(lowp_optim_sophia_mt, lowp_oe_sophia, LOWP_OPH_SOPHIA)
LOWP_OPTIM_MT_KERNEL(lowp_optim_sophia_hess_mt, lowp_oe_sophia_hess, LOWP_OPH_SOPHIA_HESS)
LOWP_OPTIM_MT_KERNEL(lowp_optim_spam_mt, lowp_oe_spam, LOWP_OPH_SPAM)
LOWP_OPTIM_MT_KERNEL(lowp_optim_sspam_mt, lowp_oe_sspam, LOWP_OPH_SSPAM)
LOWP_OPTIM_MT_KERNEL(lowp_optim_scale_grad_mt, lowp_oe_scale_grad, LOWP_OPH_SCALE_GRAD)

/* ---- per-tensor reductions ---------------------------------------------------------
 * Same first 7 arguments as above, then
 *   7 __global float *partial            2 per chunk
 * Per-element contributions (a, b):
 *   grad_sumsq:     a = g^2
 *   grad_maxabs:    a = |g|                      (max, not sum)
 *   sspam_clipped:  a = clip(g)^2                (coef X0 = Mhat, X1 = gmax)
 *   lamb_norms:     a = theta^2, b = u^2         (u as in lamb_apply, coef of phase 2)
 *   nonfinite:      a = 1 if g is NaN/Inf      (exact count per chunk) */
#define R_SUM 0
#define R_MAX 1

#define LOWP_OPTIM_REDUCE_KERNEL(NAME, OP, BODY)                                          \
__kernel __attribute__((reqd_work_group_size(LOWP_OPTIM_RLANES, 1, 1)))                   \
void NAME(__global const ulong *tab, __global const float *coef,                          \
          __global const uint *chunk_tensor, __global const ulong *chunk_first,           \
          __global float *param, __global float *grad, __global state_t *state,           \
          __global float *partial)                                                        \
{                                                                                         \
    __local float la[LOWP_OPTIM_RLANES], lb[LOWP_OPTIM_RLANES];                           \
    uint chunk = (uint)get_group_id(0);                                                   \
    uint lane = (uint)get_local_id(0);                                                    \
    uint k = chunk_tensor[chunk];                                                         \
    ulong n = tab[4 * k];                                                                 \
    gfp p = param + tab[4 * k + 1];                                                       \
    gfp g = grad + tab[4 * k + 2];                                                        \
    gsp s = state + tab[4 * k + 3];                                                       \
    float c[LOWP_OPTIM_NCOEF];                                                            \
    for (int q = 0; q < LOWP_OPTIM_NCOEF; ++q) c[q] = coef[LOWP_OPTIM_NCOEF * k + q];     \
    ulong first = chunk_first[chunk];                                                     \
    ulong end = min(first + (ulong)LOWP_OPTIM_CHUNK, n);                                  \
    float a = 0.0f, b = 0.0f;                                                             \
    for (ulong i = first + lane; i < end; i += LOWP_OPTIM_RLANES) { BODY }                \
    la[lane] = a;                                                                         \
    lb[lane] = b;                                                                         \
    barrier(CLK_LOCAL_MEM_FENCE);                                                         \
    for (uint w = LOWP_OPTIM_RLANES / 2; w > 0; w >>= 1) {                                \
        if (lane < w) {                                                                   \
            if (OP == R_MAX) la[lane] = fmax(la[lane], la[lane + w]);                     \
            else { la[lane] = la[lane] + la[lane + w]; lb[lane] = lb[lane] + lb[lane + w]; } \
        }                                                                                 \
        barrier(CLK_LOCAL_MEM_FENCE);                                                     \
    }                                                                                     \
    if (lane == 0) {                                                                      \
        partial[2 * chunk] = la[0];                                                       \
        partial[2 * chunk + 1] = lb[0];                                                   \
    }                                                                                     \
}

LOWP_OPTIM_REDUCE_KERNEL(lowp_optim_reduce_grad_sumsq_mt, R_SUM, { float x = g[i]; a = a + x * x; })
LOWP_OPTIM_REDUCE_KERNEL(lowp_optim_reduce_grad_maxabs_mt, R_MAX, { a = fmax(a, fabs(g[i])); })
LOWP_OPTIM_REDUCE_KERNEL(lowp_optim_reduce_sspam_clipped_mt, R_SUM,
                         { float x = lowp_oe_sspam_clip(c, g[i]); a = a + x * x; })
LOWP_OPTIM_REDUCE_KERNEL(lowp_optim_reduce_lamb_norms_mt, R_SUM,
                         { float x = p[i]; float st[3]; lowp_oe_load(st, 2u, i, n, s);
                           float u = lowp_oe_lamb_u(c, i, n, p, st); a = a + x * x; b = b + u * u; })
LOWP_OPTIM_REDUCE_KERNEL(lowp_optim_reduce_nonfinite_mt, R_SUM,
                         { uint bits = as_uint(g[i]); if ((bits & 0x7f800000u) == 0x7f800000u) a = a + 1.0f; })

/* Adds each tensor's chunk partials in chunk order (max for op = 1).
 *   0 __global const float *partial      2 per chunk
 *   1 __global const uint *tensor_chunk0 n_tensors + 1 prefix offsets into the chunk list
 *   2 __global float *result             2 per tensor (zero-size tensors get 0, 0)
 *   3 uint op                            0 = sum, 1 = max
 *   4 uint n_tensors
 * Global size >= n_tensors (extra work-items return), any local size. */
__kernel void lowp_optim_reduce_finalize(__global const float *partial, __global const uint *tensor_chunk0,
                                         __global float *result, uint op, uint n_tensors)
{
    size_t k = get_global_id(0);
    if (k >= n_tensors) return;
    float a = 0.0f, b = 0.0f;
    for (uint q = tensor_chunk0[k]; q < tensor_chunk0[k + 1]; ++q) {
        if (op == R_MAX) a = fmax(a, partial[2 * q]);
        else { a = a + partial[2 * q]; b = b + partial[2 * q + 1]; }
    }
    result[2 * k] = a;
    result[2 * k + 1] = b;
}

/* ---- SinkGD (docs/optimizers.md section 2.3) on the device ----------------------------------
 * X = G; L times: rows to l2 norm sqrt(cols), then columns to l2 norm sqrt(rows); then
 * theta <- theta*decay - step*X. One work-item per row (resp. column) sums its squares
 * sequentially in float in index order, so the result does not depend on the work-group
 * size; the CPU sums in double (tolerance in docs/optimizers.md section 8). Global size >= rows
 * (resp. cols, n), any local size; extra work-items return.
 *   rows:  (const float *src, ulong src_off, float *x, ulong rows, ulong cols, float target, float eps)
 *          x may be src (in place, src_off 0): each work-item reads and writes only its row.
 *   cols:  (float *x, ulong rows, ulong cols, float target, float eps)
 *   apply: (float *param, ulong p_off, const float *x, ulong x_off, ulong n, float decay, float step) */
__kernel void lowp_optim_sinkgd_rows(__global const float *src, ulong src_off, __global float *x, ulong rows,
                                     ulong cols, float target, float eps)
{
    ulong i = get_global_id(0);
    if (i >= rows) return;
    __global const float *s = src + src_off + i * cols;
    __global float *y = x + i * cols;
    float acc = 0.0f;
    for (ulong j = 0; j < cols; ++j) acc = acc + s[j] * s[j];
    float nr = sqrt(acc);
    float f = target / (nr > eps ? nr : eps);
    for (ulong j = 0; j < cols; ++j) y[j] = s[j] * f;
}

__kernel void lowp_optim_sinkgd_cols(__global float *x, ulong rows, ulong cols, float target, float eps)
{
    ulong j = get_global_id(0);
    if (j >= cols) return;
    float acc = 0.0f;
    for (ulong i = 0; i < rows; ++i) acc = acc + x[i * cols + j] * x[i * cols + j];
    float nc = sqrt(acc);
    float f = target / (nc > eps ? nc : eps);
    for (ulong i = 0; i < rows; ++i) x[i * cols + j] = x[i * cols + j] * f;
}

__kernel void lowp_optim_sinkgd_apply(__global float *param, ulong p_off, __global const float *x, ulong x_off,
                                      ulong n, float decay, float step)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    param[p_off + i] = param[p_off + i] * decay - step * x[x_off + i];
}

/* ---- SWAN (docs/optimizers.md section 2.3) on the device ------------------------------------
 * The host code (src/optim/optim_matrix.c) in float, one tensor at a time, with no read-back:
 * every scalar the host code branches on (|A|_F, the rescale factor) stays in the workspace
 * and the kernels that need it read it there. Every sum has ONE owner and a fixed order:
 * the 1-D kernels give each row/output to one work-item that sums sequentially in index
 * order (any local size; global >= the item count, extra work-items return), and each output
 * of the tiled GEMM is one work-item's float sum in k order. So the bits do not depend on the
 * work-group size or the tiling.
 *
 * All matrices except param and grad live in one workspace buffer w at element offsets the
 * host chooses (backends/opencl/cl_optim_swan.c): G~ (rows x cols), dW (rows x cols), the
 * m x m Newton-Schulz matrices, row partials and 4 scalars
 *   s[0] = |A|_F, s[1] = 1/sqrt(|A|_F) (0 when |A|_F == 0), s[2] = rescale factor.
 *
 *   gradnorm: (const float *g, ulong g_off, float *w, ulong gt_off, ulong rows, ulong cols, float eps)
 *             one work-item per row: G~ = (g - mean)/(std + eps), population std.
 *   gemm_rb1, gemm_rb4: (float *w, ulong a_off, ulong a_si, ulong a_sk, ulong b_off, ulong b_sk,
 *              ulong b_sj, ulong c_off, ulong m, ulong n, ulong kdim, float alpha, float diag,
 *              ulong s_idx, uint use_s)
 *             C(i,j) = (i == j ? diag : 0) + f * sum_k A(i,k) B(k,j) with
 *             A(i,k) = w[a_off + i*a_si + k*a_sk], B(k,j) = w[b_off + k*b_sk + j*b_sj],
 *             C row-major with n columns, f = alpha * w[s_idx] if use_s else alpha.
 *             Strides let one kernel form G~G~^T, G~^T G~, the square products and dW.
 *             Tiled, 2-D (dim 0 along columns); launch shape below.
 *   rowsumsq: (float *w, ulong x_off, ulong rows, ulong cols, ulong out_off) row sums of squares.
 *   scalars:  (float *w, ulong p_off, ulong rows, ulong s_off, uint mode) one work-item:
 *             mode 0 sums rows partials in order -> s[0], s[1]; mode 1 sums rows partials of
 *             |G~|^2 at p_off and of |dW|^2 at p_off + rows -> s[2] = sqrt(ng)/sqrt(nd) (1 if nd == 0).
 *   ns_init:  (float *w, ulong y_off, ulong z_off, ulong m, ulong s_off) Y <- A/|A|_F, Z <- I.
 *   apply:    (float *param, ulong p_off, const float *w, ulong dw_off, ulong n, float decay, float lr,
 *              ulong s_off, uint rescale) theta <- theta*decay - step*dW with step = lr*s[2] (or lr);
 *             |A|_F == 0 (zero or constant-row gradient) gives theta*decay, as on the host. */
__kernel void lowp_optim_swan_gradnorm(__global const float *g, ulong g_off, __global float *w, ulong gt_off,
                                       ulong rows, ulong cols, float eps)
{
    ulong i = get_global_id(0);
    if (i >= rows) return;
    __global const float *x = g + g_off + i * cols;
    __global float *y = w + gt_off + i * cols;
    float mean = 0.0f, var = 0.0f;
    for (ulong j = 0; j < cols; ++j) mean = mean + x[j];
    mean = mean / (float)cols;
    for (ulong j = 0; j < cols; ++j) {
        float d = x[j] - mean;
        var = var + d * d;
    }
    float sd = sqrt(var / (float)cols) + eps;
    for (ulong j = 0; j < cols; ++j) y[j] = (x[j] - mean) / sd;
}

/* The SWAN GEMM. A work-group of lx x ly work-items (any shape up to LOWP_SWAN_LMAX in each
 * dimension, chosen by the host) owns a (ly*RB) x (lx*RB) block of C, global size =
 * (ceil(n / (lx*RB)) * lx, ceil(m / (ly*RB)) * ly); work-item (tx, ty) owns the RB x RB
 * outputs at rows ty + r*ly and columns tx + c*lx, so neighbouring work-items write
 * neighbouring columns. K is walked in slabs of LOWP_SWAN_TK: the work-group stages the A and
 * B slabs in local memory (zeros outside the matrices, which are never added: the inner loop
 * stops at the last real k of the slab), then each work-item adds the slab's products to its
 * accumulators. Every output is thus one float sum acc = acc + A(i,k)*B(k,j) over
 * k = 0, 1, ..., K-1 and the same epilogue as a one-output-per-work-item loop: the same bits
 * for any m, n, K, RB and work-group shape. Work-items outside C still stage and meet the
 * barriers; only their stores are skipped. */
#define LOWP_SWAN_TK 16u
#define LOWP_SWAN_LMAX 16u

/* Stage the A slab (tm rows x TK) as at[k][row] and the B slab (TK x tn) as bt[k][col]. The
 * loads walk an operand along its unit stride when it has one, so consecutive work-items read
 * consecutive addresses (G~ is read along rows or down columns depending on the product). */
#define LOWP_SWAN_STAGE                                                                            \
    for (uint q = tid; q < tm * LOWP_SWAN_TK; q += nthr) {                                        \
        const uint r = a_kfast ? q / LOWP_SWAN_TK : q % tm;                                        \
        const uint kk = a_kfast ? q % LOWP_SWAN_TK : q / tm;                                       \
        const ulong i = i0 + r;                                                                    \
        at[kk][r] = i < m && kk < kn ? w[a_off + i * a_si + (k0 + kk) * a_sk] : 0.0f;              \
    }                                                                                              \
    for (uint q = tid; q < tn * LOWP_SWAN_TK; q += nthr) {                                        \
        const uint c = b_kfast ? q / LOWP_SWAN_TK : q % tn;                                        \
        const uint kk = b_kfast ? q % LOWP_SWAN_TK : q / tn;                                       \
        const ulong j = j0 + c;                                                                    \
        bt[kk][c] = j < n && kk < kn ? w[b_off + (k0 + kk) * b_sk + j * b_sj] : 0.0f;              \
    }

/* One kernel per register block RB: 4 (fewer work-items and barriers per output: CPU drivers,
 * large products on GPUs) and 1 (more work-groups for small matrices on GPUs). The local rows
 * have one float of padding so the staging stores of a slab do not all fall in one bank. */
#define LOWP_SWAN_GEMM_TILED(NAME, RB)                                                             \
    __kernel void NAME(__global float *w, ulong a_off, ulong a_si, ulong a_sk, ulong b_off,        \
                       ulong b_sk, ulong b_sj, ulong c_off, ulong m, ulong n, ulong kdim,          \
                       float alpha, float diag, ulong s_idx, uint use_s)                           \
    {                                                                                              \
        __local float at[LOWP_SWAN_TK][LOWP_SWAN_LMAX * (RB) + 1];                                 \
        __local float bt[LOWP_SWAN_TK][LOWP_SWAN_LMAX * (RB) + 1];                                 \
        const uint lx = (uint)get_local_size(0), ly = (uint)get_local_size(1);                     \
        const uint tx = (uint)get_local_id(0), ty = (uint)get_local_id(1);                         \
        const uint tid = ty * lx + tx, nthr = lx * ly, tm = ly * (RB), tn = lx * (RB);             \
        const ulong i0 = (ulong)get_group_id(1) * tm, j0 = (ulong)get_group_id(0) * tn;            \
        const int a_kfast = a_sk == 1 && a_si != 1, b_kfast = b_sk == 1 && b_sj != 1;              \
        float acc[RB][RB];                                                                         \
        for (uint r = 0; r < (RB); ++r)                                                            \
            for (uint c = 0; c < (RB); ++c) acc[r][c] = 0.0f;                                      \
        for (ulong k0 = 0; k0 < kdim; k0 += LOWP_SWAN_TK) {                                        \
            const uint kn = kdim - k0 < LOWP_SWAN_TK ? (uint)(kdim - k0) : LOWP_SWAN_TK;           \
            LOWP_SWAN_STAGE                                                                        \
            barrier(CLK_LOCAL_MEM_FENCE);                                                          \
            for (uint kk = 0; kk < kn; ++kk) {                                                     \
                float av[RB], bv[RB];                                                              \
                for (uint r = 0; r < (RB); ++r) av[r] = at[kk][ty + r * ly];                       \
                for (uint c = 0; c < (RB); ++c) bv[c] = bt[kk][tx + c * lx];                       \
                for (uint r = 0; r < (RB); ++r)                                                    \
                    for (uint c = 0; c < (RB); ++c) acc[r][c] = acc[r][c] + av[r] * bv[c];         \
            }                                                                                      \
            barrier(CLK_LOCAL_MEM_FENCE);                                                          \
        }                                                                                          \
        const float f = use_s ? alpha * w[s_idx] : alpha;                                          \
        for (uint r = 0; r < (RB); ++r) {                                                          \
            const ulong i = i0 + ty + r * ly;                                                      \
            for (uint c = 0; c < (RB); ++c) {                                                      \
                const ulong j = j0 + tx + c * lx;                                                  \
                if (i < m && j < n) w[c_off + i * n + j] = (i == j ? diag : 0.0f) + f * acc[r][c]; \
            }                                                                                      \
        }                                                                                          \
    }

LOWP_SWAN_GEMM_TILED(lowp_optim_swan_gemm_rb1, 1)
LOWP_SWAN_GEMM_TILED(lowp_optim_swan_gemm_rb4, 4)

__kernel void lowp_optim_swan_rowsumsq(__global float *w, ulong x_off, ulong rows, ulong cols, ulong out_off)
{
    ulong i = get_global_id(0);
    if (i >= rows) return;
    __global const float *x = w + x_off + i * cols;
    float acc = 0.0f;
    for (ulong j = 0; j < cols; ++j) acc = acc + x[j] * x[j];
    w[out_off + i] = acc;
}

__kernel void lowp_optim_swan_scalars(__global float *w, ulong p_off, ulong rows, ulong s_off, uint mode)
{
    if (get_global_id(0) != 0) return;
    float a = 0.0f, b = 0.0f;
    for (ulong i = 0; i < rows; ++i) a = a + w[p_off + i];
    if (mode == 0u) {
        float fro = sqrt(a);
        w[s_off] = fro;
        w[s_off + 1] = fro == 0.0f ? 0.0f : 1.0f / sqrt(fro);
    } else {
        for (ulong i = 0; i < rows; ++i) b = b + w[p_off + rows + i];
        w[s_off + 2] = b > 0.0f ? sqrt(a) / sqrt(b) : 1.0f;
    }
}

__kernel void lowp_optim_swan_ns_init(__global float *w, ulong y_off, ulong z_off, ulong m, ulong s_off)
{
    ulong q = get_global_id(0);
    if (q >= m * m) return;
    float fro = w[s_off];
    /* fro == 0: Y = 0 keeps the (unused) iterations finite; NaN flows as on the host. */
    w[y_off + q] = fro == 0.0f ? 0.0f : w[y_off + q] / fro;
    w[z_off + q] = q / m == q % m ? 1.0f : 0.0f;
}

__kernel void lowp_optim_swan_apply(__global float *param, ulong p_off, __global const float *w, ulong dw_off,
                                    ulong n, float decay, float lr, ulong s_off, uint rescale)
{
    ulong i = get_global_id(0);
    if (i >= n) return;
    float d = w[s_off] == 0.0f ? 0.0f : w[dw_off + i];
    float step = rescale ? lr * w[s_off + 2] : lr;
    param[p_off + i] = param[p_off + i] * decay - step * d;
}
