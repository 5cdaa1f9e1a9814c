/*
 * NAME
 *   rebuild - build the forwarded message from the sanitized tree
 *   (see rebuild.h)
 *
 * NEVER
 *   Copies an original MIME part, header block or encoding into the output.
 */
#include "rebuild.h"

#include <string.h>

#include "addr.h"
#include "hdrtext.h"
#include "names.h"
#include "policy.h"
#include "util.h"

/* Header values lose every control character (no header injection by an
 * encoded CR/LF); encoded words and raw 8-bit text are decoded with the
 * body charset rules (mk_hdr_decode).  Caller frees. */
static char *
clean_value(const GMimeHeader *h)
{
	const char *raw = g_mime_header_get_raw_value((GMimeHeader *)h);

	return mk_hdr_decode(raw ? raw : g_mime_header_get_value((GMimeHeader *)h));
}

static bool
is_address_header(const char *name)
{
	static const char *const addr[] = {
		"From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	};

	for (gsize i = 0; i < G_N_ELEMENTS(addr); i++)
		if (g_ascii_strcasecmp(addr[i], name) == 0)
			return true;
	return false;
}

/* An address header rebuilt from a strict parse: From and Sender get
 * exactly one mailbox (the first), the others every mailbox that parsed.
 * Nothing is written when no mailbox parsed (an empty value must not run
 * into the next header).  The value is set raw, so GMime does not parse
 * or re-encode it again. */
static void
put_addresses(GMimeObject *to, const char *name, const GMimeHeader *h)
{
	const char *raw = g_mime_header_get_raw_value((GMimeHeader *)h);
	mk_addr_list *l = mk_addr_parse(raw ? raw : g_mime_header_get_value((GMimeHeader *)h));
	bool one = g_ascii_strcasecmp(name, "From") == 0 ||
	           g_ascii_strcasecmp(name, "Sender") == 0;
	GString *v = g_string_new(NULL);

	for (guint i = 0; i < l->boxes->len && !(one && i > 0); i++) {
		char *m = mk_addr_format(g_ptr_array_index(l->boxes, i));
		g_string_append_printf(v, "%s%s", i ? ",\n\t" : " ", m);
		g_free(m);
	}
	if (v->len > 0) {
		GMimeHeaderList *hl = g_mime_object_get_header_list(to);
		g_string_append_c(v, '\n');
		g_mime_object_append_header(to, name, "", NULL);
		g_mime_header_set_raw_value(
			g_mime_header_list_get_header_at(hl, g_mime_header_list_get_count(hl) - 1),
			v->str);
	}
	g_string_free(v, TRUE);
	mk_addr_list_free(&l);
}

/* RFC 5322 3.6: at most one of each.  A second From or Subject is how a
 * sender shows one thing to a filter and another to a reader: only the
 * first goes on. */
static bool
single_instance(const char *name)
{
	static const char *const once[] = {
		"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date",
		"Message-ID", "In-Reply-To", "References",
	};

	for (gsize i = 0; i < G_N_ELEMENTS(once); i++)
		if (g_ascii_strcasecmp(once[i], name) == 0)
			return true;
	return false;
}

static void
copy_headers(const mk_config *cfg, GMimeMessage *from, GMimeMessage *to)
{
	char **keep = g_strsplit(cfg->rebuild.keep_headers, ";", -1);
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(from));
	int count = g_mime_header_list_get_count(hl);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		bool wanted = false;
		for (char **k = keep; *k && !wanted; k++)
			wanted = g_ascii_strcasecmp(g_strstrip(*k), name) == 0;
		char *key = g_ascii_strdown(name, -1);
		bool again = !g_hash_table_add(seen, key);
		if (!wanted || (again && single_instance(name)))
			continue;
		if (is_address_header(name)) {
			put_addresses(GMIME_OBJECT(to), name, h);
			continue;
		}
		char *v = clean_value(h);
		g_mime_object_append_header(GMIME_OBJECT(to), name, v, "utf-8");
		g_free(v);
	}
	g_hash_table_destroy(seen);
	g_strfreev(keep);
}

static bool
is_leaf(const mk_node *n)
{
	return n->kind != MK_NODE_MESSAGE && n->kind != MK_NODE_MULTIPART;
}

static void
nested_header(GString *g, const mk_config *cfg, const mk_node *n)
{
	GMimeMessage *m = GMIME_IS_MESSAGE(n->mime) ? GMIME_MESSAGE(n->mime) : NULL;
	bool en = strcmp(cfg->general.language, "en") == 0;
	const char *hdrs[] = { "From", "Date", "Subject" };

	g_string_append_printf(g, "\n---------- %s ----------\n",
	                       en ? "Forwarded message" : "転送されたメッセージ");
	for (unsigned i = 0; m != NULL && i < G_N_ELEMENTS(hdrs); i++) {
		GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
		GMimeHeader *h = g_mime_header_list_get_header(hl, hdrs[i]);
		if (h == NULL)
			continue;
		char *c = clean_value(h);
		g_string_append_printf(g, "%s: %s\n", hdrs[i], c);
		g_free(c);
	}
	g_string_append_c(g, '\n');
}

/* Body texts in tree order; attached messages inlined. */
static void
collect_text(GString *g, const mk_config *cfg, const mk_node *n)
{
	if (n->action >= MK_ACT_STRIP || n->role == MK_ROLE_ALTERNATIVE)
		return;
	if (n->kind == MK_NODE_MESSAGE && n->parent != NULL)
		nested_header(g, cfg, n);
	if (n->text != NULL && n->text[0] != '\0') {
		g_string_append(g, n->text);
		if (g->len > 0 && g->str[g->len - 1] != '\n')
			g_string_append_c(g, '\n');
	}
	if (is_leaf(n) && n->children->len > 0 && !mk_policy_is_unwrapped(n))
		return;
	for (guint i = 0; i < n->children->len; i++)
		collect_text(g, cfg, g_ptr_array_index(n->children, i));
}

static GMimeDataWrapper *
wrap_bytes(const void *p, gsize len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(p, len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s,
	                        GMIME_CONTENT_ENCODING_DEFAULT);

	g_object_unref(s);
	return w;
}

static GMimeObject *
text_part(const char *text)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
	GMimeDataWrapper *w = wrap_bytes(text, strlen(text));

	g_mime_part_set_content(GMIME_PART(tp), w);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset", "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_BASE64);
	g_object_unref(w);
	return GMIME_OBJECT(tp);
}

static GMimeObject *
file_part(const mk_config *cfg, const mk_node *n)
{
	bool filtered = n->action == MK_ACT_SANITIZE && n->out != NULL;
	GBytes *b = filtered ? n->out : n->data;
	const char *type = filtered && n->out_type ? n->out_type : n->true_type;
	const char *name = filtered && n->out_name ? n->out_name : n->declared_name;
	char **tv = g_strsplit(type ? type : "application/octet-stream", "/", 2);
	gsize len = 0;
	const void *p = g_bytes_get_data(b, &len);
	GMimePart *part = g_mime_part_new_with_type(tv[0], tv[1] ? tv[1] : "octet-stream");
	GMimeDataWrapper *w = wrap_bytes(p ? p : "", len);
	char *safe = mk_names_safe(name ? name : "", (gsize)cfg->limits.max_name_length);

	g_mime_part_set_content(part, w);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_object_set_disposition(GMIME_OBJECT(part), "attachment");
	g_mime_part_set_filename(part, safe);
	g_object_unref(w);
	g_free(safe);
	g_strfreev(tv);
	return GMIME_OBJECT(part);
}

/* Forwarded parts: allowed or sanitized leaves, unwrapped containers opened. */
static void
collect_parts(GPtrArray *parts, const mk_config *cfg, const mk_node *n)
{
	if (n->action >= MK_ACT_STRIP || n->role == MK_ROLE_ALTERNATIVE)
		return;
	if (is_leaf(n) && !mk_policy_is_unwrapped(n) && n->text == NULL &&
	    !(n->role == MK_ROLE_BODY && g_strcmp0(n->rule, "body") == 0)) {
		if (n->action == MK_ACT_ALLOW ||
		    (n->action == MK_ACT_SANITIZE && n->out != NULL))
			g_ptr_array_add(parts, file_part(cfg, n));
		return;
	}
	for (guint i = 0; i < n->children->len; i++)
		collect_parts(parts, cfg, g_ptr_array_index(n->children, i));
}

static GBytes *
serialize(GMimeObject *obj)
{
	GMimeStream *s = g_mime_stream_mem_new();
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GByteArray *a;
	GBytes *b;

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_UNIX);
	g_mime_object_write_to_stream(obj, fo, s);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	b = g_bytes_new(a->data, a->len);
	g_mime_format_options_free(fo);
	g_object_unref(s);
	return b;
}

static char *
compose_text(const mk_rebuild_in *in)
{
	GString *g = g_string_new(NULL);
	bool top = strcmp(in->cfg->rebuild.notice_position, "bottom") != 0;

	if (in->notice != NULL && top)
		g_string_append_printf(g, "%s\n", in->notice);
	if (!in->notice_only)
		collect_text(g, in->cfg, in->root);
	if (in->notice != NULL && !top)
		g_string_append_printf(g, "\n%s", in->notice);
	return g_string_free(g, FALSE);
}

GBytes *
mk_rebuild_message(const mk_rebuild_in *in, mk_error *err)
{
	GMimeMessage *msg = g_mime_message_new(FALSE);
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_object_unref);
	char *text = compose_text(in);
	GMimeObject *body = text_part(text);
	GBytes *out;

	if (in->root->mime != NULL && GMIME_IS_MESSAGE(in->root->mime))
		copy_headers(in->cfg, GMIME_MESSAGE(in->root->mime), msg);
	if (g_mime_object_get_header(GMIME_OBJECT(msg), "MIME-Version") == NULL)
		g_mime_object_set_header(GMIME_OBJECT(msg), "MIME-Version", "1.0", NULL);
	if (in->cfg->rebuild.add_status_headers) {
		g_mime_object_append_header(GMIME_OBJECT(msg), "X-Mukaika-Status",
		                            mk_verdict_name(in->verdict), NULL);
		g_mime_object_append_header(GMIME_OBJECT(msg), "X-Mukaika-Report-Id",
		                            in->id, NULL);
		g_mime_object_append_header(GMIME_OBJECT(msg), "X-Mukaika-Actions",
		                            in->actions,
		                            NULL);
	}
	if (!in->notice_only)
		collect_parts(parts, in->cfg, in->root);
	if (parts->len == 0) {
		g_mime_message_set_mime_part(msg, body);
	} else {
		GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
		char hex[65], *boundary;
		mk_sha256_hex(in->id, strlen(in->id), hex);
		boundary = g_strdup_printf("=_mukaika_%.24s", hex);
		g_mime_multipart_set_boundary(mp, boundary);
		g_mime_multipart_add(mp, body);
		for (guint i = 0; i < parts->len; i++)
			g_mime_multipart_add(mp, g_ptr_array_index(parts, i));
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(mp));
		g_object_unref(mp);
		g_free(boundary);
	}
	out = serialize(GMIME_OBJECT(msg));
	(void)err;
	g_object_unref(body);
	g_ptr_array_unref(parts);
	g_object_unref(msg);
	g_free(text);
	return out;
}
