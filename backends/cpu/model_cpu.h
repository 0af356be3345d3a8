/* model_cpu.h — fast CPU versions of the model's layer ops. Every op but
 * attention runs the reference on independent ranges (rows or columns) in
 * OpenMP threads, so it gives the reference's bits. Attention (fp32, one
 * thread per (batch, head), dK/dV fused into the dQ pass) has its own code
 * and matches the reference within tolerance. The linear layers' GEMMs are
 * lowp_matmul (backends/cpu/matmul_cpu.c). */
#ifndef LOWP_MODEL_CPU_H
#define LOWP_MODEL_CPU_H

#include <stdint.h>

#include "lowp/model.h"

void lowp_cpu_embed_forward(const struct lowp_embed_desc *d, const int32_t *tok, const float *wte, const float *wpe,
                            float *out);
void lowp_cpu_embed_backward(const struct lowp_embed_desc *d, const int32_t *tok, const float *dout, float *dwte,
                             float *dwpe);
void lowp_cpu_norm_forward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *b, float *y,
                           float *mean, float *rstd);
void lowp_cpu_norm_backward(const struct lowp_norm_desc *d, const float *x, const float *g, const float *mean,
                            const float *rstd, const float *dy, float *dx, float *dg, float *db);
void lowp_cpu_rope(const struct lowp_rope_desc *d, const float *table, float *x);
lowp_status lowp_cpu_attention_forward(const struct lowp_attn_desc *d, const float *qkv, float *out, float *lse);
lowp_status lowp_cpu_attention_backward(const struct lowp_attn_desc *d, const float *qkv, const float *out,
                                        const float *lse, const float *dout, float *dqkv, float *delta);
void lowp_cpu_act_forward(const struct lowp_act_desc *d, const float *in, float *out);
void lowp_cpu_act_backward(const struct lowp_act_desc *d, const float *in, const float *dout, float *din);
void lowp_cpu_dropout(const struct lowp_dropout_desc *d, const float *x, float *y);
void lowp_cpu_xent(const struct lowp_xent_desc *d, const float *logits, const int32_t *target, float *loss,
                   float *dlogits);
void lowp_cpu_bias_add(const struct lowp_bias_desc *d, const float *b, float *y);
void lowp_cpu_bias_grad(const struct lowp_bias_desc *d, const float *dy, float *db);

#endif
