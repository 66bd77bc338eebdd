/* pin.h - pinning: a customer's coordinates set on site from the device's fix.
 *
 * An inspector standing at a customer whose coordinates are missing or wrong sets them from
 * the current fix. The change is refused when the fix's horizontal accuracy is unknown or
 * worse than the limit the caller passes (see pin_accuracy_limit), so a poor fix never
 * overwrites good coordinates. A pin updates the customer row (coord_source 'pinned', with
 * its accuracy) and appends a "customer" outbox record in the same transaction. Owns no
 * memory beyond the call. */
#ifndef GRIDWALK_PIN_H
#define GRIDWALK_PIN_H

#include "data/db.h"

/* The default accuracy limit in metres, used when the settings table has no
 * "geo.pin_max_accuracy_m". */
#define PIN_DEFAULT_LIMIT_M 25.0

/* Sets the coordinates of the customer with this account to lat/lon (degrees) measured with
 * accuracy_m (horizontal, metres). GW_EINVAL when the position is out of range or the
 * accuracy is unknown or worse than limit_m (nothing is written), GW_ENOTFOUND for an unknown
 * account, GW_EDB when the store fails. */
int pin_customer(struct db *db, const char *account, double lat, double lon, double accuracy_m,
                 double limit_m, struct err *e);

/* The configured accuracy limit for pinning (setting "geo.pin_max_accuracy_m"), else
 * PIN_DEFAULT_LIMIT_M. */
double pin_accuracy_limit(struct db *db);

#endif
