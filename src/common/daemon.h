/*
 * NAME
 *   daemon - what every mukaika daemon does at start: log target, detach,
 *   pidfile, drop root
 *
 * SUMMARY
 *   int mk_daemon_log_open(const char *prog, const char *level,
 *                          const char *target);
 *   int mk_daemon_start(const char *user, const char *own_path,
 *                       bool detach, const char *pidfile);
 *   int mk_daemon_drop_privileges(const char *user, const char *own_path);
 *   int mk_daemon_detach(void);
 *   int mk_daemon_chown_ok(const char *user, uid_t uid, gid_t gid,
 *                          mk_error *err);
 *   int mk_daemon_options(const char *prog, const char *param,
 *                         const char *summary, GOptionEntry *ent,
 *                         int argc, char **argv, char **config);
 *
 * DESCRIPTION
 *   mk_daemon_log_open(): mk_log_open() with log.file TARGET; a file that
 *   cannot be opened is reported on stderr ("PROG: cannot open log.file
 *   PATH: why") and returns MK_DAEMON_EX_CANTCREAT -- never a silent
 *   fallback to stderr.
 *
 *   mk_daemon_start(): the start sequence, in this order: PIDFILE (may be
 *   NULL) is created while still root (O_NOFOLLOW, mode 0644: its
 *   directory need not be writable by USER, as with other daemons); the
 *   process detaches when DETACH; the pid (of the detached process) is
 *   written and synced; then mk_daemon_drop_privileges(USER, OWN_PATH).
 *   Returns 0, MK_DAEMON_EX_CANTCREAT (73) when the pidfile cannot be
 *   created or written (logged; a file already created is removed) or
 *   MK_DAEMON_EX_OSERR (71) when detaching or the switch fails.
 *   mk_daemon_pidfile_remove() removes it at exit, best effort (after the
 *   switch its directory may not allow it).
 *
 *   mk_daemon_drop_privileges(): when running as root and USER is set and
 *   exists, hands OWN_PATH (a socket or work directory the daemon opened as
 *   root; may be NULL) to USER, then becomes USER (supplementary groups,
 *   gid, uid).  Not root, no USER, or an unknown USER: stays as it is, with
 *   a warning for the last.  Returns -1 only when the switch itself fails:
 *   the daemon must not go on half privileged.
 *
 *   mk_daemon_detach(): forks into the background (the parent exits), starts
 *   a new session, changes to "/" and points stdin/stdout at /dev/null
 *   (stderr stays: it may be the log).
 *
 *   mk_daemon_chown_ok(): whether the daemon, with the identity it has
 *   after mk_daemon_drop_privileges(USER) -- computed from USER's account
 *   while still root, the process's own credentials otherwise -- may give
 *   a file it creates to UID:GID ((uid_t)-1: nothing to give, 0).  Root
 *   may; anyone else only keeps the uid and picks its gid or one of its
 *   supplementary groups (chown(2)).  0, or MK_ERR_CONFIG with the reason.
 *
 *   mk_daemon_options(): parses ARGV with the daemon's option table ENT
 *   (GOption; PARAM and SUMMARY for --help); an unknown option or a stray
 *   argument prints "PROG: why (see --help)" and returns 64.  Without
 *   --config, *CONFIG becomes MK_DAEMON_CONFIG when that file exists (else
 *   stays NULL: the built-in defaults).
 */
#ifndef MK_DAEMON_H
#define MK_DAEMON_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "mk_error.h"

#define MK_DAEMON_CONFIG "/etc/mukaika/mukaika.conf"
#define MK_DAEMON_EX_OSERR 71
#define MK_DAEMON_EX_CANTCREAT 73

int mk_daemon_log_open(const char *prog, const char *level, const char *target);
int mk_daemon_start(const char *user, const char *own_path, bool detach,
                    const char *pidfile);
void mk_daemon_pidfile_remove(const char *pidfile);
int mk_daemon_drop_privileges(const char *user, const char *own_path);
int mk_daemon_detach(void);
int mk_daemon_chown_ok(const char *user, uid_t uid, gid_t gid, mk_error *err);
int mk_daemon_options(const char *prog, const char *param, const char *summary,
                      GOptionEntry *ent, int argc, char **argv, char **config);

#endif
