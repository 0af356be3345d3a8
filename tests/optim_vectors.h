/* optim_vectors.h — the optimizer reference trajectories of
 * tests/vectors/optim (format: gen_optim.py) and their case table, shared
 * by the host test (test_optim_host.c) and the device matrix
 * (test_ops_optim.c). The table mirrors gen_optim.py's; keep them in sync. */
#ifndef LOWP_TEST_OPTIM_VECTORS_H
#define LOWP_TEST_OPTIM_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/optim.h"

#define OV_MAXT 8

struct ov_data {
    uint32_t nt, ns;               /* tensors, steps */
    uint32_t rows[OV_MAXT], cols[OV_MAXT];
    size_t total;                  /* elements of all tensors */
    float *init;                   /* [total] initial parameters */
    float *grads;                  /* [ns][total] gradient of each step */
    float *gnb;                    /* [ns][total] Sophia GNB gradient after each step */
};

/* One trajectory case: hyperparameters = defaults of `kind`, then setup(). */
struct ov_case {
    const char *name;
    lowp_optim_kind kind;
    uint32_t excl_mask;            /* tensors (bit k) with NO_WEIGHT_DECAY | NO_ADAPTATION */
    void (*setup)(struct lowp_optim_hparams *hp);
    double rtol;                   /* worst |got-vec|/(|vec| + 0.01) allowed */
};

extern const struct ov_case ov_cases[];
extern const size_t ov_case_count;

/* The case called `name`, or NULL. */
const struct ov_case *ov_find(const char *name);

/* Load dir/grads.bin; 1 on success. */
int ov_load(const char *dir, struct ov_data *v);
void ov_free(struct ov_data *v);

/* dir/<name>.bin: [ns][total] floats (malloc'd), or NULL. */
float *ov_load_traj(const char *dir, const struct ov_data *v, const char *name);

#endif
