/* cl_pqt.c — launch of kernels/pqt.cl: one work-item per block. */
#include "cl_pqt.h"

#include "cl_impl.h"

lowp_status lowp_cl_pqt_sample(struct lowp_context *ctx, const struct lowp_pqt_desc *d, const struct lowp_buffer *x,
                               struct lowp_buffer *y)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "pqt", NULL, "lowp_pqt_sample", &k));
    cl_mem xm = (cl_mem)x->handle, ym = (cl_mem)y->handle;
    cl_ulong xo = d->x_offset, yo = d->y_offset, rows = d->rows, cols = d->cols, block = d->block, seed = d->seed,
             stream = d->stream;
    cl_uint bits = d->bits;
    cl_int to_bf16 = d->format == LOWP_FORMAT_BF16;
    LOWP_CL_ARG(k, 0, xm); LOWP_CL_ARG(k, 1, xo); LOWP_CL_ARG(k, 2, ym); LOWP_CL_ARG(k, 3, yo);
    LOWP_CL_ARG(k, 4, rows); LOWP_CL_ARG(k, 5, cols); LOWP_CL_ARG(k, 6, block); LOWP_CL_ARG(k, 7, bits);
    LOWP_CL_ARG(k, 8, to_bf16); LOWP_CL_ARG(k, 9, seed); LOWP_CL_ARG(k, 10, stream);
    return lowp_cl_launch_items(ctx, k, d->rows * ((d->cols + d->block - 1) / d->block));
}
