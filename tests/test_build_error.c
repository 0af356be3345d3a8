/* test_build_error.c — a kernel that does not compile gives LOWP_ERR_BUILD
 * with the compiler's log, on every OpenCL device, and leaves the context
 * usable. `test_build_error KERNEL_DIR` copies the kernels into a scratch
 * folder, breaks basic.cl on purpose, and points LOWP_KERNEL_DIR there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lowp/lowp.h"

static int copy_file(const char *from, const char *to, const char *extra)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    int ok = in != NULL && out != NULL;
    char buf[4096];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (ok && extra != NULL)
        ok = fputs(extra, out) >= 0;
    if (in != NULL)
        fclose(in);
    if (out != NULL)
        ok = fclose(out) == 0 && ok;
    return ok;
}

static int make_broken_kernels(const char *src, char *dir)
{
    if (mkdtemp(dir) == NULL)
        return 0;
    const char *files[] = {"common.cl", "philox.cl", "basic.cl", "reduce.cl"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) {
        char from[1024], to[1024];
        snprintf(from, sizeof from, "%s/%s", src, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        const char *extra = strcmp(files[i], "basic.cl") == 0
                                ? "\n__kernel void lowp_broken(__global float *x) { x[0] = lowp_this_does_not_exist(1.0f); }\n"
                                : NULL;
        if (!copy_file(from, to, extra))
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/lowp-broken-kernels-XXXXXX";
    if (argc < 2 || !make_broken_kernels(argv[1], dir)) {
        printf("FAIL: cannot prepare broken kernels from %s\n", argc < 2 ? "(no KERNEL_DIR argument)" : argv[1]);
        return 1;
    }
    setenv("LOWP_KERNEL_DIR", dir, 1);
    setenv("LOWP_CACHE_DIR", "off", 1);
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
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", dir);
    if (tested == 0) {
        printf("SKIPPED: no OpenCL device\n");
        return 77;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
