/*
 * NAME
 *   test_release - release requests, the two-person rule, delivery
 *   (src/store/review.c, release.c, smtp.c, qsearch.c)
 *
 * DESCRIPTION
 *   Table of (requester role, decider, decider role) -> allowed or refused,
 *   state rules (no second open request, no release without approval, no
 *   double release), the database trigger refusing a self-approval even
 *   when the code is bypassed, file release into out/OWNER/ (no replace),
 *   mail release through a loopback SMTP sink thread (recipients, header,
 *   dot-stuffing), a refused relay leaving the request approved, search
 *   filters and delete/purge.
 */
#include <string.h>
#include <unistd.h>


#include "audit.h"
#include "qstore.h"
#include "release.h"
#include "review.h"
#include "store_port.h"
#include "testutil.h"

static char *tmp;
static mk_config *cfg;
static mk_store *q;

static void
setup(void)
{
	mkt_fx_store_setup();
	tmp = mkt_fx.dir;
	cfg = mkt_fx.cfg;
	q = mkt_fx.q;
}

static void
teardown(void)
{
	mkt_fx_store_teardown();
}

static void
put_item(const char *id, const char *channel, const char *rcpt, const char *subject,
         const char *content, gint64 received)
{
	mk_error err = { 0 };
	mk_qmeta m = { .id = id, .channel = channel, .sender = "a@example.com",
	               .recipients = rcpt, .subject = subject, .verdict = MK_V_QUARANTINED,
	               .findings = "encrypted,unknown_type", .report_json = "{}",
	               .received = received };
	GBytes *b = g_bytes_new(content, strlen(content));

	ck_assert_int_eq(mk_qstore_put(q, &m, b, &err), 0);
	g_bytes_unref(b);
}

static const struct {
	mk_urole req_role;
	const char *decider;
	mk_urole dec_role;
	int want_request, want_decide;
} rules[] = {
	{ MK_UR_OPERATOR, "bob", MK_UR_APPROVER, 0, 0 },
	{ MK_UR_OPERATOR, "bob", MK_UR_ADMIN, 0, 0 },
	{ MK_UR_OPERATOR, "alice", MK_UR_APPROVER, 0, MK_ERR_USAGE },   /* own request */
	{ MK_UR_ADMIN, "alice", MK_UR_ADMIN, 0, MK_ERR_USAGE },         /* own, even admin */
	{ MK_UR_OPERATOR, "bob", MK_UR_OPERATOR, 0, MK_ERR_USAGE },     /* role too low */
	{ MK_UR_OPERATOR, "bob", MK_UR_VIEWER, 0, MK_ERR_USAGE },
	{ MK_UR_VIEWER, "bob", MK_UR_APPROVER, MK_ERR_USAGE, 0 },       /* viewer cannot ask */
};

START_TEST(test_two_person_rule)
{
	mk_actor req = { "alice", rules[_i].req_role, "192.0.2.1" };
	mk_actor dec = { rules[_i].decider, rules[_i].dec_role, "192.0.2.2" };
	mk_error err = { 0 };
	mk_request *r = NULL;
	gint64 id = 0;

	put_item("item-1", "file", "owner1", "a.zip", "PK data", 1000);
	ck_assert_int_eq(mk_review_request(q, &req, "item-1", "needed for work", 2000, &id,
	                                   &err), rules[_i].want_request);
	if (rules[_i].want_request != 0)
		return;
	ck_assert_int_eq(mk_review_decide(q, &dec, id, true, "ok", 2001, &err),
	                 rules[_i].want_decide);
	ck_assert_int_eq(mk_review_get(q, id, &r, &err), 0);
	ck_assert_str_eq(r->status, rules[_i].want_decide == 0 ? "approved" : "pending");
	mk_request_free(&r);
}
END_TEST

START_TEST(test_trigger_refuses_self_decision)
{
	mk_actor op = { "alice", MK_UR_OPERATOR, "local" };
	mk_error err = { 0 };
	gint64 id = 0;
	char *sql;

	put_item("item-2", "file", "owner1", "b.zip", "PK", 1000);
	ck_assert_int_eq(mk_review_request(q, &op, "item-2", "why", 2000, &id, &err), 0);
	sql = g_strdup_printf("INSERT INTO decisions (request, approver, created, decision) "
	                      "VALUES (%" G_GINT64_FORMAT ", 'alice', 1, 'approve')", id);
	ck_assert_int_ne(mkt_raw_exec(mkt_fx.cfg, sql), 0);
	g_free(sql);
}
END_TEST

START_TEST(test_states_and_file_release)
{
	mk_actor op = { "alice", MK_UR_OPERATOR, "local" }, ap = { "bob", MK_UR_APPROVER, "local" };
	mk_error err = { 0 };
	gint64 id = 0, id2 = 0;
	char *where = NULL, *path;
	GBytes *got;

	put_item("item-3", "file", "owner1", "report.pdf", "%PDF-1.4 original", 1000);
	ck_assert_int_eq(mk_review_request(q, &op, "item-3", "", 2000, &id, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_request(q, &op, "../../etc", "x", 2000, &id, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_request(q, &op, "no-such", "x", 2000, &id, &err), MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_review_request(q, &op, "item-3", "x", 2000, &id, &err), 0);
	ck_assert_int_eq(mk_review_request(q, &ap, "item-3", "y", 2000, &id2, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_release(q, cfg, &op, id, 2001, &where, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_decide(q, &ap, id, true, NULL, 2002, &err), 0);
	ck_assert_int_eq(mk_review_decide(q, &ap, id, false, NULL, 2002, &err), MK_ERR_USAGE);
	/* a file of the same name already there: no replace */
	path = g_build_filename(cfg->dropd.out_dir, "owner1", NULL);
	g_mkdir_with_parents(path, 0700);
	g_free(path);
	path = g_build_filename(cfg->dropd.out_dir, "owner1", "report.pdf", NULL);
	g_file_set_contents(path, "other", -1, NULL);
	g_free(path);
	ck_assert_int_eq(mk_review_release(q, cfg, &op, id, 2003, &where, &err), 0);
	path = g_build_filename(cfg->dropd.out_dir, "owner1", "report (2).pdf", NULL);
	ck_assert_str_eq(where, path);
	got = mkt_read(path);
	ck_assert_int_eq(g_bytes_get_size(got), strlen("%PDF-1.4 original"));
	g_bytes_unref(got);
	g_free(path);
	g_free(where);
	ck_assert_int_eq(mk_review_release(q, cfg, &op, id, 2004, &where, &err), MK_ERR_USAGE);
	/* released: no new request */
	ck_assert_int_eq(mk_review_request(q, &op, "item-3", "again", 2005, &id2, &err), MK_ERR_USAGE);
}
END_TEST

static const struct { int refuse; int want; const char *status; } mails[] = {
	{ 0, 0, "released" },
	{ 1, MK_ERR_TEMP, "approved" },     /* relay refuses: retry later */
};

START_TEST(test_mail_release)
{
	mk_actor op = { "alice", MK_UR_OPERATOR, "local" }, ap = { "bob", MK_UR_APPROVER, "local" };
	mk_error err = { 0 };
	mkt_sink s = { .refuse_rcpt = mails[_i].refuse };
	mk_request *r = NULL;
	char *where = NULL;
	gint64 id = 0;

	mkt_sink_start(&s, cfg);
	put_item("mail-1", "mail", "x@example.jp, y@example.jp", "hello",
	         "From: a@example.com\nSubject: hello\n\nline\n.dot line\n", 1000);
	ck_assert_int_eq(mk_review_request(q, &op, "mail-1", "ask", 2000, &id, &err), 0);
	ck_assert_int_eq(mk_review_decide(q, &ap, id, true, NULL, 2001, &err), 0);
	ck_assert_int_eq(mk_review_release(q, cfg, &ap, id, 2002, &where, &err), mails[_i].want);
	mkt_sink_join(&s);
	ck_assert_int_eq(mk_review_get(q, id, &r, &err), 0);
	ck_assert_str_eq(r->status, mails[_i].status);
	mk_request_free(&r);
	ck_assert_ptr_nonnull(strstr(s.log->str, "RCPT TO:<x@example.jp>"));
	if (mails[_i].want == 0) {
		ck_assert_ptr_nonnull(strstr(s.log->str, "RCPT TO:<y@example.jp>"));
		ck_assert_ptr_nonnull(strstr(s.log->str, "MAIL FROM:<a@example.com>"));
		ck_assert_ptr_nonnull(strstr(s.log->str, "X-Mukaika-Released-By: bob (approved by bob"));
		ck_assert_ptr_nonnull(strstr(s.log->str, "\r\n..dot line\r\n"));
	}
	mkt_sink_free(&s);
	g_free(where);
}
END_TEST

static const struct { mk_qfilter f; int want; } searches[] = {
	{ { .sender = "EXAMPLE.com" }, 3 },
	{ { .recipient = "owner2" }, 1 },
	{ { .finding = "encrypted" }, 3 },
	{ { .finding = "encrypt" }, 0 },           /* whole codes only */
	{ { .since = 1500 }, 2 },
	{ { .since = 1500, .until = 2500 }, 1 },
	{ { .text = "c.zip" }, 1 },
	{ { .text = "%" }, 0 },                     /* no LIKE wildcards */
	{ { .verdict = "quarantined", .limit = 2 }, 2 },
	{ { .status = "released" }, 0 },
};

START_TEST(test_search)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	gint64 n = 0;

	put_item("s-1", "file", "owner1", "a.zip", "1", 1000);
	put_item("s-2", "file", "owner2", "b.zip", "2", 2000);
	put_item("s-3", "file", "owner3", "c.zip", "3", 3000);
	ck_assert_int_eq(mk_qstore_search(q, &searches[_i].f, &a, &err), 0);
	ck_assert_int_eq(a->len, searches[_i].want);
	g_ptr_array_unref(a);
	ck_assert_int_eq(mk_qstore_count(q, &searches[_i].f, &n, &err), 0);
	if (searches[_i].f.limit == 0)
		ck_assert_int_eq(n, searches[_i].want);
}
END_TEST

START_TEST(test_delete_and_purge)
{
	mk_actor op = { "alice", MK_UR_OPERATOR, "local" }, ad = { "root", MK_UR_ADMIN, "local" };
	mk_error err = { 0 };
	mk_qrecord *r = NULL;
	int n = 0;

	put_item("d-1", "file", "o", "a", "same", 1000);
	put_item("d-2", "file", "o", "b", "same", 1000);   /* shares the object */
	mk_actor ad2 = { "root2", MK_UR_ADMIN, "local" }, ap = { "bob", MK_UR_APPROVER, "local" };
	gint64 req = 0;

	ck_assert_int_eq(mk_review_delete(q, &op, "d-1", 5, &req, &err), MK_ERR_USAGE);
	/* deleting an original is a two-person action */
	ck_assert_int_eq(mk_review_delete(q, &ad, "d-1", 5, &req, &err), 0);
	ck_assert_int_eq(mk_qstore_get(q, "d-1", &r, &err), 0);           /* still there */
	mk_qrecord_free(&r);
	ck_assert_int_eq(mk_review_decide(q, &ad, req, true, NULL, 6, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_decide(q, &ap, req, true, NULL, 6, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_release(q, cfg, &ad2, req, 6, &(char *){ NULL }, &err),
	                 MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_decide(q, &ad2, req, true, NULL, 6, &err), 0);
	ck_assert_int_eq(mk_qstore_get(q, "d-1", &r, &err), MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_qstore_get(q, "d-2", &r, &err), 0);
	ck_assert_ptr_nonnull(mk_qstore_object(q, r->sha256, &err));   /* leak ok in test */
	mk_qrecord_free(&r);
	ck_assert_int_eq(mk_qstore_purge(q, 1000 + 89 * 86400, &n, &err), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(mk_qstore_purge(q, 1000 + 91 * 86400, &n, &err), 0);
	ck_assert_int_eq(n, 1);
}
END_TEST

/* No one-person release through a second account (issue 18.2): an
 * account added, reset or given a role by admin X may not decide X's
 * requests, nor X its requests, until a third admin confirmed it; the
 * database trigger says the same when the code is bypassed. */
static const struct {
	const char *name;
	const char *setup;       /* "add" | "reset" | "role" */
	bool confirm;            /* a second admin confirms */
	bool x_requests;         /* X requests, the account decides; else reverse */
	int want;
} grants[] = {
	{ "reset, X requests", "reset", false, true, MK_ERR_USAGE },
	{ "reset, confirmed", "reset", true, true, 0 },
	{ "added as approver", "add", false, true, MK_ERR_USAGE },
	{ "added, confirmed", "add", true, true, 0 },
	{ "role raised", "role", false, true, MK_ERR_USAGE },
	{ "reset, it requests, X decides", "reset", false, false, MK_ERR_USAGE },
};

START_TEST(test_unconfirmed_accounts)
{
	mk_actor x = { "xadmin", MK_UR_ADMIN, "local" };
	mk_actor acc = { "appr", MK_UR_APPROVER, "local" };
	mk_error err = { 0 };
	char *pw = NULL, *sql;
	gint64 id = 0;

	ck_assert_int_eq(mk_user_add(q, "xadmin", MK_UR_ADMIN, NULL, 1, &pw, &err), 0);
	g_free(pw);
	ck_assert_int_eq(mk_user_add(q, "yadmin", MK_UR_ADMIN, NULL, 1, &pw, &err), 0);
	g_free(pw);
	if (strcmp(grants[_i].setup, "add") == 0) {
		ck_assert_int_eq(mk_user_add(q, "appr", MK_UR_APPROVER, "xadmin", 1, &pw, &err), 0);
	} else {
		ck_assert_int_eq(mk_user_add(q, "appr", MK_UR_OPERATOR, NULL, 1, &pw, &err), 0);
		g_free(pw);
		pw = NULL;
		if (strcmp(grants[_i].setup, "reset") == 0)
			ck_assert_int_eq(mk_user_reset(q, "appr", "xadmin", &pw, &err), 0);
		else
			ck_assert_int_eq(mk_user_set_role(q, "appr", MK_UR_APPROVER, "xadmin", &err), 0);
	}
	g_free(pw);
	if (grants[_i].confirm) {
		ck_assert_int_eq(mk_user_confirm(q, "appr", "xadmin", &err), MK_ERR_USAGE);
		ck_assert_int_eq(mk_user_confirm(q, "appr", "appr", &err), MK_ERR_USAGE);
		ck_assert_int_eq(mk_user_confirm(q, "appr", "yadmin", &err), 0);
	}
	put_item("g-1", "file", "owner1", "a.zip", "PK", 1000);
	ck_assert_int_eq(mk_review_request(q, grants[_i].x_requests ? &x : &acc, "g-1", "why",
	                                   2000, &id, &err), 0);
	ck_assert_int_eq(mk_review_decide(q, grants[_i].x_requests ? &acc : &x, id, true, "ok",
	                                  2001, &err), grants[_i].want);
	if (grants[_i].want == 0)
		return;
	ck_assert_ptr_nonnull(strstr(err.msg, "two-person"));
	sql = g_strdup_printf("INSERT INTO decisions (request, approver, created, decision) "
	                      "VALUES (%" G_GINT64_FORMAT ", '%s', 1, 'approve')", id,
	                      grants[_i].x_requests ? "appr" : "xadmin");
	ck_assert_int_ne(mkt_raw_exec(mkt_fx.cfg, sql), 0);
	g_free(sql);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("release");
	TCase *tc = tcase_create("release");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_two_person_rule, 0, G_N_ELEMENTS(rules));
	tcase_add_loop_test(tc, test_unconfirmed_accounts, 0, G_N_ELEMENTS(grants));
	tcase_add_test(tc, test_trigger_refuses_self_decision);
	tcase_add_test(tc, test_states_and_file_release);
	tcase_add_loop_test(tc, test_mail_release, 0, G_N_ELEMENTS(mails));
	tcase_add_loop_test(tc, test_search, 0, G_N_ELEMENTS(searches));
	tcase_add_test(tc, test_delete_and_purge);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
