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

#endif
