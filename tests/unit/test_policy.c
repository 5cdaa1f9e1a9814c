/*
 * test_policy - actions from type rules and findings, container rules,
 * the item verdict
 */
#include <string.h>

#include "policy.h"
#include "testutil.h"

static mk_node *
leaf(mk_node *parent, mk_role role, const char *type)
{
	mk_node *n = mk_node_new(parent ? MK_NODE_PART : MK_NODE_FILE, parent);

	n->role = role;
	n->true_type = g_strdup(type);
	return n;
}

/* one attachment of TYPE with optional FINDING -> action, verdict */
static const struct {
	const char *type;
	int finding;            /* -1 none */
	mk_action action;
	mk_verdict verdict;
} rows[] = {
	{ "text/plain", -1, MK_ACT_ALLOW, MK_V_PASS },
	{ "application/x-dosexec", -1, MK_ACT_STRIP, MK_V_STRIPPED },
	{ "application/pdf", -1, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "text/plain", MK_F_VIRUS, MK_ACT_STRIP, MK_V_STRIPPED },
	{ "text/plain", MK_F_ENCRYPTED, MK_ACT_QUARANTINE, MK_V_QUARANTINED },
	{ "text/plain", MK_F_DOUBLE_EXTENSION, MK_ACT_STRIP, MK_V_STRIPPED },
	{ "text/plain", MK_F_SIGNED, MK_ACT_ALLOW, MK_V_PASS },
	{ "application/octet-stream", -1, MK_ACT_QUARANTINE, MK_V_QUARANTINED },
	{ "text/plain", MK_F_SCAN_ERROR, MK_ACT_QUARANTINE, MK_V_TEMPFAIL },
	/* legacy Office: Word, Excel and PowerPoint with macros go to the ole
	 * filter (office.legacy_macros = sanitize; here, without filters, the
	 * part ends stripped); other OLE2 with macros are held */
	{ "application/msword", -1, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "application/msword", MK_F_ACTIVE_CONTENT, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "application/vnd.ms-excel", MK_F_ACTIVE_CONTENT, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "application/vnd.ms-powerpoint", MK_F_ACTIVE_CONTENT, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "application/x-ole-storage", MK_F_ACTIVE_CONTENT, MK_ACT_QUARANTINE, MK_V_QUARANTINED },
	/* OOXML with macros goes to the ooxml filter, which rebuilds it without
	 * them (here, without filters, the part ends stripped); active content
	 * never lowers a stricter type rule */
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  MK_F_ACTIVE_CONTENT, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "application/vnd.ms-word.document.macroenabled.12",
	  MK_F_ACTIVE_CONTENT, MK_ACT_SANITIZE, MK_V_STRIPPED },
	{ "application/x-dosexec", MK_F_ACTIVE_CONTENT, MK_ACT_STRIP, MK_V_STRIPPED },
};

START_TEST(test_rows)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);
	mk_node *mp = mk_node_new(MK_NODE_MULTIPART, root);
	mk_node *body = leaf(mp, MK_ROLE_BODY, "text/plain");
	mk_node *att = leaf(mp, MK_ROLE_ATTACHMENT, rows[_i].type);

	if (rows[_i].finding >= 0)
		mk_node_add_finding(att, (mk_finding_code)rows[_i].finding, NULL);
	mk_policy_decide(cfg, root, false);
	ck_assert_int_eq(body->action, MK_ACT_SANITIZE);
	ck_assert_msg(att->action == rows[_i].action, "row %d: %s", _i,
	              mk_action_name(att->action));
	ck_assert_msg(mk_policy_verdict(root) == rows[_i].verdict, "row %d: %s", _i,
	              mk_verdict_name(mk_policy_verdict(root)));
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_allowed_archive_with_bad_member)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);
	mk_node *zip = leaf(root, MK_ROLE_ATTACHMENT, "application/zip");
	mk_node *m1 = mk_node_new(MK_NODE_MEMBER, zip);
	mk_node *m2 = mk_node_new(MK_NODE_MEMBER, zip);

	m1->true_type = g_strdup("text/plain");
	m2->true_type = g_strdup("application/x-dosexec");
	/* operator allows zips; a member that is not allowed strips the zip */
	g_ptr_array_set_size(cfg->rules, 0);
	mk_rule *r = g_new0(mk_rule, 1);
	r->pattern = g_strdup("application/zip");
	r->action = MK_ACT_ALLOW;
	g_ptr_array_add(cfg->rules, r);
	r = g_new0(mk_rule, 1);
	r->pattern = g_strdup("text/plain");
	r->action = MK_ACT_ALLOW;
	g_ptr_array_add(cfg->rules, r);
	cfg->default_action = MK_ACT_STRIP;
	mk_policy_decide(cfg, root, false);
	ck_assert_int_eq(m1->action, MK_ACT_ALLOW);
	ck_assert_int_eq(zip->action, MK_ACT_STRIP);
	ck_assert_int_eq(mk_policy_verdict(root), MK_V_STRIPPED);
	/* a virus inside drops the attachment (clamav.virus_in_attachment) */
	mk_node_add_finding(m1, MK_F_VIRUS, "x");
	mk_policy_decide(cfg, root, false);
	ck_assert_int_eq(m1->action, MK_ACT_STRIP);
	ck_assert_int_eq(mk_policy_verdict(root), MK_V_STRIPPED);
	/* or refuses the mail when configured so */
	g_free(cfg->clamav.virus_in_attachment);
	cfg->clamav.virus_in_attachment = g_strdup("reject");
	mk_policy_decide(cfg, root, false);
	ck_assert_int_eq(mk_policy_verdict(root), MK_V_REJECTED);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

/* where the virus is -> verdict */
static const struct { int where; mk_verdict v; } virus_rows[] = {
	{ 0, MK_V_REJECTED },   /* in the body */
	{ 1, MK_V_REJECTED },   /* the whole item (unattributed) */
	{ 2, MK_V_REJECTED },   /* a file item */
	{ 3, MK_V_STRIPPED },   /* a mail attachment */
};

START_TEST(test_virus_where)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *root = mk_node_new(virus_rows[_i].where == 2 ? MK_NODE_FILE :
	                            MK_NODE_MESSAGE, NULL);
	mk_node *body = root->kind == MK_NODE_FILE ? NULL :
	                leaf(root, MK_ROLE_BODY, "text/plain");
	mk_node *att = root->kind == MK_NODE_FILE ? NULL :
	               leaf(root, MK_ROLE_ATTACHMENT, "text/plain");
	mk_node *hit[] = { body, root, root, att };

	if (root->kind == MK_NODE_FILE)
		root->true_type = g_strdup("text/plain");
	mk_node_add_finding(hit[virus_rows[_i].where], MK_F_VIRUS, "Eicar");
	mk_policy_decide(cfg, root, false);
	ck_assert_msg(mk_policy_verdict(root) == virus_rows[_i].v, "row %d: %s", _i,
	              mk_verdict_name(mk_policy_verdict(root)));
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_root_finding_quarantines)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);

	leaf(root, MK_ROLE_BODY, "text/plain");
	mk_node_add_finding(root, MK_F_ACTIVE_CONTENT, "unattributed macro hit");
	mk_policy_decide(cfg, root, false);
	ck_assert_int_eq(root->action, MK_ACT_QUARANTINE);
	ck_assert_int_eq(mk_policy_verdict(root), MK_V_QUARANTINED);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_av_only)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);
	mk_node *exe = leaf(root, MK_ROLE_ATTACHMENT, "application/x-dosexec");

	mk_node_add_finding(exe, MK_F_DOUBLE_EXTENSION, NULL);
	mk_policy_decide(cfg, root, true);
	ck_assert_int_eq(mk_policy_verdict(root), MK_V_PASS);
	mk_node_add_finding(exe, MK_F_VIRUS, "x");
	mk_policy_decide(cfg, root, true);
	ck_assert_int_eq(mk_policy_verdict(root), MK_V_REJECTED);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_exe_body_is_not_text)
{
	mk_config *cfg = mk_config_defaults();
	mk_node *root = mk_node_new(MK_NODE_MESSAGE, NULL);
	mk_node *body = leaf(root, MK_ROLE_BODY, "application/x-dosexec");

	body->declared_type = g_strdup("text/plain");
	mk_policy_decide(cfg, root, false);
	ck_assert_int_eq(body->action, MK_ACT_STRIP);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_test(tc, test_allowed_archive_with_bad_member);
	tcase_add_test(tc, test_root_finding_quarantines);
	tcase_add_loop_test(tc, test_virus_where, 0, G_N_ELEMENTS(virus_rows));
	tcase_add_test(tc, test_av_only);
	tcase_add_test(tc, test_exe_body_is_not_text);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
