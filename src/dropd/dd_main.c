/*
 * NAME
 *   mukaika-dropd - the file-drop gateway: in/<user>/ -> out/<user>/
 *
 * SYNOPSIS
 *   mukaika-dropd [--foreground] [--config FILE] [--pidfile FILE]
 *   mukaika-dropd --once [--config FILE]
 *   mukaika-dropd --check [--config FILE]
 *   mukaika-dropd --help | --version
 *
 * DESCRIPTION
 *   Loads the configuration (FILE, else /etc/mukaika/mukaika.conf when it
 *   exists, else the built-in defaults), creates dropd.in_dir, out_dir and
 *   work_dir when missing (work_dir must be on in_dir's filesystem and
 *   neither may lie inside in_dir), writes the pidfile (still root),
 *   detaches, drops privileges to general.user when started as root and
 *   that account exists (mk_daemon_start), builds the engine -- refusing a
 *   dropd.out_owner it cannot give files to as it now runs -- and then:
 *   runs again every job left in work/ (restart recovery, once per start,
 *   as soon as the engine is ready and before anything new is claimed:
 *   at start, or when a rebuilt or SIGHUP-loaded engine is), watches in/
 *   (dd_watch: inotify + a rescan every dropd.rescan_s), claims settled
 *   files in batches, one claim file each, when half of the queue
 *   (dropd.jobs * DD_QUEUE_FACTOR) is free (dd_job), and processes them on
 *   a pool of dropd.jobs threads sharing one engine (dd_run).  A job that
 *   the pool has staged (tmp output + report written) waits for a group
 *   commit in this thread: when DD_COMMIT_MAX are staged, the pool is idle,
 *   the oldest waited DD_COMMIT_MS, or at a stop; the commit makes them
 *   durable together and only then removes their work copies; claim files
 *   whose jobs all finished are removed after an fsync of work/.  Nothing is claimed while the engine is not
 *   ready (signature database missing or stale): files stay in in/ and the
 *   engine is rebuilt every rescan_s.  A job that tempfails stays in work/
 *   and is retried after rescan_s.
 *
 *   --once processes what is there (files whose ctime is settle_ms old need
 *   no further settle wait), waits for the jobs and exits.  --check loads
 *   the configuration and checks dropd.out_owner for general.user.
 *
 *   Signals arrive through a signalfd in the main loop: SIGHUP loads a new
 *   configuration and engine (jobs already claimed finish with the old
 *   ones); SIGTERM/SIGINT stop claiming, wait for running jobs, commit
 *   what they staged and exit -- queued jobs stay in work/ and are
 *   recovered at the next start (--once then exits 75).
 *
 * DIAGNOSTICS
 *   Exit 0 on a clean stop (--once: everything handled), 64 usage, 71 when
 *   directories or privileges cannot be set up, 73 when log.file or the
 *   pidfile cannot be created, 75 (--once) when some files tempfailed or
 *   could not be claimed, the engine is not ready, or a signal stopped it
 *   with jobs or files left (they stay in in/ or work/), 78 configuration
 *   error (also a dropd.out_owner that cannot be given).  One log line per
 *   file.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_open.h"
#include "dd.h"
#include "daemon.h"
#include "log.h"
#include "util.h"

#define EX_OK_ 0
#define EX_OSERR_ MK_DAEMON_EX_OSERR
#define EX_TEMPFAIL_ 75
#define EX_CONFIG_ 78

typedef struct opts {
	gboolean foreground, once, check, version;
	char *config, *pidfile;
} opts;

typedef struct loop {
	const opts *o;
	dd_engine *h;
	dd_watch *w;
	GThreadPool *pool;
	GAsyncQueue *done;
	GPtrArray *retry;      /* dd_job* waiting for due_us */
	GPtrArray *staged;     /* dd_job* DD_STAGED, waiting for a commit */
	GPtrArray *claims_done;/* char* claim files with no job left */
	gint64 staged_since;   /* monotonic time of the oldest staged job */
	gint64 ready_until_us; /* engine seen ready; checked again after this */
	int evfd, sigfd;
	guint inflight;
	guint tempfails;
	guint left;            /* at a stop: jobs and files not handled */
	bool recovered;        /* restart recovery ran (once per start) */
	gint64 next_rescan_us;
	bool stop;
} loop;

static int
parse_args(int argc, char **argv, opts *o)
{
	GOptionEntry ent[] = {
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &o->foreground, "stay in the foreground", NULL },
		{ "once", '1', 0, G_OPTION_ARG_NONE, &o->once, "process what is in in/ and work/, then exit", NULL },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, "configuration file", "FILE" },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &o->pidfile, "write the process id here", "FILE" },
		{ "check", 't', 0, G_OPTION_ARG_NONE, &o->check, "check the configuration and exit", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o->version, "print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	return mk_daemon_options("mukaika-dropd", "- mukaika file-drop gateway",
	                         "Sanitizes files dropped in dropd.in_dir/<user>/ "
	                         "into dropd.out_dir/<user>/ (see mukaika-dropd(8)).",
	                         ent, argc, argv, &o->config);
}

static mk_config *
load_config(const char *path)
{
	mk_error err = { 0 };

	return mk_config_open(path, mk_config_report_log, NULL, &err);
}

/* --check: the file loads and dropd.out_owner can be given by the user
 * the daemon will run as; "FILE: OK" or the problems on stderr, 0 or 78. */
static int
check(const char *path)
{
	mk_error err = { 0 };
	mk_config *cfg = mk_config_open(path, mk_config_report_stderr, NULL, &err);
	uid_t uid;
	gid_t gid;
	int rc = EX_CONFIG_;

	if (cfg == NULL)
		goto out;
	if (dd_owner_resolve(cfg, &uid, &gid, &err) != 0) {
		fprintf(stderr, "%s: %s\n", path ? path : "(defaults)", err.msg);
		goto out;
	}
	printf("%s: OK\n", path ? path : "(defaults)");
	rc = EX_OK_;
out:
	mk_config_unref(&cfg);
	return rc;
}

static bool
inside(const char *dir, const char *root)
{
	char *a = realpath(dir, NULL), *b = realpath(root, NULL);
	gsize n = b ? strlen(b) : 0;
	bool in = a && b && strncmp(a, b, n) == 0 && (a[n] == '/' || a[n] == '\0');

	free(a);
	free(b);
	return in;
}

/* Create the folders and check their relation; exit code or 0. */
static int
setup_dirs(const mk_config *cfg)
{
	const char *in = cfg->dropd.in_dir, *work = cfg->dropd.work_dir;
	mk_error err = { 0 };
	struct stat si, sw;

	if (mk_mkdir_p(in, 0755, &err) != 0 || mk_mkdir_p(cfg->dropd.out_dir, 0755, &err) != 0 ||
	    mk_mkdir_p(work, 0700, &err) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		return EX_OSERR_;
	}
	if (inside(work, in) || inside(cfg->dropd.out_dir, in)) {
		mk_log(MK_LOG_ERROR, NULL, "dropd.work_dir and dropd.out_dir must not lie "
		       "inside dropd.in_dir");
		return EX_CONFIG_;
	}
	if (stat(in, &si) != 0 || stat(work, &sw) != 0 || si.st_dev != sw.st_dev) {
		mk_log(MK_LOG_ERROR, NULL, "dropd.work_dir %s must be on the filesystem of "
		       "dropd.in_dir %s (claims are rename()s)", work, in);
		return EX_CONFIG_;
	}
	return 0;
}


static void
pool_task(gpointer data, gpointer user)
{
	loop *l = user;
	guint64 one = 1;

	dd_job_run(data);
	g_async_queue_push(l->done, data);
	if (write(l->evfd, &one, sizeof one) < 0)
		mk_log(MK_LOG_ERROR, NULL, "eventfd: %s", g_strerror(errno));
}

static void
push(loop *l, dd_job *j)
{
	l->inflight++;
	g_thread_pool_push(l->pool, j, NULL);
}

/* A job that will not run again: its claim may be removable. */
static void
finish(loop *l, dd_job *j)
{
	if (j->claim != NULL && j->claim->left > 0 && --j->claim->left == 0)
		g_ptr_array_add(l->claims_done, g_strdup(j->claim->path));
	dd_job_free(&j);
}

static void
to_retry(loop *l, dd_job *j)
{
	l->tempfails++;
	j->due_us = g_get_monotonic_time() + j->eng->cfg->dropd.rescan_s * G_USEC_PER_SEC;
	g_ptr_array_add(l->retry, j);
}

static void
drain_done(loop *l)
{
	guint64 n;
	dd_job *j;

	if (read(l->evfd, &n, sizeof n) < 0 && errno != EAGAIN)
		mk_log(MK_LOG_ERROR, NULL, "eventfd: %s", g_strerror(errno));
	while ((j = g_async_queue_try_pop(l->done)) != NULL) {
		l->inflight--;
		if (j->outcome == DD_STAGED) {
			if (l->staged->len == 0)
				l->staged_since = g_get_monotonic_time();
			g_ptr_array_add(l->staged, j);
		} else if (j->outcome == DD_RETRY) {
			to_retry(l, j);
		} else {
			finish(l, j);
		}
	}
}

/* Make the staged jobs durable together (dd_job_commit), then remove the
 * claim files that no job needs any more. */
static void
commit(loop *l)
{
	dd_job_commit(l->staged);
	for (guint i = 0; i < l->staged->len; i++) {
		dd_job *j = l->staged->pdata[i];

		if (j->outcome == DD_DONE)
			finish(l, j);
		else
			to_retry(l, j);
	}
	g_ptr_array_set_size(l->staged, 0);
	dd_claims_release(l->claims_done);
}

/* Commit now?  A full batch, an idle pool, a stop, or one waited long. */
static bool
commit_due(const loop *l)
{
	if (l->staged->len == 0)
		return false;
	return l->staged->len >= DD_COMMIT_MAX || l->inflight == 0 || l->stop ||
	       g_get_monotonic_time() - l->staged_since >= DD_COMMIT_MS * 1000;
}

/* Jobs whose retry time has come go back to the pool (with the current
 * engine, which may be a rebuilt one). */
static void
push_due(loop *l)
{
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < l->retry->len;) {
		dd_job *j = l->retry->pdata[i];

		if (j->due_us > now || l->o->once) {
			i++;
			continue;
		}
		g_ptr_array_remove_index_fast(l->retry, i);
		dd_engine_put(&j->eng);
		j->eng = dd_engine_ref(l->h);
		push(l, j);
	}
}

/* Restart recovery, once per start, as soon as the engine is ready (at
 * start, after a rebuild, after SIGHUP) and before anything is claimed:
 * work/ then holds only what an earlier run left (dd_job_recover()). */
static void
recover(loop *l)
{
	mk_error err = { 0 };
	GPtrArray *jobs;

	if (l->recovered)
		return;
	l->recovered = true;
	jobs = dd_job_recover(l->h, &err);
	if (err.code != 0)
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
	if (jobs->len > 0)
		mk_log(MK_LOG_INFO, NULL, "recovering %u job(s) from %s", jobs->len,
		       l->h->cfg->dropd.work_dir);
	for (guint i = 0; i < jobs->len; i++)
		push(l, jobs->pdata[i]);
	g_ptr_array_unref(jobs);
}

/* Candidates of CANDS still in in/ after a claim: it failed for them (a
 * claim file not written...); the watch forgot them until a rescan. */
static guint
unclaimed(GPtrArray *cands)
{
	guint n = 0;
	struct stat st;

	for (guint i = 0; i < cands->len; i++)
		if (lstat(((dd_cand *)cands->pdata[i])->path, &st) == 0)
			n++;
	return n;
}

/* Claim settled files, one claim file per batch, when at least half of
 * the queue is free; returns how many.  Files a claim left in in/ count
 * as tempfailed (--once exits 75; the daemon finds them at a rescan). */
static guint
claim_ready(loop *l)
{
	const mk_config *cfg = l->h->cfg;
	guint cap = (guint)cfg->dropd.jobs * DD_QUEUE_FACTOR, n;
	GPtrArray *c, *jobs;

	if (l->inflight > cap / 2)
		return 0;
	c = dd_watch_ready(l->w, cfg->dropd.settle_ms, l->o->once, cap - l->inflight);
	if (c->len == 0) {
		g_ptr_array_unref(c);
		return 0;
	}
	jobs = dd_job_claim(l->h, dd_watch_root(l->w), c);
	n = jobs->len;
	if (n < c->len)
		l->tempfails += unclaimed(c);
	for (guint i = 0; i < jobs->len; i++)
		push(l, jobs->pdata[i]);
	g_ptr_array_unref(jobs);
	g_ptr_array_unref(c);
	return n;
}

static void
new_watch(loop *l)
{
	dd_watch_free(&l->w);
	l->w = dd_watch_new(l->h->cfg->dropd.in_dir, !l->o->once, NULL);
	dd_watch_rescan(l->w);
}

static void
reload(loop *l)
{
	mk_config *cfg = load_config(l->o->config);
	mk_error err = { 0 };
	dd_engine *h;
	bool moved;

	if (cfg == NULL || setup_dirs(cfg) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "reload failed: keeping the running configuration");
		goto out;
	}
	h = dd_engine_new(cfg, &err);
	if (h == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "reload failed (%s): keeping the running "
		       "configuration", err.msg);
		goto out;
	}
	moved = strcmp(h->cfg->dropd.in_dir, l->h->cfg->dropd.in_dir) != 0;
	dd_engine_put(&l->h);
	l->h = h;
	l->ready_until_us = 0;
	g_thread_pool_set_max_threads(l->pool, (gint)cfg->dropd.jobs, NULL);
	if (moved)
		new_watch(l);
	mk_log(MK_LOG_INFO, NULL, "configuration reloaded from %s",
	       l->o->config ? l->o->config : "(defaults)");
out:
	mk_config_unref(&cfg);
}

static void
rebuild_if_unready(loop *l)
{
	mk_error err = { 0 };
	dd_engine *h;

	if (dd_engine_ready(l->h, &err))
		return;
	mk_log(MK_LOG_INFO, NULL, "engine not ready (%s): rebuilding", err.msg);
	h = dd_engine_new(l->h->cfg, &err);
	if (h == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "engine rebuild failed: %s", err.msg);
		return;
	}
	dd_engine_put(&l->h);
	l->h = h;
	l->ready_until_us = 0;
}

static void
on_signal(loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGHUP) {
			mk_log(MK_LOG_INFO, NULL, "SIGHUP: reloading");
			reload(l);
		} else {
			mk_log(MK_LOG_INFO, NULL, "signal %u: stopping", si.ssi_signo);
			l->stop = true;
		}
	}
}

static int
tick_ms(const loop *l)
{
	gint64 t = l->h->cfg->dropd.settle_ms / 4;

	return (int)CLAMP(t, DD_TICK_MIN_MS, DD_TICK_MAX_MS);
}

/* One turn of the main loop; true when --once has nothing left to do. */
static bool
turn(loop *l)
{
	struct pollfd p[3] = {
		{ .fd = l->sigfd, .events = POLLIN }, { .fd = l->evfd, .events = POLLIN },
		{ .fd = dd_watch_fd(l->w), .events = POLLIN },
	};
	gint64 now;
	bool ready;
	guint claimed = 0;

	if (poll(p, 3, l->staged->len ? MIN(tick_ms(l), DD_COMMIT_MS) : tick_ms(l)) < 0 &&
	    errno != EINTR)
		mk_log(MK_LOG_ERROR, NULL, "poll: %s", g_strerror(errno));
	if (p[0].revents & POLLIN)
		on_signal(l);
	if (p[1].revents & POLLIN)
		drain_done(l);
	if (p[2].fd >= 0 && (p[2].revents & POLLIN))
		dd_watch_events(l->w);
	if (commit_due(l))
		commit(l);
	if (l->stop)
		return false;
	now = g_get_monotonic_time();
	if (now >= l->next_rescan_us && !l->o->once) {
		rebuild_if_unready(l);
		dd_watch_rescan(l->w);
		l->next_rescan_us = now + l->h->cfg->dropd.rescan_s * G_USEC_PER_SEC;
	}
	ready = now < l->ready_until_us;   /* the engine re-checks per file */
	if (!ready && (ready = dd_engine_ready(l->h, NULL)))
		l->ready_until_us = now + DD_TICK_MAX_MS * 1000;
	if (ready) {
		recover(l);   /* first: before this start claims anything */
		push_due(l);
		claimed = claim_ready(l);
	}
	if (l->staged->len == 0 && l->inflight == 0)
		dd_claims_release(l->claims_done);   /* set-aside or vanished jobs */
	if (!l->o->once)
		return false;
	return l->inflight == 0 && claimed == 0 && l->staged->len == 0 &&
	       (!ready || dd_watch_pending(l->w) == 0);
}

static int
setup_loop(loop *l, const sigset_t *set)
{
	GError *ge = NULL;

	l->done = g_async_queue_new();
	l->retry = g_ptr_array_new();
	l->staged = g_ptr_array_new();
	l->claims_done = g_ptr_array_new_with_free_func(g_free);
	l->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->sigfd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
	l->pool = g_thread_pool_new(pool_task, l, (gint)l->h->cfg->dropd.jobs, FALSE, &ge);
	if (l->evfd < 0 || l->sigfd < 0 || l->pool == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "cannot set up the main loop: %s",
		       ge ? ge->message : g_strerror(errno));
		g_clear_error(&ge);
		return -1;
	}
	if (dd_engine_ready(l->h, NULL))
		recover(l);   /* else at the first turn that finds it ready */
	new_watch(l);
	return 0;
}

static void
teardown_loop(loop *l)
{
	dd_job *j;

	if (l->pool != NULL)
		g_thread_pool_free(l->pool, TRUE, TRUE);   /* queued jobs stay in work/ */
	if (l->done != NULL && l->staged != NULL) {
		drain_done(l);   /* what the running jobs staged is finished */
		if (l->staged->len > 0)
			commit(l);
		dd_claims_release(l->claims_done);
		/* never run (dropped from the pool's queue), to be retried, and
		 * files seen in in/ but not claimed */
		l->left = l->inflight + l->retry->len + (l->w ? dd_watch_pending(l->w) : 0);
	}
	if (l->done != NULL)
		g_async_queue_unref(l->done);
	if (l->staged != NULL)
		g_ptr_array_unref(l->staged);
	if (l->claims_done != NULL)
		g_ptr_array_unref(l->claims_done);
	for (guint i = 0; l->retry && i < l->retry->len; i++) {
		j = l->retry->pdata[i];
		dd_job_free(&j);
	}
	if (l->retry)
		g_ptr_array_unref(l->retry);
	dd_watch_free(&l->w);
	if (l->evfd >= 0)
		close(l->evfd);
	if (l->sigfd >= 0)
		close(l->sigfd);
	dd_engine_put(&l->h);
}

static int
serve(const opts *o, mk_config *cfg, const sigset_t *set)
{
	loop l = { .o = o, .evfd = -1, .sigfd = -1 };
	mk_error err = { 0 };
	int rc = setup_dirs(cfg);

	if (rc != 0)
		return rc;
	/* pidfile written as root, detach, then become general.user */
	rc = mk_daemon_start(cfg->general.user, cfg->dropd.work_dir,
	                     !o->foreground && !o->once, o->pidfile);
	if (rc != 0)
		return rc;
	l.h = dd_engine_new(cfg, &err);   /* checks dropd.out_owner as we now are */
	if (l.h == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "cannot create the engine: %s", err.msg);
		rc = err.code == MK_ERR_CONFIG ? EX_CONFIG_ : EX_OSERR_;
		goto out;
	}
	rc = EX_OSERR_;
	if (setup_loop(&l, set) != 0)
		goto out;
	l.next_rescan_us = g_get_monotonic_time() + cfg->dropd.rescan_s * G_USEC_PER_SEC;
	mk_log(MK_LOG_INFO, NULL, "watching %s", cfg->dropd.in_dir);
	while (!l.stop && !turn(&l))
		;
	rc = EX_OK_;
	if (o->once && (l.tempfails > 0 || !dd_engine_ready(l.h, &err))) {
		mk_log(MK_LOG_WARNING, NULL, "--once: %u job(s) tempfailed%s%s", l.tempfails,
		       err.code ? ", engine not ready: " : "", err.msg);
		rc = EX_TEMPFAIL_;
	}
out:
	teardown_loop(&l);
	if (o->once && rc == EX_OK_ && l.left > 0) {   /* stopped by a signal */
		mk_log(MK_LOG_WARNING, NULL, "--once: stopped with %u job(s) or file(s) "
		       "not handled (left in %s or %s)", l.left, cfg->dropd.work_dir,
		       cfg->dropd.in_dir);
		rc = EX_TEMPFAIL_;
	}
	mk_daemon_pidfile_remove(o->pidfile);
	return rc;
}

int
main(int argc, char **argv)
{
	opts o = { 0 };
	mk_config *cfg = NULL;
	sigset_t set;
	int rc;

	/* Before any thread exists: signals go to the signalfd only. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	rc = parse_args(argc, argv, &o);
	if (rc != 0 || o.version) {
		if (o.version)
			printf("mukaika-dropd %s\n", MK_VERSION);
		goto out;
	}
	if (o.check) {
		rc = check(o.config);
		goto out;
	}
	mk_log_open("mukaika-dropd", "info", "");
	cfg = load_config(o.config);
	if (cfg == NULL) {
		rc = EX_CONFIG_;
		goto out;
	}
	rc = mk_daemon_log_open("mukaika-dropd", cfg->log.level, cfg->log.file);
	if (rc != 0)
		goto out;   /* reported on stderr */
	rc = serve(&o, cfg, &set);
	mk_log_close();
out:
	mk_config_unref(&cfg);
	g_free(o.config);
	g_free(o.pidfile);
	return rc;
}
