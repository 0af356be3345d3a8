/* cl_basic.c — launches for kernels/basic.cl and kernels/reduce.cl. */
#include "cl_basic.h"

#include "cl_impl.h"
#include "core/reduce_order.h"

/* Elementwise kernels loop over the range, so the grid can stay bounded:
 * enough work-groups to fill any current GPU, few enough to launch cheaply. */
#define ELEMENTWISE_LOCAL 256
#define ELEMENTWISE_MAX_GROUPS 16384

static lowp_status launch_elementwise(struct lowp_context *ctx, cl_kernel k, size_t items)
{
    size_t local = lowp_cl_local_size(ctx, k, ELEMENTWISE_LOCAL, ELEMENTWISE_LOCAL);
    size_t groups = (items + local - 1) / local;
    if (groups > ELEMENTWISE_MAX_GROUPS)
        groups = ELEMENTWISE_MAX_GROUPS;
    if (groups == 0)
        groups = 1;
    size_t global = groups * local;
    return lowp_cl_launch(ctx, k, 1, &global, &local);
}

/* Kernels of the form k(x, offset, count, scalar): fill and scale. */
static lowp_status launch_in_place(struct lowp_context *ctx, const char *name, struct lowp_buffer *x, size_t offset,
                                   size_t count, float scalar)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "basic", NULL, name, &k));
    cl_mem mem = (cl_mem)x->handle;
    cl_ulong off = offset, n = count;
    LOWP_CL_ARG(k, 0, mem);
    LOWP_CL_ARG(k, 1, off);
    LOWP_CL_ARG(k, 2, n);
    LOWP_CL_ARG(k, 3, scalar);
    return launch_elementwise(ctx, k, count);
}

lowp_status lowp_cl_fill_f32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                             float value)
{
    return launch_in_place(ctx, "lowp_fill_f32", x, offset, count, value);
}

lowp_status lowp_cl_scale_f32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                              float alpha)
{
    return launch_in_place(ctx, "lowp_scale_f32", x, offset, count, alpha);
}

lowp_status lowp_cl_axpy_f32(struct lowp_context *ctx, size_t count, float alpha, const struct lowp_buffer *x,
                             size_t x_offset, struct lowp_buffer *y, size_t y_offset)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "basic", NULL, "lowp_axpy_f32", &k));
    cl_mem xm = (cl_mem)x->handle, ym = (cl_mem)y->handle;
    cl_ulong n = count, xo = x_offset, yo = y_offset;
    LOWP_CL_ARG(k, 0, n);
    LOWP_CL_ARG(k, 1, alpha);
    LOWP_CL_ARG(k, 2, xm);
    LOWP_CL_ARG(k, 3, xo);
    LOWP_CL_ARG(k, 4, ym);
    LOWP_CL_ARG(k, 5, yo);
    return launch_elementwise(ctx, k, count);
}

lowp_status lowp_cl_random_u32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                               uint64_t seed, uint64_t stream)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "basic", NULL, "lowp_random_u32", &k));
    cl_mem mem = (cl_mem)x->handle;
    cl_ulong off = offset, n = count, sd = seed, st = stream;
    LOWP_CL_ARG(k, 0, mem);
    LOWP_CL_ARG(k, 1, off);
    LOWP_CL_ARG(k, 2, n);
    LOWP_CL_ARG(k, 3, sd);
    LOWP_CL_ARG(k, 4, st);
    return launch_elementwise(ctx, k, (count + 3) / 4);
}

/* One level of reduce_order.h: out[out_off + r*nb + b] for every row r and block b. */
static lowp_status reduce_level(struct lowp_context *ctx, cl_kernel k, cl_mem x, size_t x_off, size_t stride,
                                size_t rows, size_t cols, size_t nb, cl_mem out, size_t out_off, int op, int first)
{
    cl_ulong xo = x_off, rs = stride, c = cols, nblocks = nb, oo = out_off;
    LOWP_CL_ARG(k, 0, x);
    LOWP_CL_ARG(k, 1, xo);
    LOWP_CL_ARG(k, 2, rs);
    LOWP_CL_ARG(k, 3, c);
    LOWP_CL_ARG(k, 4, nblocks);
    LOWP_CL_ARG(k, 5, out);
    LOWP_CL_ARG(k, 6, oo);
    LOWP_CL_ARG(k, 7, op);
    LOWP_CL_ARG(k, 8, first);
    size_t local[2] = {lowp_cl_local_size(ctx, k, LOWP_REDUCE_LANES, LOWP_REDUCE_LANES), 1};
    size_t global[2] = {nb * local[0], rows};
    return lowp_cl_launch(ctx, k, 2, global, local);
}

/* Must match LOWP_REDUCE_SHORT in kernels/reduce.cl. */
#define REDUCE_SHORT 64

static lowp_status reduce_short_rows(struct lowp_context *ctx, const struct lowp_reduce_desc *d,
                                     const struct lowp_buffer *x, struct lowp_buffer *out)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "reduce", NULL, "lowp_reduce_short_rows_f32", &k));
    cl_mem xm = (cl_mem)x->handle, om = (cl_mem)out->handle;
    cl_ulong xo = d->x_offset, rs = d->row_stride, c = d->cols, rows = d->rows, oo = d->out_offset;
    cl_int op = (cl_int)d->op, first = 1;
    LOWP_CL_ARG(k, 0, xm);
    LOWP_CL_ARG(k, 1, xo);
    LOWP_CL_ARG(k, 2, rs);
    LOWP_CL_ARG(k, 3, c);
    LOWP_CL_ARG(k, 4, rows);
    LOWP_CL_ARG(k, 5, om);
    LOWP_CL_ARG(k, 6, oo);
    LOWP_CL_ARG(k, 7, op);
    LOWP_CL_ARG(k, 8, first);
    return launch_elementwise(ctx, k, d->rows);
}

lowp_status lowp_cl_reduce_rows_f32(struct lowp_context *ctx, const struct lowp_reduce_desc *d,
                                    const struct lowp_buffer *x, struct lowp_buffer *out)
{
    if (d->cols <= REDUCE_SHORT)
        return reduce_short_rows(ctx, d, x, out);
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "reduce", NULL, "lowp_reduce_rows_f32", &k));
    cl_mem src = (cl_mem)x->handle;
    size_t src_off = d->x_offset, stride = d->row_stride, cols = d->cols;
    int first = 1, slot = 0;
    for (;;) {
        size_t nb = (cols + LOWP_REDUCE_BLOCK - 1) / LOWP_REDUCE_BLOCK;
        if (nb == 1)
            return reduce_level(ctx, k, src, src_off, stride, d->rows, cols, 1, (cl_mem)out->handle, d->out_offset,
                                (int)d->op, first);
        cl_mem partial;
        LOWP_TRY(lowp_cl_scratch(ctx, slot, d->rows * nb * sizeof(float), &partial));
        LOWP_TRY(reduce_level(ctx, k, src, src_off, stride, d->rows, cols, nb, partial, 0, (int)d->op, first));
        src = partial;
        src_off = 0;
        stride = cols = nb;
        first = 0;
        slot ^= 1;
    }
}
