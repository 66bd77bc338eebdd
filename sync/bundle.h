/* bundle.h - the manual-transfer file: the outbox on a USB stick.
 *
 * A bundle is a tar file (libarchive, pax format) holding manifest.json
 * ({"format":"gridwalk-bundle","version":1,"device","created_at","records":N}), the blobs as
 * blobs/<sha256>, then records.jsonl: one wire record (wire.h) per line, in outbox order.
 * Blobs come before the records that need them, exactly as on the network path, so the hub
 * takes a bundle in with the same idempotency and checks. The writer writes to FILE.tmp and
 * renames it into place only when complete, so a pulled stick never holds half a bundle
 * under the final name. It knows nothing of SQL or HTTP. */
#ifndef GRIDWALK_SYNC_BUNDLE_H
#define GRIDWALK_SYNC_BUNDLE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

struct bundle_writer;

/* Starts a bundle at path (via path.tmp). *w is the caller's until bundle_write_close or
 * bundle_write_abort. */
int bundle_write_open(struct bundle_writer **w, const char *path, const char *device,
                      struct err *e);
/* Adds the file at file_path as blob sha (once; repeats are ignored). The file's bytes are
 * hashed while copied: GW_ECORRUPT if they do not match sha. */
int bundle_write_blob(struct bundle_writer *w, const char *sha, const char *file_path,
                      struct err *e);
/* Queues a record (borrowed; copied) for records.jsonl. */
int bundle_write_record(struct bundle_writer *w, json_t *rec, struct err *e);
/* Finishes: writes records.jsonl and the manifest, fsyncs and renames into place. Frees w. */
int bundle_write_close(struct bundle_writer *w, struct err *e);
/* Drops the unfinished bundle and frees w. */
void bundle_write_abort(struct bundle_writer *w);

struct bundle_reader;
/* Reads the next len bytes of the current blob; 0 at its end, -1 on error. */
ssize_t bundle_blob_read(struct bundle_reader *r, void *buf, size_t len);

struct bundle_sink {
    /* A blob entry: read it with bundle_blob_read. Non-zero stops the import. */
    int (*blob)(void *ctx, struct bundle_reader *r, const char *sha, int64_t size,
                struct err *e);
    /* One record line, parsed (borrowed). Non-zero stops the import. */
    int (*record)(void *ctx, json_t *rec, struct err *e);
    void *ctx;
};

/* Reads a bundle from path, calling the sink for each blob and record in order. GW_EINVAL for
 * a file that is not a gridwalk bundle; GW_ECORRUPT for a damaged one. */
int bundle_read(const char *path, const struct bundle_sink *sink, struct err *e);

#endif
