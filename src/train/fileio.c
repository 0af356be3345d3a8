/* fileio.c — whole-file reads and write-to-temporary-then-rename writes.
 *
 * Why this order: the new bytes must be on disk (fsync of the file) before
 * the rename makes them visible under the real name, and the rename itself
 * must reach the disk (fsync of the folder) before we call the write done.
 * A crash before the rename leaves the old file; after it, the new one. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

lowp_status lowp_file_read_all(const char *path, uint8_t **data, size_t *size)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(data);
    LOWP_CHECK_NOT_NULL(size);
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return lowp_error(LOWP_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return lowp_error(LOWP_ERR_IO, "'%s' is not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n + 1);
    if (!buf) {
        fclose(f);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "cannot allocate %zu bytes to read '%s'", n + 1, path);
    }
    size_t got = fread(buf, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (err || got != n) {
        free(buf);
        return lowp_error(LOWP_ERR_IO, "cannot read '%s' (%zu of %zu bytes)", path, got, n);
    }
    buf[n] = 0;
    *data = buf;
    *size = n;
    return LOWP_OK;
}

char *lowp_file_tmp_path(const char *path)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 5);
    if (tmp) {
        memcpy(tmp, path, n);
        memcpy(tmp + n, ".tmp", 5);
    }
    return tmp;
}

lowp_status lowp_file_sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash) {
        dir = malloc(2);
        if (dir)
            strcpy(dir, ".");
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        dir = malloc(n + 1);
        if (dir) {
            memcpy(dir, path, n);
            dir[n] = 0;
        }
    }
    if (!dir)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "out of memory syncing the folder of '%s'", path);
    int fd = open(dir, O_RDONLY);
    if (fd < 0) {
        lowp_status s = lowp_error(LOWP_ERR_IO, "cannot open folder '%s': %s", dir, strerror(errno));
        free(dir);
        return s;
    }
    /* Some file systems refuse fsync on a folder (EINVAL); the rename is
     * then as durable as they can make it. */
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
        lowp_status s = lowp_error(LOWP_ERR_IO, "cannot fsync folder '%s': %s", dir, strerror(errno));
        close(fd);
        free(dir);
        return s;
    }
    close(fd);
    free(dir);
    return LOWP_OK;
}

lowp_status lowp_file_write_fd(int fd, const void *data, size_t size, const char *path)
{
    const uint8_t *p = data;
    while (size > 0) {
        ssize_t k = write(fd, p, size);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return lowp_error(LOWP_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        }
        p += k;
        size -= (size_t)k;
    }
    return LOWP_OK;
}

lowp_status lowp_file_write_atomic(const char *path, const void *data, size_t size)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_ARG(data != NULL || size == 0, "%s: data is NULL", __func__);
    char *tmp = lowp_file_tmp_path(path);
    if (!tmp)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "out of memory writing '%s'", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        lowp_status s = lowp_error(LOWP_ERR_IO, "cannot create '%s': %s", tmp, strerror(errno));
        free(tmp);
        return s;
    }
    lowp_status s = lowp_file_write_fd(fd, data, size, tmp);
    if (s == LOWP_OK && fsync(fd) != 0)
        s = lowp_error(LOWP_ERR_IO, "cannot fsync '%s': %s", tmp, strerror(errno));
    if (close(fd) != 0 && s == LOWP_OK)
        s = lowp_error(LOWP_ERR_IO, "cannot close '%s': %s", tmp, strerror(errno));
    if (s == LOWP_OK && rename(tmp, path) != 0)
        s = lowp_error(LOWP_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
    if (s != LOWP_OK) {
        unlink(tmp);
        free(tmp);
        return s;
    }
    free(tmp);
    return lowp_file_sync_dir(path);
}

void lowp_strbuf_printf(struct lowp_strbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->used : NULL, b->p ? b->cap - b->used : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && (size_t)k < b->cap - b->used) {
            b->used += (size_t)k;
            return;
        }
        size_t cap = 2 * b->cap + (size_t)k + 1024;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
}
