/* i18n.h - translated strings: gettext with the "gridwalk" text domain.
 *
 * Every user-visible string goes through _() (or N_() for tables translated at use). The
 * catalogs are ui/po/<lang>.po, compiled by the Makefile into build/locale when running
 * uninstalled (GRIDWALK_LOCALEDIR points there) and installed under LOCALEDIR. */
#ifndef GRIDWALK_I18N_H
#define GRIDWALK_I18N_H

#include "gridwalk/config.h"

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment and binds the text domain. When the locale LANG names
 * is not installed, falls back to C.UTF-8 (so wide characters still work) and still picks the
 * catalog of LANG's language. Returns 1 when the terminal's character set is UTF-8. */
int i18n_init(void);

#endif
