/*
 * NAME
 *   test_tnef - unit tests of the TNEF parser (src/model/tnef.c)
 *
 * DESCRIPTION
 *   Rows over the real corpus (../shared/corpora/tnef: every .tnef, names
 *   compared with its .list), ClamAV's clam.tnef (the clam.exe child by
 *   sha256), cut and byte-flipped copies of every corpus file (no crash,
 *   parse_error), limit rows, mk_tnef_is_tnef rows, and synthetic streams for
 *   name charsets, named/multi-valued MAPI properties, PT_OBJECT and RTF.
 */
#include <string.h>

#include "testutil.h"
#include "tnef.h"

#define CLAM_SHA256 \
	"71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"

typedef struct {
	mk_config *cfg;
	mk_ctx ctx;
	mk_node *leaf;
} run_t;

static void
run_bytes(run_t *r, GBytes *b, bool expired)
{
	mk_error err = { 0 };

	if (r->cfg == NULL)
		r->cfg = mk_config_defaults();
	mk_ctx_init(&r->ctx, r->cfg, NULL);
	if (expired)
		r->ctx.deadline_us = 1;
	r->leaf = mk_node_new(MK_NODE_PART, NULL);
	mk_node_set_data(r->leaf, b);
	ck_assert_int_eq(mk_tnef_expand(&r->ctx, r->leaf, &err), 0);
}

static void
run_free(run_t *r)
{
	mk_node_free(&r->leaf);
	mk_config_unref(&r->cfg);
}

static GBytes *
corpus(const char *base)
{
	char *rel = g_strdup_printf("corpora/tnef/%s.tnef", base);
	char *path = mkt_shared_path(rel);
	GBytes *b = mkt_read(path);

	g_free(path);
	g_free(rel);
	return b;
}

static mk_node *
child_named(const mk_node *leaf, const char *name)
{
	for (guint i = 0; i < leaf->children->len; i++) {
		mk_node *c = g_ptr_array_index(leaf->children, i);
		if (g_strcmp0(c->declared_name, name) == 0)
			return c;
	}
	return NULL;
}

/* --- corpus ------------------------------------------------------------ */

static const struct {
	const char *base;
	guint children;      /* attachments + bodies */
} corpus_rows[] = {
	{ "MAPI_ATTACH_DATA_OBJ", 4 }, { "MAPI_OBJECT", 2 }, { "body", 1 },
	{ "data-before-name", 4 }, { "garbage-at-end", 0 },
	{ "long-filename", 2 }, { "missing-filenames", 5 },
	{ "multi-name-property", 0 }, { "multi-value-attribute", 2 },
	{ "one-file", 1 }, { "rtf", 1 }, { "triples", 2 }, { "two-files", 2 },
	{ "unicode-mapi-attr-name", 5 }, { "unicode-mapi-attr", 2 },
};
#define N_CORPUS G_N_ELEMENTS(corpus_rows)

/* .list lines are the names upstream's tool writes; "BASE-body.EXT" is the
 * message body, which we call "body.EXT". */
static void
check_list(const mk_node *leaf, const char *base)
{
	char *rel = g_strdup_printf("corpora/tnef/%s.list", base);
	char *path = mkt_shared_path(rel);
	char *text = NULL, *prefix = g_strdup_printf("%s-body.", base);
	char **lines;

	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		const char *want = *l;
		char *body = NULL;
		if (*want == '\0')
			continue;
		if (g_str_has_prefix(want, prefix))
			want = body = g_strconcat("body.", want + strlen(prefix), NULL);
		ck_assert_msg(child_named(leaf, want) != NULL, "%s: no child %s",
		              base, want);
		g_free(body);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(prefix);
	g_free(path);
	g_free(rel);
}

START_TEST(test_corpus_row)
{
	run_t r = { 0 };
	GBytes *b = corpus(corpus_rows[_i].base);
	gint64 sum = 0;

	run_bytes(&r, b, false);
	ck_assert_msg(r.leaf->findings->len == 0, "%s: unexpected finding %s",
	              corpus_rows[_i].base, r.leaf->findings->len ?
	              ((mk_finding *)r.leaf->findings->pdata[0])->detail : "");
	ck_assert_uint_eq(r.leaf->children->len, corpus_rows[_i].children);
	check_list(r.leaf, corpus_rows[_i].base);
	for (guint i = 0; i < r.leaf->children->len; i++) {
		mk_node *c = g_ptr_array_index(r.leaf->children, i);
		gsize n = 0;
		const char *d = g_bytes_get_data(c->data, &n);
		ck_assert_int_eq(c->kind, MK_NODE_EMBEDDED);
		char *want_path = g_strdup_printf("1.%u", i + 1);
		ck_assert_str_eq(c->path, want_path);
		g_free(want_path);
		sum += c->size;
		if (g_strcmp0(c->declared_name, "body.rtf") == 0)
			ck_assert_msg(n > 6 && memcmp(d, "{\\rtf1", 6) == 0,
			              "%s: body.rtf is not RTF", corpus_rows[_i].base);
	}
	ck_assert_int_eq(r.ctx.nodes, r.leaf->children->len);
	ck_assert_int_eq(r.ctx.unpacked, sum);
	g_bytes_unref(b);
	run_free(&r);
}
END_TEST

/* Every .tnef in the corpus has a row above. */
START_TEST(test_corpus_complete)
{
	char *dir = mkt_shared_path("corpora/tnef");
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *f;
	guint seen = 0;

	ck_assert(d != NULL);
	while ((f = g_dir_read_name(d)) != NULL) {
		bool found = false;
		if (!g_str_has_suffix(f, ".tnef"))
			continue;
		for (guint i = 0; i < N_CORPUS; i++) {
			char *n = g_strconcat(corpus_rows[i].base, ".tnef", NULL);
			found = found || strcmp(n, f) == 0;
			g_free(n);
		}
		ck_assert_msg(found, "%s has no row", f);
		seen++;
	}
	ck_assert_uint_eq(seen, N_CORPUS);
	g_dir_close(d);
	g_free(dir);
}
END_TEST

START_TEST(test_clam_tnef)
{
	const char *dir = g_getenv("MK_TESTFILES");
	char *path = g_build_filename(dir ? dir : "/usr/share/clamav-testfiles",
	                              "clam.tnef", NULL);
	GBytes *b = mkt_read(path);
	run_t r = { 0 };
	bool found = false;

	run_bytes(&r, b, false);
	for (guint i = 0; i < r.leaf->children->len; i++) {
		mk_node *c = g_ptr_array_index(r.leaf->children, i);
		found = found || strcmp(c->sha256, CLAM_SHA256) == 0;
	}
	ck_assert(found);
	ck_assert_str_eq(child_named(r.leaf, "clam.exe")->sha256, CLAM_SHA256);
	/* clam.tnef carries hand-edited strings with stale checksums */
	ck_assert(mk_node_has_finding(r.leaf, MK_F_PARSE_ERROR));
	g_bytes_unref(b);
	g_free(path);
	run_free(&r);
}
END_TEST

/* --- damaged input ------------------------------------------------------ */

START_TEST(test_truncated_row)
{
	GBytes *b = corpus(corpus_rows[_i].base);
	gsize len = g_bytes_get_size(b);
	const gsize cuts[] = { 3, 10, len / 4, len / 2, 3 * len / 4, len - 3 };

	for (guint k = 0; k < G_N_ELEMENTS(cuts); k++) {
		GBytes *cut = g_bytes_new_from_bytes(b, 0, cuts[k]);
		run_t r = { 0 };
		run_bytes(&r, cut, false);
		ck_assert_msg(mk_node_has_finding(r.leaf, MK_F_PARSE_ERROR),
		              "%s cut at %" G_GSIZE_FORMAT ": no parse_error",
		              corpus_rows[_i].base, cuts[k]);
		g_bytes_unref(cut);
		run_free(&r);
	}
	g_bytes_unref(b);
}
END_TEST

static GBytes *
flipped(GBytes *b, gsize at)
{
	gsize len = g_bytes_get_size(b);
	guint8 *d = g_memdup2(g_bytes_get_data(b, NULL), len);

	d[at] ^= 0xFF;
	return g_bytes_new_take(d, len);
}

START_TEST(test_flipped_row)
{
	GBytes *b = corpus(corpus_rows[_i].base);
	gsize len = g_bytes_get_size(b), step = len / 97 + 1;

	/* anywhere: never crash, never more than the input holds */
	for (gsize at = 0; at < len; at += step) {
		GBytes *f = flipped(b, at);
		run_t r = { 0 };
		run_bytes(&r, f, false);
		ck_assert_int_le(r.ctx.unpacked, (gint64)len * 64);
		g_bytes_unref(f);
		run_free(&r);
	}
	/* signature and first attribute's data: always a parse_error */
	for (gsize k = 0; k < 2; k++) {
		GBytes *f = flipped(b, k == 0 ? 0 : 15);
		run_t r = { 0 };
		run_bytes(&r, f, false);
		ck_assert(mk_node_has_finding(r.leaf, MK_F_PARSE_ERROR));
		g_bytes_unref(f);
		run_free(&r);
	}
	g_bytes_unref(b);
}
END_TEST

/* --- limits ---------------------------------------------------------------- */

static const struct {
	const char *base;
	gint64 max_parts, max_member, max_unpacked;
	bool expired;
} limit_rows[] = {
	{ "two-files", 1, 0, 0, false },
	{ "unicode-mapi-attr-name", 3, 0, 0, false },
	{ "one-file", 0, 100, 0, false },
	{ "missing-filenames", 0, 0, 70000, false },
	{ "rtf", 0, 200, 0, false },
	{ "rtf", 0, 0, 0, true },
};

START_TEST(test_limit_row)
{
	GBytes *b = corpus(limit_rows[_i].base);
	run_t r = { 0 };

	r.cfg = mk_config_defaults();
	if (limit_rows[_i].max_parts)
		r.cfg->limits.max_parts = limit_rows[_i].max_parts;
	if (limit_rows[_i].max_member)
		r.cfg->limits.max_member_size = limit_rows[_i].max_member;
	if (limit_rows[_i].max_unpacked)
		r.cfg->limits.max_unpacked_size = limit_rows[_i].max_unpacked;
	run_bytes(&r, b, limit_rows[_i].expired);
	ck_assert(mk_node_has_finding(r.leaf, MK_F_LIMIT));
	ck_assert_int_le(r.ctx.nodes, r.cfg->limits.max_parts);
	ck_assert_int_le(r.ctx.unpacked, r.cfg->limits.max_unpacked_size);
	for (guint i = 0; i < r.leaf->children->len; i++)
		ck_assert_int_le(((mk_node *)r.leaf->children->pdata[i])->size,
		                 r.cfg->limits.max_member_size);
	g_bytes_unref(b);
	run_free(&r);
}
END_TEST

/* --- mk_tnef_is_tnef --------------------------------------------------------- */

static const struct {
	const char *bytes;
	gsize len;
	bool want;
} sig_rows[] = {
	{ "\x78\x9f\x3e\x22\x01\x00", 6, true },
	{ "\x78\x9f\x3e\x22\x01\x00\x01\x06", 8, true },
	{ "\x78\x9f\x3e\x22\x01", 5, false },
	{ "\x22\x3e\x9f\x78\x01\x00", 6, false },
	{ "PK\x03\x04\x00\x00", 6, false },
	{ "", 0, false },
	{ NULL, 0, false },
};

START_TEST(test_is_tnef_row)
{
	ck_assert(mk_tnef_is_tnef(sig_rows[_i].bytes, sig_rows[_i].len) ==
	          sig_rows[_i].want);
}
END_TEST

/* --- synthetic streams ------------------------------------------------------ */

static void
put16(GByteArray *a, guint16 v)
{
	guint8 b[2] = { v & 0xFF, v >> 8 };

	g_byte_array_append(a, b, 2);
}

static void
put32(GByteArray *a, guint32 v)
{
	guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24 };

	g_byte_array_append(a, b, 4);
}

static GByteArray *
tnef_new(void)
{
	GByteArray *t = g_byte_array_new();

	put32(t, 0x223E9F78u);
	put16(t, 0x1234);
	return t;
}

static void
put_attr(GByteArray *t, guint8 level, guint32 id, const void *d, gsize n)
{
	guint32 sum = 0;

	g_byte_array_append(t, &level, 1);
	put32(t, id);
	put32(t, (guint32)n);
	g_byte_array_append(t, d, (guint)n);
	for (gsize i = 0; i < n; i++)
		sum += ((const guint8 *)d)[i];
	put16(t, sum & 0xFFFF);
}

/* One variable-length MAPI value (count 1, length, data, padding). */
static void
put_var(GByteArray *m, guint16 type, guint16 id, const void *d, gsize n)
{
	static const guint8 zero[4] = { 0 };

	put32(m, ((guint32)id << 16) | type);
	put32(m, 1);
	put32(m, (guint32)n);
	g_byte_array_append(m, d, (guint)n);
	g_byte_array_append(m, zero, (4 - (n & 3)) & 3);
}

/* Named property (string kind) + multi-valued PT_LONG, to be skipped. */
static void
put_noise(GByteArray *m)
{
	static const guint8 guid[16] = { 1, 2, 3 };
	static const guint8 kw[] = "K\0e\0y\0";

	put32(m, (0x8001u << 16) | 0x0003);
	g_byte_array_append(m, guid, 16);
	put32(m, 1);
	put32(m, 6);
	g_byte_array_append(m, kw, 6);
	put16(m, 0);
	put32(m, 42);
	put32(m, (0x0E21u << 16) | 0x1003);
	put32(m, 2);
	put32(m, 7);
	put32(m, 8);
}

static const struct {
	guint16 type;
	const char *name;
	gsize len;
	guint32 codepage;
	const char *want;
} name_rows[] = {
	{ 0x1E, "\x83\x65\x83\x58\x83\x67.txt", 10, 932, "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt" },
	{ 0x1E, "\x83\x65\x83\x58\x83\x67.txt", 10, 0, "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt" },
	{ 0x1E, "caf\xe9.txt", 8, 1252, "caf\xc3\xa9.txt" },
	{ 0x1E, "caf\xe9.txt", 8, 0, "caf\xc3\xa9.txt" },
	{ 0x1E, "plain.txt\0\0", 11, 0, "plain.txt" },
	{ 0x1F, "\xe5\x65\x2c\x67.\0p\0d\0f\0\0\0", 14, 0, "\xe6\x97\xa5\xe6\x9c\xac.pdf" },
};

START_TEST(test_name_row)
{
	GByteArray *t = tnef_new(), *m = g_byte_array_new();
	guint8 cp[8] = { 0 };
	GBytes *b;
	run_t r = { 0 };
	mk_node *c;

	cp[0] = name_rows[_i].codepage & 0xFF;
	cp[1] = name_rows[_i].codepage >> 8;
	if (name_rows[_i].codepage)
		put_attr(t, 1, 0x00069007, cp, 8);
	put_attr(t, 2, 0x00069002, "\x01\x00\xff\xff\xff\xff", 6);
	put_attr(t, 2, 0x0006800F, "hello", 5);
	put_attr(t, 2, 0x00018010, "SHORT.TXT", 10);
	put32(m, 3);
	put_noise(m);
	put_var(m, name_rows[_i].type, 0x3707, name_rows[_i].name,
	        name_rows[_i].len);
	put_attr(t, 2, 0x00069005, m->data, m->len);
	b = g_byte_array_free_to_bytes(t);
	run_bytes(&r, b, false);
	ck_assert_uint_eq(r.leaf->findings->len, 0);
	ck_assert_uint_eq(r.leaf->children->len, 1);
	c = g_ptr_array_index(r.leaf->children, 0);
	ck_assert_str_eq(c->declared_name, name_rows[_i].want);
	ck_assert_int_eq(c->size, 5);
	g_byte_array_unref(m);
	g_bytes_unref(b);
	run_free(&r);
}
END_TEST

/* PT_OBJECT data object holding an embedded message: IID dropped, the
 * nested TNEF stream becomes an application/ms-tnef child. */
START_TEST(test_object_embedded_message)
{
	static const guint8 iid[16] = { 0x07, 0x03, 0x02, 0, 0, 0, 0, 0,
	                                0xC0, 0, 0, 0, 0, 0, 0, 0x46 };
	GByteArray *inner = tnef_new(), *obj = g_byte_array_new();
	GByteArray *m = g_byte_array_new(), *t = tnef_new();
	GBytes *b;
	run_t r = { 0 };
	mk_node *c;

	put_attr(inner, 1, 0x800C, "inner body", 10);
	g_byte_array_append(obj, iid, 16);
	g_byte_array_append(obj, inner->data, inner->len);
	put32(m, 2);
	put_var(m, 0x0D, 0x3701, obj->data, obj->len);
	put_var(m, 0x1E, 0x3001, "Forwarded", 10);
	put_attr(t, 2, 0x00069002, "\x01\x00", 2);
	put_attr(t, 2, 0x00069005, m->data, m->len);
	b = g_byte_array_free_to_bytes(t);
	run_bytes(&r, b, false);
	ck_assert_uint_eq(r.leaf->children->len, 1);
	c = g_ptr_array_index(r.leaf->children, 0);
	ck_assert_str_eq(c->declared_name, "Forwarded");
	ck_assert_str_eq(c->declared_type, "application/ms-tnef");
	ck_assert_int_eq(c->size, inner->len);
	ck_assert(memcmp(g_bytes_get_data(c->data, NULL), inner->data,
	                 inner->len) == 0);
	g_byte_array_unref(inner);
	g_byte_array_unref(obj);
	g_byte_array_unref(m);
	g_bytes_unref(b);
	run_free(&r);
}
END_TEST

/* Message bodies: PR_BODY (UTF-16 → UTF-8), RTF stored ("MELA") and
 * LZFu-compressed (the example of MS-OXRTFCP). */
static const struct {
	const char *rtf;
	gsize len;
	const char *want;
} rtf_rows[] = {
	{ "\x0e\x00\x00\x00\x0a\x00\x00\x00MELA\x00\x00\x00\x00{\\rtf1 hi}", 26,
	  "{\\rtf1 hi}" },
	{ "\x2d\x00\x00\x00\x2b\x00\x00\x00\x4c\x5a\x46\x75\xf1\xc5\xc7\xa7"
	  "\x03\x00\x0a\x00\x72\x63\x70\x67\x31\x32\x35\x42\x32\x0a\xf3\x20"
	  "\x68\x65\x6c\x09\x00\x20\x62\x77\x05\xb0\x6c\x64\x7d\x0a\x80\x0f"
	  "\xa0", 49, "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n" },
};

START_TEST(test_body_row)
{
	GByteArray *t = tnef_new(), *m = g_byte_array_new();
	GBytes *b;
	run_t r = { 0 };
	mk_node *c;

	put32(m, 2);
	put_var(m, 0x1F, 0x1000, "h\0i\0\xe5\x65\0\0", 8);
	put_var(m, 0x102, 0x1009, rtf_rows[_i].rtf, rtf_rows[_i].len);
	put_attr(t, 1, 0x00069003, m->data, m->len);
	b = g_byte_array_free_to_bytes(t);
	run_bytes(&r, b, false);
	ck_assert_uint_eq(r.leaf->findings->len, 0);
	c = child_named(r.leaf, "body.txt");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->size, 5);
	ck_assert(memcmp(g_bytes_get_data(c->data, NULL), "hi\xe6\x97\xa5", 5) == 0);
	c = child_named(r.leaf, "body.rtf");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->size, strlen(rtf_rows[_i].want));
	ck_assert(memcmp(g_bytes_get_data(c->data, NULL), rtf_rows[_i].want,
	                 c->size) == 0);
	g_byte_array_unref(m);
	g_bytes_unref(b);
	run_free(&r);
}
END_TEST

/* A wrong attribute checksum is reported but the content still comes out. */
START_TEST(test_bad_checksum)
{
	GByteArray *t = tnef_new();
	GBytes *b;
	run_t r = { 0 };

	put_attr(t, 2, 0x00069002, "\x01\x00", 2);
	put_attr(t, 2, 0x0006800F, "payload", 7);
	t->data[t->len - 1] ^= 0x55;
	b = g_byte_array_free_to_bytes(t);
	run_bytes(&r, b, false);
	ck_assert(mk_node_has_finding(r.leaf, MK_F_PARSE_ERROR));
	ck_assert_uint_eq(r.leaf->children->len, 1);
	g_bytes_unref(b);
	run_free(&r);
}
END_TEST

static void
synth_add_tests(TCase *tc)
{
	tcase_add_loop_test(tc, test_name_row, 0, G_N_ELEMENTS(name_rows));
	tcase_add_test(tc, test_object_embedded_message);
	tcase_add_loop_test(tc, test_body_row, 0, G_N_ELEMENTS(rtf_rows));
	tcase_add_test(tc, test_bad_checksum);
}

static Suite *
tnef_suite(void)
{
	Suite *s = suite_create("tnef");
	TCase *tc = tcase_create("tnef");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_corpus_row, 0, N_CORPUS);
	tcase_add_test(tc, test_corpus_complete);
	tcase_add_test(tc, test_clam_tnef);
	tcase_add_loop_test(tc, test_truncated_row, 0, N_CORPUS);
	tcase_add_loop_test(tc, test_flipped_row, 0, N_CORPUS);
	tcase_add_loop_test(tc, test_limit_row, 0, G_N_ELEMENTS(limit_rows));
	tcase_add_loop_test(tc, test_is_tnef_row, 0, G_N_ELEMENTS(sig_rows));
	synth_add_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mkt_run(tnef_suite());
}
