/* tasks.c - task states, completion rules and the landing of hub changes.
 *
 * Why completion checks evidence in SQL rather than trusting the screen: a task marked done
 * without its photo or reading is exactly the dispute the evidence exists to prevent, so the
 * rule lives next to the data, and the command line obeys it as much as the app does. */
#include "gridwalk/config.h"

#include "data/sql.h"
#include "data/tasks.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[] = {"inspection", "meter-reading"};
static const char *const state_names[] = {"assigned", "in-progress", "done",
                                          "skipped",  "failed",      "cancelled"};

const char *task_kind_name(enum task_kind k)
{
    return (unsigned)k < 2 ? kind_names[k] : "?";
}

const char *task_state_name(enum task_state s)
{
    return (unsigned)s < TASK_STATE_COUNT ? state_names[s] : "?";
}

int task_kind_parse(const char *s)
{
    for (int i = 0; i < 2; i++)
        if (s && strcmp(s, kind_names[i]) == 0)
            return i;
    return -1;
}

int task_state_parse(const char *s)
{
    for (int i = 0; i < TASK_STATE_COUNT; i++)
        if (s && strcmp(s, state_names[i]) == 0)
            return i;
    return -1;
}

#define TASK_COLUMNS                                                                           \
    "t.id, t.uuid, t.kind, t.state, t.customer_id, c.account, c.name, c.address, c.lat, "     \
    "c.lon, coalesce(t.due_date,''), t.instructions, t.priority, coalesce(t.reason_code,''), " \
    "coalesce(t.result,''), coalesce(t.started_at,''), coalesce(t.finished_at,''), "          \
    "coalesce(t.route_pos,-1) FROM tasks t JOIN customers c ON c.id = t.customer_id "

static void task_from_row(sqlite3_stmt *st, struct task *t)
{
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, t->uuid, sizeof t->uuid);
    t->kind = (enum task_kind)task_kind_parse(db_col_text(st, 2));
    t->state = (enum task_state)task_state_parse(db_col_text(st, 3));
    t->customer_id = sqlite3_column_int64(st, 4);
    db_col_copy(st, 5, t->account, sizeof t->account);
    db_col_copy(st, 6, t->customer_name, sizeof t->customer_name);
    db_col_copy(st, 7, t->address, sizeof t->address);
    t->lat = db_col_double(st, 8);
    t->lon = db_col_double(st, 9);
    db_col_copy(st, 10, t->due_date, sizeof t->due_date);
    db_col_copy(st, 11, t->instructions, sizeof t->instructions);
    t->priority = sqlite3_column_int(st, 12);
    db_col_copy(st, 13, t->reason_code, sizeof t->reason_code);
    db_col_copy(st, 14, t->result, sizeof t->result);
    db_col_copy(st, 15, t->started_at, sizeof t->started_at);
    db_col_copy(st, 16, t->finished_at, sizeof t->finished_at);
    t->route_pos = sqlite3_column_int(st, 17);
}

int tasks_list(struct db *db, const struct task_filter *f, struct task *out, int max, int *n,
               struct err *e)
{
    *n = 0;
    sqlite3_stmt *st = db_prepare(
        db, e,
        "SELECT " TASK_COLUMNS
        "WHERE (:kind IS NULL OR t.kind = :kind) "
        "  AND (CASE WHEN :state IS NULL THEN t.state <> 'cancelled' ELSE t.state = :state END) "
        "ORDER BY t.route_pos IS NULL, t.route_pos, t.priority DESC, t.due_date IS NULL, "
        "  t.due_date, c.account LIMIT :max");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":kind", f && f->kind >= 0 ? task_kind_name((enum task_kind)f->kind) : NULL);
    db_bind_text(st, ":state",
                 f && f->state >= 0 ? task_state_name((enum task_state)f->state) : NULL);
    db_bind_int64(st, ":max", max);
    int rc, status = GW_OK;
    while ((rc = db_step(db, st, e)) == SQLITE_ROW)
        task_from_row(st, &out[(*n)++]);
    if (rc < 0)
        status = GW_EDB;
    sqlite3_finalize(st);
    return status;
}

int tasks_get(struct db *db, int64_t id, struct task *out, struct err *e)
{
    sqlite3_stmt *st = db_prepare(db, e, "SELECT " TASK_COLUMNS "WHERE t.id = :id");
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":id", id);
    int rc = db_step(db, st, e), status = GW_OK;
    if (rc == SQLITE_ROW)
        task_from_row(st, out);
    else if (rc == SQLITE_DONE)
        status = err_set(e, GW_ENOTFOUND, "no task with id %lld on this device", (long long)id);
    else
        status = GW_EDB;
    sqlite3_finalize(st);
    return status;
}

int tasks_count_states(struct db *db, int counts[TASK_STATE_COUNT], struct err *e)
{
    memset(counts, 0, sizeof(int) * TASK_STATE_COUNT);
    sqlite3_stmt *st = db_prepare(db, e, "SELECT state, count(*) FROM tasks GROUP BY state");
    if (!st)
        return GW_EDB;
    int rc, status = GW_OK;
    while ((rc = db_step(db, st, e)) == SQLITE_ROW) {
        int s = task_state_parse(db_col_text(st, 0));
        if (s >= 0)
            counts[s] = sqlite3_column_int(st, 1);
    }
    if (rc < 0)
        status = GW_EDB;
    sqlite3_finalize(st);
    return status;
}

/* Pushes the task's current row as its outbox record; inside an open change. */
static int push_task(struct db_change *c, int64_t id, struct err *e)
{
    sqlite3_stmt *st = db_prepare(
        c->db, e,
        "SELECT uuid, json_object('uuid', uuid, 'state', state, 'reason_code', reason_code, "
        "'result', result, 'started_at', started_at, 'finished_at', finished_at, 'lat', lat, "
        "'lon', lon, 'accuracy_m', accuracy_m) FROM tasks WHERE id = :id");
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":id", id);
    int rc = db_step(c->db, st, e), status;
    if (rc == SQLITE_ROW)
        status = db_change_outbox(c, "task", db_col_text(st, 0), db_col_text(st, 1), NULL, e);
    else
        status = rc < 0 ? GW_EDB : err_set(e, GW_ENOTFOUND, "task %lld vanished", (long long)id);
    sqlite3_finalize(st);
    return status;
}

/* Moves task id to `state` if it is in one of the states allowed (a SQL list), setting the
 * extra columns; all in one change with its outbox row. */
static int transition(struct db *db, int64_t id, const char *allowed_sql, const char *set_sql,
                      const char *code, const char *result, double lat, double lon, double acc,
                      struct err *e)
{
    struct task t;
    int rc = tasks_get(db, id, &t, e);
    if (rc)
        return rc;
    struct db_change c;
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    char now[DB_TIME_LEN];
    db_now(now);
    char sql[768];
    snprintf(sql, sizeof sql, "UPDATE tasks SET %s, updated_at = :now WHERE id = :id AND state IN (%s)",
             set_sql, allowed_sql);
    sqlite3_stmt *st = db_prepare(db, e, sql);
    if (!st)
        goto fail;
    db_bind_int64(st, ":id", id);
    db_bind_text(st, ":now", now);
    if (sqlite3_bind_parameter_index(st, ":code"))
        db_bind_text(st, ":code", code);
    if (sqlite3_bind_parameter_index(st, ":result"))
        db_bind_text(st, ":result", result);
    if (sqlite3_bind_parameter_index(st, ":lat")) {
        db_bind_double(st, ":lat", lat);
        db_bind_double(st, ":lon", lon);
        db_bind_double(st, ":acc", acc);
    }
    rc = db_step(db, st, e);
    sqlite3_finalize(st);
    if (rc < 0)
        goto fail;
    if (sqlite3_changes(db_sqlite(db)) == 0) {
        err_set(e, GW_EINVAL, "task %lld is %s; that cannot change now", (long long)id,
                task_state_name(t.state));
        goto fail;
    }
    if (push_task(&c, id, e))
        goto fail;
    return db_change_commit(&c, e);
fail:
    db_change_abort(&c);
    return e && e->code ? e->code : GW_EDB;
}

int tasks_start(struct db *db, int64_t id, struct err *e)
{
    struct task t;
    int rc = tasks_get(db, id, &t, e);
    if (rc)
        return rc;
    if (t.state == TASK_IN_PROGRESS)
        return GW_OK;
    return transition(db, id, "'assigned'", "state = 'in-progress', started_at = :now", NULL,
                      NULL, NAN, NAN, NAN, e);
}

/* Whether the evidence a task needs exists; fills why when not. */
static int has_evidence(struct db *db, const struct task *t, int *yes, struct err *e)
{
    const char *sql =
        t->kind == TASK_INSPECTION
            ? "SELECT EXISTS(SELECT 1 FROM photos p JOIN entries en ON en.id = p.entry_id "
              "JOIN folders f ON f.id = en.folder_id JOIN tasks t ON t.customer_id = f.customer_id "
              "WHERE t.id = :id AND p.deleted_at IS NULL AND en.deleted_at IS NULL "
              "AND f.deleted_at IS NULL AND p.created_at >= coalesce(t.assigned_at, ''))"
            : "SELECT EXISTS(SELECT 1 FROM readings r JOIN tasks t ON t.customer_id = "
              "r.customer_id WHERE t.id = :id AND (r.task_id IS NULL OR r.task_id = t.id) "
              "AND r.created_at >= coalesce(t.assigned_at, '') "
              "AND (r.method = 'probe' OR coalesce(r.reason_code, '') <> ''))";
    sqlite3_stmt *st = db_prepare(db, e, sql);
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":id", t->id);
    int rc = db_step(db, st, e);
    if (rc == SQLITE_ROW)
        *yes = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? GW_OK : GW_EDB;
}

int tasks_complete(struct db *db, int64_t id, const char *result, double lat, double lon,
                   double accuracy_m, struct err *e)
{
    struct task t;
    int rc = tasks_get(db, id, &t, e), yes = 0;
    if (rc)
        return rc;
    if ((rc = has_evidence(db, &t, &yes, e)))
        return rc;
    if (!yes)
        return err_set(e, GW_EINVAL,
                       t.kind == TASK_INSPECTION
                           ? "task %lld (%s) cannot be done yet: it needs an entry with at least "
                             "one photo; take one, or skip the task with a reason"
                           : "task %lld (%s) cannot be done yet: it needs a reading (from the "
                             "probe, or typed in with a reason); or skip it with a code",
                       (long long)id, t.account);
    return transition(db, id, "'assigned','in-progress'",
                      "state = 'done', finished_at = :now, result = :result, "
                      "started_at = coalesce(started_at, :now), lat = :lat, lon = :lon, "
                      "accuracy_m = :acc",
                      NULL, result ? result : "", lat, lon, accuracy_m, e);
}

static int end_with_code(struct db *db, int64_t id, const char *state, const char *code,
                         const char *what, struct err *e)
{
    if (!code || !*code)
        return err_set(e, GW_EINVAL, "a %s code is required", what);
    char set[160];
    snprintf(set, sizeof set,
             "state = '%s', reason_code = :code, finished_at = :now, "
             "started_at = coalesce(started_at, :now)",
             state);
    return transition(db, id, "'assigned','in-progress'", set, code, NULL, NAN, NAN, NAN, e);
}

int tasks_skip(struct db *db, int64_t id, const char *reason_code, struct err *e)
{
    return end_with_code(db, id, "skipped", reason_code, "skip reason", e);
}

int tasks_fail(struct db *db, int64_t id, const char *trouble_code, struct err *e)
{
    return end_with_code(db, id, "failed", trouble_code, "trouble", e);
}

int tasks_set_route(struct db *db, const int64_t *ids, int n, struct err *e)
{
    int rc = db_begin(db, e);
    if (rc)
        return rc;
    sqlite3_stmt *st = db_prepare(db, e, "UPDATE tasks SET route_pos = :pos WHERE id = :id");
    if (!st || (rc = db_exec(db, e, "UPDATE tasks SET route_pos = NULL")))
        goto fail;
    for (int i = 0; i < n; i++) {
        sqlite3_reset(st);
        db_bind_int64(st, ":pos", i);
        db_bind_int64(st, ":id", ids[i]);
        if (db_step(db, st, e) < 0)
            goto fail;
    }
    sqlite3_finalize(st);
    return db_commit(db, e);
fail:
    sqlite3_finalize(st);
    db_rollback(db);
    return e && e->code ? e->code : GW_EDB;
}

/* Work has started when the reader moved the task on, or made evidence for its customer. */
static int work_started(struct db *db, const char *uuid, int *yes, struct err *e)
{
    sqlite3_stmt *st = db_prepare(
        db, e,
        "SELECT t.state <> 'assigned' OR EXISTS(SELECT 1 FROM readings r WHERE "
        "r.customer_id = t.customer_id AND r.created_at >= coalesce(t.assigned_at,'')) OR "
        "EXISTS(SELECT 1 FROM entries en JOIN folders f ON f.id = en.folder_id WHERE "
        "f.customer_id = t.customer_id AND en.created_at >= coalesce(t.assigned_at,'')) "
        "FROM tasks t WHERE t.uuid = :uuid");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":uuid", uuid);
    int rc = db_step(db, st, e);
    *yes = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc < 0 ? GW_EDB : GW_OK;
}

int tasks_apply_from_hub(struct db *db, const struct task_from_hub *t, int *kept, struct err *e)
{
    int rc, started = 0;
    if (kept)
        *kept = 0;
    if (task_kind_parse(t->kind) < 0)
        return err_set(e, GW_EINVAL, "task %s from the hub has an unknown kind '%s'", t->uuid,
                       t->kind ? t->kind : "");
    char now[DB_TIME_LEN];
    db_now(now);
    if (t->withdrawn) {
        if ((rc = work_started(db, t->uuid, &started, e)))
            return rc;
        if (started) {
            /* The reader has evidence for it: keep the task and tell the hub so. */
            struct db_change c;
            int64_t id = 0;
            if ((rc = db_change_begin(db, &c, e)))
                return rc;
            sqlite3_stmt *st = db_prepare(db, e, "SELECT id FROM tasks WHERE uuid = :u");
            if (!st)
                goto fail;
            db_bind_text(st, ":u", t->uuid);
            if (db_step(db, st, e) == SQLITE_ROW)
                id = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
            if (!id || push_task(&c, id, e))
                goto fail;
            if (kept)
                *kept = 1;
            return db_change_commit(&c, e);
        fail:
            db_change_abort(&c);
            return e && e->code ? e->code : GW_EDB;
        }
        sqlite3_stmt *st = db_prepare(db, e, "DELETE FROM tasks WHERE uuid = :u");
        if (!st)
            return GW_EDB;
        db_bind_text(st, ":u", t->uuid);
        rc = db_step(db, st, e) < 0 ? GW_EDB : GW_OK;
        sqlite3_finalize(st);
        return rc;
    }
    struct customer cust;
    if ((rc = customers_get_by_account(db, t->account, &cust, e)))
        return rc == GW_ENOTFOUND
                   ? err_set(e, GW_ENOTFOUND,
                             "task %s names customer %s, who is not on this device yet", t->uuid,
                             t->account)
                   : rc;
    sqlite3_stmt *st = db_prepare(
        db, e,
        "INSERT INTO tasks(uuid, kind, customer_id, due_date, instructions, priority, "
        "assigned_at, hub_rev, updated_at) VALUES(:uuid, :kind, :cid, :due, :instr, :prio, "
        ":now, :rev, :now) ON CONFLICT(uuid) DO UPDATE SET kind = excluded.kind, "
        "customer_id = excluded.customer_id, due_date = excluded.due_date, instructions = "
        "excluded.instructions, priority = excluded.priority, hub_rev = excluded.hub_rev, "
        "updated_at = excluded.updated_at");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":uuid", t->uuid);
    db_bind_text(st, ":kind", t->kind);
    db_bind_int64(st, ":cid", cust.id);
    db_bind_text(st, ":due", t->due_date);
    db_bind_text(st, ":instr", t->instructions ? t->instructions : "");
    db_bind_int64(st, ":prio", t->priority);
    db_bind_text(st, ":now", now);
    db_bind_int64(st, ":rev", t->hub_rev);
    rc = db_step(db, st, e) < 0 ? GW_EDB : GW_OK;
    sqlite3_finalize(st);
    return rc;
}
