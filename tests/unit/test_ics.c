/*
 * NAME
 *   test_ics - the "ics" filter: calendar attachments (ATTACH) dropped
 *
 * DESCRIPTION
 *   Rows: calendar text, the exact expected output and the number of
 *   ATTACH properties dropped.  One row goes through the registry and the
 *   default policy (text/calendar is sanitized, not allowed as text).
 */
#include <string.h>

#include "f_ics.h"
#include "registry.h"
#include "testutil.h"

typedef struct {
	const char *in, *out;
	guint dropped;
} ics_row;

#define HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:会議\r\n"
#define TAIL "END:VEVENT\r\nEND:VCALENDAR\r\n"

static const ics_row ROWS[] = {
	{ HEAD TAIL, HEAD TAIL, 0 },
	/* inline executable, folded over three lines */
	{ HEAD "ATTACH;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=invoice.exe:TVqQAA\r\n"
	  " MAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAA\r\n\tAAAAAAAAAAAAAAAA\r\n" TAIL,
	  HEAD TAIL, 1 },
	/* URI attachment, lower case name, LF line ends (CRLF out) */
	{ "BEGIN:VEVENT\nattach:http://198.51.100.7/x.hta\nEND:VEVENT\n",
	  "BEGIN:VEVENT\r\nEND:VEVENT\r\n", 1 },
	/* not ATTACH: a longer name, a value that mentions it; folding undone */
	{ HEAD "ATTACHMENTS-NOTE:none\r\nDESCRIPTION:see ATTACH:x\r\n  more\r\n" TAIL,
	  HEAD "ATTACHMENTS-NOTE:none\r\nDESCRIPTION:see ATTACH:x more\r\n" TAIL, 0 },
	/* two, in two components, the last without a line end */
	{ "BEGIN:VEVENT\r\nATTACH:cid:a\r\nEND:VEVENT\r\nBEGIN:VTODO\r\nATTACH:cid:b",
	  "BEGIN:VEVENT\r\nEND:VEVENT\r\nBEGIN:VTODO\r\n", 2 },
	/* a fold inside the name, with a space and with a tab */
	{ "BEGIN:VEVENT\r\nATT\r\n ACH;VALUE=BINARY:TVqQ\r\nA\r\n\tTTACH:cid:x\r\nEND:VEVENT\r\n",
	  "BEGIN:VEVENT\r\nEND:VEVENT\r\n", 2 },
	/* bare CR line ends */
	{ "BEGIN:VEVENT\rATTACH:cid:x\rEND:VEVENT\r", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", 1 },
	/* the HTML description and vCalendar alarms go; shown text is defanged */
	{ "BEGIN:VEVENT\r\nX-ALT-DESC;FMTTYPE=text/html:<script>x</script>\r\n"
	  "PALARM:20240101T000000;;1;C:\\Windows\\calc.exe\r\n"
	  "DESCRIPTION:see \\\\evil.example\\s or ms-msdt:/id x\r\n"
	  "URL:file://evil.example/x\r\nEND:VEVENT\r\n",
	  "BEGIN:VEVENT\r\nDESCRIPTION:see [\\\\]evil[.]example\\s or ms-msdt[:]/id x\r\n"
	  "URL:file[:]//evil[.]example/x\r\nEND:VEVENT\r\n", 2 },
};

START_TEST(test_strip_rows)
{
	const ics_row *r = &ROWS[_i];
	guint dropped = 99;
	char *out = mk_ics_strip(r->in, strlen(r->in), &dropped);

	ck_assert_str_eq(out, r->out);
	ck_assert_uint_eq(dropped, r->dropped);
	g_free(out);
}
END_TEST

START_TEST(test_registry_and_policy)
{
	char *dir = mkt_tmpdir();
	mk_config *cfg = mkt_config(dir);
	const mk_filter *f = mk_filter_find("text/calendar");
	const char *ics = ROWS[1].in;
	GBytes *in = g_bytes_new_static(ics, strlen(ics));
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	mk_error err = { 0 };

	ck_assert_int_eq(mk_config_policy_for(cfg, "text/calendar", NULL), MK_ACT_SANITIZE);
	ck_assert_int_eq(mk_config_policy_for(cfg, "text/rtf", NULL), MK_ACT_SANITIZE);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "ics");
	mk_node_set_data(n, in);
	mk_set_str(&n->true_type, "text/calendar");
	ck_assert_msg(f->run(cfg, n, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(n->out_type, "text/calendar");
	ck_assert_str_eq(n->out_name, "invite.ics");
	ck_assert_uint_eq(g_bytes_get_size(n->out), strlen(ROWS[1].out));
	ck_assert_uint_eq(n->notes->len, 1);
	ck_assert(g_bytes_equal(n->data, in));

	/* Shift_JIS as declared: decoded, still stripped */
	g_bytes_unref(n->out);
	n->out = NULL;
	g_bytes_unref(in);
	in = g_bytes_new_static("SUMMARY:\x89\xef\x8b\x63\r\nATTACH:cid:x\r\n", 27);
	mk_node_set_data(n, in);
	mk_set_str(&n->charset, "Shift_JIS");
	ck_assert_msg(f->run(cfg, n, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(g_bytes_get_data(n->out, NULL), "SUMMARY:会議\r\n");

	/* over limits.max_text_size: no output, the part is held */
	g_bytes_unref(n->out);
	n->out = NULL;
	cfg->limits.max_text_size = 4;
	ck_assert_int_eq(f->run(cfg, n, &err), MK_ERR_LIMIT);
	ck_assert_ptr_null(n->out);
	g_bytes_unref(in);
	mk_node_free(&n);
	mk_config_unref(&cfg);
	mkt_rm_rf(dir);
	g_free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ics");
	TCase *tc = tcase_create("rows");

	tcase_add_loop_test(tc, test_strip_rows, 0, G_N_ELEMENTS(ROWS));
	tcase_add_test(tc, test_registry_and_policy);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
