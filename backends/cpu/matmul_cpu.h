/* matmul_cpu.h — fast CPU SGEMM for lowp_matmul (same semantics and
 * validation as the reference in ref/matmul_ref.h; see lowp/matmul.h).
 *
 * Engines: BLAS = cblas_sgemm from OpenBLAS, compiled in only when
 * LOWP_HAVE_CBLAS is defined (link -lopenblas); OWN = lowp's cache-blocked,
 * packed, OpenMP-parallel kernel; AUTO = BLAS when compiled in and the sizes
 * fit its int arguments, else OWN; CLBLAST = LOWP_ERR_UNSUPPORTED here.
 * The OWN result does not depend on the number of threads. */
#ifndef LOWP_MATMUL_CPU_H
#define LOWP_MATMUL_CPU_H

#include <stddef.h>
#include "lowp/matmul.h"

#ifdef __cplusplus
extern "C" {
#endif

lowp_status lowp_cpu_matmul(const struct lowp_matmul_desc *d,
                            const float *a, size_t a_elems,
                            const float *b, size_t b_elems,
                            float *c, size_t c_elems);

/* 1 if this build calls cblas_sgemm (LOWP_HAVE_CBLAS), else 0. */
int lowp_cpu_matmul_has_blas(void);

#ifdef __cplusplus
}
#endif
#endif
