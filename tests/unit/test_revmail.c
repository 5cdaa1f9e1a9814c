/*
 * NAME
 *   test_revmail - the review notification mail (src/review/revmail.c)
 *
 * DESCRIPTION
 *   Rows: a waiting request and a decision; fields from the item and the
 *   accounts (subject, reason, comment) with line breaks and control
 *   characters must stay on their one line, so they cannot add headers.
 */
#include <string.h>

#include "review.h"
#include "revmail.h"
#include "testutil.h"

START_TEST(test_message)
{
	mk_request r = { .id = 7, .item = "20260401-x", .requester = "sato",
	                 .reason = "need it\r\nBcc: evil@example.com", .status = "pending",
	                 .subject = "請求書\n\x1b[31m", .kind = "release" };
	char *m = mk_revmail_message(mkt_fx.cfg, &r, false, "a@lg.example.jp");
	char *body = strstr(m, "\r\n\r\n");

	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(strstr(m, "To: a@lg.example.jp\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Subject: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(m, "Auto-Submitted: auto-generated"));
	ck_assert_ptr_null(strstr(m, "\r\nBcc:"));                 /* stays one line */
	ck_assert_ptr_nonnull(strstr(body, "Reason: need it  Bcc: evil@example.com\r\n"));
	ck_assert_ptr_null(strchr(body, '\x1b'));
	ck_assert_ptr_nonnull(strstr(body, "Request: 7\r\n"));
	ck_assert_ptr_nonnull(strstr(body, "請求書"));
	g_free(m);
	r.status = "denied";
	r.approver = "suzuki";
	r.comment = "no";
	r.kind = "delete";
	m = mk_revmail_message(mkt_fx.cfg, &r, true, "sato@lg.example.jp");
	ck_assert_ptr_nonnull(strstr(m, "却下されました"));
	ck_assert_ptr_nonnull(strstr(m, "Decided by: suzuki\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Kind: 削除"));
	g_free(m);
}
END_TEST

static void
setup(void)
{
	mkt_fx_setup();
}

static void
teardown(void)
{
	mkt_fx_teardown();
}

int
main(void)
{
	Suite *su = suite_create("revmail");
	TCase *tc = tcase_create("revmail");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_message);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
