/*
 * NAME
 *   daemon - what every mukaika daemon does at start: detach, drop root
 *
 * SUMMARY
 *   int mk_daemon_drop_privileges(const char *user, const char *own_path);
 *   int mk_daemon_detach(void);
int mk_daemon_options(const char *prog, const char *param, const char *summary,
                      GOptionEntry *ent, int argc, char **argv, char **config);
 *   int mk_daemon_options(const char *prog, const char *param,
 *                         const char *summary, GOptionEntry *ent,
 *                         int argc, char **argv, char **config);
 *
 * DESCRIPTION
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
 *   mk_daemon_options(): parses ARGV with the daemon's option table ENT
 *   (GOption; PARAM and SUMMARY for --help); an unknown option or a stray
 *   argument prints "PROG: why (see --help)" and returns 64.  Without
 *   --config, *CONFIG becomes MK_DAEMON_CONFIG when that file exists (else
 *   stays NULL: the built-in defaults).
 */
#ifndef MK_DAEMON_H
#define MK_DAEMON_H

#include <glib.h>

#define MK_DAEMON_CONFIG "/etc/mukaika/mukaika.conf"

int mk_daemon_drop_privileges(const char *user, const char *own_path);
int mk_daemon_detach(void);
int mk_daemon_options(const char *prog, const char *param, const char *summary,
                      GOptionEntry *ent, int argc, char **argv, char **config);

#endif
