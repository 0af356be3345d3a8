/* cmd_tune.c — `lowp tune matmul`: search the parameters of
 * lowp_matmul_tiled (kernels/matmul.cl) for one OpenCL device and write the
 * winner as JSON (format: header comment of src/matmul/matmul_params.c).
 *
 *   lowp tune matmul [--device ID] [--size M,N,K] [--max-candidates N]
 *                    [--min-time S] [--out FILE.json]
 *
 * 1. Candidates: lowp_matmul_cl_params_candidates() that pass
 *    lowp_matmul_cl_params_validate() on the device; the row the table
 *    gives the device now is always tried first; --max-candidates N keeps N
 *    of the others, evenly spread over the grid (all by default).
 * 2. Every candidate is checked BEFORE it is timed: an odd-shaped problem
 *    (edges, offsets, padded ld, T/N, beta != 0, NaN outside the matrices)
 *    and the timed problem itself must equal lowp_ref_matmul_f32seq bit for
 *    bit. A candidate that fails to build, does not fit the compiled
 *    kernel's work-group limit, or differs by one bit is rejected (counted
 *    and listed with the reason).
 * 3. The rest are timed on C = A B (M x N x K, NN): one warm-up, then runs
 *    until --min-time (0.2 s) and at least 3 runs; the median counts.
 * 4. CLBlast (when built in) and the winner with MM_FMA=1 are timed on the
 *    same problem after passing the normalized error bound
 *    |c - ref| <= 2(k+2) u (|A||B|)_ij against the double reference.
 *    CLBlast faster than the winner sets "clblast_faster": 1, which makes
 *    engine AUTO use CLBlast on this device once the JSON is in the table.
 *    The FMA figure is informational: table rows stay bit-exact (MM_FMA 0).
 * 5. JSON to --out (or stdout); cmake/matmul_table.cmake turns such files
 *    into table rows (docs/matmul.md, "Tuning").
 *
 * Each candidate is a separate program build, so the kernel disk cache is
 * turned off for the run unless LOWP_CACHE_DIR is set, and the context is
 * reopened every CANDIDATES_PER_CONTEXT candidates (a context keeps at most
 * LOWP_CL_MAX_PROGRAMS programs). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/error.h"

#ifdef LOWP_HAVE_OPENCL
#include "opencl/cl_matmul.h"
#include "ref/matmul_ref.h"

#define CANDIDATES_PER_CONTEXT 24
#define RANKING 5

struct tune_options {
    const char *device;
    size_t m, n, k;
    size_t max_candidates; /* 0: all */
    double min_seconds;
    const char *out;
};

/* Host data of one problem and its f32seq result. */
struct problem {
    struct lowp_matmul_desc d;
    float *a, *b, *c0, *seq;
    size_t ea, eb, ec;
};

/* The open context with the problems uploaded. */
struct session {
    lowp_context *ctx;
    lowp_buffer *a[2], *b[2], *c[2];
};

struct scored {
    struct lowp_matmul_cl_params p;
    double gflops;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fill(float *x, size_t n, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 7;
    for (size_t i = 0; i < n; ++i) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x[i] = (float)((double)(s >> 40) / 8388608.0 - 1.0); /* [-1, 1) */
    }
}

static lowp_status problem_make(struct problem *pr, const struct lowp_matmul_desc *d, uint64_t seed)
{
    memset(pr, 0, sizeof *pr);
    pr->d = *d;
    LOWP_TRY(lowp_matmul_desc_extents(d, &pr->ea, &pr->eb, &pr->ec));
    pr->a = malloc(pr->ea * 4), pr->b = malloc(pr->eb * 4);
    pr->c0 = malloc(pr->ec * 4), pr->seq = malloc(pr->ec * 4);
    if (!pr->a || !pr->b || !pr->c0 || !pr->seq)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp tune: no host memory for a %zux%zux%zu problem", d->m, d->n,
                          d->k);
    fill(pr->a, pr->ea, seed);
    fill(pr->b, pr->eb, seed + 1);
    fill(pr->c0, pr->ec, seed + 2);
    if (d->beta == 0.0f) /* must not be read */
        for (size_t i = 0; i < pr->ec; ++i)
            pr->c0[i] = NAN;
    memcpy(pr->seq, pr->c0, pr->ec * 4);
    return lowp_ref_matmul_f32seq(d, pr->a, pr->ea, pr->b, pr->eb, pr->seq, pr->ec);
}

static void problem_free(struct problem *pr)
{
    free(pr->a), free(pr->b), free(pr->c0), free(pr->seq);
}

static void session_close(struct session *s)
{
    for (int i = 0; i < 2; ++i)
        lowp_buffer_free(s->a[i]), lowp_buffer_free(s->b[i]), lowp_buffer_free(s->c[i]);
    lowp_context_close(s->ctx);
    memset(s, 0, sizeof *s);
}

static lowp_status upload(lowp_context *ctx, const float *x, size_t n, lowp_buffer **out)
{
    LOWP_TRY(lowp_buffer_alloc(ctx, n * 4, out));
    return lowp_buffer_write(*out, 0, x, n * 4);
}

static lowp_status session_open(struct session *s, const char *id, const struct problem pr[2])
{
    memset(s, 0, sizeof *s);
    lowp_status st = lowp_context_open(id, &s->ctx);
    for (int i = 0; i < 2 && st == LOWP_OK; ++i) {
        st = upload(s->ctx, pr[i].a, pr[i].ea, &s->a[i]);
        if (st == LOWP_OK)
            st = upload(s->ctx, pr[i].b, pr[i].eb, &s->b[i]);
        if (st == LOWP_OK)
            st = lowp_buffer_alloc(s->ctx, pr[i].ec * 4, &s->c[i]);
    }
    if (st != LOWP_OK)
        session_close(s);
    return st;
}

/* One run of problem i: C reset, product, result read into got. params
 * NULL = the public lowp_matmul with pr->d.engine. */
static lowp_status run_once(struct session *s, const struct problem *pr, int i,
                            const struct lowp_matmul_cl_params *params, float *got)
{
    LOWP_TRY(lowp_buffer_write(s->c[i], 0, pr->c0, pr->ec * 4));
    if (params != NULL)
        LOWP_TRY(lowp_cl_matmul_run_params(s->ctx, &pr->d, params, 0, s->a[i], s->b[i], s->c[i]));
    else
        LOWP_TRY(lowp_matmul(s->ctx, &pr->d, s->a[i], s->b[i], s->c[i]));
    return got != NULL ? lowp_buffer_read(s->c[i], 0, got, pr->ec * 4) : lowp_context_sync(s->ctx);
}

/* Median seconds of the timed problem (index 1); the first run is a warm-up. */
static lowp_status time_it(struct session *s, const struct problem *pr, const struct lowp_matmul_cl_params *params,
                           double min_seconds, double *median)
{
    double t[64];
    int runs = 0;
    double total = 0;
    LOWP_TRY(run_once(s, pr, 1, params, NULL));
    while (runs < 64 && (runs < 3 || total < min_seconds)) {
        double t0 = now_seconds();
        if (params != NULL)
            LOWP_TRY(lowp_cl_matmul_run_params(s->ctx, &pr->d, params, 0, s->a[1], s->b[1], s->c[1]));
        else
            LOWP_TRY(lowp_matmul(s->ctx, &pr->d, s->a[1], s->b[1], s->c[1]));
        LOWP_TRY(lowp_context_sync(s->ctx));
        t[runs] = now_seconds() - t0;
        total += t[runs++];
    }
    for (int i = 1; i < runs; ++i) /* insertion sort: few values */
        for (int j = i; j > 0 && t[j] < t[j - 1]; --j) {
            double x = t[j];
            t[j] = t[j - 1], t[j - 1] = x;
        }
    *median = runs % 2 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
    return LOWP_OK;
}

static int bit_equal(const float *x, const float *y, size_t n, size_t *where)
{
    for (size_t i = 0; i < n; ++i)
        if (memcmp(&x[i], &y[i], 4) != 0) {
            *where = i;
            return 0;
        }
    return 1;
}

/* Normalized bound against the double reference (alpha = 1, beta = 0). */
static int within_bound(const struct problem *pr, const float *got, const float *ref, const float *scale)
{
    double lim = 2.0 * ((double)pr->d.k + 2.0) / 16777216.0;
    for (size_t i = 0; i < pr->ec; ++i)
        if (!(fabs((double)got[i] - (double)ref[i]) <= lim * (double)scale[i]))
            return 0;
    return 1;
}

static void json_params(FILE *f, const struct lowp_matmul_cl_params *p)
{
    fprintf(f,
            "{\"MWG\": %u, \"NWG\": %u, \"KWG\": %u, \"WPTM\": %u, \"WPTN\": %u, \"VW\": %u, \"PADA\": %u, "
            "\"PADB\": %u, \"MM_FMA\": %u, \"RELAX_WGS\": %u}",
            p->mwg, p->nwg, p->kwg, p->wptm, p->wptn, p->vw, p->pada, p->padb, p->fma, p->relax_wgs);
}

static void params_text(const struct lowp_matmul_cl_params *p, char *buf, size_t len)
{
    snprintf(buf, len, "%ux%ux%u wpt %ux%u vw %u pad %u", p->mwg, p->nwg, p->kwg, p->wptm, p->wptn, p->vw, p->pada);
}

static int same_params(const struct lowp_matmul_cl_params *x, const struct lowp_matmul_cl_params *y)
{
    return memcmp(x, y, sizeof *x) == 0;
}

struct tune_result {
    struct scored best[RANKING];
    size_t nbest, total, valid, tried, rejected;
    double clblast_gflops, fma_gflops;
    char clblast_note[256];
};

static void rank(struct tune_result *r, const struct lowp_matmul_cl_params *p, double gflops)
{
    size_t i;
    if (r->nbest < RANKING)
        i = r->nbest++;
    else if (gflops > r->best[RANKING - 1].gflops)
        i = RANKING - 1;
    else
        return;
    r->best[i] = (struct scored){*p, gflops};
    for (; i > 0 && r->best[i].gflops > r->best[i - 1].gflops; --i) {
        struct scored x = r->best[i];
        r->best[i] = r->best[i - 1], r->best[i - 1] = x;
    }
}

static void write_json(FILE *f, const struct lowp_device_info *info, const struct tune_options *o,
                       const struct tune_result *r)
{
    char name[256], date[32];
    lowp_matmul_cl_normalize_name(info->name, name, sizeof name);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "{\n  \"kernel\": \"lowp_matmul_tiled\",\n  \"vendor\": ");
    lowp_cli_json_string(f, lowp_matmul_cl_vendor_key(info->platform, info->vendor));
    fprintf(f, ",\n  \"device\": ");
    lowp_cli_json_string(f, name);
    fprintf(f, ",\n  \"device_name\": ");
    lowp_cli_json_string(f, info->name);
    fprintf(f, ",\n  \"device_vendor\": ");
    lowp_cli_json_string(f, info->vendor);
    fprintf(f, ",\n  \"platform\": ");
    lowp_cli_json_string(f, info->platform);
    fprintf(f, ",\n  \"driver\": ");
    lowp_cli_json_string(f, info->driver);
    fprintf(f, ",\n  \"lowp_commit\": ");
    lowp_cli_json_string(f, lowp_build_commit());
    fprintf(f, ",\n  \"date\": \"%s\",\n  \"shape\": [%zu, %zu, %zu],\n  \"params\": ", date, o->m, o->n, o->k);
    json_params(f, &r->best[0].p);
    fprintf(f, ",\n  \"gflops\": %.4g,\n  \"clblast_gflops\": %.4g,\n  \"clblast_faster\": %d,\n", r->best[0].gflops,
            r->clblast_gflops, r->clblast_gflops > r->best[0].gflops);
    fprintf(f, "  \"clblast_note\": ");
    lowp_cli_json_string(f, r->clblast_note);
    fprintf(f, ",\n  \"fma_gflops\": %.4g,\n", r->fma_gflops);
    fprintf(f, "  \"candidates\": {\"grid\": %zu, \"valid_on_device\": %zu, \"tried\": %zu, \"rejected\": %zu},\n",
            r->total, r->valid, r->tried, r->rejected);
    fprintf(f, "  \"ranking\": [");
    for (size_t i = 0; i < r->nbest; ++i) {
        fprintf(f, "%s\n    {\"gflops\": %.4g, \"params\": ", i ? "," : "", r->best[i].gflops);
        json_params(f, &r->best[i].p);
        fprintf(f, "}");
    }
    fprintf(f, "\n  ]\n}\n");
}

static int parse(int argc, char **argv, struct tune_options *o)
{
    for (int i = 2; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v != NULL && strcmp(a, "--device") == 0) {
            o->device = v, ++i;
        } else if (v != NULL && strcmp(a, "--size") == 0) {
            if (sscanf(v, "%zu,%zu,%zu", &o->m, &o->n, &o->k) != 3 || !o->m || !o->n || !o->k) {
                fprintf(stderr, "lowp tune: --size wants M,N,K (positive), got '%s'\n", v);
                return 0;
            }
            ++i;
        } else if (v != NULL && strcmp(a, "--max-candidates") == 0) {
            o->max_candidates = strtoul(v, NULL, 10), ++i;
        } else if (v != NULL && strcmp(a, "--min-time") == 0) {
            o->min_seconds = atof(v), ++i;
        } else if (v != NULL && strcmp(a, "--out") == 0) {
            o->out = v, ++i;
        } else {
            fprintf(stderr, "lowp tune: unknown or incomplete option '%s'\n", a);
            return 0;
        }
    }
    return 1;
}

/* The candidate list: the current row first, then max (0 = all) of the
 * other valid candidates, evenly spread over the grid. */
static struct lowp_matmul_cl_params *candidates(lowp_context *ctx, size_t max, struct tune_result *r, size_t *count)
{
    r->total = lowp_matmul_cl_params_candidates(NULL, 0);
    struct lowp_matmul_cl_params *all = malloc((r->total + 1) * sizeof *all);
    if (all == NULL)
        return NULL;
    lowp_matmul_cl_params_candidates(all + 1, r->total);
    size_t max_wg = 0, items[2] = {0, 0};
    uint64_t local = 0;
    struct lowp_matmul_cl_params current;
    if (lowp_cl_matmul_limits(ctx, &max_wg, items, &local) != LOWP_OK ||
        lowp_cl_matmul_config(ctx, &current, NULL, NULL, NULL) != LOWP_OK) {
        free(all);
        return NULL;
    }
    size_t valid = 0;
    for (size_t i = 1; i <= r->total; ++i)
        if (lowp_matmul_cl_params_validate(&all[i], max_wg, items, local) == LOWP_OK &&
            !same_params(&all[i], &current))
            all[1 + valid++] = all[i];
    r->valid = valid + 1;
    size_t keep = max == 0 || max > valid ? valid : max;
    for (size_t j = 0; j < keep; ++j) /* evenly spread: index j * valid / keep */
        all[1 + j] = all[1 + j * valid / keep];
    all[0] = current;
    *count = keep + 1;
    return all;
}

static lowp_status tune(const struct tune_options *o, struct lowp_device_info *info, struct tune_result *r)
{
    struct problem pr[2];
    memset(pr, 0, sizeof pr);
    struct lowp_matmul_desc check, timed;
    /* odd sizes, T x N, offsets, padded ld, beta != 0 */
    lowp_matmul_desc_init(&check, 77, 45, 39);
    check.trans_a = LOWP_MATMUL_TRANS_T, check.lda = 77 + 3, check.ldc = 45 + 2;
    check.offset_a = 3, check.offset_b = 1, check.offset_c = 5, check.beta = 0.5f;
    lowp_matmul_desc_init(&timed, o->m, o->n, o->k);
    fprintf(stderr, "lowp tune: %s (%s): computing the f32seq reference of %zux%zux%zu...\n", info->id, info->name,
            o->m, o->n, o->k);
    lowp_status st = problem_make(&pr[0], &check, 11);
    if (st == LOWP_OK)
        st = problem_make(&pr[1], &timed, 12);
    float *got = st == LOWP_OK ? malloc((pr[1].ec > pr[0].ec ? pr[1].ec : pr[0].ec) * 4) : NULL;
    struct session s = {0};
    if (st == LOWP_OK && got == NULL)
        st = LOWP_ERR_OUT_OF_MEMORY;
    if (st == LOWP_OK)
        st = session_open(&s, info->id, pr);
    size_t ncand = 0;
    struct lowp_matmul_cl_params *cand = st == LOWP_OK ? candidates(s.ctx, o->max_candidates, r, &ncand) : NULL;
    if (st == LOWP_OK && cand == NULL)
        st = LOWP_ERR_OUT_OF_MEMORY;
    double flops = 2.0 * (double)o->m * (double)o->n * (double)o->k;
    for (size_t i = 0; i < ncand && st == LOWP_OK; ++i) {
        if (i > 0 && i % CANDIDATES_PER_CONTEXT == 0) {
            session_close(&s);
            st = session_open(&s, info->id, pr);
            if (st != LOWP_OK)
                break;
        }
        char text[96];
        params_text(&cand[i], text, sizeof text);
        r->tried++;
        size_t where = 0;
        lowp_status cs = LOWP_OK;
        int ok = 1;
        for (int p = 0; p < 2 && ok; ++p) {
            cs = run_once(&s, &pr[p], p, &cand[i], got);
            ok = cs == LOWP_OK && bit_equal(got, pr[p].seq, pr[p].ec, &where);
            if (cs == LOWP_OK && !ok)
                fprintf(stderr, "  [%zu/%zu] %-36s rejected: element %zu of the %s problem differs from f32seq\n",
                        i + 1, ncand, text, where, p ? "timed" : "check");
        }
        double t = 0;
        if (ok)
            cs = time_it(&s, &pr[1], &cand[i], o->min_seconds, &t);
        if (cs != LOWP_OK) {
            fprintf(stderr, "  [%zu/%zu] %-36s rejected: %s: %.200s\n", i + 1, ncand, text, lowp_status_name(cs),
                    lowp_last_error());
            ok = 0;
        }
        if (!ok) {
            r->rejected++;
            continue;
        }
        rank(r, &cand[i], flops / t / 1e9);
        fprintf(stderr, "  [%zu/%zu] %-36s %8.2f GFLOP/s%s\n", i + 1, ncand, text, flops / t / 1e9,
                i == 0 ? "  (current table row)" : "");
    }
    if (st == LOWP_OK && r->nbest == 0)
        st = lowp_error(LOWP_ERR_DEVICE, "lowp tune: every candidate was rejected");

    /* Peers on the same problem, checked with the normalized bound. */
    float *ref = NULL, *scale = NULL;
    if (st == LOWP_OK) {
        ref = malloc(pr[1].ec * 4), scale = malloc(pr[1].ec * 4);
        float *abs_a = malloc(pr[1].ea * 4), *abs_b = malloc(pr[1].eb * 4);
        if (ref && scale && abs_a && abs_b) {
            for (size_t i = 0; i < pr[1].ea; ++i)
                abs_a[i] = fabsf(pr[1].a[i]);
            for (size_t i = 0; i < pr[1].eb; ++i)
                abs_b[i] = fabsf(pr[1].b[i]);
            st = lowp_ref_matmul(&pr[1].d, pr[1].a, pr[1].ea, pr[1].b, pr[1].eb, ref, pr[1].ec);
            if (st == LOWP_OK)
                st = lowp_ref_matmul(&pr[1].d, abs_a, pr[1].ea, abs_b, pr[1].eb, scale, pr[1].ec);
        } else {
            st = LOWP_ERR_OUT_OF_MEMORY;
        }
        free(abs_a), free(abs_b);
    }
    if (st == LOWP_OK) {
        struct problem peer = pr[1];
        peer.d.engine = LOWP_MATMUL_ENGINE_CLBLAST;
        double t = 0;
        lowp_status cs = run_once(&s, &peer, 1, NULL, got);
        if (cs == LOWP_OK && !within_bound(&peer, got, ref, scale))
            snprintf(r->clblast_note, sizeof r->clblast_note, "CLBlast result outside the error bound");
        else if (cs == LOWP_OK && (cs = time_it(&s, &peer, NULL, o->min_seconds, &t)) == LOWP_OK)
            r->clblast_gflops = flops / t / 1e9;
        if (cs != LOWP_OK)
            snprintf(r->clblast_note, sizeof r->clblast_note, "%s: %s", lowp_status_name(cs), lowp_last_error());
        fprintf(stderr, "  CLBlast: %.2f GFLOP/s %s\n", r->clblast_gflops, r->clblast_note);

        struct lowp_matmul_cl_params fma = r->best[0].p;
        fma.fma = 1;
        cs = run_once(&s, &pr[1], 1, &fma, got);
        if (cs == LOWP_OK && within_bound(&pr[1], got, ref, scale) && time_it(&s, &pr[1], &fma, o->min_seconds, &t) == LOWP_OK)
            r->fma_gflops = flops / t / 1e9;
        fprintf(stderr, "  winner with MM_FMA=1: %.2f GFLOP/s (informational)\n", r->fma_gflops);
    }
    free(ref), free(scale), free(cand), free(got);
    if (s.ctx != NULL)
        session_close(&s);
    problem_free(&pr[0]);
    problem_free(&pr[1]);
    return st;
}

int lowp_cli_tune(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "matmul") != 0) {
        fprintf(stderr, "usage: lowp tune matmul [--device ID] [--size M,N,K] [--max-candidates N] [--min-time S] "
                        "[--out FILE.json]\n");
        return 2;
    }
    struct tune_options o = {.min_seconds = 0.2};
    if (!parse(argc, argv, &o))
        return 2;
    size_t index = 0;
    lowp_status s = lowp_device_find(o.device, &index);
    struct lowp_device_info info;
    if (s == LOWP_OK)
        s = lowp_device_get_info(index, &info);
    if (s != LOWP_OK)
        return lowp_cli_fail("tune", s);
    if (info.backend != LOWP_BACKEND_OPENCL) {
        fprintf(stderr, "lowp tune: %s is not an OpenCL device; the matmul table tunes kernels/matmul.cl "
                        "(pick one with --device, see `lowp devices`)\n", info.id);
        return 2;
    }
    if (o.m == 0) /* default problem: big enough to fill the device, short on a CPU */
        o.m = o.n = o.k = info.kind == LOWP_DEVICE_KIND_CPU ? 512 : 2048;
    if (getenv("LOWP_CACHE_DIR") == NULL)
        setenv("LOWP_CACHE_DIR", "off", 1); /* one build per candidate: keep them out of the disk cache */
    struct tune_result r;
    memset(&r, 0, sizeof r);
    s = tune(&o, &info, &r);
    if (s != LOWP_OK)
        return lowp_cli_fail("tune", s);
    FILE *f = o.out != NULL ? fopen(o.out, "w") : stdout;
    if (f == NULL) {
        fprintf(stderr, "lowp tune: cannot write %s\n", o.out);
        return 1;
    }
    write_json(f, &info, &o, &r);
    if (f != stdout)
        fclose(f);
    char text[96];
    params_text(&r.best[0].p, text, sizeof text);
    fprintf(stderr, "lowp tune: winner %s: %.2f GFLOP/s (%zu tried, %zu rejected)%s%s\n", text, r.best[0].gflops,
            r.tried, r.rejected, o.out ? "; wrote " : "", o.out ? o.out : "");
    return 0;
}
#else
int lowp_cli_tune(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "lowp tune: this build has no OpenCL backend; nothing to tune\n");
    return 2;
}
#endif
