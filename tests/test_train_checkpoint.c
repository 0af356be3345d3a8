/* test_train_checkpoint.c — the checkpoint container: CRC-32 known answers,
 * round trip, every truncation and every single-bit flip of a small file
 * rejected as LOWP_ERR_CORRUPT, missing files, unwritable places, failed or
 * abandoned writes leaving the previous file intact, a writer killed at
 * random moments, and the trainer-state section. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "lowp/train.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) ++passed; else { ++failed; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                              printf(__VA_ARGS__); printf("\n"); } } while (0)

static char dir[] = "/tmp/lowp_test_ckpt_XXXXXX";

static char *path_in(const char *name)
{
    /* A ring of buffers large enough that no test holds a stale one. */
    static char buf[64][256];
    static int k;
    char *p = buf[k++ & 63];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    *n = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)len + 1);
    if (b)
        *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

static void spill(const char *path, const uint8_t *b, size_t n)
{
    /* A fresh file each time: truncating one in place makes ext4 flush it
     * on close (auto_da_alloc), which costs milliseconds per call. */
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(b, 1, n, f);
        fclose(f);
    }
}

/* Write a checkpoint of three sections; `tag` changes the contents. */
static lowp_status write_ckpt(const char *path, uint8_t tag, size_t big)
{
    lowp_ckpt_writer *w;
    LOWP_TRY(lowp_ckpt_writer_begin(path, &w));
    uint8_t *weights = malloc(big);
    for (size_t i = 0; i < big; ++i)
        weights[i] = (uint8_t)(i * 7 + tag);
    struct lowp_train_state st = {tag, 1337, 1000u * tag, 1.5, 250, 12.5};
    uint8_t sb[LOWP_TRAIN_STATE_BYTES];
    lowp_train_state_encode(&st, sb);
    lowp_status s = lowp_ckpt_writer_add(w, "model.params", weights, big);
    if (s == LOWP_OK)
        s = lowp_ckpt_writer_add(w, "optim.state", NULL, 0);
    if (s == LOWP_OK)
        s = lowp_ckpt_writer_add(w, "trainer", sb, sizeof sb);
    free(weights);
    if (s != LOWP_OK) {
        lowp_ckpt_writer_abort(w);
        return s;
    }
    return lowp_ckpt_writer_commit(w);
}

/* 1 if the file at path is a valid checkpoint written with `tag`. */
static int holds(const char *path, uint8_t tag, size_t big)
{
    lowp_ckpt *ck;
    if (lowp_ckpt_open(path, &ck) != LOWP_OK)
        return 0;
    const void *p;
    size_t n;
    int ok = lowp_ckpt_find(ck, "model.params", &p, &n) == LOWP_OK && n == big;
    for (size_t i = 0; ok && i < big; ++i)
        ok = ((const uint8_t *)p)[i] == (uint8_t)(i * 7 + tag);
    struct lowp_train_state st;
    ok = ok && lowp_ckpt_find(ck, "trainer", &p, &n) == LOWP_OK && lowp_train_state_decode(p, n, &st) == LOWP_OK &&
         st.step == tag;
    lowp_ckpt_close(ck);
    return ok;
}

int main(void)
{
    if (!mkdtemp(dir)) {
        printf("FAIL mkdtemp\n0 passed, 1 failed\n");
        return 1;
    }
    /* CRC-32 known answers (zlib's crc32). */
    CHECK(lowp_crc32(0, "123456789", 9) == 0xCBF43926u, "crc32('123456789') = %08x", lowp_crc32(0, "123456789", 9));
    CHECK(lowp_crc32(0, "", 0) == 0, "crc32('') = 0");
    CHECK(lowp_crc32(0, "The quick brown fox jumps over the lazy dog", 43) == 0x414FA339u, "crc32(fox)");
    CHECK(lowp_crc32(lowp_crc32(0, "12345", 5), "6789", 4) == 0xCBF43926u, "crc32 continues across calls");

    /* Round trip. */
    char cp[256];
    snprintf(cp, sizeof cp, "%s", path_in("ckpt.lowp"));
    CHECK(write_ckpt(cp, 1, 1000) == LOWP_OK, "write: %s", lowp_last_error());
    CHECK(access(path_in("ckpt.lowp.tmp"), F_OK) != 0, "no temporary file left");
    lowp_ckpt *ck;
    CHECK(lowp_ckpt_open(cp, &ck) == LOWP_OK, "open: %s", lowp_last_error());
    const char *name;
    size_t size;
    CHECK(lowp_ckpt_section_count(ck) == 3 && lowp_ckpt_section_info(ck, 1, &name, &size) == LOWP_OK &&
              strcmp(name, "optim.state") == 0 && size == 0,
          "sections listed in order");
    CHECK(lowp_ckpt_section_info(ck, 3, &name, &size) == LOWP_ERR_INVALID_ARG, "section index out of range");
    uint8_t sb[LOWP_TRAIN_STATE_BYTES];
    struct lowp_train_state st;
    CHECK(lowp_ckpt_read(ck, "trainer", sb, sizeof sb) == LOWP_OK && lowp_train_state_decode(sb, sizeof sb, &st) ==
              LOWP_OK && st.step == 1 && st.seed == 1337 && st.tokens_seen == 1000 && st.best_val_loss == 1.5 &&
              st.best_val_step == 250 && st.elapsed_s == 12.5,
          "trainer state round trip");
    CHECK(lowp_ckpt_read(ck, "trainer", sb, 40) == LOWP_ERR_CORRUPT, "size mismatch");
    CHECK(lowp_ckpt_find(ck, "rng", NULL, NULL) == LOWP_ERR_CORRUPT && strstr(lowp_last_error(), "'rng'"),
          "missing section named");
    lowp_ckpt_close(ck);
    CHECK(holds(cp, 1, 1000), "contents");
    CHECK(lowp_train_state_decode(sb, 47, &st) == LOWP_ERR_CORRUPT, "short trainer state");
    struct lowp_train_state nan_st = {0, 0, 0, NAN, 0, 0};
    lowp_train_state_encode(&nan_st, sb);
    lowp_train_state_decode(sb, sizeof sb, &st);
    CHECK(isnan(st.best_val_loss), "NaN best loss survives");

    /* Every truncation and every bit flip of a small file is caught. */
    char sp[256], bp[256];
    snprintf(sp, sizeof sp, "%s", path_in("small.lowp"));
    snprintf(bp, sizeof bp, "%s", path_in("broken.lowp"));
    CHECK(write_ckpt(sp, 3, 37) == LOWP_OK, "small file");
    size_t n;
    uint8_t *orig = slurp(sp, &n);
    int trunc_ok = 1, flip_ok = 1;
    for (size_t k = 0; k < n; ++k) {
        spill(bp, orig, k);
        lowp_status s = lowp_ckpt_open(bp, &ck);
        if (s != LOWP_ERR_CORRUPT) {
            trunc_ok = 0;
            printf("  truncated at %zu: %s\n", k, lowp_status_name(s));
        }
    }
    CHECK(trunc_ok, "all %zu truncations are LOWP_ERR_CORRUPT", n);
    for (size_t k = 0; k < n; ++k)
        for (int bit = 0; bit < 8; bit += 7) {
            orig[k] ^= (uint8_t)(1u << bit);
            spill(bp, orig, n);
            orig[k] ^= (uint8_t)(1u << bit);
            if (lowp_ckpt_open(bp, &ck) != LOWP_ERR_CORRUPT) {
                flip_ok = 0;
                printf("  flip at %zu bit %d accepted\n", k, bit);
            }
        }
    CHECK(flip_ok, "all %zu flips (bits 0 and 7) are LOWP_ERR_CORRUPT", 2 * n);
    uint8_t *longer = malloc(n + 1);
    memcpy(longer, orig, n);
    longer[n] = 0;
    spill(bp, longer, n + 1);
    CHECK(lowp_ckpt_open(bp, &ck) == LOWP_ERR_CORRUPT, "a trailing byte is caught");
    free(longer);
    spill(bp, (const uint8_t *)"not a checkpoint at all, but long enough to hold a header......!!", 66);
    CHECK(lowp_ckpt_open(bp, &ck) == LOWP_ERR_CORRUPT && strstr(lowp_last_error(), "magic"), "bad magic");
    free(orig);

    /* Missing file, unwritable places. */
    CHECK(lowp_ckpt_open(path_in("none.lowp"), &ck) == LOWP_ERR_IO && strstr(lowp_last_error(), "none.lowp"),
          "missing: IO");
    lowp_ckpt_writer *w;
    CHECK(lowp_ckpt_writer_begin(path_in("no/such/dir/c.lowp"), &w) == LOWP_ERR_IO, "folder missing: IO");
    char under_file[300];
    snprintf(under_file, sizeof under_file, "%s/sub.lowp", cp);
    CHECK(lowp_ckpt_writer_begin(under_file, &w) == LOWP_ERR_IO, "path under a file: IO");
    if (geteuid() != 0) {
        const char *ro = path_in("ro");
        mkdir(ro, 0555);
        char in_ro[300];
        snprintf(in_ro, sizeof in_ro, "%s/c.lowp", ro);
        CHECK(lowp_ckpt_writer_begin(in_ro, &w) == LOWP_ERR_IO, "read-only folder: IO");
        rmdir(ro);
    }
    /* The target is a folder: the rename fails at commit; folder untouched,
     * temporary removed. */
    char dp[256];
    snprintf(dp, sizeof dp, "%s", path_in("adir"));
    mkdir(dp, 0755);
    CHECK(write_ckpt(dp, 1, 10) == LOWP_ERR_IO, "commit onto a folder: IO");
    struct stat sd;
    CHECK(stat(dp, &sd) == 0 && S_ISDIR(sd.st_mode) && access(path_in("adir.tmp"), F_OK) != 0,
          "folder intact, temporary removed");
    rmdir(dp);

    /* Abandoned and failed writes keep the previous checkpoint. */
    CHECK(lowp_ckpt_writer_begin(cp, &w) == LOWP_OK, "begin over an existing file");
    CHECK(lowp_ckpt_writer_add(w, "a", "xyz", 3) == LOWP_OK, "add");
    CHECK(lowp_ckpt_writer_add(w, "a", "xyz", 3) == LOWP_ERR_INVALID_ARG, "duplicate section name");
    CHECK(lowp_ckpt_writer_add(w, "has space", "x", 1) == LOWP_ERR_INVALID_ARG, "bad section name");
    CHECK(lowp_ckpt_writer_add(w, "", "x", 1) == LOWP_ERR_INVALID_ARG, "empty section name");
    CHECK(holds(cp, 1, 1000), "previous file readable while a write is under way");
    lowp_ckpt_writer_abort(w);
    CHECK(holds(cp, 1, 1000) && access(path_in("ckpt.lowp.tmp"), F_OK) != 0, "abort: previous intact, tmp gone");
    CHECK(write_ckpt(cp, 2, 1000) == LOWP_OK && holds(cp, 2, 1000), "replaced by the next checkpoint");

    /* Kill the writer at random moments: the file is always old or new. */
    int kill_ok = 1;
    for (int trial = 0; trial < 6; ++trial) {
        pid_t pid = fork();
        if (pid == 0) {
            for (uint8_t tag = 10;; tag = tag == 10 ? 11 : 10)
                write_ckpt(cp, tag, 1 << 18);
        }
        struct timespec ts = {0, (long)(3 + 5 * trial) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (!holds(cp, 2, 1000) && !holds(cp, 10, 1 << 18) && !holds(cp, 11, 1 << 18))
            kill_ok = 0;
    }
    CHECK(kill_ok, "after each kill the checkpoint is a complete old or new one");

    const char *names[] = {"ckpt.lowp", "ckpt.lowp.tmp", "small.lowp", "broken.lowp"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        unlink(path_in(names[i]));
    rmdir(dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
