/* mediastore.h - the content-addressed media store on disk: `<dir of db>/media/ab/<sha256>.jpg`.
 *
 * Owns the files under media/ and the order in which they become durable: written to a
 * temporary name, fsync'd, renamed to the final name, the folder fsync'd; only after that may a
 * caller insert a row that references the file (data/photos.h). So a crash leaves at most an
 * orphan file or a stale temporary, both removed by the sweep at start-up, never a row that
 * points at nothing and never a partial file under a final name.
 * Concurrency: every open handle holds a shared flock on media/.lock; the sweep runs only when
 * it gets the lock exclusively (no other gridwalk process is storing), otherwise it is skipped.
 * It does not hash (the caller passes the SHA-256 it computed at capture) and knows no screens. */
#ifndef GRIDWALK_MEDIASTORE_H
#define GRIDWALK_MEDIASTORE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/db.h"

#include <stddef.h>

#define MEDIASTORE_PATH_MAX 4096
/* The media folder's own path is shorter, so every name built under it fits a path buffer. */
#define MEDIASTORE_ROOT_MAX 3584

struct mediastore {
    char root[MEDIASTORE_ROOT_MAX]; /* .../media */
    int lock_fd;
};

/* What a sweep removed. swept is 0 when another process held the store and it was skipped. */
struct mediastore_sweep_stats {
    int swept;
    int orphans;
    int temps;
};

/* Opens (creating) the media folder beside db's file (":memory:" stores use $TMPDIR/...: tests
 * give a real file). When sweep is set and no other process uses the store, first removes
 * stale temporaries and files no photo row references; stats may be NULL. GW_EIO naming the
 * folder on failure. Release with mediastore_close(). */
int mediastore_open(struct mediastore *ms, struct db *db, int sweep,
                    struct mediastore_sweep_stats *stats, struct err *e);
void mediastore_close(struct mediastore *ms);

/* Stores n bytes under their SHA-256 (hex, computed by the caller) durably, as described
 * above; storing the same content twice is harmless. Every blob is named <sha256>.jpg, the
 * one path rule the sync agent and DESIGN.md share, even a kept PNG original (a blob is known
 * by its hash; its bytes say what it is). path (may be NULL) receives the final name. GW_EIO
 * naming the file on failure; nothing is left under the final name then. */
int mediastore_put(struct mediastore *ms, const void *buf, size_t n, const char *sha256, char *path,
                   size_t path_cap, struct err *e);

/* Finds the stored file with this SHA-256 (an outbox blob's file). GW_ENOTFOUND when it is
 * not there. */
int mediastore_locate(const struct mediastore *ms, const char *sha256, char *path, size_t cap,
                      struct err *e);

/* The final name of a stored file (whether or not it exists): <root>/<2 hex>/<sha256>.jpg. */
void mediastore_path(const struct mediastore *ms, const char *sha256, char *path, size_t cap);

/* The same name from the store's file path alone, for readers that do not open the media
 * store (the sync agent, bundle export): <dir of db_file>/media/<2 hex>/<sha256>.jpg.
 * GW_EINVAL when sha256 is not 64 lower-case hex digits, GW_ETOOBIG when it does not fit. */
int mediastore_file_for(const char *db_file, const char *sha256, char *path, size_t cap);

#endif
