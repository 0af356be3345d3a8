/* hadamard_ref.h — the scalar reference for lowp Hadamard transforms: an
 * explicit matrix–vector product with every entry of H written out and
 * double accumulation. It defines what is correct; it is slow (n² work per
 * vector), so use it for small n. */
#ifndef LOWP_HADAMARD_REF_H
#define LOWP_HADAMARD_REF_H

#include "lowp/hadamard.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = op(x) as described in lowp/hadamard.h. x and y are host pointers to
 * the first element of the matrices (dtype_in / dtype_out elements, row
 * strides ld_in / ld_out). sign_bits: packed sign vector for SIGNS_USER
 * (lowp_hadamard_signs_words(n) words), otherwise ignored (may be NULL).
 * The result of each vector is y = fp32(c · Σ_j H[i][j]·v_j) computed in
 * double, then rounded to bf16 (RNE) for a bf16 output. */
lowp_status lowp_ref_hadamard(const struct lowp_hadamard_desc *d, const void *x, void *y,
                              const uint32_t *sign_bits);

#ifdef __cplusplus
}
#endif
#endif
