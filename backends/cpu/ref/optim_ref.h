/* optim_ref.h — scalar CPU reference of the fused multi-tensor optimizers.
 * This defines what is correct; the fast CPU path and the OpenCL kernels
 * are tested against it. All pointers are HOST pointers; offsets in the
 * descriptor are element offsets into them (see lowp/optim.h). */
#ifndef LOWP_OPTIM_REF_H
#define LOWP_OPTIM_REF_H

#include "lowp/optim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One optimizer step over every tensor of d. state is float* for
 * LOWP_OPTIM_STATE_FP32. ts has d->n_tensors entries. On LOWP_ERR_NUMERIC
 * (skip policy) nothing was changed. */
lowp_status lowp_ref_optim_step(const struct lowp_optim_step_desc *d, float *param, const float *grad,
                                void *state, struct lowp_optim_tensor_state *ts,
                                struct lowp_optim_global_state *gs);

/* Sophia-G Hessian EMA refresh h <- b2*h + (1-b2)*gnb^2 for every tensor;
 * gnb_grad uses the tensors' grad offsets. Call it when
 * lowp_optim_sophia_refresh_due() says so, with the (already clipped) GNB
 * gradient computed at the parameters AFTER that step. */
lowp_status lowp_ref_optim_sophia_hessian(const struct lowp_optim_step_desc *d, const float *gnb_grad, void *state);

/* torch.nn.utils.clip_grad_norm_: total = ||all grads||_2; if
 * max_norm/(total+1e-6) < 1, every grad is scaled by it. *total_norm (may
 * be NULL) gets the pre-clip norm. Non-finite total: LOWP_ERR_NUMERIC under
 * the skip policy (grads unchanged), else grads are scaled (become NaN). */
lowp_status lowp_ref_optim_clip_grad_norm(const struct lowp_optim_step_desc *d, float *grad, float max_norm,
                                          float *total_norm);

#ifdef __cplusplus
}
#endif
#endif
