/* query.h - the text syntax of a customer search, turned into a struct search_query.
 *
 * Terms are separated by white space (ASCII or the ideographic space). A term is free text
 * matched against all seven fields, or `key:value` for one field, the colon half-width or
 * full-width (：). Keys: acct/account/户号, name/户名, meter/表计局号, cap/capacity/合同容量,
 * addr/address/用电地址, line/线路名称, kv/voltage/供电电压等级 (ASCII keys in any case). A
 * value in double quotes may hold spaces (`addr:"解放路 12号"`); `""` inside quotes is a
 * literal quote. Text is folded for searching (search_normalize). Everything else,
 * including % _ ' * and FTS5 words like AND or NEAR, is literal text. Owns no memory. */
#ifndef GRIDWALK_QUERY_H
#define GRIDWALK_QUERY_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/search.h"

/* Parses text into q (terms in the order written). An empty or blank text gives q->n == 0.
 * GW_EINVAL with a message naming the problem for an unknown key (listing the keys), a key
 * with no value, an unclosed quote, more than SEARCH_MAX_TERMS terms or a term longer
 * than SEARCH_TERM_MAX - 1 bytes. */
int query_parse(const char *text, struct search_query *q, struct err *e);

/* The field a query key names (without its colon, e.g. "kv" or "户号"), or -1 when none. */
int query_field_of_key(const char *key, size_t len);

#endif
