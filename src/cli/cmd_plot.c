/* cmd_plot.c — `lowp plot [--out FILE.svg] [--title T] run1 run2 ...`: the
 * train and validation loss curves of one or more runs on one SVG. A run is
 * a run folder (holding log.jsonl) or a .jsonl log. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lowp/train.h"

int lowp_cli_plot(int argc, char **argv)
{
    const char *out = "loss.svg", *title = NULL;
    const char **runs = calloc((size_t)argc, sizeof *runs);
    size_t n = 0;
    if (!runs) {
        fprintf(stderr, "lowp plot: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; ++i) {
        if ((strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--title") == 0) &&
            i + 1 < argc) {
            if (strcmp(argv[i], "--title") == 0)
                title = argv[++i];
            else
                out = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: lowp plot [--out FILE.svg] [--title TEXT] RUN [RUN ...]\n"
                   "  RUN is a run folder (with log.jsonl) or a .jsonl log; default output loss.svg\n");
            free(runs);
            return 0;
        } else if (strncmp(argv[i], "--", 2) == 0) {
            fprintf(stderr, "lowp plot: unknown option '%s' (or a missing value)\n", argv[i]);
            free(runs);
            return 2;
        } else {
            runs[n++] = argv[i];
        }
    }
    if (n == 0) {
        fprintf(stderr, "usage: lowp plot [--out FILE.svg] [--title TEXT] RUN [RUN ...]\n");
        free(runs);
        return 2;
    }
    lowp_status s = lowp_plot_runs(runs, n, title, out);
    free(runs);
    if (s != LOWP_OK)
        return lowp_cli_fail("plot", s);
    printf("wrote %s (%zu run%s)\n", out, n, n == 1 ? "" : "s");
    return 0;
}
