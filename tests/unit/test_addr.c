/*
 * NAME
 *   test_addr - mk_addr_parse(), mk_addr_name_has_address(),
 *   mk_addr_format(), mk_addr_check()
 *
 * DESCRIPTION
 *   Parse rows: a raw header value, the mailboxes it must give
 *   ("name|addr" joined by ";"), whether it is ambiguous and whether a
 *   group was seen.  Name rows: a display name and whether it holds an
 *   address.  Format rows: a mailbox and its rebuilt header text.  Check
 *   rows: a whole message and the root findings mk_mime_parse() adds.
 */
#include <string.h>

#include "addr.h"
#include "ctx.h"
#include "mime.h"
#include "testutil.h"

typedef struct {
	const char *raw;
	const char *boxes;
	bool ambiguous;
	bool group;
} parse_row;

static const parse_row PARSE_ROWS[] = {
	{ "taro@example.com", "|taro@example.com", false, false },
	{ " Taro Yamada <taro@example.com>\n", "Taro Yamada|taro@example.com", false, false },
	{ "\"Yamada, Taro\" <taro@example.com>", "Yamada, Taro|taro@example.com", false, false },
	{ "=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example.com>",
	  "山田 太郎|taro@example.com", false, false },
	{ "=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <y@example.jp>", "山田|y@example.jp", false, false },
	/* several mailboxes, folded */
	{ "a@x.example,\n\tB <b@y.example>", "|a@x.example;B|b@y.example", false, false },
	/* empty: nothing, not the next header */
	{ "", "", false, false },
	{ " \n", "", false, false },
	/* a group is flattened (and reported for From) */
	{ "Reply-To: a@b.example;", "|a@b.example", false, true },
	{ "undisclosed-recipients:;", "", false, true },
	/* an encoded word is never an address */
	{ "=?utf-8?B?ZXZpbEBldmlsLmV4YW1wbGU=?=", "", true, false },
	{ "=?utf-8?B?ZXZpbEBldmlsLmV4YW1wbGU=?=@x.example", "", true, false },
	{ "Bank <=?utf-8?Q?a?=@x.example>", "", true, false },
	/* an address in the display name stays a name */
	{ "\"bank@bank.example\" <evil@x.example>", "bank@bank.example|evil@x.example", false, false },
	{ "=?UTF-8?B?YmFua0BiYW5rLmV4YW1wbGU=?= <evil@x.example>",
	  "bank@bank.example|evil@x.example", false, false },
	/* comments are dropped, also one holding an address */
	{ "evil@x.example (bank@bank.example)", "|evil@x.example", false, false },
	/* broken ones: only what parses strictly */
	{ "\"unterminated <a@x.example>", "", true, false },
	{ "Name <a@x.example", "", true, false },
	{ "<@route.example:a@x.example>", "", true, false },
	{ "a@x.example b@y.example", "|a@x.example", true, false },
	{ "just text", "", true, false },
	{ "a@x.example, junk, b@y.example", "|a@x.example;|b@y.example", true, false },
	/* controls and bidi marks leave the name */
	{ "=?UTF-8?B?QWxpY2UKQmNjOiB4QHkuZXhhbXBsZQ==?= <a@x.example>",
	  "Alice Bcc: x@y.example|a@x.example", false, false },
	{ "=?UTF-8?B?4oCuZXZpbA==?= <a@x.example>", "evil|a@x.example", false, false },
	{ "\"a\\\"b\" <a@x.example>", "a\"b|a@x.example", false, false },
	{ "a@[192.0.2.1]", "|a@[192.0.2.1]", false, false },
	{ "\"quoted local\"@x.example", "|\"quoted local\"@x.example", false, false },
};

START_TEST(test_parse_rows)
{
	const parse_row *r = &PARSE_ROWS[_i];
	mk_addr_list *l = mk_addr_parse(r->raw);
	GString *g = g_string_new(NULL);

	for (guint i = 0; i < l->boxes->len; i++) {
		mk_mailbox *m = g_ptr_array_index(l->boxes, i);
		g_string_append_printf(g, "%s%s|%s", i ? ";" : "", m->name, m->addr);
	}
	ck_assert_msg(strcmp(g->str, r->boxes) == 0, "row %d (%s): got \"%s\" want \"%s\"",
	              _i, r->raw, g->str, r->boxes);
	ck_assert_msg(l->ambiguous == r->ambiguous, "row %d (%s): ambiguous %d (%s)",
	              _i, r->raw, l->ambiguous, l->why ? l->why : "-");
	ck_assert_msg(l->group == r->group, "row %d: group %d", _i, l->group);
	g_string_free(g, TRUE);
	mk_addr_list_free(&l);
	ck_assert_ptr_null(l);
}
END_TEST

typedef struct {
	const char *name;
	bool has;
} name_row;

static const name_row NAME_ROWS[] = {
	{ "bank@bank.example", true },
	{ "Bank <support@bank.co.jp>", true },
	{ "ｓｕｐｐｏｒｔ＠ｂａｎｋ．ｃｏ．ｊｐ", true },
	{ "山田 taro@example.com 様", true },
	{ "Taro Yamada", false },
	{ "山田 太郎", false },
	{ "@home", false },
	{ "a@b", false },
	{ "", false },
	{ "price 10@3.5", false },
};

START_TEST(test_name_rows)
{
	const name_row *r = &NAME_ROWS[_i];

	ck_assert_msg(mk_addr_name_has_address(r->name) == r->has, "row %d (%s)", _i,
	              r->name);
}
END_TEST

typedef struct {
	const char *name, *addr, *out;
} format_row;

static const format_row FORMAT_ROWS[] = {
	{ "", "a@x.example", "a@x.example" },
	{ "Taro Yamada", "a@x.example", "Taro Yamada <a@x.example>" },
	{ "Yamada, Taro", "a@x.example", "\"Yamada, Taro\" <a@x.example>" },
	{ "a\"b\\c", "a@x.example", "\"a\\\"b\\\\c\" <a@x.example>" },
	{ "bank@bank.example", "evil@x.example", "\"bank@bank.example\" <evil@x.example>" },
	{ "山田 太郎", "a@x.example", "=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <a@x.example>" },
	{ "=?x?", "a@x.example", "=?UTF-8?B?PT94Pw==?= <a@x.example>" },
	{ "Taro  Yamada", "a@x.example", "\"Taro  Yamada\" <a@x.example>" },
};

START_TEST(test_format_rows)
{
	const format_row *r = &FORMAT_ROWS[_i];
	mk_mailbox m = { (char *)r->name, (char *)r->addr };
	char *got = mk_addr_format(&m);
	mk_addr_list *back = NULL;

	ck_assert_str_eq(got, r->out);
	/* what we write parses back to the same mailbox */
	back = mk_addr_parse(got);
	ck_assert_uint_eq(back->boxes->len, 1);
	ck_assert_str_eq(((mk_mailbox *)g_ptr_array_index(back->boxes, 0))->name, r->name);
	ck_assert_str_eq(((mk_mailbox *)g_ptr_array_index(back->boxes, 0))->addr, r->addr);
	ck_assert(!back->ambiguous);
	mk_addr_list_free(&back);
	g_free(got);
}
END_TEST

typedef struct {
	const char *headers;
	const char *findings;   /* root findings of these two codes, in order */
} check_row;

static const check_row CHECK_ROWS[] = {
	{ "From: Taro <taro@example.com>\nTo: a@x.example\n", "" },
	{ "From: \"bank@bank.example\" <evil@x.example>\n", "sender_name" },
	{ "From: a@x.example, b@y.example\n", "sender_ambiguous" },
	{ "From:\nReply-To: a@b.example\n", "sender_ambiguous" },
	{ "To: a@x.example\n", "sender_ambiguous" },
	{ "From: Reply-To: a@b.example;\n", "sender_ambiguous" },
	{ "From: =?utf-8?B?ZXZpbEBldmlsLmV4YW1wbGU=?=\n", "sender_ambiguous,sender_ambiguous" },
	{ "From: a@x.example\nCc: \"c@bank.example\" <c@evil.example>\n", "sender_name" },
	{ "From: a@x.example\nTo: <broken\n", "sender_ambiguous" },
};

START_TEST(test_check_rows)
{
	const check_row *r = &CHECK_ROWS[_i];
	mk_config *cfg = mk_config_defaults();
	char *raw = g_strdup_printf("%sSubject: s\nMIME-Version: 1.0\n\nbody\n", r->headers);
	GBytes *b = g_bytes_new_take(raw, strlen(raw));
	GString *got = g_string_new(NULL);
	mk_error err = { 0 };
	mk_ctx ctx;
	mk_node *root;

	mk_ctx_init(&ctx, cfg, NULL);
	root = mk_mime_parse(&ctx, b, &err);
	ck_assert_ptr_nonnull(root);
	for (guint i = 0; i < root->findings->len; i++) {
		mk_finding *f = g_ptr_array_index(root->findings, i);
		if (f->code == MK_F_SENDER_NAME || f->code == MK_F_SENDER_AMBIGUOUS)
			g_string_append_printf(got, "%s%s", got->len ? "," : "",
			                       mk_finding_name(f->code));
	}
	ck_assert_msg(strcmp(got->str, r->findings) == 0, "row %d: got \"%s\" want \"%s\"",
	              _i, got->str, r->findings);
	g_string_free(got, TRUE);
	mk_node_free(&root);
	g_bytes_unref(b);
	mk_config_unref(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_rows, 0, G_N_ELEMENTS(PARSE_ROWS));
	tcase_add_loop_test(tc, test_name_rows, 0, G_N_ELEMENTS(NAME_ROWS));
	tcase_add_loop_test(tc, test_format_rows, 0, G_N_ELEMENTS(FORMAT_ROWS));
	tcase_add_loop_test(tc, test_check_rows, 0, G_N_ELEMENTS(CHECK_ROWS));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
