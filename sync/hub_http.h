/* hub_http.h - gridwalk-hub's HTTP server (libmicrohttpd): the device API, the supervisors'
 * web page, zip downloads and read-only WebDAV.
 *
 * Owns the daemon and the per-request state; borrows the hub_store (used only from the
 * daemon's one internal thread, so SQLite sees one user). Every answer under /api/ carries
 * the Gridwalk-Protocol header and a JSON envelope; every request has a size cap. It never
 * writes outside the hub_store's data folder. */
#ifndef GRIDWALK_HUB_HTTP_H
#define GRIDWALK_HUB_HTTP_H

#include "sync/hub_store.h"

#include <stdint.h>

struct hub_limits {
    int64_t max_blob;        /* bytes of one blob upload */
    int64_t max_body;        /* bytes of a records or query request */
    int max_batch;           /* records in one request */
};

struct hub_http;

/* Starts serving on listen ("ADDR:PORT", "[V6]:PORT" or ":PORT" for every IPv4 address).
 * GW_EINVAL for a bad address, GW_ENET when the port cannot be bound. */
int hub_http_start(struct hub_http **out, struct hub_store *hs, const char *listen,
                   const struct hub_limits *lim, struct err *e);
/* Stops accepting, finishes with the open connections and frees everything. */
void hub_http_stop(struct hub_http *h);

#endif
