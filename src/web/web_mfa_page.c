/*
 * NAME
 *   web_mfa_page - the /mfa pages: code form, enrolment with QR code,
 *   recovery codes (see web_mfa.c for the rules)
 *
 * DESCRIPTION
 *   GET /mfa shows the code form of a live pending login (never the QR
 *   code again); POST /mfa checks a TOTP code (field code) or a recovery
 *   code (field recovery).  Every try is audited (login.mfa, with "ok",
 *   "refused" or the enrolment).
 */
#include <qrencode.h>
#include <string.h>

#include "audit.h"
#include "mfa.h"
#include "web_mfa.h"

/* The QR code of TEXT as inline SVG (no script, no fetch: CSP allows it). */
static void
qr_svg(web_req *r, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w;

	if (q == NULL)
		return;
	w = q->width + 8;
	web_printf(r, "<svg id=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	           "height=\"%d\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
	           "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	           w * 5, w * 5, w, w, w, w);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				web_printf(r, "M%d %dh1v1h-1z", x + 4, y + 4);
	web_printf(r, "\"/></svg>");
	QRcode_free(q);
}

static void
code_form(web_req *r, const char *tok, const char *err_key)
{
	if (err_key != NULL) {
		web_printf(r, "<p class=\"error\" id=\"mfa-error\">");
		web_put(r, T(r, err_key));
		web_printf(r, "</p>");
	}
	web_printf(r, "<form method=\"post\" action=\"/mfa\"><input type=\"hidden\" "
	           "name=\"csrf\" value=\"%s\"><label>", tok);
	web_put(r, T(r, "mfa_code"));
	web_printf(r, " <input name=\"code\" id=\"code\" inputmode=\"numeric\" "
	           "autocomplete=\"one-time-code\" maxlength=\"6\"></label><label>");
	web_put(r, T(r, "mfa_recovery"));
	web_printf(r, " <input name=\"recovery\" id=\"recovery\" autocomplete=\"off\">"
	           "</label><button type=\"submit\" id=\"submit\">");
	web_put(r, T(r, "login"));
	web_printf(r, "</button></form>");
}

/* A new key for USER, stored sealed; the QR code and text shown once. */
static bool
enrol(web_req *r, const char *user, const char *tok)
{
	guint8 key[MK_TOTP_KEY_LEN], box[WEB_MFA_BOX_LEN];
	mk_error err = { 0 };
	char *b32, *uri, *esc;

	randombytes_buf(key, sizeof key);
	if (!web_mfa_seal(r->ctx, user, key, box) ||
	    mk_mfa_enrol(r->q, user, box, sizeof box, web_now(), &err) != 0) {
		sodium_memzero(key, sizeof key);
		return false;
	}
	b32 = mk_base32(key, sizeof key);
	sodium_memzero(key, sizeof key);
	esc = g_uri_escape_string(user, NULL, FALSE);
	uri = g_strdup_printf("otpauth://totp/mukaika:%s?secret=%s&issuer=mukaika&"
	                      "algorithm=SHA1&digits=%d&period=%d", esc, b32, MK_TOTP_DIGITS,
	                      MK_TOTP_PERIOD);
	web_begin(r, T(r, "mfa_enrol"));
	web_printf(r, "<p id=\"mfa-help\">");
	web_put(r, T(r, "mfa_enrol_help"));
	web_printf(r, "</p>");
	qr_svg(r, uri);
	web_printf(r, "<p>");
	web_put(r, T(r, "mfa_secret"));
	web_printf(r, " <code id=\"secret\">");
	web_put(r, b32);
	web_printf(r, "</code></p>");
	code_form(r, tok, NULL);
	web_end(r);
	web_audit(r, "mfa.enrol", user, "ok", "key made, not yet confirmed");
	sodium_memzero(b32, strlen(b32));
	sodium_memzero(uri, strlen(uri));
	g_free(b32);
	g_free(uri);
	g_free(esc);
	return true;
}

void
web_mfa_begin(web_req *r, const char *user, mk_login *l)
{
	mk_mfa_rec *rec = NULL;
	mk_error err = { 0 };
	char *tok = web_mfa_pending_new(r, user, l);
	int rc;

	if (tok == NULL) {
		web_error(r, 503, "busy");
		return;
	}
	web_set_cookie(r, "mk_mfa", tok, false);
	rc = mk_mfa_get(r->q, user, &rec, &err);
	if (rc == 0 && rec->confirmed) {
		web_begin(r, T(r, "mfa"));
		code_form(r, tok, NULL);
		web_end(r);
	} else if ((rc != 0 && rc != MK_ERR_NOINPUT) || !enrol(r, user, tok)) {
		web_error(r, 503, "mfa_unavailable");
	}
	mk_mfa_rec_free(&rec);
	g_free(tok);
}

void
page_mfa(web_req *r)
{
	char *user = web_mfa_pending_user(r->ctx, r->cookie_mfa);

	if (user == NULL) {
		web_redirect(r, "/login");
		return;
	}
	web_begin(r, T(r, "mfa"));
	code_form(r, r->cookie_mfa, NULL);
	web_end(r);
	g_free(user);
}

/* Check the code against USER's key; *enrolled when it confirmed one. */
static int
verify(web_req *r, const char *user, GPtrArray *codes, bool *enrolled, mk_error *err)
{
	mk_store *db = r->q;
	const char *code = web_field(r, "code"), *rcode = web_field(r, "recovery");
	guint8 key[MK_TOTP_KEY_LEN];
	mk_mfa_rec *rec = NULL;
	gint64 step = 0;
	int rc;

	if ((rc = mk_mfa_get(db, user, &rec, err)) != 0)
		return rc;
	if (*rcode != '\0' && rec->confirmed) {
		char *h = mk_recovery_hash(rcode);

		rc = mk_mfa_use_recovery(db, user, h, err);
		g_free(h);
	} else if (!web_mfa_unseal(r->ctx, user, rec->box, key)) {
		mk_error_set(err, MK_ERR_TEMP, "the second factor key cannot be read");
		rc = MK_ERR_TEMP;
	} else if (!mk_totp_verify(key, sizeof key, web_now(), code, rec->last_step, &step)) {
		mk_error_set(err, MK_ERR_USAGE, "wrong code");
		rc = MK_ERR_USAGE;
	} else if (rec->confirmed) {
		rc = mk_mfa_use_step(db, user, step, err);
	} else {
		GPtrArray *hashes = g_ptr_array_new_with_free_func(g_free);

		for (gint64 i = 0; i < r->ctx->cfg->web.mfa_recovery_codes; i++) {
			g_ptr_array_add(codes, mk_recovery_new());
			g_ptr_array_add(hashes, mk_recovery_hash(g_ptr_array_index(codes, i)));
		}
		if ((rc = mk_mfa_confirm(db, user, step, hashes, err)) == 0)
			*enrolled = true;
		g_ptr_array_unref(hashes);
	}
	sodium_memzero(key, sizeof key);
	mk_mfa_rec_free(&rec);
	return rc;
}

void
page_mfa_post(web_req *r)
{
	const char *tok = r->cookie_mfa;
	char *user = web_mfa_pending_user(r->ctx, tok), *token = NULL;
	GPtrArray *codes = g_ptr_array_new_with_free_func(g_free);
	mk_store *db = r->q;
	mk_login l = { 0 };
	mk_error err = { 0 };
	bool enrolled = false;

	if (user == NULL) {
		web_error(r, 403, "mfa_expired");
		goto out;
	}
	if (sodium_memcmp(web_field(r, "csrf"), tok, strlen(tok)) != 0 ||
	    strlen(web_field(r, "csrf")) != strlen(tok)) {
		web_error(r, 403, "csrf");
		goto out;
	}
	if (verify(r, user, codes, &enrolled, &err) != 0) {
		(void)mk_audit_add(db, web_now(), user, r->ip, "login.mfa", NULL, "refused",
		                   err.msg, NULL);
		web_mfa_pending_done(r->ctx, tok, false, NULL);
		r->status = 401;
		web_begin(r, T(r, "mfa"));
		code_form(r, tok, err.code == MK_ERR_TEMP ? "mfa_unavailable" : "mfa_wrong");
		web_end(r);
		goto out;
	}
	web_mfa_pending_done(r->ctx, tok, true, &l);
	(void)mk_audit_add(db, web_now(), user, r->ip, "login.mfa", NULL, "ok",
	                   enrolled ? "second factor enrolled" : NULL, NULL);
	if (mk_session_new(db, user, r->ip, web_now(), &token, &err) != 0 ||
	    mk_session_check(db, token, web_now(), &r->ctx->pol, &r->sess, &err) != 0) {
		web_error(r, 503, "failed");
		goto out;
	}
	web_set_cookie(r, "mk_session", token, false);
	web_set_cookie(r, "mk_mfa", "", true);
	web_welcome(r, &l, enrolled ? codes : NULL);
out:
	mk_login_clear(&l);
	g_ptr_array_unref(codes);
	g_free(token);
	g_free(user);
}
