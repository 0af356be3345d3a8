/* model_vectors.h — run one PyTorch reference case (tests/vectors/model,
 * written by gen_model.py) through lowp's model on a context and measure
 * the relative errors. Shared by test_model_host.c and test_ops_model.c. */
#ifndef LOWP_TEST_MODEL_VECTORS_H
#define LOWP_TEST_MODEL_VECTORS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lowp/lowp.h"
#include "model/model_internal.h"

#define MV_CASES 3

struct mv_result {
    lowp_status status;
    char message[1280];
    double loss, loss_ref;
    double loss_err, logits_err, grad_err; /* relative: |d|/|ref| (loss), ||d||/||ref|| (tensors) */
    char grad_worst[96];
};

/* The configurations gen_model.py writes: gpt2, llama, mixed (vocab 64, 2 layers, width 16, context 8). */
static inline const char *mv_config(int i, struct lowp_model_config *c)
{
    static const char *names[MV_CASES] = {"gpt2", "llama", "mixed"};
    if (i == 1)
        lowp_model_config_llama(c, 2, 16, 2, 8);
    else
        lowp_model_config_gpt2(c, 2, 16, i == 2 ? 4 : 2, 8);
    if (i == 2) {
        c->mlp = LOWP_MLP_SWIGLU;
        c->pos = LOWP_POS_ROPE;
    }
    c->vocab = 64;
    return names[i];
}

/* ||got - ref|| / ||ref|| */
static inline double mv_rel(const float *got, const float *ref, size_t n)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double d = (double)got[i] - (double)ref[i];
        num += d * d;
        den += (double)ref[i] * (double)ref[i];
    }
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

static inline const void *mv_tensor(const struct lowp_st_file *f, const char *name, const char *dtype, size_t n)
{
    const struct lowp_st_tensor *t = lowp_st_find(f, name);
    if (t == NULL || strcmp(t->dtype, dtype) != 0 || t->end - t->begin != 4 * n)
        return NULL;
    return f->data + t->begin; /* little-endian hosts only; the data section is 8-byte aligned */
}

static inline struct mv_result mv_run(lowp_context *ctx, const char *dir, int which)
{
    struct mv_result r;
    memset(&r, 0, sizeof r);
    struct lowp_model_config cfg;
    const char *name = mv_config(which, &cfg);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.safetensors", dir, name);
    const size_t B = 2, T = 8, rows = B * T, V = 64;
    struct lowp_st_file f;
    lowp_model *m = NULL;
    float *logits = NULL, *grads = NULL;
    r.status = lowp_st_read(path, &f);
    if (r.status != LOWP_OK) {
        snprintf(r.message, sizeof r.message, "%s", lowp_last_error());
        return r;
    }
    const int32_t *tok = mv_tensor(&f, "io.tokens", "I32", rows), *tgt = mv_tensor(&f, "io.targets", "I32", rows);
    const float *logits_ref = mv_tensor(&f, "io.logits", "F32", rows * V), *loss_ref = mv_tensor(&f, "io.loss", "F32", 1);
    if (!tok || !tgt || !logits_ref || !loss_ref) {
        r.status = LOWP_ERR_CORRUPT;
        snprintf(r.message, sizeof r.message, "%s: io.* tensors missing", path);
        lowp_st_free(&f);
        return r;
    }
    float loss = 0.0f;
    logits = malloc(rows * V * sizeof *logits);
    r.status = lowp_model_create(ctx, &cfg, &m);
    if (r.status == LOWP_OK)
        r.status = lowp_model_load(m, path);
    if (r.status == LOWP_OK)
        r.status = lowp_model_forward(m, tok, tgt, B, T, 0, &loss);
    if (r.status == LOWP_OK)
        r.status = lowp_model_read_logits(m, logits, rows * V);
    if (r.status == LOWP_OK)
        r.status = lowp_model_backward(m, 0);
    size_t np = m != NULL ? lowp_model_param_count(m) : 0;
    if (r.status == LOWP_OK) {
        grads = malloc(np * sizeof *grads);
        r.status = lowp_buffer_read(lowp_model_grads(m), 0, grads, np * sizeof *grads);
    }
    if (r.status != LOWP_OK) {
        snprintf(r.message, sizeof r.message, "%s", lowp_last_error());
    } else {
        r.loss = loss;
        r.loss_ref = loss_ref[0];
        r.loss_err = fabs(r.loss - r.loss_ref) / fabs(r.loss_ref);
        r.logits_err = mv_rel(logits, logits_ref, rows * V);
        const struct lowp_model_tensor *ts = lowp_model_tensors(m);
        for (size_t i = 0; i < lowp_model_tensor_count(m); ++i) {
            char gname[160];
            snprintf(gname, sizeof gname, "grad.%s", ts[i].name);
            const float *gref = mv_tensor(&f, gname, "F32", ts[i].count);
            double e = gref != NULL ? mv_rel(grads + ts[i].offset, gref, ts[i].count) : INFINITY;
            if (!(e <= r.grad_err)) {
                r.grad_err = e;
                snprintf(r.grad_worst, sizeof r.grad_worst, "%s", ts[i].name);
            }
        }
    }
    free(logits);
    free(grads);
    lowp_model_free(m);
    lowp_st_free(&f);
    return r;
}

#endif
