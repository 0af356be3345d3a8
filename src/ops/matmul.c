/* matmul.c — front-ends of lowp_matmul and lowp_matmul_quantized: check the
 * descriptor against the buffers, apply $LOWP_MATMUL_ENGINE to AUTO, then
 * call the backend (or, for quantized operands on an fp32 engine,
 * src/matmul/qmatmul_via_gemm.c). */
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "matmul/qmatmul_internal.h"

/* What AUTO means in this process (include/lowp/matmul.h). Read at every
 * call: getenv is cheap next to a GEMM, and tests may change it. */
static lowp_status apply_engine_env(const lowp_context *ctx, lowp_matmul_engine *engine)
{
    const char *v = getenv("LOWP_MATMUL_ENGINE");
    if (*engine != LOWP_MATMUL_ENGINE_AUTO || v == NULL || v[0] == '\0' || strcmp(v, "auto") == 0)
        return LOWP_OK;
    int opencl = ctx->device.info.backend == LOWP_BACKEND_OPENCL;
    if (strcmp(v, "own") == 0)
        *engine = LOWP_MATMUL_ENGINE_OWN;
    else if (strcmp(v, "clblast") == 0)
        *engine = opencl ? LOWP_MATMUL_ENGINE_CLBLAST : LOWP_MATMUL_ENGINE_AUTO;
    else if (strcmp(v, "blas") == 0)
        *engine = opencl ? LOWP_MATMUL_ENGINE_AUTO : LOWP_MATMUL_ENGINE_BLAS;
    else
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul: LOWP_MATMUL_ENGINE='%s' is not own, clblast, blas or auto",
                          v);
    return LOWP_OK;
}

/* An engine that exists only on the other kind of backend is refused by
 * name, never substituted. */
static lowp_status check_engine_device(const lowp_context *ctx, const char *op, lowp_matmul_engine engine)
{
    int opencl = ctx->device.info.backend == LOWP_BACKEND_OPENCL;
    if (engine == LOWP_MATMUL_ENGINE_CLBLAST && !opencl)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "%s: engine CLBLAST needs an OpenCL device, not %s", op,
                          ctx->device.info.id);
    if (engine == LOWP_MATMUL_ENGINE_BLAS && opencl)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "%s: engine BLAS (OpenBLAS) runs on the cpu device only, not %s", op,
                          ctx->device.info.id);
    return LOWP_OK;
}

/* An operand buffer: NULL is fine when nothing of it is touched; otherwise
 * it must belong to ctx and hold `extent` elements (offsets included). */
static lowp_status check_operand(const lowp_context *ctx, const char *name, const lowp_buffer *buf, size_t extent)
{
    if (buf == NULL && extent == 0)
        return LOWP_OK;
    return lowp_check_elems("lowp_matmul", name, ctx, buf, 0, extent, sizeof(float));
}

/* C and an input in the same buffer: their element ranges must be disjoint
 * (the kernels read A/B while other work-groups already write C). The test
 * uses the hull [offset, extent) of each operand, so interleaved layouts
 * inside one buffer are rejected too; use separate buffers for those. */
static lowp_status check_disjoint(const char *name, const lowp_buffer *in, size_t in_off, size_t in_end,
                                  const lowp_buffer *c, size_t c_off, size_t c_end)
{
    if (in != c || in_end == 0 || c_end == 0)
        return LOWP_OK;
    if (in_off < c_end && c_off < in_end)
        return lowp_error(LOWP_ERR_INVALID_ARG,
                          "lowp_matmul: C (elements [%zu, %zu)) overlaps %s (elements [%zu, %zu)) in the same buffer",
                          c_off, c_end, name, in_off, in_end);
    return LOWP_OK;
}

lowp_status lowp_matmul(lowp_context *ctx, const struct lowp_matmul_desc *desc, const lowp_buffer *a,
                        const lowp_buffer *b, lowp_buffer *c)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    size_t ea = 0, eb = 0, ec = 0;
    LOWP_TRY(lowp_matmul_desc_extents(desc, &ea, &eb, &ec));
    LOWP_TRY(check_operand(ctx, "a", a, ea));
    LOWP_TRY(check_operand(ctx, "b", b, eb));
    LOWP_TRY(check_operand(ctx, "c", c, ec));
    LOWP_TRY(check_disjoint("A", a, desc->offset_a, ea, c, desc->offset_c, ec));
    LOWP_TRY(check_disjoint("B", b, desc->offset_b, eb, c, desc->offset_c, ec));

    struct lowp_matmul_desc d = *desc;
    LOWP_TRY(apply_engine_env(ctx, &d.engine));
    LOWP_TRY(check_engine_device(ctx, "lowp_matmul", d.engine));
    LOWP_BACKEND_ENTRY(ctx, matmul);
    if (ec == 0) /* m, n or batch is 0: nothing is read or written */
        return LOWP_OK;
    return ctx->ops->matmul(ctx, &d, ea ? a : NULL, eb ? b : NULL, c);
}

/* ---- lowp_matmul_quantized ---- */

/* An operand byte buffer of `bytes` bytes from offset 0 (only checked when
 * the product reads it). */
static lowp_status check_bytes(const lowp_context *ctx, const char *name, const lowp_buffer *buf, size_t bytes)
{
    return lowp_check_elems("lowp_matmul_quantized", name, ctx, buf, 0, bytes, 1);
}

lowp_status lowp_matmul_quantized(lowp_context *ctx, const struct lowp_qmatmul_desc *desc, const lowp_buffer *a_codes,
                                  const lowp_buffer *a_scales, const lowp_buffer *a_tensor_scale,
                                  const lowp_buffer *b_codes, const lowp_buffer *b_scales,
                                  const lowp_buffer *b_tensor_scale, lowp_buffer *c)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    size_t ac = 0, as = 0, bc = 0, bs = 0, ce = 0;
    LOWP_TRY(lowp_qmatmul_desc_sizes(desc, &ac, &as, &bc, &bs, &ce));
    if (ce == 0) /* m or n is 0: nothing is read or written */
        return LOWP_OK;
    LOWP_TRY(lowp_check_elems("lowp_matmul_quantized", "c", ctx, c, 0, ce, sizeof(float)));
    int reads = desc->alpha != 0.0f;
    int two_a = desc->a.scale_format != LOWP_FORMAT_E8M0, two_b = desc->b.scale_format != LOWP_FORMAT_E8M0;
    if (reads) {
        const lowp_buffer *ins[6] = {a_codes, a_scales, two_a ? a_tensor_scale : NULL,
                                     b_codes, b_scales, two_b ? b_tensor_scale : NULL};
        for (int i = 0; i < 6; ++i)
            if (ins[i] == c)
                return lowp_error(LOWP_ERR_INVALID_ARG,
                                  "lowp_matmul_quantized: C must not share a buffer with an operand");
        LOWP_TRY(check_bytes(ctx, "a_codes", a_codes, ac));
        LOWP_TRY(check_bytes(ctx, "a_scales", a_scales, as));
        LOWP_TRY(check_bytes(ctx, "b_codes", b_codes, bc));
        LOWP_TRY(check_bytes(ctx, "b_scales", b_scales, bs));
        if (two_a)
            LOWP_TRY(lowp_check_elems("lowp_matmul_quantized", "a_tensor_scale", ctx, a_tensor_scale, 0, 1,
                                      sizeof(float)));
        if (two_b)
            LOWP_TRY(lowp_check_elems("lowp_matmul_quantized", "b_tensor_scale", ctx, b_tensor_scale, 0, 1,
                                      sizeof(float)));
    }
    lowp_matmul_engine engine = desc->engine;
    LOWP_TRY(apply_engine_env(ctx, &engine));
    LOWP_TRY(check_engine_device(ctx, "lowp_matmul_quantized", engine));
    int opencl = ctx->device.info.backend == LOWP_BACKEND_OPENCL;
    /* AUTO: fp32 engines on the CPU, the device kernel on OpenCL (matmul.h) */
    if (reads && engine != LOWP_MATMUL_ENGINE_OWN && !(engine == LOWP_MATMUL_ENGINE_AUTO && opencl))
        return lowp_qmatmul_via_gemm(ctx, desc, engine, a_codes, a_scales, two_a ? a_tensor_scale : NULL, b_codes,
                                     b_scales, two_b ? b_tensor_scale : NULL, c);
    LOWP_BACKEND_ENTRY(ctx, matmul_quantized);
    return ctx->ops->matmul_quantized(ctx, desc, reads ? a_codes : NULL, reads ? a_scales : NULL,
                                      reads && two_a ? a_tensor_scale : NULL, reads ? b_codes : NULL,
                                      reads ? b_scales : NULL, reads && two_b ? b_tensor_scale : NULL, c);
}
