/* plot.c — loss curves of several runs as one SVG: linear axes with "nice"
 * ticks (1, 2, 5 x 10^k), a grid, thin train curves, thick validation
 * curves with markers, and a legend. Plain text output, no dependencies. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "fileio.h"
#include "lowp/train.h"

#define W 960.0
#define H 560.0
#define ML 80.0  /* margins: left, right (legend), top, bottom */
#define MR 230.0
#define MT 50.0
#define MB 60.0

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
#define NPAL (sizeof palette / sizeof palette[0])

/* Text with &, <, >, " escaped for XML. */
static void emit_text(struct lowp_strbuf *o, const char *s)
{
    for (; *s; ++s) {
        switch (*s) {
        case '&': lowp_strbuf_printf(o, "&amp;"); break;
        case '<': lowp_strbuf_printf(o, "&lt;"); break;
        case '>': lowp_strbuf_printf(o, "&gt;"); break;
        case '"': lowp_strbuf_printf(o, "&quot;"); break;
        default: lowp_strbuf_printf(o, "%c", *s);
        }
    }
}

/* The tick spacing nearest range/target among 1, 2, 5 x 10^k. */
static double nice_step(double range, int target)
{
    if (!(range > 0))
        return 1.0;
    double raw = range / target;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double nf = f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0;
    return nf * mag;
}

static int decimals_for(double step)
{
    int d = (int)ceil(-log10(step) - 1e-9);
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

struct run {
    char label[256];
    struct lowp_log_record *rec;
    size_t n;
};

static lowp_status load_run(const char *arg, struct run *r)
{
    struct stat st;
    char path[LOWP_TRAIN_PATH_MAX + 16];
    int is_dir = stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir)
        snprintf(path, sizeof path, "%s/log.jsonl", arg);
    else
        snprintf(path, sizeof path, "%s", arg);
    /* The label: the folder name, or the file name without ".jsonl" (or the
     * folder holding a log.jsonl given directly). */
    char tmp[LOWP_TRAIN_PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s", arg);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/')
        tmp[--n] = 0;
    if (!is_dir && n > 10 && strcmp(tmp + n - 10, "/log.jsonl") == 0)
        tmp[n -= 10] = 0;
    else if (!is_dir && n > 6 && strcmp(tmp + n - 6, ".jsonl") == 0)
        tmp[n -= 6] = 0;
    const char *base = strrchr(tmp, '/');
    snprintf(r->label, sizeof r->label, "%s", base && base[1] ? base + 1 : tmp);
    lowp_status s = lowp_train_log_read(path, &r->rec, &r->n);
    if (s != LOWP_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", lowp_last_error());
        return lowp_error(s, "run '%s': %s", arg, msg);
    }
    return LOWP_OK;
}

lowp_status lowp_plot_runs(const char *const *runs, size_t nruns, const char *title, const char *out_path)
{
    LOWP_CHECK_NOT_NULL(runs);
    LOWP_CHECK_NOT_NULL(out_path);
    LOWP_CHECK_ARG(nruns > 0, "%s: no runs to plot", __func__);
    struct run *rs = calloc(nruns, sizeof *rs);
    if (!rs)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    lowp_status s = LOWP_OK;
    for (size_t i = 0; i < nruns && s == LOWP_OK; ++i) {
        if (!runs[i])
            s = lowp_error(LOWP_ERR_INVALID_ARG, "%s: run %zu is NULL", __func__, i);
        else
            s = load_run(runs[i], &rs[i]);
    }
    /* Data ranges over every finite point of the curves drawn (Sophia's
     * "hess" records are not drawn). */
    double xmax = 0, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; s == LOWP_OK && i < nruns; ++i)
        for (size_t j = 0; j < rs[i].n; ++j) {
            const struct lowp_log_record *x = &rs[i].rec[j];
            if (!isfinite(x->loss) || (x->kind != LOWP_LOG_TRAIN && x->kind != LOWP_LOG_VAL))
                continue;
            if ((double)x->step > xmax)
                xmax = (double)x->step;
            if (x->loss < ymin)
                ymin = x->loss;
            if (x->loss > ymax)
                ymax = x->loss;
        }
    if (s == LOWP_OK && !(ymin <= ymax))
        s = lowp_error(LOWP_ERR_INVALID_ARG, "%s: the runs hold no finite loss to plot", __func__);
    if (s != LOWP_OK)
        goto done;
    if (xmax <= 0)
        xmax = 1;
    if (ymax - ymin < 1e-6) {
        ymin -= 0.5;
        ymax += 0.5;
    }
    double xstep = nice_step(xmax, 8), ystep = nice_step(ymax - ymin, 6);
    double x1 = ceil(xmax / xstep) * xstep;
    double y0 = floor(ymin / ystep) * ystep, y1 = ceil(ymax / ystep) * ystep;
    const double pw = W - ML - MR, ph = H - MT - MB;
#define PX(v) (ML + (v) / x1 * pw)
#define PY(v) (MT + (1.0 - ((v) - y0) / (y1 - y0)) * ph)

    struct lowp_strbuf o = {0};
    lowp_strbuf_printf(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
             "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
             "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
         W, H, W, H);
    lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">", ML + pw / 2);
    emit_text(&o, title ? title : "loss");
    lowp_strbuf_printf(&o, "</text>\n");
    /* Grid and ticks. */
    int xd = decimals_for(xstep), yd = decimals_for(ystep);
    lowp_strbuf_printf(&o, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
    for (double v = 0; v <= x1 + xstep * 1e-6; v += xstep)
        lowp_strbuf_printf(&o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", PX(v), MT, PX(v), MT + ph);
    for (double v = y0; v <= y1 + ystep * 1e-6; v += ystep)
        lowp_strbuf_printf(&o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", ML, PY(v), ML + pw, PY(v));
    lowp_strbuf_printf(&o, "</g>\n<g fill=\"#333\">\n");
    for (double v = 0; v <= x1 + xstep * 1e-6; v += xstep)
        lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.*f</text>\n", PX(v), MT + ph + 20, xd, v);
    for (double v = y0; v <= y1 + ystep * 1e-6; v += ystep)
        lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>\n", ML - 8, PY(v) + 4, yd, v);
    lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">step</text>\n", ML + pw / 2, H - 15);
    lowp_strbuf_printf(&o, "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 20 %.1f)\">loss</text>\n",
         MT + ph / 2, MT + ph / 2);
    lowp_strbuf_printf(&o, "</g>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n", ML,
         MT, pw, ph);
    /* Curves: train first (underneath), then validation on top. */
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < nruns; ++i) {
            const char *col = palette[i % NPAL];
            lowp_log_kind kind = pass == 0 ? LOWP_LOG_TRAIN : LOWP_LOG_VAL;
            int open = 0;
            for (size_t j = 0; j < rs[i].n; ++j) {
                const struct lowp_log_record *x = &rs[i].rec[j];
                if (x->kind != kind || !isfinite(x->loss)) {
                    continue;
                }
                if (!open) {
                    lowp_strbuf_printf(&o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" %s points=\"", col,
                         pass ? "2.2" : "1", pass ? "" : "stroke-opacity=\"0.5\"");
                    open = 1;
                }
                lowp_strbuf_printf(&o, "%.1f,%.1f ", PX((double)x->step), PY(x->loss));
            }
            if (open)
                lowp_strbuf_printf(&o, "\"/>\n");
            if (pass == 1)
                for (size_t j = 0; j < rs[i].n; ++j) {
                    const struct lowp_log_record *x = &rs[i].rec[j];
                    if (x->kind == LOWP_LOG_VAL && isfinite(x->loss))
                        lowp_strbuf_printf(&o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", PX((double)x->step),
                             PY(x->loss), col);
                }
        }
    /* Legend: one row per run with its best validation loss, then the key. */
    double lx = W - MR + 20, ly = MT + 10;
    for (size_t i = 0; i < nruns; ++i, ly += 22) {
        struct lowp_train_results res;
        lowp_train_results_from_log(rs[i].rec, rs[i].n, &res);
        lowp_strbuf_printf(&o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n", lx,
             ly, lx + 24, ly, palette[i % NPAL]);
        lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"%.1f\">", lx + 32, ly + 4);
        emit_text(&o, rs[i].label);
        if (isfinite(res.best_val_loss))
            lowp_strbuf_printf(&o, " (best val %.4f)", res.best_val_loss);
        lowp_strbuf_printf(&o, "</text>\n");
    }
    ly += 10;
    lowp_strbuf_printf(&o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-opacity=\"0.5\"/>\n", lx,
         ly, lx + 24, ly);
    lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">train</text>\n", lx + 32, ly + 4);
    ly += 20;
    lowp_strbuf_printf(&o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"2.2\"/>\n", lx, ly,
         lx + 24, ly);
    lowp_strbuf_printf(&o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#555\"/>\n", lx + 12, ly);
    lowp_strbuf_printf(&o, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">validation</text>\n", lx + 32, ly + 4);
    lowp_strbuf_printf(&o, "</svg>\n");
#undef PX
#undef PY
    if (o.oom)
        s = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    else
        s = lowp_file_write_atomic(out_path, o.p, o.used);
    free(o.p);
done:
    for (size_t i = 0; i < nruns; ++i)
        free(rs[i].rec);
    free(rs);
    return s;
}
