/*
 * NAME
 *   test_csvcell - formula injection in the audit CSV export (mk_audit_csv)
 *
 * DESCRIPTION
 *   Rows: a detail text and the detail cell mk_audit_csv() must write.
 *   Before issue 18 only a sign in the very first byte was neutralised.
 */
#include <string.h>

#include "audit.h"
#include "csvcell.h"
#include "testutil.h"

typedef struct {
	const char *in, *cell;
} csv_row;

static const csv_row ROWS[] = {
	{ "=1+1", "\"'=1+1\"" },
	{ " =1+1", "\"' =1+1\"" },
	{ "\t=cmd|' /C calc'!A0", "\"'\t=cmd|' /C calc'!A0\"" },
	{ "\r\n@SUM(A1)", "\"'  @SUM(A1)\"" },
	{ "  \t+1", "\"'  \t+1\"" },
	{ "-2+3", "\"'-2+3\"" },
	{ "\xef\xbc\x9d" "1+1", "\"'\xef\xbc\x9d" "1+1\"" },            /* ＝ */
	{ "\xe3\x80\x80\xef\xbc\xa0SUM(A1)", "\"'\xe3\x80\x80\xef\xbc\xa0SUM(A1)\"" },  /* 　＠ */
	{ "\xef\xbc\x8b" "1", "\"'\xef\xbc\x8b" "1\"" },
	{ "\xef\xbc\x8d" "1", "\"'\xef\xbc\x8d" "1\"" },
	{ "a=1", "\"a=1\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "line\nbreak", "\"line break\"" },
	{ "", "\"\"" },
};

START_TEST(test_rows)
{
	mk_audit_row row = { .id = 1, .ts = 1, .who = "root", .ip = "127.0.0.1",
	                     .what = "login", .item = "", .result = "ok",
	                     .detail = (char *)ROWS[_i].in };
	GPtrArray *a = g_ptr_array_new();
	char *csv, *last, *want;

	g_ptr_array_add(a, &row);
	csv = mk_audit_csv(a);
	want = g_strconcat(",", ROWS[_i].cell, "\r\n", NULL);
	last = strstr(csv, ",\"ok\"");
	ck_assert_msg(last != NULL && strcmp(last + strlen(",\"ok\""), want) == 0,
	              "row %d: %s", _i, csv);
	g_free(want);
	g_free(csv);
	g_ptr_array_unref(a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csvcell");
	TCase *tc = tcase_create("csvcell");

	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(ROWS));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
