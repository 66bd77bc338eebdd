/* pull.h - applying the hub's customer and task changes to the local store, by cursor.
 *
 * gridwalk-syncd fetches pages of changes (GET /api/v1/changes) and hands each page here as
 * the JSON array the hub sent; one page and the new cursor commit in one transaction, so a
 * kill between pages repeats at most one page (applying is idempotent). Local edits that have
 * not been uploaded yet win: a customer with an unsent pin keeps its coordinates, a task with
 * an unsent state change keeps its state. It knows nothing of HTTP. */
#ifndef GRIDWALK_PULL_H
#define GRIDWALK_PULL_H

#include "data/db.h"

#include <stdint.h>

#define PULL_KEY_CURSOR "sync.cursor"

/* The last applied cursor (0 when nothing was ever pulled), or -1 on error. */
int64_t pull_cursor(struct db *db, struct err *e);

/* Applies one page: page_json is an array of {"rev":N,"kind":"customer"|"task","data":{...}}
 * (customer data: account, name, meter, capacity, address, line, voltage, lat, lon,
 * coord_accuracy_m; task data: uuid, kind, account, due_date, instructions, priority, state,
 * assigned_at). Stores next_cursor with it. Unknown kinds are skipped. GW_EINVAL for a page
 * that is not a JSON array; GW_EDB when the store refuses (nothing of the page is kept). */
int pull_apply(struct db *db, const char *page_json, int64_t next_cursor, struct err *e);

#endif
