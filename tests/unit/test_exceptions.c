/*
 * NAME
 *   test_exceptions - the engine applies approved policy exceptions
 *   (src/engine/policy.c, engine.c, src/store/exceptions.c)
 *
 * DESCRIPTION
 *   One row per case: an exception row written into a real quarantine
 *   store (approved or not, expired, revoked), a mail from a sender with
 *   an attachment (a ZipCrypto zip made by `zip -P`, EICAR, plain text, a
 *   legacy Excel file with XLM macros from the oletools corpus, unknown
 *   bytes), and the verdict the engine must give, with or without the
 *   exception_applied finding on the root.  The engine re-reads the
 *   exceptions for every item (quarantine.exceptions_refresh_s = 0); one
 *   case shows the list cached between refreshes and the last list kept
 *   when the store cannot be read.
 *   Also: matching rules of mk_exception_match (address, @domain, case,
 *   <>, most restrictive wins).
 */
#include <string.h>


#include "engine.h"
#include "qstore.h"
#include "release.h"
#include "review.h"
#include "store_port.h"
#include "testutil.h"

static char *tmp;
static mk_config *cfg;
static mk_store *q;

static void
setup(void)
{
	mkt_fx_store_setup();
	tmp = mkt_fx.dir;
	cfg = mkt_fx.cfg;
	q = mkt_fx.q;
	cfg->quarantine.exceptions_refresh_s = 0;   /* read by the engine only */
	/* the legacy-macro rows are about a hold an exception lifts (the
	 * default, sanitize, sends the file to the ole filter instead) */
	g_free(cfg->office.legacy_macros);
	cfg->office.legacy_macros = g_strdup("quarantine");
}

static void
teardown(void)
{
	mkt_fx_store_teardown();
}

/* An encrypted zip (ZipCrypto) holding one text member; caller unrefs. */
static GBytes *
encrypted_zip(const char *dir)
{
	char *txt = g_build_filename(dir, "note.txt", NULL);
	char *zip = g_build_filename(dir, "enc.zip", NULL);
	char *argv[] = { "zip", "-q", "-j", "-P", "secret", zip, txt, NULL };
	int status = -1;
	GBytes *b;

	ck_assert(g_file_set_contents(txt, "meeting at ten\n", -1, NULL));
	ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
	                       NULL, &status, NULL));
	ck_assert_msg(status == 0, "zip -P failed (apt package zip)");
	b = mkt_read(zip);
	g_free(txt);
	g_free(zip);
	return b;
}

/* A mail from SENDER with one base64 attachment NAME. */
static GBytes *
mail_with(const char *sender, const char *name, GBytes *att)
{
	gsize len = 0;
	const guint8 *p = g_bytes_get_data(att, &len);
	char *b64 = g_base64_encode(p, len);
	char *m = g_strdup_printf(
		"From: <%s>\r\nTo: <u@lg.example>\r\nSubject: exc\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
		"Content-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n--b1\r\n"
		"Content-Type: application/octet-stream; name=\"%s\"\r\n"
		"Content-Disposition: attachment; filename=\"%s\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n",
		sender, name, name, b64);

	g_free(b64);
	return g_bytes_new_take(m, strlen(m));
}

enum { NONE = 0, ACTIVE, EXPIRED, REVOKED, UNAPPROVED };
enum { ATT_ENC = 0, ATT_EICAR, ATT_TEXT, ATT_XLS, ATT_BIN };

static const struct {
	const char *name;
	const char *pattern, *action;
	int state;
	const char *sender;
	int att;
	bool file_mode;
	mk_verdict want;
	bool applied;
} rows[] = {
	{ "no exception", NULL, NULL, NONE, "a@example.jp", ATT_ENC, false, MK_V_QUARANTINED, false },
	{ "domain strip, encrypted", "@example.jp", "strip", ACTIVE, "a@example.jp", ATT_ENC, false,
	  MK_V_STRIPPED, true },
	{ "address sanitize, encrypted", "a@example.jp", "sanitize", ACTIVE, "A@Example.JP", ATT_ENC,
	  false, MK_V_STRIPPED, true },
	{ "allow is sanitize, encrypted", "@example.jp", "allow", ACTIVE, "<a@example.jp>", ATT_ENC,
	  false, MK_V_STRIPPED, true },
	{ "other domain", "@example.com", "strip", ACTIVE, "a@example.jp", ATT_ENC, false,
	  MK_V_QUARANTINED, false },
	{ "subdomain is not the domain", "@example.jp", "strip", ACTIVE, "a@sub.example.jp", ATT_ENC,
	  false, MK_V_QUARANTINED, false },
	{ "expired", "@example.jp", "strip", EXPIRED, "a@example.jp", ATT_ENC, false,
	  MK_V_QUARANTINED, false },
	{ "revoked", "@example.jp", "strip", REVOKED, "a@example.jp", ATT_ENC, false,
	  MK_V_QUARANTINED, false },
	{ "unapproved", "@example.jp", "strip", UNAPPROVED, "a@example.jp", ATT_ENC, false,
	  MK_V_QUARANTINED, false },
	{ "eicar, no exception", NULL, NULL, NONE, "a@example.jp", ATT_EICAR, false,
	  MK_V_STRIPPED, false },
	{ "eicar, allow exception", "@example.jp", "allow", ACTIVE, "a@example.jp", ATT_EICAR, false,
	  MK_V_STRIPPED, true },
	{ "eicar file, no exception", NULL, NULL, NONE, "a@example.jp", ATT_EICAR, true,
	  MK_V_REJECTED, false },
	{ "eicar file, allow exception", "@example.jp", "allow", ACTIVE, "a@example.jp", ATT_EICAR,
	  true, MK_V_REJECTED, true },
	{ "text, no exception", NULL, NULL, NONE, "a@example.jp", ATT_TEXT, false, MK_V_PASS, false },
	{ "reject exception", "@example.jp", "reject", ACTIVE, "a@example.jp", ATT_TEXT, false,
	  MK_V_REJECTED, true },
	{ "quarantine exception", "bad@example.jp", "quarantine", ACTIVE, "bad@example.jp", ATT_TEXT,
	  false, MK_V_QUARANTINED, true },
	{ "reject exception, encrypted", "@example.jp", "reject", ACTIVE, "a@example.jp", ATT_ENC,
	  false, MK_V_REJECTED, true },
	/* legacy Excel with XLM macros: held by office.legacy_macros = quarantine */
	{ "legacy macros, no exception", NULL, NULL, NONE, "a@example.jp", ATT_XLS, false,
	  MK_V_QUARANTINED, false },
	{ "legacy macros, sanitize exception", "@example.jp", "sanitize", ACTIVE, "a@example.jp",
	  ATT_XLS, false, MK_V_CLEANED, true },   /* the ole filter rebuilds it */
	/* unknown bytes: held by the fallback rule */
	{ "unknown type, no exception", NULL, NULL, NONE, "a@example.jp", ATT_BIN, false,
	  MK_V_QUARANTINED, false },
	{ "unknown type, allow exception", "@example.jp", "allow", ACTIVE, "a@example.jp", ATT_BIN,
	  false, MK_V_STRIPPED, true },
};

static void
add_exception(int i)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	int state = rows[i].state;
	char *sql;
	char approved[24] = "NULL", revoked[24] = "NULL";

	if (state != UNAPPROVED)
		g_snprintf(approved, sizeof approved, "%" G_GINT64_FORMAT, now - 100);
	if (state == REVOKED)
		g_snprintf(revoked, sizeof revoked, "%" G_GINT64_FORMAT, now - 50);
	sql = g_strdup_printf("INSERT INTO exceptions (pattern, action, reason, requester, "
	                      "approver, created, approved, expires, revoked) VALUES ('%s', "
	                      "'%s', 'test', 'adm1', %s, %" G_GINT64_FORMAT ", %s, %"
	                      G_GINT64_FORMAT ", %s)", rows[i].pattern, rows[i].action,
	                      state != UNAPPROVED ? "'adm2'" : "NULL", now - 200, approved,
	                      state == EXPIRED ? now - 10 : now + 3600, revoked);
	ck_assert_int_eq(mkt_raw_exec(mkt_fx.cfg, sql), 0);
	g_free(sql);
}

static GBytes *
attachment(int att)
{
	if (att == ATT_ENC)
		return encrypted_zip(tmp);
	if (att == ATT_EICAR)
		return g_bytes_new(mkt_eicar(), strlen(mkt_eicar()));
	if (att == ATT_XLS) {
		char *p = mkt_shared_path("corpora/oletools/excel4-macros/excel4_sample_macro.xls");
		GBytes *b = mkt_read(p);
		g_free(p);
		return b;
	}
	if (att == ATT_BIN) {
		static const guint8 bin[] = { 0x8f, 0x01, 0xfe, 0x7a, 0x00, 0x13, 0xd1, 0x42,
			0x99, 0x00, 0x05, 0xee, 0x6b, 0x3c, 0x00, 0x81 };
		return g_bytes_new_static(bin, sizeof bin);
	}
	return g_bytes_new_static("plain words\n", 12);
}

START_TEST(test_engine_exceptions)
{
	mk_error err = { 0 };
	mk_engine *e;
	mk_result *r = NULL;
	GBytes *att = attachment(rows[_i].att), *data;
	mk_input in = { .sender = rows[_i].sender, .recipients = "u@lg.example",
	                .no_store = true };

	if (rows[_i].state != NONE)
		add_exception(_i);
	e = mk_engine_new(cfg, mk_store_port_new(cfg), &err);
	ck_assert_ptr_nonnull(e);
	if (rows[_i].file_mode) {
		data = g_bytes_ref(att);
		in.mode = MK_MODE_FILE;
		in.name = "x.bin";
	} else {
		data = mail_with(rows[_i].sender, rows[_i].att == ATT_ENC ? "enc.zip" :
		                 rows[_i].att == ATT_XLS ? "book.xls" : rows[_i].att == ATT_BIN ?
		                 "data.bin" : "a.txt", att);
		in.mode = MK_MODE_MAIL;
	}
	in.data = data;
	ck_assert_int_eq(mk_engine_process(e, &in, &r, &err), 0);
	ck_assert_msg(r->verdict == rows[_i].want, "%s: verdict %s, want %s (%s)",
	              rows[_i].name, mk_verdict_name(r->verdict),
	              mk_verdict_name(rows[_i].want), r->reason);
	ck_assert_msg(mk_node_has_finding(r->root, MK_F_EXCEPTION_APPLIED) == rows[_i].applied,
	              "%s: exception_applied", rows[_i].name);
	if (rows[_i].applied)
		ck_assert_ptr_nonnull(strstr(r->report_json, "exception_applied"));
	if (rows[_i].att == ATT_EICAR)
		ck_assert_ptr_nonnull(strstr(r->report_json, "\"virus\""));
	if (r->output != NULL && rows[_i].att != ATT_TEXT) {
		/* nothing encrypted or infected is forwarded */
		gsize len = 0;
		const char *p = g_bytes_get_data(r->output, &len);
		char *s = g_strndup(p, len);
		ck_assert_ptr_null(strstr(s, "EICAR"));
		ck_assert_ptr_null(strstr(s, "enc.zip\r\nContent-Transfer-Encoding: base64"));
		g_free(s);
	}
	mk_result_free(&r);
	mk_engine_free(&e);
	g_bytes_unref(data);
	g_bytes_unref(att);
}
END_TEST

/* Verdict of the encrypted-zip mail from a@example.jp through E. */
static mk_verdict
run_enc(mk_engine *e, bool *applied)
{
	GBytes *att = encrypted_zip(tmp), *data = mail_with("a@example.jp", "enc.zip", att);
	mk_input in = { .data = data, .mode = MK_MODE_MAIL, .sender = "a@example.jp",
	                .recipients = "u@lg.example", .no_store = true };
	mk_result *r = NULL;
	mk_error err = { 0 };
	mk_verdict v;

	ck_assert_int_eq(mk_engine_process(e, &in, &r, &err), 0);
	v = r->verdict;
	*applied = mk_node_has_finding(r->root, MK_F_EXCEPTION_APPLIED);
	mk_result_free(&r);
	g_bytes_unref(data);
	g_bytes_unref(att);
	return v;
}

/* The list is read when the engine is made and then at most every
 * quarantine.exceptions_refresh_s; an unreadable store keeps the last. */
START_TEST(test_refresh_and_unreadable)
{
	mk_error err = { 0 };
	mk_engine *e;
	bool applied = false;

	cfg->quarantine.exceptions_refresh_s = 3600;
	e = mk_engine_new(cfg, mk_store_port_new(cfg), &err);   /* reads: none yet */
	add_exception(1);                             /* domain strip, active */
	ck_assert_int_eq(run_enc(e, &applied), MK_V_QUARANTINED);   /* not re-read */
	ck_assert(!applied);
	mk_engine_free(&e);
	e = mk_engine_new(cfg, mk_store_port_new(cfg), &err);   /* reads it now */
	ck_assert_int_eq(run_enc(e, &applied), MK_V_STRIPPED);
	ck_assert(applied);
	cfg->quarantine.exceptions_refresh_s = 0;     /* every item from now */
	ck_assert_int_eq(mkt_raw_exec(mkt_fx.cfg, "ALTER TABLE exceptions RENAME TO gone"), 0);
	ck_assert_int_eq(run_enc(e, &applied), MK_V_STRIPPED);      /* last list kept */
	ck_assert(applied);
	mk_engine_free(&e);
}
END_TEST

static mk_exception *
exc(gint64 id, const char *pattern, const char *action, gint64 expires)
{
	mk_exception *x = g_new0(mk_exception, 1);

	x->id = id;
	x->pattern = g_strdup(pattern);
	x->action = g_strdup(action);
	x->approver = g_strdup("adm2");
	x->approved = 1;
	x->expires = expires;
	return x;
}

static void
exc_free(gpointer p)
{
	mk_exception *x = p;

	mk_exception_free(&x);
}

static const struct { const char *sender; gint64 want; } matches[] = {
	{ "a@example.jp", 3 },              /* reject (#3) beats strip (#1, #2) */
	{ "b@example.jp", 1 },              /* the domain */
	{ "B@EXAMPLE.JP", 1 },
	{ "<c@example.jp>", 1 },
	{ "c@other.jp", 0 },
	{ "", 0 },
	{ NULL, 0 },
	{ "example.jp", 0 },
	{ "d@old.jp", 0 },                  /* expired */
};

START_TEST(test_match)
{
	GPtrArray *l = g_ptr_array_new_with_free_func(exc_free);
	const mk_exception *m;

	g_ptr_array_add(l, exc(1, "@example.jp", "strip", 2000));
	g_ptr_array_add(l, exc(2, "a@example.jp", "allow", 2000));
	g_ptr_array_add(l, exc(3, "a@example.jp", "reject", 2000));
	g_ptr_array_add(l, exc(4, "@old.jp", "reject", 999));
	m = mk_exception_match(l, matches[_i].sender, 1000);
	ck_assert_int_eq(m != NULL ? m->id : 0, matches[_i].want);
	g_ptr_array_unref(l);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("exceptions");
	TCase *tc = tcase_create("exceptions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_engine_exceptions, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_match, 0, G_N_ELEMENTS(matches));
	tcase_add_test(tc, test_refresh_and_unreadable);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
