/*
 * NAME
 *   wzygote - the worker fork server (see wzygote.h)
 *
 * DESCRIPTION
 *   zygote: receive a request, fork a runner, close the request's
 *   descriptors, go on; runners that ended are reaped when a SIGCHLD
 *   arrives (signalfd), so their CPU time adds up in the zygote's
 *   children's times, which is where the engine process (and bench/) sees
 *   it.  runner: fork the document process into its own process
 *   group, report its pid, wait, report the wait status, exit.  document
 *   process: descriptors onto 0-5, everything above closed, then
 *   mk_worker_child_main() (limits and seccomp before the first read).
 *
 * OWNS
 *   nothing beyond one request at a time.
 *
 * NEVER
 *   Touches the input descriptor except to hand it on.
 */
#include "wzygote.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wclient.h"
#include "wfilter.h"

#define MK_WZ_MAXARGS 64

static void
close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* One request: payload length, 0 at end of file, -1 on a bad message. */
static ssize_t
recv_request(int sock, char *buf, size_t cap, int fds[MK_WZ_NFDS])
{
	char ctl[CMSG_SPACE(sizeof(int) * MK_WZ_NFDS)];
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	                    .msg_control = ctl, .msg_controllen = sizeof ctl };
	struct cmsghdr *c;
	ssize_t n;
	int got = 0;

	for (int i = 0; i < MK_WZ_NFDS; i++)
		fds[i] = -1;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -2;
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		int k;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (got < MK_WZ_NFDS)
				fds[got++] = fd;
			else
				close(fd);
		}
	}
	if (got != MK_WZ_NFDS || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    n < 2 || buf[n - 1] != '\0')
		return -1;
	return n;
}

static void
reply(int fd, int32_t kind, int32_t value)
{
	mk_wz_reply r = { kind, value };

	while (send(fd, &r, sizeof r, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* The document process: never returns. */
static void __attribute__((noreturn))
document(int fds[MK_WZ_NFDS], char *payload, ssize_t len)
{
	char *argv[MK_WZ_MAXARGS + 2];
	int argc = 0;

	setpgid(0, 0);
	if (dup2(fds[MK_WZ_FD_NULL], 0) < 0 || dup2(fds[MK_WZ_FD_NULL], 1) < 0 ||
	    dup2(fds[MK_WZ_FD_NULL], 2) < 0 ||
	    dup2(fds[MK_WZ_FD_IN], MK_WORKER_FD_IN) < 0 ||
	    dup2(fds[MK_WZ_FD_OUT], MK_WORKER_FD_OUT) < 0 ||
	    dup2(fds[MK_WZ_FD_STATUS], MK_WORKER_FD_STATUS) < 0)
		_exit(126);
	syscall(SYS_close_range, MK_WORKER_FD_STATUS + 1, ~0U, 0);
	argv[argc++] = "mukaika-worker";
	for (char *p = payload; p < payload + len && argc <= MK_WZ_MAXARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	_exit(mk_worker_child_main(argc, argv));
}

/* The runner: fork the document process, report, wait, report. */
static void __attribute__((noreturn))
runner(int sock, int fds[MK_WZ_NFDS], char *payload, ssize_t len)
{
	int ws = 0, rfd = fds[MK_WZ_FD_REPLY];
	pid_t pid;

	sigset_t none;

	close(sock);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pid = fork();
	if (pid == 0) {
		close(rfd);
		document(fds, payload, len);
	}
	fds[MK_WZ_FD_REPLY] = -1;
	close_all(fds, MK_WZ_NFDS);
	if (pid < 0)
		_exit(1);
	setpgid(pid, pid);
	reply(rfd, MK_WZ_PID, (int32_t)pid);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	reply(rfd, MK_WZ_EXIT, (int32_t)ws);
	_exit(0);
}

static void
reap_runners(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
		;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int
mk_wzygote_main(int sock)
{
	static char buf[MK_WZ_MSG_MAX];
	int fds[MK_WZ_NFDS], sfd;
	sigset_t chld;

	/* No PR_SET_PDEATHSIG: it fires when the *thread* that forked us ends
	 * (a milter connection thread), not the process.  The engine process's
	 * end closes our socket: end of file, we exit. */
	signal(SIGPIPE, SIG_IGN);
	mk_wfilter_init_all();     /* shared by every run forked from here */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		return 1;
	for (;;) {
		struct pollfd pf[2] = { { sock, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		ssize_t n;
		pid_t pid;

		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (pf[1].revents & POLLIN)
			reap_runners(sfd);
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv_request(sock, buf, sizeof buf, fds);
		if (n == 0 || n == -2) {
			close_all(fds, MK_WZ_NFDS);
			return 0;
		}
		if (n > 0) {
			pid = fork();
			if (pid == 0) {
				close(sfd);
				runner(sock, fds, buf, n);
			}
		}
		close_all(fds, MK_WZ_NFDS);
	}
}
