/* harness.h — the portability test harness: runs op tests on every device
 * matching a selector and compares with the CPU reference. Outputs sit
 * between guard elements that must come back untouched. Exit codes follow
 * CTest: 0 pass, 1 fail, 77 skipped (no matching device). */
#ifndef LOWP_TEST_HARNESS_H
#define LOWP_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lowp/lowp.h"

struct th {
    const struct lowp_device_info *device;
    int passed, failed, skipped;
    const char *test; /* current test name */
};

/* How a device result must agree with the reference. */
struct th_tol {
    double atol, rtol; /* |got-ref| <= atol + rtol*|ref|; both 0 = bit-exact */
};
#define TH_EXACT ((struct th_tol){0.0, 0.0})

/* Guard elements on each side of every output buffer. */
#define TH_GUARD 16

/* One row of a test table. Rows marked `across_work_groups` run again on
 * OpenCL devices with forced work-group sizes (1, 64) and must still match. */
struct th_case {
    const char *name;
    void (*run)(struct th *t, lowp_context *ctx);
    int across_work_groups;
};

/* `prog --device SELECTOR [--case NAME]`: run the table on every device
 * matching SELECTOR ("cpu", "pocl", "rusticl", "gpu" = every OpenCL GPU, or
 * any lowp_device_find selector). LOWP_REQUIRE_DEVICES (comma-separated
 * selectors) turns a missing device into a failure. Returns the exit code. */
int th_main(int argc, char **argv, const struct th_case *cases, size_t ncases);

/* Report one check. */
void th_check(struct th *t, int ok, const char *fmt, ...);
void th_skip(struct th *t, const char *fmt, ...);

/* Fail the check on a non-OK status (with the message); returns 1 if OK. */
int th_ok(struct th *t, lowp_status s, const char *what);

/* Compare n floats: NaN positions, Inf positions and signs, then values
 * (bit-exact when tol is TH_EXACT, including the sign of zero). */
int th_compare_f32(struct th *t, const char *what, const float *got, const float *ref, size_t n, struct th_tol tol);
int th_compare_u32(struct th *t, const char *what, const uint32_t *got, const uint32_t *ref, size_t n);

/* A device buffer of n elements of `elem` bytes between TH_GUARD guard
 * elements on each side; the payload starts at element TH_GUARD. */
lowp_status th_guarded_alloc(lowp_context *ctx, size_t n, size_t elem, lowp_buffer **out);
/* Check the guards, then read the payload into `host`. */
int th_guarded_read(struct th *t, const char *what, lowp_buffer *buf, size_t n, size_t elem, void *host);

/* Deterministic test data: uniform in [lo, hi) from a simple host generator. */
void th_fill_uniform(float *x, size_t n, float lo, float hi, uint64_t seed);

#endif
