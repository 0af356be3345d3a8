/* matmul_ref.h — scalar CPU references for lowp_matmul (what "correct" means).
 * Pointers are HOST buffers counted from element 0; the descriptor's offsets
 * and strides index into them; *_elems are the buffer lengths in floats.
 * An operand that the descriptor does not touch (see lowp/matmul.h) may be NULL. */
#ifndef LOWP_MATMUL_REF_H
#define LOWP_MATMUL_REF_H

#include <stddef.h>
#include "lowp/matmul.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The oracle: every dot product accumulated in double, then
 * C = (float)(alpha*acc + beta*C) in double (beta*C skipped when beta == 0). */
lowp_status lowp_ref_matmul(const struct lowp_matmul_desc *d,
                            const float *a, size_t a_elems,
                            const float *b, size_t b_elems,
                            float *c, size_t c_elems);

/* Bit-exact model of the OpenCL kernels in kernels/matmul.cl (MM_FMA = 0):
 * float acc = 0; for p = 0..k-1: acc = acc + op(A)(i,p)*op(B)(p,j) (each
 * product and sum rounded to float, no fusion); r = alpha*acc;
 * if beta != 0: r = r + beta*C. Used to check device results bit for bit.
 * Both: when alpha == 0 or k == 0 (no product), C = beta*C, and +0 when
 * beta == 0 (so the sign of a zero result is the same everywhere). */
lowp_status lowp_ref_matmul_f32seq(const struct lowp_matmul_desc *d,
                                   const float *a, size_t a_elems,
                                   const float *b, size_t b_elems,
                                   float *c, size_t c_elems);

#ifdef __cplusplus
}
#endif
#endif
