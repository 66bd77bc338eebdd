/* tasks.h - the device's tasks: inspection and meter-reading work the hub assigned.
 *
 * Owns the tasks table's rules: the states a task moves through, what "done" requires, and
 * how a change from the hub (new, changed, cancelled, reassigned) lands on the device without
 * losing work already started there. Every state change the reader makes is one transaction
 * with its "task" outbox row. Route order is stored per task (route_pos) by the route planner.
 *
 *   assigned ──start──▶ in-progress ──complete──▶ done
 *       │                    │──skip(reason)──▶ skipped
 *       └────────────────────┴──fail(trouble)─▶ failed
 *   cancelled: the hub withdrew it before work started (hidden from the lists). */
#ifndef GRIDWALK_TASKS_H
#define GRIDWALK_TASKS_H

#include "data/customers.h"

#include <stdint.h>

enum task_kind { TASK_INSPECTION, TASK_METER_READING };
enum task_state {
    TASK_ASSIGNED,
    TASK_IN_PROGRESS,
    TASK_DONE,
    TASK_SKIPPED,
    TASK_FAILED,
    TASK_CANCELLED,
    TASK_STATE_COUNT
};

struct task {
    int64_t id;
    char uuid[DB_UUID_LEN];
    enum task_kind kind;
    enum task_state state;
    int64_t customer_id;
    char account[64];
    char customer_name[192];
    char address[384];
    double lat, lon; /* the customer's coordinates, NaN when unknown */
    char due_date[16];
    char instructions[512];
    int priority;
    char reason_code[32];
    char result[256];
    char started_at[DB_TIME_LEN];
    char finished_at[DB_TIME_LEN];
    int route_pos; /* -1 when not planned */
};

/* Text forms used in the store, the wire and the command line ("meter-reading", "in-progress"). */
const char *task_kind_name(enum task_kind k);
const char *task_state_name(enum task_state s);
/* Parses a text form; -1 when it is not one. */
int task_kind_parse(const char *s);
int task_state_parse(const char *s);

/* Which tasks tasks_list returns: kind or state -1 for any; cancelled ones only when asked
 * for by state. */
struct task_filter {
    int kind;
    int state;
};

/* Fills up to max tasks in route order (unplanned last, then by priority and due date);
 * *n gets the count. */
int tasks_list(struct db *db, const struct task_filter *f, struct task *out, int max, int *n,
               struct err *e);
int tasks_get(struct db *db, int64_t id, struct task *out, struct err *e);

/* Counts per state (array of TASK_STATE_COUNT), for the Today screen's done/left figures. */
int tasks_count_states(struct db *db, int counts[TASK_STATE_COUNT], struct err *e);

/* The reader opened the task: assigned → in-progress (no-op when already in progress). */
int tasks_start(struct db *db, int64_t id, struct err *e);

/* Completes the task when its evidence is there: an inspection needs an entry with at least
 * one photo made for this customer since the task was assigned; a meter reading needs a
 * reading of this customer since then (probe, or manual with a reason code). GW_EINVAL with
 * what is missing otherwise. Position (NaN when unknown) and result text are recorded. */
int tasks_complete(struct db *db, int64_t id, const char *result, double lat, double lon,
                   double accuracy_m, struct err *e);

/* Skipped (reason code) or failed (trouble code); the code is required. */
int tasks_skip(struct db *db, int64_t id, const char *reason_code, struct err *e);
int tasks_fail(struct db *db, int64_t id, const char *trouble_code, struct err *e);

/* Stores a planned order: ids[i] gets route_pos i. Not a user-visible change (no outbox). */
int tasks_set_route(struct db *db, const int64_t *ids, int n, struct err *e);

/* A task as the hub sends it. */
struct task_from_hub {
    const char *uuid;
    const char *kind;     /* "inspection" | "meter-reading" */
    const char *account;  /* the customer must exist on the device */
    const char *due_date; /* may be NULL */
    const char *instructions;
    int priority;
    int withdrawn; /* cancelled, or reassigned to another device */
    int64_t hub_rev;
};

/* Applies one task from the hub. A new or changed task is stored (its local state kept);
 * a withdrawn task disappears when no work started on it, and is kept (with an outbox row
 * telling the hub it stays) when it did. *kept (may be NULL) is set to 1 in that case.
 * GW_ENOTFOUND when the customer is unknown. */
int tasks_apply_from_hub(struct db *db, const struct task_from_hub *t, int *kept,
                         struct err *e);

#endif
