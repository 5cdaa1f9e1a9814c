/*
 * test_config - the schema, the loader's FILE:LINE messages, dump/reload
 */
#include <string.h>

#include "config.h"
#include "finding.h"
#include "testutil.h"

static char *
write_conf(const char *dir, const char *text)
{
	char *p = g_build_filename(dir, "t.conf", NULL);

	ck_assert(g_file_set_contents(p, text, -1, NULL));
	return p;
}

/* text, expected first problem (substring; NULL = must load) */
static const struct { const char *text; const char *problem; } rows[] = {
	{ "", NULL },
	{ "# comment only\n", NULL },
	{ "[limits]\nmax_parts = 10\n", NULL },
	{ "[limits]\nmax_message_size = 20M\n", NULL },
	{ "[limits]\nmax_parts = 0\n", ":2: limits.max_parts: 0 is out of range" },
	{ "[limits]\nmax_parts = ten\n", ":2: limits.max_parts: \"ten\" is not an integer" },
	{ "[limits]\nmax_message_size = 20X\n", ":2: limits.max_message_size:" },
	{ "[limits]\n\n\nno_such_key = 1\n", ":4: limits.no_such_key: unknown key" },
	{ "[nosuch]\nx = 1\n", ":2: nosuch.x: unknown group" },
	{ "x = 1\n", ":1: x = 1: key outside of any [group]" },
	{ "[general]\nlanguage = fr\n", ":2: general.language: \"fr\" is not one of ja|en" },
	{ "[clamav]\nscan_original = maybe\n", ":2: clamav.scan_original: \"maybe\" is not a boolean" },
	{ "[general\n", ":1: [general: malformed group header" },
	{ "[general]\nthis is not a pair\n", ":2: this is not a pair: expected KEY = VALUE" },
	{ "[limits]\nmax_parts = 5\nmax_parts = 6\n", ":3: limits.max_parts: duplicate key" },
	{ "[policy]\napplication/pdf = allow\ndefault = reject\n", NULL },
	{ "[policy]\napplication/pdf = forward\n", ":2: policy.application/pdf: \"forward\" is not an action" },
	{ "[policy]\nnot-a-type = allow\n", ":2: policy.not-a-type: not a MIME type pattern" },
	{ "[findings]\nvirus = quarantine\nsigned = none\n", NULL },
	{ "[findings]\nnosuch = strip\n", ":2: findings.nosuch: unknown finding" },
	/* the outbound route: a sender domain only narrows a client proof */
	{ "[milter]\noutbound_domains = city.example.jp\n",
	  ":2: milter.outbound_domains: a sender domain can be forged" },
	{ "[milter]\ntimeout_s = 30\n\noutbound_domains = a.example;b.example\n",
	  ":4: milter.outbound_domains: a sender domain can be forged" },
	{ "[milter]\noutbound_domains = city.example.jp\noutbound_clients = 192.0.2.0/24\n", NULL },
	{ "[milter]\noutbound_domains = city.example.jp\noutbound_auth_users = *\n", NULL },
	{ "[milter]\noutbound_auth_users = alice;bob\n", NULL },
	{ "[milter]\noutbound_clients = 192.0.2.0/24, 2001:db8::/32 10.0.0.1\n", NULL },
	{ "[milter]\noutbound_clients = 192.0.2.0/24;lgwan.example\n",
	  ":2: milter.outbound_clients: \"lgwan.example\" is not an address or network" },
	{ "[milter]\noutbound_clients = 192.0.2.0/40\n",
	  ":2: milter.outbound_clients: \"192.0.2.0/40\" is not an address" },
	/* unix socket access for the MTA: octal bits */
	{ "[milter]\nsocket_group = postfix\nsocket_mode = 0660\n", NULL },
	{ "[milter]\nsocket_mode = 660\n", NULL },
	{ "[milter]\nsocket_mode = 0990\n", ":2: milter.socket_mode: \"0990\" is not octal" },
	{ "[milter]\nsocket_mode = 01777\n", ":2: milter.socket_mode: \"01777\" is not octal" },
	{ "[milter]\nsocket_mode = rw\n", ":2: milter.socket_mode: \"rw\" is not octal" },
};

START_TEST(test_rows)
{
	char *dir = mkt_tmpdir();
	char *path = write_conf(dir, rows[_i].text);
	GPtrArray *probs = NULL;
	mk_error err = { 0 };
	mk_config *cfg = mk_config_load(path, &probs, &err);

	if (rows[_i].problem == NULL) {
		ck_assert_msg(cfg != NULL, "row %d: %s", _i, err.msg);
		ck_assert_int_eq(probs->len, 0);
	} else {
		ck_assert_msg(cfg == NULL, "row %d loaded", _i);
		ck_assert_int_eq(err.code, MK_ERR_CONFIG);
		ck_assert_msg(strstr(err.msg, rows[_i].problem) != NULL,
		              "row %d: got \"%s\", want \"%s\"", _i, err.msg, rows[_i].problem);
		ck_assert(g_str_has_prefix(err.msg, path));
	}
	mk_config_unref(&cfg);
	g_ptr_array_unref(probs);
	mkt_rm_rf(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

START_TEST(test_values_applied)
{
	char *dir = mkt_tmpdir();
	char *path = write_conf(dir, "[limits]\nmax_message_size = 2M\n"
	                        "[general]\nlanguage = en\n"
	                        "[policy]\nimage/* = allow\napplication/pdf = reject\n"
	                        "default = strip\n[findings]\nvirus = quarantine\n");
	mk_error err = { 0 };
	mk_config *cfg = mk_config_load(path, NULL, &err);
	const char *pat = NULL;

	ck_assert_msg(cfg != NULL, "%s", err.msg);
	ck_assert_int_eq(cfg->limits.max_message_size, 2 * 1024 * 1024);
	ck_assert_str_eq(cfg->general.language, "en");
	/* a file's rules replace the built-in list */
	ck_assert_int_eq(cfg->rules->len, 2);
	ck_assert_int_eq(mk_config_policy_for(cfg, "image/png", &pat), MK_ACT_ALLOW);
	ck_assert_str_eq(pat, "image/*");
	ck_assert_int_eq(mk_config_policy_for(cfg, "application/pdf", NULL), MK_ACT_REJECT);
	ck_assert_int_eq(mk_config_policy_for(cfg, "text/plain", &pat), MK_ACT_STRIP);
	ck_assert_str_eq(pat, "default");
	ck_assert_int_eq(cfg->finding_action[MK_F_VIRUS], MK_ACT_QUARANTINE);
	mk_config_unref(&cfg);
	mkt_rm_rf(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

/* type, expected built-in action */
static const struct { const char *type; mk_action action; } policy_rows[] = {
	{ "text/plain", MK_ACT_ALLOW },
	{ "text/html", MK_ACT_SANITIZE },
	{ "application/x-dosexec", MK_ACT_STRIP },
	{ "text/x-shellscript", MK_ACT_STRIP },
	{ "application/vnd.ms-word.document.macroenabled.12", MK_ACT_SANITIZE },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", MK_ACT_SANITIZE },
	{ "application/pdf", MK_ACT_SANITIZE },
	{ "image/png", MK_ACT_SANITIZE },
	{ "image/svg+xml", MK_ACT_STRIP },
	{ "application/zip", MK_ACT_SANITIZE },
	{ "application/x-iso9660-image", MK_ACT_STRIP },
	{ "application/octet-stream", MK_ACT_QUARANTINE },
	{ "application/x-something-new", MK_ACT_QUARANTINE },
};

START_TEST(test_default_policy)
{
	mk_config *cfg = mk_config_defaults();

	ck_assert_msg(mk_config_policy_for(cfg, policy_rows[_i].type, NULL) ==
	              policy_rows[_i].action, "%s", policy_rows[_i].type);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_dump_reloads)
{
	char *dir = mkt_tmpdir();
	mk_config *cfg = mk_config_defaults();
	char *text = mk_config_dump(cfg);
	char *path = write_conf(dir, text);
	GPtrArray *probs = NULL;
	mk_error err = { 0 };
	mk_config *again = mk_config_load(path, &probs, &err);

	ck_assert_msg(again != NULL, "%s", err.msg);
	char *text2 = mk_config_dump(again);
	/* identical apart from the first line naming the source */
	ck_assert_str_eq(strchr(text, '\n'), strchr(text2, '\n'));
	g_free(text2);
	mk_config_unref(&again);
	mk_config_unref(&cfg);
	g_ptr_array_unref(probs);
	g_free(text);
	g_free(path);
	mkt_rm_rf(dir);
	g_free(dir);
}
END_TEST

START_TEST(test_socket_access)
{
	char *dir = mkt_tmpdir();
	char *path = write_conf(dir, "[milter]\nsocket_group = mail\nsocket_mode = 0640\n");
	mk_error err = { 0 };
	mk_config *cfg = mk_config_load(path, NULL, &err), *def = mk_config_defaults();
	char *dump;

	ck_assert_msg(cfg != NULL, "%s", err.msg);
	ck_assert_str_eq(cfg->milter.socket_group, "mail");
	ck_assert_int_eq(cfg->milter.socket_mode, 0640);
	/* Debian Postfix defaults: smtpd runs as postfix */
	ck_assert_str_eq(def->milter.socket_group, "postfix");
	ck_assert_int_eq(def->milter.socket_mode, 0660);
	dump = mk_config_dump(cfg);
	ck_assert(strstr(dump, "\nsocket_mode = 0640\n") != NULL);
	g_free(dump);
	mk_config_unref(&cfg);
	mk_config_unref(&def);
	mkt_rm_rf(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

START_TEST(test_shipped_conf)
{
	char *path = mkt_src_path("conf/mukaika.conf");
	mk_error err = { 0 };
	mk_config *cfg = mk_config_load(path, NULL, &err);

	ck_assert_msg(cfg != NULL, "%s", err.msg);
	mk_config_unref(&cfg);
	g_free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_test(tc, test_values_applied);
	tcase_add_loop_test(tc, test_default_policy, 0, G_N_ELEMENTS(policy_rows));
	tcase_add_test(tc, test_dump_reloads);
	tcase_add_test(tc, test_shipped_conf);
	tcase_add_test(tc, test_socket_access);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
