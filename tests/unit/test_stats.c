/*
 * NAME
 *   test_stats - `mukaika report`: the processed-item rows (src/store/
 *   stats.h, sq_stats.c) and their report (src/review/stats_report.c)
 *
 * DESCRIPTION
 *   A seeded store (rows at fixed times over three days, mail and files,
 *   every verdict, findings, one id twice) gives the golden texts
 *   tests/golden/report/report.{txt,csv,json} for 2026-04-01..02 (the row
 *   of 04-03 is outside); MK_REGEN=1 rewrites them (review the diff).  A
 *   forwarded mail through a real engine and the store's port leaves its
 *   row, stored or not; a scan-only run does not.
 */
#include <string.h>

#include "engine.h"
#include "stats_report.h"
#include "store_port.h"
#include "testutil.h"

#define D1 1775001600        /* 2026-04-01T00:00:00Z */
#define DAY 86400

static const struct {
	const char *id, *channel;
	mk_verdict verdict;
	const char *findings;
	gint64 at, size;
	bool stored;
} seed[] = {
	{ "20260401-080000-00000001", "mail", MK_V_PASS, "", D1 + 8 * 3600, 2048, false },
	{ "20260401-090000-00000002", "mail", MK_V_CLEANED, "html_body", D1 + 9 * 3600, 4096, true },
	{ "20260401-100000-00000003", "mail", MK_V_STRIPPED, "executable,double_extension",
	  D1 + 10 * 3600, 90000, true },
	{ "20260401-110000-00000004", "mail", MK_V_REJECTED, "virus", D1 + 11 * 3600, 700, true },
	{ "20260401-110000-00000004", "mail", MK_V_PASS, "", D1 + 12 * 3600, 1, false },
	{ "20260402-070000-00000005", "file", MK_V_PASS, "", D1 + DAY + 7 * 3600, 100, false },
	{ "20260402-080000-00000006", "file", MK_V_QUARANTINED, "encrypted,=cmd",
	  D1 + DAY + 8 * 3600, 5000, true },
	{ "20260402-235959-00000007", "mail", MK_V_PASS, "", D1 + 2 * DAY - 1, 10, false },
	{ "20260403-000000-00000008", "mail", MK_V_PASS, "", D1 + 2 * DAY, 10, false },
};

static void
seed_store(void)
{
	mk_error err = { 0 };

	for (gsize i = 0; i < G_N_ELEMENTS(seed); i++) {
		mk_qmeta m = { .id = seed[i].id, .channel = seed[i].channel,
		               .verdict = seed[i].verdict, .findings = seed[i].findings,
		               .received = seed[i].at };

		ck_assert_int_eq(mk_stats_add(mkt_fx.q, &m, seed[i].size, seed[i].stored, &err), 0);
	}
}

static const struct { const char *file; mk_sr_format f; } goldens[] = {
	{ "report.txt", MK_SR_TEXT }, { "report.csv", MK_SR_CSV }, { "report.json", MK_SR_JSON },
};

START_TEST(test_golden)
{
	char *path = g_build_filename(g_getenv("MK_SRCDIR"), "tests", "golden", "report",
	                              goldens[_i].file, NULL);
	GPtrArray *rows = NULL;
	mk_error err = { 0 };
	char *got, *want = NULL;

	seed_store();
	ck_assert_int_eq(mk_stats_list(mkt_fx.q, D1, D1 + 2 * DAY, &rows, &err), 0);
	ck_assert_uint_eq(rows->len, 7);
	got = mk_stats_report(rows, D1, D1 + 2 * DAY, goldens[_i].f);
	if (g_getenv("MK_REGEN") != NULL)
		ck_assert(g_file_set_contents(path, got, -1, NULL));
	ck_assert_msg(g_file_get_contents(path, &want, NULL, NULL), "no %s (MK_REGEN=1)", path);
	ck_assert_msg(strcmp(got, want) == 0, "%s differs:\n%s", goldens[_i].file, got);
	g_free(want);
	g_free(got);
	g_free(path);
	g_ptr_array_unref(rows);
}
END_TEST

static const struct { mk_mode mode; bool no_store; guint rows; } runs[] = {
	{ MK_MODE_MAIL, false, 1 },      /* a forwarded mail is counted */
	{ MK_MODE_FILE, false, 1 },      /* a passed file too */
	{ MK_MODE_MAIL, true, 0 },       /* a scan-only run is not */
};

START_TEST(test_engine_counts)
{
	static const char mail[] = "From: <a@example.jp>\r\nTo: <u@lg.example>\r\n"
	                           "Subject: hi\r\n\r\nplain text\r\n";
	mk_engine *e = mk_engine_new(mkt_fx.cfg, mk_store_port_new(mkt_fx.cfg), NULL);
	GBytes *data = runs[_i].mode == MK_MODE_FILE ? g_bytes_new_static("plain text\n", 11)
	               : g_bytes_new_static(mail, sizeof mail - 1);
	mk_input in = { .data = data, .mode = runs[_i].mode, .sender = "a@example.jp",
	                .recipients = "u@lg.example", .name = "note.txt",
	                .no_store = runs[_i].no_store };
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	GPtrArray *rows = NULL;
	mk_result *r = NULL;
	mk_error err = { 0 };

	ck_assert_int_eq(mk_engine_process(e, &in, &r, &err), 0);
	ck_assert_int_le(r->verdict, runs[_i].mode == MK_MODE_FILE ? MK_V_PASS : MK_V_STRIPPED);
	ck_assert_int_eq(mk_stats_list(mkt_fx.q, now - 60, now + 60, &rows, &err), 0);
	ck_assert_uint_eq(rows->len, runs[_i].rows);
	if (rows->len > 0) {
		mk_stat_row *s = g_ptr_array_index(rows, 0);
		ck_assert_str_eq(s->id, r->id);
		ck_assert_int_eq(s->verdict, r->verdict);
		ck_assert_int_eq(s->stored, r->stored);
	}
	g_ptr_array_unref(rows);
	mk_result_free(&r);
	g_bytes_unref(data);
	mk_engine_free(&e);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_checked_fixture(tc, mkt_fx_store_setup, mkt_fx_store_teardown);
	tcase_add_loop_test(tc, test_golden, 0, G_N_ELEMENTS(goldens));
	tcase_add_loop_test(tc, test_engine_counts, 0, G_N_ELEMENTS(runs));
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
