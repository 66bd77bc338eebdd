/* import.h - loading customers from the marketing system's CSV export into the store.
 *
 * The file has a header row naming its columns in English (account, name, meter, capacity,
 * address, line, voltage, lat, lon) or as the marketing system writes them (户号, 户名,
 * 表计局号, 合同容量, 用电地址, 线路名称, 供电电压等级, 纬度, 经度), in any order; account
 * and name are required, unknown columns are ignored with a warning. Text is UTF-8 or
 * GB18030 (GBK is a subset), stated or detected. Rows are upserted by account number in one
 * transaction (data/customers.h): by default one bad row means nothing is imported; with
 * skip_bad the good rows are imported and the bad ones reported. A crash at any instant
 * leaves the store as it was. This module reads files and talks to the store; it never
 * writes to the screen: what a person should see arrives through the callbacks. */
#ifndef GRIDWALK_IMPORT_H
#define GRIDWALK_IMPORT_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/db.h"

enum import_encoding { IMPORT_ENC_AUTO, IMPORT_ENC_UTF8, IMPORT_ENC_GB18030 };

/* "auto", "utf-8" (also "utf8"), "gb18030" (also "gbk", "gb2312": subsets of it), any case.
 * GW_EINVAL for anything else. */
int import_encoding_parse(const char *text, enum import_encoding *out, struct err *e);
/* "auto", "UTF-8" or "GB18030". */
const char *import_encoding_name(enum import_encoding enc);

enum import_note_kind {
    IMPORT_BAD_ROW, /* a row that was not imported, and why */
    IMPORT_WARNING, /* imported, but a person should know (an ignored column, ...) */
};

struct import_options {
    enum import_encoding encoding;
    int skip_bad; /* import the good rows when some are bad */
    /* Called for every bad row and warning with its line in the file (1-based; a row that
     * spans lines gives its first); msg is only valid during the call. May be NULL. */
    void (*note)(void *ctx, enum import_note_kind kind, long line, const char *msg);
    /* Called after every progress_every rows read (0: never). May be NULL. */
    void (*progress)(void *ctx, long rows);
    long progress_every;
    void *ctx;
};

struct import_summary {
    enum import_encoding encoding; /* the one the file was read in */
    long rows;                     /* data rows read (bad ones included) */
    long inserted, updated, unchanged;
    long repeated;    /* rows whose account an earlier row of the file had: the last one won */
    long bad;         /* rows not imported */
    long zero_coords; /* rows with 0,0 as coordinates, stored as unknown */
    int committed;    /* 1 when the rows above are in the store */
};

/* Imports the CSV file at path into db. Returns GW_OK when the import was committed (with
 * skip_bad, possibly without some bad rows). GW_EINVAL when rows were bad and skip_bad is
 * off, or the header is unusable; GW_ECORRUPT when the file cannot be read as CSV in its
 * encoding (an unterminated quote at the end: a truncated file); GW_EIO, GW_EDB. On any
 * failure nothing was imported. *summary is filled in all cases. */
int import_customers(struct db *db, const char *path, const struct import_options *opts,
                     struct import_summary *summary, struct err *e);

#endif
