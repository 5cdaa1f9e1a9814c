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
 *   Loads the configuration (FILE, else /etc/mukaika/mukaika.conf when it
 *   exists, else the built-in defaults), opens milter.socket ("unix:PATH" or
 *   "inet:PORT@HOST"), drops privileges to general.user when started as root
 *   and that account exists (a unix socket is handed to that user first),
 *   creates the engine and serves the MTA with one thread per connection
 *   (libmilter).  Without --foreground it detaches.
 *
 *   Signals are taken by the main thread (sigtimedwait): SIGHUP loads a new
 *   configuration snapshot and engine and swaps them in (messages in flight
 *   finish with the old ones); SIGTERM/SIGINT stop accepting and exit.  Every
 *   MM_READY_RETRY_S seconds an engine that is not ready is rebuilt.
 *
 * DIAGNOSTICS
 *   Exit 0 on a clean stop, 64 usage, 78 configuration error, 71 when the
 *   socket cannot be opened or privileges cannot be dropped, 73 when
 *   log.file or the pidfile (written as root, before the switch to
 *   general.user) cannot be created.  --check prints
 *   "FILE: OK" or one "FILE:LINE: group.key: message" line per problem.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_open.h"
#include "daemon.h"
#include "log.h"
#include "mm.h"

#define EX_OK_ 0
#define EX_OSERR_ 71
#define EX_CONFIG_ 78

typedef struct opts {
	gboolean foreground, check, version;
	char *config, *pidfile;
} opts;

static pthread_t main_thread;
static volatile gint milter_done;

static int
parse_args(int argc, char **argv, opts *o)
{
	GOptionEntry ent[] = {
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &o->foreground, "stay in the foreground", NULL },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, "configuration file", "FILE" },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &o->pidfile, "write the process id here", "FILE" },
		{ "check", 't', 0, G_OPTION_ARG_NONE, &o->check, "check the configuration and exit", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o->version, "print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	return mk_daemon_options("mukaika-milter", "- mukaika mail sanitizing milter",
	                         NULL, ent, argc, argv, &o->config);
}

static mk_config *
load_config(const opts *o, bool print)
{
	mk_error err = {0};
	mk_config *cfg;

	/* the form of milter.socket is checked by the schema (config.c) */
	cfg = mk_config_open(o->config, mk_config_report_stderr, NULL, &err);
	if (cfg != NULL && print)
		printf("%s: OK\n", o->config ? o->config : "(defaults)");
	return cfg;
}

static const char *
unix_path(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	return NULL;
}

static int
open_socket(const mk_config *cfg)
{
	if (smfi_setconn(cfg->milter.socket) != MI_SUCCESS ||
	    smfi_settimeout((int)cfg->milter.timeout_s) != MI_SUCCESS ||
	    smfi_register(mm_filter) != MI_SUCCESS ||
	    smfi_opensocket(true) != MI_SUCCESS) {
		mk_log(MK_LOG_ERROR, NULL, "cannot open milter socket %s", cfg->milter.socket);
		return -1;
	}
	return 0;
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

static void
signal_loop(const opts *o, const sigset_t *set)
{
	struct timespec ts = { .tv_sec = MM_READY_RETRY_S, .tv_nsec = 0 };

	while (!g_atomic_int_get(&milter_done)) {
		int sig = sigtimedwait(set, NULL, &ts);
		mk_error err = {0};

		if (sig < 0) {
			if (errno == EAGAIN)
				mm_engine_retry_if_unready();
			continue;
		}
		if (sig == SIGHUP) {
			mk_log(MK_LOG_INFO, NULL, "SIGHUP: reloading");
			if (mm_engine_reload(o->config, &err) != 0)
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
serve(const opts *o, mk_config *cfg)
{
	sigset_t set;
	pthread_t th;
	mk_error err = {0};
	int rc = EX_OSERR_;

	if (open_socket(cfg) != 0)
		return EX_OSERR_;
	/* pidfile written as root, then detach and become general.user (a
	 * unix socket is handed to that user first) */
	rc = mk_daemon_start(cfg->general.user, unix_path(cfg->milter.socket),
	                     !o->foreground, o->pidfile);
	if (rc != 0)
		return rc;
	rc = EX_OSERR_;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	main_thread = pthread_self();
	if (mm_engine_init(cfg, &err) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot create the engine: %s", err.msg);
		goto out;
	}
	if (pthread_create(&th, NULL, milter_thread, NULL) != 0)
		goto out;
	mk_log(MK_LOG_INFO, NULL, "listening on %s", cfg->milter.socket);
	signal_loop(o, &set);
	pthread_join(th, NULL);
	rc = g_atomic_int_get(&milter_done) == 2 ? EX_OSERR_ : EX_OK_;
out:
	mm_engine_shutdown();
	mk_daemon_pidfile_remove(o->pidfile);
	return rc;
}

int
main(int argc, char **argv)
{
	opts o = {0};
	mk_config *cfg = NULL;
	int rc = parse_args(argc, argv, &o);

	if (rc != 0 || o.version) {
		if (o.version)
			printf("mukaika-milter %s\n", MK_VERSION);
		goto out;
	}
	cfg = load_config(&o, o.check);
	if (cfg == NULL) {
		rc = EX_CONFIG_;
		goto out;
	}
	if (o.check)
		goto out;
	rc = mk_daemon_log_open("mukaika-milter", cfg->log.level, cfg->log.file);
	if (rc != 0)
		goto out;   /* reported on stderr */
	rc = serve(&o, cfg);
	mk_log_close();
out:
	mk_config_unref(&cfg);
	g_free(o.config);
	g_free(o.pidfile);
	return rc;
}
