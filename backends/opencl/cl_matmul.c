/* cl_matmul.c — lowp_matmul on OpenCL devices.
 *
 * Engines:
 *   OWN      kernels/matmul.cl: lowp_matmul_tiled with the parameters of the
 *            table in src/matmul/matmul_params.c (validated against the
 *            device limits; the generic GPU row, then the simple kernel, when
 *            a row does not fit), lowp_matmul_simple for tiny problems. Both
 *            kernels come from one program (one -D set) per context, and give
 *            bits identical to lowp_ref_matmul_f32seq.
 *   CLBLAST  CLBlastSgemm / CLBlastSgemmStridedBatched (row-major) on the
 *            context's queue. Problems without a product (alpha == 0 or
 *            k == 0) run the own kernel, so the BLAS conventions of
 *            lowp/matmul.h hold whatever CLBlast does with them.
 *   AUTO     CLBLAST when the table row says CLBlast is faster and this
 *            build has it, else OWN.
 *
 * Per-context state: struct lowp_cl_context gained one pointer (`matmul`),
 * created here on first use and freed by cl_context_close through
 * lowp_cl_matmul_release. */
#include "cl_matmul.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_impl.h"
#include "matmul/qmatmul_internal.h"

#ifdef LOWP_HAVE_CLBLAST
#include <clblast_c.h>
#endif

struct lowp_cl_matmul_state {
    struct lowp_matmul_cl_params params; /* tiled parameters in use */
    char defines[256];                   /* their -D string: the program's options */
    char row[160];                       /* table row they came from */
    unsigned clblast_faster;
    int tiled_usable; /* 0: no tiled set fits this device; simple kernel only */
};

lowp_status lowp_cl_matmul_limits(struct lowp_context *ctx, size_t *max_wg, size_t max_item[2], uint64_t *local_mem)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    size_t items[3] = {0, 0, 0};
    cl_uint dims = 0;
    LOWP_CL_CALL(clGetDeviceInfo(cl->device, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, sizeof dims, &dims, NULL));
    if (dims >= 3)
        LOWP_CL_CALL(clGetDeviceInfo(cl->device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof items, items, NULL));
    if (max_wg)
        *max_wg = ctx->device.info.max_work_group_size;
    if (max_item) {
        max_item[0] = items[0];
        max_item[1] = items[1];
    }
    if (local_mem)
        *local_mem = ctx->device.info.local_mem_bytes;
    return LOWP_OK;
}

static lowp_status state_get(struct lowp_context *ctx, struct lowp_cl_matmul_state **out)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    if (cl->matmul != NULL) {
        *out = cl->matmul;
        return LOWP_OK;
    }
    struct lowp_cl_matmul_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_matmul: out of host memory");
    const struct lowp_device_info *info = &ctx->device.info;
    const char *matched = "";
    lowp_matmul_cl_params_lookup_ex(info->platform, info->vendor, info->name, info->kind == LOWP_DEVICE_KIND_CPU,
                                    &st->params, &matched, &st->clblast_faster);
    snprintf(st->row, sizeof st->row, "%s", matched);
    size_t max_wg = 0, max_item[2] = {0, 0};
    uint64_t local_mem = 0;
    lowp_status s = lowp_cl_matmul_limits(ctx, &max_wg, max_item, &local_mem);
    if (s != LOWP_OK) {
        free(st);
        return s;
    }
    st->tiled_usable = lowp_matmul_cl_params_validate(&st->params, max_wg, max_item, local_mem) == LOWP_OK;
    if (!st->tiled_usable) {
        /* The row asks for more than the device has: the generic GPU row
         * (64 items, 4.3 KiB of local memory) fits almost everything. */
        lowp_matmul_cl_params_lookup(NULL, NULL, NULL, 0, &st->params, NULL);
        st->tiled_usable = lowp_matmul_cl_params_validate(&st->params, max_wg, max_item, local_mem) == LOWP_OK;
        snprintf(st->row, sizeof st->row, "%s -> generic-gpu", matched);
        lowp_clear_error();
    }
    if (!st->tiled_usable) /* simple kernel only: keep its program buildable */
        st->params.relax_wgs = 1;
    s = lowp_matmul_cl_params_defines(&st->params, st->defines, sizeof st->defines);
    if (s != LOWP_OK) {
        free(st);
        return s;
    }
    cl->matmul = st;
    *out = st;
    return LOWP_OK;
}

void lowp_cl_matmul_release(struct lowp_cl_context *cl)
{
    free(cl->matmul);
    cl->matmul = NULL;
}

lowp_status lowp_cl_matmul_config(struct lowp_context *ctx, struct lowp_matmul_cl_params *params, const char **row,
                                  int *tiled_usable, unsigned *clblast_faster)
{
    struct lowp_cl_matmul_state *st = NULL;
    LOWP_TRY(state_get(ctx, &st));
    if (params)
        *params = st->params;
    if (row)
        *row = st->row;
    if (tiled_usable)
        *tiled_usable = st->tiled_usable;
    if (clblast_faster)
        *clblast_faster = st->clblast_faster;
    return LOWP_OK;
}

int lowp_cl_matmul_has_clblast(void)
{
#ifdef LOWP_HAVE_CLBLAST
    return 1;
#else
    return 0;
#endif
}

/* Arguments 0..18 of both kernels (kernels/matmul.cl). Operands that are
 * not read (no product) get C's buffer as a stand-in: never dereferenced. */
static lowp_status set_args(cl_kernel k, const struct lowp_matmul_desc *d, const struct lowp_buffer *a,
                            const struct lowp_buffer *b, struct lowp_buffer *c)
{
    cl_ulong m = d->m, n = d->n, kk = d->k;
    cl_int ta = d->trans_a == LOWP_MATMUL_TRANS_T, tb = d->trans_b == LOWP_MATMUL_TRANS_T;
    cl_mem cm = (cl_mem)c->handle;
    cl_mem am = a ? (cl_mem)a->handle : cm, bm = b ? (cl_mem)b->handle : cm;
    cl_ulong ao = d->offset_a, lda = d->lda, sa = d->stride_a;
    cl_ulong bo = d->offset_b, ldb = d->ldb, sb = d->stride_b;
    cl_ulong co = d->offset_c, ldc = d->ldc, sc = d->stride_c;
    float alpha = d->alpha, beta = d->beta;
    LOWP_CL_ARG(k, 0, m);
    LOWP_CL_ARG(k, 1, n);
    LOWP_CL_ARG(k, 2, kk);
    LOWP_CL_ARG(k, 3, alpha);
    LOWP_CL_ARG(k, 4, beta);
    LOWP_CL_ARG(k, 5, ta);
    LOWP_CL_ARG(k, 6, tb);
    LOWP_CL_ARG(k, 7, am);
    LOWP_CL_ARG(k, 8, ao);
    LOWP_CL_ARG(k, 9, lda);
    LOWP_CL_ARG(k, 10, sa);
    LOWP_CL_ARG(k, 11, bm);
    LOWP_CL_ARG(k, 12, bo);
    LOWP_CL_ARG(k, 13, ldb);
    LOWP_CL_ARG(k, 14, sb);
    LOWP_CL_ARG(k, 15, cm);
    LOWP_CL_ARG(k, 16, co);
    LOWP_CL_ARG(k, 17, ldc);
    LOWP_CL_ARG(k, 18, sc);
    return LOWP_OK;
}

static size_t round_up(size_t x, size_t step)
{
    return (x + step - 1) / step * step;
}

static lowp_status launch_simple(struct lowp_context *ctx, const char *defines, const struct lowp_matmul_desc *d,
                                 const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "matmul", defines, "lowp_matmul_simple", &k));
    LOWP_TRY(set_args(k, d, a, b, c));
    /* Any local size works (out-of-range items return): 8 x 8 by default,
     * or $LOWP_OPENCL_WG_SIZE items (the test matrix forces 1 and 64). */
    size_t items = lowp_cl_local_size(ctx, k, 64, 256);
    size_t lx = items < 8 ? items : 8, ly = items / lx;
    size_t local[3] = {lx, ly, 1};
    size_t global[3] = {round_up(d->n, lx), round_up(d->m, ly), d->batch};
    LOWP_CL_CALL(clEnqueueNDRangeKernel(lowp_cl_impl(ctx)->queue, k, 3, NULL, global, local, 0, NULL, NULL));
    return LOWP_OK;
}

static lowp_status launch_tiled(struct lowp_context *ctx, const struct lowp_matmul_cl_params *p, const char *defines,
                                const struct lowp_matmul_desc *d, const struct lowp_buffer *a,
                                const struct lowp_buffer *b, struct lowp_buffer *c, int *too_big)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "matmul", defines, "lowp_matmul_tiled", &k));
    size_t global[3], local[3];
    lowp_matmul_cl_tiled_range(p, d, global, local);
    size_t kernel_max = 0;
    LOWP_CL_CALL(clGetKernelWorkGroupInfo(k, lowp_cl_impl(ctx)->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max,
                                          &kernel_max, NULL));
    if (local[0] * local[1] > kernel_max) { /* register pressure: the compiled kernel allows fewer items */
        *too_big = 1;
        return lowp_error(LOWP_ERR_UNSUPPORTED,
                          "lowp_matmul: lowp_matmul_tiled (%s) allows %zu work-items per group, the tile needs %zu",
                          defines, kernel_max, local[0] * local[1]);
    }
    LOWP_TRY(set_args(k, d, a, b, c));
    LOWP_CL_CALL(clEnqueueNDRangeKernel(lowp_cl_impl(ctx)->queue, k, 3, NULL, global, local, 0, NULL, NULL));
    return LOWP_OK;
}

static lowp_status run_own(struct lowp_context *ctx, const struct lowp_matmul_desc *d, const struct lowp_buffer *a,
                           const struct lowp_buffer *b, struct lowp_buffer *c)
{
    struct lowp_cl_matmul_state *st = NULL;
    LOWP_TRY(state_get(ctx, &st));
    if (!st->tiled_usable || lowp_matmul_cl_prefer_simple(d))
        return launch_simple(ctx, st->defines, d, a, b, c);
    int too_big = 0;
    lowp_status s = launch_tiled(ctx, &st->params, st->defines, d, a, b, c, &too_big);
    if (s != LOWP_OK && too_big) {
        /* Remember, and serve this and later calls with the simple kernel
         * (same bits). */
        st->tiled_usable = 0;
        lowp_clear_error();
        return launch_simple(ctx, st->defines, d, a, b, c);
    }
    return s;
}

lowp_status lowp_cl_matmul_run_params(struct lowp_context *ctx, const struct lowp_matmul_desc *desc,
                                      const struct lowp_matmul_cl_params *params, int simple,
                                      const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    LOWP_CHECK_NOT_NULL(params);
    LOWP_CHECK_NOT_NULL(c);
    char defines[256];
    LOWP_TRY(lowp_matmul_cl_params_defines(params, defines, sizeof defines));
    if (desc->m == 0 || desc->n == 0 || desc->batch == 0)
        return LOWP_OK;
    if (simple)
        return launch_simple(ctx, defines, desc, a, b, c);
    int too_big = 0;
    return launch_tiled(ctx, params, defines, desc, a, b, c, &too_big);
}

#ifdef LOWP_HAVE_CLBLAST
static const char *clblast_status_name(CLBlastStatusCode s)
{
    switch (s) {
    case CLBlastNotImplemented: return "CLBlastNotImplemented";
    case CLBlastInvalidMatrixA: return "CLBlastInvalidMatrixA";
    case CLBlastInvalidMatrixB: return "CLBlastInvalidMatrixB";
    case CLBlastInvalidMatrixC: return "CLBlastInvalidMatrixC";
    case CLBlastInvalidDimension: return "CLBlastInvalidDimension";
    case CLBlastInvalidLeadDimA: return "CLBlastInvalidLeadDimA";
    case CLBlastInvalidLeadDimB: return "CLBlastInvalidLeadDimB";
    case CLBlastInvalidLeadDimC: return "CLBlastInvalidLeadDimC";
    case CLBlastInsufficientMemoryA: return "CLBlastInsufficientMemoryA";
    case CLBlastInsufficientMemoryB: return "CLBlastInsufficientMemoryB";
    case CLBlastInsufficientMemoryC: return "CLBlastInsufficientMemoryC";
    case CLBlastInsufficientMemoryTemp: return "CLBlastInsufficientMemoryTemp";
    case CLBlastInvalidBatchCount: return "CLBlastInvalidBatchCount";
    case CLBlastInvalidLocalMemUsage: return "CLBlastInvalidLocalMemUsage";
    case CLBlastDatabaseError: return "CLBlastDatabaseError";
    case CLBlastUnknownError: return "CLBlastUnknownError";
    case CLBlastUnexpectedError: return "CLBlastUnexpectedError";
    case CLBlastOpenCLBuildProgramFailure: return "CLBlastOpenCLBuildProgramFailure (CL_BUILD_PROGRAM_FAILURE)";
    default:
        /* The other codes are OpenCL's own (CLBlast reuses their values). */
        return (int)s > -1000 ? lowp_cl_error_name((cl_int)s) : "an unnamed CLBlast status";
    }
}

static lowp_status run_clblast(struct lowp_context *ctx, const struct lowp_matmul_desc *d,
                               const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c)
{
    if (d->alpha == 0.0f || d->k == 0)
        return run_own(ctx, d, a, b, c); /* no product: lowp's BLAS conventions, same bits everywhere */
    cl_command_queue queue = lowp_cl_impl(ctx)->queue;
    CLBlastTranspose ta = d->trans_a == LOWP_MATMUL_TRANS_T ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastTranspose tb = d->trans_b == LOWP_MATMUL_TRANS_T ? CLBlastTransposeYes : CLBlastTransposeNo;
    cl_mem am = (cl_mem)a->handle, bm = (cl_mem)b->handle, cm = (cl_mem)c->handle;
    CLBlastStatusCode s;
    const char *call;
    if (d->batch == 1) {
        call = "CLBlastSgemm";
        s = CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, d->m, d->n, d->k, d->alpha, am, d->offset_a, d->lda, bm,
                         d->offset_b, d->ldb, d->beta, cm, d->offset_c, d->ldc, &queue, NULL);
    } else {
        call = "CLBlastSgemmStridedBatched";
        s = CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, ta, tb, d->m, d->n, d->k, d->alpha, am, d->offset_a,
                                       d->lda, d->stride_a, bm, d->offset_b, d->ldb, d->stride_b, d->beta, cm,
                                       d->offset_c, d->ldc, d->stride_c, d->batch, &queue, NULL);
    }
    if (s != CLBlastSuccess)
        return lowp_error(LOWP_ERR_DEVICE, "lowp_matmul: %s failed on %s (%s): %s (%d)", call, ctx->device.info.id,
                          ctx->device.info.name, clblast_status_name(s), (int)s);
    return LOWP_OK;
}
#endif

lowp_status lowp_cl_matmul(struct lowp_context *ctx, const struct lowp_matmul_desc *d, const struct lowp_buffer *a,
                           const struct lowp_buffer *b, struct lowp_buffer *c)
{
    lowp_matmul_engine engine = d->engine;
    if (engine == LOWP_MATMUL_ENGINE_AUTO) {
        struct lowp_cl_matmul_state *st = NULL;
        LOWP_TRY(state_get(ctx, &st));
        engine = st->clblast_faster && lowp_cl_matmul_has_clblast() ? LOWP_MATMUL_ENGINE_CLBLAST
                                                                     : LOWP_MATMUL_ENGINE_OWN;
    }
    switch (engine) {
    case LOWP_MATMUL_ENGINE_OWN:
        return run_own(ctx, d, a, b, c);
    case LOWP_MATMUL_ENGINE_CLBLAST:
#ifdef LOWP_HAVE_CLBLAST
        return run_clblast(ctx, d, a, b, c);
#else
        return lowp_error(LOWP_ERR_UNSUPPORTED,
                          "lowp_matmul: engine CLBLAST requested, but this build of lowp has no CLBlast "
                          "(install CLBlast, e.g. libclblast-dev, and reconfigure with -DLOWP_CLBLAST=ON)");
#endif
    default:
        return lowp_error(LOWP_ERR_UNSUPPORTED, "lowp_matmul: engine %d is not available on OpenCL device %s",
                          (int)engine, ctx->device.info.id);
    }
}

/* ---- lowp_matmul_quantized: lowp_qmatmul_tiled (kernels/matmul.cl) ----
 * Same program as the fp32 kernels (the context's -D set), 16 x 16
 * work-groups; when the compiled kernel or the device allows fewer items,
 * the program is rebuilt with QMM_TS = 8, then 4 (same bits: the tile size
 * does not change the order of the sum). */
lowp_status lowp_cl_matmul_quantized(struct lowp_context *ctx, const struct lowp_qmatmul_desc *d,
                                     const struct lowp_buffer *a_codes, const struct lowp_buffer *a_scales,
                                     const struct lowp_buffer *a_ts, const struct lowp_buffer *b_codes,
                                     const struct lowp_buffer *b_scales, const struct lowp_buffer *b_ts,
                                     struct lowp_buffer *c)
{
    struct lowp_cl_matmul_state *st = NULL;
    LOWP_TRY(state_get(ctx, &st));
    cl_kernel k = NULL;
    size_t ts = 16;
    char opts[300];
    for (;; ts /= 2) {
        if (ts == 16)
            snprintf(opts, sizeof opts, "%s", st->defines);
        else
            snprintf(opts, sizeof opts, "%s -DQMM_TS=%zu", st->defines, ts);
        LOWP_TRY(lowp_cl_kernel_get(ctx, "matmul", opts, "lowp_qmatmul_tiled", &k));
        size_t kernel_max = 0;
        LOWP_CL_CALL(clGetKernelWorkGroupInfo(k, lowp_cl_impl(ctx)->device, CL_KERNEL_WORK_GROUP_SIZE,
                                              sizeof kernel_max, &kernel_max, NULL));
        if (ts * ts <= kernel_max && ts * ts <= ctx->device.info.max_work_group_size)
            break;
        if (ts == 4)
            return lowp_error(LOWP_ERR_UNSUPPORTED, "lowp_matmul_quantized: %s allows fewer than 16 work-items "
                              "per group", ctx->device.info.id);
    }
    cl_mem cm = (cl_mem)c->handle;
    /* Operands that are not read (alpha == 0; tensor scales of E8M0) get C's
     * cl_mem as a stand-in: never dereferenced. */
    cl_mem acm = a_codes ? (cl_mem)a_codes->handle : cm, asm_ = a_scales ? (cl_mem)a_scales->handle : cm;
    cl_mem atm = a_ts ? (cl_mem)a_ts->handle : cm, bcm = b_codes ? (cl_mem)b_codes->handle : cm;
    cl_mem bsm = b_scales ? (cl_mem)b_scales->handle : cm, btm = b_ts ? (cl_mem)b_ts->handle : cm;
    cl_ulong m = d->m, n = d->n, kk = d->k, ldc = d->ldc, offc = d->offset_c;
    cl_float alpha = d->alpha, beta = d->beta;
    cl_int ae = (cl_int)d->a.elem_format, asf = (cl_int)d->a.scale_format;
    cl_int be = (cl_int)d->b.elem_format, bsf = (cl_int)d->b.scale_format;
    cl_uint ab = d->a.block, bb = d->b.block;
    cl_int aacc = (cl_int)lowp_qmatmul_access(&d->a, d->trans_a), bacc = (cl_int)lowp_qmatmul_access(&d->b, d->trans_b);
    LOWP_CL_ARG(k, 0, m);
    LOWP_CL_ARG(k, 1, n);
    LOWP_CL_ARG(k, 2, kk);
    LOWP_CL_ARG(k, 3, alpha);
    LOWP_CL_ARG(k, 4, beta);
    LOWP_CL_ARG(k, 5, acm);
    LOWP_CL_ARG(k, 6, asm_);
    LOWP_CL_ARG(k, 7, atm);
    LOWP_CL_ARG(k, 8, ae);
    LOWP_CL_ARG(k, 9, asf);
    LOWP_CL_ARG(k, 10, ab);
    LOWP_CL_ARG(k, 11, aacc);
    LOWP_CL_ARG(k, 12, bcm);
    LOWP_CL_ARG(k, 13, bsm);
    LOWP_CL_ARG(k, 14, btm);
    LOWP_CL_ARG(k, 15, be);
    LOWP_CL_ARG(k, 16, bsf);
    LOWP_CL_ARG(k, 17, bb);
    LOWP_CL_ARG(k, 18, bacc);
    LOWP_CL_ARG(k, 19, cm);
    LOWP_CL_ARG(k, 20, ldc);
    LOWP_CL_ARG(k, 21, offc);
    size_t tile = ts * 4; /* QMM_WPT = 4 outputs per item in each direction */
    size_t global[2] = {(d->n + tile - 1) / tile * ts, (d->m + tile - 1) / tile * ts}, local[2] = {ts, ts};
    return lowp_cl_launch(ctx, k, 2, global, local);
}
