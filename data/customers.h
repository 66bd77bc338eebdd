/* customers.h - the customers table: the seven search fields plus coordinates.
 *
 * Customers come from the marketing system's export (import.h), from the hub's changes
 * (sync) and, for coordinates, from pinning on site (geo). Text is stored as the source
 * wrote it, in UTF-8. Unknown coordinates are NaN, never 0. */
#ifndef GRIDWALK_CUSTOMERS_H
#define GRIDWALK_CUSTOMERS_H

#include "data/db.h"

#include <stdint.h>

enum customer_field {
    CF_ACCOUNT,  /* 户号 */
    CF_NAME,     /* 户名 */
    CF_METER,    /* 表计局号 */
    CF_CAPACITY, /* 合同容量 */
    CF_ADDRESS,  /* 用电地址 */
    CF_LINE,     /* 线路名称 */
    CF_VOLTAGE,  /* 供电电压等级 */
    CF_COUNT
};

struct customer {
    int64_t id;
    char account[64];
    char name[192];
    char meter[64];
    char capacity[32];
    char address[384];
    char line[192];
    char voltage[32];
    double lat, lon;         /* NaN when unknown */
    double coord_accuracy_m; /* NaN when unknown */
    char coord_source[16];   /* "import", "hub", "pinned" or "" */
    char updated_at[DB_TIME_LEN];
};

/* The text of field f of c (CF_ACCOUNT ... CF_VOLTAGE). */
const char *customer_field_text(const struct customer *c, enum customer_field f);
/* The English key of field f as used in CSV headers and queries' long form
 * ("account", "name", "meter", "capacity", "address", "line", "voltage"). */
const char *customer_field_key(enum customer_field f);

/* Loads one customer; GW_ENOTFOUND when there is none with that account/id. */
int customers_get_by_account(struct db *db, const char *account, struct customer *out,
                             struct err *e);
int customers_get(struct db *db, int64_t id, struct customer *out, struct err *e);

/* Number of customers in the store, or -1 on error. */
int64_t customers_count(struct db *db);

/* Bulk upsert by account, for imports (marketing-system CSV, demo data).
 *
 * One upsert is one transaction with one reused statement: begin, any number of rows, then
 * commit (everything is kept) or abort (the store is exactly as before, also when the process
 * dies in between). It writes the customers table only: an import is not a field change, so
 * it writes no outbox rows. Rules of a row: text fields replace the stored ones; coordinates
 * replace the stored ones only when the row has both (NaN = unknown keeps what is stored) and
 * never replace coordinates pinned on site (coord_source "pinned"). A row equal to the stored
 * one is left untouched (no write, updated_at kept). */
struct customers_upsert;

enum customers_upsert_result {
    CUSTOMERS_INSERTED,  /* a new account */
    CUSTOMERS_UPDATED,   /* an account the store had before this upsert began, changed */
    CUSTOMERS_UNCHANGED, /* an account the store had, already equal to the row */
    CUSTOMERS_REPEATED,  /* an account this same upsert already wrote (the last row wins) */
};

/* Starts a bulk upsert (BEGIN IMMEDIATE, a larger page cache while it runs). GW_EDB when
 * the store is busy or read-only. *out is owned by the caller until commit or abort. */
int customers_upsert_begin(struct db *db, struct customers_upsert **out, struct err *e);
/* Writes one row (id, coord_accuracy_m, coord_source and updated_at of c are ignored).
 * GW_EINVAL for a row the store refuses (empty account or name, coordinates out of range);
 * the upsert stays usable for the next row. GW_EDB for a store failure: abort then. */
int customers_upsert_row(struct customers_upsert *u, const struct customer *c,
                         enum customers_upsert_result *result, struct err *e);
/* Commits everything and frees u (also on failure, when nothing was kept). */
int customers_upsert_commit(struct customers_upsert *u, struct err *e);
/* Rolls everything back and frees u; NULL is allowed. */
void customers_upsert_abort(struct customers_upsert *u);

#endif
