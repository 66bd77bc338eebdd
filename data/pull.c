/* pull.c - applying pages of hub changes (see pull.h).
 *
 * The page is handed to SQLite as JSON and taken apart with json_each/json_extract, so the
 * whole page is a handful of set-based statements in one transaction. "Unsent local edit"
 * means an outbox row for the same entity that is not 'sent' yet; such a row wins over the
 * hub's copy until it has been uploaded (after which the hub's next change carries it). */
#include "gridwalk/config.h"

#include "data/pull.h"
#include "data/sql.h"

#include <stdio.h>
#include <stdlib.h>

int64_t pull_cursor(struct db *db, struct err *e)
{
    sqlite3_stmt *st = db_prepare(db, e, "SELECT value FROM settings WHERE key = :k");
    if (!st)
        return -1;
    db_bind_text(st, ":k", PULL_KEY_CURSOR);
    int64_t cur = 0;
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        cur = strtoll(db_col_text(st, 0), NULL, 10);
    sqlite3_finalize(st);
    return step < 0 ? -1 : cur;
}

static const char *const apply_sql[] = {
    /* Customers: everything from the hub, except coordinates while a pin is unsent, and
     * except coordinates the hub does not know (NULL never erases a local value). */
    "INSERT INTO customers(account, name, meter, capacity, address, line, voltage,"
    "  lat, lon, coord_accuracy_m, coord_source, updated_at, hub_rev)"
    " SELECT json_extract(value, '$.data.account'),"
    "  coalesce(json_extract(value, '$.data.name'), ''),"
    "  coalesce(json_extract(value, '$.data.meter'), ''),"
    "  coalesce(json_extract(value, '$.data.capacity'), ''),"
    "  coalesce(json_extract(value, '$.data.address'), ''),"
    "  coalesce(json_extract(value, '$.data.line'), ''),"
    "  coalesce(json_extract(value, '$.data.voltage'), ''),"
    "  json_extract(value, '$.data.lat'), json_extract(value, '$.data.lon'),"
    "  json_extract(value, '$.data.coord_accuracy_m'),"
    "  CASE WHEN json_extract(value, '$.data.lat') IS NULL THEN NULL ELSE 'hub' END,"
    "  :now, json_extract(value, '$.rev')"
    " FROM json_each(:page)"
    " WHERE json_extract(value, '$.kind') = 'customer'"
    "   AND json_type(value, '$.data.account') = 'text'"
    " ORDER BY json_extract(value, '$.rev')"
    " ON CONFLICT(account) DO UPDATE SET name = excluded.name, meter = excluded.meter,"
    "  capacity = excluded.capacity, address = excluded.address, line = excluded.line,"
    "  voltage = excluded.voltage, updated_at = excluded.updated_at, hub_rev = excluded.hub_rev,"
    "  (lat, lon, coord_accuracy_m, coord_source) ="
    "   (SELECT CASE WHEN p THEN customers.lat ELSE excluded.lat END,"
    "           CASE WHEN p THEN customers.lon ELSE excluded.lon END,"
    "           CASE WHEN p THEN customers.coord_accuracy_m ELSE excluded.coord_accuracy_m END,"
    "           CASE WHEN p THEN customers.coord_source ELSE excluded.coord_source END"
    "    FROM (SELECT excluded.lat IS NULL OR EXISTS(SELECT 1 FROM outbox o"
    "            WHERE o.kind = 'customer' AND o.entity_uuid = customers.account"
    "              AND o.state <> 'sent') AS p))",
    /* A task may name a customer this device has not received yet: keep the task, with a
     * placeholder customer that the customer's own change fills in later. */
    "INSERT OR IGNORE INTO customers(account, name, updated_at)"
    " SELECT json_extract(value, '$.data.account'), json_extract(value, '$.data.account'), :now"
    " FROM json_each(:page)"
    " WHERE json_extract(value, '$.kind') = 'task'"
    "   AND json_type(value, '$.data.account') = 'text'",
    /* Tasks: what the office decides (kind, due date, instructions, priority) comes from the
     * hub; the state is the device's, except a cancellation when no local change is unsent. */
    "INSERT INTO tasks(uuid, kind, customer_id, due_date, instructions, priority, state,"
    "  assigned_at, hub_rev, updated_at)"
    " SELECT json_extract(value, '$.data.uuid'), json_extract(value, '$.data.kind'),"
    "  (SELECT id FROM customers WHERE account = json_extract(value, '$.data.account')),"
    "  json_extract(value, '$.data.due_date'),"
    "  coalesce(json_extract(value, '$.data.instructions'), ''),"
    "  coalesce(json_extract(value, '$.data.priority'), 0),"
    "  coalesce(json_extract(value, '$.data.state'), 'assigned'),"
    "  json_extract(value, '$.data.assigned_at'), json_extract(value, '$.rev'), :now"
    " FROM json_each(:page)"
    " WHERE json_extract(value, '$.kind') = 'task'"
    "   AND json_type(value, '$.data.uuid') = 'text'"
    " ORDER BY json_extract(value, '$.rev')"
    " ON CONFLICT(uuid) DO UPDATE SET kind = excluded.kind, customer_id = excluded.customer_id,"
    "  due_date = excluded.due_date, instructions = excluded.instructions,"
    "  priority = excluded.priority, assigned_at = excluded.assigned_at,"
    "  hub_rev = excluded.hub_rev, updated_at = excluded.updated_at,"
    "  state = CASE WHEN excluded.state = 'cancelled' AND NOT EXISTS(SELECT 1 FROM outbox o"
    "            WHERE o.kind = 'task' AND o.entity_uuid = tasks.uuid AND o.state <> 'sent')"
    "          THEN 'cancelled' ELSE tasks.state END",
    /* The cursor moves in the same transaction as the rows it covers. */
    "INSERT INTO settings(key, value) VALUES('" PULL_KEY_CURSOR "', :cursor)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

int pull_apply(struct db *db, const char *page_json, int64_t next_cursor, struct err *e)
{
    char now[DB_TIME_LEN], cursor[32];
    int rc = GW_OK;
    db_now(now);
    snprintf(cursor, sizeof cursor, "%lld", (long long)next_cursor);
    sqlite3_stmt *chk = db_prepare(db, e, "SELECT json_valid(:p) AND json_type(:p) = 'array'");
    if (!chk)
        return GW_EDB;
    db_bind_text(chk, ":p", page_json);
    int valid = db_step(db, chk, e) == SQLITE_ROW && sqlite3_column_int(chk, 0);
    sqlite3_finalize(chk);
    if (!valid)
        return err_set(e, GW_EINVAL, "the hub's page of changes is not a JSON array");
    if ((rc = db_begin(db, e)))
        return rc;
    for (size_t i = 0; i < sizeof apply_sql / sizeof apply_sql[0]; i++) {
        sqlite3_stmt *st = db_prepare(db, e, apply_sql[i]);
        if (!st) {
            rc = GW_EDB;
            break;
        }
        if (sqlite3_bind_parameter_index(st, ":page"))
            db_bind_text(st, ":page", page_json);
        if (sqlite3_bind_parameter_index(st, ":now"))
            db_bind_text(st, ":now", now);
        if (sqlite3_bind_parameter_index(st, ":cursor"))
            db_bind_text(st, ":cursor", cursor);
        if (db_step(db, st, e) < 0)
            rc = GW_EDB;
        sqlite3_finalize(st);
        if (rc)
            break;
    }
    if (rc) {
        db_rollback(db);
        return err_prefix(e, "applying the hub's changes: ");
    }
    return db_commit(db, e);
}
