/* lowp/optim.h — fused, multi-tensor optimizer updates.
 *
 * One call updates a whole list of parameter tensors. The caller owns four
 * flat buffers and a table of tensors that points into them:
 *
 *   param  fp32 master weights           tensor k: param[param_offset .. +numel)
 *   grad   fp32 gradients                tensor k: grad [grad_offset  .. +numel)
 *   state  per-element optimizer state   tensor k: state_offset .. (see below)
 *   scal   per-tensor scalar state       one struct lowp_optim_tensor_state per tensor
 *
 * Per-element state is PLANAR per tensor: slot s of element i lives at
 * element index state_offset + s*numel + i (slot order per optimizer is listed
 * at lowp_optim_state_slots()). With LOWP_OPTIM_STATE_FP32 an element is a
 * float; with LOWP_OPTIM_STATE_BF16_SR it is a uint16 bf16, read exactly,
 * updated in fp32 and written back with stochastic rounding (Philox key =
 * hp.seed, stream from (step, tensor index, slot), counter = element index;
 * docs/optimizers.md) — offsets stay element offsets, only the element size
 * changes, and every device gives the same bits.
 *
 * Every per-tensor reduction (norms, max|g|) is computed in a fixed order
 * (blocks of LOWP_OPTIM_REDUCE_BLOCK elements summed in double, block partials
 * added in block order) so results never depend on the thread count.
 *
 * The step counter convention is PyTorch's: the first update has t = 1.
 * Rules, defaults and deviations from papers: docs/optimizers.md. */
#ifndef LOWP_OPTIM_H
#define LOWP_OPTIM_H

#include <stddef.h>
#include <stdint.h>
#include "lowp/context.h"
#include "lowp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowp_optim_kind {
    LOWP_OPTIM_SGD         = 0, /* PyTorch SGD: momentum, dampening, Nesterov, coupled L2 */
    LOWP_OPTIM_ADAMW       = 1, /* PyTorch AdamW (optional amsgrad) */
    LOWP_OPTIM_LION        = 2, /* google/automl Lion */
    LOWP_OPTIM_LAMB        = 3, /* TF-Addons LAMB (flags: ALBERT no-bias-correction, ratio clamp) */
    LOWP_OPTIM_SOPHIA_G    = 4, /* Liuhong99/Sophia SophiaG (rho*bs*h + 1e-15 form) */
    LOWP_OPTIM_SPAM        = 5, /* TianjinYellow SPAM (density 1) */
    LOWP_OPTIM_STABLE_SPAM = 6, /* TianjinYellow Stable-SPAM */
    LOWP_OPTIM_SWAN        = 7, /* GradNorm + GradWhitening (coupled Newton-Schulz) */
    LOWP_OPTIM_SINKGD      = 8, /* SR-Sinkhorn alternating row/column normalization */
    LOWP_OPTIM_KIND_COUNT  = 9
} lowp_optim_kind;

/* Storage of the per-element state (m, v, h, momentum buffer). */
typedef enum lowp_optim_state_format {
    LOWP_OPTIM_STATE_FP32    = 0,
    LOWP_OPTIM_STATE_BF16_SR = 1  /* bf16 (uint16) + stochastic rounding on every write; half the bytes */
} lowp_optim_state_format;

/* What to do when a gradient holds NaN or +-Inf. */
typedef enum lowp_optim_nonfinite {
    /* Scan all gradients first; if any is non-finite, change nothing
     * (params, state, counters) and return LOWP_ERR_NUMERIC. Like AMP's
     * found_inf skip. Default. */
    LOWP_OPTIM_NONFINITE_SKIP      = 0,
    /* No scan: NaN/Inf flow into params and state (PyTorch's behaviour). */
    LOWP_OPTIM_NONFINITE_PROPAGATE = 1
} lowp_optim_nonfinite;

/* hparams.flags */
#define LOWP_OPTIM_FLAG_NESTEROV            (1u << 0) /* SGD: Nesterov momentum (needs momentum>0, dampening=0) */
#define LOWP_OPTIM_FLAG_MAXIMIZE            (1u << 1) /* SGD, AdamW: ascend (g -> -g) */
#define LOWP_OPTIM_FLAG_AMSGRAD             (1u << 2) /* AdamW: keep max(v) (adds a state slot) */
#define LOWP_OPTIM_FLAG_LAMB_NO_BIAS_CORR   (1u << 3) /* LAMB: ALBERT/BERT code (no m/v bias correction) */
#define LOWP_OPTIM_FLAG_SOPHIA_PAPER_EPS    (1u << 4) /* Sophia: max(rho*bs*h, eps) (paper) instead of rho*bs*h + eps (code) */
#define LOWP_OPTIM_FLAG_SPAM_TORCH_EPS      (1u << 5) /* SPAM: eps on the bias-corrected sqrt(v) (paper restatement) instead of eps-hat (code) */
#define LOWP_OPTIM_FLAG_SSPAM_CLEAN_RESET   (1u << 6) /* Stable-SPAM: reset zeros m,v BEFORE the update (paper) instead of the code's aliasing */
#define LOWP_OPTIM_FLAG_SWAN_NO_RESCALE     (1u << 7) /* SWAN: skip the ||G~||/||dW|| rescale */

/* Hyperparameters for all optimizers. Fill with lowp_optim_hparams_default()
 * and then change fields; fields that an optimizer does not use are ignored
 * (but must still be finite). `lr` is the full scheduled learning rate of
 * this step: the caller may change it between steps. */
struct lowp_optim_hparams {
    lowp_optim_kind kind;
    uint32_t flags;                   /* LOWP_OPTIM_FLAG_* */
    lowp_optim_state_format state_format;
    lowp_optim_nonfinite nonfinite;
    uint64_t seed;                    /* Philox key of the bf16 state's stochastic rounding */

    float lr;
    float beta1, beta2;               /* AdamW/LAMB/SPAM/Stable-SPAM/Sophia betas; Lion's (b1, b2) */
    float eps;
    float weight_decay;               /* lambda; SGD: coupled L2, others: decoupled */

    float momentum, dampening;        /* SGD */

    float lamb_ratio_min, lamb_ratio_max; /* LAMB trust-ratio clamp; 0,0 = none (TF-Addons) */

    float sophia_rho;                 /* Sophia: rho (code name) = gamma (paper) */
    float sophia_bs;                  /* Sophia: tokens behind the GNB gradient (code's `bs`) */
    uint32_t sophia_interval;         /* Sophia: Hessian refresh after steps k, 2k, ... */

    float spam_threshold;             /* SPAM: spike if g^2 > threshold * v (0 = off) */
    uint32_t spam_reset_interval;     /* SPAM: DeltaT */
    uint32_t spam_warmup;             /* SPAM: N, cosine warmup steps after a reset */
    uint32_t spam_clip_delay;         /* SPAM: grad_accu_steps (no spike clip this soon after a reset) */

    float sspam_gamma1, sspam_gamma2, sspam_gamma3; /* Stable-SPAM; gamma1 < 0 means gamma1 = beta1 */
    uint32_t sspam_reset_interval;    /* Stable-SPAM: update_proj_gap (0 = never reset) */
    uint32_t sspam_total_T;           /* Stable-SPAM: cosine momentum decay length (0 = off) */
    float sspam_eta_min;              /* Stable-SPAM: cosine floor for the momentum decay */

    uint32_t swan_ns_steps;           /* SWAN: Newton-Schulz iterations */
    float swan_ns_beta;               /* SWAN: NS step size (0.5 = exact coupled NS) */
    uint32_t sinkgd_iters;            /* SinkGD: L alternations */
    float sinkgd_lr_scale;            /* SinkGD: alpha (step = lr*alpha*X) */
};

/* lowp_optim_tensor.flags */
#define LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY   (1u << 0) /* bias/norm: lambda = 0 for this tensor */
#define LOWP_OPTIM_TENSOR_NO_ADAPTATION     (1u << 1) /* LAMB: trust ratio = 1 for this tensor */

/* One parameter tensor in a multi-tensor call. numel = rows*cols (a 1-D
 * tensor is rows=1, cols=numel; a scalar 1x1; a zero-size tensor has
 * numel=0 and is skipped). rows/cols matter only for SWAN and SinkGD.
 * Offsets are ELEMENT offsets into the caller's buffers. */
struct lowp_optim_tensor {
    uint64_t numel;
    uint64_t rows, cols;
    uint64_t param_offset;
    uint64_t grad_offset;
    uint64_t state_offset;   /* needs lowp_optim_state_slots()*numel elements */
    uint32_t flags;          /* LOWP_OPTIM_TENSOR_* */
};

/* Per-tensor scalar state (host memory; zero-initialise before step 1). */
struct lowp_optim_tensor_state {
    uint64_t step;           /* t_p: updates applied to this tensor (Stable-SPAM: reset to 1) */
    float sspam_m_max;       /* Stable-SPAM: EMA of max|g| (M) */
    float sspam_m_norm;      /* Stable-SPAM: EMA of ||g~|| (mu) */
    float sspam_v_norm;      /* Stable-SPAM: EMA of ||g~||^2 (nu) */
    float last_ratio;        /* LAMB: trust ratio used in the last step (diagnostic) */
};

/* Global scalar state of one optimizer instance (zero-initialise via
 * lowp_optim_global_init()). */
struct lowp_optim_global_state {
    uint64_t step;           /* completed step() calls (Stable-SPAM T, SPAM total_step) */
    uint64_t spam_current;   /* SPAM: steps since the last reset (starts at N+1: no warmup) */
};

/* One multi-tensor update. The *_len fields are the caller's buffer lengths
 * in elements; every tensor range is checked against them. */
struct lowp_optim_step_desc {
    const struct lowp_optim_hparams *hp;
    const struct lowp_optim_tensor *tensors;
    size_t n_tensors;
    uint64_t param_len, grad_len, state_len;
};

/* Elements per fixed-order reduction block (part of the numerical contract). */
#define LOWP_OPTIM_REDUCE_BLOCK 4096u

/* "AdamW", "Sophia-G", ...; "unknown" for a bad value. Never NULL. */
LOWP_API const char *lowp_optim_kind_name(lowp_optim_kind kind);

/* Defaults of the official code / PyTorch for `kind` (see docs/optimizers.md). */
LOWP_API lowp_status lowp_optim_hparams_default(lowp_optim_kind kind, struct lowp_optim_hparams *hp);

/* Reject NaN/negative/out-of-range hyperparameters with a message naming the field. */
LOWP_API lowp_status lowp_optim_hparams_validate(const struct lowp_optim_hparams *hp);

/* Number of per-element state slots for these hyperparameters
 * (SGD: 1 if momentum != 0 else 0 [b]; AdamW: 2 [m,v] or 3 with amsgrad [m,v,vmax];
 * Lion: 1 [m]; LAMB, SPAM, Stable-SPAM: 2 [m,v]; Sophia-G: 2 [m,h]; SWAN, SinkGD: 0). */
LOWP_API lowp_status lowp_optim_state_slots(const struct lowp_optim_hparams *hp, uint32_t *slots);

/* Bytes of per-element state one tensor of `numel` elements needs. */
LOWP_API lowp_status lowp_optim_state_bytes(const struct lowp_optim_hparams *hp, uint64_t numel, uint64_t *bytes);

/* Bytes of device scratch a step over this tensor list uses on OpenCL
 * (allocated by the backend itself, once per context, grow-only): the
 * largest tensor's SWAN workspace, 4*(2*numel + 4*m*m + 2*rows + 4) with
 * m = min(rows, cols), or SinkGD's 4*numel; 0 for the elementwise
 * optimizers. The CPU backend allocates its own host arrays. */
LOWP_API lowp_status lowp_optim_workspace_bytes(const struct lowp_optim_step_desc *d, uint64_t *bytes);

/* Validate a step descriptor: hparams, NULLs, numel == rows*cols, ranges
 * inside the buffers. Overlaps between tensors are the caller's problem. */
LOWP_API lowp_status lowp_optim_step_desc_validate(const struct lowp_optim_step_desc *d);

/* Zero the global state (SPAM: current = warmup+1, i.e. no warmup at start). */
LOWP_API lowp_status lowp_optim_global_init(const struct lowp_optim_hparams *hp, struct lowp_optim_global_state *g);

/* Sophia-G: 1 if the caller must call the Hessian refresh now, i.e. right
 * after the step that made g->step a multiple of sophia_interval (official
 * code: after updates k, 2k, ...). */
LOWP_API int lowp_optim_sophia_refresh_due(const struct lowp_optim_hparams *hp, const struct lowp_optim_global_state *g);

/* ---- device entry points (every device: CPU backend and OpenCL) ----------
 * The same operations on device buffers of an open context. The tensor
 * table's offsets are element offsets into these buffers; desc->param_len,
 * grad_len and state_len must fit inside them (checked). Per-tensor and
 * global scalar state stay in host memory and are updated by the call. The
 * update is queued on the context like every op; lowp_buffer_read or
 * lowp_context_sync wait for it. Under LOWP_OPTIM_NONFINITE_SKIP a call
 * waits for the gradient scan (a 2-float-per-tensor read back) before it
 * changes anything; LAMB and Stable-SPAM also read back their per-tensor
 * norms (see docs/optimizers.md §8 for what each device does).
 *
 * `state` may be NULL when desc->state_len == 0 (SGD without momentum,
 * SWAN, SinkGD). Results equal the CPU reference bit for bit on the CPU
 * backend; OpenCL tolerances are listed in docs/optimizers.md §8. */

/* One optimizer step over every tensor of desc (grad is only read). */
LOWP_API lowp_status lowp_optim_step(lowp_context *ctx, const struct lowp_optim_step_desc *desc, lowp_buffer *param,
                                     const lowp_buffer *grad, lowp_buffer *state,
                                     struct lowp_optim_tensor_state *tensor_states,
                                     struct lowp_optim_global_state *global_state);

/* Sophia-G Hessian refresh h <- b2*h + (1-b2)*gnb^2 (gnb_grad uses the
 * tensors' grad offsets). Call it when lowp_optim_sophia_refresh_due(). */
LOWP_API lowp_status lowp_optim_sophia_hessian(lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                               const lowp_buffer *gnb_grad, lowp_buffer *state);

/* torch.nn.utils.clip_grad_norm_ over every tensor's gradient, in place:
 * total = ||all grads||_2, grads scaled by max_norm/(total+1e-6) when that
 * is < 1. *total_norm (may be NULL) gets the pre-clip norm. Non-finite
 * total under the skip policy: LOWP_ERR_NUMERIC, grads unchanged. */
LOWP_API lowp_status lowp_optim_clip_grad_norm(lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                               lowp_buffer *grad, float max_norm, float *total_norm);

#ifdef __cplusplus
}
#endif
#endif
