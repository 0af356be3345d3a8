/* device.c — the device registry: discovered once per process, in a fixed
 * order (the CPU backend first, then each OpenCL device), so ids are stable. */
#include "device.h"
#include "error.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOWP_MAX_DEVICES 64

static struct lowp_device_entry registry[LOWP_MAX_DEVICES];
static size_t registry_count;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static void registry_discover(void)
{
    size_t n = 0;
    /* A backend that fails to enumerate contributes no devices; the CPU backend cannot fail. */
    if (lowp_cpu_backend.enumerate(registry, LOWP_MAX_DEVICES, &n) != LOWP_OK)
        n = 0;
#ifdef LOWP_HAVE_OPENCL
    size_t before = n;
    if (lowp_opencl_backend.enumerate(registry + n, LOWP_MAX_DEVICES - n, &n) != LOWP_OK)
        n = before;
    for (size_t i = before; i < n; ++i)
        snprintf(registry[i].info.id, sizeof registry[i].info.id, "opencl:%zu", i - before);
#endif
    registry_count = n;
}

static void registry_init(void) { pthread_once(&registry_once, registry_discover); }

lowp_status lowp_device_count(size_t *count)
{
    LOWP_CHECK_NOT_NULL(count);
    registry_init();
    *count = registry_count;
    return LOWP_OK;
}

const struct lowp_device_entry *lowp_device_entry_get(size_t index)
{
    registry_init();
    return index < registry_count ? &registry[index] : NULL;
}

lowp_status lowp_device_get_info(size_t index, struct lowp_device_info *info)
{
    LOWP_CHECK_NOT_NULL(info);
    registry_init();
    if (index >= registry_count)
        return lowp_error(LOWP_ERR_NO_DEVICE, "device index %zu out of range (%zu devices)", index, registry_count);
    *info = registry[index].info;
    return LOWP_OK;
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; ++hay) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            ++i;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static size_t best_device(void)
{
    for (size_t i = 0; i < registry_count; ++i) {
        lowp_device_kind k = registry[i].info.kind;
        if (registry[i].info.backend == LOWP_BACKEND_OPENCL &&
            (k == LOWP_DEVICE_KIND_GPU || k == LOWP_DEVICE_KIND_ACCELERATOR))
            return i;
    }
    return 0; /* the CPU backend */
}

lowp_status lowp_device_find(const char *selector, size_t *index)
{
    LOWP_CHECK_NOT_NULL(index);
    registry_init();
    if (selector == NULL || selector[0] == '\0') {
        const char *env = getenv("LOWP_DEVICE");
        if (env == NULL || env[0] == '\0') {
            *index = best_device();
            return LOWP_OK;
        }
        selector = env;
    }
    if (strcmp(selector, "best") == 0) {
        *index = best_device();
        return LOWP_OK;
    }
    for (size_t i = 0; i < registry_count; ++i) {
        if (strcmp(registry[i].info.id, selector) == 0) {
            *index = i;
            return LOWP_OK;
        }
    }
    for (size_t i = 0; i < registry_count; ++i) {
        char text[4 * LOWP_DEVICE_TEXT + 4];
        snprintf(text, sizeof text, "%.127s %.127s %.127s %.127s", registry[i].info.platform, registry[i].info.name,
                 registry[i].info.vendor, registry[i].info.version);
        if (contains_ci(text, selector)) {
            *index = i;
            return LOWP_OK;
        }
    }
    lowp_error(LOWP_ERR_NO_DEVICE, "no device matches '%s'; available:", selector);
    for (size_t i = 0; i < registry_count; ++i) {
        char line[2 * LOWP_DEVICE_TEXT + 48];
        snprintf(line, sizeof line, " %.31s (%.127s)%s", registry[i].info.id, registry[i].info.name,
                 i + 1 < registry_count ? "," : "");
        lowp_error_append(line);
    }
    return LOWP_ERR_NO_DEVICE;
}
