/* tree_ops.h - the directory-tree rules every front end applies before the store: names
 * checked with naming.h, the entry's automatic name, a reason required for removal.
 *
 * The app's screens and the command line both change the tree only through these calls,
 * so a rule lives in one place; data/tree.h does the writing (one transaction with its
 * outbox row), and a successful change nudges gridwalk-syncd (outbox_nudge). No I/O besides
 * the store and that nudge; no screens. */
#ifndef GRIDWALK_TREE_OPS_H
#define GRIDWALK_TREE_OPS_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include "app/naming.h"
#include "data/db.h"

#include <stdint.h>
#include <time.h>

enum tree_kind { TREE_FOLDER, TREE_ENTRY, TREE_PHOTO };

/* Creates a topic folder; GW_EINVAL/GW_ETOOBIG when naming_check refuses the name. */
int tree_ops_folder_create(struct db *db, int64_t customer_id, int category, const char *name,
                           int64_t *id, struct err *e);
int tree_ops_folder_rename(struct db *db, int64_t id, const char *name, struct err *e);

/* Creates an entry in one step. A NULL or blank name means the automatic one for `now`
 * (local "YYYY-MM-DD HH:MM"), copied to name_out when it is not NULL. Remarks may be NULL.
 * lat/lon/accuracy NaN without a GPS fix. */
int tree_ops_entry_create(struct db *db, int64_t folder_id, const char *name, time_t now,
                          const char *appearance, const char *nameplate, double lat, double lon,
                          double accuracy_m, int64_t *id, char name_out[256], struct err *e);
/* Changes an entry's texts (NULL keeps one); a new name must pass naming_check. */
int tree_ops_entry_edit(struct db *db, int64_t id, const char *name, const char *appearance,
                        const char *nameplate, struct err *e);

/* Tombstones a folder, entry or photo; the reason must not be blank (GW_EINVAL). */
int tree_ops_remove(struct db *db, enum tree_kind kind, int64_t id, const char *reason,
                    struct err *e);

#endif
