/*
 * NAME
 *   web_items - quarantine list (filters, paging), item page, release request,
 *   PPAP unlock
 *
 * DESCRIPTION
 *   The item page shows the metadata, the report tree and findings (from
 *   the stored report JSON), the requests for the item, and the sanitized
 *   text: the engine is run on the original with no_store and the text
 *   body of its output (mail) or a text output (file) is shown, escaped.
 *
 *   Items held with an encrypted finding get a password form (operator or
 *   above, CSRF like every POST); it posts to /item/ID/unlock and runs
 *   mk_review_unlock(): only a clean sanitized result is delivered.  The
 *   password is never echoed, logged or audited and is wiped after use.
 *   /item/ID/request takes no "op" field (the form's former op=unlock is
 *   answered 400, never turned into a release request).
 *
 * NEVER
 *   Never renders the original's HTML, never offers an original or an
 *   attachment for download or inline display.
 */
#include <gmime/gmime.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "revmail.h"
#include "web.h"

#define REPORT_MAX_DEPTH 64

static void
th(web_req *r, const char *key)
{
	web_printf(r, "<th>");
	web_put(r, T(r, key));
	web_printf(r, "</th>");
}

static void
filter_input(web_req *r, const char *name, const char *key)
{
	web_printf(r, "<label>");
	web_put(r, T(r, key));
	web_printf(r, " <input name=\"%s\" id=\"f-%s\" value=\"", name, name);
	web_put(r, web_arg(r, name));
	web_printf(r, "\"></label>");
}

static void
item_row(web_req *r, const mk_qrecord *q)
{
	bool admin = mk_urole_can(r->sess->role, MK_PERM_ADMIN);

	web_printf(r, "<tr>");
	if (admin && strcmp(q->status, "held") == 0)
		web_bulk_box(r, "bulk-items", q->id);
	else if (admin)
		web_printf(r, "<td></td>");
	web_printf(r, "<td><a href=\"/item/");
	web_put(r, q->id);
	web_printf(r, "\">");
	web_put(r, q->id);
	web_printf(r, "</a></td><td>");
	web_time(r, q->received);
	web_printf(r, "</td><td>");
	web_put(r, q->channel);
	web_printf(r, "</td><td>");
	web_label(r, "v_", mk_verdict_name(q->verdict));
	web_printf(r, "</td><td>");
	web_findings(r, q->findings);
	web_printf(r, "</td><td>");
	web_put(r, q->sender);
	web_printf(r, "</td><td>");
	web_put(r, q->recipients);
	web_printf(r, "</td><td>");
	web_put(r, q->subject);
	web_printf(r, "</td><td>");
	web_label(r, "s_", q->status);
	web_printf(r, "</td></tr>\n");
}

/* A date filter (YYYY-MM-DD, web.time_zone) as unix seconds at 00:00 of
 * that day (+ DAYS days); 0 when empty or not a date. */
gint64
web_day_start(web_req *r, const char *name, int days)
{
	int y = 0, m = 0, d = 0;
	GDateTime *t;
	gint64 v;

	if (sscanf(web_arg(r, name), "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    (t = g_date_time_new(r->ctx->tz, y, m, d, 0, 0, 0)) == NULL)
		return 0;
	v = g_date_time_to_unix(t) + (gint64)days * 86400;
	g_date_time_unref(t);
	return v;
}

/* "&name=value..." of the filters in use, for the paging links. */
static char *
filter_query(web_req *r)
{
	static const char *const names[] = { "text", "sender", "recipient", "verdict",
		"finding", "status", "since", "until" };
	GString *g = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
		const char *v = web_arg(r, names[i]);
		char *e;

		if (*v == '\0')
			continue;
		e = g_uri_escape_string(v, NULL, FALSE);
		g_string_append_printf(g, "&amp;%s=%s", names[i], e);
		g_free(e);
	}
	return g_string_free(g, FALSE);
}

void
web_date_input(web_req *r, const char *name)
{
	web_printf(r, "<label>");
	web_put(r, T(r, name));
	web_printf(r, " <input type=\"date\" name=\"%s\" id=\"f-%s\" value=\"", name, name);
	web_put(r, web_arg(r, name));
	web_printf(r, "\"></label>");
}

void
page_items(web_req *r)
{
	gint64 page = MAX(0, g_ascii_strtoll(web_arg(r, "page"), NULL, 10));
	gint64 size = r->ctx->cfg->web.page_size, total = 0;
	mk_qfilter f = { .sender = web_arg(r, "sender"), .recipient = web_arg(r, "recipient"),
	                 .verdict = web_arg(r, "verdict"), .finding = web_arg(r, "finding"),
	                 .status = web_arg(r, "status"), .text = web_arg(r, "text"),
	                 .since = web_day_start(r, "since", 0), .until = web_day_start(r, "until", 1),
	                 .limit = (int)size, .offset = (int)(page * size) };
	char *fq = NULL;
	static const char *const cols[] = { "ID", "received", "channel", "verdict",
		"findings", "sender", "recipient", "subject", "status" };
	GPtrArray *rows = NULL;
	mk_error err = { 0 };

	if (mk_qstore_search(r->q, &f, &rows, &err) != 0 ||
	    mk_qstore_count(r->q, &f, &total, &err) != 0) {
		if (rows != NULL)
			g_ptr_array_unref(rows);
		web_error(r, 503, "failed");
		return;
	}
	web_begin(r, T(r, "items"));
	web_printf(r, "<form method=\"get\" action=\"/items\">");
	filter_input(r, "text", "subject");
	filter_input(r, "sender", "sender");
	filter_input(r, "recipient", "recipient");
	filter_input(r, "verdict", "verdict");
	filter_input(r, "finding", "findings");
	filter_input(r, "status", "status");
	web_date_input(r, "since");
	web_date_input(r, "until");
	web_printf(r, "<button type=\"submit\">");
	web_put(r, T(r, "search"));
	web_printf(r, "</button></form><p id=\"total\">%" G_GINT64_FORMAT " %s</p>"
	           "<table id=\"items\"><tr>", total, T(r, "total"));
	if (mk_urole_can(r->sess->role, MK_PERM_ADMIN))
		web_printf(r, "<th></th>");
	for (gsize i = 0; i < G_N_ELEMENTS(cols); i++)
		th(r, cols[i]);
	web_printf(r, "</tr>\n");
	for (guint i = 0; i < rows->len; i++)
		item_row(r, g_ptr_array_index(rows, i));
	web_printf(r, "</table>");
	if (mk_urole_can(r->sess->role, MK_PERM_ADMIN)) {
		static const char *const ops[] = { "request_delete" };

		web_bulk_form(r, "bulk-items", "/items/bulk", ops, G_N_ELEMENTS(ops));
	}
	web_printf(r, "<p>");
	fq = filter_query(r);
	if (page > 0)
		web_printf(r, "<a id=\"prev\" href=\"/items?page=%" G_GINT64_FORMAT "%s\">%s</a> ",
		           page - 1, fq, T(r, "prev"));
	if ((page + 1) * size < total)
		web_printf(r, "<a id=\"next\" href=\"/items?page=%" G_GINT64_FORMAT "%s\">%s</a>",
		           page + 1, fq, T(r, "next"));
	web_printf(r, "</p>");
	web_end(r);
	g_free(fq);
	g_ptr_array_unref(rows);
}

static void
report_tree(web_req *r, const char *json)
{
	static const char *const cols[] = { "path", "kind", "role", "declared_name",
		"declared_type", "true_type", "size", "action", "filter" };
	wj *rep = wj_parse(json, REPORT_MAX_DEPTH);
	const wj *nodes = wj_get(rep, "nodes");

	web_printf(r, "<h2>");
	web_put(r, T(r, "report"));
	web_printf(r, "</h2>");
	if (rep == NULL) {
		web_printf(r, "<pre>");
		web_put(r, json);
		web_printf(r, "</pre>");
		return;
	}
	web_printf(r, "<p>");
	web_put(r, wj_str(wj_get(rep, "reason")));
	web_printf(r, "</p><table id=\"tree\"><tr>");
	for (gsize i = 0; i < G_N_ELEMENTS(cols); i++) {
		web_printf(r, "<th>");
		web_put(r, cols[i]);
		web_printf(r, "</th>");
	}
	web_printf(r, "<th>findings</th></tr>");
	for (guint i = 0; i < wj_len(nodes); i++) {
		const wj *n = wj_at(nodes, i);
		const wj *fs = wj_get(n, "findings");

		web_printf(r, "<tr>");
		for (gsize c = 0; c < G_N_ELEMENTS(cols); c++) {
			web_printf(r, "<td>");
			web_put(r, wj_str(wj_get(n, cols[c])));
			web_printf(r, "</td>");
		}
		web_printf(r, "<td>");
		for (guint k = 0; k < wj_len(fs); k++) {
			web_printf(r, "<b>");
			web_put(r, wj_str(wj_get(wj_at(fs, k), "code")));
			web_printf(r, "</b> ");
			web_put(r, wj_str(wj_get(wj_at(fs, k), "detail")));
			web_printf(r, "<br>");
		}
		web_printf(r, "</td></tr>");
	}
	web_printf(r, "</table>");
	wj_free(rep);
}

/* The text/plain body of a rebuilt message (new string or NULL). */
static char *
mail_text(GBytes *out)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(out, &len);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(p, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
	GMimeObject *body = m != NULL ? g_mime_message_get_body(m) : NULL;
	char *text = NULL;

	while (body != NULL && GMIME_IS_MULTIPART(body) &&
	       g_mime_multipart_get_count(GMIME_MULTIPART(body)) > 0)
		body = g_mime_multipart_get_part(GMIME_MULTIPART(body), 0);
	if (body != NULL && GMIME_IS_TEXT_PART(body))
		text = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
	if (m != NULL)
		g_object_unref(m);
	g_object_unref(parser);
	g_object_unref(s);
	return text;
}

static char *
sanitized_text(web_req *r, const mk_qrecord *q)
{
	mk_error err = { 0 };
	mk_result *res = NULL;
	GBytes *orig;
	char *text = NULL;
	mk_input in = { .no_store = true, .id = q->id, .sender = q->sender,
	                .recipients = q->recipients, .name = q->subject };
	mk_engine *e = web_engine(r);

	if (e == NULL)
		return NULL;
	if ((orig = mk_qstore_object(r->q, q->sha256, &err)) == NULL)
		return NULL;
	in.data = orig;
	in.mode = strcmp(q->channel, "mail") == 0 ? MK_MODE_MAIL : MK_MODE_FILE;
	if (mk_engine_process(e, &in, &res, &err) == 0 && res->output != NULL) {
		gsize len = 0;
		const char *p = g_bytes_get_data(res->output, &len);

		if (res->is_mail)
			text = mail_text(res->output);
		else if (memchr(p, '\0', len) == NULL && g_utf8_validate(p, (gssize)len, NULL))
			text = g_strndup(p, len);
	}
	mk_result_free(&res);
	g_bytes_unref(orig);
	return text;
}

static void
item_meta(web_req *r, const mk_qrecord *q)
{
	const char *keys[] = { "channel", "verdict", "findings", "sender", "recipient",
		"subject", "status" };
	const char *vals[] = { q->channel, mk_verdict_name(q->verdict), q->findings,
		q->sender, q->recipients, q->subject, q->status };

	web_printf(r, "<table id=\"meta\"><tr><th>ID</th><td id=\"item-id\">");
	web_put(r, q->id);
	web_printf(r, "</td></tr><tr><th>");
	web_put(r, T(r, "received"));
	web_printf(r, "</th><td>");
	web_time(r, q->received);
	web_printf(r, "</td></tr>");
	for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
		web_printf(r, "<tr><th>");
		web_put(r, T(r, keys[i]));
		web_printf(r, "</th><td id=\"m-%s\">", keys[i]);
		if (strcmp(keys[i], "verdict") == 0 || strcmp(keys[i], "status") == 0)
			web_label(r, keys[i][0] == 'v' ? "v_" : "s_", vals[i]);
		else if (strcmp(keys[i], "findings") == 0)
			web_findings(r, vals[i]);
		else
			web_put(r, vals[i]);
		web_printf(r, "</td></tr>");
	}
	web_printf(r, "</table>");
}

static void
request_form(web_req *r, const mk_qrecord *q)
{
	if (strcmp(q->status, "held") != 0 || !mk_urole_can(r->sess->role, MK_PERM_REQUEST))
		return;
	web_printf(r, "<h2>");
	web_put(r, T(r, "request_release"));
	web_printf(r, "</h2><form method=\"post\" action=\"/item/");
	web_put(r, q->id);
	web_printf(r, "/request\">");
	web_csrf_field(r);
	web_printf(r, "<label>");
	web_put(r, T(r, "reason"));
	web_printf(r, " <input name=\"reason\" id=\"reason\" size=\"60\"></label>"
	           "<button type=\"submit\" id=\"request\">");
	web_put(r, T(r, "request_release"));
	web_printf(r, "</button></form>");
}

static bool
has_finding(const mk_qrecord *q, const char *code)
{
	char **v = g_strsplit(q->findings != NULL ? q->findings : "", ",", -1);
	bool found = false;

	for (char **p = v; *p != NULL && !found; p++)
		found = strcmp(g_strstrip(*p), code) == 0;
	g_strfreev(v);
	return found;
}

/* PPAP: password entry, only for held items with encrypted content. */
static void
unlock_form(web_req *r, const mk_qrecord *q)
{
	if (strcmp(q->status, "held") != 0 || !has_finding(q, "encrypted") ||
	    !mk_urole_can(r->sess->role, MK_PERM_REQUEST))
		return;
	web_printf(r, "<h2>");
	web_put(r, T(r, "unlock_archive"));
	web_printf(r, "</h2><p>");
	web_put(r, T(r, "unlock_help"));
	web_printf(r, "</p><form method=\"post\" autocomplete=\"off\" action=\"/item/");
	web_put(r, q->id);
	web_printf(r, "/unlock\">");
	web_csrf_field(r);
	web_printf(r, "<label>");
	web_put(r, T(r, "archive_pw"));
	web_printf(r, " <input type=\"password\" name=\"password\" id=\"archive-pw\" "
	           "autocomplete=\"off\"></label><button type=\"submit\" id=\"unlock\">");
	web_put(r, T(r, "unlock_archive"));
	web_printf(r, "</button></form>");
}

static const char *
item_msg_key(const char *msg)
{
	if (strcmp(msg, "requested") == 0 || strcmp(msg, "unlocked") == 0)
		return msg;
	return "failed";
}

void
page_item(web_req *r, const char *id)
{
	mk_qrecord *q = NULL;
	mk_error err = { 0 };
	char *text;

	if (!mk_qstore_valid_id(id) || mk_qstore_get(r->q, id, &q, &err) != 0) {
		web_error(r, 404, "not_found");
		return;
	}
	web_begin(r, T(r, "item"));
	if (*web_arg(r, "msg") != '\0') {
		web_printf(r, "<p class=\"ok\" id=\"msg\">");
		web_put(r, T(r, item_msg_key(web_arg(r, "msg"))));
		web_printf(r, "</p>");
	}
	item_meta(r, q);
	web_printf(r, "<p><a id=\"safe-view\" href=\"/item/");
	web_put(r, q->id);
	web_printf(r, "/view\">");
	web_put(r, T(r, "sv_title"));
	web_printf(r, "</a></p>");
	request_form(r, q);
	unlock_form(r, q);
	report_tree(r, q->report_json);
	text = sanitized_text(r, q);
	web_printf(r, "<h2>");
	web_put(r, T(r, "text_view"));
	web_printf(r, "</h2><pre id=\"text\">");
	web_put(r, text != NULL ? text : T(r, "text_none"));
	web_printf(r, "</pre>");
	web_end(r);
	g_free(text);
	mk_qrecord_free(&q);
}

/* The unlock answer for a refusal: status and message key from the
 * store's reason. */
static void
unlock_refused(web_req *r, const char *id, const mk_error *err)
{
	const char *key = g_str_has_prefix(err->msg, "wrong password") ? "unlock_wrong"
	                  : g_str_has_prefix(err->msg, "rate limited") ? "unlock_rate"
	                  : g_str_has_prefix(err->msg, "still held") ? "unlock_held"
	                  : strstr(err->msg, "cannot be opened") != NULL ? "unlock_unsupported"
	                  : err->code == MK_ERR_USAGE ? "forbidden" : "failed";

	web_error(r, err->code == MK_ERR_NOINPUT ? 404 : strcmp(key, "unlock_rate") == 0 ? 429
	          : err->code == MK_ERR_USAGE ? 403 : 503, key);
	g_string_truncate(r->out, r->out->len - strlen("</main></body></html>\n"));
	web_printf(r, "<p id=\"why\">");
	web_put(r, err->msg);
	web_printf(r, "</p><p><a id=\"back\" href=\"/item/");
	web_put(r, id);
	web_printf(r, "\">");
	web_put(r, T(r, "back"));
	web_printf(r, "</a></p>");
	web_end(r);
}

/* PPAP unlock (POST /item/ID/unlock, operator or above).  The password
 * is wiped from the form after the run. */
void
page_unlock_post(web_req *r, const char *id)
{
	mk_actor a = { .who = r->sess->user, .role = r->sess->role, .ip = r->ip };
	char *pw = (char *)web_field(r, "password");
	GPtrArray *pws;
	mk_error err = { 0 };
	char *where = NULL, *to;
	mk_engine *e;
	int rc = MK_ERR_TEMP;

	if (!mk_qstore_valid_id(id)) {
		web_error(r, 404, "not_found");
		return;
	}
	if (!mk_urole_can(r->sess->role, MK_PERM_REQUEST)) {
		web_audit(r, "item.unlock", id, "refused", "role");
		web_error(r, 403, "forbidden");
		return;
	}
	pws = g_ptr_array_new();
	if (*pw != '\0')
		g_ptr_array_add(pws, pw);
	if ((e = web_engine(r)) != NULL)
		rc = mk_review_unlock(r->q, e, &a, id, pws, web_now(), &where,
		                      &err);
	sodium_memzero(pw, strlen(pw));
	g_ptr_array_unref(pws);
	g_free(where);
	if (rc != 0) {
		unlock_refused(r, id, &err);
		return;
	}
	to = g_strdup_printf("/item/%s?msg=unlocked", id);
	web_redirect(r, to);
	g_free(to);
}

void
page_request_post(web_req *r, const char *id)
{
	mk_actor a = { .who = r->sess->user, .role = r->sess->role, .ip = r->ip };
	mk_error err = { 0 };
	gint64 req = 0;
	char *to;

	if (!mk_qstore_valid_id(id)) {
		web_error(r, 404, "not_found");
		return;
	}
	if (*web_field(r, "op") != '\0') {   /* the old op=unlock: /item/ID/unlock now */
		web_error(r, 400, "bad_request");
		return;
	}
	if (mk_review_request(r->q, &a, id, web_field(r, "reason"), web_now(), &req,
	                      &err) != 0) {
		web_error(r, err.code == MK_ERR_NOINPUT ? 404 : 403,
		          err.code == MK_ERR_NOINPUT ? "not_found" : "forbidden");
		web_printf(r, "<p id=\"why\">");
		web_put(r, err.msg);
		web_printf(r, "</p>");
		return;
	}
	(void)mk_revmail_request(r->q, r->ctx->cfg, req);
	to = g_strdup_printf("/item/%s?msg=requested", id);
	web_redirect(r, to);
	g_free(to);
}
