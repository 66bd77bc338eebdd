/* scr_customer.c - the root of a customer's directory tree: the customer's basic
 * information (the query page: all seven fields and the coordinates, or "no coordinates"),
 * the three business categories with what they hold, and the "Locate" and "Read meter"
 * buttons that the map and probe parts fill through ui_hooks. */
#include "gridwalk/config.h"

#include "data/customers.h"
#include "ui/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct customer_scr {
    struct screen base;
    int64_t id;
    struct customer c;
    bool loaded;
    int counts[TREE_CATEGORIES][3]; /* folders, entries, photos */
    struct ui_list list;            /* the three categories */
    char error[UI_MSG_MAX];
};

static struct customer_scr *me(struct screen *s)
{
    return (struct customer_scr *)s;
}

static void customer_reload(struct screen *scr, struct ui *ui)
{
    struct customer_scr *s = me(scr);
    struct err e = {0};
    s->error[0] = '\0';
    s->loaded = customers_get(ui->db, s->id, &s->c, &e) == GW_OK;
    if (!s->loaded)
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    for (int cat = 1; cat <= TREE_CATEGORIES; cat++)
        if (tree_category_counts(ui->db, s->id, cat, &s->counts[cat - 1][0], &s->counts[cat - 1][1],
                                 &s->counts[cat - 1][2], &e))
            snprintf(s->error, sizeof s->error, "%s", e.msg);
}

static void customer_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct customer_scr *s = me(scr);
    static const char *const labels[CF_COUNT] = {
        N_("Account number"), N_("Name"),      N_("Meter number"),  N_("Contract capacity"),
        N_("Address"),        N_("Line name"), N_("Voltage level"),
    };
    int y = y0, lw = 20;
    if (!s->loaded) {
        ui_put(y, 0, w, s->error, A_BOLD);
        return;
    }
    for (int f = 0; f < CF_COUNT; f++, y++) {
        ui_put(y, 0, lw, _(labels[f]), A_NORMAL);
        ui_put(y, lw, w - lw, customer_field_text(&s->c, (enum customer_field)f),
               f <= CF_NAME ? A_BOLD : A_NORMAL);
    }
    char coords[160];
    if (isnan(s->c.lat) || isnan(s->c.lon))
        snprintf(coords, sizeof coords, "%s", _("no coordinates"));
    else if (isnan(s->c.coord_accuracy_m))
        snprintf(coords, sizeof coords, "%.6f, %.6f", s->c.lat, s->c.lon);
    else
        snprintf(coords, sizeof coords, "%.6f, %.6f (±%.0f m)", s->c.lat, s->c.lon,
                 s->c.coord_accuracy_m);
    ui_put(y, 0, lw, _("Coordinates"), A_NORMAL);
    ui_put(y++, lw, w - lw, coords, A_NORMAL);
    y++;
    ui_put(y++, 0, w, _("Business categories"), A_BOLD | A_UNDERLINE);
    for (int cat = 1; cat <= TREE_CATEGORIES && y < y0 + h; cat++, y++) {
        char row[256], counts[160];
        attr_t at = s->list.sel == cat - 1 ? A_REVERSE : A_NORMAL;
        snprintf(row, sizeof row, "%d  %s", cat, config_category_name(ui->cfg, cat));
        char f[48], en[48], ph[48];
        int *k = s->counts[cat - 1];
        snprintf(f, sizeof f, ngettext("%d folder", "%d folders", (unsigned long)k[0]), k[0]);
        snprintf(en, sizeof en, ngettext("%d entry", "%d entries", (unsigned long)k[1]), k[1]);
        snprintf(ph, sizeof ph, ngettext("%d photo", "%d photos", (unsigned long)k[2]), k[2]);
        /* TRANSLATORS: folders, entries, photos of a category, e.g. "2 folders, 5 entries,
         * 12 photos". */
        snprintf(counts, sizeof counts, _("%s, %s, %s"), f, en, ph);
        int cw = ui_text_width(counts) + 2;
        if (cw > w / 2)
            cw = w / 2;
        ui_put(y, 0, w - cw, row, at);
        ui_put(y, w - cw, cw, counts, at);
        ui_hit_add(ui, y, 0, 1, w, ACT_TAP_ROW, cat - 1);
    }
    y++;
    if (y + 3 <= y0 + h) {
        int x = 0;
        x += ui_button(ui, y, x, _("Open category"), false, ACT_OPEN, 0) + 2;
        x += ui_button(ui, y, x, _("Locate"), false, ACT_LOCATE, 0) + 2;
        ui_button(ui, y, x, _("Read meter"), false, ACT_READ, 0);
    }
}

static int customer_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct customer_scr *s = me(scr);
    struct ui_hook_target t = {ui, ui->db, s->id, s->c.account, 0, NULL};
    switch (a) {
    case ACT_TAP_ROW:
        if (arg != s->list.sel) {
            s->list.sel = arg;
            return UI_HANDLED | UI_REDRAW;
        }
        /* fall through - a second tap opens */
    case ACT_OPEN:
        if (!s->loaded)
            return UI_HANDLED;
        ui_push(ui, scr_category_new(ui, s->id, s->c.account, s->list.sel + 1));
        return UI_HANDLED | UI_REDRAW;
    case ACT_LOCATE:
        return ui_call_hook(ui, ui_hooks.locate, _("map"), &t);
    case ACT_READ:
        return ui_call_hook(ui, ui_hooks.read_meter, _("meter probe"), &t);
    default:
        return ui_list_move(&s->list, a, 3);
    }
}

static void customer_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    struct customer_scr *s = me(scr);
    (void)ui;
    snprintf(buf, n, "%s %s", s->c.account, s->c.name);
}

static void customer_dump(struct screen *scr, FILE *out)
{
    struct customer_scr *s = me(scr);
    fprintf(out, "customer.account=%s\ncustomer.name=%s\ncustomer.sel=%d\n", s->c.account,
            s->c.name, s->list.sel);
    for (int i = 0; i < TREE_CATEGORIES; i++)
        fprintf(out, "customer.category.%d=%d folders %d entries %d photos\n", i + 1,
                s->counts[i][0], s->counts[i][1], s->counts[i][2]);
}

static void customer_free(struct screen *scr)
{
    free(scr);
}

static const struct screen_ops customer_ops = {
    .name = "customer",
    .draw = customer_draw,
    .on_action = customer_action,
    .crumb = customer_crumb,
    .reload = customer_reload,
    .dump = customer_dump,
    .free = customer_free,
    .bar = {ACT_NONE, ACT_NONE, ACT_LOCATE, ACT_READ},
};

struct screen *scr_customer_new(struct ui *ui, int64_t customer_id)
{
    struct customer_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &customer_ops;
    s->id = customer_id;
    s->list.n = TREE_CATEGORIES;
    customer_reload(&s->base, ui);
    return &s->base;
}
