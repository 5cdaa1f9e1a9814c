/*
 * NAME
 *   test_pwpolicy - mk_pw_judge(): length, kinds, account name, common list
 *
 * DESCRIPTION
 *   Rows: account name, password, expected verdict under the defaults
 *   (12 characters, 3 kinds).  password1234 was accepted before issue 18.
 */
#include <string.h>

#include "pwpolicy.h"
#include "testutil.h"

typedef struct {
	const char *user, *pw;
	mk_pw_verdict want;
} pw_row;

static const pw_row ROWS[] = {
	{ "alice", "password1234", MK_PW_COMMON },
	{ "alice", "Password1234", MK_PW_COMMON },
	{ "alice", "PASSWORD2024!!", MK_PW_COMMON },
	{ "alice", "!!password2024", MK_PW_COMMON },
	{ "alice", "2024-Password-2024", MK_PW_COMMON },
	{ "alice", "qwertyuiop123", MK_PW_COMMON },
	{ "alice", "1qaz2wsx3edc", MK_PW_COMMON },
	{ "alice", "Baseball1999#", MK_PW_COMMON },
	{ "alice", "iloveyou12345", MK_PW_COMMON },
	{ "alice", "Alice-Secret-42", MK_PW_NAME },
	{ "alice", "my.ALICE.pw-9", MK_PW_NAME },
	{ "bob", "xBoB-long-enough-7", MK_PW_NAME },
	{ "al", "al-is-fine-Pw7", MK_PW_OK },            /* names < 3: not checked */
	{ "alice", "Sh0rt-pw", MK_PW_SHORT },
	{ "alice", "abcdefghijklmnop", MK_PW_CLASSES },
	{ "alice", "kitsune-yama-kawa", MK_PW_CLASSES },
	{ "alice", "kitsune-yama-kawa-7", MK_PW_OK },
	{ "alice", "Kitsune Yama 7", MK_PW_OK },
	{ "alice", "operator-password-01", MK_PW_OK },
	{ "alice", "山と川と狐-2026-x", MK_PW_OK },         /* non-ASCII counts as other */
	{ "alice", "tab\there-Pw-123", MK_PW_INVALID },
	{ "alice", "bad\xff-utf8-Pw-123", MK_PW_INVALID },
	{ "alice", "", MK_PW_SHORT },
};

START_TEST(test_rows)
{
	const pw_row *r = &ROWS[_i];
	mk_pwpolicy p = { .min_length = 12, .min_classes = 3 };
	mk_pw_verdict v = mk_pw_judge(&p, r->user, r->pw);

	ck_assert_msg(v == r->want, "row %d (%s): verdict %d, want %d", _i, r->pw, v, r->want);
}
END_TEST

START_TEST(test_list)
{
	mk_pwpolicy p = { .min_length = 8, .min_classes = 1 };
	mk_error err = { 0 };
	char *ja;

	ck_assert(mk_pw_listed("password"));
	ck_assert(mk_pw_listed("PASSWORD"));
	ck_assert(mk_pw_listed("123456"));
	ck_assert(!mk_pw_listed("kitsune-yama-kawa-7"));
	ck_assert_int_eq(mk_pw_check(&p, "alice", "password1234", &err), MK_ERR_USAGE);
	ck_assert(strstr(err.msg, "common") != NULL);
	ck_assert_int_eq(mk_pw_check(&p, "alice", "kitsune-yama", &err), 0);
	ja = mk_pw_rules(&p, true);
	ck_assert(strstr(ja, "8 文字以上") != NULL && strstr(ja, "password1234") != NULL);
	g_free(ja);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pwpolicy");
	TCase *tc = tcase_create("pwpolicy");

	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(ROWS));
	tcase_add_test(tc, test_list);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
