/* model_ref.c — scalar reference of the model's layer ops (see model_ref.h).
 * Obvious loops, double accumulation, no cleverness. */
#include "ref/model_ref.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/philox.h"

/* ---- embedding ---------------------------------------------------------- */

void lowp_ref_embed_forward_rows(const struct lowp_embed_desc *d, const int32_t *tok, const float *wte,
                                 const float *wpe, float *out, size_t r0, size_t r1)
{
    tok += d->tok_offset;
    wte += d->wte_offset;
    out += d->out_offset;
    for (size_t r = r0; r < r1; ++r) {
        int32_t v = tok[r];
        size_t t = r % d->seq;
        for (size_t c = 0; c < d->dim; ++c) {
            if (v < 0 || (size_t)v >= d->vocab) {
                out[r * d->dim + c] = NAN;
                continue;
            }
            float e = wte[(size_t)v * d->dim + c];
            if (d->learned_pos)
                e = e + wpe[d->wpe_offset + t * d->dim + c];
            out[r * d->dim + c] = e;
        }
    }
}

/* Each column is its own accumulator; rows are added in increasing order in
 * fp32, which is exactly what the device kernels do. */
void lowp_ref_embed_backward_cols(const struct lowp_embed_desc *d, const int32_t *tok, const float *dout, float *dwte,
                                  float *dwpe, size_t c0, size_t c1)
{
    tok += d->tok_offset;
    dout += d->out_offset;
    dwte += d->wte_offset;
    for (size_t c = c0; c < c1; ++c)
        for (size_t r = 0; r < d->rows; ++r) {
            int32_t v = tok[r];
            float g = dout[r * d->dim + c];
            if (v >= 0 && (size_t)v < d->vocab)
                dwte[(size_t)v * d->dim + c] += g;
            if (d->learned_pos)
                dwpe[d->wpe_offset + (r % d->seq) * d->dim + c] += g;
        }
}

/* ---- layernorm / rmsnorm -------------------------------------------------- */

void lowp_ref_norm_forward_rows(const struct lowp_norm_desc *d, const float *x, const float *g, const float *b,
                                float *y, float *mean, float *rstd, size_t r0, size_t r1)
{
    const size_t n = d->dim;
    for (size_t r = r0; r < r1; ++r) {
        const float *xr = x + d->x_offset + r * n;
        double mu = 0.0, var = 0.0;
        if (d->kind == LOWP_NORM_LAYERNORM) {
            for (size_t c = 0; c < n; ++c)
                mu += xr[c];
            mu /= (double)n;
        }
        for (size_t c = 0; c < n; ++c)
            var += ((double)xr[c] - mu) * ((double)xr[c] - mu);
        var /= (double)n;
        double rs = 1.0 / sqrt(var + (double)d->eps);
        for (size_t c = 0; c < n; ++c) {
            double v = ((double)xr[c] - mu) * rs * (double)g[d->g_offset + c];
            if (d->has_bias)
                v += (double)b[d->b_offset + c];
            y[d->y_offset + r * n + c] = (float)v;
        }
        mean[d->mean_offset + r] = (float)mu;
        rstd[d->rstd_offset + r] = (float)rs;
    }
}

void lowp_ref_norm_backward_dx_rows(const struct lowp_norm_desc *d, const float *x, const float *g, const float *mean,
                                    const float *rstd, const float *dy, float *dx, size_t r0, size_t r1)
{
    const size_t n = d->dim;
    const int ln = d->kind == LOWP_NORM_LAYERNORM;
    for (size_t r = r0; r < r1; ++r) {
        const float *xr = x + d->x_offset + r * n, *dyr = dy + d->y_offset + r * n;
        float *dxr = dx + d->dx_offset + r * n;
        double mu = ln ? (double)mean[d->mean_offset + r] : 0.0, rs = rstd[d->rstd_offset + r];
        double m1 = 0.0, m2 = 0.0;
        for (size_t c = 0; c < n; ++c) {
            double xh = ((double)xr[c] - mu) * rs, dxh = (double)dyr[c] * (double)g[d->g_offset + c];
            m1 += dxh;
            m2 += dxh * xh;
        }
        m1 = ln ? m1 / (double)n : 0.0;
        m2 /= (double)n;
        for (size_t c = 0; c < n; ++c) {
            double xh = ((double)xr[c] - mu) * rs, dxh = (double)dyr[c] * (double)g[d->g_offset + c];
            double v = rs * (dxh - m1 - xh * m2);
            dxr[c] = d->accumulate ? (float)((double)dxr[c] + v) : (float)v;
        }
    }
}

void lowp_ref_norm_backward_dg_cols(const struct lowp_norm_desc *d, const float *x, const float *mean,
                                    const float *rstd, const float *dy, float *dg, float *db, size_t c0, size_t c1)
{
    const size_t n = d->dim;
    const int ln = d->kind == LOWP_NORM_LAYERNORM;
    for (size_t c = c0; c < c1; ++c) {
        double sg = 0.0, sb = 0.0;
        for (size_t r = 0; r < d->rows; ++r) {
            double mu = ln ? (double)mean[d->mean_offset + r] : 0.0, rs = rstd[d->rstd_offset + r];
            double dyv = dy[d->y_offset + r * n + c];
            sg += dyv * (((double)x[d->x_offset + r * n + c] - mu) * rs);
            sb += dyv;
        }
        dg[d->dg_offset + c] = (float)((double)dg[d->dg_offset + c] + sg);
        if (d->has_bias)
            db[d->db_offset + c] = (float)((double)db[d->db_offset + c] + sb);
    }
}

/* ---- rope ------------------------------------------------------------------ */

void lowp_ref_rope_rows(const struct lowp_rope_desc *d, const float *table, float *x, size_t r0, size_t r1)
{
    const size_t half = d->head_dim / 2;
    for (size_t r = r0; r < r1; ++r) {
        const float *tr = table + d->table_offset + (r % d->seq) * d->head_dim;
        for (size_t h = 0; h < d->heads; ++h) {
            float *xh = x + d->x_offset + r * d->row_stride + h * d->head_dim;
            for (size_t i = 0; i < half; ++i) {
                double cs = tr[i], sn = d->inverse ? -(double)tr[half + i] : (double)tr[half + i];
                double a = xh[i], b = xh[half + i];
                xh[i] = (float)(a * cs - b * sn);
                xh[half + i] = (float)(b * cs + a * sn);
            }
        }
    }
}

lowp_status lowp_rope_table(size_t seq, size_t head_dim, double base, float *table)
{
    LOWP_CHECK_NOT_NULL(table);
    LOWP_CHECK_ARG(seq >= 1 && head_dim >= 2 && head_dim % 2 == 0 && base > 1.0,
                   "lowp_rope_table: need seq >= 1, even head_dim >= 2 and base > 1 (got %zu, %zu, %g)", seq, head_dim,
                   base);
    const size_t half = head_dim / 2;
    for (size_t t = 0; t < seq; ++t)
        for (size_t i = 0; i < half; ++i) {
            double angle = (double)t * pow(base, -2.0 * (double)i / (double)head_dim);
            table[t * head_dim + i] = (float)cos(angle);
            table[t * head_dim + half + i] = (float)sin(angle);
        }
    return LOWP_OK;
}

/* ---- attention ----------------------------------------------------------- */

static double attn_score(const struct lowp_attn_desc *d, const float *qkv, size_t b, size_t h, size_t i, size_t j)
{
    const size_t C = d->heads * d->head_dim, stride = 3 * C;
    const float *q = qkv + d->qkv_offset + (b * d->seq + i) * stride + h * d->head_dim;
    const float *k = qkv + d->qkv_offset + (b * d->seq + j) * stride + C + h * d->head_dim;
    double s = 0.0;
    for (size_t e = 0; e < d->head_dim; ++e)
        s += (double)q[e] * (double)k[e];
    return s / sqrt((double)d->head_dim);
}

/* Dropout multiplier of probability (bh, i, j): 0 or 1/(1-p). */
static double attn_keep(const struct lowp_attn_desc *d, size_t bh, size_t i, size_t j)
{
    if (d->dropout <= 0.0f)
        return 1.0;
    uint64_t index = ((uint64_t)bh * d->seq + i) * d->seq + j;
    return lowp_model_keep(lowp_philox_word(d->seed, d->stream, index), d->dropout) ? 1.0 / (1.0 - (double)d->dropout)
                                                                                     : 0.0;
}

lowp_status lowp_ref_attention_forward_bh(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse,
                                          size_t bh0, size_t bh1)
{
    const size_t T = d->seq, C = d->heads * d->head_dim, hs = d->head_dim;
    double *s = malloc(T * sizeof *s), *o = malloc(hs * sizeof *o);
    if (s == NULL || o == NULL) {
        free(s), free(o);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_ref_attention_forward: out of host memory");
    }
    for (size_t bh = bh0; bh < bh1; ++bh) {
        size_t b = bh / d->heads, h = bh % d->heads;
        for (size_t i = 0; i < T; ++i) {
            double mx = -INFINITY, sum = 0.0;
            for (size_t j = 0; j <= i; ++j) {
                s[j] = attn_score(d, qkv, b, h, i, j);
                mx = s[j] > mx ? s[j] : mx;
            }
            for (size_t j = 0; j <= i; ++j)
                sum += exp(s[j] - mx);
            double l = mx + log(sum);
            for (size_t e = 0; e < hs; ++e)
                o[e] = 0.0;
            for (size_t j = 0; j <= i; ++j) {
                double p = exp(s[j] - l) * attn_keep(d, bh, i, j);
                const float *v = qkv + d->qkv_offset + (b * T + j) * 3 * C + 2 * C + h * hs;
                for (size_t e = 0; e < hs; ++e)
                    o[e] += p * (double)v[e];
            }
            for (size_t e = 0; e < hs; ++e)
                out[d->out_offset + (b * T + i) * C + h * hs + e] = (float)o[e];
            lse[d->lse_offset + bh * T + i] = (float)l;
        }
    }
    free(s), free(o);
    return LOWP_OK;
}

lowp_status lowp_ref_attention_backward_bh(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                           const float *lse, const float *dout, float *dqkv, float *delta, size_t bh0,
                                           size_t bh1)
{
    const size_t T = d->seq, C = d->heads * d->head_dim, hs = d->head_dim, stride = 3 * C;
    const double scale = 1.0 / sqrt((double)hs);
    double *acc = malloc(2 * hs * sizeof *acc);
    if (acc == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_ref_attention_backward: out of host memory");
    for (size_t bh = bh0; bh < bh1; ++bh) {
        size_t b = bh / d->heads, h = bh % d->heads;
        const float *base = qkv + d->qkv_offset + b * T * stride;
        float *dbase = dqkv + d->dqkv_offset + b * T * stride;
        const float *ob = out + d->out_offset + b * T * C + h * hs, *dob = dout + d->dout_offset + b * T * C + h * hs;
        /* delta_i = dO_i . O_i (the softmax backward's row term, dropout included) */
        for (size_t i = 0; i < T; ++i) {
            double s = 0.0;
            for (size_t e = 0; e < hs; ++e)
                s += (double)dob[i * C + e] * (double)ob[i * C + e];
            delta[d->delta_offset + bh * T + i] = (float)s;
        }
        /* dQ: one query row at a time over keys j <= i. */
        for (size_t i = 0; i < T; ++i) {
            double l = lse[d->lse_offset + bh * T + i], di = delta[d->delta_offset + bh * T + i];
            for (size_t e = 0; e < hs; ++e)
                acc[e] = 0.0;
            for (size_t j = 0; j <= i; ++j) {
                double p = exp(attn_score(d, qkv, b, h, i, j) - l), dp = 0.0;
                const float *v = base + j * stride + 2 * C + h * hs, *k = base + j * stride + C + h * hs;
                for (size_t e = 0; e < hs; ++e)
                    dp += (double)dob[i * C + e] * (double)v[e];
                double ds = p * (dp * attn_keep(d, bh, i, j) - di);
                for (size_t e = 0; e < hs; ++e)
                    acc[e] += ds * (double)k[e];
            }
            for (size_t e = 0; e < hs; ++e)
                dbase[i * stride + h * hs + e] = (float)(acc[e] * scale);
        }
        /* dK, dV: one key row at a time over queries i >= j. */
        for (size_t j = 0; j < T; ++j) {
            const float *v = base + j * stride + 2 * C + h * hs;
            for (size_t e = 0; e < 2 * hs; ++e)
                acc[e] = 0.0;
            for (size_t i = j; i < T; ++i) {
                double l = lse[d->lse_offset + bh * T + i], di = delta[d->delta_offset + bh * T + i];
                double p = exp(attn_score(d, qkv, b, h, i, j) - l), keep = attn_keep(d, bh, i, j), dp = 0.0;
                const float *q = base + i * stride + h * hs;
                for (size_t e = 0; e < hs; ++e)
                    dp += (double)dob[i * C + e] * (double)v[e];
                double ds = p * (dp * keep - di);
                for (size_t e = 0; e < hs; ++e) {
                    acc[e] += ds * (double)q[e];
                    acc[hs + e] += p * keep * (double)dob[i * C + e];
                }
            }
            for (size_t e = 0; e < hs; ++e) {
                dbase[j * stride + C + h * hs + e] = (float)(acc[e] * scale);
                dbase[j * stride + 2 * C + h * hs + e] = (float)acc[hs + e];
            }
        }
    }
    free(acc);
    return LOWP_OK;
}

/* ---- activations ------------------------------------------------------------- */

#define GELU_K 0.7978845608028654 /* sqrt(2/pi) */
#define GELU_A 0.044715

/* (The fast CPU path has its own fp32 version, model_cpu.c: no range variants here.) */
void lowp_ref_act_forward(const struct lowp_act_desc *d, const float *in, float *out)
{
    const size_t F = d->hidden;
    for (size_t r = 0; r < d->rows; ++r)
        for (size_t c = 0; c < F; ++c) {
            double v;
            if (d->kind == LOWP_MLP_GELU) {
                double x = in[d->in_offset + r * F + c];
                v = 0.5 * x * (1.0 + tanh(GELU_K * (x + GELU_A * x * x * x)));
            } else {
                double g = in[d->in_offset + r * 2 * F + c], u = in[d->in_offset + r * 2 * F + F + c];
                v = g / (1.0 + exp(-g)) * u;
            }
            out[d->out_offset + r * F + c] = (float)v;
        }
}

void lowp_ref_act_backward(const struct lowp_act_desc *d, const float *in, const float *dout, float *din)
{
    const size_t F = d->hidden;
    for (size_t r = 0; r < d->rows; ++r)
        for (size_t c = 0; c < F; ++c) {
            double dy = dout[d->out_offset + r * F + c];
            if (d->kind == LOWP_MLP_GELU) {
                double x = in[d->in_offset + r * F + c];
                double t = tanh(GELU_K * (x + GELU_A * x * x * x));
                double dgelu = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_A * x * x);
                din[d->din_offset + r * F + c] = (float)(dy * dgelu);
            } else {
                double g = in[d->in_offset + r * 2 * F + c], u = in[d->in_offset + r * 2 * F + F + c];
                double sg = 1.0 / (1.0 + exp(-g));
                din[d->din_offset + r * 2 * F + c] = (float)(dy * u * sg * (1.0 + g * (1.0 - sg)));
                din[d->din_offset + r * 2 * F + F + c] = (float)(dy * g * sg);
            }
        }
}

/* ---- dropout -------------------------------------------------------------------- */

void lowp_ref_dropout_range(const struct lowp_dropout_desc *d, const float *x, float *y, size_t i0, size_t i1)
{
    const float scale = 1.0f / (1.0f - d->p);
    for (size_t i = i0; i < i1; ++i) {
        float v = x[d->x_offset + i];
        if (d->p > 0.0f)
            v = lowp_model_keep(lowp_philox_word(d->seed, d->stream, i), d->p) ? v * scale : 0.0f;
        y[d->y_offset + i] = v;
    }
}

/* ---- cross-entropy ------------------------------------------------------------- */

void lowp_ref_xent_rows(const struct lowp_xent_desc *d, const float *logits, const int32_t *target, float *loss,
                        float *dlogits, size_t r0, size_t r1)
{
    const size_t V = d->vocab;
    for (size_t r = r0; r < r1; ++r) {
        const float *x = logits + d->logits_offset + r * V;
        float *dx = dlogits + d->dlogits_offset + r * V;
        int32_t t = target[d->target_offset + r];
        if (t < 0 || (size_t)t >= V) { /* ignored row */
            loss[d->loss_offset + r] = 0.0f;
            for (size_t c = 0; c < V; ++c)
                dx[c] = 0.0f;
            continue;
        }
        double mx = -INFINITY, sum = 0.0;
        for (size_t c = 0; c < V; ++c)
            mx = (double)x[c] > mx ? (double)x[c] : mx;
        for (size_t c = 0; c < V; ++c)
            sum += exp((double)x[c] - mx);
        double l = mx + log(sum);
        loss[d->loss_offset + r] = (float)(l - (double)x[t]);
        for (size_t c = 0; c < V; ++c) /* reads x[c] before writing dx[c]: in place is safe */
            dx[c] = (float)((exp((double)x[c] - l) - (c == (size_t)t ? 1.0 : 0.0)) * (double)d->grad_scale);
    }
}

/* ---- bias -------------------------------------------------------------------- */

void lowp_ref_bias_add_rows(const struct lowp_bias_desc *d, const float *b, float *y, size_t r0, size_t r1)
{
    for (size_t r = r0; r < r1; ++r)
        for (size_t c = 0; c < d->cols; ++c)
            y[d->y_offset + r * d->cols + c] += b[d->b_offset + c];
}

void lowp_ref_bias_grad_cols(const struct lowp_bias_desc *d, const float *dy, float *db, size_t c0, size_t c1)
{
    for (size_t c = c0; c < c1; ++c)
        for (size_t r = 0; r < d->rows; ++r)
            db[d->b_offset + c] += dy[d->y_offset + r * d->cols + c];
}

/* ---- whole ops -------------------------------------------------------------------- */

void lowp_ref_embed_forward(const struct lowp_embed_desc *d, const int32_t *tok, const float *wte, const float *wpe,
                            float *out)
{
    lowp_ref_embed_forward_rows(d, tok, wte, wpe, out, 0, d->rows);
}
void lowp_ref_embed_backward(const struct lowp_embed_desc *d, const int32_t *tok, const float *dout, float *dwte,
                             float *dwpe)
{
    lowp_ref_embed_backward_cols(d, tok, dout, dwte, dwpe, 0, d->dim);
}
void lowp_ref_norm_forward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *b, float *y,
                           float *mean, float *rstd)
{
    lowp_ref_norm_forward_rows(d, x, g, b, y, mean, rstd, 0, d->rows);
}
void lowp_ref_norm_backward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *mean,
                            const float *rstd, const float *dy, float *dx, float *dg, float *db)
{
    lowp_ref_norm_backward_dx_rows(d, x, g, mean, rstd, dy, dx, 0, d->rows);
    lowp_ref_norm_backward_dg_cols(d, x, mean, rstd, dy, dg, db, 0, d->dim);
}
void lowp_ref_rope(const struct lowp_rope_desc *d, const float *table, float *x)
{
    lowp_ref_rope_rows(d, table, x, 0, d->rows);
}
lowp_status lowp_ref_attention_forward(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse)
{
    return lowp_ref_attention_forward_bh(d, qkv, out, lse, 0, d->batch * d->heads);
}
lowp_status lowp_ref_attention_backward(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                        const float *lse, const float *dout, float *dqkv, float *delta)
{
    return lowp_ref_attention_backward_bh(d, qkv, out, lse, dout, dqkv, delta, 0, d->batch * d->heads);
}
void lowp_ref_dropout(const struct lowp_dropout_desc *d, const float *x, float *y)
{
    lowp_ref_dropout_range(d, x, y, 0, d->count);
}
void lowp_ref_xent(const struct lowp_xent_desc *d, const float *logits, const int32_t *target, float *loss,
                   float *dlogits)
{
    lowp_ref_xent_rows(d, logits, target, loss, dlogits, 0, d->rows);
}
void lowp_ref_bias_add(const struct lowp_bias_desc *d, const float *b, float *y)
{
    lowp_ref_bias_add_rows(d, b, y, 0, d->rows);
}
void lowp_ref_bias_grad(const struct lowp_bias_desc *d, const float *dy, float *db)
{
    lowp_ref_bias_grad_cols(d, dy, db, 0, d->cols);
}
