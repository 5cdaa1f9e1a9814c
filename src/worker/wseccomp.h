/*
 * NAME
 *   wseccomp - the worker's seccomp allowlist and resource limits
 *
 * SUMMARY
 *   int mk_wsandbox_limits(const mk_wlimits *l, mk_error *err);
 *   int mk_wsandbox_seccomp(mk_error *err);
 *
 * DESCRIPTION
 *   mk_wsandbox_limits(): RLIMIT_AS (memory), RLIMIT_CPU (cpu seconds; the
 *   hard limit one second later kills), RLIMIT_FSIZE (max_output),
 *   RLIMIT_NOFILE (MK_WORKER_NOFILE), RLIMIT_CORE 0, RLIMIT_NPROC 0,
 *   PR_SET_NO_NEW_PRIVS, not dumpable; every descriptor above
 *   MK_WORKER_FD_STATUS is closed.
 *
 *   mk_wsandbox_seccomp(): default action KILL_PROCESS.  Allowed: memory
 *   (mmap/mprotect never with PROT_EXEC), read/write on open descriptors,
 *   read-only file access for fonts (openat/open without write, create,
 *   truncate, append or tmpfile flags; stat family, getdents64, readlink,
 *   access), time, futex, signals to itself only, exit.  An open for
 *   writing, mkdir, unlink and rename fail with EACCES (libraries that try
 *   to refresh a cache go on); ioctl fails with ENOTTY.  No socket,
 *   connect, fork, clone, execve, ptrace or prctl after it is installed.
 *
 * FAILURE
 *   Negative with err set; the worker then exits without reading input.
 */
#ifndef MK_WSECCOMP_H
#define MK_WSECCOMP_H

#include <glib.h>

#include "mk_error.h"

/* Descriptors a worker may hold: 0-5 plus a few font files. */
#define MK_WORKER_NOFILE 64

typedef struct mk_wlimits {
	gint64 memory, cpu_s, max_output;
} mk_wlimits;

int mk_wsandbox_limits(const mk_wlimits *l, mk_error *err);
int mk_wsandbox_seccomp(mk_error *err);

#endif
