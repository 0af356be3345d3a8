/* codec.cl - the exact scalar codecs of lowp (one copy for C and OpenCL).
 *
 * Valid C11 and OpenCL C 1.2 at once, ASCII only:
 *   - every OpenCL program is common.cl + philox.cl + codec.cl + <family>.cl
 *     (backends/opencl/cl_program.c), so any family's kernels can call the
 *     codecs (fused Hadamard + quantize, quantized matmul operands, bf16
 *     optimizer state);
 *   - C code includes it through src/formats/codec.h (CMake puts kernels/ on
 *     the private include path of the library and of internal code).
 *
 * Only integer arithmetic on fp32 bit patterns is used: no float arithmetic
 * at all, so device denormal flushing, FMA contraction and inexact division
 * cannot change a bit.
 *
 * Core idea: every finite value is an exact pair (sig, exp) meaning
 * sig * 2^exp with sig < 2^62. lowp_cc_round() rounds such a pair into any
 * format (RNE or stochastic, saturating or not); fp32 itself is one of
 * the formats, which gives an exact software fp32 multiply and divide.
 * Semantics: docs/formats.md. */
#ifndef LOWP_CODEC_CL
#define LOWP_CODEC_CL

#ifdef __OPENCL_VERSION__
typedef uint uint32_t;
typedef ulong uint64_t;
typedef int int32_t;
typedef long int64_t;
#else
#include <float.h>
#include <stdint.h>
#include <string.h>
#endif
/* Every codec function is file-local and inlinable in both languages. */
#define LOWP_CC_FN static inline

#define LOWP_CK_IEEE   0  /* Inf (exp all ones, mant 0) and NaN                 */
#define LOWP_CK_FN     1  /* no Inf; magnitude all ones is NaN                  */
#define LOWP_CK_FINITE 2  /* every code is a finite number                      */
#define LOWP_CK_E8M0   3  /* 2^(c-127), no zero, 0xFF NaN                        */
#define LOWP_CK_INT    4  /* two's complement integer times 2^-6 (MX INT8)      */

/* Format numbers: identical to enum lowp_format. */
#define LOWP_CC_FP32 0
#define LOWP_CC_BF16 1
#define LOWP_CC_FP16 2
#define LOWP_CC_E4M3 3
#define LOWP_CC_E5M2 4
#define LOWP_CC_E3M2 5
#define LOWP_CC_E2M3 6
#define LOWP_CC_E2M1 7
#define LOWP_CC_INT8 8
#define LOWP_CC_E8M0 9
#define LOWP_CC_UE4M3 10
#define LOWP_CC_UE5M3 11

typedef struct lowp_cc_fmt {
    int32_t kind;     /* LOWP_CC_*                                         */
    int32_t mbits;    /* mantissa bits M                                   */
    int32_t bias;
    int32_t emin;     /* exponent of the smallest normal (1 - bias)        */
    int32_t sbit;     /* position of the sign bit; -1 for unsigned formats */
    uint32_t maxmag;  /* magnitude code of the largest finite value        */
    uint32_t nanmag;  /* magnitude code of the canonical NaN               */
} lowp_cc_fmt;

LOWP_CC_FN lowp_cc_fmt lowp_cc_format(int32_t f)
{
    lowp_cc_fmt p;
    p.kind = LOWP_CK_IEEE; p.mbits = 23; p.bias = 127; p.sbit = 31;
    p.maxmag = 0x7F7FFFFFu; p.nanmag = 0x7FC00000u;
    if (f == LOWP_CC_BF16) { p.mbits = 7; p.sbit = 15; p.maxmag = 0x7F7Fu; p.nanmag = 0x7FC0u; }
    else if (f == LOWP_CC_FP16) { p.mbits = 10; p.bias = 15; p.sbit = 15; p.maxmag = 0x7BFFu; p.nanmag = 0x7E00u; }
    else if (f == LOWP_CC_E4M3 || f == LOWP_CC_UE4M3) {
        p.kind = LOWP_CK_FN; p.mbits = 3; p.bias = 7; p.sbit = (f == LOWP_CC_E4M3) ? 7 : -1;
        p.maxmag = 0x7Eu; p.nanmag = 0x7Fu;
    } else if (f == LOWP_CC_E5M2) { p.mbits = 2; p.bias = 15; p.sbit = 7; p.maxmag = 0x7Bu; p.nanmag = 0x7Eu; }
    else if (f == LOWP_CC_E3M2) { p.kind = LOWP_CK_FINITE; p.mbits = 2; p.bias = 3; p.sbit = 5; p.maxmag = 0x1Fu; p.nanmag = 0u; }
    else if (f == LOWP_CC_E2M3) { p.kind = LOWP_CK_FINITE; p.mbits = 3; p.bias = 1; p.sbit = 5; p.maxmag = 0x1Fu; p.nanmag = 0u; }
    else if (f == LOWP_CC_E2M1) { p.kind = LOWP_CK_FINITE; p.mbits = 1; p.bias = 1; p.sbit = 3; p.maxmag = 0x7u; p.nanmag = 0u; }
    else if (f == LOWP_CC_INT8) { p.kind = LOWP_CK_INT; p.mbits = 6; p.bias = 0; p.sbit = 7; p.maxmag = 127u; p.nanmag = 0u; }
    else if (f == LOWP_CC_E8M0) { p.kind = LOWP_CK_E8M0; p.mbits = 0; p.bias = 127; p.sbit = -1; p.maxmag = 0xFEu; p.nanmag = 0xFFu; }
    else if (f == LOWP_CC_UE5M3) { p.kind = LOWP_CK_FN; p.mbits = 3; p.bias = 15; p.sbit = -1; p.maxmag = 0xFEu; p.nanmag = 0xFFu; }
    p.emin = 1 - p.bias;
    if (p.kind == LOWP_CK_E8M0) p.emin = -127; /* code 0 is the normal 2^-127 */
    if (p.kind == LOWP_CK_INT) p.emin = 0;     /* ulp fixed at 2^-6 (see round) */
    return p;
}

/* floor(log2(v)) for v > 0: the count-leading-zeros instruction where the
 * language has one, a branch-light binary search otherwise. */
LOWP_CC_FN int32_t lowp_cc_ilog2(uint64_t v)
{
#if defined(__OPENCL_VERSION__)
    return 63 - (int32_t)clz(v);
#elif defined(__GNUC__)
    return 63 - __builtin_clzll(v);
#else
    int32_t r = 0;
    if (v >> 32) { v >>= 32; r += 32; }
    if (v >> 16) { v >>= 16; r += 16; }
    if (v >> 8) { v >>= 8; r += 8; }
    if (v >> 4) { v >>= 4; r += 4; }
    if (v >> 2) { v >>= 2; r += 2; }
    if (v >> 1) { r += 1; }
    return r;
#endif
}

/* Hardware fp32 arithmetic, used only where it provably gives the bits of
 * the software definition below: finite normal operands and a normal result.
 * IEEE 754 (and OpenCL C for *) defines that result as the correctly
 * rounded (RNE) one, and denormal flushing (FTZ/DAZ, devices without
 * denormals) cannot touch it: a flushed result is zero and falls back to the
 * software path. OpenCL's / is not correctly rounded, so division is only
 * taken from the hardware in C. C needs FLT_EVAL_METHOD 0 (no x87 excess
 * precision); define LOWP_CC_SOFT_ONLY to use software everywhere (the CPU
 * reference does). A non-default rounding mode set with fesetround() would
 * change the hardware results: lowp assumes round-to-nearest. */
/* fp32 bit casts in both languages. */
#if defined(__OPENCL_VERSION__)
LOWP_CC_FN float lowp_cc_as_float(uint32_t u) { return as_float(u); }
LOWP_CC_FN uint32_t lowp_cc_as_bits(float x) { return as_uint(x); }
#else
LOWP_CC_FN float lowp_cc_as_float(uint32_t u) { float x; memcpy(&x, &u, sizeof x); return x; }
LOWP_CC_FN uint32_t lowp_cc_as_bits(float x) { uint32_t u; memcpy(&u, &x, sizeof u); return u; }
#endif
#if defined(__OPENCL_VERSION__)
#define LOWP_CC_HW_MUL 1
LOWP_CC_FN uint32_t lowp_cc_hw_mul(uint32_t a, uint32_t b) { return as_uint(as_float(a) * as_float(b)); }
#elif !defined(LOWP_CC_SOFT_ONLY) && defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define LOWP_CC_HW_MUL 1
#define LOWP_CC_HW_DIV 1
LOWP_CC_FN uint32_t lowp_cc_hw_mul(uint32_t a, uint32_t b) { return lowp_cc_as_bits(lowp_cc_as_float(a) * lowp_cc_as_float(b)); }
LOWP_CC_FN uint32_t lowp_cc_hw_div(uint32_t a, uint32_t b) { return lowp_cc_as_bits(lowp_cc_as_float(a) / lowp_cc_as_float(b)); }
#endif
/* 1 if fp32 bits x are a finite normal number (either sign). */
LOWP_CC_FN int32_t lowp_cc_f32_normal(uint32_t x) { return ((x >> 23) & 0xFFu) - 1u < 0xFEu; }

/* Code with sign applied (two's complement for INT formats). */
LOWP_CC_FN uint32_t lowp_cc_signed(lowp_cc_fmt p, uint32_t sign, uint32_t mag)
{
    if (p.kind == LOWP_CK_INT) return sign ? ((0u - mag) & 0xFFu) : mag;
    if (p.sbit < 0) return mag;
    return (sign << p.sbit) | mag;
}

/* Code of NaN (sign given) in format p; formats without NaN give -0 (ml_dtypes'
 * convention), INT gives 0. */
LOWP_CC_FN uint32_t lowp_cc_nan(lowp_cc_fmt p, uint32_t sign)
{
    if (p.kind == LOWP_CK_FINITE) return lowp_cc_signed(p, 1u, 0u);
    if (p.kind == LOWP_CK_INT) return 0u;
    return lowp_cc_signed(p, p.kind == LOWP_CK_IEEE ? sign : 0u, p.nanmag);
}

/* Result of an overflow (finite value beyond max, or Inf input). */
LOWP_CC_FN uint32_t lowp_cc_overflow(lowp_cc_fmt p, uint32_t sign, int32_t nonsat)
{
    if (nonsat && p.kind == LOWP_CK_IEEE) return lowp_cc_signed(p, sign, p.maxmag + 1u);
    if (nonsat && (p.kind == LOWP_CK_FN || p.kind == LOWP_CK_E8M0)) return lowp_cc_signed(p, sign, p.nanmag);
    return lowp_cc_signed(p, sign, p.maxmag);
}

/* Round sign * sig * 2^exp (0 < sig < 2^62) into format p.
 * sr = 0: round to nearest, ties to even (on the code's last bit).
 * sr = 1: stochastic. With D discarded bits and t = min(D, 32), the top t
 *   discarded bits R and the top t bits U of rbits give round-up iff
 *   R + U >= 2^t. Exact (P(up) = fraction) when D <= 32, otherwise
 *   P(up) = floor(frac * 2^32) / 2^32, i.e. bias toward zero < 2^-32 ulp. */
LOWP_CC_FN uint32_t lowp_cc_round(lowp_cc_fmt p, uint32_t sign, uint64_t sig, int32_t exp,
                                  int32_t sr, uint32_t rbits, int32_t nonsat)
{
    int32_t l = lowp_cc_ilog2(sig) + exp;         /* floor(log2 |value|) */
    if (p.sbit < 0 && sign && p.kind != LOWP_CK_E8M0) return 0u; /* unsigned: negatives -> 0 */
    if (p.kind == LOWP_CK_E8M0) {
        if (sign) return p.nanmag;
        if (l < -127) return 0u;                   /* below 2^-127: smallest code */
    }
    int32_t q = ((l > p.emin) ? l : p.emin) - p.mbits; /* exponent of one ulp */
    if (p.kind == LOWP_CK_INT) q = -6;
    if (l > ((p.kind == LOWP_CK_INT) ? 8 : 200)) return lowp_cc_overflow(p, sign, nonsat);
    int32_t shift = q - exp;
    uint64_t n;
    uint32_t up = 0u;
    if (shift <= 0) {
        n = sig << (uint32_t)(-shift);
    } else {
        uint64_t rem, hf;
        if (shift >= 63) { n = 0u; rem = sig; } else { n = sig >> shift; rem = sig & ((((uint64_t)1) << shift) - 1u); }
        if (sr) {
            int32_t t = shift < 32 ? shift : 32;
            int32_t d = shift - t;                /* low remainder bits ignored */
            uint64_t top = (d >= 63) ? 0u : (rem >> d);
            uint64_t u = (uint64_t)(rbits >> (32 - t));
            up = (top + u >= (((uint64_t)1) << t)) ? 1u : 0u;
        } else if (shift < 63) {
            hf = ((uint64_t)1) << (shift - 1);
            /* tie parity is taken from the code, computed below as n's low bit
               for M >= 1 or subnormal; for M = 0 the code parity is l + bias. */
            uint32_t odd = (uint32_t)(n & 1u);
            if (p.mbits == 0 && l >= p.emin) odd = (uint32_t)((l + p.bias) & 1);
            up = (rem > hf || (rem == hf && odd)) ? 1u : 0u;
        }
    }
    uint64_t mag;
    if (p.kind == LOWP_CK_INT) mag = n;
    else if (l >= p.emin) mag = ((uint64_t)(int64_t)(l + p.bias) << p.mbits) + n - (((uint64_t)1) << p.mbits);
    else mag = n;                                  /* subnormal: exponent field 0 */
    mag += up;                                     /* a carry moves to the next binade */
    if (mag > p.maxmag) return lowp_cc_overflow(p, sign, nonsat);
    return lowp_cc_signed(p, sign, (uint32_t)mag);
}

/* Encode fp32 bits x * 2^esh (esh: exact power-of-two prescale) into format f. */
LOWP_CC_FN uint32_t lowp_cc_encode_bits(int32_t f, uint32_t bits, int32_t esh,
                                        int32_t sr, uint32_t rbits, int32_t nonsat)
{
    lowp_cc_fmt p = lowp_cc_format(f);
    uint32_t sign = bits >> 31, a = bits & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return lowp_cc_nan(p, sign);
    if (a == 0x7F800000u) {
        if (p.kind == LOWP_CK_E8M0 && sign) return p.nanmag;
        if (p.sbit < 0 && sign) return 0u;
        return lowp_cc_overflow(p, sign, nonsat);
    }
    if (a == 0u) {
        if (p.kind == LOWP_CK_E8M0) return p.nanmag;   /* no zero in E8M0 (ml_dtypes) */
        if (p.kind == LOWP_CK_INT || p.sbit < 0) return 0u;
        return lowp_cc_signed(p, sign, 0u);
    }
    uint32_t e = a >> 23;
    /* Fast path, the same bits as lowp_cc_round in 32-bit integer steps: a
     * normal input of a float format that lands at most at the largest
     * binade of the target, with at most 31 discarded bits (so the SR rule
     * uses every discarded bit). The RNE increment is half an ulp minus one
     * plus the kept parity; the SR increment is the top sh bits of rbits.
     * A carry out of the significand moves to the next binade by itself. */
    int32_t l = (int32_t)e - 127 + esh;
    if (e != 0u && (p.kind == LOWP_CK_IEEE || p.kind == LOWP_CK_FN || p.kind == LOWP_CK_FINITE) &&
        !(p.sbit < 0 && sign) && l <= (int32_t)(p.maxmag >> p.mbits) - p.bias) {
        int32_t sh = 23 - p.mbits + ((l < p.emin) ? p.emin - l : 0);
        if (sh <= 31) {
            uint32_t m = (a & 0x7FFFFFu) | 0x800000u, add = 0u;
            if (sh > 0) add = sr ? rbits >> (32 - sh) : (1u << (sh - 1)) - 1u + ((m >> sh) & 1u);
            uint32_t mag = (m + add) >> sh;
            if (l >= p.emin) mag += (uint32_t)(l + p.bias - 1) << p.mbits;
            if (mag > p.maxmag) return lowp_cc_overflow(p, sign, nonsat);
            return lowp_cc_signed(p, sign, mag);
        }
    }
    uint64_t sig = (e == 0u) ? (uint64_t)a : (uint64_t)((a & 0x7FFFFFu) | 0x800000u);
    int32_t exp = (e == 0u) ? -149 : (int32_t)e - 150;
    return lowp_cc_round(p, sign, sig, exp + esh, sr, rbits, nonsat);
}

/* Exact value of a code as (sign, sig, exp); returns 0 finite, 1 Inf, 2 NaN.
 * sig may be 0 (zero). */
LOWP_CC_FN int32_t lowp_cc_unpack(int32_t f, uint32_t code, uint32_t *sign, uint64_t *sig, int32_t *exp)
{
    lowp_cc_fmt p = lowp_cc_format(f);
    uint32_t mag;
    *sign = 0u;
    if (p.kind == LOWP_CK_INT) {
        code &= 0xFFu;
        *sign = code >> 7;
        mag = (*sign) ? ((0u - code) & 0xFFu) : code;  /* 0x80 -> 128 -> -2.0 */
        *sig = mag; *exp = -6;
        return 0;
    }
    if (p.kind == LOWP_CK_E8M0) {
        code &= 0xFFu;
        *sig = 1u; *exp = (int32_t)code - 127;
        return code == 0xFFu ? 2 : 0;
    }
    if (p.sbit >= 0) { *sign = (code >> p.sbit) & 1u; mag = code & ((1u << p.sbit) - 1u); }
    else mag = code & p.nanmag;   /* unsigned FN formats: 0x7F (UE4M3), 0xFF (UE5M3) */
    uint32_t ef = mag >> p.mbits, mf = mag & ((1u << p.mbits) - 1u);
    if (p.kind == LOWP_CK_IEEE && mag > p.maxmag) return mf == 0u ? 1 : 2;
    if (p.kind == LOWP_CK_FN && mag > p.maxmag) return 2;
    if (ef == 0u) { *sig = mf; *exp = p.emin - p.mbits; }
    else { *sig = mf | (1u << p.mbits); *exp = (int32_t)ef - p.bias - p.mbits; }
    return 0;
}

/* Round (sign, sig, exp) to fp32 bits with RNE; sig == 0 gives +/-0. */
LOWP_CC_FN uint32_t lowp_cc_f32_pack(uint32_t sign, uint64_t sig, int32_t exp)
{
    if (sig == 0u) return sign << 31;
    /* Fast exact case (every decode of a narrow code lands here): at most 24
     * significant bits and a normal fp32 exponent need no rounding. */
    int32_t l = lowp_cc_ilog2(sig), be = l + exp + 127;
    if (l < 24 && be >= 1 && be <= 254)
        return (sign << 31) | ((uint32_t)be << 23) | ((uint32_t)(sig << (uint32_t)(23 - l)) & 0x7FFFFFu);
    return lowp_cc_round(lowp_cc_format(LOWP_CC_FP32), sign, sig, exp, 0, 0u, 1);
}

/* Decode a code of format f to fp32 bits (exact for every format). */
LOWP_CC_FN uint32_t lowp_cc_decode_bits(int32_t f, uint32_t code)
{
    uint32_t sign; uint64_t sig; int32_t exp;
    int32_t k = lowp_cc_unpack(f, code, &sign, &sig, &exp);
    if (k == 1) return (sign << 31) | 0x7F800000u;
    if (k == 2) return (sign << 31) | 0x7FC00000u;
    return lowp_cc_f32_pack(sign, sig, exp);
}

/* Storage bits of one packed block-element code: fp4 4, fp6 6, the rest 8
 * (src/formats/quant.h packs them; lowp_format_bits is the public form). */
LOWP_CC_FN uint32_t lowp_cc_elem_bits(int32_t f)
{
    return (f == LOWP_CC_E3M2 || f == LOWP_CC_E2M3) ? 6u : f == LOWP_CC_E2M1 ? 4u : 8u;
}

/* fp32 bits of the largest finite value of format f. */
LOWP_CC_FN uint32_t lowp_cc_max_bits(int32_t f)
{
    return lowp_cc_decode_bits(f, lowp_cc_format(f).maxmag);
}

/* Decode, then multiply exactly by 2^esh (the MX block scale), rounded to fp32. */
LOWP_CC_FN uint32_t lowp_cc_decode_scaled(int32_t f, uint32_t code, int32_t esh)
{
    uint32_t sign; uint64_t sig; int32_t exp;
    int32_t k = lowp_cc_unpack(f, code, &sign, &sig, &exp);
    if (k == 1) return (sign << 31) | 0x7F800000u;
    if (k == 2) return (sign << 31) | 0x7FC00000u;
    return lowp_cc_f32_pack(sign, sig, exp + esh);
}

/* fp32 bits -> (sign, sig, exp) for finite nonzero values. */
LOWP_CC_FN void lowp_cc_f32_split(uint32_t bits, uint32_t *sign, uint64_t *sig, int32_t *exp)
{
    uint32_t e = (bits >> 23) & 0xFFu;
    *sign = bits >> 31;
    *sig = (e == 0u) ? (uint64_t)(bits & 0x7FFFFFu) : (uint64_t)((bits & 0x7FFFFFu) | 0x800000u);
    *exp = (e == 0u) ? -149 : (int32_t)e - 150;
}

/* IEEE fp32 multiply, round to nearest even, subnormals exact (software). */
LOWP_CC_FN uint32_t lowp_cc_f32_mul(uint32_t a, uint32_t b)
{
#ifdef LOWP_CC_HW_MUL
    /* the common case first: one well-predicted test before the specials */
    if (lowp_cc_f32_normal(a) && lowp_cc_f32_normal(b)) {
        uint32_t r = lowp_cc_hw_mul(a, b);
        if (lowp_cc_f32_normal(r)) return r;
    }
#endif
    uint32_t sa = a >> 31, sb = b >> 31, s = sa ^ sb;
    uint32_t aa = a & 0x7FFFFFFFu, ab = b & 0x7FFFFFFFu;
    if (aa > 0x7F800000u || ab > 0x7F800000u) return 0x7FC00000u;
    if (aa == 0x7F800000u || ab == 0x7F800000u) {
        if (aa == 0u || ab == 0u) return 0x7FC00000u;
        return (s << 31) | 0x7F800000u;
    }
    if (aa == 0u || ab == 0u) return s << 31;
    uint32_t t; uint64_t ma, mb; int32_t ea, eb;
    lowp_cc_f32_split(aa, &t, &ma, &ea);
    lowp_cc_f32_split(ab, &t, &mb, &eb);
    return lowp_cc_f32_pack(s, ma * mb, ea + eb);
}

/* IEEE fp32 divide a / b, correctly rounded (RNE), subnormals exact. */
LOWP_CC_FN uint32_t lowp_cc_f32_div(uint32_t a, uint32_t b)
{
    uint32_t s = (a ^ b) >> 31;
    uint32_t aa = a & 0x7FFFFFFFu, ab = b & 0x7FFFFFFFu;
    if (aa > 0x7F800000u || ab > 0x7F800000u) return 0x7FC00000u;
    if (aa == 0x7F800000u) return ab == 0x7F800000u ? 0x7FC00000u : ((s << 31) | 0x7F800000u);
    if (ab == 0x7F800000u) return s << 31;
    if (ab == 0u) return aa == 0u ? 0x7FC00000u : ((s << 31) | 0x7F800000u);
    if (aa == 0u) return s << 31;
#ifdef LOWP_CC_HW_DIV
    if (lowp_cc_f32_normal(a) && lowp_cc_f32_normal(b)) {
        uint32_t r = lowp_cc_hw_div(a, b);
        if (lowp_cc_f32_normal(r)) return r;
    }
#endif
    uint32_t t; uint64_t ma, mb; int32_t ea, eb;
    lowp_cc_f32_split(aa, &t, &ma, &ea);
    lowp_cc_f32_split(ab, &t, &mb, &eb);
    /* normalise both significands to [2^23, 2^24) so the quotient has >= 40 bits */
    int32_t la = lowp_cc_ilog2(ma), lb = lowp_cc_ilog2(mb);
    ma <<= (uint32_t)(23 - la); ea -= 23 - la;
    mb <<= (uint32_t)(23 - lb); eb -= 23 - lb;
    uint64_t num = ma << 40;
    uint64_t qt = num / mb, r = num - qt * mb;
    /* sticky bit below every kept bit keeps RNE exact */
    return lowp_cc_f32_pack(s, (qt << 1) | (r != 0u ? 1u : 0u), ea - eb - 41);
}

/* MX: E8M0 scale byte from the fp32 bits of a block amax (>= 0 or NaN/Inf).
 * mode: 0 FLOOR, 1 CEIL, 2 EVEN, 3 RCEIL. elem: element format. */
LOWP_CC_FN uint32_t lowp_cc_e8m0_scale(uint32_t amax_bits, int32_t mode, int32_t elem)
{
    uint32_t a = amax_bits & 0x7FFFFFFFu;
    if (a >= 0x7F800000u) return 0xFFu;
    lowp_cc_fmt p = lowp_cc_format(elem);
    int32_t emax = (p.kind == LOWP_CK_INT) ? 0 : ((int32_t)(p.maxmag >> p.mbits) - p.bias);
    int32_t se;
    if (mode == 3) {
        /* descale = amax * fp32(1 / max_elem), rounded up to a power of two */
        uint32_t maxb = lowp_cc_max_bits(elem);
        uint32_t d = lowp_cc_f32_mul(a, lowp_cc_f32_div(0x3F800000u, maxb));
        uint32_t e = d >> 23, m = d & 0x7FFFFFu;
        uint32_t c = (e == 0u) ? (m > 0x400000u ? 1u : 0u) : e + (m != 0u ? 1u : 0u);
        return c > 0xFEu ? 0xFEu : c;
    }
    if (mode == 2) {
        /* round the significand to the element's M bits (carry may bump the
           exponent), then truncate: add half an M-bit ulp to the bits */
        uint32_t keep = 23u - (uint32_t)p.mbits;
        a = (a + (1u << (keep - 1u))) & ~((1u << keep) - 1u);
        if (a >= 0x7F800000u) a = 0x7F000000u; /* rounded past FLT_MAX: 2^127 */
    }
    se = (int32_t)(a >> 23) - 127;                  /* floor(log2); subnormals -> -127 */
    if (mode == 1 && (a & 0x7FFFFFu) != 0u && (a >> 23) != 0u) se += 1;  /* CEIL */
    se -= emax;
    if (se < -127) se = -127;
    if (se > 127) se = 127;   /* lowp clamps to 0xFE instead of a NaN scale */
    return (uint32_t)(se + 127);
}
/* Two-level (NVFP4 recipe, TE operation order): tensor scale from the fp32
 * bits of the tensor amax. s_enc = (smax*emax)/amax (correctly rounded;
 * +Inf -> FLT_MAX; amax 0, non-finite, or s_enc 0 -> 1.0), s_dec = 1/s_enc,
 * mult = s_enc * fp32(1/emax) (TE folds 1/6 into the global multiplier). */
LOWP_CC_FN void lowp_cc_tensor_scale(uint32_t amax_bits, int32_t scale_f, int32_t elem,
                                     uint32_t *s_enc, uint32_t *s_dec, uint32_t *mult)
{
    uint32_t smax = lowp_cc_max_bits(scale_f);
    uint32_t emaxv = lowp_cc_max_bits(elem);
    uint32_t a = amax_bits & 0x7FFFFFFFu, se = 0x3F800000u;
    if (a != 0u && a < 0x7F800000u) {
        se = lowp_cc_f32_div(lowp_cc_f32_mul(smax, emaxv), a);
        if (se == 0x7F800000u) se = 0x7F7FFFFFu;
        if (se == 0u) se = 0x3F800000u;
    }
    *s_enc = se;
    *s_dec = lowp_cc_f32_div(0x3F800000u, se);
    *mult = lowp_cc_f32_mul(se, lowp_cc_f32_div(0x3F800000u, emaxv));
}

/* Two-level block scale code from the block amax bits (NaN/Inf -> NaN code).
 * sb = min(amax_b * mult, FLT_MAX), encoded RNE saturating to the scale max;
 * clamp_tiny raises codes below the smallest normal to it (torchao). */
LOWP_CC_FN uint32_t lowp_cc_block_scale2(uint32_t amax_bits, uint32_t mult, int32_t scale_f,
                                         int32_t clamp_tiny)
{
    lowp_cc_fmt p = lowp_cc_format(scale_f);
    uint32_t a = amax_bits & 0x7FFFFFFFu;
    if (a >= 0x7F800000u) return p.nanmag;
    uint32_t sb = lowp_cc_f32_mul(a, mult);
    if (sb >= 0x7F800000u) sb = 0x7F7FFFFFu;
    uint32_t c = lowp_cc_encode_bits(scale_f, sb, 0, 0, 0u, 0);
    if (clamp_tiny && c < (1u << p.mbits)) c = 1u << p.mbits;
    return c;
}

/* Two-level element encode multiplier: min(1 / (fp32(scale) * s_dec), FLT_MAX). */
LOWP_CC_FN uint32_t lowp_cc_block_enc2(int32_t scale_f, uint32_t scode, uint32_t s_dec)
{
    uint32_t e = lowp_cc_f32_div(0x3F800000u, lowp_cc_f32_mul(lowp_cc_decode_bits(scale_f, scode), s_dec));
    if ((e & 0x7FFFFFFFu) == 0x7F800000u) e = 0x7F7FFFFFu;
    return e;
}

/* Two-level element from v = x * enc (already multiplied; loops that
 * hoist emaxv and reuse v call this form): encode(clamp(v, -emax, emax)). */
LOWP_CC_FN uint32_t lowp_cc_elem_encode2_scaled(int32_t elem, uint32_t v, uint32_t emaxv, int32_t sr,
                                                uint32_t rbits)
{
    if ((v & 0x7FFFFFFFu) <= 0x7F800000u && (v & 0x7FFFFFFFu) > emaxv) v = (v & 0x80000000u) | emaxv;
    return lowp_cc_encode_bits(elem, v, 0, sr, rbits, 0);
}

/* Two-level element: q = encode(clamp(x * enc, -emax, emax)). */
LOWP_CC_FN uint32_t lowp_cc_elem_encode2(int32_t elem, uint32_t xbits, uint32_t enc,
                                         int32_t sr, uint32_t rbits)
{
    return lowp_cc_elem_encode2_scaled(elem, lowp_cc_f32_mul(xbits, enc), lowp_cc_max_bits(elem), sr, rbits);
}

/* Two-level decode with the block scale already decoded to fp32 bits. */
LOWP_CC_FN uint32_t lowp_cc_elem_decode2_value(int32_t elem, uint32_t q, uint32_t scale_bits, uint32_t s_dec)
{
    return lowp_cc_f32_mul(lowp_cc_f32_mul(lowp_cc_decode_bits(elem, q), scale_bits), s_dec);
}

/* Two-level decode: (q * fp32(scale)) * s_dec, each product fp32-rounded. */
LOWP_CC_FN uint32_t lowp_cc_elem_decode2(int32_t elem, uint32_t q, int32_t scale_f, uint32_t scode,
                                         uint32_t s_dec)
{
    return lowp_cc_elem_decode2_value(elem, q, lowp_cc_decode_bits(scale_f, scode), s_dec);
}

/* MX element: encode x * 2^(127 - scale byte), exactly. A NaN scale (0xFF)
 * needs no special case: x * 2^-128 encodes NaN inputs as NaN codes and finite
 * ones as (mostly) zero, which is what torchao's golden vectors show; the
 * block decodes to NaN through its scale anyway. */
LOWP_CC_FN uint32_t lowp_cc_elem_encode_mx(int32_t elem, uint32_t xbits, uint32_t sbyte,
                                           int32_t sr, uint32_t rbits, int32_t nonsat)
{
    return lowp_cc_encode_bits(elem, xbits, 127 - (int32_t)sbyte, sr, rbits, nonsat);
}

/* MX element decode: value * 2^(scale byte - 127); NaN scale -> NaN. */
LOWP_CC_FN uint32_t lowp_cc_elem_decode_mx(int32_t elem, uint32_t q, uint32_t sbyte)
{
    if (sbyte == 0xFFu) return 0x7FC00000u;
    return lowp_cc_decode_scaled(elem, q, (int32_t)sbyte - 127);
}
/* MX statistics: 1 if |x| > max_elem * 2^(sbyte - 127), i.e. the element
 * saturated or overflowed; 0 for a NaN scale, NaN x or zero. Exact (integer
 * compare of the two (sig, exp) pairs), equal to the reference's double test. */
LOWP_CC_FN int32_t lowp_cc_mx_clipped(int32_t elem, uint32_t xbits, uint32_t sbyte)
{
    uint32_t a = xbits & 0x7FFFFFFFu, t;
    if (sbyte == 0xFFu || a > 0x7F800000u) return 0;
    if (a == 0x7F800000u) return 1;
    if (a == 0u) return 0;
    uint64_t ms, xs; int32_t me, xe;
    lowp_cc_unpack(elem, lowp_cc_format(elem).maxmag, &t, &ms, &me);
    me += (int32_t)sbyte - 127;
    lowp_cc_f32_split(a, &t, &xs, &xe);
    int32_t lx = lowp_cc_ilog2(xs), lm = lowp_cc_ilog2(ms);
    if (lx + xe != lm + me) return lx + xe > lm + me ? 1 : 0;
    return (xs << (uint32_t)(40 - lx)) > (ms << (uint32_t)(40 - lm)) ? 1 : 0;
}
#endif /* LOWP_CODEC_CL */
