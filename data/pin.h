/* pin.h - pinning: a customer's coordinates set on site from the device's fix.
 *
 * An inspector standing at a customer whose coordinates are missing or wrong sets them from
 * the current fix. The change is refused when the fix's horizontal accuracy is unknown or
 * worse than the limit the caller passes, so a poor fix never overwrites good coordinates.
 * The limit has one source: config.ini's [gps] min_pin_accuracy_m (app/config.c, default
 * 10 m), which the caller passes down; the store keeps no setting of its own, so the file an
 * admin edits is the one that counts. A pin updates the customer row (coord_source 'pinned', with
 * its accuracy) and appends a "customer" outbox record in the same transaction. Owns no
 * memory beyond the call. */
#ifndef GRIDWALK_PIN_H
#define GRIDWALK_PIN_H

#include "data/db.h"

/* Sets the coordinates of the customer with this account to lat/lon (degrees) measured with
 * accuracy_m (horizontal, metres). GW_EINVAL when the position is out of range or the
 * accuracy is unknown or worse than limit_m (nothing is written), GW_ENOTFOUND for an unknown
 * account, GW_EDB when the store fails. */
int pin_customer(struct db *db, const char *account, double lat, double lon, double accuracy_m,
                 double limit_m, struct err *e);

#endif
