/* test_hadamard_host.c — host tests of the Hadamard op (no device):
 * the explicit reference vs independent vectors (scipy/torch, see
 * tests/vectors/hadamard/gen_hadamard.py), matrix properties, the fast CPU
 * path vs the reference and vs a plain model of the normative operation
 * order (bit for bit), round trips, bf16 paths and argument checking.
 * Usage: test_hadamard_host [tests/vectors/hadamard | path/to/hadamard_vectors.txt] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "hadamard_cpu.h"
#include "hadamard/hadamard_launch.h"
#include "ref/hadamard_ref.h"

static int passed, failed, verbose; /* verbose: set LOWP_TEST_VERBOSE=1 to list every check */

static void check(int ok, const char *what)
{
    if (ok) {
        ++passed;
        if (verbose)
            printf("ok: %s\n", what);
    } else {
        ++failed;
        printf("FAIL: %s (last error: %s)\n", what, lowp_last_error());
    }
}

/* Deterministic test data: Philox again, but on a stream no op uses. */
static float test_value(uint64_t i, uint64_t salt)
{
    uint32_t w = lowp_philox_word(0x7e57da7aull, 0xffff0000ull + salt, i);
    return (lowp_philox_uniform(w) - 0.5f) * 8.0f;
}

static size_t elem_size(lowp_hadamard_dtype t) { return t == LOWP_HADAMARD_DTYPE_BF16 ? 2 : 4; }

static size_t buf_elems(uint64_t rows, uint64_t cols, uint64_t ld) { return (size_t)((rows - 1) * ld + cols); }

/* Distance in units in the last place between two same-sign-ish floats. */
static uint64_t ulp_dist(float a, float b)
{
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    int64_t la = ia < 0 ? (int64_t)INT32_MIN - ia : ia, lb = ib < 0 ? (int64_t)INT32_MIN - ib : ib;
    return (uint64_t)(la > lb ? la - lb : lb - la);
}

/* |fp32 error| of any order of the ±sums (docs/hadamard.md §6). */
static double fp32_bound(const struct lowp_hadamard_desc *d, const void *x)
{
    return lowp_hadamard_fp32_bound(d, x);
}

/* ------------------------------------------------------------------ */
/* Independent vectors file                                            */

static int read_values(FILE *f, const char *tag, size_t want, int bf16, void *out)
{
    char word[64];
    size_t count;
    if (fscanf(f, "%63s %zu", word, &count) != 2 || strcmp(word, tag) != 0 || count != want)
        return 0;
    for (size_t i = 0; i < count; ++i) {
        if (fscanf(f, "%63s", word) != 1)
            return 0;
        if (bf16)
            ((uint16_t *)out)[i] = (uint16_t)strtoul(word, NULL, 16);
        else
            ((float *)out)[i] = strtof(word, NULL);
    }
    return 1;
}

static void test_vectors_file(const char *path)
{
    FILE *f = fopen(path, "r");
    check(f != NULL, "open the vectors file");
    if (f == NULL)
        return;
    char line[256], name[128];
    int cases = 0;
    while (fscanf(f, "%255s", line) == 1) {
        if (line[0] == '#') {
            if (fgets(line, sizeof line, f) == NULL)
                break;
            continue;
        }
        if (strcmp(line, "case") != 0 || fscanf(f, "%127s", name) != 1) {
            check(0, "vectors file: expected 'case <name>'");
            break;
        }
        struct lowp_hadamard_desc d;
        unsigned long long v[14];
        char scale_txt[64];
        int ok = fscanf(f, " desc %llu %llu %llu %llu %llu %llu %llu %llu %llu %63s %llu %llu %llu %llu", &v[0],
                        &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], scale_txt, &v[10], &v[11], &v[12],
                        &v[13]) == 14;
        lowp_hadamard_desc_init(&d, v[0], v[1]);
        d.ld_in = v[2];
        d.ld_out = v[3];
        d.dtype_in = (lowp_hadamard_dtype)v[4];
        d.dtype_out = (lowp_hadamard_dtype)v[5];
        d.axis = (lowp_hadamard_axis)v[6];
        d.block = (uint32_t)v[7];
        d.scale_mode = (lowp_hadamard_scale)v[8];
        d.scale = strtof(scale_txt, NULL);
        d.sign_mode = (lowp_hadamard_signs)v[10];
        d.seed = v[11];
        d.stream = v[12];
        d.inverse = (int)v[13];
        uint32_t signs[LOWP_HADAMARD_MAX_N / 32];
        if (ok && d.sign_mode == LOWP_HADAMARD_SIGNS_USER) {
            ok = fscanf(f, " signs") == 0;
            for (size_t w = 0; ok && w < lowp_hadamard_signs_words(lowp_hadamard_desc_length(&d)); ++w)
                ok = fscanf(f, "%x", &signs[w]) == 1;
        }
        const size_t nx = buf_elems(d.rows, d.cols, d.ld_in), ny = buf_elems(d.rows, d.cols, d.ld_out);
        const size_t dense = (size_t)(d.rows * d.cols);
        void *x = malloc(nx * 4), *want = malloc(dense * 4), *got = malloc(ny * 4), *fast = malloc(ny * 4);
        ok = ok && x && want && got && fast;
        ok = ok && read_values(f, "x", nx, d.dtype_in == LOWP_HADAMARD_DTYPE_BF16, x);
        ok = ok && read_values(f, "y", dense, d.dtype_out == LOWP_HADAMARD_DTYPE_BF16, want);
        ok = ok && fscanf(f, "%255s", line) == 1 && strcmp(line, "end") == 0;
        char what[256];
        snprintf(what, sizeof what, "vectors %s: parse", name);
        check(ok, what);
        if (!ok)
            break;
        memset(got, 0xA5, ny * elem_size(d.dtype_out));
        memset(fast, 0xA5, ny * elem_size(d.dtype_out));
        lowp_status s1 = lowp_ref_hadamard(&d, x, got, signs);
        lowp_status s2 = lowp_cpu_hadamard(&d, x, fast, signs);
        snprintf(what, sizeof what, "vectors %s: ref/cpu run", name);
        check(s1 == LOWP_OK && s2 == LOWP_OK, what);
        uint64_t worst_ref = 0, pad_bad = 0;
        double worst_cpu = 0;
        const double bound = fp32_bound(&d, x);
        const int bf = d.dtype_out == LOWP_HADAMARD_DTYPE_BF16;
        for (uint64_t r = 0; r < d.rows; ++r)
            for (uint64_t c = 0; c < d.ld_out && r * d.ld_out + c < ny; ++c) {
                size_t o = (size_t)(r * d.ld_out + c);
                if (c >= d.cols) { /* padding must be untouched */
                    if (bf)
                        pad_bad += ((uint16_t *)got)[o] != 0xA5A5 || ((uint16_t *)fast)[o] != 0xA5A5;
                    else
                        pad_bad += memcmp((char *)got + 4 * o, "\xA5\xA5\xA5\xA5", 4) != 0 ||
                                   memcmp((char *)fast + 4 * o, "\xA5\xA5\xA5\xA5", 4) != 0;
                    continue;
                }
                size_t k = (size_t)(r * d.cols + c);
                float w = lowp_hadamard_load(want, d.dtype_out, k);
                uint64_t e1 = ulp_dist(w, lowp_hadamard_load(got, d.dtype_out, o));
                if (bf) /* bf16 values are fp32 with 16 zero bits */
                    e1 >>= 16;
                worst_ref = e1 > worst_ref ? e1 : worst_ref;
                double e2 = fabs((double)w - lowp_hadamard_load(fast, d.dtype_out, o));
                worst_cpu = fmax(worst_cpu, e2 / (bound + (bf ? ldexp(fabs(w), -7) : 0.0)));
            }
        snprintf(what, sizeof what, "vectors %s: reference within 1 ulp (got %llu)", name,
                 (unsigned long long)worst_ref);
        check(worst_ref <= 1, what);
        snprintf(what, sizeof what, "vectors %s: fast CPU within the fp32 bound (worst %.2f of it)", name, worst_cpu);
        check(worst_cpu <= 1.0, what);
        snprintf(what, sizeof what, "vectors %s: row padding untouched", name);
        check(pad_bad == 0, what);
        free(x);
        free(want);
        free(got);
        free(fast);
        ++cases;
    }
    fclose(f);
    printf("vectors file: %d cases\n", cases);
    check(cases >= 40, "vectors file has all its cases");
}

/* ------------------------------------------------------------------ */
/* Matrices                                                            */

static void test_matrices(void)
{
    static const uint32_t small[] = {2, 12, 20, 28};
    for (size_t k = 0; k < 4; ++k) {
        uint32_t m = small[k];
        int8_t h[28 * 28];
        int ok = lowp_hadamard_small_matrix(m, h) == LOWP_OK;
        for (uint32_t i = 0; i < m && ok; ++i)
            for (uint32_t j = 0; j < m && ok; ++j) {
                int dot = 0;
                for (uint32_t c = 0; c < m; ++c)
                    dot += h[i * m + c] * h[j * m + c];
                ok = dot == (i == j ? (int)m : 0) && (h[i * m + j] == 1 || h[i * m + j] == -1);
            }
        char what[64];
        snprintf(what, sizeof what, "H_%u: entries ±1 and H·Hᵀ = %u·I", m, m);
        check(ok, what);
    }
    check(lowp_hadamard_small_matrix(36, (int8_t[1]){0}) == LOWP_ERR_INVALID_ARG, "H_36 is rejected");

    static const uint64_t ns[] = {2, 4, 8, 16, 32, 64, 128, 256, 12, 24, 48, 96, 192, 20, 40, 80, 160, 28, 56, 112, 224};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; ++k) {
        uint64_t n = ns[k];
        int8_t *h = malloc(n * n);
        int ok = h && lowp_hadamard_matrix(n, h) == LOWP_OK;
        for (uint64_t i = 0; i < n && ok; ++i)
            for (uint64_t j = 0; j < n && ok; ++j) {
                int64_t dot = 0;
                for (uint64_t c = 0; c < n; ++c)
                    dot += h[i * n + c] * h[j * n + c];
                ok = dot == (i == j ? (int64_t)n : 0);
            }
        /* Power-of-two sizes: natural (Sylvester) order. */
        if ((n & (n - 1)) == 0)
            for (uint64_t i = 0; i < n && ok; ++i)
                for (uint64_t j = 0; j < n && ok; ++j) {
                    int par = 0;
                    for (uint64_t v = i & j; v; v &= v - 1)
                        par ^= 1;
                    ok = h[i * n + j] == (par ? -1 : 1);
                }
        char what[80];
        snprintf(what, sizeof what, "H_%llu: H·Hᵀ = n·I (and natural order for 2^k)", (unsigned long long)n);
        check(ok, what);

        /* The op applied to the identity gives the rows of Ĥ (H symmetric or
         * not: y_i = Σ_j H[i][j]·x_j, so y for x = e_j is column j). */
        if (n <= 64) {
            struct lowp_hadamard_desc d;
            lowp_hadamard_desc_init(&d, n, n);
            d.axis = LOWP_HADAMARD_AXIS_COLS; /* columns of I are e_j: output column j = H e_j */
            d.scale_mode = LOWP_HADAMARD_SCALE_NONE;
            float *eye = calloc(n * n, 4), *y1 = malloc(n * n * 4), *y2 = malloc(n * n * 4);
            for (uint64_t i = 0; i < n; ++i)
                eye[i * n + i] = 1.0f;
            ok = lowp_ref_hadamard(&d, eye, y1, NULL) == LOWP_OK && lowp_cpu_hadamard(&d, eye, y2, NULL) == LOWP_OK;
            for (uint64_t i = 0; i < n * n && ok; ++i)
                ok = y1[i] == (float)h[i] && y2[i] == (float)h[i];
            snprintf(what, sizeof what, "n=%llu: unnormalized op on I gives H (ref and cpu)", (unsigned long long)n);
            check(ok, what);
            /* Orthonormal op on I: Y·Yᵀ = I within fp32 rounding. */
            d.scale_mode = LOWP_HADAMARD_SCALE_ORTHONORMAL;
            ok = lowp_cpu_hadamard(&d, eye, y2, NULL) == LOWP_OK;
            double worst = 0;
            for (uint64_t i = 0; i < n && ok; ++i)
                for (uint64_t j = 0; j < n; ++j) {
                    double dot = 0;
                    for (uint64_t c = 0; c < n; ++c)
                        dot += (double)y2[i * n + c] * y2[j * n + c];
                    worst = fmax(worst, fabs(dot - (i == j)));
                }
            snprintf(what, sizeof what, "n=%llu: orthonormal op is orthogonal (|Ĥ·Ĥᵀ − I| = %.1e)",
                     (unsigned long long)n, worst);
            check(ok && worst < 1e-6, what);
            free(eye);
            free(y1);
            free(y2);
        }
        free(h);
    }
}

/* ------------------------------------------------------------------ */
/* A plain model of the normative fp32 operation order (hadamard_cpu.c  */
/* header): radix-2 stages one by one. The fast path must match it bit  */
/* for bit; the OpenCL kernels follow the same order.                   */

static void order_model(const struct lowp_hadamard_desc *d, const void *x, void *y, const uint32_t *signs)
{
    struct lowp_hadamard_plan pl;
    if (lowp_hadamard_plan_make(d, &pl) != LOWP_OK)
        return;
    float *v = malloc(2 * pl.n * sizeof *v), *w = v + pl.n;
    for (uint64_t line = 0; line < pl.cross; ++line)
        for (uint64_t blk = 0; blk < pl.nblocks; ++blk) {
            for (uint64_t j = 0; j < pl.n; ++j) {
                float e = lowp_hadamard_load(x, d->dtype_in, lowp_hadamard_offset(d->axis, blk * pl.n + j, line, d->ld_in));
                v[j] = d->inverse ? e : lowp_hadamard_flip(e, lowp_hadamard_sign_negative(d, signs, j));
            }
            for (uint32_t c = 0; c < pl.m; ++c)
                for (uint64_t h = 1; h < pl.p; h *= 2)
                    for (uint64_t i = 0; i < pl.p; ++i)
                        if ((i & h) == 0) {
                            float a = v[c * pl.p + i], b = v[c * pl.p + i + h];
                            v[c * pl.p + i] = a + b;
                            v[c * pl.p + i + h] = a - b;
                        }
            const float *res = v;
            if (pl.m > 1) {
                for (uint32_t a = 0; a < pl.m; ++a)
                    for (uint64_t b = 0; b < pl.p; ++b) {
                        float acc = lowp_hadamard_flip(v[b], pl.hm_bits[a] & 1u);
                        for (uint32_t c = 1; c < pl.m; ++c)
                            acc = ((pl.hm_bits[a] >> c) & 1u) ? acc - v[c * pl.p + b] : acc + v[c * pl.p + b];
                        w[a * pl.p + b] = acc;
                    }
                res = w;
            }
            for (uint64_t i = 0; i < pl.n; ++i) {
                float r = res[i] * pl.scale;
                if (d->inverse)
                    r = lowp_hadamard_flip(r, lowp_hadamard_sign_negative(d, signs, i));
                lowp_hadamard_store(y, d->dtype_out, lowp_hadamard_offset(d->axis, blk * pl.n + i, line, d->ld_out), r);
            }
        }
    free(v);
}

/* ------------------------------------------------------------------ */
/* Fast CPU vs reference vs order model on one descriptor              */

static void fill_input(const struct lowp_hadamard_desc *d, void *x, uint64_t salt)
{
    const size_t nx = buf_elems(d->rows, d->cols, d->ld_in);
    for (size_t i = 0; i < nx; ++i) {
        int pad = (i % d->ld_in) >= d->cols;
        float v = pad ? NAN : test_value(i, salt);
        lowp_hadamard_store(x, d->dtype_in, i, v);
    }
}

static void compare_paths(const struct lowp_hadamard_desc *d, const uint32_t *signs, uint64_t salt, int with_ref)
{
    struct lowp_hadamard_plan pl;
    char what[200];
    snprintf(what, sizeof what, "%llux%llu axis=%d block=%u in=%d out=%d signs=%d inv=%d scale=%d",
             (unsigned long long)d->rows, (unsigned long long)d->cols, (int)d->axis, d->block, (int)d->dtype_in,
             (int)d->dtype_out, (int)d->sign_mode, d->inverse, (int)d->scale_mode);
    if (lowp_hadamard_plan_make(d, &pl) != LOWP_OK) {
        check(0, what);
        return;
    }
    const size_t nx = buf_elems(d->rows, d->cols, d->ld_in), ny = buf_elems(d->rows, d->cols, d->ld_out);
    void *x = malloc(nx * 4), *yr = malloc(ny * 4), *yc = malloc(ny * 4), *ym = malloc(ny * 4);
    fill_input(d, x, salt);
    memset(yc, 0x5A, ny * 4);
    memset(ym, 0x5A, ny * 4);
    int ok = lowp_cpu_hadamard(d, x, yc, signs) == LOWP_OK;
    order_model(d, x, ym, signs);
    char msg[300];
    snprintf(msg, sizeof msg, "cpu == order model bit for bit: %s", what);
    check(ok && memcmp(yc, ym, ny * elem_size(d->dtype_out)) == 0, msg);
    if (with_ref) {
        ok = lowp_ref_hadamard(d, x, yr, signs) == LOWP_OK;
        const double bound = fp32_bound(d, x);
        double worst = 0, worst_rel = 0;
        for (uint64_t line = 0; line < pl.cross; ++line)
            for (uint64_t a = 0; a < pl.extent; ++a) {
                uint64_t o = lowp_hadamard_offset(d->axis, a, line, d->ld_out);
                double r = lowp_hadamard_load(yr, d->dtype_out, o), c = lowp_hadamard_load(yc, d->dtype_out, o);
                double allowed = bound + (d->dtype_out == LOWP_HADAMARD_DTYPE_BF16 ? ldexp(fabs(r), -7) : 0.0);
                worst = fmax(worst, fabs(r - c));
                worst_rel = fmax(worst_rel, fabs(r - c) / allowed);
            }
        snprintf(msg, sizeof msg, "cpu vs ref: %s (max err %.2e = %.2f of bound)", what, worst, worst_rel);
        check(ok && worst_rel <= 1.0, msg);
    }
    free(x);
    free(yr);
    free(yc);
    free(ym);
}

static void test_fast_vs_ref(void)
{
    static const uint64_t sizes[] = {2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096,
                                     12, 24, 96, 384, 1536, 20, 40, 320, 1280, 28, 56, 448, 3584};
    uint32_t signs[LOWP_HADAMARD_MAX_N / 32];
    lowp_hadamard_signs_philox(11, 12, LOWP_HADAMARD_MAX_N, signs);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; ++k) {
        const uint64_t n = sizes[k];
        struct lowp_hadamard_desc d;
        lowp_hadamard_desc_init(&d, n <= 256 ? 5 : 1, n);
        d.ld_in = n + 3;
        compare_paths(&d, NULL, k, 1);
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        d.seed = 0xfeedull + k;
        d.stream = 77;
        d.inverse = 1;
        d.dtype_out = LOWP_HADAMARD_DTYPE_BF16;
        d.ld_out = n + 1;
        compare_paths(&d, NULL, k + 100, 1);
        d.inverse = 0;
        d.dtype_in = LOWP_HADAMARD_DTYPE_BF16;
        d.dtype_out = LOWP_HADAMARD_DTYPE_F32;
        d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
        d.scale_mode = LOWP_HADAMARD_SCALE_CUSTOM;
        d.scale = -0.37f;
        compare_paths(&d, signs, k + 200, 1);
    }
    /* Block-diagonal along rows and columns, all issue block sizes. */
    static const uint32_t blocks[] = {16, 32, 64, 128, 256, 12, 20, 28, 48};
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; ++k) {
        const uint32_t b = blocks[k];
        struct lowp_hadamard_desc d;
        lowp_hadamard_desc_init(&d, 3, 2 * b);
        d.block = b;
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        d.seed = 5;
        compare_paths(&d, NULL, 300 + k, 1);
        lowp_hadamard_desc_init(&d, 4 * b, 70); /* 70 columns: one full and one partial tile of 64 */
        d.ld_in = 73;
        d.axis = LOWP_HADAMARD_AXIS_COLS;
        d.block = b;
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        d.inverse = (int)(k & 1);
        d.dtype_out = (k & 2) ? LOWP_HADAMARD_DTYPE_BF16 : LOWP_HADAMARD_DTYPE_F32;
        compare_paths(&d, NULL, 400 + k, b <= 64);
    }
    /* Large sizes: fast path vs order model only (the reference is n²). */
    static const uint64_t big[] = {8192, 16384, 32768, 24576, 20480, 28672, 6144};
    for (size_t k = 0; k < sizeof big / sizeof big[0]; ++k) {
        struct lowp_hadamard_desc d;
        lowp_hadamard_desc_init(&d, 2, big[k]);
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        compare_paths(&d, NULL, 500 + k, 0);
    }
    struct lowp_hadamard_desc d;
    lowp_hadamard_desc_init(&d, 1, 8192);
    compare_paths(&d, NULL, 600, 1); /* one reference check above 4096 */
}

/* ------------------------------------------------------------------ */
/* Round trips, energy, in place, axis equivalence, signs               */

static void test_round_trips(void)
{
    static const uint64_t sizes[] = {2, 16, 256, 4096, 32768, 12, 24576, 20, 20480, 28, 28672, 1536};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; ++k) {
        const uint64_t n = sizes[k], rows = 3;
        struct lowp_hadamard_desc d;
        lowp_hadamard_desc_init(&d, rows, n);
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        d.seed = 1234 + k;
        float *x = malloc(rows * n * 4), *y = malloc(rows * n * 4), *z = malloc(rows * n * 4);
        fill_input(&d, x, 700 + k);
        int ok = lowp_cpu_hadamard(&d, x, y, NULL) == LOWP_OK;
        d.inverse = 1;
        ok = ok && lowp_cpu_hadamard(&d, y, z, NULL) == LOWP_OK;
        double ex = 0, ey = 0, err = 0;
        for (uint64_t i = 0; i < rows * n; ++i) {
            ex += (double)x[i] * x[i];
            ey += (double)y[i] * y[i];
            err = fmax(err, fabs((double)z[i] - x[i]));
        }
        char what[160];
        snprintf(what, sizeof what, "n=%llu: energy kept (rel %.1e) and inverse round trip (max %.1e)",
                 (unsigned long long)n, fabs(ey - ex) / ex, err);
        check(ok && fabs(ey - ex) / ex < 1e-5 && err < 2e-5 * (log2((double)n) + 28), what);
        /* In place equals out of place, bit for bit. */
        d.inverse = 0;
        memcpy(z, x, rows * n * 4);
        ok = lowp_cpu_hadamard(&d, z, z, NULL) == LOWP_OK && memcmp(z, y, rows * n * 4) == 0;
        snprintf(what, sizeof what, "n=%llu: in place == out of place", (unsigned long long)n);
        check(ok, what);
        free(x);
        free(y);
        free(z);
    }
    /* Along columns of X == along rows of Xᵀ. */
    {
        const uint64_t r = 48, c = 5;
        struct lowp_hadamard_desc dc, dr;
        lowp_hadamard_desc_init(&dc, r, c);
        dc.axis = LOWP_HADAMARD_AXIS_COLS;
        dc.block = 16;
        dc.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        dr = dc;
        dr.rows = c;
        dr.cols = dr.ld_in = dr.ld_out = r;
        dr.axis = LOWP_HADAMARD_AXIS_ROWS;
        float x[48 * 5], xt[5 * 48], y[48 * 5], yt[5 * 48];
        fill_input(&dc, x, 800);
        for (uint64_t i = 0; i < r; ++i)
            for (uint64_t j = 0; j < c; ++j)
                xt[j * r + i] = x[i * c + j];
        int ok = lowp_cpu_hadamard(&dc, x, y, NULL) == LOWP_OK && lowp_cpu_hadamard(&dr, xt, yt, NULL) == LOWP_OK;
        for (uint64_t i = 0; i < r && ok; ++i)
            for (uint64_t j = 0; j < c && ok; ++j)
                ok = y[i * c + j] == yt[j * r + i];
        check(ok, "block 16 along columns == along rows of the transpose");
    }
    /* PHILOX signs == USER with lowp_hadamard_signs_philox; sign bit is bit 31. */
    {
        uint32_t bits[4];
        int ok = lowp_hadamard_signs_philox(42, 9, 128, bits) == LOWP_OK;
        int neg = 0;
        for (uint64_t j = 0; j < 128; ++j) {
            int b = (bits[j / 32] >> (j % 32)) & 1;
            ok = ok && b == (int)(lowp_philox_word(42, 9, j) >> 31);
            neg += b;
        }
        check(ok && neg > 40 && neg < 88, "signs_philox: bit j = top bit of philox word j, about half negative");
        struct lowp_hadamard_desc d;
        lowp_hadamard_desc_init(&d, 2, 128);
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        d.seed = 42;
        d.stream = 9;
        float x[256], y1[256], y2[256];
        fill_input(&d, x, 900);
        ok = lowp_cpu_hadamard(&d, x, y1, NULL) == LOWP_OK;
        d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
        ok = ok && lowp_cpu_hadamard(&d, x, y2, bits) == LOWP_OK && memcmp(y1, y2, sizeof y1) == 0;
        check(ok, "PHILOX signs == USER signs from lowp_hadamard_signs_philox");
        float s[128];
        uint32_t bits2[4];
        for (int j = 0; j < 128; ++j)
            s[j] = ((bits[j / 32] >> (j % 32)) & 1) ? -1.0f : 1.0f;
        ok = lowp_hadamard_signs_pack(s, 128, bits2) == LOWP_OK && memcmp(bits, bits2, sizeof bits) == 0;
        check(ok, "signs_pack inverts the bit layout");
        d.stream = 10;
        d.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        ok = lowp_cpu_hadamard(&d, x, y2, NULL) == LOWP_OK && memcmp(y1, y2, sizeof y1) != 0;
        check(ok, "another stream gives other signs");
    }
}

/* ------------------------------------------------------------------ */
/* bf16 conversion and argument checking                               */

static void test_bf16(void)
{
    static const struct { uint32_t in; uint16_t out; } cases[] = {
        {0x3f800000u, 0x3f80}, /* 1.0 exact */
        {0x3f808000u, 0x3f80}, /* tie, even stays */
        {0x3f818000u, 0x3f82}, /* tie, odd rounds up */
        {0x3f808001u, 0x3f81}, /* just above the tie */
        {0xbf80ffffu, 0xbf81}, /* negative rounds by magnitude */
        {0x7f7fffffu, 0x7f80}, /* max float rounds to +Inf */
        {0x7f800000u, 0x7f80}, /* +Inf */
        {0xff800000u, 0xff80}, /* -Inf */
        {0x7f800001u, 0x7fc0}, /* signalling NaN stays NaN (quieted) */
        {0xffc12345u, 0xffc1}, /* NaN keeps sign and top payload */
        {0x00008000u, 0x0000}, /* subnormal tie to even (zero) */
        {0x00018000u, 0x0002}, /* subnormal tie to even (up) */
        {0x80000000u, 0x8000}, /* -0 */
    };
    int ok = 1;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k)
        ok = ok && lowp_hadamard_f32_to_bf16(lowp_hadamard_bits_f32(cases[k].in)) == cases[k].out;
    check(ok, "fp32 -> bf16 RNE: ties, overflow, Inf, NaN, subnormals");
    ok = 1;
    for (uint32_t h = 0; h < 0x10000u && ok; ++h) {
        float f = lowp_hadamard_bf16_to_f32((uint16_t)h);
        ok = isnan(f) || lowp_hadamard_f32_to_bf16(f) == h;
    }
    check(ok, "bf16 -> fp32 -> bf16 is the identity on every non-NaN code");
}

static void expect_invalid(const struct lowp_hadamard_desc *d, const void *x, void *y, const uint32_t *s,
                           const char *what)
{
    char msg[200];
    lowp_clear_error();
    lowp_status a = lowp_ref_hadamard(d, x, y, s);
    int has_msg = lowp_last_error()[0] != '\0';
    lowp_clear_error();
    lowp_status b = lowp_cpu_hadamard(d, x, y, s);
    snprintf(msg, sizeof msg, "rejected with INVALID_ARG and a message: %s", what);
    check(a == LOWP_ERR_INVALID_ARG && b == LOWP_ERR_INVALID_ARG && has_msg && lowp_last_error()[0] != '\0', msg);
}

static void test_bad_args(void)
{
    static float x[4096], y[4096];
    uint32_t signs[1] = {0};
    struct lowp_hadamard_desc d, base;
    lowp_hadamard_desc_init(&base, 2, 16);

    static const uint64_t bad_n[] = {1, 3, 6, 36, 44, 10, 40 * 3, 65536, 24 * 2048, 0};
    for (size_t k = 0; k < sizeof bad_n / sizeof bad_n[0]; ++k) {
        char what[64];
        snprintf(what, sizeof what, "unsupported length %llu", (unsigned long long)bad_n[k]);
        d = base;
        d.rows = 1;
        d.cols = d.ld_in = d.ld_out = bad_n[k] ? bad_n[k] : 1;
        if (bad_n[k] <= 4096)
            expect_invalid(&d, x, y, NULL, what);
        else
            check(lowp_hadamard_desc_validate(&d) == LOWP_ERR_INVALID_ARG, what);
    }
    check(lowp_hadamard_length_supported(32768) && lowp_hadamard_length_supported(28672) &&
              lowp_hadamard_length_supported(12) && !lowp_hadamard_length_supported(57344) &&
              !lowp_hadamard_length_supported(2 * 32768),
          "length_supported edges");
    d = base; d.block = 12;                  expect_invalid(&d, x, y, NULL, "block does not divide the row");
    d = base; d.block = 24;                  expect_invalid(&d, x, y, NULL, "block longer than the row");
    d = base; d.ld_in = 15;                  expect_invalid(&d, x, y, NULL, "ld_in < cols");
    d = base; d.ld_out = 8;                  expect_invalid(&d, x, y, NULL, "ld_out < cols");
    d = base; d.rows = 0;                    expect_invalid(&d, x, y, NULL, "rows = 0");
    d = base; d.dtype_in = (lowp_hadamard_dtype)7;  expect_invalid(&d, x, y, NULL, "bad dtype_in");
    d = base; d.dtype_out = (lowp_hadamard_dtype)-1; expect_invalid(&d, x, y, NULL, "bad dtype_out");
    d = base; d.axis = (lowp_hadamard_axis)2;        expect_invalid(&d, x, y, NULL, "bad axis");
    d = base; d.scale_mode = (lowp_hadamard_scale)3; expect_invalid(&d, x, y, NULL, "bad scale mode");
    d = base; d.scale_mode = LOWP_HADAMARD_SCALE_CUSTOM; d.scale = NAN; expect_invalid(&d, x, y, NULL, "NaN scale");
    d = base; d.sign_mode = (lowp_hadamard_signs)9;  expect_invalid(&d, x, y, NULL, "bad sign mode");
    d = base; d.sign_mode = LOWP_HADAMARD_SIGNS_USER; expect_invalid(&d, x, y, NULL, "USER signs without bits");
    d = base; expect_invalid(&d, NULL, y, NULL, "x NULL");
    d = base; expect_invalid(&d, x, NULL, NULL, "y NULL");
    expect_invalid(NULL, x, y, NULL, "desc NULL");
    d = base; expect_invalid(&d, x, x + 8, NULL, "partial overlap");
    d = base; d.dtype_out = LOWP_HADAMARD_DTYPE_BF16; expect_invalid(&d, x, x, NULL, "in place with dtype change");
    d = base; d.ld_out = 20; expect_invalid(&d, x, x, NULL, "in place with other stride");
    d = base; d.rows = 3; d.axis = LOWP_HADAMARD_AXIS_COLS; expect_invalid(&d, x, y, NULL, "column length 3");
    d = base; d.sign_mode = LOWP_HADAMARD_SIGNS_USER;
    check(lowp_cpu_hadamard(&d, x, y, signs) == LOWP_OK, "USER signs with bits is accepted");
}

/* The device plan is host arithmetic: check its shape here; the kernels
 * themselves are checked against lowp_cpu_hadamard on PoCL/rusticl. */
static void test_launch(void)
{
    struct lowp_hadamard_desc d;
    struct lowp_hadamard_launch ln;
    lowp_hadamard_desc_init(&d, 8, 4096);
    int ok = lowp_hadamard_launch_make(&d, 32768, 1024, &ln) == LOWP_OK && ln.npasses == 1 && ln.pass[0].G == 1 &&
             ln.pass[0].local_bytes == 16384 && ln.pass[0].final_pass && ln.pass[0].global[0] == 8 * 256 &&
             ln.pass[0].local[0] == 256 && ln.work_bytes == 0;
    check(ok, "launch: n = 4096 is one local pass, one row per group");
    lowp_hadamard_desc_init(&d, 1000, 16);
    ok = lowp_hadamard_launch_make(&d, 32768, 1024, &ln) == LOWP_OK && ln.npasses == 1 && ln.pass[0].G == 64 &&
         ln.pass[0].global[0] == 16 * ln.pass[0].local[0];
    check(ok, "launch: n = 16 packs 64 rows per group");
    lowp_hadamard_desc_init(&d, 4096, 1000);
    d.axis = LOWP_HADAMARD_AXIS_COLS;
    d.block = 16;
    ok = lowp_hadamard_launch_make(&d, 32768, 1024, &ln) == LOWP_OK && ln.npasses == 1 &&
         ln.pass[0].kernel == LOWP_HADAMARD_KERNEL_STRIDED && ln.pass[0].T == 16 && ln.pass[0].S == 1 &&
         ln.pass[0].first_pass && ln.pass[0].global[0] == 1024 && ln.pass[0].global[1] == 256;
    check(ok, "launch: 16-blocks along columns run in registers, one work-item per column block");
    lowp_hadamard_desc_init(&d, 2, 32768);
    ok = lowp_hadamard_launch_make(&d, 32768, 1024, &ln) == LOWP_OK && ln.npasses == 2 && ln.pass[0].L == 4096 &&
         ln.pass[1].kernel == LOWP_HADAMARD_KERNEL_STRIDED && ln.pass[1].T == 8 && ln.pass[1].S == 4096 &&
         !ln.pass[1].mix && !ln.pass[1].first_pass && ln.pass[0].dst == LOWP_HADAMARD_BUF_Y && ln.work_bytes == 0;
    check(ok, "launch: n = 32768 is 4096-chunks then an 8-point strided pass, in the output buffer");
    lowp_hadamard_desc_init(&d, 2, 28672);
    d.dtype_out = LOWP_HADAMARD_DTYPE_BF16;
    ok = lowp_hadamard_launch_make(&d, 32768, 1024, &ln) == LOWP_OK && ln.npasses == 2 && ln.pass[0].L == 1024 &&
         ln.pass[0].m == 1 && ln.pass[1].T == 28 && ln.pass[1].mix && ln.pass[0].dst == LOWP_HADAMARD_BUF_WORK &&
         ln.work_bytes == 2 * 28672 * 4 && ln.pass[1].src == LOWP_HADAMARD_BUF_WORK && ln.pass[1].dst_bf16;
    check(ok, "launch: n = 28·1024 with bf16 output mixes in pass 2 from an fp32 scratch");
    lowp_hadamard_desc_init(&d, 2, 32768);
    ok = lowp_hadamard_launch_make(&d, 2048, 1024, &ln) == LOWP_ERR_UNSUPPORTED;
    check(ok, "launch: too little local memory is UNSUPPORTED, not a crash");
}

int main(int argc, char **argv)
{
    verbose = getenv("LOWP_TEST_VERBOSE") != NULL;
    const char *arg = argc > 1 ? argv[1] : "tests/vectors/hadamard";
    char vectors[4096];
    size_t len = strlen(arg);
    if (len > 4 && strcmp(arg + len - 4, ".txt") == 0) /* the file itself */
        snprintf(vectors, sizeof vectors, "%s", arg);
    else /* the vectors folder */
        snprintf(vectors, sizeof vectors, "%s/hadamard_vectors.txt", arg);
    test_bf16();
    test_matrices();
    test_vectors_file(vectors);
    test_fast_vs_ref();
    test_round_trips();
    test_bad_args();
    test_launch();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
