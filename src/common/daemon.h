/*
 * NAME
 *   daemon - the one start sequence of every mukaika daemon (milter,
 *   dropd, web), with pre-drop / post-drop / serve hooks
 *
 * SUMMARY
 *   int mk_daemon_main(const mk_daemon_hooks *h, int argc, char **argv);
 *   int mk_daemon_dir(mk_daemon *d, const char *path, int mode,
 *                     const char *key, bool write, int code);
 *   int mk_daemon_file(mk_daemon *d, const char *path, const char *key,
 *                      int code);
 *   int mk_daemon_chown_ok(const char *user, uid_t uid, gid_t gid,
 *                          mk_error *err);
 *
 * DESCRIPTION
 *   mk_daemon_main() is the whole life of a daemon (Postfix's
 *   single_server_main is the model), in this order:
 *     1. options: --foreground, --config FILE, --pidfile FILE, --check,
 *        --version, plus H->options; a bad one prints "PROG: why (see
 *        --help)" and exits 64.  Without --config, MK_DAEMON_CONFIG when it
 *        exists, else the built-in defaults;
 *     2. the configuration (problems on stderr as FILE:LINE: ..., 78);
 *     3. the identity: started as root, the daemon becomes general.user,
 *        which must be set, exist and not be uid 0 -- otherwise it exits
 *        78 with the reason, never "staying root".  Not started as root:
 *        it stays as it is (general.user is not needed);
 *     4. --check: H->check (or nothing more) and "FILE: OK", 0 or 78;
 *     5. log.file opened (73 when it cannot be), while still root;
 *     6. H->pre_drop, as root: sockets, key material, and the state
 *        directories through mk_daemon_dir();
 *     7. the pidfile created (root; O_NOFOLLOW, 0644), detach unless
 *        --foreground or H->stay_attached(), the pid written and synced
 *        (73 / 71);
 *     8. the switch: supplementary groups, gid, uid of general.user (71
 *        when it fails: never half privileged);
 *     9. every directory given to mk_daemon_dir() is checked as the new
 *        user (search, read, and write when asked): a start-up error
 *        naming the key and path, with that directory's exit code;
 *    10. H->post_drop (engine, store), then H->serve (the main loop); its
 *        return value is the exit status;
 *    11. H->cleanup (always, after a hook failed too), the pidfile removed
 *        (best effort), the log closed.
 *   Hooks return 0 or an exit code (mk_exit.h); any may be NULL.
 *
 *   mk_daemon_dir(): in pre_drop, a directory the daemon needs: created
 *   with MODE (and its missing parents) when missing and, when the
 *   daemon is about to switch, given to general.user; an existing one is
 *   left as it is and checked after the switch (step 9).  KEY names it in
 *   messages ("general.state_dir"); CODE is the exit status when it cannot
 *   be created or used.  0 or CODE (logged).
 *
 *   mk_daemon_file(): a file the daemon will write (the quarantine
 *   database): never created here, but when it exists it must be readable
 *   and writable after the switch (a database made by a root CLI run is
 *   named at start instead of failing every item later).  Returns 0.
 *
 *   mk_daemon_chown_ok(): whether the daemon, with the identity it has
 *   after the switch to USER -- computed from USER's account while still
 *   root, the process's own credentials otherwise -- may give a file it
 *   creates to UID:GID ((uid_t)-1: nothing to give, 0).  Root may; anyone
 *   else only keeps the uid and picks its gid or one of its supplementary
 *   groups (chown(2)).  0, or MK_ERR_CONFIG with the reason.
 *
 * OWNERSHIP
 *   d->cfg is owned by the skeleton (unref'd at the end); hooks keep their
 *   own state in d->ud.
 */
#ifndef MK_DAEMON_H
#define MK_DAEMON_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "mk_error.h"
#include "mk_exit.h"

#define MK_DAEMON_CONFIG "/etc/mukaika/mukaika.conf"

typedef struct mk_daemon mk_daemon;

typedef struct mk_daemon_hooks {
	const char *prog;             /* "mukaika-milter" */
	const char *param;            /* --help: parameter text */
	const char *summary;          /* --help: summary, may be NULL */
	GOptionEntry *options;        /* the program's own options, may be NULL */
	int (*check)(mk_daemon *d);   /* --check beyond loading (e.g. owners) */
	bool (*stay_attached)(mk_daemon *d);  /* no detach (dropd --once) */
	int (*pre_drop)(mk_daemon *d);
	int (*post_drop)(mk_daemon *d);
	int (*serve)(mk_daemon *d);
	void (*cleanup)(mk_daemon *d);
	void *ud;                     /* the program's state */
} mk_daemon_hooks;

struct mk_daemon {
	const mk_daemon_hooks *h;
	void *ud;                     /* = h->ud */
	mk_config *cfg;               /* the loaded snapshot (owned) */
	char *config;                 /* --config or MK_DAEMON_CONFIG; NULL = defaults */
	char *pidfile;
	gboolean foreground, check, version;
	/* identity after the switch */
	bool drop;                    /* started as root: switch to user */
	char *user;
	uid_t uid;
	gid_t gid;
	GPtrArray *dirs;              /* mk_daemon_dir() entries, checked after */
	bool pid_made;                /* the pidfile is ours to remove */
};

int mk_daemon_main(const mk_daemon_hooks *h, int argc, char **argv);
int mk_daemon_dir(mk_daemon *d, const char *path, int mode, const char *key,
                  bool write, int code);
int mk_daemon_file(mk_daemon *d, const char *path, const char *key, int code);
int mk_daemon_chown_ok(const char *user, uid_t uid, gid_t gid, mk_error *err);

#endif
