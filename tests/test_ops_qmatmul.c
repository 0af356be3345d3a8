/* test_ops_qmatmul.c — rows of the portability matrix for
 * lowp_matmul_quantized (C = alpha A B^T + beta C on block-quantized A, B).
 *
 * Operands are quantized on the host with the formats reference. Every device
 * must agree with the double oracle (lowp_ref_matmul_quantized) within the
 * summation-order bound 2(k+2)u (|alpha| |A||B|^T + |beta| |C0|) on the
 * dequantized operands, and - the stronger claim of the docs - equal the
 * f32seq model bit for bit, for every operand orientation (trans_a/trans_b)
 * and block layout (ROW, COL, TILE2D) the descriptor allows. C has ldc > n; the padding must keep its bits.
 * beta == 0 runs with NaN in C (must not be read). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref/formats_ref.h"
#include "ref/matmul_ref.h"
#include "ref/qmatmul_ref.h"
#include "test_ops.h"

#define U_F32 (1.0 / 16777216.0)

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* One quantized operand on the host. */
struct qop {
    uint8_t *codes, *scales;
    float ts, *deq;
    size_t code_bytes, scale_bytes;
};

static void qop_free(struct qop *o)
{
    free(o->codes), free(o->scales), free(o->deq);
}

static int qop_make(struct th *t, const struct lowp_quant_desc *q, uint64_t seed, struct qop *o)
{
    memset(o, 0, sizeof *o);
    size_t n = q->rows * q->cols;
    if (!th_ok(t, lowp_quant_sizes(q, &o->code_bytes, &o->scale_bytes), "sizes"))
        return 0;
    float *x = malloc(n * 4);
    o->codes = malloc(o->code_bytes), o->scales = malloc(o->scale_bytes), o->deq = malloc(n * 4);
    if (!x || !o->codes || !o->scales || !o->deq) {
        free(x);
        th_check(t, 0, "out of host memory");
        return 0;
    }
    th_fill_uniform(x, n, -2.0f, 2.0f, seed);
    for (size_t i = 0; i < n; i += 7) /* a spread of block magnitudes */
        x[i] *= (float)(1u << (i % 5));
    int ok = th_ok(t, lowp_ref_quantize(q, x, o->codes, o->scales, &o->ts, NULL), "quantize") &&
             th_ok(t, lowp_ref_dequantize(q, o->codes, o->scales, o->ts, o->deq), "dequantize");
    free(x);
    return ok;
}

static lowp_buffer *put(struct th *t, lowp_context *ctx, const void *host, size_t bytes)
{
    lowp_buffer *b = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, bytes, &b), "alloc"))
        return NULL;
    if (!th_ok(t, lowp_buffer_write(b, 0, host, bytes), "write")) {
        lowp_buffer_free(b);
        return NULL;
    }
    return b;
}

/* Run d on the device and compare with the references: always within the
 * bound, and bit for bit with f32seq when `exact`. */
static void qmm_run(struct th *t, lowp_context *ctx, const struct lowp_qmatmul_desc *d, const char *label,
                    uint64_t seed, int exact)
{
    struct qop a, b;
    char what[200];
    snprintf(what, sizeof what, "%s: m=%zu n=%zu k=%zu alpha=%g beta=%g", label, d->m, d->n, d->k, (double)d->alpha,
             (double)d->beta);
    const size_t off = d->offset_c;
    size_t ce = off + (d->m - 1) * d->ldc + d->n;
    float *c0 = malloc(ce * 4), *ref = malloc(ce * 4), *seq = malloc(ce * 4), *scale = malloc(ce * 4);
    float *got = malloc(ce * 4), *abs_a = malloc(d->m * d->k * 4), *abs_b = malloc(d->n * d->k * 4);
    lowp_buffer *bac = NULL, *bas = NULL, *bat = NULL, *bbc = NULL, *bbs = NULL, *bbt = NULL, *bc = NULL;
    int ok_a = qop_make(t, &d->a, seed, &a), ok_b = qop_make(t, &d->b, seed + 1, &b);
    if (!ok_a || !ok_b || !c0 || !ref || !seq || !scale || !got || !abs_a || !abs_b) {
        th_check(t, ok_a && ok_b, "%s: operands", what);
        goto done;
    }
    th_fill_uniform(c0, ce, -1.0f, 1.0f, seed + 2);
    for (size_t e = 0; e < off; ++e) /* before offset_c and ld padding: markers that must survive */
        c0[e] = -777.0f;
    for (size_t i = 0; i < d->m; ++i)
        for (size_t j = d->n; j < d->ldc && off + i * d->ldc + j < ce; ++j)
            c0[off + i * d->ldc + j] = 12345.0f;
    if (d->beta == 0.0f)
        for (size_t i = 0; i < d->m; ++i)
            for (size_t j = 0; j < d->n; ++j)
                c0[off + i * d->ldc + j] = NAN;
    memcpy(ref, c0, ce * 4), memcpy(seq, c0, ce * 4);
    if (!th_ok(t, lowp_ref_matmul_quantized(d, a.codes, a.scales, a.ts, b.codes, b.scales, b.ts, ref, ce), "ref") ||
        !th_ok(t, lowp_ref_matmul_quantized_f32seq(d, a.codes, a.scales, a.ts, b.codes, b.scales, b.ts, seq, ce),
               "f32seq"))
        goto done;
    /* error scale |alpha| |A||B|^T + |beta| |C0| */
    for (size_t i = 0; i < d->m * d->k; ++i)
        abs_a[i] = fabsf(a.deq[i]);
    for (size_t i = 0; i < d->n * d->k; ++i)
        abs_b[i] = fabsf(b.deq[i]);
    for (size_t i = 0; i < ce; ++i)
        scale[i] = d->beta == 0.0f ? 0.0f : fabsf(c0[i]);
    /* the dequantized operands have the shapes of their descriptors:
     * A m x k (N) or k x m (T), B n x k (N) or k x n (T) */
    struct lowp_matmul_desc g;
    lowp_matmul_desc_init(&g, d->m, d->n, d->k);
    g.trans_a = d->trans_a, g.lda = d->trans_a == LOWP_MATMUL_TRANS_T ? d->m : d->k;
    g.trans_b = d->trans_b == LOWP_MATMUL_TRANS_T ? LOWP_MATMUL_TRANS_N : LOWP_MATMUL_TRANS_T;
    g.ldb = d->trans_b == LOWP_MATMUL_TRANS_T ? d->n : d->k, g.ldc = d->ldc, g.offset_c = off;
    g.alpha = fabsf(d->alpha), g.beta = fabsf(d->beta);
    if (!th_ok(t, lowp_ref_matmul(&g, abs_a, d->m * d->k, abs_b, d->n * d->k, scale, ce), "scale"))
        goto done;

    bac = put(t, ctx, a.codes, a.code_bytes), bas = put(t, ctx, a.scales, a.scale_bytes);
    bat = put(t, ctx, &a.ts, 4), bbc = put(t, ctx, b.codes, b.code_bytes), bbs = put(t, ctx, b.scales, b.scale_bytes);
    bbt = put(t, ctx, &b.ts, 4), bc = put(t, ctx, c0, ce * 4);
    if (!bac || !bas || !bat || !bbc || !bbs || !bbt || !bc)
        goto done;
    lowp_status s = lowp_matmul_quantized(ctx, d, bac, bas, bat, bbc, bbs, bbt, bc);
    if (s == LOWP_OK)
        s = lowp_buffer_read(bc, 0, got, ce * 4);
    if (!th_ok(t, s, what))
        goto done;
    double bound_u = 2.0 * ((double)d->k + 2.0) * U_F32;
    for (size_t e = 0; e < ce; ++e) {
        int inside = e >= off && (e - off) % d->ldc < d->n;
        double err = fabs((double)got[e] - (double)ref[e]);
        if ((!inside && bits_of(got[e]) != bits_of(c0[e])) ||
            (inside && (!(err <= bound_u * (double)scale[e]) || (exact && bits_of(got[e]) != bits_of(seq[e]))))) {
            th_check(t, 0, "%s: element %zu (%s): got %.9g (0x%08x), oracle %.9g, f32seq %.9g (0x%08x), bound %.3g",
                     what, e, inside ? "inside C" : "offset/ld padding", got[e], bits_of(got[e]), ref[e], seq[e],
                     bits_of(seq[e]), bound_u * (double)scale[e]);
            goto done;
        }
    }
    th_check(t, 1, "%s", what);
done:
    lowp_buffer_free(bac), lowp_buffer_free(bas), lowp_buffer_free(bat), lowp_buffer_free(bbc);
    lowp_buffer_free(bbs), lowp_buffer_free(bbt), lowp_buffer_free(bc);
    qop_free(&a), qop_free(&b);
    free(c0), free(ref), free(seq), free(scale), free(got), free(abs_a), free(abs_b);
}

/* The engine that promises f32seq bits (OWN), whatever AUTO means here. */
static void qmm_check(struct th *t, lowp_context *ctx, const struct lowp_qmatmul_desc *d, const char *label,
                      uint64_t seed)
{
    struct lowp_qmatmul_desc own = *d;
    own.engine = LOWP_MATMUL_ENGINE_OWN;
    qmm_run(t, ctx, &own, label, seed, 1);
}

static struct lowp_quant_desc fmt_of(int i)
{
    static const enum lowp_format mx[] = {LOWP_FORMAT_E4M3, LOWP_FORMAT_E5M2, LOWP_FORMAT_E3M2, LOWP_FORMAT_E2M3,
                                          LOWP_FORMAT_E2M1};
    return i < 5 ? lowp_quant_desc_mx(1, 1, mx[i]) : lowp_quant_desc_nvfp4(1, 1);
}

static const char *fmt_label(int i)
{
    static const char *names[] = {"mxfp8 e4m3", "mxfp8 e5m2", "mxfp6 e3m2", "mxfp6 e2m3", "mxfp4", "nvfp4"};
    return names[i];
}

/* Each format, m and n not multiples of the 16 x 16 tile, k = 3 MX blocks
 * (6 NVFP4 blocks), C with ld padding. */
static void test_formats(struct th *t, lowp_context *ctx)
{
    for (int f = 0; f < 6; ++f) {
        struct lowp_quant_desc q = fmt_of(f);
        struct lowp_qmatmul_desc d;
        lowp_qmatmul_desc_init(&d, 37, 29, 96, &q);
        d.ldc = 31;
        qmm_check(t, ctx, &d, fmt_label(f), 100u + (uint64_t)f);
    }
}

/* alpha/beta, mixed operand formats (e4m3 x e5m2, nvfp4 x mxfp4), tiny and
 * single-tile shapes, and alpha == 0 (operands not read). */
static void test_mixed(struct th *t, lowp_context *ctx)
{
    struct lowp_quant_desc e4 = fmt_of(0), e5 = fmt_of(1), fp4 = fmt_of(4), nv = fmt_of(5);
    struct lowp_qmatmul_desc d;
    lowp_qmatmul_desc_init(&d, 20, 17, 64, &e4);
    d.b = e5, d.b.rows = 17, d.b.cols = 64, d.b.ld = 64;
    d.alpha = 0.5f, d.beta = -1.5f;
    qmm_check(t, ctx, &d, "e4m3 x e5m2, beta", 7);
    lowp_qmatmul_desc_init(&d, 16, 33, 64, &nv);
    d.b = fp4, d.b.rows = 33, d.b.cols = 64, d.b.ld = 64;
    qmm_check(t, ctx, &d, "nvfp4 x mxfp4", 8);
    lowp_qmatmul_desc_init(&d, 1, 1, 32, &e4);
    qmm_check(t, ctx, &d, "1 x 1", 9);
    lowp_qmatmul_desc_init(&d, 3, 5, 16, &nv);
    d.beta = 2.0f;
    qmm_check(t, ctx, &d, "nvfp4 one block, beta", 10);

    /* alpha == 0: NULL operands, C = beta * C */
    lowp_qmatmul_desc_init(&d, 3, 4, 32, &e4);
    d.alpha = 0.0f, d.beta = 2.0f;
    float c[12], want[12], got[12];
    for (int i = 0; i < 12; ++i)
        c[i] = (float)i - 5.5f, want[i] = 2.0f * c[i];
    lowp_buffer *bc = put(t, ctx, c, sizeof c);
    if (bc != NULL && th_ok(t, lowp_matmul_quantized(ctx, &d, NULL, NULL, NULL, NULL, NULL, NULL, bc), "alpha = 0") &&
        th_ok(t, lowp_buffer_read(bc, 0, got, sizeof got), "read"))
        th_compare_f32(t, "alpha = 0: C = beta C", got, want, 12, TH_EXACT);
    lowp_buffer_free(bc);
}

/* The four ways an operand can come in: N + ROW, T + COL, N + TILE2D,
 * T + TILE2D. */
static const lowp_matmul_trans orient_trans[4] = {LOWP_MATMUL_TRANS_N, LOWP_MATMUL_TRANS_T, LOWP_MATMUL_TRANS_N,
                                                  LOWP_MATMUL_TRANS_T};
static const enum lowp_block_layout orient_layout[4] = {LOWP_BLOCK_ROW, LOWP_BLOCK_COL, LOWP_BLOCK_TILE2D,
                                                        LOWP_BLOCK_TILE2D};
static const char *const orient_name[4] = {"N row", "T col", "N tile2d", "T tile2d"};

static void orient_check(struct th *t, lowp_context *ctx, int f, size_t m, size_t n, size_t k, int oa, int ob,
                         float alpha, float beta, size_t ldc_pad, uint64_t seed)
{
    struct lowp_quant_desc q = fmt_of(f);
    struct lowp_qmatmul_desc d;
    char label[120];
    lowp_qmatmul_desc_init(&d, m, n, k, &q);
    lowp_qmatmul_desc_orient(&d, 'a', orient_trans[oa], orient_layout[oa]);
    lowp_qmatmul_desc_orient(&d, 'b', orient_trans[ob], orient_layout[ob]);
    d.alpha = alpha, d.beta = beta, d.ldc = n + ldc_pad;
    snprintf(label, sizeof label, "%s, A %s, B %s", fmt_label(f), orient_name[oa], orient_name[ob]);
    qmm_check(t, ctx, &d, label, seed);
}

/* Every orientation/layout pair of A and B for NVFP4 (16-blocks) and MXFP4
 * (32-blocks): sizes are multiples of the block (TILE2D needs them) but not
 * of the kernels' 64 x 64 output tile; beta != 0 on half of them. */
static void test_orient(struct th *t, lowp_context *ctx)
{
    for (int oa = 0; oa < 4; ++oa)
        for (int ob = 0; ob < 4; ++ob) {
            uint64_t seed = 300u + (uint64_t)(oa * 4 + ob);
            orient_check(t, ctx, 5, 48, 80, 64, oa, ob, 1.0f, (oa + ob) % 2 ? 0.5f : 0.0f, 3, seed);
            orient_check(t, ctx, 4, 96, 32, 96, oa, ob, 1.0f, (oa + ob) % 2 ? 0.0f : -1.0f, 1, seed + 100u);
        }
}

/* The other formats in each orientation (edge sizes for N row / T col,
 * where m and n need not be multiples of the block), mixed formats, and the
 * three products of a trainer linear layer with its operands quantized as
 * src/model/model_linear.c does (x [rows][in], W [out][in], dy [rows][out]). */
static void test_orient_edges(struct th *t, lowp_context *ctx)
{
    for (int f = 0; f < 4; ++f)
        for (int o = 0; o < 4; ++o) {
            int tile = o >= 2;
            orient_check(t, ctx, f, tile ? 64 : 37, tile ? 32 : 29, 96, o, o ^ 1, 1.0f, f % 2 ? 2.0f : 0.0f, 2,
                         400u + (uint64_t)(f * 4 + o));
        }
    orient_check(t, ctx, 0, 1, 1, 32, 1, 1, 1.0f, 0.0f, 0, 420); /* 1 x 1, k-major both */
    orient_check(t, ctx, 5, 16, 16, 16, 3, 2, 0.25f, 0.0f, 0, 421); /* one tile each */

    /* mxfp8 recipe: forward e4m3 x e4m3 (NN row), dgrad e5m2 dy x e4m3 W^T
     * (W COL, T), wgrad e5m2 dy^T x e4m3 x (both COL, T) */
    const size_t rows = 64, in = 96, out = 32;
    struct lowp_quant_desc e4 = fmt_of(0), e5 = fmt_of(1), nv = fmt_of(5);
    struct lowp_qmatmul_desc d;
    lowp_qmatmul_desc_init(&d, rows, out, in, &e4);
    qmm_check(t, ctx, &d, "mxfp8 forward y = x W^T", 430);
    lowp_qmatmul_desc_init(&d, rows, in, out, &e5);
    d.b = e4, lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
    d.beta = 1.0f;
    qmm_check(t, ctx, &d, "mxfp8 dgrad dx += dy W", 431);
    lowp_qmatmul_desc_init(&d, out, in, rows, &e5);
    lowp_qmatmul_desc_orient(&d, 'a', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
    d.b = e4, lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
    d.beta = 1.0f, d.offset_c = 77;
    qmm_check(t, ctx, &d, "mxfp8 wgrad dW += dy^T x, C at offset 77", 432);
    /* nvfp4 recipe: W in 16 x 16 tiles for forward and dgrad */
    lowp_qmatmul_desc_init(&d, rows, out, in, &nv);
    lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_N, LOWP_BLOCK_TILE2D);
    qmm_check(t, ctx, &d, "nvfp4 forward y = x W^T, W tile2d", 433);
    lowp_qmatmul_desc_init(&d, rows, in, out, &nv);
    lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_TILE2D);
    d.offset_c = 5;
    qmm_check(t, ctx, &d, "nvfp4 dgrad dx = dy W, W tile2d, C at offset 5", 434);
}

/* The fp32 engines: AUTO (on the cpu device OpenBLAS on dequantized
 * operands when built in), BLAS on the cpu device, CLBLAST on OpenCL
 * devices - within the bound, on the trainer's three nvfp4 products and an
 * mxfp8 product with beta. An engine this build lacks must say so. */
static void test_engines(struct th *t, lowp_context *ctx)
{
    struct lowp_device_info info;
    if (!th_ok(t, lowp_context_get_info(ctx, &info), "info"))
        return;
    const int opencl = info.backend == LOWP_BACKEND_OPENCL;
    const lowp_matmul_engine engines[3] = {LOWP_MATMUL_ENGINE_AUTO,
                                           opencl ? LOWP_MATMUL_ENGINE_CLBLAST : LOWP_MATMUL_ENGINE_BLAS,
                                           LOWP_MATMUL_ENGINE_OWN};
    const char *names[3] = {"AUTO", opencl ? "CLBLAST" : "BLAS", "OWN"};
    struct lowp_quant_desc nv = fmt_of(5), e4 = fmt_of(0);
    for (int e = 0; e < 3; ++e) {
        char label[120];
        struct lowp_qmatmul_desc d;
        lowp_qmatmul_desc_init(&d, 64, 48, 96, &nv); /* forward, W tile2d */
        lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_N, LOWP_BLOCK_TILE2D);
        d.engine = engines[e];
        /* probe availability on a 1 x 1 x 32 product of zero codes */
        if (e == 1) {
            static const uint8_t zeros[32];
            lowp_buffer *codes = put(t, ctx, zeros, sizeof zeros), *c = put(t, ctx, zeros, 4);
            struct lowp_qmatmul_desc z;
            lowp_qmatmul_desc_init(&z, 1, 1, 32, &e4);
            z.engine = engines[e];
            lowp_status s = codes && c ? lowp_matmul_quantized(ctx, &z, codes, codes, NULL, codes, codes, NULL, c)
                                       : LOWP_ERR_OUT_OF_MEMORY;
            lowp_buffer_free(codes), lowp_buffer_free(c);
            if (s == LOWP_ERR_UNSUPPORTED) {
                th_check(t, strstr(lowp_last_error(), names[e]) != NULL, "engine %s unavailable: %s", names[e],
                         lowp_last_error());
                continue;
            }
            if (!th_ok(t, s, "engine probe"))
                return;
        }
        snprintf(label, sizeof label, "engine %s: nvfp4 forward", names[e]);
        qmm_run(t, ctx, &d, label, 500, e == 2);
        lowp_qmatmul_desc_init(&d, 64, 96, 48, &nv); /* dgrad, W^T tile2d, accumulate */
        lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_TILE2D);
        d.engine = engines[e], d.beta = 1.0f, d.offset_c = 3;
        snprintf(label, sizeof label, "engine %s: nvfp4 dgrad", names[e]);
        qmm_run(t, ctx, &d, label, 501, e == 2);
        lowp_qmatmul_desc_init(&d, 48, 96, 64, &nv); /* wgrad, both T col */
        lowp_qmatmul_desc_orient(&d, 'a', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
        lowp_qmatmul_desc_orient(&d, 'b', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
        d.engine = engines[e], d.beta = 1.0f;
        snprintf(label, sizeof label, "engine %s: nvfp4 wgrad", names[e]);
        qmm_run(t, ctx, &d, label, 502, e == 2);
        lowp_qmatmul_desc_init(&d, 37, 29, 96, &e4);
        d.engine = engines[e], d.alpha = -0.5f, d.beta = 2.0f, d.ldc = 31;
        snprintf(label, sizeof label, "engine %s: mxfp8, alpha, beta, ldc", names[e]);
        qmm_run(t, ctx, &d, label, 503, e == 2);
    }
}

static void expect(struct th *t, lowp_status got, lowp_status want, const char *needle, const char *what)
{
    const char *msg = lowp_last_error();
    th_check(t, got == want && (needle == NULL || strstr(msg, needle) != NULL), "%s: got %s (%s), want %s%s%s", what,
             lowp_status_name(got), msg, lowp_status_name(want), needle ? " mentioning " : "", needle ? needle : "");
}

static void test_bad_shapes(struct th *t, lowp_context *ctx)
{
    lowp_buffer *codes = NULL, *scales = NULL, *ts = NULL, *c = NULL;
    if (!th_ok(t, lowp_buffer_alloc(ctx, 8 * 64, &codes), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 16, &scales), "alloc") || !th_ok(t, lowp_buffer_alloc(ctx, 4, &ts), "alloc") ||
        !th_ok(t, lowp_buffer_alloc(ctx, 128 * 4, &c), "alloc")) {
        lowp_buffer_free(codes), lowp_buffer_free(scales), lowp_buffer_free(ts), lowp_buffer_free(c);
        return;
    }
    struct lowp_quant_desc e4 = fmt_of(0), nv = fmt_of(5);
    struct lowp_qmatmul_desc d, x; /* 8 x 8 x 64 e4m3: 512 code bytes, 16 scales */
    lowp_qmatmul_desc_init(&d, 8, 8, 64, &e4);
    th_ok(t, lowp_matmul_quantized(ctx, &d, codes, scales, NULL, codes, scales, NULL, c), "valid 8 x 8 x 64");
    expect(t, lowp_matmul_quantized(NULL, &d, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG, "ctx",
           "NULL context");
    expect(t, lowp_matmul_quantized(ctx, NULL, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "desc", "NULL descriptor");
    lowp_qmatmul_desc_init(&x, 8, 8, 48, &e4);
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "multiple of the block", "k = 48 with blocks of 32");
    x = d, x.a.rows = 9;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "9 x 64", "A descriptor rows != m");
    x = d, x.b.layout = LOWP_BLOCK_COL;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_UNSUPPORTED, "ROW",
           "COL layout");
    x = d, lowp_qmatmul_desc_orient(&x, 'a', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_ROW);
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_UNSUPPORTED,
           "not k", "ROW layout with trans_a T");
    x = d, x.trans_b = LOWP_MATMUL_TRANS_T; /* b still described n x k */
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "k x n", "trans_b T with an n x k descriptor");
    x = d, x.trans_a = (lowp_matmul_trans)7;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "trans_a", "trans_a out of range");
    x = d, x.a.layout = (enum lowp_block_layout)9;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "layout", "unknown layout");
    lowp_qmatmul_desc_init(&x, 8, 8, 64, &e4); /* TILE2D of 32 needs m % 32 == 0 */
    lowp_qmatmul_desc_orient(&x, 'a', LOWP_MATMUL_TRANS_N, LOWP_BLOCK_TILE2D);
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "TILE2D", "TILE2D with m not a multiple of the block");
    lowp_qmatmul_desc_init(&x, 8, 8, 64, &e4); /* T + COL: same bytes as N + ROW */
    lowp_qmatmul_desc_orient(&x, 'a', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
    lowp_qmatmul_desc_orient(&x, 'b', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_COL);
    th_ok(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), "valid T col x T col");
    lowp_qmatmul_desc_init(&x, 0, 16, 16, &nv); /* m = 0 with TILE2D k-major A: no-op */
    lowp_qmatmul_desc_orient(&x, 'a', LOWP_MATMUL_TRANS_T, LOWP_BLOCK_TILE2D);
    th_ok(t, lowp_matmul_quantized(ctx, &x, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "m = 0, A T tile2d: no-op");
    x = d, x.offset_c = 65; /* 8 x 8 C at 65 needs 129 floats, c holds 128 */
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG, "'c'",
           "offset_c past the end of C");
    x = d, x.ldc = 7;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG, "ldc",
           "ldc < n");
    lowp_qmatmul_desc_init(&x, 8, 9, 64, &e4); /* B needs 576 code bytes */
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "'b_codes'", "B codes too short");
    lowp_qmatmul_desc_init(&x, 8, 8, 128, &nv); /* nvfp4: 512 bytes of codes, 64 scales > 16 */
    expect(t, lowp_matmul_quantized(ctx, &x, codes, codes, ts, codes, scales, ts, c), LOWP_ERR_INVALID_ARG,
           "'b_scales'", "B scales too short");
    lowp_qmatmul_desc_init(&x, 2, 2, 16, &nv);
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, ts, c), LOWP_ERR_INVALID_ARG,
           "'a_tensor_scale'", "nvfp4 without a tensor scale");
    expect(t, lowp_matmul_quantized(ctx, &d, codes, scales, NULL, c, scales, NULL, c), LOWP_ERR_INVALID_ARG, "share",
           "C is an operand buffer");
    x = d, x.a.elem_format = LOWP_FORMAT_BF16;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_UNSUPPORTED, "bf16",
           "bf16 is not a block element format");
    lowp_qmatmul_desc_init(&x, 0, 8, 64, &e4);
    th_ok(t, lowp_matmul_quantized(ctx, &x, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "m = 0 is a no-op");
    x = d, x.engine = (lowp_matmul_engine)9;
    expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_INVALID_ARG,
           "engine", "engine out of range");
    struct lowp_device_info info;
    if (th_ok(t, lowp_context_get_info(ctx, &info), "info")) {
        int opencl = info.backend == LOWP_BACKEND_OPENCL;
        x = d, x.engine = opencl ? LOWP_MATMUL_ENGINE_BLAS : LOWP_MATMUL_ENGINE_CLBLAST;
        expect(t, lowp_matmul_quantized(ctx, &x, codes, scales, NULL, codes, scales, NULL, c), LOWP_ERR_UNSUPPORTED,
               opencl ? "BLAS" : "CLBLAST", "engine of another backend");
    }
    lowp_buffer_free(codes), lowp_buffer_free(scales), lowp_buffer_free(ts), lowp_buffer_free(c);
}

const struct th_case th_qmatmul_cases[] = {
    {"qmatmul_formats", test_formats, 1},
    {"qmatmul_mixed", test_mixed, 1},
    {"qmatmul_orient", test_orient, 1},
    {"qmatmul_orient_edges", test_orient_edges, 1},
    {"qmatmul_engines", test_engines, 0},
    {"qmatmul_bad_shapes", test_bad_shapes, 0},
};
const size_t th_qmatmul_case_count = sizeof th_qmatmul_cases / sizeof th_qmatmul_cases[0];
