/* cl_context.c — the OpenCL backend table: contexts, queues, buffers,
 * launches. Op launches live in cl_<family>.c files. */
#include <stdlib.h>

#include "cl_basic.h"
#include "cl_formats.h"
#include "cl_hadamard.h"
#include "cl_pqt.h"
#include "cl_model.h"
#include "cl_impl.h"
#include "cl_optim.h"
#include "cl_matmul.h"

static lowp_status cl_context_open(struct lowp_context *ctx)
{
    struct lowp_cl_context *cl = calloc(1, sizeof *cl);
    if (cl == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl context: out of host memory");
    cl->device = (cl_device_id)ctx->device.device;
    cl->platform = (cl_platform_id)ctx->device.platform;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)cl->platform, 0};
    cl_int err = CL_SUCCESS;
    cl->context = clCreateContext(props, 1, &cl->device, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
        free(cl);
        return lowp_cl_fail(__func__, "clCreateContext", err);
    }
    cl->queue = clCreateCommandQueue(cl->context, cl->device, 0, &err);
    if (err != CL_SUCCESS) {
        clReleaseContext(cl->context);
        free(cl);
        return lowp_cl_fail(__func__, "clCreateCommandQueue", err);
    }
    const char *wg = getenv("LOWP_OPENCL_WG_SIZE");
    cl->wg_override = wg != NULL ? strtoul(wg, NULL, 10) : 0;
    ctx->impl = cl;
    return LOWP_OK;
}

static void cl_context_close(struct lowp_context *ctx)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    if (cl == NULL)
        return;
    clFinish(cl->queue);
    for (int i = 0; i < 2; ++i)
        if (cl->scratch[i] != NULL)
            clReleaseMemObject(cl->scratch[i]);
    lowp_cl_optim_release(cl);
    lowp_cl_hadamard_release(cl);
    lowp_cl_programs_release(cl);
    lowp_cl_matmul_release(cl);
    clReleaseCommandQueue(cl->queue);
    clReleaseContext(cl->context);
    free(cl);
    ctx->impl = NULL;
}

static lowp_status cl_sync(struct lowp_context *ctx)
{
    LOWP_CL_CALL(clFinish(lowp_cl_impl(ctx)->queue));
    return LOWP_OK;
}

static lowp_status cl_buffer_alloc(struct lowp_context *ctx, struct lowp_buffer *buf)
{
    cl_int err = CL_SUCCESS;
    cl_mem mem = clCreateBuffer(lowp_cl_impl(ctx)->context, CL_MEM_READ_WRITE, buf->bytes, NULL, &err);
    if (err != CL_SUCCESS)
        return lowp_cl_fail(__func__, "clCreateBuffer", err);
    buf->handle = mem;
    return LOWP_OK;
}

static void cl_buffer_free(struct lowp_context *ctx, struct lowp_buffer *buf)
{
    /* In-order queue: commands using the buffer keep it alive until they finish. */
    (void)ctx;
    clReleaseMemObject((cl_mem)buf->handle);
    buf->handle = NULL;
}

static lowp_status cl_buffer_write(struct lowp_context *ctx, struct lowp_buffer *dst, size_t offset,
                                   const void *src, size_t bytes)
{
    LOWP_CL_CALL(clEnqueueWriteBuffer(lowp_cl_impl(ctx)->queue, (cl_mem)dst->handle, CL_TRUE, offset, bytes, src,
                                      0, NULL, NULL));
    return LOWP_OK;
}

static lowp_status cl_buffer_read(struct lowp_context *ctx, const struct lowp_buffer *src, size_t offset, void *dst,
                                  size_t bytes)
{
    LOWP_CL_CALL(clEnqueueReadBuffer(lowp_cl_impl(ctx)->queue, (cl_mem)src->handle, CL_TRUE, offset, bytes, dst, 0,
                                     NULL, NULL));
    return LOWP_OK;
}

static lowp_status cl_buffer_copy(struct lowp_context *ctx, struct lowp_buffer *dst, size_t dst_offset,
                                  const struct lowp_buffer *src, size_t src_offset, size_t bytes)
{
    LOWP_CL_CALL(clEnqueueCopyBuffer(lowp_cl_impl(ctx)->queue, (cl_mem)src->handle, (cl_mem)dst->handle, src_offset,
                                     dst_offset, bytes, 0, NULL, NULL));
    return LOWP_OK;
}

lowp_status lowp_cl_scratch(struct lowp_context *ctx, int slot, size_t bytes, cl_mem *out)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    if (cl->scratch_bytes[slot] < bytes) {
        if (cl->scratch[slot] != NULL)
            clReleaseMemObject(cl->scratch[slot]);
        cl->scratch[slot] = NULL;
        cl->scratch_bytes[slot] = 0;
        cl_int err = CL_SUCCESS;
        cl->scratch[slot] = clCreateBuffer(cl->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
        if (err != CL_SUCCESS)
            return lowp_cl_fail(__func__, "clCreateBuffer(scratch)", err);
        cl->scratch_bytes[slot] = bytes;
    }
    *out = cl->scratch[slot];
    return LOWP_OK;
}

size_t lowp_cl_local_size(struct lowp_context *ctx, cl_kernel kernel, size_t preferred, size_t limit)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    size_t want = cl->wg_override != 0 ? cl->wg_override : preferred;
    size_t kernel_max = 0;
    if (clGetKernelWorkGroupInfo(kernel, cl->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max, &kernel_max,
                                 NULL) != CL_SUCCESS || kernel_max == 0)
        kernel_max = 1;
    if (want > limit)
        want = limit;
    if (want > kernel_max)
        want = kernel_max;
    if (want > ctx->device.info.max_work_group_size)
        want = ctx->device.info.max_work_group_size;
    size_t p = 1; /* largest power of two <= want */
    while (p * 2 <= want)
        p *= 2;
    return p;
}

lowp_status lowp_cl_launch(struct lowp_context *ctx, cl_kernel kernel, cl_uint dims, const size_t *global,
                           const size_t *local)
{
    LOWP_CL_CALL(clEnqueueNDRangeKernel(lowp_cl_impl(ctx)->queue, kernel, dims, NULL, global, local, 0, NULL, NULL));
    return LOWP_OK;
}

/* Grid-stride kernels loop over their range, so the grid can stay bounded:
 * enough work-groups to fill any current GPU, few enough to launch cheaply. */
#define ITEMS_LOCAL 256
#define ITEMS_MAX_GROUPS 16384

lowp_status lowp_cl_launch_items(struct lowp_context *ctx, cl_kernel kernel, size_t items)
{
    size_t local = lowp_cl_local_size(ctx, kernel, ITEMS_LOCAL, ITEMS_LOCAL);
    size_t groups = (items + local - 1) / local;
    if (groups > ITEMS_MAX_GROUPS)
        groups = ITEMS_MAX_GROUPS;
    if (groups == 0)
        groups = 1;
    size_t global = groups * local;
    return lowp_cl_launch(ctx, kernel, 1, &global, &local);
}

const struct lowp_backend_ops lowp_opencl_backend = {
    .name = "opencl",
    .enumerate = lowp_cl_enumerate,
    .context_open = cl_context_open,
    .context_close = cl_context_close,
    .sync = cl_sync,
    .buffer_alloc = cl_buffer_alloc,
    .buffer_free = cl_buffer_free,
    .buffer_write = cl_buffer_write,
    .buffer_read = cl_buffer_read,
    .buffer_copy = cl_buffer_copy,
    .fill_f32 = lowp_cl_fill_f32,
    .scale_f32 = lowp_cl_scale_f32,
    .axpy_f32 = lowp_cl_axpy_f32,
    .random_u32 = lowp_cl_random_u32,
    .reduce_rows_f32 = lowp_cl_reduce_rows_f32,
    .optim_step = lowp_cl_optim_step,
    .optim_sophia_hessian = lowp_cl_optim_sophia_hessian,
    .optim_clip_grad_norm = lowp_cl_optim_clip_grad_norm,
    .matmul = lowp_cl_matmul,
    .matmul_quantized = lowp_cl_matmul_quantized,
    .cast_encode = lowp_cl_cast_encode,
    .cast_decode = lowp_cl_cast_decode,
    .cast_round = lowp_cl_cast_round,
    .quantize = lowp_cl_quantize,
    .dequantize = lowp_cl_dequantize,
    .fake_quantize = lowp_cl_fake_quantize,
    .hadamard = lowp_cl_hadamard,
    .hadamard_quantize = lowp_cl_hadamard_quantize,
    /* model.h */
    .embed_forward = lowp_cl_embed_forward,
    .embed_backward = lowp_cl_embed_backward,
    .norm_forward = lowp_cl_norm_forward,
    .norm_backward = lowp_cl_norm_backward,
    .rope_apply = lowp_cl_rope_apply,
    .attention_forward = lowp_cl_attention_forward,
    .attention_backward = lowp_cl_attention_backward,
    .act_forward = lowp_cl_act_forward,
    .act_backward = lowp_cl_act_backward,
    .dropout_apply = lowp_cl_dropout_apply,
    .xent_forward = lowp_cl_xent_forward,
    .bias_add = lowp_cl_bias_add,
    .bias_grad = lowp_cl_bias_grad,
    /* pqt.h */
    .pqt_sample = lowp_cl_pqt_sample,
};
