/* cmd_bench.c — `lowp bench`: run the bench table on one or all devices,
 * print a table and write JSON lines (one per measured case). Every GB/s
 * figure is also given as a share of the same device's copy bandwidth,
 * measured first in the same run: the roofline of memory-bound ops. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cli.h"

struct bench_options {
    const char *device; /* NULL: all devices (or $LOWP_DEVICE) */
    const char *op;     /* NULL: every family */
    double size_mb;     /* 0: per-device default */
    double min_seconds;
    const char *json_path;
};

static void write_json(FILE *f, const struct lowp_device_info *d, const struct lowp_bench_result *r, double roofline,
                       const char *date)
{
    double gbs = r->bytes > 0 ? r->bytes / r->seconds / 1e9 : 0.0;
    double tflops = r->flops > 0 ? r->flops / r->seconds / 1e12 : 0.0;
    fprintf(f, "{\"date\":\"%s\",\"device\":", date);
    lowp_cli_json_string(f, d->id);
    fprintf(f, ",\"name\":");
    lowp_cli_json_string(f, d->name);
    fprintf(f, ",\"platform\":");
    lowp_cli_json_string(f, d->platform);
    fprintf(f, ",\"driver\":");
    lowp_cli_json_string(f, d->driver);
    fprintf(f, ",\"commit\":");
    lowp_cli_json_string(f, lowp_build_commit());
    fprintf(f, ",\"op\":");
    lowp_cli_json_string(f, r->op);
    fprintf(f, ",\"variant\":");
    lowp_cli_json_string(f, r->variant);
    fprintf(f, ",\"elements\":%.0f,\"bytes\":%.0f,\"flops\":%.0f,\"seconds\":%.9g,\"seconds_min\":%.9g,\"runs\":%d",
            r->elements, r->bytes, r->flops, r->seconds, r->seconds_min, r->runs);
    if (gbs > 0)
        fprintf(f, ",\"gb_per_s\":%.4g,\"roofline\":\"copy\",\"roofline_gb_per_s\":%.4g,\"share\":%.4f", gbs,
                roofline, roofline > 0 ? gbs / roofline : 0.0);
    if (tflops > 0)
        fprintf(f, ",\"tflop_per_s\":%.4g", tflops);
    fprintf(f, "}\n");
    fflush(f);
}

static void print_row(const struct lowp_device_info *d, const struct lowp_bench_result *r, double roofline)
{
    double gbs = r->bytes > 0 ? r->bytes / r->seconds / 1e9 : 0.0;
    double tflops = r->flops > 0 ? r->flops / r->seconds / 1e12 : 0.0;
    char perf[64] = "", share[32] = "";
    if (tflops > 0)
        snprintf(perf, sizeof perf, "%8.3f TFLOP/s", tflops);
    else
        snprintf(perf, sizeof perf, "%8.1f GB/s", gbs);
    if (gbs > 0 && roofline > 0)
        snprintf(share, sizeof share, "%5.1f%% of copy", 100.0 * gbs / roofline);
    printf("%-10s %-14s %-28.28s %10.3f ms  %s  %s\n", d->id, r->op, r->variant, 1e3 * r->seconds, perf, share);
    fflush(stdout);
}

static lowp_status bench_device(size_t index, const struct bench_options *o, FILE *json, const char *date,
                                int quiet)
{
    struct lowp_device_info d;
    lowp_context *ctx = NULL;
    lowp_status s = lowp_device_get_info(index, &d);
    if (s == LOWP_OK)
        s = lowp_context_open(d.id, &ctx);
    if (s != LOWP_OK)
        return s;
    struct lowp_bench_params p = {.min_seconds = o->min_seconds};
    double mb = o->size_mb > 0 ? o->size_mb : (d.kind == LOWP_DEVICE_KIND_CPU ? 64.0 : 256.0);
    p.bytes = (size_t)(mb * 1048576.0);
    if (p.bytes > d.max_alloc_bytes)
        p.bytes = (size_t)d.max_alloc_bytes;
    if (d.global_mem_bytes > 0 && p.bytes > d.global_mem_bytes / 4)
        p.bytes = (size_t)(d.global_mem_bytes / 4);
    p.bytes &= ~(size_t)4095;

    static struct lowp_bench_result results[LOWP_BENCH_MAX_RESULTS];
    double roofline = 0.0;
    /* The basic family comes first: it measures copy, the roofline of the rest. */
    for (size_t t = 0; t < lowp_bench_table_size && s == LOWP_OK; ++t) {
        const struct lowp_bench_entry *e = &lowp_bench_table[t];
        int wanted = o->op == NULL || strcmp(o->op, e->name) == 0;
        if (!wanted && t != 0)
            continue;
        size_t count = 0;
        s = e->run(ctx, &p, results, &count);
        for (size_t i = 0; i < count; ++i) {
            if (strcmp(results[i].op, "copy") == 0 && roofline == 0.0)
                roofline = results[i].bytes / results[i].seconds / 1e9;
            if (!wanted && strcmp(results[i].op, "copy") != 0)
                continue;
            if (!quiet)
                print_row(&d, &results[i], roofline);
            if (json != NULL)
                write_json(json, &d, &results[i], roofline, date);
        }
    }
    lowp_context_close(ctx);
    return s;
}

static int parse(int argc, char **argv, struct bench_options *o)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--all") == 0) {
            o->device = "all";
        } else if (v != NULL && strcmp(a, "--device") == 0) {
            o->device = v, ++i;
        } else if (v != NULL && strcmp(a, "--op") == 0) {
            o->op = v, ++i;
        } else if (v != NULL && strcmp(a, "--size-mb") == 0) {
            o->size_mb = atof(v), ++i;
        } else if (v != NULL && strcmp(a, "--min-time") == 0) {
            o->min_seconds = atof(v), ++i;
        } else if (v != NULL && strcmp(a, "--json") == 0) {
            o->json_path = v, ++i;
        } else {
            fprintf(stderr, "lowp bench: unknown or incomplete option '%s'\n", a);
            return 0;
        }
    }
    if (o->op != NULL) {
        int known = 0;
        for (size_t t = 0; t < lowp_bench_table_size; ++t)
            known |= strcmp(o->op, lowp_bench_table[t].name) == 0;
        if (!known) {
            fprintf(stderr, "lowp bench: unknown --op '%s'; known:", o->op);
            for (size_t t = 0; t < lowp_bench_table_size; ++t)
                fprintf(stderr, " %s", lowp_bench_table[t].name);
            fprintf(stderr, "\n");
            return 0;
        }
    }
    return 1;
}

int lowp_cli_bench(int argc, char **argv)
{
    struct bench_options o = {.min_seconds = 0.25};
    if (!parse(argc, argv, &o))
        return 2;
    if (o.device == NULL) {
        const char *env = getenv("LOWP_DEVICE");
        o.device = env != NULL && env[0] != '\0' ? env : "all";
    }
    FILE *json = NULL;
    int quiet = 0;
    if (o.json_path != NULL && strcmp(o.json_path, "-") == 0) {
        json = stdout;
        quiet = 1;
    } else if (o.json_path != NULL && (json = fopen(o.json_path, "a")) == NULL) {
        fprintf(stderr, "lowp bench: cannot write %s\n", o.json_path);
        return 1;
    }
    char date[32];
    time_t t = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));

    size_t first = 0, last = 0;
    lowp_status s = LOWP_OK;
    if (strcmp(o.device, "all") == 0) {
        s = lowp_device_count(&last);
    } else {
        s = lowp_device_find(o.device, &first);
        last = first + 1;
    }
    if (s != LOWP_OK) {
        if (json != NULL && json != stdout)
            fclose(json);
        return lowp_cli_fail("bench", s);
    }
    if (!quiet)
        printf("%-10s %-14s %-28s %13s  %15s  %s\n", "device", "op", "variant", "time", "speed", "roofline share");
    int failed = 0;
    for (size_t i = first; i < last; ++i) {
        s = bench_device(i, &o, json, date, quiet);
        if (s != LOWP_OK) {
            struct lowp_device_info d;
            lowp_device_get_info(i, &d);
            fprintf(stderr, "lowp bench: %s: %s: %s\n", d.id, lowp_status_name(s), lowp_last_error());
            failed = 1;
        }
    }
    if (json != NULL && json != stdout)
        fclose(json);
    return failed;
}
