/*
 * NAME
 *   test_sniff - true types of real files and of zips built at run time
 *
 * DESCRIPTION
 *   Rows: a file (ClamAV test files, oletools corpus) or a zip built with
 *   libarchive's writer, and the expected lower-case MIME type ('|' separates
 *   answers of different libmagic versions).  Polyglot rows: bytes libmagic
 *   calls text, an image or a mail, which a lenient reader opens as a PDF
 *   (header in the first KB), HTML or SVG (browser sniffing), RTF (after
 *   junk) or a zip (found from its end, behind junk); the description must
 *   still hold libmagic's own answer.  Near misses stay what they are.
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "testutil.h"
#include "model/sniff.h"
#include "model/zipsniff.h"

typedef struct {
	const char *path;       /* "T:" ClamAV test files, "O:" oletools */
	const char *expect;
} file_row;

static const file_row file_rows[] = {
	{ "T:clam.exe", "application/vnd.microsoft.portable-executable|application/x-dosexec" },
	{ "T:clam.pdf", "application/pdf" },
	{ "T:clam.zip", "application/zip" },
	{ "T:clam.7z", "application/x-7z-compressed" },
	{ "T:clam.tar.gz", "application/gzip" },
	{ "T:clam.exe.bz2", "application/x-bzip2" },
	{ "T:clam.cab", "application/vnd.ms-cab-compressed" },
	{ "T:clam.bin-le.cpio", "application/x-cpio" },
	{ "T:clam.ole.doc", "application/msword" },
	{ "T:clam.ppt", "application/vnd.ms-powerpoint" },
	{ "T:clam.exe.rtf", "text/rtf" },
	{ "P:pdf-payloads", "application/pdf" },
	{ "O:msodde/harmless-clean.docx",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "O:msodde/harmless-clean.docm",
	  "application/vnd.ms-word.document.macroenabled.12" },
	{ "O:msodde/dde-test.xlsm", "application/vnd.ms-excel.sheet.macroenabled.12" },
	{ "O:msodde/dde-test.xlsx",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "O:msodde/dde-test.xlsb",
	  "application/vnd.ms-excel.sheet.binary.macroenabled.12" },
	{ "O:oleobj/embedded-simple-2007.pptm",
	  "application/vnd.ms-powerpoint.presentation.macroenabled.12" },
	{ "O:oleobj/embedded-simple-2007.pptx",
	  "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "O:oleobj/embedded-simple-2007.dotm",
	  "application/vnd.ms-word.template.macroenabled.12" },
	{ "O:oleobj/embedded-simple-2007.odt", "application/vnd.oasis.opendocument.text" },
	{ "O:oleobj/embedded-simple-2007.doc", "application/msword" },
	{ "O:oleobj/embedded-simple-2007.xls", "application/vnd.ms-excel" },
	{ "O:olevba/sample_with_vba.ppt", "application/vnd.ms-powerpoint" },
	{ "O:other/presentation.xps", "application/vnd.ms-xpsdocument" },
	{ "O:basic/empty", "application/x-empty" },
	{ "O:basic/text", "text/plain" },
};

static char *
row_path(const char *p)
{
	const char *tf = g_getenv("MK_TESTFILES");
	char *r;

	if (g_str_has_prefix(p, "T:"))
		return g_build_filename(tf ? tf : "/usr/share/clamav-testfiles",
		                        p + 2, NULL);
	if (g_str_has_prefix(p, "O:")) {
		char *rel = g_build_filename("corpora/oletools", p + 2, NULL);

		r = mkt_shared_path(rel);
		g_free(rel);
		return r;
	}
	return NULL;
}

/* First *.pdf of the pdf-payloads corpus. */
static char *
first_pdf(void)
{
	char *dir = mkt_shared_path("corpora/pdf-payloads");
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	char *r = NULL;

	ck_assert_msg(d != NULL, "%s", dir);
	while (r == NULL && (n = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(n, ".pdf"))
			r = g_build_filename(dir, n, NULL);
	g_dir_close(d);
	g_free(dir);
	ck_assert(r != NULL);
	return r;
}

static void
check_type(GBytes *b, const char *expect, const char *what)
{
	mk_error err = { 0 };
	mk_sniffer *s = mk_sniffer_thread(&err);
	char *mime = NULL, *desc = NULL;
	char **alts, *refined;
	bool ok = false;

	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_int_eq(mk_sniff(s, g_bytes_get_data(b, NULL), g_bytes_get_size(b),
	                          &mime, &desc, &err), 0);
	refined = mk_zip_refine_type(g_bytes_get_data(b, NULL), g_bytes_get_size(b), mime);
	if (refined != NULL) {    /* the worker's unpack run refines zips */
		g_free(mime);
		mime = refined;
	}
	alts = g_strsplit(expect, "|", -1);
	for (guint i = 0; alts[i] != NULL; i++)
		ok |= strcmp(mime, alts[i]) == 0;
	ck_assert_msg(ok, "%s: got %s (%s), want %s", what, mime, desc, expect);
	ck_assert(desc != NULL && strchr(desc, '\n') == NULL);
	g_strfreev(alts);
	g_free(mime);
	g_free(desc);
}

START_TEST(test_file_types)
{
	const file_row *r = &file_rows[_i];
	char *path = g_str_has_prefix(r->path, "P:") ? first_pdf() : row_path(r->path);
	GBytes *b = mkt_read(path);

	check_type(b, r->expect, path);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

/* Zip built at run time: NUL-separated "name\0content" pairs. */
typedef struct {
	const char *members[4][2];
	const char *expect;
} zip_row;

static const zip_row zip_rows[] = {
	{ { { "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n" },
	    { "a/B.class", "\xca\xfe\xba\xbe" } }, "application/java-archive" },
	{ { { "AndroidManifest.xml", "x" }, { "classes.dex", "dex\n035" } },
	  "application/vnd.android.package-archive" },
	/* no main content type: directory rule, upgraded by vbaProject.bin */
	{ { { "[Content_Types].xml", "<Types/>" }, { "word/document.xml", "<w/>" },
	    { "word/vbaProject.bin", "x" } },
	  "application/vnd.ms-word.document.macroenabled.12" },
	{ { { "[Content_Types].xml", "<Types/>" }, { "xl/workbook.xml", "<w/>" } },
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	/* a "mimetype" that is not ODF/EPUB must not relabel the zip */
	{ { { "mimetype", "text/plain" }, { "a.txt", "hello" } }, "application/zip" },
	{ { { "mimetype", "application/vnd.oasis.opendocument.spreadsheet" },
	    { "content.xml", "<x/>" } }, "application/vnd.oasis.opendocument.spreadsheet" },
	{ { { "readme.txt", "hello" } }, "application/zip" },
};

static GBytes *
build_zip(const char *const (*m)[2])
{
	struct archive *a = archive_write_new();
	size_t cap = 64 * 1024, used = 0;
	guint8 *buf = g_malloc0(cap);

	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (int i = 0; i < 4 && m[i][0] != NULL; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, m[i][0]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(m[i][1]));
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		archive_write_data(a, m[i][1], strlen(m[i][1]));
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return g_bytes_new_take(buf, used);
}

START_TEST(test_zip_refine)
{
	GBytes *b = build_zip(zip_rows[_i].members);

	check_type(b, zip_rows[_i].expect, zip_rows[_i].members[0][0]);
	g_bytes_unref(b);
}
END_TEST

/* PREFIX then BODY (or, with ZIP set, a zip of ZIP's members); libmagic's
 * answer, when given, must start the description. */
static const struct {
	const char *prefix, *body;
	bool zip;
	const char *expect, *magic;
} poly_rows[] = {
	{ "Dear customer,\nplease find the invoice below.\n", "%PDF-1.4\n1 0 obj<<>>endobj\n",
	  false, "application/pdf", NULL },
	{ "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "%PDF-1.4\n1 0 obj<<>>endobj\n",
	  false, "application/pdf", "PNG image" },
	{ "\r\n\r\n   ", "<iframe src=x></iframe>", false, "text/html", "text/plain" },
	{ "\xEF\xBB\xBF", "<body onload=x>hi</body>", false, "text/html", NULL },
	{ "", "<div>hi</div>\n", false, "text/html", "text/plain" },
	{ "Please read this first.\n", "<script>alert(1)</script>\n", false,
	  "text/html", NULL },
	{ "  ", "<svg onload=alert(1)>\n", false, "image/svg+xml", NULL },
	{ "Minutes\n", "{\\rtf1\\ansi hello}\n", false, "text/rtf", "text/plain" },
	{ "Meeting notes follow.\nMeeting notes follow.\n", "readme.txt", true,
	  "application/zip", NULL },
	{ "Meeting notes follow.\n", "word/document.xml", true,
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL },
	/* near misses: no other reading */
	{ "", "hello <b>world</b>\n", false, "text/plain", NULL },
	{ "From: a@example.com\nTo: b@example.jp\nSubject: x\nMIME-Version: 1.0\n"
	  "Content-Type: text/html\n\n", "<html><body>x</body></html>\n", false,
	  "message/rfc822", NULL },
};

static GBytes *
poly_bytes(int i)
{
	GByteArray *a = g_byte_array_new();
	const char *p = poly_rows[i].prefix;
	gsize plen = p[0] == '\x89' ? 16 : strlen(p);

	g_byte_array_append(a, (const guint8 *)p, (guint)plen);
	if (poly_rows[i].zip) {
		const char *m[4][2] = { { "[Content_Types].xml", "<Types/>" },
		                        { poly_rows[i].body, "hello" } };
		GBytes *z = build_zip(strcmp(poly_rows[i].body, "readme.txt") == 0
		                      ? m + 1 : m);
		gsize n = 0;
		const guint8 *d = g_bytes_get_data(z, &n);

		g_byte_array_append(a, d, (guint)n);
		g_bytes_unref(z);
	} else {
		g_byte_array_append(a, (const guint8 *)poly_rows[i].body,
		                    (guint)strlen(poly_rows[i].body));
	}
	return g_byte_array_free_to_bytes(a);
}

START_TEST(test_polyglot)
{
	GBytes *b = poly_bytes(_i);
	mk_error err = { 0 };
	char *mime = NULL, *desc = NULL;

	check_type(b, poly_rows[_i].expect, poly_rows[_i].body);
	ck_assert_int_eq(mk_sniff(mk_sniffer_thread(NULL), g_bytes_get_data(b, NULL),
	                          g_bytes_get_size(b), &mime, &desc, &err), 0);
	if (poly_rows[_i].magic != NULL)
		ck_assert_msg(g_str_has_prefix(desc, poly_rows[_i].magic), "%s", desc);
	g_free(mime);
	g_free(desc);
	g_bytes_unref(b);
}
END_TEST

/* Over 1 KB of text before "%PDF-", over 256 bytes before "<iframe":
 * past the windows of the readers that look there. */
START_TEST(test_polyglot_windows)
{
	GString *s = g_string_new(NULL);
	GBytes *b;

	for (int i = 0; i < 60; i++)
		g_string_append(s, "some words of text.\n");
	g_string_append(s, "<iframe src=x> %PDF-1.4\n");
	b = g_bytes_new(s->str, s->len);
	check_type(b, "text/plain", "late tags");
	g_bytes_unref(b);
	g_string_free(s, TRUE);
}
END_TEST

/* Past the first KB, a PDF that ends like one (startxref / %%EOF in its
 * last KB, an object after the header) is a PDF to lenient readers;
 * UTF-16 text behind a byte order mark is sniffed as markup after
 * decoding (LE and BE, HTML and SVG); plain UTF-16 text stays text. */
static const struct {
	const char *ascii;     /* the content (ASCII) */
	int utf16;             /* 0 as is, 1 UTF-16LE with BOM, 2 UTF-16BE with BOM */
	int pad;               /* lines of text before it */
	const char *expect;
} late_rows[] = {
	{ "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n", 0, 150,
	  "application/pdf" },
	{ "%PDF-1.4\n1 0 obj<<>>endobj\nstartxref\n12\n", 0, 3000, "application/pdf" },
	{ "see %PDF- in the manual, and %%EOF at the end\n", 0, 150, "text/plain" },
	{ "<html><body><p>hi</p></body></html>", 1, 0, "text/html" },
	{ "\r\n <iframe src=x></iframe>", 2, 0, "text/html" },
	{ "Read this.\n<script>x</script>", 1, 0, "text/html" },
	{ "<svg onload=x></svg>", 1, 0, "image/svg+xml" },
	{ "just some words, no markup at all.\n", 1, 0, "text/plain" },
};

START_TEST(test_polyglot_late)
{
	GByteArray *a = g_byte_array_new();
	const char *t = late_rows[_i].ascii;
	GBytes *b;

	for (int i = 0; i < late_rows[_i].pad; i++)
		g_byte_array_append(a, (const guint8 *)"some words of text.\n", 20);
	if (late_rows[_i].utf16 == 0)
		g_byte_array_append(a, (const guint8 *)t, (guint)strlen(t));
	else
		g_byte_array_append(a, (const guint8 *)(late_rows[_i].utf16 == 1 ? "\xff\xfe"
		                                                                : "\xfe\xff"), 2);
	for (const char *c = late_rows[_i].utf16 ? t : ""; *c; c++) {
		guint8 u[2] = { (guint8)*c, 0 };

		if (late_rows[_i].utf16 == 2)
			u[0] = 0, u[1] = (guint8)*c;
		g_byte_array_append(a, u, 2);
	}
	b = g_byte_array_free_to_bytes(a);
	check_type(b, late_rows[_i].expect, t);
	g_bytes_unref(b);
}
END_TEST

static const struct {
	const char *mime;
	bool unknown;
} unknown_rows[] = {
	{ "application/octet-stream", true }, { "application/x-empty", true },
	{ "inode/x-empty", true }, { "application/data", true }, { NULL, true },
	{ "", true }, { "application/pdf", false }, { "text/plain", false },
};

START_TEST(test_is_unknown)
{
	ck_assert_int_eq(mk_sniff_is_unknown(unknown_rows[_i].mime),
	                 unknown_rows[_i].unknown);
}
END_TEST

static gpointer
thread_sniffer(gpointer unused)
{
	return mk_sniffer_thread(NULL);
}

START_TEST(test_thread_handle)
{
	mk_sniffer *a = mk_sniffer_thread(NULL), *b = mk_sniffer_thread(NULL);
	GThread *t = g_thread_new("sniff", thread_sniffer, NULL);
	mk_sniffer *c = g_thread_join(t);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(a, c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sniff");
	TCase *tc = tcase_create("sniff");

	tcase_add_loop_test(tc, test_file_types, 0, G_N_ELEMENTS(file_rows));
	tcase_add_loop_test(tc, test_zip_refine, 0, G_N_ELEMENTS(zip_rows));
	tcase_add_loop_test(tc, test_is_unknown, 0, G_N_ELEMENTS(unknown_rows));
	tcase_add_loop_test(tc, test_polyglot, 0, G_N_ELEMENTS(poly_rows));
	tcase_add_test(tc, test_polyglot_windows);
	tcase_add_loop_test(tc, test_polyglot_late, 0, G_N_ELEMENTS(late_rows));
	tcase_add_test(tc, test_thread_handle);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
