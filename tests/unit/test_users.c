/*
 * NAME
 *   test_users - review accounts, roles, lockout and sessions
 *   (src/store/users.c, session.c)
 *
 * DESCRIPTION
 *   Real SQLite store in a temporary state directory.  Tables: the role
 *   permission matrix; login sequences (wrong/right password, lockout,
 *   lockout expiry, disabled account, unknown account) with the expected
 *   result per step; session lifetimes (idle and absolute limits by role,
 *   lock ends sessions); password change rules.  Times are fixed numbers.
 */
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qstore.h"
#include "testutil.h"
#include "users.h"

static mk_store *q;
static const mk_auth_policy pol = {
	.max_failed = 3, .lockout_s = 600, .idle_s = 900, .max_s = 3600, .min_password = 12,
};

static void
setup(void)
{
	mk_error err = { 0 };

	mkt_fx_setup();
	mk_auth_policy_from(mkt_fx.cfg, &(mk_auth_policy){ 0 });   /* minimum hash cost */
	q = mk_store_open(mkt_fx.cfg, &err);
	ck_assert_msg(q != NULL, "%s", err.msg);
}

static void
teardown(void)
{
	mk_store_close(&q);
	mkt_fx_teardown();
}

/* add NAME with ROLE and set a known password; returns nothing */
static void
add_user(const char *name, mk_urole role, const char *pw)
{
	mk_error err = { 0 };
	char *temp = NULL;

	ck_assert_int_eq(mk_user_add(q, name, role, NULL, 1000, &temp, &err), 0);
	ck_assert_int_eq(strlen(temp), 16);
	ck_assert_int_eq(mk_user_change_password(q, name, temp, pw, &pol, &err), 0);
	g_free(temp);
}

static const struct { mk_urole role; bool view, request, decide, admin; } perms[] = {
	{ MK_UR_NONE, false, false, false, false },
	{ MK_UR_VIEWER, true, false, false, false },
	{ MK_UR_OPERATOR, true, true, false, false },
	{ MK_UR_APPROVER, true, true, true, false },
	{ MK_UR_ADMIN, true, true, true, true },
};

START_TEST(test_roles)
{
	mk_urole r = perms[_i].role;

	ck_assert(mk_urole_can(r, MK_PERM_VIEW) == perms[_i].view);
	ck_assert(mk_urole_can(r, MK_PERM_REQUEST) == perms[_i].request);
	ck_assert(mk_urole_can(r, MK_PERM_DECIDE) == perms[_i].decide);
	ck_assert(mk_urole_can(r, MK_PERM_ADMIN) == perms[_i].admin);
	if (r != MK_UR_NONE)
		ck_assert_int_eq(mk_urole_parse(mk_urole_name(r)), r);
}
END_TEST

static const struct { const char *name; bool ok; } names[] = {
	{ "alice", true }, { "a.b-c_d9", true }, { "Alice", false }, { "", false },
	{ "../x", false }, { ".hidden", false }, { "a b", false },
	{ "abcdefghijabcdefghijabcdefghij123", false }, { "x'; DROP TABLE users;--", false },
};

START_TEST(test_names)
{
	mk_error err = { 0 };
	char *pw = NULL;

	ck_assert(mk_user_valid_name(names[_i].name) == names[_i].ok);
	ck_assert_int_eq(mk_user_add(q, names[_i].name, MK_UR_VIEWER, NULL, 1, &pw, &err) == 0,
	                 names[_i].ok);
	g_free(pw);
}
END_TEST

/* One login attempt: password ("" = wrong), time, expected result. */
typedef struct { bool right; gint64 t; mk_login_result want; } step;

static const struct {
	const char *what;
	step steps[8];
	int n;
} seqs[] = {
	{ "right password", { { true, 2000, MK_LOGIN_OK } }, 1 },
	{ "two wrong then right", { { false, 2000, MK_LOGIN_BAD }, { false, 2001, MK_LOGIN_BAD },
	  { true, 2002, MK_LOGIN_OK } }, 3 },
	{ "third wrong locks; right refused while locked",
	  { { false, 2000, MK_LOGIN_BAD }, { false, 2001, MK_LOGIN_BAD },
	    { false, 2002, MK_LOGIN_LOCKED }, { true, 2003, MK_LOGIN_LOCKED },
	    { true, 2601, MK_LOGIN_LOCKED } }, 5 },
	{ "lock runs out after lockout_s",
	  { { false, 2000, MK_LOGIN_BAD }, { false, 2001, MK_LOGIN_BAD },
	    { false, 2002, MK_LOGIN_LOCKED }, { true, 2603, MK_LOGIN_OK } }, 4 },
	{ "count starts again after an expired lock",
	  { { false, 2000, MK_LOGIN_BAD }, { false, 2001, MK_LOGIN_BAD },
	    { false, 2002, MK_LOGIN_LOCKED }, { false, 2700, MK_LOGIN_BAD },
	    { true, 2701, MK_LOGIN_OK } }, 5 },
};

START_TEST(test_login_sequences)
{
	mk_error err = { 0 };

	add_user("alice", MK_UR_OPERATOR, "correct horse battery");
	for (int s = 0; s < seqs[_i].n; s++) {
		const step *st = &seqs[_i].steps[s];
		mk_login l;

		ck_assert_int_eq(mk_user_login(q, "alice", st->right ? "correct horse battery"
		                               : "wrong", "192.0.2.1", st->t, &pol, &l, &err), 0);
		ck_assert_msg(l.result == st->want, "%s: step %d: got %d want %d",
		              seqs[_i].what, s, l.result, st->want);
		mk_login_clear(&l);
	}
}
END_TEST

START_TEST(test_last_login_report)
{
	mk_error err = { 0 };
	mk_login l;

	add_user("bob", MK_UR_VIEWER, "correct horse battery");
	ck_assert_int_eq(mk_user_login(q, "bob", "correct horse battery", "192.0.2.7", 5000,
	                               &pol, &l, &err), 0);
	ck_assert_int_eq(l.prev_login, 0);
	mk_login_clear(&l);
	ck_assert_int_eq(mk_user_login(q, "bob", "nope", "198.51.100.1", 5001, &pol, &l, &err), 0);
	mk_login_clear(&l);
	ck_assert_int_eq(mk_user_login(q, "bob", "correct horse battery", "192.0.2.8", 5002,
	                               &pol, &l, &err), 0);
	ck_assert_int_eq(l.result, MK_LOGIN_OK);
	ck_assert_int_eq(l.prev_login, 5000);
	ck_assert_str_eq(l.prev_ip, "192.0.2.7");
	ck_assert_int_eq(l.failed_since, 1);
	ck_assert(!l.must_change);
	mk_login_clear(&l);
}
END_TEST

START_TEST(test_temp_password_and_unknown)
{
	mk_error err = { 0 };
	mk_login l;
	char *pw = NULL;

	ck_assert_int_eq(mk_user_add(q, "carol", MK_UR_ADMIN, NULL, 1, &pw, &err), 0);
	ck_assert_int_eq(mk_user_login(q, "carol", pw, "::1", 10, &pol, &l, &err), 0);
	ck_assert_int_eq(l.result, MK_LOGIN_OK);
	ck_assert(l.must_change);
	mk_login_clear(&l);
	g_free(pw);
	ck_assert_int_eq(mk_user_add(q, "carol", MK_UR_ADMIN, NULL, 1, &pw, &err), MK_ERR_USAGE);
	ck_assert_int_eq(mk_user_login(q, "nobody", "x", "::1", 10, &pol, &l, &err), 0);
	ck_assert_int_eq(l.result, MK_LOGIN_BAD);
	mk_login_clear(&l);
	g_free(pw);
}
END_TEST

static const struct { const char *old, *new_pw; int want; } changes[] = {
	{ "correct horse battery", "another long secret", 0 },
	{ "wrong", "another long secret", MK_ERR_USAGE },
	{ "correct horse battery", "short", MK_ERR_USAGE },
	{ "correct horse battery", "correct horse battery", MK_ERR_USAGE },
	{ "correct horse battery", "dave-is-my-password", MK_ERR_USAGE },
};

START_TEST(test_password_rules)
{
	mk_error err = { 0 };

	add_user("dave", MK_UR_VIEWER, "correct horse battery");
	ck_assert_int_eq(mk_user_change_password(q, "dave", changes[_i].old,
	                 changes[_i].new_pw, &pol, &err), changes[_i].want);
}
END_TEST

/* role, seconds since start, seconds since last use -> alive? */
static const struct { mk_urole role; gint64 age, idle; bool alive; } lives[] = {
	{ MK_UR_VIEWER, 100, 100, true },
	{ MK_UR_VIEWER, 1000, 901, false },         /* idle limit */
	{ MK_UR_OPERATOR, 7200, 60, true },         /* no absolute limit for operators */
	{ MK_UR_APPROVER, 3599, 60, true },
	{ MK_UR_APPROVER, 3601, 60, false },        /* absolute limit, privileged */
	{ MK_UR_ADMIN, 3601, 10, false },
};

START_TEST(test_session_lifetime)
{
	mk_error err = { 0 };
	mk_session *s = NULL;
	char *tok = NULL;
	gint64 t0 = 100000, t;

	add_user("erin", lives[_i].role, "correct horse battery");
	ck_assert_int_eq(mk_session_new(q, "erin", "192.0.2.1", t0, &tok, &err), 0);
	ck_assert_int_eq(strlen(tok), 64);
	/* keep the session in use until the last step */
	for (t = t0 + 60; t < t0 + lives[_i].age - lives[_i].idle; t += 60) {
		ck_assert_int_eq(mk_session_check(q, tok, t, &pol, &s, &err), 0);
		mk_session_free(&s);
	}
	ck_assert_int_eq(mk_session_check(q, tok, t0 + lives[_i].age - lives[_i].idle, &pol,
	                                  &s, &err), 0);
	mk_session_free(&s);
	ck_assert_int_eq(mk_session_check(q, tok, t0 + lives[_i].age, &pol, &s, &err) == 0,
	                 lives[_i].alive);
	if (s != NULL) {
		ck_assert_str_eq(s->user, "erin");
		ck_assert_int_eq(strlen(s->csrf), 64);
	}
	mk_session_free(&s);
	g_free(tok);
}
END_TEST

START_TEST(test_session_ends_on_lock_and_forgery)
{
	mk_error err = { 0 };
	mk_session *s = NULL;
	char *tok = NULL;

	add_user("frank", MK_UR_OPERATOR, "correct horse battery");
	ck_assert_int_eq(mk_session_new(q, "frank", "192.0.2.1", 10, &tok, &err), 0);
	ck_assert_int_eq(mk_session_check(q, "0000000000000000000000000000000000000000000000"
	                 "000000000000000000", 11, &pol, &s, &err), MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_session_check(q, "../../etc/passwd", 11, &pol, &s, &err),
	                 MK_ERR_NOINPUT);
	ck_assert_int_eq(mk_user_set_disabled(q, "frank", true, &err), 0);
	ck_assert_int_eq(mk_session_check(q, tok, 12, &pol, &s, &err), MK_ERR_NOINPUT);
	ck_assert_ptr_null(s);
	g_free(tok);
}
END_TEST

/* Another process holds the store's write lock (as every sanitize does)
 * for HOLD_MS and commits a change meanwhile: a valid session must still
 * be valid (the check waits, or at worst does not record its last use). */
#define HOLD_MS 800

static pid_t
hold_write_lock(const char *dbpath)
{
	int fds[2];
	pid_t pid;
	char c = 0;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sqlite3 *db = NULL;

		close(fds[0]);
		if (sqlite3_open(dbpath, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS t_hold(x);"
		                 "INSERT INTO t_hold VALUES (1)", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		(void)!write(fds[1], "x", 1);
		g_usleep(HOLD_MS * 1000);
		_exit(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 1);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);   /* the lock is held now */
	close(fds[0]);
	return pid;
}

START_TEST(test_session_while_store_busy)
{
	mk_error err = { 0 };
	mk_session *s = NULL;
	char *tok = NULL;
	char *dbpath = mk_config_state_path(mkt_fx.cfg, mkt_fx.cfg->quarantine.db,
	                                    "mukaika.db");
	int status = 0;
	pid_t pid;

	add_user("gina", MK_UR_APPROVER, "correct horse battery");
	ck_assert_int_eq(mk_session_new(q, "gina", "192.0.2.1", 100, &tok, &err), 0);
	/* a read before the other process writes: the snapshot goes stale */
	ck_assert_int_eq(mk_session_check(q, tok, 101, &pol, &s, &err), 0);
	mk_session_free(&s);
	pid = hold_write_lock(dbpath);
	ck_assert_msg(mk_session_check(q, tok, 102, &pol, &s, &err) == 0,
	              "valid session refused while the store is busy: %s", err.msg);
	ck_assert_str_eq(s->user, "gina");
	mk_session_free(&s);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(mk_session_check(q, tok, 103, &pol, &s, &err), 0);
	mk_session_free(&s);
	g_free(dbpath);
	g_free(tok);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("users");
	TCase *tc = tcase_create("users");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_roles, 0, G_N_ELEMENTS(perms));
	tcase_add_loop_test(tc, test_names, 0, G_N_ELEMENTS(names));
	tcase_add_loop_test(tc, test_login_sequences, 0, G_N_ELEMENTS(seqs));
	tcase_add_test(tc, test_last_login_report);
	tcase_add_test(tc, test_temp_password_and_unknown);
	tcase_add_loop_test(tc, test_password_rules, 0, G_N_ELEMENTS(changes));
	tcase_add_loop_test(tc, test_session_lifetime, 0, G_N_ELEMENTS(lives));
	tcase_add_test(tc, test_session_ends_on_lock_and_forgery);
	tcase_add_test(tc, test_session_while_store_busy);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
