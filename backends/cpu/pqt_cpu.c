/* pqt_cpu.c — fast CPU PQT weight sampling (see pqt_cpu.h): the reference's
 * arithmetic (the inline pieces of ref/pqt_ref.h), with each Philox block
 * evaluated once for its four elements instead of once per element, and
 * row ranges in OpenMP threads. */
#include "pqt_cpu.h"

#include "core/philox.h"
#include "ref/pqt_ref.h"

static void rows_fast(const struct lowp_pqt_desc *d, const float *x, float *y, size_t r0, size_t r1)
{
    uint32_t w[4];
    uint64_t have = UINT64_MAX; /* the counter whose words are in w */
    for (size_t r = r0; r < r1; ++r) {
        const float *xr = x + r * d->cols;
        float *yr = y + r * d->cols;
        for (size_t c0 = 0; c0 < d->cols; c0 += d->block) {
            size_t c1 = c0 + d->block < d->cols ? c0 + d->block : d->cols;
            uint32_t amax = 0;
            for (size_t c = c0; c < c1; ++c) {
                uint32_t a = lowp_cc_as_bits(xr[c]) & 0x7fffffffu;
                amax = a > amax ? a : amax;
            }
            const float scale = lowp_pqt_block_scale(amax, d->bits);
            for (size_t c = c0; c < c1; ++c) {
                float v = xr[c];
                if (scale != 0.0f) {
                    uint64_t i = (uint64_t)(r * d->cols + c);
                    if (i >> 2 != have) {
                        have = i >> 2;
                        lowp_philox_block(d->seed, d->stream, have, w);
                    }
                    v = v + (float)lowp_pqt_irwin_hall(w[i & 3u]) * scale;
                }
                yr[c] = d->format == LOWP_FORMAT_BF16 ? lowp_pqt_bf16_rne(v) : v;
            }
        }
    }
}

void lowp_cpu_pqt_sample(const struct lowp_pqt_desc *d, const float *x, float *y)
{
    x += d->x_offset;
    y += d->y_offset;
    /* ~8k elements a chunk */
    const size_t grain = d->cols >= 8192 ? 1 : 8192 / (d->cols ? d->cols : 1);
    const long chunks = (long)((d->rows + grain - 1) / grain);
#pragma omp parallel for schedule(dynamic, 1) if (chunks > 1)
    for (long ch = 0; ch < chunks; ++ch) {
        size_t r0 = (size_t)ch * grain, r1 = r0 + grain < d->rows ? r0 + grain : d->rows;
        rows_fast(d, x, y, r0, r1);
    }
}
