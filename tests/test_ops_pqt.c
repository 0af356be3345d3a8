/* test_ops_pqt.c — rows of the portability matrix for lowp/pqt.h: the PQT
 * weight sampling on every device against backends/cpu/ref/pqt_ref.c, bit
 * for bit (integer noise, one correctly rounded fp32 multiply and add on
 * normal numbers, integer bf16 cast), and the statistics of the noise as
 * the device draws it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref/pqt_ref.h"
#include "test_ops.h"

#define G TH_GUARD

/* Device result of d on host input x (n = rows * cols floats) into got;
 * in_place runs with y = x. Returns 1 when the call and the read worked. */
static int run_device(struct th *t, lowp_context *ctx, const struct lowp_pqt_desc *d, const float *x, float *got,
                      int in_place)
{
    const size_t n = d->rows * d->cols;
    lowp_buffer *bx = th_upload(t, ctx, x, n, sizeof(float)), *by = NULL;
    int ok = bx != NULL;
    if (ok && !in_place)
        ok = th_ok(t, th_guarded_alloc(ctx, n, sizeof(float), &by), "alloc y");
    struct lowp_pqt_desc dd = *d;
    dd.x_offset = dd.y_offset = G;
    ok = ok && th_ok(t, lowp_pqt_sample(ctx, &dd, bx, in_place ? bx : by), "lowp_pqt_sample");
    ok = ok && th_guarded_read(t, "pqt y", in_place ? bx : by, n, sizeof(float), got);
    lowp_buffer_free(bx);
    lowp_buffer_free(by);
    return ok;
}

/* Weights-like data with the blocks the rule treats specially: an all-zero
 * block, subnormals only, a block whose step falls under 2^-70, NaN, Inf,
 * values near FLT_MAX (x + noise may overflow to Inf: IEEE on every
 * device) and a subnormal beside a normal max. */
static void fill_weights(float *x, size_t rows, size_t cols, uint64_t seed)
{
    th_fill_uniform(x, rows * cols, -0.08f, 0.08f, seed);
    const size_t n = rows * cols;
    for (size_t i = 0; i < 32 && i < n; ++i)
        x[i] = 0.0f;
    for (size_t i = 32; i < 64 && i < n; ++i)
        x[i] = (i & 1 ? 1 : -1) * 1e-40f;
    for (size_t i = 64; i < 96 && i < n; ++i)
        x[i] = (float)(i - 63) * 1e-21f; /* max ~3e-20 = 2^-65: k = -64 - bits + 1 < -70 for bits >= 8 */
    if (n > 200) {
        x[101] = NAN;
        x[140] = INFINITY;
        x[170] = 3.3e38f;
        x[171] = -3.3e38f;
        x[190] = 1e-42f;
    }
}

static void check_case(struct th *t, lowp_context *ctx, size_t rows, size_t cols, size_t block, uint32_t bits,
                       enum lowp_format f, int in_place)
{
    struct lowp_pqt_desc d;
    lowp_pqt_desc_init(&d, rows, cols);
    d.block = block;
    d.bits = bits;
    d.format = f;
    d.seed = 0x1234567890abcdefull;
    d.stream = ((uint64_t)0x05 << 56) | ((uint64_t)17 << 16) | 8u;
    const size_t n = rows * cols;
    float *x = malloc(n * sizeof *x), *ref = malloc(n * sizeof *ref), *got = malloc(n * sizeof *got);
    if (x != NULL && ref != NULL && got != NULL) {
        fill_weights(x, rows, cols, rows * 1000 + cols + bits);
        lowp_ref_pqt_sample(&d, x, ref);
        char what[96];
        snprintf(what, sizeof what, "pqt %zux%zu block %zu bits %u %s%s", rows, cols, block, bits,
                 f == LOWP_FORMAT_BF16 ? "bf16" : "fp32", in_place ? " in place" : "");
        if (run_device(t, ctx, &d, x, got, in_place))
            th_compare_f32(t, what, got, ref, n, TH_EXACT);
    }
    free(x), free(ref), free(got);
}

static void test_pqt_exact(struct th *t, lowp_context *ctx)
{
    check_case(t, ctx, 37, 100, 32, 8, LOWP_FORMAT_BF16, 0); /* partial last block of each row */
    check_case(t, ctx, 37, 100, 32, 8, LOWP_FORMAT_FP32, 0);
    check_case(t, ctx, 64, 96, 32, 2, LOWP_FORMAT_BF16, 0);
    check_case(t, ctx, 64, 96, 32, 16, LOWP_FORMAT_FP32, 0);
    check_case(t, ctx, 9, 300, 7, 6, LOWP_FORMAT_BF16, 0);
    check_case(t, ctx, 1, 1, 32, 8, LOWP_FORMAT_FP32, 0);
    check_case(t, ctx, 300, 65, 1, 4, LOWP_FORMAT_FP32, 0); /* block 1: each element is its own max */
    check_case(t, ctx, 37, 100, 32, 8, LOWP_FORMAT_BF16, 1);
}

/* Statistics of R as the device draws it: each block's first element is 1
 * (e_B = 0, Delta = 2^(1 - bits)), the rest are 0, so y = Delta * R exactly
 * there (fp32 output). N = 31 * 2000 = 62000 samples of Irwin-Hall(4):
 * standard error of the mean 0.004, of the variance ~0.0052 (kurtosis 2.7).
 * Bounds at ~6 sigma: |mean| < 0.025, |var - 1| < 0.035; |R| <= 510 C;
 * two steps' draws uncorrelated (|rho| < 0.025) and never all equal. */
static void test_pqt_stats(struct th *t, lowp_context *ctx)
{
    const size_t rows = 2000, cols = 32, n = rows * cols;
    float *x = calloc(n, sizeof *x), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (x == NULL || a == NULL || b == NULL) {
        free(x), free(a), free(b);
        th_check(t, 0, "out of memory");
        return;
    }
    for (size_t r = 0; r < rows; ++r)
        x[r * cols] = 1.0f;
    struct lowp_pqt_desc d;
    lowp_pqt_desc_init(&d, rows, cols);
    d.bits = 4;
    d.format = LOWP_FORMAT_FP32;
    d.seed = 99;
    d.stream = 1;
    int ok = run_device(t, ctx, &d, x, a, 0);
    d.stream = 2; /* another step */
    ok = ok && run_device(t, ctx, &d, x, b, 0);
    if (ok) {
        const double delta = 0.125, bound = 510.0 * sqrt(3.0 / 65535.0);
        double sa = 0, sa2 = 0, sb = 0, sb2 = 0, sab = 0, big = 0;
        size_t same = 0, m = 0;
        for (size_t r = 0; r < rows; ++r)
            for (size_t c = 1; c < cols; ++c) {
                double ra = a[r * cols + c] / delta, rb = b[r * cols + c] / delta;
                sa += ra, sa2 += ra * ra, sb += rb, sb2 += rb * rb, sab += ra * rb;
                big = fmax(big, fmax(fabs(ra), fabs(rb)));
                same += ra == rb;
                ++m;
            }
        double ma = sa / m, va = sa2 / m - ma * ma, mb = sb / m, vb = sb2 / m - mb * mb;
        double rho = (sab / m - ma * mb) / sqrt(va * vb);
        th_check(t, fabs(ma) < 0.025 && fabs(mb) < 0.025, "pqt noise mean %.4f / %.4f, want |mean| < 0.025", ma, mb);
        th_check(t, fabs(va - 1) < 0.035 && fabs(vb - 1) < 0.035, "pqt noise variance %.4f / %.4f, want 1 +- 0.035",
                 va, vb);
        th_check(t, big <= bound * (1 + 1e-6), "pqt |R| max %.4f beyond 510 C", big);
        th_check(t, fabs(rho) < 0.025 && same < m / 100, "pqt steps correlated: rho %.4f, %zu equal of %zu", rho,
                 same, m);
    }
    free(x), free(a), free(b);
}

static void test_pqt_errors(struct th *t, lowp_context *ctx)
{
    lowp_buffer *b = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 64 * sizeof(float), &b), "alloc"))
        return;
    struct lowp_pqt_desc d;
    lowp_pqt_desc_init(&d, 2, 16);
    d.bits = 1;
    th_check(t, lowp_pqt_sample(ctx, &d, b, b) == LOWP_ERR_INVALID_ARG, "bits 1 accepted");
    d.bits = 17;
    th_check(t, lowp_pqt_sample(ctx, &d, b, b) == LOWP_ERR_INVALID_ARG, "bits 17 accepted");
    d.bits = 8;
    d.block = 0;
    th_check(t, lowp_pqt_sample(ctx, &d, b, b) == LOWP_ERR_INVALID_ARG, "block 0 accepted");
    d.block = 32;
    d.format = LOWP_FORMAT_E4M3;
    th_check(t, lowp_pqt_sample(ctx, &d, b, b) == LOWP_ERR_INVALID_ARG, "format e4m3 accepted");
    d.format = LOWP_FORMAT_BF16;
    d.y_offset = 5;
    th_check(t, lowp_pqt_sample(ctx, &d, b, b) == LOWP_ERR_INVALID_ARG, "partial overlap accepted");
    d.y_offset = 40;
    th_check(t, lowp_pqt_sample(ctx, &d, b, b) == LOWP_ERR_INVALID_ARG, "y beyond the buffer accepted");
    lowp_buffer_free(b);
}

/* Loss of one forward at `step` of a tiny GPT-2 under `recipe` (NAN on error). */
static double model_loss(struct th *t, lowp_context *ctx, const struct lowp_model_recipe *recipe, uint64_t step)
{
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 2, 32, 2, 16); /* MX blocks of 32 along every K: width, vocab, rows */
    cfg.vocab = 64;
    int32_t tok[32], tgt[32];
    for (int i = 0; i < 32; ++i)
        tok[i] = (i * 11) % 64, tgt[i] = (i * 3 + 2) % 64;
    lowp_model *m = NULL;
    float loss = NAN;
    if (th_ok(t, lowp_model_create(ctx, &cfg, &m), "lowp_model_create") &&
        th_ok(t, lowp_model_init(m, 3), "lowp_model_init") &&
        th_ok(t, lowp_model_set_recipe(m, recipe), "lowp_model_set_recipe") &&
        th_ok(t, lowp_model_forward(m, tok, tgt, 2, 16, step, &loss), "lowp_model_forward"))
        th_ok(t, lowp_model_backward(m, 0), "lowp_model_backward");
    lowp_model_free(m);
    return loss;
}

/* The model with PQT on: the device's loss matches the CPU's (the sampled
 * weights are the same bits; only fp32 summation order differs), the noise
 * changes the loss, is fresh at another step and the same at the same
 * step; fp32, bf16 and mxfp8 (packed where the device packs: PQT weights
 * take the fake path beside packed wgrad operands) recipes all run. */
static void test_pqt_model(struct th *t, lowp_context *ctx)
{
    lowp_context *cpu = NULL;
    if (!th_ok(t, lowp_context_open("cpu", &cpu), "cpu context"))
        return;
    const lowp_recipe_kind kinds[] = {LOWP_RECIPE_FP32, LOWP_RECIPE_BF16, LOWP_RECIPE_MXFP8};
    for (size_t k = 0; k < 3; ++k) {
        struct lowp_model_recipe r;
        lowp_model_recipe_default(kinds[k], &r);
        r.seed = 11;
        double plain = model_loss(t, ctx, &r, 4);
        r.pqt_bits = 4; /* coarse on purpose: the loss must move */
        double dev = model_loss(t, ctx, &r, 4), again = model_loss(t, ctx, &r, 4);
        double other = model_loss(t, ctx, &r, 5), ref = model_loss(t, cpu, &r, 4);
        const double tol = kinds[k] == LOWP_RECIPE_MXFP8 ? 1e-3 : 1e-5;
        th_check(t, fabs(dev - ref) <= tol * fabs(ref), "recipe %d + pqt: loss %.7g vs cpu %.7g", (int)kinds[k], dev,
                 ref);
        th_check(t, dev == again, "recipe %d + pqt: same step gave %.9g then %.9g", (int)kinds[k], dev, again);
        th_check(t, dev != other && dev != plain, "recipe %d + pqt: loss %.9g, next step %.9g, without pqt %.9g",
                 (int)kinds[k], dev, other, plain);
    }
    lowp_context_close(cpu);
    /* the recipe check */
    struct lowp_model_config cfg;
    lowp_model_config_gpt2(&cfg, 1, 16, 2, 8);
    lowp_model *m = NULL;
    if (th_ok(t, lowp_model_create(ctx, &cfg, &m), "lowp_model_create")) {
        struct lowp_model_recipe r;
        lowp_model_recipe_default(LOWP_RECIPE_BF16, &r);
        r.pqt_bits = 1;
        th_check(t, lowp_model_set_recipe(m, &r) == LOWP_ERR_INVALID_ARG, "pqt_bits 1 accepted");
        r.pqt_bits = 17;
        th_check(t, lowp_model_set_recipe(m, &r) == LOWP_ERR_INVALID_ARG, "pqt_bits 17 accepted");
    }
    lowp_model_free(m);
}

const struct th_case th_pqt_cases[] = {
    {"pqt_exact", test_pqt_exact, 1},
    {"pqt_stats", test_pqt_stats, 0},
    {"pqt_errors", test_pqt_errors, 0},
    {"pqt_model_vs_cpu", test_pqt_model, 0},
};
const size_t th_pqt_case_count = sizeof th_pqt_cases / sizeof th_pqt_cases[0];
