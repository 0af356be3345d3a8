/* optim_elem.h — the host side of the per-element optimizer updates.
 *
 * The updates themselves (lowp_oe_sgd, lowp_oe_adamw, ..., the slot table
 * lowp_oe_phase_slots and the bf16 state codec) are in kernels/optim_rules.cl,
 * the one copy shared by the scalar reference, the fast CPU path and the
 * optim OpenCL program; optim_internal.h includes it. What stays here is how
 * a host backend moves an element's state slots between its buffers and the
 * float st[] the updates work on: planar slots (slot k of element i at
 * k * n + i), fp32 (s32) or bf16 (s16, the other pointer NULL). The device
 * equivalent is lowp_oe_load/lowp_oe_store in kernels/optim.cl. */
#ifndef LOWP_OPTIM_ELEM_H
#define LOWP_OPTIM_ELEM_H

#include <stdint.h>

#include "optim/optim_internal.h"

/* Load the nread slots of element i (fp32 when s16 == NULL, else bf16). */
static inline void lowp_oe_load(float *st, uint32_t nread, uint64_t i, uint64_t n, const float *s32,
                                const uint16_t *s16)
{
    for (uint32_t k = 0; k < nread; ++k)
        st[k] = s16 ? lowp_oe_bf16_load(s16[k * n + i]) : s32[k * n + i];
}

/* Store the written slots; sbase = the tensor's stream base (slot in bits 0-1). */
static inline void lowp_oe_store(const float *st, uint32_t nread, uint32_t wmask, uint64_t i, uint64_t n,
                                 float *s32, uint16_t *s16, uint64_t seed, uint64_t sbase)
{
    for (uint32_t k = 0; k < nread; ++k) {
        if (!((wmask >> k) & 1u)) continue;
        if (s16) s16[k * n + i] = (uint16_t)lowp_oe_bf16_store(st[k], seed, sbase | k, i);
        else s32[k * n + i] = st[k];
    }
}

#endif
