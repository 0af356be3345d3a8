/* test_philox.c — Philox4x32 against the Random123 known-answer vectors
 * (kat_vectors, 7 and 10 rounds), and the per-element counter layout. */
#include <stdio.h>

#include "core/philox.h"

int main(void)
{
    static const struct {
        int rounds;
        uint32_t ctr[4], key[2], out[4];
    } kat[] = {
        {10, {0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {10, {~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {10, {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
        {7, {0, 0, 0, 0}, {0, 0}, {0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
        {7, {~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}, {0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}},
        {7, {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
         {0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}},
    };
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; ++i) {
        uint32_t out[4];
        lowp_philox4x32(kat[i].ctr, kat[i].key, kat[i].rounds, out);
        int ok = out[0] == kat[i].out[0] && out[1] == kat[i].out[1] && out[2] == kat[i].out[2] &&
                 out[3] == kat[i].out[3];
        if (!ok)
            printf("FAIL KAT %zu: %08x %08x %08x %08x\n", i, out[0], out[1], out[2], out[3]);
        ok ? ++passed : ++failed;
    }
    /* Layout: element 4q+j is word j of counter (q lo, q hi, stream lo, stream hi)
     * under key (seed lo, seed hi); the all-zero vector pins it for q = 0. */
    for (uint32_t j = 0; j < 4; ++j) {
        uint32_t w = lowp_philox_word(0, 0, j);
        int ok = w == kat[0].out[j];
        if (!ok)
            printf("FAIL layout word %u: %08x\n", j, w);
        ok ? ++passed : ++failed;
    }
    /* Elements 4..7 use the next counter; the stream and seed halves land in
     * the documented words (checked against a direct Philox call). */
    uint64_t seed = 0x299f31d0a4093822ull, stream = 0x0370734413198a2eull, q = 0x15a308d3243f6a88ull;
    uint32_t direct[4];
    const uint32_t ctr[4] = {(uint32_t)q, (uint32_t)(q >> 32), 0x13198a2eu, 0x03707344u};
    const uint32_t key[2] = {0xa4093822u, 0x299f31d0u};
    lowp_philox4x32(ctr, key, 10, direct);
    for (uint32_t j = 0; j < 4; ++j) {
        int ok = lowp_philox_word(seed, stream, q * 4 + j) == direct[j];
        if (!ok)
            printf("FAIL layout (seed, stream, index) word %u\n", j);
        ok ? ++passed : ++failed;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
