/* bench_pqt.c — PQT weight sampling (lowp_pqt_sample): read the weight,
 * one Philox per element, write the sampled weight; bf16 and fp32 output.
 * Memory-bound on paper (8 bytes an element), Philox-bound in practice on
 * CPUs, so the roofline share says how far the random bits cost. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

struct pqt_args {
    lowp_buffer *x, *y;
    struct lowp_pqt_desc d;
};

static lowp_status run_pqt(lowp_context *ctx, void *v)
{
    struct pqt_args *a = v;
    return lowp_pqt_sample(ctx, &a->d, a->x, a->y);
}

lowp_status lowp_bench_pqt(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                           size_t *count)
{
    struct pqt_args a = {0};
    const size_t cols = 1024, rows = p->bytes / sizeof(float) / cols ? p->bytes / sizeof(float) / cols : 1;
    const size_t n = rows * cols;
    lowp_status s = lowp_buffer_alloc(ctx, n * sizeof(float), &a.x);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, n * sizeof(float), &a.y);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.x, 0, n, 0.02f);
    const enum lowp_format formats[] = {LOWP_FORMAT_BF16, LOWP_FORMAT_FP32};
    for (size_t i = 0; i < 2 && s == LOWP_OK && *count < LOWP_BENCH_MAX_RESULTS; ++i) {
        lowp_pqt_desc_init(&a.d, rows, cols);
        a.d.format = formats[i];
        a.d.seed = 7;
        a.d.stream = 3;
        struct lowp_bench_result *r = &out[*count];
        memset(r, 0, sizeof *r);
        snprintf(r->op, sizeof r->op, "pqt_sample");
        snprintf(r->variant, sizeof r->variant, "%s b32 bits8 %zux%zu", i == 0 ? "bf16" : "fp32", rows, cols);
        r->elements = (double)n;
        r->bytes = 2.0 * (double)n * sizeof(float);
        s = lowp_bench_time(ctx, p, run_pqt, &a, r);
        if (s == LOWP_OK)
            *count += 1;
    }
    lowp_buffer_free(a.x);
    lowp_buffer_free(a.y);
    return s;
}
