/* cli.h — the `lowp` command: one file per subcommand. */
#ifndef LOWP_CLI_H
#define LOWP_CLI_H

#include <stdio.h>

#include "lowp/lowp.h"

int lowp_cli_devices(int argc, char **argv);
int lowp_cli_bench(int argc, char **argv);
int lowp_cli_plot(int argc, char **argv);
int lowp_cli_tune(int argc, char **argv);
int lowp_cli_train(int argc, char **argv);
int lowp_cli_sample(int argc, char **argv);

/* Print a JSON string literal (quotes and escapes included). */
void lowp_cli_json_string(FILE *f, const char *s);

/* Print the failing status and message; returns the process exit code 1. */
int lowp_cli_fail(const char *what, lowp_status s);

#endif
