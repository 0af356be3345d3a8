/* model_step.c — forward and backward of the whole model on the device:
 * a chain of layer ops on device buffers, no host round trip inside.
 *
 * Dropout streams: stream = (step << 20) | (layer << 4) | site, with sites
 * 0 attention probabilities, 1 attention residual, 2 MLP residual,
 * 3 embedding (layer = layers). Forward and backward of a step use the
 * same streams, so the masks agree. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "model/model_internal.h"

#include "model/model_linear.h"

/* Profiling (bench): with m->prof set, every op is bracketed by context
 * syncs and its wall time added to its category. */
static double prof_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define LOWP_PROF(m, cat, expr)                                      \
    do {                                                             \
        double t0_ = 0.0;                                            \
        if ((m)->prof != NULL) {                                     \
            LOWP_TRY(lowp_context_sync((m)->ctx));                   \
            t0_ = prof_now();                                        \
        }                                                            \
        LOWP_TRY(expr);                                              \
        if ((m)->prof != NULL) {                                     \
            LOWP_TRY(lowp_context_sync((m)->ctx));                   \
            (m)->prof[cat] += prof_now() - t0_;                      \
        }                                                            \
    } while (0)

enum { SITE_ATTN = 0, SITE_RESID1 = 1, SITE_RESID2 = 2, SITE_EMB = 3 };

static uint64_t stream_of(const struct lowp_model *m, size_t layer, int site)
{
    return (m->step << 20) | ((uint64_t)layer << 4) | (uint64_t)site;
}

/* The per-layer views everyone below needs. */
struct shape {
    size_t rows, C, H, hs, F, FO, V, L, bt;
};

static struct shape shape_of(const struct lowp_model *m)
{
    struct shape s = {.rows = m->batch * m->seq, .C = m->cfg.dim, .H = m->cfg.heads, .F = m->hidden,
                      .FO = m->fc_out, .V = m->cfg.vocab, .L = m->cfg.layers};
    s.hs = s.C / s.H;
    s.bt = m->batch * s.H * m->seq;
    return s;
}

static struct lowp_linear lin(const struct lowp_model *m, size_t rows, size_t in, size_t out, size_t w, size_t b)
{
    struct lowp_linear l = {.rows = rows, .in = in, .out = out, .w = m->params, .w_offset = lowp_model_off(m, w),
                            .b = b == LOWP_MODEL_NONE ? NULL : m->params, .b_offset = lowp_model_off(m, b)};
    /* the recipe: the LM head and the last hp_layers blocks may stay in bf16 */
    struct lowp_linear_quant *q = (struct lowp_linear_quant *)&m->quant;
    l.q = q->recipe.kind == LOWP_RECIPE_FP32 && q->recipe.pqt_bits == 0 ? NULL : q;
    size_t layer = m->cfg.layers;
    if (w != m->head)
        sscanf(m->tensors[w].name, "transformer.h.%zu.", &layer);
    l.high_precision = layer + q->recipe.hp_layers >= m->cfg.layers;
    /* SR and RHT streams: purpose 0x04, the step, the weight tensor's index
     * (PQT noise: the same with purpose 0x05, model_linear.c) */
    l.stream = ((uint64_t)0x04u << 56) | (m->step << 16) | ((uint64_t)w << 2);
    return l;
}

static struct lowp_norm_desc norm_desc(const struct lowp_model *m, const struct shape *s, size_t slot, size_t x_offset,
                                       size_t g, size_t b)
{
    struct lowp_norm_desc d = {.kind = m->cfg.norm, .rows = s->rows, .dim = s->C, .eps = m->cfg.norm_eps,
                               .has_bias = b != LOWP_MODEL_NONE, .x_offset = x_offset,
                               .g_offset = lowp_model_off(m, g), .b_offset = lowp_model_off(m, b),
                               .y_offset = slot * s->rows * s->C, .mean_offset = slot * s->rows,
                               .rstd_offset = slot * s->rows};
    d.dg_offset = d.g_offset;
    d.db_offset = d.b_offset;
    return d;
}

static lowp_status dropout(struct lowp_model *m, lowp_buffer *x, lowp_buffer *y, size_t count, size_t layer, int site)
{
    struct lowp_dropout_desc d = {.count = count, .p = m->cfg.dropout, .seed = m->dropout_seed,
                                  .stream = stream_of(m, layer, site)};
    return lowp_dropout_apply(m->ctx, &d, x, y);
}

/* res[dst] = res[src] + drop(tmp_a) */
static lowp_status residual(struct lowp_model *m, const struct shape *s, size_t src, size_t dst, size_t layer, int site)
{
    size_t n = s->rows * s->C;
    if (m->cfg.dropout > 0.0f)
        LOWP_TRY(dropout(m, m->tmp_a, m->tmp_a, n, layer, site));
    LOWP_TRY(lowp_buffer_copy(m->res, dst * n * sizeof(float), m->res, src * n * sizeof(float), n * sizeof(float)));
    return lowp_axpy_f32(m->ctx, n, 1.0f, m->tmp_a, 0, m->res, dst * n);
}

static lowp_status check_tokens(const char *fn, const int32_t *t, size_t n, size_t vocab, int allow_negative,
                                const char *what)
{
    for (size_t i = 0; i < n; ++i)
        if ((t[i] < 0 && !allow_negative) || (t[i] >= 0 && (size_t)t[i] >= vocab))
            return lowp_error(LOWP_ERR_INVALID_ARG, "%s: %s[%zu] = %d is outside [0, %zu)", fn, what, i, (int)t[i],
                              vocab);
    return LOWP_OK;
}

/* Targets are token ids or negative (an ignored row): check them and count
 * the rows the loss averages over. */
static lowp_status count_targets(const char *fn, const int32_t *t, size_t n, size_t vocab, size_t *valid)
{
    LOWP_TRY(check_tokens(fn, t, n, vocab, 1, "targets"));
    *valid = 0;
    for (size_t i = 0; i < n; ++i)
        *valid += t[i] >= 0;
    return LOWP_OK;
}

/* Cross-entropy of the kept logits against m->tgt (already on the device)
 * and its logits gradient, which the next backward starts from. */
static lowp_status xent(struct lowp_model *m, size_t valid, float *loss)
{
    const size_t rows = m->batch * m->seq;
    struct lowp_xent_desc xd = {.rows = rows, .vocab = m->cfg.vocab, .grad_scale = m->grad_scale};
    LOWP_PROF(m, LOWP_PROF_XENT, lowp_xent_forward(m->ctx, &xd, m->logits, m->tgt, m->losses, m->dlogits));
    m->have_targets = 1;
    if (loss != NULL) {
        float sum = 0.0f;
        LOWP_PROF(m, LOWP_PROF_XENT, lowp_reduce_f32(m->ctx, LOWP_REDUCE_SUM, m->losses, 0, rows, &sum));
        *loss = valid > 0 ? sum / (float)valid : 0.0f;
    }
    return LOWP_OK;
}

lowp_status lowp_model_forward(lowp_model *m, const int32_t *tokens, const int32_t *targets, size_t batch, size_t seq,
                               uint64_t step, float *loss)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(tokens);
    LOWP_CHECK_ARG(batch >= 1 && seq >= 1 && seq <= m->cfg.context,
                   "lowp_model_forward: need batch >= 1 and seq in [1, %zu] (got %zu, %zu)", m->cfg.context, batch,
                   seq);
    LOWP_CHECK_ARG(loss == NULL || targets != NULL, "lowp_model_forward: a loss needs targets");
    LOWP_CHECK_ARG(batch <= ((size_t)1 << 24) / seq, "lowp_model_forward: batch x seq = %zu x %zu is too large", batch,
                   seq);
    LOWP_CHECK_ARG(step < ((uint64_t)1 << 44), "lowp_model_forward: step %llu too large for the dropout streams",
                   (unsigned long long)step);
    const size_t rows = batch * seq;
    LOWP_TRY(check_tokens("lowp_model_forward", tokens, rows, m->cfg.vocab, 0, "tokens"));
    size_t valid = 0;
    if (targets != NULL)
        LOWP_TRY(count_targets("lowp_model_forward", targets, rows, m->cfg.vocab, &valid));
    LOWP_TRY(lowp_model_reserve(m, batch, seq));
    m->batch = batch;
    m->seq = seq;
    m->step = step;
    m->have_targets = 0;
    m->have_logits = 0;
    m->grad_scale = valid > 0 ? 1.0f / (float)valid : 0.0f;
    LOWP_TRY(lowp_buffer_write(m->tok, 0, tokens, rows * sizeof(int32_t)));
    if (targets != NULL)
        LOWP_TRY(lowp_buffer_write(m->tgt, 0, targets, rows * sizeof(int32_t)));

    const struct shape s = shape_of(m);
    lowp_context *ctx = m->ctx;
    const size_t n = rows * s.C;
    struct lowp_embed_desc ed = {.rows = rows, .seq = seq, .dim = s.C, .vocab = s.V,
                                 .learned_pos = m->cfg.pos == LOWP_POS_LEARNED, .wte_offset = lowp_model_off(m, m->wte),
                                 .wpe_offset = lowp_model_off(m, m->wpe)};
    LOWP_PROF(m, LOWP_PROF_EMBED, lowp_embed_forward(ctx, &ed, m->tok, m->params, m->params, m->res));
    if (m->cfg.dropout > 0.0f)
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, dropout(m, m->res, m->res, n, s.L, SITE_EMB));

    for (size_t l = 0; l < s.L; ++l) {
        const struct lowp_model_layer *P = &m->layer[l];
        /* attention block */
        struct lowp_norm_desc nd = norm_desc(m, &s, 2 * l, 2 * l * n, P->ln1_g, P->ln1_b);
        LOWP_PROF(m, LOWP_PROF_NORM, lowp_norm_forward(ctx, &nd, m->res, m->params, m->params, m->ln, m->mean, m->rstd));
        struct lowp_linear qkv = lin(m, rows, s.C, 3 * s.C, P->qkv_w, P->qkv_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_forward(ctx, &qkv, m->ln, 2 * l * n, m->qkv, l * 3 * n));
        if (m->cfg.pos == LOWP_POS_ROPE) {
            struct lowp_rope_desc rd = {.rows = rows, .seq = seq, .heads = 2 * s.H, .head_dim = s.hs,
                                        .row_stride = 3 * s.C, .x_offset = l * 3 * n};
            LOWP_PROF(m, LOWP_PROF_ROPE, lowp_rope_apply(ctx, &rd, m->rope_table, m->qkv));
        }
        struct lowp_attn_desc ad = {.batch = batch, .seq = seq, .heads = s.H, .head_dim = s.hs,
                                    .dropout = m->cfg.dropout, .seed = m->dropout_seed,
                                    .stream = stream_of(m, l, SITE_ATTN), .qkv_offset = l * 3 * n,
                                    .out_offset = l * n, .lse_offset = l * s.bt};
        LOWP_PROF(m, LOWP_PROF_ATTENTION, lowp_attention_forward(ctx, &ad, m->qkv, m->att, m->lse));
        struct lowp_linear proj = lin(m, rows, s.C, s.C, P->proj_w, P->proj_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_forward(ctx, &proj, m->att, l * n, m->tmp_a, 0));
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, residual(m, &s, 2 * l, 2 * l + 1, l, SITE_RESID1));
        /* MLP block */
        nd = norm_desc(m, &s, 2 * l + 1, (2 * l + 1) * n, P->ln2_g, P->ln2_b);
        LOWP_PROF(m, LOWP_PROF_NORM, lowp_norm_forward(ctx, &nd, m->res, m->params, m->params, m->ln, m->mean, m->rstd));
        struct lowp_linear fc = lin(m, rows, s.C, s.FO, P->fc_w, P->fc_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_forward(ctx, &fc, m->ln, (2 * l + 1) * n, m->fc, l * rows * s.FO));
        struct lowp_act_desc act = {.kind = m->cfg.mlp, .rows = rows, .hidden = s.F, .in_offset = l * rows * s.FO,
                                    .out_offset = l * rows * s.F};
        LOWP_PROF(m, LOWP_PROF_ACT, lowp_act_forward(ctx, &act, m->fc, m->act));
        struct lowp_linear fc2 = lin(m, rows, s.F, s.C, P->fc2_w, P->fc2_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_forward(ctx, &fc2, m->act, l * rows * s.F, m->tmp_a, 0));
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, residual(m, &s, 2 * l + 1, 2 * l + 2, l, SITE_RESID2));
    }
    struct lowp_norm_desc nf = norm_desc(m, &s, 2 * s.L, 2 * s.L * n, m->lnf_g, m->lnf_b);
    LOWP_PROF(m, LOWP_PROF_NORM, lowp_norm_forward(ctx, &nf, m->res, m->params, m->params, m->ln, m->mean, m->rstd));
    struct lowp_linear head = lin(m, rows, s.C, s.V, m->head, LOWP_MODEL_NONE);
    LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_forward(ctx, &head, m->ln, 2 * s.L * n, m->logits, 0));
    m->have_logits = 1;
    if (targets == NULL)
        return LOWP_OK;
    return xent(m, valid, loss);
}

lowp_status lowp_model_set_targets(lowp_model *m, const int32_t *targets, float *loss)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(targets);
    LOWP_CHECK_ARG(m->have_logits, "lowp_model_set_targets: no forward has run (or the last one failed)");
    const size_t rows = m->batch * m->seq;
    size_t valid = 0;
    LOWP_TRY(count_targets("lowp_model_set_targets", targets, rows, m->cfg.vocab, &valid));
    /* Until the new loss exists, a backward must not run on stale dlogits. */
    m->have_targets = 0;
    m->grad_scale = valid > 0 ? 1.0f / (float)valid : 0.0f;
    LOWP_TRY(lowp_buffer_write(m->tgt, 0, targets, rows * sizeof(int32_t)));
    return xent(m, valid, loss);
}

/* The gradient arriving at a residual branch: drop(dres) in tmp_a, or dres itself. */
static lowp_status branch_grad(struct lowp_model *m, const struct shape *s, size_t layer, int site, lowp_buffer **dy)
{
    if (m->cfg.dropout <= 0.0f) {
        *dy = m->dres;
        return LOWP_OK;
    }
    *dy = m->tmp_a;
    return dropout(m, m->dres, m->tmp_a, s->rows * s->C, layer, site);
}

lowp_status lowp_model_backward(lowp_model *m, int accumulate)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_ARG(m->have_targets, "lowp_model_backward: the last forward had no targets (or failed)");
    lowp_context *ctx = m->ctx;
    const struct shape s = shape_of(m);
    const size_t rows = s.rows, n = rows * s.C;
    lowp_buffer *G = m->grads;
    if (!accumulate)
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, lowp_fill_f32(ctx, G, 0, m->nparams, 0.0f));

    struct lowp_linear head = lin(m, rows, s.C, s.V, m->head, LOWP_MODEL_NONE);
    LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_backward(ctx, &head, m->ln, 2 * s.L * n, m->dlogits, 0, m->tmp_a, 0, 0, G,
                                  lowp_model_off(m, m->head), NULL, 0));
    struct lowp_norm_desc nd = norm_desc(m, &s, 2 * s.L, 2 * s.L * n, m->lnf_g, m->lnf_b);
    nd.y_offset = 0; /* dy = tmp_a */
    LOWP_PROF(m, LOWP_PROF_NORM, lowp_norm_backward(ctx, &nd, m->res, m->params, m->mean, m->rstd, m->tmp_a, m->dres, G, G));

    for (size_t l = s.L; l-- > 0;) {
        const struct lowp_model_layer *P = &m->layer[l];
        lowp_buffer *dy;
        /* MLP block */
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, branch_grad(m, &s, l, SITE_RESID2, &dy));
        struct lowp_linear fc2 = lin(m, rows, s.F, s.C, P->fc2_w, P->fc2_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_backward(ctx, &fc2, m->act, l * rows * s.F, dy, 0, m->big_a, 0, 0, G,
                                      lowp_model_off(m, P->fc2_w), G, lowp_model_off(m, P->fc2_b)));
        struct lowp_act_desc act = {.kind = m->cfg.mlp, .rows = rows, .hidden = s.F, .in_offset = l * rows * s.FO};
        LOWP_PROF(m, LOWP_PROF_ACT, lowp_act_backward(ctx, &act, m->fc, m->big_a, m->big_b));
        struct lowp_linear fc = lin(m, rows, s.C, s.FO, P->fc_w, P->fc_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_backward(ctx, &fc, m->ln, (2 * l + 1) * n, m->big_b, 0, m->tmp_b, 0, 0, G,
                                      lowp_model_off(m, P->fc_w), G, lowp_model_off(m, P->fc_b)));
        nd = norm_desc(m, &s, 2 * l + 1, (2 * l + 1) * n, P->ln2_g, P->ln2_b);
        nd.y_offset = 0;
        nd.accumulate = 1;
        LOWP_PROF(m, LOWP_PROF_NORM, lowp_norm_backward(ctx, &nd, m->res, m->params, m->mean, m->rstd, m->tmp_b, m->dres, G, G));
        /* attention block */
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, branch_grad(m, &s, l, SITE_RESID1, &dy));
        struct lowp_linear proj = lin(m, rows, s.C, s.C, P->proj_w, P->proj_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_backward(ctx, &proj, m->att, l * n, dy, 0, m->tmp_b, 0, 0, G,
                                      lowp_model_off(m, P->proj_w), G, lowp_model_off(m, P->proj_b)));
        struct lowp_attn_desc ad = {.batch = m->batch, .seq = m->seq, .heads = s.H, .head_dim = s.hs,
                                    .dropout = m->cfg.dropout, .seed = m->dropout_seed,
                                    .stream = stream_of(m, l, SITE_ATTN), .qkv_offset = l * 3 * n,
                                    .out_offset = l * n, .lse_offset = l * s.bt};
        LOWP_PROF(m, LOWP_PROF_ATTENTION, lowp_attention_backward(ctx, &ad, m->qkv, m->att, m->lse, m->tmp_b, m->big_a, m->delta));
        if (m->cfg.pos == LOWP_POS_ROPE) {
            struct lowp_rope_desc rd = {.rows = rows, .seq = m->seq, .heads = 2 * s.H, .head_dim = s.hs,
                                        .row_stride = 3 * s.C, .inverse = 1};
            LOWP_PROF(m, LOWP_PROF_ROPE, lowp_rope_apply(ctx, &rd, m->rope_table, m->big_a));
        }
        struct lowp_linear qkv = lin(m, rows, s.C, 3 * s.C, P->qkv_w, P->qkv_b);
        LOWP_PROF(m, LOWP_PROF_LINEAR, lowp_linear_backward(ctx, &qkv, m->ln, 2 * l * n, m->big_a, 0, m->tmp_b, 0, 0, G,
                                      lowp_model_off(m, P->qkv_w), G, lowp_model_off(m, P->qkv_b)));
        nd = norm_desc(m, &s, 2 * l, 2 * l * n, P->ln1_g, P->ln1_b);
        nd.y_offset = 0;
        nd.accumulate = 1;
        LOWP_PROF(m, LOWP_PROF_NORM, lowp_norm_backward(ctx, &nd, m->res, m->params, m->mean, m->rstd, m->tmp_b, m->dres, G, G));
    }
    if (m->cfg.dropout > 0.0f)
        LOWP_PROF(m, LOWP_PROF_RESIDUAL, dropout(m, m->dres, m->dres, n, s.L, SITE_EMB));
    struct lowp_embed_desc ed = {.rows = rows, .seq = m->seq, .dim = s.C, .vocab = s.V,
                                 .learned_pos = m->cfg.pos == LOWP_POS_LEARNED,
                                 .wte_offset = lowp_model_off(m, m->wte), .wpe_offset = lowp_model_off(m, m->wpe)};
    return lowp_embed_backward(ctx, &ed, m->tok, m->dres, G, G);
}

lowp_status lowp_model_read_logits(lowp_model *m, float *host, size_t count)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(host);
    size_t n = m->batch * m->seq * m->cfg.vocab;
    LOWP_CHECK_ARG(m->logits != NULL && n > 0, "lowp_model_read_logits: no forward has run");
    LOWP_CHECK_ARG(count == n, "lowp_model_read_logits: count %zu != batch*seq*vocab %zu", count, n);
    return lowp_buffer_read(m->logits, 0, host, n * sizeof(float));
}
