/*
 * NAME
 *   test_pdf - the PDF rasterizing filter (filters/f_pdf.c), in process
 *
 * DESCRIPTION
 *   PDFs built here (correct xref), one per active construct: OpenAction
 *   JavaScript, page /AA, /Launch, /URI link, an embedded file, an AcroForm
 *   field; plus the real pdf-payloads corpus and ClamAV's clam.pdf.  The
 *   output must hold none of /JS /JavaScript /OpenAction /AA /Launch
 *   /EmbeddedFile /URI /AcroForm (raw search: cairo writes plain objects),
 *   must be application/pdf to libmagic and must open again in poppler with
 *   the same page count.  Limits (pages, pixels, output), an encrypted
 *   document and garbage fail with the right code and message.
 */
#include <magic.h>
#include <poppler.h>
#include <string.h>

#include "mk_asan.h"
#include "f_pdf.h"
#include "testutil.h"

#if MK_ASAN
/* fontconfig (poppler's and cairo's font lookup) keeps its configuration
 * for the life of the process; LeakSanitizer reports it at each exit. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

static const char *const active[] = {
	"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile",
	"/URI", "/AcroForm", NULL,
};

static mk_wopts test_opts(void)
{
	mk_wopts o = { .pdf_dpi = 50, .pdf_max_pages = 50,
	               .pdf_max_pixels = 4000000, .max_output = 64 << 20 };
	return o;
}

/* A PDF from object bodies 1..n (1 = catalog), with a correct xref. */
static GBytes *make_pdf(const char *const *objs, const char *trailer_extra)
{
	GString *s = g_string_new("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	GArray *offs = g_array_new(FALSE, FALSE, sizeof(gsize));
	int n = 0;
	for (; objs[n]; n++) {
		gsize off = s->len;
		g_array_append_val(offs, off);
		g_string_append_printf(s, "%d 0 obj\n%s\nendobj\n", n + 1, objs[n]);
	}
	gsize xref = s->len;
	g_string_append_printf(s, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (int i = 0; i < n; i++)
		g_string_append_printf(s, "%010zu 00000 n \n",
		                       g_array_index(offs, gsize, i));
	g_string_append_printf(s, "trailer\n<< /Size %d /Root 1 0 R %s >>\n"
	                       "startxref\n%zu\n%%%%EOF\n", n + 1,
	                       trailer_extra ? trailer_extra : "", xref);
	g_array_free(offs, TRUE);
	return g_string_free_to_bytes(s);
}

#define PAGES "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
#define CONTENT "<< /Length 44 >>\nstream\nBT /F1 24 Tf 20 100 Td (Hello) Tj ET\n" \
	"0 0 m\nendstream"
#define FONT "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
#define PAGE_TAIL "/MediaBox [0 0 300 200] /Contents 4 0 R " \
	"/Resources << /Font << /F1 5 0 R >> >>"

static const struct row {
	const char *name;
	const char *objs[8];
} rows[] = {
	{ "openaction-js", { "<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
	  PAGES, "<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", CONTENT, FONT,
	  "<< /S /JavaScript /JS (app.alert\\('x'\\)) >>", NULL } },
	{ "page-aa", { "<< /Type /Catalog /Pages 2 0 R >>", PAGES,
	  "<< /Type /Page /Parent 2 0 R " PAGE_TAIL
	  " /AA << /O << /S /JavaScript /JS (this.exportDataObject\\(\\)) >> >> >>",
	  CONTENT, FONT, NULL } },
	{ "launch-uri-link", { "<< /Type /Catalog /Pages 2 0 R >>", PAGES,
	  "<< /Type /Page /Parent 2 0 R " PAGE_TAIL " /Annots [6 0 R 7 0 R] >>",
	  CONTENT, FONT,
	  "<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /Launch "
	  "/F (cmd.exe) >> >>",
	  "<< /Type /Annot /Subtype /Link /Rect [100 0 200 100] /A << /S /URI "
	  "/URI (javascript:alert\\(1\\)) >> >>", NULL } },
	{ "embedded-file", { "<< /Type /Catalog /Pages 2 0 R /Names << "
	  "/EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >> >>", PAGES,
	  "<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", CONTENT, FONT,
	  "<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>",
	  "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream", NULL } },
	{ "acroform", { "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields "
	  "[6 0 R] >> >>", PAGES, "<< /Type /Page /Parent 2 0 R " PAGE_TAIL
	  " /Annots [6 0 R] >>", CONTENT, FONT,
	  "<< /Type /Annot /Subtype /Widget /FT /Tx /T (f) /Rect [10 10 90 40] "
	  "/AA << /K << /S /JavaScript /JS (1) >> >> >>", NULL } },
};

static void assert_clean(GBytes *out, int pages, const char *what)
{
	gsize len = 0;
	const char *d = g_bytes_get_data(out, &len);
	for (int k = 0; active[k]; k++)
		ck_assert_msg(!memmem(d, len, active[k], strlen(active[k])),
		              "%s: %s in output", what, active[k]);
	magic_t m = magic_open(MAGIC_MIME_TYPE);
	ck_assert(m && magic_load(m, NULL) == 0);
	ck_assert_str_eq(magic_buffer(m, d, len), "application/pdf");
	magic_close(m);
	PopplerDocument *doc = poppler_document_new_from_bytes(out, NULL, NULL);
	ck_assert_msg(doc != NULL, "%s: output does not open", what);
	ck_assert_int_eq(poppler_document_get_n_pages(doc), pages);
	g_object_unref(doc);
}

static int run(GBytes *in, const mk_wopts *o, GBytes **out, GPtrArray *notes,
               mk_error *err)
{
	char *type = NULL;
	*out = NULL;
	int rc = mk_wfilter_pdf.run(in, o, out, &type, notes, err);
	if (rc == 0)
		ck_assert_str_eq(type, "application/pdf");
	else
		ck_assert_ptr_null(*out);
	g_free(type);
	return rc;
}

START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	GBytes *in = make_pdf(r->objs, NULL), *out = NULL;
	gsize len = 0;
	const char *d = g_bytes_get_data(in, &len);
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();

	/* the input really has what the row is about */
	ck_assert(memmem(d, len, "/AA", 3) || memmem(d, len, "/URI", 4) ||
	          memmem(d, len, "/OpenAction", 11) ||
	          memmem(d, len, "/EmbeddedFile", 13));
	ck_assert_msg(run(in, &o, &out, notes, &err) == 0, "%s: %s", r->name,
	              err.msg);
	assert_clean(out, 1, r->name);
	ck_assert_ptr_nonnull(strstr(notes->pdata[0], "rasterized 1 page"));
	g_bytes_unref(in);
	g_bytes_unref(out);
	g_ptr_array_unref(notes);
}
END_TEST

static const char *const two_pages[] = {
	"<< /Type /Catalog /Pages 2 0 R >>",
	"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
	"<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", CONTENT, FONT,
	"<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", NULL,
};

static const struct lrow {
	const char *name;
	gint64 max_pages, max_pixels, max_output, dpi;
	int rc;
	const char *msg;
} lrows[] = {
	{ "ok", 2, 1000000, 1 << 20, 72, 0, NULL },
	{ "pages", 1, 1000000, 1 << 20, 72, MK_ERR_LIMIT, "pages" },
	{ "pixels", 2, 300 * 200 - 1, 1 << 20, 72, MK_ERR_LIMIT, "pixels" },
	{ "dpi-pixels", 2, 300 * 200, 1 << 20, 144, MK_ERR_LIMIT, "pixels" },
	{ "output", 2, 1000000, 500, 72, MK_ERR_LIMIT, "output" },
};

START_TEST(test_limits)
{
	const struct lrow *r = &lrows[_i];
	GBytes *in = make_pdf(two_pages, NULL), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();
	o.pdf_max_pages = r->max_pages;
	o.pdf_max_pixels = r->max_pixels;
	o.max_output = r->max_output;
	o.pdf_dpi = r->dpi;

	int rc = run(in, &o, &out, notes, &err);
	ck_assert_msg(rc == r->rc, "%s: rc %d %s", r->name, rc, err.msg);
	if (r->msg)
		ck_assert_msg(strstr(err.msg, r->msg), "%s: %s", r->name, err.msg);
	else
		assert_clean(out, 2, r->name);
	g_bytes_unref(in);
	if (out)
		g_bytes_unref(out);
	g_ptr_array_unref(notes);
}
END_TEST

START_TEST(test_encrypted)
{
	/* RC4 40-bit with a user password: O and U do not match "". */
	const char *objs[] = { "<< /Type /Catalog /Pages 2 0 R >>", PAGES,
		"<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", CONTENT, FONT,
		"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 "
		"/O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef>"
		" /U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210>"
		" >>", NULL };
	GBytes *in = make_pdf(objs, "/Encrypt 6 0 R /ID [<00112233445566778899aabbc"
	                      "cddeeff> <00112233445566778899aabbccddeeff>]");
	GBytes *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();
	ck_assert_int_eq(run(in, &o, &out, notes, &err), MK_ERR_DATA);
	ck_assert_msg(strstr(err.msg, "encrypted"), "%s", err.msg);
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
}
END_TEST

START_TEST(test_garbage)
{
	static const char *const bad[] = { "", "%PDF-1.4\n", "not a pdf at all" };
	GBytes *in = g_bytes_new_static(bad[_i], strlen(bad[_i])), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();
	ck_assert_int_eq(run(in, &o, &out, notes, &err), MK_ERR_DATA);
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
}
END_TEST

/* Page 1 of OUT rendered at 72 dpi (caller frees). */
static GBytes *render(GBytes *out)
{
	PopplerDocument *doc = poppler_document_new_from_bytes(out, NULL, NULL);
	PopplerPage *page = poppler_document_get_page(doc, 0);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300, 200);
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	GBytes *b = g_bytes_new(cairo_image_surface_get_data(img),
	                        (gsize)cairo_image_surface_get_stride(img) * 200);
	cairo_surface_destroy(img);
	g_object_unref(page);
	g_object_unref(doc);
	return b;
}

static char *page_text(GBytes *out)
{
	PopplerDocument *doc = poppler_document_new_from_bytes(out, NULL, NULL);
	PopplerPage *page = poppler_document_get_page(doc, 0);
	char *t = poppler_page_get_text(page);
	g_object_unref(page);
	g_object_unref(doc);
	return t;
}

/* pdf.text_layer: off, the output has no text; on, the page text is found
 * in the output by poppler, and the page looks exactly as without it. */
START_TEST(test_text_layer)
{
	const char *objs[] = { "<< /Type /Catalog /Pages 2 0 R >>", PAGES,
		"<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", CONTENT, FONT, NULL };
	GBytes *in = make_pdf(objs, NULL), *out[2] = { NULL, NULL }, *img[2];
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();
	char *t[2];

	for (int k = 0; k < 2; k++) {
		o.pdf_text_layer = k == 1;
		ck_assert_msg(run(in, &o, &out[k], notes, &err) == 0, "%s", err.msg);
		assert_clean(out[k], 1, k ? "text layer" : "no text layer");
		t[k] = page_text(out[k]);
		img[k] = render(out[k]);
	}
	ck_assert_msg(t[0] == NULL || strstr(t[0], "Hello") == NULL, "%s", t[0]);
	ck_assert_msg(t[1] && strstr(t[1], "Hello"), "text layer: \"%s\"", t[1]);
	ck_assert_msg(g_bytes_equal(img[0], img[1]), "the text layer is visible");
	ck_assert_msg(strstr(notes->pdata[notes->len - 1], "text layer of 5 "),
	              "%s", (char *)notes->pdata[notes->len - 1]);
	for (int k = 0; k < 2; k++) {
		g_free(t[k]);
		g_bytes_unref(out[k]);
		g_bytes_unref(img[k]);
	}
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
}
END_TEST

/* Links in the text layer: a web link's URL follows its anchor text,
 * defanged; a link over no text gets a run of its own; every other scheme
 * is gone; URLs in the page text are defanged too. */
static const struct link_row {
	const char *annot;      /* the link annotation, NULL: none */
	const char *text;       /* shown on the page */
	const char *want;       /* in the output's text, or NULL */
	const char *never;      /* not in the output's text, or NULL */
	const char *note;       /* the last note */
} link_rows[] = {
	{ "/Rect [15 95 90 125] /A << /S /URI /URI (https://www.example.jp/a?b=1) >>",
	  "Hello", "Hello <hxxps://www[.]example[.]jp/a?b=1>", "https", "1 web link" },
	{ "/Rect [150 20 290 40] /A << /S /URI /URI (http://city.example.lg.jp/x) >>",
	  "Hello", "<hxxp://city[.]example[.]lg[.]jp/x>", "http:", "1 web link" },
	{ "/Rect [15 95 90 125] /A << /S /URI /URI (file://srv/share/a.exe) >>",
	  "Hello", "Hello", "srv", "other_link 1: " },
	{ "/Rect [15 95 90 125] /A << /S /URI /URI (javascript:alert\\(1\\)) >>",
	  "Hello", "Hello", "alert", "other_link 1: " },
	{ "/Rect [15 95 90 125] /A << /S /URI /URI (\\\\srv\\s\\a.exe) >>",
	  "Hello", "Hello", "srv", "other_link 1: " },
	{ "/Rect [15 95 290 125] /A << /S /URI /URI (https://ex.jp/) >>",
	  "https://ex.jp/", "hxxps://ex[.]jp/", "<", "1 web link" },
	/* a link whose text names another host: marked (issue 14, item 3) */
	{ "/Rect [15 95 290 125] /A << /S /URI /URI (https://login.evil.example/) >>",
	  "www.bank.example", "【注意: 表示と異なるリンク先】 <hxxps://login[.]evil[.]example/>",
	  "https", "link_mismatch 1: " },
	{ NULL, "see http://evil.example/x", "see hxxp://evil[.]example/x", "http:",
	  "text layer of" },
};

START_TEST(test_links)
{
	const struct link_row *r = &link_rows[_i];
	char *content = g_strdup_printf("BT /F1 12 Tf 20 100 Td (%s) Tj ET", r->text);
	char *cobj = g_strdup_printf("<< /Length %zu >>\nstream\n%s\nendstream",
	                             strlen(content), content);
	char *annot = g_strdup_printf("<< /Type /Annot /Subtype /Link /Border [0 0 0] "
	                              "%s >>", r->annot ? r->annot : "");
	const char *objs[] = { "<< /Type /Catalog /Pages 2 0 R >>", PAGES,
		r->annot ? "<< /Type /Page /Parent 2 0 R " PAGE_TAIL " /Annots [6 0 R] >>"
		         : "<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>",
		cobj, FONT, annot, NULL };
	GBytes *in = make_pdf(objs, NULL), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();
	char *t;

	o.pdf_text_layer = true;
	o.pdf_max_links = 10;
	ck_assert_msg(run(in, &o, &out, notes, &err) == 0, "%s", err.msg);
	assert_clean(out, 1, r->want);
	t = page_text(out);
	ck_assert_msg(t && strstr(t, r->want), "row %d: \"%s\"", _i, t);
	ck_assert_msg(!strstr(t, r->never), "row %d: \"%s\"", _i, t);
	ck_assert_msg(strstr(notes->pdata[notes->len - 1], r->note), "row %d: %s",
	              _i, (char *)notes->pdata[notes->len - 1]);
	g_free(t);
	g_bytes_unref(out);
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
	g_free(annot);
	g_free(cobj);
	g_free(content);
}
END_TEST

/* A and B (render() images) show the same colours; the x byte of
 * CAIRO_FORMAT_RGB24 is undefined. */
static bool same_pixels(GBytes *a, GBytes *b)
{
	gsize al = 0, bl = 0;
	const guint32 *x = g_bytes_get_data(a, &al), *y = g_bytes_get_data(b, &bl);

	if (al != bl)
		return false;
	for (gsize i = 0; i < al / 4; i++)
		if ((x[i] & 0xffffff) != (y[i] & 0xffffff))
			return false;
	return true;
}

/* A page without colour is written as a gray image, one with colour as
 * RGB; either way it renders as the original does. */
START_TEST(test_gray_or_rgb)
{
	static const char *const contents[2] = {
		"<< /Length 25 >>\nstream\n0.5 g 20 20 100 100 re f\nendstream",
		"<< /Length 28 >>\nstream\n1 0 0 rg 20 20 100 100 re f\nendstream",
	};
	static const char *const space[2] = { "/DeviceGray", "/DeviceRGB" };
	mk_wopts o = test_opts();
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);

	o.pdf_dpi = 72;   /* one pixel per point: render() compares 1:1 */
	for (int k = 0; k < 2; k++) {
		const char *objs[] = { "<< /Type /Catalog /Pages 2 0 R >>", PAGES,
			"<< /Type /Page /Parent 2 0 R " PAGE_TAIL " >>", contents[k],
			FONT, NULL };
		GBytes *in = make_pdf(objs, NULL), *out = NULL, *a, *b;
		mk_error err = { 0 };
		gsize len = 0;
		const char *d;

		ck_assert_msg(run(in, &o, &out, notes, &err) == 0, "%s", err.msg);
		d = g_bytes_get_data(out, &len);
		ck_assert_msg(memmem(d, len, space[k], strlen(space[k])) != NULL,
		              "page %d: no %s", k, space[k]);
		ck_assert_ptr_null(memmem(d, len, space[1 - k], strlen(space[1 - k])));
		a = render(in);
		b = render(out);
		ck_assert_msg(same_pixels(a, b), "page %d renders differently", k);
		g_bytes_unref(a);
		g_bytes_unref(b);
		g_bytes_unref(in);
		g_bytes_unref(out);
	}
	g_ptr_array_unref(notes);
}
END_TEST

static const char *const samples[] = {
	"foxit-reader-poc.pdf", "payload1.pdf", "payload2.pdf", "payload3.pdf",
	"payload4.pdf", "payload5.pdf", "payload6.pdf", "payload7.pdf",
	"payload8.pdf", "starter_pack.pdf", "/usr/share/clamav-testfiles/clam.pdf",
};

START_TEST(test_samples)
{
	char *rel = g_strconcat("corpora/pdf-payloads/", samples[_i], NULL);
	char *path = samples[_i][0] == '/' ? g_strdup(samples[_i])
	                                   : mkt_shared_path(rel);
	GBytes *in = mkt_read(path), *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	mk_wopts o = test_opts();
	PopplerDocument *doc = poppler_document_new_from_bytes(in, NULL, NULL);
	int pages = doc ? poppler_document_get_n_pages(doc) : -1;

	int rc = run(in, &o, &out, notes, &err);
	if (doc) {
		ck_assert_msg(rc == 0, "%s: %s", path, err.msg);
		assert_clean(out, pages, path);
		g_object_unref(doc);
	} else {
		ck_assert_msg(rc == MK_ERR_DATA, "%s: rc %d", path, rc);
	}
	if (out)
		g_bytes_unref(out);
	g_bytes_unref(in);
	g_ptr_array_unref(notes);
	g_free(rel);
	g_free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("pdf");
	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_limits, 0, G_N_ELEMENTS(lrows));
	tcase_add_test(tc, test_encrypted);
	tcase_add_test(tc, test_text_layer);
	tcase_add_loop_test(tc, test_links, 0, G_N_ELEMENTS(link_rows));
	tcase_add_test(tc, test_gray_or_rgb);
	tcase_add_loop_test(tc, test_garbage, 0, 3);
	tcase_add_loop_test(tc, test_samples, 0, G_N_ELEMENTS(samples));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
