/* pqt_ref.c — scalar reference of lowp_pqt_sample: obvious code, one block
 * at a time (lowp/pqt.h has the formula). fp32 arithmetic is the
 * definition here, not an approximation of a double result: the one
 * multiply and the one add are correctly rounded on normal numbers on
 * every device, and the block rule keeps them normal. */
#include "pqt_ref.h"

#include <string.h>

#include "core/philox.h"

/* fp32(sqrt(3) / 2^22): sqrt(3) = 0x1.bb67ae8584caa... rounds to 0x1.bb67aep0. */
#define PQT_C 0x1.bb67aep-22f

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* bf16 round-to-nearest-even of an fp32, kept as fp32 bits; NaN stays a
 * (quiet) NaN, overflow goes to Inf as IEEE rounding does. */
static float bf16_rne(float f)
{
    uint32_t u = bits_of(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return float_of((u | 0x00400000u) & 0xffff0000u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return float_of(u & 0xffff0000u);
}

int32_t lowp_ref_pqt_irwin_hall(uint64_t seed, uint64_t stream, uint64_t i)
{
    uint32_t w[4];
    lowp_philox_block(seed, stream, i, w); /* counter = element index: all four words are its own */
    int32_t s = 0;
    for (int j = 0; j < 4; ++j)
        s += (int32_t)(w[j] >> 10);
    return s - 2 * ((1 << 22) - 1);
}

float lowp_ref_pqt_normal(uint64_t seed, uint64_t stream, uint64_t i)
{
    return (float)lowp_ref_pqt_irwin_hall(seed, stream, i) * PQT_C;
}

/* C * 2^k_B for a block with max-magnitude bits `amax`, or 0 (no noise). */
static float block_scale(uint32_t amax, uint32_t bits)
{
    if (amax < 0x00800000u || amax >= 0x7f800000u) /* zero, subnormal, Inf, NaN */
        return 0.0f;
    int32_t k = (int32_t)(amax >> 23) - 127 + 1 - (int32_t)bits;
    if (k < LOWP_PQT_MIN_STEP_LOG2)
        return 0.0f;
    return PQT_C * float_of((uint32_t)(k + 127) << 23); /* exact: a power-of-two scaling */
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
                uint32_t a = bits_of(x[r * d->cols + c]) & 0x7fffffffu; /* NaN compares above Inf */
                amax = a > amax ? a : amax;
            }
            const float scale = block_scale(amax, d->bits);
            for (size_t c = c0; c < c1; ++c) {
                size_t i = r * d->cols + c;
                float v = x[i];
                if (scale != 0.0f)
                    v = v + (float)lowp_ref_pqt_irwin_hall(d->seed, d->stream, i) * scale;
                y[i] = d->format == LOWP_FORMAT_BF16 ? bf16_rne(v) : v;
            }
        }
    }
}

void lowp_ref_pqt_sample(const struct lowp_pqt_desc *d, const float *x, float *y)
{
    lowp_ref_pqt_sample_rows(d, x, y, 0, d->rows);
}
