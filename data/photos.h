/* photos.h - photo rows of the level-4 folders (appearance, nameplate) and their outbox rows.
 *
 * Owns the `photos` table. A photo row is inserted only after its file is durable in the media
 * store (data/mediastore.h); the row and its outbox record (kind "photo", blobs = the stored
 * file's SHA-256 and the original's when kept) commit in one transaction. Rows are never
 * updated or hard-deleted here. Knows nothing of images, devices or screens. */
#ifndef GRIDWALK_PHOTOS_H
#define GRIDWALK_PHOTOS_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/db.h"

#include <stdint.h>

/* The entry a photo goes into, with what its EXIF description needs. */
struct photo_entry {
    int64_t id;
    char uuid[DB_UUID_LEN];
    char name[256];
    char account[72];
    char customer_name[256];
};

/* Finds a live (not deleted) entry by its UUID or its local numeric id. GW_ENOTFOUND with a
 * message naming ref when there is none. */
int photos_find_entry(struct db *db, const char *ref, struct photo_entry *out, struct err *e);

/* A photo to record. Strings are copied; original_sha256 NULL or "" when no original is
 * kept; lat/lon/accuracy_m NaN when unknown. */
struct photo_row {
    int64_t entry_id;
    const char *folder; /* "appearance" | "nameplate" */
    const char *sha256;
    int64_t bytes;
    int width, height;
    const char *source; /* "camera" | "file" | "scan" */
    const char *original_sha256;
    const char *taken_at; /* UTC ISO-8601 with ms */
    double lat, lon, accuracy_m;
};

/* Inserts the row and its outbox record in one transaction; uuid receives the new photo's
 * UUID. GW_EINVAL for a bad folder or source, GW_EDB when the store refuses. */
int photos_add(struct db *db, const struct photo_row *p, char uuid[DB_UUID_LEN], struct err *e);

/* Reads one photo/camera setting from the settings table (keys "photo.*", "camera.*") into
 * buf. GW_ENOTFOUND when it is not set, GW_EDB on a store error. */
int photos_setting(struct db *db, const char *key, char *buf, size_t n, struct err *e);

/* Number of live photos in an entry's folder (folder NULL: both). -1 on a store error. */
int64_t photos_count(struct db *db, int64_t entry_id, const char *folder, struct err *e);

#endif
