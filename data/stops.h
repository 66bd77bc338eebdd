/* stops.h - customers as route stops: what the planner needs from the store.
 *
 * Loads the accounts, names and coordinates of chosen customers, or of the open tasks
 * (assigned or in progress) with their customers, for the route planner in app/geo. Read-only;
 * unknown coordinates stay NaN so callers can list those stops apart instead of dropping them.
 * The list owns its memory: release it with stops_free(). */
#ifndef GRIDWALK_STOPS_H
#define GRIDWALK_STOPS_H

#include "data/db.h"

#include <stdint.h>

struct stop {
    char account[64];
    char name[192];
    double lat, lon;             /* NaN when the customer has no coordinates */
    double coord_accuracy_m;     /* NaN when unknown */
    int64_t task_id;             /* 0 when the stop is not a task */
    char task_uuid[DB_UUID_LEN]; /* "" when the stop is not a task */
    char task_state[16];
    int64_t route_pos; /* the task's saved position, -1 when none */
};

struct stop_list {
    struct stop *v;
    int n;
    char **unknown; /* accounts asked for that are not in the store */
    int n_unknown;
};

/* The customers with these accounts, in the order given (duplicates once). Accounts not in
 * the store go to l->unknown, not to an error. GW_EDB when the store fails. */
int stops_for_accounts(struct db *db, const char *const *accounts, int n, struct stop_list *l,
                       struct err *e);

/* The open tasks (assigned, in progress) and their customers, in saved route order, then by
 * priority. GW_EDB when the store fails. */
int stops_open_tasks(struct db *db, struct stop_list *l, struct err *e);

/* Customers with coordinates inside the box (degrees, lat0 <= lat1, lon0 <= lon1), at most
 * max of them (the map shows the customers around). GW_EDB when the store fails. */
int stops_in_box(struct db *db, double lat0, double lon0, double lat1, double lon1, int max,
                 struct stop_list *l, struct err *e);

void stops_free(struct stop_list *l);

#endif
