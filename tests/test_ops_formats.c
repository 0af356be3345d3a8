/* test_ops_formats.c — rows of the portability matrix for formats.h: every
 * device against backends/cpu/ref/formats_ref.c. Codes, scales, tensor
 * scales and (de)quantized values are bit-exact everywhere, fp32-subnormal
 * inputs included (the codecs are integer-only, so devices that flush
 * subnormals in arithmetic still match). Statistics: counts and amax exact;
 * the sums of squares exact on the CPU backend and within STATS_RTOL on
 * OpenCL devices (fp32 partial sums per block, see docs/formats.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref/formats_ref.h"
#include "test_ops.h"

#define STATS_RTOL 1e-3

/* Deterministic values over a wide exponent range, with the specials and
 * the format limits every cast must carry. */
static void cast_inputs(float *x, size_t n, uint64_t seed)
{
    th_fill_uniform(x, n, -1.0f, 1.0f, seed);
    uint64_t s = seed * 2654435761u + 7;
    for (size_t i = 0; i < n; ++i) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = ldexpf(x[i], (int)((s >> 33) % 61) - 30);
    }
    const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, -3e-42f, 1.4e-45f, 3.4028235e38f,
                              -448.0f, 464.0f, 57344.0f, 61440.0f, 65504.0f, 65520.0f, 6.0f, -7.0f, 0.25f, 1.0f / 3.0f};
    for (size_t i = 0; i < sizeof specials / sizeof specials[0] && i < n; ++i)
        x[(i * 37) % n] = specials[i];
}

static lowp_buffer *alloc_guarded(struct th *t, lowp_context *ctx, size_t n, size_t elem)
{
    lowp_buffer *b = NULL;
    return th_ok(t, th_guarded_alloc(ctx, n, elem, &b), "alloc") ? b : NULL;
}

/* ---------------- casts ---------------- */

static void cast_one(struct th *t, lowp_context *ctx, const struct lowp_cast_desc *d, const float *x)
{
    size_t n = d->n, cb = lowp_format_code_bytes(d->format);
    char what[128];
    snprintf(what, sizeof what, "%s %s %s n=%zu base=%llu", lowp_format_name(d->format),
             d->rounding ? "SR" : "RNE", d->overflow ? "nonsat" : "sat", n, (unsigned long long)d->index_base);
    unsigned char *cref = malloc(n * cb), *cgot = malloc(n * cb);
    float *yref = malloc(n * sizeof *yref), *ygot = malloc(n * sizeof *ygot);
    lowp_buffer *bx = th_upload(t, ctx, x, n, sizeof(float));
    lowp_buffer *bc = alloc_guarded(t, ctx, n, cb), *by = alloc_guarded(t, ctx, n, sizeof(float));
    if (cref && cgot && yref && ygot && bx && bc && by) {
        lowp_ref_cast_encode(d, x, cref);
        if (th_ok(t, lowp_cast(ctx, d, bx, TH_GUARD, bc, TH_GUARD), what) &&
            th_guarded_read(t, what, bc, n, cb, cgot))
            th_compare_u8(t, what, cgot, cref, n * cb);
        lowp_ref_cast_decode(d, cref, yref);
        if (th_ok(t, lowp_cast_decode(ctx, d, bc, TH_GUARD, by, TH_GUARD), what) &&
            th_guarded_read(t, what, by, n, sizeof(float), ygot))
            th_compare_f32(t, "decode", ygot, yref, n, TH_EXACT);
        lowp_ref_cast_round(d, x, yref);
        /* In place: y is x at the same offset. */
        if (th_ok(t, lowp_cast_round(ctx, d, bx, TH_GUARD, bx, TH_GUARD), what) &&
            th_guarded_read(t, what, bx, n, sizeof(float), ygot))
            th_compare_f32(t, "round in place", ygot, yref, n, TH_EXACT);
    }
    lowp_buffer_free(bx);
    lowp_buffer_free(bc);
    lowp_buffer_free(by);
    free(cref), free(cgot), free(yref), free(ygot);
}

static void test_cast(struct th *t, lowp_context *ctx)
{
    const size_t n = 1003;
    float *x = malloc(n * sizeof *x);
    if (x == NULL)
        return;
    cast_inputs(x, n, 17);
    for (int f = 0; f < LOWP_FORMAT_COUNT; ++f)
        for (int r = 0; r < 2; ++r)
            for (int o = 0; o < 2; ++o) {
                struct lowp_cast_desc d = {.n = n, .format = (enum lowp_format)f, .rounding = (enum lowp_rounding)r,
                                           .overflow = (enum lowp_overflow)o, .seed = 42 + (uint64_t)f,
                                           .stream = 7, .index_base = (uint64_t)(f % 4) + 4 * (uint64_t)r};
                cast_one(t, ctx, &d, x);
            }
    /* Shapes around the 4-element work units, and a large random index. */
    const size_t ns[] = {1, 2, 3, 5, 8};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; ++i)
        for (uint64_t base = 0; base < 4; ++base) {
            struct lowp_cast_desc d = {.n = ns[i], .format = LOWP_FORMAT_E2M1, .rounding = LOWP_ROUNDING_SR,
                                       .seed = 3, .stream = 1, .index_base = base};
            cast_one(t, ctx, &d, x + 100);
        }
    struct lowp_cast_desc big = {.n = 77, .format = LOWP_FORMAT_BF16, .rounding = LOWP_ROUNDING_SR, .seed = 9,
                                 .stream = 0xFFFFFFFFFFFull, .index_base = 0xFFFFFFFFFFFFF00ull + 2};
    cast_one(t, ctx, &big, x);
    free(x);
}

/* Every code of the 8-bit and 16-bit formats decodes exactly. */
static void test_cast_decode_all(struct th *t, lowp_context *ctx)
{
    const size_t n = 65536;
    uint16_t *c16 = malloc(n * 2);
    uint8_t *c8 = malloc(256);
    float *ref = malloc(n * sizeof *ref), *got = malloc(n * sizeof *got);
    for (size_t i = 0; i < n && c16; ++i)
        c16[i] = (uint16_t)i;
    for (size_t i = 0; i < 256 && c8; ++i)
        c8[i] = (uint8_t)i;
    for (int f = 1; f < LOWP_FORMAT_COUNT && c16 && c8 && ref && got; ++f) {
        struct lowp_cast_desc d = {.format = (enum lowp_format)f};
        int wide = lowp_format_code_bytes(d.format) == 2;
        d.n = wide ? n : (size_t)1 << lowp_format_bits(d.format);
        const void *codes = wide ? (const void *)c16 : (const void *)c8;
        lowp_buffer *bc = th_upload(t, ctx, codes, d.n, wide ? 2 : 1), *by = alloc_guarded(t, ctx, d.n, 4);
        char what[64];
        snprintf(what, sizeof what, "decode every %s code", lowp_format_name(d.format));
        lowp_ref_cast_decode(&d, codes, ref);
        if (bc && by && th_ok(t, lowp_cast_decode(ctx, &d, bc, TH_GUARD, by, TH_GUARD), what) &&
            th_guarded_read(t, what, by, d.n, 4, got))
            th_compare_f32(t, what, got, ref, d.n, TH_EXACT);
        lowp_buffer_free(bc);
        lowp_buffer_free(by);
    }
    free(c16), free(c8), free(ref), free(got);
}

/* ---------------- block quantization ---------------- */

enum qinput { Q_NORMAL, Q_SPECIAL, Q_SUBNORMAL };

/* rows x ld matrix: per-row magnitudes from 2^-12 to 2^12; Q_SPECIAL adds an
 * all-zero block, NaN and Inf blocks, a block with one huge value and
 * scattered fp32 subnormals; Q_SUBNORMAL makes whole regions subnormal. */
static void quant_inputs(float *x, size_t rows, size_t cols, size_t ld, enum qinput kind, uint64_t seed)
{
    size_t ext = (rows - 1) * ld + cols;
    th_fill_uniform(x, ext, -1.0f, 1.0f, seed);
    for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c)
            x[r * ld + c] = ldexpf(x[r * ld + c], (int)(r % 25) - 12);
    if (kind == Q_SPECIAL) {
        for (size_t c = 0; c < 32 && c < cols; ++c)
            x[0 * ld + c] = c % 2 ? 0.0f : -0.0f;         /* row 0: zero blocks */
        x[1 * ld + 3] = NAN;                               /* a NaN block */
        x[2 * ld + 40 % cols] = -INFINITY;                 /* an Inf block */
        x[3 * ld + 5] = 3e38f;                             /* a huge value */
        for (size_t c = 0; c < cols; c += 7)
            x[5 * ld + c] = (c % 3 ? 1.0f : -1.0f) * 1e-39f * (float)(c + 1);
    } else if (kind == Q_SUBNORMAL) {
        for (size_t r = 0; r < rows; r += 2)
            for (size_t c = 0; c < cols; ++c)
                x[r * ld + c] = ldexpf(x[r * ld + c], -128 - (int)(r % 16));
    }
}

struct qcase {
    enum lowp_block_layout layout;
    uint32_t block;
    enum lowp_format elem, scale;
    enum lowp_scale_mode mode;
    enum lowp_rounding rounding;
    enum lowp_overflow overflow;
    int clamp_tiny;
    float tensor_amax;
    enum qinput input;
};

static const char *layout_name(enum lowp_block_layout l)
{
    return l == LOWP_BLOCK_ROW ? "row" : l == LOWP_BLOCK_COL ? "col" : "tile";
}

static void compare_stats(struct th *t, const char *what, const struct lowp_quant_stats *g,
                          const struct lowp_quant_stats *r, int exact)
{
    int ok = g->count == r->count && g->nonfinite == r->nonfinite && g->zeros == r->zeros &&
             g->underflows == r->underflows && g->clipped == r->clipped && g->amax == r->amax;
    double tol = exact ? 0.0 : STATS_RTOL;
    ok = ok && fabs(g->err_sq - r->err_sq) <= tol * r->err_sq && fabs(g->ref_sq - r->ref_sq) <= tol * r->ref_sq &&
         fabs(g->rel_rms - r->rel_rms) <= tol * r->rel_rms &&
         (g->snr_db == r->snr_db || fabs(g->snr_db - r->snr_db) <= (exact ? 0.0 : 0.01));
    th_check(t, ok,
             "%s stats: got n=%llu nonfinite=%llu zeros=%llu under=%llu clip=%llu amax=%g err=%.9g ref=%.9g rel=%.6g "
             "snr=%.6g; reference %llu %llu %llu %llu %llu %g %.9g %.9g %.6g %.6g",
             what, (unsigned long long)g->count, (unsigned long long)g->nonfinite, (unsigned long long)g->zeros,
             (unsigned long long)g->underflows, (unsigned long long)g->clipped, g->amax, g->err_sq, g->ref_sq,
             g->rel_rms, g->snr_db, (unsigned long long)r->count, (unsigned long long)r->nonfinite,
             (unsigned long long)r->zeros, (unsigned long long)r->underflows, (unsigned long long)r->clipped, r->amax,
             r->err_sq, r->ref_sq, r->rel_rms, r->snr_db);
}

/* quantize, dequantize, fake-quantize (out of place, then in place) on the
 * device against the reference; fake-quantize must equal dequant(quant). */
static void quant_one(struct th *t, lowp_context *ctx, const struct qcase *q, size_t rows, size_t cols)
{
    struct lowp_quant_desc d = q->scale == LOWP_FORMAT_E8M0 ? lowp_quant_desc_mx(rows, cols, q->elem)
                                                            : lowp_quant_desc_nvfp4(rows, cols);
    d.ld = cols + 3;
    d.layout = q->layout;
    d.block = q->block;
    d.elem_format = q->elem;
    d.scale_format = q->scale;
    d.scale_mode = q->mode;
    d.rounding = q->rounding;
    d.overflow = q->overflow;
    d.seed = 1234;
    d.stream = 5;
    d.clamp_tiny_scale = q->clamp_tiny;
    d.tensor_amax = q->tensor_amax;
    size_t cb = 0, ns = 0, ext = (rows - 1) * d.ld + cols;
    if (!th_ok(t, lowp_quant_sizes(&d, &cb, &ns), "lowp_quant_sizes"))
        return;
    char what[160];
    snprintf(what, sizeof what, "%s/%s %s B=%u mode=%d %s%s tiny=%d amax=%g input=%d %zux%zu",
             lowp_format_name(q->elem), lowp_format_name(q->scale), layout_name(q->layout), (unsigned)q->block,
             (int)q->mode, q->rounding ? "SR" : "RNE", q->overflow ? " nonsat" : "", q->clamp_tiny,
             (double)q->tensor_amax, (int)q->input, rows, cols);
    float *x = malloc(ext * sizeof *x), *yref = malloc(ext * sizeof *yref), *ygot = malloc(ext * sizeof *ygot);
    float *ydq = malloc(ext * sizeof *ydq);
    uint8_t *cref = malloc(cb), *cgot = malloc(cb), *sref = malloc(ns), *sgot = malloc(ns);
    if (!x || !yref || !ygot || !ydq || !cref || !cgot || !sref || !sgot) {
        th_check(t, 0, "out of host memory");
        free(x), free(yref), free(ygot), free(ydq), free(cref), free(cgot), free(sref), free(sgot);
        return;
    }
    quant_inputs(x, rows, cols, d.ld, q->input, rows * 31 + cols + (uint64_t)q->elem);
    float tsref = 0.0f, tsgot = 0.0f;
    struct lowp_quant_stats stref, stgot;
    lowp_buffer *bx = th_upload(t, ctx, x, ext, 4), *bc = alloc_guarded(t, ctx, cb, 1);
    lowp_buffer *bs = alloc_guarded(t, ctx, ns, 1), *bt = alloc_guarded(t, ctx, 1, 4);
    lowp_buffer *by = th_upload(t, ctx, x, ext, 4); /* gaps between rows keep x */
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    int exact_stats = info.backend == LOWP_BACKEND_CPU;
    if (bx && bc && bs && bt && by && th_ok(t, lowp_ref_quantize(&d, x, cref, sref, &tsref, &stref), "reference") &&
        th_ok(t, lowp_quantize(ctx, &d, bx, TH_GUARD, bc, TH_GUARD, bs, TH_GUARD, bt, TH_GUARD, &stgot), what)) {
        if (th_guarded_read(t, what, bc, cb, 1, cgot))
            th_compare_u8(t, "codes", cgot, cref, cb);
        if (th_guarded_read(t, what, bs, ns, 1, sgot))
            th_compare_u8(t, "scales", sgot, sref, ns);
        if (d.scale_format != LOWP_FORMAT_E8M0 && th_guarded_read(t, what, bt, 1, 4, &tsgot))
            th_compare_f32(t, "tensor scale", &tsgot, &tsref, 1, TH_EXACT);
        compare_stats(t, what, &stgot, &stref, exact_stats);
        memcpy(yref, x, ext * sizeof *x);
        lowp_ref_dequantize(&d, cref, sref, tsref, yref);
        if (th_ok(t, lowp_dequantize(ctx, &d, bc, TH_GUARD, bs, TH_GUARD, bt, TH_GUARD, by, TH_GUARD), what) &&
            th_guarded_read(t, what, by, ext, 4, ydq))
            th_compare_f32(t, "dequantize", ydq, yref, ext, TH_EXACT);
    }
    if (bx && by && th_ok(t, lowp_ref_fake_quantize(&d, x, yref, NULL), "reference") &&
        th_ok(t, lowp_fake_quantize(ctx, &d, bx, TH_GUARD, by, TH_GUARD, &stgot), what) &&
        th_guarded_read(t, what, by, ext, 4, ygot)) {
        memcpy(yref, x, ext * sizeof *x);
        lowp_ref_fake_quantize(&d, x, yref, &stref);
        th_compare_f32(t, "fake-quantize", ygot, yref, ext, TH_EXACT);
        th_compare_f32(t, "fake-quantize == dequantize(quantize)", ygot, ydq, ext, TH_EXACT);
        compare_stats(t, "fake-quantize", &stgot, &stref, exact_stats);
        if (th_ok(t, lowp_fake_quantize(ctx, &d, bx, TH_GUARD, bx, TH_GUARD, NULL), "in place") &&
            th_guarded_read(t, what, bx, ext, 4, ygot))
            th_compare_f32(t, "fake-quantize in place", ygot, yref, ext, TH_EXACT);
    }
    lowp_buffer_free(bx), lowp_buffer_free(bc), lowp_buffer_free(bs), lowp_buffer_free(bt), lowp_buffer_free(by);
    free(x), free(yref), free(ygot), free(ydq), free(cref), free(cgot), free(sref), free(sgot);
}

static const enum lowp_format elems[] = {LOWP_FORMAT_E4M3, LOWP_FORMAT_E5M2, LOWP_FORMAT_E3M2,
                                         LOWP_FORMAT_E2M3, LOWP_FORMAT_E2M1, LOWP_FORMAT_INT8};
#define NELEMS (sizeof elems / sizeof elems[0])

/* Every element format x scale mode, row and column blocks, RNE and SR. */
static void test_mx(struct th *t, lowp_context *ctx)
{
    for (size_t e = 0; e < NELEMS; ++e)
        for (int m = 0; m < 4; ++m)
            for (int l = 0; l < 2; ++l) {
                struct qcase q = {(enum lowp_block_layout)l, 32, elems[e], LOWP_FORMAT_E8M0,
                                  (enum lowp_scale_mode)m, (enum lowp_rounding)((m + l) % 2),
                                  LOWP_OVERFLOW_SATURATE, 0, -1.0f, Q_NORMAL};
                quant_one(t, ctx, &q, 32, 64);
            }
}

/* Tiles, block 16, non-saturating elements, odd shapes, specials. */
static void test_mx_more(struct th *t, lowp_context *ctx)
{
    for (size_t e = 0; e < NELEMS; ++e) {
        struct qcase q = {LOWP_BLOCK_TILE2D, 32, elems[e], LOWP_FORMAT_E8M0, LOWP_SCALE_FLOOR, LOWP_ROUNDING_SR,
                          LOWP_OVERFLOW_NONSAT, 0, -1.0f, Q_SPECIAL};
        quant_one(t, ctx, &q, 64, 64);
        q.layout = LOWP_BLOCK_ROW;
        q.block = 16;
        q.rounding = LOWP_ROUNDING_RNE;
        quant_one(t, ctx, &q, 7, 2080); /* long rows: several slabs per row */
        q.layout = LOWP_BLOCK_COL;
        quant_one(t, ctx, &q, 32, 21); /* column count not a multiple of 4 */
    }
}

/* NVFP4: 1x16 and 16x16 tiles, RNE and SR, TE and torchao tiny scales, given
 * and computed tensor amax, ue5m3 block scales, other element formats. */
static void test_nvfp4(struct th *t, lowp_context *ctx)
{
    const enum lowp_block_layout layouts[] = {LOWP_BLOCK_ROW, LOWP_BLOCK_TILE2D, LOWP_BLOCK_COL};
    for (int s = 0; s < 2; ++s)
        for (size_t l = 0; l < 3; ++l)
            for (int r = 0; r < 2; ++r) {
                struct qcase q = {layouts[l], 16, LOWP_FORMAT_E2M1, s ? LOWP_FORMAT_UE5M3 : LOWP_FORMAT_UE4M3,
                                  LOWP_SCALE_FLOOR, (enum lowp_rounding)r, LOWP_OVERFLOW_SATURATE, r, -1.0f,
                                  (enum qinput)((l + r) % 3)};
                quant_one(t, ctx, &q, 64, 96);
            }
    for (size_t e = 0; e < NELEMS; ++e) {
        struct qcase q = {LOWP_BLOCK_ROW, 32, elems[e], e % 2 ? LOWP_FORMAT_UE5M3 : LOWP_FORMAT_UE4M3,
                          LOWP_SCALE_FLOOR, LOWP_ROUNDING_SR, LOWP_OVERFLOW_SATURATE, 0, e == 0 ? 100.0f : -1.0f,
                          Q_SPECIAL};
        quant_one(t, ctx, &q, 32, 64);
    }
    struct qcase given = {LOWP_BLOCK_ROW, 16, LOWP_FORMAT_E2M1, LOWP_FORMAT_UE4M3, LOWP_SCALE_FLOOR,
                          LOWP_ROUNDING_RNE, LOWP_OVERFLOW_SATURATE, 0, 0.0f, Q_NORMAL};
    quant_one(t, ctx, &given, 16, 32); /* amax 0: s_enc = 1 */
    given.tensor_amax = 1e-40f;        /* a subnormal amax */
    quant_one(t, ctx, &given, 16, 32);
}

/* Whole tensors of fp32 subnormals (exact on every device). */
static void test_subnormal(struct th *t, lowp_context *ctx)
{
    struct qcase mx = {LOWP_BLOCK_ROW, 32, LOWP_FORMAT_E4M3, LOWP_FORMAT_E8M0, LOWP_SCALE_RCEIL, LOWP_ROUNDING_SR,
                       LOWP_OVERFLOW_SATURATE, 0, -1.0f, Q_SUBNORMAL};
    quant_one(t, ctx, &mx, 32, 64);
    struct qcase nv = {LOWP_BLOCK_ROW, 16, LOWP_FORMAT_E2M1, LOWP_FORMAT_UE4M3, LOWP_SCALE_FLOOR, LOWP_ROUNDING_SR,
                       LOWP_OVERFLOW_SATURATE, 0, -1.0f, Q_SUBNORMAL};
    quant_one(t, ctx, &nv, 32, 64);
}

/* ---------------- bad inputs ---------------- */

static void expect(struct th *t, lowp_status got, lowp_status want, const char *what)
{
    th_check(t, got == want, "%s: got %s, want %s (%s)", what, lowp_status_name(got), lowp_status_name(want),
             lowp_last_error());
}

static void test_bad_inputs(struct th *t, lowp_context *ctx)
{
    lowp_buffer *a = NULL, *b = NULL, *c = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 1 << 16, &a), "alloc") || !th_ok(t, lowp_buffer_alloc(ctx, 1 << 16, &b), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 64, &c), "alloc")) {
        lowp_buffer_free(a), lowp_buffer_free(b), lowp_buffer_free(c);
        return;
    }
    struct lowp_cast_desc cd = {.n = 100, .format = LOWP_FORMAT_E4M3};
    expect(t, lowp_cast(NULL, &cd, a, 0, b, 0), LOWP_ERR_INVALID_ARG, "NULL context");
    expect(t, lowp_cast(ctx, NULL, a, 0, b, 0), LOWP_ERR_INVALID_ARG, "NULL descriptor");
    expect(t, lowp_cast(ctx, &cd, a, 0, NULL, 0), LOWP_ERR_INVALID_ARG, "NULL codes");
    expect(t, lowp_cast(ctx, &cd, a, 0, a, 10), LOWP_ERR_INVALID_ARG, "x and codes overlap");
    expect(t, lowp_cast(ctx, &cd, a, 16380, b, 0), LOWP_ERR_INVALID_ARG, "x range beyond the buffer");
    expect(t, lowp_cast_round(ctx, &cd, a, 0, a, 1), LOWP_ERR_INVALID_ARG, "round: partial overlap");
    cd.format = (enum lowp_format)99;
    expect(t, lowp_cast(ctx, &cd, a, 0, b, 0), LOWP_ERR_INVALID_ARG, "unknown format");
    cd.format = LOWP_FORMAT_BF16;
    cd.rounding = (enum lowp_rounding)5;
    expect(t, lowp_cast_decode(ctx, &cd, a, 0, b, 0), LOWP_ERR_INVALID_ARG, "unknown rounding");
    cd.rounding = LOWP_ROUNDING_SR;
    cd.index_base = UINT64_MAX - 10;
    expect(t, lowp_cast_round(ctx, &cd, a, 0, b, 0), LOWP_ERR_INVALID_ARG, "random index overflow");

    struct lowp_quant_desc q = lowp_quant_desc_mx(4, 48, LOWP_FORMAT_E4M3);
    expect(t, lowp_quantize(ctx, &q, a, 0, b, 0, b, 4096, NULL, 0, NULL), LOWP_ERR_INVALID_ARG,
           "partial block (cols 48, block 32)");
    q = lowp_quant_desc_mx(48, 32, LOWP_FORMAT_E4M3);
    q.layout = LOWP_BLOCK_COL;
    expect(t, lowp_fake_quantize(ctx, &q, a, 0, b, 0, NULL), LOWP_ERR_INVALID_ARG, "partial column block");
    q = lowp_quant_desc_mx(4, 64, LOWP_FORMAT_BF16);
    expect(t, lowp_quantize(ctx, &q, a, 0, b, 0, b, 4096, NULL, 0, NULL), LOWP_ERR_UNSUPPORTED, "bf16 elements");
    q = lowp_quant_desc_mx(4, 64, LOWP_FORMAT_E2M1);
    q.scale_format = LOWP_FORMAT_FP16;
    expect(t, lowp_fake_quantize(ctx, &q, a, 0, b, 0, NULL), LOWP_ERR_UNSUPPORTED, "fp16 block scales");
    q.scale_format = LOWP_FORMAT_E8M0;
    q.block = 8;
    expect(t, lowp_fake_quantize(ctx, &q, a, 0, b, 0, NULL), LOWP_ERR_INVALID_ARG, "block 8");
    q = lowp_quant_desc_nvfp4(4, 64);
    expect(t, lowp_quantize(ctx, &q, a, 0, b, 0, b, 4096, NULL, 0, NULL), LOWP_ERR_INVALID_ARG,
           "two-level without tensor_scale");
    expect(t, lowp_quantize(ctx, &q, a, 0, b, 0, b, 10, b, 1000, NULL), LOWP_ERR_INVALID_ARG, "codes and scales overlap");
    expect(t, lowp_quantize(ctx, &q, a, 0, c, 0, b, 0, b, 100, NULL), LOWP_ERR_INVALID_ARG, "codes buffer too small");
    expect(t, lowp_dequantize(ctx, &q, b, 0, b, 4096, b, 5000, b, 10), LOWP_ERR_INVALID_ARG, "y overlaps codes");
    q.ld = 10;
    expect(t, lowp_fake_quantize(ctx, &q, a, 0, b, 0, NULL), LOWP_ERR_INVALID_ARG, "ld < cols");
    q = lowp_quant_desc_nvfp4(4, 64);
    expect(t, lowp_fake_quantize(ctx, &q, a, 0, a, 1, NULL), LOWP_ERR_INVALID_ARG, "fake-quantize partial overlap");
    lowp_buffer_free(a), lowp_buffer_free(b), lowp_buffer_free(c);
}

const struct th_case th_formats_cases[] = {
    {"formats_cast", test_cast, 1},
    {"formats_cast_decode_all", test_cast_decode_all, 0},
    {"formats_mx", test_mx, 0}, /* codec combinations; geometry is covered below */
    {"formats_mx_tiles_specials", test_mx_more, 1},
    {"formats_nvfp4", test_nvfp4, 1},
    {"formats_subnormal", test_subnormal, 0},
    {"formats_bad_inputs", test_bad_inputs, 0},
};
const size_t th_formats_case_count = sizeof th_formats_cases / sizeof th_formats_cases[0];
