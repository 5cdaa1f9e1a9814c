/*
 * NAME
 *   wselftest - worker filters that break the sandbox rules on purpose
 *   (see wselftest.h; test builds only)
 *
 * DESCRIPTION
 *   A forbidden call that is stopped kills the worker (seccomp: SIGSYS) or
 *   fails ("refused: ...").  A forbidden call that succeeds returns
 *   "escaped: ...", which the tests treat as a sandbox defect.
 *
 * NEVER
 *   Built into a worker without the test suite.
 */
#include "wselftest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <unistd.h>

#define ST_ARGS GBytes *in, const mk_wopts *o, GBytes **out, char **type, \
                GPtrArray *notes, mk_error *err
#define ST_CHUNK (16 * 1024 * 1024)

static int
escaped(mk_error *err, const char *what)
{
	mk_error_set(err, MK_ERR_SOFTWARE, "escaped: %s", what);
	return MK_ERR_SOFTWARE;
}

static int
st_echo(ST_ARGS)
{
	*out = g_bytes_ref(in);
	*type = g_strdup("application/octet-stream");
	g_ptr_array_add(notes, g_strdup("echo"));
	return 0;
}

static int
st_fds(ST_ARGS)
{
	for (int fd = 6; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0) {
			mk_error_set(err, MK_ERR_SOFTWARE, "escaped: fd %d open", fd);
			return MK_ERR_SOFTWARE;
		}
	*out = g_bytes_new("fds", 3);
	*type = g_strdup("text/plain");
	return 0;
}

static int
st_socket(ST_ARGS)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	return escaped(err, s >= 0 ? "socket opened" : "socket returned an error");
}

static int
st_connect(ST_ARGS)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(25),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int rc = connect(3, (struct sockaddr *)&a, sizeof a);

	return escaped(err, rc == 0 ? "connected" : "connect returned an error");
}

static int
st_write(ST_ARGS)
{
	char path[64];
	int fd;

	g_snprintf(path, sizeof path, "/tmp/mk-selftest-%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		return escaped(err, "opened a file for writing");
	}
	mk_error_set(err, MK_ERR_OS, "refused: open for writing: %s",
	             g_strerror(errno));
	return MK_ERR_OS;
}

static int
st_exec(ST_ARGS)
{
	char *argv[] = { "/bin/true", NULL };

	execve(argv[0], argv, NULL);
	return escaped(err, "execve returned");
}

static int
st_fork(ST_ARGS)
{
	pid_t p = (pid_t)syscall(SYS_fork);

	if (p == 0)
		_exit(0);
	return escaped(err, p > 0 ? "forked" : "fork returned an error");
}

static int
st_memory(ST_ARGS)
{
	gsize total = 0;

	for (;;) {
		char *p = malloc(ST_CHUNK);
		if (p == NULL)
			break;
		memset(p, 0xA5, ST_CHUNK);
		total += ST_CHUNK;
		if (total > (gsize)64 * 1024 * 1024 * 1024)
			return escaped(err, "64 GiB allocated");
	}
	mk_error_set(err, MK_ERR_LIMIT, "refused: allocation failed after %zu MiB",
	             total >> 20);
	return MK_ERR_LIMIT;
}

static int
st_loop(ST_ARGS)
{
	volatile guint64 n = 0;

	for (;;)
		n++;
	return 0;
}

static int
st_crash(ST_ARGS)
{
	volatile int *p = NULL;

	*p = 1;
	return escaped(err, "NULL write survived");
}

static int
st_output(ST_ARGS)
{
	static const char block[4096];
	gint64 done = 0;

	while (done <= o->max_output) {
		ssize_t n = write(4, block, sizeof block);
		if (n < 0) {
			mk_error_set(err, MK_ERR_LIMIT, "refused: write after %"
			             G_GINT64_FORMAT " bytes: %s", done, g_strerror(errno));
			return MK_ERR_LIMIT;
		}
		done += n;
	}
	return escaped(err, "wrote past max_output");
}

static int
st_exemem(ST_ARGS)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return escaped(err, p != MAP_FAILED ? "executable mapping" : "mmap error");
}

static const mk_wfilter selftests[] = {
	{ "selftest-echo", st_echo },       { "selftest-fds", st_fds },
	{ "selftest-socket", st_socket },   { "selftest-connect", st_connect },
	{ "selftest-write", st_write },     { "selftest-exec", st_exec },
	{ "selftest-fork", st_fork },       { "selftest-memory", st_memory },
	{ "selftest-loop", st_loop },       { "selftest-crash", st_crash },
	{ "selftest-output", st_output },   { "selftest-exemem", st_exemem },
};

const mk_wfilter *
mk_wselftest_find(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(selftests); i++)
		if (strcmp(selftests[i].name, name) == 0)
			return &selftests[i];
	return NULL;
}
