/* model_linear.c — linear layers on lowp_matmul, with the recipe's fake
 * quantization of the GEMM operands (docs/trainer.md, "Recipes").
 *
 * Three products per layer, each with its own reduction dimension K:
 *   forward  y[rows, out]  = x[rows, in] · W^T        K = in   (along rows of x and W)
 *   dgrad    dx[rows, in]  = dy[rows, out] · W         K = out  (along rows of dy, down columns of W)
 *   wgrad    dW[out, in]  += dy^T · x                 K = rows (down columns of dy and x)
 * Blocks always run along K, so the same tensor is quantized in a different
 * direction for different products; quantized copies go to the scratch
 * buffers q->qa / q->qb, master weights and activations are never touched. */
#include "model/model_linear.h"

#include "core/error.h"
#include "lowp/formats.h"
#include "lowp/hadamard.h"
#include "lowp/matmul.h"
#include "lowp/model.h"
#include "model/model_internal.h"

enum role { ROLE_ACT = 0, ROLE_WEIGHT = 1, ROLE_GRAD = 2 };

void lowp_model_recipe_default(lowp_recipe_kind kind, struct lowp_model_recipe *r)
{
    if (r == NULL)
        return;
    *r = (struct lowp_model_recipe){.kind = kind, .rht = 1, .sr = 1, .weights_2d = 1,
                                    .scale_format = LOWP_FORMAT_UE4M3, .hp_layers = 1, .seed = 0};
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
    m->quant.recipe = *r;
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

/* Put the recipe's version of the rows x cols operand src (packed, row-major)
 * into dst, quantized in blocks along K: k_along_cols = 1 when K is the
 * contiguous (column) index, 0 when K runs down the columns. rht: rotate
 * along K with a random Hadamard of 16 first (wgrad operands). */
static lowp_status prep(lowp_context *ctx, const struct lowp_linear *l, enum role role, const lowp_buffer *src,
                        size_t off, size_t rows, size_t cols, int k_along_cols, int rht, lowp_buffer *dst)
{
    const struct lowp_model_recipe *r = &l->q->recipe;
    const uint64_t stream = l->stream | (uint64_t)role;
    const size_t n = rows * cols;
    if (r->kind == LOWP_RECIPE_BF16 || (r->kind == LOWP_RECIPE_NVFP4 && l->high_precision)) {
        struct lowp_cast_desc c = {.n = n, .format = LOWP_FORMAT_BF16, .rounding = LOWP_ROUNDING_RNE};
        return lowp_cast_round(ctx, &c, src, off, dst, 0);
    }
    const int grad = role == ROLE_GRAD;
    struct lowp_quant_desc d;
    if (r->kind == LOWP_RECIPE_NVFP4) {
        d = lowp_quant_desc_nvfp4(rows, cols);
        if (r->scale_format == LOWP_FORMAT_E8M0) { /* ablation: power-of-two scales on 16-blocks */
            d = lowp_quant_desc_mx(rows, cols, LOWP_FORMAT_E2M1);
            d.block = 16;
        } else {
            d.scale_format = (enum lowp_format)r->scale_format;
        }
        d.layout = k_along_cols ? LOWP_BLOCK_ROW : LOWP_BLOCK_COL;
        if (role == ROLE_WEIGHT && r->weights_2d)
            d.layout = LOWP_BLOCK_TILE2D;
        d.rounding = grad && r->sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE;
    } else {
        enum lowp_format e = r->kind == LOWP_RECIPE_MXFP4 ? LOWP_FORMAT_E2M1
                             : grad                       ? LOWP_FORMAT_E5M2
                                                          : LOWP_FORMAT_E4M3;
        d = lowp_quant_desc_mx(rows, cols, e);
        d.layout = k_along_cols ? LOWP_BLOCK_ROW : LOWP_BLOCK_COL;
        d.rounding = r->kind == LOWP_RECIPE_MXFP4 && grad && r->sr ? LOWP_ROUNDING_SR : LOWP_ROUNDING_RNE;
    }
    d.seed = r->seed;
    d.stream = stream;
    if (rht && r->kind == LOWP_RECIPE_NVFP4 && r->rht) {
        /* K runs down the columns of a wgrad operand: rotate each column in
         * blocks of 16 with the same signs for both operands (they cancel in
         * the product: (H dy)^T (H x) = dy^T x). */
        struct lowp_hadamard_desc h;
        LOWP_TRY(lowp_hadamard_desc_init(&h, rows, cols));
        h.axis = k_along_cols ? LOWP_HADAMARD_AXIS_ROWS : LOWP_HADAMARD_AXIS_COLS;
        h.block = 16;
        h.sign_mode = LOWP_HADAMARD_SIGNS_PHILOX;
        h.seed = r->seed;
        h.stream = l->stream | 3u; /* shared by both operands of this wgrad */
        LOWP_TRY(lowp_hadamard(ctx, &h, src, off, dst, 0, NULL));
        return lowp_fake_quantize(ctx, &d, dst, 0, dst, 0, NULL);
    }
    return lowp_fake_quantize(ctx, &d, src, off, dst, 0, NULL);
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

lowp_status lowp_linear_forward(lowp_context *ctx, const struct lowp_linear *l, const lowp_buffer *x, size_t x_offset,
                                lowp_buffer *y, size_t y_offset)
{
    const lowp_buffer *a = x, *w = l->w;
    size_t a_off = x_offset, w_off = l->w_offset;
    if (l->q != NULL) {
        LOWP_TRY(reserve(ctx, l->q, l->rows * l->in > l->out * l->in ? l->rows * l->in : l->out * l->in));
        LOWP_TRY(prep(ctx, l, ROLE_ACT, x, x_offset, l->rows, l->in, 1, 0, l->q->qa));
        LOWP_TRY(prep(ctx, l, ROLE_WEIGHT, l->w, l->w_offset, l->out, l->in, 1, 0, l->q->qb));
        a = l->q->qa, w = l->q->qb, a_off = w_off = 0;
    }
    LOWP_TRY(gemm(ctx, l->rows, l->out, l->in, 0, 1, a, a_off, w, w_off, 0.0f, y, y_offset));
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
    struct lowp_linear_quant *q = l->q;
    if (q != NULL) {
        size_t big = l->rows * l->out;
        if (l->rows * l->in > big)
            big = l->rows * l->in;
        if (l->out * l->in > big)
            big = l->out * l->in;
        LOWP_TRY(reserve(ctx, q, big));
    }
    if (dx != NULL) { /* dx[rows, in] (+)= dy[rows, out] W[out, in], K = out */
        const lowp_buffer *a = dy, *w = l->w;
        size_t a_off = dy_offset, w_off = l->w_offset;
        if (q != NULL) {
            LOWP_TRY(prep(ctx, l, ROLE_GRAD, dy, dy_offset, l->rows, l->out, 1, 0, q->qa));
            LOWP_TRY(prep(ctx, l, ROLE_WEIGHT, l->w, l->w_offset, l->out, l->in, 0, 0, q->qb));
            a = q->qa, w = q->qb, a_off = w_off = 0;
        }
        LOWP_TRY(gemm(ctx, l->rows, l->in, l->out, 0, 0, a, a_off, w, w_off, dx_accumulate ? 1.0f : 0.0f, dx,
                      dx_offset));
    }
    /* dW[out, in] += dy^T[out, rows] x[rows, in], K = rows */
    const lowp_buffer *a = dy, *b = x;
    size_t a_off = dy_offset, b_off = x_offset;
    if (q != NULL) {
        LOWP_TRY(prep(ctx, l, ROLE_GRAD, dy, dy_offset, l->rows, l->out, 0, 1, q->qa));
        LOWP_TRY(prep(ctx, l, ROLE_ACT, x, x_offset, l->rows, l->in, 0, 1, q->qb));
        a = q->qa, b = q->qb, a_off = b_off = 0;
    }
    LOWP_TRY(gemm(ctx, l->out, l->in, l->rows, 1, 0, a, a_off, b, b_off, 1.0f, dw, dw_offset));
    if (l->b == NULL || db == NULL)
        return LOWP_OK;
    struct lowp_bias_desc bd = {.rows = l->rows, .cols = l->out, .b_offset = db_offset, .y_offset = dy_offset};
    return lowp_bias_grad(ctx, &bd, dy, db);
}
