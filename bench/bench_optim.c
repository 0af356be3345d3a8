/* bench_optim.c — one optimizer step over a list of tensors, per optimizer.
 * The parameter count is the working-set hint divided by 4 (--size-mb 38.15
 * = 10M parameters), split into 8 equal tensors of shape rows x 32 (the
 * narrow shape keeps SWAN's Gram matrices small; the elementwise optimizers
 * do not care). One more SWAN row runs on 8 tensors of 128 x 128 (fewer
 * parameters, but m^3 Newton-Schulz products, the device GEMM's real load).
 * GB/s counts the bytes of params, grads and state that one step must read
 * and write once (the "effective" bandwidth PyTorch's fused
 * optimizer benchmarks use): params read + written (8 B), grads read (4 B),
 * each state slot read + written (8 B; Sophia's h is only read). Extra
 * passes (the NaN/Inf scan of the default skip policy, LAMB's and
 * Stable-SPAM's norm passes) are not counted, so they show up as a lower
 * figure. Rows marked "bf16 state" store every state slot as bf16 with
 * stochastic rounding (2 B read + 2 B written per slot, so AdamW moves 20 B
 * per parameter instead of 28; the bytes column counts the bf16 sizes).
 * bench/peer_optim_torch.py measures PyTorch's AdamW the same way.
 * SWAN and SinkGD get a varied gradient (a fixed pseudo-random pattern): a
 * constant one would make every GradNorm row zero, and SWAN would time its
 * |A|_F = 0 shortcut instead of the Newton-Schulz products. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define NT 8
#define COLS 32
/* SWAN's square row: its Newton-Schulz products are m^3 with m = 128, the
 * case the rows x 32 shape (m = 32, one long Gram sum) does not exercise. */
#define SQUARE 128

struct optim_args {
    struct lowp_optim_hparams hp;
    struct lowp_optim_tensor t[NT];
    struct lowp_optim_step_desc d;
    struct lowp_optim_tensor_state ts[NT];
    struct lowp_optim_global_state gs;
    lowp_buffer *param, *grad, *state;
    int what; /* 0 step, 1 Sophia refresh, 2 clip */
};

static lowp_status run(lowp_context *ctx, void *v)
{
    struct optim_args *a = v;
    if (a->what == 1)
        return lowp_optim_sophia_hessian(ctx, &a->d, a->grad, a->state);
    if (a->what == 2) {
        float total;
        return lowp_optim_clip_grad_norm(ctx, &a->d, a->grad, 1e9f, &total); /* norm only, no scaling */
    }
    return lowp_optim_step(ctx, &a->d, a->param, a->grad, a->state, a->ts, &a->gs);
}

/* grad[i] in [-1e-3, 1e-3) from a xorshift sequence (finite, no row constant). */
static lowp_status write_varied(lowp_buffer *grad, size_t n)
{
    float *h = malloc((n + 1) * sizeof *h);
    if (h == NULL)
        return LOWP_ERR_OUT_OF_MEMORY;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        h[i] = (float)((double)(x >> 40) / 16777216.0 * 2e-3 - 1e-3);
    }
    lowp_status s = lowp_buffer_write(grad, 0, h, n * sizeof *h);
    free(h);
    return s;
}

struct optim_case {
    lowp_optim_kind kind;
    const char *variant;
    double bytes_per_elem;
    int what;
    int propagate;
    int bf16;   /* LOWP_OPTIM_STATE_BF16_SR */
    int square; /* SWAN: NT tensors of SQUARE x SQUARE instead of rows x COLS */
};

lowp_status lowp_bench_optim(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                             size_t *count)
{
    static const struct optim_case cases[] = {
        {LOWP_OPTIM_SGD, "momentum 0.9", 20, 0, 0, 0, 0},
        {LOWP_OPTIM_ADAMW, "", 28, 0, 0, 0, 0},
        {LOWP_OPTIM_ADAMW, "no NaN scan (propagate)", 28, 0, 1, 0, 0},
        {LOWP_OPTIM_LION, "", 20, 0, 0, 0, 0},
        {LOWP_OPTIM_LAMB, "", 28, 0, 0, 0, 0},
        {LOWP_OPTIM_SOPHIA_G, "", 24, 0, 0, 0, 0},
        {LOWP_OPTIM_SOPHIA_G, "Hessian refresh", 12, 1, 0, 0, 0},
        {LOWP_OPTIM_SPAM, "", 28, 0, 0, 0, 0},
        {LOWP_OPTIM_STABLE_SPAM, "", 28, 0, 0, 0, 0},
        {LOWP_OPTIM_SWAN, "", 12, 0, 0, 0, 0},
        {LOWP_OPTIM_SWAN, "square tensors", 12, 0, 0, 0, 1},
        {LOWP_OPTIM_SINKGD, "", 12, 0, 0, 0, 0},
        {LOWP_OPTIM_SGD, "clip_grad_norm (norm only)", 4, 2, 0, 0, 0},
        {LOWP_OPTIM_SGD, "momentum 0.9, bf16 state", 16, 0, 0, 1, 0},
        {LOWP_OPTIM_ADAMW, "bf16 state", 20, 0, 0, 1, 0},
        {LOWP_OPTIM_ADAMW, "bf16 state, no NaN scan (propagate)", 20, 0, 1, 1, 0},
        {LOWP_OPTIM_LION, "bf16 state", 16, 0, 0, 1, 0},
        {LOWP_OPTIM_LAMB, "bf16 state", 20, 0, 0, 1, 0},
        {LOWP_OPTIM_SOPHIA_G, "bf16 state", 18, 0, 0, 1, 0},
        {LOWP_OPTIM_SPAM, "bf16 state", 20, 0, 0, 1, 0},
        {LOWP_OPTIM_STABLE_SPAM, "bf16 state", 20, 0, 0, 1, 0},
    };
    size_t rows = p->bytes / sizeof(float) / NT / COLS;
    if (rows == 0)
        rows = 1;
    const size_t per = rows * COLS, n = per * NT;
    struct optim_args a;
    memset(&a, 0, sizeof a);
    lowp_status s = lowp_buffer_alloc(ctx, n * sizeof(float), &a.param);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, n * sizeof(float), &a.grad);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, 2 * n * sizeof(float), &a.state);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && s == LOWP_OK && *count < LOWP_BENCH_MAX_RESULTS; ++i) {
        const struct optim_case *c = &cases[i];
        lowp_optim_hparams_default(c->kind, &a.hp);
        if (c->kind == LOWP_OPTIM_SGD)
            a.hp.momentum = 0.9f;
        if (c->propagate)
            a.hp.nonfinite = LOWP_OPTIM_NONFINITE_PROPAGATE;
        if (c->bf16)
            a.hp.state_format = LOWP_OPTIM_STATE_BF16_SR;
        uint32_t slots = 0;
        lowp_optim_state_slots(&a.hp, &slots);
        size_t side = SQUARE; /* shrunk when the working set cannot hold NT squares */
        while (c->square && side > 1 && side * side > per)
            side /= 2;
        const size_t tr = c->square ? side : rows, tc = c->square ? side : COLS, tn = tr * tc;
        for (size_t k = 0; k < NT; ++k)
            a.t[k] = (struct lowp_optim_tensor){.numel = tn, .rows = tr, .cols = tc, .param_offset = k * tn,
                                                .grad_offset = k * tn, .state_offset = k * tn * slots};
        a.d = (struct lowp_optim_step_desc){.hp = &a.hp, .tensors = a.t, .n_tensors = NT, .param_len = n,
                                            .grad_len = n, .state_len = slots * n};
        memset(a.ts, 0, sizeof a.ts);
        lowp_optim_global_init(&a.hp, &a.gs);
        a.what = c->what;
        /* Fresh, finite values per case (a long run could drift to subnormals). */
        s = lowp_fill_f32(ctx, a.param, 0, n, 0.5f);
        if (s == LOWP_OK && (c->kind == LOWP_OPTIM_SWAN || c->kind == LOWP_OPTIM_SINKGD))
            s = write_varied(a.grad, n);
        else if (s == LOWP_OK)
            s = lowp_fill_f32(ctx, a.grad, 0, n, 1e-3f);
        if (s == LOWP_OK)
            s = lowp_fill_f32(ctx, a.state, 0, 2 * n, 0.0f);
        if (s != LOWP_OK)
            break;
        struct lowp_bench_result *r = &out[*count];
        memset(r, 0, sizeof *r);
        snprintf(r->op, sizeof r->op, "optim_%s", lowp_optim_kind_name(c->kind));
        if (c->square)
            snprintf(r->variant, sizeof r->variant, "%zu x %zu, %.2fM params, %d tensors", side, side,
                     (double)(tn * NT) / 1e6, NT);
        else
            snprintf(r->variant, sizeof r->variant, "%s%s%.1fM params, %d tensors", c->variant,
                     c->variant[0] ? ", " : "", (double)n / 1e6, NT);
        r->elements = (double)(tn * NT);
        r->bytes = c->bytes_per_elem * (double)(tn * NT);
        s = lowp_bench_time(ctx, p, run, &a, r);
        if (s == LOWP_OK)
            *count += 1;
    }
    lowp_buffer_free(a.param);
    lowp_buffer_free(a.grad);
    lowp_buffer_free(a.state);
    return s;
}
