/* route.c - the planner: construction, 2-opt + Or-opt local search with neighbour lists and
 * don't-look bits, and an iterated local search with local segment-exchange kicks.
 *
 * The best method adds sequential 3-opt moves (the second level of Lin-Kernighan) to the local
 * search, and after the first 30% of the budget accepts kicks that stay within a threshold of
 * the best tour that fades to nothing by the end (threshold accepting); the best tour is kept
 * apart and returned.
 *
 * The tour is an array with a position index; every move is a sequence of 2-opt reversals,
 * each reversing the shorter side of the cycle, so a kick and the local search after it can be
 * undone by replaying a log of reversals backwards when the result is worse.
 *
 * An open path from a fixed start is solved as a closed tour through one extra "dummy" point
 * that is 0 away from every stop and -ROUTE_BIG away from the start: every good tour keeps
 * the edge dummy-start, and cutting the cycle at the dummy gives the path, which may end
 * anywhere. */
#include "gridwalk/config.h"

#include "app/geo/route.h"
#include "app/geo/geodesy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUTE_BIG 1e12
#ifndef ROUTE_K_DEFAULT
#define ROUTE_K_DEFAULT 10
#endif
/* Tuned on the TSPLIB instances in tests/data/tsplib (make bench): neighbours tried at each
 * level of a 3-opt move, the longest segment a kick moves, and the acceptance threshold as
 * a fraction of the best length (from 30% of the budget on, fading to nothing at its end).
 * Each can be overridden at build time (-DROUTE_K3=...) for tuning runs. */
/* Up to this many stops the matrix holds exact Vincenty distances. */
#define ROUTE_VINCENTY_MAX 200
#ifndef ROUTE_K3
#define ROUTE_K3 5
#endif
#ifndef ROUTE_KICK_SEG_MAX
#define ROUTE_KICK_SEG_MAX 100
#endif
#ifndef ROUTE_ACCEPT_FRAC
#define ROUTE_ACCEPT_FRAC 2e-3
#endif
#ifndef ROUTE_ACCEPT_AFTER
#define ROUTE_ACCEPT_AFTER 0.3
#endif

struct solver {
    const struct route_problem *p;
    int nr;          /* real points in the sub-problem */
    int m;           /* nodes in the cycle: nr, plus the dummy for open paths */
    int *ids;        /* internal index -> problem index */
    int dummy;       /* internal index of the dummy, or -1 */
    int start;       /* internal index of the start */
    float *mat;      /* nr x nr distances, or NULL above ROUTE_MATRIX_MAX */
    double *px, *py; /* planar coordinates (neighbour grid, and distances without a matrix
                        for geodesic problems) */
    int k;
    int *nbr; /* m * k candidate neighbours, nearest first */
    int *tour, *pos;
    int *queue;
    unsigned char *inq;
    int qhead, qlen;
    int *log; /* position pairs of the reversals since the last kick */
    size_t log_len, log_cap;
    int logging;
    double cur; /* current tour length (with the dummy's -BIG) */
    double eps; /* smallest improvement worth taking */
    uint64_t rng;
    size_t bytes;
    int oom;
    int use_lk;      /* sequential 3-opt moves in the local search */
    int k3;          /* neighbours tried at each level of a 3-opt move */
    int kick_seg;    /* longest segment a kick moves */
    double acc_frac; /* acceptance threshold as a fraction of the best length */
};

static void *s_alloc(struct solver *s, size_t n, size_t size)
{
    void *q = calloc(n ? n : 1, size);
    if (!q)
        s->oom = 1;
    else
        s->bytes += n * size;
    return q;
}

static uint64_t rng_next(struct solver *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rng_below(struct solver *s, int n)
{
    return (int)(rng_next(s) % (uint64_t)n);
}

/* TSPLIB GEO: DDD.MM to radians, truncating the degrees toward zero as TSPLIB95's reference
 * code does (its text says nint, which disagrees with the published optima). */
static double tsp_geo_rad(double v)
{
    const double pi = 3.141592;
    double deg = trunc(v);
    double min = v - deg;
    return pi * (deg + 5.0 * min / 3.0) / 180.0;
}

double route_dist(const struct route_problem *p, int i, int j)
{
    double dx = p->x[i] - p->x[j], dy = p->y[i] - p->y[j];
    switch (p->metric) {
    case ROUTE_GEODESIC:
        return geo_distance_m(p->x[i], p->y[i], p->x[j], p->y[j]);
    case ROUTE_PLANAR:
        return sqrt(dx * dx + dy * dy);
    case ROUTE_EUC_2D:
        return floor(sqrt(dx * dx + dy * dy) + 0.5);
    case ROUTE_CEIL_2D:
        return ceil(sqrt(dx * dx + dy * dy));
    case ROUTE_ATT: {
        double r = sqrt((dx * dx + dy * dy) / 10.0);
        double t = floor(r + 0.5);
        return t < r ? t + 1 : t;
    }
    case ROUTE_TSPLIB_GEO: {
        if (i == j)
            return 0;
        const double rrr = 6378.388;
        double lat1 = tsp_geo_rad(p->x[i]), lon1 = tsp_geo_rad(p->y[i]);
        double lat2 = tsp_geo_rad(p->x[j]), lon2 = tsp_geo_rad(p->y[j]);
        double q1 = cos(lon1 - lon2), q2 = cos(lat1 - lat2), q3 = cos(lat1 + lat2);
        double c = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3);
        c = c > 1 ? 1 : c < -1 ? -1 : c; /* rounding can step just outside acos's domain */
        return (double)(int)(rrr * acos(c) + 1.0);
    }
    }
    return NAN;
}

double route_length(const struct route_problem *p, const int *order, int n, int closed)
{
    double len = 0;
    for (int i = 0; i + 1 < n; i++)
        len += route_dist(p, order[i], order[i + 1]);
    if (closed && n > 1)
        len += route_dist(p, order[n - 1], order[0]);
    return len;
}

/* Distance between internal nodes, without the dummy. */
static double raw_dist(const struct solver *s, int i, int j)
{
    if (s->mat)
        return s->mat[(size_t)i * (size_t)s->nr + (size_t)j];
    if (s->p->metric == ROUTE_GEODESIC) {
        /* Beyond the matrix size the planner works in the local projection; the reported
         * length is still the ellipsoidal one. */
        double dx = s->px[i] - s->px[j], dy = s->py[i] - s->py[j];
        return sqrt(dx * dx + dy * dy);
    }
    return route_dist(s->p, s->ids[i], s->ids[j]);
}

static inline double D(const struct solver *s, int i, int j)
{
    if (s->dummy >= 0 && (i == s->dummy || j == s->dummy)) {
        int o = i == s->dummy ? j : i;
        return o == s->start ? -ROUTE_BIG : 0;
    }
    if (s->mat) /* the hot path: kept inline */
        return s->mat[(size_t)i * (size_t)s->nr + (size_t)j];
    return raw_dist(s, i, j);
}

static inline int succ(const struct solver *s, int a)
{
    int q = s->pos[a] + 1;
    return s->tour[q == s->m ? 0 : q];
}

static inline int pred(const struct solver *s, int a)
{
    int q = s->pos[a] - 1;
    return s->tour[q < 0 ? s->m - 1 : q];
}

static void log_push(struct solver *s, int i, int j)
{
    if (s->log_len + 2 > s->log_cap) {
        size_t cap = s->log_cap ? s->log_cap * 2 : 256;
        int *q = realloc(s->log, cap * sizeof *q);
        if (!q) {
            s->oom = 1;
            return;
        }
        s->bytes += (cap - s->log_cap) * sizeof *q;
        s->log = q;
        s->log_cap = cap;
    }
    s->log[s->log_len++] = i;
    s->log[s->log_len++] = j;
}

/* Reverses tour positions i..j (cyclic, inclusive) exactly as given. */
static void reverse_exact(struct solver *s, int i, int j)
{
    int m = s->m;
    int len = (j - i + m) % m + 1;
    for (int t = 0; t < len / 2; t++) {
        int a = i + t, b = j - t;
        if (a >= m)
            a -= m;
        if (b < 0)
            b += m;
        int na = s->tour[a], nb = s->tour[b];
        s->tour[a] = nb;
        s->pos[nb] = a;
        s->tour[b] = na;
        s->pos[na] = b;
    }
}

/* Reverses the path at positions i..j, or the rest of the cycle when that is shorter (the
 * same tour, read the other way round). */
static void reverse_path(struct solver *s, int i, int j)
{
    int m = s->m;
    int len = (j - i + m) % m + 1;
    if (2 * len > m) {
        int ni = j + 1 == m ? 0 : j + 1, nj = i == 0 ? m - 1 : i - 1;
        i = ni;
        j = nj;
    }
    reverse_exact(s, i, j);
    if (s->logging)
        log_push(s, i, j);
}

/* Removes edges (a,b) and (c,d), adds (a,c) and (b,d). Either b follows a and d follows c,
 * or b precedes a and d precedes c. */
static void make_2opt(struct solver *s, int a, int b, int c, int d)
{
    if (succ(s, a) == b)
        reverse_path(s, s->pos[b], s->pos[c]);
    else
        reverse_path(s, s->pos[a], s->pos[d]);
}

static void push(struct solver *s, int a)
{
    if (s->inq[a])
        return;
    s->inq[a] = 1;
    int q = s->qhead + s->qlen;
    if (q >= s->m)
        q -= s->m;
    s->queue[q] = a;
    s->qlen++;
}

static int pop(struct solver *s)
{
    int a = s->queue[s->qhead];
    if (++s->qhead == s->m)
        s->qhead = 0;
    s->qlen--;
    s->inq[a] = 0;
    return a;
}

static int improve_2opt(struct solver *s, int a)
{
    const int *nb = s->nbr + (size_t)a * (size_t)s->k;
    for (int dir = 0; dir < 2; dir++) {
        int b = dir == 0 ? succ(s, a) : pred(s, a);
        double dab = D(s, a, b);
        for (int t = 0; t < s->k; t++) {
            int c = nb[t];
            if (c < 0)
                break;
            double dac = D(s, a, c);
            if (dab - dac <= s->eps)
                break;
            int d = dir == 0 ? succ(s, c) : pred(s, c);
            if (c == b || d == a)
                continue;
            double delta = dac + D(s, b, d) - dab - D(s, c, d);
            if (delta < -s->eps) {
                make_2opt(s, a, b, c, d);
                s->cur += delta;
                push(s, a);
                push(s, b);
                push(s, c);
                push(s, d);
                return 1;
            }
        }
    }
    return 0;
}

/* Moves segment s1..s2 (following p, followed by n) between u and v (v follows u), reversed
 * (u s2..s1 v) or not (u s1..s2 v), as two or three 2-opt reversals. */
static void apply_oropt(struct solver *s, int s1, int s2, int p, int n, int u, int v, int reversed)
{
    if (v == p) {
        make_2opt(s, u, p, s2, n);
        if (!reversed)
            make_2opt(s, u, s2, s1, p);
        return;
    }
    make_2opt(s, p, s1, u, v);
    if (u != n)
        make_2opt(s, p, u, n, s2);
    if (!reversed)
        make_2opt(s, u, s2, s1, v);
}

static int in_segment(const struct solver *s, int x, int ps1, int len)
{
    int d = s->pos[x] - ps1;
    if (d < 0)
        d += s->m;
    return d < len;
}

static int improve_oropt(struct solver *s, int a)
{
    for (int len = 1; len <= 3; len++) {
        if (s->m < len + 4)
            break;
        for (int side = 0; side < (len == 1 ? 1 : 2); side++) {
            int ps1 = side == 0 ? s->pos[a] : s->pos[a] - (len - 1);
            if (ps1 < 0)
                ps1 += s->m;
            int ps2 = ps1 + len - 1;
            if (ps2 >= s->m)
                ps2 -= s->m;
            int s1 = s->tour[ps1], s2 = s->tour[ps2];
            int p = pred(s, s1), n = succ(s, s2);
            double g0 = D(s, p, s1) + D(s, s2, n) - D(s, p, n);
            if (g0 <= s->eps)
                continue;
            for (int end = 0; end < (len == 1 ? 1 : 2); end++) {
                int e = end == 0 ? s1 : s2;
                const int *nb = s->nbr + (size_t)e * (size_t)s->k;
                for (int t = 0; t < s->k; t++) {
                    int c = nb[t];
                    if (c < 0)
                        break;
                    double dec = D(s, e, c);
                    if (g0 - dec <= s->eps)
                        break;
                    if (in_segment(s, c, ps1, len))
                        continue;
                    int best_u = -1, best_v = -1, best_rev = 0;
                    double best = -s->eps;
                    if (c != p) { /* between c and its successor, e next to c */
                        int cs = succ(s, c);
                        double add = e == s1 ? dec + D(s, s2, cs) : dec + D(s, s1, cs);
                        double delta = add - D(s, c, cs) - g0;
                        if (delta < best) {
                            best = delta;
                            best_u = c;
                            best_v = cs;
                            best_rev = e == s2;
                        }
                    }
                    if (c != n) { /* between its predecessor and c, e next to c */
                        int cp = pred(s, c);
                        double add = e == s1 ? dec + D(s, cp, s2) : dec + D(s, cp, s1);
                        double delta = add - D(s, cp, c) - g0;
                        if (delta < best) {
                            best = delta;
                            best_u = cp;
                            best_v = c;
                            best_rev = e == s1;
                        }
                    }
                    if (best_u >= 0) {
                        apply_oropt(s, s1, s2, p, n, best_u, best_v, best_rev);
                        s->cur += best;
                        push(s, p);
                        push(s, n);
                        push(s, s1);
                        push(s, s2);
                        push(s, best_u);
                        push(s, best_v);
                        return 1;
                    }
                }
            }
        }
    }
    return 0;
}

/* b lies on the path from a forward to c (inclusive). */
static inline int between(const struct solver *s, int a, int b, int c)
{
    int pa = s->pos[a], pb = s->pos[b], pc = s->pos[c];
    if (pa <= pc)
        return pa <= pb && pb <= pc;
    return pb >= pa || pb <= pc;
}

/* Sequential 3-opt (the second level of Lin-Kernighan), evaluated before anything is moved:
 * break (t1,t2), join t2-t3, break (t3,t4), join t4-t5, break (t5,t6), close t6-t1, with
 * the partial gain positive at each step and t3, t5 from neighbour lists. Covers the pure
 * segment exchange (t1 B A t4) and the double reversal that 2-opt and Or-opt cannot reach
 * in one move, besides chained 2-opt moves. Applied as two or three 2-opt reversals. */
static int improve_3opt(struct solver *s, int t1)
{
    for (int dir = 0; dir < 2; dir++) {
#define SUC(x) (dir == 0 ? succ(s, (x)) : pred(s, (x)))
#define PRE(x) (dir == 0 ? pred(s, (x)) : succ(s, (x)))
#define BETWEEN(a, b, c) (dir == 0 ? between(s, (a), (b), (c)) : between(s, (c), (b), (a)))
        int t2 = SUC(t1);
        double g0 = D(s, t1, t2);
        const int *nb2 = s->nbr + (size_t)t2 * (size_t)s->k;
        for (int i3 = 0; i3 < s->k3; i3++) {
            int t3 = nb2[i3];
            if (t3 < 0)
                break;
            double g1 = g0 - D(s, t2, t3);
            if (g1 <= s->eps)
                break;
            if (t3 == t1 || t3 == SUC(t2) || t3 == PRE(t2))
                continue;
            for (int x4 = 0; x4 < 2; x4++) {
                int t4 = x4 == 0 ? SUC(t3) : PRE(t3);
                if (t4 == t1 || t4 == t2)
                    continue;
                double G1 = g1 + D(s, t3, t4);
                const int *nb4 = s->nbr + (size_t)t4 * (size_t)s->k;
                for (int i5 = 0; i5 < s->k3; i5++) {
                    int t5 = nb4[i5];
                    if (t5 < 0)
                        break;
                    double g2 = G1 - D(s, t4, t5);
                    if (g2 <= s->eps)
                        break;
                    if (t5 == t3 || t5 == t4 || t5 == t1 || t5 == SUC(t4) || t5 == PRE(t4))
                        continue;
                    int cand[2] = {-1, -1};
                    if (x4 == 0) {
                        /* t1 t2 .. t3 t4: t5 must lie in t2..t3. */
                        if (!BETWEEN(t2, t5, t3))
                            continue;
                        if (t5 != t3)
                            cand[0] = SUC(t5);
                        if (t5 != t2)
                            cand[1] = PRE(t5);
                    } else {
                        /* t1 t2 .. t4 t3: after the 2-opt, t2..t4 runs the other way. */
                        if (BETWEEN(t2, t5, t4))
                            cand[0] = t5 != t4 ? SUC(t5) : -1;
                        else
                            cand[0] = PRE(t5);
                    }
                    for (int c6 = 0; c6 < 2; c6++) {
                        int t6 = cand[c6];
                        if (t6 < 0 || t6 == t1 || t6 == t4 || t6 == t3)
                            continue;
                        double gain = g2 + D(s, t5, t6) - D(s, t6, t1);
                        if (gain <= s->eps)
                            continue;
                        if (x4 == 1) {
                            make_2opt(s, t2, t1, t3, t4);
                            make_2opt(s, t4, t1, t5, t6);
                        } else if (c6 == 0) {
                            /* t1 [t2..t5][t6..t3] t4 -> t1 [t6..t3][t2..t5] t4 */
                            make_2opt(s, t1, t2, t3, t4);
                            make_2opt(s, t1, t3, t6, t5);
                            make_2opt(s, t3, t5, t2, t4);
                        } else {
                            /* t1 [t2..t6][t5..t3] t4 -> t1 [t6..t2][t3..t5] t4 */
                            make_2opt(s, t1, t2, t6, t5);
                            make_2opt(s, t2, t5, t3, t4);
                        }
                        s->cur -= gain;
                        push(s, t1);
                        push(s, t2);
                        push(s, t3);
                        push(s, t4);
                        push(s, t5);
                        push(s, t6);
                        return 1;
                    }
                }
            }
        }
#undef SUC
#undef PRE
#undef BETWEEN
    }
    return 0;
}

static void local_search(struct solver *s)
{
    while (s->qlen > 0 && !s->oom) {
        int a = pop(s);
        if (improve_2opt(s, a) || improve_oropt(s, a) || (s->use_lk && improve_3opt(s, a)))
            continue;
    }
}

/* Swaps two cyclically adjacent tour segments [i..j] and [j+1..l] (positions, forward),
 * logging the three reversals it takes. */
static void swap_segments(struct solver *s, int i, int j, int l)
{
    int m = s->m;
    int lc = (l - j + m) % m;
    reverse_exact(s, i, l);
    log_push(s, i, l);
    int mid = (i + lc - 1) % m;
    reverse_exact(s, i, mid);
    log_push(s, i, mid);
    int mid2 = (mid + 1) % m;
    reverse_exact(s, mid2, l);
    log_push(s, mid2, l);
}

/* A random local kick: two short neighbouring segments B and C swap places (A B C D ->
 * A C B D), which 2-opt and Or-opt cannot undo in one move when the segments are long. */
static int kick_local(struct solver *s)
{
    int m = s->m;
    int lmax = m / 4 < s->kick_seg ? m / 4 : s->kick_seg;
    if (lmax < 1)
        return 0;
    for (int tries = 0; tries < 20; tries++) {
        int l1 = 1 + rng_below(s, lmax), l2 = 1 + rng_below(s, lmax);
        int i = rng_below(s, m);
        int t0 = s->tour[i], b1 = s->tour[(i + 1) % m], b2 = s->tour[(i + l1) % m];
        int c1 = s->tour[(i + l1 + 1) % m], c2 = s->tour[(i + l1 + l2) % m];
        int d1 = s->tour[(i + l1 + l2 + 1) % m];
        if (s->dummy >= 0) {
            int ends[6] = {t0, b1, b2, c1, c2, d1};
            int bad = 0;
            for (int q = 0; q < 6; q += 2)
                if ((ends[q] == s->dummy && ends[q + 1] == s->start) ||
                    (ends[q] == s->start && ends[q + 1] == s->dummy))
                    bad = 1;
            if (bad)
                continue;
        }
        double delta =
            D(s, t0, c1) + D(s, c2, b1) + D(s, b2, d1) - D(s, t0, b1) - D(s, b2, c1) - D(s, c2, d1);
        swap_segments(s, (i + 1) % m, (i + l1) % m, (i + l1 + l2) % m);
        s->cur += delta;
        push(s, t0);
        push(s, b1);
        push(s, b2);
        push(s, c1);
        push(s, c2);
        push(s, d1);
        return 1;
    }
    return 0;
}

static void undo_log(struct solver *s)
{
    while (s->log_len >= 2) {
        s->log_len -= 2;
        reverse_exact(s, s->log[s->log_len], s->log[s->log_len + 1]);
    }
}

/* ---- neighbour lists ---- */

static void nbr_insert(const struct solver *s, int i, int *list, double *dl, int *cnt, int j,
                       double dj)
{
    int k = s->k, c = *cnt;
    if (c == k && dj >= dl[k - 1])
        return;
    int q = c < k ? c : k - 1;
    while (q > 0 && dl[q - 1] > dj) {
        list[q] = list[q - 1];
        dl[q] = dl[q - 1];
        q--;
    }
    list[q] = j;
    dl[q] = dj;
    if (c < k)
        (*cnt)++;
    (void)i;
}

static void planar_coords(struct solver *s)
{
    const struct route_problem *p = s->p;
    if (p->metric == ROUTE_GEODESIC) {
        double la = 0, lo = 0;
        for (int i = 0; i < s->nr; i++) {
            la += p->x[s->ids[i]];
            lo += p->y[s->ids[i]];
        }
        struct geo_proj g;
        geo_proj_init(&g, la / s->nr, lo / s->nr);
        for (int i = 0; i < s->nr; i++)
            geo_project(&g, p->x[s->ids[i]], p->y[s->ids[i]], &s->px[i], &s->py[i]);
    } else if (p->metric == ROUTE_TSPLIB_GEO) {
        for (int i = 0; i < s->nr; i++) {
            double la = tsp_geo_rad(p->x[s->ids[i]]), lo = tsp_geo_rad(p->y[s->ids[i]]);
            s->px[i] = 6378.388 * lo * cos(la);
            s->py[i] = 6378.388 * la;
        }
    } else {
        for (int i = 0; i < s->nr; i++) {
            s->px[i] = p->x[s->ids[i]];
            s->py[i] = p->y[s->ids[i]];
        }
    }
}

/* k nearest real neighbours of every real node: from the matrix, or from a uniform grid over
 * the planar coordinates (memory linear in the stops). Slots of the open path's dummy are
 * filled afterwards. */
static int build_neighbours(struct solver *s, int kreal)
{
    int nr = s->nr, rc = 0;
    double *dl = s_alloc(s, (size_t)kreal + 1, sizeof *dl);
    int *tmp = s_alloc(s, (size_t)kreal + 1, sizeof *tmp);
    int *cell_start = NULL, *cell_items = NULL, *cell_of = NULL;
    if (s->oom)
        goto out;
    int off = s->dummy >= 0 ? 1 : 0;
    if (s->mat || nr <= 64) {
        for (int i = 0; i < nr; i++) {
            int cnt = 0;
            for (int j = 0; j < nr; j++)
                if (j != i)
                    nbr_insert(s, i, tmp, dl, &cnt, j, raw_dist(s, i, j));
            int *row = s->nbr + (size_t)i * (size_t)s->k;
            for (int t = 0; t < cnt; t++)
                row[off + t] = tmp[t];
        }
        goto out;
    }
    double minx = s->px[0], maxx = minx, miny = s->py[0], maxy = miny;
    for (int i = 1; i < nr; i++) {
        minx = fmin(minx, s->px[i]);
        maxx = fmax(maxx, s->px[i]);
        miny = fmin(miny, s->py[i]);
        maxy = fmax(maxy, s->py[i]);
    }
    int g = (int)ceil(sqrt(nr / 2.0));
    double w = (maxx - minx) / g, h = (maxy - miny) / g;
    if (w <= 0)
        w = 1;
    if (h <= 0)
        h = 1;
    size_t ncell = (size_t)g * (size_t)g;
    cell_start = s_alloc(s, ncell + 1, sizeof *cell_start);
    cell_items = s_alloc(s, (size_t)nr, sizeof *cell_items);
    cell_of = s_alloc(s, (size_t)nr, sizeof *cell_of);
    if (s->oom)
        goto out;
    for (int i = 0; i < nr; i++) {
        int cx = (int)((s->px[i] - minx) / w), cy = (int)((s->py[i] - miny) / h);
        cx = cx >= g ? g - 1 : cx;
        cy = cy >= g ? g - 1 : cy;
        cell_of[i] = cy * g + cx;
        cell_start[cell_of[i] + 1]++;
    }
    for (size_t c = 0; c < ncell; c++)
        cell_start[c + 1] += cell_start[c];
    for (int i = 0; i < nr; i++)
        cell_items[cell_start[cell_of[i]]++] = i;
    for (size_t c = ncell; c > 0; c--)
        cell_start[c] = cell_start[c - 1];
    cell_start[0] = 0;
    double cmin = fmin(w, h);
    for (int i = 0; i < nr; i++) {
        int cnt = 0, cx = cell_of[i] % g, cy = cell_of[i] / g;
        for (int r = 0; r <= g; r++) {
            for (int y = cy - r; y <= cy + r; y++) {
                if (y < 0 || y >= g)
                    continue;
                int step = (y == cy - r || y == cy + r) ? 1 : 2 * r;
                for (int x = cx - r; x <= cx + r; x += step ? step : 1) {
                    if (x < 0 || x >= g)
                        continue;
                    int c = y * g + x;
                    for (int q = cell_start[c]; q < cell_start[c + 1]; q++) {
                        int j = cell_items[q];
                        if (j == i)
                            continue;
                        double dx = s->px[i] - s->px[j], dy = s->py[i] - s->py[j];
                        nbr_insert(s, i, tmp, dl, &cnt, j, dx * dx + dy * dy);
                    }
                }
            }
            double reach = r * cmin;
            if (cnt == kreal && reach * reach >= dl[kreal - 1])
                break;
        }
        /* Order by the problem's own distance (the grid ranked by planar distance). */
        for (int t = 0; t < cnt; t++)
            dl[t] = raw_dist(s, i, tmp[t]);
        for (int t = 1; t < cnt; t++) {
            int vj = tmp[t];
            double vd = dl[t];
            int q = t;
            while (q > 0 && dl[q - 1] > vd) {
                tmp[q] = tmp[q - 1];
                dl[q] = dl[q - 1];
                q--;
            }
            tmp[q] = vj;
            dl[q] = vd;
        }
        int *row = s->nbr + (size_t)i * (size_t)s->k;
        for (int t = 0; t < cnt; t++)
            row[off + t] = tmp[t];
    }
out:
    if (s->oom)
        rc = GW_ENOMEM;
    free(dl);
    free(tmp);
    free(cell_start);
    free(cell_items);
    free(cell_of);
    return rc;
}

/* ---- construction ---- */

static void nearest_neighbour_tour(struct solver *s)
{
    int nr = s->nr;
    unsigned char *used = s->inq; /* scratch, cleared again below */
    int *left = s->queue;         /* unvisited nodes, swap-removed */
    int nleft = 0;
    for (int i = 0; i < nr; i++)
        if (i != s->start)
            left[nleft++] = i;
    int *where = s->pos; /* index in left[] while building */
    for (int t = 0; t < nleft; t++)
        where[left[t]] = t;
    int cur = s->start, len = 0;
    s->tour[len++] = cur;
    used[cur] = 1;
    while (nleft > 0) {
        int best = -1;
        double bd = INFINITY;
        const int *nb = s->nbr + (size_t)cur * (size_t)s->k;
        for (int t = 0; t < s->k; t++) {
            int c = nb[t];
            if (c < 0)
                break;
            if (c == s->dummy || used[c])
                continue;
            double d = raw_dist(s, cur, c);
            if (d < bd) {
                bd = d;
                best = c;
            }
        }
        if (best < 0)
            for (int t = 0; t < nleft; t++) {
                double d = raw_dist(s, cur, left[t]);
                if (d < bd) {
                    bd = d;
                    best = left[t];
                }
            }
        int w = where[best];
        left[w] = left[--nleft];
        where[left[w]] = w;
        used[best] = 1;
        s->tour[len++] = best;
        cur = best;
    }
    if (s->dummy >= 0)
        s->tour[len++] = s->dummy;
    memset(s->inq, 0, (size_t)s->m);
}

struct cand_edge {
    float d;
    int i, j;
};

static int cmp_edge(const void *a, const void *b)
{
    const struct cand_edge *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    if (x->i != y->i)
        return x->i - y->i;
    return x->j - y->j;
}

static int uf_find(int *par, int x)
{
    while (par[x] != x) {
        par[x] = par[par[x]];
        x = par[x];
    }
    return x;
}

/* Greedy edge matching over the candidate edges (shortest first, degree <= 2, no early
 * cycle), then the fragments joined nearest-endpoint first. About 15-20% above optimal
 * before local search, a much better start than nearest neighbour. */
static int greedy_tour(struct solver *s)
{
    int nr = s->nr, rc = 0, ne = 0;
    struct cand_edge *edges = s_alloc(s, (size_t)nr * (size_t)s->k, sizeof *edges);
    int *par = s_alloc(s, (size_t)nr, sizeof *par);
    int *adj = s_alloc(s, 2 * (size_t)nr, sizeof *adj);
    int *ends = s_alloc(s, (size_t)nr, sizeof *ends);
    unsigned char *deg = s_alloc(s, (size_t)nr, 1);
    unsigned char *vis = s_alloc(s, (size_t)nr, 1);
    if (s->oom) {
        rc = GW_ENOMEM;
        goto out;
    }
    for (int i = 0; i < nr; i++) {
        par[i] = i;
        adj[2 * i] = adj[2 * i + 1] = -1;
        const int *nb = s->nbr + (size_t)i * (size_t)s->k;
        for (int t = 0; t < s->k; t++) {
            int j = nb[t];
            if (j < 0)
                break;
            if (j == s->dummy || j < i)
                continue;
            edges[ne++] = (struct cand_edge){(float)raw_dist(s, i, j), i, j};
        }
    }
    qsort(edges, (size_t)ne, sizeof *edges, cmp_edge);
    for (int q = 0; q < ne; q++) {
        int i = edges[q].i, j = edges[q].j;
        if (deg[i] >= 2 || deg[j] >= 2)
            continue;
        int ri = uf_find(par, i), rj = uf_find(par, j);
        if (ri == rj)
            continue;
        par[ri] = rj;
        adj[2 * i + deg[i]++] = j;
        adj[2 * j + deg[j]++] = i;
    }
    int nends = 0;
    for (int i = 0; i < nr; i++)
        if (deg[i] < 2)
            ends[nends++] = i;
    int len = 0, cur = ends[0];
    for (;;) {
        /* Walk the fragment from its end cur. */
        int prev = -1;
        for (;;) {
            vis[cur] = 1;
            s->tour[len++] = cur;
            int nx = -1;
            for (int t = 0; t < deg[cur]; t++)
                if (adj[2 * cur + t] != prev && !vis[adj[2 * cur + t]])
                    nx = adj[2 * cur + t];
            if (nx < 0)
                break;
            prev = cur;
            cur = nx;
        }
        if (len == nr)
            break;
        int best = -1;
        double bd = INFINITY;
        const int *nb = s->nbr + (size_t)cur * (size_t)s->k;
        for (int t = 0; t < s->k; t++) {
            int c = nb[t];
            if (c < 0)
                break;
            if (c == s->dummy || vis[c] || deg[c] >= 2)
                continue;
            double d = raw_dist(s, cur, c);
            if (d < bd) {
                bd = d;
                best = c;
            }
        }
        if (best < 0) {
            int w = 0;
            for (int t = 0; t < nends; t++) {
                if (vis[ends[t]])
                    continue;
                ends[w++] = ends[t];
                double d = raw_dist(s, cur, ends[t]);
                if (d < bd) {
                    bd = d;
                    best = ends[t];
                }
            }
            nends = w;
        }
        cur = best;
    }
    if (s->dummy >= 0) {
        /* Cut the cycle next to the start, on its longer side, and put the dummy there. */
        int ps = 0;
        while (s->tour[ps] != s->start)
            ps++;
        int before = s->tour[(ps + nr - 1) % nr], after = s->tour[(ps + 1) % nr];
        int *t2 = s->queue;
        int w = 0;
        if (raw_dist(s, before, s->start) >= raw_dist(s, s->start, after))
            for (int t = 0; t < nr; t++)
                t2[w++] = s->tour[(ps + t) % nr];
        else
            for (int t = 0; t < nr; t++)
                t2[w++] = s->tour[(ps - t + nr) % nr];
        t2[w++] = s->dummy;
        memcpy(s->tour, t2, (size_t)w * sizeof *t2);
    }
out:
    free(edges);
    free(par);
    free(adj);
    free(ends);
    free(deg);
    free(vis);
    return rc;
}

/* Exact answer for tiny problems (at most 4 nodes in the cycle), where the moves above have
 * nothing to work with. */
static void tiny_tour(struct solver *s)
{
    int m = s->m, perm[4], best[4];
    double bl = INFINITY;
    for (int i = 0; i < m; i++)
        perm[i] = i;
    /* Rotate so the start is first, then try every order of the rest. */
    perm[0] = s->start;
    int w = 1;
    for (int i = 0; i < m; i++)
        if (i != s->start)
            perm[w++] = i;
    int idx[3] = {0, 1, 2};
    int rest = m - 1;
    int nperm = rest == 3 ? 6 : rest == 2 ? 2 : 1;
    static const int p3[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    static const int p2[2][3] = {{0, 1, 2}, {1, 0, 2}};
    for (int q = 0; q < nperm; q++) {
        int t[4];
        t[0] = perm[0];
        for (int r = 0; r < rest; r++)
            t[1 + r] = perm[1 + (rest == 3 ? p3[q][r] : p2[q][r])];
        double l = 0;
        for (int r = 0; r < m; r++)
            l += D(s, t[r], t[(r + 1) % m]);
        if (l < bl) {
            bl = l;
            memcpy(best, t, sizeof t);
        }
    }
    (void)idx;
    memcpy(s->tour, best, (size_t)m * sizeof *best);
}

/* ---- the public entry ---- */

void route_opts_init(struct route_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = ROUTE_METHOD_BEST;
    o->time_ms = 100;
    o->seed = 1;
}

int route_method_parse(const char *str)
{
    if (strcmp(str, "best") == 0)
        return ROUTE_METHOD_BEST;
    if (strcmp(str, "2opt-oropt") == 0 || strcmp(str, "ls") == 0)
        return ROUTE_METHOD_LS;
    if (strcmp(str, "nn") == 0)
        return ROUTE_METHOD_NN;
    return -1;
}

void route_result_done(struct route_result *r)
{
    free(r->order);
    r->order = NULL;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int is_integer_metric(enum route_metric m)
{
    return m == ROUTE_EUC_2D || m == ROUTE_CEIL_2D || m == ROUTE_ATT || m == ROUTE_TSPLIB_GEO;
}

static void solver_free(struct solver *s)
{
    free(s->ids);
    free(s->mat);
    free(s->px);
    free(s->py);
    free(s->nbr);
    free(s->tour);
    free(s->pos);
    free(s->queue);
    free(s->inq);
    free(s->log);
}

static int check_opts(const struct route_problem *p, const struct route_opts *o, struct err *e,
                      unsigned char *mark)
{
    if (p->n < 1 || !p->x || !p->y)
        return err_set(e, GW_EINVAL, "no points to plan a route over");
    if (o->start < 0 || o->start >= p->n)
        return err_set(e, GW_EINVAL, "start point %d is not one of the %d points", o->start, p->n);
    if (o->n_pinned > 0 && o->closed)
        return err_set(e, GW_EINVAL, "a pinned order needs an open path, not a closed tour");
    if (o->n_pinned < 0 || (o->n_pinned > 0 && !o->pinned))
        return err_set(e, GW_EINVAL, "bad pinned list");
    mark[o->start] = 1;
    for (int i = 0; i < o->n_pinned; i++) {
        int q = o->pinned[i];
        if (q < 0 || q >= p->n || mark[q])
            return err_set(e, GW_EINVAL, "pinned stop %d is out of range or given twice", q);
        mark[q] = 1;
    }
    for (int i = 0; i < p->n; i++) {
        if (!isfinite(p->x[i]) || !isfinite(p->y[i]))
            return err_set(e, GW_EINVAL, "point %d has no coordinates", i);
    }
    return GW_OK;
}

/* The TSPLIB GEO matrix with each point's sines and cosines computed once: the cosines of
 * sums and differences come from the product formulas, leaving one acos per pair. The
 * result equals route_dist on every pair of gr666 (checked when this was written). */
static void fill_geo_matrix(struct solver *s)
{
    int nr = s->nr;
    double *cs = s_alloc(s, 4 * (size_t)nr, sizeof *cs);
    if (!cs) {
        for (int i = 0; i < nr; i++)
            for (int j = i + 1; j < nr; j++)
                s->mat[(size_t)i * nr + j] = s->mat[(size_t)j * nr + i] =
                    (float)route_dist(s->p, s->ids[i], s->ids[j]);
        s->oom = 0;
        return;
    }
    for (int i = 0; i < nr; i++) {
        double la = tsp_geo_rad(s->p->x[s->ids[i]]), lo = tsp_geo_rad(s->p->y[s->ids[i]]);
        cs[4 * i] = cos(la);
        cs[4 * i + 1] = sin(la);
        cs[4 * i + 2] = cos(lo);
        cs[4 * i + 3] = sin(lo);
    }
    const double rrr = 6378.388;
    for (int i = 0; i < nr; i++) {
        const double *a = cs + 4 * i;
        for (int j = i + 1; j < nr; j++) {
            const double *b = cs + 4 * j;
            double q1 = a[2] * b[2] + a[3] * b[3];
            double q2 = a[0] * b[0] + a[1] * b[1];
            double q3 = a[0] * b[0] - a[1] * b[1];
            double x = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3);
            x = x > 1 ? 1 : x < -1 ? -1 : x;
            double d = (double)(int)(rrr * acos(x) + 1.0);
            s->mat[(size_t)i * nr + j] = s->mat[(size_t)j * nr + i] = (float)d;
        }
    }
    free(cs);
}

/* How much of the acceptance threshold applies at this point of the budget: none in the
 * first ROUTE_ACCEPT_AFTER of it (plain descent finds the big wins), then all of it, fading
 * linearly to none at the end so the search settles on its best region. */
static double accept_scale(const struct route_opts *o, long it, double t0, double deadline)
{
    double f =
        o->max_iters > 0 ? (double)it / (double)o->max_iters : (now_ms() - t0) / (deadline - t0);
    if (f < ROUTE_ACCEPT_AFTER)
        return 0;
    return (1 - f) / (1 - ROUTE_ACCEPT_AFTER);
}

int route_solve(const struct route_problem *p, const struct route_opts *o, struct route_result *r,
                struct err *e)
{
    double t0 = now_ms();
    struct solver s;
    memset(&s, 0, sizeof s);
    memset(r, 0, sizeof *r);
    int rc = GW_OK;
    unsigned char *mark = calloc(p->n > 0 ? (size_t)p->n : 1, 1);
    if (!mark)
        return err_set(e, GW_ENOMEM, "out of memory planning a route");
    if ((rc = check_opts(p, o, e, mark)))
        goto out;
    r->n = p->n;
    r->order = malloc((size_t)p->n * sizeof *r->order);
    if (!r->order) {
        rc = err_set(e, GW_ENOMEM, "out of memory planning a route");
        goto out;
    }
    /* The fixed prefix: the start, then the pinned stops; the planner starts from the last. */
    int npre = 0;
    r->order[npre++] = o->start;
    for (int i = 0; i < o->n_pinned; i++)
        r->order[npre++] = o->pinned[i];
    int first = r->order[npre - 1];
    mark[first] = 0;
    npre--;

    s.p = p;
    s.nr = p->n - npre;
    s.dummy = o->closed ? -1 : s.nr;
    s.m = s.nr + (o->closed ? 0 : 1);
    s.k = (o->k > 0 ? o->k : ROUTE_K_DEFAULT);
    s.rng = o->seed ? o->seed : 1;
    s.eps = is_integer_metric(p->metric) ? 0.5 : 1e-7;
    int kreal = s.k < s.nr - 1 ? s.k : s.nr - 1;
    if (s.dummy >= 0)
        s.k = kreal + 1;
    else
        s.k = kreal > 0 ? kreal : 1;
    s.ids = s_alloc(&s, (size_t)s.nr, sizeof *s.ids);
    s.px = s_alloc(&s, (size_t)s.nr, sizeof *s.px);
    s.py = s_alloc(&s, (size_t)s.nr, sizeof *s.py);
    s.nbr = s_alloc(&s, (size_t)s.m * (size_t)s.k, sizeof *s.nbr);
    s.tour = s_alloc(&s, (size_t)s.m, sizeof *s.tour);
    s.pos = s_alloc(&s, (size_t)s.m, sizeof *s.pos);
    s.queue = s_alloc(&s, (size_t)s.m, sizeof *s.queue);
    s.inq = s_alloc(&s, (size_t)s.m, 1);
    if (s.oom) {
        rc = err_set(e, GW_ENOMEM, "out of memory planning a route over %d stops", p->n);
        goto out;
    }
    int w = 0;
    for (int i = 0; i < p->n; i++)
        if (!mark[i]) {
            if (i == first)
                s.start = w;
            s.ids[w++] = i;
        }
    if (s.nr <= ROUTE_MATRIX_MAX) {
        s.mat = s_alloc(&s, (size_t)s.nr * (size_t)s.nr, sizeof *s.mat);
        if (s.oom) {
            rc = err_set(e, GW_ENOMEM, "out of memory for the distance matrix");
            goto out;
        }
        if (p->metric == ROUTE_TSPLIB_GEO)
            fill_geo_matrix(&s);
        else if (p->metric == ROUTE_GEODESIC && s.nr > ROUTE_VINCENTY_MAX)
            /* Vincenty for every pair would take most of the budget; the mid-latitude
             * formula is within centimetres at a city's scale. Lengths reported stay
             * Vincenty's. */
            for (int i = 0; i < s.nr; i++)
                for (int j = i + 1; j < s.nr; j++)
                    s.mat[(size_t)i * s.nr + j] = s.mat[(size_t)j * s.nr + i] =
                        (float)geo_fast_distance_m(p->x[s.ids[i]], p->y[s.ids[i]], p->x[s.ids[j]],
                                                   p->y[s.ids[j]]);
        else
            for (int i = 0; i < s.nr; i++)
                for (int j = i + 1; j < s.nr; j++)
                    s.mat[(size_t)i * s.nr + j] = s.mat[(size_t)j * s.nr + i] =
                        (float)route_dist(p, s.ids[i], s.ids[j]);
        r->used_matrix = 1;
    }
    planar_coords(&s);
    for (size_t q = 0; q < (size_t)s.m * (size_t)s.k; q++)
        s.nbr[q] = -1;
    if (s.nr > 1 && (rc = build_neighbours(&s, kreal))) {
        rc = err_set(e, rc, "out of memory building neighbour lists");
        goto out;
    }
    if (s.dummy >= 0) {
        /* Every stop may end the path: the dummy heads each list (0 away, -BIG from the
         * start). The dummy's own list: the start, then the start's neighbours. */
        for (int i = 0; i < s.nr; i++)
            s.nbr[(size_t)i * s.k] = s.dummy;
        int *row = s.nbr + (size_t)s.dummy * s.k;
        row[0] = s.start;
        for (int t = 1; t < s.k; t++)
            row[t] = s.nbr[(size_t)s.start * s.k + t];
    }

    if (s.m <= 4) {
        tiny_tour(&s);
    } else if (o->method == ROUTE_METHOD_BEST) {
        if ((rc = greedy_tour(&s))) {
            rc = err_set(e, rc, "out of memory constructing a route");
            goto out;
        }
    } else {
        nearest_neighbour_tour(&s);
    }
    for (int i = 0; i < s.m; i++)
        s.pos[s.tour[i]] = i;
    for (int i = 0; i < s.m; i++)
        s.cur += D(&s, s.tour[i], s.tour[(i + 1) % s.m]);

    s.use_lk = o->method == ROUTE_METHOD_BEST;
    s.k3 = ROUTE_K3;
    s.kick_seg = ROUTE_KICK_SEG_MAX;
    s.acc_frac = ROUTE_ACCEPT_FRAC;
    if (s.k3 > s.k)
        s.k3 = s.k;
    if (s.m > 4 && o->method != ROUTE_METHOD_NN) {
        for (int i = 0; i < s.m; i++)
            push(&s, s.tour[i]);
        local_search(&s);
    }
    if (s.m > 4 && o->method == ROUTE_METHOD_BEST) {
        double deadline = t0 + (o->time_ms > 0 ? o->time_ms : (o->max_iters > 0 ? 1e12 : 100));
        /* Acceptance: a kick is kept when the tour is not worse than the accepted one, or
         * within a small threshold of the best tour seen (which is kept apart), so the
         * search can drift across plateaus and out of deep local optima without wandering
         * far from the best. */
        double base = s.dummy >= 0 ? ROUTE_BIG : 0;
        double best = s.cur, acc = s.cur;
        double thr = s.acc_frac * (best + base);
        int *best_tour = NULL;
        if (thr > 0) {
            best_tour = s_alloc(&s, (size_t)s.m, sizeof *best_tour);
            if (best_tour)
                memcpy(best_tour, s.tour, (size_t)s.m * sizeof *best_tour);
        }
        int best_stale = 0;
        s.logging = 1;
        for (long it = 0; !s.oom; it++) {
            if (o->max_iters > 0 && it >= o->max_iters)
                break;
            if (now_ms() >= deadline)
                break;
            s.log_len = 0;
            if (!kick_local(&s))
                break;
            local_search(&s);
            r->kicks++;
            if (s.cur < best - s.eps * 0.5 || (s.cur <= best && !best_tour)) {
                best = s.cur;
                acc = s.cur;
                if (best_tour)
                    best_stale = 1;
            } else if (s.cur <= acc ||
                       (best_tour && s.cur <= best + thr * accept_scale(o, it, t0, deadline))) {
                acc = s.cur;
            } else {
                undo_log(&s);
                s.cur = acc;
            }
            if (best_tour && best_stale && s.cur == best) {
                memcpy(best_tour, s.tour, (size_t)s.m * sizeof *best_tour);
                best_stale = 0;
            }
        }
        if (best_tour) {
            if (s.cur > best) {
                memcpy(s.tour, best_tour, (size_t)s.m * sizeof *best_tour);
                for (int i = 0; i < s.m; i++)
                    s.pos[s.tour[i]] = i;
                s.cur = best;
            }
            free(best_tour);
        }
        s.logging = 0;
    }
    if (s.oom) {
        rc = err_set(e, GW_ENOMEM, "out of memory improving a route");
        goto out;
    }
    /* Read the cycle off from the start, away from the dummy. */
    int ps = s.pos[s.start];
    int dir = 1;
    if (s.dummy >= 0 && s.tour[(ps + 1) % s.m] == s.dummy)
        dir = -1;
    int outn = npre;
    for (int t = 0; t < s.m; t++) {
        int node = s.tour[((ps + dir * t) % s.m + s.m) % s.m];
        if (node == s.dummy)
            continue;
        r->order[outn++] = s.ids[node];
    }
    r->length = route_length(p, r->order, p->n, o->closed);
    r->scratch_bytes = s.bytes;
out:
    free(mark);
    solver_free(&s);
    if (rc)
        route_result_done(r);
    return rc;
}
