/*
 * NAME
 *   test_metrics - the Prometheus textfile of a daemon (metrics.h)
 *
 * DESCRIPTION
 *   Rows: items counted (verdict, milliseconds, findings) and lines the
 *   rendered text must hold.  Then: the histogram is cumulative, the file
 *   is written whole with mode 0644 and replaces the old one, a missing
 *   directory is an error, and a NULL registry (metrics off) is harmless.
 */
#include <string.h>
#include <sys/stat.h>

#include "metrics.h"
#include "testutil.h"

typedef struct {
	const char *verdict;
	gint64 ms;
	const char *findings;
} item;

typedef struct {
	item items[6];
	const char *want[6];   /* lines (after the label set) */
} mrow;

#define L "{daemon=\"milter\",channel=\"mail\""

static const mrow ROWS[] = {
	{ { { "pass", 10, NULL } },
	  { "mukaika_items_total" L ",verdict=\"pass\"} 1\n",
	    "mukaika_items_total" L ",verdict=\"tempfail\"} 0\n",
	    "mukaika_item_duration_seconds_count" L "} 1\n" } },
	{ { { "cleaned", 40, "executable,active_content" }, { "cleaned", 60, "active_content" },
	    { "quarantined", 900, "worker_crash" }, { "rejected", 5, "virus" } },
	  { "mukaika_items_total" L ",verdict=\"cleaned\"} 2\n",
	    "mukaika_findings_total" L ",code=\"active_content\"} 2\n",
	    "mukaika_worker_failures_total" L ",kind=\"crash\"} 1\n",
	    "mukaika_worker_failures_total" L ",kind=\"timeout\"} 0\n",
	    "mukaika_findings_total" L ",code=\"virus\"} 1\n" } },
	{ { { "tempfail", 0, NULL }, { "too-big", 0, NULL }, { "nonsense", 0, "no_such,virus,virus" } },
	  { "mukaika_items_total" L ",verdict=\"tempfail\"} 1\n",
	    "mukaika_items_total" L ",verdict=\"too-big\"} 1\n",
	    "mukaika_items_total" L ",verdict=\"other\"} 1\n",
	    "mukaika_findings_total" L ",code=\"virus\"} 1\n" } },
	{ { { "stripped", 120000, "worker_timeout" }, { "pass", 999999, NULL } },
	  { "mukaika_item_duration_seconds_bucket" L ",le=\"120\"} 1\n",
	    "mukaika_item_duration_seconds_bucket" L ",le=\"+Inf\"} 2\n",
	    "mukaika_item_duration_seconds_sum" L "} 1119.999\n",
	    "mukaika_worker_failures_total" L ",kind=\"timeout\"} 1\n" } },
};

START_TEST(test_rows)
{
	const mrow *r = &ROWS[_i];
	mk_metrics *m = mk_metrics_new("milter", "mail");
	mk_metrics_gauges g = { .db_newest = 1000, .engine_ready = 1 };
	char *txt;

	for (int i = 0; i < 6 && r->items[i].verdict; i++)
		mk_metrics_item(m, r->items[i].verdict, r->items[i].ms, r->items[i].findings);
	txt = mk_metrics_render(m, &g, 4600);
	for (int i = 0; i < 6 && r->want[i]; i++)
		ck_assert_msg(strstr(txt, r->want[i]) != NULL, "row %d: no %s", _i, r->want[i]);
	ck_assert(strstr(txt, "mukaika_signature_db_age_seconds" L "} 3600\n") != NULL);
	ck_assert(strstr(txt, "mukaika_engine_ready" L "} 1\n") != NULL);
	ck_assert(strstr(txt, "# TYPE mukaika_item_duration_seconds histogram\n") != NULL);
	g_free(txt);
	mk_metrics_free(&m);
	ck_assert(m == NULL);
}
END_TEST

START_TEST(test_cumulative)
{
	mk_metrics *m = mk_metrics_new("dropd", "file");
	mk_metrics_gauges g = { .db_newest = -1, .engine_ready = -1 };
	gint64 ms[] = { 1, 60, 60, 300, 2000, 70000 };
	char *txt, *p;
	gint64 prev = -1;
	int n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(ms); i++)
		mk_metrics_item(m, "pass", ms[i], NULL);
	mk_metrics_begin(m);
	txt = mk_metrics_render(m, &g, 10);
	for (p = strstr(txt, "_bucket{"); p; p = strstr(p + 1, "_bucket{")) {
		gint64 v = g_ascii_strtoll(strchr(p, '}') + 2, NULL, 10);

		ck_assert_msg(v >= prev, "buckets not cumulative at %.80s", p);
		prev = v;
		n++;
	}
	ck_assert_int_eq(n, 12);
	ck_assert_int_eq(prev, 6);
	ck_assert(strstr(txt, "le=\"0.1\"} 3\n") != NULL);
	ck_assert(strstr(txt, "mukaika_items_in_flight{daemon=\"dropd\",channel=\"file\"} 1\n"));
	ck_assert(strstr(txt, "signature_db") == NULL);   /* unknown: left out */
	ck_assert(strstr(txt, "engine_ready") == NULL);
	ck_assert_int_eq(mk_metrics_count(m, "pass"), 6);
	g_free(txt);
	mk_metrics_free(&m);
}
END_TEST

START_TEST(test_write)
{
	char *dir = mkt_tmpdir();
	char *path = g_build_filename(dir, "mukaika-milter.prom", NULL);
	char *missing = g_build_filename(dir, "nope", NULL);
	mk_error err = { 0 };
	struct stat st;
	char *got = NULL;
	GDir *d;
	int n = 0;

	ck_assert_int_eq(mk_metrics_write(dir, "milter", "a 1\n", &err), 0);
	ck_assert_int_eq(mk_metrics_write(dir, "milter", "b 2\n", &err), 0);
	ck_assert(g_file_get_contents(path, &got, NULL, NULL));
	ck_assert_str_eq(got, "b 2\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	d = g_dir_open(dir, 0, NULL);
	while (g_dir_read_name(d))
		n++;
	g_dir_close(d);
	ck_assert_int_eq(n, 1);   /* no temp file left */
	ck_assert_int_eq(mk_metrics_write(missing, "milter", "c\n", &err), MK_ERR_IO);
	ck_assert(strstr(err.msg, "nope") != NULL);
	/* metrics off: a NULL registry */
	mk_metrics_item(NULL, "pass", 1, NULL);
	mk_metrics_begin(NULL);
	mk_metrics_end(NULL);
	g_free(got);
	got = mk_metrics_render(NULL, NULL, 0);
	ck_assert_str_eq(got, "");
	g_free(got);
	mkt_rm_rf(dir);
	g_free(missing);
	g_free(path);
	g_free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");

	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(ROWS));
	tcase_add_test(tc, test_cumulative);
	tcase_add_test(tc, test_write);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
