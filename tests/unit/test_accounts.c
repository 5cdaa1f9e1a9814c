/*
 * NAME
 *   test_accounts - the account rules above the backend
 *   (src/store/accounts.c): pending grants, who confirms, web.max_admins,
 *   delete, second-factor reset, unused accounts; config loads on record
 *
 * DESCRIPTION
 *   Real SQLite store.  Admins a1 and a2 are set up from the shell
 *   (confirmed); the rows then act as a1 and check what the new account
 *   may do before and after a2 confirms it.
 */
#include <string.h>

#include "audit.h"
#include "mfa.h"
#include "qstore.h"
#include "review.h"
#include "testutil.h"
#include "users.h"

static mk_store *q;
static const mk_auth_policy pol = {
	.max_failed = 3, .lockout_s = 600, .idle_s = 900, .max_s = 3600, .min_password = 12,
};

static void
add(const char *name, mk_urole role, const char *by)
{
	mk_error err = { 0 };
	char *pw = NULL;

	ck_assert_msg(mk_user_add(q, name, role, by, 1000, &pw, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(mk_user_change_password(q, name, pw, "long enough secret 1", &pol,
	                                         &err), 0);
	g_free(pw);
}

static void
put_item(const char *id)
{
	mk_error err = { 0 };
	mk_qmeta m = { .id = id, .channel = "file", .sender = "a@example.com",
	               .recipients = "owner1", .subject = "a.zip", .verdict = MK_V_QUARANTINED,
	               .findings = "encrypted", .report_json = "{}", .received = 1000 };
	GBytes *b = g_bytes_new("PK", 2);

	ck_assert_int_eq(mk_qstore_put(q, &m, b, &err), 0);
	g_bytes_unref(b);
}

static guint
config_loads(void)
{
	mk_audit_filter f = { .what = "config.load" };
	mk_error err = { 0 };
	GPtrArray *rows = NULL;
	guint n;

	ck_assert_int_eq(mk_audit_list(q, &f, &rows, &err), 0);
	n = rows->len;
	g_ptr_array_unref(rows);
	return n;
}

static void
setup(void)
{
	mk_error err = { 0 };

	mkt_fx_setup();
	mk_auth_policy_from(mkt_fx.cfg, &(mk_auth_policy){ 0 });
	q = mk_store_open(mkt_fx.cfg, &err);
	ck_assert_msg(q != NULL, "%s", err.msg);
	add("a1", MK_UR_ADMIN, NULL);
	add("a2", MK_UR_ADMIN, NULL);
}

static void
teardown(void)
{
	mk_store_close(&q);
	mkt_fx_teardown();
}

static mk_urole
login_role(const char *name, bool *pending)
{
	mk_error err = { 0 };
	mk_login l = { 0 };
	mk_urole r;

	ck_assert_int_eq(mk_user_login(q, name, "long enough secret 1", "::1", 2000, &pol, &l,
	                               &err), 0);
	ck_assert_int_eq(l.result, MK_LOGIN_OK);
	r = l.role;
	*pending = l.pending;
	mk_login_clear(&l);
	return r;
}

/* how the account got its rights: add, role raised, reset, mfa-reset */
static const char *const grants[] = { "add", "role", "reset", "mfa-reset" };

START_TEST(test_pending_until_confirmed)
{
	mk_error err = { 0 };
	mk_actor third = { "op9", MK_UR_OPERATOR, "local" };
	mk_actor ap = { "ap1", MK_UR_APPROVER, "local" };
	mk_session *s = NULL;
	char *pw = NULL, *tok = NULL;
	gint64 id = 0;
	bool pending = false;

	add("op9", MK_UR_OPERATOR, NULL);
	if (strcmp(grants[_i], "add") == 0) {
		add("ap1", MK_UR_APPROVER, "a1");
	} else {
		add("ap1", strcmp(grants[_i], "role") == 0 ? MK_UR_OPERATOR : MK_UR_APPROVER, NULL);
		if (strcmp(grants[_i], "role") == 0)
			ck_assert_int_eq(mk_user_set_role(q, "ap1", MK_UR_APPROVER, "a1", &err), 0);
		else if (strcmp(grants[_i], "mfa-reset") == 0)
			ck_assert_int_eq(mk_user_mfa_reset(q, "ap1", "a1", &err), 0);
		else
			ck_assert_int_eq(mk_user_reset(q, "ap1", "a1", &pw, &err), 0);
		if (pw != NULL)
			ck_assert_int_eq(mk_user_change_password(q, "ap1", pw, "long enough secret 1",
			                                         &pol, &err), 0);
		g_free(pw);
	}
	/* pending: operator at most, at login and in a session */
	ck_assert_int_eq(login_role("ap1", &pending), MK_UR_OPERATOR);
	ck_assert(pending);
	ck_assert_int_eq(mk_session_new(q, "ap1", "::1", 2000, &tok, &err), 0);
	ck_assert_int_eq(mk_session_check(q, tok, 2001, &pol, &s, &err), 0);
	ck_assert_int_eq(s->role, MK_UR_OPERATOR);
	mk_session_free(&s);
	/* even with its own role, a third party's request is refused */
	put_item("p-1");
	ck_assert_int_eq(mk_review_request(q, &third, "p-1", "why", 2000, &id, &err), 0);
	ck_assert_int_eq(mk_review_decide(q, &ap, id, true, "", 2002, &err), MK_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "two-person"));
	/* the granter cannot confirm; the other admin can */
	ck_assert_int_eq(mk_user_confirm(q, "ap1", "a1", &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_user_confirm(q, "ap1", "a2", &err), 0);
	ck_assert_int_eq(login_role("ap1", &pending), MK_UR_APPROVER);
	ck_assert(!pending);
	ck_assert_int_eq(mk_session_check(q, tok, 2003, &pol, &s, &err), 0);
	ck_assert_int_eq(s->role, MK_UR_APPROVER);
	mk_session_free(&s);
	ck_assert_int_eq(mk_review_decide(q, &ap, id, true, "", 2004, &err), 0);
	g_free(tok);
}
END_TEST

/* A pending admin (made by a1) cannot confirm what a1 made: else a1 would
 * confirm through a second account of its own. */
START_TEST(test_pending_admin_cannot_confirm)
{
	mk_error err = { 0 };
	bool pending;

	add("a3", MK_UR_ADMIN, "a1");
	add("ap1", MK_UR_APPROVER, "a1");
	ck_assert_int_eq(login_role("a3", &pending), MK_UR_OPERATOR);
	ck_assert_int_eq(mk_user_confirm(q, "ap1", "a3", &err), MK_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "awaits confirmation"));
	/* two confirmed admins exist: the shell may not confirm */
	ck_assert_int_eq(mk_user_confirm(q, "ap1", NULL, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_user_confirm(q, "a3", "a2", &err), 0);
	ck_assert_int_eq(mk_user_confirm(q, "ap1", "a3", &err), 0);
}
END_TEST

START_TEST(test_bootstrap_confirm)
{
	mk_error err = { 0 };

	ck_assert_int_eq(mk_user_delete(q, "a2", "a1", &err), 0);
	add("ap1", MK_UR_APPROVER, "a1");
	/* one confirmed admin: the shell's set-up confirm works */
	ck_assert_int_eq(mk_user_confirm(q, "ap1", NULL, &err), 0);
}
END_TEST

START_TEST(test_max_admins)
{
	mk_error err = { 0 };
	char *pw = NULL;
	int i;

	/* default web.max_admins 5: a1, a2 + three more */
	for (i = 0; i < 3; i++) {
		char name[8];

		g_snprintf(name, sizeof name, "x%d", i);
		add(name, MK_UR_ADMIN, "a1");
	}
	ck_assert_int_eq(mk_user_add(q, "x9", MK_UR_ADMIN, "a1", 1, &pw, &err), MK_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "max_admins"));
	ck_assert_ptr_null(pw);
	add("v1", MK_UR_VIEWER, "a1");
	ck_assert_int_eq(mk_user_set_role(q, "v1", MK_UR_ADMIN, "a1", &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_user_set_role(q, "x0", MK_UR_ADMIN, "a1", &err), 0);  /* no change */
	ck_assert_int_eq(mk_user_delete(q, "x2", "a1", &err), 0);
	ck_assert_int_eq(mk_user_set_role(q, "v1", MK_UR_ADMIN, "a1", &err), 0);
}
END_TEST

START_TEST(test_delete)
{
	mk_error err = { 0 };
	mk_user *u = NULL;
	gint64 n = 0;

	add("v1", MK_UR_VIEWER, NULL);
	ck_assert_int_eq(mk_audit_add(q, 10, "v1", "::1", "login", "v1", "ok", NULL, &err), 0);
	ck_assert_int_eq(mk_user_delete(q, "a1", "a1", &err), MK_ERR_USAGE);     /* self */
	ck_assert_int_eq(mk_user_delete(q, "v1", "a1", &err), 0);
	ck_assert_int_eq(mk_user_get(q, "v1", &u, &err), MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_user_delete(q, "v1", "a1", &err), MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_audit_count(q, "login", "v1", "ok", 0, &n, &err), 0);
	ck_assert_int_eq(n, 1);                                                 /* kept */
	ck_assert_int_eq(mk_user_delete(q, "a2", "a1", &err), 0);
	add("a3", MK_UR_ADMIN, NULL);     /* a shell add: confirmed */
	ck_assert_int_eq(mk_user_delete(q, "a3", "a1", &err), 0);
	/* a1 is the last confirmed admin: the shell cannot remove it either */
	ck_assert_int_eq(mk_user_delete(q, "a1", NULL, &err), MK_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "last confirmed admin"));
}
END_TEST

START_TEST(test_mfa_reset)
{
	mk_error err = { 0 };
	mk_mfa_rec *rec = NULL;
	guint8 box[16] = { 1 };
	mk_user *u = NULL;

	add("ap1", MK_UR_APPROVER, NULL);
	ck_assert_int_eq(mk_mfa_enrol(q, "ap1", box, sizeof box, 1, &err), 0);
	ck_assert_int_eq(mk_user_mfa_reset(q, "ap1", "ap1", &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_user_mfa_reset(q, "ap1", "a1", &err), 0);
	ck_assert_int_eq(mk_mfa_get(q, "ap1", &rec, &err), MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_user_get(q, "ap1", &u, &err), 0);
	ck_assert_str_eq(u->granted_by, "a1");
	ck_assert_int_eq(u->role, MK_UR_APPROVER);
	mk_user_free(&u);
}
END_TEST

START_TEST(test_unused)
{
	mk_user u = { .name = "x", .created = 1000 };
	const gint64 day = 86400;

	ck_assert(mk_user_unused(&u, 30, 1000 + 30 * day));
	ck_assert(!mk_user_unused(&u, 30, 1000 + 29 * day));
	u.last_login = 1000 + 20 * day;
	ck_assert(!mk_user_unused(&u, 30, 1000 + 30 * day));
	ck_assert(mk_user_unused(&u, 30, 1000 + 50 * day));
}
END_TEST

START_TEST(test_config_load_audited)
{
	mk_error err = { 0 };

	g_strlcpy(mkt_fx.cfg->sha256, "aa", sizeof mkt_fx.cfg->sha256);
	ck_assert_int_eq(mk_audit_config_load(q, mkt_fx.cfg, "cli", true, 5, &err), 0);
	ck_assert_int_eq(mk_audit_config_load(q, mkt_fx.cfg, "cli", true, 6, &err), 0);
	ck_assert_int_eq(config_loads(), 1);       /* the same file: once */
	g_strlcpy(mkt_fx.cfg->sha256, "bb", sizeof mkt_fx.cfg->sha256);
	ck_assert_int_eq(mk_audit_config_load(q, mkt_fx.cfg, "cli", true, 7, &err), 0);
	ck_assert_int_eq(mk_audit_config_load(q, mkt_fx.cfg, "mukaika-web", false, 8, &err), 0);
	ck_assert_int_eq(config_loads(), 3);       /* changed, and every daemon load */
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("accounts");
	TCase *tc = tcase_create("accounts");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_pending_until_confirmed, 0, G_N_ELEMENTS(grants));
	tcase_add_test(tc, test_pending_admin_cannot_confirm);
	tcase_add_test(tc, test_bootstrap_confirm);
	tcase_add_test(tc, test_max_admins);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_mfa_reset);
	tcase_add_test(tc, test_unused);
	tcase_add_test(tc, test_config_load_audited);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
