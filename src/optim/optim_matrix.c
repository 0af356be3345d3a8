/* optim_matrix.c — SWAN and SinkGD, the stateless matrix-wise optimizers.
 * Host code in double precision (the reference for both CPU paths; OpenCL
 * runs the same steps as fp32 kernels, backends/opencl/cl_optim_swan.c and
 * cl_optim.c's SinkGD, against this code's results). Row-major tensors:
 * element (i, j) of tensor t is at i*cols + j. A 1-D tensor is 1 x n. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "optim/optim_internal.h"

/* c = a*b for n x n matrices (row-major, double). */
static void matmul_sq(double *c, const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) {
            double acc = 0.0;
            for (size_t k = 0; k < n; ++k) acc += a[i * n + k] * b[k * n + j];
            c[i * n + j] = acc;
        }
}

static void apply_update(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                         float *param, const double *dw, double scale)
{
    double wd = (t->flags & LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY) ? 0.0 : (double)hp->weight_decay;
    double decay = 1.0 - (double)hp->lr * wd;
    double step = (double)hp->lr * scale;
    for (uint64_t i = 0; i < t->numel; ++i)
        param[i] = (float)((double)param[i] * decay - step * dw[i]);
}

lowp_status lowp_optim_swan_tensor(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                                   float *param, const float *grad)
{
    const size_t R = (size_t)t->rows, C = (size_t)t->cols, N = (size_t)t->numel;
    const int by_rows = R <= C;               /* whiten the smaller Gram matrix */
    const size_t m = by_rows ? R : C;
    double *gt = malloc(sizeof(double) * (2 * N + 4 * m * m));
    if (gt == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "SWAN: cannot allocate %zu bytes of workspace",
                          sizeof(double) * (2 * N + 4 * m * m));
    double *dw = gt + N, *Y = dw + N, *Z = Y + m * m, *T = Z + m * m, *W = T + m * m;

    /* GradNorm: standardize each row over its columns (population std). */
    for (size_t i = 0; i < R; ++i) {
        double mean = 0.0, var = 0.0;
        for (size_t j = 0; j < C; ++j) mean += (double)grad[i * C + j];
        mean /= (double)C;
        for (size_t j = 0; j < C; ++j) {
            double dv = (double)grad[i * C + j] - mean;
            var += dv * dv;
        }
        double sd = sqrt(var / (double)C) + (double)hp->eps;
        for (size_t j = 0; j < C; ++j) gt[i * C + j] = ((double)grad[i * C + j] - mean) / sd;
    }

    /* A = G~ G~^T (rows) or G~^T G~ (columns), m x m. */
    double fro = 0.0;
    for (size_t a = 0; a < m; ++a)
        for (size_t b = 0; b < m; ++b) {
            double acc = 0.0;
            if (by_rows) for (size_t j = 0; j < C; ++j) acc += gt[a * C + j] * gt[b * C + j];
            else         for (size_t i = 0; i < R; ++i) acc += gt[i * C + a] * gt[i * C + b];
            Y[a * m + b] = acc;
            fro += acc * acc;
        }
    fro = sqrt(fro);
    if (fro == 0.0) {               /* zero (or constant-row) gradient: no update but decay */
        memset(dw, 0, sizeof(double) * N);
        apply_update(hp, t, param, dw, 0.0);
        free(gt);
        return LOWP_OK;
    }
    /* Coupled Newton-Schulz: Y0 = A/|A|_F, Z0 = I; T = 3I - Z Y;
     * Y <- beta*Y T; Z <- beta*T Z. Z -> (A/|A|_F)^(-1/2) for beta = 1/2. */
    const double beta = (double)hp->swan_ns_beta;
    for (size_t q = 0; q < m * m; ++q) Y[q] /= fro;
    for (size_t a = 0; a < m; ++a)
        for (size_t b = 0; b < m; ++b) Z[a * m + b] = a == b ? 1.0 : 0.0;
    for (uint32_t it = 0; it < hp->swan_ns_steps; ++it) {
        matmul_sq(W, Z, Y, m);
        for (size_t a = 0; a < m; ++a)
            for (size_t b = 0; b < m; ++b) T[a * m + b] = (a == b ? 3.0 : 0.0) - W[a * m + b];
        matmul_sq(W, Y, T, m);
        for (size_t q = 0; q < m * m; ++q) Y[q] = beta * W[q];
        matmul_sq(W, T, Z, m);
        for (size_t q = 0; q < m * m; ++q) Z[q] = beta * W[q];
    }
    const double isf = 1.0 / sqrt(fro);
    /* dW = (Z/sqrt|A|) G~ (rows) or G~ (Z/sqrt|A|) (columns). */
    for (size_t i = 0; i < R; ++i)
        for (size_t j = 0; j < C; ++j) {
            double acc = 0.0;
            if (by_rows) for (size_t k = 0; k < m; ++k) acc += Z[i * m + k] * gt[k * C + j];
            else         for (size_t k = 0; k < m; ++k) acc += gt[i * C + k] * Z[k * m + j];
            dw[i * C + j] = acc * isf;
        }
    double scale = 1.0;
    if (!(hp->flags & LOWP_OPTIM_FLAG_SWAN_NO_RESCALE)) {
        double ng = 0.0, nd = 0.0;
        for (size_t q = 0; q < N; ++q) { ng += gt[q] * gt[q]; nd += dw[q] * dw[q]; }
        if (nd > 0.0) scale = sqrt(ng) / sqrt(nd);
    }
    apply_update(hp, t, param, dw, scale);
    free(gt);
    return LOWP_OK;
}

lowp_status lowp_optim_sinkgd_tensor(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                                     float *param, const float *grad)
{
    const size_t R = (size_t)t->rows, C = (size_t)t->cols, N = (size_t)t->numel;
    double *x = malloc(sizeof(double) * N);
    if (x == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "SinkGD: cannot allocate %zu bytes of workspace", sizeof(double) * N);
    for (size_t q = 0; q < N; ++q) x[q] = (double)grad[q];
    const double eps = (double)hp->eps, sn = sqrt((double)C), sm = sqrt((double)R);
    for (uint32_t it = 0; it < hp->sinkgd_iters; ++it) {
        /* rows to l2 norm sqrt(cols) */
        for (size_t i = 0; i < R; ++i) {
            double acc = 0.0;
            for (size_t j = 0; j < C; ++j) acc += x[i * C + j] * x[i * C + j];
            double nr = sqrt(acc);
            double f = sn / (nr > eps ? nr : eps);
            for (size_t j = 0; j < C; ++j) x[i * C + j] *= f;
        }
        /* columns to l2 norm sqrt(rows) */
        for (size_t j = 0; j < C; ++j) {
            double acc = 0.0;
            for (size_t i = 0; i < R; ++i) acc += x[i * C + j] * x[i * C + j];
            double nc = sqrt(acc);
            double f = sm / (nc > eps ? nc : eps);
            for (size_t i = 0; i < R; ++i) x[i * C + j] *= f;
        }
    }
    apply_update(hp, t, param, x, (double)hp->sinkgd_lr_scale);
    free(x);
    return LOWP_OK;
}
