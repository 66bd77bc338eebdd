/* readjob.h - a probe read running on a worker thread, for a screen's poll() loop.
 *
 * Owns the thread, the serial line and the session while the read runs. The UI thread
 * registers readjob_fd() with its loop: the descriptor becomes readable whenever progress
 * changed and when the read is over; readjob_status() says where it is without blocking;
 * readjob_cancel() asks it to stop; readjob_finish() (after the end) hands over the result.
 * Nothing here draws or touches the store. */
#ifndef GRIDWALK_READJOB_H
#define GRIDWALK_READJOB_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include "app/probe/session.h"

struct readjob;

struct readjob_status {
    int done, total; /* exchanges */
    char what[64];   /* what runs now ("energy_fwd_total", "signing on ...") */
    int finished;    /* the thread is over: call readjob_finish() */
};

/* Starts reading the meter on port with options o (copied; o->registers must stay valid
 * until readjob_finish). *out: readjob_free(). GW_EINTERNAL when no thread can start. */
int readjob_start(struct readjob **out, const char *port, const struct probe_options *o,
                  struct err *e);

/* The descriptor to poll for POLLIN. */
int readjob_fd(const struct readjob *j);

/* Drains the notifications and fills *st; never blocks. */
void readjob_status(struct readjob *j, struct readjob_status *st);

/* Asks the read to stop soon; readjob_finish() then reports GW_ECANCEL. */
void readjob_cancel(struct readjob *j);

/* Waits for the thread (it is over when status says finished), moves the result into *out
 * (the transcript too on failure) and returns the read's status and message. */
int readjob_finish(struct readjob *j, struct probe_result *out, struct err *e);

/* Cancels if still running, waits, frees; NULL is allowed. */
void readjob_free(struct readjob *j);

#endif
