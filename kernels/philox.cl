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

/* The 32 random bits of one element. */
inline uint lowp_philox_word(ulong seed, ulong stream, ulong index)
{
    uint4 w = lowp_philox_block(seed, stream, index >> 2);
    uint i = (uint)(index & 3);
    return i == 0 ? w.x : i == 1 ? w.y : i == 2 ? w.z : w.w;
}
