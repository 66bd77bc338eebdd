/* bundle.c - writing and reading bundle files (see bundle.h). */
#include "gridwalk/config.h"

#include "sync/bundle.h"
#include "sync/sbuf.h"
#include "sync/wire.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUNDLE_MAX_LINE (16u << 20) /* one record line; records are far smaller */

struct bundle_writer {
    struct archive *a;
    int fd;
    char *path, *tmp;
    char device[128];
    json_t *seen; /* blobs already written */
    struct sbuf records;
    int64_t nrecords;
};

static int add_member(struct bundle_writer *w, const char *name, const void *p, size_t n,
                      struct err *e)
{
    struct archive_entry *ent = archive_entry_new();
    archive_entry_set_pathname(ent, name);
    archive_entry_set_filetype(ent, AE_IFREG);
    archive_entry_set_perm(ent, 0644);
    archive_entry_set_size(ent, (la_int64_t)n);
    archive_entry_set_mtime(ent, time(NULL), 0);
    int rc = GW_OK;
    if (archive_write_header(w->a, ent) != ARCHIVE_OK ||
        (n && archive_write_data(w->a, p, n) != (la_ssize_t)n))
        rc = err_set(e, GW_EIO, "writing %s: %s", w->tmp, archive_error_string(w->a));
    archive_entry_free(ent);
    return rc;
}

int bundle_write_open(struct bundle_writer **out, const char *path, const char *device,
                      struct err *e)
{
    struct bundle_writer *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w)
        abort();
    w->path = strdup(path);
    size_t n = strlen(path) + 5;
    w->tmp = malloc(n);
    if (!w->path || !w->tmp)
        abort();
    snprintf(w->tmp, n, "%s.tmp", path);
    snprintf(w->device, sizeof w->device, "%s", device ? device : "");
    w->seen = json_object();
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int rc = err_set(e, GW_EIO, "cannot create %s: %s", w->tmp, strerror(errno));
        bundle_write_abort(w);
        return rc;
    }
    w->a = archive_write_new();
    archive_write_set_format_pax_restricted(w->a);
    if (archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK) {
        int rc = err_set(e, GW_EIO, "cannot write %s: %s", w->tmp, archive_error_string(w->a));
        bundle_write_abort(w);
        return rc;
    }
    *out = w;
    return GW_OK;
}

int bundle_write_blob(struct bundle_writer *w, const char *sha, const char *file_path,
                      struct err *e)
{
    char name[128], got[WIRE_SHA_LEN];
    unsigned char buf[65536];
    if (json_object_get(w->seen, sha))
        return GW_OK;
    /* Checked before anything is written, so a damaged media file never enters the bundle
     * under a name it does not hash to; the copy below is hashed again in case it changed. */
    int rc = wire_sha256_file(file_path, got, e);
    if (rc)
        return rc;
    if (strcmp(got, sha) != 0)
        return err_set(e, GW_ECORRUPT, "%s does not hash to %s; the media store is damaged",
                       file_path, sha);
    int fd = open(file_path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        return err_set(e, GW_EIO, "cannot read %s: %s", file_path, strerror(errno));
    }
    snprintf(name, sizeof name, "blobs/%s", sha);
    struct archive_entry *ent = archive_entry_new();
    archive_entry_set_pathname(ent, name);
    archive_entry_set_filetype(ent, AE_IFREG);
    archive_entry_set_perm(ent, 0644);
    archive_entry_set_size(ent, sb.st_size);
    archive_entry_set_mtime(ent, sb.st_mtime, 0);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        abort();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    if (archive_write_header(w->a, ent) != ARCHIVE_OK)
        rc = err_set(e, GW_EIO, "writing %s: %s", w->tmp, archive_error_string(w->a));
    ssize_t got_n;
    int64_t total = 0;
    while (rc == GW_OK && (got_n = read(fd, buf, sizeof buf)) > 0) {
        EVP_DigestUpdate(ctx, buf, (size_t)got_n);
        total += got_n;
        if (archive_write_data(w->a, buf, (size_t)got_n) != got_n)
            rc = err_set(e, GW_EIO, "writing %s: %s", w->tmp, archive_error_string(w->a));
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    close(fd);
    archive_entry_free(ent);
    for (int i = 0; i < 32; i++)
        snprintf(got + 2 * i, 3, "%02x", md[i]);
    if (rc == GW_OK && total != sb.st_size)
        rc = err_set(e, GW_EIO, "%s changed size while it was copied", file_path);
    if (rc == GW_OK && strcmp(got, sha) != 0)
        rc = err_set(e, GW_ECORRUPT, "%s changed while it was copied; the bundle is unusable",
                     file_path);
    if (rc == GW_OK)
        json_object_set_new(w->seen, sha, json_true());
    return rc;
}

int bundle_write_record(struct bundle_writer *w, json_t *rec, struct err *e)
{
    char *line = json_dumps(rec, JSON_COMPACT);
    if (!line)
        return err_set(e, GW_EINVAL, "a record cannot be encoded");
    sbuf_printf(&w->records, "%s\n", line);
    free(line);
    w->nrecords++;
    return GW_OK;
}

int bundle_write_close(struct bundle_writer *w, struct err *e)
{
    char now[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    int rc = add_member(w, "records.jsonl", w->records.p ? w->records.p : "", w->records.n, e);
    json_t *m = json_pack("{s:s, s:i, s:s, s:s, s:I, s:I}", "format", "gridwalk-bundle",
                          "version", 1, "device", w->device, "created_at", now, "records",
                          (json_int_t)w->nrecords, "blobs", (json_int_t)json_object_size(w->seen));
    char *ms = json_dumps(m, JSON_INDENT(1));
    json_decref(m);
    if (rc == GW_OK)
        rc = add_member(w, "manifest.json", ms, strlen(ms), e);
    free(ms);
    if (rc == GW_OK && archive_write_close(w->a) != ARCHIVE_OK)
        rc = err_set(e, GW_EIO, "writing %s: %s", w->tmp, archive_error_string(w->a));
    if (rc == GW_OK && fsync(w->fd) != 0)
        rc = err_set(e, GW_EIO, "cannot flush %s to the stick: %s", w->tmp, strerror(errno));
    if (rc == GW_OK && rename(w->tmp, w->path) != 0)
        rc = err_set(e, GW_EIO, "cannot rename %s: %s", w->tmp, strerror(errno));
    if (rc) {
        bundle_write_abort(w);
        return rc;
    }
    archive_write_free(w->a);
    close(w->fd);
    json_decref(w->seen);
    sbuf_done(&w->records);
    free(w->path);
    free(w->tmp);
    free(w);
    return GW_OK;
}

void bundle_write_abort(struct bundle_writer *w)
{
    if (!w)
        return;
    if (w->a)
        archive_write_free(w->a);
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
    json_decref(w->seen);
    sbuf_done(&w->records);
    free(w->path);
    free(w->tmp);
    free(w);
}

struct bundle_reader {
    struct archive *a;
};

ssize_t bundle_blob_read(struct bundle_reader *r, void *buf, size_t len)
{
    la_ssize_t n = archive_read_data(r->a, buf, len);
    return n < 0 ? -1 : (ssize_t)n;
}

static int read_records(struct bundle_reader *r, const struct bundle_sink *sink, int64_t size,
                        struct err *e)
{
    struct sbuf line = {0};
    char buf[65536];
    int rc = GW_OK, lineno = 0;
    ssize_t n;
    (void)size;
    while (rc == GW_OK && (n = bundle_blob_read(r, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n && rc == GW_OK; i++) {
            if (buf[i] != '\n') {
                if (line.n >= BUNDLE_MAX_LINE)
                    rc = err_set(e, GW_ECORRUPT, "records.jsonl line %d is too long", lineno + 1);
                else
                    sbuf_put(&line, &buf[i], 1);
                continue;
            }
            lineno++;
            json_error_t je;
            json_t *rec = json_loadb(line.p ? line.p : "", line.n, 0, &je);
            if (!rec)
                rc = err_set(e, GW_ECORRUPT, "records.jsonl line %d is not JSON: %s", lineno,
                             je.text);
            else
                rc = sink->record(sink->ctx, rec, e);
            json_decref(rec);
            line.n = 0;
        }
    }
    if (rc == GW_OK && line.n)
        rc = err_set(e, GW_ECORRUPT, "records.jsonl ends in the middle of a line");
    sbuf_done(&line);
    return rc;
}

int bundle_read(const char *path, const struct bundle_sink *sink, struct err *e)
{
    struct bundle_reader r = {archive_read_new()};
    struct archive_entry *ent;
    int rc = GW_OK, any = 0;
    archive_read_support_format_tar(r.a);
    archive_read_support_format_gnutar(r.a);
    if (archive_read_open_filename(r.a, path, 65536) != ARCHIVE_OK) {
        rc = err_set(e, GW_EIO, "cannot read %s: %s", path, archive_error_string(r.a));
        goto out;
    }
    int st = ARCHIVE_EOF;
    while (rc == GW_OK && (st = archive_read_next_header(r.a, &ent)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(ent);
        int64_t size = archive_entry_size(ent);
        any = 1;
        if (strncmp(name, "blobs/", 6) == 0) {
            if (!wire_sha_valid(name + 6))
                rc = err_set(e, GW_ECORRUPT, "%s: member %s is not named by a SHA-256", path,
                             name);
            else
                rc = sink->blob(sink->ctx, &r, name + 6, size, e);
        } else if (strcmp(name, "records.jsonl") == 0)
            rc = read_records(&r, sink, size, e);
        else if (strcmp(name, "manifest.json") != 0)
            rc = err_set(e, GW_EINVAL, "%s: unexpected member %s; not a gridwalk bundle", path,
                         name);
    }
    if (rc == GW_OK && st != ARCHIVE_EOF)
        rc = err_set(e, GW_ECORRUPT, "%s is damaged: %s", path, archive_error_string(r.a));
    if (rc == GW_OK && !any)
        rc = err_set(e, GW_EINVAL, "%s is empty; not a gridwalk bundle", path);
out:
    archive_read_free(r.a);
    return rc;
}
