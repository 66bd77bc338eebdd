/* cmd_search.c - `gridwalk search`: the customer search of the app, on the command line.
 *
 * Plain output is one aligned line per hit (for people); --json is one object per line with
 * the seven fields, account first, then lat/lon (null when unknown) and the tier (for
 * scripts). No hits: nothing on stdout, exit 0, and a note on stderr in plain mode. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/query.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNOPSIS "[--db PATH] [--limit N] [--offset N] [--json] QUERY..."

static const char *const tier_names[] = {"exact", "prefix", "substring"};

static const char *field_of(const struct customer *c, int f)
{
    const char *v[CF_COUNT] = {c->account, c->name, c->meter,  c->capacity,
                               c->address, c->line, c->voltage};
    return v[f];
}

/* Terminal columns a UTF-8 string takes: East Asian wide characters take two. */
static int text_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = *p;
        int len = cp < 0x80 ? 1 : (cp & 0xE0) == 0xC0 ? 2 : (cp & 0xF0) == 0xE0 ? 3 : 4;
        if (len > 1) {
            cp &= 0x3F >> (len - 1);
            for (int i = 1; i < len && p[i]; i++)
                cp = (cp << 6) | (p[i] & 0x3F);
        }
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
        w += wide ? 2 : 1;
        for (int i = 0; i < len && *p; i++)
            p++;
    }
    return w;
}

static void print_plain(const struct search_hit *hits, int n)
{
    int width[CF_COUNT] = {0};
    for (int i = 0; i < n; i++)
        for (int f = 0; f < CF_COUNT; f++) {
            int w = text_width(field_of(&hits[i].customer, f));
            if (w > width[f])
                width[f] = w;
        }
    for (int i = 0; i < n; i++) {
        for (int f = 0; f < CF_COUNT; f++) {
            const char *v = field_of(&hits[i].customer, f);
            if (f == CF_COUNT - 1)
                printf("%s\n", v);
            else
                printf("%s%*s  ", v, width[f] - text_width(v), "");
        }
    }
}

static int print_json(const struct search_hit *hits, int n)
{
    static const char *const keys[CF_COUNT] = {"account", "name", "meter",  "capacity",
                                               "address", "line", "voltage"};
    for (int i = 0; i < n; i++) {
        const struct customer *c = &hits[i].customer;
        json_t *o = json_object();
        if (!o)
            abort();
        for (int f = 0; f < CF_COUNT; f++)
            json_object_set_new(o, keys[f], json_string(field_of(c, f)));
        json_object_set_new(o, "lat", isnan(c->lat) ? json_null() : json_real(c->lat));
        json_object_set_new(o, "lon", isnan(c->lon) ? json_null() : json_real(c->lon));
        json_object_set_new(o, "tier", json_string(tier_names[hits[i].tier]));
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (!s)
            abort();
        puts(s);
        free(s);
    }
    return fflush(stdout) == 0 ? 0 : -1;
}

static int parse_count(const char *s, long min, long max, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* Appends n bytes of s to buf (keeping a NUL); -1 when it does not fit. */
static int append(char *buf, size_t cap, size_t *used, const char *s, size_t n)
{
    if (*used + n + 1 > cap)
        return -1;
    memcpy(buf + *used, s, n);
    *used += n;
    buf[*used] = '\0';
    return 0;
}

/* Appends one command-line argument to the query text. Several arguments are several
 * terms, as if typed with spaces between them; one argument with a space but no quote in
 * it (quoted in the shell) stays one term: its value is quoted. */
static int add_term(char *text, size_t cap, size_t *used, const char *a)
{
    const char *space = strpbrk(a, " \t"), *colon = strchr(a, ':');
    size_t keylen = colon && (!space || colon < space) ? (size_t)(colon - a + 1) : 0;
    if (*used && append(text, cap, used, " ", 1))
        return -1;
    /* No space, or quotes already: the argument is written in the query syntax itself. */
    if (!space || strchr(a, '"'))
        return append(text, cap, used, a, strlen(a));
    if (append(text, cap, used, a, keylen) || append(text, cap, used, "\"", 1))
        return -1;
    return append(text, cap, used, a + keylen, strlen(a + keylen)) ||
           append(text, cap, used, "\"", 1);
}

int cmd_search(int argc, char **argv)
{
    const char *db_path = NULL;
    int limit = 50, offset = 0, json = 0, literal = 0, i, rc = CLI_EXIT_OK;
    char text[SEARCH_MAX_TERMS * SEARCH_TERM_MAX * 2] = "";
    size_t used = 0;
    /* Options may come before or after the query; "--" makes the rest query text. */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!literal && strcmp(a, "--") == 0) {
            literal = 1;
        } else if (!literal && strcmp(a, "--json") == 0) {
            json = 1;
        } else if (!literal && (strcmp(a, "--db") == 0 || strcmp(a, "--limit") == 0 ||
                                strcmp(a, "--offset") == 0)) {
            if (i + 1 >= argc)
                return cli_usage("search", SYNOPSIS, "%s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--db") == 0)
                db_path = v;
            else if (strcmp(a, "--limit") == 0 ? parse_count(v, 1, 1000, &limit)
                                               : parse_count(v, 0, 100000000, &offset))
                return cli_usage("search", SYNOPSIS, "%s takes a number (%s), not '%s'", a,
                                 strcmp(a, "--limit") == 0 ? "1 to 1000" : "0 or more", v);
        } else if (!literal && a[0] == '-' && a[1] == '-') {
            return cli_usage("search", SYNOPSIS, "unknown option %s", a);
        } else if (add_term(text, sizeof text, &used, a)) {
            return cli_usage("search", SYNOPSIS, "the query is too long");
        }
    }
    if (used == 0)
        return cli_usage("search", SYNOPSIS, "give a query, e.g. 张 or name:张 line:城东 kv:10");

    struct search_query q;
    struct err e = {0};
    if (query_parse(text, &q, &e))
        return cli_usage("search", SYNOPSIS, "%s", e.msg);
    if (q.n == 0)
        return cli_usage("search", SYNOPSIS, "the query has no search terms");

    struct db *db = NULL;
    struct search_hit *hits = calloc((size_t)limit, sizeof *hits);
    int n = 0;
    if (!hits)
        abort();
    if ((rc = cli_open_db(db_path, &db)))
        goto out;
    /* After a bulk import that did not bring the index up to date itself, the first search
     * does: say so, it takes seconds per 100,000 customers. */
    int64_t pending = search_index_pending(db);
    if (pending > 20000) {
        fprintf(stderr,
                "gridwalk: bringing the search index up to date (%lld customers "
                "changed)...\n",
                (long long)pending);
        if (search_index_flush(db, &e)) {
            rc = cli_fail("search", &e);
            goto out;
        }
    }
    if (search_run(db, &q, offset, limit, hits, &n, &e)) {
        rc = cli_fail("search", &e);
        goto out;
    }
    if (n == 0) {
        if (!json)
            fprintf(stderr, "no customers match\n");
    } else if (json) {
        if (print_json(hits, n))
            rc = CLI_EXIT_FAIL;
    } else {
        print_plain(hits, n);
    }
out:
    free(hits);
    db_close(db);
    return rc;
}
