/* cpu_backend.c — the CPU backend: one device ("cpu"), host memory buffers,
 * ops from basic_cpu.c and the other *_cpu.c files. Always present. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef LOWP_HAVE_CBLAS
#include <cblas.h>
#endif

#include "basic_cpu.h"
#include "optim_cpu.h"
#include "matmul_cpu.h"
#include "qmatmul_cpu.h"
#include "formats_cpu.h"
#include "hadamard_cpu.h"
#include "hadamard_quant_cpu.h"
#include "model_cpu.h"
#include "pqt_cpu.h"
#include "core/backend.h"
#include "core/error.h"

/* Buffers are aligned for wide vector loads. */
#define CPU_BUFFER_ALIGN 64

static void read_cpuinfo(char *name, size_t name_len, char *vendor, size_t vendor_len)
{
    snprintf(name, name_len, "CPU");
    snprintf(vendor, vendor_len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    int have_name = 0, have_vendor = 0;
    while ((!have_name || !have_vendor) && fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t')
            ++value;
        value[strcspn(value, "\n")] = '\0';
        if (!have_name && strncmp(line, "model name", 10) == 0) {
            snprintf(name, name_len, "%s", value);
            have_name = 1;
        } else if (!have_vendor && strncmp(line, "vendor_id", 9) == 0) {
            snprintf(vendor, vendor_len, "%s", value);
            have_vendor = 1;
        }
    }
    fclose(f);
}

static lowp_status cpu_enumerate(struct lowp_device_entry *list, size_t cap, size_t *count)
{
    if (cap == 0)
        return LOWP_OK;
    struct lowp_device_entry *e = &list[0];
    memset(e, 0, sizeof *e);
    struct lowp_device_info *info = &e->info;
    snprintf(info->id, sizeof info->id, "cpu");
    read_cpuinfo(info->name, sizeof info->name, info->vendor, sizeof info->vendor);
    snprintf(info->platform, sizeof info->platform, "lowp CPU backend");
    /* What the speed depends on: the threading, which OpenBLAS build is
     * loaded (docs/matmul.md) and whether the SIMD lanes run (docs/formats.md). */
#if defined(_OPENMP) && defined(LOWP_HAVE_CBLAS)
    int par = openblas_get_parallel();
    snprintf(info->driver, sizeof info->driver, "C11, OpenMP %d, OpenBLAS %s, SIMD %s", _OPENMP,
             par == 2 ? "(OpenMP)" : par == 1 ? "(pthreads)" : "(serial)", lowp_cpu_lanes_name());
#elif defined(_OPENMP)
    snprintf(info->driver, sizeof info->driver, "C11, OpenMP %d, SIMD %s", _OPENMP, lowp_cpu_lanes_name());
#else
    snprintf(info->driver, sizeof info->driver, "C11, single thread, SIMD %s", lowp_cpu_lanes_name());
#endif
    snprintf(info->version, sizeof info->version, "C11");
    info->backend = LOWP_BACKEND_CPU;
    info->kind = LOWP_DEVICE_KIND_CPU;
#ifdef _OPENMP
    info->compute_units = (uint32_t)omp_get_num_procs();
#else
    long procs = sysconf(_SC_NPROCESSORS_ONLN);
    info->compute_units = procs > 0 ? (uint32_t)procs : 1;
#endif
    info->max_work_group_size = 1;
    info->caps = LOWP_CAP_FP64 | LOWP_CAP_F32_DENORMALS;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    info->global_mem_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    info->local_mem_bytes = 0;
    info->max_alloc_bytes = info->global_mem_bytes;
    e->ops = &lowp_cpu_backend;
    *count += 1;
    return LOWP_OK;
}

static lowp_status cpu_context_open(struct lowp_context *ctx)
{
    ctx->impl = NULL;
    return LOWP_OK;
}

static void cpu_context_close(struct lowp_context *ctx) { (void)ctx; }

static lowp_status cpu_sync(struct lowp_context *ctx)
{
    (void)ctx; /* CPU ops finish before they return */
    return LOWP_OK;
}

static lowp_status cpu_buffer_alloc(struct lowp_context *ctx, struct lowp_buffer *buf)
{
    (void)ctx;
    size_t rounded = (buf->bytes + CPU_BUFFER_ALIGN - 1) / CPU_BUFFER_ALIGN * CPU_BUFFER_ALIGN;
    if (rounded < buf->bytes)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "cpu buffer: %zu bytes is too large", buf->bytes);
    buf->handle = aligned_alloc(CPU_BUFFER_ALIGN, rounded);
    if (buf->handle == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "cpu buffer: cannot allocate %zu bytes", buf->bytes);
    return LOWP_OK;
}

static void cpu_buffer_free(struct lowp_context *ctx, struct lowp_buffer *buf)
{
    (void)ctx;
    free(buf->handle);
    buf->handle = NULL;
}

static lowp_status cpu_buffer_write(struct lowp_context *ctx, struct lowp_buffer *dst, size_t offset,
                                    const void *src, size_t bytes)
{
    (void)ctx;
    lowp_cpu_copy_bytes((char *)dst->handle + offset, src, bytes);
    return LOWP_OK;
}

static lowp_status cpu_buffer_read(struct lowp_context *ctx, const struct lowp_buffer *src, size_t offset,
                                   void *dst, size_t bytes)
{
    (void)ctx;
    lowp_cpu_copy_bytes(dst, (const char *)src->handle + offset, bytes);
    return LOWP_OK;
}

static lowp_status cpu_buffer_copy(struct lowp_context *ctx, struct lowp_buffer *dst, size_t dst_offset,
                                   const struct lowp_buffer *src, size_t src_offset, size_t bytes)
{
    (void)ctx;
    lowp_cpu_copy_bytes((char *)dst->handle + dst_offset, (const char *)src->handle + src_offset, bytes);
    return LOWP_OK;
}

#define F32(buf) ((float *)(buf)->handle)

static lowp_status cpu_fill_f32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                                float value)
{
    (void)ctx;
    lowp_cpu_fill_f32(F32(x) + offset, count, value);
    return LOWP_OK;
}

static lowp_status cpu_scale_f32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                                 float alpha)
{
    (void)ctx;
    lowp_cpu_scale_f32(F32(x) + offset, count, alpha);
    return LOWP_OK;
}

static lowp_status cpu_axpy_f32(struct lowp_context *ctx, size_t count, float alpha, const struct lowp_buffer *x,
                                size_t x_offset, struct lowp_buffer *y, size_t y_offset)
{
    (void)ctx;
    lowp_cpu_axpy_f32(count, alpha, F32(x) + x_offset, F32(y) + y_offset);
    return LOWP_OK;
}

static lowp_status cpu_random_u32(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                                  uint64_t seed, uint64_t stream)
{
    (void)ctx;
    lowp_cpu_random_u32((uint32_t *)x->handle + offset, count, seed, stream);
    return LOWP_OK;
}

static lowp_status cpu_reduce_rows_f32(struct lowp_context *ctx, const struct lowp_reduce_desc *desc,
                                       const struct lowp_buffer *x, struct lowp_buffer *out)
{
    (void)ctx;
    return lowp_cpu_reduce_rows_f32(desc, F32(x), F32(out));
}

/* ---- optim.h: the fast CPU path on host pointers (optim_cpu.c) ---- */
static lowp_status cpu_optim_step(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                  struct lowp_buffer *param, const struct lowp_buffer *grad, struct lowp_buffer *state,
                                  struct lowp_optim_tensor_state *ts, struct lowp_optim_global_state *gs)
{
    (void)ctx;
    return lowp_cpu_optim_step(desc, F32(param), F32(grad), state != NULL ? state->handle : NULL, ts, gs);
}

static lowp_status cpu_optim_sophia_hessian(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                            const struct lowp_buffer *gnb_grad, struct lowp_buffer *state)
{
    (void)ctx;
    return lowp_cpu_optim_sophia_hessian(desc, F32(gnb_grad), state != NULL ? state->handle : NULL);
}

static lowp_status cpu_optim_clip_grad_norm(struct lowp_context *ctx, const struct lowp_optim_step_desc *desc,
                                            struct lowp_buffer *grad, float max_norm, float *total_norm)
{
    (void)ctx;
    return lowp_cpu_optim_clip_grad_norm(desc, F32(grad), max_norm, total_norm);
}

/* matmul.h: host pointers and buffer lengths in floats; the front-end has
 * already checked the descriptor against them. */
static lowp_status cpu_matmul(struct lowp_context *ctx, const struct lowp_matmul_desc *desc,
                              const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c)
{
    (void)ctx;
    return lowp_cpu_matmul(desc, a ? F32(a) : NULL, a ? a->bytes / sizeof(float) : 0, b ? F32(b) : NULL,
                           b ? b->bytes / sizeof(float) : 0, F32(c), c->bytes / sizeof(float));
}

/* ---- formats.h: the OpenMP code of formats_cpu.c on host pointers ---- */
#define BYTES(buf, off) ((uint8_t *)(buf)->handle + (off))

/* matmul.h, quantized operands: buffers from offset 0; tensor scales only
 * for two-level formats (1.0 stands in otherwise, unused). */
static lowp_status cpu_matmul_quantized(struct lowp_context *ctx, const struct lowp_qmatmul_desc *desc,
                                        const struct lowp_buffer *a_codes, const struct lowp_buffer *a_scales,
                                        const struct lowp_buffer *a_ts, const struct lowp_buffer *b_codes,
                                        const struct lowp_buffer *b_scales, const struct lowp_buffer *b_ts,
                                        struct lowp_buffer *c)
{
    (void)ctx;
    return lowp_cpu_matmul_quantized(desc, a_codes ? BYTES(a_codes, 0) : NULL, a_scales ? BYTES(a_scales, 0) : NULL,
                                     a_ts ? F32(a_ts)[0] : 1.0f, b_codes ? BYTES(b_codes, 0) : NULL,
                                     b_scales ? BYTES(b_scales, 0) : NULL, b_ts ? F32(b_ts)[0] : 1.0f, F32(c),
                                     c->bytes / sizeof(float));
}

static lowp_status cpu_cast_encode(struct lowp_context *ctx, const struct lowp_cast_desc *d,
                                   const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *codes,
                                   size_t codes_offset)
{
    (void)ctx;
    return lowp_cpu_cast_encode(d, F32(x) + x_offset, BYTES(codes, codes_offset * lowp_format_code_bytes(d->format)));
}

static lowp_status cpu_cast_decode(struct lowp_context *ctx, const struct lowp_cast_desc *d,
                                   const struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *y,
                                   size_t y_offset)
{
    (void)ctx;
    return lowp_cpu_cast_decode(d, BYTES(codes, codes_offset * lowp_format_code_bytes(d->format)), F32(y) + y_offset);
}

static lowp_status cpu_cast_round(struct lowp_context *ctx, const struct lowp_cast_desc *d,
                                  const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset)
{
    (void)ctx;
    return lowp_cpu_cast_round(d, F32(x) + x_offset, F32(y) + y_offset);
}

static lowp_status cpu_quantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                                const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *codes,
                                size_t codes_offset, struct lowp_buffer *scales, size_t scales_offset,
                                struct lowp_buffer *tensor_scale, size_t tensor_scale_offset,
                                struct lowp_quant_stats *stats)
{
    (void)ctx;
    float ts_unused = 0.0f;
    float *ts = tensor_scale != NULL ? F32(tensor_scale) + tensor_scale_offset : &ts_unused;
    return lowp_cpu_quantize(d, F32(x) + x_offset, BYTES(codes, codes_offset), BYTES(scales, scales_offset), ts,
                             stats);
}

static lowp_status cpu_dequantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                                  const struct lowp_buffer *codes, size_t codes_offset,
                                  const struct lowp_buffer *scales, size_t scales_offset,
                                  const struct lowp_buffer *tensor_scale, size_t tensor_scale_offset,
                                  struct lowp_buffer *y, size_t y_offset)
{
    (void)ctx;
    float ts = tensor_scale != NULL ? F32(tensor_scale)[tensor_scale_offset] : 1.0f;
    return lowp_cpu_dequantize(d, BYTES(codes, codes_offset), BYTES(scales, scales_offset), ts, F32(y) + y_offset);
}

static lowp_status cpu_fake_quantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                                     const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y,
                                     size_t y_offset, struct lowp_quant_stats *stats)
{
    (void)ctx;
    return lowp_cpu_fake_quantize(d, F32(x) + x_offset, F32(y) + y_offset, stats);
}
/* ---- hadamard.h ---- */
static lowp_status cpu_hadamard(struct lowp_context *ctx, const struct lowp_hadamard_desc *desc,
                                const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                                const struct lowp_buffer *sign_bits)
{
    (void)ctx;
    const size_t in_es = desc->dtype_in == LOWP_HADAMARD_DTYPE_BF16 ? 2 : 4;
    const size_t out_es = desc->dtype_out == LOWP_HADAMARD_DTYPE_BF16 ? 2 : 4;
    return lowp_cpu_hadamard(desc, (const char *)x->handle + x_offset * in_es, (char *)y->handle + y_offset * out_es,
                             sign_bits != NULL ? (const uint32_t *)sign_bits->handle : NULL);
}
static lowp_status cpu_hadamard_quantize(struct lowp_context *ctx, const struct lowp_hadamard_desc *h,
                                         const struct lowp_quant_desc *q, const struct lowp_buffer *x, size_t x_offset,
                                         struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *scales,
                                         size_t scales_offset, struct lowp_buffer *tensor_scale, size_t ts_offset,
                                         const struct lowp_buffer *sign_bits)
{
    (void)ctx;
    size_t in_es = h->dtype_in == LOWP_HADAMARD_DTYPE_BF16 ? 2u : 4u;
    return lowp_cpu_hadamard_quantize(h, q, (const char *)x->handle + x_offset * in_es,
                                      (uint8_t *)codes->handle + codes_offset, (uint8_t *)scales->handle + scales_offset,
                                      tensor_scale ? (float *)tensor_scale->handle + ts_offset : NULL,
                                      sign_bits ? (const uint32_t *)sign_bits->handle : NULL);
}
/* ---- end hadamard.h ---- */
/* ---- model.h ---- */
#define I32(buf) ((int32_t *)(buf)->handle)
#define F32N(buf) ((buf) != NULL ? F32(buf) : NULL)

static lowp_status cpu_embed_forward(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                     const struct lowp_buffer *tok, const struct lowp_buffer *wte,
                                     const struct lowp_buffer *wpe, struct lowp_buffer *out)
{
    (void)ctx;
    lowp_cpu_embed_forward(d, I32(tok), F32(wte), F32N(wpe), F32(out));
    return LOWP_OK;
}

static lowp_status cpu_embed_backward(struct lowp_context *ctx, const struct lowp_embed_desc *d,
                                      const struct lowp_buffer *tok, const struct lowp_buffer *dout,
                                      struct lowp_buffer *dwte, struct lowp_buffer *dwpe)
{
    (void)ctx;
    lowp_cpu_embed_backward(d, I32(tok), F32(dout), F32(dwte), F32N(dwpe));
    return LOWP_OK;
}

static lowp_status cpu_norm_forward(struct lowp_context *ctx, const struct lowp_norm_desc *d,
                                    const struct lowp_buffer *x, const struct lowp_buffer *g,
                                    const struct lowp_buffer *b, struct lowp_buffer *y, struct lowp_buffer *mean,
                                    struct lowp_buffer *rstd)
{
    (void)ctx;
    lowp_cpu_norm_forward(d, F32(x), F32(g), F32N(b), F32(y), F32(mean), F32(rstd));
    return LOWP_OK;
}

static lowp_status cpu_norm_backward(struct lowp_context *ctx, const struct lowp_norm_desc *d,
                                     const struct lowp_buffer *x, const struct lowp_buffer *g,
                                     const struct lowp_buffer *mean, const struct lowp_buffer *rstd,
                                     const struct lowp_buffer *dy, struct lowp_buffer *dx, struct lowp_buffer *dg,
                                     struct lowp_buffer *db)
{
    (void)ctx;
    lowp_cpu_norm_backward(d, F32(x), F32(g), F32(mean), F32(rstd), F32(dy), F32(dx), F32(dg), F32N(db));
    return LOWP_OK;
}

static lowp_status cpu_rope_apply(struct lowp_context *ctx, const struct lowp_rope_desc *d,
                                  const struct lowp_buffer *table, struct lowp_buffer *x)
{
    (void)ctx;
    lowp_cpu_rope(d, F32(table), F32(x));
    return LOWP_OK;
}

static lowp_status cpu_attention_forward(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                         const struct lowp_buffer *qkv, struct lowp_buffer *out,
                                         struct lowp_buffer *lse)
{
    (void)ctx;
    return lowp_cpu_attention_forward(d, F32(qkv), F32(out), F32(lse));
}

static lowp_status cpu_attention_backward(struct lowp_context *ctx, const struct lowp_attn_desc *d,
                                          const struct lowp_buffer *qkv, const struct lowp_buffer *out,
                                          const struct lowp_buffer *lse, const struct lowp_buffer *dout,
                                          struct lowp_buffer *dqkv, struct lowp_buffer *delta)
{
    (void)ctx;
    return lowp_cpu_attention_backward(d, F32(qkv), F32(out), F32(lse), F32(dout), F32(dqkv), F32(delta));
}

static lowp_status cpu_act_forward(struct lowp_context *ctx, const struct lowp_act_desc *d,
                                   const struct lowp_buffer *in, struct lowp_buffer *out)
{
    (void)ctx;
    lowp_cpu_act_forward(d, F32(in), F32(out));
    return LOWP_OK;
}

static lowp_status cpu_act_backward(struct lowp_context *ctx, const struct lowp_act_desc *d,
                                    const struct lowp_buffer *in, const struct lowp_buffer *dout,
                                    struct lowp_buffer *din)
{
    (void)ctx;
    lowp_cpu_act_backward(d, F32(in), F32(dout), F32(din));
    return LOWP_OK;
}

static lowp_status cpu_dropout_apply(struct lowp_context *ctx, const struct lowp_dropout_desc *d,
                                     const struct lowp_buffer *x, struct lowp_buffer *y)
{
    (void)ctx;
    lowp_cpu_dropout(d, F32(x), F32(y));
    return LOWP_OK;
}

static lowp_status cpu_pqt_sample(struct lowp_context *ctx, const struct lowp_pqt_desc *d,
                                  const struct lowp_buffer *x, struct lowp_buffer *y)
{
    (void)ctx;
    lowp_cpu_pqt_sample(d, F32(x), F32(y));
    return LOWP_OK;
}

static lowp_status cpu_xent_forward(struct lowp_context *ctx, const struct lowp_xent_desc *d,
                                    const struct lowp_buffer *logits, const struct lowp_buffer *target,
                                    struct lowp_buffer *loss, struct lowp_buffer *dlogits)
{
    (void)ctx;
    lowp_cpu_xent(d, F32(logits), I32(target), F32(loss), F32(dlogits));
    return LOWP_OK;
}

static lowp_status cpu_bias_add(struct lowp_context *ctx, const struct lowp_bias_desc *d,
                                const struct lowp_buffer *b, struct lowp_buffer *y)
{
    (void)ctx;
    lowp_cpu_bias_add(d, F32(b), F32(y));
    return LOWP_OK;
}

static lowp_status cpu_bias_grad(struct lowp_context *ctx, const struct lowp_bias_desc *d,
                                 const struct lowp_buffer *dy, struct lowp_buffer *db)
{
    (void)ctx;
    lowp_cpu_bias_grad(d, F32(dy), F32(db));
    return LOWP_OK;
}

const struct lowp_backend_ops lowp_cpu_backend = {
    .name = "cpu",
    .enumerate = cpu_enumerate,
    .context_open = cpu_context_open,
    .context_close = cpu_context_close,
    .sync = cpu_sync,
    .buffer_alloc = cpu_buffer_alloc,
    .buffer_free = cpu_buffer_free,
    .buffer_write = cpu_buffer_write,
    .buffer_read = cpu_buffer_read,
    .buffer_copy = cpu_buffer_copy,
    .fill_f32 = cpu_fill_f32,
    .scale_f32 = cpu_scale_f32,
    .axpy_f32 = cpu_axpy_f32,
    .random_u32 = cpu_random_u32,
    .reduce_rows_f32 = cpu_reduce_rows_f32,
    .optim_step = cpu_optim_step,
    .optim_sophia_hessian = cpu_optim_sophia_hessian,
    .optim_clip_grad_norm = cpu_optim_clip_grad_norm,
    .matmul = cpu_matmul,
    .matmul_quantized = cpu_matmul_quantized,
    .cast_encode = cpu_cast_encode,
    .cast_decode = cpu_cast_decode,
    .cast_round = cpu_cast_round,
    .quantize = cpu_quantize,
    .dequantize = cpu_dequantize,
    .fake_quantize = cpu_fake_quantize,
    .hadamard = cpu_hadamard,
    .hadamard_quantize = cpu_hadamard_quantize,
    /* model.h */
    .embed_forward = cpu_embed_forward,
    .embed_backward = cpu_embed_backward,
    .norm_forward = cpu_norm_forward,
    .norm_backward = cpu_norm_backward,
    .rope_apply = cpu_rope_apply,
    .attention_forward = cpu_attention_forward,
    .attention_backward = cpu_attention_backward,
    .act_forward = cpu_act_forward,
    .act_backward = cpu_act_backward,
    .dropout_apply = cpu_dropout_apply,
    .xent_forward = cpu_xent_forward,
    .bias_add = cpu_bias_add,
    .bias_grad = cpu_bias_grad,
    /* pqt.h */
    .pqt_sample = cpu_pqt_sample,
};
