/* model_linear.c — linear layers in the recipe's precision (docs/trainer.md,
 * "Recipes"): fp32 lowp_matmul on fake-quantized operands (FAKE), or
 * lowp_matmul_quantized on packed codes and scales (PACKED).
 *
 * Three products per layer, each with its own reduction dimension K:
 *   forward  y[rows, out]  = x[rows, in] · W^T        K = in   (along rows of x and W)
 *   dgrad    dx[rows, in]  = dy[rows, out] · W         K = out  (along rows of dy, down columns of W)
 *   wgrad    dW[out, in]  += dy^T · x                 K = rows (down columns of dy and x)
 * Blocks always run along K, so the same tensor is quantized in a different
 * direction for different products; quantized copies go to the scratch
 * buffers (q->qa / q->qb fake, q->pa / q->pb packed), master weights and
 * activations are never touched. Both modes quantize to the same values:
 * they differ only in the order of the fp32 sums. */
#include "model/model_linear.h"

#include "core/error.h"
#include "lowp/formats.h"
#include "lowp/hadamard.h"
#include "lowp/matmul.h"
#include "lowp/model.h"
#include "lowp/pqt.h"
#include "model/model_internal.h"

enum role { ROLE_ACT = 0, ROLE_WEIGHT = 1, ROLE_GRAD = 2 };

void lowp_model_recipe_default(lowp_recipe_kind kind, struct lowp_model_recipe *r)
{
    if (r == NULL)
        return;
    *r = (struct lowp_model_recipe){.kind = kind, .rht = 1, .sr = 1, .weights_2d = 1,
                                    .scale_format = LOWP_FORMAT_UE4M3, .hp_layers = 1, .seed = 0,
                                    .gemm = LOWP_RECIPE_GEMM_AUTO, .pqt_bits = 0};
}

lowp_status lowp_model_set_recipe(lowp_model *m, const struct lowp_model_recipe *r)
{
    LOWP_CHECK_NOT_NULL(m);
    LOWP_CHECK_NOT_NULL(r);
    LOWP_CHECK_ARG(r->kind >= LOWP_RECIPE_FP32 && r->kind <= LOWP_RECIPE_NVFP4, "lowp_model_set_recipe: kind %d",
                   (int)r->kind);
    LOWP_CHECK_ARG(r->scale_format == LOWP_FORMAT_UE4M3 || r->scale_format == LOWP_FORMAT_UE5M3 ||
                       r->scale_format == LOWP_FORMAT_E8M0,
                   "lowp_model_set_recipe: scale format %d is not ue4m3, ue5m3 or e8m0", r->scale_format);
    LOWP_CHECK_ARG(r->gemm == LOWP_RECIPE_GEMM_AUTO || r->gemm == LOWP_RECIPE_GEMM_FAKE ||
                       r->gemm == LOWP_RECIPE_GEMM_PACKED,
                   "lowp_model_set_recipe: gemm mode %d is not auto, fake or packed", (int)r->gemm);
    LOWP_CHECK_ARG(r->pqt_bits == 0 || (r->pqt_bits >= LOWP_PQT_MIN_BITS && r->pqt_bits <= LOWP_PQT_MAX_BITS),
                   "lowp_model_set_recipe: pqt_bits %u is not 0 (off) or in [%d, %d]", r->pqt_bits,
                   LOWP_PQT_MIN_BITS, LOWP_PQT_MAX_BITS);
    m->quant.recipe = *r;
    /* AUTO: the packed GEMM where it is not slower (docs/trainer.md) */
    struct lowp_device_info info;
    LOWP_TRY(lowp_context_get_info(m->ctx, &info));
    m->quant.packed = r->gemm == LOWP_RECIPE_GEMM_PACKED ||
                      (r->gemm == LOWP_RECIPE_GEMM_AUTO && info.backend == LOWP_BACKEND_OPENCL &&
                       info.kind == LOWP_DEVICE_KIND_GPU);
    return LOWP_OK;
}

/* Scratch for two operands of up to n floats each. */
static lowp_status reserve(lowp_context *ctx, struct lowp_linear_quant *q, size_t n)
{
    if (n <= q->cap)
        return LOWP_OK;
    lowp_buffer_free(q->qa);
    lowp_buffer_free(q->qb);
    q->qa = q->qb = NULL;
    q->cap = 0;
    LOWP_TRY(lowp_buffer_alloc(ctx, n * sizeof(float), &q->qa));
    LOWP_TRY(lowp_buffer_alloc(ctx, n * sizeof(float), &q->qb));
    q->cap = n;
    return LOWP_OK;
}

/* One operand of a product as the layer holds it: the rows x cols fp32
 * matrix at buf + off (packed, row-major), with K along its columns
 * (kcols = 1, K is the contiguous index) or down them (kcols = 0); rht: the
 * NVFP4 recipe rotates it along K with a random Hadamard of 16 first (wgrad
 * operands). */
struct operand {
    enum role role;
    const lowp_buffer *buf;
    size_t off, rows, cols;
    int kcols, rht;
};

/* Whether the layer's operands are block-quantized (MX, NVFP4) rather than
 * rounded to bf16 (the bf16 recipe, NVFP4's high-precision layers) or kept
 * fp32 (the fp32 recipe, which gets here only with PQT on). */
static int block_quantized(const struct lowp_linear *l)
{
    const struct lowp_model_recipe *r = &l->q->recipe;
    return r->kind != LOWP_RECIPE_FP32 && r->kind != LOWP_RECIPE_BF16 &&
           !(r->kind == LOWP_RECIPE_NVFP4 && l->high_precision);
}

/* PQT replaces this operand's recipe quantization by weight sampling. */
static int pqt_operand(const struct lowp_linear *l, const struct operand *o)
{
    return o->role == ROLE_WEIGHT && l->q->recipe.pqt_bits != 0;
}

/* Whether operand o goes through prep() at all: the fp32 recipe's
 * operands are used as they are, except PQT weights. */
static int needs_prep(const struct lowp_linear *l, const struct operand *o)
{
    return l->q->recipe.kind != LOWP_RECIPE_FP32 || pqt_operand(l, o);
}

/* PQT weight sampling of the weight (stored out x in whichever way the
 * product reads it, so the forward and dgrad products of one step draw the
 * very same noise): purpose 0x05 in place of the SR/RHT 0x04, same step and
 * tensor bits, operand bits 0. */
static lowp_status pqt_prep(lowp_context *ctx, const struct lowp_linear *l, const struct operand *o, lowp_buffer *dst)
{
    struct lowp_pqt_desc d;
    lowp_pqt_desc_init(&d, o->rows, o->cols);
    d.bits = l->q->recipe.pqt_bits;
    d.format = LOWP_FORMAT_BF16; /* the paper's FP casting: the product's operators see bf16 weights */
    d.seed = l->q->recipe.seed;
    d.stream = (l->stream & ~((uint64_t)0xffu << 56 | 3u)) | (uint64_t)0x05u << 56;
    d.x_offset = o->off;
    return lowp_pqt_sample(ctx, &d, o->buf, dst);
}

/* The recipe's block quantization of operand o (blocks along K). */
static struct lowp_quant_desc quant_desc(const struct lowp_linear *l, const struct operand *o)
{
    const struct lowp_model_recipe *r = &l->q->recipe;
    const int grad = o->role == ROLE_GRAD;
    struct lowp_quant_desc d;
    if (r->kind == LOWP_RECIPE_NVFP4) {
        d = lowp_quant_desc_nvfp4(o->rows, o->cols);
        if (r->scale_format == LOWP_FORMAT_E8M0) { /* ablation: power-of-two scales on 16-blocks */
            d = lowp_quant_desc_mx(o->rows, o->cols, LOWP_FORMAT_E2M1);
            d.block = 16;
        } else {
            d.scale_format = (enum lowp_format)r->scale_format;
        }
        d.layout = o->kcols ? LOWP_BLOCK_ROW : LOWP_BLOCK_COL;
        if (o->role == ROLE_WEIGHT && r->weights_2d)
            d.layout = LOWP_BLOCK_TILE2D;
        d.rounding = grad && r->sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE;
    } else {
        enum lowp_format e = r->kind == LOWP_RECIPE_MXFP4 ? LOWP_FORMAT_E2M1
                             : grad                       ? LOWP_FORMAT_E5M2
                                                          : LOWP_FORMAT_E4M3;
        d = lowp_quant_desc_mx(o->rows, o->cols, e);
        d.layout = o->kcols ? LOWP_BLOCK_ROW : LOWP_BLOCK_COL;
        d.rounding = r->kind == LOWP_RECIPE_MXFP4 && grad && r->sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE;
    }
    d.seed = r->seed;
    d.stream = l->stream | (uint64_t)o->role;
    return d;
}

/* The random Hadamard of a wgrad operand: K runs down its columns, each
 * column is rotated in blocks of 16 with the same signs for both operands
 * (they cancel in the product: (H dy)^T (H x) = dy^T x). 0: no rotation. */
static int rht_desc(const struct lowp_linear *l, const struct operand *o, struct lowp_hadamard_desc *h,
                    lowp_status *s)
{
    const struct lowp_model_recipe *r = &l->q->recipe;
    *s = LOWP_OK;
    if (!(o->rht && r->kind == LOWP_RECIPE_NVFP4 && r->rht))
        return 0;
    *s = lowp_hadamard_desc_init(h, o->rows, o->cols);
    h->axis = o->kcols ? LOWP_HADAMARD_AXIS_ROWS : LOWP_HADAMARD_AXIS_COLS;
    h->block = 16;
    h->sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
    h->seed = r->seed;
    h->stream = l->stream | 3u; /* shared by both operands of this wgrad */
    return 1;
}

/* Fake path: the recipe's version of operand o as fp32 in dst
 * (quantize + dequantize, or a bf16 rounding). */
static lowp_status prep(lowp_context *ctx, const struct lowp_linear *l, const struct operand *o, lowp_buffer *dst)
{
    if (pqt_operand(l, o))
        return pqt_prep(ctx, l, o, dst);
    if (!block_quantized(l)) {
        struct lowp_cast_desc c = {.n = o->rows * o->cols, .format = LOWP_FORMAT_BF16,
                                   .rounding = LOWP_ROUNDING_RNE};
        return lowp_cast_round(ctx, &c, o->buf, o->off, dst, 0);
    }
    struct lowp_quant_desc d = quant_desc(l, o);
    struct lowp_hadamard_desc h;
    lowp_status s;
    if (rht_desc(l, o, &h, &s)) {
        LOWP_TRY(s);
        LOWP_TRY(lowp_hadamard(ctx, &h, o->buf, o->off, dst, 0, NULL));
        return lowp_fake_quantize(ctx, &d, dst, 0, dst, 0, NULL);
    }
    LOWP_TRY(s);
    return lowp_fake_quantize(ctx, &d, o->buf, o->off, dst, 0, NULL);
}

/* Packed path scratch for n elements: codes (8 bits at most), one scale per
 * 16 elements at most, one tensor decode scale. */
static lowp_status reserve_packed(lowp_context *ctx, struct lowp_linear_packed *p, size_t n)
{
    if (n <= p->cap)
        return LOWP_OK;
    lowp_buffer_free(p->codes);
    lowp_buffer_free(p->scales);
    lowp_buffer_free(p->ts);
    p->codes = p->scales = p->ts = NULL;
    p->cap = 0;
    LOWP_TRY(lowp_buffer_alloc(ctx, n, &p->codes));
    LOWP_TRY(lowp_buffer_alloc(ctx, n / 16 + 1, &p->scales));
    LOWP_TRY(lowp_buffer_alloc(ctx, sizeof(float), &p->ts));
    p->cap = n;
    return LOWP_OK;
}

/* Packed path: quantize operand o into p (the same codes and scales the
 * fake path dequantizes; the fused Hadamard + quantize gives the bits of
 * the unfused pair) and give its descriptor. */
static lowp_status pack(lowp_context *ctx, const struct lowp_linear *l, const struct operand *o,
                        struct lowp_linear_packed *p, struct lowp_quant_desc *d)
{
    LOWP_TRY(reserve_packed(ctx, p, o->rows * o->cols));
    *d = quant_desc(l, o);
    struct lowp_hadamard_desc h;
    lowp_status s;
    if (rht_desc(l, o, &h, &s)) {
        LOWP_TRY(s);
        return lowp_hadamard_quantize(ctx, &h, d, o->buf, o->off, p->codes, 0, p->scales, 0, p->ts, 0, NULL);
    }
    LOWP_TRY(s);
    return lowp_quantize(ctx, d, o->buf, o->off, p->codes, 0, p->scales, 0, p->ts, 0, NULL);
}

static lowp_status gemm(lowp_context *ctx, size_t m, size_t n, size_t k, int ta, int tb, const lowp_buffer *a,
                        size_t a_off, const lowp_buffer *b, size_t b_off, float beta, lowp_buffer *c, size_t c_off)
{
    struct lowp_matmul_desc d;
    lowp_matmul_desc_init(&d, m, n, k);
    d.trans_a = ta ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    d.trans_b = tb ? LOWP_MATMUL_TRANS_T : LOWP_MATMUL_TRANS_N;
    d.lda = ta ? m : k;
    d.ldb = tb ? k : n;
    d.ldc = n;
    d.beta = beta;
    d.offset_a = a_off;
    d.offset_b = b_off;
    d.offset_c = c_off;
    return lowp_matmul(ctx, &d, a, b, c);
}

/* C[m, n] (at c + c_off, ld n) = beta C + A B^T, A holding m x K and B
 * n x K (each stored K-contiguous when its kcols, else transposed), in the
 * recipe's precision. */
static lowp_status product(lowp_context *ctx, const struct lowp_linear *l, const struct operand *a,
                           const struct operand *b, size_t m, size_t n, size_t k, float beta, lowp_buffer *c,
                           size_t c_off)
{
    struct lowp_linear_quant *q = l->q;
    if (q != NULL && q->packed && block_quantized(l) && !pqt_operand(l, a) && !pqt_operand(l, b)) {
        struct lowp_qmatmul_desc d;
        lowp_qmatmul_desc_init(&d, m, n, k, NULL);
        LOWP_TRY(pack(ctx, l, a, &q->pa, &d.a));
        LOWP_TRY(pack(ctx, l, b, &q->pb, &d.b));
        d.trans_a = a->kcols ? LOWP_MATMUL_TRANS_N : LOWP_MATMUL_TRANS_T;
        d.trans_b = b->kcols ? LOWP_MATMUL_TRANS_N : LOWP_MATMUL_TRANS_T;
        d.beta = beta;
        d.offset_c = c_off;
        return lowp_matmul_quantized(ctx, &d, q->pa.codes, q->pa.scales, q->pa.ts, q->pb.codes, q->pb.scales,
                                     q->pb.ts, c);
    }
    const lowp_buffer *ab = a->buf, *bb = b->buf;
    size_t ao = a->off, bo = b->off;
    if (q != NULL) {
        size_t na = a->rows * a->cols, nb = b->rows * b->cols;
        LOWP_TRY(reserve(ctx, q, na > nb ? na : nb));
        if (needs_prep(l, a)) {
            LOWP_TRY(prep(ctx, l, a, q->qa));
            ab = q->qa, ao = 0;
        }
        if (needs_prep(l, b)) {
            LOWP_TRY(prep(ctx, l, b, q->qb));
            bb = q->qb, bo = 0;
        }
    }
    /* A is m x K stored as is (kcols) or K x m (T); B n x K (T) or K x n */
    return gemm(ctx, m, n, k, !a->kcols, b->kcols, ab, ao, bb, bo, beta, c, c_off);
}

lowp_status lowp_linear_forward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                lowp_buffer *y, size_t y_offset)
{
    /* y[rows, out] = x[rows, in] W[out, in]^T, K = in */
    struct operand a = {ROLE_ACT, x, x_offset, l->rows, l->in, 1, 0};
    struct operand w = {ROLE_WEIGHT, l->w, l->w_offset, l->out, l->in, 1, 0};
    LOWP_TRY(product(ctx, l, &a, &w, l->rows, l->out, l->in, 0.0f, y, y_offset));
    if (l->b == NULL)
        return LOWP_OK;
    struct lowp_bias_desc bd = {.rows = l->rows, .cols = l->out, .b_offset = l->b_offset, .y_offset = y_offset};
    return lowp_bias_add(ctx, &bd, l->b, y);
}

lowp_status lowp_linear_backward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                 const lowp_buffer *dy, size_t dy_offset, lowp_buffer *dx, size_t dx_offset,
                                 int dx_accumulate, lowp_buffer *dw, size_t dw_offset, lowp_buffer *db,
                                 size_t db_offset)
{
    if (dx != NULL) { /* dx[rows, in] (+)= dy[rows, out] W[out, in], K = out */
        struct operand g = {ROLE_GRAD, dy, dy_offset, l->rows, l->out, 1, 0};
        struct operand w = {ROLE_WEIGHT, l->w, l->w_offset, l->out, l->in, 0, 0};
        LOWP_TRY(product(ctx, l, &g, &w, l->rows, l->in, l->out, dx_accumulate ? 1.0f : 0.0f, dx, dx_offset));
    }
    /* dW[out, in] += dy^T[out, rows] x[rows, in], K = rows */
    struct operand g = {ROLE_GRAD, dy, dy_offset, l->rows, l->out, 0, 1};
    struct operand a = {ROLE_ACT, x, x_offset, l->rows, l->in, 0, 1};
    LOWP_TRY(product(ctx, l, &g, &a, l->out, l->in, l->rows, 1.0f, dw, dw_offset));
    if (l->b == NULL || db == NULL)
        return LOWP_OK;
    struct lowp_bias_desc bd = {.rows = l->rows, .cols = l->out, .b_offset = db_offset, .y_offset = dy_offset};
    return lowp_bias_grad(ctx, &bd, dy, db);
}
