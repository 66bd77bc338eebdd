/* readfile.c - see readfile.h. */
#include "gridwalk/config.h"

#include "media/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int media_read_file(const char *path, size_t max, unsigned char **buf, size_t *n, struct err *e)
{
    int rc = GW_OK;
    struct stat sb;
    *buf = NULL;
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, errno == ENOENT ? GW_ENOTFOUND : GW_EIO, "cannot open %s: %s", path,
                       strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = err_set(e, GW_EINVAL, "%s is not a regular file", path);
        goto out;
    }
    if (sb.st_size == 0) {
        rc = err_set(e, GW_EINVAL, "%s is empty", path);
        goto out;
    }
    if ((unsigned long long)sb.st_size > max) {
        rc = err_set(e, GW_ETOOBIG, "%s is %lld MB, over the %zu MB limit", path,
                     (long long)sb.st_size >> 20, max >> 20);
        goto out;
    }
    *buf = malloc((size_t)sb.st_size);
    if (!*buf)
        abort();
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, *buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = err_set(e, GW_EIO, "cannot read %s: %s", path, r ? strerror(errno) : "short");
            goto out;
        }
        got += (size_t)r;
    }
    *n = got;
out:
    if (rc) {
        free(*buf);
        *buf = NULL;
    }
    close(fd);
    return rc;
}
