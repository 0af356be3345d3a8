/* optim_step.c — the host step driver shared by the CPU reference and the
 * fast CPU path. It owns everything that is per tensor or global (step
 * counters, bias corrections, trust ratios, Stable-SPAM's scalar EMAs, the
 * NaN/Inf policy) and hands each backend only elementwise passes and fixed
 * order per-tensor reductions (struct lowp_optim_ops). All scalar maths is
 * in double and rounded to float once, like PyTorch's Python-float scalars. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "optim/optim_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

double lowp_optim_spam_scale(uint64_t current, uint32_t warmup)
{
    /* SPAM's CosineDecay(0.99, N): closed-form CosineAnnealingLR with
     * T_max = N+1 and eta_min = 0, and 0 once current >= N. */
    if (current >= (uint64_t)warmup) return 1.0;
    double dr = 0.99 * (1.0 + cos(M_PI * (double)current / ((double)warmup + 1.0))) / 2.0;
    return 1.0 - dr;
}

double lowp_optim_sspam_sigma(uint64_t T, uint32_t total_T, float eta_min)
{
    if (total_T == 0) return 1.0;
    /* Cosine from 1 at T = 0 to eta_min at T = total_T + 1; the official
     * helper has no clamp past total_T (it rises again), kept as is. */
    double e = (double)eta_min;
    return e + (1.0 - e) * (1.0 + cos(M_PI * (double)T / ((double)total_T + 1.0))) / 2.0;
}

static void coef_init(float *c, const struct lowp_optim_hparams *hp)
{
    memset(c, 0, LOWP_OPTIM_NCOEF * sizeof(float));
    c[LOWP_OC_LR] = hp->lr;
    c[LOWP_OC_DECAY] = 1.0f;
    c[LOWP_OC_B1] = hp->beta1;
    c[LOWP_OC_OMB1] = (float)(1.0 - (double)hp->beta1);
    c[LOWP_OC_B2] = hp->beta2;
    c[LOWP_OC_OMB2] = (float)(1.0 - (double)hp->beta2);
    c[LOWP_OC_C2S] = 1.0f;
    c[LOWP_OC_EPS] = hp->eps;
}

static double tensor_wd(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t)
{
    return (t->flags & LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY) ? 0.0 : (double)hp->weight_decay;
}

static lowp_status check_buffers(const struct lowp_optim_step_desc *d, const void *param, const void *grad,
                                 const void *state, const void *ts, const void *gs)
{
    LOWP_TRY(lowp_optim_step_desc_validate(d));
    LOWP_CHECK_ARG(d->n_tensors == 0 || param != NULL, "optimizer step: param is NULL");
    LOWP_CHECK_ARG(d->n_tensors == 0 || grad != NULL, "optimizer step: grad is NULL");
    LOWP_CHECK_ARG(d->state_len == 0 || state != NULL, "optimizer step: state is NULL but state_len = %llu",
                   (unsigned long long)d->state_len);
    LOWP_CHECK_ARG(d->n_tensors == 0 || ts != NULL, "optimizer step: tensor_state is NULL");
    LOWP_CHECK_ARG(gs != NULL, "optimizer step: global_state is NULL");
    uint32_t slots = 0;
    LOWP_TRY(lowp_optim_state_slots(d->hp, &slots));
    if (slots != 0 && state == NULL)
        for (size_t k = 0; k < d->n_tensors; ++k)
            LOWP_CHECK_ARG(d->tensors[k].numel == 0, "optimizer step: state is NULL but tensor %zu needs state", k);
    return LOWP_OK;
}

/* Skip policy: refuse the whole step if any gradient is NaN/Inf. */
static lowp_status scan_nonfinite(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                  const float *grad, const char *what)
{
    if (d->hp->nonfinite != LOWP_OPTIM_NONFINITE_SKIP) return LOWP_OK;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        if (t->numel == 0) continue;
        double out[2] = {0.0, 0.0};
        ops->reduce(LOWP_ORD_NONFINITE, t->numel, NULL, NULL, grad + t->grad_offset, NULL, out);
        if (out[0] != 0.0)
            return lowp_error(LOWP_ERR_NUMERIC, "%s: tensor %zu has %.0f NaN/Inf %s value(s); step skipped, nothing changed",
                              lowp_optim_kind_name(d->hp->kind), k, out[0], what);
    }
    return LOWP_OK;
}

static void step_tensor(const struct lowp_optim_ops *ops, const struct lowp_optim_hparams *hp,
                        const struct lowp_optim_tensor *t, float *p, float *g, float *s,
                        struct lowp_optim_tensor_state *ts, const struct lowp_optim_global_state *gs,
                        double spam_scale, double sigma)
{
    float c[LOWP_OPTIM_NCOEF];
    const uint64_t n = t->numel;
    const double lr = (double)hp->lr, wd = tensor_wd(hp, t);
    coef_init(c, hp);
    c[LOWP_OC_DECAY] = (float)(1.0 - lr * wd);
    uint64_t step = ts->step + 1;

    switch (hp->kind) {
    case LOWP_OPTIM_SGD:
        c[LOWP_OC_DECAY] = 1.0f;
        c[LOWP_OC_WD] = (float)wd;
        c[LOWP_OC_B1] = hp->momentum;
        c[LOWP_OC_OMB1] = (float)(1.0 - (double)hp->dampening);
        c[LOWP_OC_X0] = ts->step == 0 ? 1.0f : 0.0f;
        c[LOWP_OC_X1] = (hp->flags & LOWP_OPTIM_FLAG_NESTEROV) ? 1.0f : 0.0f;
        c[LOWP_OC_X2] = (hp->flags & LOWP_OPTIM_FLAG_MAXIMIZE) ? 1.0f : 0.0f;
        ops->elem(LOWP_OPH_SGD, n, c, p, g, s);
        break;
    case LOWP_OPTIM_ADAMW: {
        double c1 = 1.0 - pow((double)hp->beta1, (double)step);
        double c2 = 1.0 - pow((double)hp->beta2, (double)step);
        c[LOWP_OC_STEP] = (float)(lr / c1);
        c[LOWP_OC_C2S] = (float)sqrt(c2);
        c[LOWP_OC_X0] = (hp->flags & LOWP_OPTIM_FLAG_AMSGRAD) ? 1.0f : 0.0f;
        c[LOWP_OC_X2] = (hp->flags & LOWP_OPTIM_FLAG_MAXIMIZE) ? 1.0f : 0.0f;
        ops->elem(LOWP_OPH_ADAMW, n, c, p, g, s);
        break;
    }
    case LOWP_OPTIM_LION:
        ops->elem(LOWP_OPH_LION, n, c, p, g, s);
        break;
    case LOWP_OPTIM_LAMB: {
        c[LOWP_OC_DECAY] = 1.0f;
        c[LOWP_OC_WD] = (float)wd;
        if (hp->flags & LOWP_OPTIM_FLAG_LAMB_NO_BIAS_CORR) {
            c[LOWP_OC_X0] = 1.0f;
            c[LOWP_OC_X1] = 1.0f;
        } else {
            c[LOWP_OC_X0] = (float)(1.0 - pow((double)hp->beta1, (double)step));
            c[LOWP_OC_X1] = (float)(1.0 - pow((double)hp->beta2, (double)step));
        }
        ops->elem(LOWP_OPH_LAMB_MOMENTS, n, c, p, g, s);
        double ratio = 1.0;
        if (!(t->flags & LOWP_OPTIM_TENSOR_NO_ADAPTATION)) {
            double sums[2] = {0.0, 0.0};
            ops->reduce(LOWP_ORD_LAMB_NORMS, n, c, p, g, s, sums);
            double wn = sqrt(sums[0]), un = sqrt(sums[1]);
            if (wn > 0.0 && un > 0.0) ratio = wn / un;   /* TF-Addons: 1 when either norm is 0 */
            if (hp->lamb_ratio_max > 0.0f) {             /* DeepSpeed-style clamp, off by default */
                if (ratio < (double)hp->lamb_ratio_min) ratio = (double)hp->lamb_ratio_min;
                if (ratio > (double)hp->lamb_ratio_max) ratio = (double)hp->lamb_ratio_max;
            }
        }
        ts->last_ratio = (float)ratio;
        c[LOWP_OC_STEP] = (float)(ratio * lr);
        ops->elem(LOWP_OPH_LAMB_APPLY, n, c, p, g, s);
        break;
    }
    case LOWP_OPTIM_SOPHIA_G:
        c[LOWP_OC_X0] = (float)((double)hp->sophia_rho * (double)hp->sophia_bs);
        c[LOWP_OC_X1] = (hp->flags & LOWP_OPTIM_FLAG_SOPHIA_PAPER_EPS) ? 1.0f : 0.0f;
        ops->elem(LOWP_OPH_SOPHIA, n, c, p, g, s);
        break;
    case LOWP_OPTIM_SPAM: {
        uint64_t tau = gs->step + 1;          /* official: total_step + 1 */
        uint64_t dT = hp->spam_reset_interval;
        double c1 = 1.0 - pow((double)hp->beta1, (double)step);
        double c2 = 1.0 - pow((double)hp->beta2, (double)step);
        double step_size;
        if (hp->flags & LOWP_OPTIM_FLAG_SPAM_TORCH_EPS) {
            step_size = lr / c1;
            c[LOWP_OC_C2S] = (float)sqrt(c2);
        } else {
            step_size = lr * sqrt(c2) / c1;
        }
        c[LOWP_OC_DECAY] = 1.0f;
        c[LOWP_OC_STEP] = (float)(-(step_size * spam_scale));
        c[LOWP_OC_WD] = wd > 0.0 ? (float)(-(lr * wd)) : 0.0f;
        c[LOWP_OC_X0] = (hp->spam_threshold != 0.0f && tau >= hp->spam_clip_delay &&
                         tau % dT >= hp->spam_clip_delay) ? 1.0f : 0.0f;
        c[LOWP_OC_X1] = hp->spam_threshold;
        c[LOWP_OC_X2] = (tau % dT == 0) ? 1.0f : 0.0f;
        ops->elem(LOWP_OPH_SPAM, n, c, p, g, s);
        break;
    }
    case LOWP_OPTIM_STABLE_SPAM: {
        uint64_t T = gs->step + 1;
        double out[2] = {0.0, 0.0};
        ops->reduce(LOWP_ORD_GRAD_MAXABS, n, c, p, g, s, out);
        float gmax = (float)out[0];
        double g3 = (double)hp->sspam_gamma3;
        ts->sspam_m_max = (float)g3 * ts->sspam_m_max + (float)(1.0 - g3) * gmax;
        float mhat = ts->sspam_m_max / (float)(1.0 - pow(g3, (double)step));
        c[LOWP_OC_X0] = mhat;
        c[LOWP_OC_X1] = gmax;
        out[0] = out[1] = 0.0;
        ops->reduce(LOWP_ORD_SSPAM_CLIPPED, n, c, p, g, s, out);
        float gn = (float)sqrt(out[0]);
        double g1 = (hp->sspam_gamma1 < 0.0f ? (double)hp->beta1 : (double)hp->sspam_gamma1) * sigma;
        double g2 = (double)hp->sspam_gamma2;
        ts->sspam_m_norm = (float)g1 * ts->sspam_m_norm + (float)(1.0 - g1) * gn;
        ts->sspam_v_norm = (float)g2 * ts->sspam_v_norm + (float)(1.0 - g2) * (gn * gn);
        float mn_hat = ts->sspam_m_norm / (float)(1.0 - pow(g1, (double)step));
        float vn_hat = ts->sspam_v_norm / (float)(1.0 - pow(g2, (double)step));
        float cn = mn_hat / (sqrtf(vn_hat) + hp->eps);
        c[LOWP_OC_X2] = gn > 0.0f ? gn : 0.0f;
        c[LOWP_OC_X3] = cn;
        if (hp->sspam_reset_interval != 0 && T % hp->sspam_reset_interval == 0) {
            step = 1;   /* MoRet: the per-tensor counter restarts, M/mu/nu are kept */
            c[LOWP_OC_X4] = (hp->flags & LOWP_OPTIM_FLAG_SSPAM_CLEAN_RESET) ? 2.0f : 1.0f;
        }
        double b1 = (double)hp->beta1 * sigma;
        c[LOWP_OC_B1] = (float)b1;
        c[LOWP_OC_OMB1] = (float)(1.0 - b1);
        double c1 = 1.0 - pow(b1, (double)step);
        double c2 = 1.0 - pow((double)hp->beta2, (double)step);
        c[LOWP_OC_STEP] = (float)(lr / c1);
        c[LOWP_OC_C2S] = (float)sqrt(c2);
        ops->elem(LOWP_OPH_SSPAM, n, c, p, g, s);
        break;
    }
    default:
        break;
    }
    ts->step = step;
}

lowp_status lowp_optim_run_step(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                float *param, const float *grad, void *state,
                                struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs)
{
    LOWP_TRY(check_buffers(d, param, grad, state, ts, gs));
    const struct lowp_optim_hparams *hp = d->hp;
    LOWP_TRY(scan_nonfinite(ops, d, grad, "gradient"));

    double spam_scale = lowp_optim_spam_scale(gs->spam_current, hp->spam_warmup);
    double sigma = lowp_optim_sspam_sigma(gs->step + 1, hp->sspam_total_T, hp->sspam_eta_min);
    float *st = (float *)state;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        float *p = param + t->param_offset;
        /* Only LOWP_OPH_SCALE_GRAD writes grad; the cast keeps one ops signature. */
        float *g = (float *)(uintptr_t)(grad + t->grad_offset);
        float *s = st ? st + t->state_offset : NULL;
        if (hp->kind == LOWP_OPTIM_SWAN || hp->kind == LOWP_OPTIM_SINKGD) {
            if (t->numel != 0) {
                lowp_status r = hp->kind == LOWP_OPTIM_SWAN ? lowp_optim_swan_tensor(hp, t, p, g)
                                                            : lowp_optim_sinkgd_tensor(hp, t, p, g);
                if (r != LOWP_OK) return r;   /* only OOM; earlier tensors are already updated */
            }
            ts[k].step += 1;
            continue;
        }
        if (t->numel == 0) {   /* zero-size: counters advance, nothing else */
            ts[k].step += 1;
            continue;
        }
        step_tensor(ops, hp, t, p, g, s, &ts[k], gs, spam_scale, sigma);
    }

    gs->step += 1;
    if (hp->kind == LOWP_OPTIM_SPAM) {
        gs->spam_current += 1;
        if ((gs->step + 1) % hp->spam_reset_interval == 0) gs->spam_current = 0;
    }
    return LOWP_OK;
}

lowp_status lowp_optim_run_sophia_hessian(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                          const float *gnb_grad, void *state)
{
    LOWP_TRY(lowp_optim_step_desc_validate(d));
    LOWP_CHECK_ARG(d->hp->kind == LOWP_OPTIM_SOPHIA_G, "Sophia Hessian refresh called for optimizer %s",
                   lowp_optim_kind_name(d->hp->kind));
    LOWP_CHECK_ARG(d->n_tensors == 0 || gnb_grad != NULL, "Sophia Hessian refresh: gnb_grad is NULL");
    LOWP_CHECK_ARG(d->state_len == 0 || state != NULL, "Sophia Hessian refresh: state is NULL");
    LOWP_TRY(scan_nonfinite(ops, d, gnb_grad, "GNB gradient"));
    float c[LOWP_OPTIM_NCOEF];
    coef_init(c, d->hp);
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        if (t->numel == 0) continue;
        ops->elem(LOWP_OPH_SOPHIA_HESS, t->numel, c, NULL,
                  (float *)(uintptr_t)(gnb_grad + t->grad_offset), (float *)state + t->state_offset);
    }
    return LOWP_OK;
}

lowp_status lowp_optim_run_clip_grad_norm(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                          float *grad, float max_norm, float *total_norm)
{
    LOWP_TRY(lowp_optim_step_desc_validate(d));
    LOWP_CHECK_ARG(d->n_tensors == 0 || grad != NULL, "clip_grad_norm: grad is NULL");
    LOWP_CHECK_ARG(isfinite(max_norm) && max_norm > 0.0f, "clip_grad_norm: max_norm = %g must be finite and > 0",
                   (double)max_norm);
    /* Per-tensor sums in fixed order, then added in tensor order. */
    double sum = 0.0;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        if (t->numel == 0) continue;
        double out[2] = {0.0, 0.0};
        ops->reduce(LOWP_ORD_GRAD_SUMSQ, t->numel, NULL, NULL, grad + t->grad_offset, NULL, out);
        sum += out[0];
    }
    double total = sqrt(sum);
    if (total_norm) *total_norm = (float)total;
    if (!isfinite(total)) {
        if (d->hp->nonfinite == LOWP_OPTIM_NONFINITE_SKIP)
            return lowp_error(LOWP_ERR_NUMERIC, "clip_grad_norm: gradient norm is %g; gradients left unchanged", total);
    }
    double coef = (double)max_norm / (total + 1e-6);   /* torch.nn.utils.clip_grad_norm_ */
    if (!(coef < 1.0)) return LOWP_OK;
    float c[LOWP_OPTIM_NCOEF];
    memset(c, 0, sizeof c);
    c[LOWP_OC_X0] = (float)coef;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        if (t->numel == 0) continue;
        ops->elem(LOWP_OPH_SCALE_GRAD, t->numel, c, NULL, grad + t->grad_offset, NULL);
    }
    return LOWP_OK;
}
