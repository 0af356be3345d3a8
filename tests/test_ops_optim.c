/* test_ops_optim.c — rows of the portability matrix for lowp/optim.h: every
 * optimizer on every device against the scalar CPU reference
 * (backends/cpu/ref/optim_ref.c), the reference trajectories of
 * tests/vectors/optim replayed on the device, and the error contract
 * (bad hyperparameters, NaN/Inf policy, zero-size tensors).
 *
 * Tolerances (measured on PoCL 3.1 and rusticl/llvmpipe, docs/optimizers.md §8):
 *   - CPU backend: bit-exact for everything (same code as the reference).
 *   - OpenCL on CPU devices: bit-exact for every elementwise optimizer;
 *     LAMB and Stable-SPAM use float device reductions (the reference sums
 *     in double), so TOL_REDUCE; so does SinkGD (device kernels with float
 *     row/column norms). SWAN runs fp32 device kernels (Gram matrix +
 *     Newton-Schulz) against the double host code: TOL_SWAN.
 *   - OpenCL GPUs (not measured yet): the kernels are built with
 *     -cl-fp32-correctly-rounded-divide-sqrt where offered, so they should be
 *     exact too; TOL_GPU is declared for devices whose / and sqrt are not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "optim_vectors.h"
#include "ref/optim_ref.h"
#include "test_ops.h"

#ifndef LOWP_OPTIM_VECTORS
#define LOWP_OPTIM_VECTORS "tests/vectors/optim"
#endif

/* measured worst |d|/(|ref|+0.01) = 9.8e-7 after 10 steps on PoCL and rusticl; 2x margin */
#define TOL_REDUCE ((struct th_tol){2e-8, 2e-6})
#define TOL_GPU ((struct th_tol){1e-9, 1e-5})
#define MAXT 12

static int uses_reduction(lowp_optim_kind k) { return k == LOWP_OPTIM_LAMB || k == LOWP_OPTIM_STABLE_SPAM; }
/* SinkGD on OpenCL: float row/column norms (the CPU uses double). */
static int float_matrix(lowp_optim_kind k) { return k == LOWP_OPTIM_SINKGD; }
/* SWAN on OpenCL: fp32 Newton-Schulz against the host's double code. Full-rank
 * Gram matrices give ulp-level dW; rank-deficient ones (square, rows > cols)
 * amplify rounding in the Gram null space by (3*beta)^K (docs/optimizers.md
 * §2.3, §8). Measured worst |d|/(|ref|+0.01) = 2.8e-5 after 10 steps (mixed
 * problem, PoCL and rusticl), 1.2e-5 after 24 steps against the vectors;
 * about 4x margin. */
#define TOL_SWAN ((struct th_tol){1e-6, 1e-4})
#define SWAN_DEVICE_VEC_RTOL 1e-4

static struct th_tol tol_for(lowp_context *ctx, lowp_optim_kind kind)
{
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    if (info.backend == LOWP_BACKEND_CPU)
        return TH_EXACT;
    if (kind == LOWP_OPTIM_SWAN)
        return TOL_SWAN;
    if (uses_reduction(kind) || float_matrix(kind))
        return TOL_REDUCE;
    if (info.kind == LOWP_DEVICE_KIND_GPU && kind != LOWP_OPTIM_SGD && kind != LOWP_OPTIM_LION)
        return TOL_GPU;
    return TH_EXACT;
}

/* A multi-tensor problem held twice: host arrays for the reference and
 * guarded device buffers. Tensor k's params start at TH_GUARD + (elements
 * before it); the state is planar per tensor in the same order. */
struct dprob {
    struct lowp_optim_hparams hp;
    struct lowp_optim_tensor t[MAXT];
    struct lowp_optim_step_desc d;
    size_t total;
    uint32_t slots;
    float *p, *g, *s; /* reference copies, indexed like the device buffers */
    struct lowp_optim_tensor_state ts[MAXT], dts[MAXT];
    struct lowp_optim_global_state gs, dgs;
    lowp_buffer *bp, *bg, *bs;
    lowp_context *ctx;
};

static void dp_free(struct dprob *P)
{
    free(P->p), free(P->g), free(P->s);
    lowp_buffer_free(P->bp), lowp_buffer_free(P->bg), lowp_buffer_free(P->bs);
    memset(P, 0, sizeof *P);
}

/* shapes[k] = {rows, cols}; init = initial params (total floats) or NULL for random. */
static int dp_init(struct th *t, lowp_context *ctx, struct dprob *P, const struct lowp_optim_hparams *hp,
                   const uint32_t (*shapes)[2], size_t nt, uint32_t excl, const float *init)
{
    memset(P, 0, sizeof *P);
    if (nt > MAXT) {
        th_check(t, 0, "dp_init: %zu tensors, at most %d", nt, MAXT);
        return 0;
    }
    P->ctx = ctx;
    P->hp = *hp;
    lowp_optim_state_slots(hp, &P->slots);
    size_t off = 0;
    for (size_t k = 0; k < nt; ++k) {
        struct lowp_optim_tensor *x = &P->t[k];
        x->rows = shapes[k][0];
        x->cols = shapes[k][1];
        x->numel = x->rows * x->cols;
        x->param_offset = x->grad_offset = TH_GUARD + off;
        x->state_offset = TH_GUARD + off * P->slots;
        if (excl & (1u << k))
            x->flags = LOWP_OPTIM_TENSOR_NO_WEIGHT_DECAY | LOWP_OPTIM_TENSOR_NO_ADAPTATION;
        off += x->numel;
    }
    P->total = off;
    P->d = (struct lowp_optim_step_desc){.hp = &P->hp, .tensors = P->t, .n_tensors = nt,
                                         .param_len = TH_GUARD + off, .grad_len = TH_GUARD + off,
                                         .state_len = P->slots ? TH_GUARD + off * P->slots : 0};
    size_t ns = TH_GUARD + off * P->slots + 1;
    P->p = calloc(TH_GUARD + off + 1, sizeof(float));
    P->g = calloc(TH_GUARD + off + 1, sizeof(float));
    P->s = calloc(ns, sizeof(float));
    if (!P->p || !P->g || !P->s) {
        th_check(t, 0, "out of host memory");
        return 0;
    }
    if (init)
        memcpy(P->p + TH_GUARD, init, off * sizeof(float));
    else
        th_fill_uniform(P->p + TH_GUARD, off, -1.0f, 1.0f, 77 + off);
    lowp_optim_global_init(hp, &P->gs);
    P->dgs = P->gs;
    if (!th_ok(t, th_guarded_alloc(ctx, off, sizeof(float), &P->bp), "alloc param") ||
        !th_ok(t, th_guarded_alloc(ctx, off, sizeof(float), &P->bg), "alloc grad") ||
        !th_ok(t, lowp_buffer_write(P->bp, TH_GUARD * 4, P->p + TH_GUARD, off * 4), "write param"))
        return 0;
    if (P->slots != 0 &&
        (!th_ok(t, th_guarded_alloc(ctx, off * P->slots, sizeof(float), &P->bs), "alloc state") ||
         !th_ok(t, lowp_buffer_write(P->bs, TH_GUARD * 4, P->s + TH_GUARD, off * P->slots * 4), "write state")))
        return 0;
    return 1;
}

static int dp_set_grad(struct th *t, struct dprob *P, const float *g)
{
    memcpy(P->g + TH_GUARD, g, P->total * sizeof(float));
    return th_ok(t, lowp_buffer_write(P->bg, TH_GUARD * 4, g, P->total * 4), "write grad");
}

/* Random gradients with a spike (x100) in some elements on spike steps. */
static void make_grad(float *g, size_t n, int step)
{
    th_fill_uniform(g, n, -1.0f, 1.0f, 1000 + (uint64_t)step);
    if (step % 5 == 3)
        for (size_t i = 0; i < n; i += 97)
            g[i] *= 100.0f;
}

/* Worst |got - ref| / (|ref| + 0.01) seen by dp_compare (the vectors' metric), for the log. */
static double g_worst;

static void note_worst(const float *got, const float *ref, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        double e = fabs((double)got[i] - (double)ref[i]) / (fabs((double)ref[i]) + 1e-2);
        if (e > g_worst)
            g_worst = e;
    }
}

/* Device params, state and scalar state vs the reference. */
static int dp_compare(struct th *t, struct dprob *P, struct th_tol tol, const char *what)
{
    char w[160];
    int ok = 1;
    float *got = malloc((P->total * (P->slots > 0 ? P->slots : 1) + 1) * sizeof(float));
    snprintf(w, sizeof w, "%s: param", what);
    ok = got && th_guarded_read(t, w, P->bp, P->total, 4, got);
    if (ok)
        note_worst(got, P->p + TH_GUARD, P->total);
    ok = ok && th_compare_f32(t, w, got, P->p + TH_GUARD, P->total, tol);
    if (ok && P->slots) {
        snprintf(w, sizeof w, "%s: state", what);
        ok = th_guarded_read(t, w, P->bs, P->total * P->slots, 4, got);
        if (ok)
            note_worst(got, P->s + TH_GUARD, P->total * P->slots);
        ok = ok && th_compare_f32(t, w, got, P->s + TH_GUARD, P->total * P->slots, tol);
    }
    free(got);
    if (!ok)
        return 0;
    for (size_t k = 0; k < P->d.n_tensors; ++k) {
        const struct lowp_optim_tensor_state *a = &P->dts[k], *b = &P->ts[k];
        float fa[4] = {a->sspam_m_max, a->sspam_m_norm, a->sspam_v_norm, a->last_ratio};
        float fb[4] = {b->sspam_m_max, b->sspam_m_norm, b->sspam_v_norm, b->last_ratio};
        snprintf(w, sizeof w, "%s: tensor %zu scalar state", what, k);
        if (a->step != b->step) {
            th_check(t, 0, "%s: tensor %zu step %llu, reference %llu", what, k, (unsigned long long)a->step,
                     (unsigned long long)b->step);
            return 0;
        }
        if (!th_compare_f32(t, w, fa, fb, 4, tol))
            return 0;
    }
    th_check(t, P->dgs.step == P->gs.step && P->dgs.spam_current == P->gs.spam_current, "%s: global state", what);
    return 1;
}

/* One step on both sides (plus the Sophia refresh when due). */
static int dp_step(struct th *t, struct dprob *P, const float *gnb)
{
    lowp_status a = lowp_ref_optim_step(&P->d, P->p, P->g, P->s, P->ts, &P->gs);
    lowp_status b = lowp_optim_step(P->ctx, &P->d, P->bp, P->bg, P->bs, P->dts, &P->dgs);
    if (!th_ok(t, a, "reference step") || !th_ok(t, b, "lowp_optim_step"))
        return 0;
    if (lowp_optim_sophia_refresh_due(&P->hp, &P->gs)) {
        if (!dp_set_grad(t, P, gnb))
            return 0;
        a = lowp_ref_optim_sophia_hessian(&P->d, P->g, P->s);
        b = lowp_optim_sophia_hessian(P->ctx, &P->d, P->bg, P->bs);
        if (!th_ok(t, a, "reference Hessian") || !th_ok(t, b, "lowp_optim_sophia_hessian"))
            return 0;
    }
    return 1;
}

/* Shapes: multi-chunk, odd, zero-size, 1-element; 2-D for SWAN/SinkGD. */
static const uint32_t mixed_shapes[][2] = {{100, 100}, {1, 7}, {17, 241}, {0, 5}, {1, 1}, {20, 15}};
#define NMIXED (sizeof mixed_shapes / sizeof mixed_shapes[0])

/* Every trajectory case's hyperparameters on the mixed problem, 10 steps
 * (SPAM / Stable-SPAM resets, Sophia refreshes and spikes all happen). */
static void test_vs_reference(struct th *t, lowp_context *ctx)
{
    for (size_t c = 0; c < ov_case_count; ++c) {
        const struct ov_case *oc = &ov_cases[c];
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(oc->kind, &hp);
        oc->setup(&hp);
        struct dprob P;
        struct th_tol tol = tol_for(ctx, oc->kind);
        if (!dp_init(t, ctx, &P, &hp, mixed_shapes, NMIXED, oc->excl_mask ? 0x12 : 0, NULL)) {
            dp_free(&P);
            continue;
        }
        float *g = malloc(P.total * sizeof *g), *gnb = malloc(P.total * sizeof *gnb);
        g_worst = 0.0;
        for (int s = 0; s < 10 && g && gnb; ++s) {
            make_grad(g, P.total, s);
            th_fill_uniform(gnb, P.total, -0.5f, 0.5f, 5000 + (uint64_t)s);
            char what[96];
            snprintf(what, sizeof what, "%s step %d", oc->name, s + 1);
            if (!dp_set_grad(t, &P, g) || !dp_step(t, &P, gnb) || !dp_compare(t, &P, tol, what))
                break;
        }
        if (tol.atol != 0.0 || tol.rtol != 0.0)
            printf("     %s: worst |device-ref|/(|ref|+0.01) over 10 steps = %.3g\n", oc->name, g_worst);
        free(g), free(gnb);
        dp_free(&P);
    }
}

/* The reference trajectories (PyTorch / official code) replayed on the device. */
static void test_trajectories(struct th *t, lowp_context *ctx)
{
    struct ov_data v;
    if (!ov_load(LOWP_OPTIM_VECTORS, &v)) {
        th_check(t, 0, "cannot load %s/grads.bin", LOWP_OPTIM_VECTORS);
        return;
    }
    uint32_t shapes[OV_MAXT][2];
    for (uint32_t k = 0; k < v.nt; ++k)
        shapes[k][0] = v.rows[k], shapes[k][1] = v.cols[k];
    float *got = malloc(v.total * sizeof *got);
    for (size_t c = 0; c < ov_case_count && got; ++c) {
        const struct ov_case *oc = &ov_cases[c];
        float *want = ov_load_traj(LOWP_OPTIM_VECTORS, &v, oc->name);
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(oc->kind, &hp);
        oc->setup(&hp);
        struct dprob P;
        double worst = 0.0;
        int ok = want != NULL && dp_init(t, ctx, &P, &hp, (const uint32_t(*)[2])shapes, v.nt, oc->excl_mask, v.init);
        for (uint32_t s = 0; s < v.ns && ok; ++s) {
            ok = dp_set_grad(t, &P, v.grads + (size_t)s * v.total) && dp_step(t, &P, v.gnb + (size_t)s * v.total) &&
                 th_guarded_read(t, oc->name, P.bp, v.total, 4, got);
            for (size_t i = 0; i < v.total && ok; ++i) {
                double w = want[(size_t)s * v.total + i], e = fabs((double)got[i] - w) / (fabs(w) + 1e-2);
                if (!(e <= worst))
                    worst = e;
            }
        }
        double rtol = oc->rtol;
        if (oc->kind == LOWP_OPTIM_SWAN && tol_for(ctx, oc->kind).rtol != 0.0)
            rtol = SWAN_DEVICE_VEC_RTOL; /* fp32 device Newton-Schulz (TOL_SWAN) */
        th_check(t, ok && worst <= rtol, "%s: device vs vectors worst rel err %.3g (tol %.0e)%s", oc->name, worst,
                 rtol, want ? "" : ", vectors missing");
        free(want);
        if (want)
            dp_free(&P);
    }
    /* clip_grad_norm_(max_norm = 2) of every step's gradients. */
    float *want = ov_load_traj(LOWP_OPTIM_VECTORS, &v, "clip");
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SGD, &hp);
    struct dprob P;
    double worst = 0.0;
    int ok = want && got && dp_init(t, ctx, &P, &hp, (const uint32_t(*)[2])shapes, v.nt, 0, v.init);
    for (uint32_t s = 0; s < v.ns && ok; ++s) {
        float tn = 0.0f;
        ok = dp_set_grad(t, &P, v.grads + (size_t)s * v.total) &&
             th_ok(t, lowp_optim_clip_grad_norm(ctx, &P.d, P.bg, 2.0f, &tn), "clip") &&
             th_guarded_read(t, "clip", P.bg, v.total, 4, got);
        for (size_t i = 0; i < v.total && ok; ++i) {
            double w = want[(size_t)s * v.total + i], e = fabs((double)got[i] - w) / (fabs(w) + 1e-3);
            if (e > worst)
                worst = e;
        }
    }
    th_check(t, ok && worst < 1e-6, "clip_grad_norm vs torch: worst rel %.3g", worst);
    if (want && got)
        dp_free(&P);
    free(want);
    free(got);
    ov_free(&v);
}

/* Clip and the Sophia refresh on the mixed problem vs the reference. */
static void test_clip_hessian(struct th *t, lowp_context *ctx)
{
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SOPHIA_G, &hp);
    struct dprob P;
    if (!dp_init(t, ctx, &P, &hp, mixed_shapes, NMIXED, 0, NULL)) {
        dp_free(&P);
        return;
    }
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    /* Float device reductions: the norm, and so the scale, differ by ~1e-7. */
    struct th_tol tol = info.backend == LOWP_BACKEND_CPU ? TH_EXACT : (struct th_tol){0.0, 1e-6};
    float *g = malloc(P.total * sizeof *g), *got = malloc(P.total * sizeof *got);
    const float norms[] = {5.0f, 1e6f};   /* clipping, and not */
    for (int q = 0; q < 2 && g && got; ++q) {
        make_grad(g, P.total, 3);
        float tref = 0.0f, tdev = 0.0f;
        if (!dp_set_grad(t, &P, g) || !th_ok(t, lowp_ref_optim_clip_grad_norm(&P.d, P.g, norms[q], &tref), "ref clip") ||
            !th_ok(t, lowp_optim_clip_grad_norm(ctx, &P.d, P.bg, norms[q], &tdev), "lowp_optim_clip_grad_norm"))
            break;
        th_compare_f32(t, "clip total norm", &tdev, &tref, 1, tol);
        if (th_guarded_read(t, "clip", P.bg, P.total, 4, got)) {
            g_worst = 0.0;
            note_worst(got, P.g + TH_GUARD, P.total);
            if (q == 0 && info.backend != LOWP_BACKEND_CPU)
                printf("     clip: norm %.9g vs %.9g (rel %.3g), grads worst |d|/(|ref|+0.01) %.3g\n", tdev, tref,
                       fabs((double)tdev - tref) / tref, g_worst);
            th_compare_f32(t, q == 0 ? "clipped grads" : "unclipped grads", got, P.g + TH_GUARD, P.total,
                           q == 0 ? tol : TH_EXACT);
        }
    }
    for (int s = 0; s < 2 && g; ++s) {   /* h <- b2*h + (1-b2)*g^2: elementwise, exact */
        make_grad(g, P.total, s);
        if (!dp_set_grad(t, &P, g) || !th_ok(t, lowp_ref_optim_sophia_hessian(&P.d, P.g, P.s), "ref Hessian") ||
            !th_ok(t, lowp_optim_sophia_hessian(ctx, &P.d, P.bg, P.bs), "lowp_optim_sophia_hessian"))
            break;
        dp_compare(t, &P, tol_for(ctx, LOWP_OPTIM_SOPHIA_G), "Sophia Hessian refresh");
    }
    free(g), free(got);
    dp_free(&P);
}

/* Rejections must name the problem, return INVALID_ARG / UNSUPPORTED and change nothing. */
static void test_bad_args(struct th *t, lowp_context *ctx)
{
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_ADAMW, &hp);
    struct dprob P;
    if (!dp_init(t, ctx, &P, &hp, mixed_shapes, NMIXED, 0, NULL)) {
        dp_free(&P);
        return;
    }
    float *g = malloc(P.total * sizeof *g);
    make_grad(g, P.total, 0);
    dp_set_grad(t, &P, g);
    struct {
        const char *what;
        void (*edit)(struct lowp_optim_hparams *);
        lowp_status want;
    } bad[] = {
        {"lr < 0", NULL, LOWP_ERR_INVALID_ARG},  {"beta1 = 1", NULL, LOWP_ERR_INVALID_ARG},
        {"eps NaN", NULL, LOWP_ERR_INVALID_ARG}, {"weight_decay Inf", NULL, LOWP_ERR_INVALID_ARG},
        {"unknown kind", NULL, LOWP_ERR_INVALID_ARG}, {"unknown state format", NULL, LOWP_ERR_INVALID_ARG},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        P.hp = hp;
        switch (i) {
        case 0: P.hp.lr = -1e-3f; break;
        case 1: P.hp.beta1 = 1.0f; break;
        case 2: P.hp.eps = NAN; break;
        case 3: P.hp.weight_decay = INFINITY; break;
        case 4: P.hp.kind = (lowp_optim_kind)99; break;
        default: P.hp.state_format = (lowp_optim_state_format)7; break;
        }
        lowp_status s = lowp_optim_step(ctx, &P.d, P.bp, P.bg, P.bs, P.dts, &P.dgs);
        th_check(t, s == bad[i].want && strlen(lowp_last_error()) > 0, "%s: got %s (%s)", bad[i].what,
                 lowp_status_name(s), lowp_last_error());
    }
    P.hp = hp;
    lowp_buffer *small = NULL;
    th_ok(t, lowp_buffer_alloc(ctx, 64, &small), "alloc");
    th_check(t, lowp_optim_step(ctx, &P.d, small, P.bg, P.bs, P.dts, &P.dgs) == LOWP_ERR_INVALID_ARG,
             "param buffer smaller than param_len must be rejected");
    th_check(t, lowp_optim_step(ctx, &P.d, P.bp, P.bg, NULL, P.dts, &P.dgs) == LOWP_ERR_INVALID_ARG,
             "NULL state with state_len > 0 must be rejected");
    th_check(t, lowp_optim_step(ctx, &P.d, P.bp, P.bg, P.bs, NULL, &P.dgs) == LOWP_ERR_INVALID_ARG,
             "NULL tensor_states must be rejected");
    th_check(t, lowp_optim_step(ctx, &P.d, P.bp, P.bg, P.bs, P.dts, NULL) == LOWP_ERR_INVALID_ARG,
             "NULL global_state must be rejected");
    th_check(t, lowp_optim_step(ctx, NULL, P.bp, P.bg, P.bs, P.dts, &P.dgs) == LOWP_ERR_INVALID_ARG,
             "NULL desc must be rejected");
    P.t[2].param_offset = P.d.param_len; /* range past param_len */
    th_check(t, lowp_optim_step(ctx, &P.d, P.bp, P.bg, P.bs, P.dts, &P.dgs) == LOWP_ERR_INVALID_ARG,
             "tensor range past param_len must be rejected");
    P.t[2].param_offset = P.t[2].grad_offset;
    P.t[0].rows = 3; /* rows*cols != numel */
    th_check(t, lowp_optim_step(ctx, &P.d, P.bp, P.bg, P.bs, P.dts, &P.dgs) == LOWP_ERR_INVALID_ARG,
             "rows*cols != numel must be rejected");
    P.t[0].rows = 100;
    lowp_context *other = NULL;
    lowp_buffer *foreign = NULL;
    if (th_ok(t, lowp_context_open("cpu", &other), "open cpu") &&
        th_ok(t, lowp_buffer_alloc(other, (P.total + 2 * TH_GUARD) * 4, &foreign), "alloc"))
        th_check(t, lowp_optim_step(ctx, &P.d, foreign, P.bg, P.bs, P.dts, &P.dgs) == LOWP_ERR_INVALID_ARG,
                 "a buffer of another context must be rejected");
    lowp_buffer_free(foreign);
    lowp_context_close(other);
    th_check(t, lowp_optim_sophia_hessian(ctx, &P.d, P.bg, P.bs) == LOWP_ERR_INVALID_ARG,
             "Hessian refresh for AdamW must be rejected");
    th_check(t, lowp_optim_clip_grad_norm(ctx, &P.d, P.bg, 0.0f, NULL) == LOWP_ERR_INVALID_ARG,
             "max_norm 0 must be rejected");
    th_check(t, lowp_optim_clip_grad_norm(ctx, &P.d, P.bg, NAN, NULL) == LOWP_ERR_INVALID_ARG,
             "max_norm NaN must be rejected");
    lowp_buffer_free(small);
    /* Nothing changed: device == untouched reference, counters at 0. */
    dp_compare(t, &P, TH_EXACT, "after rejected calls");
    free(g);
    dp_free(&P);
}

/* Skip policy: a NaN/Inf gradient changes nothing and returns NUMERIC, for
 * every optimizer; propagate policy: NaN/Inf flow like in the reference. */
static void test_nonfinite(struct th *t, lowp_context *ctx)
{
    for (int kind = 0; kind < LOWP_OPTIM_KIND_COUNT; ++kind) {
        for (int policy = 0; policy < 2; ++policy) {
            struct lowp_optim_hparams hp;
            lowp_optim_hparams_default((lowp_optim_kind)kind, &hp);
            hp.nonfinite = policy ? LOWP_OPTIM_NONFINITE_PROPAGATE : LOWP_OPTIM_NONFINITE_SKIP;
            if (kind == LOWP_OPTIM_SGD)
                hp.momentum = 0.9f;
            struct dprob P;
            /* One clean step first, so state and counters are not all zero. */
            float *g = malloc(sizeof(float) * 20000); /* > the mixed problem's 14405 elements */
            int ok = g && dp_init(t, ctx, &P, &hp, mixed_shapes, NMIXED, 0, NULL);
            if (ok) {
                make_grad(g, P.total, 1);
                ok = dp_set_grad(t, &P, g) && dp_step(t, &P, g);
            }
            if (ok) {
                g[10117] = NAN;       /* tensor 2 */
                g[5] = -INFINITY;     /* tensor 0 */
                ok = dp_set_grad(t, &P, g);
            }
            if (ok && policy == 0) {
                lowp_status s = lowp_optim_step(ctx, &P.d, P.bp, P.bg, P.bs, P.dts, &P.dgs);
                th_check(t, s == LOWP_ERR_NUMERIC, "%s skip policy: NaN gradient gave %s", lowp_optim_kind_name(hp.kind),
                         lowp_status_name(s));
                dp_compare(t, &P, tol_for(ctx, hp.kind), "after a skipped step");
                if (kind == LOWP_OPTIM_SOPHIA_G)
                    th_check(t, lowp_optim_sophia_hessian(ctx, &P.d, P.bg, P.bs) == LOWP_ERR_NUMERIC,
                             "Sophia refresh with a NaN GNB gradient must be skipped");
                if (kind == LOWP_OPTIM_SGD)
                    th_check(t, lowp_optim_clip_grad_norm(ctx, &P.d, P.bg, 1.0f, NULL) == LOWP_ERR_NUMERIC,
                             "clip with a NaN gradient must be skipped");
                dp_compare(t, &P, tol_for(ctx, hp.kind), "after skipped refresh / clip");
            } else if (ok && kind != LOWP_OPTIM_SWAN && kind != LOWP_OPTIM_SINKGD) {
                /* (SWAN/SinkGD spread a NaN through whole rows and matrices; not compared.) */
                char what[64];
                snprintf(what, sizeof what, "%s propagate", lowp_optim_kind_name(hp.kind));
                if (dp_step(t, &P, g))
                    dp_compare(t, &P, tol_for(ctx, hp.kind), what);
            }
            free(g);
            dp_free(&P);
        }
    }
}

/* Zero-size tensors and empty lists are no-ops that still count steps. */
static void test_zero_size(struct th *t, lowp_context *ctx)
{
    const uint32_t zero[][2] = {{0, 0}, {0, 7}, {3, 0}};
    for (int kind = 0; kind < LOWP_OPTIM_KIND_COUNT; ++kind) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default((lowp_optim_kind)kind, &hp);
        for (size_t nt = 0; nt <= 3; nt += 3) {
            struct dprob P;
            if (dp_init(t, ctx, &P, &hp, zero, nt, 0, NULL)) {
                float dummy = 0.0f;
                for (int s = 0; s < 2; ++s)
                    if (!dp_step(t, &P, &dummy))
                        break;
                dp_compare(t, &P, TH_EXACT, nt ? "three zero-size tensors" : "empty list");
                th_check(t, P.dgs.step == 2 && (nt == 0 || P.dts[2].step == 2), "%s: steps counted",
                         lowp_optim_kind_name(hp.kind));
                float tn = -1.0f;
                th_check(t, lowp_optim_clip_grad_norm(ctx, &P.d, P.bg, 1.0f, &tn) == LOWP_OK && tn == 0.0f,
                         "clip of zero-size tensors gives 0");
            }
            dp_free(&P);
        }
    }
}

/* bf16 state with stochastic rounding: the device's params and raw bf16
 * state vs the reference (bit-exact except where float device reductions
 * feed the update: LAMB, Stable-SPAM on OpenCL), and the trajectory vs fp32
 * state (documented bound: worst |bf16 - fp32|/(|fp32| + 0.01) < 0.02 after
 * 8 steps). */
static void test_bf16_state(struct th *t, lowp_context *ctx)
{
    static const lowp_optim_kind kinds[] = {LOWP_OPTIM_SGD, LOWP_OPTIM_ADAMW, LOWP_OPTIM_LION, LOWP_OPTIM_LAMB,
                                            LOWP_OPTIM_SOPHIA_G, LOWP_OPTIM_SPAM, LOWP_OPTIM_STABLE_SPAM};
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    for (size_t q = 0; q < sizeof kinds / sizeof kinds[0]; ++q) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(kinds[q], &hp);
        if (kinds[q] == LOWP_OPTIM_SGD) hp.momentum = 0.9f;
        if (kinds[q] == LOWP_OPTIM_SOPHIA_G) hp.sophia_interval = 3;
        hp.state_format = LOWP_OPTIM_STATE_BF16_SR;
        hp.seed = 1234;
        struct dprob P; /* fp32 twin: P.p/P.s run with fp32 state as the trajectory baseline */
        if (!dp_init(t, ctx, &P, &hp, mixed_shapes, NMIXED, 0, NULL)) { dp_free(&P); continue; }
        size_t ns = P.total * P.slots;
        uint16_t *s16 = calloc(TH_GUARD + ns + 1, 2), *dev16 = calloc(ns + 1, 2);
        float *p16 = malloc((TH_GUARD + P.total + 1) * 4), *got = malloc((P.total + 1) * 4);
        float *g = malloc(P.total * 4);
        struct lowp_optim_tensor_state ts16[MAXT];
        struct lowp_optim_global_state gs16 = P.gs;
        memset(ts16, 0, sizeof ts16);
        lowp_buffer *b16 = NULL;
        int ok = s16 && dev16 && p16 && got && g &&
                 th_ok(t, th_guarded_alloc(ctx, ns, 2, &b16), "alloc bf16 state") &&
                 th_ok(t, lowp_buffer_write(b16, TH_GUARD * 2, s16 + TH_GUARD, ns * 2), "zero bf16 state");
        if (ok) memcpy(p16, P.p, (TH_GUARD + P.total) * 4);
        struct lowp_optim_hparams hp32 = hp;
        hp32.state_format = LOWP_OPTIM_STATE_FP32;
        struct lowp_optim_step_desc d32 = P.d, d16 = P.d;
        d32.hp = &hp32;
        d16.hp = &P.hp;
        d16.state_len = P.d.state_len; /* elements: same count, half the bytes */
        const int inexact = info.backend != LOWP_BACKEND_CPU && uses_reduction(kinds[q]);
        /* A flipped SR decision in m or v moves theta by ~lr * 2^-8 * |update|. */
        struct th_tol ptol = inexact ? (struct th_tol){2e-5, 1e-3} : TH_EXACT;
        char w[96];
        for (int s = 0; s < 8 && ok; ++s) {
            make_grad(g, P.total, s);
            ok = dp_set_grad(t, &P, g) &&
                 th_ok(t, lowp_ref_optim_step(&d32, P.p, P.g, P.s, P.ts, &P.gs), "fp32 ref step") &&
                 th_ok(t, lowp_ref_optim_step(&d16, p16, P.g, s16, ts16, &gs16), "bf16 ref step") &&
                 th_ok(t, lowp_optim_step(ctx, &d16, P.bp, P.bg, b16, P.dts, &P.dgs), "bf16 device step");
            if (ok && lowp_optim_sophia_refresh_due(&P.hp, &gs16))
                ok = th_ok(t, lowp_ref_optim_sophia_hessian(&d16, P.g, s16), "bf16 ref Hessian") &&
                     th_ok(t, lowp_optim_sophia_hessian(ctx, &d16, P.bg, b16), "bf16 device Hessian") &&
                     th_ok(t, lowp_ref_optim_sophia_hessian(&d32, P.g, P.s), "fp32 ref Hessian");
            snprintf(w, sizeof w, "%s bf16 state step %d: param", lowp_optim_kind_name(kinds[q]), s + 1);
            ok = ok && th_guarded_read(t, w, P.bp, P.total, 4, got) &&
                 th_compare_f32(t, w, got, p16 + TH_GUARD, P.total, ptol);
            snprintf(w, sizeof w, "%s bf16 state step %d: state", lowp_optim_kind_name(kinds[q]), s + 1);
            ok = ok && th_guarded_read(t, w, b16, ns, 2, dev16);
            if (ok && !inexact) {
                size_t bad = 0;
                for (size_t i = 0; i < ns; ++i) bad += dev16[i] != s16[TH_GUARD + i];
                th_check(t, bad == 0, "%s: %zu of %zu bf16 state elements differ from the reference", w, bad, ns);
                ok = bad == 0;
            }
        }
        g_worst = 0.0;
        if (ok) note_worst(p16 + TH_GUARD, P.p + TH_GUARD, P.total);
        th_check(t, !ok || g_worst < 0.02, "%s: bf16-state trajectory vs fp32 worst %.3g (bound 0.02)",
                 lowp_optim_kind_name(kinds[q]), g_worst);
        if (ok && info.backend == LOWP_BACKEND_CPU)
            printf("     %s bf16 state: params vs fp32 state after 8 steps, worst |d|/(|ref|+0.01) = %.3g\n",
                   lowp_optim_kind_name(kinds[q]), g_worst);
        lowp_buffer_free(b16);
        free(s16), free(dev16), free(p16), free(got), free(g);
        dp_free(&P);
    }
}

/* SWAN's edge cases vs the reference: rows < cols and rows > cols (each
 * side's Gram matrix), square, 1 x n, 1 x 1, a zero gradient and a
 * constant-row gradient (|A|_F = 0: decay only), with weight decay, an
 * excluded tensor, and with and without the rescale; 37 x 45, 130 x 70 and
 * their transposes cut the device GEMM's tiles (16-wide k slabs, 16- and
 * 64-row/column blocks) at every edge. */
static void test_swan_shapes(struct th *t, lowp_context *ctx)
{
    static const uint32_t shapes[][2] = {{6, 40}, {40, 6}, {12, 12}, {1, 9}, {1, 1}, {7, 3}, {3, 7},
                                         {37, 45}, {45, 37}, {130, 70}, {70, 130}};
    const size_t nt = sizeof shapes / sizeof shapes[0];
    for (int variant = 0; variant < 2; ++variant) {
        struct lowp_optim_hparams hp;
        lowp_optim_hparams_default(LOWP_OPTIM_SWAN, &hp);
        hp.lr = 0.01f;
        hp.weight_decay = 0.1f;
        if (variant == 1) {
            hp.flags |= LOWP_OPTIM_FLAG_SWAN_NO_RESCALE;
            hp.swan_ns_steps = 6;
        }
        struct dprob P;
        if (!dp_init(t, ctx, &P, &hp, shapes, nt, 1u << 3, NULL)) {
            dp_free(&P);
            continue;
        }
        float *g = malloc(P.total * sizeof *g);
        g_worst = 0.0;
        for (int s = 0; s < 4 && g; ++s) {
            make_grad(g, P.total, s);
            size_t z0 = P.t[5].grad_offset - TH_GUARD, c0 = P.t[6].grad_offset - TH_GUARD;
            memset(g + z0, 0, P.t[5].numel * sizeof *g);   /* 7 x 3: zero gradient */
            for (uint64_t i = 0; i < P.t[6].numel; ++i)   /* 3 x 7: constant rows */
                g[c0 + i] = (float)(i / 7) - 1.0f;
            char what[64];
            snprintf(what, sizeof what, "SWAN %s step %d", variant ? "no rescale" : "rescale", s + 1);
            if (!dp_set_grad(t, &P, g) || !dp_step(t, &P, g) || !dp_compare(t, &P, tol_for(ctx, hp.kind), what))
                break;
        }
        struct lowp_device_info info;
        lowp_context_get_info(ctx, &info);
        if (info.backend != LOWP_BACKEND_CPU)
            printf("     SWAN shapes (%s): worst |device-ref|/(|ref|+0.01) over 4 steps = %.3g\n",
                   variant ? "no rescale" : "rescale", g_worst);
        free(g);
        dp_free(&P);
    }
}

/* SWAN on an OpenCL device gives the same bits whatever the work-group size
 * and GEMM tiling: the same steps in this context and in contexts forced to 1
 * and 64 work-items per group (other tile shapes), and with the GEMM's
 * register block forced to 1 and to 4 ($LOWP_OPENCL_SWAN_BLOCK; a CPU device
 * picks 4 by itself, a GPU 1 for small matrices). Every sum has one owner
 * and a fixed order; the shapes cover tiles cut at every edge. */
static void test_swan_work_groups(struct th *t, lowp_context *ctx)
{
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    if (info.backend == LOWP_BACKEND_CPU) {
        th_skip(t, "SWAN work-group sizes: OpenCL only");
        return;
    }
    static const uint32_t shapes[][2] = {{100, 100}, {17, 241}, {241, 17}, {1, 7}, {20, 15}, {130, 70}, {45, 37}};
    const size_t nt = sizeof shapes / sizeof shapes[0];
    struct lowp_optim_hparams hp;
    lowp_optim_hparams_default(LOWP_OPTIM_SWAN, &hp);
    hp.weight_decay = 0.01f;
    float *first = NULL, *got = NULL, *g = NULL;
    /* {work-group size, register block}; NULL = the default. */
    static const char *const runs[][2] = {{NULL, NULL}, {"1", NULL}, {"64", NULL}, {NULL, "1"}, {NULL, "4"},
                                          {"64", "1"}, {"1", "4"}};
    for (size_t q = 0; q < sizeof runs / sizeof runs[0]; ++q) {
        lowp_context *c = ctx;
        if (runs[q][0] != NULL) {
            setenv("LOWP_OPENCL_WG_SIZE", runs[q][0], 1);
            lowp_status st = lowp_context_open(info.id, &c);
            unsetenv("LOWP_OPENCL_WG_SIZE");
            if (!th_ok(t, st, "open a context with a forced work-group size"))
                break;
        }
        if (runs[q][1] != NULL)
            setenv("LOWP_OPENCL_SWAN_BLOCK", runs[q][1], 1); /* read at every GEMM launch */
        struct dprob P;
        int ok = dp_init(t, c, &P, &hp, shapes, nt, 0, NULL);
        if (ok && first == NULL) {
            first = malloc(P.total * sizeof *first);
            got = malloc(P.total * sizeof *got);
            g = malloc(P.total * sizeof *g);
            ok = first && got && g;
        }
        for (int s = 0; s < 3 && ok; ++s) {
            make_grad(g, P.total, s);
            ok = dp_set_grad(t, &P, g) &&
                 th_ok(t, lowp_optim_step(c, &P.d, P.bp, P.bg, P.bs, P.dts, &P.dgs), "SWAN device step");
        }
        unsetenv("LOWP_OPENCL_SWAN_BLOCK");
        if (ok && th_guarded_read(t, "SWAN params", P.bp, P.total, 4, q == 0 ? first : got) && q != 0) {
            char w[112];
            snprintf(w, sizeof w, "SWAN params with work-group size %s, GEMM block %s vs the defaults",
                     runs[q][0] ? runs[q][0] : "default", runs[q][1] ? runs[q][1] : "default");
            th_compare_f32(t, w, got, first, P.total, TH_EXACT);
        }
        dp_free(&P);
        if (c != ctx)
            lowp_context_close(c);
    }
    free(first), free(got), free(g);
}

const struct th_case th_optim_cases[] = {
    {"optim_bf16_state", test_bf16_state, 1},
    {"optim_vs_reference", test_vs_reference, 1},
    {"optim_trajectories", test_trajectories, 0},
    {"optim_clip_hessian", test_clip_hessian, 1},
    {"optim_bad_args", test_bad_args, 0},
    {"optim_nonfinite", test_nonfinite, 0},
    {"optim_zero_size", test_zero_size, 0},
    {"optim_swan_shapes", test_swan_shapes, 1},
    {"optim_swan_work_groups", test_swan_work_groups, 0},
};
const size_t th_optim_case_count = sizeof th_optim_cases / sizeof th_optim_cases[0];
