/* canvas.c - the text map: braille dots, markers, non-colliding labels, scale and north.
 *
 * Glyphs are chosen for width safety: braille (U+2800..) and ASCII only, because box drawing,
 * arrows and the degree sign are "ambiguous width" in Unicode and take two columns in many
 * CJK terminal setups, which would shift every cell after them. Label widths come from the
 * East Asian Width tables (wide = 2 columns) rather than the process locale, so a dump is
 * the same in any locale. */
#include "gridwalk/config.h"

#include "app/geo/canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAP_LABEL_MAX 24

static const double zoom_levels[] = {0.25, 0.5,  1,    1.5,  2,    3,    5,     7,    10,  15,
                                     20,   30,   50,   70,   100,  150,  200,   300,  500, 700,
                                     1000, 1500, 2000, 3000, 5000, 7000, 10000, 20000};
#define N_ZOOM (int)(sizeof zoom_levels / sizeof zoom_levels[0])

/* ---- UTF-8 and widths ---- */

/* Decodes one code point from s; *len gets its byte length (1 for a bad byte, which
 * decodes as U+FFFD). */
static unsigned utf8_next(const char *s, int *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    int n = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (n == 0) {
        *len = 1;
        return 0xFFFD;
    }
    unsigned cp = u[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    *len = n;
    return cp;
}

static int cp_width(unsigned cp)
{
    static const unsigned wide[][2] = {
        {0x1100, 0x115F},   {0x2329, 0x232A},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
        {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
        {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
        {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF},
        {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
    };
    static const unsigned zero[][2] = {
        {0x0300, 0x036F}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    };
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (cp >= zero[i][0] && cp <= zero[i][1])
            return 0;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

int canvas_text_width(const char *text)
{
    int w = 0, len;
    for (const char *p = text; *p; p += len)
        w += cp_width(utf8_next(p, &len));
    return w;
}

/* ---- the grid ---- */

struct canvas *canvas_new(int cols, int rows)
{
    if (cols < 20 || rows < 6 || cols > 2000 || rows > 1000)
        return NULL;
    struct canvas *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    size_t n = (size_t)cols * (size_t)rows;
    c->cols = cols;
    c->rows = rows;
    c->cells = calloc(n, sizeof *c->cells);
    c->dots = calloc(n, 1);
    c->dot_role = calloc(n, 1);
    c->taken = calloc(n, 1);
    if (!c->cells || !c->dots || !c->dot_role || !c->taken) {
        canvas_free(c);
        return NULL;
    }
    canvas_reset(c, 0, 0, 1);
    return c;
}

void canvas_free(struct canvas *c)
{
    if (!c)
        return;
    free(c->cells);
    free(c->dots);
    free(c->dot_role);
    free(c->taken);
    free(c);
}

void canvas_reset(struct canvas *c, double center_lat, double center_lon, double m_per_dot)
{
    size_t n = (size_t)c->cols * (size_t)c->rows;
    for (size_t i = 0; i < n; i++) {
        c->cells[i].text[0] = ' ';
        c->cells[i].text[1] = '\0';
        c->cells[i].role = CR_EMPTY;
    }
    memset(c->dots, 0, n);
    memset(c->dot_role, 0, n);
    memset(c->taken, 0, n);
    geo_proj_init(&c->proj, center_lat, center_lon);
    c->m_per_dot = m_per_dot > 0 ? m_per_dot : 1;
}

void canvas_to_dots(const struct canvas *c, double lat, double lon, double *dx, double *dy)
{
    double x, y;
    geo_project(&c->proj, lat, lon, &x, &y);
    *dx = c->cols + x / c->m_per_dot; /* the centre is at dot (2*cols/2, 4*rows/2) */
    *dy = 2.0 * c->rows - y / c->m_per_dot;
}

void canvas_cell_latlon(const struct canvas *c, int row, int col, double *lat, double *lon)
{
    double dx = 2.0 * col + 1, dy = 4.0 * row + 2;
    double x = (dx - c->cols) * c->m_per_dot, y = (2.0 * c->rows - dy) * c->m_per_dot;
    geo_unproject(&c->proj, x, y, lat, lon);
}

static void set_dot(struct canvas *c, int ix, int iy, enum canvas_role role)
{
    static const uint8_t bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
    if (ix < 0 || iy < 0 || ix >= 2 * c->cols || iy >= 4 * c->rows)
        return;
    size_t i = (size_t)(iy / 4) * (size_t)c->cols + (size_t)(ix / 2);
    c->dots[i] |= bit[ix % 2][iy % 4];
    c->dot_role[i] = (uint8_t)role;
    if (c->taken[i])
        return;
    unsigned cp = 0x2800u + c->dots[i];
    c->cells[i].text[0] = (char)(0xE0 | (cp >> 12));
    c->cells[i].text[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    c->cells[i].text[2] = (char)(0x80 | (cp & 0x3F));
    c->cells[i].text[3] = '\0';
    c->cells[i].role = (uint8_t)role;
}

/* Liang-Barsky: clips the segment to [lo, hi] on both axes; 0 when nothing is left. */
static int clip(double *x0, double *y0, double *x1, double *y1, double w, double h)
{
    double t0 = 0, t1 = 1, dx = *x1 - *x0, dy = *y1 - *y0;
    double p[4] = {-dx, dx, -dy, dy}, q[4] = {*x0, w - *x0, *y0, h - *y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    double ox = *x0, oy = *y0;
    *x0 = ox + t0 * dx;
    *y0 = oy + t0 * dy;
    *x1 = ox + t1 * dx;
    *y1 = oy + t1 * dy;
    return 1;
}

void canvas_line(struct canvas *c, double lat1, double lon1, double lat2, double lon2,
                 enum canvas_role role)
{
    if (!geo_valid(lat1, lon1) || !geo_valid(lat2, lon2))
        return;
    double x0, y0, x1, y1;
    canvas_to_dots(c, lat1, lon1, &x0, &y0);
    canvas_to_dots(c, lat2, lon2, &x1, &y1);
    if (!clip(&x0, &y0, &x1, &y1, 2.0 * c->cols - 1e-6, 4.0 * c->rows - 1e-6))
        return;
    double dx = x1 - x0, dy = y1 - y0;
    int steps = (int)ceil(fmax(fabs(dx), fabs(dy)));
    if (steps < 1)
        steps = 1;
    for (int s = 0; s <= steps; s++)
        set_dot(c, (int)floor(x0 + dx * s / steps), (int)floor(y0 + dy * s / steps), role);
}

void canvas_circle(struct canvas *c, double lat, double lon, double radius_m, enum canvas_role role)
{
    if (!geo_valid(lat, lon) || !(radius_m > 0))
        return;
    double r = radius_m / c->m_per_dot, cx, cy;
    if (r < 2 || r > 8.0 * (c->cols + c->rows))
        return;
    canvas_to_dots(c, lat, lon, &cx, &cy);
    int steps = (int)ceil(2 * M_PI * r);
    for (int s = 0; s < steps; s++) {
        double a = 2 * M_PI * s / steps;
        set_dot(c, (int)floor(cx + r * cos(a)), (int)floor(cy + r * sin(a)), role);
    }
}

/* Writes text from (row, col) on, at most max_cols columns; returns the columns used. */
static int put_text(struct canvas *c, int row, int col, const char *text, int max_cols,
                    enum canvas_role role)
{
    int used = 0, len;
    if (row < 0 || row >= c->rows)
        return 0;
    for (const char *p = text; *p; p += len) {
        unsigned cp = utf8_next(p, &len);
        int w = cp_width(cp);
        if (w == 0)
            continue;
        if (used + w > max_cols || col + used + w > c->cols)
            break;
        if (col + used < 0) {
            used += w;
            continue;
        }
        struct canvas_cell *cell = &c->cells[(size_t)row * c->cols + col + used];
        if (cp == 0xFFFD) {
            cell->text[0] = '?';
            cell->text[1] = '\0';
        } else {
            memcpy(cell->text, p, (size_t)len);
            cell->text[len] = '\0';
        }
        cell->role = (uint8_t)role;
        c->taken[(size_t)row * c->cols + col + used] = 1;
        if (w == 2) {
            struct canvas_cell *next = cell + 1;
            next->text[0] = '\0';
            next->role = (uint8_t)role;
            c->taken[(size_t)row * c->cols + col + used + 1] = 1;
        }
        used += w;
    }
    return used;
}

void canvas_text(struct canvas *c, int row, int col, const char *text, enum canvas_role role)
{
    put_text(c, row, col, text, c->cols, role);
}

int canvas_marker(struct canvas *c, double lat, double lon, const char *glyph,
                  enum canvas_role role, int *row, int *col)
{
    if (!geo_valid(lat, lon))
        return -1;
    double dx, dy;
    canvas_to_dots(c, lat, lon, &dx, &dy);
    if (dx < 0 || dy < 0 || dx >= 2.0 * c->cols || dy >= 4.0 * c->rows)
        return -1;
    int r = (int)(dy / 4), cl = (int)(dx / 2);
    int w = canvas_text_width(glyph);
    if (cl + w > c->cols)
        cl = c->cols - w;
    /* An overlay (info line, scale, north) hides what is under it. */
    for (int i = 0; i < w; i++) {
        uint8_t rl = c->cells[(size_t)r * c->cols + cl + i].role;
        if (c->taken[(size_t)r * c->cols + cl + i] &&
            (rl == CR_INFO || rl == CR_SCALE || rl == CR_NORTH))
            return -1;
    }
    put_text(c, r, cl, glyph, w, role);
    if (row)
        *row = r;
    if (col)
        *col = cl;
    return 0;
}

static int free_span(const struct canvas *c, int row, int col, int w)
{
    if (row < 0 || row >= c->rows || col < 0 || col + w > c->cols)
        return 0;
    for (int i = col - 1; i <= col + w; i++) {
        if (i < 0 || i >= c->cols)
            continue;
        size_t k = (size_t)row * c->cols + i;
        int inside = i >= col && i < col + w;
        if (!c->taken[k])
            continue;
        /* Inside: nothing may be there. On the padding column: no other label, so two
         * labels never run together. */
        if (inside || c->cells[k].role == CR_LABEL || c->cells[k].role == CR_LABEL_SELECTED)
            return 0;
    }
    return 1;
}

int canvas_label(struct canvas *c, int row, int col, const char *text, int max_cols,
                 enum canvas_role role)
{
    if (!text || !*text || max_cols < 2)
        return 0;
    char buf[256];
    int w = canvas_text_width(text);
    const char *show = text;
    if (w > max_cols) {
        /* Cut at a glyph boundary to max_cols - 1 columns and mark the cut with "~". */
        int used = 0, len;
        size_t off = 0;
        for (const char *p = text; *p; p += len) {
            int cw = cp_width(utf8_next(p, &len));
            if (used + cw > max_cols - 1 || off + (size_t)len + 2 > sizeof buf)
                break;
            memcpy(buf + off, p, (size_t)len);
            off += (size_t)len;
            used += cw;
        }
        buf[off++] = '~';
        buf[off] = '\0';
        show = buf;
        w = used + 1;
    }
    /* The marker's width (route numbers take up to three cells). */
    int mw = 1;
    size_t base = (size_t)row * c->cols;
    while (row >= 0 && row < c->rows && col + mw < c->cols && c->taken[base + col + mw] &&
           c->cells[base + col + mw].role == c->cells[base + col].role)
        mw++;
    /* Beside the marker (with a blank between, so route dots never touch the text), else
     * above or below it. */
    const int cand[][3] = {{0, mw, 1},      {0, -w - 1, -1}, {-1, 1, 0},  {1, 1, 0},
                           {-1, -w / 2, 0}, {1, -w / 2, 0},  {-1, -w, 0}, {1, -w, 0}};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        int r = row + cand[i][0], cl = col + cand[i][1], pad = cand[i][2];
        int span_w = w + (pad != 0);
        if (!free_span(c, r, cl, span_w))
            continue;
        if (pad == 1) {
            put_text(c, r, cl, " ", 1, role);
            put_text(c, r, cl + 1, show, w, role);
        } else if (pad == -1) {
            put_text(c, r, cl, show, w, role);
            put_text(c, r, cl + w, " ", 1, role);
        } else {
            put_text(c, r, cl, show, w, role);
        }
        return 1;
    }
    return 0;
}

void canvas_scale_bar(struct canvas *c)
{
    /* The longest 1-2-5 distance whose bar fits in a fifth of the width. */
    double cell_m = 2 * c->m_per_dot, best = 0;
    int maxcols = c->cols / 5 > 4 ? c->cols / 5 : 4;
    for (double p = 0.1; p < 1e8; p *= 10) {
        const double mult[] = {1, 2, 5};
        for (int i = 0; i < 3; i++) {
            double L = p * mult[i];
            if (L / cell_m >= 3 && L / cell_m <= maxcols)
                best = L;
        }
    }
    if (best == 0)
        return;
    int n = (int)lround(best / cell_m);
    char bar[128], label[32];
    int k = 0;
    bar[k++] = '|';
    for (int i = 0; i < n - 2 && k < 100; i++)
        bar[k++] = '_';
    bar[k++] = '|';
    bar[k] = '\0';
    geo_format_distance(best, label, sizeof label);
    int row = c->rows - 2;
    put_text(c, row, 1, bar, c->cols, CR_SCALE);
    put_text(c, row, 1 + k + 1, label, c->cols, CR_SCALE);
}

void canvas_north(struct canvas *c)
{
    put_text(c, 1, c->cols - 2, "N", 1, CR_NORTH);
    put_text(c, 2, c->cols - 2, "^", 1, CR_NORTH);
}

/* ---- scenes ---- */

static int label_rank(const struct map_scene *s, int i)
{
    unsigned f = s->pts[i].flags;
    if (i == s->selected || (f & MAP_SELECTED))
        return 0;
    if (f & MAP_NEXT)
        return 1;
    if (s->pts[i].route_no > 0 && !(f & MAP_DONE))
        return 2;
    return 3;
}

const struct map_words canvas_english = {
    "no coordinates; pin it on site",
    "distance unknown, no fix",
    "here",
    "bearing",
    "(old fix)",
    "no position: no fix and no coordinates",
};

static void info_line(struct canvas *c, const struct map_scene *s)
{
    if (s->selected < 0 || s->selected >= s->n)
        return;
    const struct map_words *w = s->words ? s->words : &canvas_english;
    const struct map_point *p = &s->pts[s->selected];
    const char *name = p->label ? p->label : "";
    char buf[512];
    if (!geo_valid(p->lat, p->lon)) {
        snprintf(buf, sizeof buf, " %s: %s ", name, w->no_coords);
    } else if (!s->have_self) {
        snprintf(buf, sizeof buf, " %s: %s ", name, w->no_fix);
    } else {
        double az, d = geo_inverse(s->self_lat, s->self_lon, p->lat, p->lon, &az);
        char dist[32];
        geo_format_distance(d, dist, sizeof dist);
        if (isnan(az))
            snprintf(buf, sizeof buf, " %s: %s ", name, w->here);
        else
            snprintf(buf, sizeof buf, " %s: %s, %s %.0f %s%s%s ", name, dist, w->bearing, az,
                     geo_compass8(az), s->self_stale ? " " : "", s->self_stale ? w->old_fix : "");
    }
    put_text(c, 0, 0, buf, c->cols - 3, CR_INFO);
}

void canvas_render(struct canvas *c, const struct map_scene *s)
{
    /* Overlays first: everything else avoids them. */
    info_line(c, s);
    if (s->status && *s->status)
        put_text(c, c->rows - 1, 0, s->status, c->cols, CR_INFO);
    canvas_north(c);
    canvas_scale_bar(c);

    if (s->have_self && !isnan(s->self_acc_m))
        canvas_circle(c, s->self_lat, s->self_lon, s->self_acc_m, CR_ACCURACY);
    double plat = NAN, plon = NAN;
    if (s->have_self) {
        plat = s->self_lat;
        plon = s->self_lon;
    }
    for (int i = 0; i < s->n_route; i++) {
        int q = s->route[i];
        if (q < 0 || q >= s->n || !geo_valid(s->pts[q].lat, s->pts[q].lon))
            continue;
        if (!isnan(plat))
            canvas_line(c, plat, plon, s->pts[q].lat, s->pts[q].lon, CR_ROUTE);
        plat = s->pts[q].lat;
        plon = s->pts[q].lon;
    }

    /* Markers, least important first so the important ones win a shared cell. */
    int *rowv = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *rowv);
    int *colv = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *colv);
    int *ord = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *ord);
    if (!rowv || !colv || !ord)
        goto out;
    for (int rank = 3; rank >= 0; rank--)
        for (int i = 0; i < s->n; i++) {
            rowv[i] = rank == 3 ? -1 : rowv[i];
            if (label_rank(s, i) != rank)
                continue;
            const struct map_point *p = &s->pts[i];
            char glyph[16];
            enum canvas_role role = CR_CUSTOMER;
            if (p->route_no > 0 && p->route_no < 1000)
                snprintf(glyph, sizeof glyph, "%d", p->route_no);
            else
                snprintf(glyph, sizeof glyph, "o");
            if (p->flags & MAP_DONE)
                role = CR_STOP_DONE;
            if (rank == 0) {
                role = CR_SELECTED;
                if (p->route_no <= 0)
                    snprintf(glyph, sizeof glyph, "O");
            }
            if (canvas_marker(c, p->lat, p->lon, glyph, role, &rowv[i], &colv[i]))
                rowv[i] = -1;
        }
    if (s->have_self)
        canvas_marker(c, s->self_lat, s->self_lon, s->self_stale ? "?" : "@", CR_SELF, NULL, NULL);

    /* Labels: selected, next, the route in order, then the rest nearest the centre first. */
    int k = 0;
    for (int rank = 0; rank <= 3; rank++)
        for (int i = 0; i < s->n; i++)
            if (rowv[i] >= 0 && label_rank(s, i) == rank)
                ord[k++] = i;
    int maxw = c->cols / 5 < MAP_LABEL_MAX ? c->cols / 5 : MAP_LABEL_MAX;
    for (int t = 0; t < k; t++) {
        int i = ord[t];
        if (!s->pts[i].label)
            continue;
        canvas_label(c, rowv[i], colv[i], s->pts[i].label, label_rank(s, i) == 0 ? 2 * maxw : maxw,
                     label_rank(s, i) == 0 ? CR_LABEL_SELECTED : CR_LABEL);
    }
out:
    free(rowv);
    free(colv);
    free(ord);
}

void map_fit(const struct map_scene *s, int cols, int rows, double *lat, double *lon,
             double *m_per_dot)
{
    double la0 = INFINITY, la1 = -INFINITY, lo0 = INFINITY, lo1 = -INFINITY;
    int n = 0;
    if (s->have_self && geo_valid(s->self_lat, s->self_lon)) {
        la0 = la1 = s->self_lat;
        lo0 = lo1 = s->self_lon;
        n++;
    }
    for (int i = 0; i < s->n; i++) {
        if (!geo_valid(s->pts[i].lat, s->pts[i].lon))
            continue;
        la0 = fmin(la0, s->pts[i].lat);
        la1 = fmax(la1, s->pts[i].lat);
        lo0 = fmin(lo0, s->pts[i].lon);
        lo1 = fmax(lo1, s->pts[i].lon);
        n++;
    }
    if (n == 0) {
        *lat = NAN;
        *lon = NAN;
        *m_per_dot = 5;
        return;
    }
    *lat = (la0 + la1) / 2;
    *lon = (lo0 + lo1) / 2;
    struct geo_proj p;
    geo_proj_init(&p, *lat, *lon);
    double w = (lo1 - lo0) * p.m_per_deg_lon, h = (la1 - la0) * p.m_per_deg_lat;
    /* Leave room for labels at the sides and the overlay rows at top and bottom. */
    double need = fmax(w / (2.0 * cols * 0.7), h / (4.0 * (rows - 4) * 0.85));
    double level = zoom_levels[N_ZOOM - 1];
    for (int i = N_ZOOM - 1; i >= 0; i--)
        if (zoom_levels[i] >= need && zoom_levels[i] >= 0.5)
            level = zoom_levels[i];
    *m_per_dot = level;
}

double map_zoom_step(double m_per_dot, int dir)
{
    int cur = 0;
    for (int i = 0; i < N_ZOOM; i++)
        if (fabs(zoom_levels[i] - m_per_dot) < fabs(zoom_levels[cur] - m_per_dot))
            cur = i;
    cur += dir < 0 ? -1 : dir > 0 ? 1 : 0;
    if (cur < 0)
        cur = 0;
    if (cur >= N_ZOOM)
        cur = N_ZOOM - 1;
    return zoom_levels[cur];
}

void map_pan(double *lat, double *lon, double m_per_dot, int dx_cells, int dy_cells)
{
    struct geo_proj p;
    geo_proj_init(&p, *lat, *lon);
    geo_unproject(&p, dx_cells * 2.0 * m_per_dot, -dy_cells * 4.0 * m_per_dot, lat, lon);
}

int canvas_hit(const struct canvas *c, const struct map_scene *s, int row, int col)
{
    int best = -1;
    double bd = INFINITY;
    for (int i = 0; i < s->n; i++) {
        if (!geo_valid(s->pts[i].lat, s->pts[i].lon))
            continue;
        double dx, dy;
        canvas_to_dots(c, s->pts[i].lat, s->pts[i].lon, &dx, &dy);
        double cr = dy / 4 - (row + 0.5), cc = dx / 2 - (col + 0.5);
        if (fabs(cr) > 1.5 || fabs(cc) > 1.5)
            continue;
        double d = cr * cr * 4 + cc * cc;
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

int canvas_dump(const struct canvas *c, FILE *f, int with_roles)
{
    static const char letters[] = ".racdS@lLsni";
    char *line = malloc((size_t)c->cols * 8 + 2);
    if (!line)
        return -1;
    for (int r = 0; r < c->rows; r++) {
        size_t k = 0, keep = 0;
        for (int col = 0; col < c->cols; col++) {
            const char *t = c->cells[(size_t)r * c->cols + col].text;
            size_t l = strlen(t);
            memcpy(line + k, t, l);
            k += l;
            if (!(l == 1 && t[0] == ' '))
                keep = k;
        }
        line[keep] = '\0';
        fprintf(f, "%s\n", line);
    }
    if (with_roles) {
        fprintf(f, "--\n");
        for (int r = 0; r < c->rows; r++) {
            int keep = 0;
            for (int col = 0; col < c->cols; col++) {
                int role = c->cells[(size_t)r * c->cols + col].role;
                line[col] = role < (int)sizeof letters - 1 ? letters[role] : '?';
                if (line[col] != '.')
                    keep = col + 1;
            }
            line[keep] = '\0';
            fprintf(f, "%s\n", line);
        }
    }
    free(line);
    return ferror(f) ? -1 : 0;
}
