/* schema.h - the store's forward-only migrations.
 *
 * Migration i (1-based) brings a store from user_version i-1 to i, inside one transaction.
 * Never edit a migration that has shipped: append a new one. */
#ifndef GRIDWALK_SCHEMA_H
#define GRIDWALK_SCHEMA_H

#include "data/db.h"

/* Number of migrations, which is the newest schema version. */
int schema_count(void);

/* Migrates the store from its current version up to `target` (schema_count() for the
 * newest). GW_EDB if the store is newer than this program or a migration fails; the
 * store is then left at the version it had before the failing step. */
int schema_migrate(struct db *db, int target, struct err *e);

#endif
