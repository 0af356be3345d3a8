/* pqt_cpu.h — fast CPU lowp_pqt_sample: the reference on row ranges in
 * OpenMP threads (each block lies in one row), so the reference's bits. */
#ifndef LOWP_PQT_CPU_H
#define LOWP_PQT_CPU_H

#include "lowp/pqt.h"

void lowp_cpu_pqt_sample(const struct lowp_pqt_desc *d, const float *x, float *y);

#endif
