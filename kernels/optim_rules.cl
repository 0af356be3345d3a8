/* optim_rules.cl - the per-element optimizer updates (one copy for C and OpenCL).
 *
 * Valid C11 and OpenCL C 1.2 at once, ASCII only (the same scheme as codec.cl):
 *   - the optim OpenCL program is common.cl + philox.cl + codec.cl +
 *     optim_rules.cl + optim.cl: backends/opencl/cl_program.c prepends this
 *     file for the optim family only (embedded sources cannot #include);
 *   - C code includes it through src/optim/optim_internal.h (CMake puts
 *     kernels/ on the private include path), so the scalar reference
 *     (backends/cpu/ref/optim_ref.c), the fast CPU path (optim_cpu.c) and the
 *     device kernels run the same lines.
 *
 * These are THE definition of each update. Every product/sum is written in
 * the order PyTorch's CPU kernels evaluate it (add(a,b,alpha) = a + alpha*b;
 * addcmul = a + (s*b)*c; addcdiv = a + (s*b)/c), in float, so that
 * trajectories track PyTorch to a few ulps per step. No FMA contraction: C is
 * built with -ffp-contract=off, OpenCL with FP_CONTRACT OFF (below and in
 * common.cl). sqrt and / are correctly rounded in C; on a device only with
 * -cl-fp32-correctly-rounded-divide-sqrt (cl_optim.c asks for it where the
 * device offers it), so C and OpenCL give the same bits exactly then.
 *
 * Arguments of an update: c = the tensor's coefficient vector (layout below),
 * i = element, n = numel of the tensor, p/g = param/grad of the tensor, st =
 * the element's state slots as floats (st[k] = slot k), loaded before and
 * stored after the call by the backend (fp32, or bf16 through
 * lowp_oe_bf16_load/lowp_oe_bf16_store below). lowp_oe_phase_slots says
 * which slots a phase reads and which it writes. */
#ifndef LOWP_OPTIM_RULES_CL
#define LOWP_OPTIM_RULES_CL

/* The few spellings that differ between the two languages. p and g live in
 * device global memory on OpenCL and are plain host pointers in C. */
#ifdef __OPENCL_VERSION__
#pragma OPENCL FP_CONTRACT OFF
#define LOWP_OE_GLOBAL __global
#define LOWP_OE_SQRT(x) sqrt(x)
#define LOWP_OE_FABS(x) fabs(x)
#define LOWP_OE_F32_BITS(x) as_uint(x)
#define LOWP_OE_F32_FROM_BITS(u) as_float(u)
#else
#include <math.h>
#include <stdint.h>
#include "core/philox.h"
#include "formats/codec.h"
#define LOWP_OE_GLOBAL
#define LOWP_OE_SQRT(x) sqrtf(x)
#define LOWP_OE_FABS(x) fabsf(x)
#define LOWP_OE_F32_BITS(x) lowp_f32_bits(x)
#define LOWP_OE_F32_FROM_BITS(u) lowp_f32_from_bits(u)
#endif
#define LOWP_OE_FN static inline

/* Coefficient vector layout: computed once per tensor and step on the host
 * (src/optim/optim_step.c, in double, rounded to float); the updates only see
 * these floats. */
enum {
    LOWP_OC_LR = 0,     /* lr */
    LOWP_OC_DECAY = 1,  /* decoupled decay multiplier 1 - lr*wd (1 when excluded) */
    LOWP_OC_WD = 2,     /* SGD coupled wd; LAMB wd inside u; SPAM post-decay alpha -lr*wd */
    LOWP_OC_B1 = 3,
    LOWP_OC_OMB1 = 4,   /* 1 - beta1, computed in double */
    LOWP_OC_B2 = 5,
    LOWP_OC_OMB2 = 6,
    LOWP_OC_STEP = 7,   /* step size (sign convention per phase, see the updates) */
    LOWP_OC_C2S = 8,    /* sqrt(1 - beta2^t) */
    LOWP_OC_EPS = 9,
    LOWP_OC_X0 = 10,    /* optimizer-specific, see the updates */
    LOWP_OC_X1 = 11,
    LOWP_OC_X2 = 12,
    LOWP_OC_X3 = 13,
    LOWP_OC_X4 = 14,
    LOWP_OC_X5 = 15,
    LOWP_OPTIM_NCOEF = 16
};

/* Elementwise passes. */
typedef enum lowp_optim_phase {
    LOWP_OPH_SGD = 0,
    LOWP_OPH_ADAMW = 1,
    LOWP_OPH_LION = 2,
    LOWP_OPH_LAMB_MOMENTS = 3, /* LAMB phase 1: m, v */
    LOWP_OPH_LAMB_APPLY = 4,   /* LAMB phase 2: theta -= ratio*lr*u */
    LOWP_OPH_SOPHIA = 5,
    LOWP_OPH_SOPHIA_HESS = 6,  /* h = b2*h + (1-b2)*g^2 with g = the GNB gradient */
    LOWP_OPH_SPAM = 7,
    LOWP_OPH_SSPAM = 8,
    LOWP_OPH_SCALE_GRAD = 9    /* g *= X0 (global-norm clipping); grad is written */
} lowp_optim_phase;

/* sign with sign(0) = 0 (torch.sign); NaN passes through. */
LOWP_OE_FN float lowp_oe_sign(float x)
{
    return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
}

/* SGD: X0 = 1 on the tensor's first step (buffer := d), X1 = nesterov,
 * X2 = maximize, B1 = momentum, OMB1 = 1 - dampening, WD = coupled L2. */
LOWP_OE_FN void lowp_oe_sgd(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                            LOWP_OE_GLOBAL const float *g, float *st)
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
LOWP_OE_FN void lowp_oe_adamw(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                              LOWP_OE_GLOBAL const float *g, float *st)
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
    float denom = LOWP_OE_SQRT(vv) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    p[i] = pi + ((-c[LOWP_OC_STEP]) * m) / denom;
    st[0] = m;
    st[1] = v;
}

/* Lion: c = b1*m + (1-b1)*g (old m); theta -= lr*sign(c); m = b2*m + (1-b2)*g. */
LOWP_OE_FN void lowp_oe_lion(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                             LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float u = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    p[i] = pi + (-c[LOWP_OC_LR]) * lowp_oe_sign(u);
    st[0] = st[0] * c[LOWP_OC_B2] + c[LOWP_OC_OMB2] * g[i];
}

/* LAMB phase 1: the moments m, v. */
LOWP_OE_FN void lowp_oe_lamb_moments(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                                     LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)n;
    (void)p;
    st[0] = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    st[1] = st[1] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * g[i]) * g[i];
}

/* LAMB update direction u = (m/c1) / (sqrt(v/c2) + eps) + wd*theta,
 * X0 = c1, X1 = c2 (1 and 1 without bias correction), WD = 0 when excluded.
 * Also the per-element term of the LAMB_NORMS reduction. */
LOWP_OE_FN float lowp_oe_lamb_u(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL const float *p,
                                const float *st)
{
    (void)n;
    float mh = st[0] / c[LOWP_OC_X0];
    float vh = st[1] / c[LOWP_OC_X1];
    float u = mh / (LOWP_OE_SQRT(vh) + c[LOWP_OC_EPS]);
    if (c[LOWP_OC_WD] != 0.0f) u = u + c[LOWP_OC_WD] * p[i];
    return u;
}

/* LAMB phase 2: STEP = ratio*lr. */
LOWP_OE_FN void lowp_oe_lamb_apply(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                                   LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)g;
    float u = lowp_oe_lamb_u(c, i, n, p, st);
    p[i] = p[i] + (-c[LOWP_OC_STEP]) * u;
}

/* Sophia-G (official): X0 = rho*bs, X1 = 1 for the paper's max(.,eps). */
LOWP_OE_FN void lowp_oe_sophia(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                               LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float m = st[0] * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * g[i];
    float hh = c[LOWP_OC_X0] * st[1];
    float den = c[LOWP_OC_X1] != 0.0f ? (hh > c[LOWP_OC_EPS] ? hh : c[LOWP_OC_EPS]) : hh + c[LOWP_OC_EPS];
    float r = LOWP_OE_FABS(m) / den;
    if (r > 1.0f) r = 1.0f;
    p[i] = pi + ((-c[LOWP_OC_LR]) * lowp_oe_sign(m)) * r;
    st[0] = m;
}

/* Sophia's Hessian EMA (slot 1) from the GNB gradient g. */
LOWP_OE_FN void lowp_oe_sophia_hess(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                                    LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)n;
    (void)p;
    st[1] = st[1] * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * g[i]) * g[i];
}

/* SPAM (official): X0 = spike clip active, X1 = threshold, X2 = reset
 * (m = v = 0 first), STEP = -(step size * warmup scale) (an alpha),
 * C2S = sqrt(c2) when the torch-eps flag is set else 1 (then eps is on the
 * raw sqrt(v), the code's eps-hat form), WD = -lr*wd (post-update decay alpha, 0 = off). */
LOWP_OE_FN void lowp_oe_spam(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                             LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)n;
    float m = st[0], v = st[1];
    if (c[LOWP_OC_X2] != 0.0f) { m = 0.0f; v = 0.0f; }
    float gi = g[i];
    if (c[LOWP_OC_X0] != 0.0f && gi * gi > c[LOWP_OC_X1] * v)
        gi = lowp_oe_sign(gi) * LOWP_OE_SQRT(v * c[LOWP_OC_X1]);
    m = m * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    v = v * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float denom = LOWP_OE_SQRT(v) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    float pi = p[i] + c[LOWP_OC_STEP] * (m / denom);
    if (c[LOWP_OC_WD] != 0.0f) pi = pi + c[LOWP_OC_WD] * pi;
    p[i] = pi;
    st[0] = m;
    st[1] = v;
}

/* Stable-SPAM AdaClip: entries above Mhat (X0) are rescaled by Mhat/gmax (X1).
 * Also the per-element term of the SSPAM_CLIPPED reduction. */
LOWP_OE_FN float lowp_oe_sspam_clip(const float *c, float gi)
{
    return LOWP_OE_FABS(gi) > c[LOWP_OC_X0] ? gi / c[LOWP_OC_X1] * c[LOWP_OC_X0] : gi;
}

/* Stable-SPAM (official): X2 = ||g~|| (0: no AdaGN), X3 = c (smoothed
 * norm), X4 = reset mode (0 none, 1 code: update old m,v then store zeros,
 * 2 paper: zero first), B1/OMB1 = sigma-scaled beta1, STEP = lr/c1, C2S = sqrt(c2). */
LOWP_OE_FN void lowp_oe_sspam(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                              LOWP_OE_GLOBAL const float *g, float *st)
{
    (void)n;
    float pi = p[i] * c[LOWP_OC_DECAY];
    float gi = lowp_oe_sspam_clip(c, g[i]);
    if (c[LOWP_OC_X2] > 0.0f) gi = gi / c[LOWP_OC_X2] * c[LOWP_OC_X3];
    float m = st[0], v = st[1];
    if (c[LOWP_OC_X4] == 2.0f) { m = 0.0f; v = 0.0f; }
    m = m * c[LOWP_OC_B1] + c[LOWP_OC_OMB1] * gi;
    v = v * c[LOWP_OC_B2] + (c[LOWP_OC_OMB2] * gi) * gi;
    float denom = LOWP_OE_SQRT(v) / c[LOWP_OC_C2S] + c[LOWP_OC_EPS];
    p[i] = pi + ((-c[LOWP_OC_STEP]) * m) / denom;
    if (c[LOWP_OC_X4] == 1.0f) { m = 0.0f; v = 0.0f; }
    st[0] = m;
    st[1] = v;
}

/* Global-norm clipping: g *= X0. The one phase that writes the gradient; it
 * has the common signature so every phase fits the same loops. */
LOWP_OE_FN void lowp_oe_scale_grad(const float *c, uint64_t i, uint64_t n, LOWP_OE_GLOBAL float *p,
                                   LOWP_OE_GLOBAL float *g, float *st)
{
    (void)n;
    (void)p;
    (void)st;
    g[i] = g[i] * c[LOWP_OC_X0];
}

/* Slots phase ph reads (0..nread-1) and writes (bit k of *wmask), given the
 * tensor's coefficients. Unwritten slots are never stored (bf16: no fresh
 * rounding, no bandwidth). */
LOWP_OE_FN void lowp_oe_phase_slots(lowp_optim_phase ph, const float *c, uint32_t *nread, uint32_t *wmask)
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

/* bf16 state element (the low 16 bits of h) -> float: exact, the top half of
 * the fp32 pattern. */
LOWP_OE_FN float lowp_oe_bf16_load(uint32_t h)
{
    return LOWP_OE_F32_FROM_BITS(h << 16);
}

/* float -> bf16 (in the low 16 bits) with stochastic rounding: the random
 * word is Philox (seed, stream = the tensor's stream base | slot, counter =
 * element index), see LOWP_OPTIM_SR_RNG in optim_internal.h. Overflow gives
 * Inf, NaN stays NaN (the codec's non-saturating rules). */
LOWP_OE_FN uint32_t lowp_oe_bf16_store(float x, uint64_t seed, uint64_t stream, uint64_t i)
{
    return lowp_cc_encode_bits(LOWP_CC_BF16, LOWP_OE_F32_BITS(x), 0, 1, lowp_philox_word(seed, stream, i), 1);
}

#endif
