/* lowp/train.h — the trainer's host-side pieces: text data and batches,
 * run configuration (presets, config files, command-line overrides), the
 * learning-rate schedule, progress lines, the JSON-lines log and results
 * summary, loss-curve plots, and the checkpoint container.
 *
 * None of this touches a device: `lowp train` (src/cli) combines it with the
 * model and optimizer. Like the rest of lowp, these functions never print,
 * abort or exit; they return a lowp_status and leave a message behind
 * lowp_last_error(). See docs/trainer.md. */
#ifndef LOWP_TRAIN_H
#define LOWP_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lowp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ data */

/* A byte-level text corpus (vocabulary 256: token = byte value), split into
 * a training part (the first n_train bytes) and a validation part (the rest).
 * With val_fraction 0.1 this is nanoGPT's split: n_train = floor(0.9 * n). */
typedef struct lowp_text_data lowp_text_data;

typedef enum lowp_split {
    LOWP_SPLIT_TRAIN = 0,
    LOWP_SPLIT_VAL = 1
} lowp_split;

#define LOWP_TEXT_VOCAB 256

/* Read the whole file. LOWP_ERR_IO if it is missing or unreadable,
 * LOWP_ERR_INVALID_ARG if it is empty, if val_fraction is not in (0, 1), or
 * if either split would be empty. */
LOWP_API lowp_status lowp_text_data_load(const char *path, double val_fraction, lowp_text_data **out);
LOWP_API void lowp_text_data_free(lowp_text_data *data);

/* Number of bytes (tokens) in a split, and a pointer to them. */
LOWP_API size_t lowp_text_data_size(const lowp_text_data *data, lowp_split split);
LOWP_API const uint8_t *lowp_text_data_bytes(const lowp_text_data *data, lowp_split split);

/* LOWP_ERR_INVALID_ARG (naming the file, split and sizes) unless both splits
 * hold at least context + 1 bytes, the least one training window needs. */
LOWP_API lowp_status lowp_text_data_check(const lowp_text_data *data, size_t context);

/* One batch of `batch` windows of `context` tokens, as nanoGPT's get_batch:
 * row b starts at offset o_b, uniform in [0, size - context), and
 *   tokens [b*context + t] = split[o_b + t]
 *   targets[b*context + t] = split[o_b + t + 1].
 * o_b comes from Philox: seed = `seed`, stream = lowp_train_batch_stream(split,
 * draw), elements 2b and 2b+1 form a 64-bit word w, o_b = w mod range.
 * `draw` is the step number for training batches and the evaluation batch
 * index (0 .. eval_batches-1) for validation, so every validation pass sees
 * the same batches. `offsets` may be NULL; otherwise it receives the o_b. */
LOWP_API lowp_status lowp_text_data_batch(const lowp_text_data *data, lowp_split split, size_t batch,
                                          size_t context, uint64_t seed, uint64_t draw, int32_t *tokens,
                                          int32_t *targets, uint64_t *offsets);

/* The Philox streams the trainer uses. The top byte names the purpose, the
 * low 56 bits carry the step / draw. Other users of the run's seed (dropout,
 * stochastic rounding) must keep out of purposes 0x01 and 0x02. */
#define LOWP_TRAIN_STREAM_TRAIN_BATCH 0x01u
#define LOWP_TRAIN_STREAM_VAL_BATCH   0x02u
#define LOWP_TRAIN_STREAM_GNB_LABELS  0x05u /* Sophia's sampled labels (0x03: lowp sample, 0x04: recipe) */
LOWP_API uint64_t lowp_train_batch_stream(lowp_split split, uint64_t draw);

/* ------------------------------------------------------ Sophia GNB labels */

/* The Philox stream of the GNB labels of one Hessian refresh:
 * LOWP_TRAIN_STREAM_GNB_LABELS << 56 | draw (the low 56 bits). */
LOWP_API uint64_t lowp_train_gnb_stream(uint64_t draw);

/* Labels for Sophia's Gauss-Newton-Bartlett estimator: for every row r of
 * `logits` (rows x vocab, host memory) one class drawn from softmax(row) by
 * an exact inverse CDF in double precision:
 *   u   = 53-bit uniform in [0, 1) from Philox words 2r and 2r+1 of
 *         (seed, lowp_train_gnb_stream(draw))  (low word first),
 *   p_j = exp(l_j - max_j l_j), S = sum_j p_j, both summed in increasing j,
 *   label = the first j with u * S < p_0 + ... + p_j.
 * So label r depends only on (seed, draw, r) and row r's logits: the same on
 * every device and after a resume. A NaN or +inf logit, or a row of -inf
 * only, is LOWP_ERR_NUMERIC naming the row, and no label is written. */
LOWP_API lowp_status lowp_train_gnb_labels(const float *logits, size_t rows, size_t vocab, uint64_t seed,
                                           uint64_t draw, int32_t *labels);

/* ---------------------------------------------------------------- config */

typedef enum lowp_lr_schedule {
    LOWP_LR_COSINE = 0,   /* linear warmup, cosine decay to min_lr (nanoGPT) */
    LOWP_LR_CONSTANT = 1  /* linear warmup, then lr */
} lowp_lr_schedule;

#define LOWP_TRAIN_NAME_MAX 64
#define LOWP_TRAIN_PATH_MAX 1024

/* Every setting of a run. Keys in config files and on the command line are
 * the field names below (command line: --key value, '-' or '_' alike), with
 * `out` for out_dir. docs/trainer.md lists them with their meaning. */
struct lowp_train_config {
    char preset[LOWP_TRAIN_NAME_MAX];  /* the preset the run started from */
    /* where and what */
    char device[LOWP_TRAIN_NAME_MAX];  /* device selector ("" = $LOWP_DEVICE / best) */
    char recipe[LOWP_TRAIN_NAME_MAX];  /* low-precision recipe: fp32 bf16 mxfp8 mxfp4 nvfp4 */
    /* recipe ablations (nvfp4; sr also mxfp4): --no-rht, --no-sr, --scale,
     * --2d-weights on|off, --hp-layers N */
    int rht, sr, weights_2d;
    char scale[16];                    /* nvfp4 block scale: ue4m3 (default), ue5m3, e8m0 */
    uint32_t hp_layers;                /* nvfp4: last N blocks (and the LM head) in bf16 */
    char gemm[16];                     /* mx/nvfp4 GEMMs: auto (default), packed, fake (--gemm) */
    uint32_t pqt_bits;                 /* PQT Gaussian weight sampling: 0 off, else bits in [2, 16] (--pqt-bits) */
    uint32_t bf16_tail;                /* mxfp8/mxfp4/nvfp4: the last N steps of the lr schedule run the bf16 recipe (0 off) */
    char optim[LOWP_TRAIN_NAME_MAX];   /* optimizer name */
    char data[LOWP_TRAIN_PATH_MAX];    /* text file */
    char out_dir[LOWP_TRAIN_PATH_MAX]; /* run folder: log, results, checkpoint, plot */
    double val_fraction;               /* tail of the file held out for validation */
    /* model */
    uint32_t n_layer, n_head, n_embd, context;
    double dropout;
    /* training */
    uint32_t batch;
    uint64_t steps;                    /* optimizer steps */
    uint64_t seed;
    /* optimizer */
    double lr, min_lr;
    uint64_t warmup_steps;
    uint64_t lr_decay_steps;           /* 0 = steps */
    lowp_lr_schedule schedule;
    double beta1, beta2, eps;
    double weight_decay;               /* applied to matrices only */
    double grad_clip;                  /* global L2 norm bound; 0 = off */
    /* Sophia-G (optim = sophia): Hessian EMA refreshed with the GNB estimator */
    double sophia_rho;                 /* rho (the paper's gamma); bs = batch * context tokens */
    uint32_t hess_interval;            /* k: a refresh after steps k, 2k, ... */
    double hess_clip;                  /* global L2 bound on the GNB gradient; 0 = off */
    /* evaluation, logging, checkpoints */
    uint64_t eval_every;               /* validate every N steps (and at the end) */
    uint32_t eval_batches;             /* batches per validation pass */
    uint64_t log_every;                /* log / progress line every N steps */
    uint64_t checkpoint_every;         /* 0 = only at the end (and at each validation) */
    int resume;                        /* continue from out_dir/checkpoint.lowp */
};

/* Fill `cfg` from a named preset: "small" (4 layers, 4 heads, width 128,
 * context 64, batch 12, 2000 steps, dropout 0) or "gpt10m" (nanoGPT's
 * shakespeare-char: 6 layers, 6 heads, width 384, context 256, batch 64,
 * 5000 steps, dropout 0.2). Both: AdamW, lr 1e-3 with 100 warmup steps and
 * cosine decay to 1e-4, beta2 0.99, weight decay 0.1, clipping 1.0,
 * validation every 250 steps. LOWP_ERR_INVALID_ARG for another name. */
LOWP_API lowp_status lowp_train_config_preset(const char *name, struct lowp_train_config *cfg);

/* Set one key from its text value, strictly (whole value parsed, range
 * checked). LOWP_ERR_INVALID_ARG names the key and the value. The key
 * "preset" resets every field to that preset. */
LOWP_API lowp_status lowp_train_config_set(struct lowp_train_config *cfg, const char *key, const char *value);

/* Apply a config file: `key = value` lines, '#' starts a comment, blank lines
 * are ignored, values may be wrapped in double quotes. A `preset` line, if
 * any, must come before every other key. Unknown keys, bad values and
 * repeated keys give LOWP_ERR_INVALID_ARG naming file:line; a missing file
 * gives LOWP_ERR_IO. `cfg` is left unchanged on failure. */
LOWP_API lowp_status lowp_train_config_load(struct lowp_train_config *cfg, const char *path);

/* Build a configuration from command-line arguments (argv[0] is skipped):
 * the preset (--preset NAME, else the config file's preset line, else
 * "small"), then the config file (--config FILE), then every other
 * `--key value` flag in order, then lowp_train_config_validate. `--resume`
 * takes no value. Unknown flags are LOWP_ERR_INVALID_ARG. */
LOWP_API lowp_status lowp_train_config_from_args(int argc, char *const *argv, struct lowp_train_config *cfg);

/* Check the whole configuration for consistency (positive sizes, n_embd a
 * multiple of n_head, 0 <= min_lr <= lr, betas in [0, 1), dropout in
 * [0, 1), warmup_steps <= decay steps, data and out_dir set, ...). */
LOWP_API lowp_status lowp_train_config_validate(const struct lowp_train_config *cfg);

/* Write `cfg` in the config-file format (every key, one per line) into buf
 * (always NUL-terminated when len > 0). Returns the length the full text
 * needs, like snprintf; reading it back with lowp_train_config_load gives
 * the same configuration. */
LOWP_API size_t lowp_train_config_format(const struct lowp_train_config *cfg, char *buf, size_t len);

/* LOWP_ERR_INVALID_ARG naming the first differing field unless a checkpoint
 * written under `saved` can be resumed under `now`: the model shape, data,
 * seed, batch, optimizer, recipe and schedule must match (steps, eval and
 * logging intervals, device and out_dir may change). */
LOWP_API lowp_status lowp_train_config_compatible(const struct lowp_train_config *saved,
                                                  const struct lowp_train_config *now);

/* The decay horizon: lr_decay_steps, or steps when that is 0. */
LOWP_API uint64_t lowp_train_config_decay_steps(const struct lowp_train_config *cfg);

/* 1 when a validation pass belongs after `steps_done` optimizer steps:
 * steps_done a multiple of eval_every (0 included) or equal to steps. */
LOWP_API int lowp_train_is_eval_step(const struct lowp_train_config *cfg, uint64_t steps_done);

/* -------------------------------------------------------------- schedule */

/* The learning rate of optimizer step `step` (0-based), exactly nanoGPT's
 * get_lr(it):
 *   step < warmup:         lr * (step + 1) / (warmup + 1)
 *   step > decay_steps:    min_lr
 *   otherwise (cosine):    min_lr + 0.5 * (1 + cos(pi * r)) * (lr - min_lr),
 *                          r = (step - warmup) / (decay_steps - warmup)
 * (r = 1 when decay_steps == warmup). LOWP_LR_CONSTANT keeps the warmup and
 * returns lr after it. */
LOWP_API double lowp_train_lr(const struct lowp_train_config *cfg, uint64_t step);

/* ----------------------------------------------------- progress and log */

/* Monotonic wall-clock seconds (for elapsed time and tokens/s). */
LOWP_API double lowp_train_now(void);

/* 1 if the stream is a terminal (isatty), else 0. */
LOWP_API int lowp_train_is_tty(FILE *f);

/* What a progress line shows. Non-finite val_loss means "none yet". */
struct lowp_progress {
    uint64_t step, total_steps;  /* steps done, steps planned */
    uint64_t start_step;         /* steps done when this process started (resume) */
    double loss, lr;
    double val_loss;
    double elapsed_s;            /* seconds since this process started training */
    double tokens_per_s;
};

/* Render the progress line into buf (NUL-terminated, truncated to len):
 *   tty:   "\r\033[K" + "step 120/2000 (6.0%) | loss 2.4361 | lr 1.00e-03 |
 *          val 2.4700 | 12.3k tok/s | ETA 3m12s"   (no newline: redrawn in place)
 *   plain: the same text without the escape, ending in '\n'.
 * ETA = (total - step) * elapsed / (step - start_step). Returns the length
 * the full line needs (like snprintf). */
LOWP_API size_t lowp_progress_format(const struct lowp_progress *p, int tty, char *buf, size_t len);

/* One record of the JSON-lines log (log.jsonl in the run folder), one object
 * per line:
 *   {"type":"train","step":S,"loss":L,"lr":R,"tokens_per_s":T,"elapsed_s":E}
 *   {"type":"val","step":S,"val_loss":V,"elapsed_s":E}
 *   {"type":"hess","step":S,"gnb_loss":G,"gnb_norm":N,"win_rate":W,"elapsed_s":E}
 * `step` counts optimizer steps done. A "hess" record is one Sophia Hessian
 * refresh after step S: the mean cross-entropy against the sampled labels,
 * the GNB gradient's global L2 norm (before hess_clip) and the fraction of
 * coordinates whose next update is not clipped (|m| < rho*bs*h). Non-finite
 * numbers are written as null and read back as NaN. */
typedef enum lowp_log_kind {
    LOWP_LOG_TRAIN = 0,
    LOWP_LOG_VAL = 1,
    LOWP_LOG_HESS = 2
} lowp_log_kind;

struct lowp_log_record {
    lowp_log_kind kind;
    uint64_t step;
    double loss;          /* train: the step's loss; val: the validation loss; hess: the GNB loss */
    double lr;            /* train only (NaN otherwise) */
    double tokens_per_s;  /* train only (NaN otherwise) */
    double elapsed_s;
    double gnb_norm;      /* hess only */
    double win_rate;      /* hess only */
};

typedef struct lowp_train_log lowp_train_log;

/* Open (create) the log. With keep_through_step = UINT64_MAX the file is
 * started empty; otherwise the records it already holds with step <=
 * keep_through_step are kept and everything after them (records a killed
 * run wrote after its last checkpoint, a torn last line) is dropped, so a
 * resumed run continues the log exactly where its checkpoint stands. The
 * rewrite is atomic. LOWP_ERR_IO if the file cannot be written. */
LOWP_API lowp_status lowp_train_log_open(const char *path, uint64_t keep_through_step, lowp_train_log **out);
/* Append one record and flush it to the OS. */
LOWP_API lowp_status lowp_train_log_write(lowp_train_log *log, const struct lowp_log_record *r);
/* Flush, close and free; returns LOWP_ERR_IO if the final flush failed. */
LOWP_API lowp_status lowp_train_log_close(lowp_train_log *log);

/* Read a whole log into a malloc'ed array (free with free()). Unparseable
 * lines give LOWP_ERR_CORRUPT naming file:line, except that a torn last line
 * (no newline) is ignored. */
LOWP_API lowp_status lowp_train_log_read(const char *path, struct lowp_log_record **records, size_t *count);

/* The summary of a run (results.json). Non-finite = not available. */
struct lowp_train_results {
    uint64_t steps;
    double best_val_loss;
    uint64_t best_val_step;
    double final_val_loss;     /* the last validation pass */
    double final_train_loss;   /* the last training record */
    double tokens_per_s;       /* mean over the training records' rates */
    double elapsed_s;          /* the last record's elapsed time */
    uint64_t hess_refreshes;   /* Sophia: "hess" records (0 for other optimizers) */
    double win_rate;           /* Sophia: the last refresh's win rate */
};

/* Summarize a log's records. */
LOWP_API void lowp_train_results_from_log(const struct lowp_log_record *records, size_t count,
                                          struct lowp_train_results *out);

/* Write results.json atomically: the summary plus, when cfg is not NULL, a
 * "config" object holding every configuration key. */
LOWP_API lowp_status lowp_train_results_write(const char *path, const struct lowp_train_results *r,
                                              const struct lowp_train_config *cfg);

/* ------------------------------------------------------------------ plot */

/* Draw the train (thin) and validation (thick, with markers) loss curves of
 * several runs on one SVG (linear axes, ticks, grid, legend) and write it
 * atomically to out_path. Each run is a run folder (its log.jsonl is read)
 * or a .jsonl file; its label is the folder or file name. `title` may be
 * NULL. LOWP_ERR_IO / LOWP_ERR_CORRUPT from reading logs name the run. */
LOWP_API lowp_status lowp_plot_runs(const char *const *runs, size_t nruns, const char *title, const char *out_path);

/* ------------------------------------------------------------ checkpoint */

/* The checkpoint container (docs/trainer.md has the byte layout): a header
 * with magic "LOWPCKPT" and version, named sections of raw bytes each with
 * a CRC-32, and a table with its own CRC. Writing goes to "<path>.tmp" in
 * the same folder, is fsync'ed, and renamed over <path> only when complete
 * (then the folder is fsync'ed), so a crash at any moment leaves either the
 * previous file or the new one. One writer per path at a time. */
typedef struct lowp_ckpt_writer lowp_ckpt_writer;
typedef struct lowp_ckpt lowp_ckpt;

#define LOWP_CKPT_NAME_MAX 48   /* section name bytes, NUL included */

LOWP_API lowp_status lowp_ckpt_writer_begin(const char *path, lowp_ckpt_writer **out);
/* Append a section (name: 1..47 printable ASCII bytes, unique). The bytes go
 * straight to the temporary file. */
LOWP_API lowp_status lowp_ckpt_writer_add(lowp_ckpt_writer *w, const char *name, const void *data, size_t size);
/* Finish: write the table and header, fsync, rename, fsync the folder.
 * Frees w whatever happens; on failure the temporary file is removed and
 * <path> is untouched. */
LOWP_API lowp_status lowp_ckpt_writer_commit(lowp_ckpt_writer *w);
/* Give up: remove the temporary file, free w. NULL is fine. */
LOWP_API void lowp_ckpt_writer_abort(lowp_ckpt_writer *w);

/* Read and verify a whole checkpoint (magic, version, header and table
 * CRCs, every section's bounds and CRC, exact file size). LOWP_ERR_IO if it
 * cannot be read, LOWP_ERR_CORRUPT (with the reason) if anything is off. */
LOWP_API lowp_status lowp_ckpt_open(const char *path, lowp_ckpt **out);
LOWP_API void lowp_ckpt_close(lowp_ckpt *ck);
LOWP_API size_t lowp_ckpt_section_count(const lowp_ckpt *ck);
/* Name and size of section i (LOWP_ERR_INVALID_ARG if out of range). */
LOWP_API lowp_status lowp_ckpt_section_info(const lowp_ckpt *ck, size_t i, const char **name, size_t *size);
/* The bytes of the named section (valid until lowp_ckpt_close).
 * LOWP_ERR_CORRUPT "no section 'x'" if absent. */
LOWP_API lowp_status lowp_ckpt_find(const lowp_ckpt *ck, const char *name, const void **data, size_t *size);
/* Copy the named section into dst, which must be exactly `size` bytes
 * (LOWP_ERR_CORRUPT naming both sizes otherwise). */
LOWP_API lowp_status lowp_ckpt_read(const lowp_ckpt *ck, const char *name, void *dst, size_t size);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32): start with crc = 0. */
LOWP_API uint32_t lowp_crc32(uint32_t crc, const void *data, size_t size);

/* The trainer's own state, stored as section "trainer" (fixed little-endian
 * layout, docs/trainer.md). The data sampler and all other randomness are
 * counter-based (Philox keyed by seed and step), so seed + step IS the RNG
 * state: resuming at `step` redraws exactly the batches the run would have. */
struct lowp_train_state {
    uint64_t step;            /* optimizer steps done */
    uint64_t seed;            /* Philox key */
    uint64_t tokens_seen;
    double best_val_loss;     /* NaN if none yet */
    uint64_t best_val_step;
    double elapsed_s;         /* training time before this process */
};
#define LOWP_TRAIN_STATE_BYTES 48
LOWP_API void lowp_train_state_encode(const struct lowp_train_state *s, uint8_t out[LOWP_TRAIN_STATE_BYTES]);
/* LOWP_ERR_CORRUPT unless size == LOWP_TRAIN_STATE_BYTES. */
LOWP_API lowp_status lowp_train_state_decode(const void *data, size_t size, struct lowp_train_state *s);

#ifdef __cplusplus
}
#endif
#endif
