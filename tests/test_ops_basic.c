/* test_ops_basic.c — rows of the portability matrix for basic.h: every
 * device against backends/cpu/ref/basic_ref.c, bit for bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref/basic_ref.h"
#include "test_ops.h"

static const size_t sizes[] = {1, 3, 4, 5, 255, 4096, 4097, 100003};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* Inputs with the special values every op must carry through. */
static void special_inputs(float *x, size_t n, uint64_t seed)
{
    th_fill_uniform(x, n, -4.0f, 4.0f, seed);
    const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-30f, -3.3e38f};
    for (size_t i = 0; i < n && i < 7; ++i)
        x[(i * 37) % n] = specials[i];
}

/* Upload host data into a guarded buffer. */
static lowp_buffer *upload(struct th *t, lowp_context *ctx, const void *host, size_t n, size_t elem)
{
    lowp_buffer *b = NULL;
    if (!th_ok(t, th_guarded_alloc(ctx, n, elem, &b), "alloc"))
        return NULL;
    if (!th_ok(t, lowp_buffer_write(b, TH_GUARD * elem, host, n * elem), "write")) {
        lowp_buffer_free(b);
        return NULL;
    }
    return b;
}

static void test_fill(struct th *t, lowp_context *ctx)
{
    const float values[] = {1.5f, -0.0f, NAN, -INFINITY};
    for (size_t si = 0; si < NSIZES; ++si) {
        size_t n = sizes[si];
        float *got = malloc(n * sizeof *got), *ref = malloc(n * sizeof *ref);
        lowp_buffer *b = NULL;
        for (size_t v = 0; v < 4 && got && ref; ++v) {
            if (!th_ok(t, th_guarded_alloc(ctx, n, sizeof(float), &b), "alloc"))
                break;
            if (th_ok(t, lowp_fill_f32(ctx, b, TH_GUARD, n, values[v]), "lowp_fill_f32") &&
                th_guarded_read(t, "fill", b, n, sizeof(float), got)) {
                lowp_ref_fill_f32(ref, n, values[v]);
                th_compare_f32(t, "fill", got, ref, n, TH_EXACT);
            }
            lowp_buffer_free(b);
        }
        free(got);
        free(ref);
    }
}

static void test_scale_axpy(struct th *t, lowp_context *ctx)
{
    for (size_t si = 0; si < NSIZES; ++si) {
        size_t n = sizes[si];
        float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *got = malloc(n * sizeof *got);
        if (!x || !y || !got) {
            th_check(t, 0, "out of host memory");
            free(x), free(y), free(got);
            return;
        }
        special_inputs(x, n, 11 + n);
        th_fill_uniform(y, n, -2.0f, 2.0f, 5 + n);
        lowp_buffer *bx = upload(t, ctx, x, n, sizeof(float)), *by = upload(t, ctx, y, n, sizeof(float));
        if (bx && by && th_ok(t, lowp_scale_f32(ctx, bx, TH_GUARD, n, -0.3f), "lowp_scale_f32") &&
            th_guarded_read(t, "scale", bx, n, sizeof(float), got)) {
            lowp_ref_scale_f32(x, n, -0.3f);
            th_compare_f32(t, "scale", got, x, n, TH_EXACT);
        }
        if (bx && by && th_ok(t, lowp_axpy_f32(ctx, n, 1.7f, bx, TH_GUARD, by, TH_GUARD), "lowp_axpy_f32") &&
            th_guarded_read(t, "axpy", by, n, sizeof(float), got)) {
            lowp_ref_axpy_f32(n, 1.7f, x, y);
            th_compare_f32(t, "axpy", got, y, n, TH_EXACT);
        }
        lowp_buffer_free(bx);
        lowp_buffer_free(by);
        free(x), free(y), free(got);
    }
}

static void test_copy(struct th *t, lowp_context *ctx)
{
    const size_t n = 10007;
    float *x = malloc(n * sizeof *x), *got = malloc(n * sizeof *got);
    special_inputs(x, n, 3);
    lowp_buffer *src = upload(t, ctx, x, n, sizeof(float)), *dst = NULL;
    if (src && th_ok(t, th_guarded_alloc(ctx, n, sizeof(float), &dst), "alloc")) {
        /* Odd byte offsets too: copies are byte ranges. */
        th_ok(t, lowp_buffer_copy(dst, TH_GUARD * 4, src, TH_GUARD * 4, 1), "copy 1 byte");
        if (th_ok(t, lowp_buffer_copy(dst, TH_GUARD * 4 + 1, src, TH_GUARD * 4 + 1, n * 4 - 1), "copy") &&
            th_guarded_read(t, "copy", dst, n, sizeof(float), got))
            th_compare_f32(t, "copy", got, x, n, TH_EXACT);
    }
    lowp_buffer_free(src);
    lowp_buffer_free(dst);
    free(x);
    free(got);
}

static void test_random(struct th *t, lowp_context *ctx)
{
    const uint64_t seeds[][2] = {{0, 0}, {42, 7}, {0xFFFFFFFFFFFFFFFFull, 0x123456789ABCDEFull}};
    for (size_t si = 0; si < NSIZES; ++si) {
        size_t n = sizes[si];
        uint32_t *got = malloc(n * 4), *ref = malloc(n * 4);
        for (size_t k = 0; k < 3 && got && ref; ++k) {
            lowp_buffer *b = NULL;
            if (!th_ok(t, th_guarded_alloc(ctx, n, 4, &b), "alloc"))
                break;
            if (th_ok(t, lowp_random_u32(ctx, b, TH_GUARD, n, seeds[k][0], seeds[k][1]), "lowp_random_u32") &&
                th_guarded_read(t, "random", b, n, 4, got)) {
                lowp_ref_random_u32(ref, n, seeds[k][0], seeds[k][1]);
                th_compare_u32(t, "random_u32", got, ref, n);
            }
            lowp_buffer_free(b);
        }
        free(got);
        free(ref);
    }
}

struct reduce_shape {
    size_t rows, cols, stride;
};

static void reduce_case(struct th *t, lowp_context *ctx, lowp_reduce_op op, struct reduce_shape sh, int specials)
{
    size_t extent = (sh.rows - 1) * sh.stride + sh.cols;
    float *x = malloc(extent * sizeof *x), *got = malloc(sh.rows * sizeof *got), *ref = malloc(sh.rows * sizeof *ref);
    if (!x || !got || !ref) {
        th_check(t, 0, "out of host memory");
        free(x), free(got), free(ref);
        return;
    }
    th_fill_uniform(x, extent, -3.0f, 3.0f, sh.rows * 131 + sh.cols);
    if (specials && extent > 10) {
        x[extent / 2] = NAN;
        x[extent / 3] = -INFINITY;
        x[1] = -0.0f;
    }
    lowp_buffer *bx = upload(t, ctx, x, extent, sizeof(float)), *bo = NULL;
    struct lowp_reduce_desc d = {.op = op, .rows = sh.rows, .cols = sh.cols, .x_offset = TH_GUARD,
                                 .row_stride = sh.stride, .out_offset = TH_GUARD};
    char what[96];
    snprintf(what, sizeof what, "reduce op=%d %zux%zu stride %zu%s", (int)op, sh.rows, sh.cols, sh.stride,
             specials ? " with NaN/Inf" : "");
    if (bx && th_ok(t, th_guarded_alloc(ctx, sh.rows, sizeof(float), &bo), "alloc") &&
        th_ok(t, lowp_reduce_rows_f32(ctx, &d, bx, bo), what) &&
        th_guarded_read(t, what, bo, sh.rows, sizeof(float), got)) {
        d.x_offset = 0;
        d.out_offset = 0;
        if (th_ok(t, lowp_ref_reduce_rows_f32(&d, x, ref), "reference"))
            th_compare_f32(t, what, got, ref, sh.rows, TH_EXACT);
    }
    lowp_buffer_free(bx);
    lowp_buffer_free(bo);
    free(x), free(got), free(ref);
}

static void test_reduce(struct th *t, lowp_context *ctx)
{
    const struct reduce_shape shapes[] = {
        {1, 1, 1}, {1, 7, 7}, {1, 256, 256}, {1, 4096, 4096}, {1, 4097, 4097}, {1, (1u << 20) + 3, (1u << 20) + 3},
        {1000, 32, 40}, {3, 9000, 9001}, {17, 16, 16},
    };
    for (int op = 0; op < 3; ++op)
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i)
            reduce_case(t, ctx, (lowp_reduce_op)op, shapes[i], i % 2);
}

/* fp32 subnormals: only devices that keep them can match the reference. */
static void test_reduce_subnormal(struct th *t, lowp_context *ctx)
{
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    if (!(info.caps & LOWP_CAP_F32_DENORMALS)) {
        th_skip(t, "device flushes fp32 subnormals (no CL_FP_DENORM); see docs/portability.md");
        return;
    }
    const size_t n = 5000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; ++i)
        x[i] = (float)(i % 7 + 1) * 1e-41f;
    float got = 0.0f, ref = 0.0f;
    lowp_buffer *b = upload(t, ctx, x, n, sizeof(float));
    struct lowp_reduce_desc d = {.op = LOWP_REDUCE_SUM, .rows = 1, .cols = n, .row_stride = n};
    if (b && th_ok(t, lowp_reduce_f32(ctx, LOWP_REDUCE_SUM, b, TH_GUARD, n, &got), "lowp_reduce_f32") &&
        th_ok(t, lowp_ref_reduce_rows_f32(&d, x, &ref), "reference"))
        th_compare_f32(t, "sum of subnormals", &got, &ref, 1, TH_EXACT);
    lowp_buffer_free(b);
    free(x);
}

const struct th_case th_basic_cases[] = {
    {"fill_f32", test_fill, 0},
    {"scale_axpy_f32", test_scale_axpy, 0},
    {"buffer_copy", test_copy, 0},
    {"random_u32", test_random, 1},
    {"reduce_rows_f32", test_reduce, 1},
    {"reduce_subnormal", test_reduce_subnormal, 0},
};
const size_t th_basic_case_count = sizeof th_basic_cases / sizeof th_basic_cases[0];
