/* model_internal.h — the lowp_model object shared by the files of src/model. */
#ifndef LOWP_MODEL_INTERNAL_H
#define LOWP_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/basic.h"
#include "lowp/model.h"

#define LOWP_MODEL_NONE ((size_t)-1) /* a tensor this configuration does not have */

/* Tensor indices of one block. */
struct lowp_model_layer {
    size_t ln1_g, ln1_b, qkv_w, qkv_b, proj_w, proj_b, ln2_g, ln2_b, fc_w, fc_b, fc2_w, fc2_b;
};

/* Op categories of the step profile (bench/bench_model.c). */
enum {
    LOWP_PROF_EMBED, LOWP_PROF_NORM, LOWP_PROF_LINEAR, LOWP_PROF_ROPE, LOWP_PROF_ATTENTION, LOWP_PROF_ACT,
    LOWP_PROF_RESIDUAL, LOWP_PROF_XENT, LOWP_PROF_COUNT
};
static const char *const lowp_prof_names[LOWP_PROF_COUNT] = {"embedding", "norm", "linear", "rope", "attention",
                                                             "mlp act", "dropout+residual", "cross-entropy"};

/* The recipe and the scratch its fake-quantized operands go to (model_linear.c). */
/* One packed quantized operand: codes, block scales, tensor decode scale. */
struct lowp_linear_packed {
    lowp_buffer *codes, *scales, *ts;
    size_t cap; /* elements it can hold (codes cap bytes, scales cap/16 bytes) */
};

struct lowp_linear_quant {
    struct lowp_model_recipe recipe;
    int packed;           /* recipe.gemm resolved for the model's device */
    lowp_buffer *qa, *qb; /* fake path: scratch operands, cap floats each */
    size_t cap;
    struct lowp_linear_packed pa, pb; /* packed path: the two operands of a product */
};

struct lowp_model {
    struct lowp_linear_quant quant;
    double *prof; /* NULL, or LOWP_PROF_COUNT seconds accumulated per op category */
    lowp_context *ctx;
    struct lowp_model_config cfg;
    size_t hidden;    /* MLP hidden width F */
    size_t fc_out;    /* F (gelu) or 2F (swiglu) */
    struct lowp_model_tensor *tensors;
    size_t ntensors, nparams;
    size_t wte, wpe, lnf_g, lnf_b, head; /* tensor indices (LOWP_MODEL_NONE when absent) */
    struct lowp_model_layer *layer;
    lowp_buffer *params, *grads, *rope_table;

    /* Activations for up to cap_rows = batch * seq token rows. */
    size_t cap_rows, cap_bt; /* rows allocated; batch*heads*seq allocated for lse */
    size_t batch, seq;       /* shape of the last forward */
    int have_targets;
    int have_logits; /* the last forward ran to its logits (lowp_model_set_targets may follow) */
    float grad_scale;
    uint64_t step, dropout_seed;
    lowp_buffer *tok, *tgt;
    lowp_buffer *res;         /* (2L+1) x rows x C: x_l at 2l, after attention at 2l+1, final at 2L */
    lowp_buffer *ln;          /* (2L+1) x rows x C: ln_1 at 2l, ln_2 at 2l+1, ln_f at 2L */
    lowp_buffer *mean, *rstd; /* (2L+1) x rows */
    lowp_buffer *qkv;         /* L x rows x 3C (after rope) */
    lowp_buffer *att;         /* L x rows x C */
    lowp_buffer *lse;         /* L x batch*heads*seq */
    lowp_buffer *fc;          /* L x rows x fc_out */
    lowp_buffer *act;         /* L x rows x F */
    lowp_buffer *logits, *dlogits, *losses;
    lowp_buffer *dres, *tmp_a, *tmp_b, *big_a, *big_b, *delta;
};

/* Offset of tensor i, or 0 for an absent tensor (its op ignores it). */
static inline size_t lowp_model_off(const struct lowp_model *m, size_t i)
{
    return i == LOWP_MODEL_NONE ? 0 : m->tensors[i].offset;
}

/* (Re)allocate activations for batch x seq token rows (model.c). */
lowp_status lowp_model_reserve(struct lowp_model *m, size_t batch, size_t seq);

/* safetensors (src/model/safetensors.c). */
struct lowp_st_tensor {
    char name[128];
    char dtype[8];
    size_t rank, shape[4];
    size_t begin, end; /* byte range inside the data section */
};
struct lowp_st_file {
    unsigned char *data; /* the data section */
    size_t data_len;
    struct lowp_st_tensor *tensors;
    size_t count;
};
/* Parse a whole file; every malformation is LOWP_ERR_CORRUPT naming the file and the problem. */
lowp_status lowp_st_read(const char *path, struct lowp_st_file *f);
void lowp_st_free(struct lowp_st_file *f);
const struct lowp_st_tensor *lowp_st_find(const struct lowp_st_file *f, const char *name);
/* Write F32 tensors: names[i], shapes, data pointers (host). */
lowp_status lowp_st_write(const char *path, size_t count, const char *const *names, const size_t *ranks,
                          const size_t (*shapes)[2], const float *const *data);

#endif
