/* loop.c - the registry of extra file descriptors and timers the poll() loop watches.
 *
 * The tables are fixed-size: a part that needs more than UI_LOOP_MAX_FDS descriptors is a
 * design problem, not a runtime one. The loop itself is ui_loop_run (screen.c), which
 * calls ui_loop_fill and ui_loop_dispatch around poll(). */
#include "gridwalk/config.h"

#include "ui/loop.h"
#include "ui/loop_internal.h"

#include <stddef.h>
#include <time.h>

struct fd_slot {
    int fd;
    short events;
    ui_fd_fn fn;
    void *ctx;
};

struct timer_slot {
    int interval_ms;
    ui_timer_fn fn;
    void *ctx;
    long long due_ms;
};

static struct fd_slot fds[UI_LOOP_MAX_FDS];
static int nfds;
static struct timer_slot timers[UI_LOOP_MAX_TIMERS];

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ui_loop_add_fd(int fd, short events, ui_fd_fn fn, void *ctx)
{
    if (nfds == UI_LOOP_MAX_FDS || fd < 0 || !fn)
        return -1;
    fds[nfds++] = (struct fd_slot){fd, events, fn, ctx};
    return 0;
}

void ui_loop_remove_fd(int fd)
{
    for (int i = 0; i < nfds; i++)
        if (fds[i].fd == fd) {
            fds[i] = fds[--nfds];
            return;
        }
}

int ui_loop_add_timer(int interval_ms, ui_timer_fn fn, void *ctx)
{
    for (int i = 0; i < UI_LOOP_MAX_TIMERS; i++)
        if (!timers[i].fn) {
            timers[i] = (struct timer_slot){interval_ms > 0 ? interval_ms : 1, fn, ctx,
                                            now_ms() + interval_ms};
            return i;
        }
    return -1;
}

void ui_loop_remove_timer(int id)
{
    if (id >= 0 && id < UI_LOOP_MAX_TIMERS)
        timers[id].fn = NULL;
}

int ui_loop_fill(struct pollfd *p, int max)
{
    int n = 0;
    for (int i = 0; i < nfds && n < max; i++, n++)
        p[n] = (struct pollfd){.fd = fds[i].fd, .events = fds[i].events};
    return n;
}

int ui_loop_timeout(void)
{
    long long now = now_ms(), best = -1;
    for (int i = 0; i < UI_LOOP_MAX_TIMERS; i++) {
        if (!timers[i].fn)
            continue;
        long long left = timers[i].due_ms - now;
        if (left < 0)
            left = 0;
        if (best < 0 || left < best)
            best = left;
    }
    return (int)best;
}

int ui_loop_dispatch(const struct pollfd *p, int n)
{
    int flags = 0;
    /* Callbacks may add or remove slots: look each fired fd up again before calling. */
    for (int i = 0; i < n; i++) {
        if (!p[i].revents)
            continue;
        for (int j = 0; j < nfds; j++)
            if (fds[j].fd == p[i].fd) {
                flags |= fds[j].fn(p[i].fd, p[i].revents, fds[j].ctx);
                break;
            }
    }
    long long now = now_ms();
    for (int i = 0; i < UI_LOOP_MAX_TIMERS; i++) {
        if (!timers[i].fn || timers[i].due_ms > now)
            continue;
        timers[i].due_ms = now + timers[i].interval_ms;
        flags |= timers[i].fn(timers[i].ctx);
    }
    return flags;
}

void ui_loop_reset(void)
{
    nfds = 0;
    for (int i = 0; i < UI_LOOP_MAX_TIMERS; i++)
        timers[i].fn = NULL;
}
