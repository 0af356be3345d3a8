/* bench.h — the benchmark table behind `lowp bench`. Each row measures one
 * op family on one context and reports results; the CLI adds the device,
 * the commit and the share of the measured roofline (copy bandwidth for
 * memory-bound ops), and writes JSON lines. */
#ifndef LOWP_BENCH_H
#define LOWP_BENCH_H

#include <stddef.h>

#include "lowp/lowp.h"

struct lowp_bench_result {
    char op[32];       /* "copy", "axpy", ... */
    char variant[64];  /* "rows=65536 cols=32", "" */
    double elements;   /* problem size in elements */
    double bytes;      /* bytes read + written per run (0 if compute-bound) */
    double flops;      /* floating-point operations per run (0 if memory-bound) */
    double seconds;    /* median time per run */
    double seconds_min;
    int runs;
};

struct lowp_bench_params {
    size_t bytes; /* working-set hint: size of the main buffer */
    double min_seconds; /* measure each case at least this long */
};

#define LOWP_BENCH_MAX_RESULTS 64

/* Run one family; append results to out[*count] (capacity LOWP_BENCH_MAX_RESULTS). */
typedef lowp_status (*lowp_bench_fn)(lowp_context *ctx, const struct lowp_bench_params *p,
                                     struct lowp_bench_result *out, size_t *count);

struct lowp_bench_entry {
    const char *name; /* what --op selects */
    lowp_bench_fn run;
};

extern const struct lowp_bench_entry lowp_bench_table[];
extern const size_t lowp_bench_table_size;

/* Time `op(arg)` (plus a context sync) repeatedly: two warm-up runs, then
 * at least 5 runs and at least p->min_seconds; median and minimum. */
typedef lowp_status (*lowp_bench_op)(lowp_context *ctx, void *arg);
lowp_status lowp_bench_time(lowp_context *ctx, const struct lowp_bench_params *p, lowp_bench_op op, void *arg,
                            struct lowp_bench_result *r);

/* One function per op family (bench/bench_<family>.c), listed in bench_table.c. */
lowp_status lowp_bench_basic(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                             size_t *count);
lowp_status lowp_bench_optim(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                             size_t *count);
lowp_status lowp_bench_matmul(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                              size_t *count);
lowp_status lowp_bench_formats(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                               size_t *count);
lowp_status lowp_bench_hadamard(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                                size_t *count);
/* Fused Hadamard + quantize vs the two-pass pair (bench_hadamard_quant.c; --op hadamard_quant). */
lowp_status lowp_bench_hadamard_quant(lowp_context *ctx, const struct lowp_bench_params *p,
                                      struct lowp_bench_result *out, size_t *count);

/* bench_model.c: transformer forward + backward, tokens/s and the split by layer type. */
lowp_status lowp_bench_model(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                             size_t *count);

/* bench_pqt.c: PQT Gaussian weight sampling (lowp_pqt_sample). */
lowp_status lowp_bench_pqt(lowp_context *ctx, const struct lowp_bench_params *p, struct lowp_bench_result *out,
                           size_t *count);

#endif
