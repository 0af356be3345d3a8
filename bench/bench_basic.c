/* bench_basic.c — copy (the roofline), fill, axpy, random bits and reductions. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

struct basic_args {
    lowp_buffer *a, *b, *out;
    size_t n;
    struct lowp_reduce_desc reduce;
};

static lowp_status run_copy(lowp_context *ctx, void *v)
{
    (void)ctx;
    struct basic_args *a = v;
    return lowp_buffer_copy(a->b, 0, a->a, 0, a->n * sizeof(float));
}

static lowp_status run_fill(lowp_context *ctx, void *v)
{
    struct basic_args *a = v;
    return lowp_fill_f32(ctx, a->b, 0, a->n, 1.5f);
}

static lowp_status run_axpy(lowp_context *ctx, void *v)
{
    struct basic_args *a = v;
    return lowp_axpy_f32(ctx, a->n, 0.5f, a->a, 0, a->b, 0);
}

static lowp_status run_random(lowp_context *ctx, void *v)
{
    struct basic_args *a = v;
    return lowp_random_u32(ctx, a->b, 0, a->n, 42, 7);
}

static lowp_status run_reduce(lowp_context *ctx, void *v)
{
    struct basic_args *a = v;
    return lowp_reduce_rows_f32(ctx, &a->reduce, a->a, a->out);
}

static void set(struct lowp_bench_result *r, const char *op, const char *variant, double elements, double bytes)
{
    snprintf(r->op, sizeof r->op, "%s", op);
    snprintf(r->variant, sizeof r->variant, "%s", variant);
    r->elements = elements;
    r->bytes = bytes;
    r->flops = 0.0;
}

lowp_status lowp_bench_basic(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                               size_t *count)
{
    struct basic_args a = {0};
    a.n = p->bytes / sizeof(float);
    lowp_status s = lowp_buffer_alloc(ctx, a.n * sizeof(float), &a.a);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, a.n * sizeof(float), &a.b);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, a.n / 32 * sizeof(float) + sizeof(float), &a.out);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.a, 0, a.n, 0.25f);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.b, 0, a.n, 0.75f);
    double n = (double)a.n, f = sizeof(float);
    struct {
        lowp_bench_op fn;
        const char *op, *variant;
        double bytes;
        struct lowp_reduce_desc reduce;
    } cases[] = {
        {run_copy, "copy", "", 2 * n * f, {0}},
        {run_fill, "fill_f32", "", n * f, {0}},
        {run_axpy, "axpy_f32", "", 3 * n * f, {0}},
        {run_random, "random_u32", "philox4x32-10", n * 4, {0}},
        {run_reduce, "reduce_f32", "sum, whole buffer", n * f,
         {.op = LOWP_REDUCE_SUM, .rows = 1, .cols = a.n, .row_stride = a.n}},
        {run_reduce, "reduce_f32", "absmax, rows of 32", n * f + n / 32 * f,
         {.op = LOWP_REDUCE_ABSMAX, .rows = a.n / 32, .cols = 32, .row_stride = 32}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && s == LOWP_OK; ++i) {
        if (*count >= LOWP_BENCH_MAX_RESULTS)
            break;
        struct lowp_bench_result *r = &out[*count];
        memset(r, 0, sizeof *r);
        a.reduce = cases[i].reduce;
        set(r, cases[i].op, cases[i].variant, n, cases[i].bytes);
        s = lowp_bench_time(ctx, p, cases[i].fn, &a, r);
        if (s == LOWP_OK)
            *count += 1;
    }
    lowp_buffer_free(a.a);
    lowp_buffer_free(a.b);
    lowp_buffer_free(a.out);
    return s;
}
