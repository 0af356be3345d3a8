/* codec_soft.c — the software-only codec (LOWP_CC_SOFT_ONLY) in a separate
 * translation unit, so test_formats_host can check the codec's hardware fast
 * paths against the software definition on the same inputs. */
#define LOWP_CC_SOFT_ONLY 1
#include "formats/codec.h"
#include "codec_soft.h"

uint32_t lowp_test_soft_f32_mul(uint32_t a, uint32_t b) { return lowp_cc_f32_mul(a, b); }
uint32_t lowp_test_soft_f32_div(uint32_t a, uint32_t b) { return lowp_cc_f32_div(a, b); }
