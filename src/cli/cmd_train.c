/* cmd_train.c — `lowp train`: configuration, data, model, optimizer, the
 * training loop with validation, log, checkpoints, results and plot
 * (docs/trainer.md, "lowp train"). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "train_run.h"

static int mkdir_p(const char *path)
{
    char buf[LOWP_TRAIN_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; ++i) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    return 0;
}

static void join(char *dst, size_t cap, const char *dir, const char *name)
{
    snprintf(dst, cap, "%s/%s", dir, name);
}

struct loop {
    struct train_run run;
    lowp_text_data *data;
    int32_t *tok, *tgt;
    /* Sophia's GNB pass: logits read back, sampled labels, optimizer state read back */
    float *logits, *ostate_host;
    int32_t *labels;
    lowp_train_log *log;
    char ckpt[LOWP_TRAIN_PATH_MAX + 32], logp[LOWP_TRAIN_PATH_MAX + 32];
    int tty;
};

static lowp_status validate(struct loop *L, double *val)
{
    struct train_run *r = &L->run;
    const struct lowp_train_config *c = &r->cfg;
    LOWP_TRY(lowp_model_set_dropout(r->model, 0.0f));
    double sum = 0.0;
    for (uint32_t i = 0; i < c->eval_batches; ++i) {
        LOWP_TRY(lowp_text_data_batch(L->data, LOWP_SPLIT_VAL, c->batch, c->context, c->seed, i, L->tok, L->tgt,
                                      NULL));
        float loss = 0.0f;
        LOWP_TRY(lowp_model_forward(r->model, L->tok, L->tgt, c->batch, c->context, 0, &loss));
        sum += loss;
    }
    *val = sum / c->eval_batches;
    return lowp_model_set_dropout(r->model, (float)c->dropout);
}

static lowp_status train_step(struct loop *L, float *loss)
{
    struct train_run *r = &L->run;
    const struct lowp_train_config *c = &r->cfg;
    uint64_t step = r->st.step;
    LOWP_TRY(lowp_text_data_batch(L->data, LOWP_SPLIT_TRAIN, c->batch, c->context, c->seed, step, L->tok, L->tgt,
                                  NULL));
    LOWP_TRY(lowp_model_forward(r->model, L->tok, L->tgt, c->batch, c->context, step, loss));
    LOWP_TRY(lowp_model_backward(r->model, 0));
    if (c->grad_clip > 0.0)
        LOWP_TRY(lowp_optim_clip_grad_norm(r->ctx, &r->desc, lowp_model_grads(r->model), (float)c->grad_clip, NULL));
    r->hp.lr = (float)lowp_train_lr(c, step);
    LOWP_TRY(lowp_optim_step(r->ctx, &r->desc, lowp_model_params(r->model), lowp_model_grads(r->model), r->ostate,
                             r->tstates, &r->gstate));
    r->st.step = step + 1;
    r->st.tokens_seen += (uint64_t)c->batch * c->context;
    return LOWP_OK;
}

/* Fraction of coordinates whose Sophia update is not clipped, |m| < rho*bs*h
 * (the official script's "win rate"; its README wants 0.1 .. 0.5). */
static lowp_status win_rate(struct loop *L, double *rate)
{
    struct train_run *r = &L->run;
    *rate = NAN;
    if (r->hp.state_format != LOWP_OPTIM_STATE_FP32) /* the trainer keeps fp32 state; bf16 is not read here */
        return LOWP_OK;
    LOWP_TRY(lowp_buffer_read(r->ostate, 0, L->ostate_host, (size_t)r->desc.state_len * sizeof(float)));
    const double scale = (float)((double)r->hp.sophia_rho * (double)r->hp.sophia_bs); /* the step's X0 */
    uint64_t won = 0, total = 0;
    for (size_t t = 0; t < r->desc.n_tensors; ++t) {
        const struct lowp_optim_tensor *T = &r->otensors[t];
        const float *m = L->ostate_host + T->state_offset, *h = m + T->numel; /* slots [m, h] */
        for (uint64_t i = 0; i < T->numel; ++i)
            won += fabs((double)m[i]) < scale * (double)h[i];
        total += T->numel;
    }
    *rate = total ? (double)won / (double)total : NAN;
    return LOWP_OK;
}

/* Sophia-G's Hessian refresh with the Gauss-Newton-Bartlett estimator, run
 * right after the optimizer step that made the step count a multiple of
 * hess_interval (the official train_sophiag.py order: step, then refresh).
 * The step's own batch (still in L->tok) goes forward again at the updated
 * parameters with the step's dropout masks and recipe streams; labels are
 * sampled from that forward's softmax on the host (Philox purpose 0x05,
 * draw = steps done); the mean cross-entropy against them is
 * backpropagated into the gradient buffer, whose training gradient the
 * step has already consumed; then h <- b2*h + (1-b2)*g^2. grad_clip does
 * not apply; hess_clip (0 = off) bounds the GNB gradient's global norm. */
static lowp_status hessian_refresh(struct loop *L, struct lowp_log_record *rec)
{
    struct train_run *r = &L->run;
    const struct lowp_train_config *c = &r->cfg;
    const size_t rows = (size_t)c->batch * c->context;
    const uint64_t done = r->st.step;
    float gnb_loss = 0.0f, norm = 0.0f;
    LOWP_TRY(lowp_model_forward(r->model, L->tok, NULL, c->batch, c->context, done - 1, NULL));
    LOWP_TRY(lowp_model_read_logits(r->model, L->logits, rows * LOWP_TEXT_VOCAB));
    LOWP_TRY(lowp_train_gnb_labels(L->logits, rows, LOWP_TEXT_VOCAB, c->seed, done, L->labels));
    LOWP_TRY(lowp_model_set_targets(r->model, L->labels, &gnb_loss));
    LOWP_TRY(lowp_model_backward(r->model, 0));
    /* the norm is logged either way; FLT_MAX bounds nothing */
    float bound = c->hess_clip > 0.0 ? (float)c->hess_clip : FLT_MAX;
    LOWP_TRY(lowp_optim_clip_grad_norm(r->ctx, &r->desc, lowp_model_grads(r->model), bound, &norm));
    LOWP_TRY(lowp_optim_sophia_hessian(r->ctx, &r->desc, lowp_model_grads(r->model), r->ostate));
    double wr = NAN;
    LOWP_TRY(win_rate(L, &wr));
    *rec = (struct lowp_log_record){.kind = LOWP_LOG_HESS, .step = done, .loss = gnb_loss, .lr = NAN,
                                    .tokens_per_s = NAN, .gnb_norm = norm, .win_rate = wr};
    return LOWP_OK;
}

static void progress(struct loop *L, double loss, double lr, double val, double elapsed, double tps,
                     uint64_t start_step)
{
    struct lowp_progress p = {.step = L->run.st.step, .total_steps = L->run.cfg.steps, .start_step = start_step,
                              .loss = loss, .lr = lr, .val_loss = val, .elapsed_s = elapsed, .tokens_per_s = tps};
    char line[512];
    lowp_progress_format(&p, L->tty, line, sizeof line);
    fputs(line, stdout);
    fflush(stdout);
}

static lowp_status run_loop(struct loop *L, int resumed)
{
    struct train_run *r = &L->run;
    const struct lowp_train_config *c = &r->cfg;
    const uint64_t start_step = r->st.step;
    const double t0 = lowp_train_now(), base_elapsed = r->st.elapsed_s;
    double last_val = NAN, last_loss = NAN, last_lr = NAN, tps = 0.0;
    double t_log = t0;
    uint64_t step_log = start_step;

    if (!resumed && lowp_train_is_eval_step(c, r->st.step)) {
        LOWP_TRY(validate(L, &last_val));
        struct lowp_log_record rec = {.kind = LOWP_LOG_VAL, .step = r->st.step, .loss = last_val, .lr = NAN,
                                      .tokens_per_s = NAN, .elapsed_s = base_elapsed};
        LOWP_TRY(lowp_train_log_write(L->log, &rec));
        r->st.best_val_loss = last_val;
        r->st.best_val_step = r->st.step;
        printf("%sstep %llu: val loss %.4f\n", L->tty ? "\r\033[K" : "", (unsigned long long)r->st.step, last_val);
    }
    while (r->st.step < c->steps) {
        float loss = 0.0f;
        LOWP_TRY(train_run_apply_recipe(r));
        LOWP_TRY(train_step(L, &loss));
        last_loss = loss;
        last_lr = r->hp.lr;
        uint64_t s = r->st.step;
        if (lowp_optim_sophia_refresh_due(&r->hp, &r->gstate)) {
            struct lowp_log_record rec;
            LOWP_TRY(hessian_refresh(L, &rec));
            rec.elapsed_s = base_elapsed + (lowp_train_now() - t0);
            LOWP_TRY(lowp_train_log_write(L->log, &rec));
        }
        double now = lowp_train_now(), elapsed = base_elapsed + (now - t0);
        if (s % c->log_every == 0 || s == c->steps) {
            tps = (double)(s - step_log) * c->batch * c->context / (now - t_log > 1e-9 ? now - t_log : 1e-9);
            t_log = now;
            step_log = s;
            struct lowp_log_record rec = {.kind = LOWP_LOG_TRAIN, .step = s, .loss = loss, .lr = last_lr,
                                          .tokens_per_s = tps, .elapsed_s = elapsed};
            LOWP_TRY(lowp_train_log_write(L->log, &rec));
            progress(L, loss, last_lr, last_val, now - t0, tps, start_step);
        }
        int eval = lowp_train_is_eval_step(c, s);
        if (eval) {
            LOWP_TRY(validate(L, &last_val));
            struct lowp_log_record rec = {.kind = LOWP_LOG_VAL, .step = s, .loss = last_val, .lr = NAN,
                                          .tokens_per_s = NAN, .elapsed_s = elapsed};
            LOWP_TRY(lowp_train_log_write(L->log, &rec));
            if (!(r->st.best_val_loss <= last_val)) { /* NaN best: none yet */
                r->st.best_val_loss = last_val;
                r->st.best_val_step = s;
            }
            printf("%sstep %llu: train loss %.4f, val loss %.4f\n", L->tty ? "\r\033[K" : "", (unsigned long long)s,
                   last_loss, last_val);
            fflush(stdout);
        }
        if (eval || (c->checkpoint_every && s % c->checkpoint_every == 0) || s == c->steps) {
            r->st.elapsed_s = elapsed;
            LOWP_TRY(train_run_save(r, L->ckpt));
        }
    }
    if (L->tty)
        fputc('\n', stdout);
    return LOWP_OK;
}

static lowp_status finish(struct loop *L, struct lowp_train_results *res)
{
    const struct lowp_train_config *c = &L->run.cfg;
    struct lowp_log_record *recs = NULL;
    size_t n = 0;
    LOWP_TRY(lowp_train_log_read(L->logp, &recs, &n));
    lowp_train_results_from_log(recs, n, res);
    free(recs);
    char path[LOWP_TRAIN_PATH_MAX + 32];
    join(path, sizeof path, c->out_dir, "results.json");
    LOWP_TRY(lowp_train_results_write(path, res, c));
    join(path, sizeof path, c->out_dir, "loss.svg");
    const char *runs[1] = {c->out_dir};
    char title[256];
    snprintf(title, sizeof title, "%s, recipe %s, optim %s", c->preset, c->recipe, c->optim);
    return lowp_plot_runs(runs, 1, title, path);
}

/* Resume: the checkpoint must open cleanly and its configuration must be
 * compatible before anything in the run folder is touched. */
static lowp_status resume_open(struct loop *L, lowp_ckpt **ck)
{
    LOWP_TRY(lowp_ckpt_open(L->ckpt, ck));
    char tmp[LOWP_TRAIN_PATH_MAX + 48];
    join(tmp, sizeof tmp, L->run.cfg.out_dir, ".resume-config.tmp");
    struct lowp_train_config saved;
    lowp_status s = train_ckpt_config(*ck, tmp, &saved);
    if (s == LOWP_OK)
        s = lowp_train_config_compatible(&saved, &L->run.cfg);
    if (s != LOWP_OK) {
        lowp_ckpt_close(*ck);
        *ck = NULL;
    }
    return s;
}

static int train_main(struct loop *L)
{
    struct train_run *r = &L->run;
    struct lowp_train_config *c = &r->cfg;
    lowp_status s;
    join(L->ckpt, sizeof L->ckpt, c->out_dir, "checkpoint.lowp");
    join(L->logp, sizeof L->logp, c->out_dir, "log.jsonl");

    if ((s = lowp_text_data_load(c->data, c->val_fraction, &L->data)) != LOWP_OK)
        return lowp_cli_fail("train: data", s);
    if ((s = lowp_text_data_check(L->data, c->context)) != LOWP_OK)
        return lowp_cli_fail("train: data", s);
    L->tok = malloc((size_t)c->batch * c->context * sizeof *L->tok);
    L->tgt = malloc((size_t)c->batch * c->context * sizeof *L->tgt);
    if (L->tok == NULL || L->tgt == NULL)
        return lowp_cli_fail("train", lowp_error(LOWP_ERR_OUT_OF_MEMORY, "batch buffers"));
    const int sophia = strcmp(c->optim, "sophia") == 0;
    lowp_ckpt *ck = NULL;
    if (c->resume && (s = resume_open(L, &ck)) != LOWP_OK)
        return lowp_cli_fail("train: resume", s);
    if ((s = train_run_open(r, 1)) != LOWP_OK) {
        lowp_ckpt_close(ck);
        return lowp_cli_fail("train: setup", s);
    }
    r->st = (struct lowp_train_state){.seed = c->seed, .best_val_loss = NAN};
    if (ck != NULL) {
        s = train_run_restore(r, ck, 1);
        lowp_ckpt_close(ck);
        if (s != LOWP_OK)
            return lowp_cli_fail("train: resume", s);
        if (r->st.seed != c->seed)
            return lowp_cli_fail("train: resume", lowp_error(LOWP_ERR_CORRUPT, "checkpoint seed differs"));
    }
    if (sophia) {
        size_t rows = (size_t)c->batch * c->context;
        L->logits = malloc(rows * LOWP_TEXT_VOCAB * sizeof *L->logits);
        L->labels = malloc(rows * sizeof *L->labels);
        L->ostate_host = malloc((size_t)r->desc.state_len * sizeof *L->ostate_host);
        if (L->logits == NULL || L->labels == NULL || L->ostate_host == NULL)
            return lowp_cli_fail("train", lowp_error(LOWP_ERR_OUT_OF_MEMORY, "Sophia GNB buffers"));
    }
    if (mkdir_p(c->out_dir) != 0)
        return lowp_cli_fail("train", lowp_error(LOWP_ERR_IO, "cannot create the run folder %s", c->out_dir));
    char cfgtext[8192], path[LOWP_TRAIN_PATH_MAX + 32];
    lowp_train_config_format(c, cfgtext, sizeof cfgtext);
    join(path, sizeof path, c->out_dir, "config.txt");
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(cfgtext, f) < 0 || fclose(f) != 0)
        return lowp_cli_fail("train", lowp_error(LOWP_ERR_IO, "cannot write %s", path));
    if ((s = lowp_train_log_open(L->logp, c->resume ? r->st.step : UINT64_MAX, &L->log)) != LOWP_OK)
        return lowp_cli_fail("train: log", s);

    struct lowp_device_info info;
    lowp_context_get_info(r->ctx, &info);
    L->tty = lowp_train_is_tty(stdout);
    printf("lowp train: %s on %s | %zu parameters | recipe %s | optim %s | %llu steps of %u x %u tokens%s\n",
           c->preset, info.name, lowp_model_param_count(r->model), c->recipe, c->optim, (unsigned long long)c->steps,
           c->batch, c->context, c->resume ? " (resumed)" : "");
    if (sophia)
        printf("Sophia-G: GNB Hessian refresh after every %u steps | rho %g | bs %.0f tokens | betas %g, %g | "
               "GNB clip %s\n",
               c->hess_interval, (double)r->hp.sophia_rho, (double)r->hp.sophia_bs, (double)r->hp.beta1,
               (double)r->hp.beta2, c->hess_clip > 0.0 ? "on" : "off");
    if (c->resume)
        printf("resuming at step %llu\n", (unsigned long long)r->st.step);
    s = run_loop(L, c->resume);
    lowp_status sc = lowp_train_log_close(L->log);
    L->log = NULL;
    if (s == LOWP_OK)
        s = sc;
    if (s != LOWP_OK)
        return lowp_cli_fail("train", s);
    struct lowp_train_results res;
    if ((s = finish(L, &res)) != LOWP_OK)
        return lowp_cli_fail("train: results", s);
    printf("done: %llu steps | best val loss %.4f (step %llu) | final val loss %.4f | %.0f tok/s | %.1f s\n",
           (unsigned long long)res.steps, res.best_val_loss, (unsigned long long)res.best_val_step,
           res.final_val_loss, res.tokens_per_s, res.elapsed_s);
    if (res.hess_refreshes > 0)
        printf("Sophia-G: %llu Hessian refreshes | last win rate %.3f\n", (unsigned long long)res.hess_refreshes,
               res.win_rate);
    printf("wrote %s/{log.jsonl,results.json,loss.svg,checkpoint.lowp}\n", c->out_dir);
    return 0;
}

int lowp_cli_train(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: lowp train [--preset small|gpt10m] [--config FILE] [--KEY VALUE ...] [--resume]\n"
                   "  keys: device recipe optim data out steps batch context lr min_lr schedule seed\n"
                   "        eval_every eval_batches log_every n_layer n_head n_embd dropout ... (docs/trainer.md)\n");
            return 0;
        }
    struct loop L;
    memset(&L, 0, sizeof L);
    lowp_status s = lowp_train_config_from_args(argc, argv, &L.run.cfg);
    if (s != LOWP_OK)
        return lowp_cli_fail("train: config", s);
    int rc = train_main(&L);
    if (L.log != NULL)
        lowp_train_log_close(L.log);
    train_run_close(&L.run);
    lowp_text_data_free(L.data);
    free(L.tok);
    free(L.tgt);
    free(L.logits);
    free(L.labels);
    free(L.ostate_host);
    return rc;
}
