/* error.h — internal helpers that set the thread-local message behind
 * lowp_last_error(). Library code reports every failure through these. */
#ifndef LOWP_CORE_ERROR_H
#define LOWP_CORE_ERROR_H

#include "lowp/status.h"

#if defined(__GNUC__)
#define LOWP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LOWP_PRINTF(a, b)
#endif

/* Record a formatted message for `status` and return `status`, so callers
 * can write `return lowp_error(LOWP_ERR_INVALID_ARG, "x is NULL");`. */
lowp_status lowp_error(lowp_status status, const char *fmt, ...) LOWP_PRINTF(2, 3);

/* Append more text (e.g. a build log) to the current message. */
void lowp_error_append(const char *text);

/* Validation shorthands: fail with LOWP_ERR_INVALID_ARG naming the argument. */
#define LOWP_CHECK_NOT_NULL(ptr) \
    do { if ((ptr) == NULL) return lowp_error(LOWP_ERR_INVALID_ARG, "%s: argument '%s' is NULL", __func__, #ptr); } while (0)
#define LOWP_CHECK_ARG(cond, ...) \
    do { if (!(cond)) return lowp_error(LOWP_ERR_INVALID_ARG, __VA_ARGS__); } while (0)
/* Propagate a failing status unchanged (its message is already set). */
#define LOWP_TRY(expr) \
    do { lowp_status lowp_try_s_ = (expr); if (lowp_try_s_ != LOWP_OK) return lowp_try_s_; } while (0)

#endif
