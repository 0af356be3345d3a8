/* test_kernel_cache.c — the on-disk kernel cache: a build writes a cache
 * file; a later context loads it; a corrupted or truncated file is ignored
 * (the kernel is rebuilt from source); LOWP_CACHE_DIR=off writes nothing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lowp/lowp.h"

static int count_files(const char *dir, char *first, size_t len)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".clbin") != NULL && strstr(e->d_name, ".tmp") == NULL) {
            if (n++ == 0)
                snprintf(first, len, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    return n;
}

static int fill_and_check(const char *id)
{
    lowp_context *ctx = NULL;
    lowp_buffer *b = NULL;
    float got[8] = {0};
    int ok = lowp_context_open(id, &ctx) == LOWP_OK && lowp_buffer_alloc(ctx, sizeof got, &b) == LOWP_OK &&
             lowp_fill_f32(ctx, b, 0, 8, 2.5f) == LOWP_OK && lowp_buffer_read(b, 0, got, sizeof got) == LOWP_OK &&
             got[7] == 2.5f;
    if (!ok)
        printf("fill on %s failed: %s\n", id, lowp_last_error());
    lowp_context_close(ctx);
    return ok;
}

int main(void)
{
    size_t n = 0;
    lowp_device_count(&n);
    int passed = 0, failed = 0, tested = 0;
    char tmpl[] = "/tmp/lowp-cache-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (dir == NULL)
        return 1;
    for (size_t i = 0; i < n; ++i) {
        struct lowp_device_info d;
        lowp_device_get_info(i, &d);
        if (d.backend != LOWP_BACKEND_OPENCL)
            continue;
        ++tested;
        char sub[256], file[512];
        snprintf(sub, sizeof sub, "%s/%zu", dir, i);
        setenv("LOWP_CACHE_DIR", sub, 1);
        int ok1 = fill_and_check(d.id) && count_files(sub, file, sizeof file) == 1;
        int ok2 = fill_and_check(d.id); /* served from the cache file */
        FILE *f = fopen(file, "r+b");   /* corrupt it: keep the header, cut the binary */
        if (f != NULL) {
            fseek(f, 0, SEEK_END);
            long size = ftell(f);
            fclose(f);
            if (truncate(file, size / 2) != 0)
                size = -1;
        }
        int ok3 = fill_and_check(d.id);
        setenv("LOWP_CACHE_DIR", "off", 1);
        snprintf(sub, sizeof sub, "%s/off", dir);
        int ok4 = fill_and_check(d.id) && count_files(sub, file, sizeof file) == 0;
        printf("%s [%s] cache written %d, reused %d, corrupt file ignored %d, off %d\n",
               ok1 && ok2 && ok3 && ok4 ? "ok  " : "FAIL", d.id, ok1, ok2, ok3, ok4);
        passed += ok1 + ok2 + ok3 + ok4;
        failed += 4 - (ok1 + ok2 + ok3 + ok4);
    }
    char cmd[600];
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
