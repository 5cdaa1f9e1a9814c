/*
 * NAME
 *   daemon - what every mukaika daemon does at start: detach, drop root
 *
 * SUMMARY
 *   int mk_daemon_drop_privileges(const char *user, const char *own_path);
 *   int mk_daemon_detach(void);
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
 */
#ifndef MK_DAEMON_H
#define MK_DAEMON_H

int mk_daemon_drop_privileges(const char *user, const char *own_path);
int mk_daemon_detach(void);

#endif
