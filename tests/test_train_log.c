/* test_train_log.c — progress lines (terminal and plain), the JSON-lines
 * log (round trip, null for non-finite, truncation on resume, torn and
 * corrupt lines), the results summary, and the SVG plot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lowp/train.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) ++passed; else { ++failed; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                              printf(__VA_ARGS__); printf("\n"); } } while (0)

static char dir[] = "/tmp/lowp_test_log_XXXXXX";

static char *path_in(const char *name)
{
    /* A ring of buffers large enough that no test holds a stale one. */
    static char buf[64][256];
    static int k;
    char *p = buf[k++ & 63];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 20);
    if (s)
        fread(s, 1, (1 << 20) - 1, f);
    fclose(f);
    return s;
}

static int mkdir_p_ok(const char *path) { return mkdir(path, 0755) == 0; }

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void write_run(const char *path, double scale, uint64_t steps)
{
    lowp_train_log *log;
    if (lowp_train_log_open(path, UINT64_MAX, &log) != LOWP_OK)
        return;
    for (uint64_t s = 10; s <= steps; s += 10) {
        struct lowp_log_record r = {LOWP_LOG_TRAIN, s, scale * (4.0 / (1.0 + 0.01 * (double)s)) + 1.2, 1e-3,
                                    5000.0, 0.1 * (double)s, NAN, NAN};
        lowp_train_log_write(log, &r);
        if (s % 100 == 0) {
            struct lowp_log_record v = {LOWP_LOG_VAL, s, scale * (4.0 / (1.0 + 0.008 * (double)s)) + 1.4, NAN, NAN,
                                        0.1 * (double)s, NAN, NAN};
            lowp_train_log_write(log, &v);
        }
    }
    lowp_train_log_close(log);
}

int main(int argc, char **argv)
{
    if (!mkdtemp(dir)) {
        printf("FAIL mkdtemp\n0 passed, 1 failed\n");
        return 1;
    }
    /* Progress lines. */
    struct lowp_progress p = {120, 2000, 20, 2.43614, 1e-3, NAN, 10.0, 12345.0};
    char line[256];
    size_t n = lowp_progress_format(&p, 0, line, sizeof line);
    const char *want = "step 120/2000 (6.0%) | loss 2.4361 | lr 1.00e-03 | 12.3k tok/s | 10s | ETA 3m08s\n";
    CHECK(n == strlen(want) && strcmp(line, want) == 0, "plain line: '%s'", line);
    p.val_loss = 2.5;
    lowp_progress_format(&p, 1, line, sizeof line);
    CHECK(strncmp(line, "\r\033[Kstep 120/2000", 17) == 0 && strstr(line, "| val 2.5000 |") &&
              line[strlen(line) - 1] != '\n',
          "terminal line redraws in place: '%s'", line + 4);
    p.step = p.start_step;
    lowp_progress_format(&p, 0, line, sizeof line);
    CHECK(strstr(line, "ETA --") != NULL, "no ETA before the first step: '%s'", line);
    char tiny[10];
    CHECK(lowp_progress_format(&p, 0, tiny, sizeof tiny) > 9 && strlen(tiny) == 9, "truncation");
    CHECK(lowp_train_now() > 0 && lowp_train_is_tty(NULL) == 0, "clock, tty of NULL");

    /* Log round trip. */
    const char *lp = path_in("log.jsonl");
    lowp_train_log *log;
    CHECK(lowp_train_log_open(lp, UINT64_MAX, &log) == LOWP_OK, "open: %s", lowp_last_error());
    struct lowp_log_record recs[] = {
        {LOWP_LOG_VAL, 0, 5.55, NAN, NAN, 0.5, NAN, NAN},
        {LOWP_LOG_TRAIN, 10, 3.25, 1e-4, 1000.5, 1.25, NAN, NAN},
        {LOWP_LOG_TRAIN, 20, INFINITY, 2e-4, 1000.0, 2.5, NAN, NAN},
        {LOWP_LOG_VAL, 20, 2.5, NAN, NAN, 3.0, NAN, NAN},
        {LOWP_LOG_TRAIN, 30, 2.0, 3e-4, 900.0, 4.0, NAN, NAN},
        {LOWP_LOG_VAL, 30, 2.75, NAN, NAN, 4.5, NAN, NAN},
    };
    for (size_t i = 0; i < 6; ++i)
        CHECK(lowp_train_log_write(log, &recs[i]) == LOWP_OK, "write %zu", i);
    CHECK(lowp_train_log_close(log) == LOWP_OK, "close");
    char *text = slurp(lp);
    CHECK(text && strstr(text, "{\"type\":\"train\",\"step\":10,\"loss\":3.25,\"lr\":0.0001,\"tokens_per_s\":1000.5,"
                               "\"elapsed_s\":1.250}\n") &&
              strstr(text, "\"loss\":null"),
          "JSON lines as documented:\n%s", text ? text : "(none)");
    free(text);
    struct lowp_log_record *got;
    size_t cnt;
    CHECK(lowp_train_log_read(lp, &got, &cnt) == LOWP_OK && cnt == 6, "read back %zu", cnt);
    int same = cnt == 6;
    for (size_t i = 0; same && i < 6; ++i) {
        same &= got[i].kind == recs[i].kind && got[i].step == recs[i].step && got[i].elapsed_s == recs[i].elapsed_s;
        same &= isfinite(recs[i].loss) ? got[i].loss == recs[i].loss : isnan(got[i].loss);
    }
    CHECK(same, "records equal (infinite loss reads back as NaN)");

    struct lowp_train_results res;
    lowp_train_results_from_log(got, cnt, &res);
    CHECK(res.steps == 30 && res.best_val_loss == 2.5 && res.best_val_step == 20 && res.final_val_loss == 2.75 &&
              res.final_train_loss == 2.0 && fabs(res.tokens_per_s - 2900.5 / 3) < 1e-9 && res.elapsed_s == 4.5,
          "results from the log");
    free(got);
    const char *rp = path_in("results.json");
    struct lowp_train_config cfg;
    lowp_train_config_preset("small", &cfg);
    CHECK(lowp_train_results_write(rp, &res, &cfg) == LOWP_OK, "results written: %s", lowp_last_error());
    text = slurp(rp);
    CHECK(text && strstr(text, "\"best_val_loss\": 2.5,") && strstr(text, "\"final_val_loss\": 2.75,") &&
              strstr(text, "\"n_layer\": 4") && strstr(text, "\"schedule\": \"cosine\"") &&
              strstr(text, "\"data\": \"data/tinyshakespeare.txt\"") && text[strlen(text) - 2] == '}',
          "results.json:\n%s", text ? text : "(none)");
    free(text);
    struct lowp_train_results empty;
    lowp_train_results_from_log(NULL, 0, &empty);
    CHECK(lowp_train_results_write(rp, &empty, NULL) == LOWP_OK, "empty results");
    text = slurp(rp);
    CHECK(text && strstr(text, "\"best_val_loss\": null,") && strstr(text, "\"elapsed_s\": null\n}"),
          "nulls when nothing ran:\n%s", text ? text : "");
    free(text);

    /* Resume: keep records up to step 20, drop the rest and a torn line. */
    FILE *f = fopen(lp, "a");
    fputs("{\"type\":\"train\",\"step\":40,\"lo", f); /* killed mid-line */
    fclose(f);
    CHECK(lowp_train_log_open(lp, 20, &log) == LOWP_OK, "reopen at step 20: %s", lowp_last_error());
    struct lowp_log_record r40 = {LOWP_LOG_TRAIN, 30, 1.5, 3e-4, 800.0, 9.0, NAN, NAN};
    lowp_train_log_write(log, &r40);
    lowp_train_log_close(log);
    CHECK(lowp_train_log_read(lp, &got, &cnt) == LOWP_OK && cnt == 5 && got[3].step == 20 && got[4].loss == 1.5,
          "records after step 20 replaced (%zu)", cnt);
    free(got);
    const char *fresh = path_in("fresh.jsonl");
    CHECK(lowp_train_log_open(fresh, 100, &log) == LOWP_OK && lowp_train_log_close(log) == LOWP_OK,
          "resume without a log starts one");

    /* Sophia's Hessian-refresh records: round trip, counted in the results,
     * kept by a resume rewrite (up to its step), not treated as train records. */
    const char *hp = path_in("hess.jsonl");
    CHECK(lowp_train_log_open(hp, UINT64_MAX, &log) == LOWP_OK, "open hess log");
    struct lowp_log_record hrec[] = {
        {LOWP_LOG_TRAIN, 10, 3.0, 1e-3, 500.0, 1.0, NAN, NAN},
        {LOWP_LOG_HESS, 10, 3.5, NAN, NAN, 1.1, 0.25, 0.125},
        {LOWP_LOG_TRAIN, 20, 2.5, 1e-3, 700.0, 2.0, NAN, NAN},
        {LOWP_LOG_HESS, 20, 3.25, NAN, NAN, 2.1, INFINITY, 0.375},
    };
    for (size_t i = 0; i < 4; ++i)
        CHECK(lowp_train_log_write(log, &hrec[i]) == LOWP_OK, "write hess %zu", i);
    lowp_train_log_close(log);
    text = slurp(hp);
    CHECK(text && strstr(text, "{\"type\":\"hess\",\"step\":10,\"gnb_loss\":3.5,\"gnb_norm\":0.25,"
                               "\"win_rate\":0.125000,\"elapsed_s\":1.100}\n") && strstr(text, "\"gnb_norm\":null"),
          "hess JSON line:\n%s", text ? text : "(none)");
    free(text);
    CHECK(lowp_train_log_read(hp, &got, &cnt) == LOWP_OK && cnt == 4, "read hess log");
    if (got && cnt == 4)
        CHECK(got[1].kind == LOWP_LOG_HESS && got[1].loss == 3.5 && got[1].gnb_norm == 0.25 &&
                  got[1].win_rate == 0.125 && got[1].elapsed_s == 1.1 && isnan(got[3].gnb_norm),
              "hess record fields");
    lowp_train_results_from_log(got, cnt, &res);
    CHECK(res.hess_refreshes == 2 && res.win_rate == 0.375 && res.final_train_loss == 2.5 &&
              fabs(res.tokens_per_s - 600.0) < 1e-9,
          "results count refreshes (%llu) and keep train figures apart", (unsigned long long)res.hess_refreshes);
    free(got);
    CHECK(lowp_train_results_write(rp, &res, NULL) == LOWP_OK, "results with refreshes");
    text = slurp(rp);
    CHECK(text && strstr(text, "\"hess_refreshes\": 2,") && strstr(text, "\"win_rate\": 0.375,"), "results.json:\n%s",
          text ? text : "");
    free(text);
    CHECK(lowp_train_log_open(hp, 10, &log) == LOWP_OK && lowp_train_log_close(log) == LOWP_OK, "resume at 10");
    CHECK(lowp_train_log_read(hp, &got, &cnt) == LOWP_OK && cnt == 2 && got[1].kind == LOWP_LOG_HESS,
          "resume keeps the refresh of step 10 (%zu records)", cnt);
    free(got);

    /* Corrupt lines are named; unknown record types are skipped. */
    const char *bad = path_in("bad.jsonl");
    write_text(bad, "{\"type\":\"train\",\"step\":1,\"loss\":2,\"lr\":1,\"tokens_per_s\":1,\"elapsed_s\":1}\n"
                    "{\"type\":\"sample\",\"step\":1,\"text\":\"hi\"}\n"
                    "{\"type\":\"val\",\"step\":x}\n");
    CHECK(lowp_train_log_read(bad, &got, &cnt) == LOWP_ERR_CORRUPT && strstr(lowp_last_error(), "bad.jsonl:3"),
          "corrupt line named: %s", lowp_last_error());
    CHECK(lowp_train_log_open(bad, 5, &log) == LOWP_ERR_CORRUPT, "resume refuses a corrupt log");
    text = slurp(bad);
    CHECK(text && strstr(text, "step\":x"), "corrupt log left as it was");
    free(text);
    CHECK(lowp_train_log_read(path_in("none.jsonl"), &got, &cnt) == LOWP_ERR_IO, "missing log: IO");

    /* Plot: two runs (a folder and a file), checked as text; the SVG is kept
     * where argv[1] says, for a look. */
    char rundir[256];
    snprintf(rundir, sizeof rundir, "%s/baseline", dir);
    CHECK(mkdir_p_ok(rundir), "mkdir");
    char runlog[300];
    snprintf(runlog, sizeof runlog, "%s/log.jsonl", rundir);
    write_run(runlog, 1.0, 1000);
    const char *other = path_in("fp4 <nvfp4>.jsonl");
    write_run(other, 1.3, 800);
    const char *svg = argc > 1 ? argv[1] : path_in("loss.svg");
    const char *runs[] = {rundir, other};
    CHECK(lowp_plot_runs(runs, 2, "tinyshakespeare & friends", svg) == LOWP_OK, "plot: %s", lowp_last_error());
    text = slurp(svg);
    CHECK(text && strncmp(text, "<?xml", 5) == 0 && strstr(text, ">baseline (best val ") &&
              strstr(text, "fp4 &lt;nvfp4&gt;") && strstr(text, "tinyshakespeare &amp; friends") &&
              strstr(text, "<polyline") && strstr(text, "<circle") && strstr(text, "</svg>\n"),
          "SVG content");
    free(text);
    const char *nowhere = path_in("nowhere.svg");
    const char *runs2[] = {rundir, path_in("missing-run")};
    CHECK(lowp_plot_runs(runs2, 2, NULL, nowhere) == LOWP_ERR_IO && strstr(lowp_last_error(), "missing-run") &&
              access(nowhere, F_OK) != 0,
          "missing run: IO, nothing written (%s)", lowp_last_error());
    CHECK(lowp_plot_runs(runs, 0, NULL, nowhere) == LOWP_ERR_INVALID_ARG, "no runs");

    unlink(runlog);
    rmdir(rundir);
    const char *names[] = {"log.jsonl", "results.json", "fresh.jsonl", "bad.jsonl", "fp4 <nvfp4>.jsonl", "loss.svg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        unlink(path_in(names[i]));
    rmdir(dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
