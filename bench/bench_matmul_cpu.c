/* bench_matmul_cpu.c — TFLOP/s of the CPU SGEMM engines (lowp's own blocked
 * kernel vs OpenBLAS when built with LOWP_HAVE_CBLAS), for `lowp bench`.
 *
 * The lead hooks lowp_bench_matmul_cpu() into the bench driver; until a
 * bench header exists, declare it there as:
 *
 *   struct lowp_bench_matmul_cpu_result { const char *engine; size_t m, n, k; int runs;
 *                                         double best_s, median_s, tflops; };
 *   lowp_status lowp_bench_matmul_cpu(size_t m, size_t n, size_t k, int runs,
 *                                     struct lowp_bench_matmul_cpu_result out[2], size_t *n_out);
 *
 * One warm-up call per engine is excluded; tflops = 2mnk / best time.
 * Built with -DLOWP_BENCH_MATMUL_CPU_MAIN it is a standalone program:
 *   bench_matmul_cpu [m n k [runs]]   -> one CSV row per engine. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lowp/matmul.h"
#include "core/error.h"
#include "core/philox.h"
#include "matmul_cpu.h"

struct lowp_bench_matmul_cpu_result {
    const char *engine; /* "own" or "openblas" */
    size_t m, n, k;
    int runs;
    double best_s, median_s;
    double tflops;      /* 2*m*n*k / best_s / 1e12 */
};

lowp_status lowp_bench_matmul_cpu(size_t m, size_t n, size_t k, int runs,
                                  struct lowp_bench_matmul_cpu_result out[2], size_t *n_out);

static double seconds_now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

lowp_status lowp_bench_matmul_cpu(size_t m, size_t n, size_t k, int runs,
                                  struct lowp_bench_matmul_cpu_result out[2], size_t *n_out)
{
    LOWP_CHECK_NOT_NULL(out);
    LOWP_CHECK_NOT_NULL(n_out);
    LOWP_CHECK_ARG(m > 0 && n > 0 && k > 0, "lowp_bench_matmul_cpu: m, n, k must be > 0 (got %zu, %zu, %zu)", m, n, k);
    LOWP_CHECK_ARG(runs >= 1 && runs <= 10000, "lowp_bench_matmul_cpu: runs = %d not in [1, 10000]", runs);
    *n_out = 0;
    struct lowp_matmul_desc d;
    lowp_matmul_desc_init(&d, m, n, k);
    size_t ea, eb, ec;
    LOWP_TRY(lowp_matmul_desc_extents(&d, &ea, &eb, &ec));
    float *a = malloc(ea * sizeof(float)), *b = malloc(eb * sizeof(float)), *c = malloc(ec * sizeof(float));
    double *times = malloc((size_t)runs * sizeof(double));
    lowp_status st = LOWP_OK;
    if (a == NULL || b == NULL || c == NULL || times == NULL) {
        st = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_bench_matmul_cpu: cannot allocate %zu x %zu x %zu operands", m, n, k);
        goto done;
    }
    for (size_t i = 0; i < ea; i++)
        a[i] = 2.0f * lowp_philox_uniform(lowp_philox_word(1, 0, i)) - 1.0f;
    for (size_t i = 0; i < eb; i++)
        b[i] = 2.0f * lowp_philox_uniform(lowp_philox_word(1, 1, i)) - 1.0f;

    const lowp_matmul_engine engines[2] = {LOWP_MATMUL_ENGINE_OWN, LOWP_MATMUL_ENGINE_BLAS};
    const char *names[2] = {"own", "openblas"};
    for (int e = 0; e < 2; e++) {
        if (e == 1 && !lowp_cpu_matmul_has_blas())
            break;
        d.engine = engines[e];
        st = lowp_cpu_matmul(&d, a, ea, b, eb, c, ec); /* warm-up: page faults, thread pools */
        if (st != LOWP_OK)
            goto done;
        for (int r = 0; r < runs; r++) {
            const double t0 = seconds_now();
            st = lowp_cpu_matmul(&d, a, ea, b, eb, c, ec);
            times[r] = seconds_now() - t0;
            if (st != LOWP_OK)
                goto done;
        }
        qsort(times, (size_t)runs, sizeof(double), cmp_double);
        struct lowp_bench_matmul_cpu_result *o = &out[*n_out];
        o->engine = names[e];
        o->m = m;
        o->n = n;
        o->k = k;
        o->runs = runs;
        o->best_s = times[0];
        o->median_s = times[runs / 2];
        o->tflops = o->best_s > 0 ? 2.0 * (double)m * (double)n * (double)k / o->best_s * 1e-12 : 0.0;
        (*n_out)++;
    }
done:
    free(a);
    free(b);
    free(c);
    free(times);
    return st;
}

#ifdef LOWP_BENCH_MATMUL_CPU_MAIN
#include <stdio.h>
int main(int argc, char **argv)
{
    size_t m = 512, n = 512, k = 512;
    int runs = 5;
    if (argc >= 4) {
        m = (size_t)strtoull(argv[1], NULL, 10);
        n = (size_t)strtoull(argv[2], NULL, 10);
        k = (size_t)strtoull(argv[3], NULL, 10);
    }
    if (argc >= 5)
        runs = atoi(argv[4]);
    struct lowp_bench_matmul_cpu_result r[2];
    size_t nr = 0;
    const lowp_status st = lowp_bench_matmul_cpu(m, n, k, runs, r, &nr);
    if (st != LOWP_OK) {
        fprintf(stderr, "bench_matmul_cpu: %s: %s\n", lowp_status_name(st), lowp_last_error());
        return 1;
    }
    printf("engine,m,n,k,runs,best_ms,median_ms,gflops\n");
    for (size_t i = 0; i < nr; i++)
        printf("%s,%zu,%zu,%zu,%d,%.3f,%.3f,%.2f\n", r[i].engine, r[i].m, r[i].n, r[i].k, r[i].runs,
               r[i].best_s * 1e3, r[i].median_s * 1e3, r[i].tflops * 1e3);
    return 0;
}
#endif
