/* model.c — model creation, parameter layout, GPT-2 initialization and
 * parameter access. The step (forward/backward) is in model_step.c, files
 * in model_io.c. */
#include "model/model_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/philox.h"

void lowp_model_config_gpt2(struct lowp_model_config *c, size_t layers, size_t dim, size_t heads, size_t context)
{
    if (c == NULL)
        return;
    memset(c, 0, sizeof *c);
    c->vocab = 256;
    c->layers = layers;
    c->dim = dim;
    c->heads = heads;
    c->context = context;
    c->norm = LOWP_NORM_LAYERNORM;
    c->mlp = LOWP_MLP_GELU;
    c->pos = LOWP_POS_LEARNED;
    c->tied = 1;
    c->bias = 1;
}

void lowp_model_config_llama(struct lowp_model_config *c, size_t layers, size_t dim, size_t heads, size_t context)
{
    lowp_model_config_gpt2(c, layers, dim, heads, context);
    if (c == NULL)
        return;
    c->norm = LOWP_NORM_RMSNORM;
    c->mlp = LOWP_MLP_SWIGLU;
    c->pos = LOWP_POS_ROPE;
    c->tied = 0;
    c->bias = 0;
}

/* Tensors start at multiples of 16 elements (64 bytes) for aligned loads. */
#define TENSOR_ALIGN 16

static size_t add_tensor(struct lowp_model *m, const char *name, size_t rows, size_t cols, int decay)
{
    struct lowp_model_tensor *t = &m->tensors[m->ntensors];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->rank = cols == 0 ? 1 : 2;
    t->shape[0] = rows;
    t->shape[1] = cols;
    t->count = cols == 0 ? rows : rows * cols;
    t->decay = decay;
    t->offset = m->nparams;
    m->nparams += (t->count + TENSOR_ALIGN - 1) / TENSOR_ALIGN * TENSOR_ALIGN;
    return m->ntensors++;
}

static lowp_status check_config(const struct lowp_model_config *c)
{
    LOWP_CHECK_ARG(c->layers >= 1 && c->layers <= 1024, "lowp_model_create: layers %zu outside [1, 1024]", c->layers);
    LOWP_CHECK_ARG(c->heads >= 1 && c->dim >= 1 && c->dim % c->heads == 0,
                   "lowp_model_create: dim (%zu) must be a positive multiple of heads (%zu)", c->dim, c->heads);
    LOWP_CHECK_ARG(c->dim <= (1u << 16) && c->context >= 1 && c->context <= (1u << 20) && c->vocab <= (1u << 24),
                   "lowp_model_create: dim %zu, context %zu or vocab %zu out of range", c->dim, c->context, c->vocab);
    LOWP_CHECK_ARG(c->hidden <= (1u << 18), "lowp_model_create: hidden %zu out of range", c->hidden);
    LOWP_CHECK_ARG(c->norm == LOWP_NORM_LAYERNORM || c->norm == LOWP_NORM_RMSNORM, "lowp_model_create: unknown norm %d",
                   (int)c->norm);
    LOWP_CHECK_ARG(c->mlp == LOWP_MLP_GELU || c->mlp == LOWP_MLP_SWIGLU, "lowp_model_create: unknown mlp %d",
                   (int)c->mlp);
    LOWP_CHECK_ARG(c->pos == LOWP_POS_LEARNED || c->pos == LOWP_POS_ROPE, "lowp_model_create: unknown pos %d",
                   (int)c->pos);
    LOWP_CHECK_ARG(c->pos != LOWP_POS_ROPE || (c->dim / c->heads) % 2 == 0,
                   "lowp_model_create: rope needs an even head size (dim/heads = %zu)", c->dim / c->heads);
    LOWP_CHECK_ARG(c->dropout >= 0.0f && c->dropout < 1.0f, "lowp_model_create: dropout %g outside [0, 1)",
                   (double)c->dropout);
    LOWP_CHECK_ARG(c->norm_eps >= 0.0f && c->rope_base >= 0.0f, "lowp_model_create: negative norm_eps or rope_base");
    return LOWP_OK;
}

lowp_status lowp_model_create(lowp_context *ctx, const struct lowp_model_config *cfg, lowp_model **out)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(cfg);
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    struct lowp_model_config c = *cfg;
    if (c.vocab == 0)
        c.vocab = 256;
    if (c.hidden == 0)
        c.hidden = 4 * c.dim;
    if (c.norm_eps == 0.0f)
        c.norm_eps = 1e-5f;
    if (c.rope_base == 0.0f)
        c.rope_base = 10000.0f;
    LOWP_TRY(check_config(&c));
    struct lowp_model *m = calloc(1, sizeof *m);
    size_t max_tensors = 4 + 12 * c.layers + 3;
    if (m != NULL) {
        m->tensors = calloc(max_tensors, sizeof *m->tensors);
        m->layer = calloc(c.layers, sizeof *m->layer);
    }
    if (m == NULL || m->tensors == NULL || m->layer == NULL) {
        if (m != NULL)
            free(m->tensors), free(m->layer);
        free(m);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_model_create: out of host memory");
    }
    m->ctx = ctx;
    m->cfg = c;
    m->hidden = c.hidden;
    m->fc_out = c.mlp == LOWP_MLP_SWIGLU ? 2 * c.hidden : c.hidden;
    const size_t C = c.dim, NONE = LOWP_MODEL_NONE;
    const int norm_bias = c.bias && c.norm == LOWP_NORM_LAYERNORM;
    char name[64];
    m->wte = add_tensor(m, "transformer.wte.weight", c.vocab, C, 1);
    m->wpe = c.pos == LOWP_POS_LEARNED ? add_tensor(m, "transformer.wpe.weight", c.context, C, 1) : NONE;
    for (size_t l = 0; l < c.layers; ++l) {
        struct lowp_model_layer *L = &m->layer[l];
#define T(field, suffix, rows, cols, decay, present)                                \
    do {                                                                             \
        snprintf(name, sizeof name, "transformer.h.%zu.%s", l, suffix);              \
        L->field = (present) ? add_tensor(m, name, rows, cols, decay) : NONE;        \
    } while (0)
        T(ln1_g, "ln_1.weight", C, 0, 0, 1);
        T(ln1_b, "ln_1.bias", C, 0, 0, norm_bias);
        T(qkv_w, "attn.c_attn.weight", 3 * C, C, 1, 1);
        T(qkv_b, "attn.c_attn.bias", 3 * C, 0, 0, c.bias);
        T(proj_w, "attn.c_proj.weight", C, C, 1, 1);
        T(proj_b, "attn.c_proj.bias", C, 0, 0, c.bias);
        T(ln2_g, "ln_2.weight", C, 0, 0, 1);
        T(ln2_b, "ln_2.bias", C, 0, 0, norm_bias);
        T(fc_w, "mlp.c_fc.weight", m->fc_out, C, 1, 1);
        T(fc_b, "mlp.c_fc.bias", m->fc_out, 0, 0, c.bias);
        T(fc2_w, "mlp.c_proj.weight", C, c.hidden, 1, 1);
        T(fc2_b, "mlp.c_proj.bias", C, 0, 0, c.bias);
#undef T
    }
    m->lnf_g = add_tensor(m, "transformer.ln_f.weight", C, 0, 0);
    m->lnf_b = norm_bias ? add_tensor(m, "transformer.ln_f.bias", C, 0, 0) : NONE;
    m->head = c.tied ? m->wte : add_tensor(m, "lm_head.weight", c.vocab, C, 1);
    m->dropout_seed = 0x6c6f7770ull; /* "lowp" */

    lowp_status s = lowp_buffer_alloc(ctx, m->nparams * sizeof(float), &m->params);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, m->nparams * sizeof(float), &m->grads);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, m->params, 0, m->nparams, 0.0f);
    if (s == LOWP_OK)
        s = lowp_fill_f32(ctx, m->grads, 0, m->nparams, 0.0f);
    if (s == LOWP_OK && c.pos == LOWP_POS_ROPE) {
        size_t hs = C / c.heads, n = c.context * hs;
        float *table = malloc(n * sizeof *table);
        s = table == NULL ? lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_model_create: out of host memory")
                          : lowp_rope_table(c.context, hs, (double)c.rope_base, table);
        if (s == LOWP_OK)
            s = lowp_buffer_alloc(ctx, n * sizeof(float), &m->rope_table);
        if (s == LOWP_OK)
            s = lowp_buffer_write(m->rope_table, 0, table, n * sizeof(float));
        free(table);
    }
    if (s != LOWP_OK) {
        lowp_model_free(m);
        return s;
    }
    *out = m;
    return LOWP_OK;
}

static void free_activations(struct lowp_model *m)
{
    lowp_buffer **bufs[] = {&m->tok,    &m->tgt,     &m->res,   &m->ln,    &m->mean,  &m->rstd,  &m->qkv,
                            &m->att,    &m->lse,     &m->fc,    &m->act,   &m->logits, &m->dlogits, &m->losses,
                            &m->dres,   &m->tmp_a,   &m->tmp_b, &m->big_a, &m->big_b, &m->delta};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; ++i) {
        lowp_buffer_free(*bufs[i]);
        *bufs[i] = NULL;
    }
    m->cap_rows = m->cap_bt = 0;
}

void lowp_model_free(lowp_model *m)
{
    if (m == NULL)
        return;
    free_activations(m);
    lowp_buffer_free(m->quant.qa);
    lowp_buffer_free(m->quant.qb);
    const struct lowp_linear_packed *packed[2] = {&m->quant.pa, &m->quant.pb};
    for (int i = 0; i < 2; ++i) {
        lowp_buffer_free(packed[i]->codes);
        lowp_buffer_free(packed[i]->scales);
        lowp_buffer_free(packed[i]->ts);
    }
    lowp_buffer_free(m->params);
    lowp_buffer_free(m->grads);
    lowp_buffer_free(m->rope_table);
    free(m->tensors);
    free(m->layer);
    free(m);
}

/* (Re)allocate activations for `rows` token rows of sequences of `seq`. */
lowp_status lowp_model_reserve(struct lowp_model *m, size_t batch, size_t seq)
{
    size_t rows = batch * seq, bt = batch * m->cfg.heads * seq;
    if (rows <= m->cap_rows && bt <= m->cap_bt)
        return LOWP_OK;
    free_activations(m);
    const size_t L = m->cfg.layers, C = m->cfg.dim, V = m->cfg.vocab;
    size_t big = 3 * C > m->fc_out ? 3 * C : m->fc_out;
    struct {
        lowp_buffer **buf;
        size_t elems;
    } plan[] = {
        {&m->tok, rows},        {&m->tgt, rows},           {&m->res, (2 * L + 1) * rows * C},
        {&m->ln, (2 * L + 1) * rows * C}, {&m->mean, (2 * L + 1) * rows}, {&m->rstd, (2 * L + 1) * rows},
        {&m->qkv, L * rows * 3 * C}, {&m->att, L * rows * C}, {&m->lse, L * bt},
        {&m->fc, L * rows * m->fc_out}, {&m->act, L * rows * m->hidden}, {&m->logits, rows * V},
        {&m->dlogits, rows * V}, {&m->losses, rows}, {&m->dres, rows * C},
        {&m->tmp_a, rows * C},  {&m->tmp_b, rows * C},     {&m->big_a, rows * big},
        {&m->big_b, rows * big}, {&m->delta, bt},
    };
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; ++i) {
        lowp_status s = lowp_buffer_alloc(m->ctx, plan[i].elems * sizeof(float), plan[i].buf);
        if (s != LOWP_OK) {
            free_activations(m);
            return s;
        }
    }
    m->cap_rows = rows;
    m->cap_bt = bt;
    return LOWP_OK;
}

const struct lowp_model_config *lowp_model_get_config(const lowp_model *m) { return m == NULL ? NULL : &m->cfg; }
size_t lowp_model_param_count(const lowp_model *m) { return m == NULL ? 0 : m->nparams; }
size_t lowp_model_tensor_count(const lowp_model *m) { return m == NULL ? 0 : m->ntensors; }
const struct lowp_model_tensor *lowp_model_tensors(const lowp_model *m) { return m == NULL ? NULL : m->tensors; }
lowp_buffer *lowp_model_params(lowp_model *m) { return m == NULL ? NULL : m->params; }
lowp_buffer *lowp_model_grads(lowp_model *m) { return m == NULL ? NULL : m->grads; }
lowp_status lowp_model_set_dropout(lowp_model *m, float p)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_ARG(p >= 0.0f && p < 1.0f, "lowp_model_set_dropout: p %g outside [0, 1)", (double)p);
    m->cfg.dropout = p;
    return LOWP_OK;
}

void lowp_model_set_dropout_seed(lowp_model *m, uint64_t seed)
{
    if (m != NULL)
        m->dropout_seed = seed;
}

/* A standard normal from two Philox words (Box-Muller, in double):
 * u1 = (w0 + 0.5) / 2^32 in (0, 1), u2 = w1 / 2^32, z = sqrt(-2 ln u1) cos(2 pi u2). */
static double philox_normal(uint64_t seed, uint64_t stream, uint64_t i)
{
    uint32_t w[4];
    lowp_philox_block(seed, stream, i >> 1, w);
    uint32_t w0 = w[(i & 1) * 2], w1 = w[(i & 1) * 2 + 1];
    double u1 = ((double)w0 + 0.5) / 4294967296.0, u2 = (double)w1 / 4294967296.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

lowp_status lowp_model_init(lowp_model *m, uint64_t seed)
{
    LOWP_CHECK_NOT_NULL(m);
    float *host = calloc(m->nparams, sizeof *host);
    if (host == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_model_init: cannot allocate %zu floats", m->nparams);
    const double resid_std = 0.02 / sqrt(2.0 * (double)m->cfg.layers);
    for (size_t t = 0; t < m->ntensors; ++t) {
        const struct lowp_model_tensor *T = &m->tensors[t];
        float *p = host + T->offset;
        size_t len = strlen(T->name);
        if (T->rank == 1) { /* biases 0, norm gains 1 */
            int gain = strstr(T->name, "ln_") != NULL && strcmp(T->name + len - 7, ".weight") == 0;
            for (size_t i = 0; i < T->count; ++i)
                p[i] = gain ? 1.0f : 0.0f;
            continue;
        }
        double std = strstr(T->name, "c_proj.weight") != NULL ? resid_std : 0.02;
        for (size_t i = 0; i < T->count; ++i) /* stream = tensor index: tensors draw independently */
            p[i] = (float)(std * philox_normal(seed, (uint64_t)t, i));
    }
    lowp_status s = lowp_buffer_write(m->params, 0, host, m->nparams * sizeof(float));
    free(host);
    return s;
}
