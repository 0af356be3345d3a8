/* train_run.h — the pieces `lowp train` and `lowp sample` share: the model
 * built from a run configuration, the optimizer bound to the model's tensor
 * list, and the checkpoint sections that hold both (docs/trainer.md). */
#ifndef LOWP_CLI_TRAIN_RUN_H
#define LOWP_CLI_TRAIN_RUN_H

#include "lowp/lowp.h"
#include "lowp/train.h"
#include "core/error.h"

struct train_run {
    struct lowp_train_config cfg;
    lowp_context *ctx;
    lowp_model *model;
    /* optimizer over the model's tensor list */
    struct lowp_optim_hparams hp;
    struct lowp_optim_tensor *otensors;
    struct lowp_optim_tensor_state *tstates;
    struct lowp_optim_global_state gstate;
    struct lowp_optim_step_desc desc;
    lowp_buffer *ostate; /* NULL when the optimizer keeps no per-element state */
    struct lowp_train_state st;
};

/* Open the device and build the model (and, when with_optim, the optimizer)
 * from run->cfg. Frees everything it made on failure. */
lowp_status train_run_open(struct train_run *run, int with_optim);
void train_run_close(struct train_run *run);

/* Write every checkpoint section (config, trainer, model.params, optim.*). */
lowp_status train_run_save(struct train_run *run, const char *path);

/* Read the configuration stored in a checkpoint (into *cfg). */
lowp_status train_ckpt_config(const lowp_ckpt *ck, const char *tmp_path, struct lowp_train_config *cfg);

/* Restore model parameters, optimizer state and the trainer state from an
 * opened checkpoint (sizes must match exactly). */
lowp_status train_run_restore(struct train_run *run, const lowp_ckpt *ck, int with_optim);

/* The recipe the configuration names, applied to the model: the bf16
 * recipe instead once the run is in the last cfg.bf16_tail steps of its
 * learning-rate schedule (lowp_train_config_decay_steps; a function of
 * st.step alone, so a resumed run switches at the same step).
 * Call before every step (it only sets the model's recipe fields). */
lowp_status train_run_apply_recipe(struct train_run *run);

#endif
