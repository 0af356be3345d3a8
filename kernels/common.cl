/* common.cl - prepended to every lowp program (before philox.cl and the
 * family's file). Results must match the CPU reference bit for bit where
 * the maths is exact, so a*b+c is never contracted into an fma behind our
 * back; kernels that want fma call fma() explicitly. */
#pragma OPENCL FP_CONTRACT OFF

/* Every lowp kernel takes 64-bit element offsets and counts. */
typedef ulong lowp_size;
