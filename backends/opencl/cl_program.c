/* cl_program.c — kernel sources, program builds and the in-memory caches.
 *
 * A program for family F is kernels/common.cl + kernels/philox.cl +
 * kernels/codec.cl + kernels/F.cl (the exact format codecs are shared by
 * every family: quantize inside Hadamard or matmul, bf16 optimizer state),
 * with a family's own shared file in between where it has one (optim:
 * optim_rules.cl, the per-element updates the C backends include too),
 * built with "-cl-std=CL1.2" and the caller's options. The
 * sources are embedded in the library at build time; $LOWP_KERNEL_DIR makes
 * the library read them from that folder instead (for kernel work without
 * rebuilding, and for the broken-kernel test). Built programs are kept per
 * context (memory) and per device+driver+source+options (disk, cl_cache.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_impl.h"

static lowp_status source_read(const char *file, char **text, size_t *len)
{
    const char *dir = getenv("LOWP_KERNEL_DIR");
    if (dir != NULL && dir[0] != '\0') {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            return lowp_error(LOWP_ERR_IO, "kernel source %s: cannot open (LOWP_KERNEL_DIR=%s)", path, dir);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        *text = malloc(size > 0 ? (size_t)size + 1 : 1);
        if (*text == NULL) {
            fclose(f);
            return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "kernel source %s: out of host memory", path);
        }
        *len = size > 0 ? fread(*text, 1, (size_t)size, f) : 0;
        (*text)[*len] = '\0';
        fclose(f);
        return LOWP_OK;
    }
    for (size_t i = 0; i < lowp_embedded_kernel_count; ++i) {
        if (strcmp(lowp_embedded_kernels[i].name, file) == 0) {
            *len = lowp_embedded_kernels[i].length;
            *text = malloc(*len + 1);
            if (*text == NULL)
                return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "kernel source %s: out of host memory", file);
            memcpy(*text, lowp_embedded_kernels[i].text, *len);
            (*text)[*len] = '\0';
            return LOWP_OK;
        }
    }
    return lowp_error(LOWP_ERR_INVALID_ARG, "no kernel source named %s in this build", file);
}

/* The file a family's kernels need between the common prelude and their
 * own file, or NULL. Such a file is written in the common subset of C11 and
 * OpenCL C and also included by the C backends: embedded sources cannot
 * #include one another, so it is prepended here (tests/check_kernel.cmake
 * assembles the same order). */
static const char *family_prelude(const char *family)
{
    if (strcmp(family, "optim") == 0)
        return "optim_rules.cl";
    if (strcmp(family, "pqt") == 0)
        return "pqt_rules.cl";
    return NULL;
}

/* The full program text, with #line markers so build logs name the real file. */
static lowp_status program_source(const char *family, char **out, size_t *out_len)
{
    char family_file[64];
    snprintf(family_file, sizeof family_file, "%s.cl", family);
    enum { MAXFILES = 5 };
    const char *files[MAXFILES] = {"common.cl", "philox.cl", "codec.cl"};
    int nfiles = 3;
    const char *prelude = family_prelude(family);
    if (prelude != NULL)
        files[nfiles++] = prelude;
    files[nfiles++] = family_file;
    char *parts[MAXFILES] = {NULL};
    size_t lens[MAXFILES] = {0}, total = 1;
    lowp_status s = LOWP_OK;
    for (int i = 0; i < nfiles && s == LOWP_OK; ++i) {
        s = source_read(files[i], &parts[i], &lens[i]);
        total += lens[i] + 64;
    }
    char *text = s == LOWP_OK ? malloc(total) : NULL;
    if (s == LOWP_OK && text == NULL)
        s = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "kernel source: out of host memory");
    if (s == LOWP_OK) {
        size_t used = 0;
        for (int i = 0; i < nfiles; ++i) {
            used += (size_t)snprintf(text + used, total - used, "#line 1 \"%s\"\n", files[i]);
            memcpy(text + used, parts[i], lens[i]);
            used += lens[i];
            text[used++] = '\n';
        }
        text[used] = '\0';
        *out = text;
        *out_len = used;
    }
    for (int i = 0; i < nfiles; ++i)
        free(parts[i]);
    return s;
}

static void device_text(cl_device_id d, cl_device_info what, char *out, size_t len)
{
    if (clGetDeviceInfo(d, what, len, out, NULL) != CL_SUCCESS)
        out[0] = '\0';
    out[len - 1] = '\0';
}

/* The disk-cache key: everything that can change the binary. */
static char *cache_key(struct lowp_cl_context *cl, const char *options, const char *source, size_t *key_len)
{
    char platform[256] = "", pversion[256] = "", name[256] = "", driver[256] = "", dversion[256] = "";
    clGetPlatformInfo(cl->platform, CL_PLATFORM_NAME, sizeof platform, platform, NULL);
    clGetPlatformInfo(cl->platform, CL_PLATFORM_VERSION, sizeof pversion, pversion, NULL);
    platform[255] = pversion[255] = '\0';
    device_text(cl->device, CL_DEVICE_NAME, name, sizeof name);
    device_text(cl->device, CL_DRIVER_VERSION, driver, sizeof driver);
    device_text(cl->device, CL_DEVICE_VERSION, dversion, sizeof dversion);
    size_t len = strlen(source) + 2048;
    char *key = malloc(len);
    if (key == NULL)
        return NULL;
    *key_len = (size_t)snprintf(key, len, "lowp-cl-cache-1\n%s\n%s\n%s\n%s\n%s\n%s\n%s", platform, pversion, name,
                                driver, dversion, options, source);
    return key;
}

static lowp_status build_log_error(struct lowp_cl_context *cl, cl_program program, const char *family, cl_int err)
{
    lowp_error(LOWP_ERR_BUILD, "kernel build failed for kernels/%s.cl (%s); build log:\n", family,
               lowp_cl_error_name(err));
    size_t log_len = 0;
    clGetProgramBuildInfo(program, cl->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &log_len);
    char *log = malloc(log_len + 1);
    if (log != NULL && clGetProgramBuildInfo(program, cl->device, CL_PROGRAM_BUILD_LOG, log_len, log, NULL) ==
                           CL_SUCCESS) {
        log[log_len] = '\0';
        lowp_error_append(log);
    }
    free(log);
    return LOWP_ERR_BUILD;
}

static cl_program try_cached_binary(struct lowp_cl_context *cl, const char *key, size_t key_len,
                                    const char *full_options)
{
    unsigned char *binary = NULL;
    size_t binary_len = 0;
    if (!lowp_cl_cache_load(key, key_len, &binary, &binary_len))
        return NULL;
    cl_int err = CL_SUCCESS, bin_status = CL_SUCCESS;
    const unsigned char *bins[1] = {binary};
    cl_program p = clCreateProgramWithBinary(cl->context, 1, &cl->device, &binary_len, bins, &bin_status, &err);
    free(binary);
    if (err != CL_SUCCESS || bin_status != CL_SUCCESS)
        return NULL;
    if (clBuildProgram(p, 1, &cl->device, full_options, NULL, NULL) != CL_SUCCESS) {
        clReleaseProgram(p); /* a stale or foreign binary: fall back to source */
        return NULL;
    }
    return p;
}

static void store_binary(struct lowp_cl_context *cl, cl_program p, const char *key, size_t key_len)
{
    size_t size = 0;
    if (clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS || size == 0)
        return;
    unsigned char *binary = malloc(size);
    if (binary == NULL)
        return;
    unsigned char *bins[1] = {binary};
    if (clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL) == CL_SUCCESS)
        lowp_cl_cache_store(key, key_len, binary, size);
    free(binary);
    (void)cl;
}

static lowp_status program_build(struct lowp_cl_context *cl, const char *family, const char *options,
                                 cl_program *out)
{
    char *source = NULL;
    size_t source_len = 0;
    LOWP_TRY(program_source(family, &source, &source_len));
    char full_options[640];
    snprintf(full_options, sizeof full_options, "-cl-std=CL1.2 %s", options);
    size_t key_len = 0;
    char *key = cache_key(cl, full_options, source, &key_len);
    cl_program p = key != NULL ? try_cached_binary(cl, key, key_len, full_options) : NULL;
    if (p == NULL) {
        cl_int err = CL_SUCCESS;
        const char *srcs[1] = {source};
        p = clCreateProgramWithSource(cl->context, 1, srcs, &source_len, &err);
        if (err != CL_SUCCESS) {
            free(source);
            free(key);
            return lowp_cl_fail(__func__, "clCreateProgramWithSource", err);
        }
        err = clBuildProgram(p, 1, &cl->device, full_options, NULL, NULL);
        if (err != CL_SUCCESS) {
            lowp_status s = build_log_error(cl, p, family, err);
            clReleaseProgram(p);
            free(source);
            free(key);
            return s;
        }
        if (key != NULL)
            store_binary(cl, p, key, key_len);
    }
    free(source);
    free(key);
    *out = p;
    return LOWP_OK;
}

lowp_status lowp_cl_kernel_get(struct lowp_context *ctx, const char *family, const char *options, const char *name,
                               cl_kernel *out)
{
    struct lowp_cl_context *cl = lowp_cl_impl(ctx);
    if (options == NULL)
        options = "";
    cl_program program = NULL;
    for (size_t i = 0; i < cl->program_count && program == NULL; ++i)
        if (strcmp(cl->programs[i].family, family) == 0 && strcmp(cl->programs[i].options, options) == 0)
            program = cl->programs[i].program;
    if (program == NULL) {
        if (cl->program_count == LOWP_CL_MAX_PROGRAMS)
            return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl: more than %d programs in one context",
                              LOWP_CL_MAX_PROGRAMS);
        if (strlen(family) >= sizeof cl->programs[0].family || strlen(options) >= sizeof cl->programs[0].options)
            return lowp_error(LOWP_ERR_INVALID_ARG, "opencl: program name or options too long");
        LOWP_TRY(program_build(cl, family, options, &program));
        struct lowp_cl_program *slot = &cl->programs[cl->program_count++];
        snprintf(slot->family, sizeof slot->family, "%s", family);
        snprintf(slot->options, sizeof slot->options, "%s", options);
        slot->program = program;
    }
    for (size_t i = 0; i < cl->kernel_count; ++i) {
        if (cl->kernels[i].program == program && strcmp(cl->kernels[i].name, name) == 0) {
            *out = cl->kernels[i].kernel;
            return LOWP_OK;
        }
    }
    if (cl->kernel_count == LOWP_CL_MAX_KERNELS)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "opencl: more than %d kernels in one context", LOWP_CL_MAX_KERNELS);
    cl_int err = CL_SUCCESS;
    cl_kernel k = clCreateKernel(program, name, &err);
    if (err != CL_SUCCESS)
        return lowp_error(LOWP_ERR_DEVICE, "opencl: no kernel %s in kernels/%s.cl (%s)", name, family,
                          lowp_cl_error_name(err));
    struct lowp_cl_kernel *slot = &cl->kernels[cl->kernel_count++];
    slot->program = program;
    snprintf(slot->name, sizeof slot->name, "%s", name);
    slot->kernel = k;
    *out = k;
    return LOWP_OK;
}

void lowp_cl_programs_release(struct lowp_cl_context *cl)
{
    for (size_t i = 0; i < cl->kernel_count; ++i)
        clReleaseKernel(cl->kernels[i].kernel);
    for (size_t i = 0; i < cl->program_count; ++i)
        clReleaseProgram(cl->programs[i].program);
    cl->kernel_count = cl->program_count = 0;
}
