/*
 * NAME
 *   test_zygote - the worker fork server (src/worker/wzygote.c, wzclient.c)
 *
 * DESCRIPTION
 *   The confinement table of test_worker runs through the zygote and the
 *   exec path alike; here what is particular to the zygote: it is started
 *   once and reused, it comes back after being killed, it serves many
 *   threads at once with each output going to its own caller, a zygote
 *   that cannot start falls back to the exec path, and it exits by itself
 *   when its parent is gone.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "worker/wclient.h"

#define THREADS 8
#define RUNS    6



static mk_config *
zconfig(void)
{
	mk_config *cfg = mkt_worker_config();

	cfg->worker.zygote = true;
	return cfg;
}

/* Echo BYTES through the worker; the output must be the input. */
static int
echo(const mk_config *cfg, const char *text, mk_error *err)
{
	GBytes *in = g_bytes_new(text, strlen(text)), *out = NULL;
	char *type = NULL;
	int rc = mk_worker_run(cfg, "selftest-echo", in, &out, &type, NULL, err);

	if (rc == 0 && !g_bytes_equal(in, out))
		rc = -100;
	if (out != NULL)
		g_bytes_unref(out);
	g_free(type);
	g_bytes_unref(in);
	return rc;
}

static pid_t
the_zygote(void)
{
	char *kids = mkt_children_of((int)getpid());
	pid_t z = *kids != '\0' && strchr(kids, ' ') == NULL ? (pid_t)atoi(kids) : -1;

	g_free(kids);
	return z;
}

/* Started on first use, the same process serves the next runs. */
START_TEST(test_reused)
{
	mk_config *cfg = zconfig();
	mk_error err = { 0 };
	pid_t z;

	ck_assert_int_eq(the_zygote(), -1);
	ck_assert_msg(echo(cfg, "one", &err) == 0, "%s", err.msg);
	z = the_zygote();
	ck_assert_int_gt(z, 0);
	for (int i = 0; i < 5; i++)
		ck_assert_msg(echo(cfg, "again", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(the_zygote(), z);
	mk_config_unref(&cfg);
}
END_TEST

/* Killed between runs: the next run starts a new one and succeeds. */
START_TEST(test_restart)
{
	mk_config *cfg = zconfig();
	mk_error err = { 0 };
	pid_t z, z2;

	ck_assert_msg(echo(cfg, "before", &err) == 0, "%s", err.msg);
	z = the_zygote();
	ck_assert_int_gt(z, 0);
	ck_assert_int_eq(kill(z, SIGKILL), 0);
	g_usleep(50000);
	ck_assert_msg(echo(cfg, "after", &err) == 0, "%s", err.msg);
	z2 = the_zygote();
	ck_assert_int_gt(z2, 0);
	ck_assert_int_ne(z2, z);
	mk_config_unref(&cfg);
}
END_TEST

typedef struct {
	const mk_config *cfg;
	int id, failures;
	char msg[256];
} job;

static gpointer
run_job(gpointer p)
{
	job *j = p;

	for (int i = 0; i < RUNS; i++) {
		char *text = g_strdup_printf("thread %d run %d %s", j->id, i,
		                             i % 2 ? "odd" : "even");
		mk_error err = { 0 };
		if (echo(j->cfg, text, &err) != 0) {
			j->failures++;
			g_strlcpy(j->msg, err.msg, sizeof j->msg);
		}
		g_free(text);
	}
	return NULL;
}

/* Many threads at once: every caller gets its own output back. */
START_TEST(test_threads)
{
	mk_config *cfg = zconfig();
	GThread *t[THREADS];
	job jobs[THREADS];

	for (int i = 0; i < THREADS; i++) {
		jobs[i] = (job){ cfg, i, 0, "" };
		t[i] = g_thread_new("zjob", run_job, &jobs[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		g_thread_join(t[i]);
		ck_assert_msg(jobs[i].failures == 0, "thread %d: %d failures (%s)", i,
		              jobs[i].failures, jobs[i].msg);
	}
	ck_assert_int_gt(the_zygote(), 0);
	mk_config_unref(&cfg);
}
END_TEST

/* A zygote that cannot start (the binary is not a worker: /bin/true
 * exits at once) costs nothing but time: the run is exec'd instead and
 * fails as that binary does; a real worker path then works again. */
START_TEST(test_fallback)
{
	mk_config *cfg = zconfig();
	mk_error err = { 0 };
	char *real = g_strdup(cfg->worker.path);

	g_free(cfg->worker.path);
	cfg->worker.path = g_strdup("/bin/true");
	ck_assert_int_lt(echo(cfg, "x", &err), 0);
	g_free(cfg->worker.path);
	cfg->worker.path = real;
	mk_error_clear(&err);
	ck_assert_msg(echo(cfg, "y", &err) == 0, "%s", err.msg);
	mk_config_unref(&cfg);
}
END_TEST

static gpointer
first_use(gpointer cfg)
{
	mk_error err = { 0 };

	return GINT_TO_POINTER(echo(cfg, "from a thread that then ends", &err));
}

/* Started from a thread that ends (libmilter runs one thread per SMTP
 * connection): the server stays for the next run from another thread. */
START_TEST(test_outlives_thread)
{
	mk_config *cfg = zconfig();
	mk_error err = { 0 };
	GThread *t = g_thread_new("conn", first_use, cfg);
	pid_t z;

	ck_assert_int_eq(GPOINTER_TO_INT(g_thread_join(t)), 0);
	z = the_zygote();
	ck_assert_int_gt(z, 0);
	g_usleep(100000);
	ck_assert_msg(echo(cfg, "from the main thread", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(the_zygote(), z);
	mk_config_unref(&cfg);
}
END_TEST

/* Running (a zombie nobody reaps in a container counts as gone). */
static bool
alive(pid_t pid)
{
	char *path = g_strdup_printf("/proc/%d/stat", (int)pid), *txt = NULL;
	const char *rp;
	bool up = false;

	if (g_file_get_contents(path, &txt, NULL, NULL) &&
	    (rp = strrchr(txt, ')')) != NULL && rp[1] == ' ')
		up = rp[2] != 'Z' && rp[2] != 'X';
	g_free(txt);
	g_free(path);
	return up;
}

/* The zygote ends when the process that started it ends. */
START_TEST(test_dies_with_parent)
{
	int p[2];
	pid_t child, z = -1;

	ck_assert_int_eq(pipe(p), 0);
	child = fork();
	if (child == 0) {
		mk_config *cfg = zconfig();
		mk_error err = { 0 };
		pid_t mine;
		close(p[0]);
		if (echo(cfg, "in child", &err) != 0)
			_exit(1);
		mine = the_zygote();
		if (write(p[1], &mine, sizeof mine) != sizeof mine)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &z, sizeof z), (ssize_t)sizeof z);
	close(p[0]);
	waitpid(child, NULL, 0);
	ck_assert_int_gt(z, 0);
	for (int i = 0; i < 200 && alive(z); i++)
		g_usleep(10000);
	ck_assert_msg(!alive(z), "zygote %d outlived its parent", (int)z);
}
END_TEST

static Suite *
zygote_suite(void)
{
	Suite *s = suite_create("zygote");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reused);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_outlives_thread);
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_dies_with_parent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mkt_run(zygote_suite());
}
