/* config.c - config.ini through libinih.
 *
 * inih calls the handler once per key and reports the line of the first key the handler
 * refused; the handler keeps the reason, so the message names both line and cause. */
#include "gridwalk/config.h"

#include "app/config.h"
#include "app/i18n.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct parse {
    struct config *c;
    char why[256];
};

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    c->photo_long_edge = 1600;
    c->photo_quality = 85;
    c->keep_original = false;
    snprintf(c->camera, sizeof c->camera, "/dev/video0");
    snprintf(c->probe, sizeof c->probe, "/dev/ttyUSB0");
    snprintf(c->probe_protocol, sizeof c->probe_protocol, "auto");
    snprintf(c->gps_host, sizeof c->gps_host, "localhost");
    c->gps_port = 2947;
    c->min_pin_accuracy_m = 10;
    c->sync_interval_s = 300;
    c->sync_backoff_max_s = 300;
}

int config_default_path(char *buf, size_t n, struct err *e)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int len;
    if (xdg && *xdg)
        len = snprintf(buf, n, "%s/gridwalk/config.ini", xdg);
    else if (home && *home)
        len = snprintf(buf, n, "%s/.config/gridwalk/config.ini", home);
    else
        return err_set(e, GW_EINVAL, "neither XDG_CONFIG_HOME nor HOME is set");
    if (len < 0 || (size_t)len >= n)
        return err_set(e, GW_EINVAL, "configuration path too long");
    return GW_OK;
}

static int set_text(struct parse *p, char *dst, size_t n, const char *value)
{
    if (strlen(value) >= n) {
        snprintf(p->why, sizeof p->why, "value longer than %zu bytes", n - 1);
        return 0;
    }
    snprintf(dst, n, "%s", value);
    return 1;
}

static int set_int(struct parse *p, int *dst, const char *value, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < lo || v > hi) {
        snprintf(p->why, sizeof p->why, "'%s' is not a whole number from %ld to %ld", value, lo,
                 hi);
        return 0;
    }
    *dst = (int)v;
    return 1;
}

static int set_double(struct parse *p, double *dst, const char *value, double lo, double hi)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || !(v >= lo && v <= hi)) {
        snprintf(p->why, sizeof p->why, "'%s' is not a number from %g to %g", value, lo, hi);
        return 0;
    }
    *dst = v;
    return 1;
}

double config_parse_rate(const char *text)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || !(v >= 0))
        return -1;
    if (*end == 'k' || *end == 'K')
        v *= 1024, end++;
    else if (*end == 'm' || *end == 'M')
        v *= 1024 * 1024, end++;
    if (*end || (v > 0 && v < 1024) || v > 1e12)
        return -1;
    return v;
}

static int set_bool(struct parse *p, bool *dst, const char *value)
{
    if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcmp(value, "1")) {
        *dst = true;
        return 1;
    }
    if (!strcasecmp(value, "false") || !strcasecmp(value, "no") || !strcmp(value, "0")) {
        *dst = false;
        return 1;
    }
    snprintf(p->why, sizeof p->why, "'%s' is not true or false", value);
    return 0;
}

static int set_categories(struct parse *p, const char *value)
{
    const char *s = value;
    int i = 0;
    for (;; i++) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        while (len > 0 && *s == ' ') {
            s++;
            len--;
        }
        while (len > 0 && s[len - 1] == ' ')
            len--;
        if (i >= CONFIG_CATEGORIES || len == 0 || len >= sizeof p->c->categories[0])
            break;
        memcpy(p->c->categories[i], s, len);
        p->c->categories[i][len] = '\0';
        if (!comma) {
            if (i == CONFIG_CATEGORIES - 1)
                return 1;
            break;
        }
        s = comma + 1;
    }
    snprintf(p->why, sizeof p->why, "categories needs exactly three comma-separated names");
    return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    struct config *c = p->c;
#define IS(s, k) (strcmp(section, s) == 0 && strcmp(name, k) == 0)
    if (IS("tree", "categories"))
        return set_categories(p, value);
    if (IS("photo", "long_edge"))
        return set_int(p, &c->photo_long_edge, value, 64, 20000);
    if (IS("photo", "quality"))
        return set_int(p, &c->photo_quality, value, 1, 100);
    if (IS("photo", "keep_original"))
        return set_bool(p, &c->keep_original, value);
    if (IS("devices", "camera"))
        return set_text(p, c->camera, sizeof c->camera, value);
    if (IS("devices", "scanner"))
        return set_text(p, c->scanner, sizeof c->scanner, value);
    if (IS("devices", "probe"))
        return set_text(p, c->probe, sizeof c->probe, value);
    if (IS("devices", "probe_protocol")) {
        if (strcmp(value, "auto") && strcmp(value, "iec62056-21") && strcmp(value, "dlt645")) {
            snprintf(p->why, sizeof p->why,
                     "probe_protocol must be auto, iec62056-21 or dlt645, not '%s'", value);
            return 0;
        }
        return set_text(p, c->probe_protocol, sizeof c->probe_protocol, value);
    }
    if (IS("gps", "host"))
        return set_text(p, c->gps_host, sizeof c->gps_host, value);
    if (IS("gps", "port"))
        return set_int(p, &c->gps_port, value, 1, 65535);
    if (IS("gps", "min_pin_accuracy_m"))
        return set_double(p, &c->min_pin_accuracy_m, value, 0.1, 10000);
    if (IS("sync", "hub_url") || IS("sync", "hub"))
        return set_text(p, c->hub_url, sizeof c->hub_url, value);
    if (IS("sync", "token_file"))
        return set_text(p, c->token_file, sizeof c->token_file, value);
    if (IS("sync", "ca_file"))
        return set_text(p, c->ca_file, sizeof c->ca_file, value);
    if (IS("sync", "db"))
        return set_text(p, c->db, sizeof c->db, value);
    if (IS("sync", "interval"))
        return set_double(p, &c->sync_interval_s, value, 1, 86400);
    if (IS("sync", "backoff_max"))
        return set_double(p, &c->sync_backoff_max_s, value, 1, 86400);
    if (IS("sync", "max_rate")) {
        double v = config_parse_rate(value);
        if (v < 0) {
            snprintf(p->why, sizeof p->why,
                     "'%s' is not a rate: bytes per second, at least 1K (e.g. 500K or 2M), or 0",
                     value);
            return 0;
        }
        c->sync_max_rate = v;
        return 1;
    }
    if (IS("paths", "pick_folders"))
        return set_text(p, c->pick_folders, sizeof c->pick_folders, value);
#undef IS
    if (!*name)
        snprintf(p->why, sizeof p->why, "cannot read this line");
    else
        snprintf(p->why, sizeof p->why, "unknown setting '%s' in section [%s]", name, section);
    return 0;
}

static int report(int rc, struct parse *p, const char *file, struct err *e)
{
    if (rc == 0)
        return GW_OK;
    if (rc < 0)
        return err_set(e, GW_EIO, "cannot read %s", file);
    return err_set(e, GW_EINVAL, "%s:%d: %s", file, rc,
                   p->why[0] ? p->why : "not a setting (expected name = value or [section])");
}

int config_load(struct config *c, const char *path, struct err *e)
{
    char def[1024];
    struct parse p = {.c = c};
    int rc;
    config_defaults(c);
    if (!path) {
        if ((rc = config_default_path(def, sizeof def, e)))
            return rc;
        path = def;
    }
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return GW_OK;
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, GW_EIO, "cannot read %s: %s", path, strerror(errno));
    rc = ini_parse_file(f, handler, &p);
    fclose(f);
    if ((rc = report(rc, &p, path, e)))
        return rc;
    snprintf(c->path, sizeof c->path, "%s", path);
    return GW_OK;
}

int config_load_string(struct config *c, const char *text, struct err *e)
{
    struct parse p = {.c = c};
    config_defaults(c);
    return report(ini_parse_string(text, handler, &p), &p, "<string>", e);
}

const char *config_category_name(const struct config *c, int category)
{
    static const char *const defaults[CONFIG_CATEGORIES] = {N_("Inspection"), N_("Metering"),
                                                            N_("Service")};
    if (category < 1 || category > CONFIG_CATEGORIES)
        return "?";
    if (c && c->categories[category - 1][0])
        return c->categories[category - 1];
    return _(defaults[category - 1]);
}
