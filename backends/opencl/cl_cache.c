/* cl_cache.c — on-disk cache of OpenCL program binaries.
 *
 * Where: $LOWP_CACHE_DIR, else $XDG_CACHE_HOME/lowp, else $HOME/.cache/lowp
 * ("off" as LOWP_CACHE_DIR turns the cache off). One file per program:
 * "lowp-<fnv1a64 of key>.clbin" holding a magic, the full key (platform,
 * device, driver and device versions, build options, complete source) and
 * the binary. A load compares the whole key, so stale binaries (new driver,
 * edited kernel) and hash collisions are never used. Writes go to a
 * temporary file renamed into place, so readers never see half a file. Any
 * failure just means "not cached": the caller builds from source. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cl_impl.h"

static const char magic[8] = {'L', 'O', 'W', 'P', 'C', 'L', 'B', '1'};

static int cache_dir(char *out, size_t len)
{
    const char *env = getenv("LOWP_CACHE_DIR");
    if (env != NULL && strcmp(env, "off") == 0)
        return 0;
    if (env != NULL && env[0] != '\0') {
        snprintf(out, len, "%s", env);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg != NULL && xdg[0] != '\0')
            snprintf(out, len, "%s/lowp", xdg);
        else if (home != NULL && home[0] != '\0')
            snprintf(out, len, "%s/.cache/lowp", home);
        else
            return 0;
    }
    /* mkdir -p */
    for (char *p = out + 1; *p; ++p) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(out, 0755) != 0 && errno != EEXIST)
                return 0;
            *p = '/';
        }
    }
    return mkdir(out, 0755) == 0 || errno == EEXIST;
}

static uint64_t fnv1a64(const char *data, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; ++i) {
        h ^= (unsigned char)data[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static int cache_path(const char *key, size_t key_len, char *out, size_t len)
{
    char dir[900];
    if (!cache_dir(dir, sizeof dir))
        return 0;
    snprintf(out, len, "%s/lowp-%016llx.clbin", dir, (unsigned long long)fnv1a64(key, key_len));
    return 1;
}

int lowp_cl_cache_load(const char *key, size_t key_len, unsigned char **binary, size_t *binary_len)
{
    char path[1024];
    if (!cache_path(key, key_len, path, sizeof path))
        return 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    int ok = 0;
    char head[8];
    uint64_t stored_key_len = 0, stored_bin_len = 0;
    char *stored_key = NULL;
    if (fread(head, 1, 8, f) == 8 && memcmp(head, magic, 8) == 0 &&
        fread(&stored_key_len, sizeof stored_key_len, 1, f) == 1 && stored_key_len == key_len &&
        (stored_key = malloc(key_len)) != NULL && fread(stored_key, 1, key_len, f) == key_len &&
        memcmp(stored_key, key, key_len) == 0 && fread(&stored_bin_len, sizeof stored_bin_len, 1, f) == 1 &&
        stored_bin_len > 0 && stored_bin_len < ((uint64_t)1 << 31)) {
        *binary = malloc((size_t)stored_bin_len);
        if (*binary != NULL && fread(*binary, 1, (size_t)stored_bin_len, f) == stored_bin_len) {
            *binary_len = (size_t)stored_bin_len;
            ok = 1;
        } else {
            free(*binary);
            *binary = NULL;
        }
    }
    free(stored_key);
    fclose(f);
    return ok;
}

void lowp_cl_cache_store(const char *key, size_t key_len, const unsigned char *binary, size_t binary_len)
{
    char path[1024], tmp[1100];
    if (!cache_path(key, key_len, path, sizeof path))
        return;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f == NULL)
        return;
    uint64_t kl = key_len, bl = binary_len;
    int ok = fwrite(magic, 1, 8, f) == 8 && fwrite(&kl, sizeof kl, 1, f) == 1 &&
             fwrite(key, 1, key_len, f) == key_len && fwrite(&bl, sizeof bl, 1, f) == 1 &&
             fwrite(binary, 1, binary_len, f) == binary_len;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        remove(tmp);
}
