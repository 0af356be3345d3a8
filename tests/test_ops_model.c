/* test_ops_model.c — rows of the portability matrix for lowp/model.h: every
 * layer op on every device against backends/cpu/ref/model_ref.c, and the
 * whole model against the PyTorch vectors (tests/vectors/model).
 *
 * Buffers on the device and their host mirrors share one layout: TH_GUARD
 * guard elements, then the payload. Descriptors use offset TH_GUARD for
 * everything, so the reference runs on the mirrors with the very same
 * descriptor. Tolerances: bit-exact for copies, bias sums, embedding
 * scatters and dropout (fp32 adds in a fixed order); otherwise the device's
 * fp32 against the reference's double accumulation (declared per case). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model_vectors.h"
#include "ref/model_ref.h"
#include "test_ops.h"

#ifndef LOWP_MODEL_VECTORS
#define LOWP_MODEL_VECTORS "tests/vectors/model"
#endif

#define G TH_GUARD
static const struct th_tol TOL = {1e-5, 1e-4};      /* elementwise and row ops */
static const struct th_tol TOL_SUM = {1e-4, 1e-4};  /* long sums (attention, column gradients) */

struct arr {
    float *h;      /* host mirror: n + 2G elements */
    lowp_buffer *d; /* device buffer, same layout */
    size_t n;
};

static struct arr arr_new(struct th *t, lowp_context *ctx, size_t n, float lo, float hi, uint64_t seed)
{
    struct arr a = {calloc(n + 2 * G, sizeof(float)), NULL, n};
    if (a.h == NULL)
        return a;
    th_fill_uniform(a.h + G, n, lo, hi, seed);
    if (th_ok(t, th_guarded_alloc(ctx, n, sizeof(float), &a.d), "alloc"))
        th_ok(t, lowp_buffer_write(a.d, G * sizeof(float), a.h + G, n * sizeof(float)), "write");
    return a;
}

static lowp_buffer *ints_new(struct th *t, lowp_context *ctx, int32_t *h, size_t n)
{
    lowp_buffer *b = NULL;
    if (th_ok(t, th_guarded_alloc(ctx, n, sizeof(int32_t), &b), "alloc"))
        th_ok(t, lowp_buffer_write(b, G * sizeof(int32_t), h + G, n * sizeof(int32_t)), "write");
    return b;
}

static void arr_check(struct th *t, const char *what, struct arr *a, struct th_tol tol)
{
    float *got = malloc(a->n * sizeof *got);
    if (got != NULL && th_guarded_read(t, what, a->d, a->n, sizeof(float), got))
        th_compare_f32(t, what, got, a->h + G, a->n, tol);
    free(got);
}

static void arr_free(struct arr *a)
{
    free(a->h);
    lowp_buffer_free(a->d);
}

static void test_embed(struct th *t, lowp_context *ctx)
{
    for (int learned = 0; learned < 2; ++learned) {
        struct lowp_embed_desc d = {.rows = 60, .seq = 20, .dim = 33, .vocab = 11, .learned_pos = learned,
                                    .tok_offset = G, .wte_offset = G, .wpe_offset = G, .out_offset = G};
        int32_t *tok = calloc(60 + 2 * G, sizeof *tok);
        for (size_t i = 0; i < 60; ++i)
            tok[G + i] = (int32_t)((i * 7 + 3) % 11);
        lowp_buffer *bt = ints_new(t, ctx, tok, 60);
        struct arr wte = arr_new(t, ctx, 11 * 33, -1, 1, 1), wpe = arr_new(t, ctx, 20 * 33, -1, 1, 2);
        struct arr out = arr_new(t, ctx, 60 * 33, 0, 0, 3), dout = arr_new(t, ctx, 60 * 33, -1, 1, 4);
        if (th_ok(t, lowp_embed_forward(ctx, &d, bt, wte.d, wpe.d, out.d), "lowp_embed_forward")) {
            lowp_ref_embed_forward(&d, tok, wte.h, wpe.h, out.h);
            arr_check(t, "embed forward", &out, TH_EXACT);
        }
        /* backward accumulates into the existing gradients */
        if (th_ok(t, lowp_embed_backward(ctx, &d, bt, dout.d, wte.d, wpe.d), "lowp_embed_backward")) {
            lowp_ref_embed_backward(&d, tok, dout.h, wte.h, wpe.h);
            arr_check(t, "embed backward dwte", &wte, TH_EXACT);
            if (learned)
                arr_check(t, "embed backward dwpe", &wpe, TH_EXACT);
        }
        free(tok);
        lowp_buffer_free(bt);
        arr_free(&wte), arr_free(&wpe), arr_free(&out), arr_free(&dout);
    }
}

static void test_norm(struct th *t, lowp_context *ctx)
{
    for (int kind = 0; kind < 2; ++kind) {
        const size_t R = 70, D = 96;
        struct lowp_norm_desc d = {.kind = (lowp_norm_kind)kind, .rows = R, .dim = D, .eps = 1e-5f,
                                   .has_bias = kind == 0, .x_offset = G, .g_offset = G, .b_offset = G,
                                   .y_offset = G, .mean_offset = G, .rstd_offset = G, .dx_offset = G,
                                   .dg_offset = G, .db_offset = G};
        struct arr x = arr_new(t, ctx, R * D, -2, 3, 10 + kind), g = arr_new(t, ctx, D, 0.5f, 1.5f, 11);
        struct arr b = arr_new(t, ctx, D, -1, 1, 12), y = arr_new(t, ctx, R * D, 0, 0, 13);
        struct arr mean = arr_new(t, ctx, R, 0, 0, 14), rstd = arr_new(t, ctx, R, 0, 0, 15);
        struct arr dy = arr_new(t, ctx, R * D, -1, 1, 16), dx = arr_new(t, ctx, R * D, -1, 1, 17);
        struct arr dg = arr_new(t, ctx, D, -1, 1, 18), db = arr_new(t, ctx, D, -1, 1, 19);
        if (th_ok(t, lowp_norm_forward(ctx, &d, x.d, g.d, b.d, y.d, mean.d, rstd.d), "lowp_norm_forward")) {
            lowp_ref_norm_forward(&d, x.h, g.h, b.h, y.h, mean.h, rstd.h);
            arr_check(t, kind ? "rmsnorm y" : "layernorm y", &y, TOL);
            arr_check(t, "norm mean", &mean, TOL);
            arr_check(t, "norm rstd", &rstd, TOL);
        }
        /* backward from the reference's saved statistics (uploaded), accumulating into dx */
        th_ok(t, lowp_buffer_write(mean.d, G * 4, mean.h + G, R * 4), "write");
        th_ok(t, lowp_buffer_write(rstd.d, G * 4, rstd.h + G, R * 4), "write");
        d.accumulate = 1;
        if (th_ok(t, lowp_norm_backward(ctx, &d, x.d, g.d, mean.d, rstd.d, dy.d, dx.d, dg.d, db.d),
                  "lowp_norm_backward")) {
            lowp_ref_norm_backward(&d, x.h, g.h, mean.h, rstd.h, dy.h, dx.h, dg.h, db.h);
            arr_check(t, "norm dx", &dx, TOL_SUM);
            arr_check(t, "norm dg", &dg, TOL_SUM);
            if (kind == 0)
                arr_check(t, "norm db", &db, TOL_SUM);
        }
        arr_free(&x), arr_free(&g), arr_free(&b), arr_free(&y), arr_free(&mean), arr_free(&rstd);
        arr_free(&dy), arr_free(&dx), arr_free(&dg), arr_free(&db);
    }
}

static void test_rope(struct th *t, lowp_context *ctx)
{
    const size_t T = 12, hs = 10, H = 6, R = 24, stride = 3 * 30;
    float *table = calloc(T * hs + 2 * G, sizeof *table);
    lowp_rope_table(T, hs, 10000.0, table + G);
    lowp_buffer *bt = NULL;
    if (th_ok(t, th_guarded_alloc(ctx, T * hs, 4, &bt), "alloc"))
        th_ok(t, lowp_buffer_write(bt, G * 4, table + G, T * hs * 4), "write");
    struct arr x = arr_new(t, ctx, R * stride, -2, 2, 20);
    for (int inv = 0; inv < 2; ++inv) {
        struct lowp_rope_desc d = {.rows = R, .seq = T, .heads = H, .head_dim = hs, .row_stride = stride,
                                   .inverse = inv, .x_offset = G, .table_offset = G};
        if (th_ok(t, lowp_rope_apply(ctx, &d, bt, x.d), "lowp_rope_apply")) {
            lowp_ref_rope(&d, table, x.h);
            arr_check(t, inv ? "rope inverse" : "rope", &x, TOL);
        }
    }
    free(table);
    lowp_buffer_free(bt);
    arr_free(&x);
}

static void attention_case(struct th *t, lowp_context *ctx, size_t B, size_t T, size_t H, size_t hs, float p)
{
    const size_t C = H * hs, nq = B * T * 3 * C, no = B * T * C, nl = B * H * T;
    struct lowp_attn_desc d = {.batch = B, .seq = T, .heads = H, .head_dim = hs, .dropout = p, .seed = 77,
                               .stream = 5, .qkv_offset = G, .out_offset = G, .lse_offset = G, .dout_offset = G,
                               .dqkv_offset = G, .delta_offset = G};
    struct arr qkv = arr_new(t, ctx, nq, -1.5f, 1.5f, 30), out = arr_new(t, ctx, no, 0, 0, 31);
    struct arr lse = arr_new(t, ctx, nl, 0, 0, 32), dout = arr_new(t, ctx, no, -1, 1, 33);
    struct arr dqkv = arr_new(t, ctx, nq, 0, 0, 34), delta = arr_new(t, ctx, nl, 0, 0, 35);
    char what[96];
    snprintf(what, sizeof what, "attention B%zu T%zu H%zu hs%zu p%.2f", B, T, H, hs, (double)p);
    if (th_ok(t, lowp_attention_forward(ctx, &d, qkv.d, out.d, lse.d), what)) {
        th_ok(t, lowp_ref_attention_forward(&d, qkv.h, out.h, lse.h), "reference");
        arr_check(t, what, &out, TOL_SUM);
        arr_check(t, what, &lse, TOL_SUM);
    }
    /* backward from the reference's out and lse */
    th_ok(t, lowp_buffer_write(out.d, G * 4, out.h + G, no * 4), "write");
    th_ok(t, lowp_buffer_write(lse.d, G * 4, lse.h + G, nl * 4), "write");
    if (th_ok(t, lowp_attention_backward(ctx, &d, qkv.d, out.d, lse.d, dout.d, dqkv.d, delta.d), what)) {
        th_ok(t, lowp_ref_attention_backward(&d, qkv.h, out.h, lse.h, dout.h, dqkv.h, delta.h), "reference");
        arr_check(t, what, &dqkv, TOL_SUM);
    }
    arr_free(&qkv), arr_free(&out), arr_free(&lse), arr_free(&dout), arr_free(&dqkv), arr_free(&delta);
}

static void test_attention(struct th *t, lowp_context *ctx)
{
    attention_case(t, ctx, 2, 37, 3, 16, 0.0f);
    attention_case(t, ctx, 1, 20, 2, 8, 0.15f);
    attention_case(t, ctx, 3, 1, 1, 4, 0.0f);
}

static void test_act(struct th *t, lowp_context *ctx)
{
    /* inputs in [-5, 5], then [-40, 40] (the fast CPU path clamps its exp argument) */
    for (int kr = 0; kr < 4; ++kr) {
        const int kind = kr % 2;
        const float range = kr < 2 ? 5.0f : 40.0f;
        const size_t R = 37, F = 50, ni = R * F * (kind ? 2 : 1);
        struct lowp_act_desc d = {.kind = (lowp_mlp_kind)kind, .rows = R, .hidden = F, .in_offset = G,
                                  .out_offset = G, .din_offset = G};
        struct arr in = arr_new(t, ctx, ni, -range, range, 40 + (uint64_t)kr), out = arr_new(t, ctx, R * F, 0, 0, 41);
        struct arr dout = arr_new(t, ctx, R * F, -1, 1, 42), din = arr_new(t, ctx, ni, 0, 0, 43);
        if (th_ok(t, lowp_act_forward(ctx, &d, in.d, out.d), "lowp_act_forward")) {
            lowp_ref_act_forward(&d, in.h, out.h);
            arr_check(t, kind ? "swiglu" : "gelu", &out, TOL);
        }
        if (th_ok(t, lowp_act_backward(ctx, &d, in.d, dout.d, din.d), "lowp_act_backward")) {
            lowp_ref_act_backward(&d, in.h, dout.h, din.h);
            arr_check(t, kind ? "swiglu backward" : "gelu backward", &din, TOL);
        }
        arr_free(&in), arr_free(&out), arr_free(&dout), arr_free(&din);
    }
}

static void test_dropout(struct th *t, lowp_context *ctx)
{
    const size_t n = 10007;
    struct arr x = arr_new(t, ctx, n, -1, 1, 50), y = arr_new(t, ctx, n, 0, 0, 51);
    struct lowp_dropout_desc d = {.count = n, .p = 0.3f, .seed = 12, .stream = 99, .x_offset = G, .y_offset = G};
    if (th_ok(t, lowp_dropout_apply(ctx, &d, x.d, y.d), "lowp_dropout_apply")) {
        lowp_ref_dropout(&d, x.h, y.h);
        arr_check(t, "dropout", &y, TH_EXACT);
    }
    /* in place */
    if (th_ok(t, lowp_dropout_apply(ctx, &d, x.d, x.d), "lowp_dropout_apply in place")) {
        lowp_ref_dropout(&d, x.h, x.h);
        arr_check(t, "dropout in place", &x, TH_EXACT);
    }
    arr_free(&x), arr_free(&y);
}

static void test_xent(struct th *t, lowp_context *ctx)
{
    const size_t R = 45, V = 300;
    int32_t *tgt = calloc(R + 2 * G, sizeof *tgt);
    for (size_t i = 0; i < R; ++i)
        tgt[G + i] = i == 7 ? -1 : (int32_t)((i * 37) % V);
    lowp_buffer *bt = ints_new(t, ctx, tgt, R);
    struct lowp_xent_desc d = {.rows = R, .vocab = V, .grad_scale = 1.0f / 44.0f, .logits_offset = G,
                               .target_offset = G, .loss_offset = G, .dlogits_offset = G};
    struct arr lg = arr_new(t, ctx, R * V, -6, 6, 60), loss = arr_new(t, ctx, R, 0, 0, 61);
    struct arr dl = arr_new(t, ctx, R * V, 0, 0, 62);
    if (th_ok(t, lowp_xent_forward(ctx, &d, lg.d, bt, loss.d, dl.d), "lowp_xent_forward")) {
        lowp_ref_xent(&d, lg.h, tgt, loss.h, dl.h);
        arr_check(t, "xent loss", &loss, TOL);
        arr_check(t, "xent dlogits", &dl, TOL);
    }
    if (th_ok(t, lowp_xent_forward(ctx, &d, lg.d, bt, loss.d, lg.d), "lowp_xent_forward in place")) {
        lowp_ref_xent(&d, lg.h, tgt, loss.h, lg.h);
        arr_check(t, "xent in place", &lg, TOL);
    }
    free(tgt);
    lowp_buffer_free(bt);
    arr_free(&lg), arr_free(&loss), arr_free(&dl);
}

static void test_bias(struct th *t, lowp_context *ctx)
{
    struct lowp_bias_desc bd = {.rows = 300, .cols = 41, .b_offset = G, .y_offset = G};
    struct arr b = arr_new(t, ctx, 41, -1, 1, 70), y = arr_new(t, ctx, 300 * 41, -1, 1, 71);
    if (th_ok(t, lowp_bias_add(ctx, &bd, b.d, y.d), "lowp_bias_add")) {
        lowp_ref_bias_add(&bd, b.h, y.h);
        arr_check(t, "bias add", &y, TH_EXACT);
    }
    if (th_ok(t, lowp_bias_grad(ctx, &bd, y.d, b.d), "lowp_bias_grad")) {
        lowp_ref_bias_grad(&bd, y.h, b.h);
        arr_check(t, "bias grad", &b, TH_EXACT);
    }
    arr_free(&b), arr_free(&y);
}

/* The whole model against PyTorch: loss, logits and every gradient. */
static void test_model_pytorch(struct th *t, lowp_context *ctx)
{
    for (int c = 0; c < MV_CASES; ++c) {
        struct lowp_model_config cfg;
        const char *name = mv_config(c, &cfg);
        struct mv_result r = mv_run(ctx, LOWP_MODEL_VECTORS, c);
        th_check(t, r.status == LOWP_OK, "%s: %s", name, r.message);
        if (r.status != LOWP_OK)
            continue;
        th_check(t, r.loss_err <= 1e-4, "%s: loss %.7g vs PyTorch %.7g", name, r.loss, r.loss_ref);
        th_check(t, r.logits_err <= 1e-4, "%s: logits relative error %.3g", name, r.logits_err);
        th_check(t, r.grad_err <= 1e-4, "%s: gradient of %s relative error %.3g", name, r.grad_worst, r.grad_err);
    }
}

/* With dropout on, the device's step must match the CPU's (same Philox masks). */
static void test_model_dropout(struct th *t, lowp_context *ctx)
{
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 2, 16, 2, 12);
    cfg.vocab = 40;
    cfg.dropout = 0.1f;
    lowp_context *cpu = NULL;
    lowp_model *m[2] = {NULL, NULL};
    int32_t tok[24], tgt[24];
    for (int i = 0; i < 24; ++i)
        tok[i] = (i * 11) % 40, tgt[i] = (i * 3 + 2) % 40;
    float loss[2] = {0, 0}, *grads[2] = {NULL, NULL};
    if (!th_ok(t, lowp_context_open("cpu", &cpu), "cpu context"))
        return;
    lowp_context *ctxs[2] = {ctx, cpu};
    size_t np = 0;
    for (int i = 0; i < 2; ++i) {
        if (!th_ok(t, lowp_model_create(ctxs[i], &cfg, &m[i]), "lowp_model_create") ||
            !th_ok(t, lowp_model_init(m[i], 3), "lowp_model_init") ||
            !th_ok(t, lowp_model_forward(m[i], tok, tgt, 2, 12, 5, &loss[i]), "lowp_model_forward") ||
            !th_ok(t, lowp_model_backward(m[i], 0), "lowp_model_backward"))
            break;
        np = lowp_model_param_count(m[i]);
        grads[i] = malloc(np * sizeof(float));
        th_ok(t, lowp_buffer_read(lowp_model_grads(m[i]), 0, grads[i], np * sizeof(float)), "read grads");
    }
    if (grads[0] && grads[1]) {
        th_check(t, fabs((double)loss[0] - loss[1]) <= 1e-5 * fabs((double)loss[1]), "dropout loss %.7g vs cpu %.7g",
                 (double)loss[0], (double)loss[1]);
        double e = mv_rel(grads[0], grads[1], np);
        th_check(t, e <= 1e-4, "dropout model gradients differ from the cpu by %.3g", e);
    }
    for (int i = 0; i < 2; ++i) {
        lowp_model_free(m[i]);
        free(grads[i]);
    }
    lowp_context_close(cpu);
}

/* The recipes' two GEMM modes on one device: packed (lowp_matmul_quantized
 * on lowp_quantize's codes) and fake (fp32 lowp_matmul on fake-quantized
 * operands) quantize to the same values and differ only in the order of
 * the fp32 sums, so one forward + backward must give nearly the same loss
 * and gradients. Dimensions: multiples of 32 (MX blocks along every K, 16x16
 * NVFP4 weight tiles); hp_layers 0 so that every layer is NVFP4. */
static void test_model_gemm_modes(struct th *t, lowp_context *ctx)
{
    static const lowp_recipe_kind kinds[] = {LOWP_RECIPE_MXFP8, LOWP_RECIPE_MXFP4, LOWP_RECIPE_NVFP4};
    static const char *const names[] = {"mxfp8", "mxfp4", "nvfp4"};
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 2, 32, 2, 16);
    cfg.vocab = 64;
    int32_t tok[32], tgt[32];
    for (int i = 0; i < 32; ++i)
        tok[i] = (i * 13) % 64, tgt[i] = (i * 7 + 3) % 64;
    for (int r = 0; r < 3; ++r) {
        lowp_model *m[2] = {NULL, NULL};
        float loss[2] = {0, 0}, *grads[2] = {NULL, NULL};
        size_t np = 0;
        for (int g = 0; g < 2; ++g) {
            struct lowp_model_recipe rc;
            lowp_model_recipe_default(kinds[r], &rc);
            rc.hp_layers = 0;
            rc.seed = 99;
            rc.gemm = g == 0 ? LOWP_RECIPE_GEMM_FAKE : LOWP_RECIPE_GEMM_PACKED;
            if (!th_ok(t, lowp_model_create(ctx, &cfg, &m[g]), "lowp_model_create") ||
                !th_ok(t, lowp_model_init(m[g], 5), "lowp_model_init") ||
                !th_ok(t, lowp_model_set_recipe(m[g], &rc), "lowp_model_set_recipe") ||
                !th_ok(t, lowp_model_forward(m[g], tok, tgt, 2, 16, 0, &loss[g]), names[r]) ||
                !th_ok(t, lowp_model_backward(m[g], 0), names[r]))
                break;
            np = lowp_model_param_count(m[g]);
            grads[g] = malloc(np * sizeof(float));
            if (grads[g] != NULL)
                th_ok(t, lowp_buffer_read(lowp_model_grads(m[g]), 0, grads[g], np * sizeof(float)), "read grads");
        }
        if (grads[0] && grads[1]) {
            double dl = fabs((double)loss[0] - loss[1]), e = mv_rel(grads[1], grads[0], np);
            th_check(t, dl <= 1e-4 * fabs((double)loss[0]), "%s: packed loss %.7g vs fake %.7g", names[r],
                     (double)loss[1], (double)loss[0]);
            th_check(t, e <= 1e-2, "%s: packed gradients differ from fake by %.3g (relative)", names[r], e);
            printf("     %s: loss fake %.7g packed %.7g, gradients relative difference %.3g\n", names[r],
                   (double)loss[0], (double)loss[1], e);
        }
        for (int g = 0; g < 2; ++g) {
            lowp_model_free(m[g]);
            free(grads[g]);
        }
    }
    /* a bad mode is refused */
    lowp_model *m = NULL;
    struct lowp_model_recipe rc;
    lowp_model_recipe_default(LOWP_RECIPE_NVFP4, &rc);
    rc.gemm = (lowp_recipe_gemm)9;
    if (th_ok(t, lowp_model_create(ctx, &cfg, &m), "lowp_model_create"))
        th_check(t, lowp_model_set_recipe(m, &rc) == LOWP_ERR_INVALID_ARG && strstr(lowp_last_error(), "gemm"),
                 "gemm mode 9 refused: %s", lowp_last_error());
    lowp_model_free(m);
}

static void test_bad_args(struct th *t, lowp_context *ctx)
{
    lowp_buffer *b = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 4096, &b), "alloc"))
        return;
    struct lowp_embed_desc ed = {.rows = 10, .seq = 3, .dim = 4, .vocab = 5};
    th_check(t, lowp_embed_forward(ctx, &ed, b, b, b, b) == LOWP_ERR_INVALID_ARG, "rows not a multiple of seq");
    struct lowp_norm_desc nd = {.kind = (lowp_norm_kind)7, .rows = 1, .dim = 4, .eps = 1e-5f};
    th_check(t, lowp_norm_forward(ctx, &nd, b, b, b, b, b, b) == LOWP_ERR_INVALID_ARG, "unknown norm kind");
    nd.kind = LOWP_NORM_LAYERNORM;
    nd.rows = 1000;
    th_check(t, lowp_norm_forward(ctx, &nd, b, b, b, b, b, b) == LOWP_ERR_INVALID_ARG, "norm beyond the buffer");
    struct lowp_rope_desc rd = {.rows = 2, .seq = 2, .heads = 1, .head_dim = 3, .row_stride = 3};
    th_check(t, lowp_rope_apply(ctx, &rd, b, b) == LOWP_ERR_INVALID_ARG, "odd rope head_dim");
    struct lowp_attn_desc ad = {.batch = 1, .seq = 4, .heads = 1, .head_dim = 4, .dropout = 1.0f};
    th_check(t, lowp_attention_forward(ctx, &ad, b, b, b) == LOWP_ERR_INVALID_ARG, "dropout 1");
    struct lowp_dropout_desc dd = {.count = 10, .p = 0.5f, .x_offset = 0, .y_offset = 5};
    th_check(t, lowp_dropout_apply(ctx, &dd, b, b) == LOWP_ERR_INVALID_ARG, "dropout partial overlap");
    th_check(t, lowp_attention_forward(NULL, &ad, b, b, b) == LOWP_ERR_INVALID_ARG, "NULL context");
    lowp_buffer_free(b);
}

const struct th_case th_model_cases[] = {
    {"model_embed", test_embed, 1},
    {"model_norm", test_norm, 1},
    {"model_rope", test_rope, 0},
    {"model_attention", test_attention, 1},
    {"model_act", test_act, 0},
    {"model_dropout", test_dropout, 0},
    {"model_xent", test_xent, 1},
    {"model_bias", test_bias, 1},
    {"model_gemm_modes", test_model_gemm_modes, 0},
    {"model_vs_pytorch", test_model_pytorch, 0},
    {"model_dropout_vs_cpu", test_model_dropout, 0},
    {"model_bad_args", test_bad_args, 0},
};
const size_t th_model_case_count = sizeof th_model_cases / sizeof th_model_cases[0];
