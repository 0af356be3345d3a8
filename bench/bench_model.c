/* bench_model.c — forward + backward of nanoGPT's shakespeare_char model
 * (6 layers, 6 heads, width 384, context 256, vocab 65, dropout 0.2, GPT-2
 * style: ~10.7M parameters) in tokens/s, and the step split by layer type.
 *
 * Batch: $LOWP_BENCH_MODEL_BATCH, default 32 on GPUs and 4 on CPU-class
 * devices (a batch-32 step takes tens of seconds on a 2-core CPU); steps:
 * $LOWP_BENCH_MODEL_STEPS (default 2) after one warm-up step. The split
 * comes from one more step with a context sync around every op. The peer
 * is bench/peer_model_torch.py (PyTorch eager fp32, same model). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "model/model_internal.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static size_t env_size(const char *name, size_t fallback)
{
    const char *v = getenv(name);
    long n = v != NULL ? atol(v) : 0;
    return n > 0 ? (size_t)n : fallback;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Matrix-multiply flops of one step (forward 2mnk, backward 4mnk per linear). */
static double linear_flops(const struct lowp_model_config *c, size_t rows)
{
    double C = (double)c->dim, F = (double)(c->hidden ? c->hidden : 4 * c->dim), V = (double)c->vocab;
    double per_row = (double)c->layers * (3 * C * C + C * C + C * F + F * C) + C * V;
    return 6.0 * (double)rows * per_row;
}

/* Causal attention flops of one step: QK^T and PV over half the T x T square,
 * forward (2 products) and backward (4 products, plus QK^T recomputed twice). */
static double attention_flops(const struct lowp_model_config *c, size_t batch, size_t seq)
{
    double pairs = (double)batch * (double)c->heads * (double)seq * (double)(seq + 1) / 2.0;
    double hs = (double)(c->dim / c->heads);
    return (double)c->layers * pairs * hs * 2.0 * (2 + 6);
}

lowp_status lowp_bench_model(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                             size_t *count)
{
    (void)p;
    struct lowp_device_info info;
    lowp_status st = lowp_context_get_info(ctx, &info);
    if (st != LOWP_OK)
        return st;
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 6, 384, 6, 256);
    cfg.vocab = 65;
    cfg.dropout = 0.2f;
    const size_t T = 256;
    size_t B = env_size("LOWP_BENCH_MODEL_BATCH", info.kind == LOWP_DEVICE_KIND_GPU ? 32 : 4);
    size_t steps = env_size("LOWP_BENCH_MODEL_STEPS", 2);
    if (steps > 64)
        steps = 64;
    size_t rows = B * T;
    int32_t *tok = malloc(rows * sizeof *tok), *tgt = malloc(rows * sizeof *tgt);
    if (tok == NULL || tgt == NULL) {
        free(tok), free(tgt);
        return LOWP_ERR_OUT_OF_MEMORY;
    }
    uint32_t x = 12345;
    for (size_t i = 0; i < rows; ++i) { /* any tokens do: the cost does not depend on them */
        x = x * 1664525u + 1013904223u;
        tok[i] = (int32_t)((x >> 16) % 65);
        tgt[i] = (int32_t)((x >> 8) % 65);
    }
    lowp_model *m = NULL;
    lowp_status s = lowp_model_create(ctx, &cfg, &m);
    if (s == LOWP_OK)
        s = lowp_model_init(m, 1337);
    double times[64], prof[LOWP_PROF_COUNT] = {0};
    float loss = 0.0f;
    for (size_t i = 0; i < steps + 2 && s == LOWP_OK; ++i) {
        if (i == steps + 1)
            m->prof = prof; /* the last step: split by op category */
        double t0 = now_seconds();
        s = lowp_model_forward(m, tok, tgt, B, T, i, &loss);
        if (s == LOWP_OK)
            s = lowp_model_backward(m, 0);
        if (s == LOWP_OK)
            s = lowp_context_sync(ctx);
        if (i >= 1 && i <= steps)
            times[i - 1] = now_seconds() - t0;
    }
    if (s == LOWP_OK) {
        qsort(times, steps, sizeof times[0], cmp_double);
        double median = times[steps / 2], total = 0.0;
        for (int c = 0; c < LOWP_PROF_COUNT; ++c)
            total += prof[c];
        struct lowp_bench_result *r = &out[(*count)++];
        memset(r, 0, sizeof *r);
        snprintf(r->op, sizeof r->op, "model fwd+bwd");
        snprintf(r->variant, sizeof r->variant, "nanoGPT-10.7M B%zu T%zu: %.0f tok/s", B, T, (double)rows / median);
        r->elements = (double)rows;
        r->flops = linear_flops(&cfg, rows) + attention_flops(&cfg, B, T);
        r->seconds = median;
        r->seconds_min = times[0];
        r->runs = (int)steps;
        for (int c = 0; c < LOWP_PROF_COUNT && *count < LOWP_BENCH_MAX_RESULTS; ++c) {
            if (prof[c] <= 0.0)
                continue;
            r = &out[(*count)++];
            memset(r, 0, sizeof *r);
            snprintf(r->op, sizeof r->op, "model:%s", lowp_prof_names[c]);
            snprintf(r->variant, sizeof r->variant, "%.1f%% of a profiled step", 100.0 * prof[c] / total);
            r->elements = (double)rows;
            if (c == LOWP_PROF_LINEAR)
                r->flops = linear_flops(&cfg, rows);
            else if (c == LOWP_PROF_ATTENTION)
                r->flops = attention_flops(&cfg, B, T);
            else
                r->bytes = 0.0;
            r->seconds = r->seconds_min = prof[c];
            r->runs = 1;
        }
    }
    lowp_model_free(m);
    free(tok), free(tgt);
    return s;
}
