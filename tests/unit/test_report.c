/*
 * test_report - the JSON report: valid JSON (checked by jq), every node,
 * finding and field present, hostile strings kept as data
 */
#include <string.h>

#include "report.h"
#include "testutil.h"

/* Run jq FILTER over JSON; return its output (caller frees) or NULL. */
static char *
jq(const char *json, const char *filter)
{
	char *dir = mkt_tmpdir();
	char *path = g_build_filename(dir, "r.json", NULL);
	char *out = NULL;
	int status = 0;
	char *argv[] = { "jq", "-r", (char *)filter, path, NULL };

	ck_assert(g_file_set_contents(path, json, -1, NULL));
	ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
	                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
	                       &status, NULL));
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_free(out);
		out = NULL;
	} else {
		g_strchomp(out);
	}
	mkt_rm_rf(dir);
	g_free(path);
	g_free(dir);
	return out;
}

static mk_node *
sample_tree(void)
{
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);
	mk_node *a = mk_node_new(MK_NODE_PART, root);
	GBytes *b = g_bytes_new_static("x", 1);

	a->role = MK_ROLE_ATTACHMENT;
	a->declared_name = g_strdup("evil\"\n\x01\xe2\x80\xae.txt");
	a->true_type = g_strdup("application/x-dosexec");
	a->action = MK_ACT_STRIP;
	a->rule = g_strdup("finding:executable");
	mk_node_set_data(a, b);
	mk_node_add_finding(a, MK_F_EXECUTABLE, "PE32 \"quoted\"");
	mk_node_add_finding(a, MK_F_BIDI_NAME, NULL);
	g_bytes_unref(b);
	return root;
}

/* jq filter, expected output */
static const struct { const char *filter; const char *want; } rows[] = {
	{ ".id", "r-1" },
	{ ".version", "1" },
	{ ".channel", "mail" },
	{ ".verdict", "stripped" },
	{ ".quarantine_id", "r-1" },
	{ ".nodes | length", "2" },
	{ ".nodes[1].path", "1.1" },
	{ ".nodes[1].kind", "part" },
	{ ".nodes[1].role", "attachment" },
	{ ".nodes[1].action", "strip" },
	{ ".nodes[1].size", "1" },
	{ ".nodes[1].sha256", "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" },
	{ ".nodes[1].findings | map(.code) | join(\",\")", "executable,bidi_name" },
	{ ".nodes[1].findings[1].detail", "null" },
	{ ".nodes[1].declared_name | test(\"\\n\")", "true" },
	{ ".nodes[1].declared_name | contains(\"\\u202e\")", "true" },
	{ ".nodes[0].true_type", "null" },
	{ ".created | test(\"Z$\")", "true" },
	{ "keys | sort | join(\",\")",
	  "actions,channel,created,elapsed_ms,id,nodes,quarantine_id,reason,scanner,verdict,version" },
};

START_TEST(test_rows)
{
	mk_node *root = sample_tree();
	mk_report_in in = { .id = "r-1", .channel = "mail", .verdict = MK_V_STRIPPED,
		.stored = true, .reason = "executable", .actions = "strip=1",
		.elapsed_ms = 3, .scanner = "test", .root = root };
	char *json = mk_report_json(&in);
	char *got = jq(json, rows[_i].filter);

	ck_assert_msg(got != NULL, "jq failed on %s", json);
	ck_assert_msg(strcmp(got, rows[_i].want) == 0, "%s: got %s want %s",
	              rows[_i].filter, got, rows[_i].want);
	g_free(got);
	g_free(json);
	mk_node_free(&root);
}
END_TEST

START_TEST(test_not_stored_has_null_id)
{
	mk_node *root = sample_tree();
	mk_report_in in = { .id = "r-2", .channel = "file", .verdict = MK_V_PASS,
		.root = root };
	char *json = mk_report_json(&in);
	char *got = jq(json, ".quarantine_id");

	ck_assert_str_eq(got, "null");
	char *f = mk_report_findings(root);
	ck_assert_str_eq(f, "executable,bidi_name");
	g_free(f);
	g_free(got);
	g_free(json);
	mk_node_free(&root);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_test(tc, test_not_stored_has_null_id);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
