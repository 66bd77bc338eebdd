/* search_text.c - folding and the grams of the search index (see search_text.h).
 *
 * Why bigrams and not trigrams: most Chinese personal names are two or three characters, and
 * a user types one or two of them; a trigram index cannot answer those. Why unigrams for
 * everything but digits: a one-character query (a surname) must be answered by the index,
 * and a digit unigram would be a posting list of nearly every row for no gain. Why digit
 * 4-grams instead of digit bigrams: account and meter numbers are long digit runs, and a
 * digit bigram is in a tenth of all rows while a 4-gram is in about one in a thousand; 1-3
 * digit fragments match so many rows that checking rows in order finds a page at once. */
#include "gridwalk/config.h"

#include "data/search_text.h"

#include <string.h>

enum cls { CLS_OTHER, CLS_DIGIT, CLS_SPACE };

/* One decoded character of folded text: where it starts, how long it is, its class. */
struct ch {
    int off, len;
    enum cls cls;
};

#define FIELD_CHARS_MAX 1024

/* Length of the UTF-8 sequence at p (1 for an invalid byte, which is kept as it is). */
static int utf8_len(const unsigned char *p, size_t n, unsigned *cp)
{
    unsigned c = p[0];
    int len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        c &= 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if ((size_t)len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *cp = c;
    return len;
}

size_t search_fold(const char *in, size_t n, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t o = 0, i = 0;
    if (cap == 0)
        return 0;
    while (i < n && p[i]) {
        unsigned cp;
        int len = utf8_len(p + i, n - i, &cp);
        if (cp == 0x3000) {
            cp = ' ';
        } else if (cp >= 0xFF01 && cp <= 0xFF5E && len == 3) {
            cp = cp - 0xFF01 + 0x21;
        } else if (cp >= 0x80 || len > 1) {
            if (o + (size_t)len >= cap)
                break;
            memcpy(out + o, p + i, (size_t)len);
            o += (size_t)len;
            i += (size_t)len;
            continue;
        }
        if (cp >= 'A' && cp <= 'Z')
            cp = cp - 'A' + 'a';
        if (o + 1 >= cap)
            break;
        out[o++] = (char)cp;
        i += (size_t)len;
    }
    out[o] = '\0';
    return o;
}

int search_is_value_field(enum customer_field f)
{
    return f == CF_CAPACITY || f == CF_LINE || f == CF_VOLTAGE;
}

char search_field_tag(enum customer_field f, int start)
{
    static const char tags[CF_COUNT] = {'a', 'n', 'm', 'c', 'd', 'l', 'v'};
    char t = tags[f];
    return start ? (char)(t - 'a' + 'A') : t;
}

/* Splits folded text s[0..n) into characters; returns how many (at most max). */
static int split(const char *s, int n, struct ch *out, int max)
{
    int k = 0, i = 0;
    while (i < n && k < max) {
        unsigned cp;
        int len = utf8_len((const unsigned char *)s + i, (size_t)(n - i), &cp);
        out[k].off = i;
        out[k].len = len;
        out[k].cls = (cp >= '0' && cp <= '9')    ? CLS_DIGIT
                     : (cp <= ' ' || cp == 0x7F) ? CLS_SPACE
                                                 : CLS_OTHER;
        k++;
        i += len;
    }
    return k;
}

/* Emits tag + the characters c[from..from+count) of s. */
static int emit_span(search_emit_fn emit, void *ctx, char tag, const char *s, const struct ch *c,
                     int from, int count)
{
    char tok[SEARCH_TOKEN_MAX];
    int start = c[from].off, end = c[from + count - 1].off + c[from + count - 1].len;
    if (end - start + 1 > (int)sizeof tok)
        return 0;
    tok[0] = tag;
    memcpy(tok + 1, s + start, (size_t)(end - start));
    return emit(ctx, tok, end - start + 1);
}

static int all_digits(const struct ch *c, int from, int count)
{
    for (int i = from; i < from + count; i++)
        if (c[i].cls != CLS_DIGIT)
            return 0;
    return 1;
}

static int gram_field_tokens(enum customer_field f, const char *s, int n, search_emit_fn emit,
                             void *ctx)
{
    struct ch c[FIELD_CHARS_MAX];
    int k = split(s, n, c, FIELD_CHARS_MAX), rc;
    char t = search_field_tag(f, 0), T = search_field_tag(f, 1);
    for (int i = 0; i < k; i++) {
        if (c[i].cls == CLS_OTHER && (rc = emit_span(emit, ctx, t, s, c, i, 1)))
            return rc;
        if (i + 1 < k && c[i].cls != CLS_SPACE && c[i + 1].cls != CLS_SPACE &&
            !(c[i].cls == CLS_DIGIT && c[i + 1].cls == CLS_DIGIT) &&
            (rc = emit_span(emit, ctx, t, s, c, i, 2)))
            return rc;
        if (i + 3 < k && all_digits(c, i, 4) && (rc = emit_span(emit, ctx, t, s, c, i, 4)))
            return rc;
    }
    /* Where a digit run meets a letter: the letter with up to 4 digits after it, and up to
     * 4 digits with the letter after them ("巷982", "985号"). House numbers are short runs
     * next to 号, 幢, 室; without these, "985号" could only be narrowed by "5号". */
    for (int i = 0; i < k;) {
        if (c[i].cls != CLS_DIGIT) {
            i++;
            continue;
        }
        int j = i;
        while (j < k && c[j].cls == CLS_DIGIT)
            j++;
        for (int len = 2; len <= 4 && len <= j - i; len++) {
            if (i > 0 && c[i - 1].cls == CLS_OTHER &&
                (rc = emit_span(emit, ctx, t, s, c, i - 1, len + 1)))
                return rc;
            if (j < k && c[j].cls == CLS_OTHER &&
                (rc = emit_span(emit, ctx, t, s, c, j - len, len + 1)))
                return rc;
        }
        i = j;
    }
    if (k >= 1 && c[0].cls != CLS_SPACE && (rc = emit_span(emit, ctx, T, s, c, 0, 1)))
        return rc;
    if (k >= 2 && c[0].cls != CLS_SPACE && c[1].cls != CLS_SPACE &&
        (rc = emit_span(emit, ctx, T, s, c, 0, 2)))
        return rc;
    for (int len = 3; len <= 4; len++)
        if (k >= len && all_digits(c, 0, len) && (rc = emit_span(emit, ctx, T, s, c, 0, len)))
            return rc;
    return 0;
}

size_t search_value_key(const char *in, size_t n, char *out, size_t cap)
{
    return search_fold(in, n, out, cap < SEARCH_VALUE_MAX + 1 ? cap : SEARCH_VALUE_MAX + 1);
}

int search_value_token(enum customer_field f, const char *value, char *tok)
{
    size_t n = strlen(value);
    if (n > SEARCH_VALUE_MAX)
        n = SEARCH_VALUE_MAX;
    tok[0] = search_field_tag(f, 0);
    tok[1] = '=';
    memcpy(tok + 2, value, n);
    return (int)n + 2;
}

int search_doc_tokens(const char *doc, int n, search_emit_fn emit, void *ctx)
{
    int f = 0, from = 0, rc;
    char folded[FIELD_CHARS_MAX * 4 + 1];
    for (int i = 0; i <= n && f < CF_COUNT; i++) {
        if (i < n && doc[i] != SEARCH_SEP)
            continue;
        if (search_is_value_field((enum customer_field)f)) {
            char tok[SEARCH_TOKEN_MAX];
            search_value_key(doc + from, (size_t)(i - from), folded, sizeof folded);
            if (folded[0] &&
                (rc = emit(ctx, tok, search_value_token((enum customer_field)f, folded, tok))))
                return rc;
        } else {
            size_t len = search_fold(doc + from, (size_t)(i - from), folded, sizeof folded);
            if ((rc = gram_field_tokens((enum customer_field)f, folded, (int)len, emit, ctx)))
                return rc;
        }
        f++;
        from = i + 1;
    }
    return 0;
}

struct count_ctx {
    search_emit_fn emit;
    void *ctx;
    int n;
};

static int count_emit(void *ctx, const char *tok, int len)
{
    struct count_ctx *cc = ctx;
    cc->n++;
    return cc->emit(cc->ctx, tok, len);
}

int search_term_grams(enum customer_field f, const char *term, search_emit_fn emit, void *ctx)
{
    struct ch c[SEARCH_TOKEN_MAX];
    int n = (int)strlen(term);
    int k = split(term, n, c, SEARCH_TOKEN_MAX);
    char t = search_field_tag(f, 0);
    struct count_ctx cc = {emit, ctx, 0};
    for (int i = 0; i + 1 < k; i++) {
        if (c[i].cls != CLS_SPACE && c[i + 1].cls != CLS_SPACE &&
            !(c[i].cls == CLS_DIGIT && c[i + 1].cls == CLS_DIGIT))
            emit_span(count_emit, &cc, t, term, c, i, 2);
        if (i + 3 < k && all_digits(c, i, 4))
            emit_span(count_emit, &cc, t, term, c, i, 4);
    }
    /* The digit run's edges, as the document emits them (see gram_field_tokens): a run
     * inside the query is the document's whole run, one at the query's end a prefix of it,
     * one at its start a suffix. */
    for (int i = 0; i < k;) {
        if (c[i].cls != CLS_DIGIT) {
            i++;
            continue;
        }
        int j = i;
        while (j < k && c[j].cls == CLS_DIGIT)
            j++;
        int len = j - i < 4 ? j - i : 4;
        if (len >= 2 && i > 0 && c[i - 1].cls == CLS_OTHER)
            emit_span(count_emit, &cc, t, term, c, i - 1, len + 1);
        if (len >= 2 && j < k && c[j].cls == CLS_OTHER)
            emit_span(count_emit, &cc, t, term, c, j - len, len + 1);
        i = j;
    }
    /* No bigram (one character, or characters split by spaces): fall back to unigrams. */
    if (cc.n == 0)
        for (int i = 0; i < k; i++)
            if (c[i].cls == CLS_OTHER)
                emit_span(count_emit, &cc, t, term, c, i, 1);
    return cc.n;
}

int search_term_start(enum customer_field f, const char *term, char *tok)
{
    struct ch c[5];
    int k = split(term, (int)strlen(term), c, 5), len;
    if (k == 0 || c[0].cls == CLS_SPACE)
        return 0;
    if (k >= 4 && all_digits(c, 0, 4))
        len = 4;
    else if (k >= 3 && all_digits(c, 0, 3))
        len = 3;
    else if (k >= 2 && c[1].cls != CLS_SPACE)
        len = 2;
    else
        len = 1;
    int end = c[len - 1].off + c[len - 1].len;
    tok[0] = search_field_tag(f, 1);
    memcpy(tok + 1, term, (size_t)end);
    return end + 1;
}
