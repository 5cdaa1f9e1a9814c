/*
 * NAME
 *   daemon - log target, detach, pidfile, drop root (see daemon.h)
 *
 * FAILURE
 *   Every start step that fails is logged and returned as an exit code or
 *   -1; nothing falls back silently (no log file -> stderr, no pidfile ->
 *   none).
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int
mk_daemon_log_open(const char *prog, const char *level, const char *target)
{
	if (mk_log_open(prog, level, target) == 0)
		return 0;
	fprintf(stderr, "%s: cannot open log.file %s: %s\n", prog, target,
	        g_strerror(errno));
	return MK_DAEMON_EX_CANTCREAT;
}

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

int
mk_daemon_start(const char *user, const char *own_path, bool detach,
                const char *pidfile)
{
	int fd = -1, rc = 0;

	if (pidfile != NULL && (fd = pidfile_create(pidfile)) < 0)
		return MK_DAEMON_EX_CANTCREAT;
	if (detach && mk_daemon_detach() != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot detach: %s", g_strerror(errno));
		rc = MK_DAEMON_EX_OSERR;
		goto out;
	}
	if (fd >= 0) {
		errno = 0;
		rc = pidfile_write(fd, pidfile) == 0 ? 0 : MK_DAEMON_EX_CANTCREAT;
		fd = -1;
		if (rc != 0)
			goto out;
	}
	if (mk_daemon_drop_privileges(user, own_path) != 0)
		rc = MK_DAEMON_EX_OSERR;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		mk_daemon_pidfile_remove(pidfile);
	return rc;
}

void
mk_daemon_pidfile_remove(const char *pidfile)
{
	if (pidfile != NULL && unlink(pidfile) != 0 && errno != ENOENT)
		mk_log(MK_LOG_DEBUG, NULL, "cannot remove pidfile %s: %s", pidfile,
		       g_strerror(errno));
}

/* The identity after mk_daemon_drop_privileges(USER): *ME, and its groups
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

int
mk_daemon_drop_privileges(const char *user, const char *own_path)
{
	struct passwd *pw;

	if (geteuid() != 0 || user == NULL || *user == '\0')
		return 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		mk_log(MK_LOG_WARNING, NULL, "user %s does not exist: staying root", user);
		return 0;
	}
	if (own_path != NULL && chown(own_path, pw->pw_uid, pw->pw_gid) != 0)
		mk_log(MK_LOG_WARNING, NULL, "chown %s: %s", own_path, g_strerror(errno));
	if (initgroups(user, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "cannot become %s: %s", user, g_strerror(errno));
		return -1;
	}
	mk_log(MK_LOG_INFO, NULL, "running as %s", user);
	return 0;
}

int
mk_daemon_detach(void)
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

int
mk_daemon_options(const char *prog, const char *param, const char *summary,
                  GOptionEntry *ent, int argc, char **argv, char **config)
{
	GOptionContext *oc = g_option_context_new(param);
	GError *ge = NULL;
	int rc = 0;

	if (summary != NULL)
		g_option_context_set_summary(oc, summary);
	g_option_context_add_main_entries(oc, ent, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &ge) || argc > 1) {
		fprintf(stderr, "%s: %s (see --help)\n", prog,
		        ge ? ge->message : "unexpected argument");
		rc = 64;
	}
	g_clear_error(&ge);
	g_option_context_free(oc);
	if (*config == NULL && g_file_test(MK_DAEMON_CONFIG, G_FILE_TEST_EXISTS))
		*config = g_strdup(MK_DAEMON_CONFIG);
	return rc;
}
