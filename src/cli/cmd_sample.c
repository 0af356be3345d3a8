/* cmd_sample.c — `lowp sample --out DIR`: text from a run's checkpoint,
 * greedy (temperature 0) or temperature sampling with Philox. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/philox.h"
#include "train_run.h"

/* Sampling draws its uniforms from Philox purpose 0x03 (docs/trainer.md). */
#define SAMPLE_STREAM ((uint64_t)0x03u << 56)

static int pick(const float *logits, size_t vocab, double temperature, uint64_t seed, uint64_t i)
{
    size_t best = 0;
    for (size_t v = 1; v < vocab; ++v)
        if (logits[v] > logits[best])
            best = v;
    if (temperature <= 0.0)
        return (int)best;
    double sum = 0.0, p[LOWP_TEXT_VOCAB];
    for (size_t v = 0; v < vocab; ++v)
        sum += p[v] = exp(((double)logits[v] - logits[best]) / temperature);
    double u = lowp_philox_uniform(lowp_philox_word(seed, SAMPLE_STREAM, i)) * sum, acc = 0.0;
    for (size_t v = 0; v < vocab; ++v) {
        acc += p[v];
        if (u < acc)
            return (int)v;
    }
    return (int)best;
}

static lowp_status generate(struct train_run *r, const char *prompt, size_t ntok, double temperature, uint64_t seed)
{
    size_t T = r->cfg.context, plen = strlen(prompt);
    size_t cap = plen + ntok;
    int32_t *toks = malloc(cap * sizeof *toks);
    float *logits = malloc(T * LOWP_TEXT_VOCAB * sizeof *logits);
    lowp_status s = (toks && logits) ? LOWP_OK : lowp_error(LOWP_ERR_OUT_OF_MEMORY, "sample buffers");
    for (size_t i = 0; i < plen && s == LOWP_OK; ++i)
        toks[i] = (unsigned char)prompt[i];
    fputs(prompt, stdout);
    if (s == LOWP_OK)
        s = lowp_model_set_dropout(r->model, 0.0f);
    for (size_t n = plen; n < cap && s == LOWP_OK; ++n) {
        size_t len = n < T ? n : T;
        s = lowp_model_forward(r->model, toks + (n - len), NULL, 1, len, 0, NULL);
        if (s == LOWP_OK)
            s = lowp_model_read_logits(r->model, logits, len * LOWP_TEXT_VOCAB);
        if (s == LOWP_OK) {
            toks[n] = pick(logits + (len - 1) * LOWP_TEXT_VOCAB, LOWP_TEXT_VOCAB, temperature, seed, n - plen);
            fputc(toks[n], stdout);
        }
    }
    fputc('\n', stdout);
    free(toks);
    free(logits);
    return s;
}

int lowp_cli_sample(int argc, char **argv)
{
    const char *out = NULL, *device = NULL, *prompt = "\n";
    long ntok = 500;
    double temperature = 0.8;
    unsigned long long seed = 1337;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: lowp sample --out DIR [--tokens N] [--temperature T] [--seed S] [--prompt TEXT]"
                   " [--device ID]\n  T = 0 is greedy; DIR is a run folder holding checkpoint.lowp\n");
            return 0;
        }
        if (v == NULL) {
            fprintf(stderr, "lowp sample: '%s' needs a value (see --help)\n", a);
            return 2;
        }
        ++i;
        if (strcmp(a, "--out") == 0)
            out = v;
        else if (strcmp(a, "--device") == 0)
            device = v;
        else if (strcmp(a, "--prompt") == 0)
            prompt = v;
        else if (strcmp(a, "--tokens") == 0 && ((ntok = strtol(v, &end, 10)), *end == '\0') && ntok > 0 &&
                 ntok <= 1000000)
            ;
        else if (strcmp(a, "--temperature") == 0 && ((temperature = strtod(v, &end)), *end == '\0') &&
                 temperature >= 0.0 && temperature <= 100.0)
            ;
        else if (strcmp(a, "--seed") == 0 && ((seed = strtoull(v, &end, 10)), *end == '\0'))
            ;
        else {
            fprintf(stderr, "lowp sample: bad option or value '%s %s'\n", a, v);
            return 2;
        }
    }
    if (out == NULL) {
        fprintf(stderr, "usage: lowp sample --out DIR [--tokens N] [--temperature T] [--seed S]\n");
        return 2;
    }
    char ckpath[LOWP_TRAIN_PATH_MAX + 32], tmp[LOWP_TRAIN_PATH_MAX + 48];
    snprintf(ckpath, sizeof ckpath, "%s/checkpoint.lowp", out);
    snprintf(tmp, sizeof tmp, "%s/.sample-config.tmp", out);
    lowp_ckpt *ck = NULL;
    lowp_status s = lowp_ckpt_open(ckpath, &ck);
    if (s != LOWP_OK)
        return lowp_cli_fail("sample", s);
    struct train_run r;
    memset(&r, 0, sizeof r);
    s = train_ckpt_config(ck, tmp, &r.cfg);
    if (s == LOWP_OK && device != NULL)
        snprintf(r.cfg.device, sizeof r.cfg.device, "%s", device);
    if (s == LOWP_OK)
        s = train_run_open(&r, 0);
    if (s == LOWP_OK)
        s = train_run_restore(&r, ck, 0);
    lowp_ckpt_close(ck);
    if (s == LOWP_OK) {
        fprintf(stderr, "sample: %s, step %llu, temperature %g, seed %llu\n", out, (unsigned long long)r.st.step,
                temperature, seed);
        s = generate(&r, prompt, (size_t)ntok, temperature, seed);
    }
    train_run_close(&r);
    return s == LOWP_OK ? 0 : lowp_cli_fail("sample", s);
}
