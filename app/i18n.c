/* i18n.c - locale and message catalog set-up.
 *
 * Why the fallback: field tablets are often set up with LANG=zh_CN.UTF-8 but without that
 * locale generated. setlocale() then fails and leaves "C", where ncurses cannot draw wide
 * characters and gettext ignores LANGUAGE. C.UTF-8 is always present in glibc; with it the
 * language is carried by LANGUAGE, which gettext honours for any locale but plain "C". */
#include "gridwalk/config.h"

#include "app/i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *wanted_language(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return v;
    }
    return NULL;
}

int i18n_init(void)
{
    if (!setlocale(LC_ALL, "")) {
        const char *lang = wanted_language();
        if (!setlocale(LC_ALL, "C.UTF-8"))
            setlocale(LC_ALL, "C");
        const char *have = getenv("LANGUAGE");
        if (lang && (!have || !*have) && strcmp(lang, "C") && strcmp(lang, "POSIX")) {
            char buf[64];
            size_t n = strcspn(lang, ".@");
            if (n >= sizeof buf)
                n = sizeof buf - 1;
            memcpy(buf, lang, n);
            buf[n] = '\0';
            setenv("LANGUAGE", buf, 1);
        }
    }
    const char *dir = getenv("GRIDWALK_LOCALEDIR");
    bindtextdomain(GRIDWALK_PACKAGE, dir && *dir ? dir : LOCALEDIR);
    bind_textdomain_codeset(GRIDWALK_PACKAGE, "UTF-8");
    textdomain(GRIDWALK_PACKAGE);
    return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}
