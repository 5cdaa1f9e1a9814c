/*
 * NAME
 *   wzclient - start worker runs through the fork server (wzygote.h)
 *
 * SUMMARY
 *   int mk_wz_spawn(const char *path, char *const *argv, const int fds[4],
 *                   pid_t *pid, int *reply, mk_error *err);
 *   int mk_wz_exit(int reply, int timeout_ms, int *wstatus);
 *
 * DESCRIPTION
 *   mk_wz_spawn(): ARGV as for exec'ing PATH (argv[1] the filter, then
 *   key=value options); FDS: input, output, status write end, /dev/null
 *   (borrowed: the caller still closes its copies).  On success *pid is
 *   the document process (its own process group) and *reply the socket
 *   that becomes readable when it ended; mk_wz_exit() then reads its wait
 *   status.  See wzclient.c for the zygote's life cycle.
 *
 * FAILURE
 *   mk_wz_spawn(): MK_ERR_OS with err set.  mk_wz_exit(): -1 (no status
 *   within TIMEOUT_MS, or the runner died).
 */
#ifndef MK_WZCLIENT_H
#define MK_WZCLIENT_H

#include <glib.h>
#include <sys/types.h>

#include "mk_error.h"

int mk_wz_spawn(const char *path, char *const *argv, const int fds[4], pid_t *pid,
                int *reply, mk_error *err);
int mk_wz_exit(int reply, int timeout_ms, int *wstatus);

#endif
