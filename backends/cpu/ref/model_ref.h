/* model_ref.h — the scalar CPU reference of the model's layer ops: the
 * definition of correct. Double accumulation for every sum except the
 * gradient scatters of embedding and bias (fp32 adds in increasing row
 * order, which every device reproduces bit for bit). Pointers are buffer
 * bases; the descriptor's offsets are applied here.
 *
 * Row- (or column-, or (batch,head)-) range variants let the fast CPU
 * backend split work over threads and still give the reference's bits. */
#ifndef LOWP_MODEL_REF_H
#define LOWP_MODEL_REF_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/model.h"

void lowp_ref_embed_forward_rows(const struct lowp_embed_desc *d, const int32_t *tok, const float *wte,
                                 const float *wpe, float *out, size_t r0, size_t r1);
void lowp_ref_embed_backward_cols(const struct lowp_embed_desc *d, const int32_t *tok, const float *dout, float *dwte,
                                  float *dwpe, size_t c0, size_t c1);

void lowp_ref_norm_forward_rows(const struct lowp_norm_desc *d, const float *x, const float *g, const float *b,
                                float *y, float *mean, float *rstd, size_t r0, size_t r1);
void lowp_ref_norm_backward_dx_rows(const struct lowp_norm_desc *d, const float *x, const float *g, const float *mean,
                                    const float *rstd, const float *dy, float *dx, size_t r0, size_t r1);
void lowp_ref_norm_backward_dg_cols(const struct lowp_norm_desc *d, const float *x, const float *mean,
                                    const float *rstd, const float *dy, float *dg, float *db, size_t c0, size_t c1);

void lowp_ref_rope_rows(const struct lowp_rope_desc *d, const float *table, float *x, size_t r0, size_t r1);

/* Ranges over (batch, head) pairs bh = b*heads + h. */
lowp_status lowp_ref_attention_forward_bh(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse,
                                          size_t bh0, size_t bh1);
lowp_status lowp_ref_attention_backward_bh(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                           const float *lse, const float *dout, float *dqkv, float *delta, size_t bh0,
                                           size_t bh1);

void lowp_ref_dropout_range(const struct lowp_dropout_desc *d, const float *x, float *y, size_t i0, size_t i1);

void lowp_ref_xent_rows(const struct lowp_xent_desc *d, const float *logits, const int32_t *target, float *loss,
                        float *dlogits, size_t r0, size_t r1);

void lowp_ref_bias_add_rows(const struct lowp_bias_desc *d, const float *b, float *y, size_t r0, size_t r1);
void lowp_ref_bias_grad_cols(const struct lowp_bias_desc *d, const float *dy, float *db, size_t c0, size_t c1);

/* Whole-op conveniences (the full range). */
void lowp_ref_embed_forward(const struct lowp_embed_desc *d, const int32_t *tok, const float *wte, const float *wpe,
                            float *out);
void lowp_ref_embed_backward(const struct lowp_embed_desc *d, const int32_t *tok, const float *dout, float *dwte,
                             float *dwpe);
void lowp_ref_norm_forward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *b, float *y,
                           float *mean, float *rstd);
void lowp_ref_norm_backward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *mean,
                            const float *rstd, const float *dy, float *dx, float *dg, float *db);
void lowp_ref_rope(const struct lowp_rope_desc *d, const float *table, float *x);
lowp_status lowp_ref_attention_forward(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse);
lowp_status lowp_ref_attention_backward(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                        const float *lse, const float *dout, float *dqkv, float *delta);
void lowp_ref_act_forward(const struct lowp_act_desc *d, const float *in, float *out);
void lowp_ref_act_backward(const struct lowp_act_desc *d, const float *in, const float *dout, float *din);
void lowp_ref_dropout(const struct lowp_dropout_desc *d, const float *x, float *y);
void lowp_ref_xent(const struct lowp_xent_desc *d, const float *logits, const int32_t *target, float *loss,
                   float *dlogits);
void lowp_ref_bias_add(const struct lowp_bias_desc *d, const float *b, float *y);
void lowp_ref_bias_grad(const struct lowp_bias_desc *d, const float *dy, float *db);

/* Dropout keep test and scale shared by every implementation. */
static inline int lowp_model_keep(uint32_t word, float p) { return (float)(word >> 8) * (1.0f / 16777216.0f) >= p; }

#endif
