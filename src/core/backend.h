/* backend.h — THE backend interface. A backend (backends/cpu, backends/opencl)
 * is one `struct lowp_backend_ops` table; the op front-ends in src/ops/ check
 * their arguments and then call through it. Front-ends guarantee, before
 * any call: non-NULL arguments, buffers belonging to `ctx`, and every
 * accessed element range inside its buffer. Backends only report what they
 * alone can know (device errors, unsupported features, build failures).
 *
 * To add an op: one entry here, one front-end in src/ops/, one scalar
 * reference in backends/cpu/ref/, the fast CPU code, the OpenCL launch and
 * kernels/<family>.cl, a row in tests/test_ops.c, a row in bench/. See
 * docs/architecture.md. An entry may be NULL: the front-end then answers
 * LOWP_ERR_UNSUPPORTED. */
#ifndef LOWP_CORE_BACKEND_H
#define LOWP_CORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/basic.h"
#include "lowp/device.h"
#include "lowp/optim.h"
#include "lowp/matmul.h"
#include "lowp/formats.h"
#include "lowp/hadamard.h"
#include "lowp/pqt.h"
#include "lowp/model.h"

/* One discovered device: public description + what the backend needs to open it. */
struct lowp_device_entry {
    struct lowp_device_info info;
    const struct lowp_backend_ops *ops;
    void *platform; /* backend-private handles (cl_platform_id, cl_device_id) */
    void *device;
};

struct lowp_context {
    struct lowp_device_entry device;
    const struct lowp_backend_ops *ops;
    void *impl;                 /* backend state: queue, caches */
    struct lowp_buffer *buffers; /* live buffers, freed by lowp_context_close */
};

struct lowp_buffer {
    struct lowp_context *ctx;
    size_t bytes;
    void *handle; /* host pointer (CPU backend) or cl_mem */
    struct lowp_buffer *prev, *next;
};

struct lowp_backend_ops {
    const char *name;

    /* Append this backend's devices to `list` (capacity `cap`), add their number to *count. */
    lowp_status (*enumerate)(struct lowp_device_entry *list, size_t cap, size_t *count);

    lowp_status (*context_open)(struct lowp_context *ctx);
    void (*context_close)(struct lowp_context *ctx);
    lowp_status (*sync)(struct lowp_context *ctx);

    lowp_status (*buffer_alloc)(struct lowp_context *ctx, struct lowp_buffer *buf);
    void (*buffer_free)(struct lowp_context *ctx, struct lowp_buffer *buf);
    lowp_status (*buffer_write)(struct lowp_context *ctx, struct lowp_buffer *dst, size_t offset,
                                const void *src, size_t bytes);
    lowp_status (*buffer_read)(struct lowp_context *ctx, const struct lowp_buffer *src, size_t offset,
                               void *dst, size_t bytes);
    lowp_status (*buffer_copy)(struct lowp_context *ctx, struct lowp_buffer *dst, size_t dst_offset,
                               const struct lowp_buffer *src, size_t src_offset, size_t bytes);

    /* basic.h */
    lowp_status (*fill_f32)(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                            float value);
    lowp_status (*scale_f32)(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                             float alpha);
    lowp_status (*axpy_f32)(struct lowp_context *ctx, size_t count, float alpha, const struct lowp_buffer *x,
                            size_t x_offset, struct lowp_buffer *y, size_t y_offset);
    lowp_status (*random_u32)(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                              uint64_t seed, uint64_t stream);
    lowp_status (*reduce_rows_f32)(struct lowp_context *ctx, const struct lowp_reduce_desc *desc,
                                   const struct lowp_buffer *x, struct lowp_buffer *out);

    /* ---- optim.h (Optimizers family): checked by src/ops/optim.c; buffers
     * hold desc->*_len elements; state is NULL when desc->state_len == 0;
     * ts has desc->n_tensors entries. ---- */
    lowp_status (*optim_step)(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                              struct lowp_buffer *param, const struct lowp_buffer *grad, struct lowp_buffer *state,
                              struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs);
    lowp_status (*optim_sophia_hessian)(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                        const struct lowp_buffer *gnb_grad, struct lowp_buffer *state);
    lowp_status (*optim_clip_grad_norm)(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                        struct lowp_buffer *grad, float max_norm, float *total_norm);
    /* ---- end optim.h ---- */
    /* ---- matmul.h ------------------------------------------------------
     * `desc` is validated against the buffers (extents, ownership, no C/A or
     * C/B overlap) and non-empty (m, n, batch >= 1); desc->engine is
     * explicit or AUTO after $LOWP_MATMUL_ENGINE was applied. a and b are
     * NULL when the descriptor does not read them (alpha == 0 or k == 0). */
    lowp_status (*matmul)(struct lowp_context *ctx, const struct lowp_matmul_desc *desc, const struct lowp_buffer *a,
                          const struct lowp_buffer *b, struct lowp_buffer *c);
    /* ---- end matmul.h -------------------------------------------------- */
    /* ---- matmul.h: quantized operands (lowp_matmul_quantized) ----
     * desc validated (lowp_qmatmul_desc_sizes), buffers hold their sizes from
     * offset 0, m and n >= 1. Operand buffers (codes, scales, tensor scales)
     * are NULL when not read (alpha == 0 or k == 0; tensor scales for E8M0). */
    lowp_status (*matmul_quantized)(struct lowp_context *ctx, const struct lowp_qmatmul_desc *desc,
                                    const struct lowp_buffer *a_codes, const struct lowp_buffer *a_scales,
                                    const struct lowp_buffer *a_tensor_scale, const struct lowp_buffer *b_codes,
                                    const struct lowp_buffer *b_scales, const struct lowp_buffer *b_tensor_scale,
                                    struct lowp_buffer *c);
    /* ---- end matmul.h: quantized operands ---- */
    /* ---- formats.h (casts and block quantization) ----
     * Offsets as in lowp/formats.h; descriptors already validated
     * (lowp_quant_check), ranges checked, aliasing allowed only where the
     * header says. `stats` may be NULL. */
    lowp_status (*cast_encode)(struct lowp_context *ctx, const struct lowp_cast_desc *d, const struct lowp_buffer *x,
                               size_t x_offset, struct lowp_buffer *codes, size_t codes_offset);
    lowp_status (*cast_decode)(struct lowp_context *ctx, const struct lowp_cast_desc *d,
                               const struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *y,
                               size_t y_offset);
    lowp_status (*cast_round)(struct lowp_context *ctx, const struct lowp_cast_desc *d, const struct lowp_buffer *x,
                              size_t x_offset, struct lowp_buffer *y, size_t y_offset);
    lowp_status (*quantize)(struct lowp_context *ctx, const struct lowp_quant_desc *d, const struct lowp_buffer *x,
                            size_t x_offset, struct lowp_buffer *codes, size_t codes_offset,
                            struct lowp_buffer *scales, size_t scales_offset, struct lowp_buffer *tensor_scale,
                            size_t tensor_scale_offset, struct lowp_quant_stats *stats);
    lowp_status (*dequantize)(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                              const struct lowp_buffer *codes, size_t codes_offset, const struct lowp_buffer *scales,
                              size_t scales_offset, const struct lowp_buffer *tensor_scale, size_t tensor_scale_offset,
                              struct lowp_buffer *y, size_t y_offset);
    lowp_status (*fake_quantize)(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                                 const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                                 struct lowp_quant_stats *stats);
    /* ---- end formats.h ---- */
    /* ---- hadamard.h ----------------------------------------------------
     * desc is validated; x, y (and sign_bits for SIGNS_USER, else NULL) hold
     * their element ranges; y either aliases x exactly (same offset, dtype
     * and stride) or does not overlap it. Offsets are in elements of
     * dtype_in / dtype_out; sign words start at element 0. */
    lowp_status (*hadamard)(struct lowp_context *ctx, const struct lowp_hadamard_desc *desc,
                            const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                            const struct lowp_buffer *sign_bits);
    /* Fused transform + block quantize: h, q pass lowp_hadamard_quant_check;
     * ranges checked, x/codes/scales/tensor_scale do not overlap; tensor_scale
     * NULL for E8M0; offsets as in lowp_quantize (x in dtype_in elements). */
    lowp_status (*hadamard_quantize)(struct lowp_context *ctx, const struct lowp_hadamard_desc *h,
                                     const struct lowp_quant_desc *q, const struct lowp_buffer *x, size_t x_offset,
                                     struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *scales,
                                     size_t scales_offset, struct lowp_buffer *tensor_scale, size_t ts_offset,
                                     const struct lowp_buffer *sign_bits);
    /* ---- end hadamard.h ---- */
    /* ---- model.h: transformer layer ops (src/ops/model.c) ---- */
    lowp_status (*embed_forward)(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                 const struct lowp_buffer *tok, const struct lowp_buffer *wte,
                                 const struct lowp_buffer *wpe, struct lowp_buffer *out);
    lowp_status (*embed_backward)(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                  const struct lowp_buffer *tok, const struct lowp_buffer *dout,
                                  struct lowp_buffer *dwte, struct lowp_buffer *dwpe);
    lowp_status (*norm_forward)(struct lowp_context *ctx, const struct lowp_norm_desc *d, const struct lowp_buffer *x,
                                const struct lowp_buffer *g, const struct lowp_buffer *b, struct lowp_buffer *y,
                                struct lowp_buffer *mean, struct lowp_buffer *rstd);
    lowp_status (*norm_backward)(struct lowp_context *ctx, const struct lowp_norm_desc *d, const struct lowp_buffer *x,
                                 const struct lowp_buffer *g, const struct lowp_buffer *mean,
                                 const struct lowp_buffer *rstd, const struct lowp_buffer *dy, struct lowp_buffer *dx,
                                 struct lowp_buffer *dg, struct lowp_buffer *db);
    lowp_status (*rope_apply)(struct lowp_context *ctx, const struct lowp_rope_desc *d,
                              const struct lowp_buffer *table, struct lowp_buffer *x);
    lowp_status (*attention_forward)(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                     const struct lowp_buffer *qkv, struct lowp_buffer *out, struct lowp_buffer *lse);
    lowp_status (*attention_backward)(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                      const struct lowp_buffer *qkv, const struct lowp_buffer *out,
                                      const struct lowp_buffer *lse, const struct lowp_buffer *dout,
                                      struct lowp_buffer *dqkv, struct lowp_buffer *delta);
    lowp_status (*act_forward)(struct lowp_context *ctx, const struct lowp_act_desc *d, const struct lowp_buffer *in,
                               struct lowp_buffer *out);
    lowp_status (*act_backward)(struct lowp_context *ctx, const struct lowp_act_desc *d, const struct lowp_buffer *in,
                                const struct lowp_buffer *dout, struct lowp_buffer *din);
    lowp_status (*dropout_apply)(struct lowp_context *ctx, const struct lowp_dropout_desc *d,
                                 const struct lowp_buffer *x, struct lowp_buffer *y);
    lowp_status (*xent_forward)(struct lowp_context *ctx, const struct lowp_xent_desc *d,
                                const struct lowp_buffer *logits, const struct lowp_buffer *target,
                                struct lowp_buffer *loss, struct lowp_buffer *dlogits);
    lowp_status (*bias_add)(struct lowp_context *ctx, const struct lowp_bias_desc *d, const struct lowp_buffer *b,
                            struct lowp_buffer *y);
    lowp_status (*bias_grad)(struct lowp_context *ctx, const struct lowp_bias_desc *d, const struct lowp_buffer *dy,
                             struct lowp_buffer *db);
    /* ---- end model.h ---- */

    /* ---- pqt.h: d passed the front-end checks, rows * cols >= 1 ---- */
    lowp_status (*pqt_sample)(struct lowp_context *ctx, const struct lowp_pqt_desc *d, const struct lowp_buffer *x,
                              struct lowp_buffer *y);
};

extern const struct lowp_backend_ops lowp_cpu_backend;
#ifdef LOWP_HAVE_OPENCL
extern const struct lowp_backend_ops lowp_opencl_backend;
#endif

#endif
