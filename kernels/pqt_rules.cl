/* pqt_rules.cl - the per-element pieces of PQT weight sampling (lowp/pqt.h),
 * one copy for C and OpenCL C 1.2 (the common subset, ASCII only, as
 * codec.cl): C includes it through backends/cpu/ref/pqt_ref.h, and
 * backends/opencl/cl_program.c prepends it to pqt.cl. Integer work plus
 * exact power-of-two scalings only, so every device gives the same bits.
 * Needs codec.cl first (sized integer types, lowp_cc_as_float/as_bits). */
#ifndef LOWP_PQT_RULES_CL
#define LOWP_PQT_RULES_CL

/* fp32(sqrt(3 / 65535)) = 1 / sd(S): the sum of four uniform bytes has
 * variance 4 (256^2 - 1) / 12 = 65535 / 3. */
#define LOWP_PQT_C 0x1.bb688cp-8f
/* The same token sequence as include/lowp/pqt.h: a C compiler warns (and
 * -Werror fails) on any difference; OpenCL programs only see this one. */
#define LOWP_PQT_MIN_STEP_LOG2 (-70)

/* The centred Irwin-Hall integer S of an element's Philox word (|S| <= 510). */
static inline int32_t lowp_pqt_irwin_hall(uint32_t w)
{
    return (int32_t)(w & 0xffu) + (int32_t)((w >> 8) & 0xffu) + (int32_t)((w >> 16) & 0xffu) + (int32_t)(w >> 24) -
           510;
}

/* C * 2^k_B for a block whose max magnitude has fp32 bits `amax`, or 0
 * (no noise: zero, subnormal, Inf or NaN max, or a step under 2^-70). */
static inline float lowp_pqt_block_scale(uint32_t amax, uint32_t bits)
{
    if (amax < 0x00800000u || amax >= 0x7f800000u)
        return 0.0f;
    int32_t k = (int32_t)(amax >> 23) - 127 + 1 - (int32_t)bits;
    if (k < LOWP_PQT_MIN_STEP_LOG2)
        return 0.0f;
    return LOWP_PQT_C * lowp_cc_as_float((uint32_t)(k + 127) << 23); /* exact: a power-of-two scaling */
}

/* bf16 round-to-nearest-even, kept as fp32; NaN stays a quiet NaN (payload
 * kept) and overflow goes to Inf, as IEEE rounding does. Integer work only. */
static inline float lowp_pqt_bf16_rne(float f)
{
    uint32_t u = lowp_cc_as_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return lowp_cc_as_float((u | 0x00400000u) & 0xffff0000u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return lowp_cc_as_float(u & 0xffff0000u);
}

#endif /* LOWP_PQT_RULES_CL */
