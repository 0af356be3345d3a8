/* optim_vectors.c — loader and case table of the optimizer reference
 * trajectories (see optim_vectors.h). */
#include "optim_vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float F(double x) { return (float)x; }
static void s_sgd_plain(struct lowp_optim_hparams *h) { h->lr = F(0.05); }
static void s_sgd_mom(struct lowp_optim_hparams *h) { h->lr = F(0.05); h->momentum = F(0.9); h->dampening = F(0.1); h->weight_decay = F(0.01); }
static void s_sgd_nest(struct lowp_optim_hparams *h) { h->lr = F(0.05); h->momentum = F(0.9); h->flags |= LOWP_OPTIM_FLAG_NESTEROV; h->weight_decay = F(0.001); }
static void s_adamw(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->beta1 = F(0.9); h->beta2 = F(0.999); h->eps = F(1e-8); h->weight_decay = F(0.1); }
static void s_adamw_ams(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->beta1 = F(0.8); h->beta2 = F(0.99); h->eps = F(1e-8); h->weight_decay = F(0.01); h->flags |= LOWP_OPTIM_FLAG_AMSGRAD; }
static void s_lion(struct lowp_optim_hparams *h) { h->lr = F(1e-3); h->beta1 = F(0.9); h->beta2 = F(0.99); h->weight_decay = F(0.1); }
static void s_lamb(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->eps = F(1e-6); h->weight_decay = F(0.01); }
static void s_lamb_albert(struct lowp_optim_hparams *h) { s_lamb(h); h->flags |= LOWP_OPTIM_FLAG_LAMB_NO_BIAS_CORR; }
static void s_sophia(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->beta1 = F(0.965); h->beta2 = F(0.99); h->sophia_rho = F(0.05); h->weight_decay = F(0.1); h->sophia_bs = F(100); h->sophia_interval = 5; }
static void s_spam(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->eps = F(1e-6); h->weight_decay = F(0.01); h->spam_warmup = 4; h->spam_threshold = F(50); h->spam_reset_interval = 10; h->spam_clip_delay = 3; }
static void s_sspam(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->eps = F(1e-8); h->weight_decay = F(0.01); h->sspam_gamma1 = F(0.7); h->sspam_gamma2 = F(0.9); h->sspam_gamma3 = F(0.999); h->sspam_reset_interval = 10; h->sspam_total_T = 0; }
static void s_sspam_decay(struct lowp_optim_hparams *h) { s_sspam(h); h->weight_decay = 0.0f; h->sspam_gamma1 = F(0.85); h->sspam_gamma2 = F(0.999); h->sspam_reset_interval = 8; h->sspam_total_T = 30; h->sspam_eta_min = F(0.5); }
static void s_sspam_clean(struct lowp_optim_hparams *h) { s_sspam(h); h->flags |= LOWP_OPTIM_FLAG_SSPAM_CLEAN_RESET; }
static void s_swan(struct lowp_optim_hparams *h) { h->lr = F(0.01); h->eps = F(1e-8); h->swan_ns_steps = 10; h->swan_ns_beta = 0.5f; }
static void s_sinkgd(struct lowp_optim_hparams *h) { h->lr = F(0.1); h->eps = F(1e-8); h->weight_decay = F(0.01); h->sinkgd_iters = 5; h->sinkgd_lr_scale = F(0.05); }

const struct ov_case ov_cases[] = {
    {"sgd_plain", LOWP_OPTIM_SGD, 0, s_sgd_plain, 1e-6},
    {"sgd_momentum", LOWP_OPTIM_SGD, 0, s_sgd_mom, 1e-6},
    {"sgd_nesterov", LOWP_OPTIM_SGD, 0, s_sgd_nest, 1e-6},
    {"adamw", LOWP_OPTIM_ADAMW, 0, s_adamw, 1e-5},
    {"adamw_amsgrad", LOWP_OPTIM_ADAMW, 0, s_adamw_ams, 1e-5},
    {"adamw_excl", LOWP_OPTIM_ADAMW, 0xA, s_adamw, 1e-5},
    {"lion", LOWP_OPTIM_LION, 0, s_lion, 1e-6},
    {"lamb", LOWP_OPTIM_LAMB, 0xA, s_lamb, 1e-5},
    {"lamb_albert", LOWP_OPTIM_LAMB, 0, s_lamb_albert, 1e-5},
    {"sophia", LOWP_OPTIM_SOPHIA_G, 0, s_sophia, 1e-5},
    {"spam", LOWP_OPTIM_SPAM, 0, s_spam, 1e-5},
    {"stable_spam", LOWP_OPTIM_STABLE_SPAM, 0, s_sspam, 1e-5},
    {"stable_spam_decay", LOWP_OPTIM_STABLE_SPAM, 0, s_sspam_decay, 1e-5},
    {"stable_spam_clean", LOWP_OPTIM_STABLE_SPAM, 0, s_sspam_clean, 1e-5},
    {"swan", LOWP_OPTIM_SWAN, 0, s_swan, 1e-5},
    {"sinkgd", LOWP_OPTIM_SINKGD, 0, s_sinkgd, 1e-5},
};
const size_t ov_case_count = sizeof ov_cases / sizeof ov_cases[0];

const struct ov_case *ov_find(const char *name)
{
    for (size_t i = 0; i < ov_case_count; ++i)
        if (strcmp(ov_cases[i].name, name) == 0) return &ov_cases[i];
    return NULL;
}

static void *read_all(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

/* The files are little-endian whatever the host is. */
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void rdf(float *dst, const unsigned char *src, size_t n)
{
    for (size_t i = 0; i < n; ++i) { uint32_t u = rd32(src + 4 * i); memcpy(&dst[i], &u, 4); }
}

int ov_load(const char *dir, struct ov_data *v)
{
    memset(v, 0, sizeof *v);
    size_t len;
    unsigned char *b = read_all(dir, "grads.bin", &len);
    if (!b || len < 16 || memcmp(b, "LOWPOPTG", 8) != 0) { free(b); return 0; }
    v->nt = rd32(b + 8); v->ns = rd32(b + 12);
    if (v->nt > OV_MAXT || len < 16 + 8 * (size_t)v->nt) { free(b); return 0; }
    for (uint32_t k = 0; k < v->nt; ++k) {
        v->rows[k] = rd32(b + 16 + 8 * k); v->cols[k] = rd32(b + 20 + 8 * k);
        v->total += (size_t)v->rows[k] * v->cols[k];
    }
    size_t off = 16 + 8 * (size_t)v->nt;
    if (len != off + 4 * v->total * (1 + 2 * (size_t)v->ns)) { free(b); return 0; }
    v->init = malloc(4 * v->total); v->grads = malloc(4 * v->total * v->ns); v->gnb = malloc(4 * v->total * v->ns);
    if (!v->init || !v->grads || !v->gnb) { free(b); ov_free(v); return 0; }
    rdf(v->init, b + off, v->total);
    rdf(v->grads, b + off + 4 * v->total, v->total * v->ns);
    rdf(v->gnb, b + off + 4 * v->total * (1 + v->ns), v->total * v->ns);
    free(b);
    return 1;
}

void ov_free(struct ov_data *v)
{
    free(v->init); free(v->grads); free(v->gnb);
    v->init = v->grads = v->gnb = NULL;
}

float *ov_load_traj(const char *dir, const struct ov_data *v, const char *name)
{
    char fn[128];
    size_t len;
    snprintf(fn, sizeof fn, "%s.bin", name);
    unsigned char *b = read_all(dir, fn, &len);
    if (!b || len != 16 + 4 * v->total * v->ns || memcmp(b, "LOWPOPTT", 8) != 0 ||
        rd32(b + 8) != v->ns || rd32(b + 12) != v->total) { free(b); return NULL; }
    float *t = malloc(4 * v->total * v->ns);
    if (t) rdf(t, b + 16, v->total * v->ns);
    free(b);
    return t;
}
