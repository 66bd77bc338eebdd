/* extensions.c - SQL extensions every connection to the store needs.
 *
 * Registered by db_open before migrations, because a migration may create a virtual table
 * that uses them (the search index's tokenizer). A connection without them (the sqlite3
 * shell) can read the store but cannot write customers: the search triggers need both.
 *
 *   - FTS5 tokenizer "gridwalk": documents are the seven customer fields joined by
 *     SEARCH_SEP and become the tagged grams of search_text.h; a query string is taken as
 *     one ready-made token (search.c builds every token itself, so nothing the user types
 *     is ever parsed as FTS5 syntax).
 *   - gw_search_key(text): the folded, cut form of a value field (capacity, line, voltage)
 *     as the index and the table of distinct values store it. */
#include "gridwalk/config.h"

#include "data/search_text.h"
#include "data/sql.h"

#include <string.h>

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)argv;
    (void)argc;
    /* Stateless: any non-NULL handle will do. */
    *out = (Fts5Tokenizer *)ctx;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

struct emit_ctx {
    void *fts_ctx;
    int (*token)(void *, int, const char *, int, int, int);
    int end;
};

static int emit_token(void *ctx, const char *tok, int len)
{
    struct emit_ctx *ec = ctx;
    return ec->token(ec->fts_ctx, 0, tok, len, 0, ec->end);
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*token)(void *, int, const char *, int, int, int))
{
    (void)t;
    if (n <= 0)
        return SQLITE_OK;
    if (flags & FTS5_TOKENIZE_QUERY)
        return token(ctx, 0, text, n, 0, n);
    struct emit_ctx ec = {ctx, token, n};
    return search_doc_tokens(text, n, emit_token, &ec);
}

static void fn_search_key(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *in = (const char *)sqlite3_value_text(argv[0]);
    char out[SEARCH_VALUE_MAX + 1];
    if (!in) {
        sqlite3_result_null(c);
        return;
    }
    size_t n = search_value_key(in, (size_t)sqlite3_value_bytes(argv[0]), out, sizeof out);
    sqlite3_result_text(c, out, (int)n, SQLITE_TRANSIENT);
}

static fts5_api *fts5_api_of(sqlite3 *h)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int db_register_extensions(sqlite3 *h, struct err *e)
{
    static int handle;
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    fts5_api *api = fts5_api_of(h);
    if (!api || api->iVersion < 2)
        return err_set(e, GW_EDB, "this SQLite has no FTS5; gridwalk's search needs it");
    if (api->xCreateTokenizer(api, "gridwalk", &handle, &tok, NULL) != SQLITE_OK)
        return err_set(e, GW_EDB, "cannot register the search tokenizer: %s", sqlite3_errmsg(h));
    if (sqlite3_create_function(h, "gw_search_key", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                fn_search_key, NULL, NULL) != SQLITE_OK)
        return err_set(e, GW_EDB, "cannot register gw_search_key: %s", sqlite3_errmsg(h));
    return GW_OK;
}
