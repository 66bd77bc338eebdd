/* scr_search.c - the search screen: one box that matches across all seven fields as the
 * user types, or a form of the seven fields combined with AND; results ranked by the store,
 * with the matched text highlighted; Enter (or a second tap) opens the customer.
 *
 * The box's text goes through query_parse (so "meter:3301 张" works); the form builds the
 * qualified terms itself. The fourth column shows the address unless a term matched a field
 * that is not otherwise visible (capacity, line, voltage): then it shows that field, so the
 * user sees why a row is there.
 *
 * Mark (Insert, Ctrl-T or the bar) marks customers across searches; with marks, a check
 * column appears (a tap on it toggles) and Route plans a walk through the marked customers
 * instead of the day's tasks. */
#include "gridwalk/config.h"

#include "app/query.h"
#include "data/customers.h"
#include "data/search.h"
#include "ui/internal.h"
#include "ui/route.h"

#include <stdlib.h>
#include <string.h>

/* Results arrive a page at a time as the user scrolls, up to a cap: past that, typing more
 * narrows faster than scrolling. */
#define SEARCH_PAGE 100
#define SEARCH_CAP 1000

/* Column widths of the results, from the loaded hits (accounts and meter numbers are shown
 * whole when they fit; the name gets two fifths of the rest, the address the remainder). */
struct columns {
    int acc, name, meter, rest;
};

struct search_scr {
    struct screen base;
    bool form;
    struct ui_textbox box;
    struct ui_textbox fields[CF_COUNT];
    int focus; /* form: 0..CF_COUNT-1 */
    struct search_hit *hits;
    int nhits;
    bool more; /* the store may have more hits than loaded */
    struct ui_list list;
    int list_h;
    struct search_query q;
    char error[UI_MSG_MAX];
    int64_t *marked; /* customer ids, in the order they were marked */
    int n_marked;
};

static const char *const field_labels[CF_COUNT] = {
    N_("Account number"), N_("Name"),      N_("Meter number"),  N_("Contract capacity"),
    N_("Address"),        N_("Line name"), N_("Voltage level"),
};

static struct search_scr *me(struct screen *s)
{
    return (struct search_scr *)s;
}

static void run(struct search_scr *s, struct ui *ui)
{
    struct err e = {0};
    int rc = GW_OK;
    memset(&s->q, 0, sizeof s->q);
    s->error[0] = '\0';
    if (!s->form) {
        rc = query_parse(s->box.buf, &s->q, &e);
    } else {
        for (int f = 0; f < CF_COUNT && s->q.n < SEARCH_MAX_TERMS; f++) {
            const char *t = s->fields[f].buf;
            while (*t == ' ')
                t++;
            if (!*t)
                continue;
            s->q.terms[s->q.n].field = (enum customer_field)f;
            snprintf(s->q.terms[s->q.n].text, SEARCH_TERM_MAX, "%s", t);
            s->q.n++;
        }
    }
    s->nhits = 0;
    s->more = false;
    if (rc == GW_OK && s->q.n > 0) {
        rc = search_run(ui->db, &s->q, 0, SEARCH_PAGE, s->hits, &s->nhits, &e);
        s->more = rc == GW_OK && s->nhits == SEARCH_PAGE;
    }
    if (rc) {
        snprintf(s->error, sizeof s->error, "%s", e.msg);
        s->nhits = 0;
    }
    s->list.n = s->nhits;
    s->list.sel = 0;
    s->list.top = 0;
}

static struct columns columns_for(const struct search_scr *s, int w)
{
    struct columns c = {10, 0, 12, 0};
    for (int i = 0; i < s->nhits; i++) {
        int aw = ui_text_width(s->hits[i].customer.account);
        int mw = ui_text_width(s->hits[i].customer.meter);
        if (aw > c.acc)
            c.acc = aw;
        if (mw > c.meter)
            c.meter = mw;
    }
    /* Caps keep room for the name and the address on an 80-column screen. */
    if (c.acc > w / 6)
        c.acc = w / 6;
    if (c.meter > w * 2 / 7)
        c.meter = w * 2 / 7;
    c.acc++; /* a gap after the column */
    c.meter++;
    c.name = (w - c.acc - c.meter) * 2 / 5;
    c.rest = w - c.acc - c.meter - c.name;
    return c;
}

static int marked_at(const struct search_scr *s, int64_t id)
{
    for (int k = 0; k < s->n_marked; k++)
        if (s->marked[k] == id)
            return k;
    return -1;
}

/* The check column: two cells when anything is marked, none otherwise. */
static int mark_width(const struct search_scr *s)
{
    return s->n_marked > 0 ? 2 : 0;
}

static void toggle_mark(struct search_scr *s, struct ui *ui, int row)
{
    if (row < 0 || row >= s->nhits)
        return;
    const struct customer *c = &s->hits[row].customer;
    int k = marked_at(s, c->id);
    if (k >= 0) {
        memmove(s->marked + k, s->marked + k + 1,
                (size_t)(s->n_marked - k - 1) * sizeof *s->marked);
        s->n_marked--;
    } else if (s->n_marked >= UI_ROUTE_MAX) {
        ui_message(ui, true, _("A route takes at most %d customers."), UI_ROUTE_MAX);
    } else {
        s->marked[s->n_marked++] = c->id;
    }
}

static void draw_row(struct search_scr *s, struct ui *ui, int y, const struct columns *col, int i)
{
    const struct search_hit *h = &s->hits[i];
    const struct customer *c = &h->customer;
    const char *needles[SEARCH_MAX_TERMS];
    bool sel = i == s->list.sel;
    attr_t at = sel ? A_REVERSE : A_NORMAL, hl = A_BOLD | A_UNDERLINE;
    for (int k = 0; k < s->q.n; k++)
        needles[k] = s->q.terms[k].text;
    int x = mark_width(s);
    if (x) {
        ui_put(y, 0, x, marked_at(s, c->id) >= 0 ? "✓ " : "  ", at | A_BOLD);
        ui_hit_add(ui, y, 0, 1, x, ACT_MARK, i + 1); /* 0 is the selection */
    }
    ui_put_hl(y, x, col->acc - 1, c->account, at, needles, s->q.n, hl);
    x += col->acc;
    ui_put(y, x - 1, 1, " ", at);
    ui_put_hl(y, x, col->name - 1, c->name, at, needles, s->q.n, hl);
    x += col->name;
    ui_put(y, x - 1, 1, " ", at);
    ui_put_hl(y, x, col->meter - 1, c->meter, at, needles, s->q.n, hl);
    x += col->meter;
    ui_put(y, x - 1, 1, " ", at);
    /* Show the hidden field that matched, with its name, else the address. */
    static const enum customer_field hidden[] = {CF_LINE, CF_CAPACITY, CF_VOLTAGE};
    char extra[600];
    snprintf(extra, sizeof extra, "%s", c->address);
    if (!(h->matched_fields & (1u << CF_ADDRESS)))
        for (size_t k = 0; k < sizeof hidden / sizeof hidden[0]; k++)
            if (h->matched_fields & (1u << hidden[k])) {
                snprintf(extra, sizeof extra, "%s: %s", _(field_labels[hidden[k]]),
                         customer_field_text(c, hidden[k]));
                break;
            }
    ui_put_hl(y, x, col->rest, extra, at, needles, s->q.n, hl);
    ui_hit_add(ui, y, mark_width(s), 1, x + col->rest - mark_width(s), ACT_TAP_ROW, i);
}

static void search_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct search_scr *s = me(scr);
    int y = y0, lw = 20;
    if (!s->form) {
        const char *label = _("Search:");
        int l = ui_text_width(label) + 1;
        ui_put(y, 0, l, label, A_BOLD);
        ui_textbox_draw(&s->box, y, l, w - l, true);
        ui_hit_add(ui, y, 0, 1, w, ACT_TAP_FIELD, 0);
        y++;
    } else {
        for (int f = 0; f < CF_COUNT; f++, y++) {
            ui_put(y, 0, lw, _(field_labels[f]), s->focus == f ? A_BOLD : A_NORMAL);
            ui_textbox_draw(&s->fields[f], y, lw, w - lw, s->focus == f);
            ui_hit_add(ui, y, 0, 1, w, ACT_TAP_FIELD, f);
        }
    }
    char info[UI_MSG_MAX + 64];
    if (s->error[0])
        snprintf(info, sizeof info, "%s", s->error);
    else if (s->q.n == 0)
        snprintf(info, sizeof info, "%s",
                 s->form ? _("Fill in any fields; all must match. Ctrl-F: one box.")
                         : _("Account, name, meter, capacity, address, line or voltage. "
                             "Ctrl-F: form."));
    else if (s->more && s->nhits >= SEARCH_CAP)
        snprintf(info, sizeof info, _("First %d matches; type more to narrow."), s->nhits);
    else if (s->more)
        snprintf(info, sizeof info, _("%d matches so far; scroll for more."), s->nhits);
    else
        snprintf(info, sizeof info, ngettext("%d match", "%d matches", (unsigned long)s->nhits),
                 s->nhits);
    if (s->n_marked > 0 && !s->error[0]) {
        size_t l = strlen(info);
        snprintf(info + l, sizeof info - l,
                 ngettext("  %d marked: Route walks through it.",
                          "  %d marked: Route walks through them.", (unsigned long)s->n_marked),
                 s->n_marked);
    }
    ui_put(y++, 0, w, info, s->error[0] ? A_BOLD | A_REVERSE : A_NORMAL);
    int mw = mark_width(s);
    struct columns col = columns_for(s, w - mw);
    attr_t hd = A_BOLD | A_UNDERLINE;
    if (mw)
        ui_put(y, 0, mw, "✓", hd);
    ui_put(y, mw, col.acc, _("Account"), hd);
    ui_put(y, mw + col.acc, col.name, _("Name"), hd);
    ui_put(y, mw + col.acc + col.name, col.meter, _("Meter"), hd);
    ui_put(y, mw + col.acc + col.name + col.meter, col.rest, _("Address"), hd);
    y++;
    s->list_h = y0 + h - y;
    ui_list_scroll(&s->list, s->list_h);
    for (int i = s->list.top; i < s->nhits && y < y0 + h; i++, y++)
        draw_row(s, ui, y, &col, i);
}

/* Loads the next page when the selection nears the end of what is loaded. */
static void load_more(struct search_scr *s, struct ui *ui)
{
    struct err e = {0};
    int got = 0, want = SEARCH_CAP - s->nhits < SEARCH_PAGE ? SEARCH_CAP - s->nhits : SEARCH_PAGE;
    if (!s->more || s->list.sel < s->nhits - 5 || want <= 0)
        return;
    if (search_run(ui->db, &s->q, s->nhits, want, s->hits + s->nhits, &got, &e)) {
        snprintf(s->error, sizeof s->error, "%s", e.msg);
        s->more = false;
        return;
    }
    s->nhits += got;
    s->more = got == want;
    s->list.n = s->nhits;
}

static int open_selected(struct search_scr *s, struct ui *ui)
{
    if (s->nhits == 0)
        return UI_HANDLED;
    ui_push(ui, scr_customer_new(ui, s->hits[s->list.sel].customer.id));
    return UI_HANDLED | UI_REDRAW;
}

static int search_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct search_scr *s = me(scr);
    switch (a) {
    case ACT_OPEN:
        return open_selected(s, ui);
    case ACT_TAP_ROW:
        if (arg == s->list.sel)
            return open_selected(s, ui);
        s->list.sel = arg;
        return UI_HANDLED | UI_REDRAW;
    case ACT_FORM:
        s->form = !s->form;
        s->focus = 0;
        run(s, ui);
        return UI_HANDLED | UI_REDRAW;
    case ACT_NEXT:
    case ACT_PREV:
        if (s->form)
            s->focus = (s->focus + (a == ACT_NEXT ? 1 : CF_COUNT - 1)) % CF_COUNT;
        return UI_HANDLED | UI_REDRAW;
    case ACT_TAP_FIELD:
        if (s->form && arg >= 0 && arg < CF_COUNT)
            s->focus = arg;
        return UI_HANDLED | UI_REDRAW;
    case ACT_SEARCH:
        return UI_HANDLED;
    case ACT_MARK:
        toggle_mark(s, ui, arg > 0 ? arg - 1 : s->list.sel);
        return UI_HANDLED | UI_REDRAW;
    case ACT_ROUTE:
        if (s->n_marked == 0)
            return UI_UNHANDLED; /* the day's tasks */
        ui_route_open_customers(ui, s->marked, s->n_marked);
        return UI_HANDLED | UI_REDRAW;
    default: {
        int r = ui_list_move(&s->list, a, s->list_h - 1);
        load_more(s, ui);
        return r;
    }
    }
}

static int search_key(struct screen *scr, struct ui *ui, int key)
{
    struct search_scr *s = me(scr);
    struct ui_textbox *t = s->form ? &s->fields[s->focus] : &s->box;
    bool changed;
    /* Typed characters are text here, never shortcuts; only the function keys, Enter,
     * Tab, the arrows and the control keys act. */
    int r = ui_textbox_key(t, key, &changed);
    if (changed)
        run(s, ui);
    if (r & UI_HANDLED)
        return r;
    if (key == UI_KEY(KEY_BACKSPACE) || key == 127 || key == 8 || key == UI_KEY(KEY_LEFT) ||
        key == 27)
        return UI_HANDLED; /* the search is the root: nothing to go back to */
    return UI_UNHANDLED;
}

static void search_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)scr;
    (void)ui;
    snprintf(buf, n, "%s", _("Search"));
}

static void search_dump(struct screen *scr, FILE *out)
{
    struct search_scr *s = me(scr);
    fprintf(out, "search.mode=%s\n", s->form ? "form" : "box");
    if (!s->form)
        fprintf(out, "search.box=%s\n", s->box.buf);
    else
        for (int f = 0; f < CF_COUNT; f++)
            if (s->fields[f].len)
                fprintf(out, "search.%s=%s\n", customer_field_key((enum customer_field)f),
                        s->fields[f].buf);
    fprintf(out, "search.terms=%d\nsearch.hits=%d\nsearch.more=%d\nsearch.sel=%d\n", s->q.n,
            s->nhits, s->more, s->list.sel);
    fprintf(out, "search.marked=%d\n", s->n_marked);
    for (int i = 0; i < s->nhits && i < 20; i++)
        fprintf(out, "search.hit.%d=%s %s\n", i, s->hits[i].customer.account,
                s->hits[i].customer.name);
}

static void search_free(struct screen *scr)
{
    free(me(scr)->hits);
    free(me(scr)->marked);
    free(scr);
}

static const struct screen_ops search_ops = {
    .name = "search",
    .draw = search_draw,
    .on_action = search_action,
    .on_key = search_key,
    .crumb = search_crumb,
    .dump = search_dump,
    .free = search_free,
    .bar = {ACT_FORM, ACT_ROUTE, ACT_MARK},
};

struct screen *scr_search_new(struct ui *ui)
{
    (void)ui;
    struct search_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->hits = calloc(SEARCH_CAP, sizeof *s->hits);
    s->marked = calloc(UI_ROUTE_MAX, sizeof *s->marked);
    if (!s->hits || !s->marked)
        abort();
    s->base.ops = &search_ops;
    return &s->base;
}
