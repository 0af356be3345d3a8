/* fileio.h — whole-file reads and crash-safe whole-file writes for the
 * trainer (logs, results, plots, checkpoints). */
#ifndef LOWP_TRAIN_FILEIO_H
#define LOWP_TRAIN_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "lowp/status.h"

/* A growing text buffer for files built in memory (results, plots) and
 * written in one piece. After an allocation failure `oom` is set and
 * further output is dropped. Free `p` with free(). */
struct lowp_strbuf {
    char *p;
    size_t used, cap;
    int oom;
};
void lowp_strbuf_printf(struct lowp_strbuf *b, const char *fmt, ...) LOWP_PRINTF(2, 3);

/* Read a whole file into a malloc'ed buffer (one extra NUL byte after the
 * data, so text can be parsed in place). LOWP_ERR_IO names the path and
 * the system's reason. */
lowp_status lowp_file_read_all(const char *path, uint8_t **data, size_t *size);

/* "<path>.tmp" in a malloc'ed string (NULL when out of memory). */
char *lowp_file_tmp_path(const char *path);

/* fsync the folder that holds `path`, so a rename into it is durable. */
lowp_status lowp_file_sync_dir(const char *path);

/* Write `size` bytes to "<path>.tmp", fsync, rename over path, fsync the
 * folder. On any failure the temporary file is removed and path is left as
 * it was. */
lowp_status lowp_file_write_atomic(const char *path, const void *data, size_t size);

/* Write all bytes to a file descriptor, retrying short writes and EINTR. */
lowp_status lowp_file_write_fd(int fd, const void *data, size_t size, const char *path);

#endif
