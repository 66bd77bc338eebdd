/* hash.c - SHA-256 through libcrypto's EVP interface (the low-level SHA256_* calls are
 * deprecated in OpenSSL 3). */
#include "gridwalk/config.h"

#include "media/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

static void to_hex(const unsigned char *md, char hex[MEDIA_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

void media_sha256(const void *p, size_t n, char hex[MEDIA_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32)
        abort();
    to_hex(md, hex);
}

int media_sha256_file(const char *path, char hex[MEDIA_SHA256_HEX], struct err *e)
{
    int rc = GW_OK, fd = -1;
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        abort();
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = err_set(e, GW_EIO, "cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = err_set(e, GW_EIO, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        EVP_DigestUpdate(ctx, buf, (size_t)got);
    }
    if (!EVP_DigestFinal_ex(ctx, md, &len) || len != 32)
        abort();
    to_hex(md, hex);
out:
    if (fd >= 0)
        close(fd);
    EVP_MD_CTX_free(ctx);
    return rc;
}

int media_sha256_valid(const char *s)
{
    int i = 0;
    for (; s[i]; i++)
        if (i >= 64 || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}
