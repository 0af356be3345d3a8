/* optim_internal.h — what every optimizer backend shares:
 *  - the per-tensor coefficient vector (computed once per tensor and step on
 *    the host, in double, rounded to float; kernels only see these floats),
 *  - the elementwise phases and per-tensor reductions a backend implements,
 *  - the host step driver that sequences them (optim_step.c).
 * The elementwise formulas themselves are in kernels/optim_rules.cl (included
 * below); optim_elem.h adds the host's state load/store. */
#ifndef LOWP_OPTIM_INTERNAL_H
#define LOWP_OPTIM_INTERNAL_H

#include "lowp/optim.h"

/* The coefficient vector layout (LOWP_OC_*, LOWP_OPTIM_NCOEF), the
 * elementwise phases (lowp_optim_phase) and the per-element updates
 * themselves: one copy in the common subset of C11 and OpenCL C, shared with
 * the optim OpenCL program (kernels/ is on the private include path). */
#include "optim_rules.cl"

/* Per-tensor reductions (fixed order: LOWP_OPTIM_REDUCE_BLOCK blocks, double). */
typedef enum lowp_optim_reduce {
    LOWP_ORD_GRAD_SUMSQ = 0,     /* out[0] = sum g^2 */
    LOWP_ORD_GRAD_MAXABS = 1,    /* out[0] = max |g| */
    LOWP_ORD_SSPAM_CLIPPED = 2,  /* out[0] = sum gc^2 with the AdaClip rule of coef X0 (Mhat), X1 (gmax) */
    LOWP_ORD_LAMB_NORMS = 3,     /* out[0] = sum theta^2, out[1] = sum u^2 (u as in LAMB_APPLY) */
    LOWP_ORD_NONFINITE = 4       /* out[0] = count of non-finite g */
} lowp_optim_reduce;

/* A backend's primitives. Each call covers EVERY tensor of d (one launch on
 * a device): coef holds LOWP_OPTIM_NCOEF floats per tensor (tensor k at
 * coef[k*LOWP_OPTIM_NCOEF]); zero-size tensors must be skipped. param, grad
 * and state are the backend's buffer handles as given to the driver (host
 * float* on the CPU paths; a device backend may pass its own handles). grad
 * is written only by LOWP_OPH_SCALE_GRAD. reduce writes out[2*k], out[2*k+1]
 * for every tensor (0, 0 for zero-size ones), in the fixed block order. */
struct lowp_optim_ops {
    void *ctx;
    lowp_status (*elem)(void *ctx, lowp_optim_phase ph, const struct lowp_optim_step_desc *d, const float *coef,
                        uint64_t rng, void *param, void *grad, void *state);
    lowp_status (*reduce)(void *ctx, lowp_optim_reduce rd, const struct lowp_optim_step_desc *d, const float *coef,
                          const void *param, const void *grad, const void *state, double *out);
    /* SinkGD on one tensor (offsets inside t) on the backend's handles; NULL =
     * the host code of optim_matrix.c on host pointers. */
    lowp_status (*sinkgd)(void *ctx, const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                          void *param, const void *grad);
    /* SWAN on one tensor, same contract; NULL = the host code. */
    lowp_status (*swan)(void *ctx, const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                        void *param, const void *grad);
};

/* The two host backends (the scalar reference and the fast CPU path) differ
 * only in how they process one tensor. Their lowp_optim_ops share the
 * multi-tensor loops below, with ctx pointing at their per-tensor functions.
 * Pointers are host pointers; offsets come from the tensor list. */
typedef void (*lowp_optim_host_elem_fn)(lowp_optim_phase ph, uint64_t n, const float *c, float *p, float *g,
                                        float *s32, uint16_t *s16, uint64_t seed, uint64_t sbase);
typedef void (*lowp_optim_host_reduce_fn)(lowp_optim_reduce rd, uint64_t n, const float *c, const float *p,
                                          const float *g, const float *s, const uint16_t *s16, double out[2]);
struct lowp_optim_host_kernels {
    lowp_optim_host_elem_fn elem;
    lowp_optim_host_reduce_fn reduce;
};
/* lowp_optim_ops.elem / .reduce for a host backend; ctx is a struct lowp_optim_host_kernels. */
lowp_status lowp_optim_host_elem_mt(void *ctx, lowp_optim_phase ph, const struct lowp_optim_step_desc *d,
                                    const float *coef, uint64_t rng, void *param, void *grad, void *state);
lowp_status lowp_optim_host_reduce_mt(void *ctx, lowp_optim_reduce rd, const struct lowp_optim_step_desc *d,
                                      const float *coef, const void *param, const void *grad, const void *state,
                                      double *out);

/* Stochastic rounding of bf16 state (hp.state_format = BF16_SR). The Philox
 * key is hp.seed, the counter is the element index inside the tensor and the
 * 64-bit stream is
 *     (call << 32) | (purpose << 30) | (tensor index << 2) | slot
 * with call = the step number being made (gs.step + 1) for a step and
 * 0 for a Sophia Hessian refresh (its API has no step counter: callers that
 * want fresh bits per refresh vary hp.seed, e.g. seed + gs.step), purpose
 * 0 = step, 1 = Hessian refresh. The driver passes rng = (call << 32) | (purpose << 30) to elem();
 * the backends add the tensor index and slot. So no two writes of one run
 * share random bits (up to 2^32 calls and 2^28 tensors). */
#define LOWP_OPTIM_SR_RNG(call, purpose) (((uint64_t)(call) << 32) | ((uint64_t)(purpose) << 30))
#define LOWP_OPTIM_SR_TENSOR(rng, k) ((rng) | ((uint64_t)(k) << 2))

/* The drivers. They validate, apply the NaN/Inf policy, compute every per
 * tensor scalar on the host (double, rounded once to float) and call ops in
 * phase order: e.g. LAMB = elem(MOMENTS), reduce(LAMB_NORMS), elem(APPLY);
 * Stable-SPAM = reduce(MAXABS), reduce(SSPAM_CLIPPED), elem(SSPAM). SWAN and
 * SinkGD run per tensor through ops->swan / ops->sinkgd, or on host pointers
 * (optim_matrix.c) where those are NULL. */
lowp_status lowp_optim_run_step(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                void *param, const void *grad, void *state,
                                struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs);
lowp_status lowp_optim_run_sophia_hessian(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                          const void *gnb_grad, void *state);
lowp_status lowp_optim_run_clip_grad_norm(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                          void *grad, float max_norm, float *total_norm);

/* SWAN / SinkGD on one tensor (double precision host code, optim_matrix.c). */
lowp_status lowp_optim_swan_tensor(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                                   float *param, const float *grad);
lowp_status lowp_optim_sinkgd_tensor(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                                     float *param, const float *grad);

/* Floats of device workspace SWAN needs for one rows x cols tensor: G~ and
 * dW (rows*cols each), four m x m Newton-Schulz matrices (m = min(rows,
 * cols)), 2*rows row partials and 4 scalars (the layout of
 * backends/opencl/cl_optim_swan.c). lowp_optim_workspace_bytes reports 4
 * bytes per float for the largest tensor. */
uint64_t lowp_optim_swan_workspace_floats(uint64_t rows, uint64_t cols);

/* SPAM's warmup factor s(c) = 1 - 0.99*(1+cos(pi*c/(N+1)))/2 for c < N, else 1. */
double lowp_optim_spam_scale(uint64_t current, uint32_t warmup);
/* Stable-SPAM's momentum-decay sigma(T) (1 when total_T = 0). */
double lowp_optim_sspam_sigma(uint64_t T, uint32_t total_T, float eta_min);

#endif
