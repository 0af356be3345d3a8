/* error.c — the thread-local last-error message. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Large enough for a typical kernel build log; longer text is cut with a note. */
#define LOWP_ERROR_CAPACITY 16384

static _Thread_local char error_text[LOWP_ERROR_CAPACITY];

lowp_status lowp_error(lowp_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(error_text, sizeof error_text, fmt, args);
    va_end(args);
    return status;
}

void lowp_error_append(const char *text)
{
    static const char cut[] = "\n[... message truncated]";
    size_t used = strlen(error_text);
    size_t room = sizeof error_text - used - 1;
    size_t want = strlen(text);
    if (want <= room) {
        memcpy(error_text + used, text, want + 1);
        return;
    }
    if (room > sizeof cut) {
        memcpy(error_text + used, text, room - (sizeof cut - 1));
        memcpy(error_text + sizeof error_text - sizeof cut, cut, sizeof cut);
    }
}

const char *lowp_last_error(void) { return error_text; }

void lowp_clear_error(void) { error_text[0] = '\0'; }

const char *lowp_status_name(lowp_status status)
{
    switch (status) {
    case LOWP_OK:                return "LOWP_OK";
    case LOWP_ERR_INVALID_ARG:   return "LOWP_ERR_INVALID_ARG";
    case LOWP_ERR_UNSUPPORTED:   return "LOWP_ERR_UNSUPPORTED";
    case LOWP_ERR_NO_DEVICE:     return "LOWP_ERR_NO_DEVICE";
    case LOWP_ERR_OUT_OF_MEMORY: return "LOWP_ERR_OUT_OF_MEMORY";
    case LOWP_ERR_BUILD:         return "LOWP_ERR_BUILD";
    case LOWP_ERR_DEVICE:        return "LOWP_ERR_DEVICE";
    case LOWP_ERR_IO:            return "LOWP_ERR_IO";
    case LOWP_ERR_CORRUPT:       return "LOWP_ERR_CORRUPT";
    case LOWP_ERR_NUMERIC:       return "LOWP_ERR_NUMERIC";
    }
    return "LOWP_ERR_UNKNOWN";
}
