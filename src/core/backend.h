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
#include "lowp/model.h"
#include "model/model_gemm.h"

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
    /* the model's interim GEMM (src/model/model_gemm.h), replaced by lowp_matmul later */
    lowp_status (*model_gemm)(struct lowp_context *ctx, const struct lowp_model_gemm_desc *d,
                              const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c);
    /* ---- end model.h ---- */
};

extern const struct lowp_backend_ops lowp_cpu_backend;
#ifdef LOWP_HAVE_OPENCL
extern const struct lowp_backend_ops lowp_opencl_backend;
#endif

#endif
