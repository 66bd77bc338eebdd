/* loop.h - the app's one poll() loop: the keyboard plus the file descriptors other parts
 * register (gpsd socket, probe tty, media worker pipe) and periodic timers.
 *
 * The screen manager owns the loop; callbacks run on it, must not block, and return
 * reaction flags (UI_REDRAW to have the screen drawn again). Registration is allowed at any
 * time, also from inside a callback. Nothing here draws. */
#ifndef GRIDWALK_UI_LOOP_H
#define GRIDWALK_UI_LOOP_H

#include "gridwalk/config.h"

#include <poll.h>

#define UI_LOOP_MAX_FDS 16
#define UI_LOOP_MAX_TIMERS 8

/* Reaction flags that handlers and callbacks return. They never draw. */
enum {
    UI_UNHANDLED = 0,
    UI_HANDLED = 1 << 0,
    UI_REDRAW = 1 << 1,
    UI_QUIT = 1 << 2,
};

/* Called with the fd and the poll revents that fired. */
typedef int (*ui_fd_fn)(int fd, short revents, void *ctx);
/* Called every interval. */
typedef int (*ui_timer_fn)(void *ctx);

/* Watches fd for events (POLLIN, POLLOUT). -1 when the table is full (UI_LOOP_MAX_FDS). */
int ui_loop_add_fd(int fd, short events, ui_fd_fn fn, void *ctx);
/* Stops watching fd; the caller still owns and closes it. */
void ui_loop_remove_fd(int fd);
/* Calls fn every interval_ms. Returns a timer id, or -1 when the table is full. */
int ui_loop_add_timer(int interval_ms, ui_timer_fn fn, void *ctx);
void ui_loop_remove_timer(int id);

#endif
