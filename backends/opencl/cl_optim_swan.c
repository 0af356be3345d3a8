/* cl_optim_swan.c — SWAN on one tensor with the device kernels of
 * kernels/optim.cl (lowp_optim_swan_*): GradNorm, the Gram matrix of the
 * smaller side, its Frobenius norm, coupled Newton-Schulz, dW, the rescale
 * and the decoupled-decay update, all queued without a read-back. The host
 * only chooses workspace offsets and launch sizes; every data-dependent
 * scalar (|A|_F, 1/sqrt|A|_F, the rescale factor) is computed and consumed
 * on the device. The driver (src/optim/optim_step.c) has already applied
 * the NaN/Inf policy and advances the counters.
 *
 * Workspace layout (floats, lowp_optim_swan_workspace_floats): G~ [N], dW [N],
 * four m x m matrices (Y, Z, T and a spare the products write into before
 * the roles swap), 2*rows row partials, 4 scalars. */
#include "cl_optim_swan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cl_impl.h"
#include "cl_optim.h"
#include "optim/optim_internal.h"

/* One GEMM launch: C (m x n, at c_off) = diag*I + f * A B. */
struct swan_gemm {
    cl_ulong a_off, a_si, a_sk, b_off, b_sk, b_sj, c_off, m, n, kdim;
    cl_float alpha, diag;
    cl_uint use_s; /* f = alpha * w[s_idx] */
};

static lowp_status set_gemm_args(cl_kernel k, cl_mem w, const struct swan_gemm *g, cl_ulong s_idx)
{
    LOWP_CL_ARG(k, 0, w);
    LOWP_CL_ARG(k, 1, g->a_off);
    LOWP_CL_ARG(k, 2, g->a_si);
    LOWP_CL_ARG(k, 3, g->a_sk);
    LOWP_CL_ARG(k, 4, g->b_off);
    LOWP_CL_ARG(k, 5, g->b_sk);
    LOWP_CL_ARG(k, 6, g->b_sj);
    LOWP_CL_ARG(k, 7, g->c_off);
    LOWP_CL_ARG(k, 8, g->m);
    LOWP_CL_ARG(k, 9, g->n);
    LOWP_CL_ARG(k, 10, g->kdim);
    LOWP_CL_ARG(k, 11, g->alpha);
    LOWP_CL_ARG(k, 12, g->diag);
    LOWP_CL_ARG(k, 13, s_idx);
    LOWP_CL_ARG(k, 14, g->use_s);
    return LOWP_OK;
}

/* Register block of the tiled kernel (lowp_optim_swan_gemm_rb1 / _rb4).
 * CPU drivers pay per work-item and per barrier, so 4 x 4 outputs per
 * work-item is the faster choice there at every size SWAN meets (measured
 * on PoCL and rusticl, docs/benchmarks.md). A GPU wants many work-groups:
 * 4 x 4 only when the 64 x 64 blocks still cover every compute unit, else
 * 1 (small Gram and Newton-Schulz matrices). $LOWP_OPENCL_SWAN_BLOCK (1 or
 * 4) forces one, for the tests; the bits are the same either way. */
static size_t pick_block(const struct lowp_context *ctx, cl_ulong m, cl_ulong n)
{
    const char *force = getenv("LOWP_OPENCL_SWAN_BLOCK");
    if (force != NULL && (strcmp(force, "1") == 0 || strcmp(force, "4") == 0))
        return force[0] == '1' ? 1 : 4;
    if (ctx->device.info.kind == LOWP_DEVICE_KIND_CPU)
        return 4;
    cl_ulong blocks = ((m + 63) / 64) * ((n + 63) / 64);
    return blocks >= ctx->device.info.compute_units ? 4 : 1;
}

/* Work-group shape lx x ly (powers of two, at most SWAN_LMAX each) for the
 * `items` work-items allowed: as square as possible, then halved along a
 * side the output does not fill (a 32-column product with 4 x 4 blocks needs
 * 8 work-items across, not 16). */
#define SWAN_LMAX 16 /* LOWP_SWAN_LMAX in kernels/optim.cl */
static void tile_shape(size_t items, size_t rb, cl_ulong m, cl_ulong n, size_t *lx, size_t *ly)
{
    size_t x = 1;
    while (x * x < items && x < SWAN_LMAX)
        x *= 2;
    size_t y = items / x;
    if (y > SWAN_LMAX)
        y = SWAN_LMAX;
    while (x > 1 && (x / 2) * rb >= n)
        x /= 2;
    while (y > 1 && (y / 2) * rb >= m)
        y /= 2;
    *lx = x;
    *ly = y;
}

/* C (m x n at c_off) = diag*I + f * A B with the tiled kernel; the work-group
 * holds lx x ly work-items (256 by default, or $LOWP_OPENCL_WG_SIZE), each
 * owning rb x rb outputs. */
static lowp_status gemm(struct lowp_context *ctx, const char *options, cl_mem w, const struct swan_gemm *g,
                        cl_ulong s_idx)
{
    const size_t rb = pick_block(ctx, g->m, g->n);
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "optim", options, rb == 1 ? "lowp_optim_swan_gemm_rb1" : "lowp_optim_swan_gemm_rb4",
                                &k));
    LOWP_TRY(set_gemm_args(k, w, g, s_idx));
    size_t lx, ly;
    tile_shape(lowp_cl_local_size(ctx, k, 256, 256), rb, g->m, g->n, &lx, &ly);
    const size_t tm = ly * rb, tn = lx * rb;
    size_t local[2] = {lx, ly};
    size_t global[2] = {(size_t)((g->n + tn - 1) / tn) * lx, (size_t)((g->m + tm - 1) / tm) * ly};
    return lowp_cl_launch(ctx, k, 2, global, local);
}

/* C = alpha * X Y (+ diag*I) for m x m matrices at element offsets. */
static lowp_status gemm_sq(struct lowp_context *ctx, const char *options, cl_mem w, cl_ulong m, cl_ulong x, cl_ulong y,
                           cl_ulong c, float alpha, float diag)
{
    const struct swan_gemm g = {x, m, 1, y, m, 1, c, m, m, m, alpha, diag, 0};
    return gemm(ctx, options, w, &g, 0);
}

/* Row sums of squares of a rows x cols matrix at x into w[out..out+rows). */
static lowp_status rowsumsq(struct lowp_context *ctx, cl_kernel k, cl_mem w, cl_ulong x, cl_ulong rows, cl_ulong cols,
                            cl_ulong out)
{
    LOWP_CL_ARG(k, 0, w);
    LOWP_CL_ARG(k, 1, x);
    LOWP_CL_ARG(k, 2, rows);
    LOWP_CL_ARG(k, 3, cols);
    LOWP_CL_ARG(k, 4, out);
    return lowp_cl_optim_launch_1d(ctx, k, rows);
}

/* One work-item turns row partials into the scalars (mode 0: |A|_F, mode 1: rescale). */
static lowp_status scalars(struct lowp_context *ctx, cl_kernel k, cl_mem w, cl_ulong part, cl_ulong rows,
                           cl_ulong sc, cl_uint mode)
{
    LOWP_CL_ARG(k, 0, w);
    LOWP_CL_ARG(k, 1, part);
    LOWP_CL_ARG(k, 2, rows);
    LOWP_CL_ARG(k, 3, sc);
    LOWP_CL_ARG(k, 4, mode);
    return lowp_cl_optim_launch_1d(ctx, k, 1);
}

lowp_status lowp_cl_optim_swan_tensor(struct lowp_context *ctx, const char *options,
                                      const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                                      cl_mem param, cl_mem grad, cl_mem w)
{
    cl_kernel kn, kr, ks, ki, ka;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "optim", options, "lowp_optim_swan_gradnorm", &kn));
    LOWP_TRY(lowp_cl_kernel_get(ctx, "optim", options, "lowp_optim_swan_rowsumsq", &kr));
    LOWP_TRY(lowp_cl_kernel_get(ctx, "optim", options, "lowp_optim_swan_scalars", &ks));
    LOWP_TRY(lowp_cl_kernel_get(ctx, "optim", options, "lowp_optim_swan_ns_init", &ki));
    LOWP_TRY(lowp_cl_kernel_get(ctx, "optim", options, "lowp_optim_swan_apply", &ka));
    const cl_ulong R = t->rows, C = t->cols, N = t->numel;
    const int by_rows = R <= C; /* whiten the smaller Gram matrix, as the host code does */
    const cl_ulong m = by_rows ? R : C, mm = m * m;
    const cl_ulong gt = 0, dw = N, part = 2 * N + 4 * mm, sc = part + 2 * R;
    cl_ulong Y = 2 * N, Z = Y + mm, T = Z + mm, S = T + mm;
    const cl_ulong goff = t->grad_offset, poff = t->param_offset;

    /* 1. GradNorm, one work-item per row. */
    cl_float eps = hp->eps;
    LOWP_CL_ARG(kn, 0, grad);
    LOWP_CL_ARG(kn, 1, goff);
    LOWP_CL_ARG(kn, 2, w);
    LOWP_CL_ARG(kn, 3, gt);
    LOWP_CL_ARG(kn, 4, R);
    LOWP_CL_ARG(kn, 5, C);
    LOWP_CL_ARG(kn, 6, eps);
    LOWP_TRY(lowp_cl_optim_launch_1d(ctx, kn, R));

    /* 2. A = G~ G~^T (rows <= cols) or G~^T G~, then |A|_F from row partials. */
    const struct swan_gemm gram = by_rows ? (struct swan_gemm){gt, C, 1, gt, 1, C, Y, m, m, C, 1.0f, 0.0f, 0}
                                          : (struct swan_gemm){gt, 1, C, gt, C, 1, Y, m, m, R, 1.0f, 0.0f, 0};
    LOWP_TRY(gemm(ctx, options, w, &gram, 0));
    LOWP_TRY(rowsumsq(ctx, kr, w, Y, m, m, part));
    LOWP_TRY(scalars(ctx, ks, w, part, m, sc, 0));

    /* 3. Coupled Newton-Schulz: Y0 = A/|A|_F, Z0 = I; T = 3I - ZY, Y <- beta*YT,
     * Z <- beta*TZ. Products go to the spare matrix, which then takes the role. */
    LOWP_CL_ARG(ki, 0, w);
    LOWP_CL_ARG(ki, 1, Y);
    LOWP_CL_ARG(ki, 2, Z);
    LOWP_CL_ARG(ki, 3, m);
    LOWP_CL_ARG(ki, 4, sc);
    LOWP_TRY(lowp_cl_optim_launch_1d(ctx, ki, mm));
    const float beta = hp->swan_ns_beta;
    for (uint32_t it = 0; it < hp->swan_ns_steps; ++it) {
        LOWP_TRY(gemm_sq(ctx, options, w, m, Z, Y, T, -1.0f, 3.0f));
        LOWP_TRY(gemm_sq(ctx, options, w, m, Y, T, S, beta, 0.0f));
        cl_ulong tmp = Y;
        Y = S;
        S = tmp;
        LOWP_TRY(gemm_sq(ctx, options, w, m, T, Z, S, beta, 0.0f));
        tmp = Z;
        Z = S;
        S = tmp;
    }

    /* 4. dW = (Z/sqrt|A|_F) G~ (rows) or G~ (Z/sqrt|A|_F) (columns); the factor
     * is s[1], read by the kernel. */
    const struct swan_gemm dwg = by_rows ? (struct swan_gemm){Z, m, 1, gt, C, 1, dw, R, C, m, 1.0f, 0.0f, 1}
                                         : (struct swan_gemm){gt, C, 1, Z, m, 1, dw, R, C, m, 1.0f, 0.0f, 1};
    LOWP_TRY(gemm(ctx, options, w, &dwg, sc + 1));

    /* 5. Rescale to |G~|_F / |dW|_F: row partials of both, summed in row order. */
    const cl_uint rescale = (hp->flags & LOWP_OPTIM_FLAG_SWAN_NO_RESCALE) ? 0u : 1u;
    if (rescale) {
        LOWP_TRY(rowsumsq(ctx, kr, w, gt, R, C, part));
        LOWP_TRY(rowsumsq(ctx, kr, w, dw, R, C, part + R));
        LOWP_TRY(scalars(ctx, ks, w, part, R, sc, 1));
    }

    /* 6. theta <- theta*(1 - lr*wd) - lr*scale*dW (decay factor rounded once from double). */
    double wd = (t->flags & LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY) ? 0.0 : (double)hp->weight_decay;
    cl_float decay = (cl_float)(1.0 - (double)hp->lr * wd), lr = hp->lr;
    LOWP_CL_ARG(ka, 0, param);
    LOWP_CL_ARG(ka, 1, poff);
    LOWP_CL_ARG(ka, 2, w);
    LOWP_CL_ARG(ka, 3, dw);
    LOWP_CL_ARG(ka, 4, N);
    LOWP_CL_ARG(ka, 5, decay);
    LOWP_CL_ARG(ka, 6, lr);
    LOWP_CL_ARG(ka, 7, sc);
    LOWP_CL_ARG(ka, 8, rescale);
    return lowp_cl_optim_launch_1d(ctx, ka, N);
}
