/*
 * NAME
 *   daemon - the daemon start sequence and its steps (see daemon.h)
 *
 * DESCRIPTION
 *   mk_daemon_main() runs the steps in the order daemon.h lists; each step
 *   is a small function here: identity (resolve general.user), pidfile
 *   (create as root, write after detach), detach, the switch, and the
 *   directories (create and hand over before, check after).
 *
 * FAILURE
 *   Every start step that fails is logged (or printed, before the log is
 *   open) and ends the start with its exit code; nothing falls back
 *   silently (no log file -> stderr, no pidfile -> none, no user -> root).
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_open.h"
#include "log.h"

/* Created (or truncated) while still root; -1 when it cannot be. */
static int
pidfile_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		mk_log(MK_LOG_ERROR, NULL, "cannot create pidfile %s: %s", path,
		       g_strerror(errno));
	return fd;
}

/* The pid of this (detached) process into FD, synced; FD is closed. */
static int
pidfile_write(int fd, const char *path)
{
	char buf[32];
	int n = g_snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	int rc = 0;

	if (write(fd, buf, (size_t)n) != n || fsync(fd) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot write pidfile %s: %s", path,
		       g_strerror(errno ? errno : ENOSPC));
		rc = -1;
	}
	if (close(fd) != 0 && rc == 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot write pidfile %s: %s", path,
		       g_strerror(errno));
		rc = -1;
	}
	return rc;
}

/* The identity after the switch to USER: *ME, and its groups
 * (caller frees).  false when it stays root. */
static bool
identity_after_drop(const char *user, uid_t *me, GArray **groups)
{
	struct passwd *pw = NULL;
	gid_t g[NGROUPS_MAX + 1];
	int n = NGROUPS_MAX + 1;

	if (geteuid() == 0 && user != NULL && *user != '\0')
		pw = getpwnam(user);
	if (geteuid() == 0 && (pw == NULL || pw->pw_uid == 0))
		return false;
	*groups = g_array_new(FALSE, FALSE, sizeof(gid_t));
	if (pw != NULL) {
		*me = pw->pw_uid;
		if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) < 0)
			n = 0;
		g_array_append_val(*groups, pw->pw_gid);
	} else {
		gid_t eg = getegid();

		*me = geteuid();
		n = getgroups(NGROUPS_MAX + 1, g);
		g_array_append_val(*groups, eg);
	}
	if (n > 0)
		g_array_append_vals(*groups, g, (guint)n);
	return true;
}

int
mk_daemon_chown_ok(const char *user, uid_t uid, gid_t gid, mk_error *err)
{
	GArray *groups = NULL;
	uid_t me = 0;
	bool in = false;
	int rc = 0;

	if ((uid == (uid_t)-1 && gid == (gid_t)-1) || !identity_after_drop(user, &me, &groups))
		return 0;
	for (guint i = 0; gid != (gid_t)-1 && i < groups->len; i++)
		in = in || g_array_index(groups, gid_t, i) == gid;
	if (uid != (uid_t)-1 && uid != me) {
		mk_error_set(err, MK_ERR_CONFIG, "the daemon runs as uid %lu and cannot "
		             "give files to uid %lu (only root can; files are written "
		             "after the switch to general.user)", (unsigned long)me,
		             (unsigned long)uid);
		rc = MK_ERR_CONFIG;
	} else if (gid != (gid_t)-1 && !in) {
		mk_error_set(err, MK_ERR_CONFIG, "the daemon runs as uid %lu, which is "
		             "not in group gid %lu and cannot give files to it",
		             (unsigned long)me, (unsigned long)gid);
		rc = MK_ERR_CONFIG;
	}
	g_array_unref(groups);
	return rc;
}

static int
detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/") != 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 1)
			close(fd);
	}
	return 0;
}


/* ---- identity and the switch ---- */

/* Step 3: who the daemon will be.  Root must switch to a real, unprivileged
 * general.user; anyone else stays.  0 or MK_EXIT_CONFIG (printed). */
static int
identity(mk_daemon *d)
{
	const char *user = d->cfg->general.user;
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	d->drop = true;
	if (user == NULL || *user == '\0') {
		fprintf(stderr, "%s: general.user is empty: a daemon started as root "
		        "must switch to an unprivileged account\n", d->h->prog);
		return MK_EXIT_CONFIG;
	}
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		fprintf(stderr, "%s: general.user %s does not exist%s%s (create it, e.g. "
		        "useradd --system %s): refusing to run as root\n", d->h->prog, user,
		        errno ? ": " : "", errno ? g_strerror(errno) : "", user);
		return MK_EXIT_CONFIG;
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr, "%s: general.user %s is uid 0: refusing to run as root\n",
		        d->h->prog, user);
		return MK_EXIT_CONFIG;
	}
	d->user = g_strdup(user);
	d->uid = pw->pw_uid;
	d->gid = pw->pw_gid;
	return 0;
}

/* Step 8: supplementary groups, gid, uid; then make sure it holds. */
static int
switch_user(const mk_daemon *d)
{
	if (!d->drop)
		return 0;
	if (initgroups(d->user, d->gid) != 0 || setgid(d->gid) != 0 ||
	    setuid(d->uid) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot become %s: %s", d->user, g_strerror(errno));
		return MK_EXIT_OSERR;
	}
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
		mk_log(MK_LOG_ERROR, NULL, "still privileged after the switch to %s", d->user);
		return MK_EXIT_OSERR;
	}
	mk_log(MK_LOG_INFO, NULL, "running as %s (uid %lu, gid %lu)", d->user,
	       (unsigned long)d->uid, (unsigned long)d->gid);
	return 0;
}

/* ---- directories ---- */

typedef struct ddir {
	char *path, *key;
	bool write;
	bool file;        /* an existing file to check, never created */
	int code;
} ddir;

static void
ddir_free(gpointer p)
{
	ddir *x = p;

	g_free(x->path);
	g_free(x->key);
	g_free(x);
}

/* The missing directories of PATH, outermost first (caller frees). */
static GPtrArray *
missing_dirs(const char *path)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	char *p = g_strdup(path);
	struct stat st;

	while (strcmp(p, "/") != 0 && strcmp(p, ".") != 0 && lstat(p, &st) != 0 &&
	       errno == ENOENT) {
		char *up = g_path_get_dirname(p);

		g_ptr_array_insert(a, 0, p);
		p = up;
	}
	g_free(p);
	return a;
}

int
mk_daemon_dir(mk_daemon *d, const char *path, int mode, const char *key,
              bool write, int code)
{
	GPtrArray *made = missing_dirs(path);
	ddir *x = g_new0(ddir, 1);
	int rc = 0;

	for (guint i = 0; i < made->len && rc == 0; i++) {
		const char *p = made->pdata[i];

		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			mk_log(MK_LOG_ERROR, NULL, "%s: cannot create %s: %s", key, p,
			       g_strerror(errno));
			rc = code;
		} else if (d->drop && chown(p, d->uid, d->gid) != 0) {
			mk_log(MK_LOG_ERROR, NULL, "%s: cannot give %s to %s: %s", key, p,
			       d->user, g_strerror(errno));
			rc = code;
		}
	}
	g_ptr_array_unref(made);
	x->path = g_strdup(path);
	x->key = g_strdup(key);
	x->write = write;
	x->code = code;
	g_ptr_array_add(d->dirs, x);
	return rc;
}

int
mk_daemon_file(mk_daemon *d, const char *path, const char *key, int code)
{
	ddir *x = g_new0(ddir, 1);

	x->path = g_strdup(path);
	x->key = g_strdup(key);
	x->write = true;
	x->file = true;
	x->code = code;
	g_ptr_array_add(d->dirs, x);
	return 0;
}

/* Step 9: as the new user, every directory (and existing file) is usable. */
static int
dirs_usable(const mk_daemon *d)
{
	for (guint i = 0; i < d->dirs->len; i++) {
		const ddir *x = d->dirs->pdata[i];
		int need = (x->file ? 0 : X_OK) | R_OK | (x->write ? W_OK : 0);

		if (x->file && access(x->path, F_OK) != 0 && errno == ENOENT)
			continue;
		if (access(x->path, need) != 0) {
			mk_log(MK_LOG_ERROR, NULL, "%s %s is not %s by %s: %s", x->key, x->path,
			       x->write ? "readable and writable" : "readable",
			       d->user ? d->user : "this user", g_strerror(errno));
			return x->code;
		}
	}
	return 0;
}

/* ---- the sequence ---- */

static int
options(mk_daemon *d, int argc, char **argv)
{
	GOptionEntry ent[] = {
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &d->foreground, "stay in the foreground", NULL },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &d->config, "configuration file", "FILE" },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &d->pidfile, "write the process id here", "FILE" },
		{ "check", 't', 0, G_OPTION_ARG_NONE, &d->check, "check the configuration and exit", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &d->version, "print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *oc = g_option_context_new(d->h->param);
	GError *ge = NULL;
	int rc = 0;

	if (d->h->summary != NULL)
		g_option_context_set_summary(oc, d->h->summary);
	g_option_context_add_main_entries(oc, ent, NULL);
	if (d->h->options != NULL)
		g_option_context_add_main_entries(oc, d->h->options, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &ge) || argc > 1) {
		fprintf(stderr, "%s: %s (see --help)\n", d->h->prog,
		        ge ? ge->message : "unexpected argument");
		rc = MK_EXIT_USAGE;
	}
	g_clear_error(&ge);
	g_option_context_free(oc);
	if (d->config == NULL && g_file_test(MK_DAEMON_CONFIG, G_FILE_TEST_EXISTS))
		d->config = g_strdup(MK_DAEMON_CONFIG);
	return rc;
}

/* Steps 2-4: configuration, identity, --check. -1: go on. */
static int
load(mk_daemon *d)
{
	mk_error err = { 0 };
	const char *name = d->config ? d->config : "(defaults)";
	int rc;

	d->cfg = mk_config_open(d->config, mk_config_report_stderr, NULL, &err);
	if (d->cfg == NULL)
		return MK_EXIT_CONFIG;
	if ((rc = identity(d)) != 0)
		return rc;
	if (!d->check)
		return -1;
	if (d->h->check != NULL && (rc = d->h->check(d)) != 0)
		return rc;
	printf("%s: OK\n", name);
	return MK_EXIT_OK;
}

/* Steps 5-9: log, pre_drop, pidfile, detach, switch, directories. */
static int
start(mk_daemon *d)
{
	bool attached = d->foreground || (d->h->stay_attached && d->h->stay_attached(d));
	int fd = -1, rc;

	if (mk_log_open(d->h->prog, d->cfg->log.level, d->cfg->log.file) != 0) {
		fprintf(stderr, "%s: cannot open log.file %s: %s\n", d->h->prog,
		        d->cfg->log.file, g_strerror(errno));
		return MK_EXIT_CANTCREAT;
	}
	if (d->h->pre_drop != NULL && (rc = d->h->pre_drop(d)) != 0)
		return rc;
	if (d->pidfile != NULL && (fd = pidfile_create(d->pidfile)) < 0)
		return MK_EXIT_CANTCREAT;
	d->pid_made = d->pidfile != NULL;
	if (!attached && detach() != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot detach: %s", g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return MK_EXIT_OSERR;
	}
	errno = 0;
	if (fd >= 0 && pidfile_write(fd, d->pidfile) != 0)
		return MK_EXIT_CANTCREAT;
	if ((rc = switch_user(d)) != 0)
		return rc;
	return dirs_usable(d);
}

int
mk_daemon_main(const mk_daemon_hooks *h, int argc, char **argv)
{
	mk_daemon d = { .h = h, .ud = h->ud };
	bool started = false;
	int rc;

	d.dirs = g_ptr_array_new_with_free_func(ddir_free);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = options(&d, argc, argv)) != 0 || d.version) {
		if (d.version)
			printf("%s %s\n", h->prog, MK_VERSION);
		goto out;
	}
	if ((rc = load(&d)) >= 0)
		goto out;
	started = true;
	if ((rc = start(&d)) != 0)
		goto done;
	if (h->post_drop != NULL && (rc = h->post_drop(&d)) != 0)
		goto done;
	rc = h->serve != NULL ? h->serve(&d) : MK_EXIT_OK;
done:
	if (h->cleanup != NULL)
		h->cleanup(&d);
	if (d.pid_made && unlink(d.pidfile) != 0 && errno != ENOENT)
		mk_log(MK_LOG_DEBUG, NULL, "cannot remove pidfile %s: %s", d.pidfile,
		       g_strerror(errno));
out:
	if (started)
		mk_log_close();
	mk_config_unref(&d.cfg);
	g_ptr_array_unref(d.dirs);
	g_free(d.config);
	g_free(d.pidfile);
	g_free(d.user);
	return rc;
}
