/* widgets.c - drawing text by terminal columns, buttons, the text box and list selection.
 *
 * Widths come from wcwidth(): Chinese characters take two columns. Text is cut only at
 * character boundaries and never in the middle of a double-width character; a cut is shown
 * with "…". Invalid UTF-8 is drawn as U+FFFD rather than dropped, so a damaged name is
 * still visibly there. */
#include "gridwalk/config.h"

#include "ui/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cursor_y = -1, cursor_x = -1;

void ui_cursor_want(int y, int x)
{
    cursor_y = y;
    cursor_x = x;
}

bool ui_cursor_get(int *y, int *x)
{
    *y = cursor_y;
    *x = cursor_x;
    return cursor_y >= 0;
}

void ui_cursor_reset(void)
{
    cursor_y = cursor_x = -1;
}

/* Decodes one character at s (len bytes left): its wide char, byte length and width.
 * Control and unprintable characters are shown as '?', bad bytes as U+FFFD. */
static size_t next_char(const char *s, size_t len, wchar_t *wc, int *width)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t k = mbrtowc(wc, s, len, &st);
    if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
        *wc = 0xFFFD;
        *width = 1;
        return 1;
    }
    int cw = wcwidth(*wc);
    if (cw < 0) {
        *wc = L'?';
        cw = 1;
    }
    *width = cw;
    return k;
}

int ui_text_width(const char *s)
{
    int w = 0;
    size_t len = strlen(s);
    while (len > 0) {
        wchar_t wc;
        int cw;
        size_t k = next_char(s, len, &wc, &cw);
        w += cw;
        s += k;
        len -= k;
    }
    return w;
}

static void put_wc(int y, int x, wchar_t wc, attr_t attr)
{
    cchar_t cc;
    wchar_t str[2] = {wc, L'\0'};
    setcchar(&cc, str, attr, 0, NULL);
    mvadd_wch(y, x, &cc);
}

static void put_impl(int y, int x, int w, const char *s, attr_t attr, const unsigned char *mark,
                     attr_t hl)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
        return;
    if (x + w > COLS)
        w = COLS - x;
    size_t len = strlen(s);
    int total = ui_text_width(s);
    /* When the text is too wide, keep room for the ellipsis. */
    int room = total > w ? w - 1 : w;
    int col = 0;
    const char *p = s;
    while (len > 0) {
        wchar_t wc;
        int cw;
        size_t k = next_char(p, len, &wc, &cw);
        if (cw == 0) { /* a combining mark: drawn with its base by the terminal, skip */
            p += k;
            len -= k;
            continue;
        }
        if (col + cw > room)
            break;
        put_wc(y, x + col, wc, attr | (mark && mark[p - s] ? hl : 0));
        col += cw;
        p += k;
        len -= k;
    }
    if (total > w && col < w)
        put_wc(y, x + col++, L'…', attr);
    while (col < w)
        put_wc(y, x + col++, L' ', attr);
}

void ui_put(int y, int x, int w, const char *s, attr_t attr)
{
    put_impl(y, x, w, s ? s : "", attr, NULL, 0);
}

void ui_put_hl(int y, int x, int w, const char *s, attr_t attr, const char *const *needles,
               int nneedles, attr_t hl)
{
    size_t len = strlen(s);
    unsigned char *mark = calloc(len + 1, 1);
    if (!mark)
        abort();
    for (int i = 0; i < nneedles; i++) {
        size_t nl = strlen(needles[i]);
        if (nl == 0)
            continue;
        for (const char *q = s; (q = strcasestr(q, needles[i])) != NULL; q++)
            memset(mark + (q - s), 1, nl);
    }
    put_impl(y, x, w, s, attr, mark, hl);
    free(mark);
}

int ui_put_wrapped(int y, int x, int w, int max_lines, const char *s, attr_t attr)
{
    size_t len = strlen(s ? s : "");
    const char *p = s ? s : "";
    int line = 0;
    if (w <= 0 || max_lines <= 0)
        return 0;
    while (line < max_lines) {
        /* Take as many whole characters as fit in w columns. */
        const char *q = p;
        size_t left = len;
        int col = 0;
        while (left > 0) {
            wchar_t wc;
            int cw;
            size_t k = next_char(q, left, &wc, &cw);
            if (col + cw > w)
                break;
            col += cw;
            q += k;
            left -= k;
        }
        if (left == 0 || line == max_lines - 1) {
            ui_put(y + line, x, w, p, attr); /* the last line ends with "…" if cut */
            return line + 1;
        }
        /* Break after the last space of the line when there is one, so a word (an error
         * code, a URL) is not cut in two; Chinese text has none and breaks anywhere. */
        const char *brk = q;
        if (*q != ' ')
            for (const char *b = q; b > p + 1; b--)
                if (b[-1] == ' ') {
                    brk = b;
                    break;
                }
        char part[UI_TEXT_MAX * 2];
        size_t n = (size_t)(brk - p) < sizeof part - 1 ? (size_t)(brk - p) : sizeof part - 1;
        memcpy(part, p, n);
        part[n] = '\0';
        ui_put(y + line, x, w, part, attr);
        while (*brk == ' ')
            brk++;
        len -= (size_t)(brk - p);
        p = brk;
        line++;
    }
    return line;
}

void ui_local_time(const char *iso, char *buf, size_t n)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!iso || !*iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm)) {
        snprintf(buf, n, "%s", iso ? iso : "");
        return;
    }
    time_t t = timegm(&tm);
    struct tm lt;
    localtime_r(&t, &lt);
    if (strftime(buf, n, "%Y-%m-%d %H:%M", &lt) == 0 && n)
        buf[0] = '\0';
}

void ui_box(int y, int x, int h, int w, attr_t attr)
{
    /* Unicode box drawing rather than the terminal's alternate character set: it survives
     * tmux, screen dumps and terminals with a broken acsc. */
    if (h < 2 || w < 2)
        return;
    put_wc(y, x, L'┌', attr);
    put_wc(y, x + w - 1, L'┐', attr);
    put_wc(y + h - 1, x, L'└', attr);
    put_wc(y + h - 1, x + w - 1, L'┘', attr);
    for (int i = 1; i < w - 1; i++) {
        put_wc(y, x + i, L'─', attr);
        put_wc(y + h - 1, x + i, L'─', attr);
    }
    for (int r = 1; r < h - 1; r++) {
        put_wc(y + r, x, L'│', attr);
        put_wc(y + r, x + w - 1, L'│', attr);
    }
}

int ui_button_width(const char *label)
{
    return ui_text_width(label) + 4;
}

int ui_button(struct ui *ui, int y, int x, const char *label, bool focused, enum ui_action a,
              int arg)
{
    int w = ui_button_width(label);
    attr_t at = focused ? A_REVERSE | A_BOLD : A_BOLD;
    if (x + w > COLS)
        w = COLS - x;
    if (w < 3)
        return 0;
    /* A box big enough for a gloved finger. */
    ui_box(y, x, 3, w, at);
    ui_put(y + 1, x + 1, w - 2, "", at);
    int lw = ui_text_width(label);
    int lx = x + 1 + (w - 2 - lw) / 2;
    ui_put(y + 1, lx < x + 1 ? x + 1 : lx, lw < w - 2 ? lw : w - 2, label, at);
    ui_hit_add(ui, y, x, 3, w, a, arg);
    return w;
}

void ui_textbox_set(struct ui_textbox *t, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof t->buf) {
        n = sizeof t->buf - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(t->buf, s, n);
    t->buf[n] = '\0';
    t->len = t->cur = n;
}

static size_t prev_boundary(const struct ui_textbox *t, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && ((unsigned char)t->buf[at] & 0xC0) == 0x80)
        at--;
    return at;
}

static size_t next_boundary(const struct ui_textbox *t, size_t at)
{
    if (at >= t->len)
        return t->len;
    at++;
    while (at < t->len && ((unsigned char)t->buf[at] & 0xC0) == 0x80)
        at++;
    return at;
}

int ui_textbox_key(struct ui_textbox *t, int key, bool *changed)
{
    *changed = false;
    switch (key) {
    case UI_KEY(KEY_BACKSPACE):
    case 127:
    case 8: {
        if (t->cur == 0)
            return UI_UNHANDLED;
        size_t from = prev_boundary(t, t->cur);
        memmove(t->buf + from, t->buf + t->cur, t->len - t->cur + 1);
        t->len -= t->cur - from;
        t->cur = from;
        *changed = true;
        return UI_HANDLED | UI_REDRAW;
    }
    case UI_KEY(KEY_DC): {
        if (t->cur == t->len)
            return UI_HANDLED;
        size_t to = next_boundary(t, t->cur);
        memmove(t->buf + t->cur, t->buf + to, t->len - to + 1);
        t->len -= to - t->cur;
        *changed = true;
        return UI_HANDLED | UI_REDRAW;
    }
    case UI_KEY(KEY_LEFT):
        if (t->cur == 0)
            return UI_UNHANDLED;
        t->cur = prev_boundary(t, t->cur);
        return UI_HANDLED | UI_REDRAW;
    case UI_KEY(KEY_RIGHT):
        if (t->cur == t->len)
            return UI_UNHANDLED;
        t->cur = next_boundary(t, t->cur);
        return UI_HANDLED | UI_REDRAW;
    case UI_KEY(KEY_HOME):
    case UI_CTRL('a'):
        t->cur = 0;
        return UI_HANDLED | UI_REDRAW;
    case UI_KEY(KEY_END):
    case UI_CTRL('e'):
        t->cur = t->len;
        return UI_HANDLED | UI_REDRAW;
    case UI_CTRL('u'):
        t->buf[0] = '\0';
        t->len = t->cur = 0;
        *changed = true;
        return UI_HANDLED | UI_REDRAW;
    default:
        break;
    }
    if (key >= UI_KEY_BASE || key < 32 || key == 127 || (key >= 0x80 && key < 0xA0))
        return UI_UNHANDLED;
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t k = wcrtomb(mb, (wchar_t)key, &st);
    if (k == (size_t)-1 || t->len + k >= sizeof t->buf)
        return UI_HANDLED; /* full or not encodable: swallow rather than beep */
    memmove(t->buf + t->cur + k, t->buf + t->cur, t->len - t->cur + 1);
    memcpy(t->buf + t->cur, mb, k);
    t->len += k;
    t->cur += k;
    *changed = true;
    return UI_HANDLED | UI_REDRAW;
}

void ui_textbox_draw(const struct ui_textbox *t, int y, int x, int w, bool focused)
{
    attr_t at = focused ? A_UNDERLINE | A_BOLD : A_UNDERLINE;
    if (w <= 1)
        return;
    /* Scroll from the left by whole characters until the cursor fits in w-1 columns. */
    char before[UI_TEXT_MAX];
    size_t start = 0;
    memcpy(before, t->buf, t->cur);
    before[t->cur] = '\0';
    while (ui_text_width(before + start) > w - 1) {
        size_t next = start + 1;
        while (next < t->cur && ((unsigned char)before[next] & 0xC0) == 0x80)
            next++;
        start = next;
    }
    /* Draw without the ellipsis logic cutting the cursor's tail: clip plainly. */
    int col = 0;
    const char *p = t->buf + start;
    size_t len = t->len - start;
    while (len > 0) {
        wchar_t wc;
        int cw;
        size_t k = next_char(p, len, &wc, &cw);
        if (col + cw > w)
            break;
        if (cw > 0) {
            put_wc(y, x + col, wc, at);
            col += cw;
        }
        p += k;
        len -= k;
    }
    while (col < w)
        put_wc(y, x + col++, L' ', at);
    if (focused)
        ui_cursor_want(y, x + ui_text_width(before + start));
}

int ui_list_move(struct ui_list *l, enum ui_action a, int page)
{
    int old = l->sel;
    if (l->n == 0)
        return UI_UNHANDLED;
    if (page < 1)
        page = 1;
    switch (a) {
    case ACT_UP:
        l->sel--;
        break;
    case ACT_DOWN:
        l->sel++;
        break;
    case ACT_PGUP:
        l->sel -= page;
        break;
    case ACT_PGDN:
        l->sel += page;
        break;
    case ACT_HOME:
        l->sel = 0;
        break;
    case ACT_END:
        l->sel = l->n - 1;
        break;
    default:
        return UI_UNHANDLED;
    }
    if (l->sel < 0)
        l->sel = 0;
    if (l->sel >= l->n)
        l->sel = l->n - 1;
    (void)old;
    return UI_HANDLED | UI_REDRAW;
}

void ui_list_scroll(struct ui_list *l, int h)
{
    if (l->sel >= l->n)
        l->sel = l->n ? l->n - 1 : 0;
    if (l->sel < 0)
        l->sel = 0;
    if (h < 1)
        h = 1;
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + h)
        l->top = l->sel - h + 1;
    if (l->top > l->n - h)
        l->top = l->n - h > 0 ? l->n - h : 0;
    if (l->top < 0)
        l->top = 0;
}

#define COUNT_SYNC_W 9

int ui_count_head(int y0, int h, int w, int num_w, const char *const heads[4], struct ui_list *l,
                  int *list_h, const char *error, size_t n, const char *empty, int *bottom)
{
    int y = y0, name_w = w - 2 * num_w - COUNT_SYNC_W;
    attr_t hd = A_BOLD | A_UNDERLINE;
    ui_put(y, 0, name_w, heads[0], hd);
    ui_put(y, name_w, num_w, heads[1], hd);
    ui_put(y, name_w + num_w, num_w, heads[2], hd);
    ui_put(y, name_w + 2 * num_w, COUNT_SYNC_W, heads[3], hd);
    y++;
    *bottom = y0 + h - 4;
    *list_h = *bottom - y;
    ui_list_scroll(l, *list_h);
    if (error[0])
        ui_put(y++, 0, w, error, A_BOLD | A_REVERSE);
    else if (n == 0)
        ui_put(y++, 0, w, empty, A_NORMAL);
    return y;
}

void ui_count_row(struct ui *ui, int y, int w, int num_w, int i, bool sel, const char *name,
                  int a, int b, enum tree_sync st)
{
    int name_w = w - 2 * num_w - COUNT_SYNC_W;
    attr_t at = sel ? A_REVERSE : A_NORMAL;
    char num[16];
    ui_put(y, 0, name_w, name, at);
    snprintf(num, sizeof num, "%d", a);
    ui_put(y, name_w, num_w, num, at);
    snprintf(num, sizeof num, "%d", b);
    ui_put(y, name_w + num_w, num_w, num, at);
    ui_put(y, name_w + 2 * num_w, COUNT_SYNC_W, ui_sync_label(st), at);
    ui_hit_add(ui, y, 0, 1, w, ACT_TAP_ROW, i);
}

const char *ui_sync_label(enum tree_sync st)
{
    switch (st) {
    case TREE_SYNC_QUEUED:
        return _("queued");
    case TREE_SYNC_SENT:
        return _("synced");
    case TREE_SYNC_FAILED:
        return _("failed");
    default:
        return "";
    }
}
