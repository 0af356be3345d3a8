/* philox.h — Philox4x32-10 (Salmon et al., SC'11), the one source of
 * randomness in lowp. kernels/philox.cl is the same function in OpenCL C;
 * both must give identical bits.
 *
 * Counter layout (lowp's convention, documented in docs/formats.md):
 *   key     = (seed & 0xffffffff, seed >> 32)
 *   counter = (q & 0xffffffff, q >> 32, stream & 0xffffffff, stream >> 32)
 *             with q = index / 4
 *   the 32-bit word for element `index` is output word (index % 4).
 * So four consecutive elements share one Philox evaluation, and every bit
 * depends only on (seed, stream, element index): never on threads,
 * work-groups or devices. Callers build `stream` from whatever separates
 * independent draws (tensor id, step, purpose). */
#ifndef LOWP_CORE_PHILOX_H
#define LOWP_CORE_PHILOX_H

#include <stdint.h>

#define LOWP_PHILOX_M0 0xD2511F53u
#define LOWP_PHILOX_M1 0xCD9E8D57u
#define LOWP_PHILOX_W0 0x9E3779B9u
#define LOWP_PHILOX_W1 0xBB67AE85u

static inline void lowp_philox4x32_round(uint32_t c[4], const uint32_t k[2])
{
    uint64_t p0 = (uint64_t)LOWP_PHILOX_M0 * c[0];
    uint64_t p1 = (uint64_t)LOWP_PHILOX_M1 * c[2];
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c[0] = hi1 ^ c[1] ^ k[0];
    c[1] = lo1;
    c[2] = hi0 ^ c[3] ^ k[1];
    c[3] = lo0;
}

/* Philox4x32 with `rounds` rounds (10 is the standard strength). */
static inline void lowp_philox4x32(const uint32_t ctr[4], const uint32_t key[2],
                                   int rounds, uint32_t out[4])
{
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k[2] = {key[0], key[1]};
    lowp_philox4x32_round(c, k);
    for (int r = 1; r < rounds; ++r) {
        k[0] += LOWP_PHILOX_W0;
        k[1] += LOWP_PHILOX_W1;
        lowp_philox4x32_round(c, k);
    }
    out[0] = c[0]; out[1] = c[1]; out[2] = c[2]; out[3] = c[3];
}

/* The four words shared by elements 4q .. 4q+3. */
static inline void lowp_philox_block(uint64_t seed, uint64_t stream, uint64_t q, uint32_t out[4])
{
    const uint32_t ctr[4] = {(uint32_t)q, (uint32_t)(q >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    lowp_philox4x32(ctr, key, 10, out);
}

/* The 32 random bits of one element. */
static inline uint32_t lowp_philox_word(uint64_t seed, uint64_t stream, uint64_t index)
{
    uint32_t out[4];
    lowp_philox_block(seed, stream, index >> 2, out);
    return out[index & 3u];
}

/* A uniform float in [0, 1) from the top 24 bits of a word (exact in fp32). */
static inline float lowp_philox_uniform(uint32_t word)
{
    return (float)(word >> 8) * (1.0f / 16777216.0f);
}

#endif
