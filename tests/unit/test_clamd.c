/*
 * NAME
 *   test_clamd - the clamd reply, VERSION and address parsers
 *
 * DESCRIPTION
 *   Rows of clamd answers (filters/f_clamd_proto.c): clean, FOUND with a
 *   name, the size-limit reply, ERROR and garbage (never clean); VERSION
 *   with and without a database; pool member addresses.  The pool itself
 *   runs against real clamd in tests/scripts/t-clamd.sh.
 */
#include <string.h>

#include "f_clamd.h"
#include "testutil.h"

static const struct {
	const char *reply;
	mk_clamd_reply expect;
	const char *name;
} reply_rows[] = {
	{ "stream: OK", MK_CLAMD_CLEAN, NULL },
	{ "stream: OK\n", MK_CLAMD_CLEAN, NULL },
	{ "stream: Eicar-Test-Signature FOUND", MK_CLAMD_FOUND, "Eicar-Test-Signature" },
	{ "stream: Win.Test.EICAR_HDB-1 FOUND\n", MK_CLAMD_FOUND, "Win.Test.EICAR_HDB-1" },
	{ "INSTREAM size limit exceeded. ERROR", MK_CLAMD_LIMIT, NULL },
	{ "stream: Can't allocate memory ERROR", MK_CLAMD_ERROR, NULL },
	{ "stream: FOUND", MK_CLAMD_ERROR, NULL },
	{ "stream:  FOUND", MK_CLAMD_ERROR, NULL },
	{ "OK", MK_CLAMD_ERROR, NULL },
	{ "", MK_CLAMD_ERROR, NULL },
	{ "UNKNOWN COMMAND", MK_CLAMD_ERROR, NULL },
	{ "stream: OKAY", MK_CLAMD_ERROR, NULL },
};

START_TEST(t_reply)
{
	char *name = NULL;
	mk_error err = { 0 };
	mk_clamd_reply r = mk_clamd_parse_reply(reply_rows[_i].reply, &name, &err);

	ck_assert_int_eq(r, reply_rows[_i].expect);
	if (reply_rows[_i].name != NULL)
		ck_assert_str_eq(name, reply_rows[_i].name);
	else
		ck_assert_ptr_null(name);
	if (r == MK_CLAMD_ERROR)
		ck_assert_int_eq(err.code, MK_ERR_TEMP);
	g_free(name);
}
END_TEST

static const struct {
	const char *reply;
	int rc;
	gint64 dbver;
	bool dated;
} version_rows[] = {
	{ "ClamAV 1.4.6/27000/Wed Jan  1 00:00:00 2020", 0, 27000, true },
	{ "ClamAV 1.4.6/7/Mon Dec  7 19:12:54 2026\n", 0, 7, true },
	{ "ClamAV 1.4.6", 0, 0, false },
	{ "ClamAV 1.4.6/x/Wed Jan  1 00:00:00 2020", MK_ERR_TEMP, 0, false },
	{ "ClamAV 1.4.6/7/yesterday", MK_ERR_TEMP, 0, false },
	{ "ClamAV 1.4.6/7", MK_ERR_TEMP, 0, false },
	{ "PONG", MK_ERR_TEMP, 0, false },
	{ "", MK_ERR_TEMP, 0, false },
};

START_TEST(t_version)
{
	gint64 ver = -1, t = -1;
	mk_error err = { 0 };
	int rc = mk_clamd_parse_version(version_rows[_i].reply, &ver, &t, &err);

	ck_assert_int_eq(rc, version_rows[_i].rc);
	ck_assert_int_eq(ver, version_rows[_i].dbver);
	ck_assert_int_eq(t > 0, version_rows[_i].dated);
}
END_TEST

START_TEST(t_version_date)
{
	gint64 ver, t;
	mk_error err = { 0 };
	const char *tz = g_getenv("TZ");
	char *old = g_strdup(tz);

	g_setenv("TZ", "UTC", TRUE);
	tzset();
	ck_assert_int_eq(mk_clamd_parse_version(
	    "ClamAV 1.4.6/7/Wed Jan  1 00:00:00 2020", &ver, &t, &err), 0);
	ck_assert_int_eq(t, 1577836800);
	if (old != NULL)
		g_setenv("TZ", old, TRUE);
	else
		g_unsetenv("TZ");
	tzset();
	g_free(old);
}
END_TEST

static const struct {
	const char *spec;
	int rc;
	const char *host, *port;
} sock_rows[] = {
	{ "unix:/run/clamav/clamd.ctl", 0, "/run/clamav/clamd.ctl", NULL },
	{ "tcp:127.0.0.1:3310", 0, "127.0.0.1", "3310" },
	{ "tcp:[::1]:3310", 0, "::1", "3310" },
	{ "tcp:av.example.jp:3310", 0, "av.example.jp", "3310" },
	{ "tcp:host", MK_ERR_CONFIG, NULL, NULL },
	{ "tcp::3310", MK_ERR_CONFIG, NULL, NULL },
	{ "tcp:host:0", MK_ERR_CONFIG, NULL, NULL },
	{ "tcp:host:70000", MK_ERR_CONFIG, NULL, NULL },
	{ "unix:relative", MK_ERR_CONFIG, NULL, NULL },
	{ "unix:/", MK_ERR_CONFIG, NULL, NULL },
	{ "/run/clamd.ctl", MK_ERR_CONFIG, NULL, NULL },
};

START_TEST(t_socket)
{
	char *host = NULL, *port = NULL;
	mk_error err = { 0 };
	int rc = mk_clamd_parse_socket(sock_rows[_i].spec, &host, &port, &err);

	ck_assert_int_eq(rc, sock_rows[_i].rc);
	if (sock_rows[_i].host != NULL)
		ck_assert_str_eq(host, sock_rows[_i].host);
	else
		ck_assert_ptr_null(host);
	if (sock_rows[_i].port != NULL)
		ck_assert_str_eq(port, sock_rows[_i].port);
	else
		ck_assert_ptr_null(port);
	g_free(host);
	g_free(port);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("clamd");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, t_reply, 0, G_N_ELEMENTS(reply_rows));
	tcase_add_loop_test(tc, t_version, 0, G_N_ELEMENTS(version_rows));
	tcase_add_test(tc, t_version_date);
	tcase_add_loop_test(tc, t_socket, 0, G_N_ELEMENTS(sock_rows));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
