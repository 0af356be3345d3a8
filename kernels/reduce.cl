/* reduce.cl - row reductions in the fixed order of src/core/reduce_order.h.
 * One work-group reduces one BLOCK of one row through LANES virtual lanes;
 * each work-item serves lanes lid, lid+L, ... so the order (and the bits)
 * do not depend on the work-group size L. */

#define LOWP_REDUCE_LANES 256
#define LOWP_REDUCE_BLOCK 4096
#define LOWP_REDUCE_SUM    0
#define LOWP_REDUCE_ABSMAX 1
#define LOWP_REDUCE_SUMSQ  2

inline float lowp_reduce_combine(int op, float a, float b)
{
    if (op != LOWP_REDUCE_ABSMAX)
        return a + b;
    if (isnan(a) || isnan(b))
        return isnan(a) ? a : b;
    return a > b ? a : b;
}

inline float lowp_reduce_map(int op, int first, float v)
{
    if (!first)
        return v;
    if (op == LOWP_REDUCE_ABSMAX)
        return v < 0.0f ? -v : (v == 0.0f ? 0.0f : v);
    if (op == LOWP_REDUCE_SUMSQ)
        return v * v;
    return v;
}

/* Rows of at most LOWP_REDUCE_SHORT values (MX and NVFP4 blocks): one
 * work-item per row. Each virtual lane holds at most one value and lanes
 * past `cols` hold +0, which never changes a partial (partials are never
 * -0, and |x| >= 0), so skipping them gives the bits of the full tree. */
#define LOWP_REDUCE_SHORT 64

__kernel void lowp_reduce_short_rows_f32(__global const float *x, lowp_size x_offset, lowp_size row_stride,
                                         lowp_size cols, lowp_size rows, __global float *out,
                                         lowp_size out_offset, int op, int first)
{
    for (lowp_size row = get_global_id(0); row < rows; row += get_global_size(0)) {
        __global const float *v = x + x_offset + row * row_stride;
        float lane[LOWP_REDUCE_SHORT];
        for (uint l = 0; l < LOWP_REDUCE_SHORT; ++l)
            lane[l] = l < cols ? lowp_reduce_combine(op, 0.0f, lowp_reduce_map(op, first, v[l])) : 0.0f;
        for (uint s = LOWP_REDUCE_SHORT / 2; s >= 1; s /= 2)
            for (uint i = 0; i < s; ++i)
                if (i + s < cols)
                    lane[i] = lowp_reduce_combine(op, lane[i], lane[i + s]);
        out[out_offset + row] = lane[0];
    }
}

/* out[out_offset + row*nblocks + block] = block_reduce(row, block) */
__kernel void lowp_reduce_rows_f32(__global const float *x, lowp_size x_offset, lowp_size row_stride,
                                   lowp_size cols, lowp_size nblocks, __global float *out, lowp_size out_offset,
                                   int op, int first)
{
    __local float lane[LOWP_REDUCE_LANES];
    size_t lid = get_local_id(0), L = get_local_size(0);
    lowp_size block = get_group_id(0), row = get_group_id(1);
    lowp_size start = block * LOWP_REDUCE_BLOCK;
    lowp_size m = min(cols - start, (lowp_size)LOWP_REDUCE_BLOCK);
    __global const float *v = x + x_offset + row * row_stride + start;

    for (size_t l = lid; l < LOWP_REDUCE_LANES; l += L) {
        float acc = 0.0f;
        for (lowp_size i = l; i < m; i += LOWP_REDUCE_LANES)
            acc = lowp_reduce_combine(op, acc, lowp_reduce_map(op, first, v[i]));
        lane[l] = acc;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t s = LOWP_REDUCE_LANES / 2; s >= 1; s /= 2) {
        for (size_t i = lid; i < s; i += L)
            lane[i] = lowp_reduce_combine(op, lane[i], lane[i + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        out[out_offset + row * nblocks + block] = lane[0];
}
