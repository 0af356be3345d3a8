/* cl_pqt.h — OpenCL launch of the PQT weight sampling (kernels/pqt.cl). */
#ifndef LOWP_CL_PQT_H
#define LOWP_CL_PQT_H

#include "core/backend.h"

lowp_status lowp_cl_pqt_sample(struct lowp_context *ctx, const struct lowp_pqt_desc *d, const struct lowp_buffer *x,
                               struct lowp_buffer *y);

#endif
