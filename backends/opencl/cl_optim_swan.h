/* cl_optim_swan.h — SWAN on OpenCL devices (kernels/optim.cl,
 * lowp_optim_swan_*), called by cl_optim.c through the driver's per-tensor
 * `swan` primitive. */
#ifndef LOWP_CL_OPTIM_SWAN_H
#define LOWP_CL_OPTIM_SWAN_H

#include <stdint.h>

#include "cl_impl.h"
#include "lowp/optim.h"

/* Queue one SWAN step of tensor t (element offsets inside t) on the
 * context's queue; w is a workspace of at least
 * lowp_optim_swan_workspace_floats(t->rows, t->cols) floats
 * (src/optim/optim_internal.h); `options` are the
 * optim program's build options. Nothing is read back. */
lowp_status lowp_cl_optim_swan_tensor(struct lowp_context *ctx, const char *options,
                                      const struct lowp_optim_hparams *hp, const struct lowp_optim_tensor *t,
                                      cl_mem param, cl_mem grad, cl_mem w);

#endif
