/* cl_model.c — launches of kernels/model.cl. Most kernels are grid-stride
 * loops over rows, columns or elements; the attention kernels are built per
 * head size (-DHS). */
#include "cl_model.h"

#include <stdio.h>

#include "cl_impl.h"

static lowp_status kernel(struct lowp_context *ctx, const char *name, cl_kernel *k)
{
    return lowp_cl_kernel_get(ctx, "model", NULL, name, k);
}

/* Head sizes the private accumulators of the attention kernels can hold. */
#define MODEL_MAX_HEAD_DIM 256

static lowp_status attn_kernel(struct lowp_context *ctx, size_t head_dim, const char *name, cl_kernel *k)
{
    if (head_dim > MODEL_MAX_HEAD_DIM)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "%s: head_dim %zu > %d is not supported by the OpenCL attention",
                          name, head_dim, MODEL_MAX_HEAD_DIM);
    char options[32];
    snprintf(options, sizeof options, "-DHS=%zu", head_dim);
    return lowp_cl_kernel_get(ctx, "model", options, name, k);
}

#define MEM(buf) ((buf) != NULL ? (cl_mem)(buf)->handle : NULL)
/* Set argument i from an lvalue, then move on. */
#define ARG(k, i, v) LOWP_CL_ARG(k, (i), v)

lowp_status lowp_cl_embed_forward(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                  const struct lowp_buffer *tok, const struct lowp_buffer *wte,
                                  const struct lowp_buffer *wpe, struct lowp_buffer *out)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_embed_forward", &k));
    cl_mem t = MEM(tok), w = MEM(wte), p = wpe != NULL ? MEM(wpe) : MEM(wte), o = MEM(out);
    cl_ulong to = d->tok_offset, wo = d->wte_offset, po = d->wpe_offset, oo = d->out_offset, rows = d->rows,
             seq = d->seq, dim = d->dim, vocab = d->vocab;
    cl_int learned = d->learned_pos != 0;
    ARG(k, 0, t); ARG(k, 1, to); ARG(k, 2, w); ARG(k, 3, wo); ARG(k, 4, p); ARG(k, 5, po); ARG(k, 6, o);
    ARG(k, 7, oo); ARG(k, 8, rows); ARG(k, 9, seq); ARG(k, 10, dim); ARG(k, 11, vocab); ARG(k, 12, learned);
    return lowp_cl_launch_items(ctx, k, d->rows * d->dim);
}

lowp_status lowp_cl_embed_backward(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                   const struct lowp_buffer *tok, const struct lowp_buffer *dout,
                                   struct lowp_buffer *dwte, struct lowp_buffer *dwpe)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_embed_backward", &k));
    cl_mem t = MEM(tok), g = MEM(dout), w = MEM(dwte), p = dwpe != NULL ? MEM(dwpe) : MEM(dwte);
    cl_ulong to = d->tok_offset, go = d->out_offset, wo = d->wte_offset, po = d->wpe_offset, rows = d->rows,
             seq = d->seq, dim = d->dim, vocab = d->vocab;
    cl_int learned = d->learned_pos != 0;
    ARG(k, 0, t); ARG(k, 1, to); ARG(k, 2, g); ARG(k, 3, go); ARG(k, 4, w); ARG(k, 5, wo); ARG(k, 6, p);
    ARG(k, 7, po); ARG(k, 8, rows); ARG(k, 9, seq); ARG(k, 10, dim); ARG(k, 11, vocab); ARG(k, 12, learned);
    return lowp_cl_launch_items(ctx, k, d->dim);
}

lowp_status lowp_cl_norm_forward(struct lowp_context *ctx, const struct lowp_norm_desc *d, const struct lowp_buffer *x,
                                 const struct lowp_buffer *g, const struct lowp_buffer *b, struct lowp_buffer *y,
                                 struct lowp_buffer *mean, struct lowp_buffer *rstd)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_norm_forward", &k));
    cl_mem xm = MEM(x), gm = MEM(g), bm = b != NULL ? MEM(b) : MEM(g), ym = MEM(y), mm = MEM(mean), rm = MEM(rstd);
    cl_ulong xo = d->x_offset, go = d->g_offset, bo = d->b_offset, yo = d->y_offset, mo = d->mean_offset,
             ro = d->rstd_offset, rows = d->rows, dim = d->dim;
    cl_float eps = d->eps;
    cl_int kind = (cl_int)d->kind, hb = d->has_bias != 0;
    ARG(k, 0, xm); ARG(k, 1, xo); ARG(k, 2, gm); ARG(k, 3, go); ARG(k, 4, bm); ARG(k, 5, bo); ARG(k, 6, ym);
    ARG(k, 7, yo); ARG(k, 8, mm); ARG(k, 9, mo); ARG(k, 10, rm); ARG(k, 11, ro); ARG(k, 12, rows); ARG(k, 13, dim);
    ARG(k, 14, eps); ARG(k, 15, kind); ARG(k, 16, hb);
    return lowp_cl_launch_items(ctx, k, d->rows);
}

lowp_status lowp_cl_norm_backward(struct lowp_context *ctx, const struct lowp_norm_desc *d,
                                  const struct lowp_buffer *x, const struct lowp_buffer *g,
                                  const struct lowp_buffer *mean, const struct lowp_buffer *rstd,
                                  const struct lowp_buffer *dy, struct lowp_buffer *dx, struct lowp_buffer *dg,
                                  struct lowp_buffer *db)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_norm_backward_dx", &k));
    cl_mem xm = MEM(x), gm = MEM(g), mm = MEM(mean), rm = MEM(rstd), dym = MEM(dy), dxm = MEM(dx), dgm = MEM(dg),
           dbm = db != NULL ? MEM(db) : MEM(dg);
    cl_ulong xo = d->x_offset, go = d->g_offset, mo = d->mean_offset, ro = d->rstd_offset, dyo = d->y_offset,
             dxo = d->dx_offset, dgo = d->dg_offset, dbo = d->db_offset, rows = d->rows, dim = d->dim;
    cl_int kind = (cl_int)d->kind, acc = d->accumulate != 0, hb = d->has_bias != 0;
    ARG(k, 0, xm); ARG(k, 1, xo); ARG(k, 2, gm); ARG(k, 3, go); ARG(k, 4, mm); ARG(k, 5, mo); ARG(k, 6, rm);
    ARG(k, 7, ro); ARG(k, 8, dym); ARG(k, 9, dyo); ARG(k, 10, dxm); ARG(k, 11, dxo); ARG(k, 12, rows);
    ARG(k, 13, dim); ARG(k, 14, kind); ARG(k, 15, acc);
    LOWP_TRY(lowp_cl_launch_items(ctx, k, d->rows));
    LOWP_TRY(kernel(ctx, "lowp_norm_backward_dg", &k));
    ARG(k, 0, xm); ARG(k, 1, xo); ARG(k, 2, mm); ARG(k, 3, mo); ARG(k, 4, rm); ARG(k, 5, ro); ARG(k, 6, dym);
    ARG(k, 7, dyo); ARG(k, 8, dgm); ARG(k, 9, dgo); ARG(k, 10, dbm); ARG(k, 11, dbo); ARG(k, 12, rows);
    ARG(k, 13, dim); ARG(k, 14, kind); ARG(k, 15, hb);
    return lowp_cl_launch_items(ctx, k, d->dim);
}

lowp_status lowp_cl_rope_apply(struct lowp_context *ctx, const struct lowp_rope_desc *d,
                               const struct lowp_buffer *table, struct lowp_buffer *x)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_rope", &k));
    cl_mem xm = MEM(x), tm = MEM(table);
    cl_ulong xo = d->x_offset, to = d->table_offset, rows = d->rows, seq = d->seq, heads = d->heads,
             hd = d->head_dim, rs = d->row_stride;
    cl_int inv = d->inverse != 0;
    ARG(k, 0, xm); ARG(k, 1, xo); ARG(k, 2, tm); ARG(k, 3, to); ARG(k, 4, rows); ARG(k, 5, seq); ARG(k, 6, heads);
    ARG(k, 7, hd); ARG(k, 8, rs); ARG(k, 9, inv);
    return lowp_cl_launch_items(ctx, k, d->rows * d->heads * (d->head_dim / 2));
}

lowp_status lowp_cl_attention_forward(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                      const struct lowp_buffer *qkv, struct lowp_buffer *out, struct lowp_buffer *lse)
{
    cl_kernel k;
    LOWP_TRY(attn_kernel(ctx, d->head_dim, "lowp_attention_forward", &k));
    cl_mem qm = MEM(qkv), om = MEM(out), lm = MEM(lse);
    cl_ulong qo = d->qkv_offset, oo = d->out_offset, lo = d->lse_offset, b = d->batch, T = d->seq, H = d->heads,
             seed = d->seed, stream = d->stream;
    cl_float p = d->dropout;
    ARG(k, 0, qm); ARG(k, 1, qo); ARG(k, 2, om); ARG(k, 3, oo); ARG(k, 4, lm); ARG(k, 5, lo); ARG(k, 6, b);
    ARG(k, 7, T); ARG(k, 8, H); ARG(k, 9, p); ARG(k, 10, seed); ARG(k, 11, stream);
    return lowp_cl_launch_items(ctx, k, d->batch * d->heads * d->seq);
}

lowp_status lowp_cl_attention_backward(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                       const struct lowp_buffer *qkv, const struct lowp_buffer *out,
                                       const struct lowp_buffer *lse, const struct lowp_buffer *dout,
                                       struct lowp_buffer *dqkv, struct lowp_buffer *delta)
{
    cl_kernel k;
    cl_mem qm = MEM(qkv), om = MEM(out), lm = MEM(lse), dom = MEM(dout), dqm = MEM(dqkv), dm = MEM(delta);
    cl_ulong qo = d->qkv_offset, oo = d->out_offset, lo = d->lse_offset, doo = d->dout_offset, dqo = d->dqkv_offset,
             dlo = d->delta_offset, b = d->batch, T = d->seq, H = d->heads, seed = d->seed, stream = d->stream;
    cl_float p = d->dropout;
    size_t items = d->batch * d->heads * d->seq;
    LOWP_TRY(attn_kernel(ctx, d->head_dim, "lowp_attention_delta", &k));
    ARG(k, 0, om); ARG(k, 1, oo); ARG(k, 2, dom); ARG(k, 3, doo); ARG(k, 4, dm); ARG(k, 5, dlo); ARG(k, 6, b);
    ARG(k, 7, T); ARG(k, 8, H);
    LOWP_TRY(lowp_cl_launch_items(ctx, k, items));
    const char *names[2] = {"lowp_attention_backward_dq", "lowp_attention_backward_dkv"};
    for (int i = 0; i < 2; ++i) {
        LOWP_TRY(attn_kernel(ctx, d->head_dim, names[i], &k));
        ARG(k, 0, qm); ARG(k, 1, qo); ARG(k, 2, lm); ARG(k, 3, lo); ARG(k, 4, dom); ARG(k, 5, doo); ARG(k, 6, dm);
        ARG(k, 7, dlo); ARG(k, 8, dqm); ARG(k, 9, dqo); ARG(k, 10, b); ARG(k, 11, T); ARG(k, 12, H); ARG(k, 13, p);
        ARG(k, 14, seed); ARG(k, 15, stream);
        LOWP_TRY(lowp_cl_launch_items(ctx, k, items));
    }
    return LOWP_OK;
}

lowp_status lowp_cl_act_forward(struct lowp_context *ctx, const struct lowp_act_desc *d, const struct lowp_buffer *in,
                                struct lowp_buffer *out)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_act_forward", &k));
    cl_mem im = MEM(in), om = MEM(out);
    cl_ulong io = d->in_offset, oo = d->out_offset, rows = d->rows, hid = d->hidden;
    cl_int kind = (cl_int)d->kind;
    ARG(k, 0, im); ARG(k, 1, io); ARG(k, 2, om); ARG(k, 3, oo); ARG(k, 4, rows); ARG(k, 5, hid); ARG(k, 6, kind);
    return lowp_cl_launch_items(ctx, k, d->rows * d->hidden);
}

lowp_status lowp_cl_act_backward(struct lowp_context *ctx, const struct lowp_act_desc *d, const struct lowp_buffer *in,
                                 const struct lowp_buffer *dout, struct lowp_buffer *din)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_act_backward", &k));
    cl_mem im = MEM(in), gm = MEM(dout), dm = MEM(din);
    cl_ulong io = d->in_offset, go = d->out_offset, dio = d->din_offset, rows = d->rows, hid = d->hidden;
    cl_int kind = (cl_int)d->kind;
    ARG(k, 0, im); ARG(k, 1, io); ARG(k, 2, gm); ARG(k, 3, go); ARG(k, 4, dm); ARG(k, 5, dio); ARG(k, 6, rows);
    ARG(k, 7, hid); ARG(k, 8, kind);
    return lowp_cl_launch_items(ctx, k, d->rows * d->hidden);
}

lowp_status lowp_cl_dropout_apply(struct lowp_context *ctx, const struct lowp_dropout_desc *d,
                                  const struct lowp_buffer *x, struct lowp_buffer *y)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_dropout", &k));
    cl_mem xm = MEM(x), ym = MEM(y);
    cl_ulong xo = d->x_offset, yo = d->y_offset, n = d->count, seed = d->seed, stream = d->stream;
    cl_float p = d->p;
    ARG(k, 0, xm); ARG(k, 1, xo); ARG(k, 2, ym); ARG(k, 3, yo); ARG(k, 4, n); ARG(k, 5, p); ARG(k, 6, seed);
    ARG(k, 7, stream);
    return lowp_cl_launch_items(ctx, k, d->count);
}

lowp_status lowp_cl_xent_forward(struct lowp_context *ctx, const struct lowp_xent_desc *d,
                                 const struct lowp_buffer *logits, const struct lowp_buffer *target,
                                 struct lowp_buffer *loss, struct lowp_buffer *dlogits)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_xent", &k));
    cl_mem lm = MEM(logits), tm = MEM(target), sm = MEM(loss), dm = MEM(dlogits);
    cl_ulong lo = d->logits_offset, to = d->target_offset, so = d->loss_offset, dlo = d->dlogits_offset,
             rows = d->rows, vocab = d->vocab;
    cl_float gs = d->grad_scale;
    ARG(k, 0, lm); ARG(k, 1, lo); ARG(k, 2, tm); ARG(k, 3, to); ARG(k, 4, sm); ARG(k, 5, so); ARG(k, 6, dm);
    ARG(k, 7, dlo); ARG(k, 8, rows); ARG(k, 9, vocab); ARG(k, 10, gs);
    return lowp_cl_launch_items(ctx, k, d->rows);
}

lowp_status lowp_cl_bias_add(struct lowp_context *ctx, const struct lowp_bias_desc *d, const struct lowp_buffer *b,
                             struct lowp_buffer *y)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_bias_add", &k));
    cl_mem bm = MEM(b), ym = MEM(y);
    cl_ulong bo = d->b_offset, yo = d->y_offset, rows = d->rows, cols = d->cols;
    ARG(k, 0, bm); ARG(k, 1, bo); ARG(k, 2, ym); ARG(k, 3, yo); ARG(k, 4, rows); ARG(k, 5, cols);
    return lowp_cl_launch_items(ctx, k, d->rows * d->cols);
}

lowp_status lowp_cl_bias_grad(struct lowp_context *ctx, const struct lowp_bias_desc *d, const struct lowp_buffer *dy,
                              struct lowp_buffer *db)
{
    cl_kernel k;
    LOWP_TRY(kernel(ctx, "lowp_bias_grad", &k));
    cl_mem ym = MEM(dy), bm = MEM(db);
    cl_ulong yo = d->y_offset, bo = d->b_offset, rows = d->rows, cols = d->cols;
    ARG(k, 0, ym); ARG(k, 1, yo); ARG(k, 2, bm); ARG(k, 3, bo); ARG(k, 4, rows); ARG(k, 5, cols);
    return lowp_cl_launch_items(ctx, k, d->cols);
}
