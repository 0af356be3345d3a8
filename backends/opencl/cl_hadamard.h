/* cl_hadamard.h — OpenCL launches of kernels/hadamard.cl (lowp/hadamard.h). */
#ifndef LOWP_CL_HADAMARD_H
#define LOWP_CL_HADAMARD_H

#include "cl_impl.h"

lowp_status lowp_cl_hadamard(struct lowp_context *ctx, const struct lowp_hadamard_desc *desc,
                             const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                             const struct lowp_buffer *sign_bits);

/* Free the per-context constants (called by the context's close). */
void lowp_cl_hadamard_release(struct lowp_cl_context *cl);

#endif
