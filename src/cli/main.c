/* main.c — `lowp <command>`: dispatch to the subcommands. */
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lowp <command> [options]\n"
            "\n"
            "commands:\n"
            "  devices [--json]                      list every usable device\n"
            "  bench [--device ID|--all] [--op NAME] [--size-mb N] [--min-time S] [--json FILE]\n"
            "                                        measure every op (GB/s, share of copy bandwidth)\n"
            "  plot [--out FILE.svg] RUN...          train/validation loss curves of runs as one SVG\n"
            "  train [--preset P] [--config FILE] [--KEY VALUE ...] [--resume]\n"
            "                                        train a GPT on a text file (docs/trainer.md)\n"
            "  sample --out DIR [--tokens N] [--temperature T] [--seed S]\n"
            "                                        generate text from a run's checkpoint\n"
            "  tune matmul [--device ID] [--size M,N,K] [--max-candidates N] [--out FILE.json]\n"
            "                                        tune kernels/matmul.cl for an OpenCL device\n"
            "  version                               print the library version and commit\n"
            "\n"
            "Devices are chosen by id (cpu, opencl:0), by a name fragment (pocl, rusticl, nvidia),\n"
            "or by $LOWP_DEVICE. Mesa's rusticl needs RUSTICL_ENABLE=llvmpipe (or a GPU driver name).\n");
}

void lowp_cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

int lowp_cli_fail(const char *what, lowp_status s)
{
    fprintf(stderr, "lowp: %s: %s: %s\n", what, lowp_status_name(s), lowp_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "devices") == 0)
        return lowp_cli_devices(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench") == 0)
        return lowp_cli_bench(argc - 1, argv + 1);
    if (strcmp(argv[1], "plot") == 0)
        return lowp_cli_plot(argc - 1, argv + 1);
    if (strcmp(argv[1], "train") == 0)
        return lowp_cli_train(argc - 1, argv + 1);
    if (strcmp(argv[1], "sample") == 0)
        return lowp_cli_sample(argc - 1, argv + 1);
    if (strcmp(argv[1], "tune") == 0)
        return lowp_cli_tune(argc - 1, argv + 1);
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("lowp %s (%s)\n", lowp_version(), lowp_build_commit());
        return 0;
    }
    fprintf(stderr, "lowp: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
