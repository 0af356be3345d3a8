/* cmd_devices.c — `lowp devices [--json]`: the device table. */
#include <string.h>

#include "cli.h"

static const char *kind_name(lowp_device_kind k)
{
    switch (k) {
    case LOWP_DEVICE_KIND_CPU: return "cpu";
    case LOWP_DEVICE_KIND_GPU: return "gpu";
    case LOWP_DEVICE_KIND_ACCELERATOR: return "accelerator";
    default: return "other";
    }
}

static void caps_text(uint32_t caps, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s%s", caps & LOWP_CAP_FP16 ? "fp16 " : "", caps & LOWP_CAP_FP64 ? "fp64 " : "",
             caps & LOWP_CAP_SUBGROUPS ? "subgroups " : "", caps & LOWP_CAP_F32_DENORMALS ? "f32-denormals" : "");
}

static void print_json(const struct lowp_device_info *d)
{
    char caps[128];
    caps_text(d->caps, caps, sizeof caps);
    printf("{\"id\":");
    lowp_cli_json_string(stdout, d->id);
    printf(",\"name\":");
    lowp_cli_json_string(stdout, d->name);
    printf(",\"vendor\":");
    lowp_cli_json_string(stdout, d->vendor);
    printf(",\"platform\":");
    lowp_cli_json_string(stdout, d->platform);
    printf(",\"driver\":");
    lowp_cli_json_string(stdout, d->driver);
    printf(",\"version\":");
    lowp_cli_json_string(stdout, d->version);
    printf(",\"backend\":\"%s\",\"kind\":\"%s\",\"compute_units\":%u,\"max_work_group_size\":%u,"
           "\"global_mem_bytes\":%llu,\"local_mem_bytes\":%llu,\"max_alloc_bytes\":%llu,"
           "\"fp16\":%s,\"fp64\":%s,\"subgroups\":%s,\"f32_denormals\":%s}\n",
           d->backend == LOWP_BACKEND_CPU ? "cpu" : "opencl", kind_name(d->kind), d->compute_units,
           d->max_work_group_size, (unsigned long long)d->global_mem_bytes, (unsigned long long)d->local_mem_bytes,
           (unsigned long long)d->max_alloc_bytes, d->caps & LOWP_CAP_FP16 ? "true" : "false",
           d->caps & LOWP_CAP_FP64 ? "true" : "false", d->caps & LOWP_CAP_SUBGROUPS ? "true" : "false",
           d->caps & LOWP_CAP_F32_DENORMALS ? "true" : "false");
}

int lowp_cli_devices(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else {
            fprintf(stderr, "lowp devices: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    size_t n = 0;
    lowp_status s = lowp_device_count(&n);
    if (s != LOWP_OK)
        return lowp_cli_fail("devices", s);
    size_t best = 0;
    lowp_device_find("best", &best);
    if (!json)
        printf("%-10s %-5s %-40s %-28s %-50s %5s %9s %9s  %s\n", "id", "kind", "name", "platform", "driver", "units",
               "memory", "max-alloc", "capabilities");
    for (size_t i = 0; i < n; ++i) {
        struct lowp_device_info d;
        if ((s = lowp_device_get_info(i, &d)) != LOWP_OK)
            return lowp_cli_fail("devices", s);
        if (json) {
            print_json(&d);
            continue;
        }
        char caps[128];
        caps_text(d.caps, caps, sizeof caps);
        printf("%-10s %-5s %-40.40s %-28.28s %-50.50s %5u %7.1fGB %7.1fGB  %s%s\n", d.id, kind_name(d.kind), d.name,
               d.platform, d.driver, d.compute_units, (double)d.global_mem_bytes / 1e9,
               (double)d.max_alloc_bytes / 1e9, caps, i == best ? " [best]" : "");
    }
    return 0;
}
