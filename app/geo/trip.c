/* trip.c - the day's route as it is walked. */
#include "gridwalk/config.h"

#include "app/geo/trip.h"
#include "app/geo/geodesy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void trip_init(struct trip *t)
{
    memset(t, 0, sizeof *t);
    t->time_ms = 50;
    t->seed = 1;
}

void trip_done(struct trip *t)
{
    free(t->stops);
    free(t->order);
    memset(t, 0, sizeof *t);
}

static int placeable(const struct trip_stop *s)
{
    return s->state == TRIP_PENDING && geo_valid(s->lat, s->lon);
}

int trip_add(struct trip *t, int64_t id, double lat, double lon, struct err *e)
{
    if (t->n == t->cap) {
        int nc = t->cap ? t->cap * 2 : 16;
        struct trip_stop *s = realloc(t->stops, (size_t)nc * sizeof *s);
        if (!s)
            return err_set(e, GW_ENOMEM, "out of memory adding a stop"), -1;
        t->stops = s;
        int *o = realloc(t->order, (size_t)nc * sizeof *o);
        if (!o)
            return err_set(e, GW_ENOMEM, "out of memory adding a stop"), -1;
        t->order = o;
        t->cap = nc;
    }
    t->stops[t->n] = (struct trip_stop){id, lat, lon, TRIP_PENDING};
    return t->n++;
}

int trip_add_and_plan(struct trip *t, int64_t id, double lat, double lon, double from_lat,
                      double from_lon, struct err *e)
{
    int i = trip_add(t, id, lat, lon, e);
    if (i < 0)
        return e ? e->code : GW_ENOMEM;
    return trip_plan(t, from_lat, from_lon, e);
}

int trip_plan(struct trip *t, double from_lat, double from_lon, struct err *e)
{
    int rc = GW_OK, np = 0, npin = 0;
    double *x = malloc(((size_t)t->n + 1) * sizeof *x);
    double *y = malloc(((size_t)t->n + 1) * sizeof *y);
    int *map = malloc(((size_t)t->n + 1) * sizeof *map);
    int *pins = malloc(((size_t)t->n + 1) * sizeof *pins);
    char *is_pin = calloc((size_t)t->n + 1, 1);
    struct route_result r = {0};
    if (!x || !y || !map || !pins || !is_pin) {
        rc = err_set(e, GW_ENOMEM, "out of memory planning the route");
        goto out;
    }
    /* Point 0 is the start: the position, else the current next stop (kept first). */
    int start_stop = -1;
    if (!geo_valid(from_lat, from_lon)) {
        start_stop = trip_next(t);
        for (int i = 0; i < t->n && start_stop < 0; i++)
            if (placeable(&t->stops[i]))
                start_stop = i;
        if (start_stop < 0) {
            t->n_order = 0;
            t->n_pinned = 0;
            goto out;
        }
        from_lat = t->stops[start_stop].lat;
        from_lon = t->stops[start_stop].lon;
    }
    x[np] = from_lat;
    y[np] = from_lon;
    map[np++] = -1;
    /* The pinned prefix that is still pending. */
    for (int q = 0; q < t->n_pinned; q++) {
        int i = t->order[q];
        if (placeable(&t->stops[i]) && i != start_stop)
            is_pin[i] = 1;
    }
    for (int i = 0; i < t->n; i++)
        if (placeable(&t->stops[i]) && i != start_stop) {
            x[np] = t->stops[i].lat;
            y[np] = t->stops[i].lon;
            map[np++] = i;
        }
    for (int q = 0; q < t->n_pinned; q++) {
        int i = t->order[q];
        if (!is_pin[i])
            continue;
        for (int p = 1; p < np; p++)
            if (map[p] == i)
                pins[npin++] = p;
    }
    struct route_problem p = {.n = np, .metric = ROUTE_GEODESIC, .x = x, .y = y};
    struct route_opts o;
    route_opts_init(&o);
    o.time_ms = t->max_iters > 0 ? 0 : t->time_ms;
    o.max_iters = t->max_iters;
    o.seed = t->seed;
    o.pinned = pins;
    o.n_pinned = npin;
    if ((rc = route_solve(&p, &o, &r, e)))
        goto out;
    int w = 0;
    if (start_stop >= 0)
        t->order[w++] = start_stop;
    for (int q = 1; q < np; q++)
        t->order[w++] = map[r.order[q]];
    t->n_order = w;
    t->n_pinned = npin + (start_stop >= 0 && t->n_pinned > 0 ? 1 : 0);
out:
    route_result_done(&r);
    free(x);
    free(y);
    free(map);
    free(pins);
    free(is_pin);
    return rc;
}

int trip_next(const struct trip *t)
{
    for (int q = 0; q < t->n_order; q++)
        if (placeable(&t->stops[t->order[q]]))
            return t->order[q];
    return -1;
}

static void drop_from_order(struct trip *t, int i)
{
    int w = 0, pinned = t->n_pinned;
    for (int q = 0; q < t->n_order; q++) {
        if (t->order[q] == i) {
            if (q < t->n_pinned)
                pinned--;
            continue;
        }
        t->order[w++] = t->order[q];
    }
    t->n_order = w;
    t->n_pinned = pinned;
}

int trip_finish(struct trip *t, int i, struct err *e)
{
    if (i < 0 || i >= t->n)
        return err_set(e, GW_EINVAL, "no stop %d on this route", i);
    t->stops[i].state = TRIP_DONE;
    drop_from_order(t, i);
    return GW_OK;
}

int trip_skip(struct trip *t, int i, double from_lat, double from_lon, struct err *e)
{
    if (i < 0 || i >= t->n)
        return err_set(e, GW_EINVAL, "no stop %d on this route", i);
    t->stops[i].state = TRIP_SKIPPED;
    drop_from_order(t, i);
    return trip_plan(t, from_lat, from_lon, e);
}

int trip_pin(struct trip *t, const int *idx, int n, double from_lat, double from_lon, struct err *e)
{
    for (int a = 0; a < n; a++) {
        if (idx[a] < 0 || idx[a] >= t->n || !placeable(&t->stops[idx[a]]))
            return err_set(e, GW_EINVAL,
                           "stop %d cannot be pinned (done, skipped or without "
                           "coordinates)",
                           idx[a]);
        for (int b = 0; b < a; b++)
            if (idx[a] == idx[b])
                return err_set(e, GW_EINVAL, "stop %d is pinned twice", idx[a]);
    }
    /* The pinned stops first, then the others in their current order; then re-plan. */
    int w = 0;
    int *rest = malloc(((size_t)t->n + 1) * sizeof *rest);
    if (!rest)
        return err_set(e, GW_ENOMEM, "out of memory");
    int nr = 0;
    for (int q = 0; q < t->n_order; q++) {
        int in = 0;
        for (int a = 0; a < n; a++)
            in |= t->order[q] == idx[a];
        if (!in)
            rest[nr++] = t->order[q];
    }
    for (int a = 0; a < n; a++)
        t->order[w++] = idx[a];
    for (int q = 0; q < nr; q++)
        t->order[w++] = rest[q];
    free(rest);
    t->n_order = w;
    t->n_pinned = n;
    return trip_plan(t, from_lat, from_lon, e);
}

void trip_next_leg(const struct trip *t, double lat, double lon, double *dist_m,
                   double *bearing_deg)
{
    int i = trip_next(t);
    *dist_m = NAN;
    *bearing_deg = NAN;
    if (i < 0 || !geo_valid(lat, lon))
        return;
    *dist_m = geo_inverse(lat, lon, t->stops[i].lat, t->stops[i].lon, bearing_deg);
}

double trip_remaining_m(const struct trip *t, double lat, double lon)
{
    double sum = 0, plat = lat, plon = lon;
    int any = 0;
    for (int q = 0; q < t->n_order; q++) {
        const struct trip_stop *s = &t->stops[t->order[q]];
        if (!placeable(s))
            continue;
        if (geo_valid(plat, plon))
            sum += geo_distance_m(plat, plon, s->lat, s->lon);
        plat = s->lat;
        plon = s->lon;
        any = 1;
    }
    return any ? sum : 0;
}

void trip_counts(const struct trip *t, int *pending, int *done, int *skipped, int *unplaced)
{
    *pending = *done = *skipped = *unplaced = 0;
    for (int i = 0; i < t->n; i++) {
        const struct trip_stop *s = &t->stops[i];
        if (s->state == TRIP_DONE)
            (*done)++;
        else if (s->state == TRIP_SKIPPED)
            (*skipped)++;
        else {
            (*pending)++;
            if (!geo_valid(s->lat, s->lon))
                (*unplaced)++;
        }
    }
}
