/* test_ops_hadamard_quant.c — device rows for lowp_hadamard_quantize (the
 * fused randomized Hadamard + MXFP4/NVFP4 quantization, docs/hadamard.md §9).
 *
 * Every configuration runs the fused op on the device and checks, bit for
 * bit (codes, scale bytes, tensor scale, guards around each buffer):
 *   - against the unfused pair on the SAME device (lowp_hadamard into an
 *     fp32 buffer, then lowp_quantize), the op's definition;
 *   - against the host reference lowp_ref_hadamard_quantize (and the fast
 *     CPU path lowp_cpu_hadamard_quantize against that reference).
 * Inputs are uniform in [−4, 4) with a few large outliers per row so block
 * scales differ; normal-range values, so FTZ devices agree too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/quant.h"
#include "hadamard/hadamard_plan.h"
#include "hadamard_quant_cpu.h"
#include "harness.h"
#include "ref/hadamard_quant_ref.h"
#include "test_ops.h"

struct qcfg {
    struct lowp_hadamard_desc h;
    struct lowp_quant_desc q;
    uint64_t salt;
    size_t inf_at; /* input element set to +Inf (0: none) */
};

static void describe(const struct qcfg *c, char *out, size_t len)
{
    const struct lowp_hadamard_desc *h = &c->h;
    const struct lowp_quant_desc *q = &c->q;
    snprintf(out, len, "%llux%llu ld %llu %s n %llu %s signs %d%s | %s/%s B %u %s amax %g", (unsigned long long)h->rows,
             (unsigned long long)h->cols, (unsigned long long)h->ld_in,
             h->axis == LOWP_HADAMARD_AXIS_COLS ? "cols" : "rows", (unsigned long long)lowp_hadamard_desc_length(h),
             h->dtype_in == LOWP_HADAMARD_DTYPE_BF16 ? "bf16" : "f32", (int)h->sign_mode,
             h->inverse ? " inverse" : "", lowp_format_name(q->elem_format), lowp_format_name(q->scale_format),
             q->block, q->rounding == LOWP_ROUNDING_SR ? "SR" : "RNE", (double)q->tensor_amax);
}

/* The fused op on the device == the unfused pair on the device == the host reference. */
static void run_qcfg(struct th *t, lowp_context *ctx, const struct qcfg *c)
{
    const struct lowp_hadamard_desc *h = &c->h;
    const struct lowp_quant_desc *q = &c->q;
    char what[300];
    describe(c, what, sizeof what);
    const size_t es = h->dtype_in == LOWP_HADAMARD_DTYPE_BF16 ? 2u : 4u;
    const size_t xn = (size_t)((h->rows - 1) * h->ld_in + h->cols), tn = (size_t)((h->rows - 1) * h->ld_out + h->cols);
    const size_t words = lowp_hadamard_signs_words(lowp_hadamard_desc_length(h));
    const int two = lowp_quant_two_level(q), user = h->sign_mode == LOWP_HADAMARD_SIGNS_USER;
    size_t cb = 0, ns = 0;
    if (!th_ok(t, lowp_quant_sizes(q, &cb, &ns), "lowp_quant_sizes"))
        return;
    unsigned char *xh = malloc(xn * es);
    float *f = malloc(xn * sizeof *f);
    uint32_t *bits = malloc(words * 4);
    uint8_t *rc = calloc(cb, 1), *rs = calloc(ns, 1), *fc = calloc(cb, 1), *fs = calloc(ns, 1);
    uint8_t *gc = malloc(cb), *gs = malloc(ns), *uc = malloc(cb), *us = malloc(ns);
    float rts = 0.0f, fts = 0.0f, gts = 0.0f, uts = 0.0f;
    lowp_buffer *bx = NULL, *bs = NULL, *bc = NULL, *bsc = NULL, *bts = NULL, *bt = NULL;
    if (!xh || !f || !bits || !rc || !rs || !fc || !fs || !gc || !gs || !uc || !us) {
        th_check(t, 0, "%s: out of host memory", what);
        goto done;
    }
    th_fill_uniform(f, xn, -4.0f, 4.0f, c->salt);
    for (size_t i = 0; i < xn; i += 37)
        f[i] *= 40.0f; /* outliers: uneven block scales */
    if (c->inf_at != 0)
        f[c->inf_at] = INFINITY; /* poisons one vector's blocks; the tensor amax skips it */
    for (size_t i = 0; i < xn; ++i)
        lowp_hadamard_store(xh, h->dtype_in, i, f[i]);
    lowp_hadamard_signs_philox(h->seed + 7, h->stream, lowp_hadamard_desc_length(h), bits);
    const uint32_t *hb = user ? bits : NULL;

    char msg[400];
    if (!th_ok(t, lowp_ref_hadamard_quantize(h, q, xh, rc, rs, two ? &rts : NULL, hb), "reference") ||
        !th_ok(t, lowp_cpu_hadamard_quantize(h, q, xh, fc, fs, two ? &fts : NULL, hb), "fast CPU"))
        goto done;
    snprintf(msg, sizeof msg, "%s: fast CPU codes vs reference", what);
    th_compare_u8(t, msg, fc, rc, cb);
    snprintf(msg, sizeof msg, "%s: fast CPU scales vs reference", what);
    th_compare_u8(t, msg, fs, rs, ns);
    th_check(t, memcmp(&fts, &rts, 4) == 0, "%s: fast CPU tensor scale %a vs %a", what, (double)fts, (double)rts);

    if (!(bx = th_upload(t, ctx, xh, xn, es)))
        goto done;
    /* Sign words are read from the start of their buffer. */
    if (user && (!th_ok(t, lowp_buffer_alloc(ctx, words * 4, &bs), "alloc signs") ||
                 !th_ok(t, lowp_buffer_write(bs, 0, bits, words * 4), "write signs")))
        goto done;
    if (!th_ok(t, th_guarded_alloc(ctx, cb, 1, &bc), "alloc codes") ||
        !th_ok(t, th_guarded_alloc(ctx, ns, 1, &bsc), "alloc scales") ||
        !th_ok(t, th_guarded_alloc(ctx, 1, 4, &bts), "alloc tensor scale") ||
        !th_ok(t, lowp_buffer_alloc(ctx, tn * 4, &bt), "alloc t"))
        goto done;
    /* The unfused pair on this device. */
    if (!th_ok(t, lowp_hadamard(ctx, h, bx, TH_GUARD, bt, 0, bs), "lowp_hadamard") ||
        !th_ok(t, lowp_quantize(ctx, q, bt, 0, bc, TH_GUARD, bsc, TH_GUARD, two ? bts : NULL, TH_GUARD, NULL),
               "lowp_quantize") ||
        !th_guarded_read(t, what, bc, cb, 1, uc) || !th_guarded_read(t, what, bsc, ns, 1, us) ||
        !th_guarded_read(t, what, bts, 1, 4, &uts))
        goto done;
    /* The fused op, into the same buffers refilled with junk, so a code or
     * scale it fails to write cannot pass for the pair's. */
    memset(gc, 0x5A, cb);
    memset(gs, 0x5A, ns);
    gts = -1.0f;
    if (!th_ok(t, lowp_buffer_write(bc, TH_GUARD, gc, cb), "junk codes") ||
        !th_ok(t, lowp_buffer_write(bsc, TH_GUARD, gs, ns), "junk scales") ||
        !th_ok(t, lowp_buffer_write(bts, TH_GUARD * 4, &gts, 4), "junk tensor scale"))
        goto done;
    if (!th_ok(t, lowp_hadamard_quantize(ctx, h, q, bx, TH_GUARD, bc, TH_GUARD, bsc, TH_GUARD, two ? bts : NULL,
                                         TH_GUARD, bs),
               what) ||
        !th_guarded_read(t, what, bc, cb, 1, gc) || !th_guarded_read(t, what, bsc, ns, 1, gs) ||
        !th_guarded_read(t, what, bts, 1, 4, &gts))
        goto done;
    snprintf(msg, sizeof msg, "%s: fused codes vs unfused pair on the device", what);
    th_compare_u8(t, msg, gc, uc, cb);
    snprintf(msg, sizeof msg, "%s: fused scales vs unfused pair on the device", what);
    th_compare_u8(t, msg, gs, us, ns);
    snprintf(msg, sizeof msg, "%s: fused codes vs reference", what);
    th_compare_u8(t, msg, gc, rc, cb);
    snprintf(msg, sizeof msg, "%s: fused scales vs reference", what);
    th_compare_u8(t, msg, gs, rs, ns);
    if (two) {
        th_check(t, memcmp(&gts, &uts, 4) == 0, "%s: fused tensor scale %a vs unfused %a", what, (double)gts,
                 (double)uts);
        th_check(t, memcmp(&gts, &rts, 4) == 0, "%s: fused tensor scale %a vs reference %a", what, (double)gts,
                 (double)rts);
    }
done:
    lowp_buffer_free(bx), lowp_buffer_free(bs), lowp_buffer_free(bc), lowp_buffer_free(bsc);
    lowp_buffer_free(bts), lowp_buffer_free(bt);
    free(xh), free(f), free(bits), free(rc), free(rs), free(fc), free(fs), free(gc), free(gs), free(uc), free(us);
}

/* rows x cols, transform block n (0 = whole axis) along `axis`, MXFP4 or NVFP4. */
static struct qcfg make(uint64_t rows, uint64_t cols, lowp_hadamard_axis axis, uint32_t n, int nvfp4,
                        enum lowp_rounding rnd, uint64_t salt)
{
    struct qcfg c;
    lowp_hadamard_desc_init(&c.h, rows, cols);
    c.h.axis = axis;
    c.h.block = n;
    c.h.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
    c.h.seed = 0x1234 + salt;
    c.h.stream = salt;
    c.q = nvfp4 ? lowp_quant_desc_nvfp4(rows, cols) : lowp_quant_desc_mx(rows, cols, LOWP_FORMAT_E2M1);
    c.q.layout = axis == LOWP_HADAMARD_AXIS_COLS ? LOWP_BLOCK_COL : LOWP_BLOCK_ROW;
    c.q.rounding = rnd;
    c.q.seed = 99 + salt;
    c.q.stream = 3;
    c.salt = salt;
    c.inf_at = 0;
    return c;
}

/* c quantized to MX element format f instead (8-bit or 6-bit codes), with
 * the same shape, layout, ld, rounding and SR key. */
static struct qcfg with_mx(struct qcfg c, enum lowp_format f)
{
    struct lowp_quant_desc q = lowp_quant_desc_mx(c.q.rows, c.q.cols, f);
    q.layout = c.q.layout;
    q.ld = c.q.ld;
    q.rounding = c.q.rounding;
    q.seed = c.q.seed;
    q.stream = c.q.stream;
    c.q = q;
    return c;
}

/* c with a bf16 input at row stride ld_in, the inverse transform and signs sm. */
static struct qcfg bf16_inverse(struct qcfg c, uint64_t ld_in, lowp_hadamard_signs sm)
{
    c.h.dtype_in = LOWP_HADAMARD_DTYPE_BF16;
    c.h.ld_in = ld_in;
    c.h.inverse = 1;
    c.h.sign_mode = sm;
    return c;
}

/* c with row strides ld_in, ld_out (> cols) and a given tensor amax 50
 * with clamp_tiny (one pass for NVFP4). */
static struct qcfg strided_given_amax(struct qcfg c, uint64_t ld_in, uint64_t ld_out)
{
    c.h.ld_in = ld_in;
    c.h.ld_out = c.q.ld = ld_out;
    c.q.tensor_amax = 50.0f;
    c.q.clamp_tiny_scale = 1;
    return c;
}

/* The recipe matrix: MXFP4/NVFP4 x RNE/SR x rows/cols x n = 16, 32. */
static void test_recipes(struct th *t, lowp_context *ctx)
{
    uint64_t salt = 1;
    for (int nv = 0; nv < 2; ++nv)
        for (int sr = 0; sr < 2; ++sr)
            for (int ax = 0; ax < 2; ++ax)
                for (uint32_t n = 16; n <= 32; n *= 2) {
                    struct qcfg c = make(64, 96, (lowp_hadamard_axis)ax, n, nv,
                                         sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE, salt++);
                    run_qcfg(t, ctx, &c);
                }
}

/* Other lengths and options: whole rows/columns (unfused path on OpenCL),
 * n < B, n = 48 = 12·4, bf16 input, inverse, USER signs, strides, given
 * amax, other element formats (8- and 6-bit packing), clamp_tiny. */
static void test_variants(struct th *t, lowp_context *ctx)
{
    struct qcfg c;
    c = make(32, 256, LOWP_HADAMARD_AXIS_ROWS, 0, 1, LOWP_ROUNDING_RNE, 40); /* whole row 256 */
    run_qcfg(t, ctx, &c);
    c = make(128, 48, LOWP_HADAMARD_AXIS_COLS, 0, 0, LOWP_ROUNDING_SR, 41); /* whole column 128 */
    run_qcfg(t, ctx, &c);
    c = make(16, 96, LOWP_HADAMARD_AXIS_ROWS, 48, 1, LOWP_ROUNDING_SR, 42); /* 12·4 */
    run_qcfg(t, ctx, &c);
    c = make(16, 64, LOWP_HADAMARD_AXIS_ROWS, 8, 0, LOWP_ROUNDING_RNE, 43); /* n < B = 32 */
    run_qcfg(t, ctx, &c);
    c = make(64, 40, LOWP_HADAMARD_AXIS_COLS, 4, 1, LOWP_ROUNDING_SR, 44); /* n < B = 16 */
    run_qcfg(t, ctx, &c);
    c = bf16_inverse(make(48, 64, LOWP_HADAMARD_AXIS_COLS, 16, 1, LOWP_ROUNDING_RNE, 45), 70,
                     LOWP_HADAMARD_SIGNS_USER);
    run_qcfg(t, ctx, &c);
    c = strided_given_amax(make(32, 64, LOWP_HADAMARD_AXIS_ROWS, 32, 1, LOWP_ROUNDING_SR, 46), 72, 80);
    c.h.sign_mode = LOWP_HADAMARD_SIGNS_USER;
    run_qcfg(t, ctx, &c);
    c = with_mx(make(32, 64, LOWP_HADAMARD_AXIS_ROWS, 16, 0, LOWP_ROUNDING_SR, 47), LOWP_FORMAT_E4M3);
    c.q.scale_mode = LOWP_SCALE_RCEIL;
    run_qcfg(t, ctx, &c);
    c = with_mx(make(64, 32, LOWP_HADAMARD_AXIS_COLS, 32, 0, LOWP_ROUNDING_RNE, 48), LOWP_FORMAT_E3M2);
    c.h.scale_mode = LOWP_HADAMARD_SCALE_NONE;
    run_qcfg(t, ctx, &c);
    c = make(2048, 16, LOWP_HADAMARD_AXIS_COLS, 16, 1, LOWP_ROUNDING_SR, 49); /* many work-items */
    run_qcfg(t, ctx, &c);
}

/* Transforms longer than 32 (lowp_hadamard_quant_local on OpenCL): the
 * recipe matrix MXFP4/NVFP4 x RNE/SR x rows/cols at n = 64, 256 and whole
 * rows of 4096 / whole columns of 1024 (groups with a partial last tile of
 * vectors), then 12/20/28*2^k lengths, bf16 input with strides, inverse
 * and USER signs, a given amax, no signs with a custom scale, an Inf, and
 * 8-bit and 6-bit codes. */
static void test_long(struct th *t, lowp_context *ctx)
{
    uint64_t salt = 100;
    for (int nv = 0; nv < 2; ++nv)
        for (int sr = 0; sr < 2; ++sr)
            for (int k = 0; k < 3; ++k) {
                static const uint64_t rows_shape[3][2] = {{24, 192}, {20, 512}, {3, 4096}}; /* rows x cols */
                static const uint64_t cols_shape[3][2] = {{128, 40}, {512, 24}, {1024, 8}};
                static const uint32_t len[3] = {64, 256, 0};
                const enum lowp_rounding rnd = sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE;
                struct qcfg c = make(rows_shape[k][0], rows_shape[k][1], LOWP_HADAMARD_AXIS_ROWS, len[k], nv, rnd,
                                     salt++);
                run_qcfg(t, ctx, &c);
                c = make(cols_shape[k][0], cols_shape[k][1], LOWP_HADAMARD_AXIS_COLS, len[k], nv, rnd, salt++);
                run_qcfg(t, ctx, &c);
            }
    /* 12/20/28*2^k: rows, cols, axis (1 = cols), n (0 = whole axis), NVFP4, SR */
    static const struct {
        uint64_t rows, cols;
        int axis_cols;
        uint32_t n;
        int nv, sr;
    } mlen[] = {
        {12, 160, 0, 80, 1, 1},     /* 20*4 */
        {10, 224, 0, 112, 1, 0},    /* 28*4 */
        {192, 20, 1, 96, 0, 1},     /* 12*8 */
        {160, 36, 1, 160, 0, 0},    /* 20*8, whole column */
        {2, 3072, 0, 0, 0, 1},      /* 12*256, whole row */
        {1792, 3, 1, 0, 1, 1},      /* 28*64, whole column */
        {3, 2560, 0, 0, 1, 0},      /* 20*128, whole row */
    };
    struct qcfg c;
    for (size_t i = 0; i < sizeof mlen / sizeof mlen[0]; ++i) {
        c = make(mlen[i].rows, mlen[i].cols, mlen[i].axis_cols ? LOWP_HADAMARD_AXIS_COLS : LOWP_HADAMARD_AXIS_ROWS,
                 mlen[i].n, mlen[i].nv, mlen[i].sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE, 130 + i);
        run_qcfg(t, ctx, &c);
    }
    c = bf16_inverse(make(12, 512, LOWP_HADAMARD_AXIS_ROWS, 256, 1, LOWP_ROUNDING_SR, 137), 520,
                     LOWP_HADAMARD_SIGNS_USER);
    run_qcfg(t, ctx, &c);
    c = bf16_inverse(make(256, 24, LOWP_HADAMARD_AXIS_COLS, 128, 0, LOWP_ROUNDING_SR, 138), 29,
                     LOWP_HADAMARD_SIGNS_PHILOX);
    run_qcfg(t, ctx, &c);
    c = strided_given_amax(make(8, 1024, LOWP_HADAMARD_AXIS_ROWS, 512, 1, LOWP_ROUNDING_SR, 139), 1030, 1040);
    run_qcfg(t, ctx, &c);
    c = make(128, 40, LOWP_HADAMARD_AXIS_COLS, 64, 1, LOWP_ROUNDING_RNE, 140);
    c.h.sign_mode = LOWP_HADAMARD_SIGNS_NONE;
    c.h.scale_mode = LOWP_HADAMARD_SCALE_CUSTOM;
    c.h.scale = 0.3f;
    run_qcfg(t, ctx, &c);
    c = make(6, 256, LOWP_HADAMARD_AXIS_ROWS, 0, 1, LOWP_ROUNDING_SR, 141);
    c.inf_at = 256 + 3; /* row 1 */
    run_qcfg(t, ctx, &c);
    c = with_mx(make(4, 1024, LOWP_HADAMARD_AXIS_ROWS, 0, 0, LOWP_ROUNDING_SR, 142), LOWP_FORMAT_E4M3);
    c.q.scale_mode = LOWP_SCALE_RCEIL;
    run_qcfg(t, ctx, &c);
    c = with_mx(make(256, 12, LOWP_HADAMARD_AXIS_COLS, 256, 0, LOWP_ROUNDING_SR, 143), LOWP_FORMAT_E3M2);
    run_qcfg(t, ctx, &c);
    c = with_mx(make(3, 2048, LOWP_HADAMARD_AXIS_ROWS, 0, 0, LOWP_ROUNDING_RNE, 144), LOWP_FORMAT_E2M3);
    run_qcfg(t, ctx, &c);
}

/* AXIS_COLS with more than 65535 chunks: the launch is split along
 * NDRange dimension 1 (chunk0). */
static void test_long_tall(struct th *t, lowp_context *ctx)
{
    struct qcfg c = make((65535u + 3u) * 64u, 1, LOWP_HADAMARD_AXIS_COLS, 64, 1, LOWP_ROUNDING_SR, 150);
    run_qcfg(t, ctx, &c);
}

static void expect_invalid(struct th *t, lowp_status s, const char *what, const char *needle)
{
    const char *msg = lowp_last_error();
    th_check(t, s == LOWP_ERR_INVALID_ARG && strstr(msg, needle) != NULL,
             "%s: expected LOWP_ERR_INVALID_ARG mentioning '%s', got %s: %s", what, needle, lowp_status_name(s), msg);
}

static void test_quant_bad_args(struct th *t, lowp_context *ctx)
{
    lowp_buffer *x = NULL, *c = NULL, *s = NULL, *ts = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 1 << 16, &x), "alloc") || !th_ok(t, lowp_buffer_alloc(ctx, 1 << 14, &c), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 1 << 12, &s), "alloc") || !th_ok(t, lowp_buffer_alloc(ctx, 64, &ts), "alloc"))
        goto done;
    struct qcfg g = make(32, 64, LOWP_HADAMARD_AXIS_ROWS, 16, 1, LOWP_ROUNDING_RNE, 1), b;
    th_ok(t, lowp_hadamard_quantize(ctx, &g.h, &g.q, x, 0, c, 0, s, 0, ts, 0, NULL), "valid call");
#define BAD(stmt, what, needle)                                                                              \
    do {                                                                                                     \
        b = g;                                                                                               \
        stmt;                                                                                                \
        expect_invalid(t, lowp_hadamard_quantize(ctx, &b.h, &b.q, x, 0, c, 0, s, 0, ts, 0, NULL), what, needle); \
    } while (0)
    BAD(b.q.layout = LOWP_BLOCK_TILE2D, "TILE2D", "along the transform axis");
    BAD(b.q.layout = LOWP_BLOCK_COL, "rows transform, column blocks", "along the transform axis");
    BAD(b.h.axis = LOWP_HADAMARD_AXIS_COLS, "column transform, row blocks", "along the transform axis");
    BAD(b.h.dtype_out = LOWP_HADAMARD_DTYPE_BF16, "bf16 transform output", "dtype_out");
    BAD(b.q.cols = 32, "shape mismatch", "shape");
    BAD(b.q.ld = 80, "ld mismatch", "ld");
    BAD((b.h.block = 12, b.h.cols = b.q.cols = b.q.ld = b.h.ld_in = b.h.ld_out = 48), "n 12 vs B 16", "divide");
    BAD((b.h.rows = b.q.rows = 1, b.h.block = 0, b.h.cols = b.q.cols = b.q.ld = b.h.ld_in = b.h.ld_out = 8192),
        "n 8192 > 4096", "exceeds");
    BAD(b.h.block = 24, "bad transform length", "");
    BAD(b.q.block = 8, "bad quant block", "");
#undef BAD
    expect_invalid(t, lowp_hadamard_quantize(ctx, &g.h, &g.q, x, 0, c, 0, s, 0, NULL, 0, NULL), "NVFP4 without tensor_scale",
                   "tensor_scale");
    expect_invalid(t, lowp_hadamard_quantize(ctx, &g.h, &g.q, x, 0, c, 0, c, 16, ts, 0, NULL), "codes overlap scales",
                   "overlap");
    expect_invalid(t, lowp_hadamard_quantize(ctx, &g.h, &g.q, x, 0, x, 0, s, 0, ts, 0, NULL), "codes overlap x",
                   "overlap");
    expect_invalid(t, lowp_hadamard_quantize(ctx, &g.h, &g.q, x, 0, c, 0, s, 0, ts, 0, ts), "bits without USER",
                   "sign_bits");
    expect_invalid(t, lowp_hadamard_quantize(ctx, &g.h, &g.q, x, 0, c, (1 << 14) - 16, s, 0, ts, 0, NULL),
                   "codes too small", "'codes'");
    expect_invalid(t, lowp_hadamard_quantize(ctx, NULL, &g.q, x, 0, c, 0, s, 0, ts, 0, NULL), "NULL transform desc",
                   "h");
    expect_invalid(t, lowp_hadamard_quantize(ctx, &g.h, NULL, x, 0, c, 0, s, 0, ts, 0, NULL), "NULL quant desc", "q");
done:
    lowp_buffer_free(x), lowp_buffer_free(c), lowp_buffer_free(s), lowp_buffer_free(ts);
}

const struct th_case th_hadamard_quant_cases[] = {
    {"hadamard_quant_recipes", test_recipes, 1},
    {"hadamard_quant_variants", test_variants, 1},
    {"hadamard_quant_long", test_long, 1},
    {"hadamard_quant_long_tall", test_long_tall, 0},
    {"hadamard_quant_bad_args", test_quant_bad_args, 0},
};
const size_t th_hadamard_quant_case_count = sizeof th_hadamard_quant_cases / sizeof th_hadamard_quant_cases[0];
