/*
 * test_engine - the whole pipeline on crafted items, real libclamav,
 * real SQLite: verdicts, outputs, notices, headers, fail-closed paths
 */
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "mime.h"
#include "store_port.h"
#include "testutil.h"

static char *
b64(const void *p, gsize len)
{
	char *s = g_base64_encode(p, len);
	GString *g = g_string_new(NULL);

	gsize n = strlen(s);

	for (gsize i = 0; i < n; i += 76)
		g_string_append_printf(g, "%.76s\n", s + i);
	g_free(s);
	return g_string_free(g, FALSE);
}

/* A mail with a text body and one attachment (base64). */
static GBytes *
mail_with(const char *type, const char *name, const void *att, gsize len)
{
	char *enc = b64(att, len);
	char *m = g_strdup_printf(
		"From: a@example.jp\nTo: b@example.jp\nSubject: test\n"
		"Message-ID: <t1@example.jp>\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n"
		"Content-Type: text/plain; charset=us-ascii\n\nhello https://example.jp/x\n"
		"--XX\nContent-Type: %s\nContent-Disposition: attachment; filename=\"%s\"\n"
		"Content-Transfer-Encoding: base64\n\n%s--XX--\n", type, name, enc);
	g_free(enc);
	return g_bytes_new_take(m, strlen(m));
}

static GMimeMessage *
parse_out(GBytes *b)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(b, &len);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(p, len);
	GMimeParser *ps = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);

	g_object_unref(ps);
	g_object_unref(s);
	ck_assert(m != NULL);
	return m;
}

/* Decoded text of the first text/plain part of M. Caller frees. */
static char *
body_text(GMimeMessage *m)
{
	GMimeObject *o = g_mime_message_get_body(m);
	GMimeStream *s = g_mime_stream_mem_new();

	ck_assert(GMIME_IS_TEXT_PART(o));
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(o, "charset"), "utf-8");
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(o)), s);
	GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	char *t = g_strndup((const char *)a->data, a->len);
	g_object_unref(s);
	ck_assert(g_utf8_validate(t, -1, NULL));
	return t;
}

static int
count_attachments(GMimeMessage *m)
{
	GMimeObject *top = g_mime_message_get_mime_part(m);

	return GMIME_IS_MULTIPART(top) ? g_mime_multipart_get_count(GMIME_MULTIPART(top)) - 1 : 0;
}

typedef struct fixture {
	mkt_fixture base;       /* temp dir + config (testutil.h) */
	mk_config *cfg;         /* borrowed: base.cfg */
	mk_engine *e;
} fixture;

static fixture
setup(void)
{
	fixture f = { 0 };
	mk_error err = { 0 };

	mkt_fixture_init(&f.base);
	f.cfg = f.base.cfg;
	f.e = mk_engine_new(f.cfg, mk_store_port_new(f.cfg), &err);
	ck_assert_msg(mk_engine_ready(f.e, &err) == 0, "%s", err.msg);
	return f;
}

static void
teardown(fixture *f)
{
	mk_engine_free(&f->e);
	f->cfg = NULL;
	mkt_fixture_clear(&f->base);
}

static mk_result *
run(fixture *f, GBytes *b, mk_mode mode, const char *name)
{
	mk_result *r = NULL;
	mk_error err = { 0 };
	mk_input in = { .data = b, .mode = mode, .name = name, .id = "test-id" };

	ck_assert_int_eq(mk_engine_process(f->e, &in, &r, &err), 0);
	ck_assert(r->report_json != NULL && r->report_json[0] == '{');
	return r;
}

START_TEST(test_plain_text_pass)
{
	fixture f = setup();
	const char *m = "From: a@example.jp\nTo: b@example.jp\nSubject: hi\n"
	                "Date: Mon, 23 Nov 2026 10:00:00 +0900\n\nhello\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	mk_result *r = run(&f, b, MK_MODE_AUTO, NULL);

	ck_assert(r->is_mail);
	ck_assert_str_eq(mk_verdict_name(r->verdict), "pass");
	ck_assert(!r->stored);
	GMimeMessage *o = parse_out(r->output);
	char *t = body_text(o);
	/* the short pass notice, then the body unchanged */
	ck_assert_msg(g_str_has_prefix(t, "【無害化通知】\n"), "%s", t);
	ck_assert_msg(strstr(t, "変更した箇所はありません") != NULL, "%s", t);
	ck_assert_msg(g_str_has_suffix(t, "\n\nhello\n"), "%s", t);
	ck_assert_str_eq(g_mime_object_get_header(GMIME_OBJECT(o), "X-Mukaika-Status"), "pass");
	ck_assert_str_eq(g_mime_object_get_header(GMIME_OBJECT(o), "Subject"), "hi");
	ck_assert(g_mime_object_get_header(GMIME_OBJECT(o), "Date") != NULL);
	g_free(t);
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

/* Single-instance headers go on once: the first (no second From/Subject
 * for the reader that the filter did not look at). */
START_TEST(test_duplicate_headers_once)
{
	fixture f = setup();
	const char *m = "From: Boss <boss@example.jp>\nFrom: other@example.com\n"
	                "To: b@example.jp\nSubject: first\nSubject: second\n"
	                "Date: Mon, 23 Nov 2026 10:00:00 +0900\n\nhello\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);
	GMimeMessage *o = parse_out(r->output);
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(o));
	int from = 0, subject = 0;

	for (int i = 0; i < g_mime_header_list_get_count(hl); i++) {
		const char *n = g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i));
		from += g_ascii_strcasecmp(n, "From") == 0;
		subject += g_ascii_strcasecmp(n, "Subject") == 0;
	}
	ck_assert_int_eq(from, 1);
	ck_assert_int_eq(subject, 1);
	ck_assert_str_eq(g_mime_object_get_header(GMIME_OBJECT(o), "Subject"), "first");
	ck_assert_ptr_nonnull(strstr(g_mime_object_get_header(GMIME_OBJECT(o), "From"),
	                             "boss@example.jp"));
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_html_cleaned)
{
	fixture f = setup();
	const char *m = "From: a@example.jp\nTo: b@example.jp\nSubject: html\n"
	                "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
	                "<html><body><p>Hello</p><script>alert(1)</script>"
	                "<a href=\"https://evil.example.com/login\">click</a></body></html>\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);

	ck_assert_str_eq(mk_verdict_name(r->verdict), "cleaned");
	ck_assert(r->stored);
	ck_assert(strstr(r->actions, "html2text") != NULL);
	GMimeMessage *o = parse_out(r->output);
	char *t = body_text(o);
	ck_assert_msg(strstr(t, "Hello") != NULL, "%s", t);
	ck_assert(strstr(t, "alert") == NULL);
	ck_assert(strstr(t, "<p>") == NULL);
	ck_assert_msg(strstr(t, "evil[.]example[.]com") != NULL, "%s", t);
	ck_assert(strstr(t, "https://evil") == NULL);
	ck_assert(strstr(t, "test-id") != NULL);   /* the notice names the id */
	g_free(t);
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_executable_stripped)
{
	fixture f = setup();
	GBytes *elf = mkt_read("/bin/true");
	gsize len = 0;
	const void *p = g_bytes_get_data(elf, &len);
	GBytes *b = mail_with("application/pdf", "invoice.pdf", p, len);
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);

	ck_assert_str_eq(mk_verdict_name(r->verdict), "stripped");
	ck_assert(r->stored);
	GMimeMessage *o = parse_out(r->output);
	ck_assert_int_eq(count_attachments(o), 0);
	char *t = body_text(o);
	ck_assert(strstr(t, "invoice.pdf") != NULL);
	ck_assert(strstr(t, "hello hxxps://example[.]jp/x") != NULL);
	g_free(t);
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	g_bytes_unref(elf);
	teardown(&f);
}
END_TEST

START_TEST(test_virus_attachment_stripped)
{
	fixture f = setup();
	const char *e = mkt_eicar();
	GBytes *b = mail_with("text/plain", "readme.txt", e, strlen(e));
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);

	ck_assert_str_eq(mk_verdict_name(r->verdict), "stripped");
	ck_assert(r->stored);
	GMimeMessage *o = parse_out(r->output);
	ck_assert_int_eq(count_attachments(o), 0);
	char *t = body_text(o);
	ck_assert(strstr(t, "readme.txt") != NULL);   /* named in the notice */
	ck_assert(strstr(t, "EICAR") == NULL);
	g_free(t);
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_virus_body_rejected)
{
	fixture f = setup();
	char *m = g_strdup_printf("From: a@example.jp\nSubject: x\n\n%s\n", mkt_eicar());
	GBytes *b = g_bytes_new_take(m, strlen(m));
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);

	ck_assert_str_eq(mk_verdict_name(r->verdict), "rejected");
	ck_assert(r->output == NULL);
	ck_assert(r->stored);
	ck_assert_msg(strstr(r->reason, "virus") != NULL, "%s", r->reason);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_text_attachment_kept)
{
	fixture f = setup();
	const char *t = "just a text file\n";
	GBytes *b = mail_with("application/octet-stream", "notes.txt", t, strlen(t));
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);

	ck_assert_msg(r->verdict <= MK_V_CLEANED, "%s", r->reason);
	GMimeMessage *o = parse_out(r->output);
	ck_assert_int_eq(count_attachments(o), 1);
	GMimeObject *att = g_mime_multipart_get_part(
		GMIME_MULTIPART(g_mime_message_get_mime_part(o)), 1);
	ck_assert_str_eq(g_mime_part_get_filename(GMIME_PART(att)), "notes.txt");
	ck_assert(g_mime_content_type_is_type(g_mime_object_get_content_type(att),
	                                      "text", "plain"));
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_file_channel)
{
	fixture f = setup();
	const char *t = "plain file\n";
	GBytes *txt = g_bytes_new_static(t, strlen(t));
	GBytes *elf = mkt_read("/bin/true");
	mk_result *r = run(&f, txt, MK_MODE_AUTO, "a.txt");

	ck_assert(!r->is_mail);
	ck_assert_str_eq(mk_verdict_name(r->verdict), "pass");
	ck_assert(g_bytes_equal(r->output, txt));
	mk_result_free(&r);
	r = run(&f, elf, MK_MODE_FILE, "tool.txt");
	ck_assert_str_eq(mk_verdict_name(r->verdict), "quarantined");
	ck_assert(r->output == NULL);
	ck_assert(r->stored);
	mk_result_free(&r);
	g_bytes_unref(txt);
	g_bytes_unref(elf);
	teardown(&f);
}
END_TEST

START_TEST(test_no_database_tempfails)
{
	char *dir = mkt_tmpdir();
	mk_config *cfg = mkt_config(dir);
	char *empty = g_build_filename(dir, "empty", NULL);
	const char *m = "From: a@example.jp\nSubject: x\n\nhello\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	mk_error err = { 0 };
	mk_result *r = NULL;

	g_mkdir(empty, 0700);
	g_free(cfg->clamav.database_dir);
	cfg->clamav.database_dir = empty;
	mk_engine *e = mk_engine_new(cfg, mk_store_port_new(cfg), &err);
	ck_assert(mk_engine_ready(e, &err) == MK_ERR_TEMP);
	mk_input in = { .data = b };
	ck_assert_int_eq(mk_engine_process(e, &in, &r, &err), 0);
	ck_assert_str_eq(mk_verdict_name(r->verdict), "tempfail");
	ck_assert(r->output == NULL);
	ck_assert(!r->stored);
	mk_result_free(&r);
	mk_engine_free(&e);
	mk_config_unref(&cfg);
	g_bytes_unref(b);
	mkt_rm_rf(dir);
	g_free(dir);
}
END_TEST

START_TEST(test_store_failure_tempfails)
{
	fixture f = setup();
	const char *m = "From: a@example.jp\nMIME-Version: 1.0\n"
	                "Content-Type: text/html\n\n<p>x</p>\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	char *qdir = g_build_filename(f.base.dir, "ro", NULL);

	g_mkdir(qdir, 0500);
	g_free(f.cfg->quarantine.dir);
	f.cfg->quarantine.dir = g_build_filename(qdir, "q", NULL);
	if (geteuid() == 0) {   /* root ignores modes: use a file as the dir */
		g_free(f.cfg->quarantine.dir);
		f.cfg->quarantine.dir = g_build_filename(f.base.dir, "file", NULL);
		g_file_set_contents(f.cfg->quarantine.dir, "x", 1, NULL);
	}
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);
	ck_assert_str_eq(mk_verdict_name(r->verdict), "tempfail");
	ck_assert(r->output == NULL);
	mk_result_free(&r);
	g_bytes_unref(b);
	g_free(qdir);
	teardown(&f);
}
END_TEST

START_TEST(test_japanese_iso2022jp)
{
	fixture f = setup();
	/* "テスト" in ISO-2022-JP, subject RFC 2047 encoded */
	const char *m = "From: a@example.jp\nTo: b@example.jp\n"
	                "Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\nMIME-Version: 1.0\n"
	                "Content-Type: text/plain; charset=ISO-2022-JP\n"
	                "Content-Transfer-Encoding: 7bit\n\n\x1b$B%F%9%H\x1b(B\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);
	GMimeMessage *o = parse_out(r->output);
	char *t = body_text(o);

	ck_assert_msg(strstr(t, "テスト") != NULL, "%s", t);
	ck_assert_str_eq(g_mime_message_get_subject(o), "テスト");
	g_free(t);
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_outbound_av_only)
{
	fixture f = setup();
	const char *m = "From: a@example.jp\nMIME-Version: 1.0\n"
	                "Content-Type: text/html\n\n<p>x</p>\n";
	GBytes *b = g_bytes_new_static(m, strlen(m));
	mk_result *r = NULL;
	mk_error err = { 0 };
	mk_input in = { .data = b, .mode = MK_MODE_MAIL, .inbound_only_av = true };

	ck_assert_int_eq(mk_engine_process(f.e, &in, &r, &err), 0);
	ck_assert_str_eq(mk_verdict_name(r->verdict), "pass");
	ck_assert(g_bytes_equal(r->output, b));
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_outbound_virus_rejected)
{
	fixture f = setup();
	const char *e = mkt_eicar();
	GBytes *b = mail_with("text/plain", "readme.txt", e, strlen(e));
	mk_result *r = NULL;
	mk_error err = { 0 };
	mk_input in = { .data = b, .mode = MK_MODE_MAIL, .inbound_only_av = true };

	/* outbound mail is never rebuilt: a virus refuses it whole */
	ck_assert_int_eq(mk_engine_process(f.e, &in, &r, &err), 0);
	ck_assert_str_eq(mk_verdict_name(r->verdict), "rejected");
	ck_assert(r->output == NULL);
	mk_result_free(&r);
	g_bytes_unref(b);
	teardown(&f);
}
END_TEST

START_TEST(test_encrypted_zip_quarantined)
{
	fixture f = setup();
	char *p = mkt_shared_path("corpora/oletools/msodde/dde-test-from-office2016.doc.zip");
	GBytes *zip = mkt_read(p);
	gsize len = 0;
	const void *d = g_bytes_get_data(zip, &len);
	GBytes *b = mail_with("application/zip", "doc.zip", d, len);
	mk_result *r = run(&f, b, MK_MODE_MAIL, NULL);

	ck_assert_msg(r->verdict == MK_V_QUARANTINED, "%s: %s",
	              mk_verdict_name(r->verdict), r->reason);
	ck_assert(r->stored);
	GMimeMessage *o = parse_out(r->output);   /* the notice-only message */
	ck_assert_int_eq(count_attachments(o), 0);
	char *t = body_text(o);
	ck_assert(strstr(t, "hello") == NULL);
	g_free(t);
	g_object_unref(o);
	mk_result_free(&r);
	g_bytes_unref(b);
	g_bytes_unref(zip);
	g_free(p);
	teardown(&f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("engine");

	mk_mime_init();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_plain_text_pass);
	tcase_add_test(tc, test_duplicate_headers_once);
	tcase_add_test(tc, test_html_cleaned);
	tcase_add_test(tc, test_executable_stripped);
	tcase_add_test(tc, test_virus_attachment_stripped);
	tcase_add_test(tc, test_virus_body_rejected);
	tcase_add_test(tc, test_text_attachment_kept);
	tcase_add_test(tc, test_file_channel);
	tcase_add_test(tc, test_no_database_tempfails);
	tcase_add_test(tc, test_store_failure_tempfails);
	tcase_add_test(tc, test_japanese_iso2022jp);
	tcase_add_test(tc, test_outbound_av_only);
	tcase_add_test(tc, test_outbound_virus_rejected);
	tcase_add_test(tc, test_encrypted_zip_quarantined);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
