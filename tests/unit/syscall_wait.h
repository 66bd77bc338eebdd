/* syscall_wait.h - for tests that need a worker thread to be inside a given system call
 * (a blocking open() of a FIFO standing in for a driver stuck in its read) before they act,
 * so what they test does not depend on how fast the machine is. Linux only: it reads
 * /proc/self/task/TID/syscall, whose first number is the call a thread is blocked in. */
#ifndef GRIDWALK_TEST_SYSCALL_WAIT_H
#define GRIDWALK_TEST_SYSCALL_WAIT_H

#include "gridwalk/config.h"

/* Waits up to ms milliseconds for a thread of this process to sit in system call nr (e.g.
 * SYS_openat); 1 when one does, 0 otherwise. */
int wait_thread_in_syscall(long nr, int ms);

#endif
