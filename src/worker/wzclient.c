/*
 * NAME
 *   wzclient - the engine side of the worker fork server (wzygote.h)
 *
 * SUMMARY
 *   int mk_wz_spawn(const char *path, char *const *argv, const int fds[4],
 *                   pid_t *pid, int *reply, mk_error *err);
 *   int mk_wz_exit(int reply, int timeout_ms, int *wstatus);
 *
 * DESCRIPTION
 *   One zygote per process, started on first use (fork + execve of
 *   `PATH --zygote`, the same async-signal-safe child set-up as the exec
 *   path) and restarted once when a request finds it dead or when the
 *   worker path changed (SIGHUP reload).  mk_wz_spawn() sends one request
 *   (ARGV[1..]: filter and options; FDS: input, output, status write end,
 *   /dev/null) and waits for the document process's pid; *reply is then
 *   the socket on which mk_wz_exit() reads its wait status.  Requests from
 *   many threads go out under one mutex; each has its own reply socket.
 *
 * OWNS
 *   the zygote's socket and process (reaped when replaced).
 *
 * FAILURE
 *   Negative with err set (MK_ERR_OS): the zygote cannot be started or
 *   did not answer; the caller may fall back to the exec path, which has
 *   the same confinement.  mk_wz_exit(): -1 when the runner went away or
 *   the timeout passed without a status.
 */
#include "wzclient.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wclient.h"
#include "wzygote.h"

#define MK_WZ_START_MS 5000   /* a pid reply later than this: zygote stuck */
#define MK_WZ_TICK_US  1000   /* at exit: poll the zygote's end this often */
#define MK_WZ_EXIT_TICKS 2000 /* ... for at most 2 s, then SIGKILL */

static GMutex zlock;
static int zsock = -1;
static pid_t zpid = -1;
static char *zpath;
static bool at_exit_set;

static void
zygote_drop(void)
{
	if (zsock >= 0)
		close(zsock);
	zsock = -1;
	if (zpid > 0) {
		kill(zpid, SIGKILL);
		while (waitpid(zpid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	zpid = -1;
	g_clear_pointer(&zpath, g_free);
}

/* At exit (and mk_worker_shutdown()): close the socket (the zygote exits
 * at end of file) and reap it, so its CPU time, and that of every run, is
 * counted in ours. */
static void
zygote_exit(void)
{
	pid_t z;

	g_mutex_lock(&zlock);
	z = zpid;
	if (zsock >= 0)
		close(zsock);
	zsock = -1;
	zpid = -1;
	g_mutex_unlock(&zlock);
	for (int i = 0; z > 0 && i < MK_WZ_EXIT_TICKS; i++) {
		pid_t r = waitpid(z, NULL, WNOHANG);
		if (r == z || (r < 0 && errno != EINTR))
			return;
		g_usleep(MK_WZ_TICK_US);
	}
	if (z > 0) {
		kill(z, SIGKILL);
		waitpid(z, NULL, 0);
	}
}

/* Under zlock.  The child does async-signal-safe calls only. */
static int
zygote_start(const char *path, mk_error *err)
{
	/* LD_BIND_NOW: resolve every symbol once here, not in each child */
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C",
	                              "LD_BIND_NOW=1", NULL };
	char *argv[] = { (char *)path, "--zygote", NULL };
	int sv[2], null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		mk_error_set(err, MK_ERR_OS, "worker zygote: %s", g_strerror(errno));
		if (null >= 0)
			close(null);
		return MK_ERR_OS;
	}
	zpid = fork();
	if (zpid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		setpgid(0, 0);
		if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    dup2(sv[1], MK_WORKER_FD_IN) < 0)
			_exit(126);
		syscall(SYS_close_range, MK_WORKER_FD_IN + 1, ~0U, 0);
		execve(path, argv, envp);
		_exit(127);
	}
	close(null);
	close(sv[1]);
	if (zpid < 0) {
		mk_error_set(err, MK_ERR_OS, "worker zygote: fork: %s", g_strerror(errno));
		close(sv[0]);
		return MK_ERR_OS;
	}
	zsock = sv[0];
	zpath = g_strdup(path);
	if (!at_exit_set)
		at_exit_set = atexit(zygote_exit) == 0;
	return 0;
}

static int
send_request(const char *payload, gsize len, const int fds[MK_WZ_NFDS])
{
	char ctl[CMSG_SPACE(sizeof(int) * MK_WZ_NFDS)] = { 0 };
	struct iovec iov = { (void *)payload, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	                    .msg_control = ctl, .msg_controllen = sizeof ctl };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	ssize_t n;

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * MK_WZ_NFDS);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * MK_WZ_NFDS);
	do
		n = sendmsg(zsock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* Send under the lock, (re)starting the zygote as needed. */
static int
submit(const char *path, const char *payload, gsize len,
       const int fds[MK_WZ_NFDS], mk_error *err)
{
	int rc = -1;

	g_mutex_lock(&zlock);
	for (int attempt = 0; attempt < 2 && rc != 0; attempt++) {
		if (zsock >= 0 && g_strcmp0(zpath, path) != 0)
			zygote_drop();
		if (zsock < 0 && zygote_start(path, err) < 0)
			break;
		rc = send_request(payload, len, fds);
		if (rc != 0)
			zygote_drop();   /* dead (EPIPE) or broken: start afresh */
	}
	g_mutex_unlock(&zlock);
	if (rc != 0 && err != NULL && err->code == 0)
		mk_error_set(err, MK_ERR_OS, "worker zygote: %s", g_strerror(errno));
	return rc == 0 ? 0 : MK_ERR_OS;
}

static int
read_reply(int fd, int timeout_ms, int32_t kind, int32_t *value)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	mk_wz_reply r;
	ssize_t n;

	if (poll(&pf, 1, timeout_ms) <= 0)
		return -1;
	do
		n = recv(fd, &r, sizeof r, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof r || r.kind != kind)
		return -1;
	*value = r.value;
	return 0;
}

int
mk_wz_spawn(const char *path, char *const *argv, const int fds[4], pid_t *pid,
            int *reply, mk_error *err)
{
	GString *payload = g_string_new(NULL);
	int sv[2] = { -1, -1 }, all[MK_WZ_NFDS], rc = MK_ERR_OS;
	int32_t v = 0;

	for (char *const *a = argv + 1; *a != NULL; a++)
		g_string_append_len(payload, *a, (gssize)strlen(*a) + 1);
	if (payload->len > MK_WZ_MSG_MAX ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		mk_error_set(err, MK_ERR_OS, "worker zygote: request: %s",
		             payload->len > MK_WZ_MSG_MAX ? "too long" : g_strerror(errno));
		goto out;
	}
	memcpy(all, fds, sizeof(int) * 4);
	all[MK_WZ_FD_REPLY] = sv[1];
	if (submit(path, payload->str, payload->len, all, err) < 0)
		goto out;
	close(sv[1]);
	sv[1] = -1;
	if (read_reply(sv[0], MK_WZ_START_MS, MK_WZ_PID, &v) < 0 || v <= 0) {
		mk_error_set(err, MK_ERR_OS, "worker zygote: no process for the request");
		goto out;
	}
	*pid = (pid_t)v;
	*reply = sv[0];
	sv[0] = -1;
	rc = 0;
out:
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	g_string_free(payload, TRUE);
	return rc;
}

int
mk_wz_exit(int reply, int timeout_ms, int *wstatus)
{
	int32_t v = 0;

	if (read_reply(reply, timeout_ms, MK_WZ_EXIT, &v) < 0)
		return -1;
	*wstatus = (int)v;
	return 0;
}

void
mk_worker_shutdown(void)
{
	zygote_exit();
}
