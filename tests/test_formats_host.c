/* test_formats_host.c — host tests of the formats family: scalar codecs,
 * stochastic rounding, MX / NVFP4 block quantization (reference and fast
 * CPU), against known answers and against the independent vectors of
 * tests/vectors/formats/formats_vectors.txt (ml_dtypes, numpy, torchao KATs).
 * Usage: test_formats_host [vectors file]
 * Prints "N passed, M failed" last; exit status 1 on any failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/philox.h"
#include "formats/codec.h"
#include "codec_soft.h"
#include "formats/quant.h"
#include "ref/formats_ref.h"
#include "formats_cpu.h"

static long g_pass, g_fail;

#define CHECK(cond, ...)                                        \
    do {                                                        \
        if (cond) g_pass++;                                     \
        else {                                                  \
            g_fail++;                                           \
            if (g_fail <= 40) {                                 \
                printf("FAIL %s:%d: ", __FILE__, __LINE__);     \
                printf(__VA_ARGS__);                            \
                printf("\n");                                   \
            }                                                   \
        }                                                       \
    } while (0)

static uint32_t fb(float x) { return lowp_f32_bits(x); }
static float bf(uint32_t b) { return lowp_f32_from_bits(b); }
static int is_nan_bits(uint32_t b) { return (b & 0x7FFFFFFFu) > 0x7F800000u; }

/* ---------------- exhaustive codec properties ---------------- */

static uint32_t ncodes(enum lowp_format f)
{
    unsigned b = lowp_format_bits(f);
    return f == LOWP_FORMAT_UE4M3 ? 128u : (1u << b);
}

static void test_roundtrip_all(void)
{
    for (int f = 1; f < LOWP_FORMAT_COUNT; ++f) {
        long bad = 0;
        for (uint32_t c = 0; c < ncodes((enum lowp_format)f); ++c) {
            if (f == LOWP_FORMAT_INT8 && c == 0x80) continue; /* -2.0 is decoded, never produced */
            float v = lowp_format_decode((enum lowp_format)f, c);
            for (int o = 0; o < 2; ++o) {
                uint32_t e = lowp_format_encode((enum lowp_format)f, v, LOWP_ROUNDING_RNE, 0, (enum lowp_overflow)o);
                uint32_t e2 = lowp_format_encode((enum lowp_format)f, v, LOWP_ROUNDING_SR, 0xFFFFFFFFu, (enum lowp_overflow)o);
                if (isnan(v)) {
                    if (!isnan(lowp_format_decode((enum lowp_format)f, e)) && f != LOWP_FORMAT_E3M2 &&
                        f != LOWP_FORMAT_E2M3 && f != LOWP_FORMAT_E2M1 && f != LOWP_FORMAT_INT8) bad++;
                } else if (isinf(v)) {
                    if (o == 1 && e != c) bad++;
                } else if (e != c || e2 != c) {
                    bad++;
                }
            }
        }
        CHECK(bad == 0, "%s: %ld codes fail to round-trip", lowp_format_name((enum lowp_format)f), bad);
    }
}

/* Every midpoint between adjacent finite values rounds to the even code. */
static void test_midpoints(void)
{
    for (int f = 1; f < LOWP_FORMAT_COUNT; ++f) {
        if (f == LOWP_FORMAT_E8M0) continue; /* powers of two: tested separately */
        long bad = 0, tested = 0;
        uint32_t n = ncodes((enum lowp_format)f);
        for (uint32_t c = 0; c + 1 < n; ++c) {
            float lo = lowp_format_decode((enum lowp_format)f, c);
            float hi = lowp_format_decode((enum lowp_format)f, c + 1);
            if (f == LOWP_FORMAT_INT8) { if (c >= 127) continue; }
            if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) || lo < 0) continue;
            double mid = ((double)lo + (double)hi) / 2;
            if ((double)(float)mid != mid) continue; /* not representable in fp32 (fp32 itself) */
            uint32_t even = (c % 2 == 0) ? c : c + 1;
            uint32_t e = lowp_format_encode((enum lowp_format)f, (float)mid, LOWP_ROUNDING_RNE, 0, LOWP_OVERFLOW_SATURATE);
            uint32_t a = lowp_format_encode((enum lowp_format)f, nextafterf((float)mid, 0.0f), LOWP_ROUNDING_RNE, 0, LOWP_OVERFLOW_SATURATE);
            uint32_t b = lowp_format_encode((enum lowp_format)f, nextafterf((float)mid, INFINITY), LOWP_ROUNDING_RNE, 0, LOWP_OVERFLOW_SATURATE);
            tested++;
            if (e != even || a != c || b != c + 1) bad++;
            /* negative side (signed formats) */
            if (lowp_format_encode((enum lowp_format)f, -1.0f, LOWP_ROUNDING_RNE, 0, LOWP_OVERFLOW_SATURATE) != 0 && c > 0) {
                float nm = -(float)mid;
                float dn = lowp_format_decode((enum lowp_format)f, lowp_format_encode((enum lowp_format)f, nm, LOWP_ROUNDING_RNE, 0, LOWP_OVERFLOW_SATURATE));
                if (dn != -lowp_format_decode((enum lowp_format)f, even)) bad++;
            }
        }
        CHECK(bad == 0 && tested > 0, "%s: %ld of %ld midpoints wrong", lowp_format_name((enum lowp_format)f), bad, tested);
    }
}

static void test_known_scalars(void)
{
    struct { int f; float x; int o; uint32_t code; } kv[] = {
        {3, 0.0009765625f, 0, 0x00}, {3, 0.0029296875f, 0, 0x02}, {3, 0.3952f, 0, 0x2D}, {3, 1.0625f, 0, 0x38},
        {3, 1.1875f, 0, 0x3A}, {3, -2.5f, 0, 0xC2}, {3, 460.0f, 0, 0x7E}, {3, 464.0f, 0, 0x7E}, {3, 464.0f, 1, 0x7E},
        {3, 470.0f, 0, 0x7E}, {3, 470.0f, 1, 0x7F}, {3, 1e9f, 0, 0x7E}, {3, 1e9f, 1, 0x7F}, {3, -1e9f, 1, 0xFF},
        {3, INFINITY, 0, 0x7E}, {3, -INFINITY, 1, 0xFF}, {3, -0.0f, 0, 0x80},
        {4, 60000.0f, 0, 0x7B}, {4, 61440.0f, 0, 0x7B}, {4, 61440.0f, 1, 0x7C}, {4, -61440.0f, 1, 0xFC},
        {4, 1.5f / 65536.0f, 0, 0x02}, {4, INFINITY, 1, 0x7C}, {4, INFINITY, 0, 0x7B},
        {1, 1.00390625f, 1, 0x3F80}, {1, 1.01171875f, 1, 0x3F82}, {1, 3.14159265f, 1, 0x4049},
        {2, 65520.0f, 1, 0x7C00}, {2, 65520.0f, 0, 0x7BFF}, {2, 5.9604645e-08f, 0, 0x0001},
        {7, 0.25f, 0, 0x0}, {7, 0.75f, 0, 0x2}, {7, 1.25f, 0, 0x2}, {7, 1.75f, 0, 0x4}, {7, 2.5f, 0, 0x4},
        {7, 3.5f, 0, 0x6}, {7, 5.0f, 0, 0x6}, {7, 5.0001f, 0, 0x7}, {7, 100.0f, 1, 0x7}, {7, -0.1f, 0, 0x8},
        {7, -0.25f, 0, 0x8}, {7, NAN, 0, 0x8},
        {8, 1.0f, 0, 64}, {8, -1.0f, 0, 0xC0}, {8, 2.0f, 0, 127}, {8, -5.0f, 0, 0x81}, {8, 1.0f / 128, 0, 0},
        {8, 3.0f / 128, 0, 2}, {8, NAN, 0, 0},
        {9, 1.0f, 0, 127}, {9, 1.5f, 0, 128}, {9, 3.0f, 0, 128}, {9, 0.0f, 0, 0xFF}, {9, 1e-40f, 0, 0},
        {10, 448.0f, 0, 0x7E}, {10, 1000.0f, 1, 0x7F}, {10, -3.0f, 0, 0x00}, {10, NAN, 0, 0x7F},
        {11, 114688.0f, 0, 0xFE}, {11, 1e6f, 0, 0xFE}, {11, 1e6f, 1, 0xFF}, {11, 61440.0f, 0, 0xF7},
        {11, 0.00000762939453125f /* 2^-17 */, 0, 0x01}, {11, -1.0f, 0, 0x00},
        {0, 1e-45f, 0, 0x00000001}, {0, INFINITY, 1, 0x7F800000}, {0, INFINITY, 0, 0x7F7FFFFF},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; ++i) {
        uint32_t c = lowp_format_encode((enum lowp_format)kv[i].f, kv[i].x, LOWP_ROUNDING_RNE, 0, (enum lowp_overflow)kv[i].o);
        CHECK(c == kv[i].code, "encode %s(%.9g, ovf %d) = 0x%x, want 0x%x", lowp_format_name((enum lowp_format)kv[i].f),
              (double)kv[i].x, kv[i].o, c, kv[i].code);
    }
    CHECK(lowp_format_max(LOWP_FORMAT_E4M3) == 448.0f && lowp_format_max(LOWP_FORMAT_E5M2) == 57344.0f &&
          lowp_format_max(LOWP_FORMAT_E3M2) == 28.0f && lowp_format_max(LOWP_FORMAT_E2M3) == 7.5f &&
          lowp_format_max(LOWP_FORMAT_E2M1) == 6.0f && lowp_format_max(LOWP_FORMAT_UE5M3) == 114688.0f &&
          lowp_format_max(LOWP_FORMAT_INT8) == 127.0f / 64 && lowp_format_max(LOWP_FORMAT_E8M0) == 0x1p127f,
          "format maxima");
    /* subnormal minima and NaN/Inf decodes */
    CHECK(lowp_format_decode(LOWP_FORMAT_E4M3, 1) == 0x1p-9f && lowp_format_decode(LOWP_FORMAT_E5M2, 1) == 0x1p-16f &&
          lowp_format_decode(LOWP_FORMAT_UE5M3, 1) == 0x1p-17f && lowp_format_decode(LOWP_FORMAT_E8M0, 0) == 0x1p-127f &&
          lowp_format_decode(LOWP_FORMAT_E3M2, 1) == 0.0625f && lowp_format_decode(LOWP_FORMAT_E2M3, 1) == 0.125f,
          "subnormal minima");
    CHECK(isnan(lowp_format_decode(LOWP_FORMAT_E4M3, 0xFF)) && isinf(lowp_format_decode(LOWP_FORMAT_E5M2, 0xFC)) &&
          isnan(lowp_format_decode(LOWP_FORMAT_E8M0, 0xFF)) && isnan(lowp_format_decode(LOWP_FORMAT_UE4M3, 0x7F)) &&
          isnan(lowp_format_decode(LOWP_FORMAT_UE5M3, 0xFF)) && signbit(lowp_format_decode(LOWP_FORMAT_E2M1, 8)) &&
          lowp_format_decode(LOWP_FORMAT_INT8, 0x80) == -2.0f, "specials decode");
    /* fp32 subnormal inputs, exactly: 2^-140 into bf16 is a bf16 subnormal (0x0000 + ..) */
    CHECK(lowp_format_encode(LOWP_FORMAT_BF16, 0x1p-130f, 0, 0, 1) == 0x0008u &&
          lowp_format_encode(LOWP_FORMAT_BF16, 0x1p-134f, 0, 0, 1) == 0x0000u &&
          lowp_format_encode(LOWP_FORMAT_BF16, 0x1.8p-134f, 0, 0, 1) == 0x0001u, "bf16 of fp32 subnormals");
    CHECK(lowp_format_encode(LOWP_FORMAT_BF16, bf(0x00018000u), 0, 0, 1) == 0x0002u, "bf16 tie on subnormal");
    /* fp32 mul/div, both the codec as built (hardware fast path on normal
       operands and results) and the software definition, agree with the host
       FPU on normal and subnormal operands */
    uint64_t st = 88172645463325252ull;
    long bad = 0;
    for (int i = 0; i < 200000; ++i) {
        st ^= st << 13; st ^= st >> 7; st ^= st << 17;
        uint32_t a = (uint32_t)st, b = (uint32_t)(st >> 32);
        if (i % 4 == 1) a &= 0x807FFFFFu; /* subnormal a */
        if (i % 8 == 3) b = (b & 0x80FFFFFFu);
        volatile float fa = bf(a), fbv = bf(b);
        float pm = fa * fbv, pd = fa / fbv;
        uint32_t m = lowp_cc_f32_mul(a, b), d = lowp_cc_f32_div(a, b);
        uint32_t sm = lowp_test_soft_f32_mul(a, b), sd = lowp_test_soft_f32_div(a, b);
        if (!(m == fb(pm) || (is_nan_bits(m) && isnan(pm)))) bad++;
        if (!(d == fb(pd) || (is_nan_bits(d) && isnan(pd)))) bad++;
        if (sm != m || sd != d) bad++;
    }
    CHECK(bad == 0, "fp32 mul/div: %ld mismatches between software, codec and the FPU", bad);
}

/* lowp_cc_encode_bits takes a 32-bit integer shortcut for normal inputs
 * (kernels/codec.cl); it must give the bits of the general rounding routine
 * lowp_cc_round for every format, prescale, rounding and overflow mode. */
static void test_encode_fast_path(void)
{
    uint64_t st = 0x9E3779B97F4A7C15ull;
    long bad = 0, n = 0;
    for (int f = 0; f < LOWP_FORMAT_COUNT; ++f) {
        lowp_cc_fmt p = lowp_cc_format(f);
        for (int i = 0; i < 60000; ++i) {
            st ^= st << 13; st ^= st >> 7; st ^= st << 17;
            uint32_t bits = (uint32_t)st, r = (uint32_t)(st >> 32);
            /* concentrate on the target's range: exponent within +-40 of its bias */
            uint32_t e = (uint32_t)(127 - p.bias + (int)(r % 81u) - 40) & 0xFFu;
            if (i % 3 != 0) bits = (bits & 0x807FFFFFu) | (e << 23);
            int32_t esh = (i % 5 == 0) ? (int32_t)(r % 61u) - 30 : 0;
            int sr = i & 1, nonsat = (i >> 1) & 1;
            uint32_t sign = bits >> 31, a = bits & 0x7FFFFFFFu, ef = a >> 23;
            if (ef == 0u || ef == 0xFFu) continue; /* the shortcut only sees normal inputs */
            uint64_t sig = (a & 0x7FFFFFu) | 0x800000u;
            uint32_t want = lowp_cc_round(p, sign, sig, (int32_t)ef - 150 + esh, sr, r, nonsat);
            if (p.kind == LOWP_CK_E8M0 && sign) want = p.nanmag;
            if (p.sbit < 0 && sign && p.kind != LOWP_CK_E8M0) want = 0u;
            uint32_t got = lowp_cc_encode_bits(f, bits, esh, sr, r, nonsat);
            bad += got != want;
            ++n;
        }
    }
    CHECK(bad == 0, "encode shortcut vs lowp_cc_round: %ld of %ld differ", bad, n);
}

/* ---------------- stochastic rounding ---------------- */

static void test_sr(void)
{
    /* exact: over all 2^t values of the used random bits, P(up) == fraction */
    struct { int f; float x; } cases[] = {{7, 0.3f}, {7, 1.9f}, {7, 2.6f}, {7, 5.0f}, {7, -4.7f}, {3, 0.3952f},
                                          {3, 300.1f}, {4, 1000.3f}, {5, 0.07f}, {6, 6.3f}, {1, 1.0001f}, {8, 0.0123f}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        enum lowp_format f = (enum lowp_format)cases[i].f;
        float x = cases[i].x;
        uint32_t dn = lowp_format_encode(f, x, LOWP_ROUNDING_SR, 0u, 0);            /* r = 0: truncate */
        uint32_t up = lowp_format_encode(f, x, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 0);  /* r max: round away unless exact */
        double lo = lowp_format_decode(f, dn), hi = lowp_format_decode(f, up);
        double frac = (fabs((double)x) - fabs(lo)) / (fabs(hi) - fabs(lo));
        /* enumerate the top 16 bits of the word (the discarded-bit count is <= 16 here or the
           remaining bits only matter below 2^-16): count round-ups */
        long ups = 0;
        for (uint32_t r = 0; r < 65536u; ++r) ups += lowp_format_encode(f, x, LOWP_ROUNDING_SR, (r << 16) | 0xFFFFu, 0) == up;
        long ups0 = 0;
        for (uint32_t r = 0; r < 65536u; ++r) ups0 += lowp_format_encode(f, x, LOWP_ROUNDING_SR, r << 16, 0) == up;
        /* P(up) is between the two counts (low 16 bits all ones / zeros) and brackets frac */
        CHECK((double)ups0 / 65536 <= frac + 1e-12 && (double)ups / 65536 >= frac - 1e-12 &&
              (double)(ups - ups0) / 65536 <= 1.0 / 65536 + 1e-12,
              "SR %s(%g): P(up) in [%g, %g], fraction %g", lowp_format_name(f), (double)x,
              (double)ups0 / 65536, (double)ups / 65536, frac);
    }
    /* statistical: mean of Philox-driven SR over N draws is within 5 sigma of x */
    const int N = 100000;
    struct { int f; float x; } sc[] = {{7, 0.3f}, {7, 2.6f}, {7, -1.3f}, {3, 0.01f}, {4, 3.3e-5f}, {1, 1.001f},
                                       {2, 1e-6f}, {5, 0.1f}, {6, -3.1f}, {8, 0.0077f}, {11, 3.3f}, {10, 0.0003f}};
    for (size_t i = 0; i < sizeof sc / sizeof sc[0]; ++i) {
        enum lowp_format f = (enum lowp_format)sc[i].f;
        float x = sc[i].x;
        double lo = lowp_format_decode(f, lowp_format_encode(f, x, LOWP_ROUNDING_SR, 0u, 0));
        double hi = lowp_format_decode(f, lowp_format_encode(f, x, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 0));
        double sum = 0, ulp = fabs(hi - lo), p = fabs((double)x - lo) / ulp;
        long nup = 0;
        for (int k = 0; k < N; ++k) {
            uint32_t w = lowp_philox_word(42, 1000 + i, (uint64_t)k);
            double v = lowp_format_decode(f, lowp_format_encode(f, x, LOWP_ROUNDING_SR, w, 0));
            sum += v;
            nup += v == hi;
        }
        double mean = sum / N, sigma = ulp * sqrt(p * (1 - p) / N);
        CHECK(fabs(mean - (double)x) <= 5 * sigma + ulp * 0x1p-32,
              "SR %s(%g): mean %.9g, |bias| %.3g > 5 sigma %.3g", lowp_format_name(f), (double)x, mean,
              fabs(mean - (double)x), 5 * sigma);
        double ph = (double)nup / N;
        CHECK(fabs(ph - p) <= 5 * sqrt(p * (1 - p) / N) + 1e-9, "SR %s(%g): P(up) %.5f vs distance %.5f",
              lowp_format_name(f), (double)x, ph, p);
    }
    /* far below the smallest subnormal: > 32 discarded bits -> bias < 2^-32 ulp, never up */
    CHECK(lowp_format_encode(LOWP_FORMAT_E2M1, 1e-30f, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 0) == 0, "SR tiny");
    CHECK(lowp_format_encode(LOWP_FORMAT_E2M1, 6.0f, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 0) == 7 &&
          lowp_format_encode(LOWP_FORMAT_E2M1, 5.9f, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 0) == 7, "SR saturates at max");
    CHECK(lowp_format_encode(LOWP_FORMAT_E4M3, 447.0f, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 1) == 0x7E &&
          lowp_format_encode(LOWP_FORMAT_E4M3, 449.0f, LOWP_ROUNDING_SR, 0xFFFFFFFFu, 1) == 0x7F,
          "SR non-saturating E4M3 overflow to NaN only above max");
}

/* ---------------- block quantization: known answers ---------------- */

static int quant_block(struct lowp_quant_desc *d, const float *x, uint8_t *codes, uint8_t *scales, float *ts,
                       float *y)
{
    if (lowp_ref_quantize(d, x, codes, scales, ts, NULL) != LOWP_OK) return 0;
    if (y && lowp_ref_dequantize(d, codes, scales, ts ? *ts : 1.0f, y) != LOWP_OK) return 0;
    return 1;
}

static void test_mx_known(void)
{
    /* formats.md 2.4 worked comparison: dequantized top element per mode */
    struct { int elem; float amax; float want[4]; } t[] = {
        {7, 5.0f, {4, 4, 4, 4}}, {7, 6.0f, {6, 6, 6, 6}}, {7, 7.0f, {6, 8, 8, 8}},
        {3, 449.0f, {448, 448, 448, 448}}, {3, 500.0f, {448, 512, 512, 512}}, {3, 957.0f, {896, 960, 896, 960}},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; ++i)
        for (int m = 0; m < 4; ++m) {
            struct lowp_quant_desc d = lowp_quant_desc_mx(1, 32, (enum lowp_format)t[i].elem);
            d.scale_mode = (enum lowp_scale_mode)m;
            float x[32], y[32];
            uint8_t codes[32], sc[1];
            for (int k = 0; k < 32; ++k) x[k] = 0.01f * (float)k;
            x[7] = t[i].amax;
            CHECK(quant_block(&d, x, codes, sc, NULL, y) && y[7] == t[i].want[m], "MX %s amax %g mode %d: %g, want %g",
                  lowp_format_name((enum lowp_format)t[i].elem), (double)t[i].amax, m, (double)y[7], (double)t[i].want[m]);
        }
    /* all-zero block: scale 0, codes 0; NaN block: scale 0xFF, decodes NaN */
    struct lowp_quant_desc d = lowp_quant_desc_mx(1, 32, LOWP_FORMAT_E2M1);
    float x[32] = {0}, y[32];
    uint8_t codes[32], sc[1];
    CHECK(quant_block(&d, x, codes, sc, NULL, y) && sc[0] == 0 && codes[0] == 0 && y[5] == 0.0f, "MX zero block");
    x[3] = NAN;
    x[4] = 1.0f;
    int allnan = 1;
    CHECK(quant_block(&d, x, codes, sc, NULL, y) && sc[0] == 0xFF, "MX NaN block scale 0x%x", sc[0]);
    for (int k = 0; k < 32; ++k) allnan &= isnan(y[k]) != 0;
    CHECK(allnan, "MX NaN block decodes to NaN");
}

static void test_nvfp4_known(void)
{
    const float x[16] = {0.1f, -0.2f, 0.35f, 0.5f, -0.75f, 1.0f, 1.3f, -1.6f, 2.2f, 2.9f, -3.3f, 4.1f, 5.0f, -5.5f, 7.0f, 10.0f};
    const uint8_t packed[8] = {0x80, 0x10, 0x19, 0xA2, 0x33, 0x4C, 0xD5, 0x76};
    struct lowp_quant_desc d = lowp_quant_desc_nvfp4(1, 16);
    d.tensor_amax = 20.0f;
    uint8_t codes[8], sc[1];
    float ts, y[16];
    CHECK(quant_block(&d, x, codes, sc, &ts, y), "nvfp4 worked example runs");
    CHECK(sc[0] == 0x76 && memcmp(codes, packed, 8) == 0, "nvfp4 worked example: scale 0x%x codes %02x %02x %02x %02x",
          sc[0], codes[0], codes[1], codes[2], codes[3]);
    CHECK(fb(ts) == fb(1.0f / 134.4f) && fabsf(y[15] - 10.0f) < 1e-5f && fabsf(y[14] - 6.6666665f) < 1e-5f,
          "nvfp4 worked example decode: s_dec %.9g y15 %.9g y14 %.9g", (double)ts, (double)y[15], (double)y[14]);
    /* tiny block in a big tensor: TE keeps a subnormal/zero scale, torchao clamps to 2^-6 */
    float xt[16];
    for (int k = 0; k < 16; ++k) xt[k] = 1e-6f * (float)(k + 1);
    d.tensor_amax = 1000.0f;
    CHECK(quant_block(&d, xt, codes, sc, &ts, y) && sc[0] == 0x00, "nvfp4 TE tiny scale 0x%x", sc[0]);
    d.clamp_tiny_scale = 1;
    CHECK(quant_block(&d, xt, codes, sc, &ts, y) && sc[0] == 0x08, "nvfp4 torchao tiny scale 0x%x", sc[0]);
}

/* ---------------- independent vectors ---------------- */

static void test_vectors(const char *path)
{
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL, "cannot open %s", path);
    if (!fp) return;
    static char line[8192];
    long nD = 0, nE = 0, nM = 0, nN = 0, bad = 0;
    while (fgets(line, sizeof line, fp)) {
        char *p = line + 1;
        unsigned long v[200];
        int n = 0;
        if (line[0] == '#' || line[0] == '\n') continue;
        while (n < 200) {
            char *e;
            unsigned long u = strtoul(p, &e, 16);
            if (e == p) break;
            v[n++] = u;
            p = e;
        }
        if (line[0] == 'D' && n == 3) {
            uint32_t got = fb(lowp_format_decode((enum lowp_format)v[0], (uint32_t)v[1]));
            int ok = is_nan_bits((uint32_t)v[2]) ? is_nan_bits(got) : got == v[2];
            if (!ok && bad++ < 10) printf("  D fmt %lu code %lx: %08x want %08lx\n", v[0], v[1], got, v[2]);
            CHECK(ok, "decode vector"); nD++;
        } else if (line[0] == 'E' && n == 6) {
            uint32_t got = lowp_format_encode((enum lowp_format)v[0], bf((uint32_t)v[3]), (enum lowp_rounding)v[1],
                                              (uint32_t)v[4], (enum lowp_overflow)v[2]);
            int ok = got == v[5];
            /* a NaN result may differ in sign/payload from ml_dtypes' choice */
            if (!ok && v[0] <= 4) {
                float a = lowp_format_decode((enum lowp_format)v[0], got), b = lowp_format_decode((enum lowp_format)v[0], (uint32_t)v[5]);
                ok = isnan(a) && isnan(b);
            }
            if (!ok && bad++ < 10) printf("  E fmt %lu rnd %lu ovf %lu x %08lx (%.9g) r %08lx: %x want %lx\n", v[0], v[1], v[2], v[3],
                                          (double)bf((uint32_t)v[3]), v[4], got, v[5]);
            CHECK(ok, "encode vector"); nE++;
        } else if (line[0] == 'M' && n == 3 + 64) {
            struct lowp_quant_desc d = lowp_quant_desc_mx(1, 32, (enum lowp_format)v[0]);
            d.scale_mode = (enum lowp_scale_mode)v[1];
            float x[32];
            uint8_t codes[32], sc[1], cc[32], scc[1];
            for (int k = 0; k < 32; ++k) x[k] = bf((uint32_t)v[3 + k]);
            int ok = lowp_ref_quantize(&d, x, codes, sc, NULL, NULL) == LOWP_OK && sc[0] == v[2];
            unsigned bits = lowp_format_bits(d.elem_format);
            for (int k = 0; k < 32 && ok; ++k) ok = lowp_pack_get(codes, bits, (size_t)k) == v[35 + k];
            ok = ok && lowp_cpu_quantize(&d, x, cc, scc, NULL, NULL) == LOWP_OK && scc[0] == sc[0] && !memcmp(cc, codes, 32 * bits / 8);
            if (!ok && bad++ < 10) printf("  M elem %lu mode %lu: scale %x want %lx\n", v[0], v[1], sc[0], v[2]);
            CHECK(ok, "MX vector"); nM++;
        } else if (line[0] == 'N' && n == 5 + 48) {
            struct lowp_quant_desc d = lowp_quant_desc_nvfp4(1, 16);
            d.scale_format = (enum lowp_format)v[0];
            d.clamp_tiny_scale = (int)v[1];
            d.tensor_amax = bf((uint32_t)v[2]);
            float x[16], y[16], ts = 0;
            uint8_t codes[8], sc[1];
            for (int k = 0; k < 16; ++k) x[k] = bf((uint32_t)v[5 + k]);
            int ok = quant_block(&d, x, codes, sc, &ts, y) && fb(ts) == v[3] && sc[0] == v[4];
            for (int k = 0; k < 16 && ok; ++k) {
                uint32_t c = (codes[k / 2] >> (4 * (k & 1))) & 0xF;
                uint32_t want = (uint32_t)v[37 + k];
                ok = c == v[21 + k] && (fb(y[k]) == want || (is_nan_bits(want) && isnan(y[k])));
            }
            if (!ok && bad++ < 10) printf("  N sfmt %lu clamp %lu: s_dec %08x want %08lx, scale %x want %lx\n", v[0], v[1], fb(ts), v[3], sc[0], v[4]);
            CHECK(ok, "NVFP4 vector"); nN++;
        }
    }
    fclose(fp);
    printf("vectors: %ld decode, %ld encode, %ld MX, %ld two-level records\n", nD, nE, nM, nN);
    CHECK(nD > 1000 && nE > 1000 && nM > 200 && nN > 100, "vector counts");
}

/* ---------------- layouts, packing, CPU vs reference ---------------- */

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static float rnd_val(void)
{
    g_rng ^= g_rng << 13; g_rng ^= g_rng >> 7; g_rng ^= g_rng << 17;
    uint32_t u = (uint32_t)g_rng;
    double m = ((u >> 8) / 16777216.0) * 2 - 1;
    int e = (int)((g_rng >> 40) % 24) - 12;
    if ((u & 0xFF) == 7) return 0.0f;
    if ((u & 0x3FF) == 9) return bf((u >> 10) & 0x7FFFFF); /* fp32 subnormal */
    return (float)ldexp(m, e);
}

static void test_layouts_and_cpu(void)
{
    const size_t R = 64, C = 96, LD = 100;
    float *x = malloc(R * LD * sizeof *x), *xt = malloc(C * R * sizeof *xt);
    float *y1 = malloc(R * LD * sizeof *y1), *y2 = malloc(R * LD * sizeof *y2), *y3 = malloc(R * LD * sizeof *y3);
    uint8_t *c1 = malloc(R * C), *c2 = malloc(R * C), *s1 = malloc(R * C), *s2 = malloc(R * C);
    for (size_t i = 0; i < R * LD; ++i) x[i] = rnd_val();
    for (size_t r = 0; r < R; ++r)
        for (size_t c = 0; c < C; ++c) xt[c * R + r] = x[r * LD + c];
    x[5 * LD + 17] = NAN; /* one poisoned block */
    xt[17 * R + 5] = NAN;
    const int elems[] = {3, 4, 5, 6, 7, 8};
    long cpu_bad = 0, cfg = 0;
    for (int ei = 0; ei < 6; ++ei)
        for (int sfi = 0; sfi < 3; ++sfi)
            for (int lay = 0; lay < 3; ++lay)
                for (int rnd = 0; rnd < 2; ++rnd) {
                    struct lowp_quant_desc d = lowp_quant_desc_mx(R, C, (enum lowp_format)elems[ei]);
                    d.ld = LD;
                    d.layout = (enum lowp_block_layout)lay;
                    d.scale_format = sfi == 0 ? LOWP_FORMAT_E8M0 : sfi == 1 ? LOWP_FORMAT_UE4M3 : LOWP_FORMAT_UE5M3;
                    d.block = sfi == 0 ? 32 : 16;
                    d.scale_mode = (enum lowp_scale_mode)((ei + lay) % 4);
                    d.rounding = (enum lowp_rounding)rnd;
                    d.seed = 1234; d.stream = (uint64_t)cfg;
                    cfg++;
                    size_t cb, ns;
                    float t1 = 0, t2 = 0;
                    struct lowp_quant_stats st1, st2, st3;
                    if (lowp_quant_sizes(&d, &cb, &ns) != LOWP_OK) { CHECK(0, "sizes"); continue; }
                    memset(c1, 0xAA, cb); memset(c2, 0x55, cb);
                    int ok = lowp_ref_quantize(&d, x, c1, s1, &t1, &st1) == LOWP_OK &&
                             lowp_cpu_quantize(&d, x, c2, s2, &t2, &st2) == LOWP_OK;
                    ok = ok && !memcmp(c1, c2, cb) && !memcmp(s1, s2, ns) && fb(t1) == fb(t2) && !memcmp(&st1, &st2, sizeof st1);
                    ok = ok && lowp_ref_dequantize(&d, c1, s1, t1, y1) == LOWP_OK && lowp_cpu_dequantize(&d, c2, s2, t2, y2) == LOWP_OK;
                    for (size_t r = 0; r < R && ok; ++r) ok = !memcmp(y1 + r * LD, y2 + r * LD, C * sizeof(float));
                    /* fused fake-quant == dequant(quant), ref and CPU, stats identical */
                    ok = ok && lowp_ref_fake_quantize(&d, x, y3, &st3) == LOWP_OK && !memcmp(&st1, &st3, sizeof st1);
                    for (size_t r = 0; r < R && ok; ++r) ok = !memcmp(y1 + r * LD, y3 + r * LD, C * sizeof(float));
                    ok = ok && lowp_cpu_fake_quantize(&d, x, y3, &st3) == LOWP_OK && !memcmp(&st1, &st3, sizeof st1);
                    for (size_t r = 0; r < R && ok; ++r) ok = !memcmp(y1 + r * LD, y3 + r * LD, C * sizeof(float));
                    if (!ok) cpu_bad++;
                    /* COL layout == ROW layout of the transposed matrix (RNE: same values) */
                    if (lay == LOWP_BLOCK_COL && rnd == 0 && d.tensor_amax < 0) {
                        struct lowp_quant_desc dt = d;
                        dt.rows = C; dt.cols = R; dt.ld = R; dt.layout = LOWP_BLOCK_ROW;
                        float tt = 0;
                        int okt = lowp_ref_quantize(&dt, xt, c2, s2, &tt, NULL) == LOWP_OK && !memcmp(c1, c2, cb) &&
                                  !memcmp(s1, s2, ns) && fb(tt) == fb(t1);
                        CHECK(okt, "COL layout != ROW of transpose (%s, %s)", lowp_format_name(d.elem_format), lowp_format_name(d.scale_format));
                    }
                    /* statistics sanity */
                    CHECK(st1.count == R * C && st1.nonfinite == lowp_quant_block_len(&d) && st1.zeros > 0 && st1.rel_rms < 0.6 &&
                          st1.amax > 1000, "stats %s/%s: count %llu nonfinite %llu zeros %llu rel_rms %g amax %g",
                          lowp_format_name(d.elem_format), lowp_format_name(d.scale_format),
                          (unsigned long long)st1.count, (unsigned long long)st1.nonfinite,
                          (unsigned long long)st1.zeros, st1.rel_rms, st1.amax);
                }
    CHECK(cpu_bad == 0, "CPU vs reference: %ld of %ld configurations differ", cpu_bad, cfg);
    /* TILE2D: every 16x16 tile uses its own amax; rowwise and columnwise views agree */
    {
        struct lowp_quant_desc d = lowp_quant_desc_nvfp4(R, C);
        d.ld = LD; d.layout = LOWP_BLOCK_TILE2D;
        x[5 * LD + 17] = 1.0f;
        float t1;
        CHECK(lowp_ref_fake_quantize(&d, x, y1, NULL) == LOWP_OK, "tile2d runs");
        struct lowp_quant_desc dt = d;
        dt.rows = C; dt.cols = R; dt.ld = R;
        for (size_t r = 0; r < R; ++r)
            for (size_t c = 0; c < C; ++c) xt[c * R + r] = x[r * LD + c];
        CHECK(lowp_ref_fake_quantize(&dt, xt, y2, NULL) == LOWP_OK, "tile2d transposed runs");
        long mism = 0;
        for (size_t r = 0; r < R; ++r)
            for (size_t c = 0; c < C; ++c) mism += fb(y1[r * LD + c]) != fb(y2[c * R + r]);
        CHECK(mism == 0, "TILE2D: quantize(W)^T != quantize(W^T) at %ld elements", mism);
        (void)t1;
    }
    /* FP6 packing: 4 codes in 3 bytes, little-endian 24-bit word */
    {
        uint8_t buf[6] = {0};
        for (uint32_t s = 0; s < 8; ++s) lowp_pack_put(buf, 6, s, (s * 9 + 1) & 63);
        int ok = 1;
        for (uint32_t s = 0; s < 8; ++s) ok &= lowp_pack_get(buf, 6, s) == ((s * 9 + 1) & 63);
        uint32_t w = buf[0] | (buf[1] << 8) | ((uint32_t)buf[2] << 16);
        CHECK(ok && (w & 63) == 1 && ((w >> 6) & 63) == 10 && ((w >> 18) & 63) == 28, "fp6 packing");
        uint8_t b4[1] = {0};
        lowp_pack_put(b4, 4, 0, 0x3); lowp_pack_put(b4, 4, 1, 0xC);
        CHECK(b4[0] == 0xC3, "fp4 packing: element 0 in the low nibble");
    }
    free(x); free(xt); free(y1); free(y2); free(y3); free(c1); free(c2); free(s1); free(s2);
}

/* NVFP4 runs in branch-free lanes on the fast CPU path
 * (backends/cpu/fp4_lanes.h), redoing rare lanes with the codec: a large
 * tensor with magnitudes over 2^-60 .. 2^20 (so blocks hold values that
 * underflow, that sit below 2^-9 of the block maximum, and zeros) must give
 * the reference's codes, scales and fake-quantized values, RNE and SR, in
 * every layout. */
/* NVFP4 on the fast CPU path (the branch-free lanes of fp4_lanes.h and
 * the SIMD lanes of block_vec.c, which take quantize and fake-quantize
 * when no statistics are asked for) against the reference, bit for bit:
 * magnitudes 2^-60 .. 2^20 with zeros, and in a second pass also
 * subnormals, Inf, NaN and values near FLT_MAX (blocks the lanes hand to
 * the scalar path); every layout, RNE and SR, ue4m3 and ue5m3 scales,
 * with and without statistics, fake-quantize out of place and in place;
 * COL also with a column count that is not a multiple of 8. */
static void lanes_case(size_t R, size_t C, int lay, int rnd, int sf, int special, int mx, int ef, int mode, int nonsat)
{
    float *x = malloc(R * C * sizeof *x), *y1 = malloc(R * C * sizeof *y1), *y2 = malloc(R * C * sizeof *y2);
    uint8_t *c1 = malloc(R * C), *c2 = malloc(R * C), *s1 = malloc(R * C), *s2 = malloc(R * C);
    for (size_t i = 0; i < R * C; ++i) {
        g_rng ^= g_rng << 13; g_rng ^= g_rng >> 7; g_rng ^= g_rng << 17;
        double m = ((uint32_t)g_rng >> 8) / 16777216.0 * 2 - 1;
        int e = (int)((g_rng >> 40) % 81) - 60;
        x[i] = (g_rng >> 36) % 97 == 0 ? 0.0f : (float)ldexp(m, e);
        if (special && (g_rng >> 50) % 61 == 0) {
            const float sp[5] = {1e-40f, -INFINITY, NAN, 3.0e38f, -1.5e-45f};
            x[i] = sp[(g_rng >> 20) % 5];
        }
    }
    struct lowp_quant_desc d = mx ? lowp_quant_desc_mx(R, C, (enum lowp_format)ef) : lowp_quant_desc_nvfp4(R, C);
    d.layout = (enum lowp_block_layout)lay;
    d.rounding = (enum lowp_rounding)rnd;
    if (mx) {
        d.scale_mode = (enum lowp_scale_mode)mode;
        d.overflow = nonsat ? LOWP_OVERFLOW_NONSAT : LOWP_OVERFLOW_SATURATE;
    } else {
        d.scale_format = (enum lowp_format)sf;
    }
    d.seed = 77; d.stream = (uint64_t)(lay * 2 + rnd);
    size_t cb = 0, ns = 0;
    float t1 = 0, t2 = 0, t3 = 0;
    struct lowp_quant_stats st1, st2;
    int ok = lowp_quant_sizes(&d, &cb, &ns) == LOWP_OK && lowp_ref_quantize(&d, x, c1, s1, &t1, &st1) == LOWP_OK &&
             lowp_cpu_quantize(&d, x, c2, s2, &t2, &st2) == LOWP_OK;
    int ok_stats = ok && !memcmp(c1, c2, cb) && !memcmp(s1, s2, ns) && fb(t1) == fb(t2) && !memcmp(&st1, &st2, sizeof st1);
    memset(c2, 0xA5, cb); memset(s2, 0xA5, ns);
    int ok_plain = lowp_cpu_quantize(&d, x, c2, s2, &t3, NULL) == LOWP_OK && !memcmp(c1, c2, cb) &&
                   !memcmp(s1, s2, ns) && fb(t1) == fb(t3);
    int ok_fake = lowp_ref_fake_quantize(&d, x, y1, NULL) == LOWP_OK && lowp_cpu_fake_quantize(&d, x, y2, NULL) == LOWP_OK &&
                  !memcmp(y1, y2, R * C * sizeof *y1);
    memcpy(y2, x, R * C * sizeof *x);
    int ok_inplace = lowp_cpu_fake_quantize(&d, y2, y2, NULL) == LOWP_OK && !memcmp(y1, y2, R * C * sizeof *y1);
    CHECK(ok_stats && ok_plain && ok_fake && ok_inplace,
          "%s lanes vs reference: %zux%zu elem %d layout %d %s scale %d mode %d%s%s: stats %d, codes %d, fake %d, "
          "in place %d", mx ? "MX" : "NVFP4", R, C, ef, lay, rnd ? "SR" : "RNE", sf, mode, nonsat ? " nonsat" : "",
          special ? " with specials" : "", ok_stats, ok_plain, ok_fake, ok_inplace);
    free(x); free(y1); free(y2); free(c1); free(c2); free(s1); free(s2);
}

static void nvfp4_lanes_case(size_t R, size_t C, int lay, int rnd, int sf, int special)
{
    lanes_case(R, C, lay, rnd, sf, special, 0, LOWP_FORMAT_E2M1, 0, 0);
}

static void test_nvfp4_lanes(void)
{
    for (int special = 0; special < 2; ++special)
        for (int lay = 0; lay < 3; ++lay)
            for (int rnd = 0; rnd < 2; ++rnd) {
                nvfp4_lanes_case(128, 512, lay, rnd, LOWP_FORMAT_UE4M3, special);
                if (lay == LOWP_BLOCK_COL)
                    nvfp4_lanes_case(48, 44, lay, rnd, LOWP_FORMAT_UE4M3, special);
            }
    nvfp4_lanes_case(64, 256, LOWP_BLOCK_ROW, 1, LOWP_FORMAT_UE5M3, 1);
    nvfp4_lanes_case(64, 96, LOWP_BLOCK_COL, 0, LOWP_FORMAT_UE5M3, 0);
}

/* The same for MX (E8M0 scales, 32-element blocks) with the element
 * formats the SIMD lanes take (E4M3, E5M2, E2M1) and one they do not
 * (E3M2, scalar): every layout, RNE and SR, each scale mode, saturating
 * and not (magnitudes reach past the element's largest value under
 * FLOOR), specials mixed in. */
static void test_mx_lanes(void)
{
    const int efs[4] = {LOWP_FORMAT_E4M3, LOWP_FORMAT_E5M2, LOWP_FORMAT_E2M1, LOWP_FORMAT_E3M2};
    for (int f = 0; f < 4; ++f)
        for (int lay = 0; lay < 3; ++lay)
            for (int rnd = 0; rnd < 2; ++rnd)
                for (int mode = 0; mode < 4; ++mode) {
                    const int special = (mode + rnd) % 2, nonsat = (mode + lay) % 2;
                    lanes_case(64, 256, lay, rnd, LOWP_FORMAT_E8M0, special, 1, efs[f], mode, nonsat);
                }
    lanes_case(64, 44, LOWP_BLOCK_COL, 1, LOWP_FORMAT_E8M0, 1, 1, LOWP_FORMAT_E4M3, 3, 0);
    lanes_case(96, 40, LOWP_BLOCK_COL, 0, LOWP_FORMAT_E8M0, 0, 1, LOWP_FORMAT_E2M1, 0, 1);
}

/* The fast CPU cast to bf16 with RNE (integer steps, formats_cpu.c)
 * against the reference codec on every high half of an fp32 pattern with
 * the low halves around the rounding points (ties, just below and above,
 * 0 and 0xFFFF): signed zeros, subnormals, ties to even, overflow to the
 * saturated or infinite code, Inf and NaN; encode and round, saturating
 * and not. */
static void test_bf16_rne_fast(void)
{
    const uint32_t lows[6] = {0x0000u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu, 0x1234u};
    const size_t n = 65536u * 6u;
    float *x = malloc(n * sizeof *x), *y1 = malloc(n * sizeof *y1), *y2 = malloc(n * sizeof *y2);
    uint16_t *c1 = malloc(n * sizeof *c1), *c2 = malloc(n * sizeof *c2);
    for (size_t i = 0; i < n; ++i) {
        uint32_t b = (uint32_t)(i / 6u) << 16 | lows[i % 6u];
        memcpy(&x[i], &b, sizeof b);
    }
    for (int nonsat = 0; nonsat < 2; ++nonsat) {
        struct lowp_cast_desc d = {n, LOWP_FORMAT_BF16, LOWP_ROUNDING_RNE,
                                   nonsat ? LOWP_OVERFLOW_NONSAT : LOWP_OVERFLOW_SATURATE, 0, 0, 0};
        int ok = lowp_ref_cast_encode(&d, x, c1) == LOWP_OK && lowp_cpu_cast_encode(&d, x, c2) == LOWP_OK &&
                 !memcmp(c1, c2, n * sizeof *c1);
        ok = ok && lowp_ref_cast_round(&d, x, y1) == LOWP_OK && lowp_cpu_cast_round(&d, x, y2) == LOWP_OK &&
             !memcmp(y1, y2, n * sizeof *y1);
        CHECK(ok, "bf16 RNE fast cast vs reference (%s)", nonsat ? "non-saturating" : "saturating");
    }
    free(x); free(y1); free(y2); free(c1); free(c2);
}

static void test_casts_and_errors(void)
{
    enum { N = 1000 };
    float x[N], y1[N], y2[N];
    uint16_t c1[N], c2[N];
    for (int i = 0; i < N; ++i) x[i] = rnd_val();
    struct lowp_cast_desc d = {N, LOWP_FORMAT_BF16, LOWP_ROUNDING_SR, LOWP_OVERFLOW_NONSAT, 7, 3, 1000};
    CHECK(lowp_ref_cast_encode(&d, x, c1) == LOWP_OK && lowp_cpu_cast_encode(&d, x, c2) == LOWP_OK &&
          !memcmp(c1, c2, sizeof c1), "cast encode CPU vs ref");
    CHECK(lowp_ref_cast_round(&d, x, y1) == LOWP_OK && lowp_cpu_cast_round(&d, x, y2) == LOWP_OK &&
          !memcmp(y1, y2, sizeof y1), "cast round CPU vs ref");
    CHECK(c1[5] == lowp_format_encode(LOWP_FORMAT_BF16, x[5], LOWP_ROUNDING_SR, lowp_philox_word(7, 3, 1005), 1),
          "cast uses philox word index_base + i");
    CHECK(lowp_ref_cast_decode(&d, c1, y2) == LOWP_OK && !memcmp(y1, y2, sizeof y1), "cast decode");
    /* argument validation */
    struct lowp_quant_desc q = lowp_quant_desc_mx(4, 33, LOWP_FORMAT_E2M1);
    uint8_t b[64];
    float ts;
    CHECK(lowp_ref_quantize(&q, x, b, b, NULL, NULL) == LOWP_ERR_INVALID_ARG, "cols not a multiple of block");
    q.cols = 32;
    CHECK(lowp_ref_quantize(&q, NULL, b, b, NULL, NULL) == LOWP_ERR_INVALID_ARG, "NULL x");
    q.elem_format = LOWP_FORMAT_BF16;
    CHECK(lowp_cpu_quantize(&q, x, b, b, NULL, NULL) == LOWP_ERR_UNSUPPORTED, "bf16 elements unsupported");
    q = lowp_quant_desc_nvfp4(1, 16);
    CHECK(lowp_ref_quantize(&q, x, b, b, NULL, NULL) == LOWP_ERR_INVALID_ARG, "two-level needs tensor_scale");
    q.block = 8;
    CHECK(lowp_ref_quantize(&q, x, b, b, &ts, NULL) == LOWP_ERR_INVALID_ARG, "block 8 rejected");
    d.format = (enum lowp_format)99;
    CHECK(lowp_ref_cast_encode(&d, x, c1) == LOWP_ERR_INVALID_ARG, "bad cast format");
}

int main(int argc, char **argv)
{
    const char *vec = argc > 1 ? argv[1] : "tests/vectors/formats/formats_vectors.txt";
    test_known_scalars();
    test_encode_fast_path();
    test_roundtrip_all();
    test_midpoints();
    test_sr();
    test_mx_known();
    test_nvfp4_known();
    test_vectors(vec);
    test_layouts_and_cpu();
    test_nvfp4_lanes();
    test_mx_lanes();
    test_bf16_rne_fast();
    test_casts_and_errors();
    printf("%ld passed, %ld failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
