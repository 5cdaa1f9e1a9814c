/*
 * test_item - tree building, paths, findings, verdict names
 */
#include <string.h>

#include "item.h"
#include "testutil.h"

START_TEST(test_paths)
{
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);
	mk_node *a = mk_node_new(MK_NODE_MULTIPART, root);
	mk_node *b = mk_node_new(MK_NODE_PART, a);
	mk_node *c = mk_node_new(MK_NODE_PART, a);
	mk_node *m = mk_node_new(MK_NODE_MEMBER, c);

	ck_assert_str_eq(root->path, "1");
	ck_assert_str_eq(a->path, "1.1");
	ck_assert_str_eq(b->path, "1.1.1");
	ck_assert_str_eq(c->path, "1.1.2");
	ck_assert_str_eq(m->path, "1.1.2.1");
	ck_assert_int_eq(m->depth, 3);
	ck_assert_int_eq(m->archive_depth, 1);
	ck_assert_int_eq(mk_node_count(root), 5);
	mk_node_free(&root);
	ck_assert(root == NULL);
	mk_node_free(&root);   /* NULL-safe */
}
END_TEST

START_TEST(test_data_and_findings)
{
	mk_node *n = mk_node_new(MK_NODE_FILE, NULL);
	GBytes *b = g_bytes_new_static("abc", 3);

	mk_node_set_data(n, b);
	ck_assert_int_eq(n->size, 3);
	ck_assert_str_eq(n->sha256,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert(!mk_node_has_finding(n, MK_F_VIRUS));
	mk_node_add_finding(n, MK_F_VIRUS, "%s", "Eicar");
	mk_node_add_finding(n, MK_F_BIDI_NAME, "bad \xff utf8");
	ck_assert(mk_node_has_finding(n, MK_F_VIRUS));
	mk_finding *f = g_ptr_array_index(n->findings, 1);
	ck_assert(g_utf8_validate(f->detail, -1, NULL));
	mk_node_free(&n);
	g_bytes_unref(b);
}
END_TEST

static const struct { mk_action a; bool ok; mk_verdict v; } vrows[] = {
	{ MK_ACT_ALLOW, false, MK_V_PASS },
	{ MK_ACT_SANITIZE, true, MK_V_CLEANED },
	{ MK_ACT_SANITIZE, false, MK_V_STRIPPED },
	{ MK_ACT_STRIP, false, MK_V_STRIPPED },
	{ MK_ACT_QUARANTINE, false, MK_V_QUARANTINED },
	{ MK_ACT_REJECT, false, MK_V_REJECTED },
};

START_TEST(test_verdicts)
{
	ck_assert_int_eq(mk_verdict_for_action(vrows[_i].a, vrows[_i].ok), vrows[_i].v);
}
END_TEST

START_TEST(test_finding_names_roundtrip)
{
	for (int i = 0; i < MK_F_COUNT; i++) {
		ck_assert_int_eq(mk_finding_parse(mk_finding_name((mk_finding_code)i)), i);
		ck_assert(strlen(mk_finding_text((mk_finding_code)i, "ja")) > 0);
		ck_assert(strlen(mk_finding_text((mk_finding_code)i, "en")) > 0);
	}
	ck_assert_int_eq(mk_finding_parse("nope"), -1);
}
END_TEST

/* docs/report-schema.json lists every finding code the engine can emit */
START_TEST(test_schema_lists_findings)
{
	char *path = mkt_src_path("docs/report-schema.json");
	GBytes *b = mkt_read(path);
	char *text = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));

	for (int i = 0; i < MK_F_COUNT; i++) {
		char *q = g_strdup_printf("\"%s\"", mk_finding_name((mk_finding_code)i));
		ck_assert_msg(strstr(text, q) != NULL, "%s missing from the schema", q);
		g_free(q);
	}
	g_free(text);
	g_bytes_unref(b);
	g_free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("item");
	TCase *tc = tcase_create("item");

	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_data_and_findings);
	tcase_add_loop_test(tc, test_verdicts, 0, G_N_ELEMENTS(vrows));
	tcase_add_test(tc, test_finding_names_roundtrip);
	tcase_add_test(tc, test_schema_lists_findings);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
