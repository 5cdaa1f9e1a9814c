/*
 * NAME
 *   test_archive_filter - the "archive" filter: a new zip from sanitized
 *   members
 *
 * DESCRIPTION
 *   A tree as the engine leaves it after sanitizing the members (allowed,
 *   sanitized with an output, sanitized without one, stripped, hostile
 *   names, duplicates, a nested rebuilt archive) goes through the registry
 *   row for the archive types; the zip is read back with libarchive and
 *   compared entry by entry.  Table rows for the path and name helpers.
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "f_archive.h"
#include "registry.h"
#include "testutil.h"

typedef struct {
	const char *name;
	mk_action action;
	const char *data, *out, *out_name;
} member_row;

static const member_row MEMBERS[] = {
	{ "dir/a.txt", MK_ACT_ALLOW, "alpha", NULL, NULL },
	{ "dir/b.bmp", MK_ACT_SANITIZE, "BMraw", "PNGclean", "b.png" },
	{ "dir/page.html", MK_ACT_SANITIZE, "<p>x</p>", NULL, NULL },
	{ "evil.exe", MK_ACT_STRIP, "MZ", NULL, NULL },
	{ "../../etc/cron.d/x", MK_ACT_ALLOW, "climb", NULL, NULL },
	{ "/abs/y.txt", MK_ACT_ALLOW, "abs", NULL, NULL },
	{ "C:\\win\\z.txt", MK_ACT_ALLOW, "drive", NULL, NULL },
	{ "dir/a.txt", MK_ACT_ALLOW, "alpha2", NULL, NULL },
	{ "inner.tar.gz", MK_ACT_SANITIZE, "gz", "PK-inner", "inner.zip" },
	{ "virus.doc", MK_ACT_QUARANTINE, "x", NULL, NULL },
	{ "..", MK_ACT_ALLOW, "dots", NULL, NULL },
};

/* Expected entries in order: path, content. */
static const char *const EXPECT[][2] = {
	{ "dir/a.txt", "alpha" }, { "dir/b.png", "PNGclean" },
	{ "etc/cron.d/x", "climb" }, { "abs/y.txt", "abs" },
	{ "win/z.txt", "drive" }, { "dir/a~2.txt", "alpha2" },
	{ "inner.zip", "PK-inner" }, { "file11", "dots" },
};

static mk_node *
make_tree(void)
{
	mk_node *root = mk_node_new(MK_NODE_PART, NULL);

	mk_set_str(&root->declared_name, "bundle.tar.gz");
	mk_set_str(&root->true_type, "application/gzip");
	root->action = MK_ACT_SANITIZE;
	for (gsize i = 0; i < G_N_ELEMENTS(MEMBERS); i++) {
		const member_row *m = &MEMBERS[i];
		mk_node *c = mk_node_new(MK_NODE_MEMBER, root);
		GBytes *b = g_bytes_new_static(m->data, strlen(m->data));

		mk_set_str(&c->declared_name, m->name);
		mk_node_set_data(c, b);
		g_bytes_unref(b);
		c->action = m->action;
		if (m->out != NULL) {
			c->out = g_bytes_new_static(m->out, strlen(m->out));
			mk_set_str(&c->out_name, m->out_name);
		}
	}
	return root;
}

START_TEST(test_rebuild)
{
	mk_config *cfg = mkt_worker_config();   /* the zip is written by the worker */
	const mk_filter *f = mk_filter_find("application/gzip");
	mk_node *root = make_tree();
	mk_error err = { 0 };
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	gsize i = 0;
	char buf[64];

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "archive");
	ck_assert_msg(f->run(cfg, root, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(root->out_type, "application/zip");
	ck_assert_str_eq(root->out_name, "bundle.zip");
	archive_read_support_format_zip(a);
	ck_assert_int_eq(archive_read_open_memory(a, g_bytes_get_data(root->out, NULL),
	                 g_bytes_get_size(root->out)), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		ck_assert_uint_lt(i, G_N_ELEMENTS(EXPECT));
		ck_assert_str_eq(archive_entry_pathname(e), EXPECT[i][0]);
		ck_assert_int_eq(archive_entry_filetype(e), AE_IFREG);
		la_ssize_t n = archive_read_data(a, buf, sizeof buf);
		ck_assert_int_eq(n, (la_ssize_t)strlen(EXPECT[i][1]));
		ck_assert(memcmp(buf, EXPECT[i][1], (size_t)n) == 0);
		i++;
	}
	ck_assert_uint_eq(i, G_N_ELEMENTS(EXPECT));
	archive_read_free(a);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

/* No member survives / no members / output over the limit: no output. */
START_TEST(test_failures)
{
	mk_config *cfg = mkt_worker_config();   /* the zip is written by the worker */
	mk_node *root = make_tree();
	mk_error err = { 0 };

	for (guint k = 0; k < root->children->len; k++)
		((mk_node *)g_ptr_array_index(root->children, k))->action = MK_ACT_STRIP;
	ck_assert_int_eq(mk_archive_filter(cfg, root, &err), MK_ERR_DATA);
	ck_assert_ptr_null(root->out);
	mk_node_free(&root);

	root = make_tree();
	cfg->limits.max_unpacked_size = 64;
	ck_assert_int_eq(mk_archive_filter(cfg, root, &err), MK_ERR_LIMIT);
	ck_assert_ptr_null(root->out);
	mk_node_free(&root);

	root = mk_node_new(MK_NODE_PART, NULL);
	ck_assert_int_eq(mk_archive_filter(cfg, root, &err), MK_ERR_DATA);
	ck_assert_ptr_null(root->out);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

static const char *const NAMES[][2] = {
	{ "x.tar.gz", "x.zip" }, { "a.7z", "a.zip" }, { "docs.TGZ", "docs.zip" },
	{ "noext", "noext.zip" }, { "", "archive.zip" }, { NULL, "archive.zip" },
	{ ".hidden", ".hidden.zip" }, { "d/e.rar", "e.zip" },
};

static const char *const PATHS[][2] = {
	{ "a/b/c.txt", "a/b/c.txt" }, { "../../x", "x" }, { "/etc/passwd", "etc/passwd" },
	{ "a\\..\\b", "a/b" }, { "./././", "" }, { "c:/w/x", "w/x" },
	{ "a//b", "a/b" }, { "a/\xe2\x80\xaegpj.exe", "a/gpj.exe" },
};

START_TEST(test_names)
{
	char *z = mk_archive_zip_name(NAMES[_i][0]);

	ck_assert_str_eq(z, NAMES[_i][1]);
	g_free(z);
}
END_TEST

START_TEST(test_paths)
{
	char *p = mk_archive_member_path(PATHS[_i][0], 255);

	ck_assert_str_eq(p, PATHS[_i][1]);
	g_free(p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("archive_filter");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rebuild);
	tcase_add_test(tc, test_failures);
	tcase_add_loop_test(tc, test_names, 0, G_N_ELEMENTS(NAMES));
	tcase_add_loop_test(tc, test_paths, 0, G_N_ELEMENTS(PATHS));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
