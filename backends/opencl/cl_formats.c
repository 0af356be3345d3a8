/* cl_formats.c — launches for kernels/formats.cl: casts, the two-level
 * tensor scale, block quantize / fake-quantize / dequantize and the
 * statistics. Scratch use (lowp_cl_scratch), within one call:
 *   slot 1  [0..3] tensor amax, s_enc, s_dec, mult (uint bits);
 *           [4..]  per-chunk statistics records (QB_CREC uint each)
 *   slot 0  per-block statistics records (8 arrays of nblocks uint) */
#include "cl_formats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cl_impl.h"
#include "formats/codec.h"
#include "formats/quant.h"

/* Must match kernels/formats.cl. */
#define QB_SLAB 1024   /* LOWP_QB_SLAB: elements of a slab in local memory */
#define QB_MAXBLK 64   /* LOWP_QB_MAXBLK: blocks of a slab */
#define QB_NSTAT 8     /* LOWP_QB_NSTAT: words of a per-block statistics record */
#define QB_CREC 9      /* LOWP_QB_CREC: words of a per-chunk statistics record */
#define QB_CHUNK 1024  /* LOWP_QB_CHUNK: blocks per statistics chunk */
#define QB_LOCAL 256   /* largest local size the block kernels accept */
/* Work-group size of the block kernels on CPU devices: PoCL runs them as
 * fast with 64 as with 256, rusticl (llvmpipe) twice as fast (barriers and
 * local atomics are emulated per work-item there). */
#define QB_LOCAL_CPU 64
#define QB_MAX_GROUPS 16384
#define TS_WORDS 4     /* amax, s_enc, s_dec, mult */

/* ---------------- casts ---------------- */

static const char *const encode_names[5] = {NULL, "lowp_cast_encode_u8", "lowp_cast_encode_u16", NULL,
                                             "lowp_cast_encode_u32"};
static const char *const decode_names[5] = {NULL, "lowp_cast_decode_u8", "lowp_cast_decode_u16", NULL,
                                             "lowp_cast_decode_u32"};

/* The 11 arguments shared by the encode and round kernels. */
static lowp_status cast_kernel(struct lowp_context *ctx, const char *name, const struct lowp_cast_desc *d,
                               const struct lowp_buffer *x, size_t x_offset, const struct lowp_buffer *out,
                               size_t out_offset)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, name, &k));
    cl_mem xm = (cl_mem)x->handle, om = (cl_mem)out->handle;
    cl_ulong xo = x_offset, oo = out_offset, n = d->n, seed = d->seed, stream = d->stream, base = d->index_base;
    cl_int f = (cl_int)d->format, r = (cl_int)d->rounding, o = (cl_int)d->overflow;
    LOWP_CL_ARG(k, 0, xm);
    LOWP_CL_ARG(k, 1, xo);
    LOWP_CL_ARG(k, 2, om);
    LOWP_CL_ARG(k, 3, oo);
    LOWP_CL_ARG(k, 4, n);
    LOWP_CL_ARG(k, 5, f);
    LOWP_CL_ARG(k, 6, r);
    LOWP_CL_ARG(k, 7, o);
    LOWP_CL_ARG(k, 8, seed);
    LOWP_CL_ARG(k, 9, stream);
    LOWP_CL_ARG(k, 10, base);
    /* One work unit per group of 4 random indices (one Philox call). */
    return lowp_cl_launch_items(ctx, k, (size_t)(((d->index_base + d->n + 3) >> 2) - (d->index_base >> 2)));
}

lowp_status lowp_cl_cast_encode(struct lowp_context *ctx, const struct lowp_cast_desc *d, const struct lowp_buffer *x,
                                size_t x_offset, struct lowp_buffer *codes, size_t codes_offset)
{
    return cast_kernel(ctx, encode_names[lowp_format_code_bytes(d->format)], d, x, x_offset, codes, codes_offset);
}

lowp_status lowp_cl_cast_round(struct lowp_context *ctx, const struct lowp_cast_desc *d, const struct lowp_buffer *x,
                               size_t x_offset, struct lowp_buffer *y, size_t y_offset)
{
    return cast_kernel(ctx, "lowp_cast_round", d, x, x_offset, y, y_offset);
}

lowp_status lowp_cl_cast_decode(struct lowp_context *ctx, const struct lowp_cast_desc *d,
                                const struct lowp_buffer *codes, size_t codes_offset, struct lowp_buffer *y,
                                size_t y_offset)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, decode_names[lowp_format_code_bytes(d->format)], &k));
    cl_mem cm = (cl_mem)codes->handle, ym = (cl_mem)y->handle;
    cl_ulong co = codes_offset, yo = y_offset, n = d->n;
    cl_int f = (cl_int)d->format;
    LOWP_CL_ARG(k, 0, cm);
    LOWP_CL_ARG(k, 1, co);
    LOWP_CL_ARG(k, 2, ym);
    LOWP_CL_ARG(k, 3, yo);
    LOWP_CL_ARG(k, 4, n);
    LOWP_CL_ARG(k, 5, f);
    return lowp_cl_launch_items(ctx, k, d->n);
}

/* ---------------- block geometry (docs in kernels/formats.cl) ---------------- */

static cl_uint slab_blocks(const struct lowp_quant_desc *d)
{
    size_t n = QB_SLAB / (d->layout == LOWP_BLOCK_COL ? d->block : lowp_quant_block_len(d));
    return (cl_uint)(n > QB_MAXBLK ? QB_MAXBLK : n);
}

static size_t slab_count(const struct lowp_quant_desc *d)
{
    size_t B = d->block, nbs = slab_blocks(d);
    size_t units = d->layout == LOWP_BLOCK_COL ? d->cols : d->cols / B;
    size_t slab_rows = d->layout == LOWP_BLOCK_ROW ? d->rows : d->rows / B;
    return slab_rows * ((units + nbs - 1) / nbs);
}

static lowp_status launch_slabs(struct lowp_context *ctx, cl_kernel k, const struct lowp_quant_desc *d)
{
    size_t want = ctx->device.info.kind == LOWP_DEVICE_KIND_CPU ? QB_LOCAL_CPU : QB_LOCAL;
    size_t local = lowp_cl_local_size(ctx, k, want, QB_LOCAL);
    size_t groups = slab_count(d);
    if (groups > QB_MAX_GROUPS)
        groups = QB_MAX_GROUPS;
    size_t global = groups * local;
    return lowp_cl_launch(ctx, k, 1, &global, &local);
}

/* ---------------- two-level tensor scale ---------------- */

/* ts[0] = tensor amax bits (given, or the max |x| over finite x), then
 * ts[1..3] = s_enc, s_dec, mult, and s_dec to (s_out, s_off). */
static lowp_status two_level_scale(struct lowp_context *ctx, const struct lowp_quant_desc *d, cl_mem x, size_t x_offset,
                                cl_mem ts, cl_mem s_out, size_t s_off)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    int given = d->tensor_amax >= 0.0f;
    cl_uint amax = given ? lowp_f32_bits(d->tensor_amax) : 0u;
    LOWP_CL_CALL(clEnqueueFillBuffer(cl->queue, ts, &amax, sizeof amax, 0, sizeof amax, 0, NULL, NULL));
    cl_kernel k;
    if (!given) {
        LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, "lowp_quant_tensor_amax", &k));
        cl_ulong xo = x_offset, rows = d->rows, cols = d->cols, ld = d->ld;
        LOWP_CL_ARG(k, 0, x);
        LOWP_CL_ARG(k, 1, xo);
        LOWP_CL_ARG(k, 2, rows);
        LOWP_CL_ARG(k, 3, cols);
        LOWP_CL_ARG(k, 4, ld);
        LOWP_CL_ARG(k, 5, ts);
        size_t local[2] = {lowp_cl_local_size(ctx, k, 256, 256), 1};
        size_t gx = (d->cols + local[0] - 1) / local[0];
        if (gx > 64)
            gx = 64;
        size_t gy = d->rows < QB_MAX_GROUPS / gx ? d->rows : QB_MAX_GROUPS / gx;
        size_t global[2] = {gx * local[0], gy};
        LOWP_TRY(lowp_cl_launch(ctx, k, 2, global, local));
    }
    LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, "lowp_quant_tensor_scale", &k));
    cl_int sf = (cl_int)d->scale_format, ef = (cl_int)d->elem_format;
    cl_ulong so = s_off;
    LOWP_CL_ARG(k, 0, ts);
    LOWP_CL_ARG(k, 1, sf);
    LOWP_CL_ARG(k, 2, ef);
    LOWP_CL_ARG(k, 3, s_out);
    LOWP_CL_ARG(k, 4, so);
    size_t one = 1;
    return lowp_cl_launch(ctx, k, 1, &one, &one);
}

/* ---------------- statistics ---------------- */

static lowp_status stats_collect(struct lowp_context *ctx, const struct lowp_quant_desc *d, cl_mem per_block,
                                 size_t nblocks, cl_mem ts, struct lowp_quant_stats *out)
{
    size_t nchunks = (nblocks + QB_CHUNK - 1) / QB_CHUNK;
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, "lowp_quant_stats_reduce", &k));
    cl_ulong nb = nblocks, off = TS_WORDS;
    LOWP_CL_ARG(k, 0, per_block);
    LOWP_CL_ARG(k, 1, nb);
    LOWP_CL_ARG(k, 2, ts);
    LOWP_CL_ARG(k, 3, off);
    LOWP_TRY(lowp_cl_launch_items(ctx, k, nchunks));
    uint32_t *rec = malloc(nchunks * QB_CREC * sizeof *rec);
    if (rec == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "quant stats: out of host memory (%zu chunks)", nchunks);
    cl_int err = clEnqueueReadBuffer(lowp_cl_impl(ctx)->queue, ts, CL_TRUE, TS_WORDS * sizeof *rec,
                                     nchunks * QB_CREC * sizeof *rec, rec, 0, NULL, NULL);
    if (err != CL_SUCCESS) {
        free(rec);
        return lowp_cl_fail(__func__, "clEnqueueReadBuffer(stats)", err);
    }
    /* Chunks in chunk order, in double: the last level of the fixed order. */
    struct lowp_quant_stats st;
    memset(&st, 0, sizeof st);
    st.count = (uint64_t)d->rows * d->cols;
    uint32_t amax = 0;
    for (size_t t = 0; t < nchunks; ++t) {
        const uint32_t *r = rec + t * QB_CREC;
        st.nonfinite += r[0];
        st.zeros += r[1];
        st.underflows += r[2];
        st.clipped += r[3];
        amax = r[4] > amax ? r[4] : amax;
        st.err_sq += ldexp((double)lowp_f32_from_bits(r[5]), (int)(int32_t)r[6]);
        st.ref_sq += ldexp((double)lowp_f32_from_bits(r[7]), (int)(int32_t)r[8]);
    }
    free(rec);
    st.amax = (double)lowp_f32_from_bits(amax);
    lowp_quant_stats_finish(&st);
    *out = st;
    return LOWP_OK;
}

/* ---------------- block kernels ---------------- */

/* Quantize (codes != NULL) or fake-quantize (y != NULL). */
static lowp_status run_blocks(struct lowp_context *ctx, const struct lowp_quant_desc *d, const struct lowp_buffer *x,
                              size_t x_offset, const struct lowp_buffer *codes, size_t codes_offset,
                              const struct lowp_buffer *scales, size_t scales_offset,
                              const struct lowp_buffer *tensor_scale, size_t ts_offset, const struct lowp_buffer *y,
                              size_t y_offset, struct lowp_quant_stats *stats)
{
    size_t nblocks = lowp_quant_nblocks(d), nchunks = (nblocks + QB_CHUNK - 1) / QB_CHUNK;
    cl_mem xm = (cl_mem)x->handle, ts, st;
    LOWP_TRY(lowp_cl_scratch(ctx, 1, (TS_WORDS + (stats ? nchunks * QB_CREC : 0)) * sizeof(cl_uint), &ts));
    st = ts;
    if (stats)
        LOWP_TRY(lowp_cl_scratch(ctx, 0, QB_NSTAT * nblocks * sizeof(cl_uint), &st));
    int two = lowp_quant_two_level(d);
    if (two)
        LOWP_TRY(two_level_scale(ctx, d, xm, x_offset, ts, tensor_scale ? (cl_mem)tensor_scale->handle : ts,
                              tensor_scale ? ts_offset : 0));
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, "lowp_quant_blocks", &k));
    cl_ulong xo = x_offset, rows = d->rows, cols = d->cols, ld = d->ld, seed = d->seed, stream = d->stream;
    cl_ulong co = codes_offset, so = scales_offset, yo = y_offset, nb = nblocks;
    cl_int layout = (cl_int)d->layout, ef = (cl_int)d->elem_format, sf = (cl_int)d->scale_format;
    cl_int mode = (cl_int)d->scale_mode, rnd = (cl_int)d->rounding, ovf = (cl_int)d->overflow;
    cl_int tiny = d->clamp_tiny_scale != 0, wc = codes != NULL, wy = y != NULL, ws = stats != NULL;
    cl_uint block = d->block, nbs = slab_blocks(d);
    cl_mem cm = codes ? (cl_mem)codes->handle : xm, sm = scales ? (cl_mem)scales->handle : xm;
    cl_mem ym = y ? (cl_mem)y->handle : xm;
    LOWP_CL_ARG(k, 0, xm);
    LOWP_CL_ARG(k, 1, xo);
    LOWP_CL_ARG(k, 2, rows);
    LOWP_CL_ARG(k, 3, cols);
    LOWP_CL_ARG(k, 4, ld);
    LOWP_CL_ARG(k, 5, layout);
    LOWP_CL_ARG(k, 6, block);
    LOWP_CL_ARG(k, 7, ef);
    LOWP_CL_ARG(k, 8, sf);
    LOWP_CL_ARG(k, 9, mode);
    LOWP_CL_ARG(k, 10, rnd);
    LOWP_CL_ARG(k, 11, ovf);
    LOWP_CL_ARG(k, 12, seed);
    LOWP_CL_ARG(k, 13, stream);
    LOWP_CL_ARG(k, 14, tiny);
    LOWP_CL_ARG(k, 15, ts);
    LOWP_CL_ARG(k, 16, nbs);
    LOWP_CL_ARG(k, 17, wc);
    LOWP_CL_ARG(k, 18, cm);
    LOWP_CL_ARG(k, 19, co);
    LOWP_CL_ARG(k, 20, sm);
    LOWP_CL_ARG(k, 21, so);
    LOWP_CL_ARG(k, 22, wy);
    LOWP_CL_ARG(k, 23, ym);
    LOWP_CL_ARG(k, 24, yo);
    LOWP_CL_ARG(k, 25, ws);
    LOWP_CL_ARG(k, 26, st);
    LOWP_CL_ARG(k, 27, nb);
    LOWP_TRY(launch_slabs(ctx, k, d));
    return stats ? stats_collect(ctx, d, st, nblocks, ts, stats) : LOWP_OK;
}

lowp_status lowp_cl_quantize(struct lowp_context *ctx, const struct lowp_quant_desc *d, const struct lowp_buffer *x,
                             size_t x_offset, struct lowp_buffer *codes, size_t codes_offset,
                             struct lowp_buffer *scales, size_t scales_offset, struct lowp_buffer *tensor_scale,
                             size_t tensor_scale_offset, struct lowp_quant_stats *stats)
{
    return run_blocks(ctx, d, x, x_offset, codes, codes_offset, scales, scales_offset, tensor_scale,
                      tensor_scale_offset, NULL, 0, stats);
}

lowp_status lowp_cl_fake_quantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                                  const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y,
                                  size_t y_offset, struct lowp_quant_stats *stats)
{
    return run_blocks(ctx, d, x, x_offset, NULL, 0, NULL, 0, NULL, 0, y, y_offset, stats);
}

lowp_status lowp_cl_dequantize(struct lowp_context *ctx, const struct lowp_quant_desc *d,
                               const struct lowp_buffer *codes, size_t codes_offset, const struct lowp_buffer *scales,
                               size_t scales_offset, const struct lowp_buffer *tensor_scale,
                               size_t tensor_scale_offset, struct lowp_buffer *y, size_t y_offset)
{
    cl_kernel k;
    LOWP_TRY(lowp_cl_kernel_get(ctx, "formats", NULL, "lowp_dequant_blocks", &k));
    cl_mem cm = (cl_mem)codes->handle, sm = (cl_mem)scales->handle, ym = (cl_mem)y->handle;
    cl_mem tm = tensor_scale ? (cl_mem)tensor_scale->handle : sm; /* not read for E8M0 */
    cl_ulong co = codes_offset, so = scales_offset, to = tensor_scale ? tensor_scale_offset : 0;
    cl_ulong rows = d->rows, cols = d->cols, ld = d->ld, yo = y_offset;
    cl_int layout = (cl_int)d->layout, ef = (cl_int)d->elem_format, sf = (cl_int)d->scale_format;
    cl_uint block = d->block, nbs = slab_blocks(d);
    LOWP_CL_ARG(k, 0, cm);
    LOWP_CL_ARG(k, 1, co);
    LOWP_CL_ARG(k, 2, sm);
    LOWP_CL_ARG(k, 3, so);
    LOWP_CL_ARG(k, 4, tm);
    LOWP_CL_ARG(k, 5, to);
    LOWP_CL_ARG(k, 6, rows);
    LOWP_CL_ARG(k, 7, cols);
    LOWP_CL_ARG(k, 8, ld);
    LOWP_CL_ARG(k, 9, layout);
    LOWP_CL_ARG(k, 10, block);
    LOWP_CL_ARG(k, 11, ef);
    LOWP_CL_ARG(k, 12, sf);
    LOWP_CL_ARG(k, 13, nbs);
    LOWP_CL_ARG(k, 14, ym);
    LOWP_CL_ARG(k, 15, yo);
    return launch_slabs(ctx, k, d);
}
