/* optim_step.c — the host step driver shared by every backend. It owns
 * everything that is per tensor or global (step counters, bias corrections,
 * trust ratios, Stable-SPAM's scalar EMAs, the NaN/Inf policy) and hands the
 * backend only multi-tensor elementwise passes and fixed-order per-tensor
 * reductions (struct lowp_optim_ops), one call per phase for all tensors.
 * All scalar maths is in double and rounded to float once, like PyTorch's
 * Python-float scalars. */
#include <math.h>
#include <stdlib.h>
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

/* Scratch for one driver call: coefficient table and reduction results. */
struct scratch {
    float *coef;
    double *red;
    uint64_t rng;   /* LOWP_OPTIM_SR_RNG of this call (bf16 state rounding) */
};

static lowp_status scratch_alloc(struct scratch *w, size_t n)
{
    size_t m = n ? n : 1;
    w->rng = 0;
    w->coef = calloc(m * LOWP_OPTIM_NCOEF, sizeof(float));
    w->red = calloc(m * 2, sizeof(double));
    if (w->coef == NULL || w->red == NULL) {
        free(w->coef);
        free(w->red);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "optimizer: cannot allocate scratch for %zu tensors", n);
    }
    return LOWP_OK;
}

static void scratch_free(struct scratch *w)
{
    free(w->coef);
    free(w->red);
}

/* Skip policy: refuse the whole step if any gradient is NaN/Inf. */
static lowp_status scan_nonfinite(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                  const void *grad, struct scratch *w, const char *what)
{
    if (d->hp->nonfinite != LOWP_OPTIM_NONFINITE_SKIP || d->n_tensors == 0) return LOWP_OK;
    LOWP_TRY(ops->reduce(ops->ctx, LOWP_ORD_NONFINITE, d, w->coef, NULL, grad, NULL, w->red));
    for (size_t k = 0; k < d->n_tensors; ++k)
        if (w->red[2 * k] != 0.0)
            return lowp_error(LOWP_ERR_NUMERIC, "%s: tensor %zu has %.0f NaN/Inf %s value(s); step skipped, nothing changed",
                              lowp_optim_kind_name(d->hp->kind), k, w->red[2 * k], what);
    return LOWP_OK;
}

/* Coefficients of the single-pass optimizers (SGD, AdamW, Lion, Sophia, SPAM)
 * for tensor t, whose counter is about to become `step`. */
static void coef_single(const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                        const struct lowp_optim_tensor_state *ts, const struct lowp_optim_global_state *gs,
                        uint64_t step, double spam_scale, float *c)
{
    const double lr = (double)hp->lr, wd = tensor_wd(hp, t);
    coef_init(c, hp);
    c[LOWP_OC_DECAY] = (float)(1.0 - lr * wd);
    switch (hp->kind) {
    case LOWP_OPTIM_SGD:
        c[LOWP_OC_DECAY] = 1.0f;
        c[LOWP_OC_WD] = (float)wd;
        c[LOWP_OC_B1] = hp->momentum;
        c[LOWP_OC_OMB1] = (float)(1.0 - (double)hp->dampening);
        c[LOWP_OC_X0] = ts->step == 0 ? 1.0f : 0.0f;    /* first step: buffer := d */
        c[LOWP_OC_X1] = (hp->flags & LOWP_OPTIM_FLAG_NESTEROV) ? 1.0f : 0.0f;
        c[LOWP_OC_X2] = (hp->flags & LOWP_OPTIM_FLAG_MAXIMIZE) ? 1.0f : 0.0f;
        break;
    case LOWP_OPTIM_ADAMW: {
        double c1 = 1.0 - pow((double)hp->beta1, (double)step);
        double c2 = 1.0 - pow((double)hp->beta2, (double)step);
        c[LOWP_OC_STEP] = (float)(lr / c1);
        c[LOWP_OC_C2S] = (float)sqrt(c2);
        c[LOWP_OC_X0] = (hp->flags & LOWP_OPTIM_FLAG_AMSGRAD) ? 1.0f : 0.0f;
        c[LOWP_OC_X2] = (hp->flags & LOWP_OPTIM_FLAG_MAXIMIZE) ? 1.0f : 0.0f;
        break;
    }
    case LOWP_OPTIM_LION:
        break;
    case LOWP_OPTIM_SOPHIA_G:
        c[LOWP_OC_X0] = (float)((double)hp->sophia_rho * (double)hp->sophia_bs);
        c[LOWP_OC_X1] = (hp->flags & LOWP_OPTIM_FLAG_SOPHIA_PAPER_EPS) ? 1.0f : 0.0f;
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
            step_size = lr * sqrt(c2) / c1;   /* eps-hat form: eps on the raw sqrt(v) */
        }
        c[LOWP_OC_DECAY] = 1.0f;
        c[LOWP_OC_STEP] = (float)(-(step_size * spam_scale));
        c[LOWP_OC_WD] = wd > 0.0 ? (float)(-(lr * wd)) : 0.0f;
        c[LOWP_OC_X0] = (hp->spam_threshold != 0.0f && tau >= hp->spam_clip_delay &&
                         tau % dT >= hp->spam_clip_delay) ? 1.0f : 0.0f;
        c[LOWP_OC_X1] = hp->spam_threshold;
        c[LOWP_OC_X2] = (tau % dT == 0) ? 1.0f : 0.0f;
        break;
    }
    default:
        break;
    }
}

static lowp_status run_lamb(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d, void *param,
                            void *grad, void *state, struct lowp_optim_tensor_state *ts, struct scratch *w)
{
    const struct lowp_optim_hparams *hp = d->hp;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        float *c = w->coef + k * LOWP_OPTIM_NCOEF;
        uint64_t step = ts[k].step + 1;
        coef_init(c, hp);
        c[LOWP_OC_WD] = (float)tensor_wd(hp, &d->tensors[k]);
        if (hp->flags & LOWP_OPTIM_FLAG_LAMB_NO_BIAS_CORR) {
            c[LOWP_OC_X0] = 1.0f;
            c[LOWP_OC_X1] = 1.0f;
        } else {
            c[LOWP_OC_X0] = (float)(1.0 - pow((double)hp->beta1, (double)step));
            c[LOWP_OC_X1] = (float)(1.0 - pow((double)hp->beta2, (double)step));
        }
    }
    LOWP_TRY(ops->elem(ops->ctx, LOWP_OPH_LAMB_MOMENTS, d, w->coef, w->rng, param, grad, state));
    LOWP_TRY(ops->reduce(ops->ctx, LOWP_ORD_LAMB_NORMS, d, w->coef, param, grad, state, w->red));
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        double ratio = 1.0;
        if (!(t->flags & LOWP_OPTIM_TENSOR_NO_ADAPTATION)) {
            double wn = sqrt(w->red[2 * k]), un = sqrt(w->red[2 * k + 1]);
            if (wn > 0.0 && un > 0.0) ratio = wn / un;   /* TF-Addons: 1 when either norm is 0 */
            if (hp->lamb_ratio_max > 0.0f) {             /* DeepSpeed-style clamp, off by default */
                if (ratio < (double)hp->lamb_ratio_min) ratio = (double)hp->lamb_ratio_min;
                if (ratio > (double)hp->lamb_ratio_max) ratio = (double)hp->lamb_ratio_max;
            }
        }
        ts[k].last_ratio = (float)ratio;
        w->coef[k * LOWP_OPTIM_NCOEF + LOWP_OC_STEP] = (float)(ratio * (double)hp->lr);
        ts[k].step += 1;
    }
    return ops->elem(ops->ctx, LOWP_OPH_LAMB_APPLY, d, w->coef, w->rng, param, grad, state);
}

static lowp_status run_sspam(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d, void *param,
                             void *grad, void *state, struct lowp_optim_tensor_state *ts,
                             const struct lowp_optim_global_state *gs, double sigma, struct scratch *w)
{
    const struct lowp_optim_hparams *hp = d->hp;
    const uint64_t T = gs->step + 1;
    const double lr = (double)hp->lr;
    LOWP_TRY(ops->reduce(ops->ctx, LOWP_ORD_GRAD_MAXABS, d, w->coef, param, grad, state, w->red));
    const double g3 = (double)hp->sspam_gamma3;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        float *c = w->coef + k * LOWP_OPTIM_NCOEF;
        coef_init(c, hp);
        if (d->tensors[k].numel == 0) continue;
        uint64_t step = ts[k].step + 1;
        float gmax = (float)w->red[2 * k];
        ts[k].sspam_m_max = (float)g3 * ts[k].sspam_m_max + (float)(1.0 - g3) * gmax;
        c[LOWP_OC_X0] = ts[k].sspam_m_max / (float)(1.0 - pow(g3, (double)step));   /* Mhat */
        c[LOWP_OC_X1] = gmax;
    }
    LOWP_TRY(ops->reduce(ops->ctx, LOWP_ORD_SSPAM_CLIPPED, d, w->coef, param, grad, state, w->red));
    const double g1 = (hp->sspam_gamma1 < 0.0f ? (double)hp->beta1 : (double)hp->sspam_gamma1) * sigma;
    const double g2 = (double)hp->sspam_gamma2;
    const double b1 = (double)hp->beta1 * sigma;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        float *c = w->coef + k * LOWP_OPTIM_NCOEF;
        uint64_t step = ts[k].step + 1;
        if (t->numel == 0) { ts[k].step = step; continue; }
        c[LOWP_OC_DECAY] = (float)(1.0 - lr * tensor_wd(hp, t));
        float gn = (float)sqrt(w->red[2 * k]);
        struct lowp_optim_tensor_state *s = &ts[k];
        s->sspam_m_norm = (float)g1 * s->sspam_m_norm + (float)(1.0 - g1) * gn;
        s->sspam_v_norm = (float)g2 * s->sspam_v_norm + (float)(1.0 - g2) * (gn * gn);
        float mn_hat = s->sspam_m_norm / (float)(1.0 - pow(g1, (double)step));
        float vn_hat = s->sspam_v_norm / (float)(1.0 - pow(g2, (double)step));
        c[LOWP_OC_X2] = gn > 0.0f ? gn : 0.0f;                       /* AdaGN only if ||g~|| > 0 */
        c[LOWP_OC_X3] = mn_hat / (sqrtf(vn_hat) + hp->eps);
        if (hp->sspam_reset_interval != 0 && T % hp->sspam_reset_interval == 0) {
            step = 1;   /* MoRet: the per-tensor counter restarts, M/mu/nu are kept */
            c[LOWP_OC_X4] = (hp->flags & LOWP_OPTIM_FLAG_SSPAM_CLEAN_RESET) ? 2.0f : 1.0f;
        }
        c[LOWP_OC_B1] = (float)b1;
        c[LOWP_OC_OMB1] = (float)(1.0 - b1);
        c[LOWP_OC_STEP] = (float)(lr / (1.0 - pow(b1, (double)step)));
        c[LOWP_OC_C2S] = (float)sqrt(1.0 - pow((double)hp->beta2, (double)step));
        s->step = step;
    }
    return ops->elem(ops->ctx, LOWP_OPH_SSPAM, d, w->coef, w->rng, param, grad, state);
}

static lowp_status run_matrix(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                              float *param, const float *grad, struct lowp_optim_tensor_state *ts)
{
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        if (t->numel != 0 && d->hp->kind == LOWP_OPTIM_SINKGD && ops->sinkgd != NULL) {
            LOWP_TRY(ops->sinkgd(ops->ctx, d->hp, t, param, grad));   /* device handles, offsets in t */
        } else if (t->numel != 0 && d->hp->kind == LOWP_OPTIM_SWAN && ops->swan != NULL) {
            LOWP_TRY(ops->swan(ops->ctx, d->hp, t, param, grad));
        } else if (t->numel != 0) {
            float *p = param + t->param_offset;
            const float *g = grad + t->grad_offset;
            LOWP_TRY(d->hp->kind == LOWP_OPTIM_SWAN ? lowp_optim_swan_tensor(d->hp, t, p, g)
                                                    : lowp_optim_sinkgd_tensor(d->hp, t, p, g));
        }
        ts[k].step += 1;
    }
    return LOWP_OK;
}

static lowp_status run_step(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d, void *param,
                            void *grad, void *state, struct lowp_optim_tensor_state *ts,
                            struct lowp_optim_global_state *gs, struct scratch *w)
{
    const struct lowp_optim_hparams *hp = d->hp;
    w->rng = LOWP_OPTIM_SR_RNG(gs->step + 1, 0);
    LOWP_TRY(scan_nonfinite(ops, d, grad, w, "gradient"));
    switch (hp->kind) {
    case LOWP_OPTIM_SWAN:
    case LOWP_OPTIM_SINKGD:
        LOWP_TRY(run_matrix(ops, d, (float *)param, (const float *)grad, ts));
        break;
    case LOWP_OPTIM_LAMB:
        LOWP_TRY(run_lamb(ops, d, param, grad, state, ts, w));
        break;
    case LOWP_OPTIM_STABLE_SPAM:
        LOWP_TRY(run_sspam(ops, d, param, grad, state, ts, gs,
                           lowp_optim_sspam_sigma(gs->step + 1, hp->sspam_total_T, hp->sspam_eta_min), w));
        break;
    default: {
        static const lowp_optim_phase phase[] = {
            [LOWP_OPTIM_SGD] = LOWP_OPH_SGD, [LOWP_OPTIM_ADAMW] = LOWP_OPH_ADAMW, [LOWP_OPTIM_LION] = LOWP_OPH_LION,
            [LOWP_OPTIM_SOPHIA_G] = LOWP_OPH_SOPHIA, [LOWP_OPTIM_SPAM] = LOWP_OPH_SPAM};
        double spam_scale = lowp_optim_spam_scale(gs->spam_current, hp->spam_warmup);
        for (size_t k = 0; k < d->n_tensors; ++k) {
            coef_single(hp, &d->tensors[k], &ts[k], gs, ts[k].step + 1, spam_scale, w->coef + k * LOWP_OPTIM_NCOEF);
            ts[k].step += 1;
        }
        LOWP_TRY(ops->elem(ops->ctx, phase[hp->kind], d, w->coef, w->rng, param, grad, state));
        break;
    }
    }
    gs->step += 1;
    if (hp->kind == LOWP_OPTIM_SPAM) {
        gs->spam_current += 1;
        if ((gs->step + 1) % hp->spam_reset_interval == 0) gs->spam_current = 0;
    }
    return LOWP_OK;
}

lowp_status lowp_optim_run_step(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                void *param, const void *grad, void *state,
                                struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs)
{
    LOWP_TRY(check_buffers(d, param, grad, state, ts, gs));
    struct scratch w;
    LOWP_TRY(scratch_alloc(&w, d->n_tensors));
    /* Only LOWP_OPH_SCALE_GRAD writes grad; the cast keeps one ops signature. */
    lowp_status st = run_step(ops, d, param, (void *)(uintptr_t)grad, state, ts, gs, &w);
    scratch_free(&w);
    return st;
}

lowp_status lowp_optim_run_sophia_hessian(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                          const void *gnb_grad, void *state)
{
    LOWP_TRY(lowp_optim_step_desc_validate(d));
    LOWP_CHECK_ARG(d->hp->kind == LOWP_OPTIM_SOPHIA_G, "Sophia Hessian refresh called for optimizer %s",
                   lowp_optim_kind_name(d->hp->kind));
    LOWP_CHECK_ARG(d->n_tensors == 0 || gnb_grad != NULL, "Sophia Hessian refresh: gnb_grad is NULL");
    LOWP_CHECK_ARG(d->state_len == 0 || state != NULL, "Sophia Hessian refresh: state is NULL");
    struct scratch w;
    LOWP_TRY(scratch_alloc(&w, d->n_tensors));
    lowp_status st = scan_nonfinite(ops, d, gnb_grad, &w, "GNB gradient");
    if (st == LOWP_OK) {
        for (size_t k = 0; k < d->n_tensors; ++k) coef_init(w.coef + k * LOWP_OPTIM_NCOEF, d->hp);
        st = ops->elem(ops->ctx, LOWP_OPH_SOPHIA_HESS, d, w.coef, LOWP_OPTIM_SR_RNG(0, 1), NULL,
                       (void *)(uintptr_t)gnb_grad, state);
    }
    scratch_free(&w);
    return st;
}

lowp_status lowp_optim_run_clip_grad_norm(const struct lowp_optim_ops *ops, const struct lowp_optim_step_desc *d,
                                          void *grad, float max_norm, float *total_norm)
{
    LOWP_TRY(lowp_optim_step_desc_validate(d));
    LOWP_CHECK_ARG(d->n_tensors == 0 || grad != NULL, "clip_grad_norm: grad is NULL");
    LOWP_CHECK_ARG(isfinite(max_norm) && max_norm > 0.0f, "clip_grad_norm: max_norm = %g must be finite and > 0",
                   (double)max_norm);
    if (total_norm) *total_norm = 0.0f;
    if (d->n_tensors == 0) return LOWP_OK;
    struct scratch w;
    LOWP_TRY(scratch_alloc(&w, d->n_tensors));
    lowp_status st = ops->reduce(ops->ctx, LOWP_ORD_GRAD_SUMSQ, d, w.coef, NULL, grad, NULL, w.red);
    if (st == LOWP_OK) {
        double sum = 0.0;   /* per-tensor sums (fixed order) added in tensor order */
        for (size_t k = 0; k < d->n_tensors; ++k) sum += w.red[2 * k];
        double total = sqrt(sum);
        if (total_norm) *total_norm = (float)total;
        double coef = (double)max_norm / (total + 1e-6);   /* torch.nn.utils.clip_grad_norm_ */
        if (!isfinite(total) && d->hp->nonfinite == LOWP_OPTIM_NONFINITE_SKIP) {
            st = lowp_error(LOWP_ERR_NUMERIC, "clip_grad_norm: gradient norm is %g; gradients left unchanged", total);
        } else if (!(coef >= 1.0)) {   /* NaN coef (propagate policy) also scales */
            for (size_t k = 0; k < d->n_tensors; ++k) w.coef[k * LOWP_OPTIM_NCOEF + LOWP_OC_X0] = (float)coef;
            st = ops->elem(ops->ctx, LOWP_OPH_SCALE_GRAD, d, w.coef, 0, NULL, grad, NULL);
        }
    }
    scratch_free(&w);
    return st;
}
