/* cl_model.h — OpenCL launches of the transformer layer ops (kernels/model.cl). */
#ifndef LOWP_CL_MODEL_H
#define LOWP_CL_MODEL_H

#include "core/backend.h"

lowp_status lowp_cl_embed_forward(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                  const struct lowp_buffer *tok, const struct lowp_buffer *wte,
                                  const struct lowp_buffer *wpe, struct lowp_buffer *out);
lowp_status lowp_cl_embed_backward(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                   const struct lowp_buffer *tok, const struct lowp_buffer *dout,
                                   struct lowp_buffer *dwte, struct lowp_buffer *dwpe);
lowp_status lowp_cl_norm_forward(struct lowp_context *ctx, const struct lowp_norm_desc *d, const struct lowp_buffer *x,
                                 const struct lowp_buffer *g, const struct lowp_buffer *b, struct lowp_buffer *y,
                                 struct lowp_buffer *mean, struct lowp_buffer *rstd);
lowp_status lowp_cl_norm_backward(struct lowp_context *ctx, const struct lowp_norm_desc *d,
                                  const struct lowp_buffer *x, const struct lowp_buffer *g,
                                  const struct lowp_buffer *mean, const struct lowp_buffer *rstd,
                                  const struct lowp_buffer *dy, struct lowp_buffer *dx, struct lowp_buffer *dg,
                                  struct lowp_buffer *db);
lowp_status lowp_cl_rope_apply(struct lowp_context *ctx, const struct lowp_rope_desc *d,
                               const struct lowp_buffer *table, struct lowp_buffer *x);
lowp_status lowp_cl_attention_forward(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                      const struct lowp_buffer *qkv, struct lowp_buffer *out, struct lowp_buffer *lse);
lowp_status lowp_cl_attention_backward(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                       const struct lowp_buffer *qkv, const struct lowp_buffer *out,
                                       const struct lowp_buffer *lse, const struct lowp_buffer *dout,
                                       struct lowp_buffer *dqkv, struct lowp_buffer *delta);
lowp_status lowp_cl_act_forward(struct lowp_context *ctx, const struct lowp_act_desc *d, const struct lowp_buffer *in,
                                struct lowp_buffer *out);
lowp_status lowp_cl_act_backward(struct lowp_context *ctx, const struct lowp_act_desc *d, const struct lowp_buffer *in,
                                 const struct lowp_buffer *dout, struct lowp_buffer *din);
lowp_status lowp_cl_dropout_apply(struct lowp_context *ctx, const struct lowp_dropout_desc *d,
                                  const struct lowp_buffer *x, struct lowp_buffer *y);
lowp_status lowp_cl_xent_forward(struct lowp_context *ctx, const struct lowp_xent_desc *d,
                                 const struct lowp_buffer *logits, const struct lowp_buffer *target,
                                 struct lowp_buffer *loss, struct lowp_buffer *dlogits);
lowp_status lowp_cl_bias_add(struct lowp_context *ctx, const struct lowp_bias_desc *d, const struct lowp_buffer *b,
                             struct lowp_buffer *y);
lowp_status lowp_cl_bias_grad(struct lowp_context *ctx, const struct lowp_bias_desc *d, const struct lowp_buffer *dy,
                              struct lowp_buffer *db);

#endif
