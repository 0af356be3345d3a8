/* pqt.cl - PQT weight sampling (lowp/pqt.h), bit-identical to
 * backends/cpu/ref/pqt_ref.c. One work-item per block (grid-stride): it
 * takes the block's max magnitude, then adds each element's noise. The
 * noise is integer work on Philox words plus one fp32 multiply and one fp32
 * add on normal numbers (FP_CONTRACT is off in common.cl), and the bf16
 * cast is integer work, so no device's rounding or flushing shows. */

/* fp32(sqrt(3) / 2^22), as in the reference */
#define PQT_C 0x1.bb67aep-22f
#define PQT_MIN_STEP_LOG2 (-70)

inline float lowp_pqt_bf16_rne(float f)
{
    uint u = as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return as_float((u | 0x00400000u) & 0xffff0000u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return as_float(u & 0xffff0000u);
}

inline int lowp_pqt_irwin_hall(ulong seed, ulong stream, ulong i)
{
    uint4 w = lowp_philox_block(seed, stream, i); /* counter = element index */
    int s = (int)(w.x >> 10) + (int)(w.y >> 10) + (int)(w.z >> 10) + (int)(w.w >> 10);
    return s - 2 * ((1 << 22) - 1);
}

__kernel void lowp_pqt_sample(__global const float *x, lowp_size x_off, __global float *y, lowp_size y_off,
                              lowp_size rows, lowp_size cols, lowp_size block, uint bits, int to_bf16, ulong seed,
                              ulong stream)
{
    const lowp_size per_row = (cols + block - 1) / block;
    for (lowp_size b = get_global_id(0); b < rows * per_row; b += get_global_size(0)) {
        const lowp_size r = b / per_row, c0 = (b % per_row) * block;
        const lowp_size c1 = c0 + block < cols ? c0 + block : cols;
        uint amax = 0;
        for (lowp_size c = c0; c < c1; ++c)
            amax = max(amax, as_uint(x[x_off + r * cols + c]) & 0x7fffffffu);
        float scale = 0.0f;
        if (amax >= 0x00800000u && amax < 0x7f800000u) {
            int k = (int)(amax >> 23) - 127 + 1 - (int)bits;
            if (k >= PQT_MIN_STEP_LOG2)
                scale = PQT_C * as_float((uint)(k + 127) << 23);
        }
        for (lowp_size c = c0; c < c1; ++c) {
            const lowp_size i = r * cols + c;
            float v = x[x_off + i];
            if (scale != 0.0f)
                v = v + (float)lowp_pqt_irwin_hall(seed, stream, i) * scale;
            y[y_off + i] = to_bf16 ? lowp_pqt_bf16_rne(v) : v;
        }
    }
}
