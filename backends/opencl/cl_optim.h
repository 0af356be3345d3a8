/* cl_optim.h — OpenCL launches of the fused multi-tensor optimizers
 * (kernels/optim.cl) behind the shared host driver (src/optim/optim_step.c). */
#ifndef LOWP_CL_OPTIM_H
#define LOWP_CL_OPTIM_H

#include <stdint.h>

#include "cl_impl.h"

struct lowp_cl_context;

lowp_status lowp_cl_optim_step(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                               struct lowp_buffer *param, const struct lowp_buffer *grad, struct lowp_buffer *state,
                               struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs);
lowp_status lowp_cl_optim_sophia_hessian(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                         const struct lowp_buffer *gnb_grad, struct lowp_buffer *state);
lowp_status lowp_cl_optim_clip_grad_norm(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                         struct lowp_buffer *grad, float max_norm, float *total_norm);

/* Launch a 1-D kernel over n work-items (global rounded up to the local
 * size, 64 or what $LOWP_OPENCL_WG_SIZE forces; the kernels bound-check).
 * Used by the per-tensor SinkGD and SWAN kernels. */
lowp_status lowp_cl_optim_launch_1d(struct lowp_context *ctx, cl_kernel k, uint64_t n);

/* Release the per-context optimizer cache (cl->optim); called by context close. */
void lowp_cl_optim_release(struct lowp_cl_context *cl);

#endif
