/*
 * NAME
 *   web_admin - accounts and policy exceptions (admin only), dashboard
 *
 * DESCRIPTION
 *   Accounts: add (shows the temporary password once), reset password,
 *   lock, unlock, change role, reset the second factor, delete (a box to
 *   tick first), confirm a pending account (shown to admins other than
 *   the one who set it up; the rules: accounts.c), and ?unused=DAYS lists
 *   only accounts without a login for DAYS days.  An admin cannot lock,
 *   demote or delete their own account here (keeps one admin able to act).  Exceptions: propose,
 *   approve (another admin), revoke.  The role list shows the account's
 *   current role.  Dashboard: items held now and requests waiting for
 *   approval (links), items per day over the last 14 days as a server-side
 *   SVG bar chart, counts per verdict and per finding.
 */
#include <string.h>

#include "audit.h"
#include "web.h"

#define DASH_DAYS 14
#define SECS_PER_DAY 86400

/* A <select>; the option equal to SEL (may be NULL) is selected. */
static void
option_list(web_req *r, const char *name, const char *const *vals, gsize n,
            const char *sel)
{
	web_printf(r, "<select name=\"%s\">", name);
	for (gsize i = 0; i < n; i++)
		web_printf(r, "<option value=\"%s\"%s>%s</option>", vals[i],
		           sel != NULL && strcmp(sel, vals[i]) == 0 ? " selected" : "",
		           T(r, vals[i]));
	web_printf(r, "</select>");
}

static const char *const roles[] = { "viewer", "operator", "approver", "admin" };

static void
user_actions(web_req *r, const mk_user *u)
{
	static const char *const acts[] = { "reset", "lock", "unlock", "mfa_reset", "delete",
	                                    "confirm" };

	for (gsize i = 0; i < G_N_ELEMENTS(acts); i++) {
		bool del = strcmp(acts[i], "delete") == 0;

		if (strcmp(acts[i], "confirm") == 0 &&
		    (u->granted_by == NULL || strcmp(u->granted_by, r->sess->user) == 0 ||
		     strcmp(u->name, r->sess->user) == 0))
			continue;
		web_printf(r, "<form class=\"inline\" method=\"post\" action=\"/users\">");
		web_csrf_field(r);
		web_printf(r, "<input type=\"hidden\" name=\"op\" value=\"%s\">"
		           "<input type=\"hidden\" name=\"name\" value=\"", acts[i]);
		web_put(r, u->name);
		web_printf(r, "\">");
		if (del)      /* no script under the CSP: a box to tick first */
			web_printf(r, "<label><input type=\"checkbox\" name=\"sure\" value=\"1\" "
			           "required>%s</label>", T(r, "sure"));
		web_printf(r, "<button type=\"submit\" class=\"op-%s\">", acts[i]);
		web_put(r, T(r, acts[i]));
		web_printf(r, "</button></form> ");
	}
	web_printf(r, "<form class=\"inline\" method=\"post\" action=\"/users\">");
	web_csrf_field(r);
	web_printf(r, "<input type=\"hidden\" name=\"op\" value=\"role\">"
	           "<input type=\"hidden\" name=\"name\" value=\"");
	web_put(r, u->name);
	web_printf(r, "\">");
	option_list(r, "role", roles, G_N_ELEMENTS(roles), mk_urole_name(u->role));
	web_printf(r, "<button type=\"submit\">");
	web_put(r, T(r, "set_role"));
	web_printf(r, "</button></form>");
}

static void
user_status(web_req *r, const mk_user *u)
{
	web_printf(r, "%s%s%s", u->disabled ? T(r, "u_disabled") : "",
	           u->locked_until > web_now() ? T(r, "u_locked_out") : "",
	           u->must_change ? T(r, "u_must_change") : "");
	if (u->granted_by != NULL) {
		web_printf(r, "<span class=\"pending\">%s ", T(r, "u_pending"));
		web_put(r, u->granted_by);
		web_printf(r, ")</span>");
	}
}

/* The unused-accounts filter: ?unused=DAYS (0..36500), -1 = all. */
static gint64
unused_days(web_req *r)
{
	const char *v = web_arg(r, "unused");
	char *end = NULL;
	gint64 d = g_ascii_strtoll(v, &end, 10);

	return *v == '\0' || *end != '\0' || d < 0 || d > 36500 ? -1 : d;
}

static void
users_page(web_req *r, const char *temp_user, const char *temp_pw, const char *msg)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	gint64 days = unused_days(r);

	if (mk_user_list(r->q, &a, &err) != 0) {
		web_error(r, 503, "failed");
		return;
	}
	web_begin(r, T(r, "users"));
	if (temp_pw != NULL) {
		web_printf(r, "<p class=\"ok\">");
		web_put(r, temp_user);
		web_printf(r, ": ");
		web_put(r, T(r, "temp_pw"));
		web_printf(r, " <code id=\"temp-pw\">");
		web_put(r, temp_pw);
		web_printf(r, "</code></p>");
	}
	if (msg != NULL) {
		web_printf(r, "<p class=\"error\" id=\"msg\">");
		web_put(r, msg);
		web_printf(r, "</p>");
	}
	web_printf(r, "<form method=\"get\" action=\"/users\" id=\"unused-form\"><label>%s "
	           "<input name=\"unused\" id=\"unused\" size=\"5\" value=\"", T(r, "unused_days"));
	if (days >= 0)
		web_printf(r, "%" G_GINT64_FORMAT, days);
	web_printf(r, "\"></label> <button type=\"submit\">%s</button></form>", T(r, "search"));
	web_printf(r, "<table id=\"users\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	           "<th></th></tr>", T(r, "user"), T(r, "role"), T(r, "status"),
	           T(r, "last_login"));
	for (guint i = 0; i < a->len; i++) {
		mk_user *u = g_ptr_array_index(a, i);

		if (days >= 0 && !mk_user_unused(u, days, web_now()))
			continue;
		web_printf(r, "<tr class=\"user-row\"><td class=\"uname\">");
		web_put(r, u->name);
		web_printf(r, "</td><td>");
		web_label(r, "", mk_urole_name(u->role));
		web_printf(r, "</td><td>");
		user_status(r, u);
		web_printf(r, "</td><td>");
		web_time(r, u->last_login);
		web_printf(r, "</td><td>");
		user_actions(r, u);
		web_printf(r, "</td></tr>");
	}
	web_printf(r, "</table><h2>%s</h2><form method=\"post\" action=\"/users\">",
	           T(r, "add_user"));
	web_csrf_field(r);
	web_printf(r, "<input type=\"hidden\" name=\"op\" value=\"add\"><label>%s "
	           "<input name=\"name\" id=\"new-user\"></label>", T(r, "user"));
	option_list(r, "role", roles, G_N_ELEMENTS(roles), "viewer");
	web_printf(r, "<button type=\"submit\" id=\"add-user\">%s</button></form>",
	           T(r, "add_user"));
	web_end(r);
	g_ptr_array_unref(a);
}

void
page_users(web_req *r)
{
	if (web_admin_only(r))
		users_page(r, NULL, NULL, NULL);
}

void
page_users_post(web_req *r)
{
	mk_store *db = r->q;
	const char *op = web_field(r, "op"), *name = web_field(r, "name");
	mk_urole role = mk_urole_parse(web_field(r, "role"));
	bool self = strcmp(name, r->sess->user) == 0;
	mk_error err = { 0 };
	char *pw = NULL, *what;
	int rc;

	if (!web_admin_only(r))
		return;
	if (strcmp(op, "add") == 0)
		rc = mk_user_add(db, name, role, r->sess->user, web_now(), &pw, &err);
	else if (strcmp(op, "reset") == 0)
		rc = mk_user_reset(db, name, r->sess->user, &pw, &err);
	else if (self && (strcmp(op, "lock") == 0 || strcmp(op, "role") == 0))
		rc = (mk_error_set(&err, MK_ERR_USAGE, "not on your own account"), MK_ERR_USAGE);
	else if (strcmp(op, "confirm") == 0)
		rc = mk_user_confirm(db, name, r->sess->user, &err);
	else if (strcmp(op, "mfa_reset") == 0)
		rc = mk_user_mfa_reset(db, name, r->sess->user, &err);
	else if (strcmp(op, "delete") == 0 && strcmp(web_field(r, "sure"), "1") != 0)
		rc = (mk_error_set(&err, MK_ERR_USAGE, "tick the box to delete"), MK_ERR_USAGE);
	else if (strcmp(op, "delete") == 0)
		rc = mk_user_delete(db, name, r->sess->user, &err);
	else if (strcmp(op, "lock") == 0 || strcmp(op, "unlock") == 0)
		rc = mk_user_set_disabled(db, name, strcmp(op, "lock") == 0, &err);
	else if (strcmp(op, "role") == 0)
		rc = mk_user_set_role(db, name, role, r->sess->user, &err);
	else
		rc = (mk_error_set(&err, MK_ERR_USAGE, "unknown operation"), MK_ERR_USAGE);
	what = g_strconcat("user.", strcmp(op, "mfa_reset") == 0 ? "mfa-reset"
	                   : mk_user_valid_name(op) ? op : "?", NULL);
	web_audit(r, what, mk_user_valid_name(name) ? name : NULL, rc == 0 ? "ok" : "refused",
	          rc == 0 ? (strcmp(op, "add") == 0 || strcmp(op, "role") == 0
	                     ? mk_urole_name(role) : NULL) : err.msg);
	users_page(r, name, pw, rc == 0 ? NULL : err.msg);
	g_free(what);
	g_free(pw);
}

static void
exceptions_page(web_req *r, const char *msg)
{
	static const char *const acts[] = { "allow", "sanitize", "strip", "quarantine", "reject" };
	GPtrArray *a = NULL;
	mk_error err = { 0 };

	if (mk_exception_list(r->q, &a, &err) != 0) {
		web_error(r, 503, "failed");
		return;
	}
	web_begin(r, T(r, "exceptions"));
	if (msg != NULL) {
		web_printf(r, "<p class=\"error\" id=\"msg\">");
		web_put(r, msg);
		web_printf(r, "</p>");
	}
	web_printf(r, "<table id=\"exceptions\"><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
	           "<th>%s</th><th>%s</th><th>%s</th><th></th></tr>", T(r, "pattern"),
	           T(r, "action"), T(r, "reason"), T(r, "requester"), T(r, "approver"),
	           T(r, "expires"));
	for (guint i = 0; i < a->len; i++) {
		mk_exception *e = g_ptr_array_index(a, i);

		web_printf(r, "<tr><td>%" G_GINT64_FORMAT "</td><td>", e->id);
		web_put(r, e->pattern);
		web_printf(r, "</td><td>%s</td><td>", e->action);
		web_put(r, e->reason);
		web_printf(r, "</td><td>");
		web_put(r, e->requester);
		web_printf(r, "</td><td>");
		web_put(r, e->approver);
		web_printf(r, "</td><td>");
		web_time(r, e->expires);
		web_printf(r, "%s</td><td>", e->revoked ? " (revoked)" : "");
		for (int k = 0; k < 2 && !e->revoked; k++) {
			if (k == 0 && e->approver != NULL)
				continue;
			web_printf(r, "<form class=\"inline\" method=\"post\" action=\"/exceptions\">");
			web_csrf_field(r);
			web_printf(r, "<input type=\"hidden\" name=\"op\" value=\"%s\"><input "
			           "type=\"hidden\" name=\"id\" value=\"%" G_GINT64_FORMAT "\">"
			           "<button type=\"submit\">%s</button></form>", k == 0 ? "approve"
			           : "revoke", e->id, T(r, k == 0 ? "approve" : "revoke"));
		}
		web_printf(r, "</td></tr>");
	}
	web_printf(r, "</table><h2>%s</h2><form method=\"post\" action=\"/exceptions\">",
	           T(r, "propose"));
	web_csrf_field(r);
	web_printf(r, "<input type=\"hidden\" name=\"op\" value=\"propose\"><label>%s "
	           "<input name=\"pattern\"></label><label>%s ", T(r, "pattern"), T(r, "action"));
	option_list(r, "action", acts, G_N_ELEMENTS(acts), NULL);
	web_printf(r, "</label><label>%s <input name=\"reason\"></label><label>%s "
	           "<input name=\"days\" value=\"30\"></label><button type=\"submit\">%s</button>"
	           "</form>", T(r, "reason"), T(r, "days"), T(r, "propose"));
	web_end(r);
	g_ptr_array_unref(a);
}

void
page_exceptions(web_req *r)
{
	if (web_admin_only(r))
		exceptions_page(r, NULL);
}

void
page_exceptions_post(web_req *r)
{
	mk_actor a = { .who = r->sess->user, .role = r->sess->role, .ip = r->ip };
	const char *op = web_field(r, "op");
	gint64 id = g_ascii_strtoll(web_field(r, "id"), NULL, 10);
	gint64 days = g_ascii_strtoll(web_field(r, "days"), NULL, 10);
	mk_error err = { 0 };
	int rc;

	if (!web_admin_only(r))
		return;
	if (strcmp(op, "propose") == 0)
		rc = mk_exception_propose(r->q, &a, web_field(r, "pattern"),
		                          web_field(r, "action"), web_field(r, "reason"),
		                          web_now() + MAX(0, MIN(days, 3650)) * SECS_PER_DAY,
		                          web_now(), &id, &err);
	else if (strcmp(op, "approve") == 0)
		rc = mk_exception_approve(r->q, &a, id, web_now(), &err);
	else
		rc = mk_exception_revoke(r->q, &a, id, web_now(), &err);
	exceptions_page(r, rc == 0 ? NULL : err.msg);
}

static void
count_table(web_req *r, const char *title_key, GHashTable *h)
{
	GHashTableIter it;
	gpointer k, v;

	web_printf(r, "<h2>%s</h2><table class=\"counts\"><tr><th></th><th>%s</th></tr>",
	           T(r, title_key), T(r, "count"));
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		web_printf(r, "<tr><td>");
		web_put(r, k);
		web_printf(r, "</td><td>%u</td></tr>", GPOINTER_TO_UINT(v));
	}
	web_printf(r, "</table>");
}

static void
bump(GHashTable *h, const char *key)
{
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(h, key));

	g_hash_table_replace(h, g_strdup(key), GUINT_TO_POINTER(n + 1));
}

static void
svg_days(web_req *r, const guint *per_day, gint64 today0)
{
	guint max = 1;

	for (int i = 0; i < DASH_DAYS; i++)
		max = MAX(max, per_day[i]);
	web_printf(r, "<h2>%s</h2><svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	           "width=\"%d\" height=\"140\" role=\"img\">", T(r, "per_day"), DASH_DAYS * 40);
	for (int i = 0; i < DASH_DAYS; i++) {
		guint h = per_day[i] * 100 / max;
		GDateTime *d = g_date_time_new_from_unix_utc(today0 - (DASH_DAYS - 1 - i)
		                                             * SECS_PER_DAY);
		char *lab = g_date_time_format(d, "%m/%d");

		web_printf(r, "<rect class=\"bar\" x=\"%d\" y=\"%u\" width=\"30\" height=\"%u\">"
		           "<title>%s: %u</title></rect><text class=\"axis\" x=\"%d\" y=\"135\">"
		           "%s</text>", i * 40 + 5, 110 - h, h, lab, per_day[i], i * 40 + 5, lab);
		g_free(lab);
		g_date_time_unref(d);
	}
	web_printf(r, "</svg>");
}

/* Items held now and requests waiting for an approver, as links. */
static void
counts(web_req *r)
{
	mk_qfilter held = { .status = "held" };
	GPtrArray *pend = NULL;
	gint64 n = -1;
	mk_error err = { 0 };

	(void)mk_qstore_count(r->q, &held, &n, &err);
	(void)mk_review_list(r->q, "pending", NULL, &pend, &err);
	web_printf(r, "<table id=\"counts\"><tr><th><a href=\"/items?status=held\">");
	web_put(r, T(r, "held_count"));
	web_printf(r, "</a></th><td id=\"held-count\">%" G_GINT64_FORMAT "</td></tr><tr><th>"
	           "<a href=\"/approvals\">", n);
	web_put(r, T(r, "pending_count"));
	web_printf(r, "</a></th><td id=\"pending-count\">%d</td></tr></table>",
	           pend != NULL ? (int)pend->len : -1);
	if (pend != NULL)
		g_ptr_array_unref(pend);
}

void
page_dashboard(web_req *r)
{
	gint64 now = web_now(), today0 = now - now % SECS_PER_DAY;
	mk_qfilter f = { .since = today0 - (DASH_DAYS - 1) * SECS_PER_DAY };
	GHashTable *verd = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *find = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint per_day[DASH_DAYS] = { 0 };
	GPtrArray *rows = NULL;
	mk_error err = { 0 };

	if (mk_qstore_search(r->q, &f, &rows, &err) != 0) {
		web_error(r, 503, "failed");
		goto out;
	}
	for (guint i = 0; i < rows->len; i++) {
		mk_qrecord *q = g_ptr_array_index(rows, i);
		gint64 d = (q->received - f.since) / SECS_PER_DAY;
		char **fs = g_strsplit(q->findings ? q->findings : "", ",", -1);

		if (d >= 0 && d < DASH_DAYS)
			per_day[d]++;
		bump(verd, mk_verdict_name(q->verdict));
		for (char **p = fs; *p; p++)
			if (**p)
				bump(find, *p);
		g_strfreev(fs);
	}
	web_begin(r, T(r, "dashboard"));
	counts(r);
	svg_days(r, per_day, today0);
	count_table(r, "per_verdict", verd);
	count_table(r, "per_finding", find);
	web_summary(r);
	web_end(r);
out:
	if (rows != NULL)
		g_ptr_array_unref(rows);
	g_hash_table_unref(verd);
	g_hash_table_unref(find);
}
