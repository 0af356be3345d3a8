/* qmatmul_desc.c — descriptor defaults and validation of the quantized GEMM
 * (lowp_matmul_quantized): one place decides what a descriptor needs, so the
 * front-end, the CPU paths and the OpenCL launch agree. */
#include <stdint.h>
#include <stdio.h>

#include "lowp/matmul.h"
#include "core/error.h"
#include "formats/quant.h"
#include "matmul/qmatmul_internal.h"

void lowp_qmatmul_desc_init(struct lowp_qmatmul_desc *d, size_t m, size_t n, size_t k,
                            const struct lowp_quant_desc *fmt)
{
    if (d == NULL)
        return;
    d->m = m;
    d->n = n;
    d->k = k;
    d->alpha = 1.0f;
    d->beta = 0.0f;
    d->ldc = n > 0 ? n : 1;
    d->offset_c = 0;
    d->trans_a = d->trans_b = LOWP_MATMUL_TRANS_N;
    d->engine = LOWP_MATMUL_ENGINE_AUTO;
    struct lowp_quant_desc q = fmt != NULL ? *fmt : lowp_quant_desc_mx(1, 1, LOWP_FORMAT_E4M3);
    q.layout = LOWP_BLOCK_ROW;
    q.cols = k;
    q.ld = k;
    d->a = q;
    d->a.rows = m;
    d->b = q;
    d->b.rows = n;
}

void lowp_qmatmul_desc_orient(struct lowp_qmatmul_desc *d, char which, lowp_matmul_trans trans,
                              enum lowp_block_layout layout)
{
    if (d == NULL || (which != 'a' && which != 'b'))
        return;
    struct lowp_quant_desc *q = which == 'a' ? &d->a : &d->b;
    size_t mn = which == 'a' ? d->m : d->n;
    *(which == 'a' ? &d->trans_a : &d->trans_b) = trans;
    q->layout = layout;
    q->rows = trans == LOWP_MATMUL_TRANS_T ? d->k : mn;
    q->cols = trans == LOWP_MATMUL_TRANS_T ? mn : d->k;
    q->ld = q->cols;
}

static const char *layout_name(enum lowp_block_layout l)
{
    return l == LOWP_BLOCK_ROW ? "ROW" : l == LOWP_BLOCK_COL ? "COL" : l == LOWP_BLOCK_TILE2D ? "TILE2D" : "unknown";
}

lowp_qmm_access lowp_qmatmul_access(const struct lowp_quant_desc *q, lowp_matmul_trans trans)
{
    if (q->layout != LOWP_BLOCK_TILE2D)
        return LOWP_QMM_KINNER; /* N + ROW or T + COL: the same bytes (quant.h) */
    return trans == LOWP_MATMUL_TRANS_T ? LOWP_QMM_TILE_KOUTER : LOWP_QMM_TILE_KINNER;
}

/* One operand: `mn` x k in the product (m for A, n for B). Its quantization
 * descriptor must describe that matrix (N) or its transpose (T), packed, with
 * blocks along k; gives its code and scale bytes. */
static lowp_status operand_sizes(const char *name, const struct lowp_quant_desc *q, lowp_matmul_trans trans,
                                 size_t mn, size_t k, size_t *code_bytes, size_t *scale_bytes)
{
    const char *mn_name = name[0] == 'a' ? "m" : "n";
    if (trans != LOWP_MATMUL_TRANS_N && trans != LOWP_MATMUL_TRANS_T)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: trans_%s = %d is neither N (0) nor T (1)",
                          name, (int)trans);
    const int t = trans == LOWP_MATMUL_TRANS_T;
    size_t want_r = t ? k : mn, want_c = t ? mn : k;
    if (q->rows != want_r || q->cols != want_c)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s is %zu x %zu in the descriptor of %s, the "
                          "product needs %zu x %zu (trans_%s = %s: %s)", name, q->rows, q->cols, name, want_r, want_c,
                          name, t ? "T" : "N", t ? (name[0] == 'a' ? "k x m" : "k x n")
                                                 : (name[0] == 'a' ? "m x k" : "n x k"));
    if (q->layout != LOWP_BLOCK_ROW && q->layout != LOWP_BLOCK_COL && q->layout != LOWP_BLOCK_TILE2D)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s.layout = %d is not a block layout", name,
                          (int)q->layout);
    if (q->layout == (t ? LOWP_BLOCK_ROW : LOWP_BLOCK_COL))
        return lowp_error(LOWP_ERR_UNSUPPORTED, "lowp_matmul_quantized: %s has %s block layout with trans_%s = %s: its "
                          "blocks run along %s, not k (use %s or TILE2D)", name, layout_name(q->layout), name,
                          t ? "T" : "N", mn_name, t ? "COL" : "ROW");
    if (q->ld != q->cols)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s.ld (%zu) must equal its cols (%zu): the "
                          "codes are packed", name, q->ld, q->cols);
    if (q->block != 16 && q->block != 32)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s.block (%u) must be 16 or 32", name,
                          (unsigned)q->block);
    if (k % q->block != 0)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: k (%zu) must be a multiple of the block of "
                          "%s (%u)", k, name, (unsigned)q->block);
    if (q->layout == LOWP_BLOCK_TILE2D && mn % q->block != 0)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s has TILE2D layout, so %s (%zu) must be a "
                          "multiple of its block (%u) too", name, mn_name, mn, (unsigned)q->block);
    if (mn == 0) {
        *code_bytes = *scale_bytes = 0;
        return LOWP_OK;
    }
    lowp_status s = lowp_quant_sizes(q, code_bytes, scale_bytes);
    if (s != LOWP_OK) { /* copy first: lowp_error rewrites the message buffer */
        char why[256];
        snprintf(why, sizeof why, "%s", lowp_last_error());
        return lowp_error(s, "lowp_matmul_quantized: operand %s: %s", name, why);
    }
    return LOWP_OK;
}

lowp_status lowp_qmatmul_desc_sizes(const struct lowp_qmatmul_desc *d, size_t *a_code_bytes, size_t *a_scale_bytes,
                                    size_t *b_code_bytes, size_t *b_scale_bytes, size_t *c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    if (d->k == 0)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: k must be > 0 (a multiple of the block)");
    if ((int)d->engine < (int)LOWP_MATMUL_ENGINE_AUTO || (int)d->engine > (int)LOWP_MATMUL_ENGINE_BLAS)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: engine = %d is not a lowp_matmul_engine value",
                          (int)d->engine);
    size_t ac = 0, as = 0, bc = 0, bs = 0, ce = 0;
    LOWP_TRY(operand_sizes("a", &d->a, d->trans_a, d->m, d->k, &ac, &as));
    LOWP_TRY(operand_sizes("b", &d->b, d->trans_b, d->n, d->k, &bc, &bs));
    if (d->ldc < (d->n > 0 ? d->n : 1))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: ldc = %zu < n = %zu", d->ldc, d->n);
    if (d->m > 0 && d->n > 0) {
        if (d->m - 1 > (SIZE_MAX - d->n) / d->ldc)
            return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: C extent overflows size_t");
        ce = (d->m - 1) * d->ldc + d->n;
        if (ce > SIZE_MAX - d->offset_c)
            return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: offset_c + C extent overflows size_t");
        ce += d->offset_c;
    }
    if (a_code_bytes) *a_code_bytes = ac;
    if (a_scale_bytes) *a_scale_bytes = as;
    if (b_code_bytes) *b_code_bytes = bc;
    if (b_scale_bytes) *b_scale_bytes = bs;
    if (c_elems) *c_elems = ce;
    return LOWP_OK;
}

lowp_status lowp_qmatmul_gemm_desc(const struct lowp_qmatmul_desc *d, const float *c, size_t c_elems,
                                   struct lowp_matmul_desc *g, size_t *c_needed)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_TRY(lowp_qmatmul_desc_sizes(d, NULL, NULL, NULL, NULL, c_needed));
    lowp_qmatmul_as_gemm(d, g);
    if (*c_needed == 0)
        return LOWP_OK;
    LOWP_CHECK_NOT_NULL(c);
    LOWP_CHECK_ARG(c_elems >= *c_needed, "lowp_matmul_quantized: C holds %zu floats, needs %zu", c_elems, *c_needed);
    return LOWP_OK;
}

void lowp_qmatmul_as_gemm(const struct lowp_qmatmul_desc *d, struct lowp_matmul_desc *g)
{
    lowp_matmul_desc_init(g, d->m, d->n, d->k);
    /* The dequantized operands keep the shape of their descriptors: A^T
     * (k x m) for trans_a T, B (n x k) for trans_b N, B^T (k x n) for T. */
    g->trans_a = d->trans_a;
    g->lda = d->trans_a == LOWP_MATMUL_TRANS_T ? (d->m > 0 ? d->m : 1) : d->k;
    g->trans_b = d->trans_b == LOWP_MATMUL_TRANS_T ? LOWP_MATMUL_TRANS_N : LOWP_MATMUL_TRANS_T;
    g->ldb = d->trans_b == LOWP_MATMUL_TRANS_T ? (d->n > 0 ? d->n : 1) : d->k;
    g->ldc = d->ldc;
    g->offset_c = d->offset_c;
    g->alpha = d->alpha;
    g->beta = d->beta;
    g->engine = d->engine;
}
