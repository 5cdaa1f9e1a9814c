/*
 * NAME
 *   test_digest - the review part of `mukaika report` (digest.h)
 *
 * DESCRIPTION
 *   A store seeded with quarantined and rejected items (one released, one
 *   deleted) and audit events of a day and the day before: the digest of
 *   the day counts the items by status, lists each release request with
 *   requester, decision, approver and delivery, counts failed logins,
 *   refused second factors and locked accounts per account, and lists the
 *   health alerts; events of the day before are not in it.  An account
 *   name with a line break stays on its line.
 */
#include <string.h>

#include "digest.h"
#include "testutil.h"

#define D1 1775001600        /* 2026-04-01T00:00:00Z */
#define DAY 86400

static void
item(const char *id, mk_verdict v, gint64 at, const char *status)
{
	mk_error err = { 0 };
	GBytes *b = g_bytes_new(id, strlen(id));
	mk_qmeta m = { .id = id, .channel = "mail",
	               .sender = id[0] == 'r' ? "x@Bad.Example" : "a@example.org",
	               .recipients = "b@lg.example.jp", .subject = "s", .verdict = v,
	               .findings = "virus", .report_json = "{}", .received = at };

	ck_assert_int_eq(mk_qstore_put(mkt_fx.q, &m, b, &err), 0);
	if (status != NULL)
		ck_assert_int_eq(mk_qstore_set_status(mkt_fx.q, id, status, &err), 0);
	g_bytes_unref(b);
}

static void
ev(gint64 at, const char *who, const char *what, const char *it, const char *result,
   const char *detail)
{
	mk_error err = { 0 };

	ck_assert_int_eq(mk_audit_add(mkt_fx.q, at, who, "192.0.2.1", what, it, result,
	                              detail, &err), 0);
}

static const char *const want[] = {
	"quarantined         2   held 1, released 1, deleted 0\n",
	"rejected            2   held 1, released 0, deleted 1\n",
	"top sender domains of these items\n  bad.example                                 2\n"
	"  example.org                                 2\n",
	"release requests 2\n",
	"q-0001                       alice                approved  bob                  yes\n",
	"q-0002                       carol                pending   -                    no\n",
	"failed logins                 3   (mallory 2, eve?x 1)\n",
	"second factor refused         1   (bob 1)\n",
	"accounts locked               1   (mallory 1)\n",
	"health alerts 2 (signature age, disk, store, clock)\n",
	"2026-04-01 10:00 UTC  CRITICAL  signatures 30 h old, stale (max 24 h): mail tempfails\n",
	"2026-04-01 12:00 UTC  OK        signatures 0 h old (max 24 h)\n",
};

START_TEST(test_day)
{
	mk_error err = { 0 };
	char *t = NULL;

	item("q-0001", MK_V_QUARANTINED, D1 + 3600, "released");
	item("q-0002", MK_V_QUARANTINED, D1 + 7200, NULL);
	item("r-0001", MK_V_REJECTED, D1 + 7200, NULL);
	item("r-0002", MK_V_REJECTED, D1 + 7300, "deleted");
	item("c-0001", MK_V_CLEANED, D1 + 7300, NULL);            /* not held for review */
	item("q-0000", MK_V_QUARANTINED, D1 - 3600, NULL);        /* the day before */
	ev(D1 - 60, "daybefore", "login.failed", NULL, "failed", "");  /* the day before */
	ev(D1 + 4000, "alice", "release.request", "q-0001", "ok", "need it");
	ev(D1 + 4100, "bob", "release.approve", "q-0001", "ok", "");
	ev(D1 + 4200, "alice", "release.deliver", "q-0001", "ok", "smtp");
	ev(D1 + 4300, "carol", "release.request", "q-0002", "ok", "");
	ev(D1 + 4400, "dave", "release.approve", "q-0002", "refused", "own request");
	ev(D1 + 5000, "mallory", "login.failed", NULL, "failed", "");
	ev(D1 + 5001, "mallory", "login.failed", NULL, "failed", "");
	ev(D1 + 5002, "eve\nx", "login.failed", NULL, "failed", "");
	ev(D1 + 5003, "-", "account.locked", "mallory", "ok", "");
	ev(D1 + 5004, "bob", "login.mfa", NULL, "refused", "");
	ev(D1 + 5005, "bob", "login.mfa", NULL, "ok", "");
	ev(D1 + 36000, "system", "health.alert", NULL, "CRITICAL",
	   "signatures 30 h old, stale (max 24 h): mail tempfails");
	ev(D1 + 43200, "system", "health.alert", NULL, "OK", "signatures 0 h old (max 24 h)");
	ck_assert_int_eq(mk_digest_text(mkt_fx.q, D1, D1 + DAY, &t, &err), 0);
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		ck_assert_msg(strstr(t, want[i]) != NULL, "no line %s in:\n%s", want[i], t);
	ck_assert_msg(strstr(t, "daybefore") == NULL, "the day before is in:\n%s", t);
	g_free(t);
}
END_TEST

START_TEST(test_empty)
{
	mk_error err = { 0 };
	char *t = NULL;

	ck_assert_int_eq(mk_digest_text(mkt_fx.q, D1, D1 + DAY, &t, &err), 0);
	ck_assert(strstr(t, "release requests 0\n") != NULL);
	ck_assert(strstr(t, "failed logins                 0\n") != NULL);
	ck_assert(strstr(t, "health alerts 0 ") != NULL);
	g_free(t);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("digest");
	TCase *tc = tcase_create("digest");

	tcase_add_checked_fixture(tc, mkt_fx_store_setup, mkt_fx_store_teardown);
	tcase_add_test(tc, test_day);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
