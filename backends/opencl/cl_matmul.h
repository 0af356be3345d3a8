/* cl_matmul.h — lowp_matmul on OpenCL devices: the own kernels of
 * kernels/matmul.cl (tiled, with the parameter table of
 * src/matmul/matmul_params.c; simple for tiny problems) and CLBlast
 * (builds with LOWP_HAVE_CLBLAST). No OpenCL types here, so the tuner in
 * src/cli/ can include it. */
#ifndef LOWP_CL_MATMUL_H
#define LOWP_CL_MATMUL_H

#include <stdint.h>

#include "core/backend.h"
#include "matmul/matmul_params.h"

/* The backend table entry (see src/core/backend.h). */
lowp_status lowp_cl_matmul(struct lowp_context *ctx, const struct lowp_matmul_desc *desc, const struct lowp_buffer *a,
                           const struct lowp_buffer *b, struct lowp_buffer *c);
/* The quantized-operand entry: lowp_qmatmul_tiled of kernels/matmul.cl. */
lowp_status lowp_cl_matmul_quantized(struct lowp_context *ctx, const struct lowp_qmatmul_desc *d,
                                     const struct lowp_buffer *a_codes, const struct lowp_buffer *a_scales,
                                     const struct lowp_buffer *a_ts, const struct lowp_buffer *b_codes,
                                     const struct lowp_buffer *b_scales, const struct lowp_buffer *b_ts,
                                     struct lowp_buffer *c);

/* What the context uses: the tiled parameters after validation and
 * fallback, the table row they came from ("pocl", "generic-gpu", a device
 * name, or "<row> -> generic-gpu" after a fallback), whether the tiled
 * kernel is usable at all, and the row's clblast_faster flag. Any output
 * may be NULL. */
lowp_status lowp_cl_matmul_config(struct lowp_context *ctx, struct lowp_matmul_cl_params *params, const char **row,
                                  int *tiled_usable, unsigned *clblast_faster);

/* Device limits that lowp_matmul_cl_params_validate needs. */
lowp_status lowp_cl_matmul_limits(struct lowp_context *ctx, size_t *max_wg, size_t max_item[2], uint64_t *local_mem);

/* Run the own kernels with explicit parameters (the tuner): `simple` = 1
 * runs lowp_matmul_simple, else lowp_matmul_tiled with `params` (which must
 * pass validation on this device). `desc` must already be checked by
 * lowp_matmul's rules (use lowp_matmul_desc_check first). Each distinct
 * parameter set is one program in the context's cache (at most
 * LOWP_CL_MAX_PROGRAMS per context). */
lowp_status lowp_cl_matmul_run_params(struct lowp_context *ctx, const struct lowp_matmul_desc *desc,
                                      const struct lowp_matmul_cl_params *params, int simple,
                                      const struct lowp_buffer *a, const struct lowp_buffer *b, struct lowp_buffer *c);

/* 1 when this build has CLBlast. */
int lowp_cl_matmul_has_clblast(void);

struct lowp_cl_context;
/* Free the per-context matmul state (called by cl_context_close). */
void lowp_cl_matmul_release(struct lowp_cl_context *cl);

#endif
