/* search_text.h - the text rules shared by the search index's tokenizer and the search
 * queries, inside data/ only.
 *
 * One place decides how text is folded (ASCII case, full-width forms) and which grams a
 * field produces, so the tokenizer (extensions.c) and the query builder (search.c) can
 * never disagree: every gram a query asks for is one the tokenizer wrote for any field that
 * contains the query. Owns no memory; never touches SQLite.
 *
 * The index document is the seven fields in customer_field order, joined by SEARCH_SEP.
 * Tokens are one tag byte then UTF-8 text:
 *   - gram fields (account, name, meter, address), tag "anmd"[...] in lower case: a unigram of
 *     each character that is not a digit or a space, a bigram of each adjacent pair that is
 *     neither two digits nor has a space, a 4-gram of each run of four digits, and where
 *     a digit run meets a letter, the letter with the run's first 2-4 digits and the run's
 *     last 2-4 digits with the letter;
 *     tag in upper case: the field's first 1 and 2 characters and, when they are digits,
 *     its first 3 and 4 (the prefix tier).
 *   - value fields (capacity, line, voltage): one token, tag then '=' then the folded value
 *     (cut to SEARCH_VALUE_MAX bytes); substring search on them goes through the table of
 *     distinct values. */
#ifndef GRIDWALK_SEARCH_TEXT_H
#define GRIDWALK_SEARCH_TEXT_H

#include "data/customers.h"

#include <stddef.h>

#define SEARCH_SEP '\x1f'
/* The index document of a customers row named r, as SQL: the fields in customer_field order
 * joined by SEARCH_SEP (char 31). Inserting and deleting a row of the contentless index must
 * build exactly the same text, so every statement uses this one definition. */
#define SEARCH_DOC(r)                                                                              \
    r ".account||char(31)||" r ".name||char(31)||" r ".meter||char(31)||" r                        \
      ".capacity||char(31)||" r ".address||char(31)||" r ".line||char(31)||" r ".voltage"
#define SEARCH_VALUE_MAX 200
/* Longest token: tag, '=' and a value, or tag and four 4-byte characters. */
#define SEARCH_TOKEN_MAX (SEARCH_VALUE_MAX + 8)

/* Folds n bytes of UTF-8 into out (capacity cap, always NUL-terminated): ASCII letters to
 * lower case, full-width ASCII forms (U+FF01..U+FF5E) to ASCII, the ideographic space to a
 * space. Stops at a character boundary when out is full. Returns the folded length. */
size_t search_fold(const char *in, size_t n, char *out, size_t cap);

/* 1 for the fields indexed as distinct values (capacity, line, voltage). */
int search_is_value_field(enum customer_field f);

/* The tag byte of field f: lower case for grams, upper case (start) when start != 0. */
char search_field_tag(enum customer_field f, int start);

typedef int (*search_emit_fn)(void *ctx, const char *tok, int len);

/* Emits the tokens of one index document (fields joined by SEARCH_SEP, unfolded); stops and
 * returns the first non-zero value an emit returns. */
int search_doc_tokens(const char *doc, int n, search_emit_fn emit, void *ctx);

/* Emits the grams a gram field must hold to contain the folded term (bigrams and digit
 * 4-grams, or the unigram of a one-character term). Returns the number emitted: 0 means the
 * index cannot narrow this term (a 1-3 digit term) and rows must be checked one by one. */
int search_term_grams(enum customer_field f, const char *term, search_emit_fn emit, void *ctx);

/* Writes into tok (SEARCH_TOKEN_MAX bytes) the start token a gram field holds when it begins
 * with the folded term; returns its length, 0 when there is none (a term starting with a
 * space). */
int search_term_start(enum customer_field f, const char *term, char *tok);

/* Writes the value token of a folded, cut value of value field f into tok; returns its length. */
int search_value_token(enum customer_field f, const char *value, char *tok);

/* Folds and cuts a value field's text the way the index stores it (SEARCH_VALUE_MAX bytes). */
size_t search_value_key(const char *in, size_t n, char *out, size_t cap);

#endif
