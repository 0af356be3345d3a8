/* test_train_data.c — the text corpus: split sizes, batch windows and their
 * targets, determinism across calls, stream separation, rough uniformity,
 * and clear errors for missing, empty and too-short files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/philox.h"
#include "lowp/train.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) ++passed; else { ++failed; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                              printf(__VA_ARGS__); printf("\n"); } } while (0)

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(text, 1, n, f);
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    const char *corpus = argc > 1 ? argv[1] : "data/tinyshakespeare.txt";
    lowp_text_data *d = NULL;
    lowp_status s = lowp_text_data_load(corpus, 0.1, &d);
    CHECK(s == LOWP_OK, "load %s: %s", corpus, lowp_last_error());
    if (s != LOWP_OK) {
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }
    /* nanoGPT: n = 1115394, train = data[:int(n*0.9)]. */
    size_t ntr = lowp_text_data_size(d, LOWP_SPLIT_TRAIN), nva = lowp_text_data_size(d, LOWP_SPLIT_VAL);
    CHECK(ntr == 1003854 && nva == 111540, "split %zu + %zu", ntr, nva);
    CHECK(memcmp(lowp_text_data_bytes(d, LOWP_SPLIT_TRAIN), "First Citizen:", 14) == 0, "train starts the play");
    CHECK(lowp_text_data_bytes(d, LOWP_SPLIT_VAL) == lowp_text_data_bytes(d, LOWP_SPLIT_TRAIN) + ntr,
          "val follows train");
    CHECK(lowp_text_data_check(d, 256) == LOWP_OK, "context 256 fits");

    enum { B = 12, T = 64 };
    int32_t x[B * T], y[B * T], x2[B * T], y2[B * T];
    uint64_t off[B], off2[B];
    s = lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, B, T, 1337, 0, x, y, off);
    CHECK(s == LOWP_OK, "batch: %s", lowp_last_error());
    const uint8_t *tr = lowp_text_data_bytes(d, LOWP_SPLIT_TRAIN);
    int windows_ok = 1;
    for (int b = 0; b < B; ++b) {
        /* The offsets, recomputed from the documented Philox layout. */
        uint64_t stream = ((uint64_t)LOWP_TRAIN_STREAM_TRAIN_BATCH << 56) | 0;
        uint64_t w = ((uint64_t)lowp_philox_word(1337, stream, 2 * b + 1) << 32) | lowp_philox_word(1337, stream, 2 * b);
        if (off[b] != w % (ntr - T) || off[b] + T >= ntr)
            windows_ok = 0;
        for (int t = 0; t < T; ++t)
            if (x[b * T + t] != tr[off[b] + t] || y[b * T + t] != tr[off[b] + t + 1])
                windows_ok = 0;
        if (b * T + 1 < B * T && y[b * T] != x[b * T + 1])
            windows_ok = 0;
    }
    CHECK(windows_ok, "windows, targets shifted by one, offsets as documented");
    s = lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, B, T, 1337, 0, x2, y2, off2);
    CHECK(s == LOWP_OK && memcmp(x, x2, sizeof x) == 0 && memcmp(y, y2, sizeof y) == 0, "same draw, same batch");
    lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, B, T, 1337, 1, x2, y2, off2);
    CHECK(memcmp(off, off2, sizeof off) != 0, "the next step draws other windows");
    lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, B, T, 1338, 0, x2, y2, off2);
    CHECK(memcmp(off, off2, sizeof off) != 0, "another seed draws other windows");
    s = lowp_text_data_batch(d, LOWP_SPLIT_VAL, B, T, 1337, 0, x2, y2, off2);
    int val_ok = s == LOWP_OK;
    for (int b = 0; b < B; ++b)
        val_ok &= off2[b] < nva - T && x2[b * T] == lowp_text_data_bytes(d, LOWP_SPLIT_VAL)[off2[b]];
    CHECK(val_ok, "validation windows come from the validation part");
    CHECK(lowp_train_batch_stream(LOWP_SPLIT_TRAIN, 5) != lowp_train_batch_stream(LOWP_SPLIT_VAL, 5),
          "train and validation streams differ");

    /* Rough uniformity: 4000 starts over 8 equal bins of the training part. */
    int bins[8] = {0};
    for (uint64_t step = 0; step < 1000; ++step) {
        uint64_t o[4];
        int32_t tx[4], ty[4];
        lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, 4, 1, 7, step, tx, ty, o);
        for (int i = 0; i < 4; ++i)
            bins[o[i] * 8 / (ntr - 1)]++;
    }
    int uni_ok = 1;
    for (int i = 0; i < 8; ++i)
        uni_ok &= bins[i] > 400 && bins[i] < 600; /* expected 500, sd ~21 */
    CHECK(uni_ok, "starts are spread evenly (%d %d %d %d %d %d %d %d)", bins[0], bins[1], bins[2], bins[3], bins[4],
          bins[5], bins[6], bins[7]);

    /* Bad arguments. */
    CHECK(lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, 0, T, 1, 0, x, y, NULL) == LOWP_ERR_INVALID_ARG, "batch 0");
    CHECK(lowp_text_data_batch(d, LOWP_SPLIT_TRAIN, 1, T, 1, 0, NULL, y, NULL) == LOWP_ERR_INVALID_ARG, "NULL tokens");
    CHECK(lowp_text_data_batch(d, LOWP_SPLIT_VAL, 1, nva, 1, 0, x, y, NULL) == LOWP_ERR_INVALID_ARG,
          "context as long as the validation part");
    CHECK(strstr(lowp_last_error(), "validation") != NULL, "message names the split: %s", lowp_last_error());
    CHECK(lowp_text_data_check(d, nva) == LOWP_ERR_INVALID_ARG, "check: context too long for val");
    lowp_text_data_free(d);

    /* Files. */
    char dir[] = "/tmp/lowp_test_data_XXXXXX";
    if (!mkdtemp(dir)) {
        printf("FAIL: mkdtemp\n%d passed, %d failed\n", passed, failed + 1);
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/missing.txt", dir);
    d = (lowp_text_data *)1;
    CHECK(lowp_text_data_load(path, 0.1, &d) == LOWP_ERR_IO && d == NULL, "missing file: IO");
    CHECK(strstr(lowp_last_error(), "missing.txt") != NULL, "message names the file: %s", lowp_last_error());
    snprintf(path, sizeof path, "%s/empty.txt", dir);
    write_file(path, "", 0);
    CHECK(lowp_text_data_load(path, 0.1, &d) == LOWP_ERR_INVALID_ARG, "empty file");
    CHECK(strstr(lowp_last_error(), "empty") != NULL, "message says empty: %s", lowp_last_error());
    unlink(path);
    snprintf(path, sizeof path, "%s/tiny.txt", dir);
    write_file(path, "a", 1);
    CHECK(lowp_text_data_load(path, 0.1, &d) == LOWP_ERR_INVALID_ARG, "1 byte cannot be split 90/10");
    write_file(path, "abcdefghijklmnopqrst", 20);
    s = lowp_text_data_load(path, 0.1, &d);
    CHECK(s == LOWP_OK && lowp_text_data_size(d, LOWP_SPLIT_TRAIN) == 18, "20 bytes split 18 + 2");
    CHECK(lowp_text_data_check(d, 1) == LOWP_OK, "context 1 fits both parts");
    CHECK(lowp_text_data_check(d, 2) == LOWP_ERR_INVALID_ARG, "context 2 does not fit validation");
    CHECK(lowp_text_data_batch(d, LOWP_SPLIT_VAL, 1, 1, 1, 0, x, y, off) == LOWP_OK && x[0] == 's' && y[0] == 't',
          "the only validation window");
    lowp_text_data_free(d);
    CHECK(lowp_text_data_load(path, 1.0, &d) == LOWP_ERR_INVALID_ARG, "val_fraction 1");
    CHECK(lowp_text_data_load(dir, 0.1, &d) == LOWP_ERR_IO, "a folder is not a data file");
    unlink(path);
    rmdir(dir);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
