/*
 * NAME
 *   daemon - detach and drop privileges (see daemon.h)
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

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
