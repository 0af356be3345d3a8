/* bench_hadamard_quant.c — rows of `lowp bench --op hadamard` for the fused
 * randomized Hadamard + MXFP4/NVFP4 quantization (lowp_hadamard_quantize)
 * against the two-pass pair (lowp_hadamard into an fp32 buffer, then
 * lowp_quantize); `lowp bench --op hadamard_quant`. On OpenCL, n <= 32 runs
 * lowp_hadamard_quant_reg and longer transforms lowp_hadamard_quant_local. Both rows of a pair count the same bytes — the minimum
 * traffic: x read once, codes and scale bytes written once — so their GB/s
 * compare directly (the pair really moves 3 more fp32 passes over the tensor). */
#include <stdio.h>
#include <string.h>

#include "bench.h"

struct hq_args {
    struct lowp_hadamard_desc h;
    struct lowp_quant_desc q;
    lowp_buffer *x, *t, *codes, *scales, *ts, *signs;
    int fused;
};

static lowp_status run_hq(lowp_context *ctx, void *v)
{
    struct hq_args *a = v;
    const lowp_buffer *sb = a->h.sign_mode == LOWP_HADAMARD_SIGNS_USER ? a->signs : NULL;
    if (a->fused)
        return lowp_hadamard_quantize(ctx, &a->h, &a->q, a->x, 0, a->codes, 0, a->scales, 0, a->ts, 0, sb);
    lowp_status s = lowp_hadamard(ctx, &a->h, a->x, 0, a->t, 0, sb);
    if (s == LOWP_OK)
        s = lowp_quantize(ctx, &a->q, a->t, 0, a->codes, 0, a->scales, 0, a->ts, 0, NULL);
    return s;
}

struct hq_case {
    const char *name;
    int nvfp4, cols_axis;
    uint32_t n;        /* transform length (0: whole row) */
    float tensor_amax; /* < 0: amax of the transformed tensor (extra pass) */
};

lowp_status lowp_bench_hadamard_quant(lowp_context *ctx, const struct lowp_bench_params *p,
                                      struct lowp_bench_result *out, size_t *count)
{
    static const struct hq_case cases[] = {
        {"nvfp4 cols b=16", 1, 1, 16, -1.0f},         /* NVFP4 Wgrad: amax pass + quantize pass */
        {"nvfp4 cols b=16 amax", 1, 1, 16, 64.0f},   /* amax given: one pass */
        {"mxfp4 rows b=32", 0, 0, 32, -1.0f},        /* OpenCL: the register kernel (n <= 32) */
        {"mxfp4 rows n=256", 0, 0, 256, -1.0f},      /* OpenCL: the local-memory kernel from here on */
        {"nvfp4 rows n=256", 1, 0, 256, -1.0f},
        {"mxfp4 rows n=4096", 0, 0, 0, -1.0f},       /* whole rows */
        {"nvfp4 cols n=1024 amax", 1, 1, 1024, 64.0f},
    };
    const uint64_t cols = 4096, rows = (p->bytes / 4) / cols / 32 * 32;
    if (rows == 0)
        return LOWP_OK;
    const size_t elems = (size_t)(rows * cols);
    struct hq_args a;
    memset(&a, 0, sizeof a);
    lowp_status s = lowp_buffer_alloc(ctx, elems * 4, &a.x);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, elems * 4, &a.t);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, elems, &a.codes);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, elems / 16, &a.scales);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, 4, &a.ts);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, 4096 / 8, &a.signs);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.x, 0, elems, 0.25f);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, a.signs, 0, 4096 / 32, 1.7e-5f); /* any bit pattern */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && s == LOWP_OK; ++i) {
        const struct hq_case *c = &cases[i];
        if (c->cols_axis && rows % (c->n ? c->n : rows) != 0)
            continue; /* too few rows for a column transform of n */
        lowp_hadamard_desc_init(&a.h, rows, cols);
        a.h.axis = c->cols_axis ? LOWP_HADAMARD_AXIS_COLS : LOWP_HADAMARD_AXIS_ROWS;
        a.h.block = c->n;
        a.h.sign_mode = LOWP_HADAMARD_SIGNS_USER;
        a.q = c->nvfp4 ? lowp_quant_desc_nvfp4((size_t)rows, (size_t)cols)
                       : lowp_quant_desc_mx((size_t)rows, (size_t)cols, LOWP_FORMAT_E2M1);
        a.q.layout = c->cols_axis ? LOWP_BLOCK_COL : LOWP_BLOCK_ROW;
        a.q.tensor_amax = c->tensor_amax;
        for (int fused = 1; fused >= 0 && s == LOWP_OK && *count < LOWP_BENCH_MAX_RESULTS; --fused) {
            struct lowp_bench_result *r = &out[*count];
            memset(r, 0, sizeof *r);
            a.fused = fused;
            snprintf(r->op, sizeof r->op, "hadamard_quant");
            snprintf(r->variant, sizeof r->variant, "%s %s", c->name, fused ? "fused" : "two-pass");
            r->elements = (double)elems;
            r->bytes = (double)elems * (4.0 + 0.5) + (double)elems / a.q.block;
            s = lowp_bench_time(ctx, p, run_hq, &a, r);
            if (s == LOWP_OK && r->runs > 0)
                *count += 1;
        }
    }
    lowp_buffer_free(a.x), lowp_buffer_free(a.t), lowp_buffer_free(a.codes);
    lowp_buffer_free(a.scales), lowp_buffer_free(a.ts), lowp_buffer_free(a.signs);
    return s;
}
