/* matmul_desc.c — descriptor defaults and validation shared by every matmul
 * front-end and backend (CPU reference, CPU fast path, OpenCL). One place
 * decides which elements a product touches, so all backends reject the same
 * descriptors with the same messages. */
#include <stdint.h>

#include "lowp/matmul.h"
#include "core/error.h"

void lowp_matmul_desc_init(struct lowp_matmul_desc *d, size_t m, size_t n, size_t k)
{
    if (d == NULL)
        return;
    d->trans_a = LOWP_MATMUL_TRANS_N;
    d->trans_b = LOWP_MATMUL_TRANS_N;
    d->m = m;
    d->n = n;
    d->k = k;
    d->alpha = 1.0f;
    d->beta = 0.0f;
    d->lda = k > 0 ? k : 1;
    d->ldb = n > 0 ? n : 1;
    d->ldc = n > 0 ? n : 1;
    d->batch = 1;
    /* Packed strides; they only matter once batch > 1. */
    d->stride_a = m * k;
    d->stride_b = k * n;
    d->stride_c = m * n;
    d->offset_a = 0;
    d->offset_b = 0;
    d->offset_c = 0;
    d->engine = LOWP_MATMUL_ENGINE_AUTO;
}

/* a*b + c without wrapping; returns 0 on overflow. */
static int mul_add_ok(size_t a, size_t b, size_t c, size_t *out)
{
    if (b != 0 && a > (SIZE_MAX - c) / b)
        return 0;
    *out = a * b + c;
    return 1;
}

/* One past the last element of a batch of row-major rows x cols matrices:
 * offset + (batch-1)*stride + (rows-1)*ld + cols. rows, cols, batch >= 1. */
static lowp_status extent_of(const char *name, size_t offset, size_t batch, size_t stride,
                             size_t rows, size_t cols, size_t ld, size_t *out)
{
    size_t last_row = 0, e = 0;
    if (!mul_add_ok(rows - 1, ld, cols, &last_row) ||
        !mul_add_ok(batch - 1, stride, last_row, &e) ||
        e > SIZE_MAX - offset)
        return lowp_error(LOWP_ERR_INVALID_ARG,
                          "lowp_matmul: extent of %s overflows size_t "
                          "(offset %zu, batch %zu, stride %zu, %zu rows, ld %zu)",
                          name, offset, batch, stride, rows, ld);
    *out = e + offset;
    return LOWP_OK;
}

lowp_status lowp_matmul_desc_extents(const struct lowp_matmul_desc *d,
                                     size_t *a_elems, size_t *b_elems, size_t *c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_CHECK_ARG(d->trans_a == LOWP_MATMUL_TRANS_N || d->trans_a == LOWP_MATMUL_TRANS_T,
                   "lowp_matmul: trans_a = %d is neither LOWP_MATMUL_TRANS_N nor _T", (int)d->trans_a);
    LOWP_CHECK_ARG(d->trans_b == LOWP_MATMUL_TRANS_N || d->trans_b == LOWP_MATMUL_TRANS_T,
                   "lowp_matmul: trans_b = %d is neither LOWP_MATMUL_TRANS_N nor _T", (int)d->trans_b);
    LOWP_CHECK_ARG((int)d->engine >= (int)LOWP_MATMUL_ENGINE_AUTO &&
                       (int)d->engine <= (int)LOWP_MATMUL_ENGINE_BLAS,
                   "lowp_matmul: engine = %d is not a lowp_matmul_engine value", (int)d->engine);

    /* Stored shapes (rows x cols) of A and B. */
    const int ta = d->trans_a == LOWP_MATMUL_TRANS_T, tb = d->trans_b == LOWP_MATMUL_TRANS_T;
    const size_t a_rows = ta ? d->k : d->m, a_cols = ta ? d->m : d->k;
    const size_t b_rows = tb ? d->n : d->k, b_cols = tb ? d->k : d->n;

    LOWP_CHECK_ARG(d->lda >= (a_cols > 0 ? a_cols : 1),
                   "lowp_matmul: lda = %zu < %zu (A is stored %zu x %zu, trans_a = %c)",
                   d->lda, a_cols > 0 ? a_cols : 1, a_rows, a_cols, ta ? 'T' : 'N');
    LOWP_CHECK_ARG(d->ldb >= (b_cols > 0 ? b_cols : 1),
                   "lowp_matmul: ldb = %zu < %zu (B is stored %zu x %zu, trans_b = %c)",
                   d->ldb, b_cols > 0 ? b_cols : 1, b_rows, b_cols, tb ? 'T' : 'N');
    LOWP_CHECK_ARG(d->ldc >= (d->n > 0 ? d->n : 1),
                   "lowp_matmul: ldc = %zu < n = %zu (C is m x n = %zu x %zu)",
                   d->ldc, d->n > 0 ? d->n : 1, d->m, d->n);

    size_t ea = 0, eb = 0, ec = 0;
    const int touches_c = d->batch > 0 && d->m > 0 && d->n > 0;
    /* BLAS convention: alpha == 0 or k == 0 means A and B are not read. */
    const int touches_ab = touches_c && d->k > 0 && d->alpha != 0.0f;
    if (touches_ab) {
        LOWP_TRY(extent_of("A", d->offset_a, d->batch, d->stride_a, a_rows, a_cols, d->lda, &ea));
        LOWP_TRY(extent_of("B", d->offset_b, d->batch, d->stride_b, b_rows, b_cols, d->ldb, &eb));
    }
    if (touches_c) {
        LOWP_TRY(extent_of("C", d->offset_c, d->batch, d->stride_c, d->m, d->n, d->ldc, &ec));
        /* Outputs of different problems must be disjoint, or the result would
         * depend on execution order (and race on parallel devices). */
        const size_t one_c = (d->m - 1) * d->ldc + d->n; /* cannot overflow: ec did not */
        LOWP_CHECK_ARG(d->batch == 1 || d->stride_c >= one_c,
                       "lowp_matmul: stride_c = %zu < %zu: the C matrices of a batch overlap "
                       "(m = %zu, n = %zu, ldc = %zu)", d->stride_c, one_c, d->m, d->n, d->ldc);
    }
    if (a_elems) *a_elems = ea;
    if (b_elems) *b_elems = eb;
    if (c_elems) *c_elems = ec;
    return LOWP_OK;
}

lowp_status lowp_matmul_desc_check(const struct lowp_matmul_desc *d,
                                   size_t a_elems, size_t b_elems, size_t c_elems)
{
    size_t ea, eb, ec;
    LOWP_TRY(lowp_matmul_desc_extents(d, &ea, &eb, &ec));
    LOWP_CHECK_ARG(a_elems >= ea, "lowp_matmul: A buffer holds %zu elements, the descriptor reads up to %zu", a_elems, ea);
    LOWP_CHECK_ARG(b_elems >= eb, "lowp_matmul: B buffer holds %zu elements, the descriptor reads up to %zu", b_elems, eb);
    LOWP_CHECK_ARG(c_elems >= ec, "lowp_matmul: C buffer holds %zu elements, the descriptor writes up to %zu", c_elems, ec);
    return LOWP_OK;
}
