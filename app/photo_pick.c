/* photo_pick.c - the chooser's folder listings, confined to the roots. */
#include "gridwalk/config.h"

#include "app/photo_pick.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static void add_root(struct photo_pick_roots *r, const char *dir)
{
    char real[PATH_MAX];
    struct stat sb;
    if (!dir || !*dir || !realpath(dir, real) || stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return;
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->dirs[i], real) == 0)
            return;
    r->dirs = realloc(r->dirs, sizeof *r->dirs * (size_t)(r->n + 1));
    if (!r->dirs || !(r->dirs[r->n] = strdup(real)))
        abort();
    r->n++;
}

/* Removable media: where udisks and the usual automounters put USB sticks and SD cards.
 * GRIDWALK_MEDIA_DIRS set (even empty) replaces these: a kiosk image that mounts elsewhere,
 * and tests that must not depend on what this machine has under /media. */
static int media_folders(char out[3][4096])
{
    const char *user = getenv("USER");
    int n = 0;
    if (getenv("GRIDWALK_MEDIA_DIRS"))
        return 0;
    if (user && *user) {
        snprintf(out[n++], 4096, "/media/%s", user);
        snprintf(out[n++], 4096, "/run/media/%s", user);
    }
    snprintf(out[n++], 4096, "%s", "/media");
    return n;
}

void photo_pick_roots_init(struct photo_pick_roots *r, const char *configured)
{
    char buf[4096];
    const char *home = getenv("HOME");
    r->dirs = NULL;
    r->n = 0;
    if (configured) {
        char *copy = strdup(configured), *save = NULL;
        if (!copy)
            abort();
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
            add_root(r, tok);
        free(copy);
    } else if (home) {
        snprintf(buf, sizeof buf, "%s/Pictures", home);
        add_root(r, buf);
    }
    char mounts[3][4096];
    int nm = media_folders(mounts);
    for (int i = 0; i < nm; i++)
        add_root(r, mounts[i]);
    const char *env = getenv("GRIDWALK_MEDIA_DIRS");
    if (env && *env) {
        char *copy = strdup(env), *save = NULL;
        if (!copy)
            abort();
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
            add_root(r, tok);
        free(copy);
    }
}

int photo_pick_is_media(const char *dir)
{
    char mounts[3][4096], real[PATH_MAX];
    int nm = media_folders(mounts);
    for (int i = 0; i < nm; i++)
        if (realpath(mounts[i], real) && strcmp(real, dir) == 0)
            return 1;
    const char *env = getenv("GRIDWALK_MEDIA_DIRS");
    if (env && *env) {
        char *copy = strdup(env), *save = NULL;
        int found = 0;
        if (!copy)
            abort();
        for (char *tok = strtok_r(copy, ":", &save); tok && !found;
             tok = strtok_r(NULL, ":", &save))
            found = realpath(tok, real) && strcmp(real, dir) == 0;
        free(copy);
        return found;
    }
    return 0;
}

void photo_pick_roots_done(struct photo_pick_roots *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->dirs[i]);
    free(r->dirs);
    r->dirs = NULL;
    r->n = 0;
}

/* 1 when real (resolved) is a root or below one. */
static int inside(const struct photo_pick_roots *r, const char *real)
{
    for (int i = 0; i < r->n; i++) {
        size_t len = strlen(r->dirs[i]);
        if (strncmp(real, r->dirs[i], len) == 0 &&
            (real[len] == '\0' || real[len] == '/' || strcmp(r->dirs[i], "/") == 0))
            return 1;
    }
    return 0;
}

static int picture_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0 ||
                   strcasecmp(dot, ".png") == 0);
}

int photo_pick_allowed(const struct photo_pick_roots *r, const char *path)
{
    char real[PATH_MAX];
    struct stat sb;
    return realpath(path, real) && inside(r, real) && stat(real, &sb) == 0 && S_ISREG(sb.st_mode) &&
           picture_name(real);
}

static int by_kind_then_name(const void *a, const void *b)
{
    const struct photo_pick_item *x = a, *y = b;
    if (x->is_dir != y->is_dir)
        return y->is_dir - x->is_dir;
    return strcoll(x->name, y->name);
}

int photo_pick_list(const struct photo_pick_roots *r, const char *dir,
                    struct photo_pick_item **items, int *n, struct err *e)
{
    char real[PATH_MAX];
    *items = NULL;
    *n = 0;
    if (!dir) {
        *items = calloc((size_t)r->n + 1, sizeof **items);
        if (!*items)
            abort();
        for (int i = 0; i < r->n; i++) {
            struct photo_pick_item *it = &(*items)[i];
            snprintf(it->path, sizeof it->path, "%s", r->dirs[i]);
            const char *base = strrchr(r->dirs[i], '/');
            snprintf(it->name, sizeof it->name, "%s", base && base[1] ? base + 1 : r->dirs[i]);
            it->is_dir = 1;
        }
        *n = r->n;
        return GW_OK;
    }
    if (!realpath(dir, real))
        return err_set(e, GW_EIO, "cannot open folder %s: %s", dir, strerror(errno));
    if (!inside(r, real))
        return err_set(e, GW_EINVAL, "%s is outside the photo folders this device may use", dir);
    DIR *d = opendir(real);
    if (!d)
        return err_set(e, GW_EIO, "cannot open folder %s: %s", real, strerror(errno));
    int cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && *n < PHOTO_PICK_MAX_ITEMS) {
        char path[PATH_MAX + 256], target[PATH_MAX];
        struct stat sb;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", real, de->d_name);
        /* A link that leads out of the roots is not shown. */
        if (!realpath(path, target) || !inside(r, target) || stat(target, &sb) != 0)
            continue;
        int is_dir = S_ISDIR(sb.st_mode);
        if (!is_dir && !(S_ISREG(sb.st_mode) && picture_name(de->d_name)))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *items = realloc(*items, sizeof **items * (size_t)cap);
            if (!*items)
                abort();
        }
        struct photo_pick_item *it = &(*items)[(*n)++];
        memset(it, 0, sizeof *it);
        snprintf(it->name, sizeof it->name, "%s", de->d_name);
        snprintf(it->path, sizeof it->path, "%s", target);
        it->is_dir = is_dir;
        it->bytes = (long long)sb.st_size;
        it->mtime = sb.st_mtime;
    }
    closedir(d);
    if (*n > 1)
        qsort(*items, (size_t)*n, sizeof **items, by_kind_then_name);
    return GW_OK;
}
