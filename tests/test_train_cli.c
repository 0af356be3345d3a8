/* test_train_cli.c — `lowp train` end to end on one device:
 *   1. a tiny 30-step run lowers the validation loss from ln(256) ~ 5.55 to
 *      below 3.6 and writes log, results, plot and checkpoint;
 *   2. 30 steps in one go == 15 steps + --resume to 30: identical parameter,
 *      optimizer-state and trainer-step bytes, identical losses in the log;
 *      with AdamW and with Sophia-G (a Hessian refresh every 5 steps);
 *   2b. the Sophia run refreshed its Hessian six times (log, results.json),
 *      its loss fell, and the checkpointed h is >= 0 and mostly > 0;
 *   3. a bad config, a missing data file and a corrupt checkpoint fail with a
 *      message and leave the run folder as it was;
 *   4. nvfp4 with --gemm packed and --gemm fake: 5 steps give the same
 *      validation loss within 1e-3 (same quantized values, fp32 sums in
 *      another order);
 *   5. bf16 with --pqt-bits 8 learns; --pqt-bits 17 is refused;
 *   6. on the cpu device, 1 and 3 OpenMP threads give the same checkpoint.
 * usage: test_train_cli LOWP_BINARY DEVICE DATA_FILE WORK_DIR
 * Exit 77 (skipped) when the device is absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lowp/lowp.h"
#include "lowp/train.h"

static int passed, failed;
static const char *lowp_bin, *device, *data, *work;

#define CHECK(cond, ...)                                                                                             \
    do {                                                                                                             \
        if (cond) {                                                                                                  \
            ++passed;                                                                                                \
        } else {                                                                                                     \
            ++failed;                                                                                                \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                              \
            printf(__VA_ARGS__);                                                                                     \
            printf("\n");                                                                                            \
        }                                                                                                            \
    } while (0)

#define TINY "--eval-every 15 --eval-batches 4 --log-every 5 --batch 16 --context 32 --n-layer 2 --n-embd 64 " \
             "--n-head 4 --warmup-steps 3 --lr 1e-2 --min-lr 1e-3 --lr-decay-steps 30"

/* Run lowp with arguments and environment assignments env ("" for none);
 * stdout+stderr go to WORK/<tag>.txt. Exit status. */
static int run_env(const char *tag, const char *env, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s '%s' train --device %s --data '%s' %s > '%s/%s.txt' 2>&1", env, lowp_bin, device,
             data, args, work, tag);
    int rc = system(cmd);
    return rc;
}

static int run(const char *tag, const char *args)
{
    return run_env(tag, "", args);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[len] = 0;
        *n = (size_t)len;
    }
    return b;
}

static int contains(const char *tag, const char *text)
{
    char path[1024];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s.txt", work, tag);
    char *b = slurp(path, &n);
    int ok = b && strstr(b, text) != NULL;
    if (!ok)
        printf("  %s output: %s\n", tag, b ? b : "(none)");
    free(b);
    return ok;
}

static void test_short_run(void)
{
    char args[2048];
    snprintf(args, sizeof args, TINY " --steps 30 --out '%s/short'", work);
    CHECK(run("short", args) == 0, "tiny run failed");
    char path[1024];
    struct lowp_log_record *r = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/short/log.jsonl", work);
    CHECK(lowp_train_log_read(path, &r, &n) == LOWP_OK, "log: %s", lowp_last_error());
    struct lowp_train_results res;
    lowp_train_results_from_log(r, n, &res);
    free(r);
    printf("  %s: final val loss %.4f (start ~5.55)\n", device, res.final_val_loss);
    CHECK(res.steps == 30, "steps %llu", (unsigned long long)res.steps);
    CHECK(res.final_val_loss < 3.6, "final val loss %.4f not below 3.6", res.final_val_loss);
    const char *files[] = {"results.json", "loss.svg", "checkpoint.lowp", "config.txt"};
    for (int i = 0; i < 4; ++i) {
        snprintf(path, sizeof path, "%s/short/%s", work, files[i]);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL, "missing %s", path);
        if (f)
            fclose(f);
    }
}

static int same_section(lowp_ckpt *a, lowp_ckpt *b, const char *name)
{
    const void *da, *db;
    size_t na, nb;
    if (lowp_ckpt_find(a, name, &da, &na) != LOWP_OK || lowp_ckpt_find(b, name, &db, &nb) != LOWP_OK)
        return 0;
    return na == nb && memcmp(da, db, na) == 0;
}

/* Section `name` of the checkpoints of run folders a and b: 1 the same
 * bytes, 0 different or missing (a checkpoint that cannot be opened too). */
static int same_run_section(const char *a, const char *b, const char *name)
{
    char pa[1024], pb[1024];
    snprintf(pa, sizeof pa, "%s/%s/checkpoint.lowp", work, a);
    snprintf(pb, sizeof pb, "%s/%s/checkpoint.lowp", work, b);
    lowp_ckpt *ca = NULL, *cb = NULL;
    int same = lowp_ckpt_open(pa, &ca) == LOWP_OK && lowp_ckpt_open(pb, &cb) == LOWP_OK && same_section(ca, cb, name);
    lowp_ckpt_close(ca);
    lowp_ckpt_close(cb);
    return same;
}

/* 30 steps in one go (folder <name>) vs 15 + resume to 30 (<name>-half),
 * with `extra` arguments on every run. */
static void test_resume(const char *name, const char *extra)
{
    char args[2048], tag[64];
    snprintf(args, sizeof args, TINY " %s --steps 30 --out '%s/%s'", extra, work, name);
    snprintf(tag, sizeof tag, "%s", name);
    CHECK(run(tag, args) == 0, "%s: full run failed", name);
    snprintf(args, sizeof args, TINY " %s --steps 15 --out '%s/%s-half'", extra, work, name);
    snprintf(tag, sizeof tag, "%s-half1", name);
    CHECK(run(tag, args) == 0, "%s: first half failed", name);
    snprintf(args, sizeof args, TINY " %s --steps 30 --out '%s/%s-half' --resume", extra, work, name);
    snprintf(tag, sizeof tag, "%s-half2", name);
    CHECK(run(tag, args) == 0, "%s: resumed half failed", name);
    char pa[1024], pb[1024];
    snprintf(pa, sizeof pa, "%s/%s/checkpoint.lowp", work, name);
    snprintf(pb, sizeof pb, "%s/%s-half/checkpoint.lowp", work, name);
    lowp_ckpt *a = NULL, *b = NULL;
    CHECK(lowp_ckpt_open(pa, &a) == LOWP_OK && lowp_ckpt_open(pb, &b) == LOWP_OK, "open checkpoints");
    if (a && b) {
        const char *names[] = {"model.params", "optim.state", "optim.tensors", "optim.global"};
        for (int i = 0; i < 4; ++i)
            CHECK(same_section(a, b, names[i]), "%s: section %s differs after resume", name, names[i]);
        const void *d;
        size_t n;
        struct lowp_train_state sa, sb;
        lowp_ckpt_find(a, "trainer", &d, &n);
        lowp_train_state_decode(d, n, &sa);
        lowp_ckpt_find(b, "trainer", &d, &n);
        lowp_train_state_decode(d, n, &sb);
        CHECK(sa.step == 30 && sb.step == 30 && sa.tokens_seen == sb.tokens_seen, "%s: trainer state step", name);
        CHECK(sa.best_val_loss == sb.best_val_loss, "%s: best val %g vs %g", name, sa.best_val_loss,
              sb.best_val_loss);
    }
    lowp_ckpt_close(a);
    lowp_ckpt_close(b);
    struct lowp_log_record *ra = NULL, *rb = NULL;
    size_t na = 0, nb = 0;
    snprintf(pa, sizeof pa, "%s/%s/log.jsonl", work, name);
    snprintf(pb, sizeof pb, "%s/%s-half/log.jsonl", work, name);
    CHECK(lowp_train_log_read(pa, &ra, &na) == LOWP_OK && lowp_train_log_read(pb, &rb, &nb) == LOWP_OK, "logs");
    CHECK(na == nb && na > 0, "%s: log lengths %zu vs %zu", name, na, nb);
    /* NaN fields (gnb_norm of train records) read back as NaN on both sides */
#define SAME_F(x, y) ((x) == (y) || (isnan(x) && isnan(y)))
    for (size_t i = 0; i < na && i < nb; ++i)
        CHECK(ra[i].kind == rb[i].kind && ra[i].step == rb[i].step && ra[i].loss == rb[i].loss &&
                  SAME_F(ra[i].gnb_norm, rb[i].gnb_norm) && SAME_F(ra[i].win_rate, rb[i].win_rate),
              "%s: log record %zu: step %llu loss %.9g vs step %llu loss %.9g", name, i,
              (unsigned long long)ra[i].step, ra[i].loss, (unsigned long long)rb[i].step, rb[i].loss);
#undef SAME_F
    free(ra);
    free(rb);
}

/* Sophia-G: the 30-step run of test_resume("sophia", ...) with k = 5 has six
 * GNB Hessian refreshes (log and results.json say so), its loss falls like
 * the AdamW run's, and every h in the checkpoint's optimizer state is >= 0
 * with most of them > 0. The resume half splits at step 15, right after a
 * refresh, so the resumed run must neither redo nor lose it. */
static void test_sophia(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/sophia/log.jsonl", work);
    struct lowp_log_record *r = NULL;
    size_t n = 0;
    CHECK(lowp_train_log_read(path, &r, &n) == LOWP_OK, "sophia log: %s", lowp_last_error());
    struct lowp_train_results res;
    lowp_train_results_from_log(r, n, &res);
    size_t k = 0;
    int wr_ok = 1;
    for (size_t i = 0; i < n; ++i)
        if (r[i].kind == LOWP_LOG_HESS) {
            wr_ok &= r[i].step == 5 * (k + 1) && r[i].win_rate >= 0.0 && r[i].win_rate <= 1.0 && r[i].gnb_norm > 0.0 &&
                     isfinite(r[i].loss);
            ++k;
        }
    free(r);
    printf("  %s sophia: final val loss %.4f, %llu Hessian refreshes, last win rate %.3f\n", device,
           res.final_val_loss, (unsigned long long)res.hess_refreshes, res.win_rate);
    CHECK(res.hess_refreshes == 6 && k == 6 && wr_ok, "sophia: %zu refresh records (want 6 at steps 5, 10, ...)", k);
    CHECK(res.final_val_loss < 3.6, "sophia: final val loss %.4f not below 3.6", res.final_val_loss);
    size_t len = 0;
    snprintf(path, sizeof path, "%s/sophia/results.json", work);
    char *text = slurp(path, &len);
    CHECK(text && strstr(text, "\"hess_refreshes\": 6,") && strstr(text, "\"optim\": \"sophia\""),
          "sophia results.json:\n%s", text ? text : "(none)");
    free(text);

    /* h (slot 1 of each tensor's [m, h] block) in the checkpoint */
    snprintf(path, sizeof path, "%s/sophia/checkpoint.lowp", work);
    lowp_ckpt *ck = NULL;
    lowp_context *ctx = NULL;
    lowp_model *m = NULL;
    struct lowp_model_config mc;
    lowp_model_config_gpt2(&mc, 2, 64, 4, 32); /* TINY's shape */
    const void *st = NULL;
    size_t bytes = 0;
    if (lowp_ckpt_open(path, &ck) == LOWP_OK && lowp_ckpt_find(ck, "optim.state", &st, &bytes) == LOWP_OK &&
        lowp_context_open("cpu", &ctx) == LOWP_OK && lowp_model_create(ctx, &mc, &m) == LOWP_OK) {
        const struct lowp_model_tensor *t = lowp_model_tensors(m);
        size_t nt = lowp_model_tensor_count(m), off = 0, pos = 0, neg = 0, total = 0;
        CHECK(bytes == 2 * lowp_model_param_count(m) * sizeof(float), "sophia state: %zu bytes", bytes);
        for (size_t i = 0; i < nt && (off + 2 * t[i].count) * sizeof(float) <= bytes; ++i) {
            const float *h = (const float *)st + off + t[i].count;
            for (size_t j = 0; j < t[i].count; ++j) {
                pos += h[j] > 0.0f;
                neg += !(h[j] >= 0.0f);
            }
            total += t[i].count;
            off += 2 * t[i].count;
        }
        printf("  %s sophia: %zu of %zu Hessian entries > 0\n", device, pos, total);
        CHECK(neg == 0 && pos > total / 2, "sophia h: %zu > 0, %zu negative/NaN of %zu", pos, neg, total);
    } else {
        CHECK(0, "sophia checkpoint state: %s", lowp_last_error());
    }
    lowp_model_free(m);
    lowp_context_close(ctx);
    lowp_ckpt_close(ck);
}

/* Final validation loss of a run folder (NAN when unreadable). */
static double final_val(const char *dir)
{
    char path[1024];
    struct lowp_log_record *r = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s/log.jsonl", work, dir);
    if (lowp_train_log_read(path, &r, &n) != LOWP_OK)
        return NAN;
    struct lowp_train_results res;
    lowp_train_results_from_log(r, n, &res);
    free(r);
    return res.final_val_loss;
}

/* Five steps only: the tiny run's lr 1e-2 makes later steps chaotic enough
 * that any change of summation order (another device, another GEMM mode)
 * moves the loss by percents after a spike. */
static void test_gemm_modes(void)
{
    char args[2048];
    snprintf(args, sizeof args, TINY " --steps 5 --eval-every 5 --recipe nvfp4 --gemm fake --out '%s/gemm_fake'",
             work);
    CHECK(run("gemm_fake", args) == 0, "nvfp4 --gemm fake failed");
    snprintf(args, sizeof args, TINY " --steps 5 --eval-every 5 --recipe nvfp4 --gemm packed --out '%s/gemm_packed'",
             work);
    CHECK(run("gemm_packed", args) == 0, "nvfp4 --gemm packed failed");
    double f = final_val("gemm_fake"), p = final_val("gemm_packed");
    printf("  %s: nvfp4 val loss after 5 steps: fake %.6f, packed %.6f\n", device, f, p);
    CHECK(fabs(f - p) <= 1e-3 * fabs(f), "nvfp4 packed val loss %.6f vs fake %.6f", p, f);
    snprintf(args, sizeof args, TINY " --steps 5 --recipe nvfp4 --gemm fp4 --out '%s/bad5'", work);
    CHECK(run("badgemm", args) != 0 && contains("badgemm", "gemm 'fp4'"), "unknown gemm mode accepted");
}

/* PQT (--pqt-bits): a tiny bf16 run with weight sampling still learns
 * (validation loss from ~5.55 to below 3.6 in 30 steps, as without PQT),
 * and bits outside [2, 16] fail naming the key. */
static void test_pqt(void)
{
    char args[2048];
    snprintf(args, sizeof args, TINY " --steps 30 --recipe bf16 --pqt-bits 8 --out '%s/pqt'", work);
    CHECK(run("pqt", args) == 0, "bf16 --pqt-bits 8 failed");
    double v = final_val("pqt");
    printf("  %s: bf16 + pqt 8 final val loss %.4f\n", device, v);
    CHECK(v < 3.6, "bf16 + pqt final val loss %.4f not below 3.6", v);
    snprintf(args, sizeof args, TINY " --steps 5 --recipe bf16 --pqt-bits 17 --out '%s/bad6'", work);
    CHECK(run("badpqt", args) != 0 && contains("badpqt", "pqt_bits 17"), "pqt_bits 17 accepted");
}

/* The bf16 tail (NVFP4 paper's precision switch): --bf16-tail covering the
 * whole 30-step schedule is exactly the bf16 recipe; a tail of 10 gives
 * other weights than plain nvfp4 (test_resume("nvfp4-tail") checks the
 * switch across a resume); fp32 with a tail is refused naming the key. */
static void test_bf16_tail(void)
{
    char args[2048];
    snprintf(args, sizeof args, TINY " --steps 30 --recipe nvfp4 --bf16-tail 30 --out '%s/tail-all'", work);
    CHECK(run("tail-all", args) == 0, "nvfp4 --bf16-tail 30 failed");
    snprintf(args, sizeof args, TINY " --steps 30 --recipe bf16 --out '%s/bf16-30'", work);
    CHECK(run("bf16-30", args) == 0, "bf16 failed");
    snprintf(args, sizeof args, TINY " --steps 30 --recipe nvfp4 --out '%s/nvfp4-30'", work);
    CHECK(run("nvfp4-30", args) == 0, "nvfp4 failed");
    CHECK(same_run_section("tail-all", "bf16-30", "model.params"), "nvfp4 with a bf16 tail over the whole run != bf16");
    /* both checkpoints must exist, or "different" would prove nothing */
    CHECK(same_run_section("nvfp4-30", "nvfp4-30", "model.params") &&
              same_run_section("nvfp4-tail", "nvfp4-tail", "model.params") &&
              !same_run_section("nvfp4-30", "nvfp4-tail", "model.params"),
          "a bf16 tail of 10 steps changed nothing (or a checkpoint is missing)");
    snprintf(args, sizeof args, TINY " --steps 5 --recipe fp32 --bf16-tail 2 --out '%s/bad7'", work);
    CHECK(run("badtail", args) != 0 && contains("badtail", "bf16_tail"), "fp32 with a bf16 tail accepted");
}

/* On the cpu device the thread count must not change a bit: the nvfp4
 * run of test_bf16_tail again with 1 and with 3 OpenMP threads (OpenBLAS
 * products, OpenMP loops, quantization) ends with the same weights and
 * optimizer state. */
static void test_thread_count(void)
{
    if (strcmp(device, "cpu") != 0)
        return;
    char args[2048];
    const char *env[2] = {"OMP_NUM_THREADS=1", "OMP_NUM_THREADS=3"};
    const char *tag[2] = {"nvfp4-t1", "nvfp4-t3"};
    for (int i = 0; i < 2; ++i) {
        snprintf(args, sizeof args, TINY " --steps 30 --recipe nvfp4 --out '%s/%s'", work, tag[i]);
        CHECK(run_env(tag[i], env[i], args) == 0, "nvfp4 with %s failed", env[i]);
        CHECK(same_run_section("nvfp4-30", tag[i], "model.params") &&
                  same_run_section("nvfp4-30", tag[i], "optim.state"),
              "nvfp4 with %s: other weights or optimizer state than with the default thread count", env[i]);
    }
}

static void test_errors(void)
{
    char args[2048], path[1024];
    snprintf(args, sizeof args, TINY " --steps 30 --out '%s/bad1' --n-embd 65", work);
    CHECK(run("badcfg", args) != 0 && contains("badcfg", "n_embd"), "bad config accepted");
    snprintf(args, sizeof args, TINY " --steps 30 --out '%s/bad2' --no-such-key 1", work);
    CHECK(run("badkey", args) != 0 && contains("badkey", "no-such-key"), "unknown key accepted");
    snprintf(args, sizeof args, TINY " --steps 30 --out '%s/bad3' --recipe fp7", work);
    CHECK(run("badrecipe", args) != 0 && contains("badrecipe", "fp7"), "unknown recipe accepted");
    snprintf(path, sizeof path, "%s/bad1", work);
    FILE *f = fopen(path, "r");
    CHECK(f == NULL, "a failed config created %s", path);
    if (f)
        fclose(f);
    snprintf(args, sizeof args, TINY " --steps 30 --out '%s/bad4' --data '%s/no-such-file.txt'", work, work);
    CHECK(run("nodata", args) != 0 && contains("nodata", "no-such-file.txt"), "missing data accepted");

    /* corrupt checkpoint: flip one byte, resume must refuse and touch nothing */
    char ck[1024], lg[1024];
    snprintf(ck, sizeof ck, "%s/full-half/checkpoint.lowp", work);
    snprintf(lg, sizeof lg, "%s/full-half/log.jsonl", work);
    size_t n = 0, nl = 0;
    char *bytes = slurp(ck, &n), *log0 = slurp(lg, &nl);
    CHECK(bytes != NULL && n > 200 && log0 != NULL, "read checkpoint");
    if (bytes && log0 && n > 200) {
        bytes[100] ^= 0x10;
        f = fopen(ck, "wb");
        fwrite(bytes, 1, n, f);
        fclose(f);
        snprintf(args, sizeof args, TINY " --steps 40 --out '%s/full-half' --resume", work);
        CHECK(run("corrupt", args) != 0 && contains("corrupt", "CORRUPT"), "corrupt checkpoint accepted");
        size_t n2 = 0, nl2 = 0;
        char *after = slurp(ck, &n2), *log1 = slurp(lg, &nl2);
        CHECK(after && n2 == n && memcmp(after, bytes, n) == 0, "checkpoint changed by a failed resume");
        CHECK(log1 && nl2 == nl && memcmp(log1, log0, nl) == 0, "log changed by a failed resume");
        free(after);
        free(log1);
    }
    free(bytes);
    free(log0);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: test_train_cli LOWP_BINARY DEVICE DATA_FILE WORK_DIR\n");
        return 2;
    }
    lowp_bin = argv[1], device = argv[2], data = argv[3], work = argv[4];
    lowp_context *ctx = NULL;
    if (lowp_context_open(device, &ctx) != LOWP_OK) {
        printf("SKIPPED: no device '%s': %s\n", device, lowp_last_error());
        return 77;
    }
    lowp_context_close(ctx);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", work, work);
    if (system(cmd) != 0)
        return 2;
    test_short_run();
    test_resume("full", "");
    test_resume("sophia", "--optim sophia --hess-interval 5");
    test_resume("nvfp4-tail", "--recipe nvfp4 --bf16-tail 10"); /* switches at step 20, after the resume */
    test_sophia();
    test_bf16_tail();
    test_thread_count();
    test_errors();
    test_gemm_modes();
    test_pqt();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
