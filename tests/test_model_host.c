/* test_model_host.c — host tests of the model family (no OpenCL device):
 *  1. finite differences: every layer's backward in the CPU reference
 *     against central differences of its forward (fp32 storage, double
 *     accumulation; h = 1e-2, |fd - grad| <= 2e-3 + 2e-2 |grad|);
 *  2. the fast CPU ops against the reference (bit-exact except attention,
 *     which has its own fp32 code);
 *  3. the whole model on the CPU device: against PyTorch vectors
 *     (tests/vectors/model, argv[1]), finite differences with dropout on,
 *     init statistics, save/load round trip, corrupt safetensors files,
 *     lowp_model_set_targets against a forward with those targets.
 * Prints "N passed, M failed"; exit 1 on any failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lowp/lowp.h"
#include "model/model_internal.h"
#include "model_cpu.h"
#include "model_vectors.h"
#include "ref/model_ref.h"

static int passed, failed;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void check(int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list a;
    va_start(a, fmt);
    printf("FAIL: ");
    vprintf(fmt, a);
    printf("\n");
    va_end(a);
}

static uint64_t rng = 88172645463325252ull;
static float urand(float lo, float hi)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return lo + (hi - lo) * (float)((rng >> 40) * (1.0 / 16777216.0));
}
static float *frand(size_t n, float lo, float hi)
{
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; ++i)
        x[i] = urand(lo, hi);
    return x;
}
static float *fzero(size_t n) { return calloc(n, sizeof(float)); }

/* ---- finite differences ------------------------------------------------- */

typedef double (*loss_fn)(void *state);

static double dot(const float *w, const float *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; ++i)
        s += (double)w[i] * (double)y[i];
    return s;
}

/* Compare grad[i] with central differences of f on up to `samples` elements of x. */
static void fd_check(const char *what, void *st, loss_fn f, float *x, const float *grad, size_t n, size_t samples)
{
    const float h = 1e-2f;
    size_t step = n / samples > 0 ? n / samples : 1, bad = 0;
    double worst = 0.0;
    for (size_t i = (step / 2) % n; i < n; i += step) {
        float old = x[i];
        x[i] = old + h;
        double lp = f(st);
        float up = x[i];
        x[i] = old - h;
        double lm = f(st);
        float dn = x[i];
        x[i] = old;
        double fd = (lp - lm) / ((double)up - (double)dn), g = grad[i];
        double err = fabs(fd - g) / (2e-3 + 2e-2 * fabs(g));
        worst = err > worst ? err : worst;
        if (err > 1.0 && bad++ < 3)
            printf("  %s[%zu]: finite difference %.6g, backward %.6g\n", what, i, fd, g);
    }
    check(bad == 0, "finite differences of %s (%zu bad, worst %.3g of tolerance)", what, bad, worst);
}

struct embed_st {
    struct lowp_embed_desc d;
    int32_t *tok;
    float *wte, *wpe, *out, *w;
};
static double embed_loss(void *v)
{
    struct embed_st *s = v;
    lowp_ref_embed_forward(&s->d, s->tok, s->wte, s->wpe, s->out);
    return dot(s->w, s->out, s->d.rows * s->d.dim);
}

static void fd_embed(void)
{
    struct embed_st s = {.d = {.rows = 12, .seq = 4, .dim = 5, .vocab = 7, .learned_pos = 1}};
    size_t n = s.d.rows * s.d.dim;
    s.tok = malloc(s.d.rows * sizeof *s.tok);
    for (size_t i = 0; i < s.d.rows; ++i)
        s.tok[i] = (int32_t)((i * 5) % 6); /* token 6 never used: its gradient must stay 0 */
    s.wte = frand(35, -1, 1), s.wpe = frand(20, -1, 1), s.out = fzero(n), s.w = frand(n, -1, 1);
    float *dwte = fzero(35), *dwpe = fzero(20);
    lowp_ref_embed_backward(&s.d, s.tok, s.w, dwte, dwpe);
    fd_check("embed wte", &s, embed_loss, s.wte, dwte, 35, 35);
    fd_check("embed wpe", &s, embed_loss, s.wpe, dwpe, 20, 20);
    free(s.tok), free(s.wte), free(s.wpe), free(s.out), free(s.w), free(dwte), free(dwpe);
}

struct norm_st {
    struct lowp_norm_desc d;
    float *x, *g, *b, *y, *mean, *rstd, *w;
};
static double norm_loss(void *v)
{
    struct norm_st *s = v;
    lowp_ref_norm_forward(&s->d, s->x, s->g, s->b, s->y, s->mean, s->rstd);
    return dot(s->w, s->y, s->d.rows * s->d.dim);
}

static void fd_norm(lowp_norm_kind kind)
{
    struct norm_st s = {.d = {.kind = kind, .rows = 6, .dim = 9, .eps = 1e-5f, .has_bias = 1}};
    size_t n = 54;
    s.x = frand(n, -2, 2), s.g = frand(9, 0.5f, 1.5f), s.b = frand(9, -1, 1), s.y = fzero(n);
    s.mean = fzero(6), s.rstd = fzero(6), s.w = frand(n, -1, 1);
    float *dx = frand(n, -1, 1), *dx0 = malloc(n * sizeof *dx0), *dg = fzero(9), *db = fzero(9);
    memcpy(dx0, dx, n * sizeof *dx);
    norm_loss(&s);
    s.d.accumulate = 1; /* dx = dx0 + grad */
    lowp_ref_norm_backward(&s.d, s.x, s.g, s.mean, s.rstd, s.w, dx, dg, db);
    for (size_t i = 0; i < n; ++i)
        dx[i] -= dx0[i];
    const char *name = kind == LOWP_NORM_LAYERNORM ? "layernorm" : "rmsnorm";
    char what[64];
    snprintf(what, sizeof what, "%s x", name);
    fd_check(what, &s, norm_loss, s.x, dx, n, 54);
    snprintf(what, sizeof what, "%s g", name);
    fd_check(what, &s, norm_loss, s.g, dg, 9, 9);
    snprintf(what, sizeof what, "%s b", name);
    fd_check(what, &s, norm_loss, s.b, db, 9, 9);
    free(s.x), free(s.g), free(s.b), free(s.y), free(s.mean), free(s.rstd), free(s.w), free(dx), free(dx0);
    free(dg), free(db);
}

struct rope_st {
    struct lowp_rope_desc d;
    float *table, *x, *y, *w;
    size_t n;
};
static double rope_loss(void *v)
{
    struct rope_st *s = v;
    memcpy(s->y, s->x, s->n * sizeof *s->x);
    lowp_ref_rope(&s->d, s->table, s->y);
    return dot(s->w, s->y, s->n);
}

static void fd_rope(void)
{
    struct rope_st s = {.d = {.rows = 10, .seq = 5, .heads = 2, .head_dim = 6, .row_stride = 14}};
    s.n = 140;
    s.table = malloc(5 * 6 * sizeof *s.table);
    lowp_rope_table(5, 6, 10000.0, s.table);
    s.x = frand(s.n, -1, 1), s.y = fzero(s.n), s.w = frand(s.n, -1, 1);
    for (size_t r = 0; r < 10; ++r) /* elements outside the heads pass through: weight 0 */
        s.w[r * 14 + 12] = s.w[r * 14 + 13] = 0.0f;
    float *g = malloc(s.n * sizeof *g);
    memcpy(g, s.w, s.n * sizeof *g);
    s.d.inverse = 1;
    lowp_ref_rope(&s.d, s.table, g);
    s.d.inverse = 0;
    fd_check("rope", &s, rope_loss, s.x, g, s.n, s.n);
    free(s.table), free(s.x), free(s.y), free(s.w), free(g);
}

struct attn_st {
    struct lowp_attn_desc d;
    float *qkv, *out, *lse, *w;
};
static double attn_loss(void *v)
{
    struct attn_st *s = v;
    lowp_ref_attention_forward(&s->d, s->qkv, s->out, s->lse);
    return dot(s->w, s->out, s->d.batch * s->d.seq * s->d.heads * s->d.head_dim);
}

static void fd_attention(float dropout)
{
    struct attn_st s = {.d = {.batch = 2, .seq = 7, .heads = 2, .head_dim = 4, .dropout = dropout, .seed = 9,
                              .stream = 3}};
    size_t C = 8, rows = 14, nq = rows * 3 * C, no = rows * C, nl = 2 * 2 * 7;
    s.qkv = frand(nq, -1.5f, 1.5f), s.out = fzero(no), s.lse = fzero(nl), s.w = frand(no, -1, 1);
    float *dqkv = fzero(nq), *delta = fzero(nl);
    attn_loss(&s);
    lowp_ref_attention_backward(&s.d, s.qkv, s.out, s.lse, s.w, dqkv, delta);
    fd_check(dropout > 0 ? "attention with dropout" : "attention", &s, attn_loss, s.qkv, dqkv, nq, nq);
    free(s.qkv), free(s.out), free(s.lse), free(s.w), free(dqkv), free(delta);
}

struct act_st {
    struct lowp_act_desc d;
    float *in, *out, *w;
};
static double act_loss(void *v)
{
    struct act_st *s = v;
    lowp_ref_act_forward(&s->d, s->in, s->out);
    return dot(s->w, s->out, s->d.rows * s->d.hidden);
}

static void fd_act(lowp_mlp_kind kind)
{
    struct act_st s = {.d = {.kind = kind, .rows = 5, .hidden = 7}};
    size_t ni = 35 * (kind == LOWP_MLP_SWIGLU ? 2 : 1);
    s.in = frand(ni, -3, 3), s.out = fzero(35), s.w = frand(35, -1, 1);
    float *din = fzero(ni);
    lowp_ref_act_backward(&s.d, s.in, s.w, din);
    fd_check(kind == LOWP_MLP_GELU ? "gelu" : "swiglu", &s, act_loss, s.in, din, ni, ni);
    free(s.in), free(s.out), free(s.w), free(din);
}

struct drop_st {
    struct lowp_dropout_desc d;
    float *x, *y, *w;
};
static double drop_loss(void *v)
{
    struct drop_st *s = v;
    lowp_ref_dropout(&s->d, s->x, s->y);
    return dot(s->w, s->y, s->d.count);
}

static void fd_dropout(void)
{
    struct drop_st s = {.d = {.count = 100, .p = 0.3f, .seed = 5, .stream = 77}};
    s.x = frand(100, -1, 1), s.y = fzero(100), s.w = frand(100, -1, 1);
    float *g = fzero(100);
    lowp_ref_dropout(&s.d, s.w, g);
    fd_check("dropout", &s, drop_loss, s.x, g, 100, 100);
    size_t kept = 0;
    for (size_t i = 0; i < 100; ++i)
        kept += g[i] != 0.0f;
    check(kept > 50 && kept < 90, "dropout p=0.3 kept %zu of 100", kept);
    free(s.x), free(s.y), free(s.w), free(g);
}

struct xent_st {
    struct lowp_xent_desc d;
    float *logits, *loss, *dl;
    int32_t *tgt;
};
static double xent_loss(void *v)
{
    struct xent_st *s = v;
    lowp_ref_xent(&s->d, s->logits, s->tgt, s->loss, s->dl);
    double sum = 0.0;
    for (size_t r = 0; r < s->d.rows; ++r)
        sum += s->loss[r];
    return sum * (double)s->d.grad_scale;
}

static void fd_xent(void)
{
    struct xent_st s = {.d = {.rows = 4, .vocab = 11, .grad_scale = 0.25f}};
    s.logits = frand(44, -3, 3), s.loss = fzero(4), s.dl = fzero(44), s.tgt = malloc(4 * sizeof *s.tgt);
    for (int i = 0; i < 4; ++i)
        s.tgt[i] = i == 2 ? -1 : i * 3; /* row 2 ignored */
    xent_loss(&s);
    float *g = malloc(44 * sizeof *g);
    memcpy(g, s.dl, 44 * sizeof *g);
    fd_check("cross-entropy", &s, xent_loss, s.logits, g, 44, 44);
    /* in place gives the same gradient */
    float *x = malloc(44 * sizeof *x);
    memcpy(x, s.logits, 44 * sizeof *x);
    struct lowp_xent_desc d = s.d;
    lowp_ref_xent(&d, x, s.tgt, s.loss, x);
    check(memcmp(x, g, 44 * sizeof *x) == 0, "cross-entropy in place equals out of place");
    free(s.logits), free(s.loss), free(s.dl), free(s.tgt), free(g), free(x);
}

/* ---- fast CPU vs reference --------------------------------------------- */

static void same(const char *what, const float *a, const float *b, size_t n)
{
    check(memcmp(a, b, n * sizeof *a) == 0, "fast CPU %s differs from the reference", what);
}

/* fp32 against the reference's double sums: |d| <= 1e-5 + 1e-4 |ref| */
static void close_to(const char *what, const float *ref, const float *got, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; ++i)
        bad += !(fabs((double)got[i] - (double)ref[i]) <= 1e-5 + 1e-4 * fabs((double)ref[i]));
    check(bad == 0, "fast CPU %s: %zu of %zu values off the reference", what, bad, n);
}

static void fast_vs_ref(void)
{
    /* attention: 3 x 4 (batch, head) pairs, seq 33 */
    struct lowp_attn_desc ad = {.batch = 3, .seq = 33, .heads = 4, .head_dim = 8, .dropout = 0.1f, .seed = 1,
                                .stream = 2};
    size_t rows = 99, C = 32, nq = rows * 3 * C, no = rows * C, nl = 3 * 4 * 33;
    float *qkv = frand(nq, -1, 1), *o1 = fzero(no), *o2 = fzero(no), *l1 = fzero(nl), *l2 = fzero(nl);
    float *dout = frand(no, -1, 1), *g1 = fzero(nq), *g2 = fzero(nq), *d1 = fzero(nl), *d2 = fzero(nl);
    lowp_ref_attention_forward(&ad, qkv, o1, l1);
    lowp_cpu_attention_forward(&ad, qkv, o2, l2);
    close_to("attention out", o1, o2, no);
    close_to("attention lse", l1, l2, nl);
    lowp_ref_attention_backward(&ad, qkv, o1, l1, dout, g1, d1);
    lowp_cpu_attention_backward(&ad, qkv, o1, l1, dout, g2, d2);
    close_to("attention dqkv", g1, g2, nq);
    free(qkv), free(o1), free(o2), free(l1), free(l2), free(dout), free(g1), free(g2), free(d1), free(d2);

    /* norm backward with column gradients over 300 rows */
    struct lowp_norm_desc nd = {.kind = LOWP_NORM_LAYERNORM, .rows = 300, .dim = 40, .eps = 1e-5f, .has_bias = 1};
    size_t n = 12000;
    float *x = frand(n, -2, 2), *g = frand(40, 0.5f, 1.5f), *b = frand(40, -1, 1), *y1 = fzero(n), *y2 = fzero(n);
    float *m1 = fzero(300), *m2 = fzero(300), *r1 = fzero(300), *r2 = fzero(300);
    lowp_ref_norm_forward(&nd, x, g, b, y1, m1, r1);
    lowp_cpu_norm_forward(&nd, x, g, b, y2, m2, r2);
    same("layernorm y", y1, y2, n);
    float *dx1 = fzero(n), *dx2 = fzero(n), *dg1 = fzero(40), *dg2 = fzero(40), *db1 = fzero(40), *db2 = fzero(40);
    lowp_ref_norm_backward(&nd, x, g, m1, r1, y1, dx1, dg1, db1);
    lowp_cpu_norm_backward(&nd, x, g, m1, r1, y1, dx2, dg2, db2);
    same("layernorm dx", dx1, dx2, n);
    same("layernorm dg", dg1, dg2, 40);
    same("layernorm db", db1, db2, 40);
    free(x), free(g), free(b), free(y1), free(y2), free(m1), free(m2), free(r1), free(r2);
    free(dx1), free(dx2), free(dg1), free(dg2), free(db1), free(db2);
}

/* ---- the whole model ---------------------------------------------------- */

static void pytorch_match(lowp_context *ctx, const char *dir)
{
    for (int c = 0; c < MV_CASES; ++c) {
        struct lowp_model_config cfg;
        const char *name = mv_config(c, &cfg);
        struct mv_result r = mv_run(ctx, dir, c);
        check(r.status == LOWP_OK, "%s: %s", name, r.message);
        if (r.status != LOWP_OK)
            continue;
        check(r.loss_err <= 1e-4, "%s: loss %.7g vs PyTorch %.7g", name, r.loss, r.loss_ref);
        check(r.logits_err <= 1e-4, "%s: logits relative error %.3g", name, r.logits_err);
        check(r.grad_err <= 1e-4, "%s: gradient of %s relative error %.3g", name, r.grad_worst, r.grad_err);
        printf("  %s vs PyTorch: loss %.6f (torch %.6f), logits error %.2g, worst gradient error %.2g (%s)\n", name,
               r.loss, r.loss_ref, r.logits_err, r.grad_err, r.grad_worst);
    }
}

/* Whole-model finite differences with dropout on: forward and backward masks agree. */
static void model_fd_dropout(lowp_context *ctx, int llama)
{
    struct lowp_model_config cfg;
    if (llama)
        lowp_model_config_llama(&cfg, 2, 8, 2, 6);
    else
        lowp_model_config_gpt2(&cfg, 2, 8, 2, 6);
    cfg.vocab = 13;
    cfg.dropout = 0.2f;
    lowp_model *m = NULL;
    if (lowp_model_create(ctx, &cfg, &m) != LOWP_OK || lowp_model_init(m, 7) != LOWP_OK) {
        check(0, "model create: %s", lowp_last_error());
        lowp_model_free(m);
        return;
    }
    int32_t tok[12], tgt[12];
    for (int i = 0; i < 12; ++i)
        tok[i] = (i * 7) % 13, tgt[i] = (i * 5 + 1) % 13;
    size_t np = lowp_model_param_count(m);
    float *p = malloc(np * sizeof *p), *g = malloc(np * sizeof *g), loss = 0;
    /* larger weights so gradients are not tiny */
    lowp_buffer_read(lowp_model_params(m), 0, p, np * sizeof *p);
    for (size_t i = 0; i < np; ++i)
        p[i] *= 3.0f;
    lowp_buffer_write(lowp_model_params(m), 0, p, np * sizeof *p);
    lowp_model_forward(m, tok, tgt, 2, 6, 3, &loss);
    check(lowp_model_backward(m, 0) == LOWP_OK, "backward: %s", lowp_last_error());
    lowp_buffer_read(lowp_model_grads(m), 0, g, np * sizeof *g);
    size_t bad = 0, tested = 0;
    for (size_t i = 5; i < np; i += np / 40) {
        float old = p[i], lp, lm;
        const float h = 2e-3f;
        p[i] = old + h;
        lowp_buffer_write(lowp_model_params(m), 0, p, np * sizeof *p);
        lowp_model_forward(m, tok, tgt, 2, 6, 3, &lp);
        p[i] = old - h;
        lowp_buffer_write(lowp_model_params(m), 0, p, np * sizeof *p);
        lowp_model_forward(m, tok, tgt, 2, 6, 3, &lm);
        p[i] = old;
        double fd = ((double)lp - (double)lm) / (2.0 * h);
        tested++;
        if (fabs(fd - g[i]) > 3e-3 + 3e-2 * fabs(g[i]) && bad++ < 3)
            printf("  param %zu: finite difference %.6g, backward %.6g\n", i, fd, (double)g[i]);
    }
    check(bad == 0, "whole %s model with dropout 0.2: %zu of %zu finite differences off", llama ? "llama" : "gpt2", bad,
          tested);
    free(p), free(g);
    lowp_model_free(m);
}

static void init_and_io(lowp_context *ctx)
{
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 4, 64, 4, 32);
    lowp_model *m = NULL, *m2 = NULL;
    if (lowp_model_create(ctx, &cfg, &m) != LOWP_OK || lowp_model_init(m, 42) != LOWP_OK) {
        check(0, "model create: %s", lowp_last_error());
        return;
    }
    size_t np = lowp_model_param_count(m);
    float *p = malloc(np * sizeof *p), *q = malloc(np * sizeof *q);
    lowp_buffer_read(lowp_model_params(m), 0, p, np * sizeof *p);
    const struct lowp_model_tensor *t = lowp_model_tensors(m);
    for (size_t i = 0; i < lowp_model_tensor_count(m); ++i) {
        double s = 0.0, s2 = 0.0;
        for (size_t e = 0; e < t[i].count; ++e)
            s += p[t[i].offset + e], s2 += (double)p[t[i].offset + e] * p[t[i].offset + e];
        double mean = s / (double)t[i].count, sd = sqrt(s2 / (double)t[i].count - mean * mean);
        if (t[i].rank == 1) {
            double want = strstr(t[i].name, "ln_") && strstr(t[i].name, ".weight") ? 1.0 : 0.0;
            check(mean == want && sd < 1e-6, "init %s: mean %g sd %g (want constant %g)", t[i].name, mean, sd, want);
        } else {
            double want = strstr(t[i].name, "c_proj.weight") ? 0.02 / sqrt(8.0) : 0.02;
            check(fabs(sd / want - 1.0) < 0.1 && fabs(mean) < 0.2 * want, "init %s: mean %g sd %g (want sd %g)",
                  t[i].name, mean, sd, want);
        }
    }
    const char *path = "test_model_host.safetensors";
    check(lowp_model_save(m, path) == LOWP_OK, "save: %s", lowp_last_error());
    if (lowp_model_create(ctx, &cfg, &m2) == LOWP_OK && lowp_model_load(m2, path) == LOWP_OK) {
        lowp_buffer_read(lowp_model_params(m2), 0, q, np * sizeof *q);
        check(memcmp(p, q, np * sizeof *p) == 0, "save/load round trip changes parameters");
    } else {
        check(0, "load: %s", lowp_last_error());
    }
    /* Corrupt files: every one must be LOWP_ERR_CORRUPT (or IO), never a crash. */
    FILE *fp = fopen(path, "rb");
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *good = malloc((size_t)size);
    if (fread(good, 1, (size_t)size, fp) != (size_t)size)
        check(0, "read back %s", path);
    fclose(fp);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; --i)
        hlen = hlen << 8 | good[i];
    const char *bad_path = "test_model_host_bad.safetensors";
    struct {
        const char *what;
        long length;
        long at;
        unsigned char byte;
    } cuts[] = {
        {"empty file", 0, -1, 0},       {"7 bytes", 7, -1, 0},          {"header cut", 8 + (long)hlen / 2, -1, 0},
        {"data cut", size - 5, -1, 0},  {"huge header length", size, 7, 0x7f}, {"header length 1", size, 0, 1},
        {"bad JSON", size, 8, 'x'},     {"bad brace", size, 8 + (long)hlen - 1, '{'},
        {"name quote removed", size, 11, ' '},
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i) {
        unsigned char *b = malloc((size_t)size + 1);
        memcpy(b, good, (size_t)size);
        if (cuts[i].at >= 0) {
            if (cuts[i].at == 0)
                memset(b, 0, 8);
            b[cuts[i].at] = cuts[i].byte;
        }
        fp = fopen(bad_path, "wb");
        fwrite(b, 1, (size_t)cuts[i].length, fp);
        fclose(fp);
        lowp_status s = lowp_model_load(m2, bad_path);
        check(s == LOWP_ERR_CORRUPT, "corrupt file (%s): got %s, want LOWP_ERR_CORRUPT", cuts[i].what,
              lowp_status_name(s));
        check(strlen(lowp_last_error()) > 10, "corrupt file (%s): message too short", cuts[i].what);
        free(b);
    }
    /* Every single-byte change in the header: never a crash, OK or a clean error. */
    size_t crashes = 0;
    for (uint64_t at = 8; at < 8 + hlen; at += 7) {
        unsigned char old = good[at];
        good[at] = (unsigned char)(old ^ 0x5a);
        fp = fopen(bad_path, "wb");
        fwrite(good, 1, (size_t)size, fp);
        fclose(fp);
        good[at] = old;
        lowp_status s = lowp_model_load(m2, bad_path);
        crashes += s != LOWP_OK && s != LOWP_ERR_CORRUPT;
    }
    check(crashes == 0, "header byte flips: %zu gave a status other than OK/CORRUPT", crashes);
    /* A wrong configuration is a clear error. */
    lowp_model *m3 = NULL;
    cfg.dim = 32;
    if (lowp_model_create(ctx, &cfg, &m3) == LOWP_OK) {
        lowp_status s = lowp_model_load(m3, path);
        check(s == LOWP_ERR_CORRUPT && strstr(lowp_last_error(), "transformer.wte.weight") != NULL,
              "shape mismatch: %s: %s", lowp_status_name(s), lowp_last_error());
    }
    lowp_model_free(m3);
    remove(path);
    remove(bad_path);
    free(good), free(p), free(q);
    lowp_model_free(m);
    lowp_model_free(m2);
}

/* lowp_model_set_targets: forward(no targets) + set_targets(t) gives the
 * loss and gradients of forward(t) bit for bit, also with dropout, an
 * NVFP4 recipe (SR and RHT streams follow the forward's step) and after a
 * backward in between; without a forward it is refused. */
static void set_targets(lowp_context *ctx)
{
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 2, 32, 2, 16);
    cfg.dropout = 0.1f;
    lowp_model *m = NULL;
    if (lowp_model_create(ctx, &cfg, &m) != LOWP_OK || lowp_model_init(m, 7) != LOWP_OK) {
        check(0, "model create: %s", lowp_last_error());
        lowp_model_free(m);
        return;
    }
    int32_t tok[32], t1[32], t2[32];
    check(lowp_model_set_targets(m, t1, NULL) == LOWP_ERR_INVALID_ARG, "set_targets before a forward accepted");
    for (int i = 0; i < 32; ++i)
        tok[i] = (i * 11) % 256, t1[i] = (i * 5 + 3) % 256, t2[i] = i == 4 ? -1 : (i * 13 + 1) % 256;
    size_t np = lowp_model_param_count(m);
    float *ga = malloc(np * sizeof *ga), *gb = malloc(np * sizeof *gb);
    for (int recipe = 0; recipe < 2; ++recipe) {
        struct lowp_model_recipe q;
        lowp_model_recipe_default(recipe ? LOWP_RECIPE_NVFP4 : LOWP_RECIPE_FP32, &q);
        q.seed = 99;
        check(lowp_model_set_recipe(m, &q) == LOWP_OK, "recipe: %s", lowp_last_error());
        float la = 0, lb = 0, l1 = 0;
        int ok = lowp_model_forward(m, tok, t2, 2, 16, 9, &la) == LOWP_OK && lowp_model_backward(m, 0) == LOWP_OK &&
                 lowp_buffer_read(lowp_model_grads(m), 0, ga, np * sizeof *ga) == LOWP_OK;
        /* forward with other targets, backward, then retarget: the same as above */
        ok = ok && lowp_model_forward(m, tok, t1, 2, 16, 9, &l1) == LOWP_OK && lowp_model_backward(m, 0) == LOWP_OK &&
             lowp_model_set_targets(m, t2, &lb) == LOWP_OK && lowp_model_backward(m, 0) == LOWP_OK &&
             lowp_buffer_read(lowp_model_grads(m), 0, gb, np * sizeof *gb) == LOWP_OK;
        check(ok, "set_targets run (recipe %d): %s", recipe, lowp_last_error());
        check(la == lb && memcmp(ga, gb, np * sizeof *ga) == 0, "recipe %d: retargeted loss %.9g vs %.9g or grads differ",
              recipe, (double)lb, (double)la);
        /* and straight after a forward without targets */
        ok = lowp_model_forward(m, tok, NULL, 2, 16, 9, NULL) == LOWP_OK &&
             lowp_model_backward(m, 0) == LOWP_ERR_INVALID_ARG && lowp_model_set_targets(m, t2, &lb) == LOWP_OK &&
             lowp_model_backward(m, 0) == LOWP_OK && lowp_buffer_read(lowp_model_grads(m), 0, gb, np * sizeof *gb) == LOWP_OK;
        check(ok && la == lb && memcmp(ga, gb, np * sizeof *ga) == 0, "recipe %d: forward(NULL) + set_targets differs",
              recipe);
    }
    t1[3] = 256;
    check(lowp_model_set_targets(m, t1, NULL) == LOWP_ERR_INVALID_ARG, "target 256 accepted");
    /* a refused call changes nothing: the previous targets still hold */
    check(lowp_model_backward(m, 0) == LOWP_OK, "backward after a refused set_targets: %s", lowp_last_error());
    free(ga), free(gb);
    lowp_model_free(m);
}

static void bad_args(lowp_context *ctx)
{
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 1, 10, 3, 8);
    lowp_model *m = NULL;
    check(lowp_model_create(ctx, &cfg, &m) == LOWP_ERR_INVALID_ARG, "dim not a multiple of heads accepted");
    lowp_model_config_llama(&cfg, 1, 12, 4, 8);
    check(lowp_model_create(ctx, &cfg, &m) == LOWP_ERR_INVALID_ARG, "odd rope head size accepted");
    lowp_model_config_gpt2(&cfg, 1, 8, 2, 4);
    if (lowp_model_create(ctx, &cfg, &m) != LOWP_OK)
        return;
    int32_t tok[8] = {1, 2, 3, 300, 0, 0, 0, 0};
    check(lowp_model_forward(m, tok, NULL, 1, 4, 0, NULL) == LOWP_ERR_INVALID_ARG, "token 300 accepted");
    check(lowp_model_forward(m, tok, NULL, 1, 5, 0, NULL) == LOWP_ERR_INVALID_ARG, "seq > context accepted");
    check(lowp_model_backward(m, 0) == LOWP_ERR_INVALID_ARG, "backward without a forward accepted");
    lowp_model_free(m);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/vectors/model";
    fd_embed();
    fd_norm(LOWP_NORM_LAYERNORM);
    fd_norm(LOWP_NORM_RMSNORM);
    fd_rope();
    fd_attention(0.0f);
    fd_attention(0.25f);
    fd_act(LOWP_MLP_GELU);
    fd_act(LOWP_MLP_SWIGLU);
    fd_dropout();
    fd_xent();
    fast_vs_ref();
    lowp_context *ctx = NULL;
    if (lowp_context_open("cpu", &ctx) != LOWP_OK) {
        check(0, "cpu context: %s", lowp_last_error());
    } else {
        pytorch_match(ctx, dir);
        model_fd_dropout(ctx, 0);
        model_fd_dropout(ctx, 1);
        init_and_io(ctx);
        set_targets(ctx);
        bad_args(ctx);
        lowp_context_close(ctx);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
