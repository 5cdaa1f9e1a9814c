/*
 * NAME
 *   test_audit - the append-only, hash-chained audit log (src/store/audit.c)
 *
 * DESCRIPTION
 *   Table of SQL statements an attacker or a bug might run against the
 *   audit table, each of which the database must refuse; purge removes
 *   only rows past the retention and records itself; the keyed chain and
 *   its checkpoint find every row changed, inserted or removed behind the
 *   triggers' back, the oldest and the newest included, also when the
 *   attacker recomputes unkeyed hashes; filters; CSV neutralises formula
 *   cells and quotes; JSON escapes.
 */
#include <string.h>
#include <sys/stat.h>


#include "audit.h"
#include "qstore.h"
#include "testutil.h"
#include "util.h"

#define DAY 86400

static char *tmp;
static mk_config *cfg;
static mk_store *q;
static gint64 now;

static void
setup(void)
{
	mk_error err = { 0 };

	mkt_fx_store_setup();
	tmp = mkt_fx.dir;
	cfg = mkt_fx.cfg;
	q = mkt_fx.q;
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
	"INSERT INTO audit (id, ts, who, ip, what, result, prev, hash) "
	"VALUES (3, 0, 'x', 'x', 'x', 'x', 'x', 'x') ON CONFLICT (id) DO UPDATE SET who = 'x'",
	"TRUNCATE audit",
	"TRUNCATE audit_keep",
};

START_TEST(test_append_only)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	gint64 bad = -1;

	ck_assert_int_ne(mkt_raw_exec(cfg, attacks[_i]), 0);
	ck_assert_int_eq(mk_audit_list(q, NULL, &a, &err), 0);
	ck_assert_int_eq(a->len, 4);
	g_ptr_array_unref(a);
	ck_assert_int_eq(mk_audit_verify(q, &bad, NULL, &err), 0);
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
	ck_assert_int_eq(mk_audit_verify(q, &bad, NULL, &err), 0);
	ck_assert_int_eq(bad, 0);
	/* the retention now in force protects younger rows from a direct delete */
	ck_assert_int_ne(mkt_raw_exec(cfg, "DELETE FROM audit"), 0);
	ck_assert_int_eq(mk_audit_purge(q, now, 0, &n, &err), MK_ERR_USAGE);
}
END_TEST

START_TEST(test_chain_detects_tamper)
{
	mk_error err = { 0 };
	gint64 bad = 0;

	/* someone with file access drops the trigger and edits a row */
	mkt_raw_unguard(cfg);
	ck_assert_int_eq(mkt_raw_exec(cfg, "UPDATE audit SET who = 'mallory' WHERE id = 2"), 0);
	ck_assert_int_eq(mk_audit_verify(q, &bad, NULL, &err), 0);
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

/* More events (ages 0), so that "the newest 20" leaves some. */
static void
add_events(int n)
{
	mk_error err = { 0 };

	for (int i = 0; i < n; i++)
		ck_assert_int_eq(mk_audit_add(q, now, "dave", "192.0.2.4", "login", NULL, "ok",
		                              NULL, &err), 0);
}

/* The attacker's own chain: every hash from event FROM on recomputed the
 * way an unkeyed chain would be (sha256 of prev and fields). */
static void
rechain_unkeyed(gint64 from)
{
	char prev[65] = "", hash[65];
	char *sel = g_strdup_printf("SELECT id, ts, who, ip, what, item, result, detail, prev "
	                          "FROM audit WHERE id >= %" G_GINT64_FORMAT " ORDER BY id",
	                          from);
	GPtrArray *rows = mkt_raw_rows(cfg, sel);

	for (guint r = 0; r < rows->len; r++) {
		char **v = g_ptr_array_index(rows, r);
		GString *g = g_string_new(prev[0] ? prev : v[8]);
		char *sql;

		g_string_append_printf(g, "\x1f%s", v[1]);
		for (int i = 2; i < 8; i++) {
			g_string_append_c(g, '\x1f');
			g_string_append(g, v[i]);
		}
		mk_sha256_hex(g->str, g->len, hash);
		sql = prev[0] ? g_strdup_printf("UPDATE audit SET prev = '%s', hash = '%s' WHERE "
		                                "id = %s", prev, hash, v[0])
		      : g_strdup_printf("UPDATE audit SET hash = '%s' WHERE id = %s", hash, v[0]);
		ck_assert_int_eq(mkt_raw_exec(cfg, sql), 0);
		g_free(sql);
		g_strlcpy(prev, hash, sizeof prev);
		g_string_free(g, TRUE);
	}
	g_ptr_array_unref(rows);
	g_free(sel);
}

/* Each row: what someone with write access to the database file does,
 * triggers dropped first; verify must report it (bad != 0, a reason). */
static const struct {
	const char *name;
	const char *sql;
	gint64 rechain_from;      /* 0: no recomputed hashes */
} tampers[] = {
	{ "newest 1", "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", 0 },
	{ "newest 20", "DELETE FROM audit WHERE id > (SELECT max(id) FROM audit) - 20", 0 },
	{ "all", "DELETE FROM audit", 0 },
	{ "oldest 1", "DELETE FROM audit WHERE id = 1", 0 },
	{ "oldest 3", "DELETE FROM audit WHERE id <= 3", 0 },
	{ "oldest, rechained", "DELETE FROM audit WHERE id = 1", 2 },
	{ "middle", "DELETE FROM audit WHERE id = 10", 0 },
	{ "rewrite", "UPDATE audit SET who = 'mallory' WHERE id = 2", 0 },
	{ "rewrite, rechained", "UPDATE audit SET who = 'mallory' WHERE id = 2", 2 },
	{ "rewrite newest, rechained", "UPDATE audit SET result = 'refused' WHERE id = "
	  "(SELECT max(id) FROM audit)", 1 },
	{ "forged purge anchor", "UPDATE audit SET what = 'audit.purge', detail = "
	  "'chain kept from event 5 after 00' WHERE id = 20", 0 },
	{ "insert unkeyed", "INSERT INTO audit (id, ts, who, ip, what, result, prev, hash) "
	  "SELECT id + 1, ts, 'mallory', ip, 'login', 'ok', hash, hash FROM audit "
	  "ORDER BY id DESC LIMIT 1", 0 },
};

START_TEST(test_tamper_reported)
{
	mk_error err = { 0 };
	char *why = NULL;
	gint64 bad = 0;

	add_events(21);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &why, &err), 0);
	ck_assert_msg(bad == 0, "clean chain reported: %s", why);
	mkt_raw_unguard(cfg);
	ck_assert_int_eq(mkt_raw_exec(cfg, tampers[_i].sql), 0);
	if (tampers[_i].rechain_from > 0)
		rechain_unkeyed(tampers[_i].rechain_from);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &why, &err), 0);
	ck_assert_msg(bad != 0, "%s: not reported", tampers[_i].name);
	ck_assert_msg(why != NULL && *why != '\0', "%s: no reason", tampers[_i].name);
	g_free(why);
	/* events written after the tampering do not hide it */
	add_events(25);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &why, &err), 0);
	ck_assert_msg(bad != 0, "%s: hidden by later events", tampers[_i].name);
	g_free(why);
}
END_TEST

/* After an upgrade: events 1..4 written unkeyed by an older mukaika (made
 * here by rechaining them the old way), then keyed ones.  verify points at
 * `audit reanchor`; the re-anchor checks and anchors 1..4; verify is then
 * OK, and still finds a legacy event changed afterwards.  A chain
 * rewritten unkeyed up to its head is never anchored. */
START_TEST(test_legacy_reanchor)
{
	mk_error err = { 0 };
	gint64 bad = 0, first = 0, last = 0;
	char *why = NULL;

	if (mkt_pg())
		return;   /* no older mukaika ever wrote a postgresql store */
	ck_assert_int_eq(mk_audit_reanchor(q, "admin", now, &first, &last, &err), MK_ERR_USAGE);
	mkt_raw_unguard(cfg);
	rechain_unkeyed(1);
	add_events(3);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &why, &err), 0);
	ck_assert_int_eq(bad, 1);
	ck_assert_ptr_nonnull(strstr(why, "audit reanchor"));
	g_free(why);
	ck_assert_int_eq(mk_audit_reanchor(q, "admin", now, &first, &last, &err), 0);
	ck_assert_int_eq(first, 1);
	ck_assert_int_eq(last, 4);
	ck_assert_int_eq(mk_audit_verify(q, &bad, &why, &err), 0);
	ck_assert_msg(bad == 0, "after the re-anchor: %s", why);
	ck_assert_int_eq(mk_audit_reanchor(q, "admin", now, &first, &last, &err), MK_ERR_USAGE);
	add_events(2);
	ck_assert_int_eq(mk_audit_verify(q, &bad, NULL, &err), 0);
	ck_assert_int_eq(bad, 0);
	/* a legacy event changed and the segment rechained: its end moves */
	ck_assert_int_eq(mkt_raw_exec(cfg, "UPDATE audit SET who = 'mallory' WHERE id = 2"), 0);
	rechain_unkeyed(2);
	ck_assert_int_eq(mk_audit_verify(q, &bad, NULL, &err), 0);
	ck_assert_int_ne(bad, 0);
}
END_TEST

START_TEST(test_rewritten_chain_not_anchored)
{
	mk_error err = { 0 };
	gint64 first = 0, last = 0;

	if (mkt_pg())
		return;
	add_events(3);
	mkt_raw_unguard(cfg);
	ck_assert_int_eq(mkt_raw_exec(cfg, "UPDATE audit SET who = 'mallory' WHERE id = 2"), 0);
	rechain_unkeyed(1);          /* the whole chain, up to its head */
	ck_assert_int_eq(mk_audit_reanchor(q, "admin", now, &first, &last, &err), MK_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "rewritten"));
}
END_TEST

/* The key is outside the database: created 0640 at first start, refused
 * when others may read it; the checkpoint follows every event. */
START_TEST(test_key_and_checkpoint)
{
	char *key = g_build_filename(cfg->general.state_dir, "audit.key", NULL);
	char *head = g_build_filename(cfg->general.state_dir, "audit.head", NULL);
	mk_error err = { 0 };
	struct stat st;
	char *text = NULL;
	mk_store *q2;

	ck_assert_int_eq(stat(key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert(g_file_get_contents(head, &text, NULL, NULL));
	ck_assert_msg(g_str_has_prefix(text, "4 "), "checkpoint: %s", text);
	g_free(text);
	ck_assert_int_eq(chmod(key, 0644), 0);
	q2 = mk_store_open(cfg, &err);
	ck_assert_ptr_null(q2);
	ck_assert_ptr_nonnull(strstr(err.msg, "readable by others"));
	g_free(key);
	g_free(head);
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
	tcase_add_loop_test(tc, test_tamper_reported, 0, G_N_ELEMENTS(tampers));
	tcase_add_test(tc, test_key_and_checkpoint);
	tcase_add_test(tc, test_legacy_reanchor);
	tcase_add_test(tc, test_rewritten_chain_not_anchored);
	tcase_add_loop_test(tc, test_filters, 0, G_N_ELEMENTS(filters));
	tcase_add_test(tc, test_export);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
