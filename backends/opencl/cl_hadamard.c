/* cl_hadamard.c — launches of kernels/hadamard.cl. The plan (which kernels,
 * scalar arguments, NDRange, local memory, scratch) comes from
 * src/hadamard/hadamard_launch.c; this file binds buffers and enqueues.
 *
 * Per-context state (struct lowp_cl_hadamard_state, hung off
 * lowp_cl_context.hadamard and freed by cl_context_close): one zero word,
 * bound where a kernel's hm_bits / sign_bits argument is unused, and the
 * rows of H_12, H_20, H_28 (forward and transposed) as bit masks, uploaded
 * once on first use so an op call never waits for a host write. */
#include "cl_hadamard.h"

#include <stdlib.h>

#include "hadamard/hadamard_launch.h"

struct lowp_cl_hadamard_state {
    cl_mem zero;      /* one 0 word */
    cl_mem hm[3][2];  /* [m = 12, 20, 28][forward, inverse]: plan.hm_bits */
};


void lowp_cl_hadamard_release(struct lowp_cl_context *cl)
{
    struct lowp_cl_hadamard_state *st = cl->hadamard;
    if (st == NULL)
        return;
    if (st->zero != NULL)
        clReleaseMemObject(st->zero);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j)
            if (st->hm[i][j] != NULL)
                clReleaseMemObject(st->hm[i][j]);
    free(st);
    cl->hadamard = NULL;
}

static lowp_status const_buffer(struct lowp_cl_context *cl, const uint32_t *words, size_t count, cl_mem *out)
{
    cl_int err = CL_SUCCESS;
    *out = clCreateBuffer(cl->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, count * sizeof(uint32_t),
                          (void *)words, &err);
    if (err != CL_SUCCESS) {
        *out = NULL;
        return lowp_cl_fail("lowp_cl_hadamard", "clCreateBuffer(constants)", err);
    }
    return LOWP_OK;
}

lowp_status lowp_cl_hadamard_hm(struct lowp_context *ctx, const struct lowp_hadamard_plan *pl, int inverse,
                                cl_mem *out)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    if (cl->hadamard == NULL) {
        cl->hadamard = calloc(1, sizeof *cl->hadamard);
        if (cl->hadamard == NULL)
            return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cl_hadamard: out of host memory");
    }
    struct lowp_cl_hadamard_state *st = cl->hadamard;
    if (st->zero == NULL) {
        const uint32_t zero = 0;
        LOWP_TRY(const_buffer(cl, &zero, 1, &st->zero));
    }
    if (pl->m == 1) {
        *out = st->zero;
        return LOWP_OK;
    }
    const int i = pl->m == 12 ? 0 : pl->m == 20 ? 1 : 2, j = inverse != 0;
    if (st->hm[i][j] == NULL)
        LOWP_TRY(const_buffer(cl, pl->hm_bits, pl->m, &st->hm[i][j]));
    *out = st->hm[i][j];
    return LOWP_OK;
}

cl_ulong lowp_cl_hadamard_kernel_lds(struct lowp_context *ctx, cl_kernel k, const cl_uint *local_args, int count)
{
    /* CL_KERNEL_LOCAL_MEM_SIZE includes the __local arguments as last set,
     * i.e. the previous call's tile: shrink them to one word first, or a
     * second call would plan with that much less local memory. */
    for (int i = 0; i < count; ++i)
        if (clSetKernelArg(k, local_args[i], sizeof(cl_uint), NULL) != CL_SUCCESS)
            return 0;
    cl_ulong used = 0;
    if (clGetKernelWorkGroupInfo(k, lowp_cl_impl(ctx)->device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof used, &used, NULL) !=
        CL_SUCCESS)
        return 0;
    return used;
}

lowp_status lowp_cl_hadamard_zero(struct lowp_context *ctx, cl_mem *out)
{
    const struct lowp_hadamard_plan one = {.m = 1};
    return lowp_cl_hadamard_hm(ctx, &one, 0, out);
}

/* Buffers and arguments shared by every pass of one op call. */
struct had_call {
    const struct lowp_hadamard_desc *d;
    const struct lowp_hadamard_launch *ln;
    cl_mem mem[3];      /* indexed by lowp_hadamard_buf: x, y, work */
    cl_ulong off[3];    /* element offsets of the same */
    cl_mem signs, hm;
};

/* Set arguments 0-16 (same order in both kernels). */
static lowp_status common_args(cl_kernel k, const struct had_call *c, const struct lowp_hadamard_pass *ps)
{
    const struct lowp_hadamard_plan *pl = &c->ln->plan;
    cl_mem src = c->mem[ps->src], dst = c->mem[ps->dst];
    cl_ulong src_off = c->off[ps->src], dst_off = c->off[ps->dst], src_ld = ps->src_ld, dst_ld = ps->dst_ld;
    cl_ulong cross = pl->cross, seed = c->d->seed, stream = c->d->stream;
    cl_int src_bf16 = ps->src_bf16, dst_bf16 = ps->dst_bf16, cols = c->d->axis == LOWP_HADAMARD_AXIS_COLS;
    cl_int sign_mode = (cl_int)c->d->sign_mode, inverse = c->d->inverse != 0;
    cl_uint n = (cl_uint)pl->n;
    cl_float scale = pl->scale;
    LOWP_CL_ARG(k, 0, src);
    LOWP_CL_ARG(k, 1, src_off);
    LOWP_CL_ARG(k, 2, src_ld);
    LOWP_CL_ARG(k, 3, src_bf16);
    LOWP_CL_ARG(k, 4, dst);
    LOWP_CL_ARG(k, 5, dst_off);
    LOWP_CL_ARG(k, 6, dst_ld);
    LOWP_CL_ARG(k, 7, dst_bf16);
    LOWP_CL_ARG(k, 8, cols);
    LOWP_CL_ARG(k, 9, cross);
    LOWP_CL_ARG(k, 10, sign_mode);
    LOWP_CL_ARG(k, 11, seed);
    LOWP_CL_ARG(k, 12, stream);
    LOWP_CL_ARG(k, 13, c->signs);
    LOWP_CL_ARG(k, 14, n);
    LOWP_CL_ARG(k, 15, inverse);
    LOWP_CL_ARG(k, 16, scale);
    return LOWP_OK;
}

static lowp_status local_args(cl_kernel k, const struct had_call *c, const struct lowp_hadamard_pass *ps)
{
    cl_ulong nchunks = ps->nchunks;
    cl_uint L = ps->L, m = ps->m, p = ps->p, log2p = ps->log2p, G = ps->G;
    cl_int final_pass = ps->final_pass;
    LOWP_CL_ARG(k, 17, nchunks);
    LOWP_CL_ARG(k, 18, L);
    LOWP_CL_ARG(k, 19, m);
    LOWP_CL_ARG(k, 20, p);
    LOWP_CL_ARG(k, 21, log2p);
    LOWP_CL_ARG(k, 22, c->hm);
    LOWP_CL_ARG(k, 23, G);
    LOWP_CL_ARG(k, 24, final_pass);
    LOWP_CL_CALL(clSetKernelArg(k, 25, ps->local_bytes, NULL));
    return LOWP_OK;
}

static lowp_status strided_args(cl_kernel k, const struct had_call *c, const struct lowp_hadamard_pass *ps)
{
    cl_ulong nblocks = ps->nblocks;
    cl_uint T = ps->T, S = ps->S;
    cl_int mix = ps->mix, first_pass = ps->first_pass;
    LOWP_CL_ARG(k, 17, nblocks);
    LOWP_CL_ARG(k, 18, T);
    LOWP_CL_ARG(k, 19, S);
    LOWP_CL_ARG(k, 20, mix);
    LOWP_CL_ARG(k, 21, c->hm);
    LOWP_CL_ARG(k, 22, first_pass);
    return LOWP_OK;
}

/* Enqueue one pass, in pieces along NDRange dimension 1 when it is longer
 * than LOWP_CL_HADAMARD_DIM1_MAX. A piece starts at a whole unit of `step`
 * dimension-1 ids (one n-block, or one line), so moving the element offsets by `shift`
 * elements per unit and shrinking the count argument (`count_arg`, in
 * units) gives the same work. */
static lowp_status enqueue_pass(struct lowp_context *ctx, cl_kernel k, const struct had_call *c,
                                const struct lowp_hadamard_pass *ps)
{
    const struct lowp_hadamard_plan *pl = &c->ln->plan;
    const int cols = c->d->axis == LOWP_HADAMARD_AXIS_COLS;
    size_t step = 1;
    uint64_t src_shift = 0, dst_shift = 0;
    cl_uint count_arg = 0; /* 0: nothing to shrink */
    if (ps->kernel == LOWP_HADAMARD_KERNEL_LOCAL) {
        if (cols) { /* dimension 1 = chunk; a piece keeps whole n-blocks for the sign index */
            step = (size_t)(pl->n / ps->L);
            src_shift = pl->n * ps->src_ld;
            dst_shift = pl->n * ps->dst_ld;
        }
    } else if (cols) { /* dimension 1 = block · S + offset */
        step = ps->S;
        src_shift = pl->n * ps->src_ld;
        dst_shift = pl->n * ps->dst_ld;
        count_arg = 17; /* nblocks */
    } else { /* dimension 1 = line · nblocks + block */
        step = (size_t)ps->nblocks;
        src_shift = ps->src_ld;
        dst_shift = ps->dst_ld;
        count_arg = 9; /* cross */
    }
    const size_t total = ps->global[1];
    size_t piece = total;
    if (total > LOWP_CL_HADAMARD_DIM1_MAX && step <= LOWP_CL_HADAMARD_DIM1_MAX)
        piece = LOWP_CL_HADAMARD_DIM1_MAX / step * step;
    for (size_t start = 0; start < total; start += piece) {
        const size_t len = total - start < piece ? total - start : piece;
        if (piece != total) {
            cl_ulong units = start / step;
            cl_ulong src_off = c->off[ps->src] + units * src_shift, dst_off = c->off[ps->dst] + units * dst_shift;
            cl_ulong count = len / step;
            LOWP_CL_ARG(k, 1, src_off);
            LOWP_CL_ARG(k, 5, dst_off);
            if (count_arg != 0)
                LOWP_CL_ARG(k, count_arg, count);
        }
        const size_t global[2] = {ps->global[0], len};
        LOWP_TRY(lowp_cl_launch(ctx, k, 2, global, ps->local));
    }
    return LOWP_OK;
}

lowp_status lowp_cl_hadamard(struct lowp_context *ctx, const struct lowp_hadamard_desc *desc,
                             const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                             const struct lowp_buffer *sign_bits)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    cl_kernel kl, ks;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "hadamard", NULL, "lowp_hadamard_local", &kl));
    LOWP_TRY(lowp_cl_kernel_get(ctx, "hadamard", NULL, "lowp_hadamard_strided", &ks));
    size_t max_wg = lowp_cl_local_size(ctx, kl, 256, 256), ws = lowp_cl_local_size(ctx, ks, 256, 256);
    if (ws < max_wg)
        max_wg = ws;
    static const cl_uint lds_arg[] = {25};
    const cl_ulong kernel_lds = lowp_cl_hadamard_kernel_lds(ctx, kl, lds_arg, 1);
    const uint64_t dev_lds = ctx->device.info.local_mem_bytes;
    struct lowp_hadamard_launch ln;
    LOWP_TRY(lowp_hadamard_launch_make(desc, dev_lds > kernel_lds ? dev_lds - kernel_lds : 0, max_wg, &ln));

    struct had_call c = {.d = desc, .ln = &ln};
    c.mem[LOWP_HADAMARD_BUF_X] = (cl_mem)x->handle;
    c.off[LOWP_HADAMARD_BUF_X] = x_offset;
    c.mem[LOWP_HADAMARD_BUF_Y] = (cl_mem)y->handle;
    c.off[LOWP_HADAMARD_BUF_Y] = y_offset;
    if (ln.work_bytes > 0) {
        LOWP_CHECK_ARG(ln.work_bytes <= SIZE_MAX, "lowp_hadamard: scratch of %llu bytes is too large",
                       (unsigned long long)ln.work_bytes);
        LOWP_TRY(lowp_cl_scratch(ctx, 0, (size_t)ln.work_bytes, &c.mem[LOWP_HADAMARD_BUF_WORK]));
    }
    LOWP_TRY(lowp_cl_hadamard_hm(ctx, &ln.plan, desc->inverse, &c.hm));
    c.signs = desc->sign_mode == LOWP_HADAMARD_SIGNS_USER ? (cl_mem)sign_bits->handle : cl->hadamard->zero;

    for (int i = 0; i < ln.npasses; ++i) {
        const struct lowp_hadamard_pass *ps = &ln.pass[i];
        cl_kernel k = ps->kernel == LOWP_HADAMARD_KERNEL_LOCAL ? kl : ks;
        LOWP_TRY(common_args(k, &c, ps));
        LOWP_TRY(ps->kernel == LOWP_HADAMARD_KERNEL_LOCAL ? local_args(k, &c, ps) : strided_args(k, &c, ps));
        LOWP_TRY(enqueue_pass(ctx, k, &c, ps));
    }
    return LOWP_OK;
}
