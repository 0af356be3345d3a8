/* hadamard_launch.c — the device plan for kernels/hadamard.cl (see
 * docs/hadamard.md §"Device plan"). Results never depend on these choices
 * (G, work-group sizes, one or two passes): only speed does. */
#include "hadamard/hadamard_launch.h"

#include "core/error.h"

static uint32_t pow2_floor(uint64_t v)
{
    uint32_t r = 1;
    while ((uint64_t)r * 2 <= v && r < (1u << 30))
        r *= 2;
    return r;
}

static uint32_t pow2_ceil(uint64_t v)
{
    uint32_t r = 1;
    while (r < v && r < (1u << 30))
        r *= 2;
    return r;
}

static size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

static void local_pass(struct lowp_hadamard_pass *ps, const struct lowp_hadamard_plan *pl, int cols, uint32_t L,
                       uint32_t m, uint32_t p, uint32_t tile, size_t max_wg)
{
    const uint32_t pad = cols ? 1u : 0u;
    ps->kernel = LOWP_HADAMARD_KERNEL_LOCAL;
    ps->L = L;
    ps->m = m;
    ps->p = p;
    ps->log2p = 0;
    while ((1u << ps->log2p) < p)
        ++ps->log2p;
    ps->nchunks = pl->extent / L;
    /* Vectors per group: fill the tile, but not beyond the vectors there are. */
    const uint64_t vecs = cols ? pl->cross : pl->cross * ps->nchunks;
    uint32_t G = 1;
    while (2u * G * (L + pad) <= tile && G < LOWP_HADAMARD_MAX_GROUP_VECTORS && G < pow2_ceil(vecs))
        G *= 2;
    ps->G = G;
    ps->local_bytes = (size_t)G * (L + pad) * sizeof(float);
    /* Work-items: one per radix-4 quad, at most 256. */
    const size_t W = min_sz(min_sz(max_wg, 256), pow2_ceil(((uint64_t)G * L + 3) / 4));
    ps->local[0] = W;
    ps->local[1] = 1;
    if (cols) {
        ps->global[0] = (size_t)((pl->cross + G - 1) / G) * W;
        ps->global[1] = (size_t)ps->nchunks;
    } else {
        ps->global[0] = (size_t)((vecs + G - 1) / G) * W;
        ps->global[1] = 1;
    }
}

/* lowp_hadamard_strided over T elements at stride S of every n-block. */
static void strided_pass(struct lowp_hadamard_pass *ps, const struct lowp_hadamard_plan *pl, int cols, uint32_t T,
                         uint32_t S, size_t max_wg)
{
    ps->kernel = LOWP_HADAMARD_KERNEL_STRIDED;
    ps->nblocks = pl->nblocks;
    ps->T = T;
    ps->S = S;
    ps->mix = pl->m > 1 && T == pl->m;
    ps->first_pass = 0;
    ps->local[1] = 1;
    if (cols) {
        ps->local[0] = min_sz(min_sz(max_wg, 64), pow2_ceil(pl->cross));
        ps->global[0] = round_up((size_t)pl->cross, ps->local[0]);
        ps->global[1] = (size_t)(pl->nblocks * S);
    } else {
        ps->local[0] = min_sz(min_sz(max_wg, 64), S);
        ps->global[0] = round_up(S, ps->local[0]);
        ps->global[1] = (size_t)(pl->cross * pl->nblocks);
    }
}

lowp_status lowp_hadamard_launch_make(const struct lowp_hadamard_desc *d, uint64_t local_mem_bytes, size_t max_wg,
                                      struct lowp_hadamard_launch *out)
{
    LOWP_CHECK_NOT_NULL(out);
    memset(out, 0, sizeof *out);
    LOWP_TRY(lowp_hadamard_plan_make(d, &out->plan));
    LOWP_CHECK_ARG(max_wg >= 1, "hadamard launch: max work-group size is 0");
    const struct lowp_hadamard_plan *pl = &out->plan;
    const int cols = d->axis == LOWP_HADAMARD_AXIS_COLS;
    const uint32_t pad = cols ? 1u : 0u;
    /* Keep 64 bytes back: some drivers reserve a little local memory. */
    const uint64_t avail = local_mem_bytes > 64 ? (local_mem_bytes - 64) / sizeof(float) : 0;
    const uint32_t tile = (uint32_t)(avail < LOWP_HADAMARD_TILE_FLOATS + 64 ? avail : LOWP_HADAMARD_TILE_FLOATS + 64);
    const int ybf = d->dtype_out == LOWP_HADAMARD_DTYPE_BF16;

    struct lowp_hadamard_pass *p1 = &out->pass[0], *p2 = &out->pass[1];
    p1->src = LOWP_HADAMARD_BUF_X;
    p1->src_bf16 = d->dtype_in == LOWP_HADAMARD_DTYPE_BF16;
    p1->src_ld = d->ld_in;
    if (cols && pl->m == 1 && pl->n <= LOWP_HADAMARD_REG_MAX_N) {
        /* Whole vectors in registers: one work-item per (column, block). */
        out->npasses = 1;
        strided_pass(p1, pl, cols, (uint32_t)pl->n, 1, max_wg);
        p1->first_pass = 1;
        p1->dst = LOWP_HADAMARD_BUF_Y;
        p1->dst_bf16 = ybf;
        p1->dst_ld = d->ld_out;
        return LOWP_OK;
    }
    if (pl->n + pad <= tile) {
        out->npasses = 1;
        local_pass(p1, pl, cols, (uint32_t)pl->n, pl->m, pl->p, tile, max_wg);
        p1->dst = LOWP_HADAMARD_BUF_Y;
        p1->dst_bf16 = ybf;
        p1->dst_ld = d->ld_out;
        p1->final_pass = 1;
        return LOWP_OK;
    }
    /* Two passes: chunks of L in local memory, then T = n / L at stride L. */
    uint32_t L = pl->m == 1 ? pow2_floor(tile - pad) : pl->p;
    if (L + pad > tile || pl->n / L > 32)
        return lowp_error(LOWP_ERR_UNSUPPORTED,
                          "hadamard: n = %llu needs more local memory than the %llu bytes available",
                          (unsigned long long)pl->n, (unsigned long long)local_mem_bytes);
    out->npasses = 2;
    local_pass(p1, pl, cols, L, 1, L, tile, max_wg);
    p1->final_pass = 0;
    p1->dst_bf16 = 0;
    if (ybf) { /* the intermediate must be fp32: a scratch copy of the output shape */
        p1->dst = LOWP_HADAMARD_BUF_WORK;
        out->work_ld = d->cols;
        out->work_bytes = d->rows * d->cols * sizeof(float);
    } else {
        p1->dst = LOWP_HADAMARD_BUF_Y;
        out->work_ld = 0;
    }
    p1->dst_ld = ybf ? out->work_ld : d->ld_out;

    strided_pass(p2, pl, cols, (uint32_t)(pl->n / L), L, max_wg);
    p2->src = p1->dst;
    p2->src_bf16 = 0;
    p2->src_ld = p1->dst_ld;
    p2->dst = LOWP_HADAMARD_BUF_Y;
    p2->dst_bf16 = ybf;
    p2->dst_ld = d->ld_out;
    return LOWP_OK;
}
