/* config.c — run configuration: presets, strict `key = value` files,
 * command-line overrides, validation, and the canonical text form that is
 * saved beside every run and inside every checkpoint. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "fileio.h"
#include "lowp/pqt.h"
#include "lowp/train.h"

enum key_type { K_STR, K_U32, K_U64, K_F64, K_SCHEDULE, K_BOOL };

struct key_def {
    const char *name;
    enum key_type type;
    size_t offset, size; /* size: capacity for strings */
};

#define KEY(name, field, type) {name, type, offsetof(struct lowp_train_config, field), \
                                sizeof(((struct lowp_train_config *)0)->field)}
static const struct key_def keys[] = {
    KEY("device", device, K_STR),
    KEY("recipe", recipe, K_STR),
    KEY("rht", rht, K_BOOL),
    KEY("sr", sr, K_BOOL),
    KEY("2d_weights", weights_2d, K_BOOL),
    KEY("scale", scale, K_STR),
    KEY("hp_layers", hp_layers, K_U32),
    KEY("gemm", gemm, K_STR),
    KEY("pqt_bits", pqt_bits, K_U32),
    KEY("bf16_tail", bf16_tail, K_U32),
    KEY("optim", optim, K_STR),
    KEY("data", data, K_STR),
    KEY("out", out_dir, K_STR),
    KEY("val_fraction", val_fraction, K_F64),
    KEY("n_layer", n_layer, K_U32),
    KEY("n_head", n_head, K_U32),
    KEY("n_embd", n_embd, K_U32),
    KEY("context", context, K_U32),
    KEY("dropout", dropout, K_F64),
    KEY("batch", batch, K_U32),
    KEY("steps", steps, K_U64),
    KEY("seed", seed, K_U64),
    KEY("lr", lr, K_F64),
    KEY("min_lr", min_lr, K_F64),
    KEY("warmup_steps", warmup_steps, K_U64),
    KEY("lr_decay_steps", lr_decay_steps, K_U64),
    KEY("schedule", schedule, K_SCHEDULE),
    KEY("beta1", beta1, K_F64),
    KEY("beta2", beta2, K_F64),
    KEY("eps", eps, K_F64),
    KEY("weight_decay", weight_decay, K_F64),
    KEY("grad_clip", grad_clip, K_F64),
    KEY("sophia_rho", sophia_rho, K_F64),
    KEY("hess_interval", hess_interval, K_U32),
    KEY("hess_clip", hess_clip, K_F64),
    KEY("eval_every", eval_every, K_U64),
    KEY("eval_batches", eval_batches, K_U32),
    KEY("log_every", log_every, K_U64),
    KEY("checkpoint_every", checkpoint_every, K_U64),
    KEY("resume", resume, K_BOOL),
};
#undef KEY
#define NKEYS (sizeof keys / sizeof keys[0])

static void copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

lowp_status lowp_train_config_preset(const char *name, struct lowp_train_config *cfg)
{
    LOWP_CHECK_NOT_NULL(name);
    LOWP_CHECK_NOT_NULL(cfg);
    struct lowp_train_config c;
    memset(&c, 0, sizeof c);
    /* Shared by both presets: nanoGPT's config/train_shakespeare_char.py on
     * top of its train.py defaults. */
    copy_name(c.recipe, sizeof c.recipe, "fp32");
    copy_name(c.optim, sizeof c.optim, "adamw");
    c.rht = c.sr = c.weights_2d = 1;
    copy_name(c.scale, sizeof c.scale, "ue4m3");
    c.hp_layers = 1;
    copy_name(c.gemm, sizeof c.gemm, "auto");
    copy_name(c.data, sizeof c.data, "data/tinyshakespeare.txt");
    c.val_fraction = 0.1;
    c.seed = 1337;
    c.lr = 1e-3;
    c.min_lr = 1e-4;
    c.warmup_steps = 100;
    c.lr_decay_steps = 0;
    c.schedule = LOWP_LR_COSINE;
    c.beta1 = 0.9;
    c.beta2 = 0.99;
    c.eps = 1e-8;
    c.weight_decay = 0.1;
    c.grad_clip = 1.0;
    /* Sophia-G: rho 0.05 and k = 10 as the official GPT-2 small config
     * (train_gpt2_small_sophiag.py); bs is the batch's token count, so rho is
     * the paper's gamma. The GNB gradient is not clipped (the paper's
     * estimator; the official script clips it with grad_clip). */
    c.sophia_rho = 0.05;
    c.hess_interval = 10;
    c.hess_clip = 0.0;
    c.eval_every = 250;
    c.log_every = 10;
    c.checkpoint_every = 0;
    c.resume = 0;
    if (strcmp(name, "small") == 0) {
        /* nanoGPT's README recipe for a CPU: the same config shrunk. */
        c.n_layer = 4;
        c.n_head = 4;
        c.n_embd = 128;
        c.context = 64;
        c.batch = 12;
        c.steps = 2000;
        c.dropout = 0.0;
        c.eval_batches = 20;
        copy_name(c.out_dir, sizeof c.out_dir, "out/small");
    } else if (strcmp(name, "gpt10m") == 0) {
        c.n_layer = 6;
        c.n_head = 6;
        c.n_embd = 384;
        c.context = 256;
        c.batch = 64;
        c.steps = 5000;
        c.dropout = 0.2;
        c.eval_batches = 200;
        copy_name(c.out_dir, sizeof c.out_dir, "out/gpt10m");
    } else {
        return lowp_error(LOWP_ERR_INVALID_ARG, "unknown preset '%s' (known: small, gpt10m)", name);
    }
    copy_name(c.preset, sizeof c.preset, name);
    *cfg = c;
    return LOWP_OK;
}

static const struct key_def *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; ++i)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int parse_u64(const char *v, uint64_t max, uint64_t *out)
{
    if (!isdigit((unsigned char)v[0]))
        return 0; /* no sign, no spaces, no empty value */
    errno = 0;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno != 0 || *end != '\0' || x > max)
        return 0;
    *out = (uint64_t)x;
    return 1;
}

static int parse_f64(const char *v, double *out)
{
    if (v[0] == '\0' || isspace((unsigned char)v[0]))
        return 0;
    errno = 0;
    char *end;
    double x = strtod(v, &end);
    if (errno == ERANGE && fabs(x) > 1.0)
        return 0;
    if (*end != '\0' || !isfinite(x))
        return 0;
    *out = x;
    return 1;
}

lowp_status lowp_train_config_set(struct lowp_train_config *cfg, const char *key, const char *value)
{
    LOWP_CHECK_NOT_NULL(cfg);
    LOWP_CHECK_NOT_NULL(key);
    LOWP_CHECK_NOT_NULL(value);
    if (strcmp(key, "preset") == 0)
        return lowp_train_config_preset(value, cfg);
    const struct key_def *k = find_key(key);
    if (!k)
        return lowp_error(LOWP_ERR_INVALID_ARG, "unknown key '%s'", key);
    char *field = (char *)cfg + k->offset;
    uint64_t u;
    double f;
    switch (k->type) {
    case K_STR:
        if (strlen(value) >= k->size)
            return lowp_error(LOWP_ERR_INVALID_ARG, "%s: value is longer than %zu bytes", key, k->size - 1);
        for (const char *p = value; *p; ++p)
            if ((unsigned char)*p < 0x20 || *p == '"')
                return lowp_error(LOWP_ERR_INVALID_ARG, "%s: value '%s' holds a control character or a quote",
                                  key, value);
        memcpy(field, value, strlen(value) + 1);
        return LOWP_OK;
    case K_U32:
        if (!parse_u64(value, UINT32_MAX, &u))
            return lowp_error(LOWP_ERR_INVALID_ARG, "%s: '%s' is not an integer in [0, %u]", key, value,
                              (unsigned)UINT32_MAX);
        *(uint32_t *)(void *)field = (uint32_t)u;
        return LOWP_OK;
    case K_U64:
        if (!parse_u64(value, UINT64_MAX, &u))
            return lowp_error(LOWP_ERR_INVALID_ARG, "%s: '%s' is not a non-negative integer", key, value);
        *(uint64_t *)(void *)field = u;
        return LOWP_OK;
    case K_F64:
        if (!parse_f64(value, &f))
            return lowp_error(LOWP_ERR_INVALID_ARG, "%s: '%s' is not a finite number", key, value);
        *(double *)(void *)field = f;
        return LOWP_OK;
    case K_SCHEDULE:
        if (strcmp(value, "cosine") == 0)
            cfg->schedule = LOWP_LR_COSINE;
        else if (strcmp(value, "constant") == 0)
            cfg->schedule = LOWP_LR_CONSTANT;
        else
            return lowp_error(LOWP_ERR_INVALID_ARG, "schedule: '%s' is not one of cosine, constant", value);
        return LOWP_OK;
    case K_BOOL:
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "on") == 0)
            *(int *)(void *)field = 1;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || strcmp(value, "off") == 0)
            *(int *)(void *)field = 0;
        else
            return lowp_error(LOWP_ERR_INVALID_ARG, "%s: '%s' is not true, false, on, off, 1 or 0", key, value);
        return LOWP_OK;
    }
    return lowp_error(LOWP_ERR_INVALID_ARG, "%s: internal key type", key);
}

/* ------------------------------------------------------------- files */

struct line_kv {
    char *key, *value;
    int line;
};

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        ++s;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

/* Split the text into key/value pairs in place. Returns the count, or -1
 * with the error set. */
static int parse_lines(char *text, const char *path, struct line_kv *kv, int cap)
{
    int n = 0, line = 0;
    char *p = text;
    while (*p) {
        ++line;
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        if (eol)
            *eol = 0;
        char *s = p;
        p = next;
        /* A comment or blank line; '#' inside quotes is handled below. */
        char *eq = strchr(s, '=');
        char *hash = strchr(s, '#');
        if (hash && (!eq || hash < eq)) {
            *hash = 0;
            if (*trim(s) != 0) {
                lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: expected 'key = value'", path, line);
                return -1;
            }
            continue;
        }
        if (!eq) {
            if (*trim(s) != 0) {
                lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: expected 'key = value', got '%s'", path, line, trim(s));
                return -1;
            }
            continue;
        }
        *eq = 0;
        char *key = trim(s);
        char *val = eq + 1;
        while (isspace((unsigned char)*val))
            ++val;
        if (*val == '"') {
            char *close = strchr(val + 1, '"');
            if (!close) {
                lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: unterminated quote", path, line);
                return -1;
            }
            *close = 0;
            char *rest = trim(close + 1);
            if (*rest != 0 && *rest != '#') {
                lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: unexpected text after the quoted value", path, line);
                return -1;
            }
            ++val;
        } else {
            char *h = strchr(val, '#');
            if (h)
                *h = 0;
            val = trim(val);
        }
        if (*key == 0) {
            lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: missing key before '='", path, line);
            return -1;
        }
        for (int i = 0; i < n; ++i)
            if (strcmp(kv[i].key, key) == 0) {
                lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: key '%s' repeats line %d", path, line, key, kv[i].line);
                return -1;
            }
        if (n == cap) {
            lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: more than %d keys", path, line, cap);
            return -1;
        }
        kv[n].key = key;
        kv[n].value = val;
        kv[n].line = line;
        ++n;
    }
    return n;
}

#define MAX_FILE_KEYS 64

/* Apply a file to cfg (a scratch copy). `preset_override`: a preset already
 * chosen on the command line, which beats the file's own preset line. */
static lowp_status load_file(struct lowp_train_config *cfg, const char *path, const char *preset_override)
{
    uint8_t *text;
    size_t size;
    LOWP_TRY(lowp_file_read_all(path, &text, &size));
    if (memchr(text, 0, size)) {
        free(text);
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: not a text file (holds a NUL byte)", path);
    }
    struct line_kv kv[MAX_FILE_KEYS];
    int n = parse_lines((char *)text, path, kv, MAX_FILE_KEYS);
    lowp_status s = n < 0 ? LOWP_ERR_INVALID_ARG : LOWP_OK;
    for (int i = 0; s == LOWP_OK && i < n; ++i) {
        if (strcmp(kv[i].key, "preset") == 0) {
            if (i != 0) {
                s = lowp_error(LOWP_ERR_INVALID_ARG, "%s:%d: 'preset' must come before every other key", path,
                               kv[i].line);
                break;
            }
            if (preset_override)
                continue;
        }
        s = lowp_train_config_set(cfg, kv[i].key, kv[i].value);
        if (s != LOWP_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", lowp_last_error());
            s = lowp_error(s, "%s:%d: %s", path, kv[i].line, msg);
        }
    }
    free(text);
    return s;
}

lowp_status lowp_train_config_load(struct lowp_train_config *cfg, const char *path)
{
    LOWP_CHECK_NOT_NULL(cfg);
    LOWP_CHECK_NOT_NULL(path);
    struct lowp_train_config c = *cfg;
    LOWP_TRY(load_file(&c, path, NULL));
    *cfg = c;
    return LOWP_OK;
}

/* ------------------------------------------------------- command line */

/* "--eval-every" -> "eval_every"; NULL unless it starts with "--". */
static int flag_key(const char *arg, char *key, size_t cap, const char **inline_value)
{
    if (strncmp(arg, "--", 2) != 0 || arg[2] == 0)
        return 0;
    const char *s = arg + 2;
    const char *eq = strchr(s, '=');
    size_t n = eq ? (size_t)(eq - s) : strlen(s);
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; ++i)
        key[i] = s[i] == '-' ? '_' : s[i];
    key[n] = 0;
    *inline_value = eq ? eq + 1 : NULL;
    return 1;
}

/* "no_KEY" where KEY is a boolean key. */
static int is_no_flag(const char *key)
{
    if (strncmp(key, "no_", 3) != 0)
        return 0;
    const struct key_def *k = find_key(key + 3);
    return k != NULL && k->type == K_BOOL && strcmp(key + 3, "resume") != 0;
}

static int file_preset(const char *path, char *out, size_t cap)
{
    /* The file's preset line, if any (errors surface later in load_file). */
    uint8_t *text;
    size_t size;
    if (lowp_file_read_all(path, &text, &size) != LOWP_OK)
        return 0;
    struct line_kv kv[MAX_FILE_KEYS];
    int n = parse_lines((char *)text, path, kv, MAX_FILE_KEYS);
    int found = 0;
    if (n > 0 && strcmp(kv[0].key, "preset") == 0) {
        snprintf(out, cap, "%s", kv[0].value);
        found = 1;
    }
    free(text);
    return found;
}

lowp_status lowp_train_config_from_args(int argc, char *const *argv, struct lowp_train_config *cfg)
{
    LOWP_CHECK_NOT_NULL(cfg);
    LOWP_CHECK_ARG(argc == 0 || argv != NULL, "%s: argv is NULL", __func__);
    const char *preset = NULL, *config = NULL;
    char key[64];
    /* Pass 1: the preset and the config file, wherever they stand. */
    for (int i = 1; i < argc; ++i) {
        const char *inl;
        if (!flag_key(argv[i], key, sizeof key, &inl))
            return lowp_error(LOWP_ERR_INVALID_ARG, "unexpected argument '%s' (options are --key value)", argv[i]);
        if ((strcmp(key, "resume") == 0 || is_no_flag(key)) && !inl)
            continue;
        const char *val = inl;
        if (!val) {
            if (i + 1 >= argc)
                return lowp_error(LOWP_ERR_INVALID_ARG, "option '%s' needs a value", argv[i]);
            val = argv[++i];
        }
        if (strcmp(key, "preset") == 0)
            preset = val;
        else if (strcmp(key, "config") == 0)
            config = val;
    }
    struct lowp_train_config c;
    char fpreset[LOWP_TRAIN_NAME_MAX];
    if (!preset && config && file_preset(config, fpreset, sizeof fpreset))
        preset = fpreset;
    LOWP_TRY(lowp_train_config_preset(preset ? preset : "small", &c));
    if (config)
        LOWP_TRY(load_file(&c, config, preset));
    /* Pass 2: every other flag, in order. */
    for (int i = 1; i < argc; ++i) {
        const char *inl = NULL;
        flag_key(argv[i], key, sizeof key, &inl);
        if (strcmp(key, "resume") == 0 && !inl) {
            c.resume = 1;
            continue;
        }
        if (is_no_flag(key) && !inl) { /* --no-rht, --no-sr: a boolean key set to false */
            LOWP_TRY(lowp_train_config_set(&c, key + 3, "false"));
            continue;
        }
        const char *val = inl ? inl : argv[++i];
        if (strcmp(key, "preset") == 0 || strcmp(key, "config") == 0)
            continue;
        if (!find_key(key))
            return lowp_error(LOWP_ERR_INVALID_ARG, "unknown option '%s'", argv[inl ? i : i - 1]);
        lowp_status s = lowp_train_config_set(&c, key, val);
        if (s != LOWP_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", lowp_last_error());
            return lowp_error(s, "command line: %s", msg);
        }
    }
    LOWP_TRY(lowp_train_config_validate(&c));
    *cfg = c;
    return LOWP_OK;
}

/* ------------------------------------------------------------ checks */

#define BAD(...) return lowp_error(LOWP_ERR_INVALID_ARG, __VA_ARGS__)

static int name_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; ++s)
        if (!isalnum((unsigned char)*s) && !strchr("_-.+", *s))
            return 0;
    return 1;
}

lowp_status lowp_train_config_validate(const struct lowp_train_config *c)
{
    LOWP_CHECK_NOT_NULL(c);
    if (!name_ok(c->recipe))
        BAD("recipe '%s' is not a name (letters, digits, _ - . +)", c->recipe);
    if (strcmp(c->scale, "ue4m3") != 0 && strcmp(c->scale, "ue5m3") != 0 && strcmp(c->scale, "e8m0") != 0)
        BAD("scale '%s' is not one of ue4m3, ue5m3, e8m0", c->scale);
    if (strcmp(c->gemm, "auto") != 0 && strcmp(c->gemm, "packed") != 0 && strcmp(c->gemm, "fake") != 0)
        BAD("gemm '%s' is not one of auto, packed, fake", c->gemm);
    if (c->pqt_bits != 0 && (c->pqt_bits < LOWP_PQT_MIN_BITS || c->pqt_bits > LOWP_PQT_MAX_BITS))
        BAD("pqt_bits %u is not 0 (off) or in [%d, %d]", c->pqt_bits, LOWP_PQT_MIN_BITS, LOWP_PQT_MAX_BITS);
    if (c->bf16_tail != 0 && strcmp(c->recipe, "mxfp8") != 0 && strcmp(c->recipe, "mxfp4") != 0 &&
        strcmp(c->recipe, "nvfp4") != 0)
        BAD("bf16_tail %u: only the mxfp8, mxfp4 and nvfp4 recipes switch to bf16 at the end, not '%s'",
            c->bf16_tail, c->recipe);
    if (!name_ok(c->optim))
        BAD("optim '%s' is not a name (letters, digits, _ - . +)", c->optim);
    if (!c->data[0])
        BAD("data: no data file given");
    if (!c->out_dir[0])
        BAD("out: no output folder given");
    if (!(c->val_fraction > 0.0 && c->val_fraction < 1.0))
        BAD("val_fraction %g is not in (0, 1)", c->val_fraction);
    if (c->n_layer == 0 || c->n_head == 0 || c->n_embd == 0 || c->context == 0 || c->batch == 0)
        BAD("n_layer, n_head, n_embd, context and batch must be positive (got %u, %u, %u, %u, %u)", c->n_layer,
            c->n_head, c->n_embd, c->context, c->batch);
    if (c->n_embd % c->n_head != 0)
        BAD("n_embd %u is not a multiple of n_head %u", c->n_embd, c->n_head);
    if (!(c->dropout >= 0.0 && c->dropout < 1.0))
        BAD("dropout %g is not in [0, 1)", c->dropout);
    if (c->steps == 0)
        BAD("steps must be positive");
    if (c->steps >= (UINT64_C(1) << 56))
        BAD("steps %llu is beyond 2^56", (unsigned long long)c->steps);
    if (!(c->lr > 0.0))
        BAD("lr %g must be positive", c->lr);
    if (!(c->min_lr >= 0.0 && c->min_lr <= c->lr))
        BAD("min_lr %g is not in [0, lr = %g]", c->min_lr, c->lr);
    /* warmup_steps beyond the horizon is allowed (a short smoke run of a
     * preset never leaves its warmup), as in nanoGPT. */
    if (!(c->beta1 >= 0.0 && c->beta1 < 1.0))
        BAD("beta1 %g is not in [0, 1)", c->beta1);
    if (!(c->beta2 >= 0.0 && c->beta2 < 1.0))
        BAD("beta2 %g is not in [0, 1)", c->beta2);
    if (!(c->eps > 0.0))
        BAD("eps %g must be positive", c->eps);
    if (!(c->weight_decay >= 0.0))
        BAD("weight_decay %g must be >= 0", c->weight_decay);
    if (!(c->grad_clip >= 0.0))
        BAD("grad_clip %g must be >= 0 (0 = off)", c->grad_clip);
    if (!(c->sophia_rho >= 0.0))
        BAD("sophia_rho %g must be >= 0", c->sophia_rho);
    if (c->hess_interval == 0)
        BAD("hess_interval must be positive (Hessian refresh after every k-th step)");
    if (!(c->hess_clip >= 0.0))
        BAD("hess_clip %g must be >= 0 (0 = off)", c->hess_clip);
    if (c->eval_every == 0)
        BAD("eval_every must be positive");
    if (c->eval_batches == 0)
        BAD("eval_batches must be positive");
    if (c->log_every == 0)
        BAD("log_every must be positive");
    return LOWP_OK;
}

lowp_status lowp_train_config_compatible(const struct lowp_train_config *saved, const struct lowp_train_config *now)
{
    LOWP_CHECK_NOT_NULL(saved);
    LOWP_CHECK_NOT_NULL(now);
    /* Keys that change what the run computes; the rest (steps, intervals,
     * device, out, resume, and gemm: packed and fake GEMMs see the same
     * quantized values, only the fp32 summation order differs, as between
     * devices) may differ. */
    static const char *const must_match[] = {
        "recipe", "rht", "sr", "2d_weights", "scale", "hp_layers", "pqt_bits", "bf16_tail", "optim", "data", "val_fraction", "n_layer", "n_head", "n_embd", "context", "dropout",
        "batch", "seed", "lr", "min_lr", "warmup_steps", "schedule", "beta1", "beta2",
        "eps", "weight_decay", "grad_clip", "sophia_rho", "hess_interval", "hess_clip", "eval_batches"};
    for (size_t i = 0; i < sizeof must_match / sizeof must_match[0]; ++i) {
        const struct key_def *k = find_key(must_match[i]);
        const char *a = (const char *)saved + k->offset, *b = (const char *)now + k->offset;
        int same = k->type == K_STR ? strcmp(a, b) == 0 : memcmp(a, b, k->size) == 0;
        if (k->type == K_F64)
            same = *(const double *)(const void *)a == *(const double *)(const void *)b;
        if (!same)
            BAD("the checkpoint was written with a different '%s'; resume with the same value", k->name);
    }
    /* lr_decay_steps = 0 means "steps", so a changed steps moves the schedule. */
    if (lowp_train_config_decay_steps(saved) != lowp_train_config_decay_steps(now))
        BAD("the checkpoint's decay horizon is %llu steps, now %llu; set lr_decay_steps to keep it",
            (unsigned long long)lowp_train_config_decay_steps(saved),
            (unsigned long long)lowp_train_config_decay_steps(now));
    return LOWP_OK;
}

/* ------------------------------------------------------------ output */

struct sbuf {
    char *buf;
    size_t len, used;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) LOWP_PRINTF(2, 3);
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->used < b->len ? b->len - b->used : 0;
    int k = vsnprintf(room ? b->buf + b->used : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->used += (size_t)k;
}

size_t lowp_train_config_format(const struct lowp_train_config *cfg, char *buf, size_t len)
{
    struct sbuf b = {buf, len, 0};
    if (buf && len)
        buf[0] = 0;
    if (!cfg)
        return 0;
    sb_printf(&b, "preset = %s\n", cfg->preset[0] ? cfg->preset : "small");
    for (size_t i = 0; i < NKEYS; ++i) {
        const struct key_def *k = &keys[i];
        const char *field = (const char *)cfg + k->offset;
        switch (k->type) {
        case K_STR: sb_printf(&b, "%s = \"%s\"\n", k->name, field); break;
        case K_U32: sb_printf(&b, "%s = %u\n", k->name, *(const uint32_t *)(const void *)field); break;
        case K_U64:
            sb_printf(&b, "%s = %llu\n", k->name, (unsigned long long)*(const uint64_t *)(const void *)field);
            break;
        case K_F64: sb_printf(&b, "%s = %.17g\n", k->name, *(const double *)(const void *)field); break;
        case K_SCHEDULE:
            sb_printf(&b, "%s = %s\n", k->name, cfg->schedule == LOWP_LR_CONSTANT ? "constant" : "cosine");
            break;
        case K_BOOL: sb_printf(&b, "%s = %s\n", k->name, *(const int *)(const void *)field ? "true" : "false"); break;
        }
    }
    return b.used;
}
