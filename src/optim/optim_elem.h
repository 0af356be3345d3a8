/* optim_elem.h — the elementwise update formulas, one element at a time.
 *
 * These are THE definition of each update (kernels/optim.cl mirrors them
 * line by line). Every product/sum is written in the order PyTorch's CPU
 * kernels evaluate it (add(a,b,alpha) = a + alpha*b; addcmul = a + (s*b)*c;
 * addcdiv = a + (s*b)/c), in float, so that trajectories track PyTorch to a
 * few ulps per step. Compile with -ffp-contract=off (no FMA contraction).
 *
 * Arguments: c = coefficient vector (optim_internal.h), i = element, n =
 * numel of the tensor, p/g = param/grad of the tensor, st = the element's
 * state slots as floats (st[k] = slot k), loaded before and stored after the
 * call by lowp_oe_load/lowp_oe_store below: plain floats for fp32 state,
 * bf16 decoded exactly and re-encoded with stochastic rounding for
 * LOWP_OPTIM_STATE_BF16_SR. lowp_oe_phase_slots says which slots a phase
 * reads and which it writes. */
#ifndef LOWP_OPTIM_ELEM_H
#define LOWP_OPTIM_ELEM_H

#include <math.h>
#include <stdint.h>

#include "optim/optim_internal.h"
#include "core/philox.h"
#include "formats/codec.h"

/* sign with sign(0) = 0 (torch.sign); NaN passes through. */
static inline float lowp_oe_sign(float x)
{
    return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
}

/* SGD: X0 = 1 on the tensor's first step (buffer := d), X1 = nesterov,
 * X2 = maximize, B1 = momentum, OMB1 = 1 - dampening, WD = coupled L2. */
static inline void lowp_oe_sgd(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    float d = c[LOWP_OC_X2] != 0.0f ? -g[i] : g[i];
    if (c[LOWP_OC_WD] != 0.0f) d = d + c[LOWP_OC_WD] * p[i];
    if (c[LOWP_OC_B1] != 0.0f) {
        float b = c[LOWP_OC_X0] != 0.0f ? d : st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * d;
        st[0] = b;
        d = c[LOWP_OC_X1] != 0.0f ? d + c[LOWP_OC_B1] * b : b;
    }
    p[i] = p[i] + (-c[LOWP_OC_LR]) * d;
}

/* AdamW (PyTorch 1.13 single-tensor): STEP = lr/c1, C2S = sqrt(c2),
 * X0 = amsgrad, X2 = maximize. Slots m, v (, vmax). */
static inline void lowp_oe_adamw(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    float gi = c[LOWP_OC_X2] != 0.0f ? -g[i] : g[i];
    float pi = p[i] * c[LOWP_OC_DECAY];
    float m = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    float v = st[1] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float vv = v;
    if (c[LOWP_OC_X0] != 0.0f) {
        float vm = st[2];
        vv = vm > v ? vm : v;
        st[2] = vv;
    }
    float denom = sqrtf(vv) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    p[i] = pi + ((-c[LOWP_OC_STEP]) * m) / denom;
    st[0] = m;
    st[1] = v;
}

/* Lion: c = b1*m + (1-b1)*g (old m); theta -= lr*sign(c); m = b2*m + (1-b2)*g. */
static inline void lowp_oe_lion(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float u = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    p[i] = pi + (-c[LOWP_OC_LR]) * lowp_oe_sign(u);
    st[0] = st[0] * c[LOWP_OC_B2] + c[LOWP_OC_OMB2] * g[i];
}

static inline void lowp_oe_lamb_moments(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    (void)p;
    st[0] = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    st[1] = st[1] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * g[i]) * g[i];
}

/* LAMB update direction u = (m/c1) / (sqrt(v/c2) + eps) + wd*theta,
 * X0 = c1, X1 = c2 (1 and 1 without bias correction), WD = 0 when excluded. */
static inline float lowp_oe_lamb_u(const float *c, uint64_t i, uint64_t n, const float *p, const float *st)
{
    (void)n;
    float mh = st[0] / c[LOWP_OC_X0];
    float vh = st[1] / c[LOWP_OC_X1];
    float u = mh / (sqrtf(vh) + c[LOWP_OC_EPS]);
    if (c[LOWP_OC_WD] != 0.0f) u = u + c[LOWP_OC_WD] * p[i];
    return u;
}

/* LAMB phase 2: STEP = ratio*lr. */
static inline void lowp_oe_lamb_apply(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    (void)g;
    float u = lowp_oe_lamb_u(c, i, n, p, st);
    p[i] = p[i] + (-c[LOWP_OC_STEP]) * u;
}

/* Sophia-G (official): X0 = rho*bs, X1 = 1 for the paper's max(.,eps). */
static inline void lowp_oe_sophia(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float m = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    float hh = c[LOWP_OC_X0] * st[1];
    float den = c[LOWP_OC_X1] != 0.0f ? (hh > c[LOWP_OC_EPS] ? hh : c[LOWP_OC_EPS]) : hh + c[LOWP_OC_EPS];
    float r = fabsf(m) / den;
    if (r > 1.0f) r = 1.0f;
    p[i] = pi + ((-c[LOWP_OC_LR]) * lowp_oe_sign(m)) * r;
    st[0] = m;
}

static inline void lowp_oe_sophia_hess(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    (void)p;
    st[1] = st[1] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * g[i]) * g[i];
}

/* SPAM (official): X0 = spike clip active, X1 = threshold, X2 = reset
 * (m = v = 0 first), STEP = -(step size * warmup scale) (an alpha),
 * C2S = sqrt(c2) when the torch-eps flag is set else 1 (then eps is on the
 * raw sqrt(v), the code's eps-hat form), WD = -lr*wd (post-update decay alpha, 0 = off). */
static inline void lowp_oe_spam(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    float m = st[0], v = st[1];
    if (c[LOWP_OC_X2] != 0.0f) { m = 0.0f; v = 0.0f; }
    float gi = g[i];
    if (c[LOWP_OC_X0] != 0.0f && gi * gi > c[LOWP_OC_X1] * v)
        gi = lowp_oe_sign(gi) * sqrtf(v * c[LOWP_OC_X1]);
    m = m * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    v = v * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float denom = sqrtf(v) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    float pi = p[i] + c[LOWP_OC_STEP] * (m / denom);
    if (c[LOWP_OC_WD] != 0.0f) pi = pi + c[LOWP_OC_WD] * pi;
    p[i] = pi;
    st[0] = m;
    st[1] = v;
}

/* Stable-SPAM AdaClip: entries above Mhat (X0) are rescaled by Mhat/gmax (X1). */
static inline float lowp_oe_sspam_clip(const float *c, float gi)
{
    return fabsf(gi) > c[LOWP_OC_X0] ? gi / c[LOWP_OC_X1] * c[LOWP_OC_X0] : gi;
}

/* Stable-SPAM (official): X2 = ||g~|| (0: no AdaGN), X3 = c (smoothed
 * norm), X4 = reset mode (0 none, 1 code: update old m,v then store zeros,
 * 2 paper: zero first), B1/OMB1 = sigma-scaled beta1, STEP = lr/c1, C2S = sqrt(c2). */
static inline void lowp_oe_sspam(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *st)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float gi = lowp_oe_sspam_clip(c, g[i]);
    if (c[LOWP_OC_X2] > 0.0f) gi = gi / c[LOWP_OC_X2] * c[LOWP_OC_X3];
    float m = st[0], v = st[1];
    if (c[LOWP_OC_X4] == 2.0f) { m = 0.0f; v = 0.0f; }
    m = m * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    v = v * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float denom = sqrtf(v) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    p[i] = pi + ((-c[LOWP_OC_STEP]) * m) / denom;
    if (c[LOWP_OC_X4] == 1.0f) { m = 0.0f; v = 0.0f; }
    st[0] = m;
    st[1] = v;
}

static inline void lowp_oe_scale_grad(const float *c, uint64_t i, float *g)
{
    g[i] = g[i] * c[LOWP_OC_X0];
}

/* Slots phase ph reads (0..nread-1) and writes (bit k of *wmask), given the
 * tensor's coefficients. Unwritten slots are never stored (bf16: no fresh
 * rounding, no bandwidth). Mirrored by the kernels' NREAD/WMASK arguments. */
static inline void lowp_oe_phase_slots(lowp_optim_phase ph, const float *c, uint32_t *nread, uint32_t *wmask)
{
    uint32_t r = 0, w = 0;
    switch (ph) {
    case LOWP_OPH_SGD:          r = c[LOWP_OC_B1] != 0.0f ? 1u : 0u; w = 1u; break;
    case LOWP_OPH_ADAMW:        r = c[LOWP_OC_X0] != 0.0f ? 3u : 2u; w = 7u; break;
    case LOWP_OPH_LION:         r = 1u; w = 1u; break;
    case LOWP_OPH_LAMB_MOMENTS: r = 2u; w = 3u; break;
    case LOWP_OPH_LAMB_APPLY:   r = 2u; w = 0u; break;
    case LOWP_OPH_SOPHIA:       r = 2u; w = 1u; break;
    case LOWP_OPH_SOPHIA_HESS:  r = 2u; w = 2u; break;
    case LOWP_OPH_SPAM:
    case LOWP_OPH_SSPAM:        r = 2u; w = 3u; break;
    case LOWP_OPH_SCALE_GRAD:   r = 0u; w = 0u; break;
    }
    *nread = r;
    *wmask = w;
}

/* bf16 state element -> float (exact: the top half of the fp32 pattern). */
static inline float lowp_oe_bf16_load(uint16_t h)
{
    return lowp_f32_from_bits((uint32_t)h << 16);
}

/* float -> bf16 with stochastic rounding: rbits = Philox word (seed,
 * stream = sbase | slot, counter = element index), see LOWP_OPTIM_SR_STREAM.
 * Overflow gives Inf, NaN stays NaN (the codec's non-saturating rules). */
static inline uint16_t lowp_oe_bf16_store(float x, uint64_t seed, uint64_t stream, uint64_t i)
{
    uint32_t r = lowp_philox_word(seed, stream, i);
    return (uint16_t)lowp_cc_encode_bits(LOWP_CC_BF16, lowp_f32_bits(x), 0, 1, r, 1);
}

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
        if (s16) s16[k * n + i] = lowp_oe_bf16_store(st[k], seed, sbase | k, i);
        else s32[k * n + i] = st[k];
    }
}

#endif
