/* cl_hadamard_quant.c — OpenCL launches of the fused Hadamard + block
 * quantize op (lowp_hadamard_quantize, docs/hadamard.md §9).
 *
 * Two kernels of kernels/hadamard.cl, both one read of x and one write of
 * codes and scales (t is never stored):
 *   - lowp_hadamard_quant_reg for power-of-two n <= 32 (the 16/32-element
 *     RHT of the NVFP4 and MXFP4 recipes): the transform in registers;
 *   - lowp_hadamard_quant_local for every other accepted length (n <= 4096,
 *     n % B == 0): the transform of lowp_hadamard_local in local memory, with
 *     the launch plan of lowp_hadamard (src/hadamard/hadamard_launch.c).
 * A two-level format without a given amax first runs the same kernel in
 * amax mode (x read twice, nothing written but one word), then
 * lowp_quant_tensor_scale of the formats program. Scratch slot 1 holds
 * [amax, s_enc, s_dec, mult] (as lowp_quantize's).
 * Only a device whose local memory cannot hold one n-vector (under about
 * 17 KiB for n = 4096, below what OpenCL 1.2's full profile guarantees) runs
 * the unfused pair through a temporary fp32 buffer instead. */
#include "cl_hadamard.h"

#include "formats/codec.h"
#include "formats/quant.h"
#include "hadamard/hadamard_launch.h"

#define HQ_MAX_T 32u /* LOWP_HAD_MAX_T of kernels/hadamard.cl */


static int is_pow2(uint64_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static lowp_status unfused(struct lowp_context *ctx, const struct lowp_hadamard_desc *h,
                           const struct lowp_quant_desc *q, const struct lowp_buffer *x, size_t x_offset,
                           struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *scales,
                           size_t scales_offset, struct lowp_buffer *tensor_scale, size_t ts_offset,
                           const struct lowp_buffer *sign_bits)
{
    const size_t n = (size_t)((h->rows - 1) * h->ld_out + h->cols);
    lowp_buffer *t = NULL;
    LOWP_TRY(lowp_buffer_alloc(ctx, n * sizeof(float), &t));
    lowp_status st = lowp_hadamard(ctx, h, x, x_offset, t, 0, sign_bits);
    if (st == LOWP_OK)
        st = lowp_quantize(ctx, q, t, 0, codes, codes_offset, scales, scales_offset, tensor_scale, ts_offset, NULL);
    /* clReleaseMemObject defers the free until the queued kernels are done. */
    lowp_buffer_free(t);
    return st;
}

struct hq_args {
    cl_kernel k;
    int use_local; /* 1: lowp_hadamard_quant_local, 0: lowp_hadamard_quant_reg */
    cl_mem x, signs, ts, codes, scales;
    cl_ulong x_off, x_ld, rows, cols, seed, stream, qseed, qstream, codes_off, scales_off;
    cl_int x_bf16, axis_cols, sign_mode, inverse, elem, scale_f, scale_mode, two, sr, nonsat, clamp_tiny;
    cl_uint n, L, B, bits;
    cl_float scale;
    /* lowp_hadamard_quant_local only */
    cl_mem hm;
    cl_uint m, p, log2p, G;
    size_t lds_bytes, lq_bytes, global[2], local[2];
};

/* Arguments 0-31: the same in both kernels. */
static lowp_status quant_args(cl_kernel k, const struct hq_args *a, cl_int amax_pass)
{
    LOWP_CL_ARG(k, 0, a->x);
    LOWP_CL_ARG(k, 1, a->x_off);
    LOWP_CL_ARG(k, 2, a->x_ld);
    LOWP_CL_ARG(k, 3, a->x_bf16);
    LOWP_CL_ARG(k, 4, a->rows);
    LOWP_CL_ARG(k, 5, a->cols);
    LOWP_CL_ARG(k, 6, a->axis_cols);
    LOWP_CL_ARG(k, 7, a->sign_mode);
    LOWP_CL_ARG(k, 8, a->seed);
    LOWP_CL_ARG(k, 9, a->stream);
    LOWP_CL_ARG(k, 10, a->signs);
    LOWP_CL_ARG(k, 11, a->n);
    LOWP_CL_ARG(k, 12, a->inverse);
    LOWP_CL_ARG(k, 13, a->scale);
    LOWP_CL_ARG(k, 14, a->L);
    LOWP_CL_ARG(k, 15, a->B);
    LOWP_CL_ARG(k, 16, a->elem);
    LOWP_CL_ARG(k, 17, a->bits);
    LOWP_CL_ARG(k, 18, a->scale_f);
    LOWP_CL_ARG(k, 19, a->scale_mode);
    LOWP_CL_ARG(k, 20, a->two);
    LOWP_CL_ARG(k, 21, a->sr);
    LOWP_CL_ARG(k, 22, a->nonsat);
    LOWP_CL_ARG(k, 23, a->clamp_tiny);
    LOWP_CL_ARG(k, 24, a->qseed);
    LOWP_CL_ARG(k, 25, a->qstream);
    LOWP_CL_ARG(k, 26, a->ts);
    LOWP_CL_ARG(k, 27, amax_pass);
    LOWP_CL_ARG(k, 28, a->codes);
    LOWP_CL_ARG(k, 29, a->codes_off);
    LOWP_CL_ARG(k, 30, a->scales);
    LOWP_CL_ARG(k, 31, a->scales_off);
    return LOWP_OK;
}

/* One pass (quantize, or amax with amax_pass = 1) of the chosen kernel. */
static lowp_status run_pass(struct lowp_context *ctx, const struct hq_args *a, cl_int amax_pass)
{
    cl_kernel k = a->k;
    LOWP_TRY(quant_args(k, a, amax_pass));
    if (!a->use_local)
        return lowp_cl_launch_items(ctx, k, (size_t)(a->rows * a->cols / a->L));
    LOWP_CL_ARG(k, 32, a->m);
    LOWP_CL_ARG(k, 33, a->p);
    LOWP_CL_ARG(k, 34, a->log2p);
    LOWP_CL_ARG(k, 35, a->hm);
    LOWP_CL_ARG(k, 36, a->G);
    LOWP_CL_CALL(clSetKernelArg(k, 38, a->lds_bytes, NULL));
    LOWP_CL_CALL(clSetKernelArg(k, 39, a->lq_bytes, NULL));
    /* Dimension 1 counts chunks (AXIS_COLS); the kernel adds chunk0, so a
     * split launch needs no other argument changed. */
    const size_t total = a->global[1];
    for (size_t start = 0; start < total; start += LOWP_CL_HADAMARD_DIM1_MAX) {
        const cl_ulong chunk0 = start;
        const size_t rest = total - start;
        const size_t global[2] = {a->global[0], rest < LOWP_CL_HADAMARD_DIM1_MAX ? rest : LOWP_CL_HADAMARD_DIM1_MAX};
        LOWP_CL_ARG(k, 37, chunk0);
        LOWP_TRY(lowp_cl_launch(ctx, k, 2, global, a->local));
    }
    return LOWP_OK;
}

/* Geometry of lowp_hadamard_quant_local from lowp_hadamard's one-pass plan
 * (same tile, G and work-group size). *fits = 0 when this device's local
 * memory cannot hold one vector (the plan is not one local pass). */
static lowp_status plan_local(struct lowp_context *ctx, const struct lowp_hadamard_desc *h, struct hq_args *a,
                              int *fits)
{
    const size_t max_wg = lowp_cl_local_size(ctx, a->k, 256, 256);
    static const cl_uint local_args[] = {38, 39};
    const cl_ulong kernel_lds = lowp_cl_hadamard_kernel_lds(ctx, a->k, local_args, 2);
    /* Keep room for lq: one word per quant block of a full tile (B >= 16)
     * or per work-item (<= 256), whichever is more. */
    const uint64_t lq_max = 4u * (LOWP_HADAMARD_TILE_FLOATS + 64u) / 16u;
    const uint64_t dev_lds = ctx->device.info.local_mem_bytes, used = kernel_lds + lq_max;
    struct lowp_hadamard_launch ln;
    LOWP_TRY(lowp_hadamard_launch_make(h, dev_lds > used ? dev_lds - used : 0, max_wg, &ln));
    const struct lowp_hadamard_pass *ps = &ln.pass[0];
    *fits = ln.npasses == 1 && ps->kernel == LOWP_HADAMARD_KERNEL_LOCAL && ps->L == a->n;
    if (!*fits)
        return LOWP_OK;
    a->m = ps->m;
    a->p = ps->p;
    a->log2p = ps->log2p;
    a->G = ps->G;
    a->lds_bytes = ps->local_bytes;
    const size_t nblk = (size_t)ps->G * a->n / a->B;
    a->lq_bytes = 4u * (nblk > ps->local[0] ? nblk : ps->local[0]);
    a->global[0] = ps->global[0];
    a->global[1] = ps->global[1];
    a->local[0] = ps->local[0];
    a->local[1] = ps->local[1];
    return lowp_cl_hadamard_hm(ctx, &ln.plan, h->inverse, &a->hm);
}

lowp_status lowp_cl_hadamard_quantize(struct lowp_context *ctx, const struct lowp_hadamard_desc *h,
                                      const struct lowp_quant_desc *q, const struct lowp_buffer *x, size_t x_offset,
                                      struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *scales,
                                      size_t scales_offset, struct lowp_buffer *tensor_scale, size_t ts_offset,
                                      const struct lowp_buffer *sign_bits)
{
    const uint64_t n = lowp_hadamard_desc_length(h);
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    struct hq_args a = {0};
    /* Accepted lengths (lowp_hadamard_quant_check, B in {16, 32}): B % n == 0
     * only for powers of two n <= 16, so every n the register kernel does
     * not take is a multiple of B. */
    a.use_local = !(is_pow2(n) && n <= HQ_MAX_T);
    a.n = (cl_uint)n;
    a.B = q->block;
    a.L = a.n > a.B ? a.n : a.B;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "hadamard", NULL,
                                a.use_local ? "lowp_hadamard_quant_local" : "lowp_hadamard_quant_reg", &a.k));
    if (a.use_local) {
        int fits = 0;
        LOWP_TRY(plan_local(ctx, h, &a, &fits));
        if (!fits)
            return unfused(ctx, h, q, x, x_offset, codes, codes_offset, scales, scales_offset, tensor_scale,
                           ts_offset, sign_bits);
    }
    a.x = (cl_mem)x->handle;
    a.x_off = x_offset;
    a.x_ld = h->ld_in;
    a.x_bf16 = h->dtype_in == LOWP_HADAMARD_DTYPE_BF16;
    a.rows = h->rows;
    a.cols = h->cols;
    a.axis_cols = h->axis == LOWP_HADAMARD_AXIS_COLS;
    a.sign_mode = (cl_int)h->sign_mode;
    a.seed = h->seed;
    a.stream = h->stream;
    if (h->sign_mode == LOWP_HADAMARD_SIGNS_USER)
        a.signs = (cl_mem)sign_bits->handle;
    else
        LOWP_TRY(lowp_cl_hadamard_zero(ctx, &a.signs));
    a.inverse = h->inverse != 0;
    a.scale = lowp_hadamard_desc_scale(h);
    a.elem = (cl_int)q->elem_format;
    a.bits = lowp_format_bits(q->elem_format);
    a.scale_f = (cl_int)q->scale_format;
    a.scale_mode = (cl_int)q->scale_mode;
    a.two = lowp_quant_two_level(q);
    a.sr = q->rounding == LOWP_ROUNDING_SR;
    a.nonsat = q->overflow == LOWP_OVERFLOW_NONSAT;
    a.clamp_tiny = q->clamp_tiny_scale != 0;
    a.qseed = q->seed;
    a.qstream = q->stream;
    a.codes = (cl_mem)codes->handle;
    a.codes_off = codes_offset;
    a.scales = (cl_mem)scales->handle;
    a.scales_off = scales_offset;
    LOWP_TRY(lowp_cl_scratch(ctx, 1, 4 * sizeof(cl_uint), &a.ts));

    if (a.two) {
        const int given = q->tensor_amax >= 0.0f;
        cl_uint amax = given ? lowp_f32_bits(q->tensor_amax) : 0u;
        LOWP_CL_CALL(clEnqueueFillBuffer(cl->queue, a.ts, &amax, sizeof amax, 0, sizeof amax, 0, NULL, NULL));
        if (!given)
            LOWP_TRY(run_pass(ctx, &a, 1));
        cl_kernel kt;
        LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, "lowp_quant_tensor_scale", &kt));
        cl_int sf = a.scale_f, ef = a.elem;
        cl_mem so = (cl_mem)tensor_scale->handle;
        cl_ulong soff = ts_offset;
        LOWP_CL_ARG(kt, 0, a.ts);
        LOWP_CL_ARG(kt, 1, sf);
        LOWP_CL_ARG(kt, 2, ef);
        LOWP_CL_ARG(kt, 3, so);
        LOWP_CL_ARG(kt, 4, soff);
        size_t one = 1;
        LOWP_TRY(lowp_cl_launch(ctx, kt, 1, &one, &one));
    }
    return run_pass(ctx, &a, 0);
}
