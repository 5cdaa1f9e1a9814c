/*
 * NAME
 *   test_office - active content and encryption in real Office samples
 *
 * DESCRIPTION
 *   Rows over the oletools corpus and the ClamAV test files: the node's true
 *   type is set by mk_sniff first (as mk_expand_tree does), then
 *   mk_office_inspect() must add exactly the expected finding codes, with a
 *   detail naming what was found.  Run-time rows: RTF escaping, and broken
 *   OLE2 structures (truncated, FAT cycle) that must end in parse_error.
 */
#include <string.h>

#include "testutil.h"
#include "model/office.h"
#include "model/sniff.h"
#include "model/zipsniff.h"

#define AC (1u << MK_F_ACTIVE_CONTENT)
#define EN (1u << MK_F_ENCRYPTED)
#define PE (1u << MK_F_PARSE_ERROR)

typedef struct {
	const char *path;      /* "O:" oletools, "T:" ClamAV test files */
	unsigned codes;        /* expected set of finding codes */
	const char *detail;    /* substring of some finding's detail, or NULL */
} row;

static const row rows[] = {
	/* VBA */
	{ "O:oleform/oleform-PR314.docm", AC, "VBA project" },
	{ "O:olevba/sample_with_vba.ppt", AC, "ExOleObjStg" },
	{ "O:encrypted/autostart-encrypt-standardpassword.xls", AC | EN, "VBA macros" },
	/* XLM */
	{ "O:excel4-macros/excel4_sample_macro.xls", AC, "XLM" },
	{ "O:excel4-macros/excel4_sample_macro_excel5_format.xls", AC, "XLM" },
	{ "O:excel4-macros/excel4_sample_macro.xlsm", AC, "Excel 4 macro sheet" },
	{ "O:excel4-macros/excel4_sample_macro.xlsb", AC, "Excel 4 macro sheet" },
	/* embedded objects */
	{ "O:oleobj/embedded-simple-2007.doc", AC, "Ole10Native" },
	{ "O:oleobj/embedded-simple-2007.xls", AC, "embedded OLE objects" },
	{ "O:oleobj/embedded-simple-2007.ppt", AC, "ExOleObjStg" },
	{ "O:oleobj/embedded-simple-2007.docx", AC, "embedded object" },
	{ "O:oleobj/embedded-simple-2007.docm", AC, "embedded object" },
	{ "O:oleobj/embedded-simple-2007.xlsx", AC, "embedded object" },
	{ "O:oleobj/embedded-simple-2007.xlsb", AC, "embedded object" },
	{ "O:oleobj/embedded-simple-2007.pptx", AC, "embedded object" },
	{ "O:oleobj/embedded-simple-2007.ppsm", AC, "embedded object" },
	{ "O:oleobj/embedded-simple-2007.odt", AC, "embedded OLE object" },
	{ "O:oleobj/embedded-simple-2007.ods", AC, "embedded OLE object" },
	{ "O:oleobj/embedded-unicode.doc", AC, "embedded OLE objects" },
	{ "O:oleobj/sample_with_lnk_file.ppt", AC, "ExOleObjStg" },
	{ "O:oleobj/sample_with_calc_embedded.doc", AC, "Ole10Native" },
	{ "T:clam.ole.doc", AC, "Ole10Native" },
	{ "T:clam.ppt", AC, "ExOleObjStg" },
	/* external links */
	{ "O:oleobj/external_link/sample_with_external_link_to_doc.docx", AC,
	  "https://raw.githubusercontent.com/decalage2/oletools" },
	{ "O:oleobj/external_link/sample_with_external_link_to_doc.pptm", AC,
	  "ppt/slides/_rels/slide1.xml.rels" },
	{ "O:oleobj/external_link/sample_with_external_link_to_doc.xlsx", AC,
	  "externalLink1.xml.rels" },
	{ "O:oleobj/external_link/sample_with_external_link_to_doc.xlsb", AC,
	  "externalLink1.bin.rels" },
	/* DDE */
	{ "O:msodde/dde-test.docx", AC, "DDE" },
	/* RTF objects */
	{ "O:rtfobj/issue_251.rtf", AC, "\\objdata" },
	{ "T:clam.exe.rtf", AC, "\\object" },
	/* encrypted */
	{ "O:encrypted/encrypted.docx", EN, "encrypted package" },
	{ "O:encrypted/encrypted.xlsm", EN, "encrypted package" },
	{ "O:encrypted/encrypted.pptx", EN, "encrypted package" },
	{ "O:encrypted/encrypted.doc", EN, "FIB" },
	{ "O:encrypted/encrypted.xls", EN, "FILEPASS" },
	{ "O:encrypted/encrypted.ppt", EN, "presentation" },
	{ "O:basic/encrypted.docx", EN, NULL },
	/* clean controls */
	{ "O:msodde/harmless-clean.docx", 0, NULL },
	{ "O:msodde/harmless-clean.docm", 0, NULL },
	{ "O:msodde/harmless-clean.doc", 0, NULL },
	{ "O:msodde/RTF-Spec-1.7.rtf", 0, NULL },
	{ "O:other/presentation.xps", 0, NULL },
	{ "O:basic/text", 0, NULL },
	{ "O:basic/empty", 0, NULL },
	{ "T:clam.pdf", 0, NULL },
	/* plain archives are left to archive.c, even when encrypted */
	{ "T:clam.zip", 0, NULL },
	{ "O:rtfobj/issue_185.rtf.zip", 0, NULL },
};

static char *
row_path(const char *p)
{
	const char *tf = g_getenv("MK_TESTFILES");
	char *rel, *r;

	if (g_str_has_prefix(p, "T:"))
		return g_build_filename(tf ? tf : "/usr/share/clamav-testfiles",
		                        p + 2, NULL);
	rel = g_build_filename("corpora/oletools", p + 2, NULL);
	r = mkt_shared_path(rel);
	g_free(rel);
	return r;
}

static mk_config *cfg_g;

static void
setup(void)
{
	cfg_g = mk_config_defaults();
}

static void
teardown(void)
{
	mk_config_unref(&cfg_g);
}

/* Inspect B as the engine would; returns the node (caller frees). */
static mk_node *
inspect(GBytes *b)
{
	mk_node *n = mk_node_new(MK_NODE_FILE, NULL);
	mk_error err = { 0 };
	mk_ctx ctx;
	char *refined;

	mk_node_set_data(n, b);
	ck_assert_int_eq(mk_sniff(mk_sniffer_thread(NULL), g_bytes_get_data(b, NULL),
	                          g_bytes_get_size(b), &n->true_type, &n->magic,
	                          &err), 0);
	refined = mk_zip_refine_type(g_bytes_get_data(b, NULL), g_bytes_get_size(b),
	                             n->true_type);
	if (refined != NULL) {    /* as the worker's unpack run does first */
		g_free(n->true_type);
		n->true_type = refined;
	}
	mk_ctx_init(&ctx, cfg_g, NULL);
	mk_office_inspect(&ctx, n);
	return n;
}

static unsigned
codes_of(const mk_node *n, const char *detail, bool *detail_found)
{
	unsigned codes = 0;

	*detail_found = detail == NULL;
	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);

		codes |= 1u << f->code;
		ck_assert_msg(f->detail != NULL && *f->detail != '\0', "empty detail");
		if (detail != NULL && strstr(f->detail, detail) != NULL)
			*detail_found = true;
	}
	return codes;
}

START_TEST(test_samples)
{
	const row *r = &rows[_i];
	char *path = row_path(r->path);
	GBytes *b = mkt_read(path);
	mk_node *n = inspect(b);
	bool found;
	unsigned got = codes_of(n, r->detail, &found);

	ck_assert_msg(got == r->codes, "%s [%s]: codes %#x, want %#x", path,
	              n->true_type, got, r->codes);
	ck_assert_msg(found, "%s: no finding detail with '%s'", path, r->detail);
	ck_assert_ptr_eq(n->data, b);   /* never modified */
	mk_node_free(&n);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

static const struct {
	const char *rtf;
	unsigned codes;
} rtf_rows[] = {
	{ "{\\rtf1 plain \\\\object and \\\\objdata are text}", 0 },
	{ "{\\rtf1{\\object\\objemb{\\*\\objdata 01050000}}}", AC },
	{ "{\\rtf1{\\object\\objocx{\\*\\objclass Forms.1}}}", AC },
	{ "{\\rtf1 \\objectx is not a keyword}", 0 },
	{ "{\\rtf1{\\*\\objdata", AC },
};

START_TEST(test_rtf)
{
	GBytes *b = g_bytes_new_static(rtf_rows[_i].rtf, strlen(rtf_rows[_i].rtf));
	mk_node *n = inspect(b);
	bool found;

	ck_assert_uint_eq(codes_of(n, NULL, &found), rtf_rows[_i].codes);
	mk_node_free(&n);
	g_bytes_unref(b);
}
END_TEST

static guint32
le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

/* Broken copies of a clean .doc: must be parse_error, never a hang. */
enum { B_TRUNC, B_DIR_CYCLE, B_FAT_INDEX, B_SHIFT };

START_TEST(test_broken_cfb)
{
	char *path = row_path("O:msodde/harmless-clean.doc");
	GBytes *orig = mkt_read(path), *b;
	gsize len = g_bytes_get_size(orig);
	guint8 *d = g_memdup2(g_bytes_get_data(orig, NULL), len);
	guint32 ssz = 512, fat0 = le32(d + 0x4C), dir0 = le32(d + 0x30);
	guint8 *fat = d + (gsize)(fat0 + 1) * ssz;

	ck_assert_uint_lt((fat0 + 2) * ssz, len);
	switch (_i) {
	case B_TRUNC:       len = 1024; break;
	case B_DIR_CYCLE:   /* FAT[dir0] = dir0: the directory chain loops */
		for (int k = 0; k < 4; k++)
			fat[4 * dir0 + k] = (guint8)(dir0 >> (8 * k));
		break;
	case B_FAT_INDEX:   memset(d + 0x4C, 0x7F, 4); break;
	case B_SHIFT:       d[0x1E] = 30; break;
	}
	b = g_bytes_new_take(d, len);
	{
		mk_node *n = inspect(b);

		ck_assert_msg(mk_node_has_finding(n, MK_F_PARSE_ERROR), "case %d", _i);
		mk_node_free(&n);
	}
	g_bytes_unref(b);
	g_bytes_unref(orig);
	g_free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("office");
	TCase *tc = tcase_create("office");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_samples, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_rtf, 0, G_N_ELEMENTS(rtf_rows));
	tcase_add_loop_test(tc, test_broken_cfb, 0, B_SHIFT + 1);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
