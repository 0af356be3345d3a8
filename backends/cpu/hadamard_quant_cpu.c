/* hadamard_quant_cpu.c — fused Hadamard + block quantization on the CPU.
 *
 * The matrix is cut into panels whose transform groups and quant blocks are
 * whole: AXIS_ROWS panels are runs of full rows, AXIS_COLS panels are L rows
 * (L = max(n, B)) by a strip of columns. Each panel is transformed by
 * lowp_cpu_hadamard into a cache-sized fp32 buffer (so its bits are those of
 * the unfused op) and its blocks are quantized from there with the shared
 * codecs, the random word of element (r, c) being Philox(r*cols + c) as in
 * lowp_quantize. Two-level formats without a given amax first run the
 * panels once to find the amax of the transformed tensor (x read twice). */
#include "hadamard_quant_cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/philox.h"
#include "formats/codec.h"
#include "formats/quant.h"
#include "block_encode.h"
#include "hadamard_cpu.h"

#ifdef _OPENMP
#define LOWP_OMP(x) _Pragma(#x)
#else
#define LOWP_OMP(x)
#endif

#define HQ_PANEL_FLOATS ((size_t)1 << 17) /* 512 KiB of fp32: stays in L2 */

struct hq_panel {
    size_t r0, c0, pr, pc; /* rows [r0, r0+pr) x cols [c0, c0+pc) */
};

struct hq_plan {
    const struct lowp_hadamard_desc *h;
    const struct lowp_quant_desc *q;
    size_t n, L, es, npanels, per_row; /* per_row: AXIS_ROWS rows per panel, AXIS_COLS strip width */
    int cols_axis;
};

static void hq_plan_make(struct hq_plan *p, const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q)
{
    p->h = h;
    p->q = q;
    p->n = (size_t)lowp_hadamard_desc_length(h);
    p->L = p->n > q->block ? p->n : q->block;
    p->es = h->dtype_in == LOWP_HADAMARD_DTYPE_BF16 ? 2u : 4u;
    p->cols_axis = h->axis == LOWP_HADAMARD_AXIS_COLS;
    if (!p->cols_axis) {
        p->per_row = HQ_PANEL_FLOATS / q->cols ? HQ_PANEL_FLOATS / q->cols : 1;
        p->npanels = (q->rows + p->per_row - 1) / p->per_row;
    } else {
        p->per_row = HQ_PANEL_FLOATS / p->L ? HQ_PANEL_FLOATS / p->L : 1;
        if (p->per_row > q->cols)
            p->per_row = q->cols;
        p->npanels = (q->rows / p->L) * ((q->cols + p->per_row - 1) / p->per_row);
    }
}

static struct hq_panel hq_panel_at(const struct hq_plan *p, size_t i)
{
    struct hq_panel pa;
    if (!p->cols_axis) {
        pa.r0 = i * p->per_row;
        pa.pr = p->q->rows - pa.r0 < p->per_row ? p->q->rows - pa.r0 : p->per_row;
        pa.c0 = 0;
        pa.pc = p->q->cols;
    } else {
        size_t strips = (p->q->cols + p->per_row - 1) / p->per_row;
        pa.r0 = (i / strips) * p->L;
        pa.pr = p->L;
        pa.c0 = (i % strips) * p->per_row;
        pa.pc = p->q->cols - pa.c0 < p->per_row ? p->q->cols - pa.c0 : p->per_row;
    }
    return pa;
}

/* t (pr x pc, stride pc) = the transform of the panel. */
static lowp_status hq_transform(const struct hq_plan *p, const struct hq_panel *pa, const void *x, float *t,
                                const uint32_t *sign_bits)
{
    struct lowp_hadamard_desc s = *p->h;
    s.rows = pa->pr;
    s.cols = pa->pc;
    s.ld_out = pa->pc;
    s.block = (uint32_t)p->n;
    const char *xp = (const char *)x + (pa->r0 * (size_t)p->h->ld_in + pa->c0) * p->es;
    return lowp_cpu_hadamard(&s, xp, t, sign_bits);
}

/* Quantize block `k` of the panel (blocks numbered along the panel's lines). */
static inline void hq_block(const struct hq_plan *p, const struct hq_panel *pa, const float *t, size_t k,
                            const uint32_t ts[3], uint8_t *codes, uint8_t *scales, struct lowp_cpu_rw_cache *cache,
                            const int32_t ef)
{
    const struct lowp_quant_desc *q = p->q;
    const size_t B = q->block;
    size_t r, c, tstep, t0, s0, b;
    uint64_t istep;
    if (!p->cols_axis) { /* block k: row k / (pc/B), columns (k % (pc/B))*B + e */
        size_t nb = pa->pc / B, rr = k / nb, cb = k % nb;
        r = pa->r0 + rr;
        c = cb * B;
        t0 = rr * pa->pc + cb * B;
        tstep = 1;
        istep = 1;
        s0 = r * q->cols + c;
        b = r * (q->cols / B) + cb;
    } else { /* block k: column k / (L/B), rows (k % (L/B))*B + e */
        size_t nb = p->L / B, cc = k / nb, qb = k % nb;
        r = pa->r0 + qb * B;
        c = pa->c0 + cc;
        t0 = qb * B * pa->pc + cc;
        tstep = pa->pc;
        istep = q->cols;
        s0 = c * q->rows + r;
        b = c * (q->rows / B) + r / B;
    }
    uint32_t xb[32], rw[32], vv[32], cd[32], amax = 0u;
    for (size_t e = 0; e < B; ++e) {
        xb[e] = lowp_f32_bits(t[t0 + e * tstep]);
        uint32_t a = xb[e] & 0x7FFFFFFFu;
        if (a >= 0x7F800000u)
            a = 0x7FC00000u;
        if (a > amax)
            amax = a;
    }
    uint32_t sc, enc, scale_bits;
    lowp_cpu_block_scale(q, amax, ts, &sc, &enc, &scale_bits, ef);
    scales[b] = (uint8_t)sc;
    /* random word of element (r, c) = Philox(r*cols + c), as lowp_quantize */
    uint64_t idx[32];
    const uint64_t idx0 = (uint64_t)r * q->cols + c;
    for (size_t e = 0; e < B; ++e)
        idx[e] = idx0 + e * istep;
    lowp_cpu_block_words(q, idx, B, rw, cache);
    lowp_cpu_block_encode(q, xb, B, sc, enc, rw, vv, cd, ef);
    const unsigned bits = lowp_cc_elem_bits(ef);
    for (size_t e = 0; e < B; ++e)
        lowp_pack_put(codes, bits, s0 + e, cd[e]);
}

/* One instance per element format, called from inside the parallel loop
 * (block_encode.h). */
typedef void (*hq_block_fn)(const struct hq_plan *, const struct hq_panel *, const float *, size_t,
                            const uint32_t[3], uint8_t *, uint8_t *, struct lowp_cpu_rw_cache *);
#define HQ_INSTANCE(F)                                                                                     \
    static LOWP_FLATTEN void hq_block_##F(const struct hq_plan *p, const struct hq_panel *pa, const float *t, \
                                          size_t k, const uint32_t ts[3], uint8_t *codes, uint8_t *scales,    \
                                          struct lowp_cpu_rw_cache *cache)                                     \
    { hq_block(p, pa, t, k, ts, codes, scales, cache, F); }
LOWP_EACH_BLOCK_ELEM(HQ_INSTANCE)

lowp_status lowp_cpu_hadamard_quantize(const struct lowp_hadamard_desc *h, const struct lowp_quant_desc *q,
                                       const void *x, uint8_t *codes, uint8_t *scales, float *tensor_scale,
                                       const uint32_t *sign_bits)
{
    LOWP_TRY(lowp_hadamard_quant_check(h, q));
    LOWP_CHECK_NOT_NULL(x);
    LOWP_CHECK_NOT_NULL(codes);
    LOWP_CHECK_NOT_NULL(scales);
    const int two = lowp_quant_two_level(q);
    if (two)
        LOWP_CHECK_NOT_NULL(tensor_scale);
    hq_block_fn block_fn = NULL;
    switch ((int32_t)q->elem_format) {
#define HQ_CASE(F) case F: block_fn = hq_block_##F; break;
        LOWP_EACH_BLOCK_ELEM(HQ_CASE)
#undef HQ_CASE
    default:
        return lowp_error(LOWP_ERR_UNSUPPORTED, "lowp_cpu_hadamard_quantize: element format %d", (int)q->elem_format);
    }
    struct hq_plan p;
    hq_plan_make(&p, h, q);
    const size_t cap = p.cols_axis ? p.L * p.per_row : p.per_row * q->cols;
    const long long np = (long long)p.npanels;
    int failed = 0; /* 1: out of memory, 2: transform error (cannot happen after the check) */
    uint32_t ts[3] = {0x3F800000u, 0x3F800000u, 0x3F800000u};
    uint32_t amax = two && q->tensor_amax >= 0.0f ? lowp_f32_bits(q->tensor_amax) : 0u;
    const int amax_pass = two && !(q->tensor_amax >= 0.0f);
    /* One parallel region per pass, whole panels per thread: many short
     * regions (one per panel) stall on a loaded machine at every barrier.
     * lowp_cpu_hadamard's own region runs single-threaded inside (nested). */
    for (int pass = amax_pass ? 0 : 1; pass < 2; ++pass) {
        if (pass == 1 && two)
            lowp_cc_tensor_scale(amax, (int32_t)q->scale_format, (int32_t)q->elem_format, &ts[0], &ts[1], &ts[2]);
        uint32_t m = 0u;
LOWP_OMP(omp parallel reduction(max : m))
        {
            float *t = malloc(cap * sizeof *t);
            /* SR down columns: the word cache of block_encode.h, blocks of a
             * row band walked column after column (no cache: same bits) */
            struct lowp_cpu_rw_cache *cache =
                p.cols_axis && q->rounding == LOWP_ROUNDING_SR ? malloc(sizeof *cache) : NULL;
            if (cache != NULL)
                lowp_cpu_rw_cache_reset(cache);
            if (t == NULL) {
LOWP_OMP(omp atomic write)
                failed = 1;
            }
LOWP_OMP(omp for schedule(dynamic, 1))
            for (long long i = 0; i < np; ++i) {
                if (t == NULL)
                    continue;
                struct hq_panel pa = hq_panel_at(&p, (size_t)i);
                if (hq_transform(&p, &pa, x, t, sign_bits) != LOWP_OK) {
LOWP_OMP(omp atomic write)
                    failed = 2;
                    continue;
                }
                if (pass == 0) { /* amax of the transformed tensor, finite values only */
                    for (size_t e = 0; e < pa.pr * pa.pc; ++e) {
                        uint32_t a = lowp_f32_bits(t[e]) & 0x7FFFFFFFu;
                        if (a < 0x7F800000u && a > m)
                            m = a;
                    }
                } else {
                    const size_t nb = pa.pr * pa.pc / q->block, per_col = p.L / q->block;
                    for (size_t k = 0; k < nb; ++k) {
                        size_t kb = cache != NULL ? (k % pa.pc) * per_col + k / pa.pc : k;
                        block_fn(&p, &pa, t, kb, ts, codes, scales, cache);
                    }
                }
            }
            free(t);
            free(cache);
        }
        if (pass == 0)
            amax = m;
    }
    lowp_status st = LOWP_OK;
    if (failed == 1)
        st = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_hadamard_quantize: out of host memory (%zu floats)", cap);
    else if (failed == 2)
        st = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_cpu_hadamard_quantize: a panel transform ran out of host memory");
    if (st == LOWP_OK && two)
        *tensor_scale = lowp_f32_from_bits(ts[1]);
    return st;
}
