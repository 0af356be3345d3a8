/* matmul_ref.c — obvious triple loops; no blocking, no threads, no tricks.
 * Must be built without -ffast-math and with -ffp-contract=off so that the
 * f32seq model rounds exactly where it says it does. */
#include "ref/matmul_ref.h"
#include "core/error.h"

/* op(A)(i,p) and op(B)(p,j) of problem `base` (offset already added). */
static float op_a(const struct lowp_matmul_desc *d, const float *a, size_t i, size_t p)
{
    return d->trans_a == LOWP_MATMUL_TRANS_N ? a[i * d->lda + p] : a[p * d->lda + i];
}

static float op_b(const struct lowp_matmul_desc *d, const float *b, size_t p, size_t j)
{
    return d->trans_b == LOWP_MATMUL_TRANS_N ? b[p * d->ldb + j] : b[j * d->ldb + p];
}

static lowp_status check_all(const struct lowp_matmul_desc *d, const float *a, size_t a_elems,
                             const float *b, size_t b_elems, const float *c, size_t c_elems)
{
    size_t ea, eb, ec;
    LOWP_TRY(lowp_matmul_desc_check(d, a_elems, b_elems, c_elems));
    LOWP_TRY(lowp_matmul_desc_extents(d, &ea, &eb, &ec));
    LOWP_CHECK_ARG(ea == 0 || a != NULL, "lowp_matmul: A is NULL but the descriptor reads it");
    LOWP_CHECK_ARG(eb == 0 || b != NULL, "lowp_matmul: B is NULL but the descriptor reads it");
    LOWP_CHECK_ARG(ec == 0 || c != NULL, "lowp_matmul: C is NULL but the descriptor writes it");
    return LOWP_OK;
}

lowp_status lowp_ref_matmul(const struct lowp_matmul_desc *d,
                            const float *a, size_t a_elems,
                            const float *b, size_t b_elems,
                            float *c, size_t c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_TRY(check_all(d, a, a_elems, b, b_elems, c, c_elems));
    const size_t kk = d->alpha != 0.0f ? d->k : 0; /* alpha == 0: A, B not read */
    for (size_t bi = 0; bi < d->batch; bi++) {
        const float *ab = kk ? a + d->offset_a + bi * d->stride_a : NULL;
        const float *bb = kk ? b + d->offset_b + bi * d->stride_b : NULL;
        float *cb = c + d->offset_c + bi * d->stride_c;
        for (size_t i = 0; i < d->m; i++) {
            for (size_t j = 0; j < d->n; j++) {
                if (kk == 0) { /* no product: C = beta*C, +0 when beta == 0 */
                    cb[i * d->ldc + j] = d->beta == 0.0f ? 0.0f : d->beta * cb[i * d->ldc + j];
                    continue;
                }
                double acc = 0.0;
                for (size_t p = 0; p < kk; p++)
                    acc += (double)op_a(d, ab, i, p) * (double)op_b(d, bb, p, j);
                double r = (double)d->alpha * acc;
                if (d->beta != 0.0f) /* beta == 0: C is not read */
                    r += (double)d->beta * (double)cb[i * d->ldc + j];
                cb[i * d->ldc + j] = (float)r;
            }
        }
    }
    return LOWP_OK;
}

lowp_status lowp_ref_matmul_f32seq(const struct lowp_matmul_desc *d,
                                   const float *a, size_t a_elems,
                                   const float *b, size_t b_elems,
                                   float *c, size_t c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    LOWP_TRY(check_all(d, a, a_elems, b, b_elems, c, c_elems));
    const size_t kk = d->alpha != 0.0f ? d->k : 0;
    for (size_t bi = 0; bi < d->batch; bi++) {
        const float *ab = kk ? a + d->offset_a + bi * d->stride_a : NULL;
        const float *bb = kk ? b + d->offset_b + bi * d->stride_b : NULL;
        float *cb = c + d->offset_c + bi * d->stride_c;
        for (size_t i = 0; i < d->m; i++) {
            for (size_t j = 0; j < d->n; j++) {
                if (kk == 0) {
                    cb[i * d->ldc + j] = d->beta == 0.0f ? 0.0f : d->beta * cb[i * d->ldc + j];
                    continue;
                }
                float acc = 0.0f;
                for (size_t p = 0; p < kk; p++) {
                    const float prod = op_a(d, ab, i, p) * op_b(d, bb, p, j);
                    acc = acc + prod;
                }
                float r = d->alpha * acc;
                if (d->beta != 0.0f) {
                    const float bc = d->beta * cb[i * d->ldc + j];
                    r = r + bc;
                }
                cb[i * d->ldc + j] = r;
            }
        }
    }
    return LOWP_OK;
}
