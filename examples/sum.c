/* sum.c — the smallest lowp program: open the best device (or $LOWP_DEVICE),
 * upload numbers, reduce them there, and report errors the lowp way. */
#include <lowp/lowp.h>
#include <stdio.h>

int main(void)
{
    lowp_context *ctx = NULL;
    lowp_buffer *x = NULL;
    float host[1000], sum = 0.0f;
    for (int i = 0; i < 1000; ++i)
        host[i] = (float)(i + 1);

    lowp_status s = lowp_context_open(NULL, &ctx);
    if (s == LOWP_OK)
        s = lowp_buffer_alloc(ctx, sizeof host, &x);
    if (s == LOWP_OK)
        s = lowp_buffer_write(x, 0, host, sizeof host);
    if (s == LOWP_OK)
        s = lowp_reduce_f32(ctx, LOWP_REDUCE_SUM, x, 0, 1000, &sum);
    if (s != LOWP_OK) {
        fprintf(stderr, "lowp example: %s: %s\n", lowp_status_name(s), lowp_last_error());
        lowp_context_close(ctx);
        return 1;
    }
    struct lowp_device_info info;
    lowp_context_get_info(ctx, &info);
    printf("lowp %s on %s (%s): 1 + 2 + ... + 1000 = %.1f\n", lowp_version(), info.id, info.name, sum);
    lowp_context_close(ctx);
    return sum == 500500.0f ? 0 : 1;
}
