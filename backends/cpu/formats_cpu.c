/* formats_cpu.c — fast CPU path: one pass per block (amax, scale, encode,
 * pack, decode, statistics), blocks in parallel with OpenMP. Every block
 * owns whole bytes of the packed code array (B % 4 == 0), so blocks never
 * share a byte. Random words are computed once per Philox evaluation (four
 * consecutive element indices). Statistics are summed per block, then over
 * blocks in block order: the same order as the reference, so bit-identical.
 *
 * Speed: the codec of kernels/codec.cl takes the format as a run-time
 * argument. Here every loop is instantiated once per format with the format
 * a compile-time constant and the whole call tree inlined (LOWP_FLATTEN), so
 * the format tables fold away and the codec becomes straight-line integer
 * code; the per-block constants (largest element, decoded block scale) are
 * hoisted out of the element loop. The bits are the codec's either way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/philox.h"
#include "formats/codec.h"
#include "formats/quant.h"
#include "formats_cpu.h"
#include "block_encode.h"
#include "block_vec.h"

/* OpenMP is optional: without it the loops run serially, same results. */
#ifdef _OPENMP
#define LOWP_OMP(x) _Pragma(#x)
#else
#define LOWP_OMP(x)
#endif


/* One case per codec format, for switch statements that pick an instance
 * with a constant format: X(format number). */
#define LOWP_EACH_FORMAT(X)                                                                                   \
    X(LOWP_CC_FP32) X(LOWP_CC_BF16) X(LOWP_CC_FP16) X(LOWP_CC_E4M3) X(LOWP_CC_E5M2) X(LOWP_CC_E3M2)           \
    X(LOWP_CC_E2M3) X(LOWP_CC_E2M1) X(LOWP_CC_INT8) X(LOWP_CC_E8M0) X(LOWP_CC_UE4M3) X(LOWP_CC_UE5M3)

/* ---------------- casts ---------------- */

/* Encode x[i0..i0+cnt) into out[] (cnt <= CAST_CHUNK); SR words come four
 * at a time from one Philox block (consecutive element indices). */
static inline void cast_chunk(const struct lowp_cast_desc *d, const float *x, size_t i0, size_t cnt, uint32_t *out,
                              const int32_t f)
{
    int sr = d->rounding == LOWP_ROUNDING_SR, nonsat = d->overflow == LOWP_OVERFLOW_NONSAT;
    uint32_t w[4] = {0, 0, 0, 0};
    uint64_t q = UINT64_MAX;
    for (size_t k = 0; k < cnt; ++k) {
        uint64_t idx = d->index_base + i0 + k;
        if (sr && (idx >> 2) != q) { q = idx >> 2; lowp_philox_block(d->seed, d->stream, q, w); }
        out[k] = lowp_cc_encode_bits(f, lowp_f32_bits(x[i0 + k]), 0, sr, w[idx & 3u], nonsat);
    }
}

#define CAST_CHUNK 256

/* mode: what a chunk writes. ENCODE: codes of nb bytes; ROUND: the decoded
 * values (encode then decode); DECODE: values of the codes. */
enum cast_mode { CAST_ENCODE, CAST_ROUND, CAST_DECODE };

/* One chunk of CAST_CHUNK elements from element i0. */
static inline void cast_chunk_run(const struct lowp_cast_desc *d, const void *in, void *out, enum cast_mode mode,
                                  size_t i0, const int32_t f)
{
    const unsigned nb = lowp_format_code_bytes((enum lowp_format)f);
    uint32_t buf[CAST_CHUNK];
    size_t cnt = d->n - i0 < CAST_CHUNK ? d->n - i0 : CAST_CHUNK;
    if (mode == CAST_DECODE) {
        for (size_t k = 0; k < cnt; ++k)
            buf[k] = nb == 1   ? ((const uint8_t *)in)[i0 + k]
                     : nb == 2 ? ((const uint16_t *)in)[i0 + k]
                               : ((const uint32_t *)in)[i0 + k];
    } else {
        cast_chunk(d, (const float *)in, i0, cnt, buf, f);
    }
    if (mode == CAST_ENCODE) {
        for (size_t k = 0; k < cnt; ++k) {
            if (nb == 1) ((uint8_t *)out)[i0 + k] = (uint8_t)buf[k];
            else if (nb == 2) ((uint16_t *)out)[i0 + k] = (uint16_t)buf[k];
            else ((uint32_t *)out)[i0 + k] = buf[k];
        }
    } else {
        for (size_t k = 0; k < cnt; ++k) ((float *)out)[i0 + k] = lowp_f32_from_bits(lowp_cc_decode_bits(f, buf[k]));
    }
}

/* bf16 with RNE (the bf16 recipe's operand rounding): the codec's bits
 * in straight-line integer steps that the compiler vectorizes. bf16 has
 * fp32's exponent range, so adding half an ulp minus one plus the kept
 * parity and truncating rounds normals and subnormals alike; a carry into
 * the exponent field is the next binade, or Inf on overflow (then
 * saturated to 0x7F7F unless nonsat); NaN becomes the quiet 0x7FC0 with
 * its sign, as lowp_cc_nan gives. */
static void cast_bf16_rne(const struct lowp_cast_desc *d, const void *in, void *out, enum cast_mode mode, size_t i0)
{
    const uint32_t *xb = (const uint32_t *)in + i0;
    const size_t cnt = d->n - i0 < CAST_CHUNK ? d->n - i0 : CAST_CHUNK;
    const uint32_t inf = d->overflow == LOWP_OVERFLOW_NONSAT ? 0x7F80u : 0x7F7Fu;
    uint32_t buf[CAST_CHUNK];
    for (size_t k = 0; k < cnt; ++k) {
        const uint32_t b = xb[k], sign = (b >> 16) & 0x8000u, a = b & 0x7FFFFFFFu;
        uint32_t h = (a + 0x7FFFu + ((a >> 16) & 1u)) >> 16;
        h = h >= 0x7F80u ? inf : h;
        h = a > 0x7F800000u ? 0x7FC0u : h;
        buf[k] = sign | h;
    }
    if (mode == CAST_ENCODE)
        for (size_t k = 0; k < cnt; ++k) ((uint16_t *)out)[i0 + k] = (uint16_t)buf[k];
    else
        for (size_t k = 0; k < cnt; ++k) ((uint32_t *)out)[i0 + k] = buf[k] << 16;
}

typedef void (*cast_chunk_fn)(const struct lowp_cast_desc *, const void *, void *, enum cast_mode, size_t);

/* The per-format instances are called from inside the OpenMP loop: an
 * outlined parallel region would otherwise receive the format as a
 * run-time value and nothing would fold. */
#define CAST_INSTANCE(F)                                                                                     \
    static LOWP_FLATTEN void cast_chunk_##F(const struct lowp_cast_desc *d, const void *in, void *out,          \
                                            enum cast_mode m, size_t i0)                                      \
    { cast_chunk_run(d, in, out, m, i0, F); }
LOWP_EACH_FORMAT(CAST_INSTANCE)

static void cast_dispatch(const struct lowp_cast_desc *d, const void *in, void *out, enum cast_mode mode)
{
    cast_chunk_fn fn = NULL;
    switch ((int32_t)d->format) {
#define CAST_CASE(F) case F: fn = cast_chunk_##F; break;
        LOWP_EACH_FORMAT(CAST_CASE)
#undef CAST_CASE
    default: return; /* unreachable: lowp_cast_check accepted the format */
    }
    if (d->format == LOWP_FORMAT_BF16 && d->rounding == LOWP_ROUNDING_RNE && mode != CAST_DECODE)
        fn = cast_bf16_rne;
    long long nchunks = (long long)((d->n + CAST_CHUNK - 1) / CAST_CHUNK);
LOWP_OMP(omp parallel for schedule(static))
    for (long long ch = 0; ch < nchunks; ++ch)
        fn(d, in, out, mode, (size_t)ch * CAST_CHUNK);
}

lowp_status lowp_cpu_cast_encode(const struct lowp_cast_desc *d, const float *x, void *codes)
{
    LOWP_TRY(lowp_cast_check(d, x, codes));
    cast_dispatch(d, x, codes, CAST_ENCODE);
    return LOWP_OK;
}

lowp_status lowp_cpu_cast_decode(const struct lowp_cast_desc *d, const void *codes, float *y)
{
    LOWP_TRY(lowp_cast_check(d, codes, y));
    cast_dispatch(d, codes, y, CAST_DECODE);
    return LOWP_OK;
}

lowp_status lowp_cpu_cast_round(const struct lowp_cast_desc *d, const float *x, float *y)
{
    LOWP_TRY(lowp_cast_check(d, x, y));
    cast_dispatch(d, x, y, CAST_ROUND);
    return LOWP_OK;
}

/* ---------------- block quantization ---------------- */

struct blk_stats {
    uint64_t nonfinite, zeros, underflows, clipped;
    double amax, e2, x2;
};

static uint32_t tensor_amax_bits(const struct lowp_quant_desc *d, const float *x)
{
    if (d->tensor_amax >= 0.0f) return lowp_f32_bits(d->tensor_amax);
    uint32_t amax = 0u;
    long long rows = (long long)d->rows;
    /* finite magnitudes as int32 (all below 0x7F800000, so signed order is
     * the order of the values): a select and a max the compiler vectorizes */
LOWP_OMP(omp parallel for reduction(max : amax) schedule(static))
    for (long long r = 0; r < rows; ++r) {
        const uint32_t *row = (const uint32_t *)(x + (size_t)r * d->ld);
        int32_t m = 0;
        for (size_t c = 0; c < d->cols; ++c) {
            const int32_t a = (int32_t)(row[c] & 0x7FFFFFFFu);
            const int32_t f = a < 0x7F800000 ? a : 0;
            m = f > m ? f : m;
        }
        amax = (uint32_t)m > amax ? (uint32_t)m : amax;
    }
    return amax;
}

/* Quantize block b; codes/scales/y/st may be NULL. ef: the element format
 * (a constant in the per-format instances). */
static inline void do_block(const struct lowp_quant_desc *d, const float *x, size_t b, const uint32_t ts[3],
                            uint8_t *codes, uint8_t *scales, float *y, struct blk_stats *st,
                            struct lowp_cpu_rw_cache *cache, const int32_t ef)
{
    enum { MAXB = LOWP_QUANT_MAX_BLOCK_LEN };
    size_t bl = lowp_quant_block_len(d), rr[MAXB], cc[MAXB];
    uint32_t xb[MAXB];
    int32_t sf = (int32_t)d->scale_format;
    int two = lowp_quant_two_level(d);
    uint32_t amax = 0u, sc, enc = 0u, scale_bits = 0u;
    lowp_quant_block_coords(d, b, rr, cc);
    for (size_t k = 0; k < bl; ++k) {
        xb[k] = lowp_f32_bits(x[rr[k] * d->ld + cc[k]]);
        uint32_t a = xb[k] & 0x7FFFFFFFu;
        if (a >= 0x7F800000u) a = 0x7FC00000u;
        if (a > amax) amax = a;
    }
    lowp_cpu_block_scale(d, amax, ts, &sc, &enc, &scale_bits, ef);
    if (scales) scales[b] = (uint8_t)sc;
    const uint32_t emaxv = lowp_cc_max_bits(ef);
    int nan_scale = sc == lowp_cc_format(sf).nanmag;
    double clip_at = two ? 0.0 : ldexp((double)lowp_f32_from_bits(emaxv), (int)sc - 127);
    const unsigned bits = lowp_cc_elem_bits(ef);
    /* NVFP4 decodes in lanes (fp4_lanes.h) when it encodes in them and the
     * decode's factors are normal too. Otherwise the decoded output of every
     * code when the block has at least as many elements as the format has
     * codes (fp4 and fp6 in 16/32-blocks and 2D tiles): one table per block
     * instead of a decode per element. */
    const int lanes_dec = lowp_cpu_block_lanes(d, enc, ef) && lowp_fp4_f32_is_normal(scale_bits) &&
                          lowp_fp4_f32_is_normal(ts[1]);
    uint32_t dec[64];
    const int use_table = !lanes_dec && bits <= 6u && ((size_t)1 << bits) <= bl;
    if (use_table)
        for (uint32_t c = 0; c < (1u << bits); ++c)
            dec[c] = two ? lowp_cc_elem_decode2_value(ef, c, scale_bits, ts[1]) : lowp_cc_elem_decode_mx(ef, c, sc);
    /* random words first (one Philox block serves four consecutive indices) */
    uint32_t rw[MAXB], cd[MAXB], vv[MAXB], yd[MAXB];
    uint64_t idx[MAXB];
    if (d->rounding == LOWP_ROUNDING_SR) /* RNE: lowp_cpu_block_words only zeros rw */
        for (size_t k = 0; k < bl; ++k)
            idx[k] = (uint64_t)rr[k] * d->cols + cc[k];
    lowp_cpu_block_words(d, idx, bl, rw, cache);
    lowp_cpu_block_encode(d, xb, bl, sc, enc, rw, vv, cd, ef);
    if (lanes_dec && (y || st))
        lowp_fp4_decode2_lanes(cd, bl, scale_bits, ts[1], yd);
    struct blk_stats s;
    memset(&s, 0, sizeof s);
    for (size_t k = 0; k < bl; ++k) {
        const uint32_t code = cd[k];
        uint32_t yb;
        int clipped;
        if (two) {
            yb = lanes_dec ? yd[k] : use_table ? dec[code] : lowp_cc_elem_decode2_value(ef, code, scale_bits, ts[1]);
            clipped = !nan_scale && (vv[k] & 0x7FFFFFFFu) > emaxv;
        } else {
            yb = use_table ? dec[code] : lowp_cc_elem_decode_mx(ef, code, sc);
            clipped = sc != 0xFFu && fabs((double)lowp_f32_from_bits(xb[k])) > clip_at;
        }
        if (codes) lowp_pack_put(codes, bits, lowp_quant_storage(d, rr[k], cc[k]), code);
        if (y) y[rr[k] * d->ld + cc[k]] = lowp_f32_from_bits(yb);
        if (st) {
            double xv = (double)lowp_f32_from_bits(xb[k]), yv = (double)lowp_f32_from_bits(yb);
            if (!isfinite(xv) || !isfinite(yv)) { s.nonfinite++; continue; }
            if (xv == 0.0) s.zeros++;
            else if (yv == 0.0) s.underflows++;
            s.clipped += (uint64_t)clipped;
            if (fabs(xv) > s.amax) s.amax = fabs(xv);
            s.e2 += (yv - xv) * (yv - xv);
            s.x2 += xv * xv;
        }
    }
    if (st) *st = s;
}

typedef void (*block_fn)(const struct lowp_quant_desc *, const float *, size_t, const uint32_t[3], uint8_t *,
                         uint8_t *, float *, struct blk_stats *, struct lowp_cpu_rw_cache *);

/* One instance per block element format (lowp_fmt_is_block_elem), called
 * from inside the OpenMP loop (see CAST_INSTANCE). */
#define BLOCK_INSTANCE(F)                                                                                    \
    static LOWP_FLATTEN void do_block_##F(const struct lowp_quant_desc *d, const float *x, size_t b,             \
                                          const uint32_t ts[3], uint8_t *codes, uint8_t *scales, float *y,      \
                                          struct blk_stats *st, struct lowp_cpu_rw_cache *cache)                \
    { do_block(d, x, b, ts, codes, scales, y, st, cache, F); }
LOWP_EACH_BLOCK_ELEM(BLOCK_INSTANCE)

const char *lowp_cpu_lanes_name(void)
{
    if (!lowp_cpu_block_vec_compiled())
        return "scalar";
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") ? "avx2" : "scalar";
#else
    return "vector";
#endif
}

/* Whether quantization of d runs in the SIMD lanes of block_vec.c: a
 * format and block size they take and, on x86, a CPU with AVX2. */
static int block_vec_applies(const struct lowp_quant_desc *d)
{
    /* the CPU first: on x86 every function of block_vec.c is AVX2 code */
    if (strcmp(lowp_cpu_lanes_name(), "scalar") == 0)
        return 0;
    return lowp_cpu_block_vec_takes(d);
}

/* The scalar step of one block for the lanes of block_vec.c. */
#define VEC_SCALAR_INSTANCE(F)                                                                                \
    static void vec_scalar_##F(const struct lowp_quant_desc *d, const float *x, size_t b, const uint32_t ts[3], \
                               uint8_t *codes, uint8_t *scales, float *y)                                     \
    { do_block_##F(d, x, b, ts, codes, scales, y, NULL, NULL); }
LOWP_EACH_BLOCK_ELEM(VEC_SCALAR_INSTANCE)

static lowp_status run_blocks(const struct lowp_quant_desc *d, const float *x, uint8_t *codes,
                              uint8_t *scales, float *tensor_scale, float *y, struct lowp_quant_stats *stats)
{
    size_t nb = lowp_quant_nblocks(d);
    uint32_t ts[3] = {0x3F800000u, 0x3F800000u, 0x3F800000u};
    if (lowp_quant_two_level(d))
        lowp_cc_tensor_scale(tensor_amax_bits(d, x), (int32_t)d->scale_format, (int32_t)d->elem_format,
                             &ts[0], &ts[1], &ts[2]);
    /* without statistics: SIMD lanes where they apply (block_vec.h), same bits */
    if (stats == NULL && block_vec_applies(d)) {
        lowp_cpu_block_vec_scalar_fn scalar = NULL;
        switch ((int32_t)d->elem_format) {
#define VEC_SCALAR_CASE(F) case F: scalar = vec_scalar_##F; break;
            LOWP_EACH_BLOCK_ELEM(VEC_SCALAR_CASE)
#undef VEC_SCALAR_CASE
        default: break;
        }
        if (scalar != NULL) {
            lowp_cpu_block_vec_run(d, x, ts, codes, scales, y, scalar);
            if (tensor_scale && lowp_quant_two_level(d)) *tensor_scale = lowp_f32_from_bits(ts[1]);
            return LOWP_OK;
        }
    }
    struct blk_stats *bs = NULL;
    if (stats) {
        bs = malloc(nb * sizeof *bs);
        if (!bs) return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "quant: out of host memory (%zu blocks)", nb);
    }
    block_fn fn = NULL;
    switch ((int32_t)d->elem_format) {
#define BLOCK_CASE(F) case F: fn = do_block_##F; break;
        LOWP_EACH_BLOCK_ELEM(BLOCK_CASE)
#undef BLOCK_CASE
    default: free(bs); return lowp_error(LOWP_ERR_UNSUPPORTED, "quant: element format %d", (int)d->elem_format);
    }
    /* When x and y alias, a block reads only its own elements before writing them.
     * COL blocks with SR go one row band at a time, column after column, so
     * the thread's word cache serves four columns per Philox block (block_encode.h);
     * block b = c * (rows / B) + band. Out of memory for the cache: no cache, same bits. */
    const long long nbl = (long long)nb;
    const int col_sr = d->layout == LOWP_BLOCK_COL && d->rounding == LOWP_ROUNDING_SR;
    const size_t bands = d->layout == LOWP_BLOCK_COL ? d->rows / d->block : 1;
LOWP_OMP(omp parallel)
    {
        struct lowp_cpu_rw_cache *cache = col_sr ? malloc(sizeof *cache) : NULL;
        if (cache != NULL) lowp_cpu_rw_cache_reset(cache);
LOWP_OMP(omp for schedule(static))
        for (long long it = 0; it < nbl; ++it) {
            size_t b = (size_t)it;
            if (col_sr) b = ((size_t)it % d->cols) * bands + (size_t)it / d->cols;
            fn(d, x, b, ts, codes, scales, y, bs ? &bs[b] : NULL, cache);
        }
        free(cache);
    }
    if (tensor_scale && lowp_quant_two_level(d)) *tensor_scale = lowp_f32_from_bits(ts[1]);
    if (stats) {
        struct lowp_quant_stats st;
        memset(&st, 0, sizeof st);
        st.count = (uint64_t)d->rows * d->cols;
        for (size_t b = 0; b < nb; ++b) {
            st.nonfinite += bs[b].nonfinite; st.zeros += bs[b].zeros;
            st.underflows += bs[b].underflows; st.clipped += bs[b].clipped;
            if (bs[b].amax > st.amax) st.amax = bs[b].amax;
            st.err_sq += bs[b].e2; st.ref_sq += bs[b].x2;
        }
        lowp_quant_stats_finish(&st);
        *stats = st;
        free(bs);
    }
    return LOWP_OK;
}

lowp_status lowp_cpu_quantize(const struct lowp_quant_desc *d, const float *x, uint8_t *codes,
                              uint8_t *scales, float *tensor_scale, struct lowp_quant_stats *stats)
{
    LOWP_TRY(lowp_quant_check_quantize(d, x, codes, scales, tensor_scale));
    return run_blocks(d, x, codes, scales, tensor_scale, NULL, stats);
}

lowp_status lowp_cpu_fake_quantize(const struct lowp_quant_desc *d, const float *x, float *y,
                                   struct lowp_quant_stats *stats)
{
    LOWP_TRY(lowp_quant_check_fake(d, x, y));
    return run_blocks(d, x, NULL, NULL, NULL, y, stats);
}

/* ---------------- dequantization ----------------
 * Every output is a function of (element code, block scale byte) only, so
 * for fp4 and fp6 elements - and fp8 when the tensor has many blocks per
 * distinct scale - the values are tabulated once per call for the scale
 * bytes that occur (lowp_cc_elem_decode2 / _decode_mx: the codec's bits),
 * and the element loop becomes a lookup. */

struct deq_table {
    uint32_t *v;        /* [256][ncodes], rows filled for the used scales */
    unsigned ncodes;
};

static uint32_t deq_one(const struct lowp_quant_desc *d, uint32_t code, uint32_t sc, uint32_t sdec, const int32_t ef)
{
    if (lowp_quant_two_level(d))
        return lowp_cc_elem_decode2(ef, code, (int32_t)d->scale_format, sc, sdec);
    return lowp_cc_elem_decode_mx(ef, code, sc);
}

/* Row sc of the table. */
static inline void deq_table_row(const struct lowp_quant_desc *d, uint32_t sc, uint32_t sdec, struct deq_table *t,
                                 const int32_t ef)
{
    for (uint32_t c = 0; c < t->ncodes; ++c)
        t->v[(size_t)sc * t->ncodes + c] = deq_one(d, c, sc, sdec, ef);
}

/* Block b: elements in block order, coordinates stepped from the first. */
static inline void deq_block(const struct lowp_quant_desc *d, const uint8_t *codes, const uint8_t *scales,
                             uint32_t sdec, const struct deq_table *t, size_t b, float *y, const int32_t ef)
{
    const unsigned bits = lowp_cc_elem_bits(ef);
    const size_t bl = lowp_quant_block_len(d);
    const uint32_t sc = scales[b];
    const uint32_t *row = t->v ? t->v + (size_t)sc * t->ncodes : NULL;
    size_t rr[LOWP_QUANT_MAX_BLOCK_LEN], cc[LOWP_QUANT_MAX_BLOCK_LEN];
    lowp_quant_block_coords(d, b, rr, cc);
    for (size_t k = 0; k < bl; ++k) {
        uint32_t code = lowp_pack_get(codes, bits, lowp_quant_storage(d, rr[k], cc[k]));
        y[rr[k] * d->ld + cc[k]] = lowp_f32_from_bits(row ? row[code] : deq_one(d, code, sc, sdec, ef));
    }
}

/* Per-format instances, called from inside the OpenMP loops (CAST_INSTANCE). */
typedef void (*deq_row_fn)(const struct lowp_quant_desc *, uint32_t, uint32_t, struct deq_table *);
typedef void (*deq_block_fn)(const struct lowp_quant_desc *, const uint8_t *, const uint8_t *, uint32_t,
                             const struct deq_table *, size_t, float *);
#define DEQ_INSTANCE(F)                                                                                        \
    static LOWP_FLATTEN void deq_row_##F(const struct lowp_quant_desc *d, uint32_t sc, uint32_t sdec,          \
                                         struct deq_table *t)                                                  \
    { deq_table_row(d, sc, sdec, t, F); }                                                                      \
    static LOWP_FLATTEN void deq_block_##F(const struct lowp_quant_desc *d, const uint8_t *codes,              \
                                           const uint8_t *scales, uint32_t sdec, const struct deq_table *t,     \
                                           size_t b, float *y)                                                  \
    { deq_block(d, codes, scales, sdec, t, b, y, F); }
LOWP_EACH_BLOCK_ELEM(DEQ_INSTANCE)

lowp_status lowp_cpu_dequantize(const struct lowp_quant_desc *d, const uint8_t *codes,
                                const uint8_t *scales, float tensor_scale, float *y)
{
    LOWP_TRY(lowp_quant_check_dequantize(d, codes, scales, y));
    deq_row_fn row_fn = NULL;
    deq_block_fn blk_fn = NULL;
    switch ((int32_t)d->elem_format) {
#define DEQ_CASE(F) case F: row_fn = deq_row_##F, blk_fn = deq_block_##F; break;
        LOWP_EACH_BLOCK_ELEM(DEQ_CASE)
#undef DEQ_CASE
    default: return lowp_error(LOWP_ERR_UNSUPPORTED, "dequantize: element format %d", (int)d->elem_format);
    }
    const size_t nb = lowp_quant_nblocks(d), n = d->rows * d->cols;
    const uint32_t sdec = lowp_f32_bits(tensor_scale);
    struct deq_table t = {NULL, 1u << lowp_format_bits(d->elem_format)};
    uint8_t use[256] = {0};
    size_t distinct = 0;
    for (size_t b = 0; b < nb; ++b)
        if (!use[scales[b]]) use[scales[b]] = 1, ++distinct;
    /* A row costs ncodes decodes: tabulate when rows serve more elements.
     * Out of memory: no table, a decode per element, the same bits. */
    if ((size_t)t.ncodes * distinct * 2 <= n && (t.v = malloc((size_t)256 * t.ncodes * sizeof *t.v)) != NULL) {
LOWP_OMP(omp parallel for schedule(dynamic, 4))
        for (int sc = 0; sc < 256; ++sc)
            if (use[sc]) row_fn(d, (uint32_t)sc, sdec, &t);
    }
    long long nbl = (long long)nb;
LOWP_OMP(omp parallel for schedule(static))
    for (long long b = 0; b < nbl; ++b)
        blk_fn(d, codes, scales, sdec, &t, (size_t)b, y);
    free(t.v);
    return LOWP_OK;
}
