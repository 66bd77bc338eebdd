/* screen.c - the screen manager: the stack of screens, the frame around them (breadcrumb,
 * status line, function bar), key and tap dispatch, the poll() loop, and giving the
 * terminal back on every way out.
 *
 * Only this file draws the frame and calls the screens' draw functions, and it draws only
 * after a reaction asked for it (UI_REDRAW) - handlers never draw. Signal handlers only set
 * flags, except the crash handlers, which restore the terminal before dying (as htop does)
 * because a dead app that leaves the tablet's console in raw mode is unusable in the field. */
#include "gridwalk/config.h"

#include "ui/internal.h"
#include "ui/route.h"
#include "ui/loop_internal.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ui_hooks ui_hooks;

static volatile sig_atomic_t got_quit_signal;
static bool curses_active;

void ui_push(struct ui *ui, struct screen *s)
{
    if (!s)
        return;
    if (ui->depth == UI_STACK_MAX) {
        s->ops->free(s);
        ui_message(ui, true, _("too many levels open; go back first"));
        return;
    }
    ui->stack[ui->depth++] = s;
}

void ui_pop(struct ui *ui)
{
    if (ui->depth <= 1)
        return;
    struct screen *s = ui->stack[--ui->depth];
    s->ops->free(s);
}

void ui_pop_to(struct ui *ui, int depth)
{
    if (depth < 1)
        depth = 1;
    while (ui->depth > depth)
        ui_pop(ui);
}

void ui_remove(struct ui *ui, struct screen *s)
{
    for (int i = 0; i < ui->depth; i++)
        if (ui->stack[i] == s) {
            memmove(&ui->stack[i], &ui->stack[i + 1],
                    (size_t)(ui->depth - i - 1) * sizeof ui->stack[0]);
            ui->depth--;
            s->ops->free(s);
            return;
        }
}

struct screen *ui_top(struct ui *ui)
{
    return ui->depth ? ui->stack[ui->depth - 1] : NULL;
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
    ui->msg_error = error;
}

void ui_hook_message(struct ui *ui, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
    ui->msg_error = error != 0;
}

void ui_hook_refresh(struct ui *ui)
{
    ui_reload_all(ui);
}

const char *ui_hook_task_uuid(const struct ui *ui)
{
    return ui->task_uuid[0] ? ui->task_uuid : NULL;
}

void ui_reload_all(struct ui *ui)
{
    for (int i = 0; i < ui->depth; i++)
        if (ui->stack[i]->ops->reload)
            ui->stack[i]->ops->reload(ui->stack[i], ui);
    ui->sync_ok = tree_sync_status(ui->db, &ui->sync, NULL) == GW_OK;
}

void ui_hit_add(struct ui *ui, int y, int x, int h, int w, enum ui_action a, int arg)
{
    if (ui->nhits < UI_HITS_MAX)
        ui->hits[ui->nhits++] = (struct ui_hit){y, x, h, w, a, arg};
}

void ui_gps(struct ui_gps_fix *out)
{
    memset(out, 0, sizeof *out);
    out->lat = out->lon = out->accuracy_m = NAN;
    out->state = UI_GPS_NONE;
    if (ui_hooks.gps_fix)
        ui_hooks.gps_fix(ui_hooks.gps_ctx, out);
}

int ui_call_hook(struct ui *ui, ui_hook_fn fn, const char *what, const struct ui_hook_target *t)
{
    struct err e = {0};
    if (!fn) {
        ui_message(ui, true, _("not available in this build: %s"), what);
        return UI_HANDLED | UI_REDRAW;
    }
    if (fn(t, ui_hooks.ctx, &e))
        ui_message(ui, true, "%s: %s", what, e.msg[0] ? e.msg : _("failed"));
    ui_reload_all(ui);
    return UI_HANDLED | UI_REDRAW;
}

static time_t real_clock(void)
{
    return time(NULL);
}

struct ui *ui_new(struct db *db, const struct config *cfg)
{
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        abort();
    ui->db = db;
    ui->cfg = cfg;
    ui->clock = real_clock;
    ui_push(ui, scr_search_new(ui));
    if (scr_today_wanted(ui))
        ui_push(ui, scr_today_new(ui));
    ui->sync_ok = tree_sync_status(db, &ui->sync, NULL) == GW_OK;
    return ui;
}

void ui_free(struct ui *ui)
{
    if (!ui)
        return;
    while (ui->depth > 0) {
        struct screen *s = ui->stack[--ui->depth];
        s->ops->free(s);
    }
    free(ui);
}

void ui_set_clock(struct ui *ui, time_t (*clock)(void))
{
    ui->clock = clock ? clock : real_clock;
}

/* The frame ------------------------------------------------------------------------- */

#define CRUMB_SEP " › "

static void draw_crumbs(struct ui *ui, int w)
{
    char parts[UI_STACK_MAX][160];
    int widths[UI_STACK_MAX], idx[UI_STACK_MAX], n = 0;
    int sepw = ui_text_width(CRUMB_SEP);
    for (int i = 0; i < ui->depth; i++) {
        struct screen *s = ui->stack[i];
        if (s->ops->modal)
            continue;
        s->ops->crumb(s, ui, parts[n], sizeof parts[n]);
        widths[n] = ui_text_width(parts[n]);
        idx[n] = i + 1;
        n++;
    }
    /* Drop levels from the left until the rest fits; the current level always shows. */
    int first = 0, total = 0;
    for (int i = 0; i < n; i++)
        total += widths[i] + (i ? sepw : 0);
    while (first < n - 1 && total > w) {
        total -= widths[first] + sepw;
        first++;
        if (first == 1)
            total += 2; /* the "… " lead */
    }
    ui_put(0, 0, w, "", A_REVERSE);
    int x = 0;
    if (first > 0) {
        ui_put(0, x, 2, "…", A_REVERSE);
        x += 2;
    }
    for (int i = first; i < n && x < w; i++) {
        if (i > first) {
            ui_put(0, x, sepw < w - x ? sepw : w - x, CRUMB_SEP, A_REVERSE);
            x += sepw;
        }
        int pw = widths[i] < w - x ? widths[i] : w - x;
        if (pw <= 0)
            break;
        ui_put(0, x, pw, parts[i], A_REVERSE | (i == n - 1 ? A_BOLD : 0));
        ui_hit_add(ui, 0, x, 1, pw, ACT_TAP_CRUMB, idx[i]);
        x += pw;
    }
}

static void format_ago(long secs, char *buf, size_t n)
{
    if (secs < 0)
        secs = 0;
    if (secs < 120)
        snprintf(buf, n, _("%lds ago"), secs);
    else if (secs < 7200)
        snprintf(buf, n, _("%ldmin ago"), secs / 60);
    else
        snprintf(buf, n, _("%ldh ago"), secs / 3600);
}

static void draw_status(struct ui *ui, int y, int w)
{
    char sync[128], gps[128], right[260], last[DB_TIME_LEN + 8];
    struct ui_gps_fix fix;
    if (!ui->sync_ok) {
        snprintf(sync, sizeof sync, "%s", _("Sync: unknown"));
    } else if (ui->sync.auth_error[0]) {
        /* The hub refuses this tablet: retrying will not help, someone must act. */
        snprintf(sync, sizeof sync, _("Sync: refused by the hub, %lld waiting"),
                 (long long)(ui->sync.queued + ui->sync.failed));
    } else {
        if (ui->sync.last_success[0])
            ui_local_time(ui->sync.last_success, last, sizeof last);
        else
            snprintf(last, sizeof last, "%s", _("never"));
        if (ui->sync.offline && ui->sync.queued + ui->sync.failed > 0)
            snprintf(sync, sizeof sync, _("Sync: hub unreachable, %lld waiting, last %s"),
                     (long long)(ui->sync.queued + ui->sync.failed), last);
        else if (ui->sync.failed)
            snprintf(sync, sizeof sync, _("Sync: %lld queued, %lld failed, last %s"),
                     (long long)ui->sync.queued, (long long)ui->sync.failed, last);
        else
            snprintf(sync, sizeof sync, _("Sync: %lld queued, last %s"), (long long)ui->sync.queued,
                     last);
    }
    ui_gps(&fix);
    if (fix.state == UI_GPS_NONE) {
        snprintf(gps, sizeof gps, "%s", _("GPS: n/a"));
    } else if (isnan(fix.lat)) {
        snprintf(gps, sizeof gps, "%s", _("GPS: no fix"));
    } else if (fix.state == UI_GPS_NOFIX) {
        /* The fix was lost: say so, with how old the last one is (never shown as current). */
        char ago[32];
        format_ago((long)(ui->clock() - fix.at), ago, sizeof ago);
        snprintf(gps, sizeof gps, _("GPS: no fix (last %s)"), ago);
    } else {
        char ago[32];
        format_ago((long)(ui->clock() - fix.at), ago, sizeof ago);
        if (isnan(fix.accuracy_m))
            snprintf(gps, sizeof gps, _("GPS: fix, accuracy n/a, %s"), ago);
        else
            snprintf(gps, sizeof gps, _("GPS: fix ±%.0f m, %s"), fix.accuracy_m, ago);
    }
    snprintf(right, sizeof right, "%s │ %s", sync, gps);
    int rw = ui_text_width(right);
    if (rw > w)
        rw = w;
    int lw = w - rw - 1;
    ui_put(y, 0, w, "", A_NORMAL);
    /* A message the user must read (an error, what to do next) wins the whole line until the
     * next key; the sync and GPS states come back then. */
    if (ui->msg[0] && ui_text_width(ui->msg) > lw) {
        ui_put(y, 0, w, ui->msg, ui->msg_error ? A_BOLD | A_REVERSE : A_BOLD);
        return;
    }
    if (lw > 0)
        ui_put(y, 0, lw, ui->msg, ui->msg_error ? A_BOLD | A_REVERSE : A_BOLD);
    ui_put(y, w - rw, rw, right, A_NORMAL);
    /* A tap on the sync state opens the sync screen. */
    ui_hit_add(ui, y, w - rw, 1, rw - ui_text_width(gps) - 3 > 0 ? rw - ui_text_width(gps) - 3 : 1,
               ACT_SYNC, 0);
}

static void draw_bar(struct ui *ui, int y, int w)
{
    struct screen *top = ui_top(ui);
    enum ui_action slots[10] = {ACT_HELP, ACT_SEARCH};
    for (int i = 0; i < UI_BAR_SLOTS; i++)
        slots[2 + i] = top->ops->bar[i];
    slots[8] = ACT_BACK;
    slots[9] = ACT_QUIT;
    int slot_w = w / 10;
    for (int i = 0; i < 10; i++) {
        int x = i * slot_w, sw = i == 9 ? w - x : slot_w;
        char key[8];
        snprintf(key, sizeof key, "%d", i + 1);
        int kw = i == 9 ? 2 : 1;
        ui_put(y, x, kw, key, A_NORMAL);
        ui_put(y, x + kw, sw - kw, slots[i] ? _(ui_action_label(slots[i])) : "",
               slots[i] ? A_REVERSE : A_NORMAL);
        if (slots[i])
            ui_hit_add(ui, y, x, 1, sw, slots[i], 0);
    }
}

void ui_draw(struct ui *ui)
{
    int h = LINES, w = COLS;
    erase();
    ui->nhits = 0;
    ui_cursor_reset();
    if (h < 10 || w < 40) {
        ui_put(0, 0, w, _("The terminal is too small (at least 40x10)."), A_BOLD);
        curs_set(0);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    draw_crumbs(ui, w);
    int base = ui->depth - 1;
    while (base > 0 && ui->stack[base]->ops->modal)
        base--;
    struct screen *b = ui->stack[base];
    b->ops->draw(b, ui, 1, h - 3, w);
    if (base < ui->depth - 1) {
        /* Taps must not reach what lies under a dialog: keep only the breadcrumb's. */
        int keep = 0;
        for (int i = 0; i < ui->nhits; i++)
            if (ui->hits[i].y == 0)
                ui->hits[keep++] = ui->hits[i];
        ui->nhits = keep;
        ui_cursor_reset();
        for (int i = base + 1; i < ui->depth; i++)
            ui->stack[i]->ops->draw(ui->stack[i], ui, 1, h - 3, w);
    }
    draw_status(ui, h - 2, w);
    draw_bar(ui, h - 1, w);
    int cy, cx;
    if (ui_cursor_get(&cy, &cx)) {
        move(cy, cx);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* Dispatch ----------------------------------------------------------------------------- */

static int global_action(struct ui *ui, enum ui_action a, int arg)
{
    switch (a) {
    case ACT_HELP:
        if (strcmp(ui_top(ui)->ops->name, "help") != 0)
            ui_push(ui, scr_help_new(ui));
        return UI_HANDLED | UI_REDRAW;
    case ACT_SEARCH:
        ui_pop_to(ui, 1);
        ui_reload_all(ui);
        return UI_HANDLED | UI_REDRAW;
    case ACT_BACK:
        if (ui->depth > 1) {
            ui_pop(ui);
            ui_reload_all(ui);
        }
        return UI_HANDLED | UI_REDRAW;
    case ACT_TODAY:
        ui_pop_to(ui, 1);
        ui_push(ui, scr_today_new(ui));
        return UI_HANDLED | UI_REDRAW;
    case ACT_QUIT:
        ui->quit = true;
        return UI_HANDLED | UI_QUIT;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        return UI_HANDLED | UI_REDRAW;
    case ACT_SYNC:
        if (strcmp(ui_top(ui)->ops->name, "sync") != 0)
            ui_push(ui, scr_sync_new(ui));
        return UI_HANDLED | UI_REDRAW;
    case ACT_ROUTE:
        if (strcmp(ui_top(ui)->ops->name, "route") != 0)
            ui_route_open(ui, NULL, 0);
        return UI_HANDLED | UI_REDRAW;
    case ACT_TAP_CRUMB:
        ui_pop_to(ui, arg);
        ui_reload_all(ui);
        return UI_HANDLED | UI_REDRAW;
    default:
        return UI_UNHANDLED;
    }
}

static int dispatch(struct ui *ui, enum ui_action a, int arg)
{
    struct screen *top = ui_top(ui);
    int r = top->ops->on_action(top, ui, a, arg);
    if (r & UI_HANDLED)
        return r;
    /* Dialogs own the keyboard: only their own actions and quitting get past them. */
    if (top->ops->modal && a != ACT_QUIT)
        return UI_HANDLED;
    return global_action(ui, a, arg);
}

int ui_feed_tap(struct ui *ui, int y, int x)
{
    for (int i = ui->nhits - 1; i >= 0; i--) {
        const struct ui_hit *h = &ui->hits[i];
        if (y >= h->y && y < h->y + h->h && x >= h->x && x < h->x + h->w)
            return dispatch(ui, h->action,
                            h->action == ACT_TAP_MAP ? UI_TAP_MAP_ARG(y - h->y, x - h->x)
                                                     : h->arg) |
                   UI_REDRAW;
    }
    return UI_HANDLED;
}

int ui_feed_key(struct ui *ui, int key)
{
    struct screen *top = ui_top(ui);
    ui->msg[0] = '\0';
    ui->msg_error = false;
    if (key == UI_KEY(KEY_RESIZE))
        return UI_HANDLED | UI_REDRAW;
    if (key == UI_KEY(KEY_MOUSE)) {
        MEVENT ev;
        if (getmouse(&ev) != OK)
            return UI_HANDLED;
        if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED))
            return ui_feed_tap(ui, ev.y, ev.x);
        /* The wheel (and a two-finger swipe on a touch pad) moves through lists. */
        if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
            int r = UI_HANDLED;
            for (int i = 0; i < 3; i++)
                r |= dispatch(ui, ev.bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN, 0);
            return r | UI_REDRAW;
        }
        return UI_HANDLED;
    }
    if (key >= UI_KEY(KEY_F(1)) && key <= UI_KEY(KEY_F(10))) {
        int n = key - UI_KEY(KEY_F(0));
        enum ui_action a = n == 1    ? ACT_HELP
                           : n == 2  ? ACT_SEARCH
                           : n == 9  ? ACT_BACK
                           : n == 10 ? ACT_QUIT
                                     : top->ops->bar[n - 3];
        return a ? dispatch(ui, a, 0) | UI_REDRAW : UI_HANDLED;
    }
    if (top->ops->on_key) {
        int r = top->ops->on_key(top, ui, key);
        if (r & UI_HANDLED)
            return r;
    }
    enum ui_action a = ui_action_for_key(key);
    if (a == ACT_NONE)
        return UI_HANDLED;
    return dispatch(ui, a, 0) | UI_REDRAW;
}

/* The terminal ---------------------------------------------------------------------------- */

static void restore_terminal(void)
{
    if (curses_active) {
        curses_active = false;
        endwin();
    }
}

static void on_quit_signal(int sig)
{
    (void)sig;
    got_quit_signal = 1;
}

static void on_crash(int sig)
{
    /* Not async-signal-safe, but the process is dying anyway and a terminal left in raw
     * mode is worse than the small risk; then die with the original signal. */
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_quit_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

static int status_timer(void *ctx)
{
    struct ui *ui = ctx;
    struct sync_status s;
    if (tree_sync_status(ui->db, &s, NULL) == GW_OK) {
        ui->sync = s;
        ui->sync_ok = true;
    }
    /* The sync agent moves items from queued to synced meanwhile: show it. */
    struct screen *top = ui_top(ui);
    if (top->ops->reload && !top->ops->modal)
        top->ops->reload(top, ui);
    /* The GPS age changes every second too. */
    return UI_REDRAW;
}

static int read_keys(struct ui *ui)
{
    int flags = 0;
    wint_t wch;
    int r;
    while ((r = wget_wch(stdscr, &wch)) != ERR) {
        int key = r == KEY_CODE_YES ? UI_KEY((int)wch) : (int)wch;
        flags |= ui_feed_key(ui, key);
        if (flags & UI_QUIT)
            break;
    }
    return flags;
}

int ui_run(struct db *db, const struct config *cfg, struct err *e)
{
    SCREEN *scr = NULL;
    struct ui *ui = NULL;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_set(e, GW_EIO,
                       "the full-screen app needs a terminal; see gridwalk --help "
                       "for the commands that work without one");
    const char *term = getenv("TERM");
    if (!term || !*term)
        return err_set(e, GW_EIO, "TERM is not set; cannot draw the screen");
    scr = newterm(term, stdout, stdin);
    if (!scr)
        return err_set(e, GW_EIO, "the terminal type '%s' is unknown", term);
    curses_active = true;
    atexit(restore_terminal);
    install_signals();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
                  BUTTON5_PRESSED,
              NULL);
    mouseinterval(0);

    ui = ui_new(db, cfg);
    int timer = ui_loop_add_timer(1000, status_timer, ui);
    ui_draw(ui);
    /* A benchmark and test aid: run a script of steps after the first drawn screen, then
     * leave (see ui_script for the step names). */
    const char *script = getenv("GRIDWALK_UI_SCRIPT");
    if (script) {
        ui_script(ui, script);
        ui->quit = true;
    }
    while (!ui->quit && !got_quit_signal) {
        struct pollfd p[UI_LOOP_MAX_FDS + 1];
        p[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        int n = 1 + ui_loop_fill(p + 1, UI_LOOP_MAX_FDS);
        int rc = poll(p, (nfds_t)n, ui_loop_timeout());
        int flags = 0;
        if (rc < 0 && errno != EINTR)
            break;
        /* A resize arrives as SIGWINCH (EINTR here) and then KEY_RESIZE from curses. */
        flags |= read_keys(ui);
        if (rc > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN))
            break;
        if (rc >= 0)
            flags |= ui_loop_dispatch(p + 1, n - 1);
        if (flags & UI_QUIT)
            break;
        if (flags & UI_REDRAW)
            ui_draw(ui);
    }
    ui_loop_remove_timer(timer);
    ui_loop_reset();
    ui_free(ui);
    restore_terminal();
    delscreen(scr);
    return GW_OK;
}

/* The test API ---------------------------------------------------------------------------- */

int ui_script(struct ui *ui, const char *script)
{
    char buf[4096];
    char *save = NULL;
    if (snprintf(buf, sizeof buf, "%s", script) >= (int)sizeof buf) {
        fprintf(stderr, "ui_script: script too long\n");
        return -1;
    }
    ui_draw(ui);
    for (char *step = strtok_r(buf, " \n", &save); step; step = strtok_r(NULL, " \n", &save)) {
        int flags = 0;
        if (strncmp(step, "type:", 5) == 0) {
            mbstate_t st;
            memset(&st, 0, sizeof st);
            const char *p = step + 5;
            size_t left = strlen(p);
            while (left > 0) {
                wchar_t wc;
                size_t k = mbrtowc(&wc, p, left, &st);
                if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
                    fprintf(stderr, "ui_script: bad UTF-8 in %s\n", step);
                    return -1;
                }
                flags |= ui_feed_key(ui, wc == L'_' ? ' ' : (int)wc);
                p += k;
                left -= k;
            }
        } else if (strncmp(step, "tap:", 4) == 0) {
            int y, x;
            if (sscanf(step + 4, "%d,%d", &y, &x) != 2) {
                fprintf(stderr, "ui_script: bad tap %s\n", step);
                return -1;
            }
            flags |= ui_feed_tap(ui, y, x);
        } else if (strncmp(step, "resize:", 7) == 0) {
            int cols, rows;
            if (sscanf(step + 7, "%dx%d", &cols, &rows) != 2) {
                fprintf(stderr, "ui_script: bad resize %s\n", step);
                return -1;
            }
            resizeterm(rows, cols);
            flags |= ui_feed_key(ui, UI_KEY(KEY_RESIZE));
        } else {
            int key = ui_key_by_name(step);
            if (key < 0) {
                fprintf(stderr, "ui_script: unknown key %s\n", step);
                return -1;
            }
            flags |= ui_feed_key(ui, key);
        }
        ui_draw(ui);
        if (flags & UI_QUIT)
            return UI_QUIT;
    }
    return 0;
}

void ui_dump_screen(FILE *out)
{
    wchar_t line[1024];
    char mb[4096];
    for (int y = 0; y < LINES; y++) {
        int n = COLS < 1023 ? COLS : 1023;
        if (mvinnwstr(y, 0, line, n) == ERR)
            line[0] = L'\0';
        size_t len = wcstombs(mb, line, sizeof mb - 1);
        if (len == (size_t)-1)
            len = 0;
        mb[len] = '\0';
        while (len > 0 && mb[len - 1] == ' ')
            mb[--len] = '\0';
        fprintf(out, "%s\n", mb);
    }
}

void ui_dump_attrs(FILE *out)
{
    for (int y = 0; y < LINES; y++) {
        char row[1024];
        int n = COLS < 1023 ? COLS : 1023;
        for (int x = 0; x < n; x++) {
            cchar_t cc;
            attr_t a = 0;
            short pair;
            wchar_t wc[CCHARW_MAX + 1];
            if (mvin_wch(y, x, &cc) == OK)
                getcchar(&cc, wc, &a, &pair, NULL);
            row[x] = (a & A_UNDERLINE) ? 'U' : (a & A_REVERSE) ? 'R' : (a & A_BOLD) ? 'B' : '.';
        }
        int len = n;
        while (len > 0 && row[len - 1] == '.')
            len--;
        row[len] = '\0';
        fprintf(out, "%s\n", row);
    }
}

void ui_dump_model(struct ui *ui, FILE *out)
{
    fprintf(out, "depth=%d\n", ui->depth);
    for (int i = 0; i < ui->depth; i++)
        fprintf(out, "stack.%d=%s\n", i, ui->stack[i]->ops->name);
    if (ui->msg[0])
        fprintf(out, "message=%s%s\n", ui->msg_error ? "error: " : "", ui->msg);
    struct screen *top = ui_top(ui);
    if (top->ops->dump)
        top->ops->dump(top, out);
}
