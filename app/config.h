/* config.h - the app's settings file, $XDG_CONFIG_HOME/gridwalk/config.ini.
 *
 * Owns struct config: every setting with its default, filled from the file when there is
 * one. Parsing is libinih's; a line it cannot read, an unknown key or a bad value is an
 * error naming the file and line. A missing file is not an error: the defaults apply. Knows
 * nothing of screens or the store. */
#ifndef GRIDWALK_APP_CONFIG_H
#define GRIDWALK_APP_CONFIG_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_CATEGORIES 3

struct config {
    /* [tree] categories=Name1,Name2,Name3; "" means the translated default name. */
    char categories[CONFIG_CATEGORIES][96];
    /* [photo] */
    int photo_long_edge; /* pixels, default 1600 */
    int photo_quality;   /* JPEG quality 1..100, default 85 */
    bool keep_original;
    /* [devices] */
    char camera[256];
    char scanner[256];
    char probe[256];
    char probe_protocol[32]; /* auto, iec62056-21, dlt645 */
    /* [gps] */
    char gps_host[256];
    int gps_port;
    double min_pin_accuracy_m;
    /* [sync] (shared with gridwalk-syncd, which reads hub, token_file, ca_file, db, interval,
     * backoff_max and max_rate from the same section; hub and hub_url are the same setting) */
    char hub_url[512];
    char token_file[512];
    char ca_file[512];
    char db[1024]; /* the store, when not the default; "" for the default */
    double sync_interval_s;
    double sync_backoff_max_s;
    double sync_max_rate; /* upload bytes per second, 0 = no cap */
    /* [paths] pick_folders: colon-separated folders offered by "pick a local file". */
    char pick_folders[1024];
    /* The file the settings came from, "" when the defaults apply. */
    char path[1024];
};

/* Fills c with the defaults. */
void config_defaults(struct config *c);

/* The default file: $XDG_CONFIG_HOME/gridwalk/config.ini, else ~/.config/gridwalk/config.ini.
 * GW_EINVAL when neither variable is set. */
int config_default_path(char *buf, size_t n, struct err *e);

/* Loads defaults, then the file at path (NULL: the default path). A missing file leaves
 * the defaults; an unreadable file or a bad line fails with GW_EINVAL and
 * "<file>:<line>: <what is wrong>". */
int config_load(struct config *c, const char *path, struct err *e);

/* The display name of category 1..3: the configured one, else the translated default
 * (Inspection, Metering, Service). */
const char *config_category_name(const struct config *c, int category);

/* A rate as config.ini and --max-rate take it: "0" (no cap), "250000", "500K", "2M" (K and M
 * are 1024 and 1024*1024, as in curl's --limit-rate). Any cap is at least 1K. Returns bytes
 * per second, or -1 when text is not such a rate. */
double config_parse_rate(const char *text);

/* Parses settings from a string (tests); errors name "<string>" as the file. */
int config_load_string(struct config *c, const char *text, struct err *e);

#endif
