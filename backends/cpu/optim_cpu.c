/* optim_cpu.c — OpenMP versions of the optimizer primitives. The loops run
 * the shared per-element updates (kernels/optim_rules.cl, through
 * optim_elem.h) with the phase switch hoisted out of the loop so the
 * compiler can vectorize them; reductions compute one double partial per
 * LOWP_OPTIM_REDUCE_BLOCK block in parallel and add the partials in block
 * order on one thread (the reference's order exactly). */
#include "optim_cpu.h"

#include <math.h>
#include <stdlib.h>

#include "optim/optim_elem.h"
#include "optim/optim_internal.h"

/* Below this many elements threading costs more than it saves. */
#define PAR_MIN 32768

/* OpenMP pragmas only when OpenMP is on (no unknown-pragma warnings). */
#ifdef _OPENMP
#define OMP_FOR_IF_BIG _Pragma("omp parallel for schedule(static) if (nn >= PAR_MIN)")
#define OMP_FOR _Pragma("omp parallel for schedule(static)")
#else
#define OMP_FOR_IF_BIG
#define OMP_FOR
#endif

/* One pass: load the slots, apply fn, store the written slots (fp32: s32;
 * bf16 with stochastic rounding: s16). */
#define ELEM_LOOP(fn)                                                                     \
    do {                                                                                  \
        int64_t nn = (int64_t)n;                                                          \
        OMP_FOR_IF_BIG                                                                    \
        for (int64_t i = 0; i < nn; ++i) {                                                \
            float st[3] = {0.0f, 0.0f, 0.0f};                                             \
            lowp_oe_load(st, nread, (uint64_t)i, n, s32, s16);                            \
            fn(c, (uint64_t)i, n, p, g, st);                                              \
            lowp_oe_store(st, nread, wmask, (uint64_t)i, n, s32, s16, seed, sbase);       \
        }                                                                                 \
    } while (0)

/* fp32 state with the read/write slot masks as literals: the loads/stores unroll and
 * the loop vectorizes (a runtime slot count cost 3-6x at 2M elements). */
#define ELEM_LOOP32(fn, RM, WM)                                                           \
    do {                                                                                  \
        int64_t nn = (int64_t)n;                                                          \
        OMP_FOR_IF_BIG                                                                    \
        for (int64_t i = 0; i < nn; ++i) {                                                \
            float st[3] = {0.0f, 0.0f, 0.0f};                                             \
            for (uint64_t k = 0; k < 3; ++k)                                              \
                if (((RM) >> k) & 1u) st[k] = s32[k * n + (uint64_t)i];                   \
            fn(c, (uint64_t)i, n, p, g, st);                                              \
            for (uint64_t k = 0; k < 3; ++k)                                              \
                if ((((RM) & (WM)) >> k) & 1u) s32[k * n + (uint64_t)i] = st[k];            \
        }                                                                                 \
    } while (0)

static void cpu_elem(lowp_optim_phase ph, uint64_t n, const float *c, float *p, float *g, float *s32,
                     uint16_t *s16, uint64_t seed, uint64_t sbase)
{
    uint32_t nread, wmask;
    lowp_oe_phase_slots(ph, c, &nread, &wmask);
    if (s16 == NULL) {
        switch (ph) {
        case LOWP_OPH_SGD:
            if (nread) ELEM_LOOP32(lowp_oe_sgd, 1u, 1u); else ELEM_LOOP32(lowp_oe_sgd, 0u, 0u);
            break;
        case LOWP_OPH_ADAMW:
            if (nread == 3) ELEM_LOOP32(lowp_oe_adamw, 7u, 7u); else ELEM_LOOP32(lowp_oe_adamw, 3u, 3u);
            break;
        case LOWP_OPH_LION:         ELEM_LOOP32(lowp_oe_lion, 1u, 1u); break;
        case LOWP_OPH_LAMB_MOMENTS: ELEM_LOOP32(lowp_oe_lamb_moments, 3u, 3u); break;
        case LOWP_OPH_LAMB_APPLY:   ELEM_LOOP32(lowp_oe_lamb_apply, 3u, 0u); break;
        case LOWP_OPH_SOPHIA:       ELEM_LOOP32(lowp_oe_sophia, 3u, 1u); break;
        case LOWP_OPH_SOPHIA_HESS:  ELEM_LOOP32(lowp_oe_sophia_hess, 3u, 2u); break;
        case LOWP_OPH_SPAM:         ELEM_LOOP32(lowp_oe_spam, 3u, 3u); break;
        case LOWP_OPH_SSPAM:        ELEM_LOOP32(lowp_oe_sspam, 3u, 3u); break;
        case LOWP_OPH_SCALE_GRAD:   ELEM_LOOP32(lowp_oe_scale_grad, 0u, 0u); break;
        }
        return;
    }
    switch (ph) {
    case LOWP_OPH_SGD:          ELEM_LOOP(lowp_oe_sgd); break;
    case LOWP_OPH_ADAMW:        ELEM_LOOP(lowp_oe_adamw); break;
    case LOWP_OPH_LION:         ELEM_LOOP(lowp_oe_lion); break;
    case LOWP_OPH_LAMB_MOMENTS: ELEM_LOOP(lowp_oe_lamb_moments); break;
    case LOWP_OPH_LAMB_APPLY:   ELEM_LOOP(lowp_oe_lamb_apply); break;
    case LOWP_OPH_SOPHIA:       ELEM_LOOP(lowp_oe_sophia); break;
    case LOWP_OPH_SOPHIA_HESS:  ELEM_LOOP(lowp_oe_sophia_hess); break;
    case LOWP_OPH_SPAM:         ELEM_LOOP(lowp_oe_spam); break;
    case LOWP_OPH_SSPAM:        ELEM_LOOP(lowp_oe_sspam); break;
    case LOWP_OPH_SCALE_GRAD:   ELEM_LOOP(lowp_oe_scale_grad); break;
    }
}

/* One block [b0, b1) of reduction rd, sequential, in the reference order. */
static void block_reduce(lowp_optim_reduce rd, uint64_t b0, uint64_t b1, uint64_t n, const float *c,
                         const float *p, const float *g, const float *s32, const uint16_t *s16, double *ra,
                         double *rb)
{
    double a = 0.0, b = 0.0;
    switch (rd) {
    case LOWP_ORD_GRAD_SUMSQ:
        for (uint64_t i = b0; i < b1; ++i) a += (double)g[i] * (double)g[i];
        break;
    case LOWP_ORD_GRAD_MAXABS:
        for (uint64_t i = b0; i < b1; ++i) { double v = fabs((double)g[i]); if (v > a) a = v; }
        break;
    case LOWP_ORD_SSPAM_CLIPPED:
        for (uint64_t i = b0; i < b1; ++i) { double v = (double)lowp_oe_sspam_clip(c, g[i]); a += v * v; }
        break;
    case LOWP_ORD_LAMB_NORMS:
        for (uint64_t i = b0; i < b1; ++i) {
            float s[3];
            lowp_oe_load(s, 2, i, n, s32, s16);
            double u = (double)lowp_oe_lamb_u(c, i, n, p, s);
            a += (double)p[i] * (double)p[i];
            b += u * u;
        }
        break;
    case LOWP_ORD_NONFINITE:
        for (uint64_t i = b0; i < b1; ++i) if (!isfinite(g[i])) a += 1.0;
        break;
    }
    *ra = a;
    *rb = b;
}

static void cpu_reduce(lowp_optim_reduce rd, uint64_t n, const float *c, const float *p, const float *g,
                       const float *s, const uint16_t *s16, double out[2])
{
    const uint64_t B = LOWP_OPTIM_REDUCE_BLOCK;
    const int64_t nb = (int64_t)((n + B - 1) / B);
    double ta = 0.0, tb = 0.0;
    double *part = nb > 1 ? malloc(sizeof(double) * 2 * (size_t)nb) : NULL;
    if (part == NULL) {   /* one block, or no memory: same order sequentially */
        for (int64_t k = 0; k < nb; ++k) {
            double a, b;
            uint64_t b0 = (uint64_t)k * B, b1 = n - b0 < B ? n : b0 + B;
            block_reduce(rd, b0, b1, n, c, p, g, s, s16, &a, &b);
            if (rd == LOWP_ORD_GRAD_MAXABS) { if (a > ta) ta = a; } else { ta += a; tb += b; }
        }
    } else {
        OMP_FOR
        for (int64_t k = 0; k < nb; ++k) {
            uint64_t b0 = (uint64_t)k * B, b1 = n - b0 < B ? n : b0 + B;
            block_reduce(rd, b0, b1, n, c, p, g, s, s16, &part[2 * k], &part[2 * k + 1]);
        }
        for (int64_t k = 0; k < nb; ++k) {
            if (rd == LOWP_ORD_GRAD_MAXABS) { if (part[2 * k] > ta) ta = part[2 * k]; }
            else { ta += part[2 * k]; tb += part[2 * k + 1]; }
        }
        free(part);
    }
    out[0] = ta;
    out[1] = tb;
}

/* The shared multi-tensor loops (src/optim/optim_host.c) call these per tensor. */
static struct lowp_optim_host_kernels cpu_kernels = {cpu_elem, cpu_reduce};
static const struct lowp_optim_ops cpu_ops = {&cpu_kernels, lowp_optim_host_elem_mt, lowp_optim_host_reduce_mt, NULL, NULL};

lowp_status lowp_cpu_optim_step(const struct lowp_optim_step_desc *d, float *param, const float *grad,
                                void *state, struct lowp_optim_tensor_state *ts,
                                struct lowp_optim_global_state *gs)
{
    return lowp_optim_run_step(&cpu_ops, d, param, grad, state, ts, gs);
}

lowp_status lowp_cpu_optim_sophia_hessian(const struct lowp_optim_step_desc *d, const float *gnb_grad, void *state)
{
    return lowp_optim_run_sophia_hessian(&cpu_ops, d, gnb_grad, state);
}

lowp_status lowp_cpu_optim_clip_grad_norm(const struct lowp_optim_step_desc *d, float *grad, float max_norm,
                                          float *total_norm)
{
    return lowp_optim_run_clip_grad_norm(&cpu_ops, d, grad, max_norm, total_norm);
}
