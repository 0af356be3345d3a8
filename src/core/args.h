/* args.h — argument checks shared by the op front-ends in src/ops/. */
#ifndef LOWP_CORE_ARGS_H
#define LOWP_CORE_ARGS_H

#include "backend.h"
#include "error.h"

/* `buf` is non-NULL, belongs to `ctx`, and holds `count` elements of
 * `elem_size` bytes from element `offset` on (overflow-safe). */
static inline lowp_status lowp_check_elems(const char *fn, const char *name, const lowp_context *ctx,
                                           const lowp_buffer *buf, size_t offset, size_t count, size_t elem_size)
{
    if (buf == NULL)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: buffer '%s' is NULL", fn, name);
    if (buf->ctx != ctx)
        return lowp_error(LOWP_ERR_INVALID_ARG, "%s: buffer '%s' belongs to another context", fn, name);
    size_t cap = buf->bytes / elem_size;
    if (offset > cap || count > cap - offset)
        return lowp_error(LOWP_ERR_INVALID_ARG,
                          "%s: buffer '%s' holds %zu elements, the op needs [%zu, %zu+%zu)", fn, name, cap,
                          offset, offset, count);
    return LOWP_OK;
}

/* An entry of the backend table, or LOWP_ERR_UNSUPPORTED naming the device. */
#define LOWP_BACKEND_ENTRY(ctx, entry)                                                                   \
    do {                                                                                                 \
        if ((ctx)->ops->entry == NULL)                                                                   \
            return lowp_error(LOWP_ERR_UNSUPPORTED, "%s: not supported by the %s backend (%s)", __func__, \
                              (ctx)->ops->name, (ctx)->device.info.id);                                  \
    } while (0)

#endif
