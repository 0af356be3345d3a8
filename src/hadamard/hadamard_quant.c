/* hadamard_quant.c — compatibility check of the fused Hadamard + block
 * quantization op (lowp_hadamard_quantize, docs/hadamard.md §9). Shared by
 * the front-end, the reference and the fast CPU path. */
#include "core/error.h"
#include "formats/quant.h"
#include "lowp/hadamard.h"

lowp_status lowp_hadamard_quant_check(const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q)
{
    static const char fn[] = "lowp_hadamard_quantize";
    LOWP_CHECK_NOT_NULL(h);
    LOWP_CHECK_NOT_NULL(q);
    LOWP_TRY(lowp_hadamard_desc_validate(h));
    LOWP_TRY(lowp_quant_check(q));
    LOWP_CHECK_ARG(h->dtype_out == LOWP_HADAMARD_DTYPE_F32,
                   "%s: the transform output (dtype_out) must be F32: the quantizer reads fp32", fn);
    LOWP_CHECK_ARG(q->rows == h->rows && q->cols == h->cols,
                   "%s: quant shape %zu x %zu differs from the transform's %llu x %llu", fn, q->rows, q->cols,
                   (unsigned long long)h->rows, (unsigned long long)h->cols);
    LOWP_CHECK_ARG(q->ld == h->ld_out, "%s: quant ld (%zu) must equal the transform's ld_out (%llu)", fn, q->ld,
                   (unsigned long long)h->ld_out);
    LOWP_CHECK_ARG((h->axis == LOWP_HADAMARD_AXIS_ROWS && q->layout == LOWP_BLOCK_ROW) ||
                       (h->axis == LOWP_HADAMARD_AXIS_COLS && q->layout == LOWP_BLOCK_COL),
                   "%s: the quant blocks must run along the transform axis (AXIS_ROWS with BLOCK_ROW, "
                   "AXIS_COLS with BLOCK_COL)", fn);
    const uint64_t n = lowp_hadamard_desc_length(h), B = q->block;
    LOWP_CHECK_ARG(n <= LOWP_HADAMARD_QUANT_MAX_N, "%s: transform length %llu exceeds %u", fn,
                   (unsigned long long)n, LOWP_HADAMARD_QUANT_MAX_N);
    LOWP_CHECK_ARG(n % B == 0 || B % n == 0,
                   "%s: transform length %llu and quant block %llu: one must divide the other", fn,
                   (unsigned long long)n, (unsigned long long)B);
    return LOWP_OK;
}
