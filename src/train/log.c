/* log.c — progress lines, the JSON-lines training log and the results
 * summary. Nothing here prints: the CLI writes the returned text. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "fileio.h"
#include "lowp/train.h"

double lowp_train_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int lowp_train_is_tty(FILE *f)
{
    return f != NULL && isatty(fileno(f)) ? 1 : 0;
}

/* ------------------------------------------------------------ progress */

static void fmt_duration(char *out, size_t len, double s)
{
    if (!isfinite(s) || s < 0) {
        snprintf(out, len, "--");
        return;
    }
    unsigned long long t = (unsigned long long)(s + 0.5);
    if (t < 60)
        snprintf(out, len, "%llus", t);
    else if (t < 3600)
        snprintf(out, len, "%llum%02llus", t / 60, t % 60);
    else
        snprintf(out, len, "%lluh%02llum", t / 3600, (t / 60) % 60);
}

static void fmt_rate(char *out, size_t len, double r)
{
    if (!isfinite(r) || r < 0)
        snprintf(out, len, "--");
    else if (r < 1e3)
        snprintf(out, len, "%.0f", r);
    else if (r < 1e6)
        snprintf(out, len, "%.1fk", r / 1e3);
    else
        snprintf(out, len, "%.2fM", r / 1e6);
}

size_t lowp_progress_format(const struct lowp_progress *p, int tty, char *buf, size_t len)
{
    if (buf && len)
        buf[0] = 0;
    if (!p)
        return 0;
    char rate[32], eta[32], el[32], val[48] = "";
    fmt_rate(rate, sizeof rate, p->tokens_per_s);
    double eta_s = NAN;
    if (p->step > p->start_step && p->step <= p->total_steps)
        eta_s = (double)(p->total_steps - p->step) * p->elapsed_s / (double)(p->step - p->start_step);
    fmt_duration(eta, sizeof eta, eta_s);
    fmt_duration(el, sizeof el, p->elapsed_s);
    if (isfinite(p->val_loss))
        snprintf(val, sizeof val, " | val %.4f", p->val_loss);
    double pct = p->total_steps ? 100.0 * (double)p->step / (double)p->total_steps : 0.0;
    int k = snprintf(buf, buf ? len : 0, "%sstep %llu/%llu (%.1f%%) | loss %.4f | lr %.2e%s | %s tok/s | %s | ETA %s%s",
                     tty ? "\r\033[K" : "", (unsigned long long)p->step, (unsigned long long)p->total_steps, pct,
                     p->loss, p->lr, val, rate, el, eta, tty ? "" : "\n");
    return k > 0 ? (size_t)k : 0;
}

/* ----------------------------------------------------------------- log */

struct lowp_train_log {
    FILE *f;
    char *path;
};

static void put_num(FILE *f, const char *key, double v, const char *fmt)
{
    fprintf(f, ",\"%s\":", key);
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fputs("null", f);
}

/* Find `"key":` in a one-line object and parse the number (or null) after
 * it. Returns 1 found, 0 absent, -1 malformed. Reads lowp's own logs: flat
 * objects, no nested key of the same name. */
static int json_number(const char *line, const char *key, double *out)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    while (*p == ' ')
        ++p;
    if (strncmp(p, "null", 4) == 0) {
        *out = NAN;
        return 1;
    }
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno == ERANGE || (*end != ',' && *end != '}' && *end != ' '))
        return -1;
    *out = v;
    return 1;
}

/* 1 record, 0 line to skip (another record type), -1 malformed. */
static int parse_record(const char *line, struct lowp_log_record *r)
{
    size_t n = strlen(line);
    if (n < 2 || line[0] != '{' || line[n - 1] != '}')
        return -1;
    if (strstr(line, "\"type\":\"train\""))
        r->kind = LOWP_LOG_TRAIN;
    else if (strstr(line, "\"type\":\"val\""))
        r->kind = LOWP_LOG_VAL;
    else if (strstr(line, "\"type\":\"hess\""))
        r->kind = LOWP_LOG_HESS;
    else
        return strstr(line, "\"type\":\"") ? 0 : -1;
    double step;
    if (json_number(line, "step", &step) != 1 || !(step >= 0) || step != floor(step))
        return -1;
    r->step = (uint64_t)step;
    r->lr = r->tokens_per_s = r->elapsed_s = NAN;
    r->loss = r->gnb_norm = r->win_rate = NAN;
    int ok;
    if (r->kind == LOWP_LOG_TRAIN) {
        ok = json_number(line, "loss", &r->loss) == 1 && json_number(line, "lr", &r->lr) >= 0 &&
             json_number(line, "tokens_per_s", &r->tokens_per_s) >= 0;
    } else if (r->kind == LOWP_LOG_HESS) {
        ok = json_number(line, "gnb_loss", &r->loss) == 1 && json_number(line, "gnb_norm", &r->gnb_norm) >= 0 &&
             json_number(line, "win_rate", &r->win_rate) >= 0;
    } else {
        ok = json_number(line, "val_loss", &r->loss) == 1;
    }
    if (!ok || json_number(line, "elapsed_s", &r->elapsed_s) < 0)
        return -1;
    return 1;
}

/* Walk the complete lines of a log text; calls fn(line, lineno, ctx) for
 * each. A last line without '\n' (torn by a kill) is not visited. */
typedef int (*line_fn)(char *line, int lineno, void *ctx);
static int each_line(char *text, size_t size, line_fn fn, void *ctx)
{
    int lineno = 0;
    char *p = text, *end = text + size;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        *nl = 0;
        ++lineno;
        if (*p != 0) {
            int rc = fn(p, lineno, ctx);
            if (rc != 0)
                return rc;
        }
        p = nl + 1;
    }
    return 0;
}

struct read_ctx {
    struct lowp_log_record *rec;
    size_t n, cap;
    const char *path;
    uint64_t keep_through; /* for the rewrite on resume */
    char *out;             /* kept lines, for the rewrite */
    size_t out_len;
};

static int collect(char *line, int lineno, void *vctx)
{
    struct read_ctx *c = vctx;
    struct lowp_log_record r;
    int rc = parse_record(line, &r);
    if (rc < 0) {
        lowp_error(LOWP_ERR_CORRUPT, "%s:%d: not a lowp log record", c->path, lineno);
        return -1;
    }
    if (rc == 0)
        return 0;
    if (c->out) {
        if (r.step <= c->keep_through) {
            size_t n = strlen(line);
            memcpy(c->out + c->out_len, line, n);
            c->out[c->out_len + n] = '\n';
            c->out_len += n + 1;
        }
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        struct lowp_log_record *nr = realloc(c->rec, cap * sizeof *nr);
        if (!nr) {
            lowp_error(LOWP_ERR_OUT_OF_MEMORY, "out of memory reading '%s'", c->path);
            return -2;
        }
        c->rec = nr;
        c->cap = cap;
    }
    c->rec[c->n++] = r;
    return 0;
}

lowp_status lowp_train_log_read(const char *path, struct lowp_log_record **records, size_t *count)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(records);
    LOWP_CHECK_NOT_NULL(count);
    *records = NULL;
    *count = 0;
    uint8_t *text;
    size_t size;
    LOWP_TRY(lowp_file_read_all(path, &text, &size));
    struct read_ctx c = {0};
    c.path = path;
    int rc = each_line((char *)text, size, collect, &c);
    free(text);
    if (rc != 0) {
        free(c.rec);
        return rc == -2 ? LOWP_ERR_OUT_OF_MEMORY : LOWP_ERR_CORRUPT;
    }
    *records = c.rec;
    *count = c.n;
    return LOWP_OK;
}

lowp_status lowp_train_log_open(const char *path, uint64_t keep_through_step, lowp_train_log **out)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    if (keep_through_step != UINT64_MAX) {
        /* Resume: keep what the checkpoint covers, drop the rest atomically. */
        uint8_t *text;
        size_t size;
        FILE *probe = fopen(path, "rb");
        if (probe) {
            fclose(probe);
            LOWP_TRY(lowp_file_read_all(path, &text, &size));
            struct read_ctx c = {0};
            c.path = path;
            c.keep_through = keep_through_step;
            c.out = malloc(size + 1);
            if (!c.out) {
                free(text);
                return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "out of memory reading '%s'", path);
            }
            int rc = each_line((char *)text, size, collect, &c);
            free(text);
            lowp_status s = rc == 0 ? lowp_file_write_atomic(path, c.out, c.out_len) : LOWP_ERR_CORRUPT;
            free(c.out);
            if (s != LOWP_OK)
                return s;
        }
    }
    lowp_train_log *log = calloc(1, sizeof *log);
    if (!log)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    log->path = malloc(strlen(path) + 1);
    if (!log->path) {
        free(log);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    }
    strcpy(log->path, path);
    log->f = fopen(path, keep_through_step == UINT64_MAX ? "w" : "a");
    if (!log->f) {
        lowp_status s = lowp_error(LOWP_ERR_IO, "cannot open log '%s': %s", path, strerror(errno));
        free(log->path);
        free(log);
        return s;
    }
    *out = log;
    return LOWP_OK;
}

lowp_status lowp_train_log_write(lowp_train_log *log, const struct lowp_log_record *r)
{
    LOWP_CHECK_NOT_NULL(log);
    LOWP_CHECK_NOT_NULL(r);
    LOWP_CHECK_ARG(r->kind == LOWP_LOG_TRAIN || r->kind == LOWP_LOG_VAL || r->kind == LOWP_LOG_HESS,
                   "%s: unknown record kind %d", __func__, (int)r->kind);
    FILE *f = log->f;
    if (r->kind == LOWP_LOG_TRAIN) {
        fprintf(f, "{\"type\":\"train\",\"step\":%llu", (unsigned long long)r->step);
        put_num(f, "loss", r->loss, "%.9g");
        put_num(f, "lr", r->lr, "%.9g");
        put_num(f, "tokens_per_s", r->tokens_per_s, "%.1f");
    } else if (r->kind == LOWP_LOG_HESS) {
        fprintf(f, "{\"type\":\"hess\",\"step\":%llu", (unsigned long long)r->step);
        put_num(f, "gnb_loss", r->loss, "%.9g");
        put_num(f, "gnb_norm", r->gnb_norm, "%.9g");
        put_num(f, "win_rate", r->win_rate, "%.6f");
    } else {
        fprintf(f, "{\"type\":\"val\",\"step\":%llu", (unsigned long long)r->step);
        put_num(f, "val_loss", r->loss, "%.9g");
    }
    put_num(f, "elapsed_s", r->elapsed_s, "%.3f");
    fputs("}\n", f);
    if (fflush(f) != 0 || ferror(f))
        return lowp_error(LOWP_ERR_IO, "cannot write log '%s': %s", log->path, strerror(errno));
    return LOWP_OK;
}

lowp_status lowp_train_log_close(lowp_train_log *log)
{
    if (!log)
        return LOWP_OK;
    lowp_status s = LOWP_OK;
    if (fclose(log->f) != 0)
        s = lowp_error(LOWP_ERR_IO, "cannot close log '%s': %s", log->path, strerror(errno));
    free(log->path);
    free(log);
    return s;
}

/* ------------------------------------------------------------- results */

void lowp_train_results_from_log(const struct lowp_log_record *rec, size_t n, struct lowp_train_results *out)
{
    if (!out)
        return;
    struct lowp_train_results r = {0, NAN, 0, NAN, NAN, NAN, NAN, 0, NAN};
    double rate_sum = 0;
    size_t rate_n = 0;
    for (size_t i = 0; rec && i < n; ++i) {
        const struct lowp_log_record *x = &rec[i];
        if (x->step > r.steps)
            r.steps = x->step;
        if (isfinite(x->elapsed_s))
            r.elapsed_s = x->elapsed_s;
        if (x->kind == LOWP_LOG_VAL) {
            r.final_val_loss = x->loss;
            if (isfinite(x->loss) && (!isfinite(r.best_val_loss) || x->loss < r.best_val_loss)) {
                r.best_val_loss = x->loss;
                r.best_val_step = x->step;
            }
        } else if (x->kind == LOWP_LOG_HESS) {
            r.hess_refreshes++;
            r.win_rate = x->win_rate;
        } else {
            r.final_train_loss = x->loss;
            if (isfinite(x->tokens_per_s) && x->tokens_per_s > 0) {
                rate_sum += x->tokens_per_s;
                ++rate_n;
            }
        }
    }
    if (rate_n)
        r.tokens_per_s = rate_sum / (double)rate_n;
    *out = r;
}

static void jb_num(struct lowp_strbuf *b, const char *key, double v)
{
    if (isfinite(v))
        lowp_strbuf_printf(b, "  \"%s\": %.9g,\n", key, v);
    else
        lowp_strbuf_printf(b, "  \"%s\": null,\n", key);
}

/* The config text is `key = value` lines; re-emit it as a JSON object. */
static void jb_config(struct lowp_strbuf *b, const struct lowp_train_config *cfg)
{
    size_t n = lowp_train_config_format(cfg, NULL, 0);
    char *text = malloc(n + 1);
    if (!text) {
        b->oom = 1;
        return;
    }
    lowp_train_config_format(cfg, text, n + 1);
    lowp_strbuf_printf(b, "  \"config\": {");
    int first = 1;
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = 0;
        char *eq = strstr(line, " = ");
        if (!eq)
            continue;
        *eq = 0;
        const char *v = eq + 3;
        lowp_strbuf_printf(b, "%s\n    \"%s\": ", first ? "" : ",", line);
        first = 0;
        if (v[0] == '"') /* strings are free of quotes and control bytes */
            lowp_strbuf_printf(b, "%s", v);
        else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strspn(v, "0123456789.eE+-") == strlen(v))
            lowp_strbuf_printf(b, "%s", v);
        else
            lowp_strbuf_printf(b, "\"%s\"", v);
    }
    lowp_strbuf_printf(b, "\n  }\n");
    free(text);
}

lowp_status lowp_train_results_write(const char *path, const struct lowp_train_results *r,
                                     const struct lowp_train_config *cfg)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(r);
    struct lowp_strbuf b = {0};
    lowp_strbuf_printf(&b, "{\n  \"steps\": %llu,\n", (unsigned long long)r->steps);
    jb_num(&b, "best_val_loss", r->best_val_loss);
    lowp_strbuf_printf(&b, "  \"best_val_step\": %llu,\n", (unsigned long long)r->best_val_step);
    jb_num(&b, "final_val_loss", r->final_val_loss);
    jb_num(&b, "final_train_loss", r->final_train_loss);
    jb_num(&b, "tokens_per_s", r->tokens_per_s);
    lowp_strbuf_printf(&b, "  \"hess_refreshes\": %llu,\n", (unsigned long long)r->hess_refreshes);
    jb_num(&b, "win_rate", r->win_rate);
    if (cfg) {
        jb_num(&b, "elapsed_s", r->elapsed_s);
        jb_config(&b, cfg);
    } else {
        lowp_strbuf_printf(&b, "  \"elapsed_s\": ");
        if (isfinite(r->elapsed_s))
            lowp_strbuf_printf(&b, "%.9g\n", r->elapsed_s);
        else
            lowp_strbuf_printf(&b, "null\n");
    }
    lowp_strbuf_printf(&b, "}\n");
    lowp_status s = b.oom ? lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__)
                          : lowp_file_write_atomic(path, b.p, b.used);
    free(b.p);
    return s;
}
