/*
 * NAME
 *   web_audit - the audit list: filters (account, action, item, dates),
 *   paging that keeps them, and the export of the same events as CSV or
 *   JSON (GET /audit, GET /audit/export)
 *
 * DESCRIPTION
 *   Filters are query fields: who, what (exact, or a prefix ending in
 *   ".", e.g. "release."), item, since, until (YYYY-MM-DD in
 *   web.time_zone; until includes that day).  The export (admin) writes
 *   every matching event, newest first: CSV by mk_audit_csv (RFC 4180;
 *   cells a spreadsheet would run as a formula, after leading blanks
 *   too, are neutralised: csvcell.c) or JSON lines; it is itself an
 *   audit event (audit.export, with the filters).
 *
 * NEVER
 *   Never writes an audit field unescaped into the page.
 */
#include <string.h>

#include "audit.h"
#include "web.h"

static const char *const fields[] = { "who", "what", "item", "since", "until" };

static void
filter_of(web_req *r, mk_audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->who = web_arg(r, "who");
	f->what = web_arg(r, "what");
	f->item = web_arg(r, "item");
	f->since = web_day_start(r, "since", 0);
	f->until = web_day_start(r, "until", 1);
}

/* "&name=value..." of the filters in use (HTML-escaped &). */
static char *
filter_query(web_req *r)
{
	GString *g = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
		const char *v = web_arg(r, fields[i]);
		char *e;

		if (*v == '\0')
			continue;
		e = g_uri_escape_string(v, NULL, FALSE);
		g_string_append_printf(g, "&amp;%s=%s", fields[i], e);
		g_free(e);
	}
	return g_string_free(g, FALSE);
}

static void
text_input(web_req *r, const char *name)
{
	web_printf(r, "<label>");
	web_put(r, T(r, name));
	web_printf(r, " <input name=\"%s\" id=\"a-%s\" value=\"", name, name);
	web_put(r, web_arg(r, name));
	web_printf(r, "\"></label> ");
}

static void
filter_form(web_req *r)
{
	web_printf(r, "<form method=\"get\" action=\"/audit\" id=\"audit-filter\">");
	text_input(r, "who");
	text_input(r, "what");
	text_input(r, "item");
	web_date_input(r, "since");
	web_date_input(r, "until");
	web_printf(r, "<button type=\"submit\" id=\"audit-search\">%s</button></form>",
	           T(r, "search"));
}

static void
cell(web_req *r, const char *s)
{
	web_printf(r, "<td>");
	web_put(r, s);
	web_printf(r, "</td>");
}

void
page_audit(web_req *r)
{
	static const char *const keys[] = { "when", "who", "from", "what", "item", "result",
		"detail" };
	gint64 page = MAX(0, g_ascii_strtoll(web_arg(r, "page"), NULL, 10));
	gint64 size = r->ctx->cfg->web.page_size;
	mk_audit_filter f;
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	char *fq;

	filter_of(r, &f);
	f.limit = (int)size + 1;                /* one more: is there a next page? */
	f.offset = (int)(page * size);
	if (mk_audit_list(r->q, &f, &a, &err) != 0) {
		web_error(r, 503, "failed");
		return;
	}
	fq = filter_query(r);
	web_begin(r, T(r, "audit"));
	filter_form(r);
	if (mk_urole_can(r->sess->role, MK_PERM_ADMIN))
		web_printf(r, "<p id=\"audit-export\"><a id=\"export-csv\" href=\"/audit/export?"
		           "format=csv%s\">%s CSV</a> <a id=\"export-json\" href=\"/audit/export?"
		           "format=json%s\">%s JSON</a></p>", fq, T(r, "export"), fq,
		           T(r, "export"));
	web_printf(r, "<table id=\"audit\"><tr>");
	for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
		web_printf(r, "<th>%s</th>", T(r, keys[i]));
	web_printf(r, "</tr>\n");
	for (guint i = 0; i < a->len && (gint64)i < size; i++) {
		mk_audit_row *e = g_ptr_array_index(a, i);

		web_printf(r, "<tr class=\"audit-row\"><td>");
		web_time(r, e->ts);
		web_printf(r, "</td>");
		cell(r, e->who);
		cell(r, e->ip);
		cell(r, e->what);
		cell(r, e->item);
		cell(r, e->result);
		cell(r, e->detail);
		web_printf(r, "</tr>\n");
	}
	web_printf(r, "</table><p>");
	if (page > 0)
		web_printf(r, "<a id=\"prev\" href=\"/audit?page=%" G_GINT64_FORMAT "%s\">%s</a> ",
		           page - 1, fq, T(r, "prev"));
	if ((gint64)a->len > size)
		web_printf(r, "<a id=\"next\" href=\"/audit?page=%" G_GINT64_FORMAT "%s\">%s</a>",
		           page + 1, fq, T(r, "next"));
	web_printf(r, "</p>");
	web_end(r);
	g_free(fq);
	g_ptr_array_unref(a);
}

void
page_audit_export(web_req *r)
{
	const char *fmt = web_arg(r, "format");
	bool csv = strcmp(fmt, "csv") == 0;
	mk_audit_filter f;
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	char *body, *detail;

	if (!web_admin_only(r))
		return;
	if (!csv && strcmp(fmt, "json") != 0) {
		web_error(r, 400, "bad_request");
		return;
	}
	filter_of(r, &f);
	if (mk_audit_list(r->q, &f, &a, &err) != 0) {
		web_error(r, 503, "failed");
		return;
	}
	detail = g_strdup_printf("%s, %u events, who=%s what=%s item=%s since=%s until=%s",
	                         fmt, a->len, f.who, f.what, f.item, web_arg(r, "since"),
	                         web_arg(r, "until"));
	web_audit(r, "audit.export", NULL, "ok", detail);
	g_free(detail);
	body = csv ? mk_audit_csv(a) : mk_audit_json(a);
	g_string_assign(r->out, body);
	if (!csv)
		g_string_append_c(r->out, '\n');
	r->ctype = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
	web_header(r, "Content-Disposition", csv ? "attachment; filename=\"audit.csv\""
	                                         : "attachment; filename=\"audit.json\"");
	g_free(body);
	g_ptr_array_unref(a);
}
