/* agent.h - gridwalk-syncd's work: one pass of pulling changes and draining the outbox.
 *
 * Owns the HTTP session (libcurl, TLS verification always on; a private CA may be named),
 * the order of uploads (blobs first, resumed from what the hub holds, then the records that
 * name them, in outbox order, in batches) and the classification of every answer: only an
 * answer with the Gridwalk-Protocol header and a JSON envelope counts; anything else (a
 * captive portal's 200 page, a proxy) is a network failure. Every outcome lands in the store
 * through data/outbox.h (sent, or failed with an error a person can read), so nothing fails
 * silently, and the store is the only state: a kill at any instant loses nothing. It does not
 * sleep, loop forever or handle signals: syncd_main.c does. */
#ifndef GRIDWALK_SYNC_AGENT_H
#define GRIDWALK_SYNC_AGENT_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/db.h"

#include <signal.h>

struct agent_config {
    const char *hub_url;  /* e.g. https://hub.example:8443 (no trailing path) */
    const char *token;    /* the device's bearer token */
    const char *ca_file;  /* NULL: the system's CAs */
    int batch;            /* records per request (1..500) */
    double backoff_base;  /* seconds before the first retry of a failed item */
    double backoff_max;   /* cap of the exponential backoff, seconds */
    int verbose;          /* log every request to stderr */
    double max_rate;      /* upload bytes per second, 0 = as fast as the link goes; a SIM
                           * card on a metered or shared cell link is the reason to cap it */
};

struct agent_report {
    int pulled;   /* changes applied */
    int sent;     /* records the hub confirmed (stored or already there) */
    int failed;   /* records that failed this pass (kept, with their error) */
    int blobs;    /* blobs uploaded (or completed) */
};

struct agent;

/* Creates an agent on an open store (borrowed). *out is the caller's: agent_free. */
int agent_new(struct agent **out, struct db *db, const char *db_path,
              const struct agent_config *cfg, struct err *e);
void agent_free(struct agent *a);

/* One pass: pulls all pending changes, then uploads every due outbox row. Returns GW_OK when
 * the hub was reachable throughout (per-item failures are recorded, not returned), GW_ENET
 * when it was not (the in-flight item carries the error), GW_EAUTH when the hub refused the
 * token (retrying will not help; the setting sync.auth_error says so), GW_ECANCEL when *stop
 * became non-zero. Updates sync.status, sync.progress and sync.last_success. */
int agent_pass(struct agent *a, volatile sig_atomic_t *stop, struct agent_report *r,
               struct err *e);

/* Seconds to wait before the next try after n consecutive failures: base * 2^n capped at
 * max, with full jitter in [half, whole] so a fleet of tablets does not retry in step. */
double agent_backoff(const struct agent_config *cfg, int n);

#endif
