/*
 * NAME
 *   mukaika-milter - the mail gateway's content filter in the MTA's path
 *
 * SYNOPSIS
 *   mukaika-milter [--foreground] [--config FILE] [--pidfile FILE]
 *   mukaika-milter --check [--config FILE]
 *   mukaika-milter --help | --version
 *
 * DESCRIPTION
 *   The hooks of the common daemon skeleton (mk_daemon_main, daemon.h):
 *     pre_drop   (root) the socket directory and the state and spool
 *                directories (created and given to general.user when
 *                missing), milter.socket opened ("unix:PATH" or
 *                "inet:PORT@HOST"); a unix socket gets milter.socket_group
 *                and milter.socket_mode, so that the MTA (Debian Postfix:
 *                group postfix) may connect and nobody else;
 *     post_drop  (general.user) the engine;
 *     serve      one thread per connection (libmilter).
 *
 *   Signals are taken by the main thread (sigtimedwait): SIGHUP loads a new
 *   configuration snapshot and engine and swaps them in (messages in flight
 *   finish with the old ones); SIGTERM/SIGINT stop accepting and exit.  Every
 *   MM_READY_RETRY_S seconds an engine that is not ready is rebuilt.
 *
 * DIAGNOSTICS
 *   Exit codes of mk_exit.h: 0 on a clean stop, 64 usage, 78 configuration
 *   error (also general.user missing or empty when started as root, an
 *   unknown milter.socket_group), 71 when the socket cannot be opened or
 *   privileges cannot be dropped, 73 when log.file, the pidfile or a state
 *   directory cannot be created or used.  --check prints "FILE: OK" or one
 *   "FILE:LINE: group.key: message" line per problem.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "emetrics.h"
#include "log.h"
#include "mm.h"
#include "store.h"

mk_metrics *mm_metrics;

static pthread_t main_thread;
static volatile gint milter_done;
static sigset_t sigs;   /* taken by the main thread only (sigtimedwait) */

static const char *
unix_path(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	return NULL;
}

/* milter.socket_group as a gid: "" = general.user's group (or ours). */
static int
socket_gid(const mk_daemon *d, gid_t *gid)
{
	const char *name = d->cfg->milter.socket_group;
	struct group *gr;

	*gid = d->drop ? d->gid : getegid();
	if (*name == '\0')
		return 0;
	gr = getgrnam(name);
	if (gr == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "milter.socket_group %s does not exist (the "
		       "MTA's group, e.g. postfix)", name);
		return MK_EXIT_CONFIG;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* A unix socket: owner general.user, group milter.socket_group, mode
 * milter.socket_mode -- the MTA connects through the group. */
static int
socket_access(const mk_daemon *d, const char *path)
{
	uid_t uid = d->drop ? d->uid : (uid_t)-1;
	gid_t gid;
	int rc = socket_gid(d, &gid);

	if (rc != 0)
		return rc;
	if (chown(path, uid, gid) != 0 || chmod(path, (mode_t)d->cfg->milter.socket_mode) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "milter socket %s: cannot set owner, group %s "
		       "and mode %04o: %s", path, d->cfg->milter.socket_group,
		       (unsigned)d->cfg->milter.socket_mode, g_strerror(errno));
		return MK_EXIT_OSERR;
	}
	return 0;
}

/* Root: the directories, the socket with its group and mode. */
static int
pre_drop(mk_daemon *d)
{
	const mk_config *cfg = d->cfg;
	const char *upath = unix_path(cfg->milter.socket);
	char *spool = mk_config_state_path(cfg, cfg->milter.spool_dir, "spool");
	char *qdir = mk_config_state_path(cfg, cfg->quarantine.dir, "quarantine");
	char *sdir = upath ? g_path_get_dirname(upath) : NULL;
	char *db = mk_config_state_path(cfg, cfg->quarantine.db, "mukaika.db");
	char *mdir = mk_metrics_dir(cfg);
	int rc;

	/* before any thread exists (the engine's, libmilter's) */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if ((rc = mk_daemon_dir(d, cfg->general.state_dir, 0750, "general.state_dir",
	                        true, MK_EXIT_CANTCREAT)) != 0 ||
	    (rc = mk_daemon_dir(d, spool, 0700, "milter.spool_dir", true,
	                        MK_EXIT_CANTCREAT)) != 0 ||
	    (rc = mk_daemon_dir(d, qdir, 0750, "quarantine.dir", true,
	                        MK_EXIT_CANTCREAT)) != 0 ||
	    (cfg->metrics.enabled &&
	     (rc = mk_daemon_dir(d, mdir, 0755, "metrics.dir", true, MK_EXIT_CANTCREAT)) != 0) ||
	    (sdir != NULL && (rc = mk_daemon_dir(d, sdir, 0755, "milter.socket", false,
	                                         MK_EXIT_OSERR)) != 0))
		goto out;
	mk_daemon_file(d, db, "quarantine.db", MK_EXIT_CANTCREAT);
	rc = MK_EXIT_OSERR;
	if (smfi_setconn(cfg->milter.socket) != MI_SUCCESS ||
	    smfi_settimeout((int)cfg->milter.timeout_s) != MI_SUCCESS ||
	    smfi_register(mm_filter) != MI_SUCCESS ||
	    smfi_opensocket(true) != MI_SUCCESS) {
		mk_log(MK_LOG_ERROR, NULL, "cannot open milter socket %s", cfg->milter.socket);
		goto out;
	}
	rc = upath != NULL ? socket_access(d, upath) : 0;
out:
	g_free(spool);
	g_free(qdir);
	g_free(sdir);
	g_free(db);
	g_free(mdir);
	return rc;
}

static int
post_drop(mk_daemon *d)
{
	mk_error err = {0};

	if (mm_engine_init(d->cfg, &err) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot create the engine: %s", err.msg);
		return MK_EXIT_OSERR;
	}
	if (d->cfg->metrics.enabled)
		mm_metrics = mk_metrics_new("milter", "mail");
	mk_audit_config_note(d->cfg, "mukaika-milter");
	return 0;
}

/* The textfile, from the running engine and its configuration. */
static void
metrics_flush(void)
{
	mm_engine *h = mm_engine_get();

	if (h != NULL)
		mk_emetrics_flush(mm_metrics, h->cfg, h->engine, "milter");
	mm_engine_put(&h);
}

static void *
milter_thread(void *arg)
{
	int rc = smfi_main();

	mk_log(rc == MI_SUCCESS ? MK_LOG_INFO : MK_LOG_ERROR, NULL,
	       "milter loop ended (%s)", rc == MI_SUCCESS ? "ok" : "failure");
	g_atomic_int_set(&milter_done, rc == MI_SUCCESS ? 1 : 2);
	pthread_kill(main_thread, SIGUSR2);
	return NULL;
}

/* Wakes every metrics.interval_s (at most MM_READY_RETRY_S): the textfile
 * is written, and an engine that is not ready is retried every
 * MM_READY_RETRY_S. */
static void
signal_loop(const mk_daemon *d, const sigset_t *set)
{
	gint64 tick_s = d->cfg->metrics.enabled ? MIN(d->cfg->metrics.interval_s,
	                                              MM_READY_RETRY_S) : MM_READY_RETRY_S;
	struct timespec ts = { .tv_sec = (time_t)tick_s, .tv_nsec = 0 };
	gint64 retry_at = g_get_monotonic_time() + MM_READY_RETRY_S * G_USEC_PER_SEC;

	metrics_flush();
	while (!g_atomic_int_get(&milter_done)) {
		int sig = sigtimedwait(set, NULL, &ts);
		mk_error err = {0};

		if (sig < 0) {
			if (errno != EAGAIN)
				continue;
			metrics_flush();
			if (g_get_monotonic_time() >= retry_at) {
				mm_engine_retry_if_unready();
				retry_at = g_get_monotonic_time() + MM_READY_RETRY_S * G_USEC_PER_SEC;
			}
			continue;
		}
		if (sig == SIGHUP) {
			mk_log(MK_LOG_INFO, NULL, "SIGHUP: reloading");
			if (mm_engine_reload(d->config, &err) != 0)
				mk_log(MK_LOG_ERROR, NULL, "reload failed, keeping the "
				       "running configuration: %s", err.msg);
		} else if (sig == SIGTERM || sig == SIGINT) {
			mk_log(MK_LOG_INFO, NULL, "signal %d: stopping", sig);
			smfi_stop();
			break;
		}
	}
}

static int
serve(mk_daemon *d)
{
	pthread_t th;

	main_thread = pthread_self();
	if (pthread_create(&th, NULL, milter_thread, NULL) != 0)
		return MK_EXIT_OSERR;
	mk_log(MK_LOG_INFO, NULL, "listening on %s", d->cfg->milter.socket);
	signal_loop(d, &sigs);
	pthread_join(th, NULL);
	return g_atomic_int_get(&milter_done) == 2 ? MK_EXIT_OSERR : MK_EXIT_OK;
}

static void
cleanup(mk_daemon *d)
{
	(void)d;
	metrics_flush();
	mm_engine_shutdown();
	mk_metrics_free(&mm_metrics);
}

int
main(int argc, char **argv)
{
	static const mk_daemon_hooks h = {
		.prog = "mukaika-milter",
		.param = "- mukaika mail sanitizing milter",
		.pre_drop = pre_drop,
		.post_drop = post_drop,
		.serve = serve,
		.cleanup = cleanup,
	};

	return mk_daemon_main(&h, argc, argv);
}
