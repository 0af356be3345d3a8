/* bench_matmul.c — TFLOP/s of lowp_matmul, own engine and its peer side by
 * side on every device: OWN vs CLBLAST on OpenCL devices, OWN vs BLAS
 * (OpenBLAS) on the cpu device.
 *
 * Problems:
 *   square n^3 (NN), n = 256, 512, 1024 on CPU-kind devices; up to 4096 on
 *   GPUs and accelerators, as far as 3 n^2 floats fit in a quarter of the
 *   device memory (and one matrix in the largest allocation);
 *   the linear layers of a 10M-parameter GPT (d_model 384, QKV 1152, B*T
 *   tokens, weights stored out x in as in PyTorch):
 *     fwd   Y  = X W^T     M = B*T, N = 1152, K = 384   (NT)
 *     dX    dX = dY W      M = B*T, N = 384,  K = 1152  (NN)
 *     dW    dW = dY^T X    M = 1152, N = 384, K = B*T   (TN)
 *   with B*T = 8192 on GPUs and 1024 (scaled down 8x) on CPU-kind devices.
 * Quantized operands: "q FORMAT fwd ENGINE ..." rows (bench_quantized below).
 * Variants read "ENGINE SHAPE", ENGINE = own, clblast (CLBlast) or blas
 * (OpenBLAS cblas_sgemm).
 *
 * Slow devices: after the first measurement of an engine, a case whose
 * predicted time per run exceeds MAX_RUN_SECONDS is left out (stderr says
 * so), so `lowp bench --all` stays short on rusticl/llvmpipe. An optional
 * peer that is missing from the build or fails on the device is reported on
 * stderr and left out; the own engine's rows are kept. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define MAX_RUN_SECONDS 1.0

struct mm_args {
    struct lowp_matmul_desc d;
    lowp_buffer *a, *b, *c;
};

static lowp_status run_matmul(lowp_context *ctx, void *v)
{
    struct mm_args *a = v;
    return lowp_matmul(ctx, &a->d, a->a, a->b, a->c);
}

struct mm_shape {
    size_t m, n, k;
    int ta, tb;
    const char *label; /* "" for squares */
};

static lowp_status alloc_filled(lowp_context *ctx, size_t n, float value, lowp_buffer **out)
{
    lowp_status s = lowp_buffer_alloc(ctx, n * sizeof(float), out);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, *out, 0, n, value);
    return s;
}

struct mm_engine {
    lowp_matmul_engine engine;
    const char *name;
    double flops_per_s; /* last measured rate, for the time prediction */
    int off;            /* failed or missing: skip the rest */
};

static lowp_status bench_shape(lowp_context *ctx, const struct lowp_device_info *info,
                               const struct lowp_bench_params *p, const struct mm_shape *sh, struct mm_engine *eng,
                               size_t neng, struct lowp_bench_result *out, size_t *count)
{
    struct mm_args a = {0};
    lowp_matmul_desc_init(&a.d, sh->m, sh->n, sh->k);
    a.d.trans_a = sh->ta ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    a.d.trans_b = sh->tb ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    a.d.lda = sh->ta ? sh->m : sh->k;
    a.d.ldb = sh->tb ? sh->k : sh->n;
    double flops = 2.0 * (double)sh->m * (double)sh->n * (double)sh->k;
    lowp_status s = alloc_filled(ctx, sh->m * sh->k, 0.5f, &a.a);
    if (s == LOWP_OK)
        s = alloc_filled(ctx, sh->k * sh->n, 0.25f, &a.b);
    if (s == LOWP_OK)
        s = alloc_filled(ctx, sh->m * sh->n, 0.0f, &a.c);
    for (size_t e = 0; e < neng && s == LOWP_OK && *count < LOWP_BENCH_MAX_RESULTS; ++e) {
        if (eng[e].off)
            continue;
        if (eng[e].flops_per_s > 0 && flops / eng[e].flops_per_s > MAX_RUN_SECONDS) {
            fprintf(stderr, "lowp bench: %s: matmul %s %zux%zux%zu left out (about %.1f s per run)\n", info->id,
                    eng[e].name, sh->m, sh->n, sh->k, flops / eng[e].flops_per_s);
            continue;
        }
        a.d.engine = eng[e].engine;
        struct lowp_bench_result *r = &out[*count];
        memset(r, 0, sizeof *r);
        snprintf(r->op, sizeof r->op, "matmul");
        if (sh->label[0] == '\0')
            snprintf(r->variant, sizeof r->variant, "%s %zu^3", eng[e].name, sh->m);
        else
            snprintf(r->variant, sizeof r->variant, "%s %s %zux%zux%zu %c%c", eng[e].name, sh->label, sh->m, sh->n,
                     sh->k, sh->ta ? 'T' : 'N', sh->tb ? 'T' : 'N');
        r->elements = (double)sh->m * (double)sh->n;
        r->flops = flops;
        lowp_status es = lowp_bench_time(ctx, p, run_matmul, &a, r);
        if (es == LOWP_OK) {
            eng[e].flops_per_s = flops / r->seconds;
            *count += 1;
        } else if (e > 0 && (es == LOWP_ERR_UNSUPPORTED || es == LOWP_ERR_DEVICE)) {
            /* the peer is optional: say why it is missing, keep going */
            fprintf(stderr, "lowp bench: %s: matmul engine %s left out: %s: %s\n", info->id, eng[e].name,
                    lowp_status_name(es), lowp_last_error());
            eng[e].off = 1;
        } else {
            s = es;
        }
    }
    lowp_buffer_free(a.a);
    lowp_buffer_free(a.b);
    lowp_buffer_free(a.c);
    return s;
}

/* ---- quantized operands (lowp_matmul_quantized) ----
 * The fwd shape Y = X W^T with X and W block-quantized on the device first
 * (lowp_quantize, ROW along k). Rows "q FORMAT fwd ENGINE MxNxK" (NT), ENGINE
 * own (the device's quantized kernel) or the fp32 peer on dequantized
 * operands (blas on the cpu device, clblast on OpenCL); bytes = packed
 * codes + scales of both operands + C written (the fp32 "own fwd" row moves
 * 4(MK + NK) + 4MN). The NVFP4 trainer's 16x16-tile weight adds two rows:
 * "q nvfp4 2d fwd" (B TILE2D, read k-inner) and "q nvfp4 2d dX" (B
 * TILE2D stored k x n, read k-outer: the dgrad product dx = dy W). The wgrad
 * orientation (both operands COL, k-major) reads the same bytes as fwd. */
struct qmm_args {
    struct lowp_qmatmul_desc d;
    lowp_buffer *ac, *as, *at, *bc, *bs, *bt, *c;
};

static lowp_status run_qmatmul(lowp_context *ctx, void *v)
{
    struct qmm_args *a = v;
    return lowp_matmul_quantized(ctx, &a->d, a->ac, a->as, a->at, a->bc, a->bs, a->bt, a->c);
}

/* Quantize a rows x k fp32 matrix of `value` into new code/scale/ts buffers. */
static lowp_status quantized_operand(lowp_context *ctx, const struct lowp_quant_desc *q, float value,
                                     lowp_buffer **codes, lowp_buffer **scales, lowp_buffer **ts)
{
    size_t cb = 0, sb = 0;
    lowp_buffer *x = NULL;
    lowp_status s = lowp_quant_sizes(q, &cb, &sb);
    if (s == LOWP_OK)
        s = alloc_filled(ctx, q->rows * q->cols, value, &x);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, cb, codes);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, sb, scales);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, sizeof(float), ts);
    if (s == LOWP_OK)
        s = lowp_quantize(ctx, q, x, 0, *codes, 0, *scales, 0, *ts, 0, NULL);
    lowp_buffer_free(x);
    return s;
}

static lowp_status bench_quantized(lowp_context *ctx, const struct lowp_device_info *info,
                                   const struct lowp_bench_params *p, size_t m, size_t n, size_t k,
                                   double own_rate, struct lowp_bench_result *out, size_t *count)
{
    static const struct {
        const char *name;
        int nv;
        enum lowp_format elem;
        lowp_matmul_trans b_trans;
        enum lowp_block_layout b_layout;
        const char *product;
    } fmts[] = {{"mx-e4m3", 0, LOWP_FORMAT_E4M3, LOWP_MATMUL_TRANS_N, LOWP_BLOCK_ROW, "fwd"},
                {"mx-e3m2", 0, LOWP_FORMAT_E3M2, LOWP_MATMUL_TRANS_N, LOWP_BLOCK_ROW, "fwd"},
                {"mxfp4", 0, LOWP_FORMAT_E2M1, LOWP_MATMUL_TRANS_N, LOWP_BLOCK_ROW, "fwd"},
                {"nvfp4", 1, LOWP_FORMAT_E2M1, LOWP_MATMUL_TRANS_N, LOWP_BLOCK_ROW, "fwd"},
                {"nvfp4 2d", 1, LOWP_FORMAT_E2M1, LOWP_MATMUL_TRANS_N, LOWP_BLOCK_TILE2D, "fwd"},
                {"nvfp4 2d", 1, LOWP_FORMAT_E2M1, LOWP_MATMUL_TRANS_T, LOWP_BLOCK_TILE2D, "dX"}};
    /* first prediction: a quarter of the fp32 own engine's last rate (the
     * decode costs ~4x on CPU OpenCL drivers), so slow devices skip early */
    double flops = 2.0 * (double)m * (double)n * (double)k, rate = own_rate / 4.0;
    /* each format with the own kernel (decode in the GEMM) and with the
     * device's fp32 peer on dequantized operands (OpenBLAS / CLBlast) */
    const int opencl = info->backend == LOWP_BACKEND_OPENCL;
    const lowp_matmul_engine engines[2] = {LOWP_MATMUL_ENGINE_OWN,
                                           opencl ? LOWP_MATMUL_ENGINE_CLBLAST : LOWP_MATMUL_ENGINE_BLAS};
    const char *engine_names[2] = {"own", opencl ? "clblast" : "blas"};
    lowp_status s = LOWP_OK;
    for (size_t fe = 0; fe < 2 * (sizeof fmts / sizeof fmts[0]) && s == LOWP_OK && *count < LOWP_BENCH_MAX_RESULTS;
         ++fe) {
        const size_t f = fe / 2, e = fe % 2;
        if (rate > 0 && flops / rate > MAX_RUN_SECONDS) {
            fprintf(stderr, "lowp bench: %s: matmul q %s %s left out (about %.1f s per run)\n", info->id,
                    fmts[f].name, engine_names[e], flops / rate);
            continue;
        }
        struct lowp_quant_desc q = fmts[f].nv ? lowp_quant_desc_nvfp4(1, 1) : lowp_quant_desc_mx(1, 1, fmts[f].elem);
        struct qmm_args a = {0};
        lowp_qmatmul_desc_init(&a.d, m, n, k, &q);
        lowp_qmatmul_desc_orient(&a.d, 'b', fmts[f].b_trans, fmts[f].b_layout);
        a.d.engine = engines[e];
        s = quantized_operand(ctx, &a.d.a, 0.5f, &a.ac, &a.as, &a.at);
        if (s == LOWP_OK)
            s = quantized_operand(ctx, &a.d.b, 0.25f, &a.bc, &a.bs, &a.bt);
        if (s == LOWP_OK)
            s = alloc_filled(ctx, m * n, 0.0f, &a.c);
        if (s == LOWP_OK) {
            struct lowp_bench_result *r = &out[*count];
            memset(r, 0, sizeof *r);
            snprintf(r->op, sizeof r->op, "matmul");
            snprintf(r->variant, sizeof r->variant, "q %s %s %s %zux%zux%zu", fmts[f].name, fmts[f].product,
                     engine_names[e], m, n, k);
            r->elements = (double)m * (double)n;
            r->flops = flops;
            size_t acb = 0, asb = 0, bcb = 0, bsb = 0;
            s = lowp_qmatmul_desc_sizes(&a.d, &acb, &asb, &bcb, &bsb, NULL);
            r->bytes = (double)(acb + asb + bcb + bsb) + 4.0 * (double)m * (double)n;
            if (s == LOWP_OK)
                s = lowp_bench_time(ctx, p, run_qmatmul, &a, r);
            if (s == LOWP_OK) {
                if (e == 0)
                    rate = flops / r->seconds;
                *count += 1;
            } else if (e == 1) { /* a missing or failing peer is left out, not fatal */
                fprintf(stderr, "lowp bench: %s: matmul q %s %s left out: %s\n", info->id, fmts[f].name,
                        engine_names[e], lowp_last_error());
                s = LOWP_OK;
            }
        }
        lowp_buffer_free(a.ac), lowp_buffer_free(a.as), lowp_buffer_free(a.at), lowp_buffer_free(a.bc);
        lowp_buffer_free(a.bs), lowp_buffer_free(a.bt), lowp_buffer_free(a.c);
    }
    return s;
}

lowp_status lowp_bench_matmul(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                              size_t *count)
{
    struct lowp_device_info info;
    lowp_status s = lowp_context_get_info(ctx, &info);
    if (s != LOWP_OK)
        return s;
    int opencl = info.backend == LOWP_BACKEND_OPENCL;
    int big = info.kind == LOWP_DEVICE_KIND_GPU || info.kind == LOWP_DEVICE_KIND_ACCELERATOR;
    struct mm_engine eng[2] = {
        {LOWP_MATMUL_ENGINE_OWN, "own", 0.0, 0},
        {opencl ? LOWP_MATMUL_ENGINE_CLBLAST : LOWP_MATMUL_ENGINE_BLAS, opencl ? "clblast" : "blas", 0.0, 0},
    };
    struct mm_shape shapes[12];
    size_t ns = 0;
    static const size_t squares[] = {256, 512, 1024, 2048, 4096};
    for (size_t i = 0; i < sizeof squares / sizeof squares[0]; ++i) {
        double n = (double)squares[i];
        if (!big && squares[i] > 1024)
            break;
        if ((info.global_mem_bytes > 0 && 3.0 * n * n * 4.0 > (double)info.global_mem_bytes / 4.0) ||
            (info.max_alloc_bytes > 0 && n * n * 4.0 > (double)info.max_alloc_bytes))
            break;
        shapes[ns++] = (struct mm_shape){squares[i], squares[i], squares[i], 0, 0, ""};
    }
    size_t bt = big ? 8192 : 1024;
    shapes[ns++] = (struct mm_shape){bt, 1152, 384, 0, 1, "fwd"};
    shapes[ns++] = (struct mm_shape){bt, 384, 1152, 0, 0, "dX"};
    shapes[ns++] = (struct mm_shape){1152, 384, bt, 1, 0, "dW"};
    for (size_t i = 0; i < ns && s == LOWP_OK; ++i)
        s = bench_shape(ctx, &info, p, &shapes[i], eng, 2, out, count);
    if (s == LOWP_OK)
        s = bench_quantized(ctx, &info, p, bt, 1152, 384, eng[0].flops_per_s, out, count);
    return s;
}
