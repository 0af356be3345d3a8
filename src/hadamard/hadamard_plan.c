/* hadamard_plan.c — descriptor defaults and validation, the n = m·p
 * factoring, sign-vector helpers, and the host-pointer checks shared by the
 * reference and the fast CPU path. */
#include "hadamard/hadamard_plan.h"

#include <math.h>

#include "core/error.h"

int lowp_hadamard_factor(uint64_t n, uint32_t *m, uint32_t *p)
{
    static const uint32_t orders[] = {12, 20, 28, 1};
    if (n < 2 || n > LOWP_HADAMARD_MAX_N)
        return 0;
    for (size_t k = 0; k < sizeof orders / sizeof orders[0]; ++k) {
        uint64_t q = orders[k];
        if (n % q != 0)
            continue;
        uint64_t rest = n / q;
        if ((rest & (rest - 1)) == 0) {
            *m = (uint32_t)q;
            *p = (uint32_t)rest;
            return 1;
        }
    }
    return 0;
}

int lowp_hadamard_length_supported(uint64_t n)
{
    uint32_t m, p;
    return lowp_hadamard_factor(n, &m, &p);
}

lowp_status lowp_hadamard_desc_init(struct lowp_hadamard_desc *d, uint64_t rows, uint64_t cols)
{
    LOWP_CHECK_NOT_NULL(d);
    memset(d, 0, sizeof *d);
    d->rows = rows;
    d->cols = cols;
    d->ld_in = cols;
    d->ld_out = cols;
    d->dtype_in = LOWP_HADAMARD_DTYPE_F32;
    d->dtype_out = LOWP_HADAMARD_DTYPE_F32;
    d->axis = LOWP_HADAMARD_AXIS_ROWS;
    d->block = 0;
    d->scale_mode = LOWP_HADAMARD_SCALE_ORTHONORMAL;
    d->scale = 1.0f;
    d->sign_mode = LOWP_HADAMARD_SIGNS_NONE;
    return LOWP_OK;
}

uint64_t lowp_hadamard_desc_length(const struct lowp_hadamard_desc *d)
{
    if (d == NULL)
        return 0;
    if (d->block != 0)
        return d->block;
    return d->axis == LOWP_HADAMARD_AXIS_COLS ? d->rows : d->cols;
}

float lowp_hadamard_desc_scale(const struct lowp_hadamard_desc *d)
{
    if (d == NULL)
        return 0.0f;
    switch (d->scale_mode) {
    case LOWP_HADAMARD_SCALE_NONE: return 1.0f;
    case LOWP_HADAMARD_SCALE_CUSTOM: return d->scale;
    default: return (float)(1.0 / sqrt((double)lowp_hadamard_desc_length(d)));
    }
}

static int dtype_ok(lowp_hadamard_dtype t)
{
    return t == LOWP_HADAMARD_DTYPE_F32 || t == LOWP_HADAMARD_DTYPE_BF16;
}

lowp_status lowp_hadamard_desc_validate(const struct lowp_hadamard_desc *d)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->rows >= 1 && d->cols >= 1, "hadamard: empty matrix (rows = %llu, cols = %llu)",
                   (unsigned long long)d->rows, (unsigned long long)d->cols);
    LOWP_CHECK_ARG(d->ld_in >= d->cols, "hadamard: ld_in = %llu is smaller than cols = %llu",
                   (unsigned long long)d->ld_in, (unsigned long long)d->cols);
    LOWP_CHECK_ARG(d->ld_out >= d->cols, "hadamard: ld_out = %llu is smaller than cols = %llu",
                   (unsigned long long)d->ld_out, (unsigned long long)d->cols);
    /* The last element must be addressable: (rows − 1)·ld + cols < 2^62. */
    const uint64_t lim = (uint64_t)1 << 62;
    LOWP_CHECK_ARG(d->rows < lim / d->ld_in && d->rows < lim / d->ld_out,
                   "hadamard: rows × row stride overflows the address range");
    LOWP_CHECK_ARG(dtype_ok(d->dtype_in), "hadamard: dtype_in = %d is not F32 or BF16", (int)d->dtype_in);
    LOWP_CHECK_ARG(dtype_ok(d->dtype_out), "hadamard: dtype_out = %d is not F32 or BF16", (int)d->dtype_out);
    LOWP_CHECK_ARG(d->axis == LOWP_HADAMARD_AXIS_ROWS || d->axis == LOWP_HADAMARD_AXIS_COLS,
                   "hadamard: axis = %d is not AXIS_ROWS or AXIS_COLS", (int)d->axis);
    LOWP_CHECK_ARG(d->scale_mode == LOWP_HADAMARD_SCALE_ORTHONORMAL || d->scale_mode == LOWP_HADAMARD_SCALE_NONE ||
                       d->scale_mode == LOWP_HADAMARD_SCALE_CUSTOM,
                   "hadamard: scale_mode = %d is not ORTHONORMAL, NONE or CUSTOM", (int)d->scale_mode);
    LOWP_CHECK_ARG(d->scale_mode != LOWP_HADAMARD_SCALE_CUSTOM || isfinite(d->scale),
                   "hadamard: custom scale %g is not finite", (double)d->scale);
    LOWP_CHECK_ARG(d->sign_mode == LOWP_HADAMARD_SIGNS_NONE || d->sign_mode == LOWP_HADAMARD_SIGNS_PHILOX ||
                       d->sign_mode == LOWP_HADAMARD_SIGNS_USER,
                   "hadamard: sign_mode = %d is not NONE, PHILOX or USER", (int)d->sign_mode);
    const uint64_t extent = d->axis == LOWP_HADAMARD_AXIS_COLS ? d->rows : d->cols;
    const uint64_t n = lowp_hadamard_desc_length(d);
    LOWP_CHECK_ARG(lowp_hadamard_length_supported(n),
                   "hadamard: transform length %llu is not supported (need 2^k with 1 <= k <= 15, or 12, 20 or 28 "
                   "times 2^k, at most %u; no zero padding)",
                   (unsigned long long)n, LOWP_HADAMARD_MAX_N);
    LOWP_CHECK_ARG(extent % n == 0, "hadamard: block %llu does not divide the %s length %llu",
                   (unsigned long long)n, d->axis == LOWP_HADAMARD_AXIS_COLS ? "column" : "row",
                   (unsigned long long)extent);
    return LOWP_OK;
}

lowp_status lowp_hadamard_plan_make(const struct lowp_hadamard_desc *d, struct lowp_hadamard_plan *plan)
{
    LOWP_CHECK_NOT_NULL(plan);
    LOWP_TRY(lowp_hadamard_desc_validate(d));
    memset(plan, 0, sizeof *plan);
    plan->n = lowp_hadamard_desc_length(d);
    lowp_hadamard_factor(plan->n, &plan->m, &plan->p);
    while ((1u << plan->log2p) < plan->p)
        ++plan->log2p;
    plan->extent = d->axis == LOWP_HADAMARD_AXIS_COLS ? d->rows : d->cols;
    plan->cross = d->axis == LOWP_HADAMARD_AXIS_COLS ? d->cols : d->rows;
    plan->nblocks = plan->extent / plan->n;
    plan->nvec = plan->cross * plan->nblocks;
    plan->scale = lowp_hadamard_desc_scale(d);
    plan->scale_d = d->scale_mode == LOWP_HADAMARD_SCALE_ORTHONORMAL ? 1.0 / sqrt((double)plan->n)
                                                                       : (double)plan->scale;
    int8_t hm[LOWP_HADAMARD_MAX_M * LOWP_HADAMARD_MAX_M];
    LOWP_TRY(lowp_hadamard_small_matrix(plan->m, hm));
    for (uint32_t a = 0; a < plan->m; ++a)
        for (uint32_t c = 0; c < plan->m; ++c) {
            int8_t e = d->inverse ? hm[c * plan->m + a] : hm[a * plan->m + c];
            if (e < 0)
                plan->hm_bits[a] |= 1u << c;
        }
    return LOWP_OK;
}

static uint64_t elem_size(lowp_hadamard_dtype t)
{
    return t == LOWP_HADAMARD_DTYPE_BF16 ? 2u : 4u;
}

lowp_status lowp_hadamard_check_host(const struct lowp_hadamard_desc *d, const void *x, const void *y,
                                     const uint32_t *sign_bits)
{
    LOWP_CHECK_NOT_NULL(x);
    LOWP_CHECK_NOT_NULL(y);
    LOWP_CHECK_ARG(d->sign_mode != LOWP_HADAMARD_SIGNS_USER || sign_bits != NULL,
                   "hadamard: sign_mode USER needs sign_bits");
    if (x == y) {
        LOWP_CHECK_ARG(d->dtype_in == d->dtype_out && d->ld_in == d->ld_out,
                       "hadamard: in-place needs dtype_in == dtype_out and ld_in == ld_out");
        return LOWP_OK;
    }
    uintptr_t xb = (uintptr_t)x, yb = (uintptr_t)y;
    uintptr_t xe = xb + (uintptr_t)(((d->rows - 1) * d->ld_in + d->cols) * elem_size(d->dtype_in));
    uintptr_t ye = yb + (uintptr_t)(((d->rows - 1) * d->ld_out + d->cols) * elem_size(d->dtype_out));
    LOWP_CHECK_ARG(xe <= yb || ye <= xb, "hadamard: input and output overlap without being the same buffer");
    return LOWP_OK;
}

size_t lowp_hadamard_signs_words(uint64_t n)
{
    return (size_t)((n + 31) / 32);
}

lowp_status lowp_hadamard_signs_pack(const float *signs, uint64_t n, uint32_t *bits)
{
    LOWP_CHECK_NOT_NULL(signs);
    LOWP_CHECK_NOT_NULL(bits);
    memset(bits, 0, lowp_hadamard_signs_words(n) * sizeof *bits);
    for (uint64_t j = 0; j < n; ++j)
        if (signbit(signs[j]))
            bits[j >> 5] |= 1u << (j & 31u);
    return LOWP_OK;
}

lowp_status lowp_hadamard_signs_philox(uint64_t seed, uint64_t stream, uint64_t n, uint32_t *bits)
{
    LOWP_CHECK_NOT_NULL(bits);
    memset(bits, 0, lowp_hadamard_signs_words(n) * sizeof *bits);
    for (uint64_t j = 0; j < n; ++j)
        if (lowp_philox_word(seed, stream, j) >> 31)
            bits[j >> 5] |= 1u << (j & 31u);
    return LOWP_OK;
}

double lowp_hadamard_fp32_bound(const struct lowp_hadamard_desc *d, const void *x)
{
    struct lowp_hadamard_plan pl;
    if (x == NULL || lowp_hadamard_plan_make(d, &pl) != LOWP_OK)
        return 0.0;
    double l1max = 0;
    for (uint64_t line = 0; line < pl.cross; ++line)
        for (uint64_t blk = 0; blk < pl.nblocks; ++blk) {
            double l1 = 0;
            for (uint64_t j = 0; j < pl.n; ++j)
                l1 += fabs(lowp_hadamard_load(x, d->dtype_in,
                                              lowp_hadamard_offset(d->axis, blk * pl.n + j, line, d->ld_in)));
            l1max = fmax(l1max, l1);
        }
    return (pl.log2p + pl.m + 2) * ldexp(1.0, -24) * fabs((double)pl.scale) * l1max;
}
