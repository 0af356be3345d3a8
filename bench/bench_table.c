/* bench_table.c — one row per op family; `lowp bench --op NAME` picks rows. */
#include "bench.h"

const struct lowp_bench_entry lowp_bench_table[] = {
    {"basic", lowp_bench_basic},
    {"optim", lowp_bench_optim},
    {"matmul", lowp_bench_matmul},
    {"formats", lowp_bench_formats},
    {"hadamard", lowp_bench_hadamard},
    {"hadamard_quant", lowp_bench_hadamard_quant},
    {"model", lowp_bench_model},
    {"pqt", lowp_bench_pqt},
};
const size_t lowp_bench_table_size = sizeof lowp_bench_table / sizeof lowp_bench_table[0];
