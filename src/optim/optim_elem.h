/* optim_elem.h — the elementwise update formulas, one element at a time.
 *
 * These are THE definition of each update (kernels/optim.cl mirrors them
 * line by line). Every product/sum is written in the order PyTorch's CPU
 * kernels evaluate it (add(a,b,alpha) = a + alpha*b; addcmul = a + (s*b)*c;
 * addcdiv = a + (s*b)/c), in float, so that trajectories track PyTorch to a
 * few ulps per step. Compile with -ffp-contract=off (no FMA contraction).
 *
 * Arguments: c = coefficient vector (optim_internal.h), i = element, n =
 * numel of the tensor, p/g = param/grad of the tensor, s = its state
 * (slot k of element i at s[k*n + i]). */
#ifndef LOWP_OPTIM_ELEM_H
#define LOWP_OPTIM_ELEM_H

#include <math.h>
#include <stdint.h>

#include "optim/optim_internal.h"

/* sign with sign(0) = 0 (torch.sign); NaN passes through. */
static inline float lowp_oe_sign(float x)
{
    return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
}

/* SGD: X0 = 1 on the tensor's first step (buffer := d), X1 = nesterov,
 * X2 = maximize, B1 = momentum, OMB1 = 1 - dampening, WD = coupled L2. */
static inline void lowp_oe_sgd(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    (void)n;
    float d = c[LOWP_OC_X2] != 0.0f ? -g[i] : g[i];
    if (c[LOWP_OC_WD] != 0.0f) d = d + c[LOWP_OC_WD] * p[i];
    if (c[LOWP_OC_B1] != 0.0f) {
        float b = c[LOWP_OC_X0] != 0.0f ? d : s[i] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * d;
        s[i] = b;
        d = c[LOWP_OC_X1] != 0.0f ? d + c[LOWP_OC_B1] * b : b;
    }
    p[i] = p[i] + (-c[LOWP_OC_LR]) * d;
}

/* AdamW (PyTorch 1.13 single-tensor): STEP = lr/c1, C2S = sqrt(c2),
 * X0 = amsgrad, X2 = maximize. Slots m, v (, vmax). */
static inline void lowp_oe_adamw(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    float gi = c[LOWP_OC_X2] != 0.0f ? -g[i] : g[i];
    float pi = p[i] * c[LOWP_OC_DECAY];
    float m = s[i] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    float v = s[n + i] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float vv = v;
    if (c[LOWP_OC_X0] != 0.0f) {
        float vm = s[2 * n + i];
        vv = vm > v ? vm : v;
        s[2 * n + i] = vv;
    }
    float denom = sqrtf(vv) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    p[i] = pi + ((-c[LOWP_OC_STEP]) * m) / denom;
    s[i] = m;
    s[n + i] = v;
}

/* Lion: c = b1*m + (1-b1)*g (old m); theta -= lr*sign(c); m = b2*m + (1-b2)*g. */
static inline void lowp_oe_lion(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float u = s[i] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    p[i] = pi + (-c[LOWP_OC_LR]) * lowp_oe_sign(u);
    s[i] = s[i] * c[LOWP_OC_B2] + c[LOWP_OC_OMB2] * g[i];
}

static inline void lowp_oe_lamb_moments(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    (void)p;
    s[i] = s[i] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    s[n + i] = s[n + i] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * g[i]) * g[i];
}

/* LAMB update direction u = (m/c1) / (sqrt(v/c2) + eps) + wd*theta,
 * X0 = c1, X1 = c2 (1 and 1 without bias correction), WD = 0 when excluded. */
static inline float lowp_oe_lamb_u(const float *c, uint64_t i, uint64_t n, const float *p, const float *s)
{
    float mh = s[i] / c[LOWP_OC_X0];
    float vh = s[n + i] / c[LOWP_OC_X1];
    float u = mh / (sqrtf(vh) + c[LOWP_OC_EPS]);
    if (c[LOWP_OC_WD] != 0.0f) u = u + c[LOWP_OC_WD] * p[i];
    return u;
}

/* LAMB phase 2: STEP = ratio*lr. */
static inline void lowp_oe_lamb_apply(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    (void)g;
    float u = lowp_oe_lamb_u(c, i, n, p, s);
    p[i] = p[i] + (-c[LOWP_OC_STEP]) * u;
}

/* Sophia-G (official): X0 = rho*bs, X1 = 1 for the paper's max(.,eps). */
static inline void lowp_oe_sophia(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    float pi = p[i] * c[LOWP_OC_DECAY];
    float m = s[i] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    float hh = c[LOWP_OC_X0] * s[n + i];
    float den = c[LOWP_OC_X1] != 0.0f ? (hh > c[LOWP_OC_EPS] ? hh : c[LOWP_OC_EPS]) : hh + c[LOWP_OC_EPS];
    float r = fabsf(m) / den;
    if (r > 1.0f) r = 1.0f;
    p[i] = pi + ((-c[LOWP_OC_LR]) * lowp_oe_sign(m)) * r;
    s[i] = m;
}

static inline void lowp_oe_sophia_hess(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    (void)p;
    s[n + i] = s[n + i] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * g[i]) * g[i];
}

/* SPAM (official): X0 = spike clip active, X1 = threshold, X2 = reset
 * (m = v = 0 first), STEP = -(step size * warmup scale) (an alpha),
 * C2S = sqrt(c2) when the torch-eps flag is set else 1 (then eps is on the
 * raw sqrt(v), the code's eps-hat form), WD = -lr*wd (post-update decay alpha, 0 = off). */
static inline void lowp_oe_spam(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    float m = s[i], v = s[n + i];
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
    s[i] = m;
    s[n + i] = v;
}

/* Stable-SPAM AdaClip: entries above Mhat (X0) are rescaled by Mhat/gmax (X1). */
static inline float lowp_oe_sspam_clip(const float *c, float gi)
{
    return fabsf(gi) > c[LOWP_OC_X0] ? gi / c[LOWP_OC_X1] * c[LOWP_OC_X0] : gi;
}

/* Stable-SPAM (official): X2 = ||g~|| (0: no AdaGN), X3 = c (smoothed
 * norm), X4 = reset mode (0 none, 1 code: update old m,v then store zeros,
 * 2 paper: zero first), B1/OMB1 = sigma-scaled beta1, STEP = lr/c1, C2S = sqrt(c2). */
static inline void lowp_oe_sspam(const float *c, uint64_t i, uint64_t n, float *p, const float *g, float *s)
{
    float pi = p[i] * c[LOWP_OC_DECAY];
    float gi = lowp_oe_sspam_clip(c, g[i]);
    if (c[LOWP_OC_X2] > 0.0f) gi = gi / c[LOWP_OC_X2] * c[LOWP_OC_X3];
    float m = s[i], v = s[n + i];
    if (c[LOWP_OC_X4] == 2.0f) { m = 0.0f; v = 0.0f; }
    m = m * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    v = v * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float denom = sqrtf(v) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    p[i] = pi + ((-c[LOWP_OC_STEP]) * m) / denom;
    if (c[LOWP_OC_X4] == 1.0f) { m = 0.0f; v = 0.0f; }
    s[i] = m;
    s[n + i] = v;
}

static inline void lowp_oe_scale_grad(const float *c, uint64_t i, float *g)
{
    g[i] = g[i] * c[LOWP_OC_X0];
}

#endif
