/* pqt_ref.c — scalar reference of lowp_pqt_sample: obvious code, one block
 * at a time (lowp/pqt.h has the formula). fp32 arithmetic is the
 * definition here, not an approximation of a double result: the one
 * multiply and the one add are correctly rounded on normal numbers on
 * every device, and the block rule keeps them normal. */
#include "pqt_ref.h"

#include "core/philox.h"

float lowp_ref_pqt_normal(uint64_t seed, uint64_t stream, uint64_t i)
{
    return (float)lowp_pqt_irwin_hall(lowp_philox_word(seed, stream, i)) * LOWP_PQT_C;
}

void lowp_ref_pqt_sample_rows(const struct lowp_pqt_desc *d, const float *x, float *y, size_t r0, size_t r1)
{
    x += d->x_offset;
    y += d->y_offset;
    for (size_t r = r0; r < r1; ++r) {
        for (size_t c0 = 0; c0 < d->cols; c0 += d->block) {
            size_t c1 = c0 + d->block < d->cols ? c0 + d->block : d->cols;
            uint32_t amax = 0;
            for (size_t c = c0; c < c1; ++c) {
                uint32_t a = lowp_cc_as_bits(x[r * d->cols + c]) & 0x7fffffffu; /* NaN compares above Inf */
                amax = a > amax ? a : amax;
            }
            const float scale = lowp_pqt_block_scale(amax, d->bits);
            for (size_t c = c0; c < c1; ++c) {
                size_t i = r * d->cols + c;
                float v = x[i];
                if (scale != 0.0f)
                    v = v + (float)lowp_pqt_irwin_hall(lowp_philox_word(d->seed, d->stream, i)) * scale;
                y[i] = d->format == LOWP_FORMAT_BF16 ? lowp_pqt_bf16_rne(v) : v;
            }
        }
    }
}

void lowp_ref_pqt_sample(const struct lowp_pqt_desc *d, const float *x, float *y)
{
    lowp_ref_pqt_sample_rows(d, x, y, 0, d->rows);
}
