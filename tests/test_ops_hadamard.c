/* test_ops_hadamard.c — rows of the portability matrix for lowp/hadamard.h.
 *
 * Every configuration runs lowp_hadamard on the device and is compared
 *   - bit for bit with the fast CPU path (lowp_cpu_hadamard on the host),
 *     over the whole written range: outputs, row padding and the elements
 *     before the output (guards around it are checked by the harness);
 *     docs/hadamard.md §6 explains why every IEEE fp32 device agrees;
 *   - with the scalar reference (lowp_ref_hadamard) within the fp32 bound of
 *     docs/hadamard.md §6 (plus one bf16 ulp for bf16 outputs), on the
 *     first lines the n² reference can afford (REF_BUDGET; n ≤ 4096).
 * Inputs are uniform in [−4, 4): normal-range results, so devices that flush
 * fp32 subnormals agree too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hadamard/hadamard_plan.h"
#include "hadamard_cpu.h"
#include "harness.h"
#include "ref/hadamard_ref.h"
#include "test_ops.h"

/* Most n²·(vectors) work the reference does per configuration (~20 ms):
 * larger matrices are checked on their first lines only. */
#define REF_BUDGET (1ull << 24)

static size_t esize(lowp_hadamard_dtype t) { return t == LOWP_HADAMARD_DTYPE_BF16 ? 2u : 4u; }

static size_t extent(uint64_t rows, uint64_t cols, uint64_t ld) { return (size_t)((rows - 1) * ld + cols); }

/* Element i of a host array of dtype t, as float. */
static float host_get(const void *a, lowp_hadamard_dtype t, size_t i)
{
    return lowp_hadamard_load(a, t, i);
}

/* n elements of dtype t as floats (bf16 widened exactly). */
static float *widen(const void *a, lowp_hadamard_dtype t, size_t n)
{
    float *f = malloc((n ? n : 1) * sizeof *f);
    for (size_t i = 0; f && i < n; ++i)
        f[i] = host_get(a, t, i);
    return f;
}

/* One configuration of the op: where the matrices sit and how to run it. */
struct hcfg {
    struct lowp_hadamard_desc d;
    size_t x_skip, y_skip; /* extra elements between the guard and the matrix */
    int in_place;
    uint64_t salt;         /* test data */
};

static void describe(const struct hcfg *c, char *out, size_t len)
{
    const struct lowp_hadamard_desc *d = &c->d;
    snprintf(out, len, "%llux%llu ld %llu/%llu %s block %u %s->%s signs %d scale %d%s%s",
             (unsigned long long)d->rows, (unsigned long long)d->cols, (unsigned long long)d->ld_in,
             (unsigned long long)d->ld_out, d->axis == LOWP_HADAMARD_AXIS_COLS ? "cols" : "rows", d->block,
             d->dtype_in == LOWP_HADAMARD_DTYPE_BF16 ? "bf16" : "f32",
             d->dtype_out == LOWP_HADAMARD_DTYPE_BF16 ? "bf16" : "f32", (int)d->sign_mode, (int)d->scale_mode,
             d->inverse ? " inverse" : "", c->in_place ? " in place" : "");
}

static void fill_input(void *x, lowp_hadamard_dtype t, size_t n, uint64_t salt)
{
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (f == NULL)
        return;
    th_fill_uniform(f, n, -4.0f, 4.0f, salt);
    for (size_t i = 0; i < n; ++i)
        lowp_hadamard_store(x, t, i, f[i]);
    free(f);
}

/* The sign words every USER configuration uses: Philox bits of (seed+1). */
static void user_signs(const struct lowp_hadamard_desc *d, uint32_t *bits)
{
    lowp_hadamard_signs_philox(d->seed + 1, d->stream ^ 0x5555u, lowp_hadamard_desc_length(d), bits);
}

/* Configurations already checked against the reference in this process
 * (FNV-1a of their description). The device output is compared bit for bit
 * with the CPU fast path on every run, so once that path has been checked
 * against the reference, the same check on the same bits (another
 * work-group size) would add nothing but time. */
static uint64_t ref_done[2048];

static int ref_seen(const char *key)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = key; *p; ++p)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    h |= 1;
    size_t i = (size_t)(h % 2048);
    for (size_t probe = 0; probe < 2048; ++probe, i = (i + 1) % 2048) {
        if (ref_done[i] == h)
            return 1;
        if (ref_done[i] == 0) {
            ref_done[i] = h;
            return 0;
        }
    }
    return 0;
}

/* Compare with the reference on the matrix payload (not the padding), on
 * as many whole lines (rows for AXIS_ROWS, columns for AXIS_COLS) from
 * the first as REF_BUDGET allows. */
static void check_reference(struct th *t, const char *what, const struct lowp_hadamard_desc *full, const void *x,
                            const void *got, const uint32_t *bits)
{
    struct lowp_hadamard_desc d = *full;
    const uint64_t n = lowp_hadamard_desc_length(&d);
    const int cols_axis = d.axis == LOWP_HADAMARD_AXIS_COLS;
    const uint64_t line_cost = n * (cols_axis ? d.rows : d.cols); /* n² per block, blocks per line */
    if (line_cost > REF_BUDGET / n)
        return;
    uint64_t lines = REF_BUDGET / n / line_cost;
    if (cols_axis)
        d.cols = lines < d.cols ? lines : d.cols;
    else
        d.rows = lines < d.rows ? lines : d.rows;
    const size_t out_n = extent(d.rows, d.cols, d.ld_out);
    void *ref = calloc(out_n, esize(d.dtype_out));
    float *g = malloc(d.rows * d.cols * sizeof *g), *r = malloc(d.rows * d.cols * sizeof *r);
    if (ref && g && r && th_ok(t, lowp_ref_hadamard(&d, x, ref, bits), "lowp_ref_hadamard")) {
        for (uint64_t i = 0; i < d.rows; ++i)
            for (uint64_t j = 0; j < d.cols; ++j) {
                g[i * d.cols + j] = host_get(got, d.dtype_out, i * d.ld_out + j);
                r[i * d.cols + j] = host_get(ref, d.dtype_out, i * d.ld_out + j);
            }
        const int bf = d.dtype_out == LOWP_HADAMARD_DTYPE_BF16;
        struct th_tol tol = {lowp_hadamard_fp32_bound(&d, x), bf ? ldexp(1.0, -7) : 0.0};
        char msg[400];
        snprintf(msg, sizeof msg, "%s: vs reference on %llu lines (atol %.3g)", what,
                 (unsigned long long)(cols_axis ? d.cols : d.rows), tol.atol);
        th_compare_f32(t, msg, g, r, d.rows * d.cols, tol);
    }
    free(ref), free(g), free(r);
}

/* Run one configuration on the device; compare with the CPU fast path
 * (bit for bit) and the reference. Returns 1 when every check passed and
 * leaves the device output in *out (dtype_out, whole range) if asked. */
static int run_cfg(struct th *t, lowp_context *ctx, const struct hcfg *c, void **out)
{
    const struct lowp_hadamard_desc *d = &c->d;
    char what[256];
    describe(c, what, sizeof what);
    const size_t in_n = extent(d->rows, d->cols, d->ld_in), out_n = extent(d->rows, d->cols, d->ld_out);
    const size_t ies = esize(d->dtype_in), oes = esize(d->dtype_out);
    const size_t xs = c->x_skip, ys = c->in_place ? c->x_skip : c->y_skip;
    const size_t dev_n = c->in_place ? xs + in_n : ys + out_n; /* elements read back after the guard */
    const size_t words = lowp_hadamard_signs_words(lowp_hadamard_desc_length(d));
    unsigned char *xh = malloc((xs + in_n) * ies), *yh = malloc(dev_n * oes), *got = malloc(dev_n * oes);
    uint32_t *bits = malloc(words * sizeof *bits);
    lowp_buffer *bx = NULL, *by = NULL, *bs = NULL;
    int failed_before = t->failed, ok = 0;
    if (!xh || !yh || !got || !bits) {
        th_check(t, 0, "%s: out of host memory", what);
        goto done;
    }
    memset(xh, 0xA5, xs * ies); /* matches the harness's guard pattern */
    fill_input(xh + xs * ies, d->dtype_in, in_n, c->salt);
    user_signs(d, bits);
    const uint32_t *hbits = d->sign_mode == LOWP_HADAMARD_SIGNS_USER ? bits : NULL;

    /* Expected: the fast CPU path on the same host layout. */
    if (c->in_place) {
        memcpy(yh, xh, dev_n * oes);
    } else {
        memset(yh, 0xA5, dev_n * oes);
    }
    if (!th_ok(t, lowp_cpu_hadamard(d, xh + xs * ies, yh + ys * oes, hbits), "lowp_cpu_hadamard"))
        goto done;

    if (!th_ok(t, th_guarded_alloc(ctx, xs + in_n, ies, &bx), "alloc x") ||
        !th_ok(t, lowp_buffer_write(bx, TH_GUARD * ies, xh, (xs + in_n) * ies), "write x"))
        goto done;
    if (c->in_place)
        by = bx;
    else if (!th_ok(t, th_guarded_alloc(ctx, ys + out_n, oes, &by), "alloc y"))
        goto done;
    if (hbits != NULL && (!th_ok(t, lowp_buffer_alloc(ctx, words * 4, &bs), "alloc signs") ||
                          !th_ok(t, lowp_buffer_write(bs, 0, bits, words * 4), "write signs")))
        goto done;
    if (!th_ok(t, lowp_hadamard(ctx, d, bx, TH_GUARD + xs, by, TH_GUARD + ys, bs), what) ||
        !th_guarded_read(t, what, by, dev_n, oes, got))
        goto done;
    float *gf = widen(got, d->dtype_out, dev_n), *ef = widen(yh, d->dtype_out, dev_n);
    char msg[400];
    snprintf(msg, sizeof msg, "%s: vs CPU fast path, bit for bit", what);
    if (gf && ef)
        th_compare_f32(t, msg, gf, ef, dev_n, TH_EXACT);
    free(gf), free(ef);
    char key[300];
    snprintf(key, sizeof key, "%s|%llu|%zu|%zu", what, (unsigned long long)c->salt, xs, ys);
    if (!ref_seen(key))
        check_reference(t, what, d, xh + xs * ies, got + ys * oes, hbits);
    ok = t->failed == failed_before;
    if (ok && out != NULL) {
        *out = malloc(out_n * oes);
        if (*out != NULL)
            memcpy(*out, got + ys * oes, out_n * oes);
    }
done:
    if (by != bx)
        lowp_buffer_free(by);
    lowp_buffer_free(bx);
    lowp_buffer_free(bs);
    free(xh), free(yh), free(got), free(bits);
    return ok;
}

static struct hcfg cfg(uint64_t rows, uint64_t cols, uint64_t salt)
{
    struct hcfg c = {.salt = salt};
    lowp_hadamard_desc_init(&c.d, rows, cols);
    c.d.seed = 0x1234567800000000ull + salt;
    c.d.stream = salt * 3;
    return c;
}

/* A matrix shape and the axis/block of the transform. */
struct shape {
    uint64_t rows, cols;
    lowp_hadamard_axis axis;
    uint32_t block;
};

static struct hcfg shape_cfg(const struct shape *sh, uint64_t salt)
{
    struct hcfg c = cfg(sh->rows, sh->cols, salt);
    c.d.axis = sh->axis;
    c.d.block = sh->block;
    return c;
}

/* Rows for a whole-row transform of length n: many small vectors (several
 * per work-group and a partial last group), a couple of big ones. */
static uint64_t rows_for(uint64_t n)
{
    return n <= 256 ? 37 : n <= 4096 ? 5 : n <= 8192 ? 2 : 1;
}

/* ---- size classes ---- */

static void test_pow2_rows(struct th *t, lowp_context *ctx)
{
    for (uint64_t n = 2; n <= LOWP_HADAMARD_MAX_N; n *= 2) {
        struct hcfg c = cfg(rows_for(n), n, n);
        c.d.sign_mode = (n & 0x5555) ? LOWP_HADAMARD_SIGNS_PHILOX : LOWP_HADAMARD_SIGNS_NONE;
        run_cfg(t, ctx, &c, NULL);
    }
}

static void test_m_rows(struct th *t, lowp_context *ctx)
{
    static const uint32_t ms[] = {12, 20, 28};
    for (size_t k = 0; k < 3; ++k)
        for (uint64_t n = ms[k]; n <= LOWP_HADAMARD_MAX_N; n *= 2) {
            struct hcfg c = cfg(rows_for(n), n, 1000 + n);
            c.d.sign_mode = (n / ms[k]) % 3 == 1 ? LOWP_HADAMARD_SIGNS_USER : LOWP_HADAMARD_SIGNS_PHILOX;
            c.d.inverse = (n / ms[k]) % 2 == 0;
            run_cfg(t, ctx, &c, NULL);
        }
}

/* Whole-column transforms (AXIS_COLS, block 0), a column count that is not
 * a multiple of the work-group's vector count. */
static void test_cols_whole(struct th *t, lowp_context *ctx)
{
    static const uint64_t ns[] = {2, 16, 64, 512, 4096, 8192, 32768, 12, 96, 6144, 20, 20480, 28, 28672};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; ++k) {
        const uint64_t n = ns[k], cols = n <= 512 ? 70 : n <= 8192 ? 5 : 2;
        struct hcfg c = cfg(n, cols, 2000 + k);
        c.d.axis = LOWP_HADAMARD_AXIS_COLS;
        c.d.ld_in = cols + 3;
        c.d.sign_mode = k % 2 ? LOWP_HADAMARD_SIGNS_PHILOX : LOWP_HADAMARD_SIGNS_NONE;
        c.d.inverse = (int)(k % 3 == 1);
        run_cfg(t, ctx, &c, NULL);
    }
}

/* Block-diagonal transforms (the NVFP4 / MXFP4 use): b along rows and
 * along columns, fp32 and bf16, both sign sources, forward and inverse. */
static void test_blocks(struct th *t, lowp_context *ctx)
{
    static const uint32_t blocks[] = {16, 32, 64, 128, 256, 12, 20, 28, 48};
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; ++k) {
        const uint32_t b = blocks[k];
        struct hcfg c = cfg(9, 6 * b, 3000 + k);
        c.d.block = b;
        c.d.sign_mode = k % 2 ? LOWP_HADAMARD_SIGNS_USER : LOWP_HADAMARD_SIGNS_PHILOX;
        c.d.dtype_in = k % 3 == 2 ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
        run_cfg(t, ctx, &c, NULL);

        c = cfg(4 * b, 70, 3100 + k); /* 70 columns: partial tiles of every kind */
        c.d.axis = LOWP_HADAMARD_AXIS_COLS;
        c.d.ld_in = 73;
        c.d.ld_out = 71;
        c.d.block = b;
        c.d.sign_mode = k % 2 ? LOWP_HADAMARD_SIGNS_PHILOX : LOWP_HADAMARD_SIGNS_USER;
        c.d.inverse = (int)(k & 1);
        c.d.dtype_out = (k & 2) ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
        run_cfg(t, ctx, &c, NULL);
    }
    /* NVFP4 Wgrad shape: 16-blocks along the token (row) axis, bf16 in/out. */
    struct hcfg c = cfg(256, 96, 3200);
    c.d.axis = LOWP_HADAMARD_AXIS_COLS;
    c.d.block = 16;
    c.d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
    c.d.dtype_in = c.d.dtype_out = LOWP_HADAMARD_DTYPE_BF16;
    run_cfg(t, ctx, &c, NULL);
}

/* Every dtype pair, on the one-pass, two-pass (bf16 output goes through the
 * scratch buffer) and register paths. */
static void test_dtypes(struct th *t, lowp_context *ctx)
{
    static const struct shape shapes[] = {
        {7, 256, LOWP_HADAMARD_AXIS_ROWS, 0}, {2, 8192, LOWP_HADAMARD_AXIS_ROWS, 0},
        {1, 24576, LOWP_HADAMARD_AXIS_ROWS, 0}, {64, 40, LOWP_HADAMARD_AXIS_COLS, 16},
        {640, 3, LOWP_HADAMARD_AXIS_COLS, 0},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
        for (int dt = 0; dt < 4; ++dt) {
            struct hcfg c = shape_cfg(&shapes[s], 4000 + 4 * s + (uint64_t)dt);
            c.d.dtype_in = (dt & 1) ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
            c.d.dtype_out = (dt & 2) ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
            c.d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
            c.d.inverse = dt == 3;
            run_cfg(t, ctx, &c, NULL);
        }
}

/* y == x on every path, fp32 and bf16. */
static void test_in_place(struct th *t, lowp_context *ctx)
{
    static const struct shape shapes[] = {
        {9, 64, LOWP_HADAMARD_AXIS_ROWS, 0},   {3, 4096, LOWP_HADAMARD_AXIS_ROWS, 0},
        {1, 16384, LOWP_HADAMARD_AXIS_ROWS, 0}, {1, 28672, LOWP_HADAMARD_AXIS_ROWS, 0},
        {96, 33, LOWP_HADAMARD_AXIS_COLS, 16},  {512, 9, LOWP_HADAMARD_AXIS_COLS, 0},
        {8192, 2, LOWP_HADAMARD_AXIS_COLS, 0},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
        for (int bf = 0; bf < 2; ++bf) {
            struct hcfg c = shape_cfg(&shapes[s], 5000 + 2 * s + (uint64_t)bf);
            c.d.dtype_in = c.d.dtype_out = bf ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
            c.d.ld_in = c.d.ld_out = shapes[s].cols + 5;
            c.d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
            c.d.inverse = (int)(s & 1);
            c.in_place = 1;
            c.x_skip = 3;
            run_cfg(t, ctx, &c, NULL);
        }
}

/* Strided rows (ld_in ≠ ld_out ≠ cols) and offsets into the buffers:
 * padding elements must come back untouched. */
static void test_strides(struct th *t, lowp_context *ctx)
{
    static const struct shape shapes[] = {
        {11, 32, LOWP_HADAMARD_AXIS_ROWS, 0},    {4, 1024, LOWP_HADAMARD_AXIS_ROWS, 0},
        {2, 12288, LOWP_HADAMARD_AXIS_ROWS, 0}, {5, 96, LOWP_HADAMARD_AXIS_ROWS, 24},
        {256, 17, LOWP_HADAMARD_AXIS_COLS, 0},  {4096, 3, LOWP_HADAMARD_AXIS_COLS, 0},
        {160, 50, LOWP_HADAMARD_AXIS_COLS, 32},
    };
    static const uint64_t lds[][2] = {{37, 33}, {1031, 1500}, {12300, 12289}, {100, 97}, {19, 40}, {7, 4}, {64, 51}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
        struct hcfg c = shape_cfg(&shapes[s], 6000 + s);
        c.d.ld_in = lds[s][0];
        c.d.ld_out = lds[s][1];
        c.d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        c.d.dtype_out = s % 2 ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
        c.x_skip = 1 + s;
        c.y_skip = 7 * s;
        run_cfg(t, ctx, &c, NULL);
    }
}

/* ORTHONORMAL, NONE and CUSTOM scales (negative and large custom ones). */
static void test_scales(struct th *t, lowp_context *ctx)
{
    static const uint64_t ns[] = {16, 2048, 12, 8192, 20480};
    static const float customs[] = {-0.37f, 3.0f};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; ++k)
        for (int mode = 0; mode < 4; ++mode) {
            struct hcfg c = cfg(ns[k] <= 2048 ? 3 : 1, ns[k], 7000 + 4 * k + (uint64_t)mode);
            c.d.scale_mode = mode == 0 ? LOWP_HADAMARD_SCALE_ORTHONORMAL
                             : mode == 1 ? LOWP_HADAMARD_SCALE_NONE
                                         : LOWP_HADAMARD_SCALE_CUSTOM;
            c.d.scale = mode >= 2 ? customs[mode - 2] : 1.0f;
            c.d.inverse = mode == 3;
            run_cfg(t, ctx, &c, NULL);
        }
}

/* Sign draws: inverse with scale 1 of e_0 is exactly s (column 0 of H_{2^k}
 * is all +1), so the device's PHILOX draws can be read back and compared
 * with lowp_hadamard_signs_philox; USER bits holding the same draws must
 * give the same bits as PHILOX. */
static void test_sign_draws(struct th *t, lowp_context *ctx)
{
    static const uint64_t seeds[][2] = {{0, 0}, {42, 7}, {0xFFFFFFFFFFFFFFFFull, 0x123456789ABCDEFull}};
    static const uint64_t ns[] = {16, 4096, 32768};
    for (size_t s = 0; s < 3; ++s)
        for (size_t k = 0; k < 3; ++k) {
            const uint64_t n = ns[k];
            float *x = calloc(n, sizeof *x), *got = malloc(n * sizeof *got), *want = malloc(n * sizeof *want);
            uint32_t *bits = malloc(lowp_hadamard_signs_words(n) * 4);
            lowp_buffer *bx = NULL, *by = NULL;
            struct lowp_hadamard_desc d;
            lowp_hadamard_desc_init(&d, 1, n);
            d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
            d.seed = seeds[s][0];
            d.stream = seeds[s][1];
            d.inverse = 1;
            d.scale_mode = LOWP_HADAMARD_SCALE_NONE;
            char what[128];
            snprintf(what, sizeof what, "sign draws n=%llu seed %llx stream %llx", (unsigned long long)n,
                     (unsigned long long)d.seed, (unsigned long long)d.stream);
            if (x && got && want && bits) {
                x[0] = 1.0f;
                lowp_hadamard_signs_philox(d.seed, d.stream, n, bits);
                for (uint64_t j = 0; j < n; ++j)
                    want[j] = (bits[j >> 5] >> (j & 31)) & 1u ? -1.0f : 1.0f;
                if (th_ok(t, th_guarded_alloc(ctx, n, 4, &bx), "alloc") &&
                    th_ok(t, th_guarded_alloc(ctx, n, 4, &by), "alloc") &&
                    th_ok(t, lowp_buffer_write(bx, TH_GUARD * 4, x, n * 4), "write") &&
                    th_ok(t, lowp_hadamard(ctx, &d, bx, TH_GUARD, by, TH_GUARD, NULL), what) &&
                    th_guarded_read(t, what, by, n, 4, got))
                    th_compare_f32(t, what, got, want, n, TH_EXACT);
            }
            lowp_buffer_free(bx);
            lowp_buffer_free(by);
            free(x), free(got), free(want), free(bits);

            /* The same draws through USER bits: same bits as PHILOX. */
            struct hcfg c = cfg(n <= 4096 ? 3 : 1, n, 8000 + 3 * s + k);
            c.d.seed = seeds[s][0];
            c.d.stream = seeds[s][1];
            c.d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
            void *yp = NULL, *yu = NULL;
            if (run_cfg(t, ctx, &c, &yp)) {
                /* user_signs() draws (seed+1, stream^0x5555): shift back. */
                c.d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
                c.d.seed = seeds[s][0] - 1;
                c.d.stream = seeds[s][1] ^ 0x5555u;
                if (run_cfg(t, ctx, &c, &yu))
                    th_check(t, memcmp(yp, yu, c.d.rows * c.d.cols * 4) == 0,
                             "n=%llu: USER bits from lowp_hadamard_signs_philox == PHILOX", (unsigned long long)n);
            }
            free(yp), free(yu);
        }
}

/* Forward then inverse on the device gives x back: orthonormal (with
 * signs), and NONE forward + CUSTOM 1/n inverse. */
static void test_round_trip(struct th *t, lowp_context *ctx)
{
    static const uint64_t ns[] = {16, 4096, 32768, 12, 24576, 20, 28672, 1536};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; ++k)
        for (int unnorm = 0; unnorm < 2; ++unnorm) {
            const uint64_t n = ns[k], rows = n <= 4096 ? 3 : 1, total = rows * n;
            float *x = malloc(total * sizeof *x), *back = malloc(total * sizeof *back);
            lowp_buffer *bx = NULL, *by = NULL;
            struct lowp_hadamard_desc d;
            lowp_hadamard_desc_init(&d, rows, n);
            d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
            d.seed = 99 + k;
            if (unnorm)
                d.scale_mode = LOWP_HADAMARD_SCALE_NONE;
            char what[96];
            snprintf(what, sizeof what, "round trip n=%llu%s", (unsigned long long)n, unnorm ? " (1, 1/n)" : "");
            if (x && back) {
                th_fill_uniform(x, total, -4.0f, 4.0f, 9000 + k);
                if (th_ok(t, lowp_buffer_alloc(ctx, total * 4, &bx), "alloc") &&
                    th_ok(t, th_guarded_alloc(ctx, total, 4, &by), "alloc") &&
                    th_ok(t, lowp_buffer_write(bx, 0, x, total * 4), "write") &&
                    th_ok(t, lowp_hadamard(ctx, &d, bx, 0, by, TH_GUARD, NULL), "forward")) {
                    d.inverse = 1;
                    if (unnorm) {
                        d.scale_mode = LOWP_HADAMARD_SCALE_CUSTOM;
                        d.scale = (float)(1.0 / (double)n);
                    }
                    if (th_ok(t, lowp_hadamard(ctx, &d, by, TH_GUARD, by, TH_GUARD, NULL), "inverse in place") &&
                        th_guarded_read(t, what, by, total, 4, back))
                        /* Measured worst on the CPU: 2.1e-6 for n = 32768. */
                        th_compare_f32(t, what, back, x, total, (struct th_tol){2e-5, 0.0});
                }
            }
            lowp_buffer_free(bx);
            lowp_buffer_free(by);
            free(x), free(back);
        }
}

/* Tall matrices along columns: NDRange dimension 1 beyond 65535, which the
 * OpenCL host code splits into several launches (register path, one-pass
 * local path, and the strided second pass of a two-pass transform; the
 * register path shares the strided code). 65536+ tiny work-groups are slow
 * on CPU runtimes, so this runs at the default work-group size only: the
 * split does not depend on it. */
static void test_tall(struct th *t, lowp_context *ctx)
{
    static const struct shape shapes[] = {{12 * 65600, 1, LOWP_HADAMARD_AXIS_COLS, 12},
                                          {8192 * 17, 1, LOWP_HADAMARD_AXIS_COLS, 8192}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
        struct hcfg c = shape_cfg(&shapes[s], 9500 + s);
        c.d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        c.d.inverse = (int)(s == 1);
        run_cfg(t, ctx, &c, NULL);
    }
}

/* ---- rejected calls ---- */

static void expect_invalid(struct th *t, lowp_status s, const char *what, const char *needle)
{
    const char *msg = lowp_last_error();
    th_check(t, s == LOWP_ERR_INVALID_ARG && strstr(msg, needle) != NULL,
             "%s: expected LOWP_ERR_INVALID_ARG mentioning '%s', got %s: %s", what, needle, lowp_status_name(s), msg);
}

static void test_bad_args(struct th *t, lowp_context *ctx)
{
    lowp_buffer *a = NULL, *b = NULL, *sb = NULL, *small = NULL;
    lowp_context *other = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 65536 * 4, &a), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 65536 * 4, &b), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 4, &sb), "alloc") || !th_ok(t, lowp_buffer_alloc(ctx, 64, &small), "alloc"))
        goto done;
    struct lowp_hadamard_desc d;
    /* Unsupported lengths: no zero padding, no truncation. */
    static const uint64_t bad_n[] = {1, 3, 6, 36, 44, 52, 60, 20 * 2048, 65536, 24 * 2048};
    for (size_t k = 0; k < sizeof bad_n / sizeof bad_n[0]; ++k) {
        lowp_hadamard_desc_init(&d, 1, bad_n[k]);
        char what[64];
        snprintf(what, sizeof what, "length %llu", (unsigned long long)bad_n[k]);
        expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), what, "not supported");
    }
    lowp_hadamard_desc_init(&d, 4, 48);
    d.block = 32;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "block 32 of 48", "does not divide");
    lowp_hadamard_desc_init(&d, 48, 4);
    d.axis = LOWP_HADAMARD_AXIS_COLS;
    d.block = 16;
    th_ok(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "block 16 along 48 rows is fine");
    d.block = 20;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "block 20 of 48 rows", "does not divide");

    lowp_hadamard_desc_init(&d, 4, 64);
    d.ld_in = 63;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "ld_in < cols", "ld_in");
    lowp_hadamard_desc_init(&d, 4, 64);
    d.dtype_out = (lowp_hadamard_dtype)7;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "bad dtype", "dtype_out");
    lowp_hadamard_desc_init(&d, 4, 64);
    d.axis = (lowp_hadamard_axis)2;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "bad axis", "axis");
    lowp_hadamard_desc_init(&d, 4, 64);
    d.scale_mode = LOWP_HADAMARD_SCALE_CUSTOM;
    d.scale = NAN;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "NaN scale", "scale");
    lowp_hadamard_desc_init(&d, 4, 64);
    d.sign_mode = (lowp_hadamard_signs)9;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "bad sign mode", "sign_mode");

    /* Sign words: needed exactly for USER, and enough of them. */
    lowp_hadamard_desc_init(&d, 4, 64);
    d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, NULL), "USER without bits", "sign_bits");
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, sb), "USER with 1 of 2 words", "sign_bits");
    d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, sb), "bits without USER", "sign_bits");
    lowp_hadamard_desc_init(&d, 1, 32);
    d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, b, 0, b), "signs overlap y", "overlaps");

    /* Ranges and overlaps. */
    lowp_hadamard_desc_init(&d, 2, 16);
    expect_invalid(t, lowp_hadamard(ctx, &d, small, 0, b, 0, NULL), "x too small", "'x'");
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, small, 1, NULL), "y too small", "'y'");
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 65536 - 31, b, 0, NULL), "x offset past the end", "'x'");
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, a, 8, NULL), "partial overlap", "overlap");
    d.dtype_out = LOWP_HADAMARD_DTYPE_BF16;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, a, 0, NULL), "in place f32 -> bf16", "in place");
    lowp_hadamard_desc_init(&d, 2, 16);
    d.ld_out = 20;
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, a, 0, NULL), "in place with two strides", "in place");
    lowp_hadamard_desc_init(&d, 2, 16);
    th_ok(t, lowp_hadamard(ctx, &d, a, 0, a, 32, NULL), "adjacent, not overlapping, is fine");
    expect_invalid(t, lowp_hadamard(NULL, &d, a, 0, b, 0, NULL), "NULL context", "ctx");
    expect_invalid(t, lowp_hadamard(ctx, NULL, a, 0, b, 0, NULL), "NULL descriptor", "desc");
    expect_invalid(t, lowp_hadamard(ctx, &d, NULL, 0, b, 0, NULL), "NULL x", "'x'");
    expect_invalid(t, lowp_hadamard(ctx, &d, a, 0, NULL, 0, NULL), "NULL y", "'y'");
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    if (th_ok(t, lowp_context_open(info.id, &other), "second context")) {
        lowp_buffer *foreign = NULL;
        if (th_ok(t, lowp_buffer_alloc(other, 4096, &foreign), "alloc"))
            expect_invalid(t, lowp_hadamard(ctx, &d, foreign, 0, b, 0, NULL), "x from another context",
                           "another context");
    }
done:
    lowp_context_close(other);
    lowp_buffer_free(a), lowp_buffer_free(b), lowp_buffer_free(sb), lowp_buffer_free(small);
}

const struct th_case th_hadamard_cases[] = {
    {"hadamard_pow2_rows", test_pow2_rows, 1},
    {"hadamard_m_rows", test_m_rows, 1},
    {"hadamard_cols_whole", test_cols_whole, 1},
    {"hadamard_blocks", test_blocks, 1},
    {"hadamard_dtypes", test_dtypes, 1},
    {"hadamard_in_place", test_in_place, 1},
    {"hadamard_strides", test_strides, 1},
    {"hadamard_scales", test_scales, 1},
    {"hadamard_sign_draws", test_sign_draws, 1},
    {"hadamard_round_trip", test_round_trip, 1},
    {"hadamard_tall", test_tall, 0},
    {"hadamard_bad_args", test_bad_args, 0},
};
const size_t th_hadamard_case_count = sizeof th_hadamard_cases / sizeof th_hadamard_cases[0];
