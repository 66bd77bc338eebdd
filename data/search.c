/* search.c - fuzzy multi-field customer search (see search.h).
 *
 * How a query runs. Each term becomes two FTS5 expressions over the tagged grams of
 * search_text.h: "contains" (S) and "starts with" (P), each an OR over the fields the term
 * may match of an AND of grams; for the value fields (capacity, line, voltage) the term is
 * first matched against the table of distinct values and becomes an OR of whole-value
 * tokens. Every token is quoted and passed whole to the tokenizer, so what the user typed
 * is never FTS5 or SQL syntax. A term the index cannot narrow (a 1-3 digit fragment, a
 * value matching many values) has no expression and is checked row by row.
 *
 * Three passes, one per tier, each streaming candidates in row-id order and stopping when
 * the page is full: exact account/meter (B-tree lookups), prefix (P of any term AND S of
 * every term), substring (S of every term, or a plain scan when no term has an S). When
 * the S's are expected to match few rows, one stream of them serves both the prefix and
 * the substring tier. The index may over-approximate (grams present but not adjacent), so
 * every candidate row is checked against the folded terms in C, which also decides its
 * tier and which fields matched. Rows queued by the triggers but not yet flushed into the
 * index are merged into each index pass by id.
 *
 * Which tokens go into an intersection is decided from the posting counts of common
 * tokens (search_common, refreshed by a bulk flush): a token in most rows is left out,
 * every other one narrows (see append_and). */
#include "gridwalk/config.h"

#include "data/customer_row.h"
#include "data/search.h"
#include "data/search_text.h"
#include "data/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value-field term matching more distinct values than this matches many rows: checking
 * rows one by one finds a page sooner than an OR of that many tokens. */
#define VALUES_MAX 64
/* Tokens of one field's AND: more narrows little and reads more lists. */
#define AND_MAX 4
#define TOKENS_MAX 24
/* search_common keeps the posting counts of tokens in more rows than this; a token not
 * listed is guessed to be in RARE_DOCS rows. */
#define COMMON_DOCS 500
#define RARE_DOCS 100
/* A flush of this many rows also merges the index into one segment and refreshes the
 * statistics of common tokens: a bulk import ends with one. */
#define STATS_MIN_ROWS 20000
/* More queued changes than this are flushed before searching rather than merged. */
#define PENDING_MERGE_MAX 20000
#define FOLD_MAX (SEARCH_TERM_MAX * 2)
/* A field longer than this (folded) is matched on its first FIELD_FOLD_MAX - 1 bytes. */
#define FIELD_FOLD_MAX 1024

static const char *const value_field_code[CF_COUNT] = {
    [CF_CAPACITY] = "c", [CF_LINE] = "l", [CF_VOLTAGE] = "v"};

/* What the index can say about one term, as an FTS5 expression. */
struct expr {
    sqlite3_str *s; /* NULL: the index cannot narrow this term */
    int parts;      /* OR-ed parts so far; 0 with s set: no row can match */
    int64_t est;    /* estimated rows matching s */
};

struct planner {
    struct db *db;
    sqlite3_stmt *docs; /* token -> posting count of common tokens */
    int64_t rows;       /* about how many customers there are */
};

struct term {
    enum customer_field field; /* CF_COUNT: any field */
    char text[FOLD_MAX];
    size_t len;
    struct expr subst, prefix;
};

/* Ids collected by pass_both. */
struct idvec {
    int64_t *id;
    int n, cap;
};

/* pass_stream's mode that sorts rows into tiers instead of offering them. */
#define PASS_COLLECT 3
/* A query whose substring expression is estimated to match at most ONE_PASS_MAX rows runs
 * its prefix and substring tiers in one pass; if it sees more than ONE_PASS_GIVE_UP rows
 * after all, it goes back to two. */
#define ONE_PASS_MAX 150
#define ONE_PASS_GIVE_UP 1000

struct run {
    struct db *db;
    struct term *t;
    int nt;
    int offset, limit;
    int rank; /* matches seen so far, over all passes */
    struct search_hit *hits;
    int n;
    int64_t *exact; /* ids taken by the exact pass */
    int nexact;
    int64_t rows;     /* about how many customers there are */
    int64_t *pending; /* queued ids, ascending */
    int npending;
    sqlite3_stmt *by_id;
    struct idvec tier1, tier2; /* pass_both's rows */
    int need;                  /* pass_both: rows wanted from here on */
    int index_none;            /* the index has no row for some term: only queued rows */
    int seen;                  /* pass_both: rows sorted into tiers so far */
};

size_t search_normalize(const char *in, char *out, size_t cap)
{
    return search_fold(in, strlen(in), out, cap);
}

static int applies(const struct term *t, enum customer_field f)
{
    return t->field == CF_COUNT || t->field == f;
}

static void quote_token(sqlite3_str *s, const char *tok, int len)
{
    sqlite3_str_appendchar(s, 1, '"');
    for (int i = 0; i < len; i++) {
        if (tok[i] == '"')
            sqlite3_str_appendchar(s, 1, '"');
        sqlite3_str_appendchar(s, 1, tok[i]);
    }
    sqlite3_str_appendchar(s, 1, '"');
}

/* How many rows a token's posting list holds, from the statistics search_index_flush keeps
 * for the common ones (search_common); 0 for a token not listed, which is rare. */
static int64_t token_docs(struct planner *p, const char *tok, int len)
{
    if (!p->docs)
        return 0;
    sqlite3_reset(p->docs);
    sqlite3_bind_text(p->docs, 1, tok, len, SQLITE_STATIC);
    return sqlite3_step(p->docs) == SQLITE_ROW ? sqlite3_column_int64(p->docs, 0) : 0;
}

struct gram_list {
    char tok[TOKENS_MAX][SEARCH_TOKEN_MAX];
    int len[TOKENS_MAX];
    int64_t docs[TOKENS_MAX];
    int n;
};

static int collect_gram(void *ctx, const char *tok, int len)
{
    struct gram_list *g = ctx;
    if (g->n < TOKENS_MAX && len <= SEARCH_TOKEN_MAX) {
        memcpy(g->tok[g->n], tok, (size_t)len);
        g->len[g->n++] = len;
    }
    return 0;
}

/* Appends "(a AND b ...)" of g's rarest tokens: the rarest, then the next rarest (at most
 * AND_MAX in all) that are in no more than a quarter of the rows. Why: intersecting costs
 * about one page read per row of the shortest list for every other list, so a list that
 * holds nearly every row ("3330", the region prefix of every meter number) adds
 * milliseconds and narrows nothing, while any list that does narrow saves checking rows
 * in C, which costs more than a page read. Returns the estimated number of rows. */
static int64_t append_and(struct planner *p, sqlite3_str *s, struct gram_list *g)
{
    int order[TOKENS_MAX], kept = 0;
    for (int i = 0; i < g->n; i++) {
        g->docs[i] = token_docs(p, g->tok[i], g->len[i]);
        order[i] = i;
    }
    for (int i = 1; i < g->n; i++)
        for (int j = i; j > 0 && g->docs[order[j]] < g->docs[order[j - 1]]; j--) {
            int tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    sqlite3_str_appendchar(s, 1, '(');
    for (int k = 0; k < g->n && kept < AND_MAX; k++) {
        int i = order[k];
        if (kept > 0 && g->docs[i] > p->rows / 4)
            break;
        if (kept++)
            sqlite3_str_appendall(s, " AND ");
        quote_token(s, g->tok[i], g->len[i]);
    }
    sqlite3_str_appendchar(s, 1, ')');
    return g->docs[order[0]] ? g->docs[order[0]] : RARE_DOCS;
}

/* Adds one OR-ed part (an expression text) of estimated size est to x. */
static void expr_add(struct expr *x, const char *text, int64_t est)
{
    if (!x->s)
        return;
    if (x->parts++ > 0)
        sqlite3_str_appendall(x->s, " OR ");
    sqlite3_str_appendf(x->s, "(%s)", text);
    x->est += est;
}

static void expr_unindexable(struct expr *x)
{
    if (x->s)
        sqlite3_free(sqlite3_str_finish(x->s));
    x->s = NULL;
}

/* Values of one value field matching a term, as an OR of their tokens. */
struct value_or {
    sqlite3_str *s;
    int count;
    int64_t est;
};

static void value_or_add(struct planner *p, struct value_or *v, const char *tok, int len)
{
    if (++v->count > VALUES_MAX)
        return;
    int64_t d = token_docs(p, tok, len);
    v->est += d ? d : RARE_DOCS;
    if (v->count > 1)
        sqlite3_str_appendall(v->s, " OR ");
    quote_token(v->s, tok, len);
}

/* Moves v into x: an OR of too many values cannot narrow, and none adds nothing. */
static void value_or_done(struct expr *x, struct value_or *v)
{
    char *text = sqlite3_str_finish(v->s);
    if (v->count > VALUES_MAX)
        expr_unindexable(x);
    else if (v->count > 0)
        expr_add(x, text, v->est);
    sqlite3_free(text);
}

/* Adds to t's expressions the distinct values of value field f that contain (subst) or
 * start with (prefix) the term, in one scan of the field's values (a few thousand line
 * names at most). */
static int plan_value_field(struct planner *p, struct term *t, enum customer_field f, struct err *e)
{
    sqlite3_stmt *st = db_prepare(p->db, e,
                                  "SELECT value, instr(value, :t) FROM search_values "
                                  "WHERE field = :f AND instr(value, :t) > 0");
    struct value_or subst = {sqlite3_str_new(db_sqlite(p->db)), 0, 0};
    struct value_or prefix = {sqlite3_str_new(db_sqlite(p->db)), 0, 0};
    int step = SQLITE_DONE;
    if (st) {
        db_bind_text(st, ":f", value_field_code[f]);
        db_bind_text(st, ":t", t->text);
        while ((step = db_step(p->db, st, e)) == SQLITE_ROW) {
            char tok[SEARCH_TOKEN_MAX + 1];
            int len = search_value_token(f, db_col_text(st, 0), tok);
            value_or_add(p, &subst, tok, len);
            if (sqlite3_column_int(st, 1) == 1)
                value_or_add(p, &prefix, tok, len);
        }
        sqlite3_finalize(st);
    }
    value_or_done(&t->subst, &subst);
    value_or_done(&t->prefix, &prefix);
    return st && step == SQLITE_DONE ? GW_OK : GW_EDB;
}

static int plan_term(struct planner *p, struct term *t, struct err *e)
{
    t->subst.s = sqlite3_str_new(db_sqlite(p->db));
    t->prefix.s = sqlite3_str_new(db_sqlite(p->db));
    for (int fi = 0; fi < CF_COUNT; fi++) {
        enum customer_field f = (enum customer_field)fi;
        if (!applies(t, f))
            continue;
        if (search_is_value_field(f)) {
            int rc = plan_value_field(p, t, f, e);
            if (rc)
                return rc;
            continue;
        }
        struct gram_list g = {.n = 0};
        search_term_grams(f, t->text, collect_gram, &g);
        if (g.n == 0) {
            expr_unindexable(&t->subst);
        } else {
            sqlite3_str *part = sqlite3_str_new(db_sqlite(p->db));
            int64_t est = append_and(p, part, &g);
            char *text = sqlite3_str_finish(part);
            expr_add(&t->subst, text, est);
            sqlite3_free(text);
        }
        /* The prefix part: the start token joins the grams, rarest first as ever. */
        char start[SEARCH_TOKEN_MAX];
        int start_len = search_term_start(f, t->text, start);
        if (start_len == 0) {
            expr_unindexable(&t->prefix);
            continue;
        }
        if (g.n == TOKENS_MAX)
            g.n--;
        memcpy(g.tok[g.n], start, (size_t)start_len);
        g.len[g.n++] = start_len;
        sqlite3_str *part = sqlite3_str_new(db_sqlite(p->db));
        int64_t est = append_and(p, part, &g);
        char *text = sqlite3_str_finish(part);
        expr_add(&t->prefix, text, est);
        sqlite3_free(text);
    }
    return GW_OK;
}

static void term_done(struct term *t)
{
    expr_unindexable(&t->subst);
    expr_unindexable(&t->prefix);
}

/* 1 when folding would change s: it has upper-case ASCII or any non-ASCII byte. */
static int needs_fold(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80 || (*s >= 'A' && *s <= 'Z'))
            return 1;
    return 0;
}

/* Checks a candidate row, given as the texts of its seven fields, against every term.
 * Returns the row's tier (the best over terms) or -1 when a term does not match; fills
 * *fields. Works on the column texts without copying the row: most candidates of a scan
 * are rejected, and only hits are loaded into a struct customer. */
static int row_tier(const struct run *r, const char *const raw[CF_COUNT], unsigned *fields)
{
    char buf[CF_COUNT][FIELD_FOLD_MAX];
    const char *folded[CF_COUNT] = {NULL};
    int best = SEARCH_SUBSTRING;
    *fields = 0;
    for (int i = 0; i < r->nt; i++) {
        const struct term *t = &r->t[i];
        int tier = -1;
        for (int fi = 0; fi < CF_COUNT; fi++) {
            enum customer_field f = (enum customer_field)fi;
            if (!applies(t, f))
                continue;
            if (!folded[f]) {
                if (needs_fold(raw[f])) {
                    search_fold(raw[f], strlen(raw[f]), buf[f], sizeof buf[f]);
                    folded[f] = buf[f];
                } else {
                    folded[f] = raw[f];
                }
            }
            const char *hit = strstr(folded[f], t->text);
            if (!hit)
                continue;
            *fields |= 1u << f;
            int ft = SEARCH_SUBSTRING;
            if (hit == folded[f])
                ft = ((f == CF_ACCOUNT || f == CF_METER) && folded[f][t->len] == '\0')
                         ? SEARCH_EXACT
                         : SEARCH_PREFIX;
            if (tier < 0 || ft < tier)
                tier = ft;
        }
        if (tier < 0)
            return -1;
        if (tier < best)
            best = tier;
    }
    return best;
}

static int in_exact(const struct run *r, int64_t id)
{
    for (int i = 0; i < r->nexact; i++)
        if (r->exact[i] == id)
            return 1;
    return 0;
}

static void push_id(struct idvec *v, int64_t id)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        int64_t *grown = realloc(v->id, sizeof *grown * (size_t)v->cap);
        if (!grown)
            abort();
        v->id = grown;
    }
    v->id[v->n++] = id;
}

/* Offers one row to pass `pass`; returns 1 when the page is full. */
static int offer(struct run *r, sqlite3_stmt *st, int pass)
{
    const char *raw[CF_COUNT];
    unsigned fields;
    for (int f = 0; f < CF_COUNT; f++)
        raw[f] = db_col_text(st, 1 + f);
    int64_t id = sqlite3_column_int64(st, 0);
    int tier = row_tier(r, raw, &fields);
    if (tier < 0)
        return 0;
    if (pass == PASS_COLLECT) {
        if (++r->seen > ONE_PASS_GIVE_UP)
            return 1;
        if (tier == SEARCH_SUBSTRING) {
            if (r->tier2.n < r->need)
                push_id(&r->tier2, id);
            return 0;
        }
        if (in_exact(r, id))
            return 0;
        push_id(&r->tier1, id);
        /* Enough rows of the better tier: none of the worse one can be on the page. */
        return r->tier1.n >= r->need;
    }
    if (pass == SEARCH_EXACT && tier != SEARCH_EXACT)
        return 0;
    if (pass == SEARCH_PREFIX && (tier > SEARCH_PREFIX || in_exact(r, id)))
        return 0;
    if (pass == SEARCH_SUBSTRING && tier != SEARCH_SUBSTRING)
        return 0;
    if (pass == SEARCH_EXACT) {
        int64_t *grown = realloc(r->exact, sizeof *grown * (size_t)(r->nexact + 1));
        if (!grown)
            abort();
        r->exact = grown;
        r->exact[r->nexact++] = id;
    }
    if (r->rank++ < r->offset || r->n >= r->limit)
        return 0;
    struct search_hit *h = &r->hits[r->n++];
    customer_from_row(st, &h->customer);
    h->tier = (enum search_tier)pass;
    h->matched_fields = fields;
    /* The exact pass must see all its rows to exclude them later, even past the page. */
    return pass != SEARCH_EXACT && r->n >= r->limit;
}

/* Loads queued row id into by_id; 1 if the customer exists. */
static int load_by_id(struct run *r, int64_t id, struct err *e)
{
    sqlite3_reset(r->by_id);
    db_bind_int64(r->by_id, ":id", id);
    int step = db_step(r->db, r->by_id, e);
    return step == SQLITE_ROW ? 1 : step < 0 ? -1 : 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int pass_exact(struct run *r, struct err *e)
{
    int64_t ids[SEARCH_MAX_TERMS * 4];
    int nids = 0, rc = GW_OK;
    sqlite3_stmt *st = db_prepare(r->db, e,
                                  "SELECT id FROM customers WHERE account = :t "
                                  "UNION SELECT id FROM customers WHERE meter = :t LIMIT 4");
    if (!st)
        return GW_EDB;
    for (int i = 0; i < r->nt; i++) {
        if (!applies(&r->t[i], CF_ACCOUNT) && !applies(&r->t[i], CF_METER))
            continue;
        int step;
        sqlite3_reset(st);
        db_bind_text(st, ":t", r->t[i].text);
        while ((step = db_step(r->db, st, e)) == SQLITE_ROW)
            ids[nids++] = sqlite3_column_int64(st, 0);
        if (step < 0) {
            rc = GW_EDB;
            goto out;
        }
    }
    qsort(ids, (size_t)nids, sizeof ids[0], cmp_id);
    for (int i = 0; i < nids; i++) {
        if (i > 0 && ids[i] == ids[i - 1])
            continue;
        int got = load_by_id(r, ids[i], e);
        if (got < 0) {
            rc = GW_EDB;
            goto out;
        }
        if (got)
            offer(r, r->by_id, SEARCH_EXACT);
    }
out:
    sqlite3_finalize(st);
    return rc;
}

/* Streams the rows matching FTS5 expression `match` (NULL: every row) in id order, merged
 * with the queued rows, offering each to `pass`. When the index has no row for some term,
 * only the queued rows are looked at. */
static int pass_stream(struct run *r, const char *match, int pass, struct err *e)
{
    int rc = GW_OK, step = SQLITE_DONE, pi = 0;
    sqlite3_stmt *st = NULL;
    if (!match || !r->index_none) {
        st = match ? db_prepare(r->db, e,
                                "SELECT " CUSTOMER_ROW_COLUMNS " FROM customer_search f "
                                "JOIN customers c ON c.id = f.rowid "
                                "WHERE f.customer_search MATCH :q ORDER BY f.rowid")
                   : db_prepare(r->db, e,
                                "SELECT " CUSTOMER_ROW_COLUMNS " FROM customers c ORDER BY c.id");
        if (!st)
            return GW_EDB;
        if (match)
            db_bind_text(st, ":q", match);
        step = db_step(r->db, st, e);
    }
    for (;;) {
        if (step < 0) {
            rc = GW_EDB;
            goto out;
        }
        int64_t id = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : INT64_MAX;
        /* A plain scan already sees queued rows. */
        if (match && pi < r->npending && r->pending[pi] <= id) {
            int64_t qid = r->pending[pi++];
            int got = load_by_id(r, qid, e);
            if (got < 0) {
                rc = GW_EDB;
                goto out;
            }
            if (got && offer(r, r->by_id, pass))
                goto out;
            if (qid == id)
                step = db_step(r->db, st, e);
            continue;
        }
        if (step != SQLITE_ROW)
            break;
        if (offer(r, st, pass))
            goto out;
        step = db_step(r->db, st, e);
    }
out:
    sqlite3_finalize(st);
    return rc;
}

/* Appends " AND (S)" for the terms whose substring expressions narrow: the rarest, then
 * those estimated in no more than a quarter of the rows (at most AND_MAX); a term in most
 * rows is left to the check in C. *n counts the expressions already in s. Returns the
 * estimated rows of the AND, the terms taken as independent. */
static double append_subst(struct run *r, sqlite3_str *s, int *n)
{
    int idx[SEARCH_MAX_TERMS], m = 0;
    double est = (double)r->rows;
    for (int i = 0; i < r->nt; i++) {
        if (!r->t[i].subst.s)
            continue;
        int j = m++;
        for (; j > 0 && r->t[idx[j - 1]].subst.est > r->t[i].subst.est; j--)
            idx[j] = idx[j - 1];
        idx[j] = i;
    }
    for (int k = 0; k < m && k < AND_MAX; k++) {
        struct expr *x = &r->t[idx[k]].subst;
        if (k > 0 && x->est > r->rows / 4)
            break;
        if ((*n)++)
            sqlite3_str_appendall(s, " AND ");
        sqlite3_str_appendf(s, "(%s)", sqlite3_str_value(x->s));
        if (r->rows > 0)
            est *= (double)x->est / (double)r->rows;
    }
    return est;
}

/* Rows where some term starts some field: (P1 OR P2 ...) AND S1 AND S2 ... When a term's
 * P cannot narrow, the OR cannot either and the S's alone drive the pass. */
static int pass_prefix(struct run *r, struct err *e)
{
    int narrow = 1, any = 0, n = 0;
    for (int i = 0; i < r->nt; i++) {
        if (!r->t[i].prefix.s)
            narrow = 0;
        else if (r->t[i].prefix.parts > 0)
            any = 1;
    }
    if (narrow && !any)
        return GW_OK; /* no term starts any field of any customer */
    sqlite3_str *s = sqlite3_str_new(db_sqlite(r->db));
    if (narrow) {
        sqlite3_str_appendchar(s, 1, '(');
        for (int i = 0; i < r->nt; i++) {
            struct expr *x = &r->t[i].prefix;
            if (x->parts == 0)
                continue;
            if (n++)
                sqlite3_str_appendall(s, " OR ");
            sqlite3_str_appendf(s, "(%s)", sqlite3_str_value(x->s));
        }
        sqlite3_str_appendchar(s, 1, ')');
        n = 1;
    }
    append_subst(r, s, &n);
    char *q = sqlite3_str_finish(s);
    int rc = pass_stream(r, n ? q : NULL, SEARCH_PREFIX, e);
    sqlite3_free(q);
    return rc;
}

static int pass_substring(struct run *r, struct err *e)
{
    int n = 0;
    sqlite3_str *s = sqlite3_str_new(db_sqlite(r->db));
    append_subst(r, s, &n);
    char *q = sqlite3_str_finish(s);
    int rc = pass_stream(r, n ? q : NULL, SEARCH_SUBSTRING, e);
    sqlite3_free(q);
    return rc;
}

/* Offers the collected ids to `pass`, in order, until the page is full. */
static int offer_ids(struct run *r, const struct idvec *v, int pass, struct err *e)
{
    for (int i = 0; i < v->n && r->n < r->limit; i++) {
        int got = load_by_id(r, v->id[i], e);
        if (got < 0)
            return GW_EDB;
        if (got)
            offer(r, r->by_id, pass);
    }
    return GW_OK;
}

/* The prefix and substring tiers in one stream of the substring expression, for a query
 * expected to match few rows: the two-pass way would step through the same intersection
 * twice. Rows go into one list per tier (ids only), then to the page in tier order. */
static int pass_both(struct run *r, const char *match, struct err *e)
{
    int rc;
    r->need = r->offset + r->limit - r->rank;
    if ((rc = pass_stream(r, match, PASS_COLLECT, e)))
        return rc;
    if (r->seen > ONE_PASS_GIVE_UP) {
        /* The estimate was wrong: many rows match. Two passes stop at the page's end. */
        r->tier1.n = r->tier2.n = 0;
        if ((rc = pass_prefix(r, e)) || r->n >= r->limit)
            return rc;
        return pass_substring(r, e);
    }
    if ((rc = offer_ids(r, &r->tier1, SEARCH_PREFIX, e)) ||
        (rc = offer_ids(r, &r->tier2, SEARCH_SUBSTRING, e)))
        return rc;
    return GW_OK;
}

static int load_pending(struct run *r, struct err *e)
{
    int64_t n = search_index_pending(r->db);
    if (n < 0)
        return err_set(e, GW_EDB, "store %s: cannot read the search queue", db_path(r->db));
    if (n == 0)
        return GW_OK;
    if (n > PENDING_MERGE_MAX && !db_in_transaction(r->db) &&
        search_index_flush(r->db, NULL) == GW_OK)
        return GW_OK;
    sqlite3_stmt *st = db_prepare(r->db, e,
                                  "SELECT id FROM search_queue UNION ALL SELECT id FROM customers "
                                  "WHERE id > (SELECT indexed_to FROM search_state) ORDER BY 1");
    if (!st)
        return GW_EDB;
    int step;
    while ((step = db_step(r->db, st, e)) == SQLITE_ROW) {
        int64_t *grown = realloc(r->pending, sizeof *grown * (size_t)(r->npending + 1));
        if (!grown)
            abort();
        r->pending = grown;
        r->pending[r->npending++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return step < 0 ? GW_EDB : GW_OK;
}

int search_run(struct db *db, const struct search_query *q, int offset, int limit,
               struct search_hit *hits, int *n, struct err *e)
{
    struct term terms[SEARCH_MAX_TERMS];
    struct run r = {.db = db, .t = terms, .offset = offset, .limit = limit, .hits = hits};
    struct planner planner = {NULL, NULL, 0};
    int rc = GW_OK;
    *n = 0;
    if (limit < 1 || limit > 1000)
        return err_set(e, GW_EINVAL, "search: a page holds 1 to 1000 results, not %d", limit);
    if (offset < 0)
        return err_set(e, GW_EINVAL, "search: the offset cannot be negative (%d)", offset);
    planner.db = db;
    planner.docs = db_prepare(db, e, "SELECT docs FROM search_common WHERE token = ?1");
    if (!planner.docs)
        return GW_EDB;
    sqlite3_stmt *st = db_prepare(db, e, "SELECT coalesce(max(id), 0) FROM customers");
    if (st && sqlite3_step(st) == SQLITE_ROW)
        planner.rows = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    r.rows = planner.rows;
    for (int i = 0; i < q->n && i < SEARCH_MAX_TERMS; i++) {
        struct term *t = &terms[r.nt];
        memset(t, 0, sizeof *t);
        t->field = q->terms[i].field;
        t->len = search_normalize(q->terms[i].text, t->text, sizeof t->text);
        if (t->len == 0)
            continue;
        r.nt++;
        if ((rc = plan_term(&planner, t, e)))
            goto out;
        /* The index proves no indexed row matches this term: only queued rows can. */
        if (t->subst.s && t->subst.parts == 0)
            r.index_none = 1;
    }
    if (r.nt == 0)
        goto out;
    r.by_id =
        db_prepare(db, e, "SELECT " CUSTOMER_ROW_COLUMNS " FROM customers c WHERE c.id = :id");
    if (!r.by_id) {
        rc = GW_EDB;
        goto out;
    }
    if ((rc = load_pending(&r, e)))
        goto out;
    if (r.index_none && r.npending == 0)
        goto out;
    if ((rc = pass_exact(&r, e)))
        goto out;
    if (r.n < r.limit) {
        int parts = 0;
        sqlite3_str *s = sqlite3_str_new(db_sqlite(db));
        double est = append_subst(&r, s, &parts);
        char *match = sqlite3_str_finish(s);
        if (parts > 0 && est <= ONE_PASS_MAX)
            rc = pass_both(&r, match, e);
        else if (!(rc = pass_prefix(&r, e)) && r.n < r.limit)
            rc = pass_substring(&r, e);
        sqlite3_free(match);
        if (rc)
            goto out;
    }
out:
    if (r.n > r.limit)
        r.n = r.limit;
    *n = r.n;
    for (int i = 0; i < r.nt; i++)
        term_done(&terms[i]);
    sqlite3_finalize(r.by_id);
    sqlite3_finalize(planner.docs);
    free(r.exact);
    free(r.pending);
    free(r.tier1.id);
    free(r.tier2.id);
    return rc;
}

int64_t search_index_pending(struct db *db)
{
    sqlite3_stmt *st =
        db_prepare(db, NULL,
                   "SELECT (SELECT count(*) FROM search_queue) + (SELECT count(*) FROM customers "
                   "WHERE id > (SELECT indexed_to FROM search_state))");
    int64_t n = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int search_index_flush(struct db *db, struct err *e)
{
    int64_t moved = search_index_pending(db);
    if (moved < 0)
        return err_set(e, GW_EDB, "store %s: cannot read the search queue", db_path(db));
    if (moved == 0)
        return GW_OK;
    int rc = db_begin(db, e);
    if (rc)
        return rc;
    /* A bulk flush keeps up to 128 MB of terms in memory before writing a segment (FTS5's
     * default is 1 MB): a million rows then take ~10 s of CPU instead of ~16 s, most of the
     * difference being segments merged again and again. Set back at the end. */
    if (moved >= STATS_MIN_ROWS)
        rc = db_exec(db, e,
                     "INSERT INTO customer_search(customer_search, rank) "
                     "VALUES('hashsize', 134217728)");
    if (!rc)
        rc = db_exec(
            db, e,
            "INSERT INTO customer_search(customer_search, rowid, doc)\n"
            "  SELECT 'delete', id, old_doc FROM search_queue WHERE old_doc IS NOT NULL;\n"
            /* Queued rows (ids at or below the mark), then new ones: ascending ids, which FTS5
             * needs to append instead of writing a segment per row. */
            "CREATE TEMP TABLE search_moving AS\n"
            "  SELECT id FROM search_queue UNION ALL SELECT id FROM customers\n"
            "  WHERE id > (SELECT indexed_to FROM search_state) ORDER BY 1;\n"
            "INSERT INTO customer_search(rowid, doc)\n"
            "  SELECT c.id, " SEARCH_DOC(
                "c") " FROM temp.search_moving m\n"
                     "  JOIN customers c ON c.id = m.id ORDER BY m.rowid;\n"
                     "INSERT OR IGNORE INTO search_values(field, value)\n"
                     "  SELECT f, gw_search_key(v) FROM (\n"
                     "    SELECT DISTINCT 'c' AS f, c.capacity AS v FROM temp.search_moving m\n"
                     "      JOIN customers c ON c.id = m.id WHERE c.capacity <> ''\n"
                     "    UNION SELECT 'l', c.line FROM temp.search_moving m JOIN customers c\n"
                     "      ON c.id = m.id WHERE c.line <> ''\n"
                     "    UNION SELECT 'v', c.voltage FROM temp.search_moving m JOIN customers c\n"
                     "      ON c.id = m.id WHERE c.voltage <> '');\n"
                     "DROP TABLE temp.search_moving;\n"
                     "DELETE FROM search_queue;\n"
                     "UPDATE search_state SET indexed_to = (SELECT coalesce(max(id), 0) FROM "
                     "customers);");
    /* After a bulk load: one segment (fewer b-trees to probe per token; ~0-3 s per million
     * rows) and fresh counts of the common tokens (~2 s per million rows). */
    if (!rc && moved >= STATS_MIN_ROWS) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "INSERT INTO customer_search(customer_search) VALUES('optimize');\n"
                 "INSERT INTO customer_search(customer_search, rank) VALUES('hashsize', 1048576);\n"
                 "DELETE FROM search_common;\n"
                 "CREATE VIRTUAL TABLE temp.search_vocab USING\n"
                 "  fts5vocab(main, customer_search, row);\n"
                 "INSERT INTO search_common(token, docs)\n"
                 "  SELECT term, doc FROM temp.search_vocab WHERE doc >= %d;\n"
                 "DROP TABLE temp.search_vocab;",
                 COMMON_DOCS);
        rc = db_exec(db, e, sql);
    }
    if (rc) {
        db_rollback(db);
        return err_prefix(e, "updating the search index: ");
    }
    return db_commit(db, e);
}
