/* schedule.c — the learning-rate schedule, written to give exactly the
 * numbers of nanoGPT's get_lr(it) (train.py): warmup (it+1)/(warmup+1),
 * cosine decay to min_lr over [warmup, decay_steps], min_lr after. */
#include <math.h>

#include "lowp/train.h"

uint64_t lowp_train_config_decay_steps(const struct lowp_train_config *cfg)
{
    return cfg->lr_decay_steps ? cfg->lr_decay_steps : cfg->steps;
}

double lowp_train_lr(const struct lowp_train_config *cfg, uint64_t step)
{
    if (!cfg)
        return NAN;
    const double lr = cfg->lr, min_lr = cfg->min_lr;
    const uint64_t warmup = cfg->warmup_steps;
    if (step < warmup)
        return lr * (double)(step + 1) / (double)(warmup + 1);
    if (cfg->schedule == LOWP_LR_CONSTANT)
        return lr;
    const uint64_t decay = lowp_train_config_decay_steps(cfg);
    if (step > decay)
        return min_lr;
    /* decay == warmup would divide by zero in nanoGPT; the limit is r = 1. */
    double ratio = decay > warmup ? (double)(step - warmup) / (double)(decay - warmup) : 1.0;
    const double pi = 3.14159265358979323846;
    double coeff = 0.5 * (1.0 + cos(pi * ratio));
    return min_lr + coeff * (lr - min_lr);
}

int lowp_train_is_eval_step(const struct lowp_train_config *cfg, uint64_t steps_done)
{
    if (!cfg)
        return 0;
    if (steps_done == cfg->steps)
        return 1;
    return cfg->eval_every > 0 && steps_done % cfg->eval_every == 0;
}
