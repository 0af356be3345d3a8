/* checkpoint.c — the checkpoint container: named, CRC-checked sections in
 * one file that is replaced atomically.
 *
 * Layout (all integers little-endian; docs/trainer.md has the table):
 *   [0, 64)            header: "LOWPCKPT", version, section count, table
 *                      offset and size, file size, table CRC, header CRC
 *   [64, ...)          section payloads, each starting on a 64-byte boundary,
 *                      zero bytes in between
 *   [table, end)       one 80-byte entry per section: name[48], offset,
 *                      size, CRC-32, zeros
 * Every byte is covered: the header and table by their CRCs, payloads by
 * theirs, padding and reserved fields must be zero, and the file must end
 * exactly where the header says. So any flipped or missing byte is found. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "fileio.h"
#include "lowp/train.h"

#define CKPT_MAGIC "LOWPCKPT"
#define CKPT_VERSION 1u
#define CKPT_HEADER 64u
#define CKPT_ENTRY 80u
#define CKPT_ALIGN 64u
#define CKPT_MAX_SECTIONS 4096u

/* ------------------------------------------------------------- CRC-32 */

/* Half-byte table of the reflected IEEE polynomial 0xEDB88320: entry i is
 * the CRC register after shifting the nibble i through four steps. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t lowp_crc32(uint32_t crc, const void *data, size_t size)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < size; ++i) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15u];
        crc = (crc >> 4) ^ crc_nibble[crc & 15u];
    }
    return ~crc;
}

/* ------------------------------------------------------ little-endian */

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}
static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t align_up(uint64_t x) { return (x + CKPT_ALIGN - 1) / CKPT_ALIGN * CKPT_ALIGN; }

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (p[i])
            return 0;
    return 1;
}

static int name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= LOWP_CKPT_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; ++i)
        if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] >= 0x7f)
            return 0;
    return 1;
}

/* -------------------------------------------------------------- writer */

struct entry {
    char name[LOWP_CKPT_NAME_MAX];
    uint64_t offset, size;
    uint32_t crc;
};

struct lowp_ckpt_writer {
    int fd;
    char *path, *tmp;
    uint64_t pos; /* bytes written so far */
    struct entry *e;
    size_t n, cap;
    lowp_status failed; /* sticky: after a failure only abort/commit remain */
};

lowp_status lowp_ckpt_writer_begin(const char *path, lowp_ckpt_writer **out)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    LOWP_CHECK_ARG(path[0] != 0, "%s: path is empty", __func__);
    lowp_ckpt_writer *w = calloc(1, sizeof *w);
    if (!w)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    w->fd = -1;
    w->path = malloc(strlen(path) + 1);
    w->tmp = lowp_file_tmp_path(path);
    if (!w->path || !w->tmp) {
        lowp_ckpt_writer_abort(w);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    }
    strcpy(w->path, path);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (w->fd < 0) {
        lowp_status s = lowp_error(LOWP_ERR_IO, "cannot create checkpoint '%s': %s", w->tmp, strerror(errno));
        lowp_ckpt_writer_abort(w);
        return s;
    }
    static const uint8_t zeros[CKPT_HEADER];
    lowp_status s = lowp_file_write_fd(w->fd, zeros, CKPT_HEADER, w->tmp); /* header comes last */
    if (s != LOWP_OK) {
        lowp_ckpt_writer_abort(w);
        return s;
    }
    w->pos = CKPT_HEADER;
    *out = w;
    return LOWP_OK;
}

static lowp_status write_pad(lowp_ckpt_writer *w)
{
    static const uint8_t zeros[CKPT_ALIGN];
    uint64_t pad = align_up(w->pos) - w->pos;
    LOWP_TRY(lowp_file_write_fd(w->fd, zeros, (size_t)pad, w->tmp));
    w->pos += pad;
    return LOWP_OK;
}

lowp_status lowp_ckpt_writer_add(lowp_ckpt_writer *w, const char *name, const void *data, size_t size)
{
    LOWP_CHECK_NOT_NULL(w);
    LOWP_CHECK_NOT_NULL(name);
    LOWP_CHECK_ARG(data != NULL || size == 0, "%s: data is NULL", __func__);
    if (w->failed)
        return lowp_error(w->failed, "checkpoint '%s': an earlier write failed", w->path);
    LOWP_CHECK_ARG(name_valid(name), "%s: section name '%s' must be 1..%d printable ASCII bytes without spaces",
                   __func__, name, LOWP_CKPT_NAME_MAX - 1);
    for (size_t i = 0; i < w->n; ++i)
        LOWP_CHECK_ARG(strcmp(w->e[i].name, name) != 0, "%s: section '%s' added twice", __func__, name);
    LOWP_CHECK_ARG(w->n < CKPT_MAX_SECTIONS, "%s: more than %u sections", __func__, CKPT_MAX_SECTIONS);
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        struct entry *ne = realloc(w->e, cap * sizeof *ne);
        if (!ne)
            return w->failed = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
        w->e = ne;
        w->cap = cap;
    }
    lowp_status s = write_pad(w);
    if (s == LOWP_OK)
        s = lowp_file_write_fd(w->fd, data, size, w->tmp);
    if (s != LOWP_OK)
        return w->failed = s;
    struct entry *e = &w->e[w->n++];
    memset(e, 0, sizeof *e);
    strcpy(e->name, name);
    e->offset = w->pos;
    e->size = size;
    e->crc = lowp_crc32(0, data, size);
    w->pos += size;
    return LOWP_OK;
}

void lowp_ckpt_writer_abort(lowp_ckpt_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
    free(w->path);
    free(w->tmp);
    free(w->e);
    free(w);
}

lowp_status lowp_ckpt_writer_commit(lowp_ckpt_writer *w)
{
    LOWP_CHECK_NOT_NULL(w);
    lowp_status s = w->failed;
    if (s != LOWP_OK)
        lowp_error(s, "checkpoint '%s' not written: an earlier write failed", w->path);
    uint8_t *table = NULL;
    size_t tsize = w->n * CKPT_ENTRY;
    if (s == LOWP_OK)
        s = write_pad(w);
    if (s == LOWP_OK) {
        table = calloc(tsize ? tsize : 1, 1);
        if (!table)
            s = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    }
    uint64_t table_offset = w->pos;
    if (s == LOWP_OK) {
        for (size_t i = 0; i < w->n; ++i) {
            uint8_t *t = table + i * CKPT_ENTRY;
            memcpy(t, w->e[i].name, strlen(w->e[i].name));
            put64(t + 48, w->e[i].offset);
            put64(t + 56, w->e[i].size);
            put32(t + 64, w->e[i].crc);
        }
        s = lowp_file_write_fd(w->fd, table, tsize, w->tmp);
    }
    if (s == LOWP_OK) {
        uint8_t h[CKPT_HEADER] = {0};
        memcpy(h, CKPT_MAGIC, 8);
        put32(h + 8, CKPT_VERSION);
        put32(h + 12, (uint32_t)w->n);
        put64(h + 16, table_offset);
        put64(h + 24, tsize);
        put64(h + 32, table_offset + tsize);
        put32(h + 40, lowp_crc32(0, table, tsize));
        put32(h + 60, lowp_crc32(0, h, 60));
        if (lseek(w->fd, 0, SEEK_SET) != 0)
            s = lowp_error(LOWP_ERR_IO, "cannot seek in '%s': %s", w->tmp, strerror(errno));
        else
            s = lowp_file_write_fd(w->fd, h, CKPT_HEADER, w->tmp);
    }
    free(table);
    if (s == LOWP_OK && fsync(w->fd) != 0)
        s = lowp_error(LOWP_ERR_IO, "cannot fsync '%s': %s", w->tmp, strerror(errno));
    if (s == LOWP_OK) {
        int rc = close(w->fd);
        w->fd = -1;
        if (rc != 0)
            s = lowp_error(LOWP_ERR_IO, "cannot close '%s': %s", w->tmp, strerror(errno));
        else if (rename(w->tmp, w->path) != 0)
            s = lowp_error(LOWP_ERR_IO, "cannot rename '%s' to '%s': %s", w->tmp, w->path, strerror(errno));
        if (s != LOWP_OK)
            unlink(w->tmp);
    }
    if (s == LOWP_OK)
        s = lowp_file_sync_dir(w->path);
    /* On failure abort also closes and removes the temporary file. */
    lowp_ckpt_writer_abort(w);
    return s;
}

/* -------------------------------------------------------------- reader */

struct lowp_ckpt {
    uint8_t *bytes;
    size_t size;
    struct entry *e;
    size_t n;
};

void lowp_ckpt_close(lowp_ckpt *ck)
{
    if (!ck)
        return;
    free(ck->bytes);
    free(ck->e);
    free(ck);
}

#define CORRUPT(...) do { s = lowp_error(LOWP_ERR_CORRUPT, __VA_ARGS__); goto fail; } while (0)

lowp_status lowp_ckpt_open(const char *path, lowp_ckpt **out)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(out);
    *out = NULL;
    lowp_ckpt *ck = calloc(1, sizeof *ck);
    if (!ck)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
    lowp_status s = lowp_file_read_all(path, &ck->bytes, &ck->size);
    if (s != LOWP_OK) {
        free(ck);
        return s;
    }
    const uint8_t *b = ck->bytes;
    const size_t size = ck->size;
    if (size < CKPT_HEADER)
        CORRUPT("checkpoint '%s': %zu bytes, shorter than its %u-byte header", path, size, CKPT_HEADER);
    if (memcmp(b, CKPT_MAGIC, 8) != 0)
        CORRUPT("checkpoint '%s': not a lowp checkpoint (bad magic)", path);
    if (get32(b + 60) != lowp_crc32(0, b, 60))
        CORRUPT("checkpoint '%s': header CRC mismatch", path);
    uint32_t version = get32(b + 8), n = get32(b + 12);
    uint64_t table_offset = get64(b + 16), tsize = get64(b + 24), fsize = get64(b + 32);
    if (version != CKPT_VERSION)
        CORRUPT("checkpoint '%s': version %u, this lowp reads version %u", path, version, CKPT_VERSION);
    if (!all_zero(b + 44, 16))
        CORRUPT("checkpoint '%s': reserved header bytes are not zero", path);
    if (fsize != size)
        CORRUPT("checkpoint '%s': %zu bytes on disk, the header says %llu (truncated or padded)", path, size,
                (unsigned long long)fsize);
    if (n > CKPT_MAX_SECTIONS || tsize != (uint64_t)n * CKPT_ENTRY || table_offset != fsize - tsize ||
        table_offset < CKPT_HEADER || table_offset % CKPT_ALIGN != 0)
        CORRUPT("checkpoint '%s': inconsistent section table (%u sections at %llu)", path, n,
                (unsigned long long)table_offset);
    const uint8_t *t = b + table_offset;
    if (get32(b + 40) != lowp_crc32(0, t, (size_t)tsize))
        CORRUPT("checkpoint '%s': section table CRC mismatch", path);
    ck->e = calloc(n ? n : 1, sizeof *ck->e);
    if (!ck->e) {
        s = lowp_error(LOWP_ERR_OUT_OF_MEMORY, "%s: out of memory", __func__);
        goto fail;
    }
    uint64_t expect = CKPT_HEADER; /* where the next payload must start */
    for (uint32_t i = 0; i < n; ++i) {
        const uint8_t *te = t + (size_t)i * CKPT_ENTRY;
        struct entry *e = &ck->e[i];
        const uint8_t *nul = memchr(te, 0, LOWP_CKPT_NAME_MAX);
        if (!nul || !all_zero(nul, (size_t)(te + LOWP_CKPT_NAME_MAX - nul)) || !all_zero(te + 68, 12))
            CORRUPT("checkpoint '%s': section %u has a malformed entry", path, i);
        memcpy(e->name, te, LOWP_CKPT_NAME_MAX);
        if (!name_valid(e->name))
            CORRUPT("checkpoint '%s': section %u has an invalid name", path, i);
        e->offset = get64(te + 48);
        e->size = get64(te + 56);
        e->crc = get32(te + 64);
        if (e->offset != align_up(expect) || e->size > table_offset - e->offset)
            CORRUPT("checkpoint '%s': section '%s' lies outside its place (offset %llu, %llu bytes)", path,
                    e->name, (unsigned long long)e->offset, (unsigned long long)e->size);
        if (!all_zero(b + expect, (size_t)(e->offset - expect)))
            CORRUPT("checkpoint '%s': padding before section '%s' is not zero", path, e->name);
        for (uint32_t j = 0; j < i; ++j)
            if (strcmp(ck->e[j].name, e->name) == 0)
                CORRUPT("checkpoint '%s': section '%s' appears twice", path, e->name);
        if (lowp_crc32(0, b + e->offset, (size_t)e->size) != e->crc)
            CORRUPT("checkpoint '%s': section '%s' CRC mismatch", path, e->name);
        expect = e->offset + e->size;
    }
    if (align_up(expect) != table_offset || !all_zero(b + expect, (size_t)(table_offset - expect)))
        CORRUPT("checkpoint '%s': unexpected bytes before the section table", path);
    ck->n = n;
    *out = ck;
    return LOWP_OK;
fail:
    lowp_ckpt_close(ck);
    return s;
}

size_t lowp_ckpt_section_count(const lowp_ckpt *ck) { return ck ? ck->n : 0; }

lowp_status lowp_ckpt_section_info(const lowp_ckpt *ck, size_t i, const char **name, size_t *size)
{
    LOWP_CHECK_NOT_NULL(ck);
    LOWP_CHECK_ARG(i < ck->n, "%s: section %zu of %zu", __func__, i, ck->n);
    if (name)
        *name = ck->e[i].name;
    if (size)
        *size = (size_t)ck->e[i].size;
    return LOWP_OK;
}

lowp_status lowp_ckpt_find(const lowp_ckpt *ck, const char *name, const void **data, size_t *size)
{
    LOWP_CHECK_NOT_NULL(ck);
    LOWP_CHECK_NOT_NULL(name);
    for (size_t i = 0; i < ck->n; ++i)
        if (strcmp(ck->e[i].name, name) == 0) {
            if (data)
                *data = ck->bytes + ck->e[i].offset;
            if (size)
                *size = (size_t)ck->e[i].size;
            return LOWP_OK;
        }
    return lowp_error(LOWP_ERR_CORRUPT, "checkpoint has no section '%s'", name);
}

lowp_status lowp_ckpt_read(const lowp_ckpt *ck, const char *name, void *dst, size_t size)
{
    LOWP_CHECK_ARG(dst != NULL || size == 0, "%s: dst is NULL", __func__);
    const void *p;
    size_t have;
    LOWP_TRY(lowp_ckpt_find(ck, name, &p, &have));
    if (have != size)
        return lowp_error(LOWP_ERR_CORRUPT, "checkpoint section '%s' holds %zu bytes, expected %zu", name, have,
                          size);
    if (size)
        memcpy(dst, p, size);
    return LOWP_OK;
}

/* --------------------------------------------------------- train state */

static uint64_t f64_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}
static double bits_f64(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

void lowp_train_state_encode(const struct lowp_train_state *s, uint8_t out[LOWP_TRAIN_STATE_BYTES])
{
    put64(out + 0, s->step);
    put64(out + 8, s->seed);
    put64(out + 16, s->tokens_seen);
    put64(out + 24, f64_bits(s->best_val_loss));
    put64(out + 32, s->best_val_step);
    put64(out + 40, f64_bits(s->elapsed_s));
}

lowp_status lowp_train_state_decode(const void *data, size_t size, struct lowp_train_state *s)
{
    LOWP_CHECK_NOT_NULL(data);
    LOWP_CHECK_NOT_NULL(s);
    if (size != LOWP_TRAIN_STATE_BYTES)
        return lowp_error(LOWP_ERR_CORRUPT, "trainer state holds %zu bytes, expected %d", size,
                          LOWP_TRAIN_STATE_BYTES);
    const uint8_t *p = data;
    s->step = get64(p);
    s->seed = get64(p + 8);
    s->tokens_seen = get64(p + 16);
    s->best_val_loss = bits_f64(get64(p + 24));
    s->best_val_step = get64(p + 32);
    s->elapsed_s = bits_f64(get64(p + 40));
    return LOWP_OK;
}
