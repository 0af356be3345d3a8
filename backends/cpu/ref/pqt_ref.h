/* pqt_ref.h — the scalar CPU reference of lowp_pqt_sample (lowp/pqt.h):
 * the definition of its bits. The row-range variant lets the fast CPU
 * backend split rows over threads and keep the reference's bits; the
 * inline pieces below are shared with it so that both compute one thing. */
#ifndef LOWP_PQT_REF_H
#define LOWP_PQT_REF_H

#include <stddef.h>
#include <stdint.h>
#include "formats/codec.h"
#include "lowp/pqt.h"

/* lowp_pqt_irwin_hall, lowp_pqt_block_scale, lowp_pqt_bf16_rne, LOWP_PQT_C:
 * one copy shared with the OpenCL kernel. */
#include "pqt_rules.cl"

/* R = S * C of element i: the unit-variance noise sample (statistics tests). */
float lowp_ref_pqt_normal(uint64_t seed, uint64_t stream, uint64_t i);

/* Pointers are buffer bases; the descriptor's offsets are applied here. */
void lowp_ref_pqt_sample_rows(const struct lowp_pqt_desc *d, const float *x, float *y, size_t r0, size_t r1);
void lowp_ref_pqt_sample(const struct lowp_pqt_desc *d, const float *x, float *y);

#endif
