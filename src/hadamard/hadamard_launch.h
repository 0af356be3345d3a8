/* hadamard_launch.h — how to run kernels/hadamard.cl for a descriptor:
 * which kernels, in which order, with which scalar arguments, global and
 * local sizes and local memory. Pure host arithmetic (no OpenCL types), so
 * the OpenCL backend only binds buffers and enqueues. */
#ifndef LOWP_HADAMARD_LAUNCH_H
#define LOWP_HADAMARD_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "hadamard/hadamard_plan.h"

/* Largest local tile in floats a work-group uses (16 KiB plus padding):
 * n ≤ 4096 runs in one pass, longer transforms in two. */
#define LOWP_HADAMARD_TILE_FLOATS 4096u
/* Most vectors per work-group (small n: several rows per group). */
#define LOWP_HADAMARD_MAX_GROUP_VECTORS 64u
/* Power-of-two blocks up to this length along columns run entirely in
 * registers (lowp_hadamard_strided with S = 1). */
#define LOWP_HADAMARD_REG_MAX_N 32u

typedef enum lowp_hadamard_kernel {
    LOWP_HADAMARD_KERNEL_LOCAL   = 0, /* lowp_hadamard_local   */
    LOWP_HADAMARD_KERNEL_STRIDED = 1  /* lowp_hadamard_strided */
} lowp_hadamard_kernel;

/* Which buffer a pass reads or writes. */
typedef enum lowp_hadamard_buf {
    LOWP_HADAMARD_BUF_X    = 0, /* the op's input (x_off, ld_in, dtype_in)              */
    LOWP_HADAMARD_BUF_Y    = 1, /* the op's output (y_off, ld_out, dtype_out)           */
    LOWP_HADAMARD_BUF_WORK = 2  /* fp32 scratch of work_bytes, offset 0, row stride work_ld */
} lowp_hadamard_buf;

struct lowp_hadamard_pass {
    lowp_hadamard_kernel kernel;
    lowp_hadamard_buf src, dst;
    int src_bf16, dst_bf16;     /* element type of src/dst in this pass */
    uint64_t src_ld, dst_ld;    /* row strides (elements) */
    /* lowp_hadamard_local */
    uint64_t nchunks;
    uint32_t L, m, p, log2p, G;
    int final_pass;
    size_t local_bytes;         /* size of the __local lds argument */
    /* lowp_hadamard_strided */
    uint64_t nblocks;
    uint32_t T, S;
    int mix;
    int first_pass;             /* 1: reads the op's input (forward signs at load) */
    /* NDRange (2-D) */
    size_t global[2], local[2];
};

struct lowp_hadamard_launch {
    struct lowp_hadamard_plan plan; /* n, m, p, scale, hm_bits (upload m words) */
    int npasses;                    /* 1 or 2, run in order */
    struct lowp_hadamard_pass pass[2];
    uint64_t work_bytes;            /* fp32 scratch needed (0: none) */
    uint64_t work_ld;
};

/* local_mem_bytes: CL_DEVICE_LOCAL_MEM_SIZE (minus what the kernel itself
 * uses: CL_KERNEL_LOCAL_MEM_SIZE); max_wg: the smaller of
 * CL_DEVICE_MAX_WORK_GROUP_SIZE and CL_KERNEL_WORK_GROUP_SIZE of both
 * kernels. LOWP_ERR_UNSUPPORTED when local memory is too small. */
lowp_status lowp_hadamard_launch_make(const struct lowp_hadamard_desc *d, uint64_t local_mem_bytes, size_t max_wg,
                                      struct lowp_hadamard_launch *out);

#endif
