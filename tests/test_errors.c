/* test_errors.c — every public entry point rejects bad input with a clear
 * status and message, and never crashes, aborts or prints. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lowp/lowp.h"

static int passed, failed;

static void expect(lowp_status got, lowp_status want, const char *what, const char *must_mention)
{
    const char *msg = lowp_last_error();
    int ok = got == want && (must_mention == NULL || strstr(msg, must_mention) != NULL);
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: got %s (\"%s\"), want %s mentioning \"%s\"\n", what, lowp_status_name(got), msg,
               lowp_status_name(want), must_mention ? must_mention : "");
    }
}

int main(void)
{
    size_t n = 0, index = 0;
    expect(lowp_device_count(NULL), LOWP_ERR_INVALID_ARG, "device_count(NULL)", "NULL");
    expect(lowp_device_count(&n), LOWP_OK, "device_count", NULL);
    struct lowp_device_info info;
    expect(lowp_device_get_info(n, &info), LOWP_ERR_NO_DEVICE, "device index out of range", "out of range");
    expect(lowp_device_find("no-such-device-xyz", &index), LOWP_ERR_NO_DEVICE, "unknown device", "no-such-device-xyz");
    expect(lowp_device_find("cpu", &index), LOWP_OK, "find cpu", NULL);

    lowp_context *ctx = NULL, *other = NULL;
    expect(lowp_context_open("opencl:999", &ctx), LOWP_ERR_NO_DEVICE, "open unknown id", "opencl:999");
    expect(lowp_context_open("cpu", NULL), LOWP_ERR_INVALID_ARG, "open into NULL", "NULL");
    expect(lowp_context_open("cpu", &ctx), LOWP_OK, "open cpu", NULL);
    expect(lowp_context_open("cpu", &other), LOWP_OK, "open second cpu", NULL);

    lowp_buffer *a = NULL, *b = NULL, *foreign = NULL;
    expect(lowp_buffer_alloc(ctx, 0, &a), LOWP_ERR_INVALID_ARG, "alloc 0 bytes", "size");
    expect(lowp_buffer_alloc(NULL, 16, &a), LOWP_ERR_INVALID_ARG, "alloc NULL context", "NULL");
    expect(lowp_buffer_alloc(ctx, SIZE_MAX / 2, &a), LOWP_ERR_OUT_OF_MEMORY, "alloc too much", "exceed");
    expect(lowp_buffer_alloc(ctx, 64 * sizeof(float), &a), LOWP_OK, "alloc", NULL);
    expect(lowp_buffer_alloc(ctx, 64 * sizeof(float), &b), LOWP_OK, "alloc", NULL);
    expect(lowp_buffer_alloc(other, 64 * sizeof(float), &foreign), LOWP_OK, "alloc other", NULL);

    float host[80] = {0};
    expect(lowp_buffer_write(a, 0, host, 65 * sizeof(float)), LOWP_ERR_INVALID_ARG, "write past end", "exceeds");
    expect(lowp_buffer_write(a, SIZE_MAX, host, 2), LOWP_ERR_INVALID_ARG, "write offset overflow", "exceeds");
    expect(lowp_buffer_read(a, 8, NULL, 4), LOWP_ERR_INVALID_ARG, "read into NULL", "NULL");
    expect(lowp_buffer_copy(a, 0, a, 4, 16), LOWP_ERR_INVALID_ARG, "overlapping copy", "overlap");
    expect(lowp_buffer_copy(a, 0, foreign, 0, 16), LOWP_ERR_INVALID_ARG, "copy across contexts", "different contexts");

    expect(lowp_fill_f32(ctx, a, 60, 5, 1.0f), LOWP_ERR_INVALID_ARG, "fill past end", "holds 64 elements");
    expect(lowp_fill_f32(ctx, NULL, 0, 5, 1.0f), LOWP_ERR_INVALID_ARG, "fill NULL buffer", "NULL");
    expect(lowp_fill_f32(ctx, foreign, 0, 5, 1.0f), LOWP_ERR_INVALID_ARG, "fill foreign buffer", "another context");
    expect(lowp_fill_f32(ctx, a, 0, SIZE_MAX, 1.0f), LOWP_ERR_INVALID_ARG, "fill size overflow", "holds");
    expect(lowp_axpy_f32(ctx, 10, 1.0f, a, 0, a, 5), LOWP_ERR_INVALID_ARG, "axpy partial overlap", "overlap");
    expect(lowp_random_u32(ctx, a, 0, 65, 1, 2), LOWP_ERR_INVALID_ARG, "random past end", "holds");

    struct lowp_reduce_desc d = {.op = LOWP_REDUCE_SUM, .rows = 4, .cols = 16, .row_stride = 8};
    expect(lowp_reduce_rows_f32(ctx, &d, a, b), LOWP_ERR_INVALID_ARG, "reduce stride < cols", "row_stride");
    d.row_stride = 16;
    d.rows = 5;
    expect(lowp_reduce_rows_f32(ctx, &d, a, b), LOWP_ERR_INVALID_ARG, "reduce rows past end", "holds");
    d.rows = 4;
    d.op = (lowp_reduce_op)7;
    expect(lowp_reduce_rows_f32(ctx, &d, a, b), LOWP_ERR_INVALID_ARG, "reduce unknown op", "unknown reduce op");
    d.op = LOWP_REDUCE_SUM;
    d.cols = 0;
    expect(lowp_reduce_rows_f32(ctx, &d, a, b), LOWP_ERR_INVALID_ARG, "reduce zero cols", ">= 1");
    expect(lowp_reduce_rows_f32(ctx, NULL, a, b), LOWP_ERR_INVALID_ARG, "reduce NULL desc", "NULL");
    float r = 0;
    expect(lowp_reduce_f32(ctx, LOWP_REDUCE_SUM, a, 0, 0, &r), LOWP_ERR_INVALID_ARG, "reduce 0 elements", "count");

    /* Zero-length ops are valid no-ops. */
    expect(lowp_fill_f32(ctx, a, 64, 0, 1.0f), LOWP_OK, "fill nothing at the end", NULL);

    /* A failure message stays until the next failure; clearing empties it. */
    lowp_clear_error();
    expect(LOWP_OK, LOWP_OK, "cleared", "");
    if (strcmp(lowp_last_error(), "") != 0) {
        failed++;
        printf("FAIL lowp_clear_error left \"%s\"\n", lowp_last_error());
    }
    if (strcmp(lowp_status_name(LOWP_ERR_BUILD), "LOWP_ERR_BUILD") != 0 ||
        strcmp(lowp_status_name((lowp_status)123), "LOWP_ERR_UNKNOWN") != 0) {
        failed++;
        printf("FAIL lowp_status_name\n");
    }

    lowp_buffer_free(NULL); /* both are documented no-ops */
    lowp_context_close(NULL);
    lowp_context_close(ctx); /* frees a and b too */
    lowp_context_close(other);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
