/* query.c - parsing search text into terms (see query.h).
 *
 * The whole text is folded first, so a full-width colon, quote or space and upper-case keys
 * need no special cases below. A word before a colon is a key only when it is all letters
 * (ASCII or not): "10:30" stays literal text, "foo:1" is an unknown key and an error, so a
 * typo in a key is never silently searched as text. An opening quote without a closing one
 * is literal, because a user searching for `"` must not get an error. */
#include "gridwalk/config.h"

#include "app/query.h"

#include <stdlib.h>
#include <string.h>

struct key {
    const char *word;
    enum customer_field field;
};

static const struct key keys[] = {
    {"acct", CF_ACCOUNT},      {"account", CF_ACCOUNT}, {"户号", CF_ACCOUNT},
    {"name", CF_NAME},         {"户名", CF_NAME},       {"meter", CF_METER},
    {"表计局号", CF_METER},    {"cap", CF_CAPACITY},    {"capacity", CF_CAPACITY},
    {"合同容量", CF_CAPACITY}, {"addr", CF_ADDRESS},    {"address", CF_ADDRESS},
    {"用电地址", CF_ADDRESS},  {"line", CF_LINE},       {"线路名称", CF_LINE},
    {"kv", CF_VOLTAGE},        {"voltage", CF_VOLTAGE}, {"供电电压等级", CF_VOLTAGE},
};

#define KEY_LIST                                                                                   \
    "acct: name: meter: cap: addr: line: kv: (or account: capacity: address: voltage:, "           \
    "or 户号: 户名: 表计局号: 合同容量: 用电地址: 线路名称: 供电电压等级:)"

int query_field_of_key(const char *key, size_t len)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].word) == len && strncmp(keys[i].word, key, len) == 0)
            return (int)keys[i].field;
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* 1 when p[0..n) could be meant as a key: letters only, ASCII or not. */
static int looks_like_key(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80 && !(c >= 'a' && c <= 'z'))
            return 0;
    }
    return 1;
}

/* Reads a value starting at *pp into out (cap bytes). A value opening with a quote runs to
 * the closing quote ("" is a quote); otherwise, or when no quote closes it, to the next
 * space. Returns the value's length, or -1 when it does not fit. */
static int read_value(const char **pp, char *out, size_t cap)
{
    const char *p = *pp;
    size_t n = 0;
    if (*p == '"') {
        const char *q = p + 1;
        size_t m = 0;
        for (;;) {
            if (*q == '\0')
                break;
            if (*q == '"' && q[1] == '"') {
                if (m + 1 >= cap)
                    return -1;
                out[m++] = '"';
                q += 2;
                continue;
            }
            if (*q == '"') {
                out[m] = '\0';
                *pp = q + 1;
                return (int)m;
            }
            if (m + 1 >= cap)
                return -1;
            out[m++] = *q++;
        }
        /* No closing quote: the quote is just a character. */
    }
    while (*p && !is_space(*p)) {
        if (n + 1 >= cap)
            return -1;
        out[n++] = *p++;
    }
    out[n] = '\0';
    *pp = p;
    return (int)n;
}

int query_parse(const char *text, struct search_query *q, struct err *e)
{
    size_t len = strlen(text);
    char *folded = malloc(len + 1);
    int rc = GW_OK;
    if (!folded)
        abort();
    search_normalize(text, folded, len + 1);
    memset(q, 0, sizeof *q);
    const char *p = folded;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        const char *word = p;
        enum customer_field field = CF_COUNT;
        const char *colon = NULL;
        for (const char *s = p; *s && !is_space(*s) && *s != '"'; s++)
            if (*s == ':') {
                colon = s;
                break;
            }
        if (colon && looks_like_key(word, (size_t)(colon - word))) {
            int f = query_field_of_key(word, (size_t)(colon - word));
            if (f < 0) {
                rc = err_set(e, GW_EINVAL, "unknown search field '%.*s:'; use " KEY_LIST,
                             (int)(colon - word), word);
                goto out;
            }
            field = (enum customer_field)f;
            p = colon + 1;
            if (!*p || is_space(*p)) {
                rc = err_set(e, GW_EINVAL, "'%.*s:' needs a value right after the colon",
                             (int)(colon - word), word);
                goto out;
            }
        }
        if (q->n == SEARCH_MAX_TERMS) {
            rc = err_set(e, GW_EINVAL, "too many search terms: at most %d", SEARCH_MAX_TERMS);
            goto out;
        }
        struct search_term *t = &q->terms[q->n];
        int n = read_value(&p, t->text, sizeof t->text);
        if (n < 0) {
            rc = err_set(e, GW_EINVAL, "a search term is too long: at most %d bytes",
                         SEARCH_TERM_MAX - 1);
            goto out;
        }
        t->field = field;
        if (n > 0)
            q->n++;
        /* Text glued to a closing quote ("ab"cd) joins nothing: it starts the next term. */
    }
out:
    if (rc)
        q->n = 0;
    free(folded);
    return rc;
}
