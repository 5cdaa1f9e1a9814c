/*
 * NAME
 *   test_totp - RFC 6238 (SHA-1) vectors, the ±1 step window, no reuse of
 *   a step, base32 (RFC 4648) and recovery code hashing
 */
#include <string.h>

#include "testutil.h"
#include "totp.h"

static const guint8 KEY[] = "12345678901234567890";   /* RFC 6238 appendix B */

/* RFC 6238 appendix B, SHA-1, last 6 of the 8 digits */
static const struct { gint64 t; guint32 code; } RFC[] = {
	{ 59, 287082 }, { 1111111109, 81804 }, { 1111111111, 50471 },
	{ 1234567890, 5924 }, { 2000000000, 279037 }, { 20000000000, 353130 },
};

START_TEST(test_rfc)
{
	ck_assert_uint_eq(mk_totp_code(KEY, 20, RFC[_i].t / 30), RFC[_i].code);
}
END_TEST

START_TEST(test_window)
{
	gint64 now = 1234567890, t = now / 30, step = 0;
	char code[8];

	g_snprintf(code, sizeof code, "%06u", mk_totp_code(KEY, 20, t));
	ck_assert(mk_totp_verify(KEY, 20, now, code, 0, &step) && step == t);
	ck_assert(!mk_totp_verify(KEY, 20, now, code, t, &step));          /* reused */
	g_snprintf(code, sizeof code, "%06u", mk_totp_code(KEY, 20, t - 1));
	ck_assert(mk_totp_verify(KEY, 20, now, code, 0, &step) && step == t - 1);
	g_snprintf(code, sizeof code, "%06u", mk_totp_code(KEY, 20, t + 1));
	ck_assert(mk_totp_verify(KEY, 20, now, code, t, &step) && step == t + 1);
	g_snprintf(code, sizeof code, "%06u", mk_totp_code(KEY, 20, t - 2));
	ck_assert(!mk_totp_verify(KEY, 20, now, code, 0, &step));          /* too old */
	g_snprintf(code, sizeof code, "%06u", mk_totp_code(KEY, 20, t + 2));
	ck_assert(!mk_totp_verify(KEY, 20, now, code, 0, &step));          /* too new */
	ck_assert(!mk_totp_verify(KEY, 20, now, "12345", 0, &step));
	ck_assert(!mk_totp_verify(KEY, 20, now, "1234567", 0, &step));
	ck_assert(!mk_totp_verify(KEY, 20, now, "12a456", 0, &step));
	ck_assert(!mk_totp_verify(KEY, 20, now, NULL, 0, &step));
}
END_TEST

START_TEST(test_base32)
{
	char *s = mk_base32((const guint8 *)"foobar", 6), *a, *b, *r;

	ck_assert_str_eq(s, "MZXW6YTBOI");     /* RFC 4648 without padding */
	g_free(s);
	s = mk_base32(KEY, 20);
	ck_assert_str_eq(s, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	g_free(s);
	r = mk_recovery_new();
	ck_assert_uint_eq(strlen(r), MK_RECOVERY_LEN);
	a = mk_recovery_hash(r);
	r[0] = g_ascii_tolower(r[0]);
	b = mk_recovery_hash(r);
	ck_assert_str_eq(a, b);                  /* case does not matter */
	ck_assert_uint_eq(strlen(a), 64);
	g_free(a);
	g_free(b);
	g_free(r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("totp");
	TCase *tc = tcase_create("totp");

	tcase_add_loop_test(tc, test_rfc, 0, G_N_ELEMENTS(RFC));
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_base32);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
