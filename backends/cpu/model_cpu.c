/* model_cpu.c — fast CPU layer ops (see model_cpu.h). */
#include "model_cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ref/model_ref.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Split [0, n) into chunks of at least `grain` items, one OpenMP task each.
 * Each chunk calls the reference on its own range: same bits, any thread count. */
#define CHUNKED(n, grain, call_range)                                                   \
    do {                                                                                \
        size_t n_ = (n), g_ = (grain) > 0 ? (grain) : 1;                                \
        long chunks_ = (long)((n_ + g_ - 1) / g_);                                      \
        _Pragma("omp parallel for schedule(dynamic, 1) if (chunks_ > 1)")               \
        for (long ch_ = 0; ch_ < chunks_; ++ch_) {                                      \
            size_t lo = (size_t)ch_ * g_, hi = lo + g_ < n_ ? lo + g_ : n_;             \
            call_range;                                                                 \
        }                                                                               \
    } while (0)

/* Rows per chunk so that a chunk holds ~16k elements. */
static size_t grain_rows(size_t width) { return width >= 16384 ? 1 : 16384 / (width ? width : 1); }

void lowp_cpu_embed_forward(const struct lowp_embed_desc *d, const int32_t *tok, const float *wte, const float *wpe,
                            float *out)
{
    CHUNKED(d->rows, grain_rows(d->dim), lowp_ref_embed_forward_rows(d, tok, wte, wpe, out, lo, hi));
}

void lowp_cpu_embed_backward(const struct lowp_embed_desc *d, const int32_t *tok, const float *dout, float *dwte,
                             float *dwpe)
{
    CHUNKED(d->dim, 8, lowp_ref_embed_backward_cols(d, tok, dout, dwte, dwpe, lo, hi));
}

void lowp_cpu_norm_forward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *b, float *y,
                           float *mean, float *rstd)
{
    CHUNKED(d->rows, grain_rows(d->dim), lowp_ref_norm_forward_rows(d, x, g, b, y, mean, rstd, lo, hi));
}

void lowp_cpu_norm_backward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *mean,
                            const float *rstd, const float *dy, float *dx, float *dg, float *db)
{
    CHUNKED(d->rows, grain_rows(d->dim), lowp_ref_norm_backward_dx_rows(d, x, g, mean, rstd, dy, dx, lo, hi));
    CHUNKED(d->dim, 8, lowp_ref_norm_backward_dg_cols(d, x, mean, rstd, dy, dg, db, lo, hi));
}

void lowp_cpu_rope(const struct lowp_rope_desc *d, const float *table, float *x)
{
    CHUNKED(d->rows, grain_rows(d->heads * d->head_dim), lowp_ref_rope_rows(d, table, x, lo, hi));
}

lowp_status lowp_cpu_attention_forward(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse)
{
    lowp_status s = LOWP_OK;
    CHUNKED(d->batch * d->heads, 1, {
        lowp_status si = lowp_ref_attention_forward_bh(d, qkv, out, lse, lo, hi);
        if (si != LOWP_OK)
            s = si;
    });
    return s;
}

lowp_status lowp_cpu_attention_backward(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                        const float *lse, const float *dout, float *dqkv, float *delta)
{
    lowp_status s = LOWP_OK;
    CHUNKED(d->batch * d->heads, 1, {
        lowp_status si = lowp_ref_attention_backward_bh(d, qkv, out, lse, dout, dqkv, delta, lo, hi);
        if (si != LOWP_OK)
            s = si;
    });
    return s;
}

void lowp_cpu_act_forward(const struct lowp_act_desc *d, const float *in, float *out)
{
    CHUNKED(d->rows, grain_rows(d->hidden), lowp_ref_act_forward_rows(d, in, out, lo, hi));
}

void lowp_cpu_act_backward(const struct lowp_act_desc *d, const float *in, const float *dout, float *din)
{
    CHUNKED(d->rows, grain_rows(d->hidden), lowp_ref_act_backward_rows(d, in, dout, din, lo, hi));
}

void lowp_cpu_dropout(const struct lowp_dropout_desc *d, const float *x, float *y)
{
    CHUNKED(d->count, 65536, lowp_ref_dropout_range(d, x, y, lo, hi));
}

void lowp_cpu_xent(const struct lowp_xent_desc *d, const float *logits, const int32_t *target, float *loss,
                   float *dlogits)
{
    CHUNKED(d->rows, grain_rows(d->vocab), lowp_ref_xent_rows(d, logits, target, loss, dlogits, lo, hi));
}

void lowp_cpu_bias_add(const struct lowp_bias_desc *d, const float *b, float *y)
{
    CHUNKED(d->rows, grain_rows(d->cols), lowp_ref_bias_add_rows(d, b, y, lo, hi));
}

void lowp_cpu_bias_grad(const struct lowp_bias_desc *d, const float *dy, float *db)
{
    CHUNKED(d->cols, 16, lowp_ref_bias_grad_cols(d, dy, db, lo, hi));
}

/* ---- GEMM: C = alpha * A' * B'^T + beta * C with A' (m x k) and B' (n x k)
 * packed contiguous, so every output is a dot product of two unit-stride rows. */

#define MR 4
#define NR 4
#define LANES 8

static void gemm_block(size_t mi, size_t nj, size_t k, const float *a, const float *b, float alpha, float beta,
                       float *c, size_t ldc)
{
    float acc[MR][NR][LANES];
    memset(acc, 0, sizeof acc);
    size_t k8 = k / LANES * LANES;
    for (size_t p = 0; p < k8; p += LANES)
        for (size_t ii = 0; ii < MR; ++ii)
            for (size_t jj = 0; jj < NR; ++jj)
                for (size_t l = 0; l < LANES; ++l)
                    acc[ii][jj][l] += a[ii * k + p + l] * b[jj * k + p + l];
    for (size_t ii = 0; ii < mi; ++ii)
        for (size_t jj = 0; jj < nj; ++jj) {
            float s = 0.0f;
            for (size_t l = 0; l < LANES; ++l)
                s += acc[ii][jj][l];
            for (size_t p = k8; p < k; ++p)
                s += a[ii * k + p] * b[jj * k + p];
            float v = alpha * s;
            c[ii * ldc + jj] = beta != 0.0f ? v + beta * c[ii * ldc + jj] : v;
        }
}

/* rows x k matrix `src` (or its transpose when trans) into dst (rows x k, contiguous),
 * padded with zero rows up to `padded_rows`. */
static void pack_rows(float *dst, const float *src, size_t rows, size_t padded_rows, size_t k, size_t ld, int trans)
{
#pragma omp parallel for schedule(static) if (rows * k >= 65536)
    for (long r = 0; r < (long)rows; ++r)
        for (size_t p = 0; p < k; ++p)
            dst[(size_t)r * k + p] = trans ? src[p * ld + (size_t)r] : src[(size_t)r * ld + p];
    memset(dst + rows * k, 0, (padded_rows - rows) * k * sizeof *dst);
}

lowp_status lowp_cpu_gemm(const struct lowp_model_gemm_desc *d, const float *a, const float *b, float *c)
{
    const size_t m = d->m, n = d->n, k = d->k;
    size_t mp = (m + MR - 1) / MR * MR, np = (n + NR - 1) / NR * NR;
    float *ap = malloc(mp * k * sizeof *ap), *bp = malloc(np * k * sizeof *bp);
    if (ap == NULL || bp == NULL) {
        free(ap), free(bp);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_gemm: cannot allocate %zu bytes of packing space",
                          (mp + np) * k * sizeof(float));
    }
    pack_rows(ap, a + d->a_offset, m, mp, k, d->lda, d->trans_a);
    pack_rows(bp, b + d->b_offset, n, np, k, d->ldb, !d->trans_b);
    float *cc = c + d->c_offset;
    long mblocks = (long)(mp / MR), nblocks = (long)(np / NR);
#pragma omp parallel for schedule(dynamic, 4) if (mblocks * nblocks > 1)
    for (long blk = 0; blk < mblocks * nblocks; ++blk) {
        size_t i = (size_t)(blk / nblocks) * MR, j = (size_t)(blk % nblocks) * NR;
        size_t mi = m - i < MR ? m - i : MR, nj = n - j < NR ? n - j : NR;
        gemm_block(mi, nj, k, ap + i * k, bp + j * k, d->alpha, d->beta, cc + i * d->ldc + j, d->ldc);
    }
    free(ap), free(bp);
    return LOWP_OK;
}
