/* cl_devices.c — discovery of usable OpenCL devices and their capabilities.
 * "Usable" = OpenCL C 1.2 or newer, available, with a compiler. A platform
 * that reports no devices (Mesa's Clover without a GPU) is skipped, and
 * CL_PLATFORM_NOT_FOUND_KHR means "no OpenCL here", not an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_impl.h"

#define MAX_PLATFORMS 16
#define MAX_PLATFORM_DEVICES 16

static void get_text(cl_device_id d, cl_device_info what, char *out, size_t len)
{
    out[0] = '\0';
    if (clGetDeviceInfo(d, what, len, out, NULL) != CL_SUCCESS)
        snprintf(out, len, "unknown");
    out[len - 1] = '\0';
}

static int has_extension(const char *extensions, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(extensions, name); p != NULL; p = strstr(p + 1, name))
        if ((p == extensions || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

/* OpenCL C version "OpenCL C 1.2 ..." as major*10+minor. */
static int c_version(const char *text)
{
    int major = 0, minor = 0;
    if (sscanf(text, "OpenCL C %d.%d", &major, &minor) != 2)
        return 0;
    return major * 10 + minor;
}

static void describe(cl_platform_id p, cl_device_id d, struct lowp_device_entry *e)
{
    struct lowp_device_info *info = &e->info;
    memset(e, 0, sizeof *e);
    clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof info->platform, info->platform, NULL);
    info->platform[sizeof info->platform - 1] = '\0';
    get_text(d, CL_DEVICE_NAME, info->name, sizeof info->name);
    get_text(d, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    get_text(d, CL_DRIVER_VERSION, info->driver, sizeof info->driver);
    get_text(d, CL_DEVICE_OPENCL_C_VERSION, info->version, sizeof info->version);
    info->backend = LOWP_BACKEND_OPENCL;

    cl_device_type type = 0;
    clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    info->kind = (type & CL_DEVICE_TYPE_GPU)           ? LOWP_DEVICE_KIND_GPU
                 : (type & CL_DEVICE_TYPE_CPU)         ? LOWP_DEVICE_KIND_CPU
                 : (type & CL_DEVICE_TYPE_ACCELERATOR) ? LOWP_DEVICE_KIND_ACCELERATOR
                                                       : LOWP_DEVICE_KIND_OTHER;
    cl_uint units = 0;
    size_t wg = 0;
    cl_ulong global = 0, local = 0, max_alloc = 0;
    clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL);
    clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global, NULL);
    clGetDeviceInfo(d, CL_DEVICE_LOCAL_MEM_SIZE, sizeof local, &local, NULL);
    clGetDeviceInfo(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
    info->compute_units = units;
    info->max_work_group_size = (uint32_t)wg;
    info->global_mem_bytes = global;
    info->local_mem_bytes = local;
    info->max_alloc_bytes = max_alloc;

    size_t ext_len = 0;
    clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, NULL, &ext_len);
    char *ext = calloc(ext_len + 1, 1);
    if (ext != NULL && clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, ext_len, ext, NULL) == CL_SUCCESS) {
        if (has_extension(ext, "cl_khr_fp16"))
            info->caps |= LOWP_CAP_FP16;
        if (has_extension(ext, "cl_khr_fp64"))
            info->caps |= LOWP_CAP_FP64;
        if (has_extension(ext, "cl_khr_subgroups") || has_extension(ext, "cl_intel_subgroups"))
            info->caps |= LOWP_CAP_SUBGROUPS;
    }
    free(ext);
    cl_device_fp_config fp = 0;
    clGetDeviceInfo(d, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL);
    if (fp & CL_FP_DENORM)
        info->caps |= LOWP_CAP_F32_DENORMALS;
    e->platform = p;
    e->device = d;
    e->ops = &lowp_opencl_backend;
}

static int usable(cl_device_id d)
{
    cl_bool available = CL_FALSE, compiler = CL_FALSE;
    char version[128];
    clGetDeviceInfo(d, CL_DEVICE_AVAILABLE, sizeof available, &available, NULL);
    clGetDeviceInfo(d, CL_DEVICE_COMPILER_AVAILABLE, sizeof compiler, &compiler, NULL);
    get_text(d, CL_DEVICE_OPENCL_C_VERSION, version, sizeof version);
    return available && compiler && c_version(version) >= 12;
}

lowp_status lowp_cl_enumerate(struct lowp_device_entry *list, size_t cap, size_t *count)
{
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint np = 0;
    cl_int err = clGetPlatformIDs(MAX_PLATFORMS, platforms, &np);
    if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || np == 0)
        return LOWP_OK;
    if (err != CL_SUCCESS)
        return lowp_cl_fail(__func__, "clGetPlatformIDs", err);
    if (np > MAX_PLATFORMS)
        np = MAX_PLATFORMS;
    size_t n = 0;
    for (cl_uint p = 0; p < np; ++p) {
        cl_device_id devices[MAX_PLATFORM_DEVICES];
        cl_uint nd = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_PLATFORM_DEVICES, devices, &nd) != CL_SUCCESS)
            continue;
        if (nd > MAX_PLATFORM_DEVICES)
            nd = MAX_PLATFORM_DEVICES;
        for (cl_uint i = 0; i < nd && n < cap; ++i)
            if (usable(devices[i]))
                describe(platforms[p], devices[i], &list[n++]);
    }
    *count += n;
    return LOWP_OK;
}
