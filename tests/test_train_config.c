/* test_train_config.c — presets, strict values, config files (comments,
 * quotes, file:line errors, unchanged on failure), command-line precedence,
 * validation, the canonical text round trip and resume compatibility. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lowp/train.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) ++passed; else { ++failed; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                              printf(__VA_ARGS__); printf("\n"); } } while (0)

static char dir[] = "/tmp/lowp_test_config_XXXXXX";

static const char *write_cfg(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static int has(const char *needle) { return strstr(lowp_last_error(), needle) != NULL; }

int main(void)
{
    if (!mkdtemp(dir)) {
        printf("FAIL mkdtemp\n0 passed, 1 failed\n");
        return 1;
    }
    struct lowp_train_config c, d;
    CHECK(lowp_train_config_preset("small", &c) == LOWP_OK, "small");
    CHECK(c.n_layer == 4 && c.n_head == 4 && c.n_embd == 128 && c.context == 64 && c.batch == 12 &&
              c.steps == 2000 && c.dropout == 0.0,
          "small shape");
    CHECK(lowp_train_config_validate(&c) == LOWP_OK, "small validates: %s", lowp_last_error());
    CHECK(lowp_train_config_preset("gpt10m", &c) == LOWP_OK, "gpt10m");
    CHECK(c.n_layer == 6 && c.n_head == 6 && c.n_embd == 384 && c.context == 256 && c.batch == 64 &&
              c.steps == 5000 && c.dropout == 0.2 && c.lr == 1e-3 && c.min_lr == 1e-4 && c.beta2 == 0.99 &&
              c.warmup_steps == 100 && c.schedule == LOWP_LR_COSINE && c.grad_clip == 1.0 && c.eval_every == 250 &&
              strcmp(c.optim, "adamw") == 0,
          "gpt10m settings");
    CHECK(lowp_train_config_validate(&c) == LOWP_OK, "gpt10m validates: %s", lowp_last_error());
    CHECK(lowp_train_config_preset("huge", &c) == LOWP_ERR_INVALID_ARG && has("huge"), "unknown preset");

    /* Values: whole text parsed, ranges enforced. */
    lowp_train_config_preset("small", &c);
    CHECK(lowp_train_config_set(&c, "steps", "123") == LOWP_OK && c.steps == 123, "steps 123");
    CHECK(lowp_train_config_set(&c, "lr", "3e-4") == LOWP_OK && c.lr == 3e-4, "lr 3e-4");
    CHECK(lowp_train_config_set(&c, "schedule", "constant") == LOWP_OK && c.schedule == LOWP_LR_CONSTANT, "constant");
    CHECK(lowp_train_config_set(&c, "resume", "true") == LOWP_OK && c.resume == 1, "resume true");
    CHECK(lowp_train_config_set(&c, "out", "runs/a") == LOWP_OK && strcmp(c.out_dir, "runs/a") == 0, "out");
    static const char *const bad[][2] = {
        {"steps", "12x"}, {"steps", "-1"}, {"steps", ""}, {"steps", " 5"}, {"batch", "4294967296"},
        {"lr", "1e999"}, {"lr", "nan"}, {"lr", "inf"}, {"lr", "0.1x"}, {"schedule", "linear"},
        {"resume", "yes"}, {"nonsense", "1"}, {"recipe", "a\"b"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        struct lowp_train_config before = c;
        lowp_status s = lowp_train_config_set(&c, bad[i][0], bad[i][1]);
        CHECK(s == LOWP_ERR_INVALID_ARG && has(bad[i][0]), "%s = '%s' rejected (%s)", bad[i][0], bad[i][1],
              lowp_last_error());
        CHECK(memcmp(&before, &c, sizeof c) == 0, "%s = '%s' left cfg unchanged", bad[i][0], bad[i][1]);
    }

    /* Files. */
    const char *good = write_cfg("good.cfg",
                                 "# a run\n"
                                 "preset = gpt10m\n"
                                 "\n"
                                 "steps = 300   # short\n"
                                 "  batch=8\n"
                                 "out = \"my runs/#1\"   # quoted: '#' and spaces kept\n"
                                 "schedule = constant\n");
    lowp_train_config_preset("small", &c);
    CHECK(lowp_train_config_load(&c, good) == LOWP_OK, "good file: %s", lowp_last_error());
    CHECK(c.n_layer == 6 && c.steps == 300 && c.batch == 8 && strcmp(c.out_dir, "my runs/#1") == 0 &&
              c.schedule == LOWP_LR_CONSTANT && strcmp(c.preset, "gpt10m") == 0,
          "good file applied");
    static const char *const bad_files[][2] = {
        {"steps = 10\nbogus = 1\n", "bad.cfg:2"},
        {"steps = 10\nsteps = 20\n", "bad.cfg:2"},
        {"# c\nsteps = ten\n", "bad.cfg:2"},
        {"steps = 10\npreset = small\n", "bad.cfg:2"},
        {"steps 10\n", "bad.cfg:1"},
        {"\n\nout = \"abc\n", "bad.cfg:3"},
        {"= 5\n", "bad.cfg:1"},
        {"out = \"a\" b\n", "bad.cfg:1"},
    };
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; ++i) {
        const char *p = write_cfg("bad.cfg", bad_files[i][0]);
        lowp_train_config_preset("small", &c);
        d = c;
        lowp_status s = lowp_train_config_load(&c, p);
        CHECK(s == LOWP_ERR_INVALID_ARG && has(bad_files[i][1]), "bad file %zu: %s (%s)", i, lowp_last_error(),
              bad_files[i][1]);
        CHECK(memcmp(&c, &d, sizeof c) == 0, "bad file %zu left cfg unchanged", i);
    }
    char missing[256];
    snprintf(missing, sizeof missing, "%s/none.cfg", dir);
    CHECK(lowp_train_config_load(&c, missing) == LOWP_ERR_IO && has("none.cfg"), "missing config file: IO");

    /* Command line: preset < file < flags. */
    {
        const char *f = write_cfg("run.cfg", "batch = 32\nsteps = 10\nlr = 0.002\n");
        char *argv[] = {"train", "--config", (char *)f, "--steps", "20", "--eval-every=5", "--resume",
                        "--out", "x", NULL};
        CHECK(lowp_train_config_from_args(9, argv, &c) == LOWP_OK, "args: %s", lowp_last_error());
        CHECK(c.batch == 32 && c.steps == 20 && c.lr == 0.002 && c.eval_every == 5 && c.resume == 1 &&
                  c.n_layer == 4 && strcmp(c.out_dir, "x") == 0,
              "precedence preset < file < flags");
        const char *g = write_cfg("g.cfg", "preset = gpt10m\nbatch = 2\n");
        char *argv2[] = {"train", "--config", (char *)g, NULL};
        CHECK(lowp_train_config_from_args(3, argv2, &c) == LOWP_OK && c.n_layer == 6 && c.batch == 2,
              "the file's preset applies: %s", lowp_last_error());
        char *argv3[] = {"train", "--preset", "small", "--config", (char *)g, NULL};
        CHECK(lowp_train_config_from_args(5, argv3, &c) == LOWP_OK && c.n_layer == 4 && c.batch == 2,
              "--preset beats the file's preset");
        char *argv4[] = {"train", "--stepz", "5", NULL};
        CHECK(lowp_train_config_from_args(3, argv4, &c) == LOWP_ERR_INVALID_ARG && has("--stepz"), "unknown flag");
        char *argv5[] = {"train", "--steps", NULL};
        CHECK(lowp_train_config_from_args(2, argv5, &c) == LOWP_ERR_INVALID_ARG && has("--steps"), "missing value");
        char *argv6[] = {"train", "--n-head", "5", NULL};
        CHECK(lowp_train_config_from_args(3, argv6, &c) == LOWP_ERR_INVALID_ARG && has("n_head"),
              "128 not a multiple of 5: %s", lowp_last_error());
        char *argv7[] = {"train", "stray", NULL};
        CHECK(lowp_train_config_from_args(2, argv7, &c) == LOWP_ERR_INVALID_ARG && has("stray"), "stray argument");
    }

    /* Validation. */
    lowp_train_config_preset("small", &c);
    d = c; d.min_lr = 2e-3;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("min_lr"), "min_lr > lr");
    d = c; d.beta2 = 1.0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("beta2"), "beta2 = 1");
    d = c; d.warmup_steps = 3000;
    CHECK(lowp_train_config_validate(&d) == LOWP_OK, "warmup past the horizon is allowed");
    d = c; d.eps = 0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("eps"), "eps 0");
    d = c; d.data[0] = 0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("data"), "no data");
    d = c; d.batch = 0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG, "batch 0");
    d = c; d.dropout = 1.0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("dropout"), "dropout 1");
    CHECK(c.sophia_rho == 0.05 && c.hess_interval == 10 && c.hess_clip == 0.0, "Sophia defaults");
    d = c; d.hess_interval = 0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("hess_interval"), "hess_interval 0");
    d = c; d.sophia_rho = -0.5;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("sophia_rho"), "sophia_rho < 0");
    d = c; d.hess_clip = -1.0;
    CHECK(lowp_train_config_validate(&d) == LOWP_ERR_INVALID_ARG && has("hess_clip"), "hess_clip < 0");
    d = c;
    CHECK(lowp_train_config_set(&d, "hess_interval", "3") == LOWP_OK && d.hess_interval == 3 &&
              lowp_train_config_set(&d, "sophia_rho", "0.02") == LOWP_OK && d.sophia_rho == 0.02 &&
              lowp_train_config_validate(&d) == LOWP_OK,
          "Sophia keys set: %s", lowp_last_error());

    /* Canonical text: load(format(c)) == c. */
    lowp_train_config_preset("gpt10m", &c);
    lowp_train_config_set(&c, "lr", "0.1");            /* not exact in binary: %.17g must round-trip */
    lowp_train_config_set(&c, "out", "a b#c");
    lowp_train_config_set(&c, "schedule", "constant");
    size_t need = lowp_train_config_format(&c, NULL, 0);
    char *text = malloc(need + 1);
    CHECK(text && lowp_train_config_format(&c, text, need + 1) == need && strlen(text) == need, "format length");
    const char *p = write_cfg("round.cfg", text ? text : "");
    lowp_train_config_preset("small", &d);
    CHECK(lowp_train_config_load(&d, p) == LOWP_OK, "reload: %s", lowp_last_error());
    size_t need2 = lowp_train_config_format(&d, NULL, 0);
    char *text2 = malloc(need2 + 1);
    if (text2)
        lowp_train_config_format(&d, text2, need2 + 1);
    CHECK(text && text2 && strcmp(text, text2) == 0 && d.lr == 0.1 && strcmp(d.out_dir, "a b#c") == 0,
          "round trip identical");
    free(text);
    free(text2);
    char small_buf[8];
    CHECK(lowp_train_config_format(&c, small_buf, sizeof small_buf) == need && strlen(small_buf) == 7,
          "truncated format keeps the NUL");

    /* Resume compatibility. */
    lowp_train_config_preset("small", &c);
    d = c; d.steps = 4000; d.lr_decay_steps = 2000; d.eval_every = 100; strcpy(d.device, "pocl");
    CHECK(lowp_train_config_compatible(&c, &d) == LOWP_OK, "longer run with the same horizon: %s", lowp_last_error());
    d = c; d.steps = 4000;
    CHECK(lowp_train_config_compatible(&c, &d) == LOWP_ERR_INVALID_ARG && has("horizon"), "moved horizon");
    d = c; d.n_layer = 5;
    CHECK(lowp_train_config_compatible(&c, &d) == LOWP_ERR_INVALID_ARG && has("n_layer"), "other shape");
    d = c; strcpy(d.optim, "sgd");
    CHECK(lowp_train_config_compatible(&c, &d) == LOWP_ERR_INVALID_ARG && has("optim"), "other optimizer");
    d = c; d.hess_interval = 5;
    CHECK(lowp_train_config_compatible(&c, &d) == LOWP_ERR_INVALID_ARG && has("hess_interval"), "other k");

    const char *names[] = {"good.cfg", "bad.cfg", "run.cfg", "g.cfg", "round.cfg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
