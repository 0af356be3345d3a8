/* hadamard_ref.c — explicit-matrix reference for the Hadamard op.
 * Build without -ffast-math, with -ffp-contract=off. */
#include "ref/hadamard_ref.h"

#include <stdlib.h>

#include "core/error.h"
#include "hadamard/hadamard_plan.h"

/* Sylvester entry (−1)^popcount(b & e). */
static int sylvester(uint64_t b, uint64_t e)
{
    int r = 1;
    for (uint64_t v = b & e; v != 0; v &= v - 1)
        r = -r;
    return r;
}

lowp_status lowp_ref_hadamard(const struct lowp_hadamard_desc *d, const void *x, void *y,
                              const uint32_t *sign_bits)
{
    struct lowp_hadamard_plan pl;
    LOWP_TRY(lowp_hadamard_plan_make(d, &pl));
    LOWP_TRY(lowp_hadamard_check_host(d, x, y, sign_bits));

    int8_t hm[LOWP_HADAMARD_MAX_M * LOWP_HADAMARD_MAX_M];
    LOWP_TRY(lowp_hadamard_small_matrix(pl.m, hm));
    const uint64_t n = pl.n, p = pl.p, m = pl.m;
    double *v = malloc(2 * n * sizeof *v);
    if (v == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_ref_hadamard: no memory for %llu doubles",
                          (unsigned long long)(2 * n));
    double *w = v + n;

    for (uint64_t line = 0; line < pl.cross; ++line)
        for (uint64_t blk = 0; blk < pl.nblocks; ++blk) {
            const uint64_t a0 = blk * n;
            for (uint64_t j = 0; j < n; ++j) {
                double e = lowp_hadamard_load(x, d->dtype_in, lowp_hadamard_offset(d->axis, a0 + j, line, d->ld_in));
                if (!d->inverse && lowp_hadamard_sign_negative(d, sign_bits, j))
                    e = -e;
                v[j] = e;
            }
            for (uint64_t i = 0; i < n; ++i) {
                double acc = 0.0;
                for (uint64_t j = 0; j < n; ++j) {
                    /* Entry (i, j) of H = H_m ⊗ H_p, or of Hᵀ for the inverse. */
                    uint64_t r = d->inverse ? j : i, c = d->inverse ? i : j;
                    int h = hm[(r / p) * m + c / p] * sylvester(r % p, c % p);
                    acc += h > 0 ? v[j] : -v[j];
                }
                w[i] = acc * pl.scale_d;
            }
            for (uint64_t i = 0; i < n; ++i) {
                float f = (float)w[i];
                if (d->inverse)
                    f = lowp_hadamard_flip(f, lowp_hadamard_sign_negative(d, sign_bits, i));
                lowp_hadamard_store(y, d->dtype_out, lowp_hadamard_offset(d->axis, a0 + i, line, d->ld_out), f);
            }
        }
    free(v);
    return LOWP_OK;
}
