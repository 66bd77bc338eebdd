/* naming.c - names in the directory tree: checking, file-system-safe forms, automatic names.
 *
 * Why these rules: FAT and NTFS forbid : * ? " < > | \ and device names, ext4 forbids only /
 * and NUL but caps a name at 255 bytes, and ".." is a path traversal on every one of them.
 * A Chinese character takes 3 bytes, so the byte cap bites before the character cap. */
#include "gridwalk/config.h"

#include "app/i18n.h"
#include "app/naming.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

int naming_utf8_decode(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c;
    int len;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0) {
        c = u[0] & 0x1F;
        len = 2;
    } else if ((u[0] & 0xF0) == 0xE0) {
        c = u[0] & 0x0F;
        len = 3;
    } else if ((u[0] & 0xF8) == 0xF0) {
        c = u[0] & 0x07;
        len = 4;
    } else {
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8. */
    if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int is_control(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029;
}

int naming_check(const char *name, struct err *e)
{
    size_t bytes = 0, chars = 0;
    int blank = 1;
    if (!name || !*name)
        return err_set(e, GW_EINVAL, _("the name is empty; type a name"));
    for (const char *p = name; *p;) {
        unsigned cp;
        int len = naming_utf8_decode(p, &cp);
        if (len == 0)
            return err_set(e, GW_EINVAL, _("the name is not valid UTF-8 text"));
        if (is_control(cp))
            return err_set(e, GW_EINVAL, _("the name contains a control character"));
        if (cp == '/' || cp == '\\')
            return err_set(e, GW_EINVAL, _("the name must not contain '/' or '\\'"));
        if (cp != ' ' && cp != 0x3000)
            blank = 0;
        p += len;
        bytes += (size_t)len;
        chars++;
    }
    if (blank)
        return err_set(e, GW_EINVAL, _("the name is blank; type a name"));
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return err_set(e, GW_EINVAL, _("\".\" and \"..\" are not names"));
    if (name[0] == ' ' || name[bytes - 1] == ' ')
        return err_set(e, GW_EINVAL, _("the name must not start or end with a space"));
    if (chars > NAMING_MAX_CHARS || bytes > NAMING_MAX_BYTES)
        return err_set(e, GW_ETOOBIG, _("the name is too long (at most %d characters)"),
                       NAMING_MAX_CHARS);
    return GW_OK;
}

static int is_device_name(const char *s, size_t len)
{
    static const char *const devs[] = {"CON", "PRN", "AUX", "NUL"};
    size_t stem = 0;
    while (stem < len && s[stem] != '.')
        stem++;
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++)
        if (stem == 3 && strncasecmp(s, devs[i], 3) == 0)
            return 1;
    if (stem == 4 && (strncasecmp(s, "COM", 3) == 0 || strncasecmp(s, "LPT", 3) == 0) &&
        s[3] >= '1' && s[3] <= '9')
        return 1;
    return 0;
}

size_t naming_safe(const char *name, char *out, size_t n)
{
    size_t cap = n ? n - 1 : 0, len = 0;
    if (cap > NAMING_MAX_BYTES)
        cap = NAMING_MAX_BYTES;
    if (n == 0)
        return 0;
    const char *p = name ? name : "";
    bool lead = true; /* still in the run of leading dots */
    while (*p == ' ')
        p++;
    while (*p) {
        unsigned cp;
        int l = naming_utf8_decode(p, &cp);
        const char *src = p;
        int take = l;
        /* A leading dot would hide the file (and "..." is close enough to ".." to alarm). */
        bool leading_dot = l > 0 && cp == '.' && lead;
        if (l > 0 && cp != '.')
            lead = false;
        if (l == 0 || leading_dot || is_control(cp) ||
            (cp < 0x80 && strchr("/\\:*?\"<>|", (int)cp))) {
            /* ':' is mostly the clock in an entry's automatic name: "14-03" reads as a time. */
            src = cp == ':' ? "-" : "_";
            take = 1;
            l = l ? l : 1;
        }
        if (len + (size_t)take > cap)
            break;
        memcpy(out + len, src, (size_t)take);
        len += (size_t)take;
        p += l;
    }
    while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '.'))
        len--;
    if (len == 0) {
        out[len++] = '_';
    } else if (is_device_name(out, len) && len < cap) {
        out[len++] = '_';
    }
    out[len] = '\0';
    return len;
}

void naming_auto_entry(time_t t, char out[NAMING_AUTO_LEN])
{
    struct tm tm;
    localtime_r(&t, &tm);
    if (strftime(out, NAMING_AUTO_LEN, "%Y-%m-%d %H:%M", &tm) == 0)
        out[0] = '\0';
}
