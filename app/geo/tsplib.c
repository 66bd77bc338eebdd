/* tsplib.c - the TSPLIB95 instance reader. Only the keywords needed for coordinate
 * instances are understood; anything else with a section is refused rather than guessed. */
#include "gridwalk/config.h"

#include "app/geo/tsplib.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "KEY : VALUE" or "KEY: VALUE": splits at the colon; NULL value when there is none. */
static char *split_kv(char *line, char **value)
{
    char *c = strchr(line, ':');
    *value = NULL;
    if (c) {
        *c = '\0';
        *value = trim(c + 1);
    }
    return trim(line);
}

int tsplib_read(const char *path, struct tsplib *t, struct err *e)
{
    memset(t, 0, sizeof *t);
    t->metric = ROUTE_EUC_2D;
    int rc = GW_OK, lineno = 0, have_type = 0, in_coords = 0, filled = 0;
    char line[512];
    char *seen = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        rc = err_set(e, GW_EIO, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s)
            continue;
        if (in_coords) {
            if (strcmp(s, "EOF") == 0)
                break;
            char *end;
            long id = strtol(s, &end, 10);
            double x = strtod(end, &end);
            char *end2;
            double y = strtod(end, &end2);
            if (end2 == end || id < 1 || id > t->n) {
                rc = err_set(e, GW_EINVAL, "%s:%d: expected 'index x y' with index 1..%d", path,
                             lineno, t->n);
                goto out;
            }
            if (!isfinite(x) || !isfinite(y) || fabs(x) > TSPLIB_MAX_COORD ||
                fabs(y) > TSPLIB_MAX_COORD) {
                rc = err_set(e, GW_EINVAL, "%s:%d: coordinates must be numbers within +-%g", path,
                             lineno, TSPLIB_MAX_COORD);
                goto out;
            }
            if (seen[id - 1]) {
                rc = err_set(e, GW_EINVAL, "%s:%d: node %ld given twice", path, lineno, id);
                goto out;
            }
            seen[id - 1] = 1;
            t->x[id - 1] = x;
            t->y[id - 1] = y;
            if (++filled == t->n)
                in_coords = 0;
            continue;
        }
        char *value;
        char *key = split_kv(s, &value);
        if (strcmp(key, "NAME") == 0 && value) {
            snprintf(t->name, sizeof t->name, "%s", value);
        } else if (strcmp(key, "TYPE") == 0 && value) {
            if (strcmp(value, "TSP") != 0) {
                rc = err_set(e, GW_EINVAL, "%s:%d: TYPE %s is not supported (only TSP)", path,
                             lineno, value);
                goto out;
            }
        } else if (strcmp(key, "DIMENSION") == 0 && value) {
            long n = strtol(value, NULL, 10);
            if (n < 3 || n > TSPLIB_MAX_NODES || t->x) {
                rc = err_set(e, GW_EINVAL, "%s:%d: DIMENSION must be 3..%d and given once", path,
                             lineno, TSPLIB_MAX_NODES);
                goto out;
            }
            t->n = (int)n;
            t->x = calloc((size_t)n, sizeof *t->x);
            t->y = calloc((size_t)n, sizeof *t->y);
            seen = calloc((size_t)n, 1);
            if (!t->x || !t->y || !seen) {
                rc = err_set(e, GW_ENOMEM, "out of memory for %ld nodes", n);
                goto out;
            }
        } else if (strcmp(key, "EDGE_WEIGHT_TYPE") == 0 && value) {
            have_type = 1;
            if (strcmp(value, "EUC_2D") == 0)
                t->metric = ROUTE_EUC_2D;
            else if (strcmp(value, "CEIL_2D") == 0)
                t->metric = ROUTE_CEIL_2D;
            else if (strcmp(value, "ATT") == 0)
                t->metric = ROUTE_ATT;
            else if (strcmp(value, "GEO") == 0)
                t->metric = ROUTE_TSPLIB_GEO;
            else {
                rc = err_set(e, GW_EINVAL, "%s:%d: EDGE_WEIGHT_TYPE %s is not supported", path,
                             lineno, value);
                goto out;
            }
        } else if (strcmp(key, "NODE_COORD_SECTION") == 0) {
            if (!t->x) {
                rc = err_set(e, GW_EINVAL, "%s:%d: NODE_COORD_SECTION before DIMENSION", path,
                             lineno);
                goto out;
            }
            in_coords = 1;
        } else if (strcmp(key, "EOF") == 0) {
            break;
        } else if (strstr(key, "_SECTION")) {
            rc = err_set(e, GW_EINVAL, "%s:%d: %s is not supported (coordinates only)", path,
                         lineno, key);
            goto out;
        }
    }
    if (!t->x || filled != t->n) {
        rc = err_set(e, GW_EINVAL, "%s: expected %d coordinates, found %d", path, t->n, filled);
        goto out;
    }
    if (!have_type) {
        rc = err_set(e, GW_EINVAL, "%s: no EDGE_WEIGHT_TYPE", path);
        goto out;
    }
    if (!t->name[0])
        snprintf(t->name, sizeof t->name, "unnamed");
out:
    free(seen);
    if (f)
        fclose(f);
    return rc;
}

void tsplib_done(struct tsplib *t)
{
    free(t->x);
    free(t->y);
    t->x = t->y = NULL;
    t->n = 0;
}

void tsplib_problem(const struct tsplib *t, struct route_problem *p)
{
    memset(p, 0, sizeof *p);
    p->n = t->n;
    p->metric = t->metric;
    p->x = t->x;
    p->y = t->y;
}

void tsplib_write_tour(FILE *f, const struct tsplib *t, const int *order, double length)
{
    fprintf(f,
            "NAME : %s.tour\nCOMMENT : Length = %.0f\nTYPE : TOUR\nDIMENSION : %d\n"
            "TOUR_SECTION\n",
            t->name, length, t->n);
    for (int i = 0; i < t->n; i++)
        fprintf(f, "%d\n", order[i] + 1);
    fprintf(f, "-1\nEOF\n");
}
