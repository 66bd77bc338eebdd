/* readjob.c - a probe read on a worker thread, reporting through a pipe. */
#include "gridwalk/config.h"

#include "app/readjob.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct readjob {
    char port[256];
    struct probe_options o;
    pthread_t thread;
    int started, joined;
    int pipe_rd, pipe_wr;
    pthread_mutex_t mu; /* guards st, the session pointer and the outcome */
    struct readjob_status st;
    struct probe_session *ss;
    atomic_int cancel;
    int rc;
    struct err err;
    struct probe_result result;
};

static void notify(struct readjob *j)
{
    /* A full pipe already means "look at me"; the byte itself carries nothing. */
    ssize_t w = write(j->pipe_wr, "x", 1);
    (void)w;
}

static void *run(void *arg)
{
    struct readjob *j = arg;
    struct probe_serial *s = NULL;
    struct probe_session *ss = NULL;
    struct err e = {0};
    int finished = 0;
    int rc = probe_serial_open(&s, j->port, &e);
    if (rc == GW_OK && !j->o.no_power_lines)
        rc = probe_serial_set_lines(s, 1, 1, NULL, &e);
    if (rc == GW_OK)
        rc = probe_session_new(&ss, s, &j->o, &e);
    if (rc == GW_OK) {
        pthread_mutex_lock(&j->mu);
        j->ss = ss;
        pthread_mutex_unlock(&j->mu);
        if (atomic_load(&j->cancel))
            probe_session_cancel(ss);
        while (!finished && !(rc = probe_session_step(ss, &finished, &e))) {
            pthread_mutex_lock(&j->mu);
            const char *what = NULL;
            probe_session_progress(ss, &j->st.done, &j->st.total, &what);
            snprintf(j->st.what, sizeof j->st.what, "%s", what ? what : "");
            pthread_mutex_unlock(&j->mu);
            notify(j);
        }
    }
    pthread_mutex_lock(&j->mu);
    if (ss)
        probe_session_result(ss, &j->result);
    j->ss = NULL;
    j->rc = rc;
    j->err = e;
    j->st.finished = 1;
    pthread_mutex_unlock(&j->mu);
    probe_session_free(ss);
    probe_serial_close(s);
    notify(j);
    return NULL;
}

int readjob_start(struct readjob **out, const char *port, const struct probe_options *o,
                  struct err *e)
{
    int fds[2];
    struct readjob *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    *out = NULL;
    snprintf(j->port, sizeof j->port, "%s", port);
    if (o)
        j->o = *o;
    atomic_init(&j->cancel, 0);
    pthread_mutex_init(&j->mu, NULL);
    snprintf(j->st.what, sizeof j->st.what, "connecting");
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        pthread_mutex_destroy(&j->mu);
        free(j);
        return err_set(e, GW_EINTERNAL, "cannot make a pipe: %s", strerror(errno));
    }
    j->pipe_rd = fds[0];
    j->pipe_wr = fds[1];
    if (pthread_create(&j->thread, NULL, run, j) != 0) {
        close(fds[0]);
        close(fds[1]);
        pthread_mutex_destroy(&j->mu);
        free(j);
        return err_set(e, GW_EINTERNAL, "cannot start the probe thread");
    }
    j->started = 1;
    *out = j;
    return GW_OK;
}

int readjob_fd(const struct readjob *j)
{
    return j->pipe_rd;
}

void readjob_status(struct readjob *j, struct readjob_status *st)
{
    char buf[64];
    while (read(j->pipe_rd, buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&j->mu);
    *st = j->st;
    pthread_mutex_unlock(&j->mu);
}

void readjob_cancel(struct readjob *j)
{
    atomic_store(&j->cancel, 1);
    pthread_mutex_lock(&j->mu);
    if (j->ss)
        probe_session_cancel(j->ss);
    pthread_mutex_unlock(&j->mu);
}

int readjob_finish(struct readjob *j, struct probe_result *out, struct err *e)
{
    if (j->started && !j->joined) {
        pthread_join(j->thread, NULL);
        j->joined = 1;
    }
    *out = j->result;
    memset(&j->result, 0, sizeof j->result);
    if (j->rc && e)
        *e = j->err;
    return j->rc;
}

void readjob_free(struct readjob *j)
{
    if (!j)
        return;
    if (j->started && !j->joined) {
        readjob_cancel(j);
        pthread_join(j->thread, NULL);
    }
    probe_result_done(&j->result);
    close(j->pipe_rd);
    close(j->pipe_wr);
    pthread_mutex_destroy(&j->mu);
    free(j);
}
