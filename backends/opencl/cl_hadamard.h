/* cl_hadamard.h — OpenCL launches of kernels/hadamard.cl (lowp/hadamard.h). */
#ifndef LOWP_CL_HADAMARD_H
#define LOWP_CL_HADAMARD_H

#include "cl_impl.h"

/* Some GPU drivers map NDRange dimension 1 onto a grid dimension limited to
 * 65535; longer dimension-1 ranges are split into several launches. */
#define LOWP_CL_HADAMARD_DIM1_MAX 65535u

lowp_status lowp_cl_hadamard(struct lowp_context *ctx, const struct lowp_hadamard_desc *desc,
                             const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                             const struct lowp_buffer *sign_bits);

/* Fused transform + quantize (cl_hadamard_quant.c). */
lowp_status lowp_cl_hadamard_quantize(struct lowp_context *ctx, const struct lowp_hadamard_desc *h,
                                      const struct lowp_quant_desc *q, const struct lowp_buffer *x, size_t x_offset,
                                      struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *scales,
                                      size_t scales_offset, struct lowp_buffer *tensor_scale, size_t ts_offset,
                                      const struct lowp_buffer *sign_bits);

struct lowp_hadamard_plan;

/* The hm_bits buffer of a plan (rows of H_m, or H_m^T when inverse; the
 * zero word when m = 1), uploaded once per context. */
lowp_status lowp_cl_hadamard_hm(struct lowp_context *ctx, const struct lowp_hadamard_plan *pl, int inverse,
                                cl_mem *out);

/* Local memory kernel k uses besides its __local arguments (indices
 * local_args[0..count)), for lowp_hadamard_launch_make; 0 if unknown. */
cl_ulong lowp_cl_hadamard_kernel_lds(struct lowp_context *ctx, cl_kernel k, const cl_uint *local_args, int count);

/* The per-context zero word, bound where sign_bits / hm_bits are unused. */
lowp_status lowp_cl_hadamard_zero(struct lowp_context *ctx, cl_mem *out);

/* Free the per-context constants (called by the context's close). */
void lowp_cl_hadamard_release(struct lowp_cl_context *cl);

#endif
