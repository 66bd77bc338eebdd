/* tsplib.h - a reader for TSPLIB95 symmetric TSP instances (benchmarks and tests).
 *
 * Reads NODE_COORD_SECTION instances with EDGE_WEIGHT_TYPE EUC_2D, CEIL_2D, ATT or GEO and
 * computes each instance's own integer distance exactly as TSPLIB95 defines it, so tour
 * lengths compare with the published optima. Owns the coordinate arrays of the instances it
 * returns; knows nothing of the planner beyond handing it a route_problem. */
#ifndef GRIDWALK_GEO_TSPLIB_H
#define GRIDWALK_GEO_TSPLIB_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "app/geo/route.h"

#include <stdint.h>
#include <stdio.h>

/* Instances larger than this are refused (a guard against a damaged DIMENSION line). */
#define TSPLIB_MAX_NODES 1000000
/* Coordinates beyond this are refused (their squared distances would overflow). */
#define TSPLIB_MAX_COORD 1e9

struct tsplib {
    char name[64];
    int n;
    enum route_metric metric; /* ROUTE_EUC_2D, ROUTE_CEIL_2D, ROUTE_ATT or ROUTE_TSPLIB_GEO */
    double *x, *y;            /* as written in the file (GEO: DDD.MM latitude, longitude) */
};

/* Reads the instance at path into *t (zeroed first). GW_EIO when the file cannot be read,
 * GW_EINVAL naming the line for anything this reader does not support or cannot parse.
 * Release with tsplib_done(), also after a failure. */
int tsplib_read(const char *path, struct tsplib *t, struct err *e);
void tsplib_done(struct tsplib *t);

/* A route_problem over t's nodes (borrows t's arrays: t must outlive it). */
void tsplib_problem(const struct tsplib *t, struct route_problem *p);

/* Writes a closed tour of t in TSPLIB TOUR format (1-based node numbers, -1, EOF), with the
 * length in the COMMENT line. */
void tsplib_write_tour(FILE *f, const struct tsplib *t, const int *order, double length);

#endif
