/* optim.c — front-ends of the fused multi-tensor optimizers on device
 * buffers (lowp/optim.h). Every argument is checked here: the descriptor
 * (hyperparameters, tensor table, ranges inside desc->*_len) and then that
 * each buffer belongs to ctx and holds desc->*_len elements. Backends get
 * buffers that are large enough, and state == NULL only when state_len == 0. */
#include "core/args.h"

#include <math.h>

/* Bytes per state element for the descriptor's format (validated before). */
static size_t state_elem_bytes(const struct lowp_optim_hparams *hp)
{
    return hp->state_format == LOWP_OPTIM_STATE_BF16_SR ? 2 : sizeof(float);
}

/* `buf` holds `len` elements, or may be NULL when len == 0 and `optional`. */
static lowp_status check_len(const char *fn, const char *name, const lowp_context *ctx, const lowp_buffer *buf,
                             uint64_t len, size_t elem, int optional)
{
    if (buf == NULL && optional && len == 0)
        return LOWP_OK;
    if ((uint64_t)(size_t)len != len)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: %s length %llu does not fit in size_t", fn, name,
                          (unsigned long long)len);
    return lowp_check_elems(fn, name, ctx, buf, 0, (size_t)len, elem);
}

lowp_status lowp_optim_step(lowp_context *ctx, const struct lowp_optim_step_desc *desc, lowp_buffer *param,
                            const lowp_buffer *grad, lowp_buffer *state, struct lowp_optim_tensor_state *tensor_states,
                            struct lowp_optim_global_state *global_state)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    LOWP_TRY(lowp_optim_step_desc_validate(desc));
    LOWP_CHECK_NOT_NULL(global_state);
    LOWP_CHECK_ARG(desc->n_tensors == 0 || tensor_states != NULL,
                   "lowp_optim_step: tensor_states is NULL but n_tensors = %zu", desc->n_tensors);
    LOWP_TRY(check_len(__func__, "param", ctx, param, desc->param_len, sizeof(float), 0));
    LOWP_TRY(check_len(__func__, "grad", ctx, grad, desc->grad_len, sizeof(float), 0));
    LOWP_TRY(check_len(__func__, "state", ctx, state, desc->state_len, state_elem_bytes(desc->hp), 1));
    LOWP_BACKEND_ENTRY(ctx, optim_step);
    return ctx->ops->optim_step(ctx, desc, param, grad, state, tensor_states, global_state);
}

lowp_status lowp_optim_sophia_hessian(lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                      const lowp_buffer *gnb_grad, lowp_buffer *state)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    LOWP_TRY(lowp_optim_step_desc_validate(desc));
    LOWP_CHECK_ARG(desc->hp->kind == LOWP_OPTIM_SOPHIA_G, "lowp_optim_sophia_hessian: optimizer is %s, not Sophia-G",
                   lowp_optim_kind_name(desc->hp->kind));
    LOWP_TRY(check_len(__func__, "gnb_grad", ctx, gnb_grad, desc->grad_len, sizeof(float), 0));
    LOWP_TRY(check_len(__func__, "state", ctx, state, desc->state_len, state_elem_bytes(desc->hp), 1));
    LOWP_BACKEND_ENTRY(ctx, optim_sophia_hessian);
    return ctx->ops->optim_sophia_hessian(ctx, desc, gnb_grad, state);
}

lowp_status lowp_optim_clip_grad_norm(lowp_context *ctx, const struct lowp_optim_step_desc *desc, lowp_buffer *grad,
                                      float max_norm, float *total_norm)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    LOWP_TRY(lowp_optim_step_desc_validate(desc));
    LOWP_CHECK_ARG(isfinite(max_norm) && max_norm > 0.0f,
                   "lowp_optim_clip_grad_norm: max_norm = %g must be finite and > 0", (double)max_norm);
    LOWP_TRY(check_len(__func__, "grad", ctx, grad, desc->grad_len, sizeof(float), 0));
    LOWP_BACKEND_ENTRY(ctx, optim_clip_grad_norm);
    return ctx->ops->optim_clip_grad_norm(ctx, desc, grad, max_norm, total_norm);
}
