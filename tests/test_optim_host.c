/* test_optim_host.c — host tests of the optimizers: CPU reference vs the
 * trajectories of tests/vectors/optim (PyTorch / official-code references,
 * see gen_optim.py), fast CPU vs reference (bit-exact), resets, Sophia's
 * refresh timing, LAMB exclusion, decay placement, NaN/Inf policy, odd
 * sizes, thread-count independence and argument validation.
 * Run from the repository root (or pass the vectors directory as argv[1]). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lowp/optim.h"
#include "optim_cpu.h"
#include "ref/optim_ref.h"
#include "optim_vectors.h"

static int g_pass, g_fail;
#define CHECK(cond, ...) do { if (cond) ++g_pass; else { ++g_fail; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

/* ------------------------------------------------------------ vector files */
#define MAXT OV_MAXT
static const char *g_dir = "tests/vectors/optim";
static struct ov_data g_v;
static uint32_t g_nt, g_ns, g_rows[MAXT], g_cols[MAXT];
static size_t g_total;
static float *g_init, *g_grads, *g_gnb;

static int load_grads(void)
{
    if (!ov_load(g_dir, &g_v)) return 0;
    g_nt = g_v.nt; g_ns = g_v.ns; g_total = g_v.total;
    memcpy(g_rows, g_v.rows, sizeof g_rows); memcpy(g_cols, g_v.cols, sizeof g_cols);
    g_init = g_v.init; g_grads = g_v.grads; g_gnb = g_v.gnb;
    return 1;
}

static float *load_traj(const char *name) { return ov_load_traj(g_dir, &g_v, name); }

/* ------------------------------------------------------------------ cases */
#define cases ov_cases
static void s_spam(struct lowp_optim_hparams *h) { ov_find("spam")->setup(h); }
static void s_sspam(struct lowp_optim_hparams *h) { ov_find("stable_spam")->setup(h); }
static void s_sophia(struct lowp_optim_hparams *h) { ov_find("sophia")->setup(h); }
static void s_lamb(struct lowp_optim_hparams *h) { ov_find("lamb")->setup(h); }

/* A multi-tensor problem laid out like the vectors: tensors concatenated,
 * state planar per tensor. */
struct prob {
    struct lowp_optim_hparams hp;
    struct lowp_optim_tensor t[MAXT];
    struct lowp_optim_step_desc d;
    float *param, *state;
    struct lowp_optim_tensor_state ts[MAXT];
    struct lowp_optim_global_state gs;
};

static void prob_init(struct prob *P, const struct lowp_optim_hparams *hp, uint32_t excl)
{
    memset(P, 0, sizeof *P);
    P->hp = *hp;
    uint32_t slots = 0;
    lowp_optim_state_slots(hp, &slots);
    uint64_t off = 0;
    for (uint32_t k = 0; k < g_nt; ++k) {
        struct lowp_optim_tensor *t = &P->t[k];
        t->rows = g_rows[k]; t->cols = g_cols[k]; t->numel = t->rows * t->cols;
        t->param_offset = t->grad_offset = off;
        t->state_offset = off * slots;
        if (excl & (1u << k)) t->flags = LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY | LOWP_OPTIM_TENSOR_NO_ADAPTATION;
        off += t->numel;
    }
    P->d.hp = &P->hp; P->d.tensors = P->t; P->d.n_tensors = g_nt;
    P->d.param_len = P->d.grad_len = g_total; P->d.state_len = g_total * slots;
    P->param = malloc(4 * g_total);
    memcpy(P->param, g_init, 4 * g_total);
    P->state = calloc(g_total * slots + 1, 4);
    lowp_optim_global_init(hp, &P->gs);
}

static void prob_free(struct prob *P) { free(P->param); free(P->state); }

typedef lowp_status (*step_fn)(const struct lowp_optim_step_desc *, float *, const float *, void *,
                               struct lowp_optim_tensor_state *, struct lowp_optim_global_state *);
typedef lowp_status (*hess_fn)(const struct lowp_optim_step_desc *, const float *, void *);

static lowp_status prob_step(struct prob *P, int s, step_fn step, hess_fn hess)
{
    lowp_status st = step(&P->d, P->param, g_grads + (size_t)s * g_total, P->state, P->ts, &P->gs);
    if (st == LOWP_OK && lowp_optim_sophia_refresh_due(&P->hp, &P->gs))
        st = hess(&P->d, g_gnb + (size_t)s * g_total, P->state);
    return st;
}

static void test_trajectories(void)
{
    for (size_t c = 0; c < ov_case_count; ++c) {
        const struct ov_case *tc = &cases[c];
        float *traj = load_traj(tc->name);
        CHECK(traj != NULL, "%s: cannot load vectors", tc->name);
        if (!traj) continue;
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(tc->kind, &hp);
        tc->setup(&hp);
        struct prob R, C;
        prob_init(&R, &hp, tc->excl_mask);
        prob_init(&C, &hp, tc->excl_mask);
        double worst = 0.0;
        int ok = 1, bit = 1;
        for (uint32_t s = 0; s < g_ns && ok; ++s) {
            lowp_status a = prob_step(&R, (int)s, lowp_ref_optim_step, lowp_ref_optim_sophia_hessian);
            lowp_status b = prob_step(&C, (int)s, lowp_cpu_optim_step, lowp_cpu_optim_sophia_hessian);
            if (a != LOWP_OK || b != LOWP_OK) { ok = 0; printf("  %s step %u: %s\n", tc->name, s, lowp_last_error()); break; }
            const float *want = traj + (size_t)s * g_total;
            for (size_t i = 0; i < g_total; ++i) {
                double e = fabs((double)R.param[i] - want[i]) / (fabs(want[i]) + 1e-2);
                if (!(e <= worst)) worst = e;
                if (memcmp(&R.param[i], &C.param[i], 4) != 0) bit = 0;
            }
        }
        CHECK(ok && worst <= tc->rtol, "%s: ref vs vectors worst rel err %.3g > %.1g", tc->name, worst, tc->rtol);
        CHECK(ok && bit, "%s: fast CPU differs from reference", tc->name);
        printf("  %-18s %2u steps: worst |ref-vec|/(|vec|+0.01) = %.3g (tol %.0e), cpu==ref bitwise: %s\n",
               tc->name, g_ns, worst, tc->rtol, bit ? "yes" : "NO");
        prob_free(&R); prob_free(&C); free(traj);
    }
}

static void test_clip(void)
{
    float *want = load_traj("clip");
    CHECK(want != NULL, "clip vectors missing");
    if (!want) return;
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SGD, &hp);
    struct prob P;
    prob_init(&P, &hp, 0);
    float *g = malloc(4 * g_total);
    double worst = 0.0;
    for (uint32_t s = 0; s < g_ns; ++s) {
        memcpy(g, g_grads + (size_t)s * g_total, 4 * g_total);
        float tn = 0.0f;
        CHECK(lowp_ref_optim_clip_grad_norm(&P.d, g, 2.0f, &tn) == LOWP_OK, "clip: %s", lowp_last_error());
        for (size_t i = 0; i < g_total; ++i) {
            double e = fabs((double)g[i] - want[s * g_total + i]) / (fabs(want[s * g_total + i]) + 1e-3);
            if (e > worst) worst = e;
        }
    }
    CHECK(worst < 1e-6, "clip_grad_norm vs torch: worst rel %.3g", worst);
    printf("  clip_grad_norm(2.0) vs torch: worst rel %.3g\n", worst);
    g[3] = NAN;
    float before = g[0];
    CHECK(lowp_cpu_optim_clip_grad_norm(&P.d, g, 2.0f, NULL) == LOWP_ERR_NUMERIC && g[0] == before,
          "clip with NaN under skip policy must fail and leave grads");
    free(g); free(want); prob_free(&P);
}

/* SPAM: moments reset at tau % DeltaT == 0, warmup scale right after. */
static void test_spam_reset(void)
{
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SPAM, &hp);
    s_spam(&hp);
    struct prob P;
    prob_init(&P, &hp, 0);
    for (int s = 0; s < 10; ++s) prob_step(&P, s, lowp_ref_optim_step, lowp_ref_optim_sophia_hessian);
    /* step 10 (tau = 10) reset m, v first: m = (1-b1)*g exactly (no clip: 10 % 10 < 3). */
    const float *g9 = g_grads + 9 * g_total;
    float omb1 = (float)(1.0 - (double)hp.beta1);
    int same = 1;
    for (uint64_t i = 0; i < P.t[0].numel; ++i) if (P.state[i] != 0.0f * hp.beta1 + omb1 * g9[i]) same = 0;
    CHECK(same, "SPAM: m after the reset step is not (1-b1)*g");
    /* step 9 set current = 0 (so step 10 ran with s = 0.01); step 10 made it 1 */
    CHECK(P.gs.spam_current == 1, "SPAM: warmup counter not restarted after step 9 (got %llu)",
          (unsigned long long)P.gs.spam_current);
    CHECK(P.ts[0].step == 10, "SPAM: per-tensor step must not reset (got %llu)", (unsigned long long)P.ts[0].step);
    prob_free(&P);
}

/* Stable-SPAM: code mode stores zeros and t_p = 1 at T % DeltaT == 0; paper mode keeps fresh moments. */
static void test_sspam_reset(void)
{
    for (int clean = 0; clean < 2; ++clean) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(LOWP_OPTIM_STABLE_SPAM, &hp);
        s_sspam(&hp);
        if (clean) hp.flags |= LOWP_OPTIM_FLAG_SSPAM_CLEAN_RESET;
        struct prob P;
        prob_init(&P, &hp, 0);
        for (int s = 0; s < 10; ++s) prob_step(&P, s, lowp_cpu_optim_step, lowp_cpu_optim_sophia_hessian);
        int zeros = 1;
        for (uint64_t i = 0; i < 2 * P.t[0].numel; ++i) if (P.state[i] != 0.0f) zeros = 0;
        CHECK(P.ts[0].step == 1, "Stable-SPAM: t_p must be 1 after the reset step (got %llu)", (unsigned long long)P.ts[0].step);
        CHECK(clean ? !zeros : zeros, "Stable-SPAM (%s reset): stored moments after reset step wrong", clean ? "paper" : "code");
        CHECK(P.ts[0].sspam_m_max > 0.0f, "Stable-SPAM: M must survive the reset");
        prob_free(&P);
    }
}

/* Sophia: refresh due after steps k, 2k...; h = 0 before => pure lr*sign(m) steps. */
static void test_sophia(void)
{
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SOPHIA_G, &hp);
    s_sophia(&hp);
    hp.weight_decay = 0.0f;
    struct prob P;
    prob_init(&P, &hp, 0);
    int due_ok = 1, sign_ok = 1;
    float *prev = malloc(4 * g_total);
    for (int s = 0; s < 12; ++s) {
        memcpy(prev, P.param, 4 * g_total);
        prob_step(&P, s, lowp_ref_optim_step, lowp_ref_optim_sophia_hessian);
        int due = lowp_optim_sophia_refresh_due(&hp, &P.gs);
        if (due != ((s + 1) % 5 == 0)) due_ok = 0;
        if (s < 5)
            for (size_t i = 0; i < g_total; ++i) {
                float m = P.state[P.t[0].state_offset + i];   /* tensors are contiguous: m of tensor 0 only */
                if (i >= P.t[0].numel) break;
                float want = prev[i] + (-hp.lr) * (m > 0 ? 1.0f : m < 0 ? -1.0f : 0.0f);
                if (P.param[i] != want) sign_ok = 0;
            }
    }
    CHECK(due_ok, "Sophia: refresh_due must be true exactly after steps 5, 10");
    CHECK(sign_ok, "Sophia: with h = 0 the step must be exactly lr*sign(m)");
    int hpos = 1;
    for (uint64_t i = 0; i < P.t[0].numel; ++i) if (!(P.state[P.t[0].numel + i] > 0.0f)) hpos = 0;
    CHECK(hpos, "Sophia: h must be positive after two refreshes");
    free(prev); prob_free(&P);
}

/* Decay placement: g = 0, zero state => theta*(1 - lr*wd) (SGD: theta - lr*wd*theta via the buffer). */
static void test_decay_placement(void)
{
    const lowp_optim_kind kinds[] = {LOWP_OPTIM_SGD, LOWP_OPTIM_ADAMW, LOWP_OPTIM_LION, LOWP_OPTIM_SOPHIA_G,
                                     LOWP_OPTIM_SPAM, LOWP_OPTIM_STABLE_SPAM, LOWP_OPTIM_SINKGD};
    for (size_t q = 0; q < sizeof kinds / sizeof kinds[0]; ++q) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(kinds[q], &hp);
        hp.lr = 0.1f; hp.weight_decay = 0.5f; hp.momentum = 0.9f;
        float p[6] = {1.0f, -2.0f, 0.5f, 3.0f, -0.25f, 0.0f}, g[6] = {0}, st[18] = {0};
        struct lowp_optim_tensor t = {6, 2, 3, 0, 0, 0, 0};
        struct lowp_optim_step_desc d = {&hp, &t, 1, 6, 6, 18};
        struct lowp_optim_tensor_state ts = {0};
        struct lowp_optim_global_state gs;
        lowp_optim_global_init(&hp, &gs);
        lowp_status r = lowp_ref_optim_step(&d, p, g, st, &ts, &gs);
        int ok = r == LOWP_OK;
        const float p0[6] = {1.0f, -2.0f, 0.5f, 3.0f, -0.25f, 0.0f};
        for (int i = 0; i < 6 && ok; ++i) {
            double want = (double)p0[i] * (1.0 - 0.1 * 0.5);
            if (kinds[q] == LOWP_OPTIM_SINKGD) continue;   /* g = 0 gives a zero direction; checked below */
            if (fabs(p[i] - want) > 1e-6 * fabs(want)) ok = 0;
        }
        if (kinds[q] == LOWP_OPTIM_SINKGD)
            for (int i = 0; i < 6; ++i) if (fabs(p[i] - p0[i] * 0.95) > 1e-6) ok = 0;
        CHECK(ok, "%s: decay placement with g = 0 wrong (p[0] = %.9g)", lowp_optim_kind_name(kinds[q]), p[0]);
    }
    /* SPAM decays the POST-update theta: p1 = (p - a*u) * (1 - lr*wd) with g != 0. */
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SPAM, &hp);
    hp.lr = 0.1f; hp.weight_decay = 0.5f;
    float p[1] = {2.0f}, g[1] = {1.0f}, st[2] = {0};
    struct lowp_optim_tensor t = {1, 1, 1, 0, 0, 0, 0};
    struct lowp_optim_step_desc d = {&hp, &t, 1, 1, 1, 2};
    struct lowp_optim_tensor_state ts = {0};
    struct lowp_optim_global_state gs;
    lowp_optim_global_init(&hp, &gs);
    lowp_ref_optim_step(&d, p, g, st, &ts, &gs);
    /* step 1: m = 0.1, v = 0.001; step = lr*sqrt(0.001)/0.1; u = 0.1/(sqrt(0.001)+1e-6) */
    double u = 0.1 / (sqrt(0.001) + 1e-6), stp = 0.1 * sqrt(1.0 - 0.999) / (1.0 - 0.9);
    double want = (2.0 - stp * u) * (1.0 - 0.05);
    CHECK(fabs(p[0] - want) < 1e-5, "SPAM: decay must act on the post-update theta (got %.7g want %.7g)", p[0], want);
}

/* LAMB: excluded tensor ratio 1; zero-initialised bias ratio 1 on step 1; clamp works. */
static void test_lamb(void)
{
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_LAMB, &hp);
    s_lamb(&hp);
    struct prob P;
    prob_init(&P, &hp, 0x8);   /* exclude the 1x1 tensor only */
    prob_step(&P, 0, lowp_ref_optim_step, lowp_ref_optim_sophia_hessian);
    CHECK(P.ts[3].last_ratio == 1.0f, "LAMB: excluded tensor ratio %g != 1", P.ts[3].last_ratio);
    CHECK(P.ts[1].last_ratio == 1.0f, "LAMB: zero bias (||theta|| = 0) ratio %g != 1", P.ts[1].last_ratio);
    CHECK(P.ts[0].last_ratio != 1.0f, "LAMB: adapted tensor got ratio exactly 1");
    prob_free(&P);
    hp.lamb_ratio_min = 0.5f; hp.lamb_ratio_max = 0.75f;
    prob_init(&P, &hp, 0);
    prob_step(&P, 0, lowp_ref_optim_step, lowp_ref_optim_sophia_hessian);
    CHECK(P.ts[0].last_ratio >= 0.5f && P.ts[0].last_ratio <= 0.75f, "LAMB: clamp ignored (%g)", P.ts[0].last_ratio);
    prob_free(&P);
}

/* NaN/Inf: skip leaves everything untouched; propagate lets NaN through. */
static void test_nonfinite(void)
{
    for (int kind = 0; kind < LOWP_OPTIM_KIND_COUNT; ++kind) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default((lowp_optim_kind)kind, &hp);
        hp.momentum = 0.9f;
        struct prob P;
        prob_init(&P, &hp, 0);
        prob_step(&P, 0, lowp_ref_optim_step, lowp_ref_optim_sophia_hessian);
        float *g = malloc(4 * g_total);
        memcpy(g, g_grads + g_total, 4 * g_total);
        g[g_total - 3] = kind % 2 ? INFINITY : NAN;
        uint32_t slots = 0;
        lowp_optim_state_slots(&hp, &slots);
        size_t sb = 4 * g_total * slots;
        float *p0 = malloc(4 * g_total), *s0 = malloc(sb + 4);
        memcpy(p0, P.param, 4 * g_total); memcpy(s0, P.state, sb);
        struct lowp_optim_tensor_state ts0[MAXT];
        memcpy(ts0, P.ts, sizeof ts0);
        struct lowp_optim_global_state gs0 = P.gs;
        lowp_status r = lowp_cpu_optim_step(&P.d, P.param, g, P.state, P.ts, &P.gs);
        CHECK(r == LOWP_ERR_NUMERIC && strstr(lowp_last_error(), "NaN") != NULL,
              "%s: NaN/Inf grad under skip must give LOWP_ERR_NUMERIC (got %d)", lowp_optim_kind_name(hp.kind), (int)r);
        CHECK(memcmp(p0, P.param, 4 * g_total) == 0 && memcmp(s0, P.state, sb) == 0 &&
              memcmp(ts0, P.ts, sizeof ts0) == 0 && gs0.step == P.gs.step,
              "%s: skipped step changed something", lowp_optim_kind_name(hp.kind));
        P.hp.nonfinite = LOWP_OPTIM_NONFINITE_PROPAGATE;
        r = lowp_cpu_optim_step(&P.d, P.param, g, P.state, P.ts, &P.gs);
        int bad = 0;
        for (size_t i = 0; i < g_total; ++i) bad |= !isfinite(P.param[i]);
        for (size_t i = 0; i < g_total * slots; ++i) bad |= !isfinite(P.state[i]);
        CHECK(r == LOWP_OK && bad,
              "%s: propagate policy should run and let the NaN/Inf through", lowp_optim_kind_name(hp.kind));
        free(g); free(p0); free(s0); prob_free(&P);
    }
}

/* Zero-size tensors are skipped; the 1-element tensor is in every trajectory. */
static void test_zero_size(void)
{
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_STABLE_SPAM, &hp);
    float p[3] = {1, 2, 3}, pz[3] = {1, 2, 3}, g[3] = {0.1f, -0.2f, 0.3f}, s[6] = {0}, sz[6] = {0};
    struct lowp_optim_tensor one = {3, 1, 3, 0, 0, 0, 0};
    struct lowp_optim_tensor two[2] = {{0, 0, 5, 3, 3, 6, 0}, {3, 1, 3, 0, 0, 0, 0}};
    struct lowp_optim_step_desc d1 = {&hp, &one, 1, 3, 3, 6}, d2 = {&hp, two, 2, 3, 3, 6};
    struct lowp_optim_tensor_state t1 = {0}, t2[2] = {{0}, {0}};
    struct lowp_optim_global_state g1, g2;
    lowp_optim_global_init(&hp, &g1); lowp_optim_global_init(&hp, &g2);
    CHECK(lowp_ref_optim_step(&d1, p, g, s, &t1, &g1) == LOWP_OK, "zero-size: %s", lowp_last_error());
    CHECK(lowp_ref_optim_step(&d2, pz, g, sz, t2, &g2) == LOWP_OK, "zero-size: %s", lowp_last_error());
    CHECK(memcmp(p, pz, sizeof p) == 0 && memcmp(s, sz, sizeof s) == 0, "a zero-size tensor changed the result");
    struct lowp_optim_step_desc d0 = {&hp, NULL, 0, 0, 0, 0};
    CHECK(lowp_cpu_optim_step(&d0, NULL, NULL, NULL, NULL, &g1) == LOWP_OK, "empty tensor list must be OK");
}

/* Big tensors: the fast path with 1 and 2 threads equals the reference bit for bit. */
static void test_threads(void)
{
    const lowp_optim_kind kinds[] = {LOWP_OPTIM_ADAMW, LOWP_OPTIM_LAMB, LOWP_OPTIM_STABLE_SPAM, LOWP_OPTIM_SPAM};
    const uint64_t n = 100003;
    for (size_t q = 0; q < sizeof kinds / sizeof kinds[0]; ++q) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(kinds[q], &hp);
        hp.weight_decay = 0.01f;
        float *g = malloc(4 * n), *pr = malloc(4 * n), *pc = malloc(4 * n), *sr = calloc(2 * n, 4), *sc = calloc(2 * n, 4);
        for (uint64_t i = 0; i < n; ++i) {
            g[i] = (float)sin((double)i * 0.37) * 0.1f;
            pr[i] = pc[i] = (float)cos((double)i * 0.11);
        }
        struct lowp_optim_tensor t = {n, 1, n, 0, 0, 0, 0};
        struct lowp_optim_step_desc d = {&hp, &t, 1, n, n, 2 * n};
        struct lowp_optim_tensor_state tr = {0}, tc = {0};
        struct lowp_optim_global_state gr, gc;
        lowp_optim_global_init(&hp, &gr); lowp_optim_global_init(&hp, &gc);
        for (int s = 0; s < 3; ++s) {
#ifdef _OPENMP
            omp_set_num_threads(s % 2 ? 1 : 2);
#endif
            lowp_ref_optim_step(&d, pr, g, sr, &tr, &gr);
            lowp_cpu_optim_step(&d, pc, g, sc, &tc, &gc);
        }
        CHECK(memcmp(pr, pc, 4 * n) == 0 && memcmp(sr, sc, 8 * n) == 0,
              "%s: fast CPU (1/2 threads) differs from reference on %llu elements", lowp_optim_kind_name(kinds[q]),
              (unsigned long long)n);
        free(g); free(pr); free(pc); free(sr); free(sc);
    }
}

/* Paper-variant flags and maximize change exactly what they claim. */
static void test_flags(void)
{
    struct lowp_optim_hparams hp;
    struct lowp_optim_tensor t = {1, 1, 1, 0, 0, 0, 0};
    struct lowp_optim_step_desc d = {&hp, &t, 1, 1, 1, 2};
    struct lowp_optim_tensor_state ts;
    struct lowp_optim_global_state gs;
    /* Sophia: code den = rho*bs*h + eps, paper den = max(rho*bs*h, eps). */
    for (int paper = 0; paper < 2; ++paper) {
        lowp_optim_hparams_default(LOWP_OPTIM_SOPHIA_G, &hp);
        hp.lr = 1.0f; hp.weight_decay = 0.0f; hp.beta1 = 0.5f; hp.sophia_rho = 1.0f; hp.sophia_bs = 1.0f; hp.eps = 1.0f;
        if (paper) hp.flags |= LOWP_OPTIM_FLAG_SOPHIA_PAPER_EPS;
        float p[1] = {0.0f}, g[1] = {1.0f}, st[2] = {0.0f, 2.0f};   /* m -> 0.5, h = 2 */
        memset(&ts, 0, sizeof ts); lowp_optim_global_init(&hp, &gs);
        lowp_ref_optim_step(&d, p, g, st, &ts, &gs);
        float want = paper ? -0.25f : -0.5f / 3.0f;
        CHECK(fabsf(p[0] - want) < 1e-7f, "Sophia %s eps: got %.9g want %.9g", paper ? "paper" : "code", p[0], want);
    }
    /* SPAM: eps-hat (code) vs eps on the corrected sqrt(v) (flag). */
    for (int te = 0; te < 2; ++te) {
        lowp_optim_hparams_default(LOWP_OPTIM_SPAM, &hp);
        hp.lr = 0.1f; hp.eps = 0.1f;
        if (te) hp.flags |= LOWP_OPTIM_FLAG_SPAM_TORCH_EPS;
        float p[1] = {1.0f}, g[1] = {0.5f}, st[2] = {0.0f, 0.0f};
        memset(&ts, 0, sizeof ts); lowp_optim_global_init(&hp, &gs);
        lowp_ref_optim_step(&d, p, g, st, &ts, &gs);
        double m = 0.1 * 0.5, v = (1.0 - 0.999) * 0.25, c1 = 0.1, c2 = 1.0 - 0.999;
        double want = te ? 1.0 - 0.1 / c1 * m / (sqrt(v) / sqrt(c2) + 0.1)
                         : 1.0 - 0.1 * sqrt(c2) / c1 * m / (sqrt(v) + 0.1);
        CHECK(fabs(p[0] - want) < 1e-6, "SPAM %s eps: got %.9g want %.9g", te ? "torch" : "eps-hat", p[0], want);
    }
    /* maximize == descending on -g (SGD with momentum, AdamW). */
    const lowp_optim_kind mk[2] = {LOWP_OPTIM_SGD, LOWP_OPTIM_ADAMW};
    for (int q = 0; q < 2; ++q) {
        float pa[1] = {1.0f}, pb[1] = {1.0f}, sa[2] = {0}, sb[2] = {0}, ga[1], gb[1];
        struct lowp_optim_tensor_state ta = {0}, tb = {0};
        struct lowp_optim_global_state xa, xb;
        lowp_optim_hparams_default(mk[q], &hp);
        hp.momentum = 0.9f; hp.weight_decay = 0.1f;
        struct lowp_optim_hparams hm = hp;
        hm.flags |= LOWP_OPTIM_FLAG_MAXIMIZE;
        struct lowp_optim_step_desc dm = {&hm, &t, 1, 1, 1, 2};
        lowp_optim_global_init(&hp, &xa); lowp_optim_global_init(&hp, &xb);
        for (int s = 0; s < 3; ++s) {
            ga[0] = 0.3f * (float)(s + 1); gb[0] = -ga[0];
            lowp_ref_optim_step(&d, pa, ga, sa, &ta, &xa);
            lowp_ref_optim_step(&dm, pb, gb, sb, &tb, &xb);
        }
        CHECK(pa[0] == pb[0], "%s: maximize(-g) != minimize(g)", lowp_optim_kind_name(mk[q]));
    }
}

/* SWAN: with many NS steps the direction is the polar factor (orthonormal rows
 * of the standardized gradient); SinkGD: the fixed point has row norms
 * sqrt(cols) and column norms sqrt(rows). Independent of the vector files. */
static void test_matrix_properties(void)
{
    for (int tr = 0; tr < 2; ++tr) {
        const int Rr = tr ? 8 : 4, Cc = tr ? 4 : 8, N = 32;
        float p[32] = {0}, g[32];
        for (int i = 0; i < N; ++i) g[i] = (float)sin(1.7 * i + 0.3) + 0.2f * (float)(i % 5);
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(LOWP_OPTIM_SWAN, &hp);
        hp.lr = 1.0f; hp.swan_ns_steps = 25;   /* null-space growth 1.5^K: keep K modest (docs) */ hp.flags |= LOWP_OPTIM_FLAG_SWAN_NO_RESCALE;
        struct lowp_optim_tensor t = {(uint64_t)N, (uint64_t)Rr, (uint64_t)Cc, 0, 0, 0, 0};
        struct lowp_optim_step_desc d = {&hp, &t, 1, 32, 32, 0};
        struct lowp_optim_tensor_state ts = {0};
        struct lowp_optim_global_state gs;
        lowp_optim_global_init(&hp, &gs);
        CHECK(lowp_cpu_optim_step(&d, p, g, NULL, &ts, &gs) == LOWP_OK, "SWAN: %s", lowp_last_error());
        /* dW = -p; the smaller Gram must be I (rows case) or, when columns are
         * whitened, I - 11^T/C: GradNorm centres every row, so the all-ones
         * vector is in the null space of G~ and NS leaves it at 0. */
        int m = tr ? Cc : Rr;
        double worst = 0.0;
        for (int a = 0; a < m; ++a)
            for (int b = 0; b < m; ++b) {
                double acc = 0.0;
                if (!tr) for (int j = 0; j < Cc; ++j) acc += (double)p[a * Cc + j] * p[b * Cc + j];
                else     for (int i = 0; i < Rr; ++i) acc += (double)p[i * Cc + a] * p[i * Cc + b];
                double e = fabs(acc - (a == b ? 1.0 : 0.0) + (tr ? 1.0 / Cc : 0.0));
                if (e > worst) worst = e;
            }
        CHECK(worst < 1e-4, "SWAN %dx%d: whitened direction not orthonormal (err %.3g)", Rr, Cc, worst);
    }
    {
        const int Rr = 6, Cc = 4, N = 24;
        float p[24] = {0}, g[24];
        for (int i = 0; i < N; ++i) g[i] = (float)cos(0.9 * i) * (1.0f + (float)(i % 3));
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(LOWP_OPTIM_SINKGD, &hp);
        hp.lr = 1.0f; hp.sinkgd_lr_scale = 1.0f; hp.sinkgd_iters = 200;
        struct lowp_optim_tensor t = {(uint64_t)N, (uint64_t)Rr, (uint64_t)Cc, 0, 0, 0, 0};
        struct lowp_optim_step_desc d = {&hp, &t, 1, 24, 24, 0};
        struct lowp_optim_tensor_state ts = {0};
        struct lowp_optim_global_state gs;
        lowp_optim_global_init(&hp, &gs);
        CHECK(lowp_ref_optim_step(&d, p, g, NULL, &ts, &gs) == LOWP_OK, "SinkGD: %s", lowp_last_error());
        double worst = 0.0;
        for (int i = 0; i < Rr; ++i) {
            double a = 0.0;
            for (int j = 0; j < Cc; ++j) a += (double)p[i * Cc + j] * p[i * Cc + j];
            worst = fmax(worst, fabs(sqrt(a) - 2.0));
        }
        for (int j = 0; j < Cc; ++j) {
            double a = 0.0;
            for (int i = 0; i < Rr; ++i) a += (double)p[i * Cc + j] * p[i * Cc + j];
            worst = fmax(worst, fabs(sqrt(a) - sqrt(6.0)));
        }
        CHECK(worst < 1e-4, "SinkGD: fixed point row/col norms off by %.3g", worst);
    }
}

static void expect_bad(struct lowp_optim_hparams hp, lowp_status want, const char *what)
{
    lowp_status r = lowp_optim_hparams_validate(&hp);
    CHECK(r == want && lowp_last_error()[0] != '\0', "%s: expected status %d, got %d", what, (int)want, (int)r);
}

static void test_validation(void)
{
    struct lowp_optim_hparams hp, b;
    for (int k = 0; k < LOWP_OPTIM_KIND_COUNT; ++k) {
        lowp_optim_hparams_default((lowp_optim_kind)k, &hp);
        CHECK(lowp_optim_hparams_validate(&hp) == LOWP_OK, "%s defaults rejected: %s", lowp_optim_kind_name(hp.kind), lowp_last_error());
    }
    lowp_optim_hparams_default(LOWP_OPTIM_ADAMW, &hp);
    b = hp; b.lr = -1.0f; expect_bad(b, LOWP_ERR_INVALID_ARG, "negative lr");
    b = hp; b.beta1 = 1.0f; expect_bad(b, LOWP_ERR_INVALID_ARG, "beta1 = 1");
    b = hp; b.eps = NAN; expect_bad(b, LOWP_ERR_INVALID_ARG, "NaN eps");
    b = hp; b.weight_decay = -0.1f; expect_bad(b, LOWP_ERR_INVALID_ARG, "negative wd");
    b = hp; b.state_format = (lowp_optim_state_format)7; expect_bad(b, LOWP_ERR_INVALID_ARG, "unknown state format");
    b = hp; b.kind = (lowp_optim_kind)42; expect_bad(b, LOWP_ERR_INVALID_ARG, "bad kind");
    b = hp; b.flags = 1u << 20; expect_bad(b, LOWP_ERR_INVALID_ARG, "bad flag");
    lowp_optim_hparams_default(LOWP_OPTIM_SGD, &hp);
    b = hp; b.flags |= LOWP_OPTIM_FLAG_NESTEROV; expect_bad(b, LOWP_ERR_INVALID_ARG, "nesterov without momentum");
    b.momentum = 0.9f; b.dampening = 0.1f; expect_bad(b, LOWP_ERR_INVALID_ARG, "nesterov with dampening");
    lowp_optim_hparams_default(LOWP_OPTIM_SOPHIA_G, &hp);
    b = hp; b.sophia_interval = 0; expect_bad(b, LOWP_ERR_INVALID_ARG, "sophia k = 0");
    b = hp; b.sophia_bs = 0.0f; expect_bad(b, LOWP_ERR_INVALID_ARG, "sophia bs = 0");
    lowp_optim_hparams_default(LOWP_OPTIM_LAMB, &hp);
    b = hp; b.lamb_ratio_min = 2.0f; b.lamb_ratio_max = 1.0f; expect_bad(b, LOWP_ERR_INVALID_ARG, "lamb clamp min > max");
    lowp_optim_hparams_default(LOWP_OPTIM_SPAM, &hp);
    b = hp; b.spam_reset_interval = 0; expect_bad(b, LOWP_ERR_INVALID_ARG, "spam DeltaT = 0");
    lowp_optim_hparams_default(LOWP_OPTIM_SWAN, &hp);
    b = hp; b.swan_ns_steps = 0; expect_bad(b, LOWP_ERR_INVALID_ARG, "swan ns_steps = 0");
    lowp_optim_hparams_default(LOWP_OPTIM_STABLE_SPAM, &hp);
    b = hp; b.sspam_gamma3 = 1.5f; expect_bad(b, LOWP_ERR_INVALID_ARG, "gamma3 > 1");

    /* descriptor checks */
    lowp_optim_hparams_default(LOWP_OPTIM_ADAMW, &hp);
    float p[4] = {0}, g[4] = {0}, s[8] = {0};
    struct lowp_optim_tensor t = {4, 2, 2, 0, 0, 0, 0};
    struct lowp_optim_step_desc d = {&hp, &t, 1, 4, 4, 8};
    struct lowp_optim_tensor_state ts = {0};
    struct lowp_optim_global_state gs = {0, 0};
    CHECK(lowp_ref_optim_step(&d, p, g, s, &ts, &gs) == LOWP_OK, "valid desc rejected: %s", lowp_last_error());
    t.rows = 3;
    CHECK(lowp_ref_optim_step(&d, p, g, s, &ts, &gs) == LOWP_ERR_INVALID_ARG && strstr(lowp_last_error(), "rows"),
          "rows*cols != numel must be rejected");
    t.rows = 2; d.state_len = 7;
    CHECK(lowp_ref_optim_step(&d, p, g, s, &ts, &gs) == LOWP_ERR_INVALID_ARG && strstr(lowp_last_error(), "state"),
          "short state buffer must be rejected");
    d.state_len = 8; t.param_offset = 1;
    CHECK(lowp_ref_optim_step(&d, p, g, s, &ts, &gs) == LOWP_ERR_INVALID_ARG, "param range overflow must be rejected");
    t.param_offset = 0;
    CHECK(lowp_ref_optim_step(&d, NULL, g, s, &ts, &gs) == LOWP_ERR_INVALID_ARG, "NULL param must be rejected");
    CHECK(lowp_ref_optim_step(&d, p, g, s, &ts, NULL) == LOWP_ERR_INVALID_ARG, "NULL global state must be rejected");
    CHECK(lowp_ref_optim_sophia_hessian(&d, g, s) == LOWP_ERR_INVALID_ARG, "Hessian refresh on AdamW must be rejected");
    CHECK(lowp_ref_optim_clip_grad_norm(&d, g, -1.0f, NULL) == LOWP_ERR_INVALID_ARG, "negative max_norm must be rejected");
    uint64_t bytes = 0;
    CHECK(lowp_optim_state_bytes(&hp, 10, &bytes) == LOWP_OK && bytes == 80, "AdamW state bytes for 10 = %llu", (unsigned long long)bytes);
    hp.flags |= LOWP_OPTIM_FLAG_AMSGRAD;
    CHECK(lowp_optim_state_bytes(&hp, 10, &bytes) == LOWP_OK && bytes == 120, "AdamW+amsgrad state bytes");
    /* Device scratch: the largest tensor's need (SWAN: 2N + 4m^2 + 2 rows + 4 floats). */
    struct lowp_optim_tensor two[2] = {{.numel = 40, .rows = 40, .cols = 1}, {.numel = 600, .rows = 20, .cols = 30}};
    struct lowp_optim_step_desc dw = {.hp = &hp, .tensors = two, .n_tensors = 2, .param_len = 600, .grad_len = 600};
    lowp_optim_hparams_default(LOWP_OPTIM_LION, &hp);
    dw.state_len = 600;
    CHECK(lowp_optim_workspace_bytes(&dw, &bytes) == LOWP_OK && bytes == 0, "Lion workspace = %llu", (unsigned long long)bytes);
    lowp_optim_hparams_default(LOWP_OPTIM_SWAN, &hp);
    CHECK(lowp_optim_workspace_bytes(&dw, &bytes) == LOWP_OK && bytes == 4 * (1200 + 1600 + 40 + 4),
          "SWAN workspace = %llu", (unsigned long long)bytes);
    lowp_optim_hparams_default(LOWP_OPTIM_SINKGD, &hp);
    CHECK(lowp_optim_workspace_bytes(&dw, &bytes) == LOWP_OK && bytes == 2400, "SinkGD workspace = %llu",
          (unsigned long long)bytes);
}

/* bf16 state: unbiased stochastic rounding through a real step, bit-identity
 * of fast CPU and reference, byte size. One AdamW step on N equal elements
 * with g = 1.3: m = 0.1*g and v = 0.001*g^2 are not bf16 values, so
 * each element rounds up or down at random; the mean of the stored bf16
 * values must match the fp32 value within 5 sigma. */
static void test_bf16_state(void)
{
    enum { N = 1 << 16 };
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_ADAMW, &hp);
    hp.state_format = LOWP_OPTIM_STATE_BF16_SR;
    hp.seed = 99;
    uint64_t bytes = 0;
    CHECK(lowp_optim_state_bytes(&hp, 10, &bytes) == LOWP_OK && bytes == 40, "AdamW bf16 state bytes for 10 = %llu",
          (unsigned long long)bytes);
    struct lowp_optim_tensor t = {.numel = N, .rows = 1, .cols = N};
    struct lowp_optim_step_desc d = {.hp = &hp, .tensors = &t, .n_tensors = 1, .param_len = N, .grad_len = N,
                                     .state_len = 2 * N};
    float *p = calloc(N, 4), *p2 = calloc(N, 4), *g = malloc(N * 4);
    uint16_t *s = calloc(2 * N, 2), *s2 = calloc(2 * N, 2);
    if (!p || !p2 || !g || !s || !s2) { CHECK(0, "out of memory"); goto out; }
    for (int i = 0; i < N; ++i) g[i] = 1.3f;
    struct lowp_optim_tensor_state ts = {0}, ts2 = {0};
    struct lowp_optim_global_state gs, gs2;
    lowp_optim_global_init(&hp, &gs);
    gs2 = gs;
    CHECK(lowp_ref_optim_step(&d, p, g, s, &ts, &gs) == LOWP_OK, "bf16 ref step: %s", lowp_last_error());
    CHECK(lowp_cpu_optim_step(&d, p2, g, s2, &ts2, &gs2) == LOWP_OK, "bf16 cpu step: %s", lowp_last_error());
    CHECK(memcmp(s, s2, 4 * (size_t)N) == 0 && memcmp(p, p2, 4 * (size_t)N) == 0, "bf16 state: fast CPU != reference");
    for (int slot = 0; slot < 2; ++slot) {
        float want = slot == 0 ? 0.1f * g[0] : (0.001f * g[0]) * g[0];
        double sum = 0.0, lo = 1e30, hi = -1e30;
        for (int i = 0; i < N; ++i) {
            uint32_t u = (uint32_t)s[slot * N + i] << 16;
            float x;
            memcpy(&x, &u, 4);
            sum += x, lo = x < lo ? x : lo, hi = x > hi ? x : hi;
        }
        double mean = sum / N, ulp = hi - lo, pu = ulp > 0 ? ((double)want - lo) / ulp : 0.0;
        double sigma = ulp * sqrt(pu * (1.0 - pu) / N);
        CHECK(ulp > 0 && fabs(mean - want) <= 5.0 * sigma + 1e-12,
              "bf16 SR slot %d: mean %.9g vs %.9g (5 sigma = %.3g)", slot, mean, (double)want, 5.0 * sigma);
        printf("  bf16 SR slot %d: mean of %d stored values %.9g, fp32 value %.9g, |d|/sigma = %.2f\n", slot, N,
               mean, (double)want, sigma > 0 ? fabs(mean - want) / sigma : 0.0);
    }
out:
    free(p), free(p2), free(g), free(s), free(s2);
}

int main(int argc, char **argv)
{
    if (argc > 1) g_dir = argv[1];
    if (!load_grads()) {
        printf("cannot load %s/grads.bin\n0 passed, 1 failed\n", g_dir);
        return 1;
    }
    test_trajectories();
    test_clip();
    test_spam_reset();
    test_sspam_reset();
    test_sophia();
    test_decay_placement();
    test_lamb();
    test_nonfinite();
    test_zero_size();
    test_threads();
    test_flags();
    test_matrix_properties();
    test_validation();
    test_bf16_state();
    ov_free(&g_v);
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
