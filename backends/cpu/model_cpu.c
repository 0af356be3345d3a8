/* model_cpu.c — fast CPU layer ops (see model_cpu.h). */
#include "model_cpu.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/philox.h"
#include "formats/codec.h"
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

/* x86 with GCC: AVX2 clones of the hot fp32 loops, picked at load time
 * (eight lanes instead of four). They run the same IEEE operations per
 * element in the same order (dot8 keeps its eight partial sums, contraction
 * stays off), so the bits do not change. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CPU_CLONES
#endif

/* ---- attention in fp32: one thread owns a (batch, head) pair, so dK and
 * dV can be accumulated in the same pass as dQ, in a fixed (i, j) order.
 * Scores of one query row live in a T-float scratch: nothing T x T. */

static inline float dot8(const float *a, const float *b, size_t n)
{
    float part[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; ++l)
            part[l] += a[i + (size_t)l] * b[i + (size_t)l];
    float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    for (; i < n; ++i)
        s += a[i] * b[i];
    return s;
}

static inline float keep_of(const struct lowp_attn_desc *d, size_t bh, size_t i, size_t j, float keep_scale)
{
    if (d->dropout <= 0.0f)
        return 1.0f;
    uint64_t index = ((uint64_t)bh * d->seq + i) * d->seq + j;
    return lowp_model_keep(lowp_philox_word(d->seed, d->stream, index), d->dropout) ? keep_scale : 0.0f;
}

/* Forward of one (batch, head) pair bh; s: T floats of scratch. */
CPU_CLONES
static void attention_forward_bh(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse, size_t bh,
                                 float *s)
{
    const size_t T = d->seq, H = d->heads, hs = d->head_dim, C = H * hs, stride = 3 * C;
    const float scale = 1.0f / sqrtf((float)hs), keep_scale = 1.0f / (1.0f - d->dropout);
    const size_t b = bh / H, h = bh % H;
    const float *base = qkv + d->qkv_offset + b * T * stride;
    for (size_t i = 0; i < T; ++i) {
        const float *q = base + i * stride + h * hs;
        float mx = -INFINITY, sum = 0.0f;
        for (size_t j = 0; j <= i; ++j) {
            s[j] = dot8(q, base + j * stride + C + h * hs, hs) * scale;
            mx = s[j] > mx ? s[j] : mx;
        }
        for (size_t j = 0; j <= i; ++j) {
            s[j] = expf(s[j] - mx);
            sum += s[j];
        }
        float inv = 1.0f / sum, *o = out + d->out_offset + (b * T + i) * C + h * hs;
        for (size_t e = 0; e < hs; ++e)
            o[e] = 0.0f;
        for (size_t j = 0; j <= i; ++j) {
            float w = s[j] * inv * keep_of(d, bh, i, j, keep_scale);
            const float *v = base + j * stride + 2 * C + h * hs;
            for (size_t e = 0; e < hs; ++e)
                o[e] += w * v[e];
        }
        lse[d->lse_offset + bh * T + i] = mx + logf(sum);
    }
}

lowp_status lowp_cpu_attention_forward(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse)
{
    int failed = 0;
#pragma omp parallel reduction(| : failed)
    {
        float *s = malloc(d->seq * sizeof *s);
        failed |= s == NULL;
#pragma omp for schedule(dynamic, 1)
        for (long bhl = 0; bhl < (long)(d->batch * d->heads); ++bhl)
            if (s != NULL)
                attention_forward_bh(d, qkv, out, lse, (size_t)bhl, s);
        free(s);
    }
    return failed ? lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_attention_forward: out of host memory") : LOWP_OK;
}

/* Backward of one (batch, head) pair bh. */
CPU_CLONES
static void attention_backward_bh(const struct lowp_attn_desc *d, const float *qkv, const float *out, const float *lse,
                                  const float *dout, float *dqkv, float *delta, size_t bh)
{
    const size_t T = d->seq, H = d->heads, hs = d->head_dim, C = H * hs, stride = 3 * C;
    const float scale = 1.0f / sqrtf((float)hs), keep_scale = 1.0f / (1.0f - d->dropout);
    const size_t b = bh / H, h = bh % H;
    const float *base = qkv + d->qkv_offset + b * T * stride;
    float *dbase = dqkv + d->dqkv_offset + b * T * stride;
    const float *ob = out + d->out_offset + b * T * C + h * hs, *dob = dout + d->dout_offset + b * T * C + h * hs;
    for (size_t j = 0; j < T; ++j)
        for (size_t e = 0; e < hs; ++e)
            dbase[j * stride + C + h * hs + e] = dbase[j * stride + 2 * C + h * hs + e] = 0.0f;
    for (size_t i = 0; i < T; ++i) {
        const float *q = base + i * stride + h * hs, *dO = dob + i * C;
        float di = dot8(dO, ob + i * C, hs), l = lse[d->lse_offset + bh * T + i];
        delta[d->delta_offset + bh * T + i] = di;
        float *dq = dbase + i * stride + h * hs;
        for (size_t e = 0; e < hs; ++e)
            dq[e] = 0.0f;
        for (size_t j = 0; j <= i; ++j) {
            const float *k = base + j * stride + C + h * hs, *v = base + j * stride + 2 * C + h * hs;
            float p = expf(dot8(q, k, hs) * scale - l), keep = keep_of(d, bh, i, j, keep_scale);
            float ds = p * (dot8(dO, v, hs) * keep - di), pk = p * keep;
            float *dk = dbase + j * stride + C + h * hs, *dv = dbase + j * stride + 2 * C + h * hs;
            for (size_t e = 0; e < hs; ++e) {
                dq[e] += ds * k[e];
                dk[e] += ds * q[e];
                dv[e] += pk * dO[e];
            }
        }
        for (size_t e = 0; e < hs; ++e)
            dq[e] *= scale;
    }
    for (size_t j = 0; j < T; ++j)
        for (size_t e = 0; e < hs; ++e)
            dbase[j * stride + C + h * hs + e] *= scale;
}

lowp_status lowp_cpu_attention_backward(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                        const float *lse, const float *dout, float *dqkv, float *delta)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (long bhl = 0; bhl < (long)(d->batch * d->heads); ++bhl)
        attention_backward_bh(d, qkv, out, lse, dout, dqkv, delta, (size_t)bhl);
    return LOWP_OK;
}

/* ---- activations in fp32 ----
 * The reference works in double with libm's tanh/exp, which cost more than
 * every other element-wise op of a training step together. Here both GELU
 * (tanh form) and SwiGLU go through one logistic function,
 *   1 + tanh(u) = 2 sigmoid(2u),  1 - tanh(u)^2 = 4 s (1 - s),
 * so no 1 + t or 1 - t cancels, and sigmoid uses an exp of our own that
 * the compiler can vectorize: Cody-Waite reduction z = n ln2 + r with
 * |r| <= ln2/2, a degree-6 Taylor polynomial (truncation < 2.2e-7 relative),
 * 2^n from the exponent bits. Results agree with the reference to a few
 * float ulps (tests/test_ops_model.c, model_act: 1e-5 absolute + 1e-4
 * relative, like every device). */
#define ACT_GELU_K 0.7978845608f /* sqrt(2/pi) */
#define ACT_GELU_A 0.044715f

static inline float act_exp(float z)
{
    /* 2^n stays a normal float. These selects vectorize only when float
     * compares may be speculated: this file is built -fno-trapping-math
     * (CMakeLists.txt; lowp never enables FP traps, and no value changes). */
    z = z < -87.0f ? -87.0f : z;
    z = z > 88.0f ? 88.0f : z;
    /* n = round(z / ln2): adding 1.5 * 2^23 rounds to an integer (default rounding mode) */
    const float nf = (z * 1.44269504f + 12582912.0f) - 12582912.0f;
    const int n = (int)nf;
    const float r = (z - nf * 0.693145752f) - nf * 1.42860677e-6f;
    const float p =
        1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
    return p * lowp_f32_from_bits((uint32_t)(n + 127) << 23);
}

static inline float act_sigmoid(float z)
{
    return 1.0f / (1.0f + act_exp(-z));
}

CPU_CLONES
static void act_forward_rows(const struct lowp_act_desc *d, const float *in, float *out, size_t r0, size_t r1)
{
    const size_t F = d->hidden;
    for (size_t r = r0; r < r1; ++r) {
        float *o = out + d->out_offset + r * F;
        if (d->kind == LOWP_MLP_GELU) {
            const float *x = in + d->in_offset + r * F;
            for (size_t c = 0; c < F; ++c) /* 0.5 x (1 + tanh u) = x sigmoid(2u) */
                o[c] = x[c] * act_sigmoid(2.0f * ACT_GELU_K * (x[c] + ACT_GELU_A * x[c] * x[c] * x[c]));
        } else {
            const float *g = in + d->in_offset + r * 2 * F, *u = g + F;
            for (size_t c = 0; c < F; ++c)
                o[c] = g[c] * act_sigmoid(g[c]) * u[c];
        }
    }
}

CPU_CLONES
static void act_backward_rows(const struct lowp_act_desc *d, const float *in, const float *dout, float *din,
                              size_t r0, size_t r1)
{
    const size_t F = d->hidden;
    for (size_t r = r0; r < r1; ++r) {
        const float *dy = dout + d->out_offset + r * F;
        if (d->kind == LOWP_MLP_GELU) {
            const float *x = in + d->in_offset + r * F;
            float *dx = din + d->din_offset + r * F;
            for (size_t c = 0; c < F; ++c) {
                const float x2 = x[c] * x[c];
                const float s = act_sigmoid(2.0f * ACT_GELU_K * (x[c] + ACT_GELU_A * x2 * x[c]));
                /* 0.5 (1 + t) + 0.5 x (1 - t^2) K (1 + 3A x^2) */
                dx[c] = dy[c] * (s + 2.0f * x[c] * s * (1.0f - s) * ACT_GELU_K * (1.0f + 3.0f * ACT_GELU_A * x2));
            }
        } else {
            const float *g = in + d->in_offset + r * 2 * F, *u = g + F;
            float *dg = din + d->din_offset + r * 2 * F, *du = dg + F;
            for (size_t c = 0; c < F; ++c) {
                const float sg = act_sigmoid(g[c]);
                dg[c] = dy[c] * u[c] * sg * (1.0f + g[c] * (1.0f - sg));
                du[c] = dy[c] * g[c] * sg;
            }
        }
    }
}

void lowp_cpu_act_forward(const struct lowp_act_desc *d, const float *in, float *out)
{
    CHUNKED(d->rows, grain_rows(d->hidden), act_forward_rows(d, in, out, lo, hi));
}

void lowp_cpu_act_backward(const struct lowp_act_desc *d, const float *in, const float *dout, float *din)
{
    CHUNKED(d->rows, grain_rows(d->hidden), act_backward_rows(d, in, dout, din, lo, hi));
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

/* db[c] += dy[r][c] for r ascending, like lowp_ref_bias_grad_cols, but row
 * by row over the thread's columns: contiguous reads and a loop across
 * columns that vectorizes, with every column's float sum in the same order
 * (the same bits). */
static void bias_grad_cols(const struct lowp_bias_desc *d, const float *dy, float *db, size_t c0, size_t c1)
{
    float *out = db + d->b_offset;
    for (size_t r = 0; r < d->rows; ++r) {
        const float *row = dy + d->y_offset + r * d->cols;
        for (size_t c = c0; c < c1; ++c)
            out[c] += row[c];
    }
}

void lowp_cpu_bias_grad(const struct lowp_bias_desc *d, const float *dy, float *db)
{
    CHUNKED(d->cols, 64, bias_grad_cols(d, dy, db, lo, hi));
}
