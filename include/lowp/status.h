/* lowp/status.h — status codes and the thread-local error message.
 *
 * Every fallible lowp function returns a lowp_status. On failure the library
 * also leaves a readable message (argument name, OpenCL error name, kernel
 * build log, file offset, ...) that lowp_last_error() returns until the next
 * failing call on the same thread. The library never aborts, exits or prints.
 * The numeric values are stable: they are part of the ABI. */
#ifndef LOWP_STATUS_H
#define LOWP_STATUS_H

/* LOWP_API marks the functions the shared library exports; everything else
 * stays internal. */
#if defined(_WIN32) && defined(LOWP_BUILDING)
#define LOWP_API __declspec(dllexport)
#elif defined(__GNUC__)
#define LOWP_API __attribute__((visibility("default")))
#else
#define LOWP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowp_status {
    LOWP_OK                  = 0,
    LOWP_ERR_INVALID_ARG     = -1, /* null pointer, bad shape, bad option, size mismatch */
    LOWP_ERR_UNSUPPORTED     = -2, /* op, format or feature not available on this device */
    LOWP_ERR_NO_DEVICE       = -3, /* unknown device id, or no device matches */
    LOWP_ERR_OUT_OF_MEMORY   = -4, /* host or device allocation failed */
    LOWP_ERR_BUILD           = -5, /* kernel build failed; the message holds the build log */
    LOWP_ERR_DEVICE          = -6, /* any other device/driver error; the message names it */
    LOWP_ERR_IO              = -7, /* file missing, unreadable, unwritable */
    LOWP_ERR_CORRUPT         = -8, /* a file or stream does not have the expected format */
    LOWP_ERR_NUMERIC         = -9  /* NaN/Inf found where the policy forbids it */
} lowp_status;

/* A constant name for a status ("LOWP_ERR_INVALID_ARG"); never NULL. */
LOWP_API const char *lowp_status_name(lowp_status status);

/* The message of the last failure on this thread ("" if none). The pointer
 * stays valid until the next lowp call on this thread. */
LOWP_API const char *lowp_last_error(void);

/* Forget the last message on this thread. */
LOWP_API void lowp_clear_error(void);

#ifdef __cplusplus
}
#endif
#endif
