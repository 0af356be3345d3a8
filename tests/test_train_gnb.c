/* test_train_gnb.c — the labels of Sophia's GNB estimator
 * (lowp_train_gnb_labels): their frequencies match softmax(logits) (a
 * 5-class row with one impossible class, a 256-class chi-square), extreme
 * logits, determinism in (seed, draw, row) only, the u of row r coming from
 * Philox words 2r and 2r+1, and refusals that write nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/philox.h"
#include "lowp/train.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) ++passed; else { ++failed; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                              printf(__VA_ARGS__); printf("\n"); } } while (0)

/* rows copies of one row */
static float *tile(const float *row, size_t vocab, size_t rows)
{
    float *l = malloc(rows * vocab * sizeof *l);
    for (size_t r = 0; r < rows; ++r)
        memcpy(l + r * vocab, row, vocab * sizeof *row);
    return l;
}

static void frequencies(void)
{
    const size_t n = 200000;
    const double p[5] = {0.1, 0.2, 0.3, 0.4, 0.0};
    float row[5];
    for (int j = 0; j < 4; ++j)
        row[j] = (float)log(p[j]) + 3.0f; /* a shift must not matter */
    row[4] = -INFINITY;
    float *l = tile(row, 5, n);
    int32_t *y = malloc(n * sizeof *y);
    CHECK(lowp_train_gnb_labels(l, n, 5, 1337, 10, y) == LOWP_OK, "labels");
    size_t count[5] = {0}, outside = 0;
    for (size_t r = 0; r < n; ++r) {
        if (y[r] >= 0 && y[r] < 5)
            count[y[r]]++;
        else
            outside++;
    }
    CHECK(outside == 0, "%zu labels outside [0, 5)", outside);
    for (int j = 0; j < 5; ++j) {
        double want = (double)n * p[j], sd = sqrt((double)n * p[j] * (1 - p[j]));
        CHECK(fabs((double)count[j] - want) <= 5.0 * sd, "class %d: %zu draws, expected %.0f",
              j, count[j], want);
    }
    free(l);
    free(y);

    /* 256 classes with unequal probabilities: chi-square, 255 degrees of freedom */
    const size_t V = 256, m = 100000;
    float r256[256];
    double q[256], s = 0;
    for (size_t j = 0; j < V; ++j) {
        r256[j] = (float)(0.02 * (double)((j * 37) % 101)); /* weights e^0 .. e^2 */
        s += q[j] = exp((double)r256[j]);
    }
    l = tile(r256, V, m);
    y = malloc(m * sizeof *y);
    CHECK(lowp_train_gnb_labels(l, m, V, 42, 3, y) == LOWP_OK, "labels 256");
    size_t *c = calloc(V, sizeof *c);
    for (size_t r = 0; r < m; ++r)
        c[y[r]]++;
    double chi2 = 0;
    for (size_t j = 0; j < V; ++j) {
        double e = (double)m * q[j] / s;
        chi2 += ((double)c[j] - e) * ((double)c[j] - e) / e;
    }
    printf("  256 classes, %zu draws: chi-square %.1f (255 degrees of freedom)\n", m, chi2);
    CHECK(chi2 < 255.0 + 6.0 * sqrt(2.0 * 255.0), "chi-square %.1f", chi2);
    free(c);
    free(l);
    free(y);
}

static void extremes_and_determinism(void)
{
    /* one class far ahead: exp(-1000) is 0 in double, so it always wins */
    float big[3] = {0.0f, 1000.0f, -5.0f};
    float *l = tile(big, 3, 64);
    int32_t y[64], z[64];
    CHECK(lowp_train_gnb_labels(l, 64, 3, 9, 0, y) == LOWP_OK, "big");
    int all1 = 1;
    for (int r = 0; r < 64; ++r)
        all1 &= y[r] == 1;
    CHECK(all1, "a logit 1000 above the rest must always be drawn");
    free(l);
    float one = -3.5f;
    CHECK(lowp_train_gnb_labels(&one, 1, 1, 9, 0, y) == LOWP_OK && y[0] == 0, "vocab 1");

    /* the same (seed, draw, row) -> the same label; a row's label ignores other rows */
    const size_t V = 16, n = 64;
    float *u = malloc(n * V * sizeof *u);
    for (size_t i = 0; i < n * V; ++i)
        u[i] = (float)((i * 7919) % 13) * 0.25f;
    CHECK(lowp_train_gnb_labels(u, n, V, 5, 7, y) == LOWP_OK && lowp_train_gnb_labels(u, n, V, 5, 7, z) == LOWP_OK &&
              memcmp(y, z, sizeof y) == 0, "repeat");
    for (size_t j = 0; j < V; ++j)
        u[10 * V + j] = 0.0f;
    CHECK(lowp_train_gnb_labels(u, n, V, 5, 7, z) == LOWP_OK, "changed row");
    int others = 1;
    for (size_t r = 0; r < n; ++r)
        others &= r == 10 || y[r] == z[r];
    CHECK(others, "changing row 10 changed another row's label");
    /* another draw or seed gives other labels */
    int diff_draw = 0, diff_seed = 0;
    CHECK(lowp_train_gnb_labels(u, n, V, 5, 8, z) == LOWP_OK, "draw 8");
    for (size_t r = 0; r < n; ++r)
        diff_draw += r != 10 && y[r] != z[r];
    CHECK(lowp_train_gnb_labels(u, n, V, 6, 7, z) == LOWP_OK, "seed 6");
    for (size_t r = 0; r < n; ++r)
        diff_seed += r != 10 && y[r] != z[r];
    CHECK(diff_draw > 20 && diff_seed > 20, "draw/seed changed only %d / %d of %zu labels", diff_draw, diff_seed, n);

    /* uniform logits over V classes: label = floor(u * V) up to rounding at the
     * boundaries, with u from words 2r, 2r+1 of the documented stream */
    for (size_t i = 0; i < n * V; ++i)
        u[i] = 0.5f;
    CHECK(lowp_train_gnb_labels(u, n, V, 77, 123, y) == LOWP_OK, "uniform");
    CHECK(lowp_train_gnb_stream(123) == (((uint64_t)0x05 << 56) | 123u), "stream layout");
    int match = 1;
    for (size_t r = 0; r < n; ++r) {
        uint64_t lo = lowp_philox_word(77, lowp_train_gnb_stream(123), 2 * r);
        uint64_t hi = lowp_philox_word(77, lowp_train_gnb_stream(123), 2 * r + 1);
        double uu = (double)(((hi << 32) | lo) >> 11) * 0x1p-53;
        double f = uu * (double)V;
        if (fabs(f - floor(f + 0.5)) > 1e-9) /* away from a boundary: exact */
            match &= y[r] == (int32_t)floor(f);
    }
    CHECK(match, "uniform logits: labels are not floor(u * V) of the documented Philox words");
    free(u);
}

static void refusals(void)
{
    float l[8] = {0, 1, 2, 3, 0, NAN, 1, 2};
    int32_t y[2] = {-7, -7};
    CHECK(lowp_train_gnb_labels(l, 2, 4, 1, 1, y) == LOWP_ERR_NUMERIC && y[0] == -7 && y[1] == -7,
          "NaN logit: must be refused with nothing written");
    l[5] = INFINITY;
    CHECK(lowp_train_gnb_labels(l, 2, 4, 1, 1, y) == LOWP_ERR_NUMERIC, "+inf logit accepted");
    for (int j = 4; j < 8; ++j)
        l[j] = -INFINITY;
    CHECK(lowp_train_gnb_labels(l, 2, 4, 1, 1, y) == LOWP_ERR_NUMERIC, "row of -inf accepted");
    CHECK(lowp_train_gnb_labels(l, 1, 0, 1, 1, y) == LOWP_ERR_INVALID_ARG, "vocab 0 accepted");
    CHECK(lowp_train_gnb_labels(l, 1, 4, 1, UINT64_C(1) << 56, y) == LOWP_ERR_INVALID_ARG, "draw 2^56 accepted");
    CHECK(lowp_train_gnb_labels(NULL, 1, 4, 1, 1, y) != LOWP_OK, "NULL logits accepted");
    CHECK(lowp_train_gnb_labels(l, 0, 4, 1, 1, y) == LOWP_OK, "zero rows");
}

int main(void)
{
    frequencies();
    extremes_and_determinism();
    refusals();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
