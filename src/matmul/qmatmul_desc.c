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
    struct lowp_quant_desc q = fmt != NULL ? *fmt : lowp_quant_desc_mx(1, 1, LOWP_FORMAT_E4M3);
    q.layout = LOWP_BLOCK_ROW;
    q.cols = k;
    q.ld = k;
    d->a = q;
    d->a.rows = m;
    d->b = q;
    d->b.rows = n;
}

/* One operand: its quantization descriptor must describe `rows` x k, ROW,
 * packed; gives its code and scale bytes. */
static lowp_status operand_sizes(const char *name, const struct lowp_quant_desc *q, size_t rows, size_t k,
                                 size_t *code_bytes, size_t *scale_bytes)
{
    if (q->rows != rows || q->cols != k)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s is %zu x %zu in the descriptor of %s, the "
                          "product needs %zu x %zu (A: m x k, B: n x k)", name, q->rows, q->cols, name, rows, k);
    if (q->layout != LOWP_BLOCK_ROW)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "lowp_matmul_quantized: %s must have ROW block layout (blocks along "
                          "k), not %d", name, (int)q->layout);
    if (q->ld != q->cols)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s.ld (%zu) must equal k (%zu): the codes "
                          "are packed", name, q->ld, q->cols);
    if (q->block != 16 && q->block != 32)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: %s.block (%u) must be 16 or 32", name,
                          (unsigned)q->block);
    if (k % q->block != 0)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: k (%zu) must be a multiple of the block of "
                          "%s (%u)", k, name, (unsigned)q->block);
    if (rows == 0) {
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
    size_t ac = 0, as = 0, bc = 0, bs = 0, ce = 0;
    LOWP_TRY(operand_sizes("a", &d->a, d->m, d->k, &ac, &as));
    LOWP_TRY(operand_sizes("b", &d->b, d->n, d->k, &bc, &bs));
    if (d->ldc < (d->n > 0 ? d->n : 1))
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: ldc = %zu < n = %zu", d->ldc, d->n);
    if (d->m > 0 && d->n > 0) {
        if (d->m - 1 > (SIZE_MAX - d->n) / d->ldc)
            return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_matmul_quantized: C extent overflows size_t");
        ce = (d->m - 1) * d->ldc + d->n;
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
    lowp_matmul_desc_init(g, d->m, d->n, d->k);
    g->trans_b = LOWP_MATMUL_TRANS_T;
    g->ldb = d->k;
    g->ldc = d->ldc;
    g->alpha = d->alpha;
    g->beta = d->beta;
    if (*c_needed == 0)
        return LOWP_OK;
    LOWP_CHECK_NOT_NULL(c);
    LOWP_CHECK_ARG(c_elems >= *c_needed, "lowp_matmul_quantized: C holds %zu floats, needs %zu", c_elems, *c_needed);
    return LOWP_OK;
}
