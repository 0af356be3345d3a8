/* test_train_schedule.c — the LR schedule against nanoGPT's get_lr, with the
 * expected numbers computed by Python (math.cos) from train.py's formula;
 * and the evaluation cadence. */
#include <math.h>
#include <stdio.h>

#include "lowp/train.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) ++passed; else { ++failed; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                              printf(__VA_ARGS__); printf("\n"); } } while (0)

static void expect_lr(const struct lowp_train_config *c, uint64_t step, double want)
{
    double got = lowp_train_lr(c, step);
    CHECK(fabs(got - want) <= 1e-14 * fabs(want), "lr(step %llu) = %.17g, want %.17g", (unsigned long long)step,
          got, want);
}

int main(void)
{
    struct lowp_train_config c;
    lowp_train_config_preset("gpt10m", &c);
    static const struct { uint64_t step; double lr; } gpt[] = {
        {0, 9.900990099009901e-06},   {1, 1.9801980198019803e-05}, {50, 0.000504950495049505},
        {99, 0.0009900990099009901},  {100, 0.001},                {101, 0.000999999907510999},
        {1000, 0.0009271396472013282}, {2550, 0.00055},            {4999, 0.00010000009248900101},
        {5000, 0.0001},               {5001, 0.0001},              {7000, 0.0001},
    };
    for (size_t i = 0; i < sizeof gpt / sizeof gpt[0]; ++i)
        expect_lr(&c, gpt[i].step, gpt[i].lr);

    lowp_train_config_preset("small", &c); /* decays over its 2000 steps */
    static const struct { uint64_t step; double lr; } small[] = {
        {0, 9.900990099009901e-06}, {99, 0.0009900990099009901}, {100, 0.001}, {500, 0.0009051132292283772},
        {1050, 0.00055},            {1999, 0.00010000061514140841}, {2000, 0.0001},
    };
    for (size_t i = 0; i < sizeof small / sizeof small[0]; ++i)
        expect_lr(&c, small[i].step, small[i].lr);

    /* An explicit horizon beats steps. */
    c.lr_decay_steps = 5000;
    expect_lr(&c, 2550, 0.00055);

    /* Constant: the same warmup, then lr for ever. */
    c.schedule = LOWP_LR_CONSTANT;
    expect_lr(&c, 0, 9.900990099009901e-06);
    expect_lr(&c, 100, 0.001);
    expect_lr(&c, 100000, 0.001);

    /* No warmup: step 0 is already the peak. Decay == warmup: min_lr after. */
    c.schedule = LOWP_LR_COSINE;
    c.warmup_steps = 0;
    c.lr_decay_steps = 0;
    expect_lr(&c, 0, 0.001);
    c.warmup_steps = 10;
    c.lr_decay_steps = 10;
    expect_lr(&c, 10, 0.0001);
    expect_lr(&c, 9, 0.001 * 10 / 11);

    /* Validation cadence: 0, every 250, and the last step. */
    lowp_train_config_preset("small", &c);
    c.steps = 600;
    CHECK(lowp_train_is_eval_step(&c, 0), "eval at 0");
    CHECK(!lowp_train_is_eval_step(&c, 1), "no eval at 1");
    CHECK(lowp_train_is_eval_step(&c, 250) && lowp_train_is_eval_step(&c, 500), "eval at 250, 500");
    CHECK(lowp_train_is_eval_step(&c, 600), "eval at the last step");
    CHECK(!lowp_train_is_eval_step(&c, 599), "no eval at 599");
    CHECK(lowp_train_config_decay_steps(&c) == 600, "decay horizon defaults to steps");

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
