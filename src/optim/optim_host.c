/* optim_host.c — the multi-tensor loops shared by the host backends
 * (backends/cpu/ref/optim_ref.c and backends/cpu/optim_cpu.c): one call per
 * phase covers every tensor, in tensor order. */
#include "optim_internal.h"

lowp_status lowp_optim_host_elem_mt(void *ctx, lowp_optim_phase ph, const struct lowp_optim_step_desc *d,
                                    const float *coef, uint64_t rng, void *param, void *grad, void *state)
{
    const struct lowp_optim_host_kernels *kern = ctx;
    const int bf16 = d->hp->state_format == LOWP_OPTIM_STATE_BF16_SR;
    float *P = param, *G = grad, *S = bf16 ? NULL : state;
    uint16_t *S16 = bf16 ? state : NULL;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        if (t->numel == 0) continue;
        kern->elem(ph, t->numel, coef + k * LOWP_OPTIM_NCOEF, P ? P + t->param_offset : NULL,
                   G ? G + t->grad_offset : NULL, S ? S + t->state_offset : NULL,
                   S16 ? S16 + t->state_offset : NULL, d->hp->seed, LOWP_OPTIM_SR_TENSOR(rng, k));
    }
    return LOWP_OK;
}

lowp_status lowp_optim_host_reduce_mt(void *ctx, lowp_optim_reduce rd, const struct lowp_optim_step_desc *d,
                                      const float *coef, const void *param, const void *grad, const void *state,
                                      double *out)
{
    const struct lowp_optim_host_kernels *kern = ctx;
    const int bf16 = d->hp->state_format == LOWP_OPTIM_STATE_BF16_SR;
    const float *P = param, *G = grad, *S = bf16 ? NULL : state;
    const uint16_t *S16 = bf16 ? state : NULL;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        out[2 * k] = out[2 * k + 1] = 0.0;
        if (t->numel == 0) continue;
        kern->reduce(rd, t->numel, coef + k * LOWP_OPTIM_NCOEF, P ? P + t->param_offset : NULL,
                     G ? G + t->grad_offset : NULL, S ? S + t->state_offset : NULL,
                     S16 ? S16 + t->state_offset : NULL, &out[2 * k]);
    }
    return LOWP_OK;
}
