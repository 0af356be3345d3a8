/* lowp/device.h — device discovery.
 *
 * Every usable device gets a stable id: "cpu" for the CPU backend (always
 * present) and "opencl:N" for the N-th usable OpenCL device, counted over
 * platforms and devices in the order the ICD loader reports them. */
#ifndef LOWP_DEVICE_H
#define LOWP_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowp_backend_kind {
    LOWP_BACKEND_CPU    = 0,
    LOWP_BACKEND_OPENCL = 1
} lowp_backend_kind;

typedef enum lowp_device_kind {
    LOWP_DEVICE_KIND_CPU         = 0,
    LOWP_DEVICE_KIND_GPU         = 1,
    LOWP_DEVICE_KIND_ACCELERATOR = 2,
    LOWP_DEVICE_KIND_OTHER       = 3
} lowp_device_kind;

/* Capability bits (lowp_device_info.caps). */
#define LOWP_CAP_FP16          (1u << 0) /* half arithmetic (cl_khr_fp16) */
#define LOWP_CAP_FP64          (1u << 1) /* double arithmetic */
#define LOWP_CAP_SUBGROUPS     (1u << 2) /* cl_khr_subgroups or cl_intel_subgroups */
#define LOWP_CAP_F32_DENORMALS (1u << 3) /* fp32 arithmetic keeps subnormals */

#define LOWP_DEVICE_TEXT 128

struct lowp_device_info {
    char id[32];                       /* "cpu", "opencl:0", ... */
    char name[LOWP_DEVICE_TEXT];       /* device name */
    char vendor[LOWP_DEVICE_TEXT];     /* device vendor */
    char platform[LOWP_DEVICE_TEXT];   /* OpenCL platform name, or "lowp" for the CPU backend */
    char driver[LOWP_DEVICE_TEXT];     /* driver version (OpenCL), compiler/OpenMP/BLAS for the CPU */
    char version[LOWP_DEVICE_TEXT];    /* OpenCL C version, or "C11" */
    lowp_backend_kind backend;
    lowp_device_kind kind;
    uint32_t compute_units;            /* OpenCL compute units, or CPU threads */
    uint32_t max_work_group_size;      /* 1 for the CPU backend */
    uint32_t caps;                     /* LOWP_CAP_* bits */
    uint64_t global_mem_bytes;
    uint64_t local_mem_bytes;
    uint64_t max_alloc_bytes;          /* largest single buffer */
};

/* Number of usable devices (at least 1: the CPU backend). Discovery runs
 * once per process; an OpenCL runtime without platforms is not an error. */
LOWP_API lowp_status lowp_device_count(size_t *count);

/* Description of device `index` (0 .. count-1). */
LOWP_API lowp_status lowp_device_get_info(size_t index, struct lowp_device_info *info);

/* Resolve a selector to a device index:
 *   NULL or ""      -> $LOWP_DEVICE if set, else the best device (the first
 *                      OpenCL GPU or accelerator, otherwise "cpu");
 *   "best"          -> the best device as above, ignoring $LOWP_DEVICE;
 *   an id           -> that device ("cpu", "opencl:1");
 *   anything else   -> the first device whose "platform name vendor version"
 *                      contains it, case-insensitively ("pocl", "rusticl", "nvidia").
 * LOWP_ERR_NO_DEVICE if nothing matches. */
LOWP_API lowp_status lowp_device_find(const char *selector, size_t *index);

#ifdef __cplusplus
}
#endif
#endif
