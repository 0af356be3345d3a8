/* lowp/model.h — a decoder-only transformer language model (GPT-2 and
 * LLaMA style) and the layer ops it is made of, forward and backward, on
 * every device.
 *
 * Two levels:
 *  1. Layer ops (lowp_embed_*, lowp_norm_*, lowp_rope_apply, lowp_attention_*,
 *     lowp_act_*, lowp_dropout_apply, lowp_xent_forward, lowp_bias_*): device
 *     entry points on lowp buffers with element offsets and a descriptor.
 *  2. The model (lowp_model_*): parameters, gradients and activations in
 *     device buffers; a training step is forward + backward with no host
 *     round trip inside (the loss is read back at the end of forward only
 *     when asked for).
 *
 * All tensors are fp32 and row-major; token ids are int32. Layout and
 * semantics are documented in docs/model.md. */
#ifndef LOWP_MODEL_H
#define LOWP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowp_norm_kind { LOWP_NORM_LAYERNORM = 0, LOWP_NORM_RMSNORM = 1 } lowp_norm_kind;
typedef enum lowp_mlp_kind { LOWP_MLP_GELU = 0, LOWP_MLP_SWIGLU = 1 } lowp_mlp_kind;
typedef enum lowp_pos_kind { LOWP_POS_LEARNED = 0, LOWP_POS_ROPE = 1 } lowp_pos_kind;

/* ---- layer ops -------------------------------------------------------- */

/* out[r, c] = wte[tok[r], c] (+ wpe[r % seq, c] when learned_pos).
 * Backward: dwte[tok[r], c] += dout[r, c] and dwpe[r % seq, c] += dout[r, c],
 * accumulated in increasing r for every (row, column): no atomics, the same
 * bits on every device. Tokens outside [0, vocab) give NaN rows forward and
 * are skipped backward (the model checks tokens before upload). */
struct lowp_embed_desc {
    size_t rows;  /* batch * seq */
    size_t seq;   /* >= 1, divides rows */
    size_t dim;   /* C */
    size_t vocab; /* rows of wte */
    int learned_pos;
    size_t tok_offset, wte_offset, wpe_offset, out_offset; /* out = dout backward */
};
LOWP_API lowp_status lowp_embed_forward(lowp_context *ctx, const struct lowp_embed_desc *d, const lowp_buffer *tok,
                                        const lowp_buffer *wte, const lowp_buffer *wpe, lowp_buffer *out);
LOWP_API lowp_status lowp_embed_backward(lowp_context *ctx, const struct lowp_embed_desc *d, const lowp_buffer *tok,
                                         const lowp_buffer *dout, lowp_buffer *dwte, lowp_buffer *dwpe);

/* Layernorm: y = (x - mean) * rstd * g (+ b), rstd = 1/sqrt(var + eps).
 * RMSnorm:   y = x * rstd * g (+ b),          rstd = 1/sqrt(mean(x^2) + eps).
 * mean[r] (0 for RMSnorm) and rstd[r] are saved for backward.
 * Backward: dx = (accumulate ? dx : 0) + dL/dx; dg[c] += sum_r dy*xhat,
 * db[c] += sum_r dy (rows in increasing order). */
struct lowp_norm_desc {
    lowp_norm_kind kind;
    size_t rows, dim;
    float eps;
    int has_bias;
    int accumulate; /* backward only: add dx into the existing values */
    size_t x_offset, g_offset, b_offset, y_offset, mean_offset, rstd_offset; /* y = dy backward */
    size_t dx_offset, dg_offset, db_offset;
};
LOWP_API lowp_status lowp_norm_forward(lowp_context *ctx, const struct lowp_norm_desc *d, const lowp_buffer *x,
                                       const lowp_buffer *g, const lowp_buffer *b, lowp_buffer *y, lowp_buffer *mean,
                                       lowp_buffer *rstd);
LOWP_API lowp_status lowp_norm_backward(lowp_context *ctx, const struct lowp_norm_desc *d, const lowp_buffer *x,
                                        const lowp_buffer *g, const lowp_buffer *mean, const lowp_buffer *rstd,
                                        const lowp_buffer *dy, lowp_buffer *dx, lowp_buffer *dg, lowp_buffer *db);

/* Rotary position embedding in place (rotate-half / GPT-NeoX pairing):
 * for every row r (position t = r % seq), head h and i < head_dim/2,
 *   (a, b) = (x[i], x[i + head_dim/2]) -> (a*cos - b*sin, b*cos + a*sin)
 * with cos = table[t*head_dim + i], sin = table[t*head_dim + head_dim/2 + i].
 * inverse = 1 rotates by -angle (the backward of the forward). */
struct lowp_rope_desc {
    size_t rows, seq, heads, head_dim; /* head_dim even */
    size_t row_stride;                 /* elements between rows, >= heads*head_dim */
    int inverse;
    size_t x_offset, table_offset;
};
LOWP_API lowp_status lowp_rope_apply(lowp_context *ctx, const struct lowp_rope_desc *d, const lowp_buffer *table,
                                     lowp_buffer *x);
/* The table for positions [0, seq): angle(t, i) = t * base^(-2i/head_dim), computed in double. */
LOWP_API lowp_status lowp_rope_table(size_t seq, size_t head_dim, double base, float *table);

/* Causal scaled-dot-product attention with optional dropout on the
 * probabilities. qkv rows are [q | k | v], each heads*head_dim wide (row
 * stride 3*heads*head_dim); out rows are heads*head_dim. lse[(b*heads+h)*seq+i]
 * keeps each query's log-sum-exp for backward. Nothing T x T is stored: each
 * query row runs an online softmax over keys j <= i (docs/model.md).
 * Dropout keeps probability (b,h,i,j) when the Philox uniform of element
 * ((b*heads+h)*seq+i)*seq+j for (seed, stream) is >= dropout, scaling kept ones
 * by 1/(1-dropout). Backward writes dqkv (same layout as qkv, overwritten)
 * and uses `delta` (batch*heads*seq floats) as scratch. */
struct lowp_attn_desc {
    size_t batch, seq, heads, head_dim;
    float dropout;
    uint64_t seed, stream;
    size_t qkv_offset, out_offset, lse_offset; /* forward and backward */
    size_t dout_offset, dqkv_offset, delta_offset; /* backward */
};
LOWP_API lowp_status lowp_attention_forward(lowp_context *ctx, const struct lowp_attn_desc *d, const lowp_buffer *qkv,
                                            lowp_buffer *out, lowp_buffer *lse);
LOWP_API lowp_status lowp_attention_backward(lowp_context *ctx, const struct lowp_attn_desc *d, const lowp_buffer *qkv,
                                             const lowp_buffer *out, const lowp_buffer *lse, const lowp_buffer *dout,
                                             lowp_buffer *dqkv, lowp_buffer *delta);

/* MLP activation. GELU (tanh approximation, as GPT-2): in and out are
 * rows x hidden. SwiGLU: in rows are [gate | up] (2*hidden wide), out =
 * silu(gate) * up. Backward: din (same shape as in, overwritten) from in and dout. */
struct lowp_act_desc {
    lowp_mlp_kind kind;
    size_t rows, hidden;
    size_t in_offset, out_offset, din_offset; /* out = dout backward */
};
LOWP_API lowp_status lowp_act_forward(lowp_context *ctx, const struct lowp_act_desc *d, const lowp_buffer *in,
                                      lowp_buffer *out);
LOWP_API lowp_status lowp_act_backward(lowp_context *ctx, const struct lowp_act_desc *d, const lowp_buffer *in,
                                       const lowp_buffer *dout, lowp_buffer *din);

/* y[i] = keep(i) ? x[i] / (1 - p) : 0, keep(i) = Philox uniform of element i
 * for (seed, stream) >= p. The same call is its own backward. x == y allowed. */
struct lowp_dropout_desc {
    size_t count;
    float p; /* [0, 1) */
    uint64_t seed, stream;
    size_t x_offset, y_offset;
};
LOWP_API lowp_status lowp_dropout_apply(lowp_context *ctx, const struct lowp_dropout_desc *d, const lowp_buffer *x,
                                        lowp_buffer *y);

/* Softmax cross-entropy fused with its gradient: for each row r,
 * loss[r] = logsumexp(logits[r]) - logits[r, target[r]] and
 * dlogits[r] = (softmax(logits[r]) - onehot(target[r])) * grad_scale.
 * dlogits may be the logits themselves (same buffer and offset). */
struct lowp_xent_desc {
    size_t rows, vocab;
    float grad_scale;
    size_t logits_offset, target_offset, loss_offset, dlogits_offset;
};
LOWP_API lowp_status lowp_xent_forward(lowp_context *ctx, const struct lowp_xent_desc *d, const lowp_buffer *logits,
                                       const lowp_buffer *target, lowp_buffer *loss, lowp_buffer *dlogits);

/* y[r, c] += b[c] (forward of a bias); db[c] += sum_r dy[r, c] (its backward,
 * rows in increasing order). Rows are `cols` apart. */
struct lowp_bias_desc {
    size_t rows, cols;
    size_t b_offset, y_offset; /* y = dy for the gradient */
};
LOWP_API lowp_status lowp_bias_add(lowp_context *ctx, const struct lowp_bias_desc *d, const lowp_buffer *b,
                                   lowp_buffer *y);
LOWP_API lowp_status lowp_bias_grad(lowp_context *ctx, const struct lowp_bias_desc *d, const lowp_buffer *dy,
                                    lowp_buffer *db);

/* ---- the model -------------------------------------------------------- */

struct lowp_model_config {
    size_t vocab;    /* 256 (bytes) when 0 */
    size_t layers;   /* >= 1 */
    size_t dim;      /* width C, a multiple of heads */
    size_t heads;
    size_t context;  /* maximum sequence length T */
    size_t hidden;   /* MLP hidden width; 4*dim when 0 */
    float dropout;   /* embedding, attention-probability and residual dropout */
    float norm_eps;  /* 1e-5 when 0 */
    float rope_base; /* 10000 when 0 */
    lowp_norm_kind norm;
    lowp_mlp_kind mlp;
    lowp_pos_kind pos;
    int tied;        /* LM head shares the token embedding */
    int bias;        /* linear layers and layernorms have biases (GPT-2: 1, LLaMA: 0) */
};

/* GPT-2 style (layernorm, gelu, learned positions, tied head, biases) and
 * LLaMA style (rmsnorm, swiglu, rope, untied head, no biases). */
LOWP_API void lowp_model_config_gpt2(struct lowp_model_config *c, size_t layers, size_t dim, size_t heads,
                                     size_t context);
LOWP_API void lowp_model_config_llama(struct lowp_model_config *c, size_t layers, size_t dim, size_t heads,
                                      size_t context);

typedef struct lowp_model lowp_model;

/* One parameter tensor inside the parameter buffer (the gradient buffer has the same layout). */
struct lowp_model_tensor {
    char name[64];       /* safetensors name, e.g. "transformer.h.0.attn.c_attn.weight" */
    size_t offset;       /* element offset in the parameter / gradient buffers (multiple of 16) */
    size_t count;        /* elements */
    size_t rank, shape[2];
    int decay;           /* 1 for matrices (weight decay applies), 0 for biases and norm gains */
};

LOWP_API lowp_status lowp_model_create(lowp_context *ctx, const struct lowp_model_config *cfg, lowp_model **out);
LOWP_API void lowp_model_free(lowp_model *m);
LOWP_API const struct lowp_model_config *lowp_model_get_config(const lowp_model *m);

/* GPT-2 init from `seed`: weights normal(0, 0.02) (residual output
 * projections 0.02/sqrt(2*layers)), biases 0, norm gains 1. Normals come from
 * Box-Muller on Philox words (docs/model.md), so every device gets the same values. */
LOWP_API lowp_status lowp_model_init(lowp_model *m, uint64_t seed);

/* Forward on a batch of `batch` sequences of `seq` <= context tokens
 * (host int32, batch*seq each). With targets, also the mean cross-entropy
 * and its gradient w.r.t. the logits (kept for backward); `loss` (may be
 * NULL) receives the mean loss. `step` separates dropout masks between
 * steps (masks depend on (dropout_seed, step, layer, site, element)). */
LOWP_API lowp_status lowp_model_forward(lowp_model *m, const int32_t *tokens, const int32_t *targets, size_t batch,
                                        size_t seq, uint64_t step, float *loss);
/* New targets for the last forward: the cross-entropy and its logits
 * gradient are recomputed from the logits that forward kept (no second
 * forward), so the next backward differentiates the mean loss against these
 * targets (-1 = ignored position). `loss` (may be NULL) receives that mean.
 * Sophia's Gauss-Newton-Bartlett estimator uses it with labels sampled from
 * the model's own softmax (docs/trainer.md). */
LOWP_API lowp_status lowp_model_set_targets(lowp_model *m, const int32_t *targets, float *loss);
/* Backward of the last forward (which must have had targets). Parameter
 * gradients are overwritten, or added to the existing ones when `accumulate`. */
LOWP_API lowp_status lowp_model_backward(lowp_model *m, int accumulate);
LOWP_API void lowp_model_set_dropout_seed(lowp_model *m, uint64_t seed);
/* Low-precision recipe of the linear layers' GEMMs (docs/trainer.md,
 * "Recipes"): the operands of the forward, dgrad and wgrad products are
 * block-quantized along the product's K. How the quantized product runs is
 * the recipe's gemm mode (lowp_recipe_gemm). Master weights, gradients and
 * the optimizer stay fp32. */
typedef enum lowp_recipe_kind {
    LOWP_RECIPE_FP32 = 0,
    LOWP_RECIPE_BF16 = 1,  /* every operand rounded to bf16 (RNE) */
    LOWP_RECIPE_MXFP8 = 2, /* MX e4m3 (gradients e5m2), blocks of 32 along K, e8m0 scales */
    LOWP_RECIPE_MXFP4 = 3, /* MX e2m1, blocks of 32 along K, e8m0 scales; SR on gradients */
    LOWP_RECIPE_NVFP4 = 4  /* NVFP4 1x16 (weights 16x16), RHT on wgrad, SR on gradients */
} lowp_recipe_kind;

/* How an MX/NVFP4 product is computed (both give the same quantized
 * operand values; the sums differ only in fp32 summation order):
 *   FAKE:   quantize + dequantize each operand into fp32 scratch
 *           (lowp_fake_quantize), then the fp32 lowp_matmul;
 *   PACKED: lowp_quantize each operand into packed codes and scales, then
 *           lowp_matmul_quantized on them (the low-precision GEMM);
 *   AUTO:   PACKED on OpenCL GPUs, FAKE elsewhere (docs/trainer.md has the
 *           measurements behind the choice).
 * bf16 operands (the bf16 recipe, NVFP4's high-precision layers) always take
 * the fake path: there is no bf16 packed GEMM. */
typedef enum lowp_recipe_gemm {
    LOWP_RECIPE_GEMM_AUTO = 0,
    LOWP_RECIPE_GEMM_FAKE = 1,
    LOWP_RECIPE_GEMM_PACKED = 2
} lowp_recipe_gemm;

struct lowp_model_recipe {
    lowp_recipe_kind kind;
    int rht;             /* NVFP4: random Hadamard (16) on both wgrad operands */
    int sr;              /* MXFP4/NVFP4: stochastic rounding of gradient operands */
    int weights_2d;      /* NVFP4: 16x16 weight blocks (else 1x16 along K) */
    int scale_format;    /* NVFP4 block scale: an enum lowp_format (UE4M3, UE5M3 or E8M0) */
    size_t hp_layers;    /* NVFP4: the last hp_layers blocks (and the LM head) in bf16 */
    uint64_t seed;       /* Philox key of SR and RHT signs */
    lowp_recipe_gemm gemm; /* fake or packed quantized GEMMs (AUTO: by device) */
    /* PQT by Gaussian weight sampling (lowp/pqt.h, docs/trainer.md "PQT"):
     * 0 = off; else every linear layer's weight operand (forward and dgrad
     * products) is lowp_pqt_sample(w) with these bits, blocks of 32 along
     * the weight's rows, a bf16 cast, and fresh noise each step (Philox:
     * seed, a PQT stream of the step and the tensor, the element index);
     * the weight then skips the recipe's own quantization (fake path).
     * Backward is straight-through: dW goes to the master weight as is. */
    uint32_t pqt_bits;   /* 0, or [LOWP_PQT_MIN_BITS, LOWP_PQT_MAX_BITS] = [2, 16] */
};
/* Defaults of a kind (NVFP4: rht, sr, 2D weights on, UE4M3, hp_layers 1;
 * gemm AUTO; PQT off). */
LOWP_API void lowp_model_recipe_default(lowp_recipe_kind kind, struct lowp_model_recipe *r);
/* Use this recipe from the next forward on. */
LOWP_API lowp_status lowp_model_set_recipe(lowp_model *m, const struct lowp_model_recipe *r);

/* Change the dropout probability (in [0, 1)) for the following forward and
 * backward calls: the trainer sets 0 for validation and sampling and puts
 * the configured value back for training. */
LOWP_API lowp_status lowp_model_set_dropout(lowp_model *m, float p);
/* The logits of the last forward (batch*seq*vocab floats) into host memory. */
LOWP_API lowp_status lowp_model_read_logits(lowp_model *m, float *host, size_t count);

/* Parameters and gradients: two device buffers of lowp_model_param_count()
 * floats with the same per-tensor layout. */
LOWP_API size_t lowp_model_param_count(const lowp_model *m);
LOWP_API size_t lowp_model_tensor_count(const lowp_model *m);
LOWP_API const struct lowp_model_tensor *lowp_model_tensors(const lowp_model *m);
LOWP_API lowp_buffer *lowp_model_params(lowp_model *m);
LOWP_API lowp_buffer *lowp_model_grads(lowp_model *m);

/* safetensors: load every parameter (missing, extra-shaped, non-F32 tensors
 * and malformed files fail with LOWP_ERR_CORRUPT naming the problem; a
 * "lm_head.weight" in a tied model is ignored) or save all of them. */
LOWP_API lowp_status lowp_model_load(lowp_model *m, const char *path);
LOWP_API lowp_status lowp_model_save(lowp_model *m, const char *path);
/* Save the gradients under the parameter names. */
LOWP_API lowp_status lowp_model_save_grads(lowp_model *m, const char *path);

#ifdef __cplusplus
}
#endif
#endif
