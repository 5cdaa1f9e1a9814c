/*
 * NAME
 *   test_archive - archive expansion on real samples and run-time archives
 *
 * DESCRIPTION
 *   Real samples: every ClamAV test archive expands (recursively, as
 *   mk_expand_tree would) to a member with clam.exe's sha256; zip-slip
 *   corpus → path_traversal; oletools encrypted zips → encrypted.  Built at
 *   run time with libarchive's writer: a zip bomb that stops on the ratio
 *   limit early, nesting past max_archive_depth, too many members, symlink
 *   and absolute members in a tar, a gzip single stream, truncation, time.
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "testutil.h"
#include "model/archive.h"
#include "model/sniff.h"
#include "model/zipsniff.h"

#define CLAM_SHA "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"

/* The worker's unpack run refines a zip's type before anything else. */
static void
refine(mk_node *n, const void *p, gsize len)
{
	char *r = mk_zip_refine_type(p, len, n->true_type);

	if (r != NULL) {
		g_free(n->true_type);
		n->true_type = r;
	}
}

static void
sniff_node(mk_node *n)
{
	mk_error err = { 0 };
	gsize len;
	const void *p = g_bytes_get_data(n->data, &len);

	g_clear_pointer(&n->true_type, g_free);
	g_clear_pointer(&n->magic, g_free);
	ck_assert_int_eq(mk_sniff(mk_sniffer_thread(NULL), p, len, &n->true_type,
	                          &n->magic, &err), 0);
	refine(n, p, len);
}

/* Sniff and expand N and, like mk_expand_tree, its container children. */
static void
expand_rec(mk_ctx *ctx, mk_node *n)
{
	mk_error err = { 0 };

	sniff_node(n);
	if (!mk_archive_is_container(n->true_type))
		return;
	ck_assert_int_eq(mk_archive_expand(ctx, n, &err), 0);
	for (guint i = 0; i < n->children->len; i++)
		expand_rec(ctx, g_ptr_array_index(n->children, i));
}

static mk_node *
leaf_of(GBytes *b, const char *name)
{
	mk_node *n = mk_node_new(MK_NODE_FILE, NULL);

	mk_node_set_data(n, b);
	mk_set_str(&n->declared_name, name);
	return n;
}

typedef struct {
	int code;
	const char *sha;
	const char *name;
	bool found;
} find_state;

static bool
find_cb(mk_node *n, void *user)
{
	find_state *f = user;

	if (f->code >= 0 && mk_node_has_finding(n, f->code))
		f->found = true;
	if (f->sha != NULL && strcmp(n->sha256, f->sha) == 0)
		f->found = true;
	if (f->name != NULL && g_strcmp0(n->declared_name, f->name) == 0)
		f->found = true;
	return !f->found;
}

static bool
tree_has(mk_node *root, int code, const char *sha, const char *name)
{
	find_state f = { code, sha, name, false };

	mk_node_walk(root, find_cb, &f);
	return f.found;
}

static const char *
finding_detail(const mk_node *n, mk_finding_code c)
{
	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);

		if (f->code == c)
			return f->detail != NULL ? f->detail : "";
	}
	return NULL;
}

/* ---- real samples -------------------------------------------------- */

static const struct {
	const char *file;
	const char *type;
	gint64 max_depth;  /* 0 = default */
	int finding;       /* expected somewhere in the tree, -1 = none */
} clam_rows[] = {
	{ "clam.zip", "application/zip", 0, -1 },
	{ "clam.7z", "application/x-7z-compressed", 0, -1 },
	{ "clam.tar.gz", "application/gzip", 0, -1 },
	{ "clam.cab", "application/vnd.ms-cab-compressed", 0, -1 },
	{ "clam.exe.bz2", "application/x-bzip2", 0, -1 },
	{ "clam.bin-le.cpio", "application/x-cpio", 0, -1 },
	{ "clam.bin-be.cpio", "application/x-cpio", 0, -1 },
	{ "clam.newc.cpio", "application/x-cpio", 0, -1 },
	{ "clam.odc.cpio", "application/x-cpio", 0, -1 },
	{ "clam.bz2.zip", "application/zip", 0, -1 },
	/* tgz nested 9 deep: found when allowed, a limit by default */
	{ "clam_cache_emax.tgz", "application/gzip", 10, -1 },
	{ "clam_cache_emax.tgz", "application/gzip", 0, MK_F_LIMIT },
};

static char *
testfile(const char *name)
{
	const char *tf = g_getenv("MK_TESTFILES");

	return g_build_filename(tf ? tf : "/usr/share/clamav-testfiles", name, NULL);
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

START_TEST(test_clam_samples)
{
	char *path = testfile(clam_rows[_i].file);
	GBytes *b = mkt_read(path);
	mk_node *root = leaf_of(b, clam_rows[_i].file);
	mk_ctx ctx;

	if (clam_rows[_i].max_depth > 0)
		cfg_g->limits.max_archive_depth = clam_rows[_i].max_depth;
	mk_ctx_init(&ctx, cfg_g, NULL);
	expand_rec(&ctx, root);
	ck_assert_str_eq(root->true_type, clam_rows[_i].type);
	ck_assert_msg(root->children->len > 0, "%s: no members", path);
	ck_assert_msg(tree_has(root, -1, CLAM_SHA, NULL) ==
	              (clam_rows[_i].finding < 0), "%s: clam.exe", path);
	for (int c = 0; c < MK_F_COUNT; c++)
		ck_assert_msg(tree_has(root, c, NULL, NULL) == (c == clam_rows[_i].finding),
		              "%s: finding %s", path, mk_finding_name(c));
	ck_assert_int_gt(ctx.unpacked, 0);
	mk_node_free(&root);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

/* Compression methods libarchive cannot decode must not pass silently. */
static const char *const unsupported_rows[] = { "clam.impl.zip", "clam.d64.zip" };

START_TEST(test_clam_unsupported_method)
{
	char *path = testfile(unsupported_rows[_i]);
	GBytes *b = mkt_read(path);
	mk_node *root = leaf_of(b, unsupported_rows[_i]);
	mk_ctx ctx;

	mk_ctx_init(&ctx, cfg_g, NULL);
	expand_rec(&ctx, root);
	ck_assert_msg(tree_has(root, -1, CLAM_SHA, NULL) ||
	              mk_node_has_finding(root, MK_F_PARSE_ERROR),
	              "%s: neither expanded nor parse_error", path);
	mk_node_free(&root);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

static const char *const slip_rows[] = {
	"zip-slip.zip", "zip-slip-win.zip", "zip-slip.tar", "zip-slip-win.tar",
};

START_TEST(test_zip_slip)
{
	char *rel = g_build_filename("corpora/zip-slip", slip_rows[_i], NULL);
	char *path = mkt_shared_path(rel);
	GBytes *b = mkt_read(path);
	mk_node *root = leaf_of(b, slip_rows[_i]);
	mk_ctx ctx;

	mk_ctx_init(&ctx, cfg_g, NULL);
	expand_rec(&ctx, root);
	ck_assert_msg(tree_has(root, MK_F_PATH_TRAVERSAL, NULL, NULL), "%s", path);
	ck_assert(!mk_node_has_finding(root, MK_F_PATH_TRAVERSAL));  /* on member */
	ck_assert(tree_has(root, -1, NULL, "good.txt"));
	mk_node_free(&root);
	g_bytes_unref(b);
	g_free(path);
	g_free(rel);
}
END_TEST

static const char *const enc_rows[] = {
	"rtfobj/issue_185.rtf.zip", "ooxml/dde-in-word2003.xml.zip",
	"msodde/dde-test-from-office2013-utf_16le-korean.doc.zip",
	"msodde/dde-in-word2003.xml.zip", "msodde/dde-test-from-office2003.doc.zip",
	"msodde/dde-in-word2007.xml.zip", "msodde/dde-test-from-office2016.doc.zip",
};

START_TEST(test_encrypted_zip)
{
	char *rel = g_build_filename("corpora/oletools", enc_rows[_i], NULL);
	char *path = mkt_shared_path(rel);
	GBytes *b = mkt_read(path);
	mk_node *root = leaf_of(b, enc_rows[_i]);
	mk_ctx ctx;

	mk_ctx_init(&ctx, cfg_g, NULL);
	expand_rec(&ctx, root);
	ck_assert_msg(mk_node_has_finding(root, MK_F_ENCRYPTED), "%s", path);
	for (guint i = 0; i < root->children->len; i++) {
		mk_node *c = g_ptr_array_index(root->children, i);

		ck_assert(mk_node_has_finding(c, MK_F_ENCRYPTED));
		ck_assert_int_eq(c->size, 0);   /* nothing decoded */
	}
	mk_node_free(&root);
	g_bytes_unref(b);
	g_free(path);
	g_free(rel);
}
END_TEST

/* ---- built at run time -------------------------------------------- */

typedef struct {
	const char *name;
	const char *data;      /* NUL-terminated content, or NULL */
	gint64 zeros;          /* with data NULL: this many zero bytes */
	const char *symlink;   /* non-NULL: a symlink to this */
	GBytes *bytes;         /* non-NULL: this content */
} member;

static void
write_member(struct archive *a, const member *m)
{
	struct archive_entry *e = archive_entry_new();
	guint8 *zeros = g_malloc0(64 * 1024);
	gint64 len = m->bytes != NULL ? (gint64)g_bytes_get_size(m->bytes) :
	             m->data != NULL ? (gint64)strlen(m->data) : m->zeros;

	archive_entry_set_pathname(e, m->name);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_filetype(e, m->symlink != NULL ? AE_IFLNK : AE_IFREG);
	if (m->symlink != NULL) {
		archive_entry_set_symlink(e, m->symlink);
		len = 0;
	}
	archive_entry_set_size(e, len);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	if (m->bytes != NULL)
		archive_write_data(a, g_bytes_get_data(m->bytes, NULL), (size_t)len);
	else if (m->data != NULL)
		archive_write_data(a, m->data, (size_t)len);
	for (gint64 left = m->data == NULL && m->bytes == NULL ? len : 0; left > 0;) {
		gint64 k = MIN(left, 64 * 1024);

		ck_assert_int_eq(archive_write_data(a, zeros, (size_t)k), k);
		left -= k;
	}
	archive_entry_free(e);
	g_free(zeros);
}

/* Archive of FORMAT ("zip", "ustar", "raw+gzip") holding N members. */
static GBytes *
build(const char *format, const member *m, int n)
{
	struct archive *a = archive_write_new();
	size_t cap = 4 * 1024 * 1024, used = 0;
	guint8 *buf = g_malloc0(cap);

	if (strcmp(format, "raw+gzip") == 0) {
		ck_assert_int_eq(archive_write_set_format_raw(a), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	} else {
		ck_assert_int_eq(archive_write_set_format_by_name(a, format), ARCHIVE_OK);
	}
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (int i = 0; i < n; i++)
		write_member(a, &m[i]);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return g_bytes_new_take(buf, used);
}

static mk_node *
run(GBytes *b, const char *name, mk_ctx *ctx)
{
	mk_node *root = leaf_of(b, name);

	mk_ctx_init(ctx, cfg_g, NULL);
	expand_rec(ctx, root);
	g_bytes_unref(b);
	return root;
}

START_TEST(test_bomb_ratio)
{
	member m[] = { { "zeros.bin", NULL, 50 * 1024 * 1024, NULL, NULL } };
	GBytes *b = build("zip", m, 1);
	mk_ctx ctx;
	mk_node *root;

	ck_assert_uint_lt(g_bytes_get_size(b), 1024 * 1024);
	cfg_g->limits.max_compression_ratio = 10;
	root = run(b, "bomb.zip", &ctx);
	ck_assert_ptr_nonnull(finding_detail(root, MK_F_LIMIT));
	ck_assert_ptr_nonnull(strstr(finding_detail(root, MK_F_LIMIT), "ratio"));
	ck_assert_uint_eq(root->children->len, 0);
	ck_assert_int_lt(ctx.unpacked, 2 * 1024 * 1024);   /* stopped early */
	mk_node_free(&root);
}
END_TEST

START_TEST(test_nesting_depth)
{
	member m = { "x.txt", "hello", 0, NULL, NULL };
	GBytes *z = build("zip", &m, 1);
	mk_ctx ctx;
	mk_node *root, *n;

	/* zip(zip(zip(x.txt))): depth 0, 1, 2 */
	for (int i = 0; i < 2; i++) {
		member w = { i == 0 ? "inner.zip" : "middle.zip", NULL, 0, NULL, z };

		z = build("zip", &w, 1);
		g_bytes_unref(w.bytes);
	}
	cfg_g->limits.max_archive_depth = 2;
	root = run(z, "outer.zip", &ctx);
	ck_assert_uint_eq(root->children->len, 1);
	n = g_ptr_array_index(root->children, 0);
	ck_assert_str_eq(n->declared_name, "middle.zip");
	ck_assert_uint_eq(n->children->len, 1);
	n = g_ptr_array_index(n->children, 0);
	ck_assert_int_eq(n->archive_depth, 2);
	ck_assert_str_eq(n->true_type, "application/zip");
	ck_assert_ptr_nonnull(strstr(finding_detail(n, MK_F_LIMIT), "nesting"));
	ck_assert_uint_eq(n->children->len, 0);
	ck_assert(!mk_node_has_finding(root, MK_F_LIMIT));
	mk_node_free(&root);
}
END_TEST

START_TEST(test_too_many_members)
{
	member m[20];
	char names[20][16];
	mk_ctx ctx;
	mk_node *root;

	for (int i = 0; i < 20; i++) {
		g_snprintf(names[i], sizeof names[i], "f%02d.txt", i);
		m[i] = (member){ names[i], "data", 0, NULL, NULL };
	}
	cfg_g->limits.max_archive_members = 5;
	root = run(build("zip", m, 20), "many.zip", &ctx);
	ck_assert_ptr_nonnull(strstr(finding_detail(root, MK_F_LIMIT), "members"));
	ck_assert_uint_eq(root->children->len, 5);
	mk_node_free(&root);
}
END_TEST

START_TEST(test_tar_links_and_paths)
{
	member m[] = {
		{ "ok.txt", "fine", 0, NULL, NULL },
		{ "link", NULL, 0, "/etc/passwd", NULL },
		{ "/etc/cron.d/x", "evil", 0, NULL, NULL },
		{ "C:\\Windows\\x.bat", "evil", 0, NULL, NULL },
		{ "a/../../b.txt", "evil", 0, NULL, NULL },
	};
	static const int expect[] = { -1, MK_F_LINK_MEMBER, MK_F_ABSOLUTE_PATH,
	                              MK_F_ABSOLUTE_PATH, MK_F_PATH_TRAVERSAL };
	mk_ctx ctx;
	mk_node *root = run(build("pax", m, 5), "t.tar", &ctx);

	ck_assert_str_eq(root->true_type, "application/x-tar");
	ck_assert_uint_eq(root->children->len, 5);
	for (guint i = 0; i < 5; i++) {
		mk_node *c = g_ptr_array_index(root->children, i);

		ck_assert_str_eq(c->declared_name, m[i].name);
		ck_assert_int_eq(c->kind, MK_NODE_MEMBER);
		if (expect[i] < 0)
			ck_assert_uint_eq(c->findings->len, 0);
		else
			ck_assert_msg(mk_node_has_finding(c, expect[i]), "%s", m[i].name);
	}
	ck_assert_ptr_nonnull(strstr(finding_detail(
		g_ptr_array_index(root->children, 1), MK_F_LINK_MEMBER), "/etc/passwd"));
	mk_node_free(&root);
}
END_TEST

START_TEST(test_gzip_single_stream)
{
	member m = { "data", "hello, world\n", 0, NULL, NULL };
	mk_ctx ctx;
	mk_node *root = run(build("raw+gzip", &m, 1), "Note.TXT.gz", &ctx);
	mk_node *c;

	ck_assert_str_eq(root->true_type, "application/gzip");
	ck_assert_uint_eq(root->children->len, 1);
	c = g_ptr_array_index(root->children, 0);
	ck_assert_str_eq(c->declared_name, "Note.TXT");
	ck_assert_int_eq(c->size, 13);
	ck_assert_str_eq(c->true_type, "text/plain");
	ck_assert_uint_eq(root->findings->len, 0);
	mk_node_free(&root);
}
END_TEST

/* Member names without the UTF-8 flag: CP932 (Japanese Windows) decoded. */
START_TEST(test_cp932_name)
{
	/* "テスト.txt" in CP932 */
	member m = { "\x83\x65\x83\x58\x83\x67.txt", "x", 0, NULL, NULL };
	mk_ctx ctx;
	mk_node *root = run(build("zip", &m, 1), "jp.zip", &ctx);
	mk_node *c;

	ck_assert_uint_eq(root->children->len, 1);
	c = g_ptr_array_index(root->children, 0);
	ck_assert_str_eq(c->declared_name, "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt");
	mk_node_free(&root);
}
END_TEST

/* Limits and corruption on clam.zip (544-byte member). */
enum { T_TRUNC, T_MEMBER, T_UNPACKED, T_TIME, T_NOTARCHIVE };
static const struct {
	int what;
	int finding;       /* on the leaf, -1 = none */
	guint children;
} clamzip_rows[] = {
	{ T_TRUNC, MK_F_PARSE_ERROR, 0 },
	{ T_MEMBER, MK_F_LIMIT, 0 },
	{ T_UNPACKED, MK_F_LIMIT, 0 },
	{ T_TIME, MK_F_LIMIT, 0 },
	{ T_NOTARCHIVE, -1, 0 },
};

START_TEST(test_clamzip_limits)
{
	char *path = testfile("clam.zip");
	GBytes *b = mkt_read(path), *use = b;
	mk_node *root;
	mk_ctx ctx;
	mk_error err = { 0 };

	if (clamzip_rows[_i].what == T_TRUNC)
		use = g_bytes_new_from_bytes(b, 0, 120);
	else
		g_bytes_ref(use);
	if (clamzip_rows[_i].what == T_MEMBER)
		cfg_g->limits.max_member_size = 100;
	if (clamzip_rows[_i].what == T_UNPACKED)
		cfg_g->limits.max_unpacked_size = 100;
	root = leaf_of(use, "clam.zip");
	mk_ctx_init(&ctx, cfg_g, NULL);
	if (clamzip_rows[_i].what == T_TIME)
		ctx.deadline_us = g_get_monotonic_time() - 1;
	sniff_node(root);
	if (clamzip_rows[_i].what == T_NOTARCHIVE)
		mk_set_str(&root->true_type, "application/pdf");
	ck_assert_int_eq(mk_archive_expand(&ctx, root, &err), 0);
	ck_assert_uint_eq(root->children->len, clamzip_rows[_i].children);
	if (clamzip_rows[_i].finding >= 0)
		ck_assert_msg(mk_node_has_finding(root, clamzip_rows[_i].finding),
		              "row %d", _i);
	else
		ck_assert_uint_eq(root->findings->len, 0);
	mk_node_free(&root);
	g_bytes_unref(use);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

static const struct {
	const char *type;
	bool container;
} container_rows[] = {
	{ "application/zip", true }, { "application/gzip", true },
	{ "application/x-7z-compressed", true }, { "application/x-tar", true },
	{ "application/vnd.ms-cab-compressed", true }, { "application/x-cpio", true },
	{ "application/vnd.rar", true }, { "application/x-iso9660-image", true },
	{ "application/x-bzip2", true }, { "application/x-xz", true },
	{ "application/zstd", true }, { "application/x-archive", true },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false },
	{ "application/vnd.oasis.opendocument.text", false },
	{ "application/java-archive", false }, { "application/pdf", false },
	{ NULL, false },
};

START_TEST(test_is_container)
{
	ck_assert_int_eq(mk_archive_is_container(container_rows[_i].type),
	                 container_rows[_i].container);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("archive");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_clam_samples, 0, G_N_ELEMENTS(clam_rows));
	tcase_add_loop_test(tc, test_clam_unsupported_method, 0,
	                    G_N_ELEMENTS(unsupported_rows));
	tcase_add_loop_test(tc, test_zip_slip, 0, G_N_ELEMENTS(slip_rows));
	tcase_add_loop_test(tc, test_encrypted_zip, 0, G_N_ELEMENTS(enc_rows));
	tcase_add_test(tc, test_bomb_ratio);
	tcase_add_test(tc, test_nesting_depth);
	tcase_add_test(tc, test_too_many_members);
	tcase_add_test(tc, test_tar_links_and_paths);
	tcase_add_test(tc, test_gzip_single_stream);
	tcase_add_test(tc, test_cp932_name);
	tcase_add_loop_test(tc, test_clamzip_limits, 0, G_N_ELEMENTS(clamzip_rows));
	tcase_add_loop_test(tc, test_is_container, 0, G_N_ELEMENTS(container_rows));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
