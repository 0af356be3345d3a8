/* context.c — contexts and buffers: argument checks, then the backend. */
#include "backend.h"
#include "device.h"
#include "error.h"

#include <stdlib.h>

lowp_status lowp_context_open(const char *selector, lowp_context **out)
{
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    size_t index;
    LOWP_TRY(lowp_device_find(selector, &index));
    const struct lowp_device_entry *entry = lowp_device_entry_get(index);
    lowp_context *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_context_open: out of host memory");
    ctx->device = *entry;
    ctx->ops = entry->ops;
    lowp_status s = ctx->ops->context_open(ctx);
    if (s != LOWP_OK) {
        free(ctx);
        return s;
    }
    *out = ctx;
    return LOWP_OK;
}

void lowp_context_close(lowp_context *ctx)
{
    if (ctx == NULL)
        return;
    ctx->ops->sync(ctx);
    while (ctx->buffers != NULL)
        lowp_buffer_free(ctx->buffers);
    ctx->ops->context_close(ctx);
    free(ctx);
}

lowp_status lowp_context_get_info(const lowp_context *ctx, struct lowp_device_info *info)
{
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_NOT_NULL(info);
    *info = ctx->device.info;
    return LOWP_OK;
}

lowp_status lowp_context_sync(lowp_context *ctx)
{
    LOWP_CHECK_NOT_NULL(ctx);
    return ctx->ops->sync(ctx);
}

lowp_status lowp_buffer_alloc(lowp_context *ctx, size_t bytes, lowp_buffer **out)
{
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    LOWP_CHECK_NOT_NULL(ctx);
    LOWP_CHECK_ARG(bytes > 0, "lowp_buffer_alloc: size must be > 0");
    if (bytes > ctx->device.info.max_alloc_bytes)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY,
                          "lowp_buffer_alloc: %zu bytes exceed the largest buffer %s allows (%llu bytes)", bytes,
                          ctx->device.info.id, (unsigned long long)ctx->device.info.max_alloc_bytes);
    lowp_buffer *buf = calloc(1, sizeof *buf);
    if (buf == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "lowp_buffer_alloc: out of host memory");
    buf->ctx = ctx;
    buf->bytes = bytes;
    lowp_status s = ctx->ops->buffer_alloc(ctx, buf);
    if (s != LOWP_OK) {
        free(buf);
        return s;
    }
    buf->next = ctx->buffers;
    if (ctx->buffers != NULL)
        ctx->buffers->prev = buf;
    ctx->buffers = buf;
    *out = buf;
    return LOWP_OK;
}

void lowp_buffer_free(lowp_buffer *buf)
{
    if (buf == NULL)
        return;
    lowp_context *ctx = buf->ctx;
    ctx->ops->buffer_free(ctx, buf);
    if (buf->prev != NULL)
        buf->prev->next = buf->next;
    else
        ctx->buffers = buf->next;
    if (buf->next != NULL)
        buf->next->prev = buf->prev;
    free(buf);
}

size_t lowp_buffer_size(const lowp_buffer *buf) { return buf == NULL ? 0 : buf->bytes; }

static lowp_status check_range(const char *fn, const char *what, const lowp_buffer *buf, size_t offset,
                               size_t bytes)
{
    if (offset > buf->bytes || bytes > buf->bytes - offset)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: %s range [%zu, %zu+%zu) exceeds the buffer (%zu bytes)", fn,
                          what, offset, offset, bytes, buf->bytes);
    return LOWP_OK;
}

lowp_status lowp_buffer_write(lowp_buffer *dst, size_t offset, const void *src, size_t bytes)
{
    LOWP_CHECK_NOT_NULL(dst);
    LOWP_CHECK_NOT_NULL(src);
    LOWP_TRY(check_range(__func__, "dst", dst, offset, bytes));
    if (bytes == 0)
        return LOWP_OK;
    return dst->ctx->ops->buffer_write(dst->ctx, dst, offset, src, bytes);
}

lowp_status lowp_buffer_read(const lowp_buffer *src, size_t offset, void *dst, size_t bytes)
{
    LOWP_CHECK_NOT_NULL(src);
    LOWP_CHECK_NOT_NULL(dst);
    LOWP_TRY(check_range(__func__, "src", src, offset, bytes));
    if (bytes == 0)
        return LOWP_OK;
    return src->ctx->ops->buffer_read(src->ctx, src, offset, dst, bytes);
}

lowp_status lowp_buffer_copy(lowp_buffer *dst, size_t dst_offset, const lowp_buffer *src, size_t src_offset,
                             size_t bytes)
{
    LOWP_CHECK_NOT_NULL(dst);
    LOWP_CHECK_NOT_NULL(src);
    LOWP_CHECK_ARG(dst->ctx == src->ctx, "lowp_buffer_copy: buffers belong to different contexts");
    LOWP_TRY(check_range(__func__, "dst", dst, dst_offset, bytes));
    LOWP_TRY(check_range(__func__, "src", src, src_offset, bytes));
    if (dst == src && dst_offset < src_offset + bytes && src_offset < dst_offset + bytes)
        return lowp_error(LOWP_ERR_INVALID_ARG, "lowp_buffer_copy: source and destination ranges overlap");
    if (bytes == 0)
        return LOWP_OK;
    return dst->ctx->ops->buffer_copy(dst->ctx, dst, dst_offset, src, src_offset, bytes);
}
