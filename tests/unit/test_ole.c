/*
 * NAME
 *   test_ole - the compound file reader/writer (filters/f_cfb*.c) and the
 *   legacy Office filter (filters/f_ole*.c), in process
 *
 * DESCRIPTION
 *   Round trips of trees built here (empty, mini and big streams at the
 *   4096-byte cutoff, nested storages, many siblings, a FAT large enough
 *   for DIFAT sectors) through mk_cfb_write and mk_cfb_read; damaged
 *   files (not CFB, a looping chain, a truncated file) fail with
 *   MK_ERR_DATA.  Rows over the oletools corpus: the verdict, the notes,
 *   and the output read again: no VBA/Macros/ObjectPool/MBD storage, an
 *   Excel output without macro sheet (BOUNDSHEET type 1) or Auto_Open
 *   name, and a second pass that removes nothing more.
 */
#include <string.h>

#include "f_cfb.h"
#include "f_ole.h"
#include "testutil.h"

static const mk_wopts opts = { .max_output = 64 << 20 };

static mk_cfb_entry *entry(const char *name, int type, gsize size, guint8 fill)
{
	mk_cfb_entry *e = g_new0(mk_cfb_entry, 1);

	e->name = g_strdup(name);
	e->wname = g_utf8_to_utf16(name, -1, NULL, &e->wlen, NULL);
	e->type = type;
	e->clsid[0] = fill;
	if (type == MK_CFB_STREAM) {
		guint8 *d = g_malloc(size + 1);
		for (gsize i = 0; i < size; i++)
			d[i] = (guint8)(fill + i * 7);
		e->data = g_bytes_new_take(d, size);
	} else {
		e->kids = g_ptr_array_new();
	}
	return e;
}

/* Same names, types, CLSIDs and data, in any order of siblings. */
static void assert_same(const mk_cfb_entry *a, const mk_cfb_entry *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_int_eq(a->type, b->type);
	ck_assert(memcmp(a->clsid, b->clsid, 16) == 0);
	if (a->type == MK_CFB_STREAM) {
		ck_assert_msg(g_bytes_equal(a->data, b->data), "%s: data differs", a->name);
		return;
	}
	ck_assert_uint_eq(a->kids->len, b->kids->len);
	for (guint i = 0; i < a->kids->len; i++) {
		const mk_cfb_entry *k = g_ptr_array_index(a->kids, i);
		const mk_cfb_entry *m = mk_cfb_child(b, k->name);
		ck_assert_msg(m != NULL, "%s lost", k->name);
		assert_same(k, m);
	}
}

static void free_tree(mk_cfb_entry *e)
{
	for (guint i = 0; e->kids && i < e->kids->len; i++)
		free_tree(g_ptr_array_index(e->kids, i));
	if (e->kids) {
		g_ptr_array_unref(e->kids);
		e->kids = NULL;
	}
	mk_cfb_free(&e);
}

static const gsize sizes[] = { 0, 1, 63, 64, 65, 4095, 4096, 4097, 70000 };

START_TEST(test_roundtrip)
{
	mk_cfb_entry *root = entry("Root Entry", MK_CFB_ROOT, 0, 0);
	mk_cfb_entry *st = entry("Storage", MK_CFB_STORAGE, 0, 9);
	mk_error err = { 0 };
	char name[32];

	for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_snprintf(name, sizeof name, "s%zu", sizes[i]);
		g_ptr_array_add(root->kids, entry(name, MK_CFB_STREAM, sizes[i], (guint8)i));
	}
	for (int i = 0; i < 40; i++) {
		g_snprintf(name, sizeof name, i % 2 ? "\001Ole%d" : "Kid%d", i);
		g_ptr_array_add(st->kids, entry(name, MK_CFB_STREAM, (gsize)i * 300, (guint8)i));
	}
	g_ptr_array_add(st->kids, entry("Inner", MK_CFB_STORAGE, 0, 3));
	g_ptr_array_add(root->kids, st);
	if (_i == 1)   /* over 109 FAT sectors: DIFAT sectors */
		g_ptr_array_add(root->kids, entry("Big", MK_CFB_STREAM, 8 << 20, 5));

	GBytes *out = mk_cfb_write(root, 64 << 20, &err);
	ck_assert_msg(out != NULL, "%s", err.msg);
	mk_cfb_entry *back = mk_cfb_read(out, &err);
	ck_assert_msg(back != NULL, "%s", err.msg);
	assert_same(root, back);
	mk_cfb_free(&back);
	g_bytes_unref(out);
	ck_assert_ptr_null(mk_cfb_write(root, 4096, &err));
	ck_assert_int_eq(err.code, MK_ERR_LIMIT);
	free_tree(root);
}
END_TEST

static guint8 *small_file(gsize *len)
{
	mk_cfb_entry *root = entry("Root Entry", MK_CFB_ROOT, 0, 0);
	mk_error err = { 0 };

	g_ptr_array_add(root->kids, entry("A", MK_CFB_STREAM, 5000, 1));
	GBytes *b = mk_cfb_write(root, 1 << 20, &err);
	free_tree(root);
	return g_bytes_unref_to_data(b, len);
}

/* 0: not CFB; 1: truncated; 2: the stream's chain loops; 3: the
 * directory's siblings loop. */
START_TEST(test_damaged)
{
	gsize len = 0;
	guint8 *d = small_file(&len);
	mk_error err = { 0 };

	/* layout: header, A (10 sectors: 0..9), directory (10), FAT (11) */
	if (_i == 0)
		d[0] = 'X';
	else if (_i == 1)
		len = 512 + 5 * 512;
	else if (_i == 2)
		memcpy(d + 512 + 11 * 512 + 4 * 5, "\x02\x00\x00\x00", 4);
	else
		memcpy(d + 512 + 10 * 512 + 128 + 68, "\x01\x00\x00\x00", 4);
	GBytes *b = g_bytes_new_take(d, len);
	mk_cfb_entry *e = mk_cfb_read(b, &err);
	ck_assert_msg(e == NULL, "row %d read", _i);
	ck_assert_int_eq(err.code, MK_ERR_DATA);
	g_bytes_unref(b);
}
END_TEST

#define PPT "application/vnd.ms-powerpoint"

static const struct row {
	const char *path;     /* under corpora/oletools */
	int rc;
	const char *note;     /* in some note, or NULL */
	const char *type;
} rows[] = {
	{ "msodde/harmless-clean.doc", 0, NULL, "application/msword" },
	{ "excel4-macros/excel4_sample_macro.xls", 0, "xlm_sheet 1: ", "application/vnd.ms-excel" },
	{ "excel4-macros/excel4_sample_macro.xls", 0, "auto_name ", "application/vnd.ms-excel" },
	{ "excel4-macros/excel4_sample_macro_excel5_format.xls", 0, "auto_name ",
	  "application/vnd.ms-excel" },
	{ "oleobj/embedded-simple-2007.doc", 0, "object ", "application/msword" },
	{ "oleobj/embedded-simple-2007.xls", 0, "object ", "application/vnd.ms-excel" },
	{ "oleobj/sample_with_calc_embedded.doc", 0, "object ", "application/msword" },
	{ "olevba/sample_with_vba.ppt", 0, "vba 1: ", PPT },
	{ "olevba/sample_with_vba.ppt", 0, "action 1: ", PPT },
	{ "oleobj/embedded-simple-2007.ppt", 0, "object 1: ", PPT },
	{ "oleobj/embedded-simple-2007.pps", 0, "object 1: ", PPT },
	{ "oleobj/embedded-simple-2007.pot", 0, "object 1: ", PPT },
	{ "oleobj/sample_with_lnk_file.ppt", 0, "object 1: ", PPT },
	{ "oleobj/sample_with_lnk_file.pps", 0, "object 1: ", PPT },
	{ "encrypted/encrypted.doc", MK_ERR_DATA, NULL, NULL },
	{ "encrypted/encrypted.xls", MK_ERR_DATA, NULL, NULL },
	{ "encrypted/encrypted.ppt", MK_ERR_DATA, NULL, NULL },
};

static bool notes_have(GPtrArray *notes, const char *sub)
{
	for (guint i = 0; i < notes->len; i++)
		if (strstr(notes->pdata[i], sub))
			return true;
	return false;
}

/* No active storage anywhere in E. */
static void assert_inert(const mk_cfb_entry *e)
{
	static const char *const gone[] = { "Macros", "_VBA_PROJECT_CUR", "VBA",
		"ObjectPool", "\001Ole10Native", "\001Ole", NULL };
	for (guint i = 0; e->kids && i < e->kids->len; i++) {
		const mk_cfb_entry *k = g_ptr_array_index(e->kids, i);
		for (int g = 0; gone[g]; g++)
			ck_assert_msg(g_ascii_strcasecmp(k->name, gone[g]) != 0, "%s kept", k->name);
		ck_assert_msg(g_ascii_strncasecmp(k->name, "MBD", 3) != 0, "%s kept", k->name);
		assert_inert(k);
	}
}

/* Excel: no BOUNDSHEET of a macro sheet, no built-in Auto_Open name. */
static void assert_no_xlm(const mk_cfb_entry *root)
{
	const mk_cfb_entry *b = mk_cfb_child(root, "Workbook");
	gsize len = 0;
	const guint8 *d;
	int at;

	if (b == NULL)
		b = mk_cfb_child(root, "Book");
	d = b ? g_bytes_get_data(b->data, &len) : NULL;
	at = d && len > 6 && d[4] == 0x00 && d[5] == 0x06 ? 19 : 18;   /* BIFF8 : 5 */

	for (gsize off = 0; d && off + 4 <= len;) {
		guint16 t = (guint16)(d[off] | d[off + 1] << 8), l = (guint16)(d[off + 2] | d[off + 3] << 8);
		if (t == 0x0085 && l >= 6)
			ck_assert_msg(d[off + 9] != 1 && d[off + 9] != 6, "macro sheet kept");
		if (t == 0x0018 && l >= 16 && (d[off + 4] & 0x20))
			ck_assert_msg(d[off + at] != 1, "Auto_Open kept");
		if (t == 0x0018 && l >= 16)
			ck_assert_msg(g_ascii_strncasecmp((const char *)d + off + at, "auto_", 5) != 0,
			              "Auto_Open kept");
		off += 4 + l;
	}
}

/* PowerPoint document streams built here, one kind of active record per
 * row: what mk_ole_ppt counts, that no byte of a storage or a link
 * target survives, and that a second run changes nothing. */
static const struct ppt_row {
	const char *name, *bytes;    /* NULL: 65 nested containers */
	gsize len;
	int rc;                      /* 0 or -1 (MK_ERR_DATA) */
	mk_fnote_code code;
	int count;
} ppt_rows[] = {
	{ "VBA project and its storage",
	  "\x0f\x00\xe8\x03\x1c\x00\x00\x00\x0f\x00\xff\x03\x14\x00\x00\x00\x00\x00\x00\x04\x0c\x00\x00\x00\x03\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x10\x00\x11\x10\x09\x00\x00\x00\x10\x00\x00\x00\x78\x9c\x61\x62\x63", 53, 0, MK_FN_VBA, 1 },
	{ "embedded object",
	  "\x0f\x00\x09\x04\x28\x00\x00\x00\x0f\x00\xcc\x0f\x20\x00\x00\x00\x00\x00\xc3\x0f\x18\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x10\x00\x11\x10\x09\x00\x00\x00\x10\x00\x00\x00\x78\x9c\x61\x62\x63", 65, 0, MK_FN_OBJECT, 1 },
	{ "linked object",
	  "\x0f\x00\x09\x04\x28\x00\x00\x00\x0f\x00\xce\x0f\x20\x00\x00\x00\x00\x00\xc3\x0f\x18\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x10\x00\x11\x10\x09\x00\x00\x00\x10\x00\x00\x00\x78\x9c\x61\x62\x63", 65, 0, MK_FN_OLE_LINK, 1 },
	{ "ActiveX control",
	  "\x0f\x00\x09\x04\x28\x00\x00\x00\x0f\x00\xee\x0f\x20\x00\x00\x00\x00\x00\xc3\x0f\x18\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x10\x00\x11\x10\x09\x00\x00\x00\x10\x00\x00\x00\x78\x9c\x61\x62\x63", 65, 0, MK_FN_CONTROL, 1 },
	{ "a storage nothing points at",
	  "\x10\x00\x11\x10\x09\x00\x00\x00\x10\x00\x00\x00\x78\x9c\x61\x62\x63", 17, 0, MK_FN_OBJECT, 1 },
	{ "run a program on click",
	  "\x0f\x00\xf2\x0f\x18\x00\x00\x00\x00\x00\xf3\x0f\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\xff\x00\x00\x00", 32, 0, MK_FN_ACTION, 1 },
	{ "run a macro on click",
	  "\x0f\x00\xf2\x0f\x18\x00\x00\x00\x00\x00\xf3\x0f\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\xff\x00\x00\x00", 32, 0, MK_FN_ACTION, 1 },
	{ "jump to the next slide stays",
	  "\x0f\x00\xf2\x0f\x18\x00\x00\x00\x00\x00\xf3\x0f\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00", 32, 0, MK_FN_ACTION, 0 },
	{ "file link",
	  "\x0f\x00\xd7\x0f\x32\x00\x00\x00\x00\x00\xd3\x0f\x04\x00\x00\x00\x07\x00\x00\x00\x00\x00\xba\x0f\x02\x00\x00\x00\x78\x00\x10\x00\xba\x0f\x14\x00\x00\x00\x66\x00\x69\x00\x6c\x00\x65\x00\x3a\x00\x2f\x00\x2f\x00\x68\x00\x2f\x00\x73\x00\x0f\x00\xf2\x0f\x18\x00\x00\x00\x00\x00\xf3\x0f\x10\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00\x04\x00\x00\x00\x0a\x00\x00\x00", 90, 0, MK_FN_OTHER_LINK, 1 },
	{ "web link",
	  "\x0f\x00\xd7\x0f\x2e\x00\x00\x00\x00\x00\xd3\x0f\x04\x00\x00\x00\x08\x00\x00\x00\x10\x00\xba\x0f\x1a\x00\x00\x00\x68\x00\x74\x00\x74\x00\x70\x00\x73\x00\x3a\x00\x2f\x00\x2f\x00\x61\x00\x2e\x00\x6a\x00\x70\x00\x2f\x00\x0f\x00\xf2\x0f\x18\x00\x00\x00\x00\x00\xf3\x0f\x10\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x04\x00\x00\x00\x08\x00\x00\x00", 86, 0, MK_FN_WEB_UNLINKED, 1 },
	{ "sound file path",
	  "\x0f\x00\x0e\x10\x2a\x00\x00\x00\x00\x00\x04\x10\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xba\x0f\x12\x00\x00\x00\x5c\x00\x5c\x00\x68\x00\x5c\x00\x73\x00\x2e\x00\x77\x00\x61\x00\x76\x00", 50, 0, MK_FN_MEDIA_LINK, 1 },
	{ "atom past the stream",
	  "\x00\x00\xba\x0f\x02\x00\x00\x00\x61", 9, -1, MK_FN_VBA, 0 },
	{ "atom past its container",
	  "\x0f\x00\xe8\x03\x0c\x00\x00\x00\x00\x00\xba\x0f\x05\x00\x00\x00\x61\x62\x63\x64\x77\x78\x79\x7a", 24, -1, MK_FN_VBA, 0 },
	{ "encrypted",
	  "\x0f\x00\x14\x2f\x0c\x00\x00\x00\x00\x00\x15\x2f\x04\x00\x00\x00\x31\x32\x33\x34", 20, -1, MK_FN_VBA, 0 },
	{ "nested 65 deep", NULL, 520, -1, MK_FN_VBA, 0 },
};

START_TEST(test_ppt_records)
{
	const struct ppt_row *r = &ppt_rows[_i];
	int counts[MK_FN_N] = { 0 }, again[MK_FN_N] = { 0 };
	guint8 *d = g_malloc0(r->len);
	mk_error err = { 0 };

	if (r->bytes)
		memcpy(d, r->bytes, r->len);
	else
		for (gsize i = 0; i < 65; i++)
		{
			gsize n = r->len - 8 - i * 8;
			memcpy(d + i * 8, "\x0f\x00\xe8\x03", 4);
			d[i * 8 + 4] = (guint8)n, d[i * 8 + 5] = (guint8)(n >> 8);
		}
	GBytes *b = g_bytes_new_take(d, r->len);
	int rc = mk_ole_ppt(&b, counts, &err);
	ck_assert_msg(rc == (r->rc ? MK_ERR_DATA : 0), "%s: rc %d (%s)", r->name, rc, err.msg);
	if (rc == 0) {
		ck_assert_msg(counts[r->code] == r->count, "%s: count %d", r->name, counts[r->code]);
		for (int c = 0; c < MK_FN_N; c++)
			ck_assert_msg(c == (int)r->code || counts[c] == 0, "%s: code %d counted", r->name, c);
		gsize len = 0;
		const guint8 *o = g_bytes_get_data(b, &len);
		ck_assert_uint_eq(len, r->len);
		ck_assert_msg(!memmem(o, len, "x\x9c" "abc", 5), "%s: storage kept", r->name);
		ck_assert_msg(!memmem(o, len, "f\0i\0l\0e\0", 8), "%s: file target kept", r->name);
		ck_assert_msg(!memmem(o, len, "a\0.\0j\0p\0", 8), "%s: web target kept", r->name);
		ck_assert_msg(!memmem(o, len, "w\0a\0v\0", 6), "%s: media path kept", r->name);
		ck_assert_int_eq(mk_ole_ppt(&b, again, &err), 0);
		for (int c = 0; c < MK_FN_N; c++)
			ck_assert_msg(again[c] == 0, "%s: again: code %d", r->name, c);
	}
	g_bytes_unref(b);
}
END_TEST

START_TEST(test_samples)
{
	const struct row *r = &rows[_i];
	char *rel = g_strconcat("corpora/oletools/", r->path, NULL);
	char *path = mkt_shared_path(rel);
	GBytes *in = mkt_read(path), *out = NULL, *again = NULL;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	mk_error err = { 0 };
	char *type = NULL;

	int rc = mk_wfilter_ole.run(in, &opts, &out, &type, notes, &err);
	ck_assert_msg(rc == r->rc, "%s: rc %d (%s)", r->path, rc, err.msg);
	if (rc == 0) {
		ck_assert_str_eq(type, r->type);
		if (r->note)
			ck_assert_msg(notes_have(notes, r->note), "%s: no note %s", r->path, r->note);
		mk_cfb_entry *root = mk_cfb_read(out, &err);
		ck_assert_msg(root != NULL, "%s: output: %s", r->path, err.msg);
		assert_inert(root);
		assert_no_xlm(root);
		mk_cfb_free(&root);
		g_free(type);
		g_ptr_array_set_size(notes, 0);
		ck_assert_int_eq(mk_wfilter_ole.run(out, &opts, &again, &type, notes, &err), 0);
		ck_assert_msg(notes->len == 0, "%s: again: %s", r->path, (char *)notes->pdata[0]);
		g_bytes_unref(again);
		g_bytes_unref(out);
	}
	g_free(type);
	g_ptr_array_unref(notes);
	g_bytes_unref(in);
	g_free(path);
	g_free(rel);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ole");
	TCase *tc = tcase_create("ole");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_roundtrip, 0, 2);
	tcase_add_loop_test(tc, test_damaged, 0, 4);
	tcase_add_loop_test(tc, test_samples, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_ppt_records, 0, G_N_ELEMENTS(ppt_rows));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
