/* backend.h — THE backend interface. A backend (backends/cpu, backends/opencl)
 * is one `struct lowp_backend_ops` table; the op front-ends in src/ops/ check
 * their arguments and then call through it. Front-ends guarantee, before
 * any call: non-NULL arguments, buffers belonging to `ctx`, and every
 * accessed element range inside its buffer. Backends only report what they
 * alone can know (device errors, unsupported features, build failures).
 *
 * To add an op: one entry here, one front-end in src/ops/, one scalar
 * reference in backends/cpu/ref/, the fast CPU code, the OpenCL launch and
 * kernels/<family>.cl, a row in tests/test_ops.c, a row in bench/. See
 * docs/architecture.md. An entry may be NULL: the front-end then answers
 * LOWP_ERR_UNSUPPORTED. */
#ifndef LOWP_CORE_BACKEND_H
#define LOWP_CORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "lowp/basic.h"
#include "lowp/device.h"
#include "lowp/hadamard.h"

/* One discovered device: public description + what the backend needs to open it. */
struct lowp_device_entry {
    struct lowp_device_info info;
    const struct lowp_backend_ops *ops;
    void *platform; /* backend-private handles (cl_platform_id, cl_device_id) */
    void *device;
};

struct lowp_context {
    struct lowp_device_entry device;
    const struct lowp_backend_ops *ops;
    void *impl;                 /* backend state: queue, caches */
    struct lowp_buffer *buffers; /* live buffers, freed by lowp_context_close */
};

struct lowp_buffer {
    struct lowp_context *ctx;
    size_t bytes;
    void *handle; /* host pointer (CPU backend) or cl_mem */
    struct lowp_buffer *prev, *next;
};

struct lowp_backend_ops {
    const char *name;

    /* Append this backend's devices to `list` (capacity `cap`), add their number to *count. */
    lowp_status (*enumerate)(struct lowp_device_entry *list, size_t cap, size_t *count);

    lowp_status (*context_open)(struct lowp_context *ctx);
    void (*context_close)(struct lowp_context *ctx);
    lowp_status (*sync)(struct lowp_context *ctx);

    lowp_status (*buffer_alloc)(struct lowp_context *ctx, struct lowp_buffer *buf);
    void (*buffer_free)(struct lowp_context *ctx, struct lowp_buffer *buf);
    lowp_status (*buffer_write)(struct lowp_context *ctx, struct lowp_buffer *dst, size_t offset,
                                const void *src, size_t bytes);
    lowp_status (*buffer_read)(struct lowp_context *ctx, const struct lowp_buffer *src, size_t offset,
                               void *dst, size_t bytes);
    lowp_status (*buffer_copy)(struct lowp_context *ctx, struct lowp_buffer *dst, size_t dst_offset,
                               const struct lowp_buffer *src, size_t src_offset, size_t bytes);

    /* basic.h */
    lowp_status (*fill_f32)(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                            float value);
    lowp_status (*scale_f32)(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                             float alpha);
    lowp_status (*axpy_f32)(struct lowp_context *ctx, size_t count, float alpha, const struct lowp_buffer *x,
                            size_t x_offset, struct lowp_buffer *y, size_t y_offset);
    lowp_status (*random_u32)(struct lowp_context *ctx, struct lowp_buffer *x, size_t offset, size_t count,
                              uint64_t seed, uint64_t stream);
    lowp_status (*reduce_rows_f32)(struct lowp_context *ctx, const struct lowp_reduce_desc *desc,
                                   const struct lowp_buffer *x, struct lowp_buffer *out);

    /* ---- hadamard.h ----------------------------------------------------
     * desc is validated; x, y (and sign_bits for SIGNS_USER, else NULL) hold
     * their element ranges; y either aliases x exactly (same offset, dtype
     * and stride) or does not overlap it. Offsets are in elements of
     * dtype_in / dtype_out; sign words start at element 0. */
    lowp_status (*hadamard)(struct lowp_context *ctx, const struct lowp_hadamard_desc *desc,
                            const struct lowp_buffer *x, size_t x_offset, struct lowp_buffer *y, size_t y_offset,
                            const struct lowp_buffer *sign_bits);
    /* ---- end hadamard.h ---- */
};

extern const struct lowp_backend_ops lowp_cpu_backend;
#ifdef LOWP_HAVE_OPENCL
extern const struct lowp_backend_ops lowp_opencl_backend;
#endif

#endif
