/* codec.h — C entry to the exact scalar codecs (src/formats/codec_core.h),
 * shared by the reference and the fast CPU backend. */
#ifndef LOWP_FORMATS_CODEC_H
#define LOWP_FORMATS_CODEC_H

#include <stdint.h>
#include <string.h>
#include "lowp/formats.h"

#define LOWP_CC_FN static inline
#include "formats/codec_core.h"

static inline uint32_t lowp_f32_bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline float lowp_f32_from_bits(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }

/* 1 if f is a valid element format for block quantization. */
static inline int lowp_fmt_is_block_elem(enum lowp_format f)
{
    return f == LOWP_FORMAT_E4M3 || f == LOWP_FORMAT_E5M2 || f == LOWP_FORMAT_E3M2 ||
           f == LOWP_FORMAT_E2M3 || f == LOWP_FORMAT_E2M1 || f == LOWP_FORMAT_INT8;
}

#endif
