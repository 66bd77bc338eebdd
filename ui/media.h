/* media.h - the media part's plug into the app beyond its hooks: watching a running photo job.
 *
 * ui_media_install() (ui.h) sets the entry page's buttons; each press starts a job through
 * app/photo_job.h and hands it to ui_media_watch(), which shows the progress box, feeds it
 * from the job's events, and ends or gives up the job. Tests hand it jobs they started
 * themselves (a worker stuck in a real system call, say). */
#ifndef GRIDWALK_UI_MEDIA_H
#define GRIDWALK_UI_MEDIA_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "app/photo_job.h"

struct ui;

/* Takes over job (started, not yet read): registers it with the loop and pushes the progress
 * box. A cancelled job that has not ended give_up_s seconds later (0: the default, 10 s) is
 * abandoned and the user told to replug the device. Only one job at a time: GW_EDEVICE (and
 * the job freed) while another runs. */
int ui_media_watch(struct ui *ui, struct photo_job *job, enum photo_job_kind kind, int give_up_s,
                   struct err *e);

#endif
