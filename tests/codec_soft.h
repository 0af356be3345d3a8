/* codec_soft.h — software-only fp32 mul/div of kernels/codec.cl (codec_soft.c). */
#ifndef LOWP_TEST_CODEC_SOFT_H
#define LOWP_TEST_CODEC_SOFT_H
#include <stdint.h>
uint32_t lowp_test_soft_f32_mul(uint32_t a, uint32_t b);
uint32_t lowp_test_soft_f32_div(uint32_t a, uint32_t b);
#endif
