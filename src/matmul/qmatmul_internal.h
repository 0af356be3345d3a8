/* qmatmul_internal.h — shared by the CPU paths of lowp_matmul_quantized. */
#ifndef LOWP_MATMUL_QMATMUL_INTERNAL_H
#define LOWP_MATMUL_QMATMUL_INTERNAL_H

#include "lowp/matmul.h"

/* Validate d against a host C of c_elems floats and give the fp32 NT GEMM
 * (A m x k, B n x k packed, C with ldc) that the dequantized operands go
 * through. *c_needed = 0: empty problem, nothing to do. */
lowp_status lowp_qmatmul_gemm_desc(const struct lowp_qmatmul_desc *d, const float *c, size_t c_elems,
                                   struct lowp_matmul_desc *g, size_t *c_needed);

#endif
