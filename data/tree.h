/* tree.h - the customer directory tree in the store: topic folders (level 2), entries
 * (level 3) and the photos of their appearance and nameplate folders (level 4).
 *
 * Owns the folders and entries tables and the tombstoning of folders, entries and photos.
 * Photo rows are written by the media part (data/photos*); here they are only listed and
 * tombstoned. Every change is one transaction with its outbox row (db_change_*), the payload
 * built by SQLite's json_object() from the row just written. Nothing is ever hard-deleted:
 * removal sets deleted_at and a reason and queues a tombstone record. Names are checked by
 * the caller (app/naming.h); this module only enforces what the schema does. Must not know
 * about screens or the command line. */
#ifndef GRIDWALK_TREE_H
#define GRIDWALK_TREE_H

#include "data/db.h"

#include <stdbool.h>
#include <stdint.h>

#define TREE_CATEGORIES 3
#define TREE_NAME_MAX 256
#define TREE_REMARK_MAX 2048
#define TREE_REASON_MAX 512

/* Where an item's newest outbox row stands: the sync agent moves it from queued to sent. */
enum tree_sync { TREE_SYNC_NONE, TREE_SYNC_QUEUED, TREE_SYNC_SENT, TREE_SYNC_FAILED };

struct tree_folder {
    int64_t id;
    char uuid[DB_UUID_LEN];
    int64_t customer_id;
    int category; /* 1..3 */
    char name[TREE_NAME_MAX];
    char created_at[DB_TIME_LEN];
    char updated_at[DB_TIME_LEN];
    int entries; /* live entries in it */
    int photos;  /* live photos in those entries */
    enum tree_sync sync;
};

struct tree_entry {
    int64_t id;
    char uuid[DB_UUID_LEN];
    int64_t folder_id;
    char name[TREE_NAME_MAX];
    char appearance_remark[TREE_REMARK_MAX];
    char nameplate_remark[TREE_REMARK_MAX];
    char created_at[DB_TIME_LEN];
    char updated_at[DB_TIME_LEN];
    int version;
    double lat, lon, accuracy_m; /* NaN when no fix at creation */
    int appearance_photos, nameplate_photos;
    enum tree_sync sync;
};

struct tree_photo {
    int64_t id;
    char uuid[DB_UUID_LEN];
    int64_t entry_id;
    char folder[16]; /* "appearance" or "nameplate" */
    char sha256[65];
    int64_t bytes;
    int width, height; /* -1 when unknown */
    char source[8];    /* "camera", "file", "scan" */
    char taken_at[DB_TIME_LEN];
    enum tree_sync sync;
    double lat, lon, accuracy_m; /* where it was taken; NaN when unknown */
};

/* Lists, in creation order, the live folders of a customer's category (1..3), the live
 * entries of a folder, the live photos of an entry's folder ("appearance"/"nameplate").
 * *out is a malloc'd array owned by the caller (free()); *n its length (0 gives NULL). */
int tree_list_folders(struct db *db, int64_t customer_id, int category, struct tree_folder **out,
                      size_t *n, struct err *e);
int tree_list_entries(struct db *db, int64_t folder_id, struct tree_entry **out, size_t *n,
                      struct err *e);
int tree_list_photos(struct db *db, int64_t entry_id, const char *folder, struct tree_photo **out,
                     size_t *n, struct err *e);

/* Count of live folders, entries and photos in a customer's category (for the root page). */
int tree_category_counts(struct db *db, int64_t customer_id, int category, int *folders,
                         int *entries, int *photos, struct err *e);

/* Loads one live item by local id; GW_ENOTFOUND when absent or removed. */
int tree_folder_get(struct db *db, int64_t id, struct tree_folder *out, struct err *e);
int tree_entry_get(struct db *db, int64_t id, struct tree_entry *out, struct err *e);
int tree_photo_get(struct db *db, int64_t id, struct tree_photo *out, struct err *e);

/* Creates a topic folder under the customer's category; fills *id (may be NULL).
 * GW_ENOTFOUND for an unknown customer, GW_EINVAL for a category outside 1..3. */
int tree_folder_create(struct db *db, int64_t customer_id, int category, const char *name,
                       int64_t *id, struct err *e);
/* Renames a live folder (a new folder record is queued). */
int tree_folder_rename(struct db *db, int64_t id, const char *name, struct err *e);

/* Creates an entry in a live folder, in one step, with its outbox row. name is required
 * (the caller makes the automatic one); remarks may be NULL for empty; lat/lon/accuracy
 * NaN when there is no fix. Fills *id (may be NULL). */
int tree_entry_create(struct db *db, int64_t folder_id, const char *name, const char *appearance,
                      const char *nameplate, double lat, double lon, double accuracy_m, int64_t *id,
                      struct err *e);
/* Changes an entry's texts; a NULL argument keeps that text. Bumps version and queues the
 * new version. Allowed at any time, also while photos upload. */
int tree_entry_edit(struct db *db, int64_t id, const char *name, const char *appearance,
                    const char *nameplate, struct err *e);

/* Tombstones a live item: deleted_at and reason on the row and a tombstone record queued.
 * reason must not be empty (GW_EINVAL). GW_ENOTFOUND when absent or already removed. */
int tree_folder_remove(struct db *db, int64_t id, const char *reason, struct err *e);
int tree_entry_remove(struct db *db, int64_t id, const char *reason, struct err *e);
int tree_photo_remove(struct db *db, int64_t id, const char *reason, struct err *e);

/* The sync state a status line shows: queued and failed outbox rows (counted through the
 * state index, cheap however long the outbox grows), the time of the sync agent's last
 * complete pass, its status line and the hub's refusal of our token, all as gridwalk-syncd
 * keeps them in the settings table (outbox.h); "" when unset. */
struct sync_status {
    int64_t queued;
    int64_t failed;
    char last_success[DB_TIME_LEN];
    char agent_status[128];
    char auth_error[256];
    bool offline; /* the agent's last pass could not reach the hub */
};
int tree_sync_status(struct db *db, struct sync_status *out, struct err *e);

/* "queued", "sent", "failed" or "" for s. */
const char *tree_sync_name(enum tree_sync s);

#endif
