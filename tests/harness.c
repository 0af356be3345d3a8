/* harness.c — device matrix runner, comparisons and guard checks. */
#include "harness.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int matches(const struct lowp_device_info *d, const char *selector)
{
    if (strcmp(selector, "gpu") == 0)
        return d->backend == LOWP_BACKEND_OPENCL && d->kind == LOWP_DEVICE_KIND_GPU;
    if (strcmp(selector, "cpu") == 0)
        return d->backend == LOWP_BACKEND_CPU;
    size_t index;
    if (lowp_device_find(selector, &index) != LOWP_OK)
        return 0;
    /* A name fragment selects every device containing it, not just the first. */
    char text[5 * LOWP_DEVICE_TEXT + 8];
    snprintf(text, sizeof text, "%s %s %s %s %s", d->id, d->platform, d->name, d->vendor, d->version);
    for (char *p = text; *p; ++p)
        *p = (char)tolower((unsigned char)*p);
    char sel[128];
    snprintf(sel, sizeof sel, "%s", selector);
    for (char *p = sel; *p; ++p)
        *p = (char)tolower((unsigned char)*p);
    return strcmp(d->id, selector) == 0 || strstr(text, sel) != NULL;
}

static int required(const char *selector)
{
    const char *req = getenv("LOWP_REQUIRE_DEVICES");
    if (req == NULL)
        return 0;
    size_t n = strlen(selector);
    for (const char *p = req; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, selector, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            ++p;
    }
    return 0;
}

static void report(const char *tag, const struct th *t, const char *fmt, va_list args)
{
    fprintf(stdout, "%s [%s] %s: ", tag, t->device->id, t->test);
    vfprintf(stdout, fmt, args);
    fprintf(stdout, "\n");
}

void th_check(struct th *t, int ok, const char *fmt, ...)
{
    if (ok) {
        t->passed++;
        return;
    }
    t->failed++;
    va_list args;
    va_start(args, fmt);
    report("FAIL", t, fmt, args);
    va_end(args);
}

void th_skip(struct th *t, const char *fmt, ...)
{
    t->skipped++;
    va_list args;
    va_start(args, fmt);
    report("SKIP", t, fmt, args);
    va_end(args);
}

int th_ok(struct th *t, lowp_status s, const char *what)
{
    th_check(t, s == LOWP_OK, "%s -> %s: %s", what, lowp_status_name(s), lowp_last_error());
    return s == LOWP_OK;
}

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

int th_compare_f32(struct th *t, const char *what, const float *got, const float *ref, size_t n, struct th_tol tol)
{
    int exact = tol.atol == 0.0 && tol.rtol == 0.0;
    for (size_t i = 0; i < n; ++i) {
        float g = got[i], r = ref[i];
        int bad;
        if (isnan(r) || isnan(g))
            bad = isnan(r) != isnan(g);
        else if (isinf(r) || isinf(g))
            bad = g != r;
        else if (exact)
            bad = bits(g) != bits(r);
        else
            bad = fabs((double)g - (double)r) > tol.atol + tol.rtol * fabs((double)r);
        if (bad) {
            th_check(t, 0, "%s: element %zu of %zu: got %.9g (0x%08x), reference %.9g (0x%08x)", what, i, n, g,
                     bits(g), r, bits(r));
            return 0;
        }
    }
    th_check(t, 1, "%s", what);
    return 1;
}

int th_compare_u32(struct th *t, const char *what, const uint32_t *got, const uint32_t *ref, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        if (got[i] != ref[i]) {
            th_check(t, 0, "%s: element %zu of %zu: got 0x%08x, reference 0x%08x", what, i, n, got[i], ref[i]);
            return 0;
        }
    }
    th_check(t, 1, "%s", what);
    return 1;
}

lowp_status th_guarded_alloc(lowp_context *ctx, size_t n, size_t elem, lowp_buffer **out)
{
    size_t bytes = (n + 2 * TH_GUARD) * elem;
    lowp_status s = lowp_buffer_alloc(ctx, bytes, out);
    if (s != LOWP_OK)
        return s;
    unsigned char *pattern = malloc(bytes);
    if (pattern == NULL)
        return LOWP_ERR_OUT_OF_MEMORY;
    memset(pattern, 0xA5, bytes);
    s = lowp_buffer_write(*out, 0, pattern, bytes);
    free(pattern);
    return s;
}

int th_guarded_read(struct th *t, const char *what, lowp_buffer *buf, size_t n, size_t elem, void *host)
{
    size_t bytes = (n + 2 * TH_GUARD) * elem;
    unsigned char *all = malloc(bytes);
    if (all == NULL) {
        th_check(t, 0, "%s: out of host memory", what);
        return 0;
    }
    if (!th_ok(t, lowp_buffer_read(buf, 0, all, bytes), what)) {
        free(all);
        return 0;
    }
    size_t g = TH_GUARD * elem;
    for (size_t i = 0; i < g; ++i) {
        if (all[i] != 0xA5 || all[g + n * elem + i] != 0xA5) {
            th_check(t, 0, "%s: guard byte %zu %s the output was overwritten", what, i,
                     all[i] != 0xA5 ? "before" : "after");
            free(all);
            return 0;
        }
    }
    memcpy(host, all + g, n * elem);
    free(all);
    return 1;
}

void th_fill_uniform(float *x, size_t n, float lo, float hi, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; ++i) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = lo + (hi - lo) * (float)((s >> 40) * (1.0 / 16777216.0));
    }
}

static void run_cases(struct th *t, const struct th_case *cases, size_t ncases, const char *only, size_t wg)
{
    char value[32];
    snprintf(value, sizeof value, "%zu", wg);
    if (wg != 0)
        setenv("LOWP_OPENCL_WG_SIZE", value, 1);
    lowp_context *ctx = NULL;
    lowp_status s = lowp_context_open(t->device->id, &ctx);
    if (wg != 0)
        unsetenv("LOWP_OPENCL_WG_SIZE");
    t->test = "open";
    if (!th_ok(t, s, "lowp_context_open"))
        return;
    for (size_t i = 0; i < ncases; ++i) {
        if (only != NULL && strcmp(only, cases[i].name) != 0)
            continue;
        if (wg != 0 && !cases[i].across_work_groups)
            continue;
        char name[160];
        snprintf(name, sizeof name, wg ? "%s (work-group %zu)" : "%s", cases[i].name, wg);
        t->test = name;
        int before = t->failed;
        cases[i].run(t, ctx);
        printf("%-4s [%s] %s\n", t->failed > before ? "FAIL" : "ok", t->device->id, name);
    }
    lowp_context_close(ctx);
}

int th_main(int argc, char **argv, const struct th_case *cases, size_t ncases)
{
    const char *selector = "cpu", *only = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--device") == 0)
            selector = argv[i + 1];
        else if (strcmp(argv[i], "--case") == 0)
            only = argv[i + 1];
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t count = 0;
    lowp_device_count(&count);
    struct th total = {0};
    int devices = 0;
    for (size_t d = 0; d < count; ++d) {
        struct lowp_device_info info;
        if (lowp_device_get_info(d, &info) != LOWP_OK || !matches(&info, selector))
            continue;
        ++devices;
        printf("== device %s: %s | %s | %s\n", info.id, info.name, info.platform, info.driver);
        struct th t = {.device = &info};
        run_cases(&t, cases, ncases, only, 0);
        if (info.backend == LOWP_BACKEND_OPENCL) {
            run_cases(&t, cases, ncases, only, 1);
            run_cases(&t, cases, ncases, only, 64);
        }
        total.passed += t.passed;
        total.failed += t.failed;
        total.skipped += t.skipped;
    }
    if (devices == 0) {
        if (required(selector)) {
            printf("FAIL: no device matches '%s', and LOWP_REQUIRE_DEVICES requires it\n", selector);
            printf("0 passed, 1 failed\n");
            return 1;
        }
        printf("SKIPPED: no device matches '%s' on this machine\n", selector);
        return 77;
    }
    printf("%d passed, %d failed, %d skipped\n", total.passed, total.failed, total.skipped);
    return total.failed ? 1 : 0;
}
