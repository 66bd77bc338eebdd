/* syscall_wait.c - see syscall_wait.h. */
#include "gridwalk/config.h"

#include "tests/unit/syscall_wait.h"

#include <glob.h>
#include <stdio.h>
#include <unistd.h>

static int thread_in_syscall(long nr)
{
    glob_t g;
    int found = 0;
    if (glob("/proc/self/task/*/syscall", 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc && !found; i++) {
        FILE *f = fopen(g.gl_pathv[i], "r");
        long got = -1;
        if (f && fscanf(f, "%ld", &got) == 1 && got == nr)
            found = 1;
        if (f)
            fclose(f);
    }
    globfree(&g);
    return found;
}

int wait_thread_in_syscall(long nr, int ms)
{
    for (int waited = 0; waited <= ms; waited += 25) {
        if (thread_in_syscall(nr))
            return 1;
        usleep(25 * 1000);
    }
    return 0;
}
