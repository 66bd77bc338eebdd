/* mediastore.c - durable content-addressed files.
 *
 * Why fsync the folder too: rename() is atomic but only the directory's own fsync makes the
 * new name survive a power cut; without it a row could commit pointing at a name the file
 * system forgets. Why a flock and not a pid file: the kernel drops it when a process dies,
 * even by SIGKILL, so a killed import never blocks the next sweep. */
#include "gridwalk/config.h"

#include "data/mediastore.h"
#include "data/sql.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int fsync_dir(const char *dir, struct err *e)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, GW_EIO, "cannot open folder %s: %s", dir, strerror(errno));
    int rc = fsync(fd) == 0 ? GW_OK
                            : err_set(e, GW_EIO, "cannot sync folder %s: %s", dir, strerror(errno));
    close(fd);
    return rc;
}

static int is_hex64(const char *s, size_t len)
{
    if (len != 64)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int is_hex2(const char *s)
{
    static const char hex[] = "0123456789abcdef";
    return s[0] && s[1] && !s[2] && strchr(hex, s[0]) && strchr(hex, s[1]);
}

/* 1 when some photo row references sha (as the stored picture or as its original). */
static int referenced(sqlite3_stmt *st, const char *sha)
{
    sqlite3_reset(st);
    db_bind_text(st, ":sha", sha);
    return sqlite3_step(st) == SQLITE_ROW;
}

static int sweep(struct mediastore *ms, struct db *db, struct mediastore_sweep_stats *stats,
                 struct err *e)
{
    int rc = GW_OK;
    DIR *top = NULL;
    sqlite3_stmt *st = db_prepare(db, e,
                                  "SELECT 1 FROM photos WHERE sha256 = :sha "
                                  "UNION ALL SELECT 1 FROM photos WHERE original_sha256 = :sha "
                                  "LIMIT 1");
    if (!st)
        return GW_EDB;
    top = opendir(ms->root);
    if (!top) {
        rc = err_set(e, GW_EIO, "cannot list %s: %s", ms->root, strerror(errno));
        goto out;
    }
    struct dirent *d;
    while ((d = readdir(top)) != NULL) {
        if (!is_hex2(d->d_name))
            continue;
        char sub[MEDIASTORE_ROOT_MAX + 4];
        snprintf(sub, sizeof sub, "%s/%.2s", ms->root, d->d_name);
        DIR *dir = opendir(sub);
        if (!dir)
            continue;
        struct dirent *f;
        int removed = 0;
        while ((f = readdir(dir)) != NULL) {
            char path[MEDIASTORE_PATH_MAX];
            const char *name = f->d_name;
            const char *dot = strrchr(name, '.');
            if (strncmp(name, ".tmp-", 5) == 0) {
                /* We hold the lock exclusively: nobody is writing, so it is stale. */
                snprintf(path, sizeof path, "%s/%s", sub, name);
                if (unlink(path) == 0)
                    stats->temps++, removed++;
                continue;
            }
            if (!dot || !is_hex64(name, (size_t)(dot - name)) || strcmp(dot, ".jpg") != 0)
                continue;
            char sha[65];
            memcpy(sha, name, 64);
            sha[64] = '\0';
            if (referenced(st, sha))
                continue;
            snprintf(path, sizeof path, "%s/%s", sub, name);
            if (unlink(path) == 0)
                stats->orphans++, removed++;
        }
        closedir(dir);
        if (removed && (rc = fsync_dir(sub, e)))
            goto out;
    }
    stats->swept = 1;
out:
    if (top)
        closedir(top);
    sqlite3_finalize(st);
    return rc;
}

int mediastore_open(struct mediastore *ms, struct db *db, int do_sweep,
                    struct mediastore_sweep_stats *stats, struct err *e)
{
    int rc = GW_OK;
    struct mediastore_sweep_stats local = {0};
    char dbdir[MEDIASTORE_ROOT_MAX], lock[MEDIASTORE_PATH_MAX];
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    ms->lock_fd = -1;
    const char *path = db_path(db);
    if (strcmp(path, ":memory:") == 0)
        return err_set(e, GW_EINVAL, "an in-memory store has no media folder");
    if (snprintf(dbdir, sizeof dbdir - 8, "%s", path) >= (int)sizeof dbdir - 8)
        return err_set(e, GW_EINVAL, "store path too long: %s", path);
    if (snprintf(ms->root, sizeof ms->root, "%s/media", dirname(dbdir)) >= (int)sizeof ms->root)
        return err_set(e, GW_EINVAL, "store path too long: %s", path);
    if (mkdir(ms->root, 0700) != 0 && errno != EEXIST)
        return err_set(e, GW_EIO, "cannot create the media folder %s: %s", ms->root,
                       strerror(errno));
    snprintf(lock, sizeof lock, "%s/.lock", ms->root);
    ms->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (ms->lock_fd < 0)
        return err_set(e, GW_EIO, "cannot open %s: %s", lock, strerror(errno));
    if (do_sweep && flock(ms->lock_fd, LOCK_EX | LOCK_NB) == 0) {
        rc = sweep(ms, db, stats, e);
        if (rc)
            goto out;
    }
    while (flock(ms->lock_fd, LOCK_SH) != 0) {
        if (errno != EINTR) {
            rc = err_set(e, GW_EIO, "cannot lock %s: %s", lock, strerror(errno));
            goto out;
        }
    }
out:
    if (rc) {
        close(ms->lock_fd);
        ms->lock_fd = -1;
    }
    return rc;
}

void mediastore_close(struct mediastore *ms)
{
    if (ms->lock_fd >= 0)
        close(ms->lock_fd);
    ms->lock_fd = -1;
}

void mediastore_path(const struct mediastore *ms, const char *sha256, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%.2s/%s.jpg", ms->root, sha256, sha256);
}

int mediastore_file_for(const char *db_file, const char *sha256, char *path, size_t cap)
{
    size_t i;
    for (i = 0; sha256[i] && i < 64; i++)
        if (!((sha256[i] >= '0' && sha256[i] <= '9') || (sha256[i] >= 'a' && sha256[i] <= 'f')))
            break;
    if (i != 64 || sha256[64])
        return GW_EINVAL;
    const char *slash = strrchr(db_file, '/');
    int dirlen = slash ? (int)(slash - db_file) : 1;
    const char *dir = slash ? db_file : ".";
    if (slash == db_file)
        dirlen = 0;
    int len = snprintf(path, cap, "%.*s/media/%.2s/%s.jpg", dirlen, dir, sha256, sha256);
    return (len < 0 || (size_t)len >= cap) ? GW_ETOOBIG : GW_OK;
}

int mediastore_locate(const struct mediastore *ms, const char *sha256, char *path, size_t cap,
                      struct err *e)
{
    struct stat sb;
    if (!is_hex64(sha256, strlen(sha256)))
        return err_set(e, GW_EINVAL, "not a SHA-256: %s", sha256);
    mediastore_path(ms, sha256, path, cap);
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        return GW_OK;
    return err_set(e, GW_ENOTFOUND, "no file %s in the media store %s", sha256, ms->root);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int mediastore_put(struct mediastore *ms, const void *buf, size_t n, const char *sha256, char *path,
                   size_t path_cap, struct err *e)
{
    int rc = GW_OK, fd = -1, made_dir = 0;
    char sub[MEDIASTORE_ROOT_MAX + 4], tmp[MEDIASTORE_PATH_MAX], final[MEDIASTORE_PATH_MAX];
    if (!is_hex64(sha256, strlen(sha256)))
        return err_set(e, GW_EINVAL, "not a SHA-256: %s", sha256);
    snprintf(sub, sizeof sub, "%s/%.2s", ms->root, sha256);
    mediastore_path(ms, sha256, final, sizeof final);
    if (mkdir(sub, 0700) == 0)
        made_dir = 1;
    else if (errno != EEXIST)
        return err_set(e, GW_EIO, "cannot create folder %s: %s", sub, strerror(errno));
    snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", sub);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        tmp[0] = '\0';
        rc = err_set(e, GW_EIO, "cannot create a file in %s: %s", sub, strerror(errno));
        goto out;
    }
    if (write_all(fd, buf, n) != 0 || fsync(fd) != 0) {
        rc = err_set(e, GW_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = err_set(e, GW_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, final) != 0) {
        rc = err_set(e, GW_EIO, "cannot move %s to %s: %s", tmp, final, strerror(errno));
        goto out;
    }
    tmp[0] = '\0';
    if ((rc = fsync_dir(sub, e)))
        goto out;
    if (made_dir && (rc = fsync_dir(ms->root, e)))
        goto out;
    if (path)
        snprintf(path, path_cap, "%s", final);
out:
    if (fd >= 0)
        close(fd);
    if (tmp[0])
        unlink(tmp);
    return rc;
}
