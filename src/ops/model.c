/* model.c — front-ends of the transformer layer ops (lowp/model.h): every
 * argument checked, then the backend. */
#include <stdint.h>

#include "core/args.h"

/* a*b*c without overflow, or SIZE_MAX (which no buffer can hold). */
static size_t mul3(size_t a, size_t b, size_t c)
{
    if (a != 0 && b > SIZE_MAX / a)
        return SIZE_MAX;
    size_t ab = a * b;
    if (ab != 0 && c > SIZE_MAX / ab)
        return SIZE_MAX;
    return ab * c;
}

#define F32 sizeof(float)
#define I32 sizeof(int32_t)
#define ELEMS(name, buf, off, count, size) LOWP_TRY(lowp_check_elems(__func__, name, ctx, buf, off, count, size))

/* Two ranges of one buffer that overlap but do not coincide. */
static int partial_overlap(const lowp_buffer *a, size_t ao, const lowp_buffer *b, size_t bo, size_t n)
{
    return a == b && ao != bo && ao < bo + n && bo < ao + n;
}

static lowp_status check_embed(lowp_context *ctx, const char *fn, const struct lowp_embed_desc *d)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->rows >= 1 && d->seq >= 1 && d->dim >= 1 && d->vocab >= 1,
                   "%s: rows (%zu), seq (%zu), dim (%zu) and vocab (%zu) must be >= 1", fn, d->rows, d->seq, d->dim,
                   d->vocab);
    LOWP_CHECK_ARG(d->rows % d->seq == 0, "%s: rows (%zu) must be a multiple of seq (%zu)", fn, d->rows, d->seq);
    LOWP_CHECK_ARG(d->vocab <= INT32_MAX, "%s: vocab %zu does not fit int32 token ids", fn, d->vocab);
    return LOWP_OK;
}

lowp_status lowp_embed_forward(lowp_context *ctx, const struct lowp_embed_desc *d, const lowp_buffer *tok,
                               const lowp_buffer *wte, const lowp_buffer *wpe, lowp_buffer *out)
{
    LOWP_TRY(check_embed(ctx, __func__, d));
    ELEMS("tok", tok, d->tok_offset, d->rows, I32);
    ELEMS("wte", wte, d->wte_offset, mul3(d->vocab, d->dim, 1), F32);
    if (d->learned_pos)
        ELEMS("wpe", wpe, d->wpe_offset, mul3(d->seq, d->dim, 1), F32);
    ELEMS("out", out, d->out_offset, mul3(d->rows, d->dim, 1), F32);
    LOWP_BACKEND_ENTRY(ctx, embed_forward);
    return ctx->ops->embed_forward(ctx, d, tok, wte, d->learned_pos ? wpe : NULL, out);
}

lowp_status lowp_embed_backward(lowp_context *ctx, const struct lowp_embed_desc *d, const lowp_buffer *tok,
                                const lowp_buffer *dout, lowp_buffer *dwte, lowp_buffer *dwpe)
{
    LOWP_TRY(check_embed(ctx, __func__, d));
    ELEMS("tok", tok, d->tok_offset, d->rows, I32);
    ELEMS("dout", dout, d->out_offset, mul3(d->rows, d->dim, 1), F32);
    ELEMS("dwte", dwte, d->wte_offset, mul3(d->vocab, d->dim, 1), F32);
    if (d->learned_pos)
        ELEMS("dwpe", dwpe, d->wpe_offset, mul3(d->seq, d->dim, 1), F32);
    LOWP_BACKEND_ENTRY(ctx, embed_backward);
    return ctx->ops->embed_backward(ctx, d, tok, dout, dwte, d->learned_pos ? dwpe : NULL);
}

static lowp_status check_norm(lowp_context *ctx, const char *fn, const struct lowp_norm_desc *d)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->kind == LOWP_NORM_LAYERNORM || d->kind == LOWP_NORM_RMSNORM, "%s: unknown norm kind %d", fn,
                   (int)d->kind);
    LOWP_CHECK_ARG(d->rows >= 1 && d->dim >= 1, "%s: rows (%zu) and dim (%zu) must be >= 1", fn, d->rows, d->dim);
    LOWP_CHECK_ARG(d->eps > 0.0f, "%s: eps must be > 0 (got %g)", fn, (double)d->eps);
    return LOWP_OK;
}

lowp_status lowp_norm_forward(lowp_context *ctx, const struct lowp_norm_desc *d, const lowp_buffer *x,
                              const lowp_buffer *g, const lowp_buffer *b, lowp_buffer *y, lowp_buffer *mean,
                              lowp_buffer *rstd)
{
    LOWP_TRY(check_norm(ctx, __func__, d));
    size_t n = mul3(d->rows, d->dim, 1);
    ELEMS("x", x, d->x_offset, n, F32);
    ELEMS("g", g, d->g_offset, d->dim, F32);
    if (d->has_bias)
        ELEMS("b", b, d->b_offset, d->dim, F32);
    ELEMS("y", y, d->y_offset, n, F32);
    ELEMS("mean", mean, d->mean_offset, d->rows, F32);
    ELEMS("rstd", rstd, d->rstd_offset, d->rows, F32);
    LOWP_BACKEND_ENTRY(ctx, norm_forward);
    return ctx->ops->norm_forward(ctx, d, x, g, d->has_bias ? b : NULL, y, mean, rstd);
}

lowp_status lowp_norm_backward(lowp_context *ctx, const struct lowp_norm_desc *d, const lowp_buffer *x,
                               const lowp_buffer *g, const lowp_buffer *mean, const lowp_buffer *rstd,
                               const lowp_buffer *dy, lowp_buffer *dx, lowp_buffer *dg, lowp_buffer *db)
{
    LOWP_TRY(check_norm(ctx, __func__, d));
    size_t n = mul3(d->rows, d->dim, 1);
    ELEMS("x", x, d->x_offset, n, F32);
    ELEMS("g", g, d->g_offset, d->dim, F32);
    ELEMS("mean", mean, d->mean_offset, d->rows, F32);
    ELEMS("rstd", rstd, d->rstd_offset, d->rows, F32);
    ELEMS("dy", dy, d->y_offset, n, F32);
    ELEMS("dx", dx, d->dx_offset, n, F32);
    ELEMS("dg", dg, d->dg_offset, d->dim, F32);
    if (d->has_bias)
        ELEMS("db", db, d->db_offset, d->dim, F32);
    LOWP_CHECK_ARG(!(dx == dy && d->dx_offset < d->y_offset + n && d->y_offset < d->dx_offset + n),
                   "lowp_norm_backward: dx and dy overlap");
    LOWP_BACKEND_ENTRY(ctx, norm_backward);
    return ctx->ops->norm_backward(ctx, d, x, g, mean, rstd, dy, dx, dg, d->has_bias ? db : NULL);
}

lowp_status lowp_rope_apply(lowp_context *ctx, const struct lowp_rope_desc *d, const lowp_buffer *table,
                            lowp_buffer *x)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->rows >= 1 && d->seq >= 1 && d->heads >= 1 && d->head_dim >= 2 && d->head_dim % 2 == 0,
                   "lowp_rope_apply: need rows, seq, heads >= 1 and an even head_dim >= 2 (got %zu, %zu, %zu, %zu)",
                   d->rows, d->seq, d->heads, d->head_dim);
    LOWP_CHECK_ARG(d->rows % d->seq == 0, "lowp_rope_apply: rows (%zu) must be a multiple of seq (%zu)", d->rows,
                   d->seq);
    size_t width = mul3(d->heads, d->head_dim, 1);
    LOWP_CHECK_ARG(d->row_stride >= width, "lowp_rope_apply: row_stride %zu < heads*head_dim %zu", d->row_stride,
                   width);
    size_t extent = mul3(d->rows - 1, d->row_stride, 1);
    LOWP_CHECK_ARG(extent <= SIZE_MAX - width, "lowp_rope_apply: rows x row_stride overflows");
    ELEMS("x", x, d->x_offset, extent + width, F32);
    ELEMS("table", table, d->table_offset, mul3(d->seq, d->head_dim, 1), F32);
    LOWP_BACKEND_ENTRY(ctx, rope_apply);
    return ctx->ops->rope_apply(ctx, d, table, x);
}

static lowp_status check_attn(lowp_context *ctx, const char *fn, const struct lowp_attn_desc *d, size_t *n_qkv,
                              size_t *n_out, size_t *n_lse)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->batch >= 1 && d->seq >= 1 && d->heads >= 1 && d->head_dim >= 1,
                   "%s: batch, seq, heads and head_dim must be >= 1 (got %zu, %zu, %zu, %zu)", fn, d->batch, d->seq,
                   d->heads, d->head_dim);
    LOWP_CHECK_ARG(d->dropout >= 0.0f && d->dropout < 1.0f, "%s: dropout %g is outside [0, 1)", fn,
                   (double)d->dropout);
    size_t bt = mul3(d->batch, d->seq, 1), c = mul3(d->heads, d->head_dim, 1);
    *n_qkv = mul3(bt, c, 3);
    *n_out = mul3(bt, c, 1);
    *n_lse = mul3(bt, d->heads, 1);
    LOWP_CHECK_ARG(*n_qkv != SIZE_MAX && mul3(*n_lse, d->seq, 1) != SIZE_MAX, "%s: sizes overflow", fn);
    return LOWP_OK;
}

lowp_status lowp_attention_forward(lowp_context *ctx, const struct lowp_attn_desc *d, const lowp_buffer *qkv,
                                   lowp_buffer *out, lowp_buffer *lse)
{
    size_t nq = 0, no = 0, nl = 0;
    LOWP_TRY(check_attn(ctx, __func__, d, &nq, &no, &nl));
    ELEMS("qkv", qkv, d->qkv_offset, nq, F32);
    ELEMS("out", out, d->out_offset, no, F32);
    ELEMS("lse", lse, d->lse_offset, nl, F32);
    LOWP_CHECK_ARG(out != qkv, "lowp_attention_forward: out must not be the qkv buffer");
    LOWP_BACKEND_ENTRY(ctx, attention_forward);
    return ctx->ops->attention_forward(ctx, d, qkv, out, lse);
}

lowp_status lowp_attention_backward(lowp_context *ctx, const struct lowp_attn_desc *d, const lowp_buffer *qkv,
                                    const lowp_buffer *out, const lowp_buffer *lse, const lowp_buffer *dout,
                                    lowp_buffer *dqkv, lowp_buffer *delta)
{
    size_t nq = 0, no = 0, nl = 0;
    LOWP_TRY(check_attn(ctx, __func__, d, &nq, &no, &nl));
    ELEMS("qkv", qkv, d->qkv_offset, nq, F32);
    ELEMS("out", out, d->out_offset, no, F32);
    ELEMS("lse", lse, d->lse_offset, nl, F32);
    ELEMS("dout", dout, d->dout_offset, no, F32);
    ELEMS("dqkv", dqkv, d->dqkv_offset, nq, F32);
    ELEMS("delta", delta, d->delta_offset, nl, F32);
    LOWP_CHECK_ARG(dqkv != qkv && dqkv != out && dqkv != lse && dqkv != dout && delta != dqkv && delta != lse &&
                       delta != out && delta != dout && delta != qkv,
                   "lowp_attention_backward: dqkv and delta must be buffers of their own");
    LOWP_BACKEND_ENTRY(ctx, attention_backward);
    return ctx->ops->attention_backward(ctx, d, qkv, out, lse, dout, dqkv, delta);
}

static lowp_status check_act(lowp_context *ctx, const char *fn, const struct lowp_act_desc *d, size_t *n_in,
                             size_t *n_out)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->kind == LOWP_MLP_GELU || d->kind == LOWP_MLP_SWIGLU, "%s: unknown activation %d", fn,
                   (int)d->kind);
    LOWP_CHECK_ARG(d->rows >= 1 && d->hidden >= 1, "%s: rows (%zu) and hidden (%zu) must be >= 1", fn, d->rows,
                   d->hidden);
    *n_out = mul3(d->rows, d->hidden, 1);
    *n_in = mul3(d->rows, d->hidden, d->kind == LOWP_MLP_SWIGLU ? 2 : 1);
    return LOWP_OK;
}

lowp_status lowp_act_forward(lowp_context *ctx, const struct lowp_act_desc *d, const lowp_buffer *in,
                             lowp_buffer *out)
{
    size_t ni = 0, no = 0;
    LOWP_TRY(check_act(ctx, __func__, d, &ni, &no));
    ELEMS("in", in, d->in_offset, ni, F32);
    ELEMS("out", out, d->out_offset, no, F32);
    LOWP_CHECK_ARG(!(in == out && d->in_offset < d->out_offset + no && d->out_offset < d->in_offset + ni),
                   "lowp_act_forward: in and out overlap");
    LOWP_BACKEND_ENTRY(ctx, act_forward);
    return ctx->ops->act_forward(ctx, d, in, out);
}

lowp_status lowp_act_backward(lowp_context *ctx, const struct lowp_act_desc *d, const lowp_buffer *in,
                              const lowp_buffer *dout, lowp_buffer *din)
{
    size_t ni = 0, no = 0;
    LOWP_TRY(check_act(ctx, __func__, d, &ni, &no));
    ELEMS("in", in, d->in_offset, ni, F32);
    ELEMS("dout", dout, d->out_offset, no, F32);
    ELEMS("din", din, d->din_offset, ni, F32);
    LOWP_CHECK_ARG(din != in && din != dout, "lowp_act_backward: din must be a buffer of its own");
    LOWP_BACKEND_ENTRY(ctx, act_backward);
    return ctx->ops->act_backward(ctx, d, in, dout, din);
}

lowp_status lowp_dropout_apply(lowp_context *ctx, const struct lowp_dropout_desc *d, const lowp_buffer *x,
                               lowp_buffer *y)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->p >= 0.0f && d->p < 1.0f, "lowp_dropout_apply: p %g is outside [0, 1)", (double)d->p);
    ELEMS("x", x, d->x_offset, d->count, F32);
    ELEMS("y", y, d->y_offset, d->count, F32);
    LOWP_CHECK_ARG(!partial_overlap(x, d->x_offset, y, d->y_offset, d->count),
                   "lowp_dropout_apply: x and y overlap partially");
    LOWP_BACKEND_ENTRY(ctx, dropout_apply);
    return d->count == 0 ? LOWP_OK : ctx->ops->dropout_apply(ctx, d, x, y);
}

lowp_status lowp_xent_forward(lowp_context *ctx, const struct lowp_xent_desc *d, const lowp_buffer *logits,
                              const lowp_buffer *target, lowp_buffer *loss, lowp_buffer *dlogits)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->rows >= 1 && d->vocab >= 1 && d->vocab <= INT32_MAX,
                   "lowp_xent_forward: rows (%zu) must be >= 1 and vocab (%zu) in [1, 2^31)", d->rows, d->vocab);
    size_t n = mul3(d->rows, d->vocab, 1);
    ELEMS("logits", logits, d->logits_offset, n, F32);
    ELEMS("target", target, d->target_offset, d->rows, I32);
    ELEMS("loss", loss, d->loss_offset, d->rows, F32);
    ELEMS("dlogits", dlogits, d->dlogits_offset, n, F32);
    LOWP_CHECK_ARG(!partial_overlap(logits, d->logits_offset, dlogits, d->dlogits_offset, n),
                   "lowp_xent_forward: logits and dlogits overlap partially");
    LOWP_CHECK_ARG(loss != logits && loss != dlogits, "lowp_xent_forward: loss must not share the logits buffer");
    LOWP_BACKEND_ENTRY(ctx, xent_forward);
    return ctx->ops->xent_forward(ctx, d, logits, target, loss, dlogits);
}

static lowp_status check_bias(lowp_context *ctx, const char *fn, const struct lowp_bias_desc *d)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->rows >= 1 && d->cols >= 1, "%s: rows (%zu) and cols (%zu) must be >= 1", fn, d->rows, d->cols);
    return LOWP_OK;
}

lowp_status lowp_bias_add(lowp_context *ctx, const struct lowp_bias_desc *d, const lowp_buffer *b, lowp_buffer *y)
{
    LOWP_TRY(check_bias(ctx, __func__, d));
    ELEMS("b", b, d->b_offset, d->cols, F32);
    ELEMS("y", y, d->y_offset, mul3(d->rows, d->cols, 1), F32);
    LOWP_CHECK_ARG(b != y, "lowp_bias_add: b and y must be different buffers");
    LOWP_BACKEND_ENTRY(ctx, bias_add);
    return ctx->ops->bias_add(ctx, d, b, y);
}

lowp_status lowp_bias_grad(lowp_context *ctx, const struct lowp_bias_desc *d, const lowp_buffer *dy, lowp_buffer *db)
{
    LOWP_TRY(check_bias(ctx, __func__, d));
    ELEMS("dy", dy, d->y_offset, mul3(d->rows, d->cols, 1), F32);
    ELEMS("db", db, d->b_offset, d->cols, F32);
    LOWP_CHECK_ARG(db != dy, "lowp_bias_grad: dy and db must be different buffers");
    LOWP_BACKEND_ENTRY(ctx, bias_grad);
    return ctx->ops->bias_grad(ctx, d, dy, db);
}
