/*
 * NAME
 *   test_audit - the append-only, hash-chained audit log (src/store/audit.c)
 *
 * DESCRIPTION
 *   Table of SQL statements an attacker or a bug might run against the
 *   audit table, each of which the database must refuse; purge removes
 *   only rows past the retention and records itself; the hash chain finds
 *   a row changed behind the triggers' back; filters; CSV neutralises
 *   formula cells and quotes; JSON escapes.
 */
#include <string.h>

#include <sqlite3.h>

#include "audit.h"
#include "qstore.h"
#include "testutil.h"

#define DAY 86400

static char *tmp;
static mk_config *cfg;
static mk_store *q;
static sqlite3 *db;
static gint64 now;

static void
setup(void)
{
	mk_error err = { 0 };

	mkt_fx_store_setup();
	tmp = mkt_fx.dir;
	cfg = mkt_fx.cfg;
	q = mkt_fx.q;
	db = mkt_raw_db(mkt_fx.cfg);
	now = g_get_real_time() / G_USEC_PER_SEC;
	/* ages in days: 400, 100, 10, 0 */
	ck_assert_int_eq(mk_audit_add(q, now - 400 * DAY, "alice", "192.0.2.1", "login", NULL,
	                              "ok", NULL, &err), 0);
	ck_assert_int_eq(mk_audit_add(q, now - 100 * DAY, "bob", "192.0.2.2", "release.request",
	                              "item-1", "ok", "=HYPERLINK(\"x\")", &err), 0);
	ck_assert_int_eq(mk_audit_add(q, now - 10 * DAY, "carol", "192.0.2.3", "release.approve",
	                              "item-1", "ok", "line1\nline2 \"q\"", &err), 0);
	ck_assert_int_eq(mk_audit_add(q, now, "bob", "192.0.2.2", "release.deliver", "item-1",
	                              "ok", NULL, &err), 0);
}

static void
teardown(void)
{
	mkt_fx_store_teardown();
}

static const char *const attacks[] = {
	"UPDATE audit SET result = 'refused' WHERE id = 2",
	"UPDATE audit SET who = 'mallory'",
	"DELETE FROM audit WHERE id = 4",
	"DELETE FROM audit",
	"DELETE FROM audit WHERE ts > 0",
	"DELETE FROM audit_keep",
	"UPDATE audit_keep SET days = 0",
	"INSERT OR REPLACE INTO audit (id, ts, who, ip, what, result, prev, hash) "
	"VALUES (3, 0, 'x', 'x', 'x', 'x', 'x', 'x')",
};

START_TEST(test_append_only)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	gint64 bad = -1;

	ck_assert_int_ne(sqlite3_exec(db, attacks[_i], NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(mk_audit_list(q, NULL, &a, &err), 0);
	ck_assert_int_eq(a->len, 4);
	g_ptr_array_unref(a);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &err), 0);
	ck_assert_int_eq(bad, 0);
}
END_TEST

static const struct { gint64 days; int removed; } purges[] = {
	{ 1830, 0 }, { 365, 1 }, { 90, 2 }, { 5, 3 },
};

START_TEST(test_purge)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	gint64 bad = -1;
	int n = -1;

	ck_assert_int_eq(mk_audit_purge(q, now, purges[_i].days, &n, &err), 0);
	ck_assert_int_eq(n, purges[_i].removed);
	ck_assert_int_eq(mk_audit_list(q, NULL, &a, &err), 0);
	ck_assert_int_eq(a->len, 4 - purges[_i].removed + 1);   /* + the purge event */
	ck_assert_str_eq(((mk_audit_row *)g_ptr_array_index(a, 0))->what, "audit.purge");
	g_ptr_array_unref(a);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &err), 0);
	ck_assert_int_eq(bad, 0);
	/* the retention now in force protects younger rows from a direct delete */
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(mk_audit_purge(q, now, 0, &n, &err), MK_ERR_USAGE);
}
END_TEST

START_TEST(test_chain_detects_tamper)
{
	mk_error err = { 0 };
	gint64 bad = 0;

	/* someone with file access drops the trigger and edits a row */
	ck_assert_int_eq(sqlite3_exec(db, "DROP TRIGGER audit_no_update; UPDATE audit SET "
	                              "who = 'mallory' WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &err), 0);
	ck_assert_int_eq(bad, 2);
}
END_TEST

static const struct { mk_audit_filter f; guint want; } filters[] = {
	{ { .who = "bob" }, 2 },
	{ { .what = "release." }, 3 },
	{ { .what = "release.approve" }, 1 },
	{ { .item = "item-1" }, 3 },
	{ { .since = 1 }, 4 },
	{ { .limit = 1 }, 1 },
	{ { .who = "nobody" }, 0 },
};

START_TEST(test_filters)
{
	mk_audit_filter f = filters[_i].f;
	GPtrArray *a = NULL;
	mk_error err = { 0 };

	ck_assert_int_eq(mk_audit_list(q, &f, &a, &err), 0);
	ck_assert_int_eq(a->len, filters[_i].want);
	g_ptr_array_unref(a);
}
END_TEST

START_TEST(test_export)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	char *csv, *json;

	ck_assert_int_eq(mk_audit_list(q, NULL, &a, &err), 0);
	csv = mk_audit_csv(a);
	json = mk_audit_json(a);
	ck_assert_ptr_nonnull(strstr(csv, "\"'=HYPERLINK(\"\"x\"\")\""));
	ck_assert_ptr_nonnull(strstr(csv, "\"line1 line2 \"\"q\"\"\""));
	ck_assert_ptr_null(strstr(csv, "line1\n"));
	ck_assert_ptr_nonnull(strstr(json, "line1\\nline2 \\\"q\\\""));
	g_free(csv);
	g_free(json);
	g_ptr_array_unref(a);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("audit");
	TCase *tc = tcase_create("audit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_append_only, 0, G_N_ELEMENTS(attacks));
	tcase_add_loop_test(tc, test_purge, 0, G_N_ELEMENTS(purges));
	tcase_add_test(tc, test_chain_detects_tamper);
	tcase_add_loop_test(tc, test_filters, 0, G_N_ELEMENTS(filters));
	tcase_add_test(tc, test_export);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
