/* hadamard_matrix.c — the small Hadamard matrices H_12, H_20, H_28 (Paley
 * constructions, computed here rather than typed in as tables, so there is
 * no table to mistype) and the explicit n × n matrix used by tests.
 *
 * Paley I (q prime, q ≡ 3 mod 4), order q + 1. With χ the quadratic
 * character mod q (χ(0) = 0) and rows/columns 1..q standing for the field
 * elements 0..q−1:
 *     S[0][0] = 0, S[0][j] = +1, S[i][0] = −1, S[i][j] = χ(j − i),
 *     H = I + S.
 *   S is antisymmetric with S·Sᵀ = q·I, so H·Hᵀ = (q+1)·I.
 * Paley II (q prime, q ≡ 1 mod 4), order 2(q + 1). With
 *     C[0][0] = 0, C[0][j] = C[i][0] = +1, C[i][j] = χ(j − i)   (symmetric),
 *   every entry of C becomes a 2×2 block:
 *     0  → [[+1, −1], [−1, −1]],   ±1 → ±[[+1, +1], [+1, −1]].
 * Orders used: 12 = Paley I (q = 11), 20 = Paley I (q = 19),
 *              28 = Paley II (q = 13). */
#include "hadamard/hadamard_plan.h"

#include "core/error.h"

/* Quadratic character of a mod the odd prime q (Euler's criterion). */
static int quad_char(int64_t a, int64_t q)
{
    a %= q;
    if (a < 0)
        a += q;
    if (a == 0)
        return 0;
    int64_t r = 1, b = a, e = (q - 1) / 2;
    while (e > 0) {
        if (e & 1)
            r = r * b % q;
        b = b * b % q;
        e >>= 1;
    }
    return r == 1 ? 1 : -1;
}

static void paley1(int q, int8_t *h)
{
    const int m = q + 1;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < m; ++j) {
            int s;
            if (i == 0)
                s = j == 0 ? 0 : 1;
            else if (j == 0)
                s = -1;
            else
                s = quad_char(j - i, q);
            h[i * m + j] = (int8_t)(s + (i == j ? 1 : 0));
        }
}

static void paley2(int q, int8_t *h)
{
    const int c_order = q + 1, m = 2 * c_order;
    for (int i = 0; i < c_order; ++i)
        for (int j = 0; j < c_order; ++j) {
            int c;
            if (i == 0 || j == 0)
                c = (i == 0 && j == 0) ? 0 : 1;
            else
                c = quad_char(j - i, q);
            for (int u = 0; u < 2; ++u)
                for (int v = 0; v < 2; ++v) {
                    int e;
                    if (c == 0)
                        e = (u == 0 && v == 0) ? 1 : -1;
                    else
                        e = c * ((u == 1 && v == 1) ? -1 : 1);
                    h[(2 * i + u) * m + (2 * j + v)] = (int8_t)e;
                }
        }
}

/* Parity of the set bits: the Sylvester entry (−1)^popcount(i & j). */
static int parity(uint64_t v)
{
    int r = 0;
    for (; v != 0; v &= v - 1)
        r ^= 1;
    return r;
}

lowp_status lowp_hadamard_small_matrix(uint32_t m, int8_t *h)
{
    LOWP_CHECK_NOT_NULL(h);
    switch (m) {
    case 1: h[0] = 1; return LOWP_OK;
    case 2: h[0] = 1; h[1] = 1; h[2] = 1; h[3] = -1; return LOWP_OK;
    case 12: paley1(11, h); return LOWP_OK;
    case 20: paley1(19, h); return LOWP_OK;
    case 28: paley2(13, h); return LOWP_OK;
    default:
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_hadamard_small_matrix: order %u is not one of 1, 2, 12, 20, 28",
                          (unsigned)m);
    }
}

lowp_status lowp_hadamard_matrix(uint64_t n, int8_t *h)
{
    LOWP_CHECK_NOT_NULL(h);
    uint32_t m, p;
    if (!lowp_hadamard_factor(n, &m, &p))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_hadamard_matrix: n = %llu is not a supported length",
                          (unsigned long long)n);
    LOWP_CHECK_ARG(n <= 4096, "lowp_hadamard_matrix: n = %llu is above the 4096 limit of this helper",
                   (unsigned long long)n);
    int8_t hm[LOWP_HADAMARD_MAX_M * LOWP_HADAMARD_MAX_M];
    LOWP_TRY(lowp_hadamard_small_matrix(m, hm));
    /* Index i = a·p + b: a selects the H_m entry, b the Sylvester entry. */
    for (uint64_t i = 0; i < n; ++i)
        for (uint64_t j = 0; j < n; ++j) {
            uint64_t a = i / p, b = i % p, c = j / p, e = j % p;
            int syl = parity(b & e) ? -1 : 1;
            h[i * n + j] = (int8_t)(hm[a * m + c] * syl);
        }
    return LOWP_OK;
}
