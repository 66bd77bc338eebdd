/* loop_internal.h - the screen manager's side of loop.h: filling the poll set and
 * dispatching what fired. Only screen.c includes it. */
#ifndef GRIDWALK_UI_LOOP_INTERNAL_H
#define GRIDWALK_UI_LOOP_INTERNAL_H

#include "ui/loop.h"

/* Copies the registered fds into p (room for max); returns how many. */
int ui_loop_fill(struct pollfd *p, int max);
/* Milliseconds until the next timer is due, -1 when there is none. */
int ui_loop_timeout(void);
/* Calls the callbacks of the fds in p that fired and of the timers that are due; returns
 * the union of their reaction flags. */
int ui_loop_dispatch(const struct pollfd *p, int n);
/* Forgets every registration (at the end of ui_run). */
void ui_loop_reset(void);

#endif
