/* schema.c - the store's migrations, oldest first.
 *
 * Conventions every table follows: INTEGER PRIMARY KEY for local joins, a `uuid` for
 * anything that leaves the device, times as UTC ISO-8601 text with milliseconds, NULL for
 * "unknown" (no coordinates, no reading) and never 0, soft deletion (deleted_at plus a
 * reason) for evidence, because nothing synced is ever hard-deleted on the tablet. */
#include "gridwalk/config.h"

#include "data/schema.h"
#include "data/search_text.h"
#include "data/sql.h"

#include <stdio.h>

/* Queues row id with the document the index holds for it (NULL: none), unless it is queued
 * already: the first entry describes the index as it is. NOT EXISTS rather than OR IGNORE,
 * because an UPSERT's conflict handling overrides OR IGNORE inside the triggers it fires. */
#define SEARCH_QUEUE_IF(id, doc, cond)                                                             \
    "  INSERT INTO search_queue(id, old_doc) SELECT " id ", " doc "\n"                             \
    "    WHERE " cond " AND NOT EXISTS(SELECT 1 FROM search_queue WHERE id = " id ");\n"
#define SEARCH_QUEUE(id, doc) SEARCH_QUEUE_IF(id, doc, "1")
#define SEARCH_MARK "(SELECT indexed_to FROM search_state)"

static const char *const migrations[] = {
    /* 1: the foundation. */
    "CREATE TABLE settings(\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"

    /* The seven search fields plus coordinates. Text as the marketing system wrote it. */
    "CREATE TABLE customers(\n"
    "  id         INTEGER PRIMARY KEY,\n"
    "  account    TEXT NOT NULL UNIQUE CHECK(length(account) BETWEEN 1 AND 64),\n"
    "  name       TEXT NOT NULL,\n"
    "  meter      TEXT NOT NULL DEFAULT '',\n"
    "  capacity   TEXT NOT NULL DEFAULT '',\n"
    "  address    TEXT NOT NULL DEFAULT '',\n"
    "  line       TEXT NOT NULL DEFAULT '',\n"
    "  voltage    TEXT NOT NULL DEFAULT '',\n"
    "  lat        REAL CHECK(lat IS NULL OR lat BETWEEN -90 AND 90),\n"
    "  lon        REAL CHECK(lon IS NULL OR lon BETWEEN -180 AND 180),\n"
    "  coord_accuracy_m REAL,\n"
    "  coord_source TEXT CHECK(coord_source IN ('import','hub','pinned')),\n"
    "  updated_at TEXT NOT NULL,\n"
    "  hub_rev    INTEGER\n"
    ");\n"
    "CREATE INDEX customers_meter ON customers(meter);\n"

    /* Level 2 of the tree: topic folders under one of the customer's three categories. */
    "CREATE TABLE folders(\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
    "  category    INTEGER NOT NULL CHECK(category BETWEEN 1 AND 3),\n"
    "  name        TEXT NOT NULL CHECK(length(name) BETWEEN 1 AND 200),\n"
    "  created_at  TEXT NOT NULL,\n"
    "  updated_at  TEXT NOT NULL,\n"
    "  deleted_at  TEXT,\n"
    "  delete_reason TEXT\n"
    ");\n"
    "CREATE INDEX folders_customer ON folders(customer_id, category);\n"

    /* Level 3: an entry, named from its creation time unless the user typed a name. */
    "CREATE TABLE entries(\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  folder_id   INTEGER NOT NULL REFERENCES folders(id),\n"
    "  name        TEXT NOT NULL CHECK(length(name) BETWEEN 1 AND 200),\n"
    "  appearance_remark TEXT NOT NULL DEFAULT '',\n"
    "  nameplate_remark  TEXT NOT NULL DEFAULT '',\n"
    "  created_at  TEXT NOT NULL,\n"
    "  updated_at  TEXT NOT NULL,\n"
    "  version     INTEGER NOT NULL DEFAULT 1,\n"
    "  lat REAL, lon REAL, accuracy_m REAL,\n"
    "  deleted_at  TEXT,\n"
    "  delete_reason TEXT\n"
    ");\n"
    "CREATE INDEX entries_folder ON entries(folder_id);\n"

    /* Level 4: photos in the entry's appearance or nameplate folder. The file lives in the
     * content-addressed media store under its SHA-256; the row is written only after the
     * file is durable. */
    "CREATE TABLE photos(\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  entry_id    INTEGER NOT NULL REFERENCES entries(id),\n"
    "  folder      TEXT NOT NULL CHECK(folder IN ('appearance','nameplate')),\n"
    "  sha256      TEXT NOT NULL CHECK(length(sha256) = 64),\n"
    "  bytes       INTEGER NOT NULL,\n"
    "  width       INTEGER, height INTEGER,\n"
    "  source      TEXT NOT NULL CHECK(source IN ('camera','file','scan')),\n"
    "  original_sha256 TEXT,\n"
    "  taken_at    TEXT NOT NULL,\n"
    "  created_at  TEXT NOT NULL,\n"
    "  lat REAL, lon REAL, accuracy_m REAL,\n"
    "  deleted_at  TEXT,\n"
    "  delete_reason TEXT\n"
    ");\n"
    "CREATE INDEX photos_entry ON photos(entry_id, folder);\n"
    "CREATE INDEX photos_sha ON photos(sha256);\n"

    /* Tasks as the hub assigns them (inspection or meter reading). */
    "CREATE TABLE tasks(\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  kind        TEXT NOT NULL CHECK(kind IN ('inspection','meter-reading')),\n"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
    "  due_date    TEXT,\n"
    "  instructions TEXT NOT NULL DEFAULT '',\n"
    "  priority    INTEGER NOT NULL DEFAULT 0,\n"
    "  state       TEXT NOT NULL DEFAULT 'assigned' CHECK(state IN\n"
    "                ('assigned','in-progress','done','skipped','failed','cancelled')),\n"
    "  reason_code TEXT,\n"
    "  result      TEXT,\n"
    "  assigned_at TEXT,\n"
    "  started_at  TEXT,\n"
    "  finished_at TEXT,\n"
    "  lat REAL, lon REAL, accuracy_m REAL,\n"
    "  route_pos   INTEGER,\n"
    "  hub_rev     INTEGER,\n"
    "  updated_at  TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX tasks_state ON tasks(state, route_pos);\n"
    "CREATE INDEX tasks_customer ON tasks(customer_id);\n"

    /* Meter readings: probe or manual, with the raw transcript kept for audit. */
    "CREATE TABLE readings(\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),\n"
    "  task_id     INTEGER REFERENCES tasks(id),\n"
    "  method      TEXT NOT NULL CHECK(method IN ('probe','manual')),\n"
    "  protocol    TEXT,\n"
    "  meter_reported TEXT,\n"
    "  registers   TEXT NOT NULL DEFAULT '[]' CHECK(json_valid(registers)),\n"
    "  transcript  BLOB,\n"
    "  validation  TEXT NOT NULL DEFAULT '',\n"
    "  reason_code TEXT,\n"
    "  read_at     TEXT NOT NULL,\n"
    "  lat REAL, lon REAL, accuracy_m REAL,\n"
    "  created_at  TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX readings_customer ON readings(customer_id, read_at);\n"

    /* The transactional outbox: one row per user-visible change, drained in seq order by the
     * sync agent. Each row is a frozen version of a record: an edit after upload is a new
     * row, never a change to what was sent. */
    "CREATE TABLE outbox(\n"
    "  seq         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  kind        TEXT NOT NULL,\n"
    "  entity_uuid TEXT NOT NULL,\n"
    "  payload     TEXT NOT NULL CHECK(json_valid(payload)),\n"
    "  created_at  TEXT NOT NULL,\n"
    "  state       TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued','sent','failed')),\n"
    "  attempts    INTEGER NOT NULL DEFAULT 0,\n"
    "  next_try_at TEXT,\n"
    "  last_error  TEXT,\n"
    "  sent_at     TEXT\n"
    ");\n"
    "CREATE INDEX outbox_state ON outbox(state, seq);\n"
    /* The blobs (photo files) a record needs on the hub before the record itself. */
    "CREATE TABLE outbox_blobs(\n"
    "  seq    INTEGER NOT NULL REFERENCES outbox(seq) ON DELETE CASCADE,\n"
    "  sha256 TEXT NOT NULL CHECK(length(sha256) = 64),\n"
    "  PRIMARY KEY(seq, sha256)\n"
    ") WITHOUT ROWID;\n",

    /* Laid out as SQL by hand: clang-format mangles strings with macros spliced in. */
    /* clang-format off */
    /* 2: the customer search index (data/search.c, data/search_text.h). A contentless FTS5
     * table of tagged grams keyed by customers.id, the distinct folded values of the
     * low-cardinality fields (capacity 'c', line 'l', voltage 'v') that substring queries on
     * them are matched against first, and a queue of customers changed since the index was
     * last brought up to date.
     *
     * Why a queue and not triggers that write the FTS5 table: FTS5 flushes its pending terms
     * at every statement savepoint, so an FTS5 insert from a per-row trigger costs ~50 us and
     * a 1,000,000-row import would spend most of a minute there; the same rows go into FTS5
     * in 10-20 s as one INSERT ... SELECT (search_index_flush). New rows are found by their
     * id (above search_state.indexed_to) and cost an import only the few microseconds per
     * row that the triggers' presence adds to its upsert; the triggers only queue
     * changed and deleted rows that are in the index, with the document the index holds for
     * them (a contentless FTS5 table can only delete a row given its old text). Searching
     * checks queued and new rows directly, so results are right before the flush too. */
    "CREATE VIRTUAL TABLE customer_search USING fts5(doc, content='', detail=none,\n"
    "  columnsize=0, tokenize='gridwalk');\n"
    "CREATE TABLE search_values(\n"
    "  field TEXT NOT NULL,\n"
    "  value TEXT NOT NULL,\n"
    "  PRIMARY KEY(field, value)\n"
    ") WITHOUT ROWID;\n"
    /* Posting counts of the tokens in at least 500 rows, refreshed by a bulk flush: the
     * query planner picks the tokens to intersect by them. */
    "CREATE TABLE search_common(\n"
    "  token TEXT PRIMARY KEY,\n"
    "  docs  INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n"
    /* old_doc: what the index holds for id, NULL when the index has nothing for it. */
    "CREATE TABLE search_queue(\n"
    "  id      INTEGER PRIMARY KEY,\n"
    "  old_doc TEXT\n"
    ");\n"
    /* Every customer with an id above indexed_to is new since the last flush and not in the
     * index; every one at or below it is in the index as it is now, or queued. New rows get
     * the next id, so an import's inserts need no queue entry at all: the insert trigger
     * only fires for an id at or below the mark (an id reused after a delete). */
    "CREATE TABLE search_state(\n"
    "  one        INTEGER PRIMARY KEY CHECK(one = 1),\n"
    "  indexed_to INTEGER NOT NULL\n"
    ");\n"
    "CREATE TRIGGER customers_search_ai AFTER INSERT ON customers\n"
    "  WHEN new.id <= " SEARCH_MARK " BEGIN\n"
    SEARCH_QUEUE("new.id", "NULL")
    "END;\n"
    "CREATE TRIGGER customers_search_ad AFTER DELETE ON customers\n"
    "  WHEN old.id <= " SEARCH_MARK " BEGIN\n"
    SEARCH_QUEUE("old.id", SEARCH_DOC("old"))
    "END;\n"
    "CREATE TRIGGER customers_search_au\n"
    "  AFTER UPDATE OF id, account, name, meter, capacity, address, line, voltage ON customers\n"
    "  WHEN (old.id IS NOT new.id OR old.account IS NOT new.account OR old.name IS NOT new.name\n"
    "    OR old.meter IS NOT new.meter OR old.capacity IS NOT new.capacity\n"
    "    OR old.address IS NOT new.address OR old.line IS NOT new.line\n"
    "    OR old.voltage IS NOT new.voltage)\n"
    "    AND min(old.id, new.id) <= " SEARCH_MARK "\n"
    "BEGIN\n"
    SEARCH_QUEUE_IF("old.id", SEARCH_DOC("old"), "old.id <= " SEARCH_MARK)
    SEARCH_QUEUE_IF("new.id", "NULL", "new.id <= " SEARCH_MARK)
    "END;\n"
    /* A store that had customers before this migration gets them indexed now. */
    "INSERT INTO customer_search(rowid, doc) SELECT id, " SEARCH_DOC("customers")
    " FROM customers;\n"
    "INSERT OR IGNORE INTO search_values(field, value)\n"
    "  SELECT 'c', gw_search_key(capacity) FROM customers WHERE capacity <> ''\n"
    "  UNION SELECT 'l', gw_search_key(line) FROM customers WHERE line <> ''\n"
    "  UNION SELECT 'v', gw_search_key(voltage) FROM customers WHERE voltage <> '';\n"
    "INSERT INTO search_state(one, indexed_to) SELECT 1, coalesce(max(id), 0) FROM customers;\n",
    /* clang-format on */

    /* 3: the sync state of a tree item is its newest outbox row; find it without a scan. */
    "CREATE INDEX outbox_entity ON outbox(entity_uuid, seq);\n",
};

int schema_count(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

int schema_migrate(struct db *db, int target, struct err *e)
{
    int have = db_schema_version(db);
    if (have > schema_count())
        return err_set(e, GW_EDB,
                       "%s has schema version %d but this gridwalk knows only up to %d; "
                       "update gridwalk before opening it",
                       db_path(db), have, schema_count());
    if (target > schema_count())
        target = schema_count();
    for (int v = have; v < target; v++) {
        char pragma[64];
        int rc = db_begin(db, e);
        if (rc)
            return rc;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
        if ((rc = db_exec(db, e, migrations[v])) || (rc = db_exec(db, e, pragma))) {
            db_rollback(db);
            return err_prefix(e, "migrating %s to schema version %d: ", db_path(db), v + 1);
        }
        if ((rc = db_commit(db, e)))
            return rc;
    }
    return GW_OK;
}
