/* philox.cl - Philox4x32-10, bit-identical to src/core/philox.h.
 * Prepended to every program that draws random bits. Counter layout: see
 * src/core/philox.h (key = seed, counter = (index/4, stream), word index%4). */

#define LOWP_PHILOX_M0 0xD2511F53u
#define LOWP_PHILOX_M1 0xCD9E8D57u
#define LOWP_PHILOX_W0 0x9E3779B9u
#define LOWP_PHILOX_W1 0xBB67AE85u

inline uint4 lowp_philox4x32_10(uint4 c, uint2 k)
{
    for (int r = 0; r < 10; ++r) {
        if (r > 0) {
            k.x += LOWP_PHILOX_W0;
            k.y += LOWP_PHILOX_W1;
        }
        uint hi0 = mul_hi(LOWP_PHILOX_M0, c.x), lo0 = LOWP_PHILOX_M0 * c.x;
        uint hi1 = mul_hi(LOWP_PHILOX_M1, c.z), lo1 = LOWP_PHILOX_M1 * c.z;
        c = (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

/* Words for elements 4q .. 4q+3. */
inline uint4 lowp_philox_block(ulong seed, ulong stream, ulong q)
{
    uint4 c = (uint4)((uint)q, (uint)(q >> 32), (uint)stream, (uint)(stream >> 32));
    uint2 k = (uint2)((uint)seed, (uint)(seed >> 32));
    return lowp_philox4x32_10(c, k);
}

/* Word j (0..3) of a block, picked by j's two bits. Not a chain of
 * compares: clang turns that into a switch on a 2-bit integer, which
 * Oclgrind (the data-race checker, docs/portability.md) runs wrongly. */
inline uint lowp_philox_pick(uint4 w, uint j)
{
    uint2 pair = (j & 2u) ? w.zw : w.xy;
    return (j & 1u) ? pair.y : pair.x;
}

/* The 32 random bits of one element. */
inline uint lowp_philox_word(ulong seed, ulong stream, ulong index)
{
    return lowp_philox_pick(lowp_philox_block(seed, stream, index >> 2), (uint)(index & 3));
}
