/* lowp/context.h — an opened device (its queue and kernel caches) and
 * device buffers.
 *
 * Ops are queued in order on the context and may run asynchronously;
 * lowp_buffer_read() and lowp_context_sync() wait for everything queued
 * before them. A context and its buffers must not be used from two threads
 * at once; use one context per thread instead. */
#ifndef LOWP_CONTEXT_H
#define LOWP_CONTEXT_H

#include <stddef.h>

#include "lowp/device.h"
#include "lowp/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lowp_context lowp_context;
typedef struct lowp_buffer lowp_buffer;

/* Open the device chosen by `selector` (see lowp_device_find). */
LOWP_API lowp_status lowp_context_open(const char *selector, lowp_context **out);

/* Release the context; buffers still allocated from it are freed too. NULL is ignored. */
LOWP_API void lowp_context_close(lowp_context *ctx);

LOWP_API lowp_status lowp_context_get_info(const lowp_context *ctx, struct lowp_device_info *info);

/* Wait until every queued operation has finished. */
LOWP_API lowp_status lowp_context_sync(lowp_context *ctx);

/* Device buffer of `bytes` bytes (> 0), contents undefined. */
LOWP_API lowp_status lowp_buffer_alloc(lowp_context *ctx, size_t bytes, lowp_buffer **out);

/* NULL is ignored. */
LOWP_API void lowp_buffer_free(lowp_buffer *buf);

LOWP_API size_t lowp_buffer_size(const lowp_buffer *buf);

/* Byte ranges; the whole range must lie inside the buffer. Write returns
 * once `src` may be reused; read returns once `dst` holds the data. */
LOWP_API lowp_status lowp_buffer_write(lowp_buffer *dst, size_t offset, const void *src, size_t bytes);
LOWP_API lowp_status lowp_buffer_read(const lowp_buffer *src, size_t offset, void *dst, size_t bytes);
LOWP_API lowp_status lowp_buffer_copy(lowp_buffer *dst, size_t dst_offset,
                             const lowp_buffer *src, size_t src_offset, size_t bytes);

#ifdef __cplusplus
}
#endif
#endif
