/* bench_time.c — repeat-and-take-the-median timing used by every bench row. */
#include <stdlib.h>
#include <time.h>

#include "bench.h"

#define BENCH_MAX_RUNS 200

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

lowp_status lowp_bench_time(lowp_context *ctx, const struct lowp_bench_params *p, lowp_bench_op op, void *arg,
                            struct lowp_bench_result *r)
{
    double times[BENCH_MAX_RUNS];
    for (int w = 0; w < 2; ++w) { /* first runs pay for kernel builds and page faults */
        lowp_status s = op(ctx, arg);
        if (s == LOWP_OK)
            s = lowp_context_sync(ctx);
        if (s != LOWP_OK)
            return s;
    }
    int runs = 0;
    double total = 0.0;
    while (runs < BENCH_MAX_RUNS && (runs < 5 || total < p->min_seconds)) {
        double t0 = now_seconds();
        lowp_status s = op(ctx, arg);
        if (s == LOWP_OK)
            s = lowp_context_sync(ctx);
        if (s != LOWP_OK)
            return s;
        times[runs] = now_seconds() - t0;
        total += times[runs++];
    }
    qsort(times, (size_t)runs, sizeof times[0], cmp_double);
    r->seconds = runs % 2 ? times[runs / 2] : 0.5 * (times[runs / 2 - 1] + times[runs / 2]);
    r->seconds_min = times[0];
    r->runs = runs;
    return LOWP_OK;
}
