/*
 * NAME
 *   test_csv - the "csv" filter: formula-leading cells neutralised
 *
 * DESCRIPTION
 *   Rows: CSV input (bytes, declared charset), the prefix setting, the
 *   exact expected output and the number of prefixed cells.  One row goes
 *   through the registry (Shift_JIS in, UTF-8 with BOM out).
 */
#include <string.h>

#include "f_csv.h"
#include "registry.h"
#include "testutil.h"

typedef struct {
	const char *in;
	bool prefix;
	const char *out;
	guint count;
} csv_row;

static const csv_row ROWS[] = {
	{ "a,b\r\n1,2\r\n", true, "a,b\r\n1,2\r\n", 0 },
	{ "=cmd|' /C calc'!A0,x\n", true, "'=cmd|' /C calc'!A0,x\n", 1 },
	{ "x,+SUM(A1),-2+3,@HYPERLINK(\"http://e/\")\n", true,
	  "x,'+SUM(A1),'-2+3,'@HYPERLINK(\"http://e/\")\n", 3 },
	{ "\"=1+1\",\"a,=b\",\"he said \"\"=x\"\"\"\n", true,
	  "\"'=1+1\",\"a,=b\",\"he said \"\"=x\"\"\"\n", 1 },
	{ "-12.5,+81,-,=\n", true, "-12.5,+81,'-,'=\n", 2 },
	{ "a\t=b\n\tc\n", true, "a\t'=b\n\tc\n", 1 },
	{ "a;=b;c\n=d;e\n", true, "a;'=b;c\n'=d;e\n", 2 },
	{ "a,\"multi\nline\",=z\n", true, "a,\"multi\nline\",'=z\n", 1 },
	{ "=1,\r=2\n", true, "'=1,\r'=2\n", 2 },
	{ "\"\r=x\",y\n", true, "\"'\r=x\",y\n", 1 },
	/* a first line "sep=X" makes X the separator, as in Excel */
	{ "sep=^\r\na^b\r\n1^=cmd|' /C calc'!A0\r\n", true,
	  "sep=^\r\na^b\r\n1^'=cmd|' /C calc'!A0\r\n", 1 },
	{ "sep=#\nx#=1+1#-3#\"@a\"\n", true,
	  "sep=#\nx#'=1+1#-3#\"'@a\"\n", 2 },
	{ "SEP=~\r\n=a~+b\r\n", true, "SEP=~\r\n'=a~'+b\r\n", 2 },
	{ "sep=ab\n=x\n", true, "sep=ab\n'=x\n", 1 },
	/* after any usual separator, whichever one we split on */
	{ "a|=b|-1.5|@c\n", true, "a|'=b|-1.5|'@c\n", 2 },
	{ "1^-2^+3^=4\n", true, "1^-2^+3^'=4\n", 1 },
	{ "a,b\nx;\"=y\"\n", true, "a,b\nx;'\"=y\"\n", 1 },
	{ "a,\"b;=c\",\"d|+e\"\n", true, "a,\"b;'=c\",\"d|'+e\"\n", 2 },
	{ "sep=;\n-1,5;=x;a,-2\n", true, "sep=;\n-1,5;'=x;a,-2\n", 1 },
	{ "a;b\n1;2|3,4\t5^6;x|;,y\n", true, "a;b\n1;2|3,4\t5^6;x|;,y\n", 0 },
	/* after leading blanks and quotes, full-width signs (csvcell.h rule) */
	{ " =1+1,  @x, -3\n", true, "' =1+1,'  @x, -3\n", 2 },
	{ "\"  =1\",\"\"\"=2\"\"\"\n", true, "\"'  =1\",\"'\"\"=2\"\"\"\n", 2 },
	{ "\xef\xbc\x9d" "1,\xe3\x80\x80=2,\xef\xbc\x8b" "3,\xef\xbc\x8d" "4,\xef\xbc\xa0x\n", true,
	  "'\xef\xbc\x9d" "1,'\xe3\x80\x80=2,'\xef\xbc\x8b" "3,'\xef\xbc\x8d" "4,'\xef\xbc\xa0x\n", 5 },
	{ " \"=cmd\"\n", true, "' \"=cmd\"\n", 1 },
	{ "a, \n=b\n", true, "a, \n'=b\n", 1 },
	{ "=cmd,+x\n", false, "=cmd,+x\n", 0 },
	{ "x|=cmd\n", false, "x|=cmd\n", 0 },
	{ "", true, "", 0 },
};

START_TEST(test_defuse_rows)
{
	const csv_row *r = &ROWS[_i];
	guint count = 99;
	char *out = mk_csv_defuse(r->in, r->prefix, &count);

	ck_assert_str_eq(out, r->out);
	ck_assert_uint_eq(count, r->count);
	g_free(out);
}
END_TEST

START_TEST(test_registry)
{
	mk_config *cfg = mkt_worker_config();   /* the filter runs in the worker */
	const mk_filter *f = mk_filter_find("text/csv");
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	/* "名前,=1+1\r\n" in Shift_JIS */
	GBytes *in = g_bytes_new_static("\x96\xbc\x91\x4f,=1+1\r\n", 11);
	mk_error err = { 0 };
	const char *want = "\xEF\xBB\xBF" "名前,'=1+1\r\n";

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "csv");
	mk_node_set_data(n, in);
	mk_set_str(&n->true_type, "text/csv");
	mk_set_str(&n->charset, "Shift_JIS");
	ck_assert_msg(f->run(cfg, n, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(n->out_type, "text/csv");
	ck_assert_str_eq(n->out_name, "data.csv");
	ck_assert_uint_eq(g_bytes_get_size(n->out), strlen(want));
	ck_assert(memcmp(g_bytes_get_data(n->out, NULL), want, strlen(want)) == 0);
	ck_assert(g_bytes_equal(n->data, in));

	/* over limits.max_text_size: no output */
	g_bytes_unref(n->out);
	n->out = NULL;
	cfg->limits.max_text_size = 4;
	ck_assert_int_eq(f->run(cfg, n, &err), MK_ERR_LIMIT);
	ck_assert_ptr_null(n->out);
	g_bytes_unref(in);
	mk_node_free(&n);
	mk_config_unref(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("rows");

	tcase_add_loop_test(tc, test_defuse_rows, 0, G_N_ELEMENTS(ROWS));
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
