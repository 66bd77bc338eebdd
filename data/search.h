/* search.h - fuzzy multi-field customer search over the local store.
 *
 * A query is a list of terms (see app/query.h for the text syntax that produces it). A term
 * with field CF_COUNT ("any") matches if any of the seven fields contains it; a qualified
 * term matches only its field; all terms must match (AND). Chinese and other text match by
 * substring (1- and 2-character terms included); numbers by substring and prefix. Text is
 * compared folded (search_normalize). Hits are ranked: exact account/meter match first, then
 * prefix (a field starts with a term), then substring; within a tier in the order customers
 * were stored (row id, which is file order for an import). Ordering by id lets every tier
 * stream from the index and stop at the page's end instead of collecting and sorting every
 * match (a one-character surname matches tens of thousands of customers). Results are paged
 * with offset/limit; a page costs about offset+limit matches. Never reads outside data/;
 * never scans all rows for a selective query: only terms that match a large share of the
 * customers anyway (1-3 digit fragments) are checked row by row.
 *
 * The index (schema migration 2) follows every write to customers: new rows are found by
 * id, changed and deleted ones are queued by triggers. search_run sees both at once;
 * search_index_flush moves them into the index in one statement (the bulk upsert of
 * customers.c calls it when it commits). */
#ifndef GRIDWALK_SEARCH_H
#define GRIDWALK_SEARCH_H

#include "data/customers.h"

#define SEARCH_MAX_TERMS 8
#define SEARCH_TERM_MAX 128

struct search_term {
    enum customer_field field; /* CF_COUNT: any field */
    char text[SEARCH_TERM_MAX];
};

struct search_query {
    int n;
    struct search_term terms[SEARCH_MAX_TERMS];
};

enum search_tier { SEARCH_EXACT = 0, SEARCH_PREFIX = 1, SEARCH_SUBSTRING = 2 };

struct search_hit {
    struct customer customer;
    enum search_tier tier;   /* the best tier over the terms */
    unsigned matched_fields; /* bit (1u << CF_x) for each field a term matched in */
};

/* Runs q and fills up to `limit` hits starting at rank `offset` into a caller-owned array
 * `hits` (room for limit entries); *n gets the count. An empty query gives no hits.
 * GW_EINVAL for a limit outside 1..1000. */
int search_run(struct db *db, const struct search_query *q, int offset, int limit,
               struct search_hit *hits, int *n, struct err *e);

/* Moves every queued customer change into the search index, in one transaction (joins the
 * caller's, if any). Costs about 10 s per 1,000,000 queued rows; cheap when little is
 * queued. GW_EDB when the store refuses. */
int search_index_flush(struct db *db, struct err *e);

/* Number of customer changes queued for the index, or -1 on error. */
int64_t search_index_pending(struct db *db);

/* Folds text for searching: ASCII letters to lower case, full-width forms (digits, letters,
 * punctuation, U+FF01..U+FF5E) to ASCII, the ideographic space to a space. Writes at most
 * cap bytes including the NUL, cutting at a character boundary; returns the length. */
size_t search_normalize(const char *in, char *out, size_t cap);

#endif
