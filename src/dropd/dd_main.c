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
 *   The hooks of the common daemon skeleton (mk_daemon_main, daemon.h):
 *   pre_drop (root) creates general.state_dir, quarantine.dir,
 *   dropd.in_dir, out_dir, work_dir and report_dir (when set) when
 *   missing, owned by general.user
 *   (work_dir must be on in_dir's filesystem and neither may lie inside
 *   in_dir); after the switch every one must be usable by general.user
 *   (in_dir readable and writable: claims are renames), else the start
 *   fails naming it; post_drop builds the engine -- refusing a
 *   dropd.out_owner it cannot give files to as it now runs -- and serve:
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
 *   Exit codes of mk_exit.h: 0 on a clean stop (--once: everything
 *   handled), 64 usage, 66 when dropd.in_dir cannot be read or written by
 *   general.user, 71 when privileges cannot be dropped, 73 when log.file,
 *   the pidfile or another directory cannot be created or used, 75
 *   (--once) when some files tempfailed or
 *   could not be claimed, the engine is not ready, or a signal stopped it
 *   with jobs or files left (they stay in in/ or work/), 78 configuration
 *   error (also a dropd.out_owner that cannot be given, general.user
 *   missing or empty when started as root).  One log line per file.
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
#include "engine/emetrics.h"
#include "log.h"
#include "store.h"
#include "util.h"

mk_metrics *dd_metrics;

typedef struct opts {
	gboolean once;
	const char *config;   /* the skeleton's --config (borrowed) */
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
	gint64 next_metrics_us;
	bool stop;
} loop;

/* --check: dropd.out_owner can be given by the user the daemon will run
 * as; the problem on stderr and 78. */
static int
check(mk_daemon *d)
{
	mk_error err = { 0 };
	uid_t uid;
	gid_t gid;

	if (dd_owner_resolve(d->cfg, &uid, &gid, &err) != 0) {
		fprintf(stderr, "%s: %s\n", d->config ? d->config : "(defaults)", err.msg);
		return MK_EXIT_CONFIG;
	}
	return 0;
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

/* The folders' relation (they exist); exit code or 0. */
static int
dirs_related(const mk_config *cfg)
{
	const char *in = cfg->dropd.in_dir, *work = cfg->dropd.work_dir;
	struct stat si, sw;

	if (inside(work, in) || inside(cfg->dropd.out_dir, in)) {
		mk_log(MK_LOG_ERROR, NULL, "dropd.work_dir and dropd.out_dir must not lie "
		       "inside dropd.in_dir");
		return MK_EXIT_CONFIG;
	}
	if (stat(in, &si) != 0 || stat(work, &sw) != 0 || si.st_dev != sw.st_dev) {
		mk_log(MK_LOG_ERROR, NULL, "dropd.work_dir %s must be on the filesystem of "
		       "dropd.in_dir %s (claims are rename()s)", work, in);
		return MK_EXIT_CONFIG;
	}
	return 0;
}

/* SIGHUP: folders of a new configuration, created as the running user. */
static int
setup_dirs(const mk_config *cfg)
{
	mk_error err = { 0 };

	if (mk_mkdir_p(cfg->dropd.in_dir, 0755, &err) != 0 ||
	    mk_mkdir_p(cfg->dropd.out_dir, 0755, &err) != 0 ||
	    mk_mkdir_p(cfg->dropd.work_dir, 0700, &err) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		return MK_EXIT_CANTCREAT;
	}
	return dirs_related(cfg);
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
	mk_error lerr = { 0 };
	mk_config *cfg = mk_config_open(l->o->config, mk_config_report_log, NULL, &lerr);
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
	mk_audit_config_note(cfg, "mukaika-dropd");
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
	if (dd_metrics != NULL && now >= l->next_metrics_us) {
		mk_emetrics_flush(dd_metrics, l->h->cfg, l->h->engine, "dropd");
		l->next_metrics_us = now + l->h->cfg->metrics.interval_s * G_USEC_PER_SEC;
	}
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

static opts O;
static loop L = { .o = &O, .evfd = -1, .sigfd = -1 };
static sigset_t sigs;   /* read from the signalfd only */

static bool
stay_attached(mk_daemon *d)
{
	(void)d;
	return O.once;
}

/* Root: the folders, created for general.user when missing. */
static int
pre_drop(mk_daemon *d)
{
	const mk_config *cfg = d->cfg;
	char *qdir = mk_config_state_path(cfg, cfg->quarantine.dir, "quarantine");
	char *db = mk_config_state_path(cfg, cfg->quarantine.db, "mukaika.db");
	char *mdir = mk_metrics_dir(cfg);
	int rc;

	O.config = d->config;
	if ((rc = mk_daemon_dir(d, cfg->general.state_dir, 0750, "general.state_dir",
	                        true, MK_EXIT_CANTCREAT)) == 0 &&
	    (rc = mk_daemon_dir(d, qdir, 0750, "quarantine.dir", true,
	                        MK_EXIT_CANTCREAT)) == 0 &&
	    (rc = mk_daemon_dir(d, cfg->dropd.in_dir, 0755, "dropd.in_dir", true,
	                        MK_EXIT_NOINPUT)) == 0 &&
	    (rc = mk_daemon_dir(d, cfg->dropd.out_dir, 0755, "dropd.out_dir", true,
	                        MK_EXIT_CANTCREAT)) == 0 &&
	    (rc = mk_daemon_dir(d, cfg->dropd.work_dir, 0700, "dropd.work_dir", true,
	                        MK_EXIT_CANTCREAT)) == 0 &&
	    (!cfg->metrics.enabled ||
	     (rc = mk_daemon_dir(d, mdir, 0755, "metrics.dir", true,
	                         MK_EXIT_CANTCREAT)) == 0) &&
	    (*cfg->dropd.report_dir == '\0' ||
	     (rc = mk_daemon_dir(d, cfg->dropd.report_dir, 0755, "dropd.report_dir", true,
	                         MK_EXIT_CANTCREAT)) == 0))
		rc = dirs_related(cfg);
	mk_daemon_file(d, db, "quarantine.db", MK_EXIT_CANTCREAT);
	g_free(db);
	g_free(qdir);
	g_free(mdir);
	return rc;
}

/* As general.user: the engine, which checks dropd.out_owner as we now are. */
static int
post_drop(mk_daemon *d)
{
	mk_error err = { 0 };

	L.h = dd_engine_new(d->cfg, &err);
	if (L.h == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "cannot create the engine: %s", err.msg);
		return err.code == MK_ERR_CONFIG ? MK_EXIT_CONFIG : MK_EXIT_OSERR;
	}
	if (d->cfg->metrics.enabled)
		dd_metrics = mk_metrics_new("dropd", "file");
	mk_audit_config_note(d->cfg, "mukaika-dropd");
	return setup_loop(&L, &sigs) != 0 ? MK_EXIT_OSERR : 0;
}

static int
serve(mk_daemon *d)
{
	const mk_config *cfg = d->cfg;
	mk_error err = { 0 };

	L.next_rescan_us = g_get_monotonic_time() + cfg->dropd.rescan_s * G_USEC_PER_SEC;
	mk_log(MK_LOG_INFO, NULL, "watching %s", cfg->dropd.in_dir);
	while (!L.stop && !turn(&L))
		;
	if (O.once && (L.tempfails > 0 || !dd_engine_ready(L.h, &err))) {
		mk_log(MK_LOG_WARNING, NULL, "--once: %u job(s) tempfailed%s%s", L.tempfails,
		       err.code ? ", engine not ready: " : "", err.msg);
		return MK_EXIT_TEMPFAIL;
	}
	return MK_EXIT_OK;
}

/* Always: the pool is drained; --once stopped by a signal with work left
 * exits 75 (the exit status is set here through L.left, see main). */
static void
cleanup(mk_daemon *d)
{
	dd_engine *h = L.h ? dd_engine_ref(L.h) : NULL;

	teardown_loop(&L);   /* the running jobs finish: counted */
	if (h != NULL)
		mk_emetrics_flush(dd_metrics, h->cfg, h->engine, "dropd");
	dd_engine_put(&h);
	mk_metrics_free(&dd_metrics);
	if (O.once && L.left > 0)
		mk_log(MK_LOG_WARNING, NULL, "--once: stopped with %u job(s) or file(s) "
		       "not handled (left in %s or %s)", L.left, d->cfg->dropd.work_dir,
		       d->cfg->dropd.in_dir);
}

int
main(int argc, char **argv)
{
	GOptionEntry ent[] = {
		{ "once", '1', 0, G_OPTION_ARG_NONE, &O.once, "process what is in in/ and work/, then exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	mk_daemon_hooks h = {
		.prog = "mukaika-dropd",
		.param = "- mukaika file-drop gateway",
		.summary = "Sanitizes files dropped in dropd.in_dir/<user>/ into "
		           "dropd.out_dir/<user>/ (see mukaika-dropd(8)).",
		.options = ent,
		.check = check,
		.stay_attached = stay_attached,
		.pre_drop = pre_drop,
		.post_drop = post_drop,
		.serve = serve,
		.cleanup = cleanup,
	};
	int rc;

	/* Before any thread exists: signals go to the signalfd only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGXFSZ, SIG_IGN);
	rc = mk_daemon_main(&h, argc, argv);
	if (O.once && rc == MK_EXIT_OK && L.left > 0)   /* stopped by a signal */
		rc = MK_EXIT_TEMPFAIL;
	return rc;
}
