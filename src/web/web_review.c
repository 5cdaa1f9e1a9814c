/*
 * NAME
 *   web_review - approvals queue and decisions (the audit list: web_audit.c)
 *
 * DESCRIPTION
 *   "Approve" first shows what will be released to whom and asks again
 *   (no script: a second form with confirm=1); the confirmed POST records
 *   the decision and releases the original at once (the two people are
 *   the requester and the approver).  The two-person rule, roles and states are enforced by the
 *   store (review.h); these pages only show the buttons that make sense and
 *   report refusals.  Admin pages check the role before anything else and
 *   audit refused attempts (access.denied).
 */
#include <string.h>

#include "audit.h"
#include "revmail.h"
#include "web.h"

static void
cell(web_req *r, const char *s)
{
	web_printf(r, "<td>");
	web_put(r, s);
	web_printf(r, "</td>");
}

static void
headrow(web_req *r, const char *const *keys, gsize n)
{
	web_printf(r, "<tr>");
	for (gsize i = 0; i < n; i++) {
		web_printf(r, "<th>");
		web_put(r, T(r, keys[i]));
		web_printf(r, "</th>");
	}
	web_printf(r, "</tr>\n");
}

static void
decide_buttons(web_req *r, const mk_request *q)
{
	if (strcmp(q->status, "pending") != 0 || !mk_urole_can(r->sess->role, MK_PERM_DECIDE))
		return;
	if (strcmp(q->requester, r->sess->user) == 0) {
		web_printf(r, "<span class=\"own\">");
		web_put(r, T(r, "own_request"));
		web_printf(r, "</span>");
		return;
	}
	for (int i = 0; i < 2; i++) {
		web_printf(r, "<form class=\"inline\" method=\"post\" action=\"/request/%"
		           G_GINT64_FORMAT "/%s\">", q->id, i == 0 ? "approve" : "deny");
		web_csrf_field(r);
		web_printf(r, "<input name=\"comment\" placeholder=\"");
		web_put(r, T(r, "comment"));
		web_printf(r, "\"><button type=\"submit\" id=\"%s-%" G_GINT64_FORMAT "\">",
		           i == 0 ? "approve" : "deny", q->id);
		web_put(r, T(r, i == 0 ? "approve" : "deny"));
		web_printf(r, "</button></form> ");
	}
}

void
page_approvals(web_req *r)
{
	static const char *const keys[] = { "", "when", "item", "subject", "requester",
		"reason", "status", "approver", "comment", "action" };
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	const char *msg = web_arg(r, "msg");

	if (mk_review_list(r->q, NULL, NULL, &a, &err) != 0) {
		web_error(r, 503, "failed");
		return;
	}
	web_begin(r, T(r, "requests"));
	if (*msg != '\0') {
		web_printf(r, "<p class=\"ok\" id=\"msg\">");
		web_put(r, T(r, strcmp(msg, "approved") == 0 ? "approved"
		             : strcmp(msg, "denied") == 0 ? "denied" : "failed"));
		web_printf(r, "</p>");
	}
	web_printf(r, "<table id=\"requests\">");
	headrow(r, keys, G_N_ELEMENTS(keys));
	for (guint i = 0; i < a->len; i++) {
		mk_request *q = g_ptr_array_index(a, i);
		char id[24];

		g_snprintf(id, sizeof id, "%" G_GINT64_FORMAT, q->id);
		web_printf(r, "<tr id=\"req-%s\">", id);
		if (strcmp(q->status, "pending") == 0 && strcmp(q->requester, r->sess->user) != 0 &&
		    mk_urole_can(r->sess->role, MK_PERM_DECIDE))
			web_bulk_box(r, "bulk-requests", id);
		else
			web_printf(r, "<td></td>");
		web_printf(r, "<td>");
		web_time(r, q->created);
		web_printf(r, "</td><td><a href=\"/item/");
		web_put(r, q->item);
		web_printf(r, "\">");
		web_put(r, q->item);
		web_printf(r, "</a></td>");
		cell(r, q->subject);
		cell(r, q->requester);
		cell(r, q->reason);
		web_printf(r, "<td>");
		web_label(r, "s_", q->status);
		web_printf(r, "</td>");
		cell(r, q->approver);
		cell(r, q->comment);
		web_printf(r, "<td>");
		decide_buttons(r, q);
		web_printf(r, "</td></tr>\n");
	}
	web_printf(r, "</table>");
	if (mk_urole_can(r->sess->role, MK_PERM_DECIDE)) {
		static const char *const ops[] = { "deny", "approve_delete" };

		web_bulk_form(r, "bulk-requests", "/approvals/bulk", ops,
		              mk_urole_can(r->sess->role, MK_PERM_ADMIN) ? 2 : 1);
	}
	web_end(r);
	g_ptr_array_unref(a);
}

/* Approve-and-release asks once more: what goes where, and that it
 * cannot be undone.  The decision itself is only made with confirm=1. */
static void
confirm_page(web_req *r, gint64 id)
{
	mk_request *q = NULL;
	mk_error err = { 0 };

	if (mk_review_get(r->q, id, &q, &err) != 0) {
		web_error(r, 404, "not_found");
		return;
	}
	web_begin(r, T(r, "confirm_title"));
	web_printf(r, "<p class=\"error\" id=\"confirm-warning\">");
	web_put(r, T(r, "confirm_warning"));
	web_printf(r, "</p><table id=\"confirm-request\">");
	web_printf(r, "<tr><th>%s</th><td>", T(r, "item"));
	web_put(r, q->item);
	web_printf(r, "</td></tr><tr><th>%s</th><td>", T(r, "subject"));
	web_put(r, q->subject);
	web_printf(r, "</td></tr><tr><th>%s</th><td>", T(r, "requester"));
	web_put(r, q->requester);
	web_printf(r, "</td></tr><tr><th>%s</th><td>", T(r, "reason"));
	web_put(r, q->reason);
	web_printf(r, "</td></tr></table><form method=\"post\" action=\"/request/%"
	           G_GINT64_FORMAT "/approve\">", id);
	web_csrf_field(r);
	web_printf(r, "<input type=\"hidden\" name=\"confirm\" value=\"1\">"
	           "<input type=\"hidden\" name=\"comment\" value=\"");
	web_put(r, web_field(r, "comment"));
	web_printf(r, "\"><button type=\"submit\" id=\"confirm\">");
	web_put(r, T(r, "confirm_button"));
	web_printf(r, "</button> <a href=\"/approvals\" id=\"cancel\">");
	web_put(r, T(r, "back"));
	web_printf(r, "</a></form>");
	web_end(r);
	mk_request_free(&q);
}

void
page_decide_post(web_req *r, const char *req_id, bool approve)
{
	mk_actor a = { .who = r->sess->user, .role = r->sess->role, .ip = r->ip };
	char *end = NULL, *where = NULL;
	gint64 id = g_ascii_strtoll(req_id, &end, 10);
	mk_error err = { 0 };
	int rc;

	if (end == NULL || *end != '\0' || id <= 0) {
		web_error(r, 404, "not_found");
		return;
	}
	if (approve && strcmp(web_field(r, "confirm"), "1") != 0) {
		if (!mk_urole_can(r->sess->role, MK_PERM_DECIDE))
			web_error(r, 403, "forbidden");
		else
			confirm_page(r, id);
		return;
	}
	rc = mk_review_decide(r->q, &a, id, approve, web_field(r, "comment"),
	                      web_now(), &err);
	if (rc == 0 && approve)
		rc = mk_review_release(r->q, r->ctx->cfg, &a, id, web_now(), &where, &err);
	if (rc == 0)
		(void)mk_revmail_decision(r->q, r->ctx->cfg, id);
	g_free(where);
	if (rc != 0) {
		web_error(r, rc == MK_ERR_NOINPUT ? 404 : rc == MK_ERR_USAGE ? 403 : 503,
		          rc == MK_ERR_NOINPUT ? "not_found" : rc == MK_ERR_USAGE ? "forbidden"
		          : "failed");
		web_printf(r, "<p id=\"why\">");
		web_put(r, err.msg);
		web_printf(r, "</p>");
		return;
	}
	web_redirect(r, approve ? "/approvals?msg=approved" : "/approvals?msg=denied");
}

bool
web_admin_only(web_req *r)
{
	if (mk_urole_can(r->sess->role, MK_PERM_ADMIN))
		return true;
	web_audit(r, "access.denied", NULL, "refused", r->seg[0]);
	web_error(r, 403, "forbidden");
	return false;
}
