/*
 * NAME
 *   web_safeview - the safe view of a held original (GET /item/ID/view):
 *   every header, the From with its display name, Authentication-Results,
 *   and each part as text only, with its type, name, size and sha256
 *
 * DESCRIPTION
 *   The reviewer never gets the original's bytes: the page is built from
 *   the stored original with GMime (as the engine reads it) and shows
 *   - all headers, decoded (RFC 2047), each on its own row, in order;
 *   - the From: display name and address apart, and a note when the
 *     display name itself holds an address (a common disguise);
 *   - Authentication-Results (SPF, DKIM, DMARC) when present;
 *   - every leaf part: content type, disposition, file name, decoded size,
 *     sha256 of the decoded bytes; text/plain as text (its charset
 *     converted), text/html rendered to plain text by the worker (f_wtext.h; scripts,
 *     styles, images and frames dropped, links written out defanged),
 *     anything else "not shown" with its hash;
 *   - a file (file channel): its size and sha256, and its text when it is
 *     UTF-8 without NUL bytes.
 *   Everything is written escaped into <pre>/<td>; the page's
 *   Content-Security-Policy is the stricter SAFE_CSP (no image, no form,
 *   sandbox) so that nothing on it can run, load or submit even if
 *   escaping failed.  At
 *   most limits.max_parts parts and limits.max_text_size bytes of text
 *   per part are shown (cut ones say so).  The sanitized copy stays on
 *   the item page beside it.
 *
 * NEVER
 *   Never sends the original or any part of it as bytes; never follows a
 *   reference from the mail (no network, no external entities).
 */
#include <gmime/gmime.h>
#include <string.h>

#include "f_wtext.h"
#include "item.h"
#include "util.h"
#include "web.h"

#define SAFE_CSP "default-src 'none'; style-src 'self'; img-src 'none'; " \
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox"

typedef struct sv {
	web_req *r;
	gint64 parts, max_parts, max_text;
} sv;

static void
row2(web_req *r, const char *cls, const char *a, const char *b)
{
	web_printf(r, "<tr class=\"%s\"><th>", cls);
	web_put(r, a);
	web_printf(r, "</th><td>");
	web_put(r, b);
	web_printf(r, "</td></tr>\n");
}

static void
headers(web_req *r, GMimeObject *o)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int n = hl != NULL ? g_mime_header_list_get_count(hl) : 0;

	web_printf(r, "<h2>%s</h2><table id=\"sv-headers\">", T(r, "sv_headers"));
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		row2(r, "sv-header", g_mime_header_get_name(h), g_mime_header_get_value(h));
	}
	web_printf(r, "</table>");
	web_printf(r, "<h2>%s</h2><table id=\"auth-results\">", T(r, "sv_auth"));
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), "Authentication-Results") == 0)
			row2(r, "sv-auth", "Authentication-Results", g_mime_header_get_value(h));
	}
	web_printf(r, "</table>");
}

static void
from_line(web_req *r, GMimeMessage *m)
{
	InternetAddressList *l = g_mime_message_get_from(m);
	int n = l != NULL ? internet_address_list_length(l) : 0;

	web_printf(r, "<h2>%s</h2><table id=\"sv-from\">", T(r, "sender"));
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		const char *name = internet_address_get_name(a);

		row2(r, "sv-from-name", T(r, "sv_display_name"), name != NULL ? name : "");
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			row2(r, "sv-from-addr", T(r, "sv_address"),
			     internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
		if (name != NULL && strchr(name, '@') != NULL)
			web_printf(r, "<tr><td colspan=\"2\" class=\"error\" id=\"sv-name-addr\">%s"
			           "</td></tr>", T(r, "sv_name_has_addr"));
	}
	web_printf(r, "</table>");
}

/* The decoded bytes of a leaf part (new GBytes, NULL when none). */
static GBytes *
decoded(GMimePart *p)
{
	GMimeDataWrapper *w = g_mime_part_get_content(p);
	GMimeStream *s;
	GByteArray *ba;
	GBytes *b;

	if (w == NULL)
		return NULL;
	s = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, s);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	b = g_bytes_new(ba->data, ba->len);
	g_object_unref(s);
	return b;
}

/* HTML (taken) rendered to text by the worker's html2text filter (f_wtext.h:
 * memory, CPU and seccomp limits, worker.timeout_ms); NULL when it failed
 * (the part is then not shown, never shown raw). */
static char *
worker_text(sv *v, char *html)
{
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	GBytes *b = g_bytes_new_take(html, strlen(html));
	GPtrArray *one = g_ptr_array_new();
	const char *op = "html2text";
	mk_error err = { 0 };
	char *out = NULL;
	int rc = 0;

	n->role = MK_ROLE_ATTACHMENT;
	n->true_type = g_strdup("text/html");
	n->declared_type = g_strdup("text/html");
	n->charset = g_strdup("utf-8");
	mk_node_set_data(n, b);
	g_bytes_unref(b);
	g_ptr_array_add(one, n);
	mk_wtext_run(v->r->ctx->cfg, one, &op, &rc, &err);
	if (rc == 0 && n->text != NULL)
		out = g_strdup(n->text);
	g_ptr_array_unref(one);
	mk_node_free(&n);
	return out;
}

/* Text of a text part in UTF-8 (new), cut at MAX bytes. */
static char *
part_text(sv *v, GMimeObject *o, bool html)
{
	char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));

	if (t == NULL)
		return NULL;
	if ((gint64)strlen(t) > v->max_text) {
		const char *end = t + v->max_text;

		g_utf8_validate(t, v->max_text, &end);
		t[end - t] = '\0';
	}
	if (html)   /* rendered by the sandboxed worker, never in this process */
		return worker_text(v, t);
	return t;
}

static void
leaf(GMimeObject *parent, GMimeObject *o, gpointer ud)
{
	sv *v = ud;
	web_req *r = v->r;
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	char *type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : g_strdup("?");
	const char *name = GMIME_IS_PART(o) ? g_mime_part_get_filename(GMIME_PART(o)) : NULL;
	const char *disp = g_mime_object_get_disposition(o);
	GBytes *b;
	char sha[65] = "-", size[32] = "0", *text = NULL;

	(void)parent;
	if (!GMIME_IS_PART(o) || ++v->parts > v->max_parts) {
		if (v->parts == v->max_parts + 1)
			web_printf(r, "<p class=\"error\" id=\"sv-more\">%s</p>", T(r, "sv_more"));
		g_free(type);
		return;
	}
	if ((b = decoded(GMIME_PART(o))) != NULL) {
		gsize len = 0;
		const void *p = g_bytes_get_data(b, &len);

		mk_sha256_hex(p, len, sha);
		g_snprintf(size, sizeof size, "%zu", len);
		g_bytes_unref(b);
	}
	web_printf(r, "<div class=\"sv-part\"><table>");
	row2(r, "sv-type", T(r, "sv_type"), type);
	row2(r, "sv-disp", T(r, "sv_disposition"), disp != NULL ? disp : "-");
	row2(r, "sv-name", T(r, "sv_name"), name != NULL ? name : "-");
	row2(r, "sv-size", T(r, "sv_size"), size);
	row2(r, "sv-sha256", "sha256", sha);
	web_printf(r, "</table>");
	if (GMIME_IS_TEXT_PART(o) && g_mime_content_type_is_type(ct, "text", "plain"))
		text = part_text(v, o, false);
	else if (GMIME_IS_TEXT_PART(o) && g_mime_content_type_is_type(ct, "text", "html"))
		text = part_text(v, o, true);
	web_printf(r, "<pre class=\"sv-text\">");
	web_put(r, text != NULL ? text : T(r, "sv_not_shown"));
	web_printf(r, "</pre></div>");
	g_free(text);
	g_free(type);
}

static void
mail_view(sv *v, GBytes *orig)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(orig, &len);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(p, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);

	if (m == NULL) {
		web_printf(v->r, "<p class=\"error\">%s</p>", T(v->r, "sv_unreadable"));
	} else {
		from_line(v->r, m);
		headers(v->r, GMIME_OBJECT(m));
		web_printf(v->r, "<h2>%s</h2>", T(v->r, "sv_parts"));
		g_mime_message_foreach(m, leaf, v);
		g_object_unref(m);
	}
	g_object_unref(parser);
	g_object_unref(s);
}

static void
file_view(sv *v, GBytes *orig, const mk_qrecord *q)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(orig, &len);
	char size[32];
	bool text = memchr(p, '\0', len) == NULL && g_utf8_validate(p, (gssize)len, NULL);

	g_snprintf(size, sizeof size, "%zu", len);
	web_printf(v->r, "<div class=\"sv-part\"><table>");
	row2(v->r, "sv-name", T(v->r, "sv_name"), q->subject);
	row2(v->r, "sv-size", T(v->r, "sv_size"), size);
	row2(v->r, "sv-sha256", "sha256", q->sha256);
	web_printf(v->r, "</table><pre class=\"sv-text\">");
	if (text) {
		char *t = g_strndup(p, (gsize)MIN((gint64)len, v->max_text));
		const char *end = NULL;

		g_utf8_validate(t, -1, &end);
		t[end - t] = '\0';
		web_put(v->r, t);
		g_free(t);
	} else {
		web_put(v->r, T(v->r, "sv_not_shown"));
	}
	web_printf(v->r, "</pre></div>");
}

void
page_safe_view(web_req *r, const char *id)
{
	mk_qrecord *q = NULL;
	mk_error err = { 0 };
	GBytes *orig = NULL;
	sv v = { .r = r, .max_parts = r->ctx->cfg->limits.max_parts,
	         .max_text = r->ctx->cfg->limits.max_text_size };

	if (!mk_qstore_valid_id(id) || mk_qstore_get(r->q, id, &q, &err) != 0) {
		web_error(r, 404, "not_found");
		return;
	}
	if ((orig = mk_qstore_object(r->q, q->sha256, &err)) == NULL) {
		web_error(r, 503, "failed");
		mk_qrecord_free(&q);
		return;
	}
	r->csp = SAFE_CSP;
	web_audit(r, "item.view", id, "ok", "safe view");
	web_begin(r, T(r, "sv_title"));
	web_printf(r, "<p id=\"sv-note\">%s</p><p><a id=\"sv-back\" href=\"/item/", T(r, "sv_note"));
	web_put(r, id);
	web_printf(r, "\">%s</a></p>", T(r, "back"));
	if (strcmp(q->channel, "mail") == 0)
		mail_view(&v, orig);
	else
		file_view(&v, orig, q);
	web_end(r);
	g_bytes_unref(orig);
	mk_qrecord_free(&q);
}
