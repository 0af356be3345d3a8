/* test_build_error.c — a kernel that does not compile gives LOWP_ERR_BUILD
 * with the compiler's log, on every OpenCL device, and leaves the context
 * usable. Runs with LOWP_KERNEL_DIR pointing at a copy of kernels/ whose
 * basic.cl is broken on purpose (set up by CTest). */
#include <stdio.h>
#include <string.h>

#include "lowp/lowp.h"

int main(void)
{
    size_t n = 0;
    lowp_device_count(&n);
    int tested = 0, passed = 0, failed = 0;
    for (size_t i = 0; i < n; ++i) {
        struct lowp_device_info d;
        lowp_device_get_info(i, &d);
        if (d.backend != LOWP_BACKEND_OPENCL)
            continue;
        ++tested;
        lowp_context *ctx = NULL;
        if (lowp_context_open(d.id, &ctx) != LOWP_OK) {
            printf("FAIL [%s] open: %s\n", d.id, lowp_last_error());
            ++failed;
            continue;
        }
        lowp_buffer *b = NULL;
        lowp_buffer_alloc(ctx, 64, &b);
        lowp_status s = lowp_fill_f32(ctx, b, 0, 16, 1.0f);
        const char *msg = lowp_last_error();
        int ok = s == LOWP_ERR_BUILD && strstr(msg, "basic.cl") != NULL && strstr(msg, "build log") != NULL &&
                 strstr(msg, "lowp_this_does_not_exist") != NULL;
        printf("%s [%s] broken kernel -> %s\n", ok ? "ok  " : "FAIL", d.id, lowp_status_name(s));
        printf("---- message ----\n%s\n-----------------\n", msg);
        ok ? ++passed : ++failed;
        /* Other programs of the same context still build and run. */
        float sum = -1.0f;
        lowp_status s2 = lowp_reduce_f32(ctx, LOWP_REDUCE_SUM, b, 0, 1, &sum);
        if (s2 == LOWP_OK) {
            ++passed;
        } else {
            printf("FAIL [%s] context unusable after a build error: %s\n", d.id, lowp_last_error());
            ++failed;
        }
        lowp_context_close(ctx);
    }
    if (tested == 0) {
        printf("SKIPPED: no OpenCL device\n");
        return 77;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
