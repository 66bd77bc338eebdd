/* reading.h - the meter-reading screen, reached from the customer page's "Read meter".
 *
 * ui_reading_install() points ui_hooks.read_meter at the screen; main() calls it before
 * ui_run(). The screen reads the meter on a worker thread (app/readjob.h) whose descriptor
 * the UI loop watches, shows progress, the registers and the validation warnings, the byte
 * transcript on request, and stores through app/readflow.h: Enter stores (confirming the
 * warnings shown), r reads again, e types the reading in twice with a reason, n records a
 * skip or trouble code, Tab shows the transcript. The port is [devices] probe of the
 * configuration, or $GRIDWALK_PROBE_PORT when set (the demo's simulator). */
#ifndef GRIDWALK_UI_READING_H
#define GRIDWALK_UI_READING_H

#include "gridwalk/config.h"

void ui_reading_install(void);

#endif
