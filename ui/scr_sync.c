/* scr_sync.c - the sync screen: what is waiting to leave the tablet, what the sync agent is
 * doing, and every item that failed with the reason, so nothing fails silently.
 *
 * Everything comes from the store (data/outbox.h): gridwalk-syncd writes its status, the item
 * in flight and its per-item errors there, and the app's one-second timer reloads this screen,
 * so progress shows while it happens. "Send now" wakes the agent through its FIFO and says
 * plainly when no agent is running; "Retry" makes held items due again (a conflict or a
 * refusal is held until someone has looked at it). The list holds the failed items, newest
 * problem first; the selected one's whole error is shown under the list. */
#include "gridwalk/config.h"

#include "data/outbox.h"
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

#define SYNC_LIST_MAX 200
#define SYNC_DETAIL_ROWS 2
#define SYNC_BUTTON_ROWS 3

struct sync_scr {
    struct screen base;
    struct outbox_counts counts;
    char status[256], progress[256], last[DB_TIME_LEN], auth[512], reach[16], error[UI_MSG_MAX];
    struct outbox_item *items;
    char (*labels)[256];
    int n;
    struct ui_list list;
    int list_h;
};

static struct sync_scr *me(struct screen *s)
{
    return (struct sync_scr *)s;
}

/* The label of the row with this seq from the previous reload, or NULL: labels are looked up
 * once per row, not on every one-second reload. */
static const char *old_label(const struct outbox_item *items, char (*labels)[256], int n,
                             int64_t seq)
{
    for (int i = 0; i < n; i++)
        if (items[i].seq == seq)
            return labels[i];
    return NULL;
}

static void sync_reload(struct screen *scr, struct ui *ui)
{
    struct sync_scr *s = me(scr);
    struct err e = {0};
    struct outbox_item *old = s->items;
    char(*old_labels)[256] = s->labels;
    int old_n = s->n;
    s->labels = calloc(SYNC_LIST_MAX, sizeof *s->labels);
    if (!s->labels)
        abort();
    s->items = NULL;
    s->n = 0;
    s->error[0] = '\0';
    memset(&s->counts, 0, sizeof s->counts);
    if (outbox_counts(ui->db, &s->counts, &e) ||
        outbox_setting_get(ui->db, OUTBOX_KEY_STATUS, s->status, sizeof s->status, &e) ||
        outbox_setting_get(ui->db, OUTBOX_KEY_PROGRESS, s->progress, sizeof s->progress, &e) ||
        outbox_setting_get(ui->db, OUTBOX_KEY_LAST_SUCCESS, s->last, sizeof s->last, &e) ||
        outbox_setting_get(ui->db, OUTBOX_KEY_AUTH, s->auth, sizeof s->auth, &e) ||
        outbox_setting_get(ui->db, OUTBOX_KEY_REACH, s->reach, sizeof s->reach, &e) ||
        outbox_failed(ui->db, SYNC_LIST_MAX, &s->items, &s->n, &e))
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    for (int i = 0; i < s->n; i++) {
        const char *was = old_label(old, old_labels, old_n, s->items[i].seq);
        if (was)
            snprintf(s->labels[i], sizeof s->labels[i], "%s", was);
        else
            outbox_item_label(ui->db, s->items[i].kind, s->items[i].entity_uuid, s->labels[i],
                              sizeof s->labels[i]);
    }
    outbox_items_free(old, old_n);
    free(old_labels);
    s->list.n = s->n;
    if (s->list.sel >= s->n)
        s->list.sel = s->n > 0 ? s->n - 1 : 0;
}

static const char *kind_label(const char *kind)
{
    static const struct {
        const char *kind, *label;
    } kinds[] = {
        {"folder", N_("Folder")},     {"entry", N_("Entry")},   {"photo", N_("Photo")},
        {"reading", N_("Reading")},   {"task", N_("Task")},     {"customer", N_("Position")},
        {"tombstone", N_("Removal")},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i].kind) == 0)
            return _(kinds[i].label);
    return kind;
}

/* "14:05" today, the local date and time otherwise; a held item has no next try. */
static void next_try_text(const struct outbox_item *it, char *buf, size_t n)
{
    if (!it->next_try_at[0]) {
        snprintf(buf, n, "%s", _("held"));
        return;
    }
    ui_local_time(it->next_try_at, buf, n);
}

static void draw_head(struct sync_scr *s, struct ui *ui, int *y, int w)
{
    char line[1024], when[DB_TIME_LEN + 8];
    const char *hub = ui->cfg && ui->cfg->hub_url[0] ? ui->cfg->hub_url : NULL;
    int offline = strcmp(s->reach, "offline") == 0;
    if (hub && offline)
        snprintf(line, sizeof line, _("Hub: %s, not reachable at the last try"), hub);
    else if (hub)
        snprintf(line, sizeof line, _("Hub: %s"), hub);
    else if (offline)
        snprintf(line, sizeof line, "%s", _("Hub: not reachable at the last try"));
    else
        snprintf(line, sizeof line, "%s",
                 _("Hub: none set; put the hub's address in config.ini, [sync] hub ="));
    ui_put((*y)++, 0, w, line, hub && !offline ? A_NORMAL : A_BOLD);
    if (s->auth[0]) {
        /* Retrying cannot fix this one: someone has to enrol the tablet again. */
        *y += ui_put_wrapped(*y, 0, w, 2, s->auth, A_BOLD | A_REVERSE);
    }
    if (s->last[0])
        ui_local_time(s->last, when, sizeof when);
    else
        snprintf(when, sizeof when, "%s", _("never"));
    snprintf(line, sizeof line, _("Agent: %s    Last complete pass: %s"),
             s->status[0] ? s->status : _("has not run on this store yet"), when);
    ui_put((*y)++, 0, w, line, A_NORMAL);
    snprintf(line, sizeof line, _("Now: %s"), s->progress[0] ? s->progress : _("nothing in flight"));
    ui_put((*y)++, 0, w, line, A_NORMAL);
    snprintf(line, sizeof line, _("Waiting: %lld queued, %lld to retry, %lld held.  Sent: %lld"),
             (long long)s->counts.queued, (long long)s->counts.retrying,
             (long long)s->counts.held, (long long)s->counts.sent);
    ui_put((*y)++, 0, w, line, A_BOLD);
}

static void sync_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct sync_scr *s = me(scr);
    int y = y0, bottom = y0 + h - SYNC_BUTTON_ROWS - SYNC_DETAIL_ROWS;
    draw_head(s, ui, &y, w);
    int kind_w = 9, tries_w = 6, next_w = 17;
    int what_w = w - kind_w - tries_w - next_w;
    attr_t hd = A_BOLD | A_UNDERLINE;
    ui_put(y, 0, kind_w, _("Kind"), hd);
    ui_put(y, kind_w, what_w, _("What"), hd);
    ui_put(y, kind_w + what_w, tries_w, _("Tries"), hd);
    ui_put(y, kind_w + what_w + tries_w, next_w, _("Next try"), hd);
    y++;
    s->list_h = bottom - y;
    if (s->error[0]) {
        ui_put(y, 0, w, s->error, A_BOLD | A_REVERSE);
    } else if (s->n == 0) {
        ui_put(y, 0, w,
               s->counts.queued ? _("No failures. The queued items go at the next pass.")
                                : _("No failures. Everything recorded here has been sent."),
               A_NORMAL);
    }
    ui_list_scroll(&s->list, s->list_h > 0 ? s->list_h : 1);
    for (int i = s->list.top; i < s->n && y < bottom; i++, y++) {
        const struct outbox_item *it = &s->items[i];
        attr_t at = i == s->list.sel ? A_REVERSE : A_NORMAL;
        char tries[16], next[DB_TIME_LEN + 8];
        snprintf(tries, sizeof tries, "%d", it->attempts);
        next_try_text(it, next, sizeof next);
        ui_put(y, 0, kind_w, kind_label(it->kind), at);
        ui_put(y, kind_w, what_w, s->labels[i][0] ? s->labels[i] : it->entity_uuid, at);
        ui_put(y, kind_w + what_w, tries_w, tries, at);
        ui_put(y, kind_w + what_w + tries_w, next_w, next, at);
        ui_hit_add(ui, y, 0, 1, w, ACT_TAP_ROW, i);
    }
    y = bottom;
    if (s->n > 0)
        ui_put_wrapped(y, 0, w, SYNC_DETAIL_ROWS, s->items[s->list.sel].last_error, A_BOLD);
    y += SYNC_DETAIL_ROWS;
    int x = 0;
    x += ui_button(ui, y, x, _("Send now"), false, ACT_SYNC_NOW, 0) + 1;
    ui_button(ui, y, x, _("Retry held"), false, ACT_RETRY, 0);
}

static void send_now(struct ui *ui)
{
    struct err e = {0};
    int rc = outbox_nudge(db_path(ui->db), &e);
    if (rc == GW_OK)
        ui_message(ui, false, "%s", _("The sync agent was woken; watch the counts."));
    else if (rc == GW_ENOTFOUND)
        ui_message(ui, true, "%s",
                   _("No sync agent is running for this store: start gridwalk-syncd "
                     "(systemctl --user start gridwalk-syncd)."));
    else
        ui_message(ui, true, "%s", e.msg);
}

static int sync_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct sync_scr *s = me(scr);
    struct err e = {0};
    switch (a) {
    case ACT_SYNC_NOW:
        send_now(ui);
        return UI_HANDLED | UI_REDRAW;
    case ACT_RETRY: {
        int64_t n = outbox_retry_held(ui->db, &e);
        if (n < 0) {
            ui_message(ui, true, "%s", e.msg);
            return UI_HANDLED | UI_REDRAW;
        }
        sync_reload(scr, ui);
        if (n == 0) {
            ui_message(ui, false, "%s", _("Nothing failed: nothing to retry."));
            return UI_HANDLED | UI_REDRAW;
        }
        send_now(ui);
        if (!ui->msg_error)
            ui_message(ui, false,
                       ngettext("%lld item will be tried again now.",
                                "%lld items will be tried again now.", (unsigned long)n),
                       (long long)n);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_TAP_ROW:
        if (arg >= 0 && arg < s->n)
            s->list.sel = arg;
        return UI_HANDLED | UI_REDRAW;
    case ACT_SYNC:
        return UI_HANDLED;
    default:
        return ui_list_move(&s->list, a, s->list_h - 1);
    }
}

static void sync_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)scr;
    (void)ui;
    snprintf(buf, n, "%s", _("Sync"));
}

static void sync_dump(struct screen *scr, FILE *out)
{
    struct sync_scr *s = me(scr);
    fprintf(out, "sync.queued=%lld\nsync.retrying=%lld\nsync.held=%lld\nsync.sent=%lld\n",
            (long long)s->counts.queued, (long long)s->counts.retrying,
            (long long)s->counts.held, (long long)s->counts.sent);
    fprintf(out, "sync.status=%s\nsync.progress=%s\nsync.auth=%s\nsync.reach=%s\nsync.failed=%d\n",
            s->status, s->progress, s->auth, s->reach, s->n);
    for (int i = 0; i < s->n && i < 20; i++)
        fprintf(out, "sync.item.%d=%s %s attempts=%d next=%s error=%s\n", i, s->items[i].kind,
                s->labels[i], s->items[i].attempts, s->items[i].next_try_at,
                s->items[i].last_error);
}

static void sync_free(struct screen *scr)
{
    struct sync_scr *s = me(scr);
    outbox_items_free(s->items, s->n);
    free(s->labels);
    free(s);
}

static const struct screen_ops sync_ops = {
    .name = "sync",
    .draw = sync_draw,
    .on_action = sync_action,
    .crumb = sync_crumb,
    .reload = sync_reload,
    .dump = sync_dump,
    .free = sync_free,
    .bar = {ACT_SYNC_NOW, ACT_RETRY},
};

struct screen *scr_sync_new(struct ui *ui)
{
    struct sync_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &sync_ops;
    sync_reload(&s->base, ui);
    return &s->base;
}
