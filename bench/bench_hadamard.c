/* bench_hadamard.c — Hadamard transforms: GB/s (bytes read + written) per
 * transform length for fp32 rows (n = 2^4 … 2^15 and 12/20/28·2^k), plus
 * the block-diagonal NVFP4/MXFP4 shapes (16- and 32-blocks along columns),
 * bf16 in/out and the two sign sources. The CLI adds the share of the
 * device's copy bandwidth. Every case transforms one matrix of about
 * p->bytes, out of place (y ≠ x). */
#include <stdio.h>
#include <string.h>

#include "bench.h"

struct had_args {
    struct lowp_hadamard_desc d;
    lowp_buffer *x, *y, *signs;
};

static lowp_status run_hadamard(lowp_context *ctx, void *v)
{
    struct had_args *a = v;
    return lowp_hadamard(ctx, &a->d, a->x, 0, a->y, 0,
                         a->d.sign_mode == LOWP_HADAMARD_SIGNS_USER ? a->signs : NULL);
}

struct had_case {
    uint64_t n;          /* transform length */
    int cols_axis;       /* 0: whole rows (block 0); 1: blocks of n along columns */
    int bf16;            /* bf16 in and out */
    lowp_hadamard_signs signs;
};

static lowp_status bench_case(lowp_context *ctx, const struct lowp_bench_params *p, struct had_args *a,
                              const struct had_case *c, struct lowp_bench_result *r)
{
    const size_t es = c->bf16 ? 2 : 4;
    const uint64_t elems = p->bytes / 4; /* the fp32 working set, whatever the dtype */
    struct lowp_hadamard_desc *d = &a->d;
    memset(r, 0, sizeof *r);
    if (c->cols_axis) { /* 4096 columns (a hidden size), rows a multiple of n */
        const uint64_t cols = 4096, rows = elems / cols / c->n * c->n;
        if (rows == 0)
            return LOWP_OK;
        lowp_hadamard_desc_init(d, rows, cols);
        d->axis = LOWP_HADAMARD_AXIS_COLS;
        d->block = (uint32_t)c->n;
    } else {
        const uint64_t rows = elems / c->n;
        if (rows == 0)
            return LOWP_OK;
        lowp_hadamard_desc_init(d, rows, c->n);
    }
    d->dtype_in = d->dtype_out = c->bf16 ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
    d->sign_mode = c->signs;
    d->seed = 42;
    d->stream = 7;
    const double total = (double)d->rows * (double)d->cols;
    snprintf(r->op, sizeof r->op, "hadamard");
    const char *sign_name[] = {"", " philox", " user"};
    snprintf(r->variant, sizeof r->variant, "%s=%llu%s%s", c->cols_axis ? "cols b" : "rows n",
             (unsigned long long)c->n, c->bf16 ? " bf16" : "", sign_name[c->signs]);
    r->elements = total;
    r->bytes = 2.0 * total * (double)es;
    return lowp_bench_time(ctx, p, run_hadamard, a, r);
}

lowp_status lowp_bench_hadamard(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                                size_t *count)
{
    struct had_case cases[48];
    size_t nc = 0;
    for (uint64_t n = 16; n <= 32768; n *= 2)
        cases[nc++] = (struct had_case){n, 0, 0, LOWP_HADAMARD_SIGNS_NONE};
    static const uint64_t m_sizes[] = {12, 48, 384, 3072, 24576, 20, 80, 640, 5120, 20480, 28, 112, 896, 7168, 28672};
    for (size_t i = 0; i < sizeof m_sizes / sizeof m_sizes[0]; ++i)
        cases[nc++] = (struct had_case){m_sizes[i], 0, 0, LOWP_HADAMARD_SIGNS_NONE};
    cases[nc++] = (struct had_case){4096, 0, 0, LOWP_HADAMARD_SIGNS_PHILOX};
    cases[nc++] = (struct had_case){4096, 0, 0, LOWP_HADAMARD_SIGNS_USER};
    cases[nc++] = (struct had_case){4096, 0, 1, LOWP_HADAMARD_SIGNS_NONE};
    cases[nc++] = (struct had_case){16, 1, 0, LOWP_HADAMARD_SIGNS_USER}; /* NVFP4 Wgrad: 16 along tokens */
    cases[nc++] = (struct had_case){16, 1, 1, LOWP_HADAMARD_SIGNS_USER};
    cases[nc++] = (struct had_case){32, 1, 1, LOWP_HADAMARD_SIGNS_USER}; /* MXFP4 */
    cases[nc++] = (struct had_case){16, 0, 1, LOWP_HADAMARD_SIGNS_NONE};

    struct had_args a = {0};
    const size_t elems = p->bytes / 4;
    lowp_status s = lowp_buffer_alloc(ctx, elems * 4, &a.x);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, elems * 4, &a.y);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, LOWP_HADAMARD_MAX_N / 8, &a.signs);
    /* 0.25f and its bf16 pair (0x3E80): finite data on every path. */
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.x, 0, elems, 0.25f);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.signs, 0, LOWP_HADAMARD_MAX_N / 32, 1.7e-5f); /* any bit pattern will do */
    for (size_t i = 0; i < nc && s == LOWP_OK && *count < LOWP_BENCH_MAX_RESULTS; ++i) {
        struct lowp_bench_result *r = &out[*count];
        s = bench_case(ctx, p, &a, &cases[i], r);
        if (s == LOWP_OK && r->runs > 0)
            *count += 1;
    }
    lowp_buffer_free(a.x);
    lowp_buffer_free(a.y);
    lowp_buffer_free(a.signs);
    return s;
}
