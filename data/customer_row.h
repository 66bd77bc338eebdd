/* customer_row.h - reading a customers row into a struct customer, for the data/ modules
 * that select customers (customers.c, search.c). Internal to data/.
 *
 * Select CUSTOMER_ROW_COLUMNS (the table aliased as `c`) first in the statement; then
 * customer_from_row fills the struct from columns 0..CUSTOMER_ROW_NCOLS-1. */
#ifndef GRIDWALK_CUSTOMER_ROW_H
#define GRIDWALK_CUSTOMER_ROW_H

#include "data/customers.h"
#include "data/sql.h"

#define CUSTOMER_ROW_COLUMNS                                                                       \
    "c.id, c.account, c.name, c.meter, c.capacity, c.address, c.line, c.voltage, c.lat, "          \
    "c.lon, c.coord_accuracy_m, c.coord_source, c.updated_at"
#define CUSTOMER_ROW_NCOLS 13

void customer_from_row(sqlite3_stmt *st, struct customer *c);

#endif
