/*
 * NAME
 *   wclient - run one filter in the sandboxed worker (parent side; see
 *   wclient.h for the protocol)
 *
 * DESCRIPTION
 *   Everything the child needs (argv, envp, descriptors) is prepared before
 *   fork(), so that the child only calls async-signal-safe system calls
 *   until execve(): this module is used from threaded daemons.  Every
 *   descriptor we create is close-on-exec; the three protocol descriptors
 *   are first moved above MK_FD_HIGH so that dup2() onto 3, 4, 5 never
 *   collides with them.  The child is watched through a pidfd (a short
 *   polling tick when the kernel has none).
 *
 * OWNS
 *   the memfds, the pipe and the child process of one call; all are closed
 *   or reaped before it returns, whatever happened.
 *
 * NEVER
 *   Leaves a child running, or treats anything but exit 0 + "ok TYPE" +
 *   an output within worker.max_output as a success.
 */
#include "wclient.h"
#include "log.h"
#include "wzclient.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MK_FD_HIGH   10      /* protocol fds are parked at or above this */
#define MK_TICK_MS   10      /* poll tick when the kernel has no pidfd */
#define MK_MSG_MAX   300     /* bytes of a worker "fail" message we keep */
#define MK_KILL_WAIT_MS 5000 /* a killed zygote run reports its end within */
#define WORKER_NAME  "mukaika-worker"

#ifndef MK_LIBEXECDIR
#define MK_LIBEXECDIR "/usr/libexec/mukaika"
#endif

typedef struct {
	int in, out, st_r, st_w, null;   /* parked (>= MK_FD_HIGH) or -1 */
	pid_t pid;
	int pidfd;
	int reply;                       /* zygote run: its reply socket, else -1 */
} wrun;

static bool
is_exec(const char *p)
{
	return p != NULL && g_file_test(p, G_FILE_TEST_IS_REGULAR) &&
	       access(p, X_OK) == 0;
}

char *
mk_worker_path(const mk_config *cfg)
{
	char *self = NULL, *dir = NULL, *p = NULL;

	if (cfg->worker.path != NULL && cfg->worker.path[0] != '\0')
		return is_exec(cfg->worker.path) ? g_strdup(cfg->worker.path) : NULL;
	self = g_file_read_link("/proc/self/exe", NULL);
	if (self != NULL) {
		dir = g_path_get_dirname(self);
		p = g_build_filename(dir, WORKER_NAME, NULL);
		if (!is_exec(p)) {
			g_free(p);
			p = g_build_filename(dir, "..", "worker", WORKER_NAME, NULL);
		}
	}
	if (!is_exec(p)) {
		g_free(p);
		p = g_build_filename(MK_LIBEXECDIR, WORKER_NAME, NULL);
	}
	if (!is_exec(p)) {
		g_free(p);
		p = NULL;
	}
	g_free(dir);
	g_free(self);
	return p;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Move FD to a close-on-exec descriptor >= MK_FD_HIGH (closing FD). */
static int
park(int fd)
{
	int hi;

	if (fd < 0)
		return -1;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, MK_FD_HIGH);
	close(fd);
	return hi;
}

static char **
build_argv(const mk_config *cfg, const char *path, const char *filter,
           gint64 max_output)
{
	GPtrArray *a = g_ptr_array_new();

	g_ptr_array_add(a, g_strdup(path));
	g_ptr_array_add(a, g_strdup(filter));
#define OPT(k, v) g_ptr_array_add(a, g_strdup_printf("%s=%" G_GINT64_FORMAT, k, (gint64)(v)))
	OPT("memory", cfg->worker.max_memory);
	OPT("cpu", cfg->worker.cpu_s);
	OPT("max_output", max_output);
	OPT("pdf_dpi", cfg->pdf.dpi);
	OPT("pdf_max_pages", cfg->pdf.max_pages);
	OPT("pdf_max_pixels", cfg->pdf.max_pixels);
	OPT("pdf_text_layer", cfg->pdf.text_layer ? 1 : 0);
	OPT("pdf_max_links", cfg->pdf.max_links);
	OPT("image_max_pixels", cfg->image.max_pixels);
	OPT("image_max_dimension", cfg->image.max_dimension);
	OPT("csv_prefix_formulas", cfg->csv.prefix_formulas ? 1 : 0);
	OPT("lang_en", strcmp(cfg->general.language, "en") == 0 ? 1 : 0);
	OPT("rtf_max_depth", cfg->rtf.max_depth);
	OPT("ooxml_max_parts", cfg->ooxml.max_parts);
	OPT("ooxml_max_part_size", cfg->ooxml.max_part_size);
#undef OPT
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* Sealed memfd holding IN, offset 0. */
static int
input_fd(GBytes *in, mk_error *err)
{
	gsize len = 0;
	const guint8 *p = in ? g_bytes_get_data(in, &len) : NULL;
	int fd = memfd_create("mk-in", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		goto fail;
	for (gsize off = 0; off < len;) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (gsize)w;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
	          F_SEAL_SEAL) < 0 || lseek(fd, 0, SEEK_SET) != 0)
		goto fail;
	return fd;
fail:
	mk_error_set(err, MK_ERR_OS, "worker input: %s", g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
setup_fds(wrun *w, GBytes *in, mk_error *err)
{
	int p[2] = { -1, -1 };

	w->in = park(input_fd(in, err));
	if (w->in < 0) {
		if (err && err->code == 0)
			mk_error_set(err, MK_ERR_OS, "worker input: %s", g_strerror(errno));
		return MK_ERR_OS;
	}
	w->out = park(memfd_create("mk-out", MFD_CLOEXEC));
	if (pipe2(p, O_CLOEXEC) == 0) {
		w->st_r = park(p[0]);
		w->st_w = park(p[1]);
	}
	w->null = park(open("/dev/null", O_RDWR | O_CLOEXEC));
	if (w->out < 0 || w->st_r < 0 || w->st_w < 0 || w->null < 0) {
		mk_error_set(err, MK_ERR_OS, "worker descriptors: %s", g_strerror(errno));
		return MK_ERR_OS;
	}
	fcntl(w->st_r, F_SETFL, O_NONBLOCK);
	return 0;
}

/* In the child: async-signal-safe calls only. */
static void __attribute__((noreturn))
child_exec(const wrun *w, const char *path, char **argv)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	sigset_t all;

	setpgid(0, 0);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dup2(w->null, 0) < 0 || dup2(w->null, 1) < 0 || dup2(w->null, 2) < 0 ||
	    dup2(w->in, MK_WORKER_FD_IN) < 0 || dup2(w->out, MK_WORKER_FD_OUT) < 0 ||
	    dup2(w->st_w, MK_WORKER_FD_STATUS) < 0)
		_exit(126);
	syscall(SYS_close_range, MK_WORKER_FD_STATUS + 1, ~0U, 0);
	execve(path, argv, envp);
	_exit(127);
}

static void
append_status(GString *st, const char *buf, ssize_t n)
{
	gsize room = MK_WORKER_STATUS_MAX - MIN(st->len, MK_WORKER_STATUS_MAX);

	if (n > 0)
		g_string_append_len(st, buf, MIN((gsize)n, room));
}

/* Read what is there; false at EOF or error. */
static bool
drain(int fd, GString *st)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			append_status(st, buf, n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
}

/* Collect the exit status: waitpid for our child, the runner's reply for
 * a zygote run (a runner gone without one counts as exit status 125). */
static void
reap(const wrun *w, int *wstatus, int timeout_ms)
{
	if (w->reply < 0) {
		while (waitpid(w->pid, wstatus, 0) < 0 && errno == EINTR)
			;
	} else if (mk_wz_exit(w->reply, timeout_ms, wstatus) < 0) {
		*wstatus = 125 << 8;
	}
}

/* Has the run ended?  REVENTS: poll result on its end descriptor (the
 * reply socket, or the pidfd; without a pidfd we just try). */
static bool
ended(const wrun *w, short revents, int *wstatus)
{
	pid_t r;

	if (w->reply >= 0) {
		if (!(revents & (POLLIN | POLLHUP | POLLERR)))
			return false;
		reap(w, wstatus, 0);
		return true;
	}
	if (w->pidfd >= 0 && !(revents & POLLIN))
		return false;
	r = waitpid(w->pid, wstatus, WNOHANG);
	return r == w->pid || (r < 0 && errno == ECHILD);
}

/* Wait for the run within TIMEOUT_MS; true when it had to be killed. */
static bool
watch(wrun *w, gint64 timeout_ms, GString *st, int *wstatus)
{
	gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000;
	int efd = w->reply >= 0 ? w->reply : w->pidfd;
	bool open = true;

	for (;;) {
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		struct pollfd pf[2] = { { efd, POLLIN, 0 }, { w->st_r, POLLIN, 0 } };
		int n;

		if (left <= 0) {
			kill(-w->pid, SIGKILL);
			kill(w->pid, SIGKILL);
			reap(w, wstatus, MK_KILL_WAIT_MS);
			return true;
		}
		if (efd < 0 && left > MK_TICK_MS)
			left = MK_TICK_MS;
		pf[1].fd = open ? w->st_r : -1;
		n = poll(pf, 2, (int)MIN(left, G_MAXINT));
		if (n > 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
			open = drain(w->st_r, st);
		if ((efd < 0 || n > 0) && ended(w, pf[0].revents, wstatus)) {
			drain(w->st_r, st);
			return false;
		}
	}
}

/* "SIGSYS (forbidden system call)" etc. */
static const char *
signal_text(int sig)
{
	switch (sig) {
	case SIGSYS:  return "SIGSYS: forbidden system call";
	case SIGKILL: return "SIGKILL: resource limit";
	case SIGXCPU: return "SIGXCPU: over worker.cpu_s";
	case SIGXFSZ: return "SIGXFSZ: output over worker.max_output";
	case SIGSEGV: return "SIGSEGV: crashed";
	case SIGBUS:  return "SIGBUS: crashed";
	case SIGABRT: return "SIGABRT: aborted, e.g. out of memory (worker.max_memory)";
	case SIGTRAP: return "SIGTRAP: aborted, e.g. out of memory (worker.max_memory)";
	default:      return "unexpected signal";
	}
}

static void
clean_line(char *s)
{
	if (strlen(s) > MK_MSG_MAX)
		s[MK_MSG_MAX] = '\0';
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

static bool
valid_type(const char *t)
{
	const char *slash = strchr(t, '/');
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-/";

	return slash != NULL && slash != t && slash[1] != '\0' &&
	       strchr(slash + 1, '/') == NULL && strspn(t, ok) == strlen(t) &&
	       strlen(t) < 128;
}

/* Split the status text; *type / *fail get the result line (new). */
static int
parse_status(const char *st, GPtrArray *notes, char **type, char **fail)
{
	char **lines = g_strsplit(st, "\n", -1);
	int rc = 0;

	for (char **l = lines; *l && rc == 0; l++) {
		if (**l == '\0')
			continue;
		clean_line(*l);
		if (g_str_has_prefix(*l, "note ") && notes != NULL)
			g_ptr_array_add(notes, g_strdup(*l + 5));
		else if (g_str_has_prefix(*l, "note "))
			;
		else if (g_str_has_prefix(*l, "ok ") && *type == NULL && *fail == NULL)
			*type = g_ascii_strdown(*l + 3, -1);
		else if (g_str_has_prefix(*l, "fail ") && *type == NULL && *fail == NULL)
			*fail = g_strdup(*l + 5);
		else
			rc = -1;
	}
	g_strfreev(lines);
	return rc;
}

static GBytes *
read_output(int fd, gint64 max, mk_error *err, const char *filter)
{
	struct stat sb;
	guint8 *buf;

	if (fstat(fd, &sb) < 0) {
		mk_error_set(err, MK_ERR_OS, "%s: output: %s", filter, g_strerror(errno));
		return NULL;
	}
	if (sb.st_size > max || sb.st_size < 0) {
		mk_error_set(err, MK_ERR_LIMIT, "%s: output of %lld bytes over "
		             "worker.max_output", filter, (long long)sb.st_size);
		return NULL;
	}
	buf = g_malloc(sb.st_size > 0 ? (gsize)sb.st_size : 1);
	for (off_t off = 0; off < sb.st_size;) {
		ssize_t n = pread(fd, buf + off, (size_t)(sb.st_size - off), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mk_error_set(err, MK_ERR_IO, "%s: output: short read", filter);
			g_free(buf);
			return NULL;
		}
		off += n;
	}
	return g_bytes_new_take(buf, (gsize)sb.st_size);
}

/* The verdict on a finished run; 0 when the output may be used. */
static int
judge(const char *filter, const mk_wcall *c, bool killed, int ws,
      int prc, const char *type, const char *fail, mk_error *err)
{
	if (killed) {
		mk_error_set(err, MK_ERR_LIMIT, "%s: timeout after %" G_GINT64_FORMAT
		             " ms (%s)", filter, c->timeout_ms,
		             c->timeout_key ? c->timeout_key : "worker.timeout_ms");
		return MK_ERR_LIMIT;
	}
	if (WIFSIGNALED(ws)) {
		mk_error_set(err, MK_ERR_SOFTWARE, "%s: killed by signal %d (%s)",
		             filter, WTERMSIG(ws), signal_text(WTERMSIG(ws)));
		return MK_ERR_SOFTWARE;
	}
	if (fail != NULL) {
		mk_error_set(err, MK_ERR_DATA, "%s: %s", filter, fail);
		return MK_ERR_DATA;
	}
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		mk_error_set(err, MK_ERR_SOFTWARE, "%s: worker exit status %d", filter,
		             WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
		return MK_ERR_SOFTWARE;
	}
	if (prc < 0 || type == NULL || !valid_type(type)) {
		mk_error_set(err, MK_ERR_SOFTWARE, "%s: malformed worker status", filter);
		return MK_ERR_SOFTWARE;
	}
	return 0;
}

/* Through the fork server; on failure the caller execs (same sandbox). */
static int
start_zygote(wrun *w, const char *path, char **argv, const char *filter)
{
	const int fds[4] = { w->in, w->out, w->st_w, w->null };
	mk_error zerr = { 0 };

	if (mk_wz_spawn(path, argv, fds, &w->pid, &w->reply, &zerr) < 0) {
		mk_log(MK_LOG_WARNING, NULL, "%s: %s; starting the worker directly", filter,
		       zerr.msg);
		return -1;
	}
	close_fd(&w->st_w);
	return 0;
}

static int
start(wrun *w, const mk_config *cfg, const char *filter, gint64 max_output,
      mk_error *err)
{
	char *path = mk_worker_path(cfg);
	char **argv = NULL;
	int rc = MK_ERR_CONFIG;

	if (path == NULL) {
		mk_error_set(err, MK_ERR_CONFIG, "%s: %s not found (worker.path)",
		             filter, WORKER_NAME);
		goto out;
	}
	argv = build_argv(cfg, path, filter, max_output);
	if (cfg->worker.zygote && start_zygote(w, path, argv, filter) == 0) {
		rc = 0;
		goto out;
	}
	w->pid = fork();
	if (w->pid == 0)
		child_exec(w, path, argv);
	rc = MK_ERR_OS;
	if (w->pid < 0) {
		mk_error_set(err, MK_ERR_OS, "%s: fork: %s", filter, g_strerror(errno));
		goto out;
	}
	setpgid(w->pid, w->pid);
	w->pidfd = (int)syscall(SYS_pidfd_open, w->pid, 0);
	close_fd(&w->st_w);
	rc = 0;
out:
	g_strfreev(argv);
	g_free(path);
	return rc;
}

int
mk_worker_run(const mk_config *cfg, const char *filter, GBytes *in,
              GBytes **out, char **out_type, GPtrArray *notes, mk_error *err)
{
	mk_wcall c = { cfg->worker.timeout_ms, cfg->worker.max_output, NULL };

	return mk_worker_call(cfg, filter, &c, in, out, out_type, notes, err);
}

int
mk_worker_call(const mk_config *cfg, const char *filter, const mk_wcall *c,
               GBytes *in, GBytes **out, char **out_type, GPtrArray *notes,
               mk_error *err)
{
	wrun w = { -1, -1, -1, -1, -1, -1, -1, -1 };
	GString *st = g_string_new(NULL);
	GPtrArray *mine = g_ptr_array_new_with_free_func(g_free);
	char *type = NULL, *fail = NULL;
	int ws = 0, rc, prc;
	bool killed;

	rc = setup_fds(&w, in, err);
	if (rc == 0)
		rc = start(&w, cfg, filter, c->max_output, err);
	if (rc < 0)
		goto out;
	killed = watch(&w, c->timeout_ms, st, &ws);
	prc = parse_status(st->str, mine, &type, &fail);
	rc = judge(filter, c, killed, ws, prc, type, fail, err);
	if (rc == 0) {
		GBytes *b = read_output(w.out, c->max_output, err, filter);
		rc = b ? 0 : (err ? err->code : MK_ERR_IO);
		if (b != NULL) {
			*out = b;
			*out_type = g_steal_pointer(&type);
			for (guint i = 0; notes != NULL && i < mine->len; i++)
				g_ptr_array_add(notes, g_strdup(g_ptr_array_index(mine, i)));
		}
	}
out:
	if (w.pid > 0 && rc == MK_ERR_OS)
		reap(&w, &ws, MK_KILL_WAIT_MS);
	close_fd(&w.pidfd);
	close_fd(&w.reply);
	close_fd(&w.in);
	close_fd(&w.out);
	close_fd(&w.st_r);
	close_fd(&w.st_w);
	close_fd(&w.null);
	g_free(type);
	g_free(fail);
	g_ptr_array_unref(mine);
	g_string_free(st, TRUE);
	return rc;
}
