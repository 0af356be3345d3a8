/* cl_optim.c — the optimizers on OpenCL devices. The shared host driver
 * (src/optim/optim_step.c) does every per-tensor scalar in double and calls
 * a struct lowp_optim_ops once per phase; this file implements those two
 * primitives with the multi-tensor kernels of kernels/optim.cl, passing
 * cl_mem handles through the driver:
 *   elem   = upload the coefficient table, one launch over every chunk;
 *   reduce = one launch (a partial per chunk), one finalize launch (chunk
 *            partials added per tensor in chunk order), read back 2 floats
 *            per tensor for the driver's scalar maths.
 * The tensor table and chunk map are uploaded once and re-used while the
 * caller passes the same tensor list (the usual training loop).
 *
 * SWAN and SinkGD run per tensor through the driver's `swan` / `sinkgd`
 * primitives on device kernels (cl_optim_swan.c, cl_sinkgd below) in a
 * grow-only scratch buffer: no read-back, fp32 with fixed-order sums
 * (tolerances in docs/optimizers.md §8).
 *
 * Per-context state: struct lowp_cl_optim (cl->optim, created on first use,
 * freed by lowp_cl_optim_release from cl_context_close) holds the cached
 * cl_mem tables, grown as needed, and the build options. */
#include "cl_optim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_impl.h"
#include "cl_optim_swan.h"
#include "optim/optim_internal.h"

/* kernels/optim.cl: LOWP_OPTIM_CHUNK (= LOWP_OPTIM_REDUCE_BLOCK elements of
 * one tensor per chunk), 256 lanes per elementwise chunk, reductions with
 * exactly 64 work-items per chunk (reqd_work_group_size). */
#define OPT_CHUNK LOWP_OPTIM_REDUCE_BLOCK
#define OPT_LANES 256
#define OPT_RLANES 64

enum {
    OB_TAB,           /* ulong[4 * n_tensors]: numel, param, grad, state offsets */
    OB_CHUNK_TENSOR,  /* uint[n_chunks] */
    OB_CHUNK_FIRST,   /* ulong[n_chunks] */
    OB_TENSOR_CHUNK0, /* uint[n_tensors + 1] */
    OB_COEF,          /* float[16 * n_tensors] */
    OB_PARTIAL,       /* float[2 * n_chunks] */
    OB_RESULT,        /* float[2 * n_tensors] */
    OB_DUMMY,         /* stands for an unused param/state argument */
    OB_WORK,          /* SinkGD's X (numel floats) or SWAN's workspace (lowp_optim_swan_workspace_floats) */
    OB_COUNT
};

struct lowp_cl_optim {
    cl_mem mem[OB_COUNT];
    size_t bytes[OB_COUNT];
    cl_ulong *tab;      /* host copy of the uploaded tensor table */
    size_t tab_tensors; /* its tensor count; -1 = nothing uploaded */
    size_t n_chunks;
    float *result;      /* read-back of OB_RESULT */
    size_t result_cap;
    char options[64];   /* build options of the optim program (fp32 state) */
    char options_bf16[96]; /* same + -DLOWP_OPTIM_STATE_BF16 (bf16 state kernels) */
};

/* One driver call: what the two primitives need. */
struct cl_optim_call {
    struct lowp_context *ctx;
    struct lowp_cl_optim *o;
    const char *options;  /* o->options or o->options_bf16 (state format of the call) */
    size_t n_tensors, n_chunks;
};

void lowp_cl_optim_release(struct lowp_cl_context *cl)
{
    struct lowp_cl_optim *o = cl->optim;
    if (o == NULL)
        return;
    for (int i = 0; i < OB_COUNT; ++i)
        if (o->mem[i] != NULL)
            clReleaseMemObject(o->mem[i]);
    free(o->tab);
    free(o->result);
    free(o);
    cl->optim = NULL;
}

static lowp_status cache_get(struct lowp_context *ctx, struct lowp_cl_optim **out)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    if (cl->optim == NULL) {
        struct lowp_cl_optim *o = calloc(1, sizeof *o);
        if (o == NULL)
            return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl optim: out of host memory");
        o->tab_tensors = (size_t)-1;
        /* Correctly rounded / and sqrt where the device offers them: the
         * elementwise updates then match the CPU bit for bit. */
        cl_device_fp_config fp = 0;
        if (clGetDeviceInfo(cl->device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL) == CL_SUCCESS &&
            (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT))
            snprintf(o->options, sizeof o->options, "-cl-fp32-correctly-rounded-divide-sqrt");
        snprintf(o->options_bf16, sizeof o->options_bf16, "%s%s-DLOWP_OPTIM_STATE_BF16", o->options,
                 o->options[0] ? " " : "");
        cl->optim = o;
    }
    *out = cl->optim;
    return LOWP_OK;
}

lowp_status lowp_cl_optim_launch_1d(struct lowp_context *ctx, cl_kernel k, uint64_t n)
{
    size_t local = lowp_cl_local_size(ctx, k, 64, 64);
    size_t global = (size_t)((n + local - 1) / local * local);
    if (global == 0)
        global = local;
    return lowp_cl_launch(ctx, k, 1, &global, &local);
}

/* Buffer `which` of at least `bytes` (grow-only). *grown tells the caller
 * that cached contents are gone. */
static lowp_status ensure(struct lowp_context *ctx, struct lowp_cl_optim *o, int which, size_t bytes, int *grown)
{
    if (bytes < 16)
        bytes = 16;
    if (o->bytes[which] >= bytes)
        return LOWP_OK;
    if (o->mem[which] != NULL)
        clReleaseMemObject(o->mem[which]);
    o->mem[which] = NULL;
    o->bytes[which] = 0;
    cl_int err = CL_SUCCESS;
    o->mem[which] = clCreateBuffer(lowp_cl_impl(ctx)->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (err != CL_SUCCESS)
        return lowp_cl_fail(__func__, "clCreateBuffer(optim table)", err);
    o->bytes[which] = bytes;
    if (grown != NULL)
        *grown = 1;
    return LOWP_OK;
}

static lowp_status write_blocking(struct lowp_context *ctx, cl_mem mem, const void *src, size_t bytes)
{
    if (bytes == 0)
        return LOWP_OK;
    LOWP_CL_CALL(clEnqueueWriteBuffer(lowp_cl_impl(ctx)->queue, mem, CL_TRUE, 0, bytes, src, 0, NULL, NULL));
    return LOWP_OK;
}

/* Upload the tensor table and chunk map of d unless they are already there. */
static lowp_status prepare(struct lowp_context *ctx, const struct lowp_optim_step_desc *d, struct cl_optim_call *c)
{
    struct lowp_cl_optim *o = NULL;
    LOWP_TRY(cache_get(ctx, &o));
    const size_t n = d->n_tensors;
    if (n > UINT32_MAX - 1)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "opencl optim: %zu tensors in one call (limit %u)", n,
                          UINT32_MAX - 1);
    cl_ulong *tab = malloc((4 * n + 1) * sizeof *tab);
    if (tab == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl optim: out of host memory");
    uint64_t chunks = 0;
    for (size_t k = 0; k < n; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        tab[4 * k] = t->numel;
        tab[4 * k + 1] = t->param_offset;
        tab[4 * k + 2] = t->grad_offset;
        tab[4 * k + 3] = t->state_offset;
        chunks += (t->numel + OPT_CHUNK - 1) / OPT_CHUNK;
    }
    if (chunks > UINT32_MAX) {
        free(tab);
        return lowp_error(LOWP_ERR_UNSUPPORTED, "opencl optim: %llu chunks of %u elements in one call (limit %u)",
                          (unsigned long long)chunks, OPT_CHUNK, UINT32_MAX);
    }
    int grown = 0;
    lowp_status s = LOWP_OK;
    const size_t nc = (size_t)chunks;
    if (s == LOWP_OK) s = ensure(ctx, o, OB_TAB, 4 * n * sizeof(cl_ulong), &grown);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_CHUNK_TENSOR, nc * sizeof(cl_uint), &grown);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_CHUNK_FIRST, nc * sizeof(cl_ulong), &grown);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_TENSOR_CHUNK0, (n + 1) * sizeof(cl_uint), &grown);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_COEF, n * LOWP_OPTIM_NCOEF * sizeof(float), NULL);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_PARTIAL, 2 * nc * sizeof(float), NULL);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_RESULT, 2 * n * sizeof(float), NULL);
    if (s == LOWP_OK) s = ensure(ctx, o, OB_DUMMY, 16, NULL);
    if (s != LOWP_OK) {
        o->tab_tensors = (size_t)-1;
        free(tab);
        return s;
    }
    int same = !grown && o->tab_tensors == n && (n == 0 || memcmp(o->tab, tab, 4 * n * sizeof *tab) == 0);
    if (!same) {
        o->tab_tensors = (size_t)-1;
        cl_uint *ct = malloc((nc + 1) * sizeof *ct), *t0 = malloc((n + 1) * sizeof *t0);
        cl_ulong *cf = malloc((nc + 1) * sizeof *cf);
        if (ct == NULL || t0 == NULL || cf == NULL)
            s = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl optim: out of host memory for %zu chunks", nc);
        size_t q = 0;
        for (size_t k = 0; k < n && s == LOWP_OK; ++k) {
            t0[k] = (cl_uint)q;
            for (uint64_t first = 0; first < d->tensors[k].numel; first += OPT_CHUNK, ++q) {
                ct[q] = (cl_uint)k;
                cf[q] = first;
            }
        }
        if (s == LOWP_OK) {
            t0[n] = (cl_uint)q;
            s = write_blocking(ctx, o->mem[OB_TAB], tab, 4 * n * sizeof *tab);
        }
        if (s == LOWP_OK) s = write_blocking(ctx, o->mem[OB_CHUNK_TENSOR], ct, nc * sizeof *ct);
        if (s == LOWP_OK) s = write_blocking(ctx, o->mem[OB_CHUNK_FIRST], cf, nc * sizeof *cf);
        if (s == LOWP_OK) s = write_blocking(ctx, o->mem[OB_TENSOR_CHUNK0], t0, (n + 1) * sizeof *t0);
        free(ct);
        free(t0);
        free(cf);
        if (s == LOWP_OK) {
            free(o->tab);
            o->tab = tab;
            tab = NULL;
            o->tab_tensors = n;
            o->n_chunks = nc;
        }
    }
    free(tab);
    if (s != LOWP_OK)
        return s;
    if (o->result_cap < 2 * n) {
        float *r = realloc(o->result, (2 * n + 2) * sizeof *r);
        if (r == NULL)
            return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl optim: out of host memory");
        o->result = r;
        o->result_cap = 2 * n + 2;
    }
    c->ctx = ctx;
    c->o = o;
    c->options = d->hp->state_format == LOWP_OPTIM_STATE_BF16_SR ? o->options_bf16 : o->options;
    c->n_tensors = n;
    c->n_chunks = nc;
    return LOWP_OK;
}

static cl_mem mem_or_dummy(const struct lowp_cl_optim *o, const void *handle)
{
    return handle != NULL ? (cl_mem)(uintptr_t)handle : o->mem[OB_DUMMY];
}

/* Arguments 0..6, common to every optim kernel. */
static lowp_status set_common_args(const struct cl_optim_call *c, cl_kernel k, const void *param, const void *grad,
                                   const void *state)
{
    const struct lowp_cl_optim *o = c->o;
    cl_mem p = mem_or_dummy(o, param), g = mem_or_dummy(o, grad), s = mem_or_dummy(o, state);
    LOWP_CL_ARG(k, 0, o->mem[OB_TAB]);
    LOWP_CL_ARG(k, 1, o->mem[OB_COEF]);
    LOWP_CL_ARG(k, 2, o->mem[OB_CHUNK_TENSOR]);
    LOWP_CL_ARG(k, 3, o->mem[OB_CHUNK_FIRST]);
    LOWP_CL_ARG(k, 4, p);
    LOWP_CL_ARG(k, 5, g);
    LOWP_CL_ARG(k, 6, s);
    return LOWP_OK;
}

static lowp_status upload_coef(const struct cl_optim_call *c, const float *coef)
{
    /* Blocking: the driver reuses (and frees) its table right after the call. */
    return write_blocking(c->ctx, c->o->mem[OB_COEF], coef, c->n_tensors * LOWP_OPTIM_NCOEF * sizeof(float));
}

static lowp_status cl_elem(void *vc, lowp_optim_phase ph, const struct lowp_optim_step_desc *d, const float *coef,
                           uint64_t rng, void *param, void *grad, void *state)
{
    static const char *const names[] = {
        [LOWP_OPH_SGD] = "lowp_optim_sgd_mt",
        [LOWP_OPH_ADAMW] = "lowp_optim_adamw_mt",
        [LOWP_OPH_LION] = "lowp_optim_lion_mt",
        [LOWP_OPH_LAMB_MOMENTS] = "lowp_optim_lamb_moments_mt",
        [LOWP_OPH_LAMB_APPLY] = "lowp_optim_lamb_apply_mt",
        [LOWP_OPH_SOPHIA] = "lowp_optim_sophia_mt",
        [LOWP_OPH_SOPHIA_HESS] = "lowp_optim_sophia_hess_mt",
        [LOWP_OPH_SPAM] = "lowp_optim_spam_mt",
        [LOWP_OPH_SSPAM] = "lowp_optim_sspam_mt",
        [LOWP_OPH_SCALE_GRAD] = "lowp_optim_scale_grad_mt",
    };
    struct cl_optim_call *c = vc;
    if (c->n_chunks == 0)
        return LOWP_OK;
    if ((unsigned)ph >= sizeof names / sizeof names[0] || names[ph] == NULL)
        return lowp_error(LOWP_ERR_INVALID_ARG, "opencl optim: unknown phase %d", (int)ph);
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(c->ctx, "optim", c->options, names[ph], &k));
    LOWP_TRY(upload_coef(c, coef));
    LOWP_TRY(set_common_args(c, k, param, grad, state));
    cl_ulong seed = d->hp->seed, crng = rng;
    LOWP_CL_ARG(k, 7, seed);
    LOWP_CL_ARG(k, 8, crng);
    /* Any power of two up to 256 divides the global size (n_chunks * 256). */
    size_t local = lowp_cl_local_size(c->ctx, k, OPT_LANES, OPT_LANES);
    size_t global = c->n_chunks * OPT_LANES;
    return lowp_cl_launch(c->ctx, k, 1, &global, &local);
}

static lowp_status cl_reduce(void *vc, lowp_optim_reduce rd, const struct lowp_optim_step_desc *d, const float *coef,
                             const void *param, const void *grad, const void *state, double *out)
{
    static const char *const names[] = {
        [LOWP_ORD_GRAD_SUMSQ] = "lowp_optim_reduce_grad_sumsq_mt",
        [LOWP_ORD_GRAD_MAXABS] = "lowp_optim_reduce_grad_maxabs_mt",
        [LOWP_ORD_SSPAM_CLIPPED] = "lowp_optim_reduce_sspam_clipped_mt",
        [LOWP_ORD_LAMB_NORMS] = "lowp_optim_reduce_lamb_norms_mt",
        [LOWP_ORD_NONFINITE] = "lowp_optim_reduce_nonfinite_mt",
    };
    (void)d;
    struct cl_optim_call *c = vc;
    struct lowp_cl_optim *o = c->o;
    for (size_t k = 0; k < 2 * c->n_tensors; ++k)
        out[k] = 0.0;
    if (c->n_chunks == 0)
        return LOWP_OK;
    if ((unsigned)rd >= sizeof names / sizeof names[0])
        return lowp_error(LOWP_ERR_INVALID_ARG, "opencl optim: unknown reduction %d", (int)rd);
    cl_kernel k, fin;
    LOWP_TRY(lowp_cl_kernel_get(c->ctx, "optim", c->options, names[rd], &k));
    LOWP_TRY(lowp_cl_kernel_get(c->ctx, "optim", c->options, "lowp_optim_reduce_finalize", &fin));
    if (rd == LOWP_ORD_SSPAM_CLIPPED || rd == LOWP_ORD_LAMB_NORMS) /* the others ignore coef */
        LOWP_TRY(upload_coef(c, coef));
    LOWP_TRY(set_common_args(c, k, param, grad, state));
    LOWP_CL_ARG(k, 7, o->mem[OB_PARTIAL]);
    size_t local = OPT_RLANES, global = c->n_chunks * OPT_RLANES;
    LOWP_TRY(lowp_cl_launch(c->ctx, k, 1, &global, &local));

    cl_uint op = rd == LOWP_ORD_GRAD_MAXABS ? 1u : 0u, nt = (cl_uint)c->n_tensors;
    LOWP_CL_ARG(fin, 0, o->mem[OB_PARTIAL]);
    LOWP_CL_ARG(fin, 1, o->mem[OB_TENSOR_CHUNK0]);
    LOWP_CL_ARG(fin, 2, o->mem[OB_RESULT]);
    LOWP_CL_ARG(fin, 3, op);
    LOWP_CL_ARG(fin, 4, nt);
    size_t flocal = lowp_cl_local_size(c->ctx, fin, 64, 64);
    size_t fglobal = (c->n_tensors + flocal - 1) / flocal * flocal;
    LOWP_TRY(lowp_cl_launch(c->ctx, fin, 1, &fglobal, &flocal));
    LOWP_CL_CALL(clEnqueueReadBuffer(lowp_cl_impl(c->ctx)->queue, o->mem[OB_RESULT], CL_TRUE, 0,
                                     2 * c->n_tensors * sizeof(float), o->result, 0, NULL, NULL));
    for (size_t q = 0; q < 2 * c->n_tensors; ++q)
        out[q] = (double)o->result[q];
    return LOWP_OK;
}

/* SinkGD on one tensor with device kernels (X in the OB_WORK scratch). */
static lowp_status cl_sinkgd(void *vc, const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                             void *param, const void *grad)
{
    struct cl_optim_call *c = vc;
    struct lowp_cl_optim *o = c->o;
    if (t->numel > SIZE_MAX / sizeof(float))
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl SinkGD: tensor of %llu elements",
                          (unsigned long long)t->numel);
    LOWP_TRY(ensure(c->ctx, o, OB_WORK, (size_t)t->numel * sizeof(float), NULL));
    cl_kernel kr, kc, ka;
    LOWP_TRY(lowp_cl_kernel_get(c->ctx, "optim", c->options, "lowp_optim_sinkgd_rows", &kr));
    LOWP_TRY(lowp_cl_kernel_get(c->ctx, "optim", c->options, "lowp_optim_sinkgd_cols", &kc));
    LOWP_TRY(lowp_cl_kernel_get(c->ctx, "optim", c->options, "lowp_optim_sinkgd_apply", &ka));
    cl_mem P = (cl_mem)(uintptr_t)param, G = (cl_mem)(uintptr_t)grad, X = o->mem[OB_WORK];
    cl_ulong R = t->rows, C = t->cols, n = t->numel, zero = 0, goff = t->grad_offset, poff = t->param_offset;
    cl_float eps = hp->eps, tr = (cl_float)sqrt((double)C), tc = (cl_float)sqrt((double)R);
    for (uint32_t it = 0; it < hp->sinkgd_iters; ++it) {
        cl_mem src = it == 0 ? G : X;
        cl_ulong soff = it == 0 ? goff : zero;
        LOWP_CL_ARG(kr, 0, src);
        LOWP_CL_ARG(kr, 1, soff);
        LOWP_CL_ARG(kr, 2, X);
        LOWP_CL_ARG(kr, 3, R);
        LOWP_CL_ARG(kr, 4, C);
        LOWP_CL_ARG(kr, 5, tr);
        LOWP_CL_ARG(kr, 6, eps);
        LOWP_TRY(lowp_cl_optim_launch_1d(c->ctx, kr, R));
        LOWP_CL_ARG(kc, 0, X);
        LOWP_CL_ARG(kc, 1, R);
        LOWP_CL_ARG(kc, 2, C);
        LOWP_CL_ARG(kc, 3, tc);
        LOWP_CL_ARG(kc, 4, eps);
        LOWP_TRY(lowp_cl_optim_launch_1d(c->ctx, kc, C));
    }
    double wd = (t->flags & LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY) ? 0.0 : (double)hp->weight_decay;
    cl_float decay = (cl_float)(1.0 - (double)hp->lr * wd);
    cl_float step = (cl_float)((double)hp->lr * (double)hp->sinkgd_lr_scale);
    cl_ulong xoff = hp->sinkgd_iters == 0 ? goff : 0;
    LOWP_CL_ARG(ka, 0, P);
    LOWP_CL_ARG(ka, 1, poff);
    cl_mem xs = hp->sinkgd_iters == 0 ? G : X;
    LOWP_CL_ARG(ka, 2, xs);
    LOWP_CL_ARG(ka, 3, xoff);
    LOWP_CL_ARG(ka, 4, n);
    LOWP_CL_ARG(ka, 5, decay);
    LOWP_CL_ARG(ka, 6, step);
    return lowp_cl_optim_launch_1d(c->ctx, ka, n);
}

/* SWAN on one tensor with the device kernels (backends/opencl/cl_optim_swan.c);
 * its workspace is the grow-only OB_WORK scratch. */
static lowp_status cl_swan(void *vc, const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                           void *param, const void *grad)
{
    struct cl_optim_call *c = vc;
    uint64_t floats = lowp_optim_swan_workspace_floats(t->rows, t->cols);
    if (floats > SIZE_MAX / sizeof(float))
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl SWAN: a %llu x %llu tensor needs %llu workspace floats",
                          (unsigned long long)t->rows, (unsigned long long)t->cols, (unsigned long long)floats);
    LOWP_TRY(ensure(c->ctx, c->o, OB_WORK, (size_t)floats * sizeof(float), NULL));
    return lowp_cl_optim_swan_tensor(c->ctx, c->options, hp, t, (cl_mem)(uintptr_t)param, (cl_mem)(uintptr_t)grad,
                                     c->o->mem[OB_WORK]);
}

lowp_status lowp_cl_optim_step(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                               struct lowp_buffer *param, const struct lowp_buffer *grad, struct lowp_buffer *state,
                               struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs)
{
    struct cl_optim_call c;
    LOWP_TRY(prepare(ctx, desc, &c));
    const struct lowp_optim_ops ops = {&c, cl_elem, cl_reduce, cl_sinkgd, cl_swan};
    return lowp_optim_run_step(&ops, desc, param->handle, grad->handle, state != NULL ? state->handle : NULL, ts,
                               gs);
}

lowp_status lowp_cl_optim_sophia_hessian(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                         const struct lowp_buffer *gnb_grad, struct lowp_buffer *state)
{
    struct cl_optim_call c;
    LOWP_TRY(prepare(ctx, desc, &c));
    const struct lowp_optim_ops ops = {&c, cl_elem, cl_reduce, NULL, NULL};
    return lowp_optim_run_sophia_hessian(&ops, desc, gnb_grad->handle, state != NULL ? state->handle : NULL);
}

lowp_status lowp_cl_optim_clip_grad_norm(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                         struct lowp_buffer *grad, float max_norm, float *total_norm)
{
    struct cl_optim_call c;
    LOWP_TRY(prepare(ctx, desc, &c));
    const struct lowp_optim_ops ops = {&c, cl_elem, cl_reduce, NULL, NULL};
    return lowp_optim_run_clip_grad_norm(&ops, desc, grad->handle, max_norm, total_norm);
}
