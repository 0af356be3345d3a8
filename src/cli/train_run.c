/* train_run.c — model + optimizer from a run configuration, and their
 * checkpoint sections. Shared by `lowp train` and `lowp sample`. */
#include "train_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct optim_name {
    const char *name;
    lowp_optim_kind kind;
};
/* Sophia-G's Hessian refreshes (the GNB pass) run in cmd_train.c. */
static const struct optim_name OPTIMS[] = {
    {"adamw", LOWP_OPTIM_ADAMW}, {"sgd", LOWP_OPTIM_SGD},   {"lion", LOWP_OPTIM_LION},
    {"lamb", LOWP_OPTIM_LAMB},   {"spam", LOWP_OPTIM_SPAM}, {"stable-spam", LOWP_OPTIM_STABLE_SPAM},
    {"swan", LOWP_OPTIM_SWAN},   {"sinkgd", LOWP_OPTIM_SINKGD}, {"sophia", LOWP_OPTIM_SOPHIA_G},
};

static lowp_status optim_kind(const char *name, lowp_optim_kind *kind)
{
    for (size_t i = 0; i < sizeof OPTIMS / sizeof OPTIMS[0]; ++i)
        if (strcmp(OPTIMS[i].name, name) == 0) {
            *kind = OPTIMS[i].kind;
            return LOWP_OK;
        }
    return lowp_error(LOWP_ERR_INVALID_ARG,
                      "optim '%s' is not one of adamw, sgd, lion, lamb, spam, stable-spam, swan, sinkgd, sophia",
                      name);
}

static lowp_status open_optim(struct train_run *r)
{
    const struct lowp_train_config *c = &r->cfg;
    lowp_optim_kind kind = LOWP_OPTIM_ADAMW;
    LOWP_TRY(optim_kind(c->optim, &kind));
    LOWP_TRY(lowp_optim_hparams_default(kind, &r->hp));
    r->hp.lr = (float)c->lr;
    if (kind != LOWP_OPTIM_SGD && kind != LOWP_OPTIM_SWAN && kind != LOWP_OPTIM_SINKGD) {
        r->hp.beta1 = (float)c->beta1;
        r->hp.beta2 = (float)c->beta2;
    }
    r->hp.eps = (float)c->eps;
    r->hp.weight_decay = (float)c->weight_decay;
    r->hp.seed = c->seed;
    if (kind == LOWP_OPTIM_SOPHIA_G) {
        /* bs = the tokens behind one GNB gradient (the official script's
         * total_bs * block_size), so rho is the paper's gamma */
        r->hp.sophia_rho = (float)c->sophia_rho;
        r->hp.sophia_bs = (float)((double)c->batch * (double)c->context);
        r->hp.sophia_interval = c->hess_interval;
    }
    LOWP_TRY(lowp_optim_hparams_validate(&r->hp));
    uint32_t slots = 0;
    LOWP_TRY(lowp_optim_state_slots(&r->hp, &slots));

    size_t nt = lowp_model_tensor_count(r->model);
    const struct lowp_model_tensor *mt = lowp_model_tensors(r->model);
    r->otensors = calloc(nt, sizeof *r->otensors);
    r->tstates = calloc(nt, sizeof *r->tstates);
    if (r->otensors == NULL || r->tstates == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "optimizer tensor table (%zu tensors)", nt);
    uint64_t state_off = 0;
    for (size_t i = 0; i < nt; ++i) {
        struct lowp_optim_tensor *t = &r->otensors[i];
        t->numel = mt[i].count;
        t->rows = mt[i].rank == 2 ? mt[i].shape[0] : 1;
        t->cols = mt[i].rank == 2 ? mt[i].shape[1] : mt[i].count;
        t->param_offset = t->grad_offset = mt[i].offset;
        t->state_offset = state_off;
        /* weight decay on matrices only (the model marks them) */
        t->flags = mt[i].decay ? 0u : (LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY | LOWP_OPTIM_TENSOR_NO_ADAPTATION);
        state_off += (uint64_t)slots * mt[i].count;
    }
    size_t np = lowp_model_param_count(r->model);
    r->desc = (struct lowp_optim_step_desc){.hp = &r->hp, .tensors = r->otensors, .n_tensors = nt,
                                            .param_len = np, .grad_len = np, .state_len = state_off};
    LOWP_TRY(lowp_optim_step_desc_validate(&r->desc));
    LOWP_TRY(lowp_optim_global_init(&r->hp, &r->gstate));
    if (state_off > 0) {
        LOWP_TRY(lowp_buffer_alloc(r->ctx, (size_t)state_off * sizeof(float), &r->ostate));
        float *zero = calloc((size_t)state_off, sizeof(float));
        if (zero == NULL)
            return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "optimizer state");
        lowp_status s = lowp_buffer_write(r->ostate, 0, zero, (size_t)state_off * sizeof(float));
        free(zero);
        LOWP_TRY(s);
    }
    return LOWP_OK;
}

static lowp_status open_all(struct train_run *r, int with_optim)
{
    const struct lowp_train_config *c = &r->cfg;
    LOWP_TRY(lowp_context_open(c->device[0] ? c->device : NULL, &r->ctx));
    struct lowp_model_config mc;
    lowp_model_config_gpt2(&mc, c->n_layer, c->n_embd, c->n_head, c->context);
    mc.dropout = (float)c->dropout;
    LOWP_TRY(lowp_model_create(r->ctx, &mc, &r->model));
    /* dropout masks: their own Philox key, so they never share streams with the batch sampler */
    lowp_model_set_dropout_seed(r->model, c->seed ^ 0x64726f706f7574ull);
    LOWP_TRY(lowp_model_init(r->model, c->seed));
    LOWP_TRY(train_run_apply_recipe(r));
    if (with_optim)
        LOWP_TRY(open_optim(r));
    return LOWP_OK;
}

lowp_status train_run_open(struct train_run *r, int with_optim)
{
    lowp_status s = open_all(r, with_optim);
    if (s != LOWP_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", lowp_last_error());
        train_run_close(r);
        return lowp_error(s, "%s", msg);
    }
    return LOWP_OK;
}

void train_run_close(struct train_run *r)
{
    lowp_buffer_free(r->ostate);
    free(r->otensors);
    free(r->tstates);
    lowp_model_free(r->model);
    lowp_context_close(r->ctx);
    r->ostate = NULL;
    r->otensors = NULL;
    r->tstates = NULL;
    r->model = NULL;
    r->ctx = NULL;
}

/* ------------------------------------------------------------ checkpoint */

#define TSTATE_BYTES 28 /* step u64 + five f32, little-endian */

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}
static void put_f32(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    for (int i = 0; i < 4; ++i)
        p[i] = (uint8_t)(u >> (8 * i));
}
static float get_f32(const uint8_t *p)
{
    uint32_t u = 0;
    for (int i = 0; i < 4; ++i)
        u |= (uint32_t)p[i] << (8 * i);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static lowp_status add_buffer(lowp_ckpt_writer *w, const char *name, lowp_buffer *b, size_t bytes)
{
    void *host = malloc(bytes ? bytes : 1);
    if (host == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "checkpoint section %s (%zu bytes)", name, bytes);
    lowp_status s = lowp_buffer_read(b, 0, host, bytes);
    if (s == LOWP_OK)
        s = lowp_ckpt_writer_add(w, name, host, bytes);
    free(host);
    return s;
}

static lowp_status write_sections(struct train_run *r, lowp_ckpt_writer *w)
{
    char cfgtext[8192];
    size_t n = lowp_train_config_format(&r->cfg, cfgtext, sizeof cfgtext);
    if (n >= sizeof cfgtext)
        return lowp_error(LOWP_ERR_INVALID_ARG, "configuration text too long (%zu bytes)", n);
    LOWP_TRY(lowp_ckpt_writer_add(w, "config", cfgtext, n));
    uint8_t st[LOWP_TRAIN_STATE_BYTES];
    lowp_train_state_encode(&r->st, st);
    LOWP_TRY(lowp_ckpt_writer_add(w, "trainer", st, sizeof st));
    LOWP_TRY(add_buffer(w, "model.params", lowp_model_params(r->model),
                        lowp_model_param_count(r->model) * sizeof(float)));
    if (r->ostate != NULL)
        LOWP_TRY(add_buffer(w, "optim.state", r->ostate, (size_t)r->desc.state_len * sizeof(float)));
    size_t nt = r->desc.n_tensors;
    uint8_t *ts = calloc(nt ? nt : 1, TSTATE_BYTES);
    if (ts == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "optimizer tensor states");
    for (size_t i = 0; i < nt; ++i) {
        uint8_t *p = ts + i * TSTATE_BYTES;
        put_u64(p, r->tstates[i].step);
        put_f32(p + 8, r->tstates[i].sspam_m_max);
        put_f32(p + 12, r->tstates[i].sspam_m_norm);
        put_f32(p + 16, r->tstates[i].sspam_v_norm);
        put_f32(p + 20, r->tstates[i].last_ratio);
    }
    lowp_status s = lowp_ckpt_writer_add(w, "optim.tensors", ts, nt * TSTATE_BYTES);
    free(ts);
    LOWP_TRY(s);
    uint8_t g[16];
    put_u64(g, r->gstate.step);
    put_u64(g + 8, r->gstate.spam_current);
    return lowp_ckpt_writer_add(w, "optim.global", g, sizeof g);
}

lowp_status train_run_save(struct train_run *r, const char *path)
{
    lowp_ckpt_writer *w = NULL;
    LOWP_TRY(lowp_ckpt_writer_begin(path, &w));
    lowp_status s = write_sections(r, w);
    if (s != LOWP_OK) {
        lowp_ckpt_writer_abort(w);
        return s;
    }
    return lowp_ckpt_writer_commit(w);
}

lowp_status train_ckpt_config(const lowp_ckpt *ck, const char *tmp_path, struct lowp_train_config *cfg)
{
    const void *text = NULL;
    size_t size = 0;
    LOWP_TRY(lowp_ckpt_find(ck, "config", &text, &size));
    /* the config parser reads files: hand it the section through a scratch file */
    FILE *f = fopen(tmp_path, "wb");
    if (f == NULL)
        return lowp_error(LOWP_ERR_IO, "cannot write %s", tmp_path);
    size_t wrote = fwrite(text, 1, size, f);
    int bad = fclose(f) != 0 || wrote != size;
    lowp_status s = bad ? lowp_error(LOWP_ERR_IO, "cannot write %s", tmp_path) : LOWP_OK;
    if (s == LOWP_OK) {
        struct lowp_train_config c;
        s = lowp_train_config_preset("small", &c);
        if (s == LOWP_OK)
            s = lowp_train_config_load(&c, tmp_path);
        if (s == LOWP_OK)
            *cfg = c;
    }
    remove(tmp_path);
    return s;
}

static lowp_status restore_buffer(const lowp_ckpt *ck, const char *name, lowp_buffer *b, size_t bytes)
{
    const void *data = NULL;
    size_t size = 0;
    LOWP_TRY(lowp_ckpt_find(ck, name, &data, &size));
    if (size != bytes)
        return lowp_error(LOWP_ERR_CORRUPT, "checkpoint section %s holds %zu bytes, the run needs %zu", name, size,
                          bytes);
    return lowp_buffer_write(b, 0, data, bytes);
}

lowp_status train_run_restore(struct train_run *r, const lowp_ckpt *ck, int with_optim)
{
    const void *data = NULL;
    size_t size = 0;
    LOWP_TRY(lowp_ckpt_find(ck, "trainer", &data, &size));
    LOWP_TRY(lowp_train_state_decode(data, size, &r->st));
    LOWP_TRY(restore_buffer(ck, "model.params", lowp_model_params(r->model),
                            lowp_model_param_count(r->model) * sizeof(float)));
    if (!with_optim)
        return LOWP_OK;
    if (r->ostate != NULL)
        LOWP_TRY(restore_buffer(ck, "optim.state", r->ostate, (size_t)r->desc.state_len * sizeof(float)));
    size_t nt = r->desc.n_tensors;
    LOWP_TRY(lowp_ckpt_find(ck, "optim.tensors", &data, &size));
    if (size != nt * TSTATE_BYTES)
        return lowp_error(LOWP_ERR_CORRUPT, "checkpoint section optim.tensors holds %zu bytes, expected %zu", size,
                          nt * (size_t)TSTATE_BYTES);
    for (size_t i = 0; i < nt; ++i) {
        const uint8_t *p = (const uint8_t *)data + i * TSTATE_BYTES;
        r->tstates[i].step = get_u64(p);
        r->tstates[i].sspam_m_max = get_f32(p + 8);
        r->tstates[i].sspam_m_norm = get_f32(p + 12);
        r->tstates[i].sspam_v_norm = get_f32(p + 16);
        r->tstates[i].last_ratio = get_f32(p + 20);
    }
    LOWP_TRY(lowp_ckpt_find(ck, "optim.global", &data, &size));
    if (size != 16)
        return lowp_error(LOWP_ERR_CORRUPT, "checkpoint section optim.global holds %zu bytes, expected 16", size);
    r->gstate.step = get_u64(data);
    r->gstate.spam_current = get_u64((const uint8_t *)data + 8);
    return LOWP_OK;
}

lowp_status train_run_apply_recipe(struct train_run *r)
{
    static const char *const names[] = {"fp32", "bf16", "mxfp8", "mxfp4", "nvfp4"};
    const struct lowp_train_config *c = &r->cfg;
    int kind = -1;
    for (int i = 0; i < 5; ++i)
        if (strcmp(c->recipe, names[i]) == 0)
            kind = i;
    if (kind < 0)
        return lowp_error(LOWP_ERR_INVALID_ARG, "recipe '%s' is not one of fp32, bf16, mxfp8, mxfp4, nvfp4",
                          c->recipe);
    /* the NVFP4 paper's precision switch: the last steps in bf16 */
    if (c->bf16_tail != 0 && r->st.step + c->bf16_tail >= lowp_train_config_decay_steps(c))
        kind = (int)LOWP_RECIPE_BF16;
    struct lowp_model_recipe q;
    lowp_model_recipe_default((lowp_recipe_kind)kind, &q);
    q.rht = c->rht;
    q.sr = c->sr;
    q.weights_2d = c->weights_2d;
    q.scale_format = strcmp(c->scale, "ue5m3") == 0  ? LOWP_FORMAT_UE5M3
                     : strcmp(c->scale, "e8m0") == 0 ? LOWP_FORMAT_E8M0
                                                     : LOWP_FORMAT_UE4M3;
    q.hp_layers = c->hp_layers;
    q.gemm = strcmp(c->gemm, "packed") == 0 ? LOWP_RECIPE_GEMM_PACKED
             : strcmp(c->gemm, "fake") == 0 ? LOWP_RECIPE_GEMM_FAKE
                                            : LOWP_RECIPE_GEMM_AUTO;
    q.pqt_bits = c->pqt_bits;
    q.seed = c->seed ^ 0x726563697065ull; /* "recipe": SR and RHT signs get their own key */
    return lowp_model_set_recipe(r->model, &q);
}
