/* import.c - the marketing system's CSV export into the customers table.
 *
 * libcsv does the RFC 4180 work (quotes, doubled quotes, commas and line breaks inside
 * quotes, CRLF). It does not count lines, so the file is fed to it one physical line at a
 * time: whenever a line starts while the parser is between records, that line is where the
 * next record begins, and that is the number a person sees in "line N: ...". GB18030 input
 * goes through iconv first; the line counting happens on the UTF-8 side. */
#include "gridwalk/config.h"

#include "app/import.h"
#include "data/customers.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Hard caps on what outside input can make us hold. */
#define IMPORT_MAX_COLUMNS 64
#define IMPORT_MAX_HEADER_CELL 128
#define IMPORT_MAX_FIELD (1u << 20) /* a longer field is a quote left open */
#define IMPORT_CHUNK 65536

/* Column targets beyond the seven customer fields. */
enum { COL_IGNORED = -1, COL_LAT = CF_COUNT, COL_LON = CF_COUNT + 1, COL_TARGETS };

/* libcsv's parser states (libcsv.c keeps the names private; the struct is public). */
#define CSV_PSTATE_ROW_NOT_BEGUN 0
#define CSV_PSTATE_FIELD_BEGUN 2

struct column_name {
    const char *name;
    int target;
};

/* English keys compare case-insensitively, Chinese ones exactly. */
static const struct column_name column_names[] = {
    {"account", CF_ACCOUNT},   {"户号", CF_ACCOUNT},
    {"name", CF_NAME},         {"户名", CF_NAME},
    {"meter", CF_METER},       {"表计局号", CF_METER},
    {"capacity", CF_CAPACITY}, {"合同容量", CF_CAPACITY},
    {"address", CF_ADDRESS},   {"用电地址", CF_ADDRESS},
    {"line", CF_LINE},         {"线路名称", CF_LINE},
    {"voltage", CF_VOLTAGE},   {"供电电压等级", CF_VOLTAGE},
    {"lat", COL_LAT},          {"latitude", COL_LAT},
    {"纬度", COL_LAT},         {"lon", COL_LON},
    {"lng", COL_LON},          {"longitude", COL_LON},
    {"经度", COL_LON},
};

static const char *const target_labels[COL_TARGETS] = {
    "account number (户号)",        "name (户名)",        "meter number (表计局号)",
    "capacity (合同容量)",          "address (用电地址)", "line name (线路名称)",
    "voltage level (供电电压等级)", "latitude (纬度)",    "longitude (经度)",
};

struct importer {
    struct db *db;
    const struct import_options *o;
    struct import_summary *s;
    struct err *e;
    struct csv_parser p;
    struct customers_upsert *up;
    locale_t c_locale;
    int check_utf8; /* the bytes were not proven UTF-8 before parsing */
    int fatal;      /* stop: e holds why */

    long line;     /* physical line being fed, 1-based */
    long rec_line; /* where the record being parsed began */
    int line_start;
    int last_unterminated; /* the record at the end has no line break after it */

    int have_header;
    int ncols;
    int col_target[IMPORT_MAX_COLUMNS];
    char header[IMPORT_MAX_COLUMNS][IMPORT_MAX_HEADER_CELL];

    /* The record being parsed. */
    int nfields;
    int extra_nonempty; /* fields past the header's count that hold something */
    int bad;
    char why[256];
    struct customer c;
    char lat[64], lon[64];
    int seen[COL_TARGETS];
};

int import_encoding_parse(const char *text, enum import_encoding *out, struct err *e)
{
    if (strcasecmp(text, "auto") == 0)
        *out = IMPORT_ENC_AUTO;
    else if (strcasecmp(text, "utf-8") == 0 || strcasecmp(text, "utf8") == 0)
        *out = IMPORT_ENC_UTF8;
    else if (strcasecmp(text, "gb18030") == 0 || strcasecmp(text, "gbk") == 0 ||
             strcasecmp(text, "gb2312") == 0 || strcasecmp(text, "cp936") == 0)
        *out = IMPORT_ENC_GB18030;
    else
        return err_set(e, GW_EINVAL, "unknown encoding '%s': use auto, utf-8 or gb18030", text);
    return GW_OK;
}

const char *import_encoding_name(enum import_encoding enc)
{
    switch (enc) {
    case IMPORT_ENC_UTF8:
        return "UTF-8";
    case IMPORT_ENC_GB18030:
        return "GB18030";
    case IMPORT_ENC_AUTO:
        break;
    }
    return "auto";
}

/* Length of the longest prefix of s[0..n) made of whole, valid UTF-8 characters (no
 * overlongs, no surrogates, nothing past U+10FFFF). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (i + len > n)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += len;
    }
    return i;
}

/* Reads f to the end: is all of it UTF-8? Rewinds f. */
static int file_is_utf8(FILE *f, struct err *e, int *is_utf8)
{
    unsigned char buf[IMPORT_CHUNK + 4];
    size_t carry = 0, n;
    *is_utf8 = 1;
    while ((n = fread(buf + carry, 1, IMPORT_CHUNK, f)) > 0) {
        n += carry;
        size_t ok = utf8_valid_prefix(buf, n);
        carry = n - ok;
        /* What is left is either the start of a character cut by the chunk or an error. */
        if (carry > 3 || utf8_valid_prefix(buf + ok, carry) != 0 || (carry > 0 && buf[ok] < 0xC2)) {
            *is_utf8 = 0;
            break;
        }
        memmove(buf, buf + ok, carry);
    }
    if (ferror(f))
        return err_set(e, GW_EIO, "cannot read the file: %s", strerror(errno));
    if (carry && *is_utf8)
        *is_utf8 = 0; /* the file ends inside a character */
    rewind(f);
    return GW_OK;
}

static void bad_row(struct importer *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void bad_row(struct importer *im, const char *fmt, ...)
{
    if (im->bad)
        return; /* the first reason is the one worth reading */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(im->why, sizeof im->why, fmt, ap);
    va_end(ap);
    im->bad = 1;
}

static void note(struct importer *im, enum import_note_kind kind, long line, const char *msg)
{
    if (im->o->note)
        im->o->note(im->o->ctx, kind, line, msg);
}

static void fail(struct importer *im, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct importer *im, int code, const char *fmt, ...)
{
    if (im->fatal)
        return;
    char msg[GW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(im->e, code, "%s", msg);
    im->fatal = code ? code : GW_EINTERNAL;
}

/* Trims ASCII blanks at both ends. */
static void trim(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')) {
        (*p)++;
        (*n)--;
    }
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r' ||
                  (*p)[*n - 1] == '\n'))
        (*n)--;
}

static void header_cell(struct importer *im, const char *p, size_t n)
{
    int i = im->nfields++;
    if (i >= IMPORT_MAX_COLUMNS) {
        fail(im, GW_EINVAL, "line %ld: the header has more than %d columns", im->rec_line,
             IMPORT_MAX_COLUMNS);
        return;
    }
    trim(&p, &n);
    /* A UTF-8 byte-order mark was stripped from the file, but a GB18030 one survives
     * iconv as U+FEFF at the start of the first cell. */
    if (i == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (n >= IMPORT_MAX_HEADER_CELL)
        n = IMPORT_MAX_HEADER_CELL - 1;
    memcpy(im->header[i], p, n);
    im->header[i][n] = '\0';
}

static int column_target(const char *name)
{
    for (size_t i = 0; i < sizeof column_names / sizeof column_names[0]; i++)
        if (strcasecmp(name, column_names[i].name) == 0)
            return column_names[i].target;
    return COL_IGNORED;
}

static void header_done(struct importer *im)
{
    int where[COL_TARGETS];
    for (int t = 0; t < COL_TARGETS; t++)
        where[t] = -1;
    if (im->check_utf8 && im->nfields > 0) {
        for (int i = 0; i < im->nfields && i < IMPORT_MAX_COLUMNS; i++) {
            size_t n = strlen(im->header[i]);
            if (utf8_valid_prefix((const unsigned char *)im->header[i], n) != n) {
                fail(im, GW_EINVAL,
                     "line %ld: the header is not UTF-8; is the file GB18030? "
                     "try --encoding gb18030",
                     im->rec_line);
                return;
            }
        }
    }
    for (int i = 0; i < im->nfields; i++) {
        int t = column_target(im->header[i]);
        im->col_target[i] = t;
        if (t == COL_IGNORED) {
            /* Spreadsheets leave nameless columns after the last one: not worth a word. */
            if (!im->header[i][0])
                continue;
            char msg[256];
            snprintf(msg, sizeof msg, "column %d '%s' is not a customer field; it is ignored",
                     i + 1, im->header[i]);
            note(im, IMPORT_WARNING, im->rec_line, msg);
            continue;
        }
        if (where[t] >= 0) {
            fail(im, GW_EINVAL, "line %ld: columns %d and %d both give the %s", im->rec_line,
                 where[t] + 1, i + 1, target_labels[t]);
            return;
        }
        where[t] = i;
    }
    if (where[CF_ACCOUNT] < 0 || where[CF_NAME] < 0) {
        fail(im, GW_EINVAL,
             "line %ld: the header row has no %s column; the first row must name the columns "
             "(account,name,meter,capacity,address,line,voltage,lat,lon or "
             "户号,户名,表计局号,合同容量,用电地址,线路名称,供电电压等级,纬度,经度)",
             im->rec_line, target_labels[where[CF_ACCOUNT] < 0 ? CF_ACCOUNT : CF_NAME]);
        return;
    }
    if ((where[COL_LAT] < 0) != (where[COL_LON] < 0)) {
        fail(im, GW_EINVAL, "line %ld: the header has a %s column but no %s column", im->rec_line,
             target_labels[where[COL_LAT] < 0 ? COL_LON : COL_LAT],
             target_labels[where[COL_LAT] < 0 ? COL_LAT : COL_LON]);
        return;
    }
    im->ncols = im->nfields;
    im->have_header = 1;
}

static void row_reset(struct importer *im)
{
    im->nfields = 0;
    im->extra_nonempty = 0;
    im->bad = 0;
    im->why[0] = '\0';
    memset(&im->c, 0, sizeof im->c);
    im->lat[0] = im->lon[0] = '\0';
    memset(im->seen, 0, sizeof im->seen);
}

static char *target_buf(struct importer *im, int t, size_t *cap)
{
    struct customer *c = &im->c;
    switch (t) {
    case CF_ACCOUNT:
        *cap = sizeof c->account;
        return c->account;
    case CF_NAME:
        *cap = sizeof c->name;
        return c->name;
    case CF_METER:
        *cap = sizeof c->meter;
        return c->meter;
    case CF_CAPACITY:
        *cap = sizeof c->capacity;
        return c->capacity;
    case CF_ADDRESS:
        *cap = sizeof c->address;
        return c->address;
    case CF_LINE:
        *cap = sizeof c->line;
        return c->line;
    case CF_VOLTAGE:
        *cap = sizeof c->voltage;
        return c->voltage;
    case COL_LAT:
        *cap = sizeof im->lat;
        return im->lat;
    default:
        *cap = sizeof im->lon;
        return im->lon;
    }
}

static void data_cell(struct importer *im, const char *p, size_t n)
{
    int i = im->nfields++;
    trim(&p, &n);
    if (i >= im->ncols) {
        if (n)
            im->extra_nonempty = 1;
        return;
    }
    int t = im->col_target[i];
    if (t == COL_IGNORED || im->bad)
        return;
    size_t cap;
    char *dst = target_buf(im, t, &cap);
    if (n >= cap) {
        bad_row(im, "%s is too long (%zu bytes; at most %zu)", target_labels[t], n, cap - 1);
        return;
    }
    if (memchr(p, '\0', n)) {
        bad_row(im, "%s contains a NUL byte", target_labels[t]);
        return;
    }
    if (im->check_utf8 && utf8_valid_prefix((const unsigned char *)p, n) != n) {
        bad_row(im, "%s is not valid UTF-8; is the file GB18030? try --encoding gb18030",
                target_labels[t]);
        return;
    }
    /* Line breaks and tabs inside quoted cells would break every one-line display of the
     * customer; they carry no meaning in these fields. */
    size_t w = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)p[k];
        if (ch < 0x20 || ch == 0x7F) {
            if (w == 0 || dst[w - 1] != ' ')
                dst[w++] = ' ';
        } else {
            dst[w++] = (char)ch;
        }
    }
    dst[w] = '\0';
    im->seen[t] = 1;
}

static void cb_field(void *s, size_t n, void *data)
{
    struct importer *im = data;
    if (im->fatal)
        return;
    if (!im->have_header)
        header_cell(im, s ? s : "", s ? n : 0);
    else
        data_cell(im, s ? s : "", s ? n : 0);
}

/* Parses a coordinate: empty = unknown (NaN); GW_EINVAL for text that is not a number in
 * [-limit, limit]. Always in the C locale: the export writes a decimal point whatever the
 * tablet's language. */
static int parse_coord(struct importer *im, const char *text, double limit, double *out)
{
    char *end = NULL;
    if (!text[0]) {
        *out = NAN;
        return GW_OK;
    }
    errno = 0;
    double v = strtod_l(text, &end, im->c_locale);
    if (end == text || *end || errno == ERANGE || !isfinite(v) || v < -limit || v > limit)
        return GW_EINVAL;
    *out = v;
    return GW_OK;
}

/* "3.30012E+09": what a spreadsheet makes of a long number it was allowed to treat as one.
 * The digits it dropped are gone, so such a row cannot be imported. */
static int spreadsheet_mangled(const char *s)
{
    const char *e = strpbrk(s, "Ee");
    if (!e || e == s || (e[1] != '+' && e[1] != '-') || !e[2])
        return 0;
    for (const char *p = s; p < e; p++)
        if ((*p < '0' || *p > '9') && *p != '.')
            return 0;
    for (const char *p = e + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

static void validate(struct importer *im)
{
    struct customer *c = &im->c;
    if (im->nfields < im->ncols || im->extra_nonempty) {
        bad_row(im, "wrong number of fields: %d, the header has %d%s", im->nfields, im->ncols,
                im->last_unterminated ? " (the file ends here: is it truncated?)" : "");
        return;
    }
    if (!c->account[0]) {
        bad_row(im, "missing account number (户号)");
        return;
    }
    if (spreadsheet_mangled(c->account) || spreadsheet_mangled(c->meter)) {
        int acc = spreadsheet_mangled(c->account);
        bad_row(im,
                "%s '%s' was turned into a rounded number by a spreadsheet; export that "
                "column as text",
                acc ? "account number" : "meter number", acc ? c->account : c->meter);
        return;
    }
    for (const char *p = c->account; *p; p++)
        if (*p == ' ') {
            bad_row(im, "account number '%s' contains a space", c->account);
            return;
        }
    if (!c->name[0]) {
        bad_row(im, "missing name (户名) for account %s", c->account);
        return;
    }
    if (parse_coord(im, im->lat, 90, &c->lat)) {
        bad_row(im, "bad latitude '%s' (a number from -90 to 90, or empty)", im->lat);
        return;
    }
    if (parse_coord(im, im->lon, 180, &c->lon)) {
        bad_row(im, "bad longitude '%s' (a number from -180 to 180, or empty)", im->lon);
        return;
    }
    if (isnan(c->lat) != isnan(c->lon)) {
        bad_row(im, "%s without %s", isnan(c->lat) ? "longitude" : "latitude",
                isnan(c->lat) ? "latitude" : "longitude");
        return;
    }
    /* The marketing system writes 0,0 for "never geocoded"; unknown is not a place in the
     * Gulf of Guinea. */
    if (c->lat == 0 && c->lon == 0) {
        c->lat = c->lon = NAN;
        im->s->zero_coords++;
    }
    c->coord_accuracy_m = NAN;
}

static void store_row(struct importer *im)
{
    enum customers_upsert_result r;
    struct err re = {0};
    int rc = customers_upsert_row(im->up, &im->c, &r, &re);
    if (rc == GW_EINVAL) {
        bad_row(im, "%s", re.msg);
        return;
    }
    if (rc) {
        fail(im, rc, "line %ld: %s", im->rec_line, re.msg);
        return;
    }
    switch (r) {
    case CUSTOMERS_INSERTED:
        im->s->inserted++;
        break;
    case CUSTOMERS_UPDATED:
        im->s->updated++;
        break;
    case CUSTOMERS_UNCHANGED:
        im->s->unchanged++;
        break;
    case CUSTOMERS_REPEATED:
        im->s->repeated++;
        break;
    }
}

static void report_bad(struct importer *im, int quote_trouble)
{
    char msg[400];
    /* A row with the wrong shape that runs over several lines is usually a quote gone astray
     * that swallowed the rows after it: say so, or those rows vanish without a word. */
    if (quote_trouble && im->line > im->rec_line)
        snprintf(msg, sizeof msg, "%s (this row runs on to line %ld: check its quotes)", im->why,
                 im->line);
    else
        snprintf(msg, sizeof msg, "%s", im->why);
    im->s->bad++;
    note(im, IMPORT_BAD_ROW, im->rec_line, msg);
}

static void cb_record(int term, void *data)
{
    struct importer *im = data;
    (void)term;
    if (im->fatal)
        return;
    if (!im->have_header) {
        header_done(im);
        row_reset(im);
        return;
    }
    im->s->rows++;
    validate(im);
    /* Once a row is bad and bad rows are not skipped, nothing will be kept: only check the
     * rest so that every problem is reported in one go. */
    if (!im->bad && (im->o->skip_bad || im->s->bad == 0))
        store_row(im);
    if (im->bad)
        report_bad(im, im->nfields != im->ncols);
    if (im->o->progress && im->o->progress_every > 0 && im->s->rows % im->o->progress_every == 0)
        im->o->progress(im->o->ctx, im->s->rows);
    row_reset(im);
}

/* Strict mode stops at a quote where RFC 4180 allows none ("ab"c, a"b): that row is bad,
 * and parsing starts afresh on the next line. */
static void resync(struct importer *im)
{
    if (!im->have_header) {
        fail(im, GW_EINVAL, "line %ld: the header row has a stray quote", im->rec_line);
        return;
    }
    im->s->rows++;
    im->bad = 0;
    bad_row(im, "a quote in the wrong place (a field must be all quoted or not at all; "
                "a quote inside a quoted field is written twice)");
    report_bad(im, 1);
    row_reset(im);
    csv_free(&im->p);
    if (csv_init(&im->p, CSV_STRICT | CSV_APPEND_NULL) != 0)
        abort();
}

/* Feeds UTF-8 text to the parser one physical line at a time (see the top of the file). */
static void feed(struct importer *im, const char *buf, size_t n)
{
    while (n > 0 && !im->fatal) {
        const char *nl = memchr(buf, '\n', n);
        size_t len = nl ? (size_t)(nl - buf) + 1 : n;
        if (im->line_start && im->p.pstate == CSV_PSTATE_ROW_NOT_BEGUN)
            im->rec_line = im->line;
        if (csv_parse(&im->p, buf, len, cb_field, cb_record, im) != len) {
            if (csv_error(&im->p) != CSV_EPARSE) {
                fail(im, GW_ENOMEM, "line %ld: %s", im->line, csv_strerror(csv_error(&im->p)));
                return;
            }
            resync(im);
        }
        if (csv_get_buffer_size(&im->p) > IMPORT_MAX_FIELD) {
            fail(im, GW_ECORRUPT,
                 "line %ld: a field runs on for more than %u bytes; a quote opened there is "
                 "never closed",
                 im->rec_line, IMPORT_MAX_FIELD);
            return;
        }
        im->line_start = nl != NULL;
        if (nl)
            im->line++;
        buf += len;
        n -= len;
    }
}

static void read_utf8(struct importer *im, FILE *f)
{
    char buf[IMPORT_CHUNK];
    size_t n;
    int first = 1;
    while (!im->fatal && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        const char *p = buf;
        if (first && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3;
            n -= 3;
        }
        first = 0;
        feed(im, p, n);
    }
    if (ferror(f))
        fail(im, GW_EIO, "cannot read the file: %s", strerror(errno));
}

static void read_gb18030(struct importer *im, FILE *f)
{
    char in[IMPORT_CHUNK + 8], out[IMPORT_CHUNK * 2];
    size_t carry = 0, n;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        fail(im, GW_EINTERNAL, "this system's iconv cannot convert GB18030: %s", strerror(errno));
        return;
    }
    int eof = 0;
    while (!im->fatal && !eof) {
        n = fread(in + carry, 1, IMPORT_CHUNK, f);
        if (n == 0) {
            if (ferror(f))
                fail(im, GW_EIO, "cannot read the file: %s", strerror(errno));
            eof = 1;
        }
        n += carry;
        char *ip = in;
        size_t il = n;
        while (!im->fatal) {
            char *op = out;
            size_t ol = sizeof out;
            size_t r = iconv(cd, &ip, &il, &op, &ol);
            int err = r == (size_t)-1 ? errno : 0;
            feed(im, out, (size_t)(op - out));
            if (err == E2BIG)
                continue;
            if (err == EILSEQ || (err == EINVAL && eof)) {
                fail(im, GW_ECORRUPT,
                     "line %ld: bytes that are not GB18030%s; state the file's encoding with "
                     "--encoding",
                     im->line, err == EINVAL ? " (the file ends inside a character)" : "");
            }
            break;
        }
        carry = il;
        memmove(in, ip, carry);
    }
    iconv_close(cd);
}

static void finish(struct importer *im)
{
    if (im->fatal)
        return;
    /* libcsv keeps an open quoted field in its buffer until the end: a file cut in the
     * middle of a quoted field has only that to show for it. */
    if (im->p.pstate == CSV_PSTATE_FIELD_BEGUN && im->p.quoted) {
        fail(im, GW_ECORRUPT,
             "line %ld: a quoted field that starts here is never closed; the file is "
             "truncated or its quotes are broken",
             im->rec_line);
        return;
    }
    /* A file cut short in an unquoted field still parses; the missing line break at its end
     * is the only sign, so say it (many exporters do omit it, so it is not an error). */
    if (im->p.pstate != CSV_PSTATE_ROW_NOT_BEGUN && im->have_header) {
        im->last_unterminated = 1;
        note(im, IMPORT_WARNING, im->line,
             "the file ends without a line break; if it was cut short, this last row is "
             "incomplete");
    }
    csv_fini(&im->p, cb_field, cb_record, im);
}

int import_customers(struct db *db, const char *path, const struct import_options *opts,
                     struct import_summary *summary, struct err *e)
{
    int rc = GW_OK;
    FILE *f = NULL;
    struct importer *im = NULL;
    struct err local = {0};
    if (!e)
        e = &local;
    memset(summary, 0, sizeof *summary);
    summary->encoding = opts->encoding;
    f = fopen(path, "rb");
    if (!f)
        return err_set(e, GW_EIO, "cannot open %s: %s", path, strerror(errno));
    im = calloc(1, sizeof *im);
    if (!im)
        abort();
    im->db = db;
    im->o = opts;
    im->s = summary;
    im->e = e;
    im->line = 1;
    im->rec_line = 1;
    im->line_start = 1;
    row_reset(im);
    im->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!im->c_locale)
        abort();
    if (csv_init(&im->p, CSV_STRICT | CSV_APPEND_NULL) != 0)
        abort();
    if (summary->encoding == IMPORT_ENC_AUTO) {
        int utf8;
        if ((rc = file_is_utf8(f, e, &utf8)))
            goto out;
        summary->encoding = utf8 ? IMPORT_ENC_UTF8 : IMPORT_ENC_GB18030;
    } else if (summary->encoding == IMPORT_ENC_UTF8) {
        im->check_utf8 = 1;
    }
    if ((rc = customers_upsert_begin(db, &im->up, e)))
        goto out;
    if (summary->encoding == IMPORT_ENC_GB18030)
        read_gb18030(im, f);
    else
        read_utf8(im, f);
    finish(im);
    if (!im->fatal && !im->have_header)
        fail(im, GW_EINVAL, "the file is empty; its first row must name the columns");
    if (im->fatal) {
        rc = im->fatal;
        goto out;
    }
    if (summary->bad > 0 && !opts->skip_bad) {
        rc = err_set(e, GW_EINVAL,
                     "%ld of %ld rows are bad; nothing was imported (fix them, or give "
                     "--skip-bad to import the other rows)",
                     summary->bad, summary->rows);
        goto out;
    }
    rc = customers_upsert_commit(im->up, e);
    im->up = NULL;
    if (rc == GW_OK)
        summary->committed = 1;
out:
    if (im->up)
        customers_upsert_abort(im->up);
    if (rc && !summary->committed) {
        summary->inserted = summary->updated = summary->unchanged = summary->repeated = 0;
        if (rc != GW_EINVAL || summary->bad == 0)
            err_prefix(e, "%s: ", path);
    }
    csv_free(&im->p);
    freelocale(im->c_locale);
    free(im);
    fclose(f);
    return rc;
}
