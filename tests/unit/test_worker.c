/*
 * NAME
 *   test_worker - mukaika-worker confinement and the client protocol
 *
 * DESCRIPTION
 *   Rows run the test-only "selftest-*" filters (src/worker/wselftest.c)
 *   through mk_worker_run() with small limits: each forbidden action must
 *   end as a failure with the expected cause and never as "escaped".  The
 *   worker is $MK_WORKER, else $MK_BUILDDIR/src/worker/mukaika-worker.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mk_asan.h"
#include "config_schema.h"
#include "testutil.h"
#include "worker/wclient.h"

#define MB (1024 * 1024)

typedef struct {
	const char *filter;
	gint64 timeout_ms, cpu_s, memory, max_output;
	int rc;                 /* 0 or the expected error code */
	const char *msg;        /* substring of err.msg, NULL when rc == 0 */
	gint64 max_elapsed_ms;  /* the run must not take longer (0: no wall
	                         * bound, the row is about CPU time) */
} wrow;

static const wrow WROWS[] = {
	{ "selftest-echo", 5000, 5, 512 * MB, 10 * MB, 0, NULL, 5000 },
	{ "selftest-fds", 5000, 5, 512 * MB, 10 * MB, 0, NULL, 5000 },
	{ "selftest-socket", 5000, 5, 512 * MB, 10 * MB, MK_ERR_SOFTWARE, "SIGSYS", 5000 },
	{ "selftest-connect", 5000, 5, 512 * MB, 10 * MB, MK_ERR_SOFTWARE, "SIGSYS", 5000 },
	{ "selftest-exec", 5000, 5, 512 * MB, 10 * MB, MK_ERR_SOFTWARE, "SIGSYS", 5000 },
	{ "selftest-fork", 5000, 5, 512 * MB, 10 * MB, MK_ERR_SOFTWARE, "SIGSYS", 5000 },
	{ "selftest-exemem", 5000, 5, 512 * MB, 10 * MB, MK_ERR_SOFTWARE, "SIGSYS", 5000 },
	{ "selftest-write", 5000, 5, 512 * MB, 10 * MB, MK_ERR_DATA,
	  "refused: open for writing", 5000 },
	{ "selftest-memory", 10000, 10, 128 * MB, 10 * MB, MK_ERR_DATA,
	  "refused: allocation failed", 10000 },
	{ "selftest-output", 5000, 5, 512 * MB, 64 * 1024, MK_ERR_DATA,
	  "refused: write after", 5000 },
	{ "selftest-crash", 5000, 5, 512 * MB, 10 * MB, MK_ERR_SOFTWARE, "SIGSEGV", 5000 },
	{ "selftest-loop", 300, 60, 512 * MB, 10 * MB, MK_ERR_LIMIT,
	  "timeout after 300 ms", 3000 },
	/* worker.cpu_s ends a CPU hog: SIGXCPU after 1 s of CPU time, long
	 * before the wall-clock timeout (which would be MK_ERR_LIMIT
	 * "timeout after").  How much wall time 1 s of CPU takes depends on
	 * the machine's load, so no wall-clock bound: the message proves it. */
	{ "selftest-loop", 45000, 1, 512 * MB, 10 * MB, MK_ERR_SOFTWARE,
	  "SIGXCPU", 0 },
	{ "no-such-filter", 5000, 5, 512 * MB, 10 * MB, MK_ERR_DATA,
	  "unknown filter", 5000 },
};

/* Under AddressSanitizer the worker runs without RLIMIT_AS and ASan takes
 * SIGSEGV itself: a memory hog ends at the wall-clock limit and a crash as
 * ASan's exit status.  Those rows then check only what matters: the run
 * fails, nothing comes out. */
#if MK_ASAN
static const bool under_asan = true;
#else
static const bool under_asan = false;
#endif

static bool
asan_row(const wrow *r)
{
	return under_asan && (strcmp(r->filter, "selftest-memory") == 0 ||
	                      strcmp(r->filter, "selftest-crash") == 0);
}


/* Every row twice: _i < N through the zygote (the default), then exec'd. */
START_TEST(test_confinement)
{
	const wrow *r = &WROWS[_i % G_N_ELEMENTS(WROWS)];
	mk_config *cfg = mkt_worker_config();
	GBytes *in = g_bytes_new_static("input bytes", 11), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	gint64 t0 = g_get_monotonic_time(), ms;
	int rc;

	cfg->worker.zygote = _i < (int)G_N_ELEMENTS(WROWS);
	cfg->worker.timeout_ms = r->timeout_ms;
	cfg->worker.cpu_s = r->cpu_s;
	cfg->worker.max_memory = r->memory;
	cfg->worker.max_output = r->max_output;
	rc = mk_worker_run(cfg, r->filter, in, &out, &type, notes, &err);
	ms = (g_get_monotonic_time() - t0) / 1000;
	if (asan_row(r)) {
		ck_assert_msg(rc < 0 && out == NULL, "%s: rc %d (%s)", r->filter, rc, err.msg);
		ck_assert_msg(ms <= r->timeout_ms + 5000, "%s took %" G_GINT64_FORMAT " ms",
		              r->filter, ms);
		goto out;
	}
	ck_assert_msg(rc == r->rc, "%s: rc %d, expected %d (%s)", r->filter, rc,
	              r->rc, err.msg);
	ck_assert_msg(strstr(err.msg, "escaped") == NULL, "%s", err.msg);
	ck_assert_msg(r->max_elapsed_ms == 0 || ms <= r->max_elapsed_ms,
	              "%s took %" G_GINT64_FORMAT " ms",
	              r->filter, ms);
	if (r->rc == 0) {
		ck_assert_ptr_nonnull(out);
		ck_assert_ptr_nonnull(type);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(err.msg, r->msg) != NULL, "%s: \"%s\"", r->filter,
		              err.msg);
		ck_assert_msg(g_str_has_prefix(err.msg, r->filter), "%s", err.msg);
	}
out:
	if (out != NULL)
		g_bytes_unref(out);
	g_free(type);
	g_ptr_array_unref(notes);
	g_bytes_unref(in);
	mk_config_unref(&cfg);
}
END_TEST

/* The echo filter returns exactly its input, type and notes: the
 * descriptor plumbing works both ways, also for large and empty input. */
START_TEST(test_echo)
{
	static const gsize sizes[] = { 0, 1, 65536, 3 * MB + 7 };
	mk_config *cfg = mkt_worker_config();

	for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
		guint8 *buf = g_malloc(sizes[i] + 1);
		for (gsize k = 0; k < sizes[i]; k++)
			buf[k] = (guint8)(k * 31 + i);
		GBytes *in = g_bytes_new_take(buf, sizes[i]), *out = NULL;
		GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
		char *type = NULL;
		mk_error err = { 0 };

		ck_assert_msg(mk_worker_run(cfg, "selftest-echo", in, &out, &type,
		                            notes, &err) == 0, "%s", err.msg);
		ck_assert(g_bytes_equal(in, out));
		ck_assert_str_eq(type, "application/octet-stream");
		ck_assert_uint_eq(notes->len, 1);
		ck_assert_str_eq(g_ptr_array_index(notes, 0), "echo");
		g_bytes_unref(out);
		g_bytes_unref(in);
		g_free(type);
		g_ptr_array_unref(notes);
	}
	mk_config_unref(&cfg);
}
END_TEST

/* Output over worker.max_output returned by the filter (not written by
 * it) is refused by the worker; a missing binary is a config error. */
START_TEST(test_limits_and_path)
{
	mk_config *cfg = mkt_worker_config();
	GBytes *in = g_bytes_new_static("0123456789abcdef", 16), *out = NULL;
	char *type = NULL;
	mk_error err = { 0 };

	cfg->worker.max_output = 8;
	ck_assert_int_lt(mk_worker_run(cfg, "selftest-echo", in, &out, &type,
	                               NULL, &err), 0);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err.msg, "max_output") != NULL, "%s", err.msg);
	g_free(cfg->worker.path);
	cfg->worker.path = g_strdup("/nonexistent/mukaika-worker");
	mk_error_clear(&err);
	ck_assert_int_eq(mk_worker_run(cfg, "selftest-echo", in, &out, &type,
	                               NULL, &err), MK_ERR_CONFIG);
	ck_assert_ptr_null(mk_worker_path(cfg));
	g_bytes_unref(in);
	mk_config_unref(&cfg);
}
END_TEST


/* Nothing of a killed worker is left behind: exec'd, no child to reap;
 * through the zygote (row 1), the zygote is our only child and has none
 * left once the runner has reported. */
START_TEST(test_no_leftovers)
{
	mk_config *cfg = mkt_worker_config();
	GBytes *in = g_bytes_new_static("x", 1), *out = NULL;
	char *type = NULL, *kids = NULL, *zkids = NULL;
	mk_error err = { 0 };
	int st;

	cfg->worker.timeout_ms = 100;
	cfg->worker.zygote = _i == 1;
	ck_assert_int_eq(mk_worker_run(cfg, "selftest-loop", in, &out, &type,
	                               NULL, &err), MK_ERR_LIMIT);
	kids = mkt_children_of((int)getpid());
	if (_i == 0) {
		ck_assert_int_eq(waitpid(-1, &st, WNOHANG), -1);
	} else {
		ck_assert_msg(*kids != '\0' && strchr(kids, ' ') == NULL,
		              "want one child (the zygote), have '%s'", kids);
		for (int i = 0; i < 100; i++) {
			g_free(zkids);
			zkids = mkt_children_of(atoi(kids));
			if (*zkids == '\0')
				break;
			g_usleep(10000);
		}
		ck_assert_msg(*zkids == '\0', "zygote still has children: %s", zkids);
	}
	g_free(kids);
	g_free(zkids);
	g_bytes_unref(in);
	mk_config_unref(&cfg);
}
END_TEST

/* Limits of the worker filters, passed as options by the client: the
 * same input passes with the defaults and fails (never passes) when the
 * one key of the row is set below what the input needs. */
typedef struct {
	const char *filter, *input, *key, *value;
} lrow;

static const lrow LROWS[] = {
	{ "rtf", "deep-rtf", "rtf.max_depth", "8" },
	{ "ooxml", "corpora/oletools/msodde/dde-test.docx", "ooxml.max_parts", "5" },
	{ "ooxml", "corpora/oletools/msodde/dde-test.docx", "ooxml.max_part_size", "4K" },
	{ "pdf", "/usr/share/clamav-testfiles/clam.pdf", "pdf.max_pixels", "10000" },
};

static GBytes *
limit_input(const char *name)
{
	GString *s;
	char *path;
	GBytes *b;

	if (strcmp(name, "deep-rtf") == 0) {
		s = g_string_new("{\\rtf1 ");
		for (int i = 0; i < 20; i++)
			g_string_append(s, "{\\b ");
		g_string_append(s, "deep");
		for (int i = 0; i < 21; i++)
			g_string_append_c(s, '}');
		return g_string_free_to_bytes(s);
	}
	path = name[0] == '/' ? g_strdup(name) : mkt_shared_path(name);
	b = mkt_read(path);
	g_free(path);
	return b;
}

static void
set_key(mk_config *cfg, const char *key, const char *value)
{
	for (size_t i = 0; i < mk_schema_len; i++) {
		char *k = g_strconcat(mk_schema[i].group, ".", mk_schema[i].key, NULL);
		bool hit = strcmp(k, key) == 0;
		g_free(k);
		if (hit) {
			char *problem = mk_config_set_key(cfg, &mk_schema[i], value);
			ck_assert_msg(problem == NULL, "%s: %s", key, problem);
			return;
		}
	}
	ck_abort_msg("no key %s", key);
}

START_TEST(test_filter_limits)
{
	const lrow *r = &LROWS[_i];
	mk_config *cfg = mkt_worker_config();
	GBytes *in = limit_input(r->input), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	int rc = mk_worker_run(cfg, r->filter, in, &out, &type, notes, &err);

	ck_assert_msg(rc == 0 && out != NULL, "%s with defaults: %s", r->input, err.msg);
	g_clear_pointer(&out, g_bytes_unref);
	g_clear_pointer(&type, g_free);
	mk_config_unref(&cfg);
	cfg = mkt_worker_config();
	set_key(cfg, r->key, r->value);
	rc = mk_worker_run(cfg, r->filter, in, &out, &type, notes, &err);
	ck_assert_msg(rc < 0 && out == NULL && type == NULL, "%s=%s passed %s",
	              r->key, r->value, r->input);
	ck_assert_msg(strstr(err.msg, r->key) != NULL || strstr(err.msg, "limit") ||
	              strstr(err.msg, "over") || strstr(err.msg, "more than"),
	              "%s: \"%s\"", r->key, err.msg);
	g_ptr_array_unref(notes);
	g_bytes_unref(in);
	mk_config_unref(&cfg);
}
END_TEST

/* pdf.text_layer in the confined worker: cairo's text goes through
 * fontconfig (fstatfs, fadvise64 must be refused, not fatal). */
START_TEST(test_pdf_text_layer)
{
	mk_config *cfg = mkt_worker_config();
	GBytes *in = limit_input("/usr/share/clamav-testfiles/clam.pdf"), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;
	bool layer = false;

	set_key(cfg, "pdf.text_layer", "true");
	ck_assert_msg(mk_worker_run(cfg, "pdf", in, &out, &type, notes, &err) == 0,
	              "%s", err.msg);
	ck_assert_str_eq(type, "application/pdf");
	for (guint i = 0; i < notes->len; i++)
		layer |= g_str_has_prefix(notes->pdata[i], "text layer of ") &&
		         !g_str_has_prefix(notes->pdata[i], "text layer of 0 ");
	ck_assert_msg(layer, "no text layer note");
	g_bytes_unref(out);
	g_free(type);
	g_ptr_array_unref(notes);
	g_bytes_unref(in);
	mk_config_unref(&cfg);
}
END_TEST

static Suite *
worker_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_confinement, 0, 2 * G_N_ELEMENTS(WROWS));
	tcase_add_test(tc, test_echo);
	tcase_add_test(tc, test_limits_and_path);
	tcase_add_loop_test(tc, test_no_leftovers, 0, 2);
	tcase_add_loop_test(tc, test_filter_limits, 0, G_N_ELEMENTS(LROWS));
	tcase_add_test(tc, test_pdf_text_layer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mkt_run(worker_suite());
}
