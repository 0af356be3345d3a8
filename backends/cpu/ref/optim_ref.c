/* optim_ref.c — the scalar reference: plain sequential loops over the
 * per-element updates of kernels/optim_rules.cl (through optim_elem.h);
 * reductions in the fixed block order of the contract
 * (LOWP_OPTIM_REDUCE_BLOCK elements per double partial, partials added in
 * block order). */
#include "ref/optim_ref.h"

#include <math.h>

#include "optim/optim_elem.h"
#include "optim/optim_internal.h"

/* s32 (fp32 state) or s16 (bf16 state, the other NULL); sbase = stream base of the tensor. */
static void ref_elem(lowp_optim_phase ph, uint64_t n, const float *c, float *p, float *g, float *s32,
                     uint16_t *s16, uint64_t seed, uint64_t sbase)
{
    uint32_t nread, wmask;
    lowp_oe_phase_slots(ph, c, &nread, &wmask);
    for (uint64_t i = 0; i < n; ++i) {
        float s[3] = {0.0f, 0.0f, 0.0f};
        lowp_oe_load(s, nread, i, n, s32, s16);
        switch (ph) {
        case LOWP_OPH_SGD:          lowp_oe_sgd(c, i, n, p, g, s); break;
        case LOWP_OPH_ADAMW:        lowp_oe_adamw(c, i, n, p, g, s); break;
        case LOWP_OPH_LION:         lowp_oe_lion(c, i, n, p, g, s); break;
        case LOWP_OPH_LAMB_MOMENTS: lowp_oe_lamb_moments(c, i, n, p, g, s); break;
        case LOWP_OPH_LAMB_APPLY:   lowp_oe_lamb_apply(c, i, n, p, g, s); break;
        case LOWP_OPH_SOPHIA:       lowp_oe_sophia(c, i, n, p, g, s); break;
        case LOWP_OPH_SOPHIA_HESS:  lowp_oe_sophia_hess(c, i, n, p, g, s); break;
        case LOWP_OPH_SPAM:         lowp_oe_spam(c, i, n, p, g, s); break;
        case LOWP_OPH_SSPAM:        lowp_oe_sspam(c, i, n, p, g, s); break;
        case LOWP_OPH_SCALE_GRAD:   lowp_oe_scale_grad(c, i, n, p, g, s); break;
        }
        lowp_oe_store(s, nread, wmask, i, n, s32, s16, seed, sbase);
    }
}

/* Contribution of element i to reduction rd (a, b: the two accumulators). */
static void ref_reduce_one(lowp_optim_reduce rd, uint64_t i, uint64_t n, const float *c, const float *p,
                           const float *g, const float *s32, const uint16_t *s16, double *a, double *b)
{
    switch (rd) {
    case LOWP_ORD_GRAD_SUMSQ:  *a += (double)g[i] * (double)g[i]; break;
    case LOWP_ORD_GRAD_MAXABS: { double v = fabs((double)g[i]); if (v > *a) *a = v; break; }
    case LOWP_ORD_SSPAM_CLIPPED: { double v = (double)lowp_oe_sspam_clip(c, g[i]); *a += v * v; break; }
    case LOWP_ORD_LAMB_NORMS: {
        float s[3];
        lowp_oe_load(s, 2, i, n, s32, s16);
        double u = (double)lowp_oe_lamb_u(c, i, n, p, s);
        *a += (double)p[i] * (double)p[i];
        *b += u * u;
        break;
    }
    case LOWP_ORD_NONFINITE: if (!isfinite(g[i])) *a += 1.0; break;
    }
}

static void ref_reduce(lowp_optim_reduce rd, uint64_t n, const float *c, const float *p, const float *g,
                       const float *s, const uint16_t *s16, double out[2])
{
    double ta = 0.0, tb = 0.0;
    for (uint64_t b0 = 0; b0 < n; b0 += LOWP_OPTIM_REDUCE_BLOCK) {
        uint64_t b1 = n - b0 < LOWP_OPTIM_REDUCE_BLOCK ? n : b0 + LOWP_OPTIM_REDUCE_BLOCK;
        double a = 0.0, b = 0.0;
        for (uint64_t i = b0; i < b1; ++i) ref_reduce_one(rd, i, n, c, p, g, s, s16, &a, &b);
        if (rd == LOWP_ORD_GRAD_MAXABS) { if (a > ta) ta = a; }
        else { ta += a; tb += b; }
    }
    out[0] = ta;
    out[1] = tb;
}

/* The shared multi-tensor loops (src/optim/optim_host.c) call these per tensor. */
static struct lowp_optim_host_kernels ref_kernels = {ref_elem, ref_reduce};
static const struct lowp_optim_ops ref_ops = {&ref_kernels, lowp_optim_host_elem_mt, lowp_optim_host_reduce_mt, NULL, NULL};

lowp_status lowp_ref_optim_step(const struct lowp_optim_step_desc *d, float *param, const float *grad,
                                void *state, struct lowp_optim_tensor_state *ts,
                                struct lowp_optim_global_state *gs)
{
    return lowp_optim_run_step(&ref_ops, d, param, grad, state, ts, gs);
}

lowp_status lowp_ref_optim_sophia_hessian(const struct lowp_optim_step_desc *d, const float *gnb_grad, void *state)
{
    return lowp_optim_run_sophia_hessian(&ref_ops, d, gnb_grad, state);
}

lowp_status lowp_ref_optim_clip_grad_norm(const struct lowp_optim_step_desc *d, float *grad, float max_norm,
                                          float *total_norm)
{
    return lowp_optim_run_clip_grad_norm(&ref_ops, d, grad, max_norm, total_norm);
}
