/*
 * NAME
 *   web_bulk - many held items or requests at once: deny selected
 *   requests, approve selected deletion requests, ask to delete selected
 *   items (POST /approvals/bulk, POST /items/bulk)
 *
 * DESCRIPTION
 *   The list pages put a checkbox (name sel_ID, form attribute pointing at
 *   the bulk form after the table: no nested forms, no script) beside each
 *   row the account may act on.  Each selected id goes through the same
 *   store call as the one-at-a-time button, so every rule holds per item:
 *   the two-person rule, roles, states, and every step is audited by the
 *   store.  Deleting stays two-person: the items page only asks for the
 *   deletions (an admin), and a different admin approves them here.
 *   Releases are never decided in bulk: each keeps its confirmation page.
 *   At most web.page_size ids per POST; the answer lists each id with its
 *   result.
 *
 * NEVER
 *   Never releases an original; never acts on an id the form did not name.
 */
#include <string.h>

#include "revmail.h"
#include "web.h"

#define SEL_PREFIX "sel_"

void
web_bulk_box(web_req *r, const char *form, const char *id)
{
	web_printf(r, "<td class=\"sel\"><input type=\"checkbox\" form=\"%s\" class=\"sel\" "
	           "value=\"1\" name=\"" SEL_PREFIX, form);
	web_put(r, id);
	web_printf(r, "\"></td>");
}

/* The bulk form after a list: one <select> of OPS and a button. */
void
web_bulk_form(web_req *r, const char *id, const char *action, const char *const *ops,
              gsize n)
{
	web_printf(r, "<form id=\"%s\" method=\"post\" action=\"%s\" class=\"bulk\">", id,
	           action);
	web_csrf_field(r);
	web_printf(r, "<label>%s <select name=\"op\" id=\"%s-op\">", T(r, "bulk_selected"), id);
	for (gsize i = 0; i < n; i++)
		web_printf(r, "<option value=\"%s\">%s</option>", ops[i], T(r, ops[i]));
	web_printf(r, "</select></label> <input name=\"comment\" placeholder=\"%s\"> "
	           "<label><input type=\"checkbox\" name=\"sure\" value=\"1\" required>%s</label> "
	           "<button type=\"submit\" id=\"%s-go\">%s</button></form>", T(r, "comment"),
	           T(r, "sure"), id, T(r, "bulk_go"));
}

static gint
by_text(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* The selected ids, sorted (at most MAX). */
static GPtrArray *
selected(web_req *r, gint64 max)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter it;
	gpointer k, v;

	if (r->form == NULL)
		return ids;
	g_hash_table_iter_init(&it, r->form);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (g_str_has_prefix(k, SEL_PREFIX) && strcmp(v, "1") == 0 &&
		    (gint64)ids->len < max)
			g_ptr_array_add(ids, g_strdup((const char *)k + strlen(SEL_PREFIX)));
	g_ptr_array_sort(ids, by_text);
	return ids;
}

static void
result_row(web_req *r, const char *id, int rc, const mk_error *err)
{
	web_printf(r, "<tr class=\"%s\"><td>", rc == 0 ? "bulk-ok" : "bulk-refused");
	web_put(r, id);
	web_printf(r, "</td><td>%s</td><td>", rc == 0 ? T(r, "bulk_done") : T(r, "bulk_refused"));
	if (rc != 0)
		web_put(r, err->msg);
	web_printf(r, "</td></tr>\n");
}

static bool
begin(web_req *r, GPtrArray **ids)
{
	*ids = NULL;
	if (strcmp(web_field(r, "sure"), "1") != 0) {
		web_error(r, 400, "bad_request");
		return false;
	}
	*ids = selected(r, r->ctx->cfg->web.page_size);
	web_begin(r, T(r, "bulk_results"));
	web_printf(r, "<table id=\"bulk-results\">");
	return true;
}

static void
end(web_req *r, GPtrArray *ids, const char *back)
{
	web_printf(r, "</table><p id=\"bulk-count\">%u</p><p><a href=\"%s\">%s</a></p>",
	           ids->len, back, T(r, "back"));
	web_end(r);
	g_ptr_array_unref(ids);
}

/* POST /approvals/bulk: op deny (approver) or approve_delete (admin; only
 * requests of kind delete: each deletes its item at once). */
void
page_approvals_bulk_post(web_req *r)
{
	mk_actor a = { .who = r->sess->user, .role = r->sess->role, .ip = r->ip };
	const char *op = web_field(r, "op");
	bool del = strcmp(op, "approve_delete") == 0;
	GPtrArray *ids;

	if (!del && strcmp(op, "deny") != 0) {
		web_error(r, 400, "bad_request");
		return;
	}
	if (!mk_urole_can(r->sess->role, del ? MK_PERM_ADMIN : MK_PERM_DECIDE)) {
		web_audit(r, "access.denied", NULL, "refused", "approvals/bulk");
		web_error(r, 403, "forbidden");
		return;
	}
	if (!begin(r, &ids))
		return;
	for (guint i = 0; i < ids->len; i++) {
		const char *s = g_ptr_array_index(ids, i);
		char *e = NULL;
		gint64 id = g_ascii_strtoll(s, &e, 10);
		mk_request *q = NULL;
		mk_error err = { 0 };
		int rc;

		if (e == s || *e != '\0' || id <= 0)
			rc = (mk_error_set(&err, MK_ERR_NOINPUT, "no such request"), MK_ERR_NOINPUT);
		else if ((rc = mk_review_get(r->q, id, &q, &err)) == 0 && del &&
		         g_strcmp0(q->kind, "delete") != 0)
			rc = (mk_error_set(&err, MK_ERR_USAGE, "not a deletion request: a release "
			                   "is approved one by one"), MK_ERR_USAGE);
		else if (rc == 0 &&
		         (rc = mk_review_decide(r->q, &a, id, del, web_field(r, "comment"),
		                                web_now(), &err)) == 0)
			(void)mk_revmail_decision(r->q, r->ctx->cfg, id);
		result_row(r, s, rc, &err);
		mk_request_free(&q);
	}
	end(r, ids, "/approvals");
}

/* POST /items/bulk: op delete (admin): a deletion request per item; a
 * second admin approves them (two-person). */
void
page_items_bulk_post(web_req *r)
{
	mk_actor a = { .who = r->sess->user, .role = r->sess->role, .ip = r->ip };
	GPtrArray *ids;

	if (strcmp(web_field(r, "op"), "request_delete") != 0) {
		web_error(r, 400, "bad_request");
		return;
	}
	if (!web_admin_only(r) || !begin(r, &ids))
		return;
	for (guint i = 0; i < ids->len; i++) {
		const char *id = g_ptr_array_index(ids, i);
		mk_error err = { 0 };
		gint64 req = 0;
		int rc = mk_review_delete(r->q, &a, id, web_now(), &req, &err);

		if (rc == 0)
			(void)mk_revmail_request(r->q, r->ctx->cfg, req);
		result_row(r, id, rc, &err);
	}
	end(r, ids, "/approvals");
}
