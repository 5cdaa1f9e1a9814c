/*
 * NAME
 *   test_json - unit tests for the JSON writer (src/engine/json.c)
 *
 * DESCRIPTION
 *   Escaping is table driven (input bytes -> exact literal).  Every
 *   document written is also checked by jq(1): it must parse, and jq must
 *   read back the decoded strings we expect (hostile bytes -> U+FFFD).
 */
#include <string.h>

#include "json.h"
#include "testutil.h"

/* Run jq with FILTER over TEXT; returns jq's stdout (caller frees) or NULL
 * if jq rejected the input. */
static char *
jq(const char *text, const char *filter)
{
	char *dir = mkt_tmpdir();
	char *path = g_build_filename(dir, "doc.json", NULL);
	char *argv[] = { "jq", "-e", "-j", (char *)filter, path, NULL };
	char *out = NULL;
	int status = -1;

	ck_assert(g_file_set_contents(path, text, -1, NULL));
	ck_assert_msg(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
	              G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
	              &status, NULL), "cannot run jq");
	if (!g_spawn_check_wait_status(status, NULL))
		g_clear_pointer(&out, g_free);
	mkt_rm_rf(dir);
	g_free(path);
	g_free(dir);
	return out;
}

static const struct {
	const char *in;
	const char *literal;   /* mk_json_escape output */
	const char *decoded;   /* what jq reads back */
} esc_rows[] = {
	{ "plain", "\"plain\"", "plain" },
	{ "", "\"\"", "" },
	{ "a\"b", "\"a\\\"b\"", "a\"b" },
	{ "back\\slash", "\"back\\\\slash\"", "back\\slash" },
	{ "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"", "\n\r\t\b\f" },
	{ "\x01\x1f", "\"\\u0001\\u001f\"", "\x01\x1f" },
	{ "del\x7f", "\"del\\u007f\"", "del\x7f" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"", "caf\xc3\xa9" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"",
	  "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", "\xf0\x9f\x98\x80" },
	{ "a\xffz", "\"a\xef\xbf\xbdz\"", "a\xef\xbf\xbdz" },
	/* overlong '/' */
	{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"",
	  "\xef\xbf\xbd\xef\xbf\xbd" },
	/* UTF-16 surrogate encoded in UTF-8 */
	{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	/* truncated 3-byte sequence at the end */
	{ "x\xe3\x81", "\"x\xef\xbf\xbd\xef\xbf\xbd\"",
	  "x\xef\xbf\xbd\xef\xbf\xbd" },
	/* beyond U+10FFFF */
	{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "ls\xe2\x80\xa8ps\xe2\x80\xa9", "\"ls\\u2028ps\\u2029\"",
	  "ls\xe2\x80\xa8ps\xe2\x80\xa9" },
	{ "</script>", "\"</script>\"", "</script>" },
};

START_TEST(test_escape_rows)
{
	GString *s = g_string_new(NULL);
	mk_json *j = mk_json_new(false);
	char *doc, *back;

	mk_json_escape(s, esc_rows[_i].in);
	ck_assert_str_eq(s->str, esc_rows[_i].literal);
	/* same string as a value and as a key, read back by jq */
	mk_json_begin_object(j, NULL);
	mk_json_string(j, "v", esc_rows[_i].in);
	mk_json_string(j, esc_rows[_i].in, "k");
	mk_json_end_object(j);
	doc = mk_json_finish(&j);
	ck_assert_ptr_null(j);
	back = jq(doc, ".v");
	ck_assert_msg(back != NULL, "jq rejected %s", doc);
	ck_assert_str_eq(back, esc_rows[_i].decoded);
	g_free(back);
	back = jq(doc, "keys_unsorted[1]");
	ck_assert_msg(back != NULL, "jq rejected %s", doc);
	ck_assert_str_eq(back, esc_rows[_i].decoded);
	g_free(back);
	g_free(doc);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_escape_null)
{
	GString *s = g_string_new(NULL);

	mk_json_escape(s, NULL);
	ck_assert_str_eq(s->str, "null");
	g_string_free(s, TRUE);
}
END_TEST

/* A document using every call, nested, with empty containers. */
static char *
sample(bool pretty)
{
	mk_json *j = mk_json_new(pretty);

	mk_json_begin_object(j, NULL);
	mk_json_string(j, "id", "x\"1");
	mk_json_int(j, "n", -42);
	mk_json_int(j, "big", G_MAXINT64);
	mk_json_bool(j, "t", true);
	mk_json_bool(j, "f", false);
	mk_json_null(j, "z");
	mk_json_string(j, "s", NULL);
	mk_json_begin_array(j, "a");
	mk_json_int(j, NULL, 1);
	mk_json_begin_object(j, NULL);
	mk_json_begin_array(j, "e");
	mk_json_end_array(j);
	mk_json_end_object(j);
	mk_json_begin_object(j, "ignored-key-in-array");
	mk_json_end_object(j);
	mk_json_end_array(j);
	mk_json_end_object(j);
	return mk_json_finish(&j);
}

static const struct {
	bool pretty;
	const char *expect;
} doc_rows[] = {
	{ false, "{\"id\":\"x\\\"1\",\"n\":-42,\"big\":9223372036854775807,"
	         "\"t\":true,\"f\":false,\"z\":null,\"s\":null,"
	         "\"a\":[1,{\"e\":[]},{}]}" },
	{ true, "{\n"
	        "  \"id\": \"x\\\"1\",\n"
	        "  \"n\": -42,\n"
	        "  \"big\": 9223372036854775807,\n"
	        "  \"t\": true,\n"
	        "  \"f\": false,\n"
	        "  \"z\": null,\n"
	        "  \"s\": null,\n"
	        "  \"a\": [\n"
	        "    1,\n"
	        "    {\n"
	        "      \"e\": []\n"
	        "    },\n"
	        "    {}\n"
	        "  ]\n"
	        "}" },
};

START_TEST(test_document_rows)
{
	char *doc = sample(doc_rows[_i].pretty);
	char *back = jq(doc, ".a[1].e | length");

	ck_assert_str_eq(doc, doc_rows[_i].expect);
	ck_assert_msg(back != NULL, "jq rejected %s", doc);
	ck_assert_str_eq(back, "0");
	g_free(back);
	/* jq reads numbers as doubles: check the magnitude only */
	back = jq(doc, "[.n, .big > 9.2e18, .z, .s, .t, .f] | tostring");
	ck_assert_str_eq(back, "[-42,true,null,null,true,false]");
	g_free(back);
	g_free(doc);
}
END_TEST

/* Nesting beyond the writer's stack is dropped, never invalid JSON; so are
 * containers left open at finish and surplus end calls. */
static const struct {
	int open;        /* arrays opened */
	int close;       /* arrays closed before finish */
	const char *depth; /* jq: depth of the result */
} nest_rows[] = {
	{ 1, 1, "1" },
	{ 64, 64, "64" },
	{ 100, 100, "64" },
	{ 10, 3, "10" },
	{ 100, 0, "64" },
	{ 2, 5, "2" },
};

START_TEST(test_nesting_rows)
{
	mk_json *j = mk_json_new(_i % 2 == 0);
	char *doc, *back;

	for (int i = 0; i < nest_rows[_i].open; i++) {
		mk_json_begin_array(j, NULL);
		mk_json_int(j, NULL, i);
	}
	for (int i = 0; i < nest_rows[_i].close; i++)
		mk_json_end_array(j);
	mk_json_string(j, NULL, "after");
	doc = mk_json_finish(&j);
	back = jq(doc, "[paths | length] | max");
	ck_assert_msg(back != NULL, "jq rejected %s", doc);
	ck_assert_str_eq(back, nest_rows[_i].depth);
	g_free(back);
	g_free(doc);
}
END_TEST

START_TEST(test_empty_and_scalar_top)
{
	mk_json *j = mk_json_new(true);
	char *doc = mk_json_finish(&j);

	ck_assert_str_eq(doc, "null");
	g_free(doc);
	j = mk_json_new(false);
	mk_json_string(j, "k", "v");
	mk_json_string(j, NULL, "second top-level value is dropped");
	doc = mk_json_finish(&j);
	ck_assert_str_eq(doc, "\"v\"");
	g_free(doc);
	ck_assert_ptr_null(mk_json_finish(&j));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_loop_test(tc, test_escape_rows, 0, G_N_ELEMENTS(esc_rows));
	tcase_add_test(tc, test_escape_null);
	tcase_add_loop_test(tc, test_document_rows, 0, G_N_ELEMENTS(doc_rows));
	tcase_add_loop_test(tc, test_nesting_rows, 0, G_N_ELEMENTS(nest_rows));
	tcase_add_test(tc, test_empty_and_scalar_top);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
