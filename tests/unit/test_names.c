/*
 * NAME
 *   test_names - mk_names_check(), mk_names_safe(), mk_names_extension()
 *
 * DESCRIPTION
 *   Rows: declared name, declared type, true type and the exact comma list
 *   of findings mk_names_check() must add (in order of codes as added).
 */
#include <string.h>

#include "names.h"
#include "testutil.h"

typedef struct {
	const char *name;
	const char *declared;
	const char *truth;
	const char *expect;    /* findings, comma separated, "" for none */
} check_row;

static const check_row CHECK_ROWS[] = {
	{ "report.pdf", "application/pdf", "application/pdf", "" },
	{ "invoice.pdf.exe", NULL, "application/x-dosexec",
	  "double_extension,executable" },
	{ "invoice.pdf      .exe", NULL, "application/x-dosexec",
	  "double_extension,executable" },
	{ "invoice.doc.scr.", NULL, "application/x-dosexec",
	  "double_extension,executable" },
	{ "photo\u202Egpj.exe", NULL, "application/x-dosexec",
	  "bidi_name,executable" },
	{ "a\x01" "b.txt", NULL, "text/plain", "control_name" },
	{ "tab\tname.txt", NULL, "text/plain", "control_name" },
	{ "c1\xc2\x85name.txt", NULL, "text/plain", "control_name" },
	{ "bad\xff.txt", NULL, "text/plain", "control_name" },
	{ "report.txt", "text/plain", "application/x-dosexec",
	  "executable,type_mismatch" },
	{ "notes.txt", "text/plain", "text/x-c", "" },
	{ "data.csv", "application/vnd.ms-excel", "text/plain", "" },
	{ "letter.docx", NULL, "application/zip", "" },
	{ "archive.zip", "application/x-zip-compressed", "application/zip", "" },
	{ "picture.jpg", "image/jpeg", "image/png", "" },
	{ "picture.jpg", "image/jpeg", "application/pdf", "type_mismatch" },
	{ "run.sh", NULL, "text/x-shellscript", "executable" },
	{ "script.js", "application/javascript", "text/plain", "executable" },
	{ "setup.msi", NULL, "application/x-msi", "executable" },
	{ "Document.lnk", NULL, "application/x-ms-shortcut", "executable" },
	{ "image.iso", NULL, "application/x-iso9660-image", "executable" },
	{ "mystery.bin", NULL, "application/octet-stream", "" },
	{ "unknown.pdf", NULL, "application/octet-stream", "" },
	{ NULL, "application/pdf", "application/x-dosexec",
	  "executable,type_mismatch" },
	{ NULL, "text/plain", "text/html", "" },
	{ NULL, "image/png", "image/png", "" },
	{ "mail.eml", "message/rfc822", "text/plain", "" },
	{ "my.vacation.photo.jpg", NULL, "image/jpeg", "" },
	{ "archive.tar.gz", NULL, "application/gzip", "" },
	{ "readme", NULL, "text/plain", "" },
};

static char *
finding_list(const mk_node *n)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < n->findings->len; i++) {
		mk_finding *f = n->findings->pdata[i];

		g_string_append_printf(s, "%s%s", i ? "," : "",
		                       mk_finding_name(f->code));
	}
	return g_string_free(s, FALSE);
}

START_TEST(test_check_rows)
{
	const check_row *r = &CHECK_ROWS[_i];
	mk_config *cfg = mk_config_defaults();
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	mk_ctx ctx;
	char *got;

	mk_ctx_init(&ctx, cfg, NULL);
	mk_set_str(&n->declared_name, r->name);
	mk_set_str(&n->declared_type, r->declared);
	mk_set_str(&n->true_type, r->truth);
	mk_names_check(&ctx, n);
	got = finding_list(n);
	ck_assert_msg(strcmp(got, r->expect) == 0, "row %d (%s): got \"%s\" want \"%s\"",
	              _i, r->name ? r->name : "-", got, r->expect);
	g_free(got);
	/* idempotent: a second run adds nothing */
	mk_names_check(&ctx, n);
	got = finding_list(n);
	ck_assert_str_eq(got, r->expect);
	g_free(got);
	mk_node_free(&n);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_long_name)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	mk_ctx ctx;
	char *name;

	cfg->limits.max_name_length = 20;
	mk_ctx_init(&ctx, cfg, NULL);
	name = g_strnfill(21, 'a');
	mk_set_str(&n->declared_name, name);
	mk_set_str(&n->true_type, "text/plain");
	mk_names_check(&ctx, n);
	ck_assert(mk_node_has_finding(n, MK_F_LONG_NAME));
	mk_node_free(&n);
	n = mk_node_new(MK_NODE_PART, NULL);
	name[20] = '\0';
	mk_set_str(&n->declared_name, name);
	mk_names_check(&ctx, n);
	ck_assert(!mk_node_has_finding(n, MK_F_LONG_NAME));
	mk_node_free(&n);
	g_free(name);
	mk_config_unref(&cfg);
}
END_TEST

typedef struct {
	const char *in;
	gsize max;
	const char *out;
} safe_row;

static const safe_row SAFE_ROWS[] = {
	{ "report.pdf", 255, "report.pdf" },
	{ "../../etc/passwd", 255, "_.._etc_passwd" },
	{ "..\\..\\win.ini", 255, "_.._win.ini" },
	{ ".hidden", 255, "hidden" },
	{ "photo\u202Egpj.exe", 255, "photogpj.exe" },
	{ "a\x01\x7f" "b\tc.txt", 255, "abc.txt" },
	{ "", 255, "attachment" },
	{ "...", 255, "attachment" },
	{ NULL, 255, "attachment" },
	{ "\u202E", 255, "attachment" },
	{ "C:evil.txt", 255, "C_evil.txt" },
	/* a cut is taken from the stem: the extension the name was judged by stays */
	{ "請求書.pdf", 7, "請.pdf" },
	{ "請求書.pdf", 10, "請求.pdf" },
	{ "請求書.pdf", 13, "請求書.pdf" },
	{ "aaaaaaaaaa.js.bbbbbbbbbb.txt", 16, "aaaaaaaaaa.j.txt" },
	{ "aaaaaaaaaa.js.bbbbbbbbbb.txt", 14, "aaaaaaaaaa.txt" },
	{ "abcdefgh", 5, "abcde" },                    /* no extension */
	{ "a.verylongextension", 8, "a_verylo" },      /* not kept: over 16, and no new one */
	{ "AAAAAAAA.js.BBBBBBBBBBBBBBBBBBBB", 11, "AAAAAAAA_js" },
	{ "AAAAAAAA.js.BBBBBBBBBBBBBBBBBBBB.", 12, "AAAAAAAA_js_" },
	{ "bad\xff" "name", 255, "bad\xef\xbf\xbdname" },
};

START_TEST(test_safe_rows)
{
	const safe_row *r = &SAFE_ROWS[_i];
	char *got = mk_names_safe(r->in, r->max);

	ck_assert_msg(strcmp(got, r->out) == 0, "row %d: got \"%s\" want \"%s\"",
	              _i, got, r->out);
	ck_assert(g_utf8_validate(got, -1, NULL));
	g_free(got);
}
END_TEST

typedef struct {
	const char *name;
	const char *ext;
} ext_row;

static const ext_row EXT_ROWS[] = {
	{ "a.PDF", "pdf" }, { "a.tar.gz", "gz" }, { "noext", "" },
	{ "a.exe. . ", "exe" }, { "dir.d/file", "" }, { NULL, "" },
	{ "x.pdf .Exe", "exe" }, { ".bashrc", "bashrc" },
};

START_TEST(test_extension_rows)
{
	char *got = mk_names_extension(EXT_ROWS[_i].name);

	ck_assert_str_eq(got, EXT_ROWS[_i].ext);
	g_free(got);
}
END_TEST

static const struct {
	const char *name, *declared, *as;   /* as: NULL = not markup */
} RENDER_ROWS[] = {
	{ "page.html", NULL, "text/html" },
	{ "PAGE.HTM", "text/plain", "text/html" },
	{ "page.html. . ", NULL, "text/html" },       /* Windows drops these */
	{ "a.xhtml", NULL, "text/html" },
	{ "chart.svg", "application/octet-stream", "image/svg+xml" },
	{ "feed.xml", NULL, "text/xml" },
	{ "saved.mht", NULL, "multipart/related" },
	{ "notes.txt", "text/html", "text/html" },    /* declared type decides */
	{ "figures.csv", "text/plain", "text/csv" },
	{ "figures.TSV", NULL, "text/csv" },
	{ NULL, "image/svg+xml", "image/svg+xml" },
	{ "notes.txt", "text/plain", NULL },
	{ "x.ht\u200Bml", NULL, "text/html" },        /* delivered as x.html */
	{ "x.s\u200Dvg", "text/plain", "image/svg+xml" },
	{ "invite.ics", "text/plain", "text/calendar" },
	{ NULL, "text/calendar", "text/calendar" },
	{ "html", NULL, NULL },                       /* no extension */
	{ "page.html.txt", NULL, NULL },
	{ NULL, "message/rfc822", NULL },
};

START_TEST(test_rendered_as)
{
	const char *got = mk_names_rendered_as(RENDER_ROWS[_i].name,
	                                       RENDER_ROWS[_i].declared);

	if (RENDER_ROWS[_i].as == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, RENDER_ROWS[_i].as);
}
END_TEST

START_TEST(test_exec_types)
{
	ck_assert(mk_names_type_is_executable("application/x-dosexec"));
	ck_assert(mk_names_type_is_executable("APPLICATION/X-MSDOWNLOAD"));
	ck_assert(mk_names_type_is_executable("text/x-python"));
	ck_assert(mk_names_type_is_executable("application/java-archive"));
	ck_assert(!mk_names_type_is_executable("application/pdf"));
	ck_assert(!mk_names_type_is_executable("text/plain"));
	ck_assert(!mk_names_type_is_executable(NULL));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_check_rows, 0, G_N_ELEMENTS(CHECK_ROWS));
	tcase_add_loop_test(tc, test_safe_rows, 0, G_N_ELEMENTS(SAFE_ROWS));
	tcase_add_loop_test(tc, test_extension_rows, 0, G_N_ELEMENTS(EXT_ROWS));
	tcase_add_loop_test(tc, test_rendered_as, 0, G_N_ELEMENTS(RENDER_ROWS));
	tcase_add_test(tc, test_long_name);
	tcase_add_test(tc, test_exec_types);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
