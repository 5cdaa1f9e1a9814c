/*
 * NAME
 *   test_unlock - PPAP: opening a held encrypted archive with a password
 *   (mk_review_unlock in src/store/release.c, passwords in archive.c)
 *
 * DESCRIPTION
 *   Encrypted archives are made at run time: ZipCrypto zips with `zip -P`
 *   (apt package zip), zip AES-256 and 7z AES-256 with `7z` (apt package
 *   p7zip-full), each with a clean text member or EICAR; an encrypted 7z
 *   (libarchive 3.6 detects but cannot decrypt 7z AES) stays held as
 *   "unsupported", not counted as a wrong password.  Each is mailed (or
 *   dropped as a file) through a real engine with a real store, so the
 *   item is held as encrypted; then one row per attempt: wrong password ->
 *   still held, audited wrong_password, nothing delivered; right password
 *   on the clean zip -> the sanitized result (never the original) reaches a
 *   loopback SMTP sink with X-Mukaika-Unlocked-By, or out/OWNER/ for a
 *   file, and the item is "unlocked"; right password on EICAR -> still
 *   held, nothing delivered; too many wrong passwords -> rate limited even
 *   with the right one; a viewer may not unlock.  No password ever
 *   appears in the audit log or the stored report.
 */
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "engine.h"
#include "qstore.h"
#include "release.h"
#include "review.h"
#include "store_port.h"
#include "testutil.h"

#define RIGHT "Right-Pw-7391"

static char *tmp;
static mk_config *cfg;
static mk_store *q;
static mk_engine *eng;

static void
setup(void)
{
	mkt_fx_store_setup();
	tmp = mkt_fx.dir;
	cfg = mkt_fx.cfg;
	q = mkt_fx.q;
	cfg->web.max_unlock_attempts = 2;
	eng = mk_engine_new(cfg, mk_store_port_new(cfg), NULL);
	ck_assert_ptr_nonnull(eng);
}

static void
teardown(void)
{
	mk_engine_free(&eng);
	mkt_fx_store_teardown();
}

enum { ZIPCRYPTO = 0, ZIP_AES, SEVENZ, SEVENZ_HE };

static const struct { const char *name, *type; } kinds[] = {
	[ZIPCRYPTO] = { "docs.zip", "application/zip" },
	[ZIP_AES] = { "docs.zip", "application/zip" },
	[SEVENZ] = { "docs.7z", "application/x-7z-compressed" },
	[SEVENZ_HE] = { "docs.7z", "application/x-7z-compressed" },
};

/* An encrypted archive (password RIGHT) of KIND with one member:
 * ZipCrypto by `zip -P` (apt zip), zip AES-256 and 7z AES-256 (with or
 * without encrypted file names) by `7z` (apt p7zip-full). */
static GBytes *
encrypted_archive(int kind, const char *member, const char *content)
{
	char *txt = g_build_filename(tmp, member, NULL);
	char *arc = g_build_filename(tmp, kinds[kind].name, NULL);
	char *zip[] = { "zip", "-q", "-j", "-P", RIGHT, arc, txt, NULL };
	char *aes[] = { "7z", "a", "-bd", "-tzip", "-mem=AES256", "-p" RIGHT, arc, txt, NULL };
	char *sz[] = { "7z", "a", "-bd", "-t7z", "-mhe=off", "-p" RIGHT, arc, txt, NULL };
	char *he[] = { "7z", "a", "-bd", "-t7z", "-mhe=on", "-p" RIGHT, arc, txt, NULL };
	char **argv = kind == ZIPCRYPTO ? zip : kind == ZIP_AES ? aes : kind == SEVENZ ? sz : he;
	int status = -1;
	GBytes *b;

	unlink(arc);
	ck_assert(g_file_set_contents(txt, content, -1, NULL));
	ck_assert_msg(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
	                           G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
	                           &status, NULL) && status == 0,
	              "%s failed (apt packages zip, p7zip-full)", argv[0]);
	b = mkt_read(arc);
	g_free(txt);
	g_free(arc);
	return b;
}

static GBytes *
mail_with(GBytes *att, int kind)
{
	gsize len = 0;
	const guint8 *p = g_bytes_get_data(att, &len);
	char *b64 = g_base64_encode(p, len);
	char *m = g_strdup_printf(
		"From: <ppap@example.jp>\r\nTo: <u@lg.example>\r\nSubject: ppap\r\n"
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
		"--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\npassword follows\r\n"
		"--b1\r\nContent-Type: %s; name=\"%s\"\r\n"
		"Content-Disposition: attachment; filename=\"%s\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n", kinds[kind].type,
		kinds[kind].name, kinds[kind].name, b64);

	g_free(b64);
	return g_bytes_new_take(m, strlen(m));
}

/* Put a held item through the engine; returns its id. */
static char *
held_item(int kind, bool eicar, bool file)
{
	GBytes *zip = encrypted_archive(kind, "note.txt", eicar ? mkt_eicar() : "meeting at ten\n");
	GBytes *data = file ? g_bytes_ref(zip) : mail_with(zip, kind);
	mk_input in = { .data = data, .mode = file ? MK_MODE_FILE : MK_MODE_MAIL,
	                .sender = "ppap@example.jp", .name = kinds[kind].name,
	                .recipients = file ? "owner1" : "u@lg.example, v@lg.example" };
	mk_result *r = NULL;
	mk_error err = { 0 };
	char *id;

	ck_assert_int_eq(mk_engine_process(eng, &in, &r, &err), 0);
	ck_assert_msg(r->verdict == MK_V_QUARANTINED && r->stored, "held: %s", r->reason);
	ck_assert_ptr_nonnull(strstr(r->report_json, "\"encrypted\""));
	id = g_strdup(r->id);
	mk_result_free(&r);
	g_bytes_unref(data);
	g_bytes_unref(zip);
	return id;
}

static const struct {
	const char *name;
	int kind;
	bool eicar, file;
	mk_urole role;
	const char *pw[3];          /* attempts in order; the last is checked */
	int want;
	const char *result, *status;
	bool delivered;
} rows[] = {
	{ "wrong password", ZIPCRYPTO, false, false, MK_UR_OPERATOR, { "nope" }, MK_ERR_USAGE,
	  "wrong_password", "held", false },
	{ "right password, clean mail", ZIPCRYPTO, false, false, MK_UR_OPERATOR, { RIGHT }, 0,
	  "ok", "unlocked", true },
	{ "wrong then right", ZIPCRYPTO, false, false, MK_UR_APPROVER, { "x", RIGHT }, 0,
	  "ok", "unlocked", true },
	{ "right password, clean file", ZIPCRYPTO, false, true, MK_UR_OPERATOR, { RIGHT }, 0,
	  "ok", "unlocked", true },
	{ "right password, eicar", ZIPCRYPTO, true, false, MK_UR_OPERATOR, { RIGHT }, MK_ERR_USAGE,
	  "still_held", "held", false },
	{ "right password, eicar file", ZIPCRYPTO, true, true, MK_UR_OPERATOR, { RIGHT },
	  MK_ERR_USAGE, "still_held", "held", false },
	{ "rate limited", ZIPCRYPTO, false, false, MK_UR_OPERATOR, { "a", "b", RIGHT },
	  MK_ERR_USAGE, "rate_limited", "held", false },
	{ "viewer", ZIPCRYPTO, false, false, MK_UR_VIEWER, { RIGHT }, MK_ERR_USAGE, "refused",
	  "held", false },
	{ "zip AES-256, wrong", ZIP_AES, false, false, MK_UR_OPERATOR, { "nope" }, MK_ERR_USAGE,
	  "wrong_password", "held", false },
	{ "zip AES-256, right", ZIP_AES, false, false, MK_UR_OPERATOR, { RIGHT }, 0,
	  "ok", "unlocked", true },
	{ "zip AES-256, eicar", ZIP_AES, true, false, MK_UR_OPERATOR, { RIGHT }, MK_ERR_USAGE,
	  "still_held", "held", false },
	/* libarchive 3.6 detects 7z encryption but cannot decrypt it: held as
	 * "unsupported", never counted as a wrong password */
	{ "7z AES, right", SEVENZ, false, false, MK_UR_OPERATOR, { RIGHT }, MK_ERR_USAGE,
	  "unsupported", "held", false },
	{ "7z, encrypted file names", SEVENZ_HE, false, false, MK_UR_OPERATOR, { RIGHT },
	  MK_ERR_USAGE, "unsupported", "held", false },
};

/* The result of the newest item.unlock audit event; no password in any. */
static char *
last_result(const char *id)
{
	mk_audit_filter f = { .item = id, .what = "item.unlock", .limit = 100 };
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	char *res;

	ck_assert_int_eq(mk_audit_list(q, &f, &a, &err), 0);
	ck_assert_uint_gt(a->len, 0);
	for (guint i = 0; i < a->len; i++) {
		mk_audit_row *e = g_ptr_array_index(a, i);
		ck_assert_ptr_null(strstr(e->detail ? e->detail : "", RIGHT));
		ck_assert_ptr_null(strstr(e->detail ? e->detail : "", "nope"));
	}
	res = g_strdup(((mk_audit_row *)g_ptr_array_index(a, 0))->result);
	g_ptr_array_unref(a);
	return res;
}

/* Bytes of the one file in out/OWNER/, or NULL. */
static GBytes *
out_file(void)
{
	char *dir = g_build_filename(cfg->dropd.out_dir, "owner1", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n = d != NULL ? g_dir_read_name(d) : NULL;
	char *path = n != NULL ? g_build_filename(dir, n, NULL) : NULL;
	GBytes *b = path != NULL ? mkt_read(path) : NULL;

	if (d != NULL)
		g_dir_close(d);
	g_free(path);
	g_free(dir);
	return b;
}

static void
check_delivery(int i, const mkt_sink *s, const char *id)
{
	GBytes *orig, *got;
	mk_qrecord *rec = NULL;
	mk_error err = { 0 };

	if (!rows[i].file) {
		ck_assert_msg((strstr(s->log->str, "X-Mukaika-Unlocked-By:") != NULL) ==
		              rows[i].delivered, "%s: delivery", rows[i].name);
		if (!rows[i].delivered)
			return;
		ck_assert_ptr_nonnull(strstr(s->log->str, "RCPT TO:<u@lg.example>"));
		ck_assert_ptr_nonnull(strstr(s->log->str, "RCPT TO:<v@lg.example>"));
		ck_assert_ptr_nonnull(strstr(s->log->str, "MAIL FROM:<ppap@example.jp>"));
		ck_assert_ptr_nonnull(strstr(s->log->str, "X-Mukaika-Status"));
		ck_assert_ptr_null(strstr(s->log->str, RIGHT));
		return;
	}
	got = out_file();
	ck_assert_msg((got != NULL) == rows[i].delivered, "%s: file", rows[i].name);
	if (got == NULL)
		return;
	/* the sanitized rebuild, not the stored encrypted original */
	ck_assert_int_eq(mk_qstore_get(q, id, &rec, &err), 0);
	orig = mk_qstore_object(q, rec->sha256, &err);
	ck_assert(!g_bytes_equal(orig, got));
	ck_assert(memcmp(g_bytes_get_data(got, NULL), "PK", 2) == 0);
	g_bytes_unref(orig);
	g_bytes_unref(got);
	mk_qrecord_free(&rec);
}

START_TEST(test_unlock)
{
	mk_actor a = { "op1", rows[_i].role, "192.0.2.9" };
	char *id = held_item(rows[_i].kind, rows[_i].eicar, rows[_i].file), *where = NULL, *res;
	mk_qrecord *rec = NULL;
	mk_error err = { 0 };
	mkt_sink s = { .lfd = -1 };
	bool listening = false;
	int rc = -1;

	for (int k = 0; k < 3 && rows[_i].pw[k] != NULL; k++) {
		GPtrArray *pw = g_ptr_array_new();
		bool last = k == 2 || rows[_i].pw[k + 1] == NULL;

		g_ptr_array_add(pw, (gpointer)rows[_i].pw[k]);
		if (last && !rows[_i].file) {
			mkt_sink_start(&s, cfg);
			listening = true;
		}
		rc = mk_review_unlock(q, eng, &a, id, pw, g_get_real_time() / G_USEC_PER_SEC,
		                      &where, &err);
		g_ptr_array_unref(pw);
		g_clear_pointer(&where, g_free);
	}
	ck_assert_msg(rc == rows[_i].want, "%s: rc %d (%s)", rows[_i].name, rc, err.msg);
	if (listening && rows[_i].delivered)
		mkt_sink_join(&s);
	else if (listening)
		mkt_sink_stop(&s);
	check_delivery(_i, &s, id);
	res = last_result(id);
	ck_assert_str_eq(res, rows[_i].result);
	ck_assert_int_eq(mk_qstore_get(q, id, &rec, &err), 0);
	ck_assert_str_eq(rec->status, rows[_i].status);
	ck_assert_ptr_null(strstr(rec->report_json, RIGHT));
	mk_qrecord_free(&rec);
	mkt_sink_free(&s);
	g_free(res);
	g_free(id);
}
END_TEST

START_TEST(test_unlock_refusals)
{
	mk_actor a = { "op1", MK_UR_OPERATOR, "local" };
	GPtrArray *pw = g_ptr_array_new();
	char *where = NULL;
	mk_error err = { 0 };
	mk_qmeta m = { .id = "plain-1", .channel = "file", .recipients = "owner1",
	               .subject = "a.exe", .verdict = MK_V_QUARANTINED, .findings = "executable",
	               .report_json = "{}", .received = 1 };
	GBytes *b = g_bytes_new_static("MZ", 2);

	g_ptr_array_add(pw, RIGHT);
	ck_assert_int_eq(mk_qstore_put(q, &m, b, &err), 0);
	ck_assert_int_eq(mk_review_unlock(q, eng, &a, "plain-1", pw, 10, &where, &err),
	                 MK_ERR_USAGE);    /* nothing encrypted */
	ck_assert_int_eq(mk_review_unlock(q, eng, &a, "../x", pw, 10, &where, &err),
	                 MK_ERR_USAGE);
	ck_assert_int_eq(mk_review_unlock(q, eng, &a, "no-such", pw, 10, &where, &err),
	                 MK_ERR_NOINPUT);
	g_ptr_array_unref(pw);
	g_bytes_unref(b);
}
END_TEST

/* A virus found by an unlock is recorded on the item (findings, verdict,
 * report) and said in the refusal; such an original is never released,
 * not even through a request made before the unlock and approved after. */
START_TEST(test_unlock_virus_recorded)
{
	mk_actor op = { "op1", MK_UR_OPERATOR, "192.0.2.9" };
	mk_actor ap = { "ap1", MK_UR_APPROVER, "192.0.2.10" };
	char *id = held_item(ZIPCRYPTO, true, false), *where = NULL;
	GPtrArray *pw = g_ptr_array_new();
	mk_qrecord *rec = NULL;
	mk_error err = { 0 };
	gint64 req = 0, req2 = 0;

	ck_assert_int_eq(mk_review_request(q, &op, id, "needed", 100, &req, &err), 0);
	g_ptr_array_add(pw, (char *)RIGHT);
	ck_assert_int_eq(mk_review_unlock(q, eng, &op, id, pw, 101, &where, &err), MK_ERR_USAGE);
	ck_assert_msg(strstr(err.msg, "virus") != NULL, "refusal: %s", err.msg);
	ck_assert_int_eq(mk_qstore_get(q, id, &rec, &err), 0);
	ck_assert_msg(mk_codes_have(rec->findings, "virus"), "findings: %s", rec->findings);
	ck_assert_msg(mk_codes_have(rec->findings, "encrypted"), "findings: %s", rec->findings);
	ck_assert_int_ge(rec->verdict, MK_V_QUARANTINED);
	ck_assert_ptr_nonnull(strstr(rec->report_json, "\"virus\""));
	ck_assert_ptr_null(strstr(rec->report_json, RIGHT));
	ck_assert_str_eq(rec->status, "held");
	mk_qrecord_free(&rec);
	/* the request made before the unlock: approved, then refused at release */
	ck_assert_int_eq(mk_review_decide(q, &ap, req, true, "ok", 102, &err), 0);
	ck_assert_int_eq(mk_review_release(q, cfg, &op, req, 103, &where, &err), MK_ERR_USAGE);
	ck_assert_ptr_null(where);
	ck_assert_ptr_nonnull(strstr(err.msg, "virus"));
	/* and no new request is accepted */
	ck_assert_int_eq(mk_review_request(q, &op, id, "again", 104, &req2, &err), MK_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "virus"));
	g_ptr_array_unref(pw);
	g_free(id);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("unlock");
	TCase *tc = tcase_create("unlock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_unlock, 0, G_N_ELEMENTS(rows));
	tcase_add_test(tc, test_unlock_refusals);
	tcase_add_test(tc, test_unlock_virus_recorded);
	suite_add_tcase(su, tc);
	return mkt_run(su);
}
