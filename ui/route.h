/* route.h - the route screen: the day's tasks, or chosen customers, as a walking path on the map.
 *
 * Other screens (the customer search, the Today list) open it here. The screen loads the
 * open tasks from the store, orders them with app/geo/trip.h from the current GPS fix (or,
 * without one, from the saved order), draws the route on the map with a card for the next
 * stop, and saves the order back with tasks_set_route. Never invents a position: without a
 * fix, distance and bearing read "n/a". */
#ifndef GRIDWALK_UI_ROUTE_H
#define GRIDWALK_UI_ROUTE_H

#include "gridwalk/config.h"

#include <stdint.h>

struct ui;

/* The most stops one route screen takes. */
#define UI_ROUTE_MAX 1000

/* Pushes the route screen. task_ids (n of them) chooses the stops; NULL (or n == 0) means
 * every task of the device that is not cancelled (finished ones are drawn as done). Tasks
 * that are not in the store are left out. The screen owns its copy of the ids. */
void ui_route_open(struct ui *ui, const int64_t *task_ids, int n);

/* Pushes the route screen over chosen customers (the search screen's marked rows), in the
 * order planned from the fix. They have no tasks: nothing is started or saved in the store;
 * the screen asks after each visit whether the stop is done. Customers no longer in the store
 * are left out and counted in a message. The screen owns its copy of the ids. */
void ui_route_open_customers(struct ui *ui, const int64_t *customer_ids, int n);

#endif
