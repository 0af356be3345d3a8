/* hadamard.c — front-end of the device Hadamard op (lowp/hadamard.h):
 * checks the descriptor, every buffer range and every overlap, then
 * dispatches to the backend table. Backends see only valid calls. */
#include "core/args.h"

#include <stdint.h>

static size_t elem_size(lowp_hadamard_dtype t)
{
    return t == LOWP_HADAMARD_DTYPE_BF16 ? 2u : 4u;
}

/* Byte ranges [a0, a0+alen) and [b0, b0+blen) overlap. */
static int overlaps(size_t a0, size_t alen, size_t b0, size_t blen)
{
    return a0 < b0 + blen && b0 < a0 + alen;
}

lowp_status lowp_hadamard(lowp_context *ctx, const struct lowp_hadamard_desc *desc, const lowp_buffer *x,
                          size_t x_offset, lowp_buffer *y, size_t y_offset, const lowp_buffer *sign_bits)
{
    static const char fn[] = "lowp_hadamard";
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(desc);
    LOWP_TRY(lowp_hadamard_desc_validate(desc));
    /* validate() bounds (rows − 1)·ld + cols below 2^62 elements. */
    LOWP_CHECK_ARG((desc->rows - 1) * desc->ld_in + desc->cols <= SIZE_MAX / 4 &&
                       (desc->rows - 1) * desc->ld_out + desc->cols <= SIZE_MAX / 4,
                   "%s: the matrix does not fit in this platform's address range", fn);
    const size_t in_elems = (size_t)((desc->rows - 1) * desc->ld_in + desc->cols);
    const size_t out_elems = (size_t)((desc->rows - 1) * desc->ld_out + desc->cols);
    const size_t in_es = elem_size(desc->dtype_in), out_es = elem_size(desc->dtype_out);
    LOWP_TRY(lowp_check_elems(fn, "x", ctx, x, x_offset, in_elems, in_es));
    LOWP_TRY(lowp_check_elems(fn, "y", ctx, y, y_offset, out_elems, out_es));

    const uint64_t n = lowp_hadamard_desc_length(desc);
    const size_t words = lowp_hadamard_signs_words(n);
    if (desc->sign_mode == LOWP_HADAMARD_SIGNS_USER) {
        LOWP_CHECK_ARG(sign_bits != NULL, "%s: sign_mode USER needs the sign_bits buffer (%zu words)", fn, words);
        LOWP_TRY(lowp_check_elems(fn, "sign_bits", ctx, sign_bits, 0, words, sizeof(uint32_t)));
        LOWP_CHECK_ARG(sign_bits != y || !overlaps(0, words * 4, y_offset * out_es, out_elems * out_es),
                       "%s: sign_bits overlaps the output y", fn);
    } else {
        LOWP_CHECK_ARG(sign_bits == NULL,
                       "%s: sign_bits is given but sign_mode is not USER (set sign_mode, or pass NULL)", fn);
    }

    if (x == y && overlaps(x_offset * in_es, in_elems * in_es, y_offset * out_es, out_elems * out_es)) {
        LOWP_CHECK_ARG(x_offset * in_es == y_offset * out_es,
                       "%s: x and y overlap without being the same matrix (x_offset %zu, y_offset %zu)", fn,
                       x_offset, y_offset);
        LOWP_CHECK_ARG(desc->dtype_in == desc->dtype_out && desc->ld_in == desc->ld_out,
                       "%s: in place (y == x) needs dtype_in == dtype_out and ld_in == ld_out", fn);
    }
    LOWP_BACKEND_ENTRY(ctx, hadamard);
    return ctx->ops->hadamard(ctx, desc, x, x_offset, y, y_offset, sign_bits);
}

/* Byte ranges of two buffers collide (same buffer, overlapping, non-empty). */
static int collide(const lowp_buffer *a, size_t a0, size_t alen, const lowp_buffer *b, size_t b0, size_t blen)
{
    return a != NULL && a == b && alen > 0 && blen > 0 && overlaps(a0, alen, b0, blen);
}

lowp_status lowp_hadamard_quantize(lowp_context *ctx, const struct lowp_hadamard_desc *h,
                                   const struct lowp_quant_desc *q, const lowp_buffer *x, size_t x_offset,
                                   lowp_buffer *codes, size_t codes_offset, lowp_buffer *scales, size_t scales_offset,
                                   lowp_buffer *tensor_scale, size_t ts_offset, const lowp_buffer *sign_bits)
{
    static const char fn[] = "lowp_hadamard_quantize";
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_TRY(lowp_hadamard_quant_check(h, q));
    LOWP_CHECK_ARG((h->rows - 1) * h->ld_in + h->cols <= SIZE_MAX / 4,
                   "%s: the matrix does not fit in this platform's address range", fn);
    const size_t in_es = elem_size(h->dtype_in);
    const size_t in_elems = (size_t)((h->rows - 1) * h->ld_in + h->cols);
    size_t cb = 0, ns = 0;
    LOWP_TRY(lowp_quant_sizes(q, &cb, &ns));
    const int two = q->scale_format != LOWP_FORMAT_E8M0;
    LOWP_TRY(lowp_check_elems(fn, "x", ctx, x, x_offset, in_elems, in_es));
    LOWP_TRY(lowp_check_elems(fn, "codes", ctx, codes, codes_offset, cb, 1));
    LOWP_TRY(lowp_check_elems(fn, "scales", ctx, scales, scales_offset, ns, 1));
    if (two)
        LOWP_TRY(lowp_check_elems(fn, "tensor_scale", ctx, tensor_scale, ts_offset, 1, sizeof(float)));
    else
        tensor_scale = NULL;

    const uint64_t n = lowp_hadamard_desc_length(h);
    const size_t words = lowp_hadamard_signs_words(n);
    if (h->sign_mode == LOWP_HADAMARD_SIGNS_USER) {
        LOWP_CHECK_ARG(sign_bits != NULL, "%s: sign_mode USER needs the sign_bits buffer (%zu words)", fn, words);
        LOWP_TRY(lowp_check_elems(fn, "sign_bits", ctx, sign_bits, 0, words, sizeof(uint32_t)));
    } else {
        LOWP_CHECK_ARG(sign_bits == NULL,
                       "%s: sign_bits is given but sign_mode is not USER (set sign_mode, or pass NULL)", fn);
    }
    const size_t xb = x_offset * in_es, xl = in_elems * in_es, tb = ts_offset * 4, tl = tensor_scale ? 4 : 0;
    const size_t sb = 0, sl = sign_bits ? words * 4 : 0;
    /* Outputs must not overlap each other, x or the sign words. */
    if (collide(codes, codes_offset, cb, x, xb, xl) || collide(scales, scales_offset, ns, x, xb, xl) ||
        collide(tensor_scale, tb, tl, x, xb, xl) || collide(codes, codes_offset, cb, scales, scales_offset, ns) ||
        collide(codes, codes_offset, cb, tensor_scale, tb, tl) ||
        collide(scales, scales_offset, ns, tensor_scale, tb, tl) ||
        collide(codes, codes_offset, cb, sign_bits, sb, sl) || collide(scales, scales_offset, ns, sign_bits, sb, sl) ||
        collide(tensor_scale, tb, tl, sign_bits, sb, sl))
        return lowp_error(LOWP_ERR_INVALID_ARG,
                          "%s: codes, scales and tensor_scale must not overlap each other, x or sign_bits", fn);
    LOWP_BACKEND_ENTRY(ctx, hadamard_quantize);
    return ctx->ops->hadamard_quantize(ctx, h, q, x, x_offset, codes, codes_offset, scales, scales_offset,
                                       tensor_scale, ts_offset, sign_bits);
}
