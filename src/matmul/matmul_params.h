/* matmul_params.h — tuning parameters of kernels/matmul.cl (lowp_matmul_tiled):
 * the parameter struct, the per-device default table, the candidate grid a
 * tuner searches, validation against device limits, the -D string for
 * clBuildProgram and the launch geometry. No OpenCL types: the OpenCL backend
 * passes the strings/limits it queried. */
#ifndef LOWP_MATMUL_PARAMS_H
#define LOWP_MATMUL_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include "lowp/matmul.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One value per tunable #define of kernels/matmul.cl (same names, lower case). */
struct lowp_matmul_cl_params {
    unsigned mwg, nwg, kwg;   /* work-group tile: rows, columns, k-slice */
    unsigned wptm, wptn;      /* register tile per work-item */
    unsigned vw;              /* global-load vector width (1, 2, 4, 8) */
    unsigned pada, padb;      /* local-memory row padding (floats) */
    unsigned fma;             /* MM_FMA: 0 keeps bit-equality with lowp_ref_matmul_f32seq */
    unsigned relax_wgs;       /* RELAX_WGS: 1 drops reqd_work_group_size */
};

/* One row of the table. vendor is a normalized key (see
 * lowp_matmul_cl_vendor_key), device a normalized device name or NULL for
 * the vendor's default row. */
struct lowp_matmul_cl_entry {
    const char *vendor;
    const char *device;
    struct lowp_matmul_cl_params p;
    /* 1 when the tuner measured CLBlast faster than lowp_matmul_tiled with
     * `p` on this device: engine AUTO then runs CLBlast (builds with
     * LOWP_HAVE_CLBLAST only). 0 keeps AUTO on the own kernel. */
    unsigned clblast_faster;
};

/* Normalized vendor key from what clGetPlatformInfo/clGetDeviceInfo report:
 * "pocl" and "rusticl" (keyed by platform, since their compiler matters more
 * than the silicon), else "NVIDIA", "AMD", "Intel", "Apple", "ARM",
 * "Qualcomm", "Imagination", or "" when unknown. Never NULL. */
const char *lowp_matmul_cl_vendor_key(const char *platform_name, const char *device_vendor);

/* Parameters for a device: exact (vendor, device) row, else the vendor's
 * default row, else the generic CPU or GPU default. Device names are
 * compared after normalization (PoCL's "pthread-"/"cpu-" prefix dropped,
 * surrounding spaces trimmed). *matched (may be NULL) receives a static
 * string naming the row used, e.g. "pocl/default". Never fails for
 * non-NULL out; NULL strings count as "". */
lowp_status lowp_matmul_cl_params_lookup(const char *platform_name, const char *device_vendor,
                                         const char *device_name, int is_cpu,
                                         struct lowp_matmul_cl_params *out, const char **matched);

/* The same lookup, also returning the row's clblast_faster flag (0 for the
 * generic defaults). clblast_faster may be NULL. */
lowp_status lowp_matmul_cl_params_lookup_ex(const char *platform_name, const char *device_vendor,
                                            const char *device_name, int is_cpu,
                                            struct lowp_matmul_cl_params *out, const char **matched,
                                            unsigned *clblast_faster);

/* The device-name key of the table: PoCL's "pthread-"/"cpu-" prefix and
 * outer spaces dropped, truncated to len-1 bytes. The tuner writes it. */
void lowp_matmul_cl_normalize_name(const char *name, char *buf, size_t len);

/* Structural checks (divisibility, ranges) and device limits: work-group size
 * (MWG/WPTM)*(NWG/WPTN) <= max_wg_size and each dimension <= max_item[0..1]
 * (pass 0 to skip a limit), local memory 4*KWG*(MWG+PADA+NWG+PADB) <=
 * local_mem_bytes. LOWP_ERR_UNSUPPORTED with the reason when a limit fails,
 * LOWP_ERR_INVALID_ARG when the set itself is malformed. */
lowp_status lowp_matmul_cl_params_validate(const struct lowp_matmul_cl_params *p, size_t max_wg_size,
                                           const size_t max_item[2], uint64_t local_mem_bytes);

/* Write "-DMWG=64 -DNWG=64 ... -DRELAX_WGS=0" into buf (NUL-terminated). */
lowp_status lowp_matmul_cl_params_defines(const struct lowp_matmul_cl_params *p, char *buf, size_t len);

/* NDRange for lowp_matmul_tiled: global = (ceil(n/NWG)*NWG/WPTN,
 * ceil(m/MWG)*MWG/WPTM, batch), local = (NWG/WPTN, MWG/WPTM, 1). */
void lowp_matmul_cl_tiled_range(const struct lowp_matmul_cl_params *p, const struct lowp_matmul_desc *d,
                                size_t global[3], size_t local[3]);

/* NDRange for lowp_matmul_simple with an 8 x 8 work-group (any works). */
void lowp_matmul_cl_simple_range(const struct lowp_matmul_desc *d, size_t global[3], size_t local[3]);

/* 1 when the simple kernel is the better choice: problems too small to fill
 * one tile meaningfully (m*n*k < 32^3, or m or n < 4). Both kernels give the
 * same bits, so this is purely a speed decision. */
int lowp_matmul_cl_prefer_simple(const struct lowp_matmul_desc *d);

/* The tuner's search space: every structurally valid combination of the
 * grid documented in matmul_params.c (device limits are NOT applied; run
 * lowp_matmul_cl_params_validate per device). Writes up to cap sets to out
 * (out may be NULL) and returns the total number of candidates. */
size_t lowp_matmul_cl_params_candidates(struct lowp_matmul_cl_params *out, size_t cap);

/* The table itself, for listing (lowp-info) and for tests. */
extern const struct lowp_matmul_cl_entry lowp_matmul_cl_table[];
extern const size_t lowp_matmul_cl_table_len;

#ifdef __cplusplus
}
#endif
#endif
