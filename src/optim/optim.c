/* optim.c — hyperparameter defaults and validation, state sizes, descriptor
 * checks. Shared by every backend; no arithmetic on tensors here. */
#include "lowp/optim.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "optim/optim_internal.h"

static const char *const kind_names[LOWP_OPTIM_KIND_COUNT] = {
    "SGD", "AdamW", "Lion", "LAMB", "Sophia-G", "SPAM", "Stable-SPAM", "SWAN", "SinkGD"};

const char *lowp_optim_kind_name(lowp_optim_kind kind)
{
    if ((unsigned)kind >= LOWP_OPTIM_KIND_COUNT) return "unknown";
    return kind_names[kind];
}

lowp_status lowp_optim_hparams_default(lowp_optim_kind kind, struct lowp_optim_hparams *hp)
{
    LOWP_CHECK_NOT_NULL(hp);
    LOWP_CHECK_ARG((unsigned)kind < LOWP_OPTIM_KIND_COUNT,
                   "lowp_optim_hparams_default: unknown optimizer kind %d", (int)kind);
    memset(hp, 0, sizeof *hp);
    hp->kind = kind;
    hp->state_format = LOWP_OPTIM_STATE_FP32;
    hp->nonfinite = LOWP_OPTIM_NONFINITE_SKIP;
    /* Fields every optimizer carries get harmless values so that validation
     * of unused fields never fails on a freshly defaulted struct. */
    hp->beta1 = 0.9f;
    hp->beta2 = 0.999f;
    hp->eps = 1e-8f;
    hp->sophia_rho = 0.04f;
    hp->sophia_bs = 5120.0f;
    hp->sophia_interval = 10;
    hp->spam_threshold = 5000.0f;
    hp->spam_reset_interval = 500;
    hp->spam_warmup = 150;
    hp->spam_clip_delay = 20;
    hp->sspam_gamma1 = 0.7f;
    hp->sspam_gamma2 = 0.9f;
    hp->sspam_gamma3 = 0.999f;
    hp->sspam_reset_interval = 1000;
    hp->sspam_total_T = 0;
    hp->sspam_eta_min = 0.5f;
    hp->swan_ns_steps = 10;
    hp->swan_ns_beta = 0.5f;
    hp->sinkgd_iters = 5;
    hp->sinkgd_lr_scale = 0.05f;

    switch (kind) {
    case LOWP_OPTIM_SGD:         /* torch.optim.SGD (2.x default lr) */
        hp->lr = 1e-3f;
        break;
    case LOWP_OPTIM_ADAMW:       /* torch.optim.AdamW */
        hp->lr = 1e-3f; hp->weight_decay = 1e-2f;
        break;
    case LOWP_OPTIM_LION:        /* google/automl lion_pytorch.py */
        hp->lr = 1e-4f; hp->beta1 = 0.9f; hp->beta2 = 0.99f;
        break;
    case LOWP_OPTIM_LAMB:        /* tfa.optimizers.LAMB */
        hp->lr = 1e-3f; hp->eps = 1e-6f;
        break;
    case LOWP_OPTIM_SOPHIA_G:    /* Liuhong99/Sophia SophiaG; eps is the additive 1e-15 */
        hp->lr = 1e-4f; hp->beta1 = 0.965f; hp->beta2 = 0.99f; hp->eps = 1e-15f;
        hp->weight_decay = 1e-1f;
        break;
    case LOWP_OPTIM_SPAM:        /* SPAM-Optimizer galore_torch/SPAM.py */
        hp->lr = 1e-3f; hp->eps = 1e-6f;
        break;
    case LOWP_OPTIM_STABLE_SPAM: /* StableSPAM galore_torch/stablespam.py */
        hp->lr = 1e-3f; hp->eps = 1e-8f;
        break;
    case LOWP_OPTIM_SWAN:
        hp->lr = 1e-3f; hp->eps = 1e-8f;
        break;
    case LOWP_OPTIM_SINKGD:
        hp->lr = 1e-3f; hp->eps = 1e-8f;
        break;
    default:
        break;
    }
    return LOWP_OK;
}

#define CHECK_FINITE(f) \
    LOWP_CHECK_ARG(isfinite(hp->f), "%s: hyperparameter '" #f "' is not finite", name)
#define CHECK_BETA(f) \
    LOWP_CHECK_ARG(hp->f >= 0.0f && hp->f < 1.0f, "%s: '" #f "' = %g must be in [0, 1)", name, (double)hp->f)

lowp_status lowp_optim_hparams_validate(const struct lowp_optim_hparams *hp)
{
    LOWP_CHECK_NOT_NULL(hp);
    LOWP_CHECK_ARG((unsigned)hp->kind < LOWP_OPTIM_KIND_COUNT,
                   "optimizer: unknown kind %d", (int)hp->kind);
    const char *name = kind_names[hp->kind];
    LOWP_CHECK_ARG(hp->state_format == LOWP_OPTIM_STATE_FP32 || hp->state_format == LOWP_OPTIM_STATE_BF16_SR, "%s: unknown state_format %d", name, (int)hp->state_format);
    LOWP_CHECK_ARG(hp->nonfinite == LOWP_OPTIM_NONFINITE_SKIP || hp->nonfinite == LOWP_OPTIM_NONFINITE_PROPAGATE,
                   "%s: unknown nonfinite policy %d", name, (int)hp->nonfinite);
    LOWP_CHECK_ARG((hp->flags & ~0xFFu) == 0, "%s: unknown flag bits 0x%x", name, (unsigned)(hp->flags & ~0xFFu));

    CHECK_FINITE(lr); CHECK_FINITE(beta1); CHECK_FINITE(beta2); CHECK_FINITE(eps);
    CHECK_FINITE(weight_decay); CHECK_FINITE(momentum); CHECK_FINITE(dampening);
    CHECK_FINITE(lamb_ratio_min); CHECK_FINITE(lamb_ratio_max); CHECK_FINITE(sophia_rho);
    CHECK_FINITE(sophia_bs); CHECK_FINITE(spam_threshold); CHECK_FINITE(sspam_gamma1);
    CHECK_FINITE(sspam_gamma2); CHECK_FINITE(sspam_gamma3); CHECK_FINITE(sspam_eta_min);
    CHECK_FINITE(swan_ns_beta); CHECK_FINITE(sinkgd_lr_scale);

    LOWP_CHECK_ARG(hp->lr >= 0.0f, "%s: lr = %g must be >= 0", name, (double)hp->lr);
    LOWP_CHECK_ARG(hp->weight_decay >= 0.0f, "%s: weight_decay = %g must be >= 0", name, (double)hp->weight_decay);
    LOWP_CHECK_ARG(hp->eps >= 0.0f, "%s: eps = %g must be >= 0", name, (double)hp->eps);

    switch (hp->kind) {
    case LOWP_OPTIM_SGD:
        LOWP_CHECK_ARG(hp->momentum >= 0.0f, "SGD: momentum = %g must be >= 0", (double)hp->momentum);
        LOWP_CHECK_ARG(hp->dampening >= 0.0f && hp->dampening <= 1.0f,
                       "SGD: dampening = %g must be in [0, 1]", (double)hp->dampening);
        if (hp->flags & LOWP_OPTIM_FLAG_NESTEROV)
            LOWP_CHECK_ARG(hp->momentum > 0.0f && hp->dampening == 0.0f,
                           "SGD: Nesterov momentum requires momentum > 0 and dampening = 0");
        break;
    case LOWP_OPTIM_ADAMW:
    case LOWP_OPTIM_SPAM:
        CHECK_BETA(beta1); CHECK_BETA(beta2);
        if (hp->kind == LOWP_OPTIM_SPAM) {
            LOWP_CHECK_ARG(hp->spam_threshold >= 0.0f, "SPAM: spam_threshold = %g must be >= 0", (double)hp->spam_threshold);
            LOWP_CHECK_ARG(hp->spam_reset_interval > 0, "SPAM: spam_reset_interval (DeltaT) must be > 0");
        }
        break;
    case LOWP_OPTIM_LION:
        LOWP_CHECK_ARG(hp->beta1 >= 0.0f && hp->beta1 <= 1.0f, "Lion: beta1 = %g must be in [0, 1]", (double)hp->beta1);
        LOWP_CHECK_ARG(hp->beta2 >= 0.0f && hp->beta2 <= 1.0f, "Lion: beta2 = %g must be in [0, 1]", (double)hp->beta2);
        break;
    case LOWP_OPTIM_LAMB:
        CHECK_BETA(beta1); CHECK_BETA(beta2);
        LOWP_CHECK_ARG(hp->lamb_ratio_min >= 0.0f && hp->lamb_ratio_max >= 0.0f,
                       "LAMB: trust-ratio clamp bounds must be >= 0");
        LOWP_CHECK_ARG(hp->lamb_ratio_max == 0.0f || hp->lamb_ratio_min <= hp->lamb_ratio_max,
                       "LAMB: lamb_ratio_min = %g > lamb_ratio_max = %g",
                       (double)hp->lamb_ratio_min, (double)hp->lamb_ratio_max);
        break;
    case LOWP_OPTIM_SOPHIA_G:
        CHECK_BETA(beta1); CHECK_BETA(beta2);
        LOWP_CHECK_ARG(hp->sophia_rho >= 0.0f, "Sophia-G: rho = %g must be >= 0", (double)hp->sophia_rho);
        LOWP_CHECK_ARG(hp->sophia_bs > 0.0f, "Sophia-G: bs = %g must be > 0", (double)hp->sophia_bs);
        LOWP_CHECK_ARG(hp->sophia_interval > 0, "Sophia-G: sophia_interval (k) must be > 0");
        break;
    case LOWP_OPTIM_STABLE_SPAM:
        CHECK_BETA(beta1); CHECK_BETA(beta2);
        LOWP_CHECK_ARG((hp->sspam_gamma1 >= 0.0f && hp->sspam_gamma1 < 1.0f) || hp->sspam_gamma1 < 0.0f,
                       "Stable-SPAM: gamma1 = %g must be in [0, 1) (or negative for gamma1 = beta1)", (double)hp->sspam_gamma1);
        CHECK_BETA(sspam_gamma2); CHECK_BETA(sspam_gamma3);
        LOWP_CHECK_ARG(hp->sspam_eta_min >= 0.0f && hp->sspam_eta_min <= 1.0f,
                       "Stable-SPAM: eta_min = %g must be in [0, 1]", (double)hp->sspam_eta_min);
        break;
    case LOWP_OPTIM_SWAN:
        LOWP_CHECK_ARG(hp->swan_ns_steps > 0 && hp->swan_ns_steps <= 100,
                       "SWAN: swan_ns_steps = %u must be in [1, 100]", (unsigned)hp->swan_ns_steps);
        LOWP_CHECK_ARG(hp->swan_ns_beta > 0.0f && hp->swan_ns_beta <= 1.0f,
                       "SWAN: swan_ns_beta = %g must be in (0, 1]", (double)hp->swan_ns_beta);
        LOWP_CHECK_ARG(hp->eps > 0.0f, "SWAN: eps must be > 0 (guards a zero row std)");
        break;
    case LOWP_OPTIM_SINKGD:
        LOWP_CHECK_ARG(hp->sinkgd_iters > 0 && hp->sinkgd_iters <= 1000,
                       "SinkGD: sinkgd_iters = %u must be in [1, 1000]", (unsigned)hp->sinkgd_iters);
        LOWP_CHECK_ARG(hp->sinkgd_lr_scale >= 0.0f, "SinkGD: sinkgd_lr_scale must be >= 0");
        LOWP_CHECK_ARG(hp->eps > 0.0f, "SinkGD: eps must be > 0 (guards a zero row/column norm)");
        break;
    default:
        break;
    }
    return LOWP_OK;
}

lowp_status lowp_optim_state_slots(const struct lowp_optim_hparams *hp, uint32_t *slots)
{
    LOWP_CHECK_NOT_NULL(hp);
    LOWP_CHECK_NOT_NULL(slots);
    switch (hp->kind) {
    case LOWP_OPTIM_SGD:         *slots = hp->momentum != 0.0f ? 1u : 0u; break;
    case LOWP_OPTIM_ADAMW:       *slots = (hp->flags & LOWP_OPTIM_FLAG_AMSGRAD) ? 3u : 2u; break;
    case LOWP_OPTIM_LION:        *slots = 1u; break;
    case LOWP_OPTIM_LAMB:
    case LOWP_OPTIM_SOPHIA_G:
    case LOWP_OPTIM_SPAM:
    case LOWP_OPTIM_STABLE_SPAM: *slots = 2u; break;
    case LOWP_OPTIM_SWAN:
    case LOWP_OPTIM_SINKGD:      *slots = 0u; break;
    default:
        return lowp_error(LOWP_ERR_INVALID_ARG, "optimizer: unknown kind %d", (int)hp->kind);
    }
    return LOWP_OK;
}

lowp_status lowp_optim_state_bytes(const struct lowp_optim_hparams *hp, uint64_t numel, uint64_t *bytes)
{
    uint32_t slots = 0;
    LOWP_CHECK_NOT_NULL(bytes);
    LOWP_TRY(lowp_optim_state_slots(hp, &slots));
    uint64_t esize = hp->state_format == LOWP_OPTIM_STATE_BF16_SR ? 2u : 4u;
    LOWP_CHECK_ARG(numel <= UINT64_MAX / 16u, "optimizer: numel %llu too large", (unsigned long long)numel);
    *bytes = (uint64_t)slots * numel * esize;
    return LOWP_OK;
}

lowp_status lowp_optim_step_desc_validate(const struct lowp_optim_step_desc *d)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_TRY(lowp_optim_hparams_validate(d->hp));
    LOWP_CHECK_ARG(d->n_tensors == 0 || d->tensors != NULL, "optimizer: n_tensors = %zu but tensors is NULL", d->n_tensors);
    uint32_t slots = 0;
    LOWP_TRY(lowp_optim_state_slots(d->hp, &slots));
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        LOWP_CHECK_ARG(t->numel <= (UINT64_MAX >> 8), "optimizer: tensor %zu: numel too large", k);
        LOWP_CHECK_ARG(t->rows <= UINT32_MAX && t->cols <= UINT32_MAX && t->rows * t->cols == t->numel,
                       "optimizer: tensor %zu: rows*cols = %llu*%llu does not equal numel = %llu", k,
                       (unsigned long long)t->rows, (unsigned long long)t->cols, (unsigned long long)t->numel);
        LOWP_CHECK_ARG((t->flags & ~3u) == 0, "optimizer: tensor %zu: unknown flag bits 0x%x", k, (unsigned)t->flags);
        LOWP_CHECK_ARG(t->param_offset <= d->param_len && t->numel <= d->param_len - t->param_offset,
                       "optimizer: tensor %zu: param range [%llu, +%llu) exceeds param_len %llu", k,
                       (unsigned long long)t->param_offset, (unsigned long long)t->numel, (unsigned long long)d->param_len);
        LOWP_CHECK_ARG(t->grad_offset <= d->grad_len && t->numel <= d->grad_len - t->grad_offset,
                       "optimizer: tensor %zu: grad range [%llu, +%llu) exceeds grad_len %llu", k,
                       (unsigned long long)t->grad_offset, (unsigned long long)t->numel, (unsigned long long)d->grad_len);
        uint64_t need = (uint64_t)slots * t->numel;
        LOWP_CHECK_ARG(need == 0 || (t->state_offset <= d->state_len && need <= d->state_len - t->state_offset),
                       "optimizer: tensor %zu: state range [%llu, +%llu) exceeds state_len %llu", k,
                       (unsigned long long)t->state_offset, (unsigned long long)need, (unsigned long long)d->state_len);
    }
    return LOWP_OK;
}

uint64_t lowp_optim_swan_workspace_floats(uint64_t rows, uint64_t cols)
{
    uint64_t m = rows <= cols ? rows : cols;
    return 2 * rows * cols + 4 * m * m + 2 * rows + 4;
}

lowp_status lowp_optim_workspace_bytes(const struct lowp_optim_step_desc *d, uint64_t *bytes)
{
    LOWP_CHECK_NOT_NULL(bytes);
    LOWP_TRY(lowp_optim_step_desc_validate(d));
    uint64_t most = 0;
    for (size_t k = 0; k < d->n_tensors; ++k) {
        const struct lowp_optim_tensor *t = &d->tensors[k];
        uint64_t need = 0;
        if (d->hp->kind == LOWP_OPTIM_SWAN)
            need = lowp_optim_swan_workspace_floats(t->rows, t->cols) * sizeof(float);
        else if (d->hp->kind == LOWP_OPTIM_SINKGD)
            need = t->numel * sizeof(float);                     /* X (backends/opencl/cl_optim.c) */
        if (need > most) most = need;
    }
    *bytes = most;
    return LOWP_OK;
}

lowp_status lowp_optim_global_init(const struct lowp_optim_hparams *hp, struct lowp_optim_global_state *g)
{
    LOWP_CHECK_NOT_NULL(hp);
    LOWP_CHECK_NOT_NULL(g);
    memset(g, 0, sizeof *g);
    /* SPAM starts with current_step = N + 1: no warmup at the start of training. */
    g->spam_current = (uint64_t)hp->spam_warmup + 1u;
    return LOWP_OK;
}

int lowp_optim_sophia_refresh_due(const struct lowp_optim_hparams *hp, const struct lowp_optim_global_state *g)
{
    if (hp == NULL || g == NULL || hp->kind != LOWP_OPTIM_SOPHIA_G || hp->sophia_interval == 0) return 0;
    return g->step > 0 && g->step % hp->sophia_interval == 0;
}
