/* test_ops_matmul.c — rows of the portability matrix for lowp/matmul.h.
 *
 * Every device and engine is compared with the double-accumulated reference
 * (lowp_ref_matmul) under the normalized bound
 *   |c - ref| <= 2(k+2) u (|alpha| (|op(A)||op(B)|)_ij + |beta| |C0_ij|),  u = 2^-24,
 * which holds for any summation order, with or without FMA. The OWN engine
 * must also equal lowp_ref_matmul_f32seq bit for bit (kernels/matmul.cl and
 * the own CPU kernel implement that model exactly). Elements of A and B
 * outside the matrices, and C when beta == 0, hold NaN: they must not be
 * read. Elements of C outside the m x n windows must keep their bits.
 *
 * Engines: cpu = OWN, BLAS (OpenBLAS), AUTO; OpenCL = OWN, CLBLAST, AUTO.
 * An engine missing from the build, or CLBlast failing on a device
 * (LOWP_ERR_DEVICE, seen with some CPU OpenCL drivers), is reported as
 * SKIP with the reason, never silently. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref/matmul_ref.h"
#include "test_ops.h"

#define U_F32 (1.0 / 16777216.0)

/* CLBlast failures are remembered per device so a broken driver costs one
 * attempt, not one per case. */
static char clblast_broken[8][32];
static char clblast_reason[8][256];

static const char *broken_reason(const lowp_context *ctx)
{
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    for (int i = 0; i < 8; ++i)
        if (strcmp(clblast_broken[i], info.id) == 0)
            return clblast_reason[i];
    return NULL;
}

static void mark_broken(const lowp_context *ctx, const char *why)
{
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    for (int i = 0; i < 8; ++i)
        if (clblast_broken[i][0] == '\0') {
            snprintf(clblast_broken[i], sizeof clblast_broken[i], "%s", info.id);
            snprintf(clblast_reason[i], sizeof clblast_reason[i], "%s", why);
            return;
        }
}

static int is_opencl(lowp_context *ctx)
{
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    return info.backend == LOWP_BACKEND_OPENCL;
}

static const char *engine_name(lowp_matmul_engine e)
{
    static const char *names[] = {"AUTO", "OWN", "CLBLAST", "BLAS"};
    return names[e];
}

/* The engines checked on this device. */
static size_t engines_of(lowp_context *ctx, lowp_matmul_engine out[3])
{
    out[0] = LOWP_MATMUL_ENGINE_OWN;
    out[1] = is_opencl(ctx) ? LOWP_MATMUL_ENGINE_CLBLAST : LOWP_MATMUL_ENGINE_BLAS;
    out[2] = LOWP_MATMUL_ENGINE_AUTO;
    return 3;
}

/* Per case: which optional engines were already reported as skipped. */
struct mm_run {
    struct th *t;
    lowp_context *ctx;
    int skipped[4];
};

/* Calls f(x, e) for every element e of a batch of rows x cols matrices. */
static void windows(float *x, size_t offset, size_t batch, size_t stride, size_t rows, size_t cols, size_t ld,
                    uint64_t seed, unsigned char *mask)
{
    for (size_t bz = 0; bz < batch; ++bz)
        for (size_t r = 0; r < rows; ++r) {
            size_t base = offset + bz * stride + r * ld;
            if (x != NULL)
                th_fill_uniform(x + base, cols, -1.0f, 1.0f, seed * 7919 + bz * 131 + r);
            if (mask != NULL)
                memset(mask + base, 1, cols);
        }
}

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Host arrays of one problem: payloads of the device buffers. */
struct mm_data {
    float *a, *b, *c0, *ref, *seq, *scale, *got;
    unsigned char *cmask;
    size_t ea, eb, ec;
};

static void mm_free(struct mm_data *x)
{
    free(x->a), free(x->b), free(x->c0), free(x->ref), free(x->seq), free(x->scale), free(x->got), free(x->cmask);
}

static int mm_prepare(struct th *t, const struct lowp_matmul_desc *d, struct mm_data *x, uint64_t seed)
{
    memset(x, 0, sizeof *x);
    struct lowp_matmul_desc full = *d; /* extents as if A and B were read */
    full.alpha = 1.0f;
    if (full.k == 0)
        full.k = 1;
    if (!th_ok(t, lowp_matmul_desc_extents(&full, &x->ea, &x->eb, NULL), "extents") ||
        !th_ok(t, lowp_matmul_desc_extents(d, NULL, NULL, &x->ec), "extents"))
        return 0;
    size_t ea = x->ea + 1, eb = x->eb + 1, ec = x->ec + 1;
    x->a = malloc(ea * 4), x->b = malloc(eb * 4), x->c0 = malloc(ec * 4), x->ref = malloc(ec * 4);
    x->seq = malloc(ec * 4), x->scale = malloc(ec * 4), x->got = malloc(ec * 4), x->cmask = calloc(ec, 1);
    if (!x->a || !x->b || !x->c0 || !x->ref || !x->seq || !x->scale || !x->got || !x->cmask) {
        th_check(t, 0, "out of host memory");
        return 0;
    }
    for (size_t i = 0; i < ea; ++i)
        x->a[i] = NAN;
    for (size_t i = 0; i < eb; ++i)
        x->b[i] = NAN;
    for (size_t i = 0; i < ec; ++i)
        x->c0[i] = NAN;
    int ta = d->trans_a == LOWP_MATMUL_TRANS_T, tb = d->trans_b == LOWP_MATMUL_TRANS_T;
    int no_product = d->alpha == 0.0f || d->k == 0;
    if (!no_product) {
        windows(x->a, d->offset_a, d->batch, d->stride_a, ta ? d->k : d->m, ta ? d->m : d->k, d->lda, seed, NULL);
        windows(x->b, d->offset_b, d->batch, d->stride_b, tb ? d->n : d->k, tb ? d->k : d->n, d->ldb, seed + 1,
                NULL);
    }
    /* beta == 0: C stays NaN (must not be read) */
    windows(d->beta != 0.0f ? x->c0 : NULL, d->offset_c, d->batch, d->stride_c, d->m, d->n, d->ldc, seed + 2, x->cmask);

    /* References: double oracle, f32seq model, and the error scale. */
    memcpy(x->ref, x->c0, ec * 4);
    memcpy(x->seq, x->c0, ec * 4);
    if (!th_ok(t, lowp_ref_matmul(d, x->a, ea, x->b, eb, x->ref, ec), "lowp_ref_matmul") ||
        !th_ok(t, lowp_ref_matmul_f32seq(d, x->a, ea, x->b, eb, x->seq, ec), "lowp_ref_matmul_f32seq"))
        return 0;
    float *abs_a = malloc(ea * 4), *abs_b = malloc(eb * 4);
    if (!abs_a || !abs_b) {
        free(abs_a), free(abs_b);
        th_check(t, 0, "out of host memory");
        return 0;
    }
    for (size_t i = 0; i < ea; ++i)
        abs_a[i] = fabsf(x->a[i]);
    for (size_t i = 0; i < eb; ++i)
        abs_b[i] = fabsf(x->b[i]);
    for (size_t i = 0; i < ec; ++i)
        x->scale[i] = fabsf(x->c0[i]);
    struct lowp_matmul_desc s = *d;
    s.alpha = fabsf(d->alpha);
    s.beta = fabsf(d->beta);
    int ok = th_ok(t, lowp_ref_matmul(&s, abs_a, ea, abs_b, eb, x->scale, ec), "scale");
    free(abs_a), free(abs_b);
    return ok;
}

/* got vs the references; returns 1 when every element agrees. */
static int mm_compare(struct th *t, const char *what, const struct lowp_matmul_desc *d, const struct mm_data *x,
                      int exact)
{
    double bound_u = 2.0 * ((double)d->k + 2.0) * U_F32;
    for (size_t e = 0; e < x->ec; ++e) {
        float g = x->got[e];
        if (!x->cmask[e]) {
            if (bits_of(g) != bits_of(x->c0[e])) {
                th_check(t, 0, "%s: element %zu outside the C windows changed: 0x%08x -> 0x%08x", what, e,
                         bits_of(x->c0[e]), bits_of(g));
                return 0;
            }
            continue;
        }
        double err = fabs((double)g - (double)x->ref[e]);
        double lim = bound_u * (double)x->scale[e];
        if (!(err <= lim) || (exact && bits_of(g) != bits_of(x->seq[e]))) {
            th_check(t, 0,
                     "%s: element %zu: got %.9g (0x%08x), double reference %.9g, f32seq %.9g (0x%08x), "
                     "|err| %.3g vs bound %.3g%s",
                     what, e, g, bits_of(g), x->ref[e], x->seq[e], bits_of(x->seq[e]), err, lim,
                     exact ? " (OWN must equal f32seq)" : "");
            return 0;
        }
    }
    th_check(t, 1, "%s", what);
    return 1;
}

static lowp_buffer *upload(struct th *t, lowp_context *ctx, const float *host, size_t n)
{
    lowp_buffer *b = NULL;
    if (!th_ok(t, th_guarded_alloc(ctx, n, sizeof(float), &b), "alloc"))
        return NULL;
    if (!th_ok(t, lowp_buffer_write(b, TH_GUARD * sizeof(float), host, n * sizeof(float)), "write")) {
        lowp_buffer_free(b);
        return NULL;
    }
    return b;
}

/* Run `d` (offsets relative to the payloads) on every engine of the device. */
static void mm_check(struct mm_run *r, const struct lowp_matmul_desc *d, const char *label, uint64_t seed)
{
    struct th *t = r->t;
    struct mm_data x;
    char what[200];
    if (!mm_prepare(t, d, &x, seed)) {
        mm_free(&x);
        return;
    }
    lowp_buffer *ba = upload(t, r->ctx, x.a, x.ea + 1), *bb = upload(t, r->ctx, x.b, x.eb + 1);
    lowp_buffer *bc = upload(t, r->ctx, x.c0, x.ec);
    lowp_matmul_engine engines[3];
    size_t ne = engines_of(r->ctx, engines);
    for (size_t i = 0; i < ne && ba && bb && bc; ++i) {
        lowp_matmul_engine e = engines[i];
        snprintf(what, sizeof what, "%s %s: m=%zu n=%zu k=%zu %c%c alpha=%g beta=%g batch=%zu", engine_name(e), label,
                 d->m, d->n, d->k, d->trans_a ? 'T' : 'N', d->trans_b ? 'T' : 'N', (double)d->alpha,
                 (double)d->beta, d->batch);
        if (r->skipped[e])
            continue;
        const char *broken = e == LOWP_MATMUL_ENGINE_CLBLAST ? broken_reason(r->ctx) : NULL;
        if (broken != NULL) {
            th_skip(t, "engine CLBLAST: failed earlier on this device: %s", broken);
            r->skipped[e] = 1;
            continue;
        }
        struct lowp_matmul_desc dd = *d;
        dd.engine = e;
        dd.offset_a += TH_GUARD, dd.offset_b += TH_GUARD, dd.offset_c += TH_GUARD;
        if (!th_ok(t, lowp_buffer_write(bc, TH_GUARD * sizeof(float), x.c0, x.ec * sizeof(float)), "write C"))
            break;
        lowp_status s = lowp_matmul(r->ctx, &dd, ba, bb, bc);
        if (s == LOWP_OK)
            s = lowp_context_sync(r->ctx);
        int optional = e == LOWP_MATMUL_ENGINE_CLBLAST || e == LOWP_MATMUL_ENGINE_BLAS;
        if (optional && (s == LOWP_ERR_UNSUPPORTED || s == LOWP_ERR_DEVICE)) {
            th_skip(t, "engine %s: %s: %s", engine_name(e), lowp_status_name(s), lowp_last_error());
            if (e == LOWP_MATMUL_ENGINE_CLBLAST && s == LOWP_ERR_DEVICE)
                mark_broken(r->ctx, lowp_last_error());
            r->skipped[e] = 1;
            continue;
        }
        if (th_ok(t, s, what) && th_guarded_read(t, what, bc, x.ec, sizeof(float), x.got))
            mm_compare(t, what, d, &x, e == LOWP_MATMUL_ENGINE_OWN);
    }
    lowp_buffer_free(ba), lowp_buffer_free(bb), lowp_buffer_free(bc);
    mm_free(&x);
}

/* A packed problem with the leading dimensions its transposes need. */
static struct lowp_matmul_desc shape(size_t m, size_t n, size_t k, int ta, int tb)
{
    struct lowp_matmul_desc d;
    lowp_matmul_desc_init(&d, m, n, k);
    d.trans_a = ta ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    d.trans_b = tb ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    d.lda = (ta ? m : k) > 0 ? (ta ? m : k) : 1;
    d.ldb = (tb ? k : n) > 0 ? (tb ? k : n) : 1;
    return d;
}

static void test_square(struct th *t, lowp_context *ctx)
{
    struct mm_run r = {t, ctx, {0}};
    const size_t sizes[] = {1, 7, 33, 257};
    for (size_t s = 0; s < 4; ++s)
        for (int tr = 0; tr < 4; ++tr) {
            struct lowp_matmul_desc d = shape(sizes[s], sizes[s], sizes[s], tr & 1, tr >> 1);
            mm_check(&r, &d, "square", 100 + s * 4 + (size_t)tr);
        }
}

static void test_nonsquare(struct th *t, lowp_context *ctx)
{
    struct mm_run r = {t, ctx, {0}};
    /* k = 100, 17, 70, 33: not multiples of any KWG; m, n not of any tile */
    const size_t shapes[][3] = {{5, 300, 17}, {130, 17, 40}, {64, 96, 100}, {1, 513, 33}, {300, 1, 70},
                                {65, 129, 250}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s)
        for (int tr = 0; tr < 4; ++tr) {
            struct lowp_matmul_desc d = shape(shapes[s][0], shapes[s][1], shapes[s][2], tr & 1, tr >> 1);
            /* padded leading dimensions and odd offsets on every other run */
            if (tr & 1 || s % 2) {
                d.lda += 3, d.ldb += 5, d.ldc += 2;
                d.offset_a = 1, d.offset_b = 7, d.offset_c = 3;
            }
            mm_check(&r, &d, "non-square", 200 + s * 4 + (size_t)tr);
        }
}

static void test_alpha_beta(struct th *t, lowp_context *ctx)
{
    struct mm_run r = {t, ctx, {0}};
    const float ab[][2] = {{1.0f, 0.0f}, {0.5f, -1.25f}, {-2.0f, 1.0f}, {0.0f, 2.0f}, {0.0f, 0.0f}, {3.0f, 0.0f}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; ++i)
        for (int tr = 0; tr < 4; tr += 3) {
            struct lowp_matmul_desc d = shape(45, 70, 39, tr & 1, tr >> 1);
            d.alpha = ab[i][0], d.beta = ab[i][1];
            mm_check(&r, &d, "alpha/beta", 300 + i);
            d = shape(6, 5, 3, tr & 1, tr >> 1); /* simple-kernel size */
            d.alpha = ab[i][0], d.beta = ab[i][1];
            mm_check(&r, &d, "alpha/beta small", 320 + i);
        }
    /* k == 0: no product, C = beta * C (and +0 when beta == 0) */
    struct lowp_matmul_desc d = shape(9, 11, 0, 0, 0);
    d.beta = 0.5f;
    mm_check(&r, &d, "k = 0", 340);
    d.beta = 0.0f;
    mm_check(&r, &d, "k = 0", 341);
}

static void test_batch(struct th *t, lowp_context *ctx)
{
    struct mm_run r = {t, ctx, {0}};
    struct lowp_matmul_desc d = shape(40, 36, 50, 0, 1);
    d.batch = 3;
    d.stride_a = 40 * 50 + 11, d.stride_b = 36 * 50 + 5, d.stride_c = 40 * 36 + 17; /* gaps between problems */
    d.beta = 0.75f;
    mm_check(&r, &d, "batch with gaps", 400);
    d.stride_a = 0; /* one A shared by the batch */
    d.beta = 0.0f;
    mm_check(&r, &d, "batch, shared A", 401);
    struct lowp_matmul_desc s = shape(5, 6, 7, 1, 0);
    s.batch = 4;
    mm_check(&r, &s, "small batch", 402);
}

/* Simple-kernel sizes again with forced work-group sizes (the tiled kernel
 * has a fixed work-group shape). */
static void test_small_groups(struct th *t, lowp_context *ctx)
{
    struct mm_run r = {t, ctx, {0}};
    const size_t shapes[][3] = {{7, 7, 7}, {3, 50, 9}, {20, 3, 31}};
    for (size_t s = 0; s < 3; ++s) {
        struct lowp_matmul_desc d = shape(shapes[s][0], shapes[s][1], shapes[s][2], (int)s & 1, 0);
        d.batch = 2;
        d.beta = -0.5f;
        mm_check(&r, &d, "small", 500 + s);
    }
}

/* LOWP_MATMUL_ENGINE=own makes AUTO the own kernel: f32seq bits everywhere. */
static void test_engine_env(struct th *t, lowp_context *ctx)
{
    struct lowp_matmul_desc d = shape(70, 50, 60, 0, 0);
    struct mm_data x;
    if (mm_prepare(t, &d, &x, 600)) {
        lowp_buffer *ba = upload(t, ctx, x.a, x.ea + 1), *bb = upload(t, ctx, x.b, x.eb + 1);
        lowp_buffer *bc = upload(t, ctx, x.c0, x.ec);
        setenv("LOWP_MATMUL_ENGINE", "own", 1);
        d.offset_a = d.offset_b = d.offset_c = TH_GUARD;
        lowp_status s = ba && bb && bc ? lowp_matmul(ctx, &d, ba, bb, bc) : LOWP_ERR_OUT_OF_MEMORY;
        unsetenv("LOWP_MATMUL_ENGINE");
        d.offset_a = d.offset_b = d.offset_c = 0;
        if (th_ok(t, s, "AUTO with LOWP_MATMUL_ENGINE=own") &&
            th_guarded_read(t, "env own", bc, x.ec, sizeof(float), x.got))
            mm_compare(t, "AUTO with LOWP_MATMUL_ENGINE=own", &d, &x, 1);
        setenv("LOWP_MATMUL_ENGINE", "fastest", 1);
        d.offset_a = d.offset_b = d.offset_c = TH_GUARD;
        s = lowp_matmul(ctx, &d, ba, bb, bc);
        unsetenv("LOWP_MATMUL_ENGINE");
        th_check(t, s == LOWP_ERR_INVALID_ARG && strstr(lowp_last_error(), "LOWP_MATMUL_ENGINE") != NULL,
                 "LOWP_MATMUL_ENGINE=fastest -> %s: %s", lowp_status_name(s), lowp_last_error());
        lowp_buffer_free(ba), lowp_buffer_free(bb), lowp_buffer_free(bc);
    }
    mm_free(&x);
}

static void expect(struct th *t, lowp_status got, lowp_status want, const char *needle, const char *what)
{
    const char *msg = lowp_last_error();
    th_check(t, got == want && (needle == NULL || strstr(msg, needle) != NULL), "%s: got %s (%s), want %s%s%s", what,
             lowp_status_name(got), msg, lowp_status_name(want), needle ? " mentioning " : "", needle ? needle : "");
}

static void test_bad_args(struct th *t, lowp_context *ctx)
{
    lowp_buffer *a = NULL, *b = NULL, *c = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 64 * 4, &a), "alloc") || !th_ok(t, lowp_buffer_alloc(ctx, 64 * 4, &b), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 64 * 4, &c), "alloc")) {
        lowp_buffer_free(a), lowp_buffer_free(b), lowp_buffer_free(c);
        return;
    }
    struct lowp_matmul_desc d = shape(8, 8, 8, 0, 0), x;
    expect(t, lowp_matmul(NULL, &d, a, b, c), LOWP_ERR_INVALID_ARG, "ctx", "NULL context");
    expect(t, lowp_matmul(ctx, NULL, a, b, c), LOWP_ERR_INVALID_ARG, "desc", "NULL descriptor");
    expect(t, lowp_matmul(ctx, &d, NULL, b, c), LOWP_ERR_INVALID_ARG, "'a'", "NULL A");
    expect(t, lowp_matmul(ctx, &d, a, b, NULL), LOWP_ERR_INVALID_ARG, "'c'", "NULL C");
    x = d, x.lda = 7;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "lda", "lda < k");
    x = shape(8, 8, 8, 0, 1), x.ldb = 4;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "ldb", "ldb < k (B^T)");
    x = d, x.ldc = 5;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "ldc", "ldc < n");
    x = d, x.offset_b = 1;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "'b'", "B one element short");
    x = shape(9, 8, 8, 0, 0);
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "'a'", "9 x 8 A in 64 elements");
    x = shape(2, 2, 2, 0, 0), x.batch = 2, x.stride_c = 3;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "stride_c", "overlapping C batch");
    x = d, x.trans_a = (lowp_matmul_trans)5;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "trans_a", "bad trans_a");
    x = d, x.engine = (lowp_matmul_engine)9;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_INVALID_ARG, "engine", "bad engine");
    x = shape(4, 4, 4, 0, 0), x.offset_c = 8;
    expect(t, lowp_matmul(ctx, &x, a, b, a), LOWP_ERR_INVALID_ARG, "overlaps A", "C overlapping A in one buffer");
    x = shape(2, 2, 2, 0, 0), x.offset_c = 60; /* disjoint ranges of one buffer are fine */
    th_ok(t, lowp_matmul(ctx, &x, a, b, a), "C and A disjoint in one buffer");
    x = d, x.engine = is_opencl(ctx) ? LOWP_MATMUL_ENGINE_BLAS : LOWP_MATMUL_ENGINE_CLBLAST;
    expect(t, lowp_matmul(ctx, &x, a, b, c), LOWP_ERR_UNSUPPORTED, "engine", "engine of the other backend");
    x = shape(0, 8, 8, 0, 0); /* empty problems: valid no-ops, nothing needed */
    th_ok(t, lowp_matmul(ctx, &x, NULL, NULL, NULL), "m = 0 with NULL buffers");
    x = d, x.batch = 0;
    th_ok(t, lowp_matmul(ctx, &x, NULL, NULL, NULL), "batch = 0 with NULL buffers");
    x = d, x.alpha = 0.0f; /* A and B are not read */
    th_ok(t, lowp_matmul(ctx, &x, NULL, NULL, c), "alpha = 0 with NULL A and B");
    lowp_context *other = NULL;
    if (th_ok(t, lowp_context_open("cpu", &other), "open cpu")) {
        lowp_buffer *foreign = NULL;
        if (th_ok(t, lowp_buffer_alloc(other, 64 * 4, &foreign), "alloc"))
            expect(t, lowp_matmul(ctx, &d, foreign, b, c), LOWP_ERR_INVALID_ARG, "another context",
                   "A from another context");
        lowp_context_close(other);
    }
    lowp_buffer_free(a), lowp_buffer_free(b), lowp_buffer_free(c);
}

const struct th_case th_matmul_cases[] = {
    {"matmul_square", test_square, 0},
    {"matmul_nonsquare", test_nonsquare, 0},
    {"matmul_alpha_beta", test_alpha_beta, 0},
    {"matmul_batch", test_batch, 0},
    {"matmul_small_groups", test_small_groups, 1},
    {"matmul_engine_env", test_engine_env, 0},
    {"matmul_bad_args", test_bad_args, 0},
};
const size_t th_matmul_case_count = sizeof th_matmul_cases / sizeof th_matmul_cases[0];
