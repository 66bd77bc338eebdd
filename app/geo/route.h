/* route.h - the route planner: the order in which to visit a set of stops.
 *
 * Given points and a distance function, it returns an open path from a fixed start (the
 * reader's position, then any stops the reader pinned in order) through every stop, or a
 * closed tour (TSPLIB benchmarks). It constructs a tour (greedy edge matching over k-nearest
 * neighbour candidates) and improves it with 2-opt, Or-opt and sequential 3-opt moves driven
 * by neighbour lists and don't-look bits, then, within a time or iteration budget, with an
 * iterated local search (local segment-exchange kicks, kept when not worse than the current
 * tour or, later in the budget, within a small threshold of the best). Below ROUTE_MATRIX_MAX stops
 * distances are cached in a matrix; above it memory stays linear in the stops. The planner owns its
 * scratch memory and frees it before returning; it does no I/O and knows nothing of gpsd,
 * screens or the store. */
#ifndef GRIDWALK_GEO_ROUTE_H
#define GRIDWALK_GEO_ROUTE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <stdint.h>

/* Largest number of stops for which a full distance matrix is kept. */
#define ROUTE_MATRIX_MAX 2000

enum route_metric {
    ROUTE_GEODESIC,   /* x = latitude, y = longitude in degrees; metres on WGS-84 (planned
                         with Vincenty up to 200 stops, the mid-latitude formula above;
                         lengths are always Vincenty's) */
    ROUTE_PLANAR,     /* plain Euclidean distance, unrounded */
    ROUTE_EUC_2D,     /* TSPLIB: nint(sqrt(dx^2 + dy^2)) */
    ROUTE_CEIL_2D,    /* TSPLIB: ceil(sqrt(dx^2 + dy^2)) */
    ROUTE_ATT,        /* TSPLIB pseudo-Euclidean */
    ROUTE_TSPLIB_GEO, /* TSPLIB GEO: DDD.MM coordinates, x = latitude */
};

struct route_problem {
    int n; /* number of points, >= 1 */
    enum route_metric metric;
    const double *x, *y; /* n coordinates each, borrowed */
};

enum route_method {
    ROUTE_METHOD_BEST, /* construct, local search, then iterated local search to budget */
    ROUTE_METHOD_LS,   /* nearest neighbour, then 2-opt + Or-opt to a local optimum */
    ROUTE_METHOD_NN,   /* nearest neighbour only (the textbook baseline) */
};

struct route_opts {
    enum route_method method;
    int closed;        /* 1: closed tour; 0: open path from start */
    int start;         /* the path's first point (open paths; closed tours start there too) */
    const int *pinned; /* points that must follow start in this order (open paths only) */
    int n_pinned;
    int time_ms;    /* budget of the iterated local search; 0 with max_iters 0 = 100 ms */
    long max_iters; /* if > 0, stop after this many kicks (deterministic for a seed) */
    uint64_t seed;
    int k; /* neighbour list length; 0 = 10 */
};

struct route_result {
    int *order; /* n point indices in visiting order (caller frees: route_result_done) */
    int n;
    double length;        /* with the problem's own distance (geodesic metres for ROUTE_GEODESIC) */
    long kicks;           /* iterated local search rounds run */
    int used_matrix;      /* 1 when a full distance matrix was built */
    size_t scratch_bytes; /* the planner's peak scratch allocation */
};

/* Sets o to the defaults: BEST, open path from point 0, 100 ms, seed 1. */
void route_opts_init(struct route_opts *o);

/* Plans a route over all n points of p. GW_EINVAL for a bad start or pinned list (out of
 * range, repeated, or pinned with a closed tour), GW_ENOMEM when scratch memory runs out.
 * On success r->order is allocated; release it with route_result_done (also safe after a
 * failure). */
int route_solve(const struct route_problem *p, const struct route_opts *o, struct route_result *r,
                struct err *e);
void route_result_done(struct route_result *r);

/* The distance between points i and j with the problem's own metric. */
double route_dist(const struct route_problem *p, int i, int j);

/* Length of the path order[0..n-1] (plus the closing edge when closed). */
double route_length(const struct route_problem *p, const int *order, int n, int closed);

/* Parses "best", "2opt-oropt" (or "ls") and "nn"; -1 when unknown. */
int route_method_parse(const char *s);

#endif
