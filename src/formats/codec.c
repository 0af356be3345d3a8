/* codec.c — public scalar codec API (lowp/formats.h) over kernels/codec.cl. */
#include "formats/codec.h"

static int valid_format(enum lowp_format f) { return (int)f >= 0 && f < LOWP_FORMAT_COUNT; }

uint32_t lowp_format_encode(enum lowp_format f, float x, enum lowp_rounding r,
                            uint32_t rbits, enum lowp_overflow o)
{
    if (!valid_format(f)) return 0u;
    return lowp_cc_encode_bits((int32_t)f, lowp_f32_bits(x), 0, r == LOWP_ROUNDING_SR, rbits,
                               o == LOWP_OVERFLOW_NONSAT);
}

float lowp_format_decode(enum lowp_format f, uint32_t code)
{
    if (!valid_format(f)) return lowp_f32_from_bits(0x7FC00000u);
    return lowp_f32_from_bits(lowp_cc_decode_bits((int32_t)f, code));
}

const char *lowp_format_name(enum lowp_format f)
{
    static const char *const names[LOWP_FORMAT_COUNT] = {
        "fp32", "bf16", "fp16", "e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8", "e8m0", "ue4m3", "ue5m3"};
    return valid_format(f) ? names[f] : "invalid";
}

unsigned lowp_format_bits(enum lowp_format f)
{
    static const unsigned bits[LOWP_FORMAT_COUNT] = {32, 16, 16, 8, 8, 6, 6, 4, 8, 8, 7, 8};
    return valid_format(f) ? bits[f] : 0u;
}

unsigned lowp_format_code_bytes(enum lowp_format f)
{
    unsigned b = lowp_format_bits(f);
    return b == 0 ? 0u : b > 16 ? 4u : b > 8 ? 2u : 1u;
}

float lowp_format_max(enum lowp_format f)
{
    if (!valid_format(f)) return 0.0f;
    return lowp_f32_from_bits(lowp_cc_max_bits((int32_t)f));
}
