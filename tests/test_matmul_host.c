/* test_matmul_host.c — host-only tests for lowp_matmul: descriptor checks,
 * the scalar reference against exact integer products, and the fast CPU
 * engines (own kernel, OpenBLAS when built with LOWP_HAVE_CBLAS) against the
 * reference with a normalized error bound.
 *
 * Build (no BLAS):
 *   gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -ffp-contract=off -fopenmp -Iinclude -Isrc -Ibackends/cpu \
 *       tests/test_matmul_host.c src/matmul/matmul_desc.c backends/cpu/ref/matmul_ref.c \
 *       backends/cpu/matmul_cpu.c src/matmul/matmul_params.c src/core/error.c -lm
 * With OpenBLAS: add -DLOWP_HAVE_CBLAS ... -lopenblas.
 *
 * Error bound: for C = alpha*op(A)op(B) + beta*C computed in float with any
 * summation order, |c - exact| <= gamma * (|alpha| (|op(A)||op(B)|)_ij + |beta||C0_ij|)
 * with gamma ~ (k+2)u, u = 2^-24 (Higham, ch. 3). We check the error in units
 * of u*scale_ij and require <= 2(k+2); the double-accumulated reference is
 * within ~1 u of exact. The printed "worst" is that normalized error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "lowp/matmul.h"
#include "core/philox.h"
#include "ref/matmul_ref.h"
#include "matmul_cpu.h"
#include "matmul/matmul_params.h"

static int g_passed, g_failed;
static double g_worst; /* largest normalized error seen, units of u */

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            g_passed++;                                                    \
        } else {                                                           \
            g_failed++;                                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                    \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
        }                                                                  \
    } while (0)

static void fill_uniform(float *x, size_t n, uint64_t stream)
{
    for (size_t i = 0; i < n; i++)
        x[i] = 2.0f * lowp_philox_uniform(lowp_philox_word(20261123u, stream, i)) - 1.0f;
}

static float *alloc_f(size_t n)
{
    float *p = malloc((n > 0 ? n : 1) * sizeof(float));
    if (p == NULL) {
        printf("out of memory\n");
        exit(2);
    }
    return p;
}

/* Address of op(A)(i,p) / op(B)(p,j) / C(i,j) of problem bi inside the buffer. */
static size_t idx_a(const struct lowp_matmul_desc *d, size_t bi, size_t i, size_t p)
{
    return d->offset_a + bi * d->stride_a + (d->trans_a ? p * d->lda + i : i * d->lda + p);
}
static size_t idx_b(const struct lowp_matmul_desc *d, size_t bi, size_t p, size_t j)
{
    return d->offset_b + bi * d->stride_b + (d->trans_b ? j * d->ldb + p : p * d->ldb + j);
}
static size_t idx_c(const struct lowp_matmul_desc *d, size_t bi, size_t i, size_t j)
{
    return d->offset_c + bi * d->stride_c + i * d->ldc + j;
}

/* Compare `got` with `ref` inside every C window (normalized bound) and
 * bit-for-bit with `c0` outside the windows (ld padding, gaps, tail). */
static void compare(const char *what, const struct lowp_matmul_desc *d, const float *a, const float *b,
                    const float *c0, const float *ref, const float *got, size_t c_len)
{
    const double u = ldexp(1.0, -24);
    const double limit = 2.0 * ((double)d->k + 2.0);
    unsigned char *inside = calloc(c_len > 0 ? c_len : 1, 1);
    double worst = 0.0;
    size_t bad = 0;
    for (size_t bi = 0; bi < d->batch; bi++)
        for (size_t i = 0; i < d->m; i++)
            for (size_t j = 0; j < d->n; j++) {
                const size_t ci = idx_c(d, bi, i, j);
                inside[ci] = 1;
                double scale = 0.0;
                if (d->alpha != 0.0f)
                    for (size_t p = 0; p < d->k; p++)
                        scale += fabs((double)a[idx_a(d, bi, i, p)] * (double)b[idx_b(d, bi, p, j)]);
                scale *= fabs((double)d->alpha);
                if (d->beta != 0.0f)
                    scale += fabs((double)d->beta * (double)c0[ci]);
                const double err = fabs((double)got[ci] - (double)ref[ci]);
                double norm = err / (u * (scale > 0 ? scale : 1e-300));
                if (!(err == 0.0))
                    norm = isfinite(norm) ? norm : INFINITY;
                else
                    norm = 0.0;
                if (!isfinite(got[ci]))
                    norm = INFINITY;
                if (norm > worst)
                    worst = norm;
                if (norm > limit)
                    bad++;
            }
    size_t clobbered = 0;
    for (size_t x = 0; x < c_len; x++)
        if (!inside[x] && memcmp(&got[x], &c0[x], sizeof(float)) != 0)
            clobbered++;
    free(inside);
    if (worst > g_worst && isfinite(worst))
        g_worst = worst;
    CHECK(bad == 0, "%s: %zu elements over the bound (worst %.3g u*scale, limit %.3g), m=%zu n=%zu k=%zu %c%c a=%g b=%g",
          what, bad, worst, limit, d->m, d->n, d->k, d->trans_a ? 'T' : 'N', d->trans_b ? 'T' : 'N',
          (double)d->alpha, (double)d->beta);
    CHECK(clobbered == 0, "%s: %zu elements of C outside the m x n windows were written", what, clobbered);
}

struct tcase {
    char ta, tb;
    size_t m, n, k;
    float alpha, beta;
    size_t pad;      /* added to every leading dimension */
    size_t batch;
    size_t off;      /* element offset of every operand */
    int share_a;     /* stride_a = 0: one A for the whole batch */
};

static void make_desc(const struct tcase *t, struct lowp_matmul_desc *d)
{
    lowp_matmul_desc_init(d, t->m, t->n, t->k);
    d->trans_a = t->ta == 'T' ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    d->trans_b = t->tb == 'T' ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    d->alpha = t->alpha;
    d->beta = t->beta;
    d->lda = (t->ta == 'T' ? t->m : t->k) + t->pad;
    d->ldb = (t->tb == 'T' ? t->k : t->n) + t->pad;
    d->ldc = t->n + t->pad;
    d->batch = t->batch;
    /* Strides with a gap of 5 elements so that gaps are checked too. */
    d->stride_a = t->share_a ? 0 : (t->ta == 'T' ? t->k : t->m) * d->lda + 5;
    d->stride_b = (t->tb == 'T' ? t->n : t->k) * d->ldb + 5;
    d->stride_c = t->m * d->ldc + 5;
    d->offset_a = d->offset_b = d->offset_c = t->off;
}

static void run_case(const struct tcase *t, uint64_t seed_stream)
{
    struct lowp_matmul_desc d;
    make_desc(t, &d);
    size_t ea, eb, ec;
    if (lowp_matmul_desc_extents(&d, &ea, &eb, &ec) != LOWP_OK) {
        CHECK(0, "extents failed: %s", lowp_last_error());
        return;
    }
    const size_t na = ea + 3, nb = eb + 3, nc = ec + 7; /* slack that must stay untouched */
    float *a = alloc_f(na), *b = alloc_f(nb), *c0 = alloc_f(nc), *ref = alloc_f(nc), *got = alloc_f(nc);
    fill_uniform(a, na, seed_stream * 3 + 0);
    fill_uniform(b, nb, seed_stream * 3 + 1);
    if (t->beta == 0.0f)
        for (size_t x = 0; x < nc; x++)
            c0[x] = NAN; /* beta == 0: C must not be read */
    else
        fill_uniform(c0, nc, seed_stream * 3 + 2);

    memcpy(ref, c0, nc * sizeof(float));
    lowp_status s = lowp_ref_matmul(&d, a, na, b, nb, ref, nc);
    CHECK(s == LOWP_OK, "ref: %s", lowp_last_error());

    float *seq = alloc_f(nc);
    memcpy(seq, c0, nc * sizeof(float));
    s = lowp_ref_matmul_f32seq(&d, a, na, b, nb, seq, nc);
    CHECK(s == LOWP_OK, "f32seq: %s", lowp_last_error());
    compare("f32seq", &d, a, b, c0, ref, seq, nc);

    const lowp_matmul_engine engines[3] = {LOWP_MATMUL_ENGINE_OWN, LOWP_MATMUL_ENGINE_AUTO, LOWP_MATMUL_ENGINE_BLAS};
    const char *names[3] = {"cpu/own", "cpu/auto", "cpu/blas"};
    for (int e = 0; e < 3; e++) {
        if (e == 2 && !lowp_cpu_matmul_has_blas())
            continue;
        if (e == 1 && !lowp_cpu_matmul_has_blas())
            continue; /* AUTO == OWN then */
        d.engine = engines[e];
        memcpy(got, c0, nc * sizeof(float));
        s = lowp_cpu_matmul(&d, a, na, b, nb, got, nc);
        CHECK(s == LOWP_OK, "%s: %s", names[e], lowp_last_error());
        compare(names[e], &d, a, b, c0, ref, got, nc);
        if (e == 0) { /* the own kernel sums like f32seq (and the OpenCL kernels): same bits */
            size_t diff = 0;
            for (size_t x = 0; x < nc; x++)
                diff += memcmp(&got[x], &seq[x], sizeof(float)) != 0;
            CHECK(diff == 0, "cpu/own differs from f32seq in %zu elements (m=%zu n=%zu k=%zu batch=%zu)",
                  diff, d.m, d.n, d.k, d.batch);
        }
    }
    free(seq);
    free(a);
    free(b);
    free(c0);
    free(ref);
    free(got);
}

/* ---- reference vs exact integer products --------------------------------
 * Small integer entries make every product and partial sum exact in float
 * and double, so the reference must equal an int64 computation exactly. The
 * int64 side builds logical matrices first and stores them by the test's own
 * index functions, independently of the library's addressing. */
static void test_ref_exact(char ta, char tb, size_t m, size_t n, size_t k, size_t pad, size_t batch)
{
    const struct tcase t = {ta, tb, m, n, k, 3.0f, -2.0f, pad, batch, 2, 0};
    struct lowp_matmul_desc d;
    make_desc(&t, &d);
    size_t ea, eb, ec;
    lowp_matmul_desc_extents(&d, &ea, &eb, &ec);
    float *a = alloc_f(ea), *b = alloc_f(eb), *c = alloc_f(ec);
    int64_t *want = malloc((ec > 0 ? ec : 1) * sizeof(int64_t));
    for (size_t x = 0; x < ea; x++) a[x] = 99.0f; /* never multiplied into a window */
    for (size_t x = 0; x < eb; x++) b[x] = 99.0f;
    for (size_t x = 0; x < ec; x++) { c[x] = (float)((int)(x % 11) - 5); want[x] = (int64_t)c[x]; }
    for (size_t bi = 0; bi < batch; bi++) {
        for (size_t i = 0; i < m; i++)
            for (size_t p = 0; p < k; p++)
                a[idx_a(&d, bi, i, p)] = (float)((int)((i * 7 + p * 3 + bi) % 9) - 4);
        for (size_t p = 0; p < k; p++)
            for (size_t j = 0; j < n; j++)
                b[idx_b(&d, bi, p, j)] = (float)((int)((p * 5 + j * 2 + bi * 3) % 7) - 3);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                int64_t acc = 0;
                for (size_t p = 0; p < k; p++)
                    acc += (int64_t)((int)((i * 7 + p * 3 + bi) % 9) - 4) * (int64_t)((int)((p * 5 + j * 2 + bi * 3) % 7) - 3);
                const size_t ci = idx_c(&d, bi, i, j);
                want[ci] = 3 * acc - 2 * want[ci];
            }
    }
    CHECK(lowp_ref_matmul(&d, a, ea, b, eb, c, ec) == LOWP_OK, "ref exact: %s", lowp_last_error());
    size_t bad = 0;
    for (size_t x = 0; x < ec; x++)
        if ((double)c[x] != (double)want[x])
            bad++;
    CHECK(bad == 0, "ref exact %c%c m=%zu n=%zu k=%zu: %zu elements differ from the int64 product", ta, tb, m, n, k, bad);
    free(a); free(b); free(c); free(want);
}

static void test_known_answer(void)
{
    /* [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154] */
    const float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {7, 8, 9, 10, 11, 12};
    const float want[4] = {58, 64, 139, 154};
    float c[4] = {NAN, NAN, NAN, NAN};
    struct lowp_matmul_desc d;
    lowp_matmul_desc_init(&d, 2, 2, 3);
    CHECK(lowp_ref_matmul(&d, a, 6, b, 6, c, 4) == LOWP_OK, "known answer: %s", lowp_last_error());
    CHECK(memcmp(c, want, sizeof(c)) == 0, "known answer: got %g %g %g %g", c[0], c[1], c[2], c[3]);
    for (int i = 0; i < 4; i++) c[i] = NAN;
    CHECK(lowp_cpu_matmul(&d, a, 6, b, 6, c, 4) == LOWP_OK, "known answer cpu: %s", lowp_last_error());
    CHECK(memcmp(c, want, sizeof(c)) == 0, "known answer cpu: got %g %g %g %g", c[0], c[1], c[2], c[3]);
    /* Same data read as A^T (3x2 stored) and B^T (2x3 stored): op(A) = [1 3 5; 2 4 6],
     * op(B) = [7 10; 8 11; 9 12] -> [76 103; 100 136]. */
    const float want_t[4] = {76, 103, 100, 136};
    d.trans_a = d.trans_b = LOWP_MATMUL_TRANS_T;
    d.lda = 2;
    d.ldb = 3;
    CHECK(lowp_ref_matmul(&d, a, 6, b, 6, c, 4) == LOWP_OK, "known answer TT: %s", lowp_last_error());
    CHECK(memcmp(c, want_t, sizeof(c)) == 0, "known answer TT: got %g %g %g %g", c[0], c[1], c[2], c[3]);
}

/* alpha == 0 and k == 0 must not read A/B; beta == 0 must not read C. */
static void test_blas_conventions(void)
{
    float a[12], b[12], c[6], c2[6];
    for (int i = 0; i < 12; i++) a[i] = b[i] = NAN;
    struct lowp_matmul_desc d;
    lowp_matmul_desc_init(&d, 2, 3, 4);
    d.alpha = 0.0f;
    d.beta = 0.5f;
    for (int e = 0; e < 3; e++) {
        d.engine = e == 0 ? LOWP_MATMUL_ENGINE_OWN : e == 1 ? LOWP_MATMUL_ENGINE_AUTO : LOWP_MATMUL_ENGINE_BLAS;
        if (e == 2 && !lowp_cpu_matmul_has_blas()) continue;
        for (int i = 0; i < 6; i++) c[i] = c2[i] = (float)i;
        CHECK(lowp_cpu_matmul(&d, a, 12, b, 12, c, 6) == LOWP_OK, "alpha=0: %s", lowp_last_error());
        CHECK(lowp_ref_matmul(&d, a, 12, b, 12, c2, 6) == LOWP_OK, "alpha=0 ref: %s", lowp_last_error());
        int ok = 1;
        for (int i = 0; i < 6; i++) ok &= c[i] == 0.5f * (float)i && c2[i] == 0.5f * (float)i;
        CHECK(ok, "alpha=0, NaN in A and B: C must be beta*C (engine %d)", e);
    }
    /* k == 0, beta == 0, NaN in C: result 0; A and B may be NULL. */
    lowp_matmul_desc_init(&d, 2, 3, 0);
    for (int i = 0; i < 6; i++) c[i] = NAN;
    CHECK(lowp_cpu_matmul(&d, NULL, 0, NULL, 0, c, 6) == LOWP_OK, "k=0: %s", lowp_last_error());
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= c[i] == 0.0f && !signbit(c[i]);
    CHECK(ok, "k=0, beta=0: C must be +0");
    /* m == 0 / batch == 0: valid no-ops with NULL buffers. */
    lowp_matmul_desc_init(&d, 0, 3, 4);
    CHECK(lowp_cpu_matmul(&d, NULL, 0, NULL, 0, NULL, 0) == LOWP_OK, "m=0: %s", lowp_last_error());
    CHECK(lowp_ref_matmul(&d, NULL, 0, NULL, 0, NULL, 0) == LOWP_OK, "m=0 ref: %s", lowp_last_error());
    lowp_matmul_desc_init(&d, 2, 3, 4);
    d.batch = 0;
    CHECK(lowp_cpu_matmul(&d, NULL, 0, NULL, 0, NULL, 0) == LOWP_OK, "batch=0: %s", lowp_last_error());
}

static void expect_status(const char *what, lowp_status got, lowp_status want)
{
    const char *msg = lowp_last_error();
    CHECK(got == want && (want == LOWP_OK || msg[0] != '\0'), "%s: got %s want %s (%s)", what,
          lowp_status_name(got), lowp_status_name(want), msg);
}

static void test_bad_args(void)
{
    float buf[64] = {0};
    struct lowp_matmul_desc d, g;
    lowp_matmul_desc_init(&g, 4, 4, 4); /* needs 16 elements each */
    expect_status("good", lowp_matmul_desc_check(&g, 16, 16, 16), LOWP_OK);
    expect_status("NULL desc", lowp_matmul_desc_check(NULL, 16, 16, 16), LOWP_ERR_INVALID_ARG);
    expect_status("NULL desc cpu", lowp_cpu_matmul(NULL, buf, 64, buf, 64, buf, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.trans_a = (lowp_matmul_trans)2;
    expect_status("trans_a=2", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.trans_b = (lowp_matmul_trans)-1;
    expect_status("trans_b=-1", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.engine = (lowp_matmul_engine)9;
    expect_status("engine=9", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.lda = 3;
    expect_status("lda<k", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    lowp_matmul_desc_init(&d, 5, 4, 3); d.trans_a = LOWP_MATMUL_TRANS_T; d.lda = 3; /* needs >= m = 5 */
    expect_status("lda<m (T)", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.ldb = 2;
    expect_status("ldb<n", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.trans_b = LOWP_MATMUL_TRANS_T; d.k = 6; d.lda = 6; d.ldb = 5; /* needs >= k = 6 */
    expect_status("ldb<k (T)", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.ldc = 3;
    expect_status("ldc<n", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    lowp_matmul_desc_init(&d, 0, 0, 0); d.ldc = 0;
    expect_status("ldc=0 on empty", lowp_matmul_desc_check(&d, 0, 0, 0), LOWP_ERR_INVALID_ARG);
    expect_status("A too small", lowp_matmul_desc_check(&g, 15, 16, 16), LOWP_ERR_INVALID_ARG);
    expect_status("B too small", lowp_matmul_desc_check(&g, 16, 15, 16), LOWP_ERR_INVALID_ARG);
    expect_status("C too small", lowp_matmul_desc_check(&g, 16, 16, 15), LOWP_ERR_INVALID_ARG);
    d = g; d.offset_c = 1;
    expect_status("C offset past end", lowp_matmul_desc_check(&d, 16, 16, 16), LOWP_ERR_INVALID_ARG);
    d = g; d.batch = 2; d.stride_c = 15;
    expect_status("stride_c overlap", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.batch = 2; d.stride_a = 0; d.stride_b = 0; d.stride_c = 16;
    expect_status("shared A,B", lowp_matmul_desc_check(&d, 16, 16, 32), LOWP_OK);
    d = g; d.m = SIZE_MAX / 2; d.lda = 4;
    expect_status("extent overflow", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    d = g; d.batch = SIZE_MAX; d.stride_c = 16;
    expect_status("batch overflow", lowp_matmul_desc_check(&d, 64, 64, 64), LOWP_ERR_INVALID_ARG);
    expect_status("NULL A", lowp_cpu_matmul(&g, NULL, 16, buf, 16, buf, 16), LOWP_ERR_INVALID_ARG);
    expect_status("NULL C ref", lowp_ref_matmul(&g, buf, 16, buf, 16, NULL, 16), LOWP_ERR_INVALID_ARG);
    d = g; d.engine = LOWP_MATMUL_ENGINE_CLBLAST;
    expect_status("CLBLAST on cpu", lowp_cpu_matmul(&d, buf, 16, buf, 16, buf + 32, 16), LOWP_ERR_UNSUPPORTED);
    d = g; d.engine = LOWP_MATMUL_ENGINE_BLAS;
    expect_status("BLAS engine", lowp_cpu_matmul(&d, buf, 16, buf, 16, buf + 32, 16),
                  lowp_cpu_matmul_has_blas() ? LOWP_OK : LOWP_ERR_UNSUPPORTED);
}

/* OpenCL parameter table helpers (no device needed). */
static void test_cl_params(void)
{
    struct lowp_matmul_cl_params p;
    const char *row = NULL;
    CHECK(strcmp(lowp_matmul_cl_vendor_key("Portable Computing Language", "AuthenticAMD"), "pocl") == 0, "pocl key");
    CHECK(strcmp(lowp_matmul_cl_vendor_key("rusticl", "Mesa/X.org"), "rusticl") == 0, "rusticl key");
    CHECK(strcmp(lowp_matmul_cl_vendor_key("NVIDIA CUDA", "NVIDIA Corporation"), "NVIDIA") == 0, "nvidia key");
    CHECK(strcmp(lowp_matmul_cl_vendor_key("AMD Accelerated Parallel Processing", "Advanced Micro Devices, Inc."), "AMD") == 0, "amd key");
    CHECK(strcmp(lowp_matmul_cl_vendor_key(NULL, NULL), "") == 0, "NULL key");
    /* a PoCL device without an exact (tuned) row gets the pocl default */
    CHECK(lowp_matmul_cl_params_lookup("Portable Computing Language", "AuthenticAMD", "pthread-nosuchcpu-Test", 1, &p, &row) == LOWP_OK &&
              strcmp(row, "pocl") == 0, "pocl lookup -> %s", row ? row : "(null)");
    /* every exact-device row (generated from tuner JSON) is found by its name, PoCL prefix or not */
    for (size_t i = 0; i < lowp_matmul_cl_table_len; i++) {
        const struct lowp_matmul_cl_entry *e = &lowp_matmul_cl_table[i];
        if (e->device == NULL)
            continue;
        char name[300];
        snprintf(name, sizeof name, "%s%s", strcmp(e->vendor, "pocl") == 0 ? "pthread-" : "", e->device);
        const char *platform = strcmp(e->vendor, "pocl") == 0 ? "Portable Computing Language"
                               : strcmp(e->vendor, "rusticl") == 0 ? "rusticl" : "";
        unsigned faster = 7;
        CHECK(lowp_matmul_cl_params_lookup_ex(platform, e->vendor, name, 0, &p, &row, &faster) == LOWP_OK &&
                  strcmp(row, e->device) == 0 && memcmp(&p, &e->p, sizeof p) == 0 && faster == e->clblast_faster,
              "exact row %zu (%s/%s) -> %s", i, e->vendor, e->device, row ? row : "(null)");
    }
    {
        char n[16];
        lowp_matmul_cl_normalize_name("  pthread-abc  ", n, sizeof n);
        CHECK(strcmp(n, "abc") == 0, "normalize_name -> '%s'", n);
    }
    CHECK(lowp_matmul_cl_params_lookup("Foo", "Unknown Inc", "x", 0, &p, &row) == LOWP_OK && strcmp(row, "generic-gpu") == 0 &&
              p.mwg == 32, "unknown GPU -> %s", row ? row : "(null)");
    CHECK(lowp_matmul_cl_params_lookup("Foo", "Unknown Inc", "x", 1, &p, &row) == LOWP_OK && strcmp(row, "generic-cpu") == 0,
          "unknown CPU -> %s", row ? row : "(null)");
    const size_t lim[2] = {1024, 1024};
    for (size_t i = 0; i < lowp_matmul_cl_table_len; i++)
        CHECK(lowp_matmul_cl_params_validate(&lowp_matmul_cl_table[i].p, 256, lim, 32768) == LOWP_OK,
              "table row %zu (%s) invalid: %s", i, lowp_matmul_cl_table[i].vendor, lowp_last_error());
    const size_t ncand = lowp_matmul_cl_params_candidates(NULL, 0);
    struct lowp_matmul_cl_params *cand = malloc(ncand * sizeof(*cand));
    CHECK(ncand > 100 && lowp_matmul_cl_params_candidates(cand, ncand) == ncand, "candidate grid: %zu", ncand);
    size_t badc = 0;
    for (size_t i = 0; i < ncand; i++)
        badc += lowp_matmul_cl_params_validate(&cand[i], 0, NULL, 0) != LOWP_OK;
    CHECK(badc == 0, "%zu malformed candidates", badc);
    free(cand);
    struct lowp_matmul_cl_params q = lowp_matmul_cl_table[0].p;
    q.vw = 3;
    expect_status("VW=3", lowp_matmul_cl_params_validate(&q, 0, NULL, 0), LOWP_ERR_INVALID_ARG);
    q = lowp_matmul_cl_table[0].p;
    q.wptm = 3;
    expect_status("MWG % WPTM", lowp_matmul_cl_params_validate(&q, 0, NULL, 0), LOWP_ERR_INVALID_ARG);
    q = (struct lowp_matmul_cl_params){64, 64, 16, 4, 4, 4, 1, 1, 0, 0}; /* 256 items, 8.3 KiB */
    expect_status("too many items", lowp_matmul_cl_params_validate(&q, 128, NULL, 0), LOWP_ERR_UNSUPPORTED);
    expect_status("too much local", lowp_matmul_cl_params_validate(&q, 0, NULL, 4096), LOWP_ERR_UNSUPPORTED);
    char buf[256];
    q = (struct lowp_matmul_cl_params){64, 32, 16, 4, 2, 4, 1, 0, 0, 1};
    CHECK(lowp_matmul_cl_params_defines(&q, buf, sizeof buf) == LOWP_OK &&
              strcmp(buf, "-DMWG=64 -DNWG=32 -DKWG=16 -DWPTM=4 -DWPTN=2 -DVW=4 -DPADA=1 -DPADB=0 -DMM_FMA=0 -DRELAX_WGS=1") == 0,
          "defines: %s", buf);
    expect_status("defines too short", lowp_matmul_cl_params_defines(&q, buf, 10), LOWP_ERR_INVALID_ARG);
    struct lowp_matmul_desc d;
    lowp_matmul_desc_init(&d, 65, 33, 7);
    d.batch = 3;
    size_t g[3], l[3];
    lowp_matmul_cl_tiled_range(&q, &d, g, l);
    CHECK(l[0] == 16 && l[1] == 16 && l[2] == 1 && g[0] == 32 && g[1] == 32 && g[2] == 3,
          "tiled range: global %zu %zu %zu local %zu %zu %zu", g[0], g[1], g[2], l[0], l[1], l[2]);
    lowp_matmul_cl_simple_range(&d, g, l);
    CHECK(g[0] == 40 && g[1] == 72 && g[2] == 3 && l[0] == 8, "simple range");
    CHECK(lowp_matmul_cl_prefer_simple(&d) == 1, "65x33x7 should prefer the simple kernel");
    lowp_matmul_desc_init(&d, 256, 256, 256);
    CHECK(lowp_matmul_cl_prefer_simple(&d) == 0, "256^3 should use the tiled kernel");
}

/* The own kernel sums each element exactly like lowp_ref_matmul_f32seq
 * (products in ascending k carried across KC slices, separate multiply and
 * add, then the same output formula), so the bits must match, with finite
 * random data in C too. Pins down every micro-kernel variant (AVX, 4-wide
 * vectors, plain C with -DLOWP_MM_PORTABLE) and the tiny-problem path. */
static void test_own_order(void)
{
    const struct tcase cases[] = {
        {'N', 'N', 100, 70, 256, 1.5f, 0.0f, 1, 1, 0, 0},
        {'T', 'T', 257, 33, 200, -1.0f, 0.0f, 0, 2, 3, 0},
        {'N', 'T', 13, 300, 129, 1.0f, 0.0f, 2, 1, 1, 0},
        {'T', 'N', 7, 9, 11, 0.5f, 0.0f, 0, 3, 0, 1},
        {'N', 'T', 61, 45, 700, 1.25f, -0.5f, 1, 2, 0, 0},
        {'T', 'N', 3, 2, 1000, 1.0f, 1.0f, 0, 1, 0, 0},
        {'N', 'N', 40, 20, 0, -2.0f, 0.0f, 1, 1, 0, 0},
        {'N', 'N', 40, 20, 30, 0.0f, -1.0f, 0, 1, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lowp_matmul_desc d;
        make_desc(&cases[i], &d);
        d.engine = LOWP_MATMUL_ENGINE_OWN;
        size_t ea, eb, ec;
        lowp_matmul_desc_extents(&d, &ea, &eb, &ec);
        float *a = alloc_f(ea), *b = alloc_f(eb), *c1 = alloc_f(ec), *c2 = alloc_f(ec);
        fill_uniform(a, ea, 700 + i);
        fill_uniform(b, eb, 800 + i);
        fill_uniform(c1, ec, 900 + i);
        memcpy(c2, c1, ec * sizeof(float));
        CHECK(lowp_cpu_matmul(&d, a, ea, b, eb, c1, ec) == LOWP_OK, "own order: %s", lowp_last_error());
        CHECK(lowp_ref_matmul_f32seq(&d, a, ea, b, eb, c2, ec) == LOWP_OK, "own order f32seq: %s", lowp_last_error());
        size_t diff = 0;
        for (size_t x = 0; x < ec; x++)
            diff += memcmp(&c1[x], &c2[x], sizeof(float)) != 0;
        CHECK(diff == 0, "own kernel differs from f32seq in %zu elements (case %zu, k=%zu)", diff, i, d.k);
        free(a); free(b); free(c1); free(c2);
    }
}

/* Same bits for 1, 2 and 3 threads, for both engines: the own kernel
 * splits rows of C among threads, never k; the BLAS engine calls OpenBLAS
 * on a grid of panels fixed by the shape (matmul_cpu.c). The 768 x 128 x
 * 384 products are the trainer's; a threaded OpenBLAS call rounds most of
 * their elements differently with 1 and 2 threads. */
static void test_thread_invariance(void)
{
#ifdef _OPENMP
    const struct tcase cases[] = {
        {'N', 'T', 301, 190, 520, 1.0f, 0.0f, 1, 1, 0, 0},
        {'N', 'N', 768, 128, 384, 1.0f, 0.0f, 0, 1, 0, 0},
        {'N', 'T', 768, 128, 384, 1.0f, 1.0f, 0, 1, 0, 0},
        {'T', 'N', 128, 128, 768, 1.0f, 0.0f, 0, 1, 0, 0},
        {'T', 'T', 1100, 600, 64, -0.5f, 0.25f, 3, 2, 0, 0},
    };
    const lowp_matmul_engine engines[2] = {LOWP_MATMUL_ENGINE_OWN, LOWP_MATMUL_ENGINE_BLAS};
    const int saved = omp_get_max_threads();
    for (int e = 0; e < 2; e++) {
        if (engines[e] == LOWP_MATMUL_ENGINE_BLAS && !lowp_cpu_matmul_has_blas())
            continue;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            struct lowp_matmul_desc d;
            make_desc(&cases[i], &d);
            d.engine = engines[e];
            size_t ea, eb, ec;
            lowp_matmul_desc_extents(&d, &ea, &eb, &ec);
            float *a = alloc_f(ea), *b = alloc_f(eb), *c0 = alloc_f(ec), *c1 = alloc_f(ec), *c2 = alloc_f(ec);
            fill_uniform(a, ea, 900 + i);
            fill_uniform(b, eb, 910 + i);
            fill_uniform(c0, ec, 920 + i);
            for (int threads = 1; threads <= 3; threads++) {
                float *c = threads == 1 ? c1 : c2;
                memcpy(c, c0, ec * sizeof(float));
                omp_set_num_threads(threads);
                CHECK(lowp_cpu_matmul(&d, a, ea, b, eb, c, ec) == LOWP_OK, "threads: %s", lowp_last_error());
                size_t diff = 0;
                for (size_t x = 0; threads > 1 && x < ec; x++)
                    diff += memcmp(&c1[x], &c2[x], sizeof(float)) != 0;
                CHECK(diff == 0, "%s engine, case %zu (%zux%zux%zu): %zu elements differ between 1 and %d threads",
                      engines[e] == LOWP_MATMUL_ENGINE_OWN ? "own" : "blas", i, d.m, d.n, d.k, diff, threads);
            }
            free(a); free(b); free(c0); free(c1); free(c2);
        }
    }
    omp_set_num_threads(saved);
#endif
}

int main(void)
{
    test_known_answer();
    const char tr[4][2] = {{'N', 'N'}, {'N', 'T'}, {'T', 'N'}, {'T', 'T'}};
    for (int t = 0; t < 4; t++) {
        test_ref_exact(tr[t][0], tr[t][1], 7, 5, 9, 0, 1);
        test_ref_exact(tr[t][0], tr[t][1], 13, 33, 70, 2, 3);
    }
    test_blas_conventions();
    test_bad_args();
    test_thread_invariance();
    test_own_order();
    test_cl_params();

    uint64_t stream = 1;
    /* Square shapes x all transposes, alpha/beta variants, padded ld. */
    const size_t sq[4] = {1, 7, 33, 257};
    const float ab[4][2] = {{1.0f, 0.0f}, {-0.5f, 0.75f}, {2.0f, 1.0f}, {1.0f, -1.0f}};
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 4; t++) {
            const int v = (s + t) % 4; /* vary alpha/beta across cases */
            const struct tcase c = {tr[t][0], tr[t][1], sq[s], sq[s], sq[s], ab[v][0], ab[v][1], (size_t)(t & 1) * 3, 1, 0, 0};
            run_case(&c, stream++);
        }
    /* Non-square, edge-heavy and blocked-path shapes (several KC blocks, n > NC). */
    const struct tcase more[] = {
        {'N', 'N', 5, 300, 17, 1.0f, 0.0f, 0, 1, 0, 0},
        {'T', 'N', 130, 3, 70, 0.5f, 2.0f, 1, 1, 3, 0},
        {'N', 'T', 64, 129, 513, 1.0f, 0.0f, 7, 1, 1, 0},
        {'T', 'T', 97, 61, 300, -1.0f, 0.5f, 2, 1, 0, 0},
        {'N', 'N', 1, 1000, 64, 1.0f, 0.0f, 0, 1, 0, 0},
        {'T', 'N', 1000, 1, 3, 1.0f, 1.0f, 0, 1, 0, 0},
        {'N', 'T', 7, 2100, 300, 1.0f, 0.0f, 0, 1, 0, 0},
        {'N', 'N', 250, 130, 600, 1.0f, 0.25f, 4, 1, 0, 0},
        /* batches: strided, shared A, tiny (batch-parallel) and blocked */
        {'N', 'N', 7, 9, 11, 1.0f, 0.0f, 1, 3, 2, 0},
        {'T', 'T', 33, 17, 65, 1.5f, -0.5f, 0, 4, 0, 1},
        {'N', 'T', 70, 80, 90, 1.0f, 0.0f, 2, 3, 5, 0},
        {'T', 'N', 2, 2, 2, 1.0f, 1.0f, 1, 40, 1, 1},
    };
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
        run_case(&more[i], stream++);

    printf("blas engine: %s; worst normalized error %.3g (units of u*|alpha||A||B|+|beta||C|)\n",
           lowp_cpu_matmul_has_blas() ? "compiled in" : "absent", g_worst);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
