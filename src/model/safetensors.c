/* safetensors.c — read and write the safetensors format:
 *   8 bytes: N, the header length (unsigned little-endian)
 *   N bytes: a JSON object {"name": {"dtype": "F32", "shape": [..],
 *            "data_offsets": [begin, end]}, ..., "__metadata__": {...}}
 *   the data section; offsets are bytes relative to its start.
 * The reader trusts nothing: every length, offset and JSON token is
 * checked, and any malformation is LOWP_ERR_CORRUPT with the file name and
 * what is wrong. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "model/model_internal.h"

#define ST_MAX_HEADER (100u << 20) /* the format's own limit */
#define ST_MAX_DEPTH 32

struct parser {
    const char *s;
    size_t n, pos;
    const char *path;
    char err[160];
};

static int fail(struct parser *p, const char *what)
{
    if (p->err[0] == '\0')
        snprintf(p->err, sizeof p->err, "%s at header byte %zu", what, p->pos);
    return 0;
}

static void ws(struct parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
                             p->s[p->pos] == '\r'))
        p->pos++;
}

static int expect(struct parser *p, char c)
{
    ws(p);
    if (p->pos >= p->n || p->s[p->pos] != c) {
        char msg[32];
        snprintf(msg, sizeof msg, "expected '%c'", c);
        return fail(p, msg);
    }
    p->pos++;
    return 1;
}

static int peek(struct parser *p, char c)
{
    ws(p);
    return p->pos < p->n && p->s[p->pos] == c;
}

/* A JSON string into out (NUL-terminated, at most cap-1 bytes; longer is an error when cap > 0). */
static int string(struct parser *p, char *out, size_t cap)
{
    if (!expect(p, '"'))
        return 0;
    size_t len = 0;
    while (p->pos < p->n) {
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c == '"') {
            if (cap > 0)
                out[len] = '\0';
            return 1;
        }
        if (c < 0x20)
            return fail(p, "control character in a string");
        if (c == '\\') {
            if (p->pos >= p->n)
                break;
            char e = p->s[p->pos++];
            switch (e) {
            case '"': case '\\': case '/': c = (unsigned char)e; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                if (p->pos + 4 > p->n)
                    return fail(p, "truncated \\u escape");
                for (int i = 0; i < 4; ++i) {
                    char h = p->s[p->pos + (size_t)i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return fail(p, "bad \\u escape");
                }
                p->pos += 4;
                c = '?'; /* names lowp writes are ASCII; others only need to stay distinct enough to report */
                break;
            default:
                return fail(p, "bad escape in a string");
            }
        }
        if (cap > 0) {
            if (len + 1 >= cap)
                return fail(p, "string too long");
            out[len++] = (char)c;
        }
    }
    return fail(p, "unterminated string");
}

/* A non-negative integer (no sign, fraction or exponent). */
static int uint_value(struct parser *p, size_t *out)
{
    ws(p);
    size_t v = 0, digits = 0;
    while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        size_t d = (size_t)(p->s[p->pos] - '0');
        if (v > (SIZE_MAX - d) / 10)
            return fail(p, "integer too large");
        v = v * 10 + d;
        p->pos++;
        digits++;
    }
    if (digits == 0)
        return fail(p, "expected a non-negative integer");
    *out = v;
    return 1;
}

static int skip_value(struct parser *p, int depth)
{
    if (depth > ST_MAX_DEPTH)
        return fail(p, "JSON nested too deeply");
    ws(p);
    if (p->pos >= p->n)
        return fail(p, "unexpected end of header");
    char c = p->s[p->pos];
    if (c == '"')
        return string(p, NULL, 0);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        p->pos++;
        if (peek(p, close))
            return p->pos++, 1;
        for (;;) {
            if (c == '{' && !(string(p, NULL, 0) && expect(p, ':')))
                return 0;
            if (!skip_value(p, depth + 1))
                return 0;
            if (peek(p, ','))
                p->pos++;
            else
                return expect(p, close);
        }
    }
    size_t start = p->pos; /* number or literal */
    while (p->pos < p->n && strchr("0123456789+-.eEtruefalsn", p->s[p->pos]) != NULL)
        p->pos++;
    return p->pos > start ? 1 : fail(p, "unexpected character");
}

static int uint_array(struct parser *p, size_t *out, size_t cap, size_t *count)
{
    if (!expect(p, '['))
        return 0;
    *count = 0;
    if (peek(p, ']'))
        return p->pos++, 1;
    for (;;) {
        if (*count >= cap)
            return fail(p, "array too long");
        if (!uint_value(p, &out[(*count)++]))
            return 0;
        if (peek(p, ','))
            p->pos++;
        else
            return expect(p, ']');
    }
}

static int tensor_entry(struct parser *p, struct lowp_st_tensor *t)
{
    int have_dtype = 0, have_shape = 0, have_offsets = 0;
    if (!expect(p, '{'))
        return 0;
    if (peek(p, '}'))
        return fail(p, "empty tensor entry");
    for (;;) {
        char key[32];
        if (!string(p, key, sizeof key) || !expect(p, ':'))
            return 0;
        if (strcmp(key, "dtype") == 0) {
            if (!string(p, t->dtype, sizeof t->dtype))
                return 0;
            have_dtype = 1;
        } else if (strcmp(key, "shape") == 0) {
            if (!uint_array(p, t->shape, 4, &t->rank))
                return 0;
            have_shape = 1;
        } else if (strcmp(key, "data_offsets") == 0) {
            size_t off[2], k;
            if (!uint_array(p, off, 2, &k))
                return 0;
            if (k != 2)
                return fail(p, "data_offsets must hold two numbers");
            t->begin = off[0];
            t->end = off[1];
            have_offsets = 1;
        } else if (!skip_value(p, 1)) {
            return 0;
        }
        if (peek(p, ','))
            p->pos++;
        else if (!expect(p, '}'))
            return 0;
        else
            break;
    }
    if (!have_dtype || !have_shape || !have_offsets)
        return fail(p, "tensor entry lacks dtype, shape or data_offsets");
    return 1;
}

static size_t dtype_size(const char *dtype)
{
    static const struct {
        const char *name;
        size_t size;
    } table[] = {{"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2},
                 {"I8", 1},  {"U8", 1},  {"U16", 2}, {"U32", 4},  {"U64", 8}, {"BOOL", 1}, {"F8_E4M3", 1},
                 {"F8_E5M2", 1}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i)
        if (strcmp(dtype, table[i].name) == 0)
            return table[i].size;
    return 0;
}

static lowp_status parse_header(struct parser *p, struct lowp_st_file *f)
{
    size_t cap = 16;
    f->tensors = malloc(cap * sizeof *f->tensors);
    if (f->tensors == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "safetensors: out of host memory");
    int ok = expect(p, '{');
    if (ok && peek(p, '}'))
        p->pos++;
    else
        while (ok) {
            char name[128];
            ok = string(p, name, sizeof name) && expect(p, ':');
            if (!ok)
                break;
            if (strcmp(name, "__metadata__") == 0) {
                ok = skip_value(p, 1);
            } else {
                if (f->count == cap) {
                    struct lowp_st_tensor *grown = realloc(f->tensors, 2 * cap * sizeof *grown);
                    if (grown == NULL)
                        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "safetensors: out of host memory");
                    f->tensors = grown;
                    cap *= 2;
                }
                struct lowp_st_tensor *t = &f->tensors[f->count];
                memset(t, 0, sizeof *t);
                snprintf(t->name, sizeof t->name, "%s", name);
                ok = tensor_entry(p, t);
                if (ok)
                    f->count++;
            }
            if (!ok)
                break;
            if (peek(p, ','))
                p->pos++;
            else {
                ok = expect(p, '}');
                break;
            }
        }
    if (ok) {
        ws(p);
        if (p->pos != p->n)
            ok = fail(p, "trailing bytes after the JSON header");
    }
    if (!ok)
        return lowp_error(LOWP_ERR_CORRUPT, "safetensors '%s': bad header: %s", p->path, p->err);
    for (size_t i = 0; i < f->count; ++i) {
        const struct lowp_st_tensor *t = &f->tensors[i];
        size_t es = dtype_size(t->dtype), elems = 1;
        if (es == 0)
            return lowp_error(LOWP_ERR_CORRUPT, "safetensors '%s': tensor '%s' has unknown dtype '%s'", p->path,
                              t->name, t->dtype);
        for (size_t d = 0; d < t->rank; ++d) {
            if (t->shape[d] != 0 && elems > SIZE_MAX / t->shape[d])
                return lowp_error(LOWP_ERR_CORRUPT, "safetensors '%s': tensor '%s' shape overflows", p->path, t->name);
            elems *= t->shape[d];
        }
        if (t->begin > t->end || t->end > f->data_len || elems > SIZE_MAX / es || t->end - t->begin != elems * es)
            return lowp_error(LOWP_ERR_CORRUPT,
                              "safetensors '%s': tensor '%s' data_offsets [%zu, %zu) do not fit its shape (%zu x %zu "
                              "bytes) inside the %zu-byte data section",
                              p->path, t->name, t->begin, t->end, elems, es, f->data_len);
    }
    return LOWP_OK;
}

lowp_status lowp_st_read(const char *path, struct lowp_st_file *f)
{
    LOWP_CHECK_NOT_NULL(path);
    LOWP_CHECK_NOT_NULL(f);
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return lowp_error(LOWP_ERR_IO, "safetensors: cannot open '%s'", path);
    unsigned char len8[8];
    long size = -1;
    if (fseek(fp, 0, SEEK_END) == 0)
        size = ftell(fp);
    if (size < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return lowp_error(LOWP_ERR_IO, "safetensors: cannot seek in '%s'", path);
    }
    if (size < 8 || fread(len8, 1, 8, fp) != 8) {
        fclose(fp);
        return lowp_error(LOWP_ERR_CORRUPT, "safetensors '%s': %ld bytes is too short for the 8-byte header length",
                          path, size);
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; --i)
        hlen = (hlen << 8) | len8[i];
    if (hlen < 2 || hlen > ST_MAX_HEADER || hlen > (uint64_t)size - 8) {
        fclose(fp);
        return lowp_error(LOWP_ERR_CORRUPT, "safetensors '%s': header length %llu does not fit the %ld-byte file",
                          path, (unsigned long long)hlen, size);
    }
    size_t data_len = (size_t)((uint64_t)size - 8 - hlen);
    char *header = malloc((size_t)hlen);
    f->data = malloc(data_len > 0 ? data_len : 1);
    if (header == NULL || f->data == NULL) {
        free(header);
        fclose(fp);
        lowp_st_free(f);
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "safetensors '%s': out of host memory", path);
    }
    f->data_len = data_len;
    int read_ok = fread(header, 1, (size_t)hlen, fp) == hlen && fread(f->data, 1, data_len, fp) == data_len;
    fclose(fp);
    if (!read_ok) {
        free(header);
        lowp_st_free(f);
        return lowp_error(LOWP_ERR_IO, "safetensors: cannot read '%s'", path);
    }
    struct parser p = {.s = header, .n = (size_t)hlen, .path = path};
    lowp_status s = parse_header(&p, f);
    free(header);
    if (s != LOWP_OK)
        lowp_st_free(f);
    return s;
}

void lowp_st_free(struct lowp_st_file *f)
{
    if (f == NULL)
        return;
    free(f->data);
    free(f->tensors);
    memset(f, 0, sizeof *f);
}

const struct lowp_st_tensor *lowp_st_find(const struct lowp_st_file *f, const char *name)
{
    for (size_t i = 0; i < f->count; ++i)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

lowp_status lowp_st_write(const char *path, size_t count, const char *const *names, const size_t *ranks,
                          const size_t (*shapes)[2], const float *const *data)
{
    size_t cap = 64 + count * 192, len = 0, offset = 0;
    char *h = malloc(cap);
    if (h == NULL)
        return lowp_error(LOWP_ERR_OUT_OF_MEMORY, "safetensors: out of host memory");
    len += (size_t)snprintf(h + len, cap - len, "{\"__metadata__\":{\"format\":\"pt\"}");
    for (size_t i = 0; i < count; ++i) {
        size_t elems = ranks[i] == 1 ? shapes[i][0] : shapes[i][0] * shapes[i][1];
        char shape[64];
        if (ranks[i] == 1)
            snprintf(shape, sizeof shape, "[%zu]", shapes[i][0]);
        else
            snprintf(shape, sizeof shape, "[%zu,%zu]", shapes[i][0], shapes[i][1]);
        int w = snprintf(h + len, cap - len, ",\"%s\":{\"dtype\":\"F32\",\"shape\":%s,\"data_offsets\":[%zu,%zu]}",
                         names[i], shape, offset, offset + elems * 4);
        if (w < 0 || (size_t)w >= cap - len) {
            free(h);
            return lowp_error(LOWP_ERR_INVALID_ARG, "safetensors: tensor name '%s' too long", names[i]);
        }
        len += (size_t)w;
        offset += elems * 4;
    }
    h[len++] = '}';
    while (len % 8 != 0) /* pad with spaces so the data section starts 8-byte aligned */
        h[len++] = ' ';
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) {
        free(h);
        return lowp_error(LOWP_ERR_IO, "safetensors: cannot create '%s'", path);
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; ++i)
        len8[i] = (unsigned char)((uint64_t)len >> (8 * i));
    int ok = fwrite(len8, 1, 8, fp) == 8 && fwrite(h, 1, len, fp) == len;
    for (size_t i = 0; i < count && ok; ++i) {
        size_t elems = ranks[i] == 1 ? shapes[i][0] : shapes[i][0] * shapes[i][1];
        for (size_t e = 0; e < elems && ok; ++e) { /* little-endian on every host */
            uint32_t bits;
            memcpy(&bits, &data[i][e], 4);
            unsigned char b[4] = {(unsigned char)bits, (unsigned char)(bits >> 8), (unsigned char)(bits >> 16),
                                  (unsigned char)(bits >> 24)};
            ok = fwrite(b, 1, 4, fp) == 4;
        }
    }
    free(h);
    if (fclose(fp) != 0)
        ok = 0;
    return ok ? LOWP_OK : lowp_error(LOWP_ERR_IO, "safetensors: cannot write '%s'", path);
}
