/* codec.h — C entry to the exact scalar codecs of kernels/codec.cl (the one
 * copy, shared with every OpenCL program), used by the reference and the fast
 * CPU backend. kernels/ is on the private include path (CMakeLists.txt). */
#ifndef LOWP_FORMATS_CODEC_H
#define LOWP_FORMATS_CODEC_H

#include <stdint.h>
#include <string.h>
#include "lowp/formats.h"

#include "codec.cl"

/* The C library's names for the codec's bit casts. */
static inline uint32_t lowp_f32_bits(float x) { return lowp_cc_as_bits(x); }
static inline float lowp_f32_from_bits(uint32_t u) { return lowp_cc_as_float(u); }

/* 1 if f is a valid element format for block quantization. */
static inline int lowp_fmt_is_block_elem(enum lowp_format f)
{
    return f == LOWP_FORMAT_E4M3 || f == LOWP_FORMAT_E5M2 || f == LOWP_FORMAT_E3M2 ||
           f == LOWP_FORMAT_E2M3 || f == LOWP_FORMAT_E2M1 || f == LOWP_FORMAT_INT8;
}

#endif
