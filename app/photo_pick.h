/* photo_pick.h - what the "pick from file" chooser may show and accept: JPEG and PNG files in
 * the configured photo folders and on mounted removable media, never anything outside them.
 *
 * Owns the lists it returns (free with the _done functions). Every path is resolved with
 * realpath() before it is compared, so "..", symbolic links and bind tricks cannot leave the
 * roots. It does not decode pictures (the pipeline sniffs content; a .jpg that is not one is
 * refused there) and it draws nothing: the entry page's chooser renders these lists. */
#ifndef GRIDWALK_APP_PHOTO_PICK_H
#define GRIDWALK_APP_PHOTO_PICK_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <time.h>

#define PHOTO_PICK_MAX_ITEMS 5000

struct photo_pick_roots {
    char **dirs; /* resolved absolute paths */
    int n;
};

/* Builds the roots: each existing folder of `configured` (a ':'-separated list, e.g. the
 * photo.dirs setting or $GRIDWALK_PHOTO_DIRS; NULL: $HOME/Pictures) plus the removable-media
 * mount folders that exist (/media/$USER, /run/media/$USER, /media; $GRIDWALK_MEDIA_DIRS, a
 * ':' list, replaces them when set, even empty). Missing folders are skipped, so the result
 * may be empty. Release with photo_pick_roots_done(). */
void photo_pick_roots_init(struct photo_pick_roots *r, const char *configured);
void photo_pick_roots_done(struct photo_pick_roots *r);

/* 1 when dir (a resolved root) is one of the removable-media mount folders, so the chooser
 * can call it that rather than a configured folder. */
int photo_pick_is_media(const char *dir);

struct photo_pick_item {
    char name[256];
    char path[4096];
    int is_dir;
    long long bytes;
    time_t mtime;
};

/* Lists dir (NULL: the roots themselves): sub-folders first, then JPEG/PNG files by name,
 * hidden entries left out, at most PHOTO_PICK_MAX_ITEMS. GW_EINVAL when dir is outside every
 * root, GW_EIO when it is gone or cannot be read. *items is malloc'd (free()). */
int photo_pick_list(const struct photo_pick_roots *r, const char *dir,
                    struct photo_pick_item **items, int *n, struct err *e);

/* 1 when path resolves to a regular JPEG/PNG-named file inside one of the roots. */
int photo_pick_allowed(const struct photo_pick_roots *r, const char *path);

#endif
