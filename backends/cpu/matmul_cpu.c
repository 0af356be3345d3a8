/* matmul_cpu.c — fast CPU SGEMM: OpenBLAS when available, else an own
 * GotoBLAS-style kernel.
 *
 * Own kernel, per problem of the batch (acc = C itself when beta == 0, else
 * an m x n workspace; both start at +0):
 *   for jc (NC columns of C)            B panel  op(B)[pc:pc+KC, jc:jc+NC] packed once,
 *     for pc (KC steps of k)               in NR-wide strips, zero padded
 *       parallel for ic (MC rows of C)  A block  op(A)[ic:ic+MC, pc:pc+KC] packed per
 *         for jr, ir: MR x NR micro-tile   thread in MR-tall strips, zero padded
 *           acc[tile] continues its float sum over the KC slice, p ascending
 *   C = alpha*acc, then C = C + beta*C_old when beta != 0
 * Partial sums are carried in the accumulator tile from one KC slice to the
 * next (loaded into the registers, not added afterwards), so every element
 * is summed exactly like lowp_ref_matmul_f32seq and the OpenCL kernels:
 * the own CPU result is bit-identical to the device results.
 * Packing makes the micro-kernel read both operands contiguously whatever the
 * transposes and leading dimensions are, and zero padding removes edge cases
 * from the inner loop (only the tile gather/scatter is clipped). Threads split
 * rows of C, never k. Tiny problems skip packing (it would cost more than the
 * product). Contraction is switched off below for GCC and Clang. */
#include <stdlib.h>
#include <string.h>
#include <limits.h>

/* Bit-equality with f32seq needs separate multiply and add even when the
 * build enables FMA and contraction (-march=native, -std=gnu11). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "matmul_cpu.h"
#include "core/error.h"

#ifdef _OPENMP
#include <omp.h>
/* Pragmas through a macro so that builds without -fopenmp stay warning-free. */
#define LOWP_OMP(x) _Pragma(#x)
#else
#define LOWP_OMP(x)
#endif
#ifdef LOWP_HAVE_CBLAS
#include <cblas.h>
#endif

/* Register tile: MR = 6 rows x 2 vectors = 12 accumulators, which with the
 * two B vectors and one broadcast fit the 16 vector registers of x86-64.
 * The vector width is chosen at run time on x86 (8 floats when the CPU has
 * AVX, via a target("avx") micro-kernel, so baseline builds still use AVX),
 * 4 floats otherwise (GCC/Clang vector extensions: SSE, NEON, ...), and a
 * plain C loop for other compilers or with -DLOWP_MM_PORTABLE (-DLOWP_MM_NO_AVX
 * disables the AVX variant, for tests). Every variant
 * sums each element's products in the same order with separate multiply and
 * add, so all give the same bits. NR is therefore a run-time value. */
#define MR 6
#define NR_MAX 16
/* Cache blocks: an MC x KC block of A (120 KiB) stays in L2, a KC x NR strip
 * of B (8-16 KiB) in L1, the KC x NC panel of B in L3. */
#define KC 256
#define MC 120
#define NC 2048 /* multiple of every NR */
/* Below this many multiply-adds per problem, the direct loop wins. */
#define SMALL_WORK (48u * 48u * 48u)

#if (defined(__GNUC__) || defined(__clang__)) && !defined(LOWP_MM_PORTABLE)
#define LOWP_MM_VEC 1
typedef float vec4 __attribute__((vector_size(16)));
#if (defined(__x86_64__) || defined(__i386__)) && !defined(LOWP_MM_NO_AVX)
#define LOWP_MM_AVX_DISPATCH 1
typedef float vec8 __attribute__((vector_size(32)));
#endif
#endif

int lowp_cpu_matmul_has_blas(void)
{
#ifdef LOWP_HAVE_CBLAS
    return 1;
#else
    return 0;
#endif
}

/* ---- helpers shared by both engines ------------------------------------ */

/* C = beta*C over the m x n window; beta == 0 writes zeros without reading. */
static void scale_c(size_t m, size_t n, float beta, float *c, size_t ldc)
{
    if (beta == 1.0f)
        return;
    for (size_t i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f)
            memset(row, 0, n * sizeof(float));
        else
            for (size_t j = 0; j < n; j++)
                row[j] = beta * row[j];
    }
}

/* ---- own kernel -------------------------------------------------------- */

struct mm_problem {
    size_t m, n, k;
    const float *a, *b;
    float *c;
    size_t lda, ldb, ldc;
    int ta, tb;
    float alpha;
    float beta;
    float *acc;    /* running float sums: C itself (beta == 0) or a workspace */
    size_t ldacc;
    size_t nr;     /* micro-tile width (8 or 16), set by choose_micro_kernel */
    void (*micro)(size_t kc, const float *ap, const float *bp, float *out);
};

/* The f32seq output formula: r = alpha*acc; r = r + beta*c when beta != 0
 * (c is not read when beta == 0). */
static inline float finish(float alpha, float beta, float acc, const float *c)
{
    float r = alpha * acc;
    if (beta != 0.0f) {
        const float bc = beta * *c;
        r = r + bc;
    }
    return r;
}

/* Direct product for tiny problems: C[i, j] = finish(sum_p a_ip b_pj). */
static void small_product(const struct mm_problem *p)
{
    float acc[64];
    for (size_t i = 0; i < p->m; i++) {
        for (size_t j0 = 0; j0 < p->n; j0 += 64) {
            const size_t nj = p->n - j0 < 64 ? p->n - j0 : 64;
            for (size_t j = 0; j < nj; j++)
                acc[j] = 0.0f;
            for (size_t q = 0; q < p->k; q++) {
                const float av = p->ta ? p->a[q * p->lda + i] : p->a[i * p->lda + q];
                if (p->tb)
                    for (size_t j = 0; j < nj; j++)
                        acc[j] += av * p->b[(j0 + j) * p->ldb + q];
                else
                    for (size_t j = 0; j < nj; j++)
                        acc[j] += av * p->b[q * p->ldb + j0 + j];
            }
            float *crow = p->c + i * p->ldc + j0;
            for (size_t j = 0; j < nj; j++)
                crow[j] = finish(p->alpha, p->beta, acc[j], &crow[j]);
        }
    }
}

/* Pack op(A)[i0:i0+mc, p0:p0+kc] as ceil(mc/MR) strips; strip s holds, for
 * each q, the MR values op(A)[i0+s*MR+r, p0+q] (zero past mc). */
static void pack_a(const struct mm_problem *p, size_t i0, size_t mc, size_t p0, size_t kc, float *dst)
{
    for (size_t s = 0; s < mc; s += MR) {
        const size_t rows = mc - s < MR ? mc - s : MR;
        for (size_t q = 0; q < kc; q++) {
            for (size_t r = 0; r < rows; r++) {
                const size_t i = i0 + s + r, kq = p0 + q;
                dst[q * MR + r] = p->ta ? p->a[kq * p->lda + i] : p->a[i * p->lda + kq];
            }
            for (size_t r = rows; r < MR; r++)
                dst[q * MR + r] = 0.0f;
        }
        dst += kc * MR;
    }
}

/* Pack op(B)[p0:p0+kc, j0:j0+nc] as ceil(nc/nr) strips of kc x nr. */
static void pack_b_strip(const struct mm_problem *p, size_t p0, size_t kc, size_t j0, size_t cols, float *dst)
{
    for (size_t q = 0; q < kc; q++) {
        const size_t kq = p0 + q;
        for (size_t c = 0; c < cols; c++)
            dst[q * p->nr + c] = p->tb ? p->b[(j0 + c) * p->ldb + kq] : p->b[kq * p->ldb + j0 + c];
        for (size_t c = cols; c < p->nr; c++)
            dst[q * p->nr + c] = 0.0f;
    }
}

/* Micro-kernels: io[MR][nr] holds running sums on entry; each continues with
 * + ap[q][r] * bp[q][c] for q < kc ascending, separate multiply and add. Unrolled by hand with named
 * accumulators: at -O2 compilers would keep an accumulator array in memory. */
#define MICRO_BODY(VT, VL, BC)                                                     \
    VT c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;                 \
    memcpy(&c00, out + 0 * (VL), sizeof(VT)); memcpy(&c01, out + 1 * (VL), sizeof(VT)); \
    memcpy(&c10, out + 2 * (VL), sizeof(VT)); memcpy(&c11, out + 3 * (VL), sizeof(VT)); \
    memcpy(&c20, out + 4 * (VL), sizeof(VT)); memcpy(&c21, out + 5 * (VL), sizeof(VT)); \
    memcpy(&c30, out + 6 * (VL), sizeof(VT)); memcpy(&c31, out + 7 * (VL), sizeof(VT)); \
    memcpy(&c40, out + 8 * (VL), sizeof(VT)); memcpy(&c41, out + 9 * (VL), sizeof(VT)); \
    memcpy(&c50, out + 10 * (VL), sizeof(VT)); memcpy(&c51, out + 11 * (VL), sizeof(VT)); \
    for (size_t q = 0; q < kc; q++) {                                              \
        VT b0, b1, av;                                                             \
        memcpy(&b0, bp + q * 2 * (VL), sizeof(b0));                                \
        memcpy(&b1, bp + q * 2 * (VL) + (VL), sizeof(b1));                         \
        const float *a = ap + q * MR;                                              \
        av = BC(a[0]); c00 += av * b0; c01 += av * b1;                             \
        av = BC(a[1]); c10 += av * b0; c11 += av * b1;                             \
        av = BC(a[2]); c20 += av * b0; c21 += av * b1;                             \
        av = BC(a[3]); c30 += av * b0; c31 += av * b1;                             \
        av = BC(a[4]); c40 += av * b0; c41 += av * b1;                             \
        av = BC(a[5]); c50 += av * b0; c51 += av * b1;                             \
    }                                                                              \
    const VT all[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51}; \
    memcpy(out, all, sizeof(all))

#ifdef LOWP_MM_VEC
#define BCAST4(x) ((vec4){(x), (x), (x), (x)})
static void micro_6x8_vec(size_t kc, const float *restrict ap, const float *restrict bp, float *restrict out)
{
    MICRO_BODY(vec4, 4, BCAST4);
}
#endif

#ifdef LOWP_MM_AVX_DISPATCH
#define BCAST8(x) ((vec8){(x), (x), (x), (x), (x), (x), (x), (x)})
__attribute__((target("avx")))
static void micro_6x16_avx(size_t kc, const float *restrict ap, const float *restrict bp, float *restrict out)
{
    MICRO_BODY(vec8, 8, BCAST8);
}
#endif

static void micro_6x8_plain(size_t kc, const float *restrict ap, const float *restrict bp, float *restrict out)
{
    float acc[MR][8];
    memcpy(acc, out, sizeof(acc));
    for (size_t q = 0; q < kc; q++)
        for (int r = 0; r < MR; r++)
            for (int c = 0; c < 8; c++)
                acc[r][c] += ap[q * MR + r] * bp[q * 8 + c];
    memcpy(out, acc, sizeof(acc));
}

static void choose_micro_kernel(struct mm_problem *p)
{
    p->nr = 8;
    p->micro = micro_6x8_plain;
#ifdef LOWP_MM_VEC
    p->micro = micro_6x8_vec;
#endif
#ifdef LOWP_MM_AVX_DISPATCH
    if (__builtin_cpu_supports("avx")) {
        p->nr = 16;
        p->micro = micro_6x16_avx;
    }
#endif
}

/* One MC x KC block of A against the packed KC x nc panel of B. */
static void block_product(const struct mm_problem *p, const float *bpanel, float *apack,
                          size_t i0, size_t mc, size_t p0, size_t kc, size_t j0, size_t nc)
{
    float tile[MR * NR_MAX];
    const size_t nr = p->nr;
    pack_a(p, i0, mc, p0, kc, apack);
    for (size_t jr = 0; jr < nc; jr += nr) {
        const size_t cols = nc - jr < nr ? nc - jr : nr;
        const float *bs = bpanel + (jr / nr) * kc * nr;
        for (size_t ir = 0; ir < mc; ir += MR) {
            const size_t rows = mc - ir < MR ? mc - ir : MR;
            float *accp = p->acc + (i0 + ir) * p->ldacc + j0 + jr;
            /* Gather the running sums (padding lanes start at 0 and are dropped). */
            for (size_t r = 0; r < MR; r++)
                for (size_t c = 0; c < nr; c++)
                    tile[r * nr + c] = (r < rows && c < cols) ? accp[r * p->ldacc + c] : 0.0f;
            p->micro(kc, apack + (ir / MR) * kc * MR, bs, tile);
            for (size_t r = 0; r < rows; r++)
                memcpy(accp + r * p->ldacc, tile + r * nr, cols * sizeof(float));
        }
    }
}

static void blocked_product(const struct mm_problem *p, float *bpanel, float *apacks, int nthreads)
{
    /* Smaller row blocks when m is small, so every thread gets about two
     * blocks. Row blocking never changes the summation order (only KC does),
     * so results stay independent of this choice and of the thread count. */
    size_t mc_step = (p->m + 2 * (size_t)nthreads - 1) / (2 * (size_t)nthreads);
    mc_step = (mc_step + MR - 1) / MR * MR;
    if (mc_step > MC)
        mc_step = MC;
    for (size_t j0 = 0; j0 < p->n; j0 += NC) {
        const size_t nc = p->n - j0 < NC ? p->n - j0 : NC;
        const size_t nstrips = (nc + p->nr - 1) / p->nr;
        for (size_t p0 = 0; p0 < p->k; p0 += KC) {
            const size_t kc = p->k - p0 < KC ? p->k - p0 : KC;
            const long long ns = (long long)nstrips;
LOWP_OMP(omp parallel for schedule(static))
            for (long long s = 0; s < ns; s++) {
                const size_t jr = (size_t)s * p->nr;
                pack_b_strip(p, p0, kc, j0 + jr, nc - jr < p->nr ? nc - jr : p->nr, bpanel + (size_t)s * kc * p->nr);
            }
            const long long nblocks = (long long)((p->m + mc_step - 1) / mc_step);
LOWP_OMP(omp parallel for schedule(dynamic, 1))
            for (long long blk = 0; blk < nblocks; blk++) {
                int tid = 0;
#ifdef _OPENMP
                tid = omp_get_thread_num();
#endif
                const size_t i0 = (size_t)blk * mc_step;
                const size_t mc = p->m - i0 < mc_step ? p->m - i0 : mc_step;
                block_product(p, bpanel, apacks + (size_t)tid * MC * KC, i0, mc, p0, kc, j0, nc);
            }
        }
    }
}

static void problem_of(const struct lowp_matmul_desc *d, const float *a, const float *b, float *c,
                       size_t bi, struct mm_problem *p)
{
    p->m = d->m;
    p->n = d->n;
    p->k = d->k;
    p->a = a + d->offset_a + bi * d->stride_a;
    p->b = b + d->offset_b + bi * d->stride_b;
    p->c = c + d->offset_c + bi * d->stride_c;
    p->lda = d->lda;
    p->ldb = d->ldb;
    p->ldc = d->ldc;
    p->ta = d->trans_a == LOWP_MATMUL_TRANS_T;
    p->tb = d->trans_b == LOWP_MATMUL_TRANS_T;
    p->alpha = d->alpha;
    p->beta = d->beta;
    p->acc = NULL;
    p->ldacc = 0;
    choose_micro_kernel(p);
}

static lowp_status own_matmul(const struct lowp_matmul_desc *d, const float *a, const float *b, float *c)
{
    const int need_ab = d->alpha != 0.0f && d->k > 0;
    const double work = (double)d->m * (double)d->n * (double)d->k;
    if (!need_ab || work <= (double)SMALL_WORK) {
        /* Tiny or empty products: parallelize across the batch instead. */
        const long long nb = (long long)d->batch;
LOWP_OMP(omp parallel for schedule(static) if (nb > 1 && work * (double)nb > 1e6))
        for (long long bi = 0; bi < nb; bi++) {
            struct mm_problem p;
            problem_of(d, a, b, c, (size_t)bi, &p);
            if (need_ab)
                small_product(&p);
            else
                scale_c(p.m, p.n, d->beta, p.c, p.ldc);
        }
        return LOWP_OK;
    }

    int nthreads = 1;
#ifdef _OPENMP
    nthreads = omp_get_max_threads();
#endif
    /* 64-byte aligned packs; aligned_alloc wants a multiple of the alignment. */
    const size_t bbytes = (size_t)KC * NC * sizeof(float);
    const size_t abytes = (size_t)nthreads * MC * KC * sizeof(float);
    /* beta != 0: the running sums need their own m x n buffer (C_old is
     * still needed for the final beta*C term). */
    const size_t wbytes = d->beta != 0.0f ? d->m * d->n * sizeof(float) : 0; /* fits: C extent did */
    float *bpanel = aligned_alloc(64, (bbytes + 63) / 64 * 64);
    float *apacks = aligned_alloc(64, (abytes + 63) / 64 * 64);
    float *work_acc = wbytes ? malloc(wbytes) : NULL;
    if (bpanel == NULL || apacks == NULL || (wbytes && work_acc == NULL)) {
        free(bpanel);
        free(apacks);
        free(work_acc);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_matmul: cannot allocate %zu bytes of work buffers",
                          bbytes + abytes + wbytes);
    }
    for (size_t bi = 0; bi < d->batch; bi++) {
        struct mm_problem p;
        problem_of(d, a, b, c, bi, &p);
        p.acc = work_acc ? work_acc : p.c;
        p.ldacc = work_acc ? p.n : p.ldc;
        for (size_t i = 0; i < p.m; i++)
            memset(p.acc + i * p.ldacc, 0, p.n * sizeof(float)); /* sums start at +0 */
        blocked_product(&p, bpanel, apacks, nthreads);
        LOWP_OMP(omp parallel for schedule(static))
        for (long long i = 0; i < (long long)p.m; i++) {
            const float *arow = p.acc + (size_t)i * p.ldacc;
            float *crow = p.c + (size_t)i * p.ldc;
            for (size_t j = 0; j < p.n; j++)
                crow[j] = finish(p.alpha, p.beta, arow[j], &crow[j]);
        }
    }
    free(bpanel);
    free(apacks);
    free(work_acc);
    return LOWP_OK;
}

/* ---- OpenBLAS ---------------------------------------------------------- */

#ifdef LOWP_HAVE_CBLAS
/* cblas takes int-sized arguments (blasint); larger problems go elsewhere. */
static int fits_cblas(const struct lowp_matmul_desc *d)
{
    const size_t lim = (size_t)INT_MAX;
    return d->m <= lim && d->n <= lim && d->k <= lim && d->lda <= lim && d->ldb <= lim && d->ldc <= lim;
}

/* OpenBLAS splits a product between its threads in a way that depends on
 * the thread count, and the split changes how some elements are summed
 * (its edge kernels accumulate differently): with 1 and 2 threads a
 * 768 x 128 x 384 product differs in most elements. lowp calls it on a
 * grid of panels fixed by the shape instead, one single-threaded
 * cblas_sgemm per panel (OpenBLAS's OpenMP build runs single-threaded
 * inside a parallel region), so the bits depend on the shape only, as for
 * the own kernel. Grid: ceil(m / 64) x ceil(n / 512) panels, at most 8 x 4,
 * sides rounded up to 16 so that edges fall on OpenBLAS's register tiles
 * (the best of four grids tried on the trainer's and the 10M model's
 * shapes). Cost (docs/matmul.md): faster than the threaded call on the
 * small trainer shapes, 0.92-0.97x on the 10M model's, and slower when k
 * is much larger than m and n, because every panel packs its own strips of
 * A and B. */
#define BLAS_PANEL_ROWS 64
#define BLAS_PANEL_COLS 512
#define BLAS_MAX_ROW_PANELS 8
#define BLAS_MAX_COL_PANELS 4

static size_t blas_panel(size_t extent, size_t min_len, size_t max_count)
{
    size_t count = (extent + min_len - 1) / min_len;
    if (count > max_count)
        count = max_count;
    if (count == 0)
        count = 1;
    return ((extent + count - 1) / count + 15) / 16 * 16;
}

/* Which OpenBLAS build is loaded: 2 OpenMP, 1 pthreads, 0 serial. Only the
 * OpenMP build may be called from several OpenMP threads at once; the
 * pthreads build keeps its own thread split (and its thread-count-dependent
 * bits, docs/matmul.md). */
static int blas_parallel_kind(void)
{
#ifdef _OPENMP
    return openblas_get_parallel();
#else
    return 1;
#endif
}

static void blas_matmul(const struct lowp_matmul_desc *d, const float *a, const float *b, float *c)
{
    const int at = d->trans_a == LOWP_MATMUL_TRANS_T, bt = d->trans_b == LOWP_MATMUL_TRANS_T;
    const enum CBLAS_TRANSPOSE ta = at ? CblasTrans : CblasNoTrans;
    const enum CBLAS_TRANSPOSE tb = bt ? CblasTrans : CblasNoTrans;
    const int kind = blas_parallel_kind();
    const size_t pm = kind == 1 ? d->m : blas_panel(d->m, BLAS_PANEL_ROWS, BLAS_MAX_ROW_PANELS);
    const size_t pn = kind == 1 ? d->n : blas_panel(d->n, BLAS_PANEL_COLS, BLAS_MAX_COL_PANELS);
    const long long nm = (long long)((d->m + pm - 1) / pm), nn = (long long)((d->n + pn - 1) / pn);
    for (size_t bi = 0; bi < d->batch; bi++) {
        const float *ab = a + d->offset_a + bi * d->stride_a, *bb = b + d->offset_b + bi * d->stride_b;
        float *cb = c + d->offset_c + bi * d->stride_c;
        if (d->alpha == 0.0f || d->k == 0) {
            /* Done here so that "A, B not read; beta == 0 ignores C" holds
             * whatever the BLAS does with degenerate calls. */
            scale_c(d->m, d->n, d->beta, cb, d->ldc);
            continue;
        }
        /* a single panel too runs inside the region: outside it OpenBLAS
         * would thread it */
LOWP_OMP(omp parallel for schedule(static) collapse(2) if (kind == 2))
        for (long long i = 0; i < nm; ++i)
            for (long long j = 0; j < nn; ++j) {
                const size_t m0 = (size_t)i * pm, n0 = (size_t)j * pn;
                const size_t mm = d->m - m0 < pm ? d->m - m0 : pm, nb = d->n - n0 < pn ? d->n - n0 : pn;
                /* op(A) rows m0.. and op(B) columns n0.. of the row-major operands */
                const float *ap = ab + (at ? m0 : m0 * d->lda), *bp = bb + (bt ? n0 * d->ldb : n0);
                cblas_sgemm(CblasRowMajor, ta, tb, (int)mm, (int)nb, (int)d->k, d->alpha, ap, (int)d->lda, bp,
                            (int)d->ldb, d->beta, cb + m0 * d->ldc + n0, (int)d->ldc);
            }
    }
}
#endif

/* ---- entry point ------------------------------------------------------- */

lowp_status lowp_cpu_matmul(const struct lowp_matmul_desc *d,
                            const float *a, size_t a_elems,
                            const float *b, size_t b_elems,
                            float *c, size_t c_elems)
{
    LOWP_CHECK_NOT_NULL(d);
    size_t ea, eb, ec;
    LOWP_TRY(lowp_matmul_desc_check(d, a_elems, b_elems, c_elems));
    LOWP_TRY(lowp_matmul_desc_extents(d, &ea, &eb, &ec));
    LOWP_CHECK_ARG(ea == 0 || a != NULL, "lowp_cpu_matmul: A is NULL but the descriptor reads it");
    LOWP_CHECK_ARG(eb == 0 || b != NULL, "lowp_cpu_matmul: B is NULL but the descriptor reads it");
    LOWP_CHECK_ARG(ec == 0 || c != NULL, "lowp_cpu_matmul: C is NULL but the descriptor writes it");
    if (d->engine == LOWP_MATMUL_ENGINE_CLBLAST)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "lowp_cpu_matmul: engine CLBLAST needs an OpenCL device");
    if (ec == 0)
        return LOWP_OK; /* m, n or batch is 0 */

#ifdef LOWP_HAVE_CBLAS
    if (d->engine == LOWP_MATMUL_ENGINE_BLAS || d->engine == LOWP_MATMUL_ENGINE_AUTO) {
        if (fits_cblas(d)) {
            blas_matmul(d, a, b, c);
            return LOWP_OK;
        }
        if (d->engine == LOWP_MATMUL_ENGINE_BLAS)
            return lowp_error(LOWP_ERR_UNSUPPORTED,
                              "lowp_cpu_matmul: engine BLAS: a size or leading dimension exceeds INT_MAX");
    }
#else
    if (d->engine == LOWP_MATMUL_ENGINE_BLAS)
        return lowp_error(LOWP_ERR_UNSUPPORTED,
                          "lowp_cpu_matmul: engine BLAS requested but this build has no CBLAS "
                          "(define LOWP_HAVE_CBLAS and link OpenBLAS)");
#endif
    return own_matmul(d, a, b, c);
}
