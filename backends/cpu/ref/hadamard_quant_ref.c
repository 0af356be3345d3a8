/* hadamard_quant_ref.c — the fused op defined as the unfused pair. The
 * transform step is lowp_cpu_hadamard, not lowp_ref_hadamard: the device op
 * is defined to give lowp_cpu_hadamard's bits (its fp32 order is normative,
 * docs/hadamard.md §6), while lowp_ref_hadamard accumulates in double and
 * may differ in the last bit, which would change codes at rounding ties. */
#include "ref/hadamard_quant_ref.h"

#include <stdlib.h>

#include "core/error.h"
#include "hadamard_cpu.h"
#include "ref/formats_ref.h"

lowp_status lowp_ref_hadamard_quantize(const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q,
                                       const void *x, uint8_t *codes, uint8_t *scales, float *tensor_scale,
                                       const uint32_t *sign_bits)
{
    LOWP_TRY(lowp_hadamard_quant_check(h, q));
    LOWP_CHECK_NOT_NULL(x);
    size_t n = (size_t)((h->rows - 1) * h->ld_out + h->cols);
    float *t = malloc(n * sizeof *t);
    if (!t)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_ref_hadamard_quantize: out of host memory (%zu floats)", n);
    lowp_status st = lowp_cpu_hadamard(h, x, t, sign_bits);
    if (st == LOWP_OK)
        st = lowp_ref_quantize(q, t, codes, scales, tensor_scale, NULL);
    free(t);
    return st;
}
