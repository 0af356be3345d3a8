/* basic.cl - fill, scale, axpy and random bits over fp32/uint buffers.
 * Grid-stride loops: any global size covers any count, and each element's
 * result depends only on its own inputs. */

__kernel void lowp_fill_f32(__global float *x, lowp_size offset, lowp_size count, float value)
{
    for (lowp_size i = get_global_id(0); i < count; i += get_global_size(0))
        x[offset + i] = value;
}

__kernel void lowp_scale_f32(__global float *x, lowp_size offset, lowp_size count, float alpha)
{
    for (lowp_size i = get_global_id(0); i < count; i += get_global_size(0))
        x[offset + i] = alpha * x[offset + i];
}

__kernel void lowp_axpy_f32(lowp_size count, float alpha, __global const float *x, lowp_size x_offset,
                            __global float *y, lowp_size y_offset)
{
    for (lowp_size i = get_global_id(0); i < count; i += get_global_size(0)) {
        float product = alpha * x[x_offset + i];
        y[y_offset + i] = product + y[y_offset + i];
    }
}

/* One Philox evaluation per work-item serves four consecutive elements. */
__kernel void lowp_random_u32(__global uint *x, lowp_size offset, lowp_size count, ulong seed, ulong stream)
{
    lowp_size quads = (count + 3) / 4;
    for (lowp_size q = get_global_id(0); q < quads; q += get_global_size(0)) {
        uint4 w = lowp_philox_block(seed, stream, q);
        lowp_size i = 4 * q;
        x[offset + i] = w.x;
        if (i + 1 < count) x[offset + i + 1] = w.y;
        if (i + 2 < count) x[offset + i + 2] = w.z;
        if (i + 3 < count) x[offset + i + 3] = w.w;
    }
}
