/* bench_formats.c — casts and block quantization: fp32 -> bf16, fp8 e4m3,
 * MXFP4 (e2m1 + e8m0, 1x32) and NVFP4 (e2m1 + ue4m3, 1x16), RNE and SR.
 * Bytes are what the op moves: x read, codes and scales written (NVFP4 with
 * a computed tensor amax reads x twice). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define COLS 4096 /* matrix width of the block cases */

struct formats_args {
    lowp_buffer *x, *codes, *scales, *ts;
    struct lowp_cast_desc cast;
    struct lowp_quant_desc quant;
};

static lowp_status run_cast(lowp_context *ctx, void *v)
{
    struct formats_args *a = v;
    return lowp_cast(ctx, &a->cast, a->x, 0, a->codes, 0);
}

static lowp_status run_quantize(lowp_context *ctx, void *v)
{
    struct formats_args *a = v;
    return lowp_quantize(ctx, &a->quant, a->x, 0, a->codes, 0, a->scales, 0, a->ts, 0, NULL);
}

static lowp_status run_fake(lowp_context *ctx, void *v)
{
    struct formats_args *a = v;
    return lowp_fake_quantize(ctx, &a->quant, a->x, 0, a->x, 0, NULL);
}

/* Activation-like data: a sum of two uniforms with per-row magnitudes. */
static lowp_status upload_inputs(lowp_buffer *x, size_t n)
{
    float *h = malloc(n * sizeof *h);
    if (h == NULL)
        return LOWP_ERR_OUT_OF_MEMORY;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; ++i) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        float u = (float)((s >> 40) * (1.0 / 16777216.0)) + (float)((s & 0xFFFFFF) * (1.0 / 16777216.0)) - 1.0f;
        h[i] = ldexpf(u, (int)((i / COLS) % 9) - 4);
    }
    lowp_status st = lowp_buffer_write(x, 0, h, n * sizeof *h);
    free(h);
    return st;
}

lowp_status lowp_bench_formats(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                               size_t *count)
{
    struct formats_args a;
    memset(&a, 0, sizeof a);
    size_t rows = p->bytes / sizeof(float) / COLS, n = rows * COLS;
    if (rows == 0)
        return LOWP_ERR_INVALID_ARG;
    lowp_status s = lowp_buffer_alloc(ctx, n * sizeof(float), &a.x);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, n * 2, &a.codes);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, n / 16, &a.scales);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, sizeof(float), &a.ts);
    if (s == LOWP_OK)
        s = upload_inputs(a.x, n);
    const double N = (double)n, F = sizeof(float);
    const struct {
        const char *op, *variant;
        int kind; /* 0 cast, 1 quantize, 2 fake-quantize (in place) */
        enum lowp_format fmt;
        int nvfp4, sr, given_amax;
        double bytes;
    } cases[] = {
        {"cast", "bf16 RNE", 0, LOWP_FORMAT_BF16, 0, 0, 0, N * F + N * 2},
        {"cast", "bf16 SR", 0, LOWP_FORMAT_BF16, 0, 1, 0, N * F + N * 2},
        {"cast", "e4m3 RNE", 0, LOWP_FORMAT_E4M3, 0, 0, 0, N * F + N},
        {"cast", "e4m3 SR", 0, LOWP_FORMAT_E4M3, 0, 1, 0, N * F + N},
        {"quantize", "mxfp4 1x32 RNE", 1, LOWP_FORMAT_E2M1, 0, 0, 0, N * F + N / 2 + N / 32},
        {"quantize", "mxfp4 1x32 SR", 1, LOWP_FORMAT_E2M1, 0, 1, 0, N * F + N / 2 + N / 32},
        {"quantize", "nvfp4 1x16 RNE, amax given", 1, LOWP_FORMAT_E2M1, 1, 0, 1, N * F + N / 2 + N / 16 + F},
        {"quantize", "nvfp4 1x16 SR, amax given", 1, LOWP_FORMAT_E2M1, 1, 1, 1, N * F + N / 2 + N / 16 + F},
        {"quantize", "nvfp4 1x16 SR, amax computed", 1, LOWP_FORMAT_E2M1, 1, 1, 0, 2 * N * F + N / 2 + N / 16 + F},
        {"fake_quantize", "nvfp4 1x16 SR, amax given", 2, LOWP_FORMAT_E2M1, 1, 1, 1, 2 * N * F},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && s == LOWP_OK; ++i) {
        if (*count >= LOWP_BENCH_MAX_RESULTS)
            break;
        struct lowp_bench_result *r = &out[*count];
        memset(r, 0, sizeof *r);
        snprintf(r->op, sizeof r->op, "%s", cases[i].op);
        snprintf(r->variant, sizeof r->variant, "%s", cases[i].variant);
        r->elements = N;
        r->bytes = cases[i].bytes;
        enum lowp_rounding rnd = cases[i].sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE;
        a.cast = (struct lowp_cast_desc){.n = n, .format = cases[i].fmt, .rounding = rnd, .seed = 1, .stream = 2};
        a.quant = cases[i].nvfp4 ? lowp_quant_desc_nvfp4(rows, COLS) : lowp_quant_desc_mx(rows, COLS, cases[i].fmt);
        a.quant.rounding = rnd;
        a.quant.seed = 1;
        a.quant.stream = 2;
        a.quant.tensor_amax = cases[i].given_amax ? 16.0f : -1.0f;
        lowp_bench_op fn = cases[i].kind == 0 ? run_cast : cases[i].kind == 1 ? run_quantize : run_fake;
        s = lowp_bench_time(ctx, p, fn, &a, r);
        if (s == LOWP_OK)
            *count += 1;
    }
    lowp_buffer_free(a.x);
    lowp_buffer_free(a.codes);
    lowp_buffer_free(a.scales);
    lowp_buffer_free(a.ts);
    return s;
}
