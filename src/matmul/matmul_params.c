/* matmul_params.c — tuning table and tuner search space for kernels/matmul.cl.
 *
 * Where the table comes from: the tuner (`lowp tune matmul`) takes the
 * candidates of lowp_matmul_cl_params_candidates() that pass
 * lowp_matmul_cl_params_validate() on a device, rejects every candidate whose
 * result differs from lowp_ref_matmul_f32seq (MM_FMA 0 must be bit-exact)
 * before timing it, times the rest, and writes one JSON file per device:
 *   {"kernel": "lowp_matmul_tiled", "vendor": "<lowp_matmul_cl_vendor_key>",
 *    "device": "<normalized CL_DEVICE_NAME>", "driver": "<CL_DRIVER_VERSION>",
 *    "lowp_commit": "...", "shape": [m, n, k],
 *    "params": {"MWG":64,"NWG":64,"KWG":16,"WPTM":4,"WPTN":4,"VW":4,
 *               "PADA":1,"PADB":1,"MM_FMA":0,"RELAX_WGS":0},
 *    "gflops": 123.4}
 * plus "clblast_gflops" (CLBlast on the same shape, 0 when not measured),
 * "clblast_faster" (0/1), and a "ranking" of the best candidates.
 * `lowp tune matmul` (src/cli/cmd_tune.c) writes these files; the
 * generator cmake/matmul_table.cmake turns each JSON file in tuning/matmul/ into
 * one exact-device row of matmul_params_tuned.inc, which is included at the
 * top of lowp_matmul_cl_table below (exact device rows win over the vendor
 * defaults, see lowp_matmul_cl_params_lookup):
 *   cmake -DJSON_DIR=tuning/matmul -DOUTPUT=src/matmul/matmul_params_tuned.inc \
 *         -P cmake/matmul_table.cmake
 * (the unit.matmul_table test fails when the committed .inc is stale).
 * The vendor-default rows below are hand-set; the ones marked
 * "measured" were timed on this project's build machine (512^3, PoCL 3 and
 * Mesa rusticl/llvmpipe on a 2-core AMD EPYC VM), the others are educated
 * starting points (CLBlast-like tile shapes) awaiting the tuner. */
#include <stdio.h>
#include <string.h>

#include "matmul/matmul_params.h"
#include "core/error.h"

/*                                   mwg nwg kwg wptm wptn vw pada padb fma relax */
#define P_GPU_LARGE    {  64,  64, 16,  4,  4, 4, 1, 1, 0, 0 } /* 256 items, 8.7 KiB local */
#define P_GPU_SMALL    {  32,  32, 16,  4,  4, 4, 1, 1, 0, 0 } /*  64 items, 4.3 KiB local */
#define P_CPU          {  64,  64, 16,  4,  4, 4, 1, 1, 0, 0 }

const struct lowp_matmul_cl_entry lowp_matmul_cl_table[] = {
/* exact-device rows generated from tuner JSON */
#include "matmul_params_tuned.inc"
    /* measured on pthread-haswell-AMD EPYC (2 shared cores), 512^3: best of a
     * 1-in-20 sample of the candidate grid plus neighbours; 7.3 GFLOP/s vs
     * 4.7 for 64x64x16/4x4 under the same load (11.8 vs 8.7 on a quieter run) */
    {"pocl", NULL, {32, 128, 8, 8, 8, 4, 0, 0, 0, 0}, 0},
    /* measured on llvmpipe, 512^3: 0.38-0.76 GFLOP/s vs 0.18-0.62 for 64x64x16/4x4 */
    {"rusticl", NULL, {64, 32, 32, 8, 4, 4, 1, 1, 0, 0}, 0},
    {"NVIDIA", NULL, P_GPU_LARGE, 0},
    {"AMD", NULL, P_GPU_LARGE, 0},
    {"Intel", NULL, P_GPU_LARGE, 0},
    {"Apple", NULL, P_GPU_LARGE, 0},
    /* mobile GPUs: smaller work-groups and local memory */
    {"ARM", NULL, P_GPU_SMALL, 0},
    {"Qualcomm", NULL, P_GPU_SMALL, 0},
    {"Imagination", NULL, P_GPU_SMALL, 0},
};
const size_t lowp_matmul_cl_table_len = sizeof(lowp_matmul_cl_table) / sizeof(lowp_matmul_cl_table[0]);

static const struct lowp_matmul_cl_params generic_gpu = P_GPU_SMALL;
static const struct lowp_matmul_cl_params generic_cpu = P_CPU;

/* Case-insensitive substring test. */
static int contains(const char *hay, const char *needle)
{
    const size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

const char *lowp_matmul_cl_vendor_key(const char *platform_name, const char *device_vendor)
{
    const char *p = platform_name ? platform_name : "", *v = device_vendor ? device_vendor : "";
    if (contains(p, "Portable Computing Language") || contains(p, "pocl"))
        return "pocl";
    if (contains(p, "rusticl"))
        return "rusticl";
    if (contains(v, "NVIDIA"))
        return "NVIDIA";
    if (contains(v, "Advanced Micro Devices") || contains(v, "AMD"))
        return "AMD";
    if (contains(v, "Intel"))
        return "Intel";
    if (contains(v, "Apple"))
        return "Apple";
    if (contains(v, "ARM"))
        return "ARM";
    if (contains(v, "Qualcomm"))
        return "Qualcomm";
    if (contains(v, "Imagination"))
        return "Imagination";
    return "";
}

/* Device name without PoCL's "pthread-"/"cpu-" prefix and outer spaces,
 * copied into buf (truncated to len-1). */
void lowp_matmul_cl_normalize_name(const char *name, char *buf, size_t len)
{
    const char *s = name ? name : "";
    while (*s == ' ')
        s++;
    if (strncmp(s, "pthread-", 8) == 0)
        s += 8;
    else if (strncmp(s, "cpu-", 4) == 0)
        s += 4;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n >= len)
        n = len - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
}

lowp_status lowp_matmul_cl_params_lookup(const char *platform_name, const char *device_vendor,
                                         const char *device_name, int is_cpu,
                                         struct lowp_matmul_cl_params *out, const char **matched)
{
    return lowp_matmul_cl_params_lookup_ex(platform_name, device_vendor, device_name, is_cpu, out, matched, NULL);
}

lowp_status lowp_matmul_cl_params_lookup_ex(const char *platform_name, const char *device_vendor,
                                            const char *device_name, int is_cpu,
                                            struct lowp_matmul_cl_params *out, const char **matched,
                                            unsigned *clblast_faster)
{
    LOWP_CHECK_NOT_NULL(out);
    const char *vendor = lowp_matmul_cl_vendor_key(platform_name, device_vendor);
    char name[256];
    lowp_matmul_cl_normalize_name(device_name, name, sizeof(name));
    const struct lowp_matmul_cl_entry *vendor_default = NULL;
    for (size_t i = 0; i < lowp_matmul_cl_table_len; i++) {
        const struct lowp_matmul_cl_entry *e = &lowp_matmul_cl_table[i];
        if (strcmp(e->vendor, vendor) != 0)
            continue;
        if (e->device != NULL && strcmp(e->device, name) == 0) {
            *out = e->p;
            if (clblast_faster)
                *clblast_faster = e->clblast_faster;
            if (matched)
                *matched = e->device;
            return LOWP_OK;
        }
        if (e->device == NULL && vendor_default == NULL)
            vendor_default = e;
    }
    if (vendor_default != NULL) {
        *out = vendor_default->p;
        if (clblast_faster)
            *clblast_faster = vendor_default->clblast_faster;
        if (matched)
            *matched = vendor_default->vendor;
        return LOWP_OK;
    }
    *out = is_cpu ? generic_cpu : generic_gpu;
    if (clblast_faster)
        *clblast_faster = 0;
    if (matched)
        *matched = is_cpu ? "generic-cpu" : "generic-gpu";
    return LOWP_OK;
}

static int is_pow2_upto(unsigned x, unsigned max)
{
    return x >= 1 && x <= max && (x & (x - 1)) == 0;
}

lowp_status lowp_matmul_cl_params_validate(const struct lowp_matmul_cl_params *p, size_t max_wg_size,
                                           const size_t max_item[2], uint64_t local_mem_bytes)
{
    LOWP_CHECK_NOT_NULL(p);
    LOWP_CHECK_ARG(p->mwg >= 1 && p->nwg >= 1 && p->kwg >= 1 && p->mwg <= 512 && p->nwg <= 512 && p->kwg <= 256,
                   "matmul params: MWG=%u NWG=%u KWG=%u out of range", p->mwg, p->nwg, p->kwg);
    LOWP_CHECK_ARG(p->wptm >= 1 && p->wptn >= 1 && p->mwg % p->wptm == 0 && p->nwg % p->wptn == 0,
                   "matmul params: MWG=%u must be a multiple of WPTM=%u and NWG=%u of WPTN=%u",
                   p->mwg, p->wptm, p->nwg, p->wptn);
    LOWP_CHECK_ARG(is_pow2_upto(p->vw, 8), "matmul params: VW=%u is not 1, 2, 4 or 8", p->vw);
    LOWP_CHECK_ARG(p->kwg % p->vw == 0 && p->mwg % p->vw == 0 && p->nwg % p->vw == 0,
                   "matmul params: KWG=%u, MWG=%u and NWG=%u must be multiples of VW=%u",
                   p->kwg, p->mwg, p->nwg, p->vw);
    LOWP_CHECK_ARG(p->pada <= 16 && p->padb <= 16 && p->fma <= 1 && p->relax_wgs <= 1,
                   "matmul params: PADA=%u PADB=%u MM_FMA=%u RELAX_WGS=%u out of range",
                   p->pada, p->padb, p->fma, p->relax_wgs);
    const size_t nd = p->nwg / p->wptn, md = p->mwg / p->wptm;
    if (max_wg_size != 0 && nd * md > max_wg_size)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "matmul params: work-group %zu x %zu = %zu items exceeds the device limit %zu",
                          nd, md, nd * md, max_wg_size);
    if (max_item != NULL && ((max_item[0] != 0 && nd > max_item[0]) || (max_item[1] != 0 && md > max_item[1])))
        return lowp_error(LOWP_ERR_UNSUPPORTED, "matmul params: work-group %zu x %zu exceeds the per-dimension limits %zu x %zu",
                          nd, md, max_item[0], max_item[1]);
    const uint64_t local = 4u * (uint64_t)p->kwg * ((uint64_t)p->mwg + p->pada + p->nwg + p->padb);
    if (local_mem_bytes != 0 && local > local_mem_bytes)
        return lowp_error(LOWP_ERR_UNSUPPORTED, "matmul params: %llu bytes of local memory needed, device has %llu",
                          (unsigned long long)local, (unsigned long long)local_mem_bytes);
    return LOWP_OK;
}

lowp_status lowp_matmul_cl_params_defines(const struct lowp_matmul_cl_params *p, char *buf, size_t len)
{
    LOWP_CHECK_NOT_NULL(p);
    LOWP_CHECK_NOT_NULL(buf);
    const int n = snprintf(buf, len, "-DMWG=%u -DNWG=%u -DKWG=%u -DWPTM=%u -DWPTN=%u -DVW=%u -DPADA=%u -DPADB=%u "
                           "-DMM_FMA=%u -DRELAX_WGS=%u",
                           p->mwg, p->nwg, p->kwg, p->wptm, p->wptn, p->vw, p->pada, p->padb, p->fma, p->relax_wgs);
    LOWP_CHECK_ARG(n >= 0 && (size_t)n < len, "matmul params: define buffer of %zu bytes is too small", len);
    return LOWP_OK;
}

static size_t ceil_to(size_t x, size_t step)
{
    return (x + step - 1) / step * step;
}

void lowp_matmul_cl_tiled_range(const struct lowp_matmul_cl_params *p, const struct lowp_matmul_desc *d,
                                size_t global[3], size_t local[3])
{
    local[0] = p->nwg / p->wptn;
    local[1] = p->mwg / p->wptm;
    local[2] = 1;
    global[0] = ceil_to(d->n, p->nwg) / p->wptn;
    global[1] = ceil_to(d->m, p->mwg) / p->wptm;
    global[2] = d->batch;
}

void lowp_matmul_cl_simple_range(const struct lowp_matmul_desc *d, size_t global[3], size_t local[3])
{
    local[0] = 8;
    local[1] = 8;
    local[2] = 1;
    global[0] = ceil_to(d->n, 8);
    global[1] = ceil_to(d->m, 8);
    global[2] = d->batch;
}

int lowp_matmul_cl_prefer_simple(const struct lowp_matmul_desc *d)
{
    const double work = (double)d->m * (double)d->n * (double)d->k;
    return d->m < 4 || d->n < 4 || work < 32.0 * 32.0 * 32.0;
}

/* Search grid (CLBlast's xgemm tuner explores a similar space):
 *   MWG, NWG in {16, 32, 64, 128}   KWG in {8, 16, 32}
 *   WPTM, WPTN in {1, 2, 4, 8}      VW in {1, 2, 4}      PADA = PADB in {0, 1}
 * kept when 16 <= work-group items <= 256, WPTM*WPTN <= 64 (registers) and the
 * divisibility rules hold; MM_FMA = RELAX_WGS = 0 (the tuner may try the
 * winner again with either flag set). */
size_t lowp_matmul_cl_params_candidates(struct lowp_matmul_cl_params *out, size_t cap)
{
    static const unsigned tiles[4] = {16, 32, 64, 128}, kwgs[3] = {8, 16, 32}, wpts[4] = {1, 2, 4, 8}, vws[3] = {1, 2, 4};
    size_t count = 0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 3; c++)
                for (int e = 0; e < 4; e++)
                    for (int f = 0; f < 4; f++)
                        for (int g = 0; g < 3; g++)
                            for (unsigned pad = 0; pad < 2; pad++) {
                                const struct lowp_matmul_cl_params p = {tiles[a], tiles[b], kwgs[c], wpts[e], wpts[f],
                                                                        vws[g], pad, pad, 0, 0};
                                if (p.mwg % p.wptm || p.nwg % p.wptn || p.kwg % p.vw || p.mwg % p.vw || p.nwg % p.vw)
                                    continue;
                                const unsigned items = (p.mwg / p.wptm) * (p.nwg / p.wptn);
                                if (items < 16 || items > 256 || p.wptm * p.wptn > 64)
                                    continue;
                                if (out != NULL && count < cap)
                                    out[count] = p;
                                count++;
                            }
    return count;
}
