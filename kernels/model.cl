/* model.cl - the transformer's layer ops (lowp/model.h), forward and
 * backward, in fp32. Built with -DHS=<head size> (private accumulators of
 * the attention kernels).
 * Every sum runs in one fixed order per output element, so results never
 * depend on the work-group size. Gradient scatters (embedding, bias, norm
 * gains) give each column to one work-item that walks the rows in order:
 * no atomics. */

#ifndef HS
#define HS 64
#endif

inline int lowp_model_keep(uint word, float p)
{
    return (float)(word >> 8) * (1.0f / 16777216.0f) >= p;
}

/* ---- embedding ---- */

__kernel void lowp_embed_forward(__global const int *tok, lowp_size tok_off, __global const float *wte,
                                 lowp_size wte_off, __global const float *wpe, lowp_size wpe_off, __global float *out,
                                 lowp_size out_off, lowp_size rows, lowp_size seq, lowp_size dim, lowp_size vocab,
                                 int learned)
{
    for (lowp_size i = get_global_id(0); i < rows * dim; i += get_global_size(0)) {
        lowp_size r = i / dim, c = i % dim;
        int v = tok[tok_off + r];
        float e;
        if (v < 0 || (lowp_size)v >= vocab) {
            e = NAN;
        } else {
            e = wte[wte_off + (lowp_size)v * dim + c];
            if (learned)
                e = e + wpe[wpe_off + (r % seq) * dim + c];
        }
        out[out_off + i] = e;
    }
}

__kernel void lowp_embed_backward(__global const int *tok, lowp_size tok_off, __global const float *dout,
                                  lowp_size dout_off, __global float *dwte, lowp_size wte_off, __global float *dwpe,
                                  lowp_size wpe_off, lowp_size rows, lowp_size seq, lowp_size dim, lowp_size vocab,
                                  int learned)
{
    for (lowp_size c = get_global_id(0); c < dim; c += get_global_size(0))
        for (lowp_size r = 0; r < rows; ++r) {
            int v = tok[tok_off + r];
            float g = dout[dout_off + r * dim + c];
            if (v >= 0 && (lowp_size)v < vocab)
                dwte[wte_off + (lowp_size)v * dim + c] += g;
            if (learned)
                dwpe[wpe_off + (r % seq) * dim + c] += g;
        }
}

/* ---- layernorm (kind 0) / rmsnorm (kind 1): one work-item per row ---- */

__kernel void lowp_norm_forward(__global const float *x, lowp_size x_off, __global const float *g, lowp_size g_off,
                                __global const float *b, lowp_size b_off, __global float *y, lowp_size y_off,
                                __global float *mean, lowp_size mean_off, __global float *rstd, lowp_size rstd_off,
                                lowp_size rows, lowp_size dim, float eps, int kind, int has_bias)
{
    for (lowp_size r = get_global_id(0); r < rows; r += get_global_size(0)) {
        __global const float *xr = x + x_off + r * dim;
        float mu = 0.0f, var = 0.0f;
        if (kind == 0) {
            for (lowp_size c = 0; c < dim; ++c)
                mu += xr[c];
            mu /= (float)dim;
        }
        for (lowp_size c = 0; c < dim; ++c) {
            float d = xr[c] - mu;
            var += d * d;
        }
        var /= (float)dim;
        float rs = 1.0f / sqrt(var + eps);
        for (lowp_size c = 0; c < dim; ++c) {
            float v = (xr[c] - mu) * rs * g[g_off + c];
            if (has_bias)
                v += b[b_off + c];
            y[y_off + r * dim + c] = v;
        }
        mean[mean_off + r] = mu;
        rstd[rstd_off + r] = rs;
    }
}

__kernel void lowp_norm_backward_dx(__global const float *x, lowp_size x_off, __global const float *g,
                                    lowp_size g_off, __global const float *mean, lowp_size mean_off,
                                    __global const float *rstd, lowp_size rstd_off, __global const float *dy,
                                    lowp_size dy_off, __global float *dx, lowp_size dx_off, lowp_size rows,
                                    lowp_size dim, int kind, int accumulate)
{
    for (lowp_size r = get_global_id(0); r < rows; r += get_global_size(0)) {
        __global const float *xr = x + x_off + r * dim;
        __global const float *dyr = dy + dy_off + r * dim;
        __global float *dxr = dx + dx_off + r * dim;
        float mu = kind == 0 ? mean[mean_off + r] : 0.0f, rs = rstd[rstd_off + r];
        float m1 = 0.0f, m2 = 0.0f;
        for (lowp_size c = 0; c < dim; ++c) {
            float xh = (xr[c] - mu) * rs, dxh = dyr[c] * g[g_off + c];
            m1 += dxh;
            m2 += dxh * xh;
        }
        m1 = kind == 0 ? m1 / (float)dim : 0.0f;
        m2 /= (float)dim;
        for (lowp_size c = 0; c < dim; ++c) {
            float xh = (xr[c] - mu) * rs, dxh = dyr[c] * g[g_off + c];
            float v = rs * (dxh - m1 - xh * m2);
            dxr[c] = accumulate ? dxr[c] + v : v;
        }
    }
}

__kernel void lowp_norm_backward_dg(__global const float *x, lowp_size x_off, __global const float *mean,
                                    lowp_size mean_off, __global const float *rstd, lowp_size rstd_off,
                                    __global const float *dy, lowp_size dy_off, __global float *dg, lowp_size dg_off,
                                    __global float *db, lowp_size db_off, lowp_size rows, lowp_size dim, int kind,
                                    int has_bias)
{
    for (lowp_size c = get_global_id(0); c < dim; c += get_global_size(0)) {
        float sg = 0.0f, sb = 0.0f;
        for (lowp_size r = 0; r < rows; ++r) {
            float mu = kind == 0 ? mean[mean_off + r] : 0.0f;
            float d = dy[dy_off + r * dim + c];
            sg += d * ((x[x_off + r * dim + c] - mu) * rstd[rstd_off + r]);
            sb += d;
        }
        dg[dg_off + c] += sg;
        if (has_bias)
            db[db_off + c] += sb;
    }
}

/* ---- rope: one work-item per (row, head, pair) ---- */

__kernel void lowp_rope(__global float *x, lowp_size x_off, __global const float *table, lowp_size table_off,
                        lowp_size rows, lowp_size seq, lowp_size heads, lowp_size head_dim, lowp_size row_stride,
                        int inverse)
{
    lowp_size hd2 = head_dim / 2, n = rows * heads * hd2;
    for (lowp_size i = get_global_id(0); i < n; i += get_global_size(0)) {
        lowp_size p = i % hd2, h = (i / hd2) % heads, r = i / (hd2 * heads);
        __global const float *tr = table + table_off + (r % seq) * head_dim;
        float cs = tr[p], sn = inverse ? -tr[hd2 + p] : tr[hd2 + p];
        __global float *xh = x + x_off + r * row_stride + h * head_dim;
        float a = xh[p], b = xh[hd2 + p];
        xh[p] = a * cs - b * sn;
        xh[hd2 + p] = b * cs + a * sn;
    }
}

/* ---- attention: one work-item per (batch*head, query row) for the forward
 * and dQ, per (batch*head, key row) for dK/dV. Online softmax: nothing T x T
 * is stored. qkv rows are [q | k | v], each C = heads*HS wide. ---- */

inline float lowp_attn_score(__global const float *q, __global const float *k, float scale)
{
    float s = 0.0f;
    for (int e = 0; e < HS; ++e)
        s += q[e] * k[e];
    return s * scale;
}

inline float lowp_attn_keep(float p, ulong seed, ulong stream, lowp_size bh, lowp_size i, lowp_size j, lowp_size T,
                            float keep_scale)
{
    if (p <= 0.0f)
        return 1.0f;
    return lowp_model_keep(lowp_philox_word(seed, stream, (bh * T + i) * T + j), p) ? keep_scale : 0.0f;
}

__kernel void lowp_attention_forward(__global const float *qkv, lowp_size qkv_off, __global float *out,
                                     lowp_size out_off, __global float *lse, lowp_size lse_off, lowp_size batch,
                                     lowp_size T, lowp_size heads, float dropout, ulong seed, ulong stream)
{
    const lowp_size C = heads * HS, stride = 3 * C;
    const float scale = 1.0f / sqrt((float)HS), keep_scale = 1.0f / (1.0f - dropout);
    for (lowp_size item = get_global_id(0); item < batch * heads * T; item += get_global_size(0)) {
        lowp_size i = item % T, bh = item / T, b = bh / heads, h = bh % heads;
        __global const float *base = qkv + qkv_off + b * T * stride;
        __global const float *q = base + i * stride + h * HS;
        float o[HS];
        for (int e = 0; e < HS; ++e)
            o[e] = 0.0f;
        float m = -INFINITY, l = 0.0f;
        for (lowp_size j = 0; j <= i; ++j) {
            float s = lowp_attn_score(q, base + j * stride + C + h * HS, scale);
            float mn = fmax(m, s), corr = exp(m - mn), p = exp(s - mn);
            l = l * corr + p;
            float w = p * lowp_attn_keep(dropout, seed, stream, bh, i, j, T, keep_scale);
            __global const float *v = base + j * stride + 2 * C + h * HS;
            for (int e = 0; e < HS; ++e)
                o[e] = o[e] * corr + w * v[e];
            m = mn;
        }
        float inv = 1.0f / l;
        for (int e = 0; e < HS; ++e)
            out[out_off + (b * T + i) * C + h * HS + e] = o[e] * inv;
        lse[lse_off + bh * T + i] = m + log(l);
    }
}

__kernel void lowp_attention_delta(__global const float *out, lowp_size out_off, __global const float *dout,
                                   lowp_size dout_off, __global float *delta, lowp_size delta_off, lowp_size batch,
                                   lowp_size T, lowp_size heads)
{
    const lowp_size C = heads * HS;
    for (lowp_size item = get_global_id(0); item < batch * heads * T; item += get_global_size(0)) {
        lowp_size i = item % T, bh = item / T, b = bh / heads, h = bh % heads;
        lowp_size at = (b * T + i) * C + h * HS;
        float s = 0.0f;
        for (int e = 0; e < HS; ++e)
            s += dout[dout_off + at + e] * out[out_off + at + e];
        delta[delta_off + bh * T + i] = s;
    }
}

__kernel void lowp_attention_backward_dq(__global const float *qkv, lowp_size qkv_off, __global const float *lse,
                                         lowp_size lse_off, __global const float *dout, lowp_size dout_off,
                                         __global const float *delta, lowp_size delta_off, __global float *dqkv,
                                         lowp_size dqkv_off, lowp_size batch, lowp_size T, lowp_size heads,
                                         float dropout, ulong seed, ulong stream)
{
    const lowp_size C = heads * HS, stride = 3 * C;
    const float scale = 1.0f / sqrt((float)HS), keep_scale = 1.0f / (1.0f - dropout);
    for (lowp_size item = get_global_id(0); item < batch * heads * T; item += get_global_size(0)) {
        lowp_size i = item % T, bh = item / T, b = bh / heads, h = bh % heads;
        __global const float *base = qkv + qkv_off + b * T * stride;
        __global const float *q = base + i * stride + h * HS;
        __global const float *dob = dout + dout_off + (b * T + i) * C + h * HS;
        float l = lse[lse_off + bh * T + i], di = delta[delta_off + bh * T + i];
        float acc[HS];
        for (int e = 0; e < HS; ++e)
            acc[e] = 0.0f;
        for (lowp_size j = 0; j <= i; ++j) {
            __global const float *k = base + j * stride + C + h * HS, *v = base + j * stride + 2 * C + h * HS;
            float p = exp(lowp_attn_score(q, k, scale) - l), dp = 0.0f;
            for (int e = 0; e < HS; ++e)
                dp += dob[e] * v[e];
            float ds = p * (dp * lowp_attn_keep(dropout, seed, stream, bh, i, j, T, keep_scale) - di);
            for (int e = 0; e < HS; ++e)
                acc[e] += ds * k[e];
        }
        __global float *dq = dqkv + dqkv_off + (b * T + i) * stride + h * HS;
        for (int e = 0; e < HS; ++e)
            dq[e] = acc[e] * scale;
    }
}

__kernel void lowp_attention_backward_dkv(__global const float *qkv, lowp_size qkv_off, __global const float *lse,
                                          lowp_size lse_off, __global const float *dout, lowp_size dout_off,
                                          __global const float *delta, lowp_size delta_off, __global float *dqkv,
                                          lowp_size dqkv_off, lowp_size batch, lowp_size T, lowp_size heads,
                                          float dropout, ulong seed, ulong stream)
{
    const lowp_size C = heads * HS, stride = 3 * C;
    const float scale = 1.0f / sqrt((float)HS), keep_scale = 1.0f / (1.0f - dropout);
    for (lowp_size item = get_global_id(0); item < batch * heads * T; item += get_global_size(0)) {
        lowp_size j = item % T, bh = item / T, b = bh / heads, h = bh % heads;
        __global const float *base = qkv + qkv_off + b * T * stride;
        __global const float *k = base + j * stride + C + h * HS, *v = base + j * stride + 2 * C + h * HS;
        float dk[HS], dv[HS];
        for (int e = 0; e < HS; ++e)
            dk[e] = dv[e] = 0.0f;
        for (lowp_size i = j; i < T; ++i) {
            __global const float *q = base + i * stride + h * HS;
            __global const float *dob = dout + dout_off + (b * T + i) * C + h * HS;
            float p = exp(lowp_attn_score(q, k, scale) - lse[lse_off + bh * T + i]), dp = 0.0f;
            float keep = lowp_attn_keep(dropout, seed, stream, bh, i, j, T, keep_scale);
            for (int e = 0; e < HS; ++e)
                dp += dob[e] * v[e];
            float ds = p * (dp * keep - delta[delta_off + bh * T + i]), pk = p * keep;
            for (int e = 0; e < HS; ++e) {
                dk[e] += ds * q[e];
                dv[e] += pk * dob[e];
            }
        }
        __global float *dst = dqkv + dqkv_off + (b * T + j) * stride + h * HS;
        for (int e = 0; e < HS; ++e) {
            dst[C + e] = dk[e] * scale;
            dst[2 * C + e] = dv[e];
        }
    }
}

/* ---- activations: kind 0 GELU (tanh), 1 SwiGLU ([gate | up] rows) ----
 * GELU through the logistic function: 1 + tanh(u) = 2 s with s =
 * sigmoid(2u), and 1 - tanh(u)^2 = 4 s (1 - s), so nothing cancels for
 * large |x| (the tanh form lost all digits of the backward below x ~ -10);
 * exp overflowing to Inf gives s = 0, as it should. */

#define LOWP_GELU_K 0.7978845608028654f
#define LOWP_GELU_A 0.044715f

__kernel void lowp_act_forward(__global const float *in, lowp_size in_off, __global float *out, lowp_size out_off,
                               lowp_size rows, lowp_size hidden, int kind)
{
    for (lowp_size i = get_global_id(0); i < rows * hidden; i += get_global_size(0)) {
        lowp_size r = i / hidden, c = i % hidden;
        float v;
        if (kind == 0) {
            float x = in[in_off + i];
            v = x / (1.0f + exp(-2.0f * LOWP_GELU_K * (x + LOWP_GELU_A * x * x * x)));
        } else {
            float g = in[in_off + r * 2 * hidden + c], u = in[in_off + r * 2 * hidden + hidden + c];
            v = g / (1.0f + exp(-g)) * u;
        }
        out[out_off + i] = v;
    }
}

__kernel void lowp_act_backward(__global const float *in, lowp_size in_off, __global const float *dout,
                                lowp_size dout_off, __global float *din, lowp_size din_off, lowp_size rows,
                                lowp_size hidden, int kind)
{
    for (lowp_size i = get_global_id(0); i < rows * hidden; i += get_global_size(0)) {
        lowp_size r = i / hidden, c = i % hidden;
        float dy = dout[dout_off + i];
        if (kind == 0) {
            float x = in[in_off + i];
            float s = 1.0f / (1.0f + exp(-2.0f * LOWP_GELU_K * (x + LOWP_GELU_A * x * x * x)));
            float d = s + 2.0f * x * s * (1.0f - s) * LOWP_GELU_K * (1.0f + 3.0f * LOWP_GELU_A * x * x);
            din[din_off + i] = dy * d;
        } else {
            float g = in[in_off + r * 2 * hidden + c], u = in[in_off + r * 2 * hidden + hidden + c];
            float sg = 1.0f / (1.0f + exp(-g));
            din[din_off + r * 2 * hidden + c] = dy * u * sg * (1.0f + g * (1.0f - sg));
            din[din_off + r * 2 * hidden + hidden + c] = dy * g * sg;
        }
    }
}

/* ---- dropout (x and y may be the same elements) ---- */

__kernel void lowp_dropout(__global const float *x, lowp_size x_off, __global float *y, lowp_size y_off,
                           lowp_size count, float p, ulong seed, ulong stream)
{
    const float scale = 1.0f / (1.0f - p);
    for (lowp_size i = get_global_id(0); i < count; i += get_global_size(0)) {
        float v = x[x_off + i];
        if (p > 0.0f)
            v = lowp_model_keep(lowp_philox_word(seed, stream, i), p) ? v * scale : 0.0f;
        y[y_off + i] = v;
    }
}

/* ---- softmax cross-entropy with its gradient: one work-item per row ---- */

__kernel void lowp_xent(__global const float *logits, lowp_size logits_off, __global const int *target,
                        lowp_size target_off, __global float *loss, lowp_size loss_off, __global float *dlogits,
                        lowp_size dlogits_off, lowp_size rows, lowp_size vocab, float grad_scale)
{
    for (lowp_size r = get_global_id(0); r < rows; r += get_global_size(0)) {
        __global const float *x = logits + logits_off + r * vocab;
        __global float *dx = dlogits + dlogits_off + r * vocab;
        int t = target[target_off + r];
        if (t < 0 || (lowp_size)t >= vocab) {
            loss[loss_off + r] = 0.0f;
            for (lowp_size c = 0; c < vocab; ++c)
                dx[c] = 0.0f;
            continue;
        }
        float mx = -INFINITY, sum = 0.0f;
        for (lowp_size c = 0; c < vocab; ++c)
            mx = fmax(mx, x[c]);
        for (lowp_size c = 0; c < vocab; ++c)
            sum += exp(x[c] - mx);
        float l = mx + log(sum);
        loss[loss_off + r] = l - x[t];
        for (lowp_size c = 0; c < vocab; ++c)
            dx[c] = (exp(x[c] - l) - (c == (lowp_size)t ? 1.0f : 0.0f)) * grad_scale;
    }
}

/* ---- bias ---- */

__kernel void lowp_bias_add(__global const float *b, lowp_size b_off, __global float *y, lowp_size y_off,
                            lowp_size rows, lowp_size cols)
{
    for (lowp_size i = get_global_id(0); i < rows * cols; i += get_global_size(0))
        y[y_off + i] += b[b_off + i % cols];
}

__kernel void lowp_bias_grad(__global const float *dy, lowp_size dy_off, __global float *db, lowp_size db_off,
                             lowp_size rows, lowp_size cols)
{
    for (lowp_size c = get_global_id(0); c < cols; c += get_global_size(0))
        for (lowp_size r = 0; r < rows; ++r)
            db[db_off + c] += dy[dy_off + r * cols + c];
}
