/*
 * NAME
 *   web_auth - login (with the configured banner), logout, password change
 *
 * DESCRIPTION
 *   GET /login sets a pre-login token cookie (mk_pre) and puts the same
 *   token in the form (double-submit CSRF for the login itself); the token
 *   is MACed by the server (web_gate.c), a value chosen by the client is
 *   never kept or accepted.  A
 *   successful POST /login starts a session (cookie mk_session: HttpOnly,
 *   SameSite=Strict, Secure with TLS) and answers with the last successful
 *   login and the failed attempts since, unless the account needs the
 *   second factor (web_mfa.c: then only after the code); an account with a temporary
 *   password goes to /passwd and can do nothing else.  Failures give one
 *   message whatever the reason (unknown name, wrong password, locked).
 *   Every attempt is audited.
 */
#include <sodium.h>
#include <string.h>

#include "audit.h"
#include "pwpolicy.h"
#include "web.h"

char *
web_random_hex(void)
{
	unsigned char b[32];
	char *hex = g_malloc(sizeof b * 2 + 1);

	randombytes_buf(b, sizeof b);
	sodium_bin2hex(hex, sizeof b * 2 + 1, b, sizeof b);
	return hex;
}

void
web_set_cookie(web_req *r, const char *name, const char *value, bool expire)
{
	char *c = g_strdup_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
	                          value, r->ctx->tls ? "; Secure" : "",
	                          expire ? "; Max-Age=0" : "");

	web_header(r, "Set-Cookie", c);
	g_free(c);
}

static void
login_form(web_req *r, bool failed)
{
	/* keep a token the browser already has, if we issued it: a parallel
	 * GET (favicon, a second tab) must not invalidate the form on screen */
	char *pre = web_pre_valid(r->ctx, r->cookie_pre) ? g_strdup(r->cookie_pre)
	            : web_pre_issue(r->ctx);

	web_set_cookie(r, "mk_pre", pre, false);
	web_begin(r, T(r, "login"));
	web_printf(r, "<div class=\"banner\" id=\"banner\"><b>");
	web_put(r, T(r, "banner"));
	web_printf(r, "</b><br>");
	web_put(r, r->ctx->cfg->web.banner);
	web_printf(r, "</div>");
	if (failed) {
		web_printf(r, "<p class=\"error\" id=\"login-error\">");
		web_put(r, T(r, "login_failed"));
		web_printf(r, "</p>");
	}
	web_printf(r, "<form method=\"post\" action=\"/login\">"
	           "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label>", pre);
	web_put(r, T(r, "user"));
	web_printf(r, " <input name=\"user\" id=\"user\" autocomplete=\"username\"></label><label>");
	web_put(r, T(r, "password"));
	web_printf(r, " <input type=\"password\" name=\"password\" id=\"password\" "
	           "autocomplete=\"current-password\"></label><button type=\"submit\" id=\"submit\">");
	web_put(r, T(r, "login"));
	web_printf(r, "</button></form>");
	web_end(r);
	g_free(pre);
}

void
page_login(web_req *r)
{
	login_form(r, false);
}

/* Last login and failures since; RECOVERY (or NULL): the codes of a
 * second factor just enrolled, shown this once. */
void
web_welcome(web_req *r, const mk_login *l, const GPtrArray *recovery)
{
	web_begin(r, T(r, "welcome"));
	if (recovery != NULL) {
		web_printf(r, "<p class=\"ok\" id=\"mfa-enrolled\">");
		web_put(r, T(r, "mfa_enrolled"));
		web_printf(r, "</p><ol id=\"recovery-codes\">");
		for (guint i = 0; i < recovery->len; i++) {
			web_printf(r, "<li><code>");
			web_put(r, g_ptr_array_index(recovery, i));
			web_printf(r, "</code></li>");
		}
		web_printf(r, "</ol>");
	}
	if (l->pending) {
		web_printf(r, "<p class=\"error\" id=\"pending-account\">");
		web_put(r, T(r, "pending_account"));
		web_printf(r, "</p>");
	}
	web_printf(r, "<table id=\"lastlogin\"><tr><th>");
	web_put(r, T(r, "last_login"));
	web_printf(r, "</th><td id=\"prev-login\">");
	if (l->prev_login > 0) {
		web_time(r, l->prev_login);
		web_printf(r, " (");
		web_put(r, l->prev_ip);
		web_printf(r, ")");
	} else {
		web_put(r, T(r, "never"));
	}
	web_printf(r, "</td></tr><tr><th>");
	web_put(r, T(r, "failed_since"));
	web_printf(r, "</th><td id=\"failed-since\">%" G_GINT64_FORMAT "</td></tr></table>"
	           "<p><a id=\"continue\" href=\"%s\">", l->failed_since,
	           l->must_change ? "/passwd" : "/dashboard");
	web_put(r, T(r, "continue"));
	web_printf(r, "</a></p>");
	web_end(r);
}

void
page_login_post(web_req *r)
{
	mk_store *db = r->q;
	const char *user = web_field(r, "user");
	mk_login l = { 0 };
	mk_error err = { 0 };
	char *token = NULL;

	if (mk_user_login(db, user, web_field(r, "password"), r->ip, web_now(),
	                  &r->ctx->pol, &l, &err) != 0) {
		web_error(r, 503, "failed");
		return;
	}
	(void)mk_audit_add(db, web_now(), mk_user_valid_name(user) ? user : "-", r->ip,
	                   l.result == MK_LOGIN_OK ? "login" : "login.failed", NULL,
	                   l.result == MK_LOGIN_OK ? "ok" : "refused",
	                   l.result == MK_LOGIN_LOCKED ? "account locked" : NULL, NULL);
	if (l.now_locked)
		(void)mk_audit_add(db, web_now(), user, r->ip, "account.locked", user, "ok",
		                   "too many failed logins", NULL);
	if (l.result != MK_LOGIN_OK) {
		r->status = 401;
		login_form(r, true);
		goto out;
	}
	web_set_cookie(r, "mk_pre", "", true);
	if (web_mfa_required(r->ctx, l.account_role)) {     /* no session before the code */
		web_mfa_begin(r, user, &l);
		goto out;
	}
	if (mk_session_new(db, user, r->ip, web_now(), &token, &err) != 0 ||
	    mk_session_check(db, token, web_now(), &r->ctx->pol, &r->sess, &err) != 0) {
		web_error(r, 503, "failed");
		goto out;
	}
	web_set_cookie(r, "mk_session", token, false);
	web_welcome(r, &l, NULL);
out:
	g_free(token);
	mk_login_clear(&l);
}

void
page_logout(web_req *r)
{
	mk_error err = { 0 };

	web_audit(r, "logout", NULL, "ok", NULL);
	(void)mk_session_end(r->q, r->token, &err);
	web_set_cookie(r, "mk_session", "", true);
	web_redirect(r, "/login");
}

/* The password rules (pwpolicy.h), in the page's language. */
static void
rules(web_req *r)
{
	mk_pwpolicy p;
	char *text, **lines;

	mk_pwpolicy_from(r->ctx->cfg, &p);
	text = mk_pw_rules(&p, strcmp(r->lang, "en") != 0);
	lines = g_strsplit(text, "\n", -1);
	web_printf(r, "<div id=\"pw-rules\"><p>");
	web_put(r, T(r, "pw_rules"));
	web_printf(r, "</p><ul>");
	for (char **l = lines; *l; l++)
		if (**l != '\0') {
			web_printf(r, "<li>");
			web_put(r, *l);
			web_printf(r, "</li>");
		}
	web_printf(r, "</ul></div>");
	g_strfreev(lines);
	g_free(text);
}

static void
passwd_form(web_req *r, const char *msg, bool ok)
{
	static const char *const fields[][2] = {
		{ "old", "old_pw" }, { "new", "new_pw" }, { "new2", "new_pw2" },
	};

	web_begin(r, T(r, "passwd"));
	if (r->sess->must_change) {
		web_printf(r, "<p class=\"error\" id=\"forced\">");
		web_put(r, T(r, "passwd_forced"));
		web_printf(r, "</p>");
	}
	if (msg != NULL) {
		web_printf(r, "<p class=\"%s\" id=\"msg\">", ok ? "ok" : "error");
		web_put(r, msg);
		web_printf(r, "</p>");
	}
	rules(r);
	web_printf(r, "<form method=\"post\" action=\"/passwd\">");
	web_csrf_field(r);
	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
		web_printf(r, "<label>");
		web_put(r, T(r, fields[i][1]));
		web_printf(r, " <input type=\"password\" name=\"%s\" id=\"%s\"></label>",
		           fields[i][0], fields[i][0]);
	}
	web_printf(r, "<button type=\"submit\" id=\"submit\">");
	web_put(r, T(r, "passwd"));
	web_printf(r, "</button></form>");
	web_end(r);
}

void
page_passwd(web_req *r)
{
	passwd_form(r, NULL, false);
}

void
page_passwd_post(web_req *r)
{
	mk_store *db = r->q;
	mk_error err = { 0 };
	char *token = NULL;
	mk_pwpolicy pwp;
	mk_pw_verdict v;
	int rc;

	if (strcmp(web_field(r, "new"), web_field(r, "new2")) != 0) {
		passwd_form(r, T(r, "pw_mismatch"), false);
		return;
	}
	mk_pwpolicy_from(r->ctx->cfg, &pwp);
	if ((v = mk_pw_judge(&pwp, r->sess->user, web_field(r, "new"))) != MK_PW_OK) {
		web_audit(r, "user.passwd", r->sess->user, "refused", mk_pw_reason(v, false));
		r->status = 400;
		passwd_form(r, mk_pw_reason(v, strcmp(r->lang, "en") != 0), false);
		return;
	}
	rc = mk_user_change_password(db, r->sess->user, web_field(r, "old"),
	                             web_field(r, "new"), &r->ctx->pol, &err);
	web_audit(r, "user.passwd", r->sess->user, rc == 0 ? "ok" : "refused",
	          rc == 0 ? NULL : err.msg);
	if (rc != 0) {
		passwd_form(r, err.msg, false);
		return;
	}
	/* the change ended every session of the account: start a new one */
	if (mk_session_new(db, r->sess->user, r->ip, web_now(), &token, &err) == 0) {
		char *user = g_strdup(r->sess->user);

		mk_session_free(&r->sess);
		(void)mk_session_check(db, token, web_now(), &r->ctx->pol, &r->sess, &err);
		web_set_cookie(r, "mk_session", token, false);
		g_free(user);
	}
	g_free(token);
	if (r->sess == NULL) {
		web_redirect(r, "/login");
		return;
	}
	passwd_form(r, T(r, "pw_changed"), true);
}
