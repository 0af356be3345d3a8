/* pqt_cpu.c — fast CPU PQT weight sampling (see pqt_cpu.h). The cost is
 * one Philox evaluation per element, so threads pay off from a few
 * thousand elements on. */
#include "pqt_cpu.h"

#include "ref/pqt_ref.h"

void lowp_cpu_pqt_sample(const struct lowp_pqt_desc *d, const float *x, float *y)
{
    /* ~8k elements a chunk: one Philox per element makes that tens of microseconds */
    const size_t grain = d->cols >= 8192 ? 1 : 8192 / (d->cols ? d->cols : 1);
    const long chunks = (long)((d->rows + grain - 1) / grain);
#pragma omp parallel for schedule(dynamic, 1) if (chunks > 1)
    for (long ch = 0; ch < chunks; ++ch) {
        size_t r0 = (size_t)ch * grain, r1 = r0 + grain < d->rows ? r0 + grain : d->rows;
        lowp_ref_pqt_sample_rows(d, x, y, r0, r1);
    }
}
