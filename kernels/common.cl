/* common.cl - prepended to every lowp program (before philox.cl and the
 * family's file). Results must match the CPU reference bit for bit where
 * the maths is exact, so a*b+c is never contracted into an fma behind our
 * back; kernels that want fma call fma() explicitly. */
#pragma OPENCL FP_CONTRACT OFF

/* Every lowp kernel takes 64-bit element offsets and counts. */
typedef ulong lowp_size;

/* The work-group's max of m (every work-item passes one value and calls
 * this) committed into *dst with atomic_max: a tree in lm (cap words),
 * or, in a work-group larger than cap, one atomic per work-item. Integer
 * max of fp32 bit patterns is order-free, so the result does not depend on
 * the work-group size. */
inline void lowp_wg_atomic_max(uint m, __local uint *lm, uint cap, __global uint *dst)
{
    const uint lid = (uint)get_local_id(0), LS = (uint)get_local_size(0);
    if (LS > cap) {
        atomic_max(dst, m);
        return;
    }
    lm[lid] = m;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint h = 1u; h < LS; h <<= 1) {
        if ((lid & (2u * h - 1u)) == 0u && lid + h < LS)
            lm[lid] = max(lm[lid], lm[lid + h]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0u)
        atomic_max(dst, lm[0]);
}
