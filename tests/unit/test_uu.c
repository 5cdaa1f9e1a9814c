/*
 * NAME
 *   test_uu - mk_uu_extract() and mk_uu_strip()
 *
 * DESCRIPTION
 *   Rows: a text body, the names and decoded contents of the blocks it must
 *   yield, and the exact text mk_uu_strip() must return.
 */
#include <string.h>

#include "uu.h"
#include "testutil.h"

#define HELLO "hello world payload\n"
#define UU_HELLO "4:&5L;&\\@=V]R;&0@<&%Y;&]A9 H \n"
#define YENC_HELLO "\x92\x8f\x96\x96\x99J\xa1\x99\x9c\x96\x8eJ\x9a\x8b\xa3" \
                   "\x96\x99\x8b\x8e" "4"

typedef struct {
	const char *text;
	int blocks;
	const char *names[2];
	const char *data[2];
	gsize len[2];
	const char *stripped;
} uu_row;

static const uu_row UU_ROWS[] = {
	{ "Hi,\nbegin 644 hello.txt\n" UU_HELLO "`\nend\nbye\n", 1,
	  { "hello.txt" }, { HELLO }, { 20 },
	  "Hi,\n[uuencoded hello.txt removed]\nbye\n" },
	{ "Hi,\r\nbegin 0755 run.exe\r\n(35J0  ,     \r\n`\r\nend\r\nbye\r\n", 1,
	  { "run.exe" }, { "MZ\x90\0\3\0\0\0" }, { 8 },
	  "Hi,\r\n[uuencoded run.exe removed]\r\nbye\r\n" },
	{ "x\nbegin-base64 644 b.bin\naGVsbG8gd29y\nbGQgcGF5bG9hZAo=\n====\ny\n", 1,
	  { "b.bin" }, { HELLO }, { 20 },
	  "x\n[uuencoded b.bin removed]\ny\n" },
	{ "=ybegin line=128 size=20 name=y file.txt\n" YENC_HELLO "\n"
	  "=yend size=20\ntail\n", 1,
	  { "y file.txt" }, { HELLO }, { 20 },
	  "[uuencoded y file.txt removed]\ntail\n" },
	{ "begin 644 a\n" UU_HELLO "end\nmiddle\nbegin 600 ../b\n" UU_HELLO "end\n",
	  2, { "a", "../b" }, { HELLO, HELLO }, { 20, 20 },
	  "[uuencoded a removed]\nmiddle\n[uuencoded _b removed]\n" },
	{ "unterminated\nbegin 644 cut.txt\n" UU_HELLO, 1,
	  { "cut.txt" }, { HELLO }, { 20 },
	  "unterminated\n[uuencoded cut.txt removed]\n" },
	{ "Please begin 644 now.\nbegin 644 plans\nthe plans are as follows\n",
	  0, { NULL }, { NULL }, { 0 },
	  "Please begin 644 now.\nbegin 644 plans\nthe plans are as follows\n" },
	{ "begin 9 x\n" UU_HELLO "end\n", 0, { NULL }, { NULL }, { 0 },
	  "begin 9 x\n" UU_HELLO "end\n" },
	{ "no blocks at all\n", 0, { NULL }, { NULL }, { 0 },
	  "no blocks at all\n" },
};

START_TEST(test_uu_rows)
{
	const uu_row *r = &UU_ROWS[_i];
	mk_config *cfg = mk_config_defaults();
	mk_node *leaf = mk_node_new(MK_NODE_PART, NULL);
	GBytes *b = g_bytes_new_static(r->text, strlen(r->text));
	mk_error err = { 0 };
	mk_ctx ctx;
	char *s;

	mk_ctx_init(&ctx, cfg, NULL);
	mk_node_set_data(leaf, b);
	ck_assert_int_eq(mk_uu_extract(&ctx, leaf, &err), 0);
	ck_assert_int_eq(leaf->children->len, r->blocks);
	ck_assert(mk_node_has_finding(leaf, MK_F_UUENCODE) == (r->blocks > 0));
	ck_assert_int_eq(ctx.nodes, r->blocks);
	for (int i = 0; i < r->blocks; i++) {
		mk_node *c = leaf->children->pdata[i];
		gsize len = 0;
		const char *p = g_bytes_get_data(c->data, &len);

		ck_assert_int_eq(c->kind, MK_NODE_EMBEDDED);
		ck_assert_str_eq(c->declared_name, r->names[i]);
		ck_assert_int_eq(len, r->len[i]);
		ck_assert_msg(memcmp(p, r->data[i], len) == 0, "row %d block %d", _i, i);
	}
	s = mk_uu_strip(r->text);
	ck_assert_msg(strcmp(s, r->stripped) == 0, "row %d: got \"%s\"", _i, s);
	g_free(s);
	g_bytes_unref(b);
	mk_node_free(&leaf);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_limits)
{
	mk_config *cfg = mk_config_defaults();
	const char *text = "begin 644 a\n" UU_HELLO "end\nbegin 644 b\n"
	                   UU_HELLO "end\n";
	GBytes *b = g_bytes_new_static(text, strlen(text));
	mk_node *leaf = mk_node_new(MK_NODE_PART, NULL);
	mk_error err = { 0 };
	mk_ctx ctx;

	mk_node_set_data(leaf, b);
	cfg->limits.max_parts = 1;     /* room for one block only */
	mk_ctx_init(&ctx, cfg, NULL);
	ck_assert_int_eq(mk_uu_extract(&ctx, leaf, &err), 0);
	ck_assert_int_eq(leaf->children->len, 1);
	ck_assert(mk_node_has_finding(leaf, MK_F_LIMIT));
	mk_node_free(&leaf);

	leaf = mk_node_new(MK_NODE_PART, NULL);
	mk_node_set_data(leaf, b);
	cfg->limits.max_parts = 1000;
	cfg->limits.max_member_size = 10;   /* a block decodes to 20 bytes */
	mk_ctx_init(&ctx, cfg, NULL);
	ck_assert_int_eq(mk_uu_extract(&ctx, leaf, &err), 0);
	ck_assert_int_eq(leaf->children->len, 0);
	ck_assert(mk_node_has_finding(leaf, MK_F_LIMIT));
	ck_assert(mk_node_has_finding(leaf, MK_F_UUENCODE));
	mk_node_free(&leaf);
	g_bytes_unref(b);
	mk_config_unref(&cfg);
}
END_TEST

/* Real data: the uuencoded ClamAV test file in an mbox. */
START_TEST(test_clamav_mbox)
{
	const char *dir = g_getenv("MK_TESTFILES");
	char *path = g_build_filename(dir ? dir : "/usr/share/clamav-testfiles",
	                              "clam.exe.mbox.uu", NULL);
	mk_config *cfg = mk_config_defaults();
	mk_node *leaf = mk_node_new(MK_NODE_PART, NULL);
	GBytes *b;
	mk_error err = { 0 };
	mk_ctx ctx;
	mk_node *c;

	b = mkt_read(path);
	mk_ctx_init(&ctx, cfg, NULL);
	mk_node_set_data(leaf, b);
	ck_assert_int_eq(mk_uu_extract(&ctx, leaf, &err), 0);
	ck_assert_int_ge(leaf->children->len, 1);
	c = leaf->children->pdata[0];
	ck_assert_int_eq(c->size, 544);
	ck_assert_str_eq(c->sha256,
	    "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495");
	g_bytes_unref(b);
	g_free(path);
	mk_node_free(&leaf);
	mk_config_unref(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("uu");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_uu_rows, 0, G_N_ELEMENTS(UU_ROWS));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_clamav_mbox);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
