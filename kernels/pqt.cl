/* pqt.cl - PQT weight sampling (lowp/pqt.h), bit-identical to
 * backends/cpu/ref/pqt_ref.c. One work-item per block (grid-stride): it
 * takes the block's max magnitude, then adds each element's noise. The
 * noise is integer work on Philox words plus one fp32 multiply and one fp32
 * add on normal numbers (FP_CONTRACT is off in common.cl), and the bf16
 * cast is integer work, so no device's rounding or flushing shows. */

/* lowp_pqt_irwin_hall, lowp_pqt_block_scale and lowp_pqt_bf16_rne come
 * from pqt_rules.cl, prepended by the program assembly (shared with C). */

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
        const float scale = lowp_pqt_block_scale(amax, bits);
        uint4 w = (uint4)(0);
        ulong have = ~(ulong)0; /* one Philox evaluation serves four elements */
        for (lowp_size c = c0; c < c1; ++c) {
            const lowp_size i = r * cols + c;
            float v = x[x_off + i];
            if (scale != 0.0f) {
                if ((i >> 2) != have) {
                    have = i >> 2;
                    w = lowp_philox_block(seed, stream, have);
                }
                const uint j = (uint)(i & 3);
                v = v + (float)lowp_pqt_irwin_hall(lowp_philox_pick(w, j)) * scale;
            }
            y[y_off + i] = to_bf16 ? lowp_pqt_bf16_rne(v) : v;
        }
    }
}
