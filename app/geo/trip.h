/* trip.h - the day's route as it is walked: plan, next, finish, skip, add, pin.
 *
 * Holds the stops of a day (the caller's ids with coordinates) and their states (pending,
 * done, skipped) and keeps the pending ones in visiting order, planned with route.h from the
 * reader's position. Finishing the next stop moves on to the one after it; skipping a stop or
 * adding one re-plans from the current position; stops the reader pinned by hand stay first,
 * in the reader's order. Stops without coordinates are kept but never placed on the route, so
 * the screens can list them apart. A leaf like the rest of app/geo: the caller loads stops
 * from the store and saves the order back. The trip owns its arrays: trip_done() frees them. */
#ifndef GRIDWALK_GEO_TRIP_H
#define GRIDWALK_GEO_TRIP_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "app/geo/route.h"

#include <stdint.h>

enum trip_state { TRIP_PENDING, TRIP_DONE, TRIP_SKIPPED };

struct trip_stop {
    int64_t id;      /* the caller's id (task or customer) */
    double lat, lon; /* NaN when unknown */
    enum trip_state state;
};

struct trip {
    struct trip_stop *stops;
    int n, cap;
    int *order; /* indices into stops: pending stops with coordinates, in order */
    int n_order;
    int n_pinned; /* the first n_pinned of order were pinned by hand */
    int time_ms;  /* planning budget (default 50 ms) */
    uint64_t seed;
    long max_iters; /* if > 0, plan with this many kicks instead of a time budget */
};

void trip_init(struct trip *t);
void trip_done(struct trip *t);

/* Adds a pending stop; returns its index or -1 (GW_ENOMEM). It is placed on the route at the
 * next trip_plan (trip_add_and_plan re-plans at once). */
int trip_add(struct trip *t, int64_t id, double lat, double lon, struct err *e);
int trip_add_and_plan(struct trip *t, int64_t id, double lat, double lon, double from_lat,
                      double from_lon, struct err *e);

/* Orders the pending stops as a path from (from_lat, from_lon), pinned stops first. With an
 * unknown position (NaN) the path starts at the current next stop (or the first pending
 * one), so a lost fix never reorders the route arbitrarily. GW_ENOMEM on failure, the old
 * order kept. */
int trip_plan(struct trip *t, double from_lat, double from_lon, struct err *e);

/* The next stop's index, or -1 when none is left. */
int trip_next(const struct trip *t);

/* Marks stop i done and moves on (no re-planning needed). GW_EINVAL for a bad index. */
int trip_finish(struct trip *t, int i, struct err *e);

/* Marks stop i skipped and re-plans the rest from the position. */
int trip_skip(struct trip *t, int i, double from_lat, double from_lon, struct err *e);

/* Pins the order by hand: stops idx[0..n-1] (pending, with coordinates) come first in this
 * order, the rest is re-planned after them. GW_EINVAL for a bad or repeated index. */
int trip_pin(struct trip *t, const int *idx, int n, double from_lat, double from_lon,
             struct err *e);

/* Distance (m) and bearing (degrees) from a position to the next stop; NaN when either is
 * unknown. */
void trip_next_leg(const struct trip *t, double lat, double lon, double *dist_m,
                   double *bearing_deg);

/* Length (m) of the rest of the route from the position (from the next stop if unknown). */
double trip_remaining_m(const struct trip *t, double lat, double lon);

/* Counts of stops per state, and of pending stops that have no coordinates. */
void trip_counts(const struct trip *t, int *pending, int *done, int *skipped, int *unplaced);

#endif
