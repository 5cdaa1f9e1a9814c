/*
 * NAME
 *   wclient - run one filter in the sandboxed worker (parent side)
 *
 * SUMMARY
 *   int mk_worker_run(const mk_config *cfg, const char *filter, GBytes *in,
 *                     GBytes **out, char **out_type, GPtrArray *notes,
 *                     mk_error *err);
 *   int mk_worker_call(const mk_config *cfg, const char *filter,
 *                      const mk_wcall *c, GBytes *in, GBytes **out,
 *                      char **out_type, GPtrArray *notes, mk_error *err);
 *   char *mk_worker_path(const mk_config *cfg);
 *   void mk_worker_shutdown(void);
 *
 * DESCRIPTION
 *   The input is copied into a sealed memfd; a second memfd takes the
 *   output; a pipe carries the status.  `mukaika-worker FILTER key=value...`
 *   is started with these as fds 3 (input), 4 (output) and 5 (status), fds
 *   0-2 on /dev/null, an empty environment and its own process group.  The
 *   worker sets its rlimits and seccomp filter itself (wmain.c); the parent
 *   enforces worker.timeout_ms on the wall clock: over it the process group
 *   gets SIGKILL and is reaped.
 *
 *   With worker.zygote (the default) the same process set-up is not
 *   exec'd but forked by the fork server (wzygote.h): the descriptors,
 *   options, limits, seccomp and the status protocol are identical, the
 *   parent kills the process group on timeout the same way, and the exit
 *   status comes from the zygote's runner instead of waitpid().  When the
 *   zygote cannot be used the run is exec'd as above.
 *
 *   mk_worker_call(): the same with the wall-clock limit and the output
 *   bound of this call (C; timeout_key names the setting in the timeout
 *   message) instead of worker.timeout_ms / worker.max_output: the unpack
 *   run (src/model/unpack.c) is bounded by the item's time budget and its
 *   output by limits.max_unpacked_size.
 *
 *   mk_worker_shutdown(): end this process's zygote now and reap it (its
 *   runs' CPU time then shows in getrusage(RUSAGE_CHILDREN)); the next run
 *   starts a new one.  Done at exit anyway.
 *
 *   Status protocol (fd 5, one item per line, at most MK_WORKER_STATUS_MAX
 *   bytes in all): "note TEXT" any number of times, then "ok TYPE" or
 *   "fail MESSAGE".  Success needs exit status 0, an "ok" line with a MIME
 *   type and an output of at most worker.max_output bytes.
 *
 *   mk_worker_path(): worker.path when set, else mukaika-worker beside
 *   /proc/self/exe, else ../worker/mukaika-worker relative to it (the build
 *   tree), else MK_LIBEXECDIR/mukaika-worker.  NULL when none is executable.
 *
 * NEVER
 *   Runs a filter in this process, or returns the input as the output.
 *
 * FAILURE
 *   Negative with err set, *out untouched: worker not found (MK_ERR_CONFIG),
 *   a system call failed (MK_ERR_OS), timeout, signal, non-zero exit, no or
 *   a malformed status, output over the limit (MK_ERR_LIMIT for timeout and
 *   size, MK_ERR_DATA for a filter's "fail", MK_ERR_SOFTWARE otherwise).
 *   The message names the filter and the cause ("pdf: killed by signal 31
 *   (SIGSYS: forbidden system call)", "image: timeout after 60000 ms").
 *
 * OWNERSHIP
 *   IN is borrowed.  *out, *out_type and the strings added to NOTES are new
 *   (caller frees).  NOTES may be NULL.
 */
#ifndef MK_WCLIENT_H
#define MK_WCLIENT_H

#include <glib.h>

#include "config.h"
#include "mk_error.h"

/* Protocol bound on the status text kept from one run (not a content
 * limit: notes beyond it are dropped, never the result line). */
#define MK_WORKER_STATUS_MAX (64 * 1024)

/* Fixed descriptor numbers of the worker protocol. */
#define MK_WORKER_FD_IN     3
#define MK_WORKER_FD_OUT    4
#define MK_WORKER_FD_STATUS 5

/* Limits of one call (mk_worker_call). */
typedef struct mk_wcall {
	gint64 timeout_ms;        /* wall clock, then SIGKILL */
	gint64 max_output;        /* bytes (RLIMIT_FSIZE and the read bound) */
	const char *timeout_key;  /* config key named on timeout; NULL = worker.timeout_ms */
} mk_wcall;

int mk_worker_run(const mk_config *cfg, const char *filter, GBytes *in,
                  GBytes **out, char **out_type, GPtrArray *notes,
                  mk_error *err);
int mk_worker_call(const mk_config *cfg, const char *filter, const mk_wcall *c,
                   GBytes *in, GBytes **out, char **out_type, GPtrArray *notes,
                   mk_error *err);

char *mk_worker_path(const mk_config *cfg);
void mk_worker_shutdown(void);

#endif
