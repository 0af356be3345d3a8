/* optim_cpu.h — fast CPU path of the fused multi-tensor optimizers (OpenMP
 * over elements and reduction blocks). Same contract and results as
 * ref/optim_ref.h: elementwise maths is bit-identical, and reductions use
 * the same fixed block order, so results do not depend on the thread count. */
#ifndef LOWP_OPTIM_CPU_H
#define LOWP_OPTIM_CPU_H

#include "lowp/optim.h"

#ifdef __cplusplus
extern "C" {
#endif

lowp_status lowp_cpu_optim_step(const struct lowp_optim_step_desc *d, float *param, const float *grad,
                                void *state, struct lowp_optim_tensor_state *ts,
                                struct lowp_optim_global_state *gs);
lowp_status lowp_cpu_optim_sophia_hessian(const struct lowp_optim_step_desc *d, const float *gnb_grad, void *state);
lowp_status lowp_cpu_optim_clip_grad_norm(const struct lowp_optim_step_desc *d, float *grad, float max_norm,
                                          float *total_norm);

#ifdef __cplusplus
}
#endif
#endif
