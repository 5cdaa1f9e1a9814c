/*
 * NAME
 *   mime - RFC 5322/MIME message to item tree, with GMime (see mime.h)
 *
 * DESCRIPTION
 *   mk_mime_parse() runs the GMime parser over the message held in memory
 *   (an mbox "From " line and a BOM are skipped first), then walks the
 *   GMime tree once to build item nodes (build_object) and once more to
 *   give every leaf its role (assign_roles):
 *     - multipart/alternative: the chosen body (first non-empty text/plain,
 *       else text/html, else a nested multipart, else the last part) is
 *       body, the other alternatives are alternative;
 *     - text/plain and text/html leaves that are not attachments (no
 *       "attachment" disposition, no file name) are body;
 *     - parts of multipart/related whose Content-ID is referenced as
 *       "cid:ID" by an HTML part of that related group are inline;
 *     - everything else is attachment (message/rfc822 parts included; the
 *       roles inside a nested message are assigned as for a top level).
 *   Parser warnings and our own cheap checks (duplicate content headers,
 *   missing or unterminated boundaries, base64 with characters outside its
 *   alphabet) become findings; headers that readers can read differently
 *   are judged by mime_ambig.c.
 *
 * OWNS
 *   The returned tree; each node holds one reference on its GMime object.
 *
 * NEVER
 *   Sniffs content, writes files, or drops a part silently: a part that is
 *   not walked because of a limit leaves the finding limit on its parent.
 *
 * FAILURE
 *   Malformed input becomes findings (parse_error when GMime cannot build a
 *   message; the root then holds the raw bytes as data).  NULL only when the
 *   arguments are missing (err set).
 */
#include "mime.h"

#include <string.h>

#include "addr.h"
#include "hdrtext.h"

typedef struct {
	mk_ctx *ctx;
	const char *raw;       /* borrowed: whole input */
	gsize raw_len;
	guint warned;          /* bit set of GMimeParserWarning codes seen */
} parse_state;

void
mk_mime_init(void)
{
	static gsize once = 0;

	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
}

/* ---- looks like a message ------------------------------------------ */

static gsize
line_end(const char *p, gsize len, gsize pos, gsize *next)
{
	const char *nl = memchr(p + pos, '\n', len - pos);
	gsize e = nl ? (gsize)(nl - p) : len;

	*next = nl ? e + 1 : len;
	if (e > pos && p[e - 1] == '\r')
		e--;
	return e;
}

/* Offset of the header block: after a BOM, blank lines and "From ". */
static gsize
header_start(const char *p, gsize len)
{
	gsize pos = 0, next, e;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		e = line_end(p, len, pos, &next);
		if (e != pos)
			break;
		pos = next;
	}
	if (len - pos >= 5 && memcmp(p + pos, "From ", 5) == 0)
		line_end(p, len, pos, &pos);
	return pos;
}

static bool
header_name_ok(const char *s, gsize l, gsize *nl)
{
	gsize i = 0;

	while (i < l && s[i] > 32 && s[i] < 127 && s[i] != ':')
		i++;
	*nl = i;
	while (i < l && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return *nl > 0 && i < l && s[i] == ':';
}

static bool
key_header(const char *s, gsize l)
{
	static const char *const keys[] = {
		"from", "to", "subject", "date", "message-id", "mime-version",
		"received", "return-path",
	};

	for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strlen(keys[i]) == l && g_ascii_strncasecmp(s, keys[i], l) == 0)
			return true;
	return false;
}

typedef enum { HB_NONE, HB_BROKEN, HB_OK } hb_state;

static bool
blank_line(const char *s, gsize l)
{
	for (gsize i = 0; i < l; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Classifies the header block at the start of P; *KEY: a key header seen.
 * A line of white space only ends the block as an empty line does. */
static hb_state
scan_headers(const char *p, gsize len, bool *key)
{
	gsize pos, next, e, nl;
	bool any = false;

	*key = false;
	for (pos = header_start(p, len); pos < len; pos = next) {
		e = line_end(p, len, pos, &next);
		if (blank_line(p + pos, e - pos))
			break;   /* end of the header block */
		if (p[pos] == ' ' || p[pos] == '\t') {
			if (!any)
				return HB_NONE;
			continue;
		}
		if (!header_name_ok(p + pos, e - pos, &nl))
			return any ? HB_BROKEN : HB_NONE;
		any = true;
		*key = *key || key_header(p + pos, nl);
	}
	return any ? HB_OK : HB_NONE;
}

bool
mk_mime_looks_like_message(const void *buf, size_t len)
{
	bool key;

	if (buf == NULL || len == 0)
		return false;
	return scan_headers(buf, len, &key) == HB_OK && key;
}

/* Length of the header block starting at POS (up to the empty line). */
static gsize
header_block_len(const char *p, gsize len, gsize pos)
{
	gsize start = pos, next, e;

	while (pos < len) {
		e = line_end(p, len, pos, &next);
		if (e == pos)
			break;
		pos = next;
	}
	return pos - start;
}

/* ---- node fields ------------------------------------------------------ */

static void
fill_declared(mk_node *n, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
	const char *name = NULL, *v;

	if (ct != NULL) {
		char *t = g_mime_content_type_get_mime_type(ct);

		n->declared_type = g_ascii_strdown(t, -1);
		g_free(t);
		if ((v = g_mime_content_type_get_parameter(ct, "charset")) != NULL)
			n->charset = g_ascii_strdown(v, -1);
		name = g_mime_content_type_get_parameter(ct, "name");
	}
	if (cd != NULL && (v = g_mime_content_disposition_get_disposition(cd))) {
		mk_set_str(&n->disposition,
		           g_ascii_strcasecmp(v, "inline") == 0 ? "inline"
		                                                : "attachment");
		v = g_mime_content_disposition_get_parameter(cd, "filename");
		if (v != NULL)
			name = v;
	}
	if (GMIME_IS_PART(obj) &&
	    (v = g_mime_part_get_filename(GMIME_PART(obj))) != NULL)
		name = v;
	if (name != NULL && *name != '\0') {
		/* ours decodes like the bodies (CP932 for Shift_JIS ...) */
		char *ours = mk_hdr_file_name(obj);
		char *valid = ours ? ours : g_utf8_make_valid(name, -1);

		mk_set_str(&n->declared_name, valid);
		g_free(valid);
	}
	if ((v = g_mime_object_get_content_id(obj)) != NULL && *v != '\0')
		mk_set_str(&n->content_id, v);
	n->mime = g_object_ref(obj);
}

/* Counts the headers that must occur once; returns the header bytes. */
static gsize
check_headers(mk_node *n, GMimeHeaderList *hl, bool message)
{
	static const char *const once_part[] = {
		"Content-Type", "Content-Disposition", "Content-Transfer-Encoding",
	};
	static const char *const once_msg[] = {
		"From", "Sender", "Subject", "Date", "Message-ID", "MIME-Version",
		"Reply-To",
	};
	const char *const *names = message ? once_msg : once_part;
	gsize nnames = message ? G_N_ELEMENTS(once_msg) : G_N_ELEMENTS(once_part);
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	int seen[8] = { 0 };
	gsize bytes = 0;

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);

		bytes += strlen(name ? name : "") + strlen(raw ? raw : "") + 2;
		for (gsize k = 0; name != NULL && k < nnames; k++)
			if (g_ascii_strcasecmp(name, names[k]) == 0 && ++seen[k] == 2)
				mk_node_add_finding(n, MK_F_DUPLICATE_HEADER,
				                    "%s repeated", names[k]);
	}
	return bytes;
}

static void
check_base64(mk_node *n, GMimeDataWrapper *w)
{
	GMimeStream *s = g_mime_data_wrapper_get_stream(w);
	char buf[4096];
	gssize got;

	if (s == NULL || g_mime_stream_reset(s) != 0)
		return;
	while ((got = g_mime_stream_read(s, buf, sizeof buf)) > 0) {
		for (gssize i = 0; i < got; i++) {
			guchar c = (guchar)buf[i];

			if (!g_ascii_isalnum(c) && c != '+' && c != '/' && c != '=' &&
			    !g_ascii_isspace(c)) {
				mk_node_add_finding(n, MK_F_MALFORMED_MIME,
				                    "base64 content holds byte 0x%02x", c);
				goto out;
			}
		}
	}
out:
	g_mime_stream_reset(s);
}

/* A Content-Transfer-Encoding GMime does not know ("x-gzip64") leaves the
 * content undecoded: what it holds cannot be checked, so it is not passed
 * as if it were the raw bytes it looks like. */
static void
unknown_encoding(mk_node *n, GMimePart *part)
{
	const char *cte = g_mime_object_get_header(GMIME_OBJECT(part),
	                                           "Content-Transfer-Encoding");
	char *v;

	if (cte == NULL)
		return;
	v = g_strstrip(g_strdup(cte));
	if (*v != '\0' && g_mime_content_encoding_from_string(v) ==
	                   GMIME_CONTENT_ENCODING_DEFAULT)
		mk_node_add_finding(n, MK_F_PARSE_ERROR, "unknown Content-Transfer-"
		                    "Encoding \"%.40s\": content cannot be decoded", v);
	g_free(v);
}

static void
leaf_data(mk_node *n, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *ms;
	GByteArray *ba;
	GBytes *b;

	if (w == NULL) {
		b = g_bytes_new(NULL, 0);
		mk_node_set_data(n, b);
		g_bytes_unref(b);
		return;
	}
	if (g_mime_part_get_content_encoding(part) == GMIME_CONTENT_ENCODING_BASE64)
		check_base64(n, w);
	unknown_encoding(n, part);
	ms = g_mime_stream_mem_new();
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(ms), FALSE);
	if (g_mime_data_wrapper_write_to_stream(w, ms) < 0)
		mk_node_add_finding(n, MK_F_MALFORMED_MIME, "content not decodable");
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	g_object_unref(ms);
	b = g_byte_array_free_to_bytes(ba);
	mk_node_set_data(n, b);
	g_bytes_unref(b);
}

/* ---- tree walk ---------------------------------------------------------- */

static bool build_object(parse_state *st, GMimeObject *obj, mk_node *parent);

/* May a new node go below PARENT?  Otherwise PARENT gets a limit finding. */
static bool
room_for_node(parse_state *st, mk_node *parent)
{
	const mk_config *cfg = st->ctx->cfg;

	if (mk_ctx_expired(st->ctx)) {
		if (!mk_node_has_finding(parent, MK_F_LIMIT))
			mk_node_add_finding(parent, MK_F_LIMIT,
			                    "time budget spent parsing MIME");
		return false;
	}
	if (cfg->limits.max_parts > 0 && st->ctx->nodes >= cfg->limits.max_parts) {
		if (!mk_node_has_finding(parent, MK_F_LIMIT))
			mk_node_add_finding(parent, MK_F_LIMIT,
			                    "more than %" G_GINT64_FORMAT " MIME parts",
			                    cfg->limits.max_parts);
		return false;
	}
	return true;
}

/* May container N be descended into? */
static bool
may_descend(parse_state *st, mk_node *n)
{
	gint64 max = st->ctx->cfg->limits.max_mime_depth;

	if (max > 0 && n->depth >= max) {
		mk_node_add_finding(n, MK_F_LIMIT, "MIME nesting deeper than %"
		                    G_GINT64_FORMAT, max);
		return false;
	}
	return !mk_node_has_finding(n, MK_F_LIMIT);
}

static void
check_boundary(parse_state *st, mk_node *n, GMimeObject *obj)
{
	const char *b = g_mime_object_get_content_type_parameter(obj, "boundary");
	char *close;

	if (b == NULL || *b == '\0') {
		mk_node_add_finding(n, MK_F_MALFORMED_MIME,
		                    "multipart without boundary parameter");
		return;
	}
	close = g_strdup_printf("--%s--", b);
	if (memmem(st->raw, st->raw_len, close, strlen(close)) == NULL)
		mk_node_add_finding(n, MK_F_MALFORMED_MIME,
		                    "no closing boundary \"%s\"", b);
	g_free(close);
}

/* A multipart GMime found no parts in (no or wrong boundary): its text
 * becomes a leaf so that it is inspected, never silently dropped. */
static void
orphan_content(parse_state *st, mk_node *mp, const char *text)
{
	mk_node *n;
	GBytes *b;

	if (text == NULL || *text == '\0' || !room_for_node(st, mp))
		return;
	n = mk_node_new(MK_NODE_PART, mp);
	st->ctx->nodes++;
	b = g_bytes_new(text, strlen(text));
	mk_node_set_data(n, b);
	g_bytes_unref(b);
	/* beyond repair: what a reader's client would show is anyone's guess
	 * (hidden parts, boundary tricks), so the item is held */
	mk_node_add_finding(n, MK_F_UNPARSED_MIME,
	                    "content of a multipart without parts");
}

static void
build_multipart(parse_state *st, mk_node *n, GMimeMultipart *mp)
{
	GMimeObject *obj = GMIME_OBJECT(mp);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	int count = g_mime_multipart_get_count(mp);

	n->subtype = g_ascii_strdown(sub ? sub : "mixed", -1);
	if (GMIME_IS_MULTIPART_SIGNED(mp))
		mk_node_add_finding(n, MK_F_SIGNED, "multipart/signed");
	if (GMIME_IS_MULTIPART_ENCRYPTED(mp))
		mk_node_add_finding(n, MK_F_ENCRYPTED_MAIL, "multipart/encrypted");
	check_boundary(st, n, obj);
	if (count == 0)
		mk_node_add_finding(n, MK_F_MALFORMED_MIME, "multipart without parts");
	if (!may_descend(st, n))
		return;
	if (count == 0)
		orphan_content(st, n, g_mime_multipart_get_prologue(mp));
	for (int i = 0; i < count; i++)
		if (!build_object(st, g_mime_multipart_get_part(mp, i), n))
			break;
}

static void
build_message(parse_state *st, mk_node *n, GMimeMessage *msg)
{
	GMimeObject *body;

	if (msg == NULL) {
		mk_node_add_finding(n, MK_F_MALFORMED_MIME, "empty message/rfc822");
		return;
	}
	check_headers(n, g_mime_object_get_header_list(GMIME_OBJECT(msg)), true);
	body = g_mime_message_get_mime_part(msg);
	if (body != NULL && may_descend(st, n))
		build_object(st, body, n);
}

static void
build_leaf(parse_state *st, mk_node *n, GMimePart *part)
{
	const char *t = n->declared_type ? n->declared_type : "";

	if (GMIME_IS_MESSAGE_PARTIAL(part) || strcmp(t, "message/partial") == 0)
		mk_node_add_finding(n, MK_F_PARTIAL_MESSAGE, "message/partial");
	if (strcmp(t, "message/external-body") == 0)
		mk_node_add_finding(n, MK_F_EXTERNAL_BODY, "message/external-body");
	if (GMIME_IS_APPLICATION_PKCS7_MIME(part)) {
		GMimeSecureMimeType k = g_mime_application_pkcs7_mime_get_smime_type(
			GMIME_APPLICATION_PKCS7_MIME(part));

		if (k == GMIME_SECURE_MIME_TYPE_SIGNED_DATA)
			mk_node_add_finding(n, MK_F_SIGNED, "pkcs7-mime signed-data");
		else if (k != GMIME_SECURE_MIME_TYPE_COMPRESSED_DATA &&
		         k != GMIME_SECURE_MIME_TYPE_CERTS_ONLY)
			mk_node_add_finding(n, MK_F_ENCRYPTED_MAIL,
			                    "pkcs7-mime enveloped-data");
	}
	(void)st;
	leaf_data(n, part);
}

/* Adds OBJ below PARENT; false when no further sibling may be added. */
static bool
build_object(parse_state *st, GMimeObject *obj, mk_node *parent)
{
	const mk_config *cfg = st->ctx->cfg;
	mk_node_kind kind = MK_NODE_PART;
	mk_node *n;
	gsize hbytes;

	if (!room_for_node(st, parent))
		return false;
	if (GMIME_IS_MULTIPART(obj))
		kind = MK_NODE_MULTIPART;
	else if (GMIME_IS_MESSAGE_PART(obj))
		kind = MK_NODE_MESSAGE;
	n = mk_node_new(kind, parent);
	st->ctx->nodes++;
	fill_declared(n, obj);
	mk_mime_ambig_check(n, obj);
	hbytes = check_headers(n, g_mime_object_get_header_list(obj), false);
	if (cfg->limits.max_header_size > 0 &&
	    (gint64)hbytes > cfg->limits.max_header_size) {
		mk_node_add_finding(n, MK_F_LIMIT, "headers of %zu bytes", hbytes);
		return true;
	}
	if (kind == MK_NODE_MULTIPART) {
		build_multipart(st, n, GMIME_MULTIPART(obj));
	} else if (kind == MK_NODE_MESSAGE) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		mk_node_add_finding(n, MK_F_NESTED_MESSAGE, "%s", n->declared_type);
		if (m != NULL) {
			g_object_unref(n->mime);
			n->mime = g_object_ref(GMIME_OBJECT(m));
		}
		build_message(st, n, m);
	} else if (GMIME_IS_PART(obj)) {
		build_leaf(st, n, GMIME_PART(obj));
	} else {
		mk_node_add_finding(n, MK_F_MALFORMED_MIME, "unknown MIME object");
	}
	return true;
}

/* ---- roles ---------------------------------------------------------------- */

static bool
is_type(const mk_node *n, const char *t)
{
	return n->declared_type != NULL && strcmp(n->declared_type, t) == 0;
}

static bool
is_text_body(const mk_node *n)
{
	bool att = (n->disposition && strcmp(n->disposition, "attachment") == 0) ||
	           n->declared_name != NULL;

	return n->kind == MK_NODE_PART && !att &&
	       (is_type(n, "text/plain") || is_type(n, "text/html"));
}

static bool
has_text(const mk_node *n)
{
	gsize len = 0;
	const char *p = n->data ? g_bytes_get_data(n->data, &len) : NULL;

	for (gsize i = 0; p != NULL && i < len; i++)
		if (!g_ascii_isspace(p[i]))
			return true;
	return false;
}

static int
choose_alternative(const mk_node *mp)
{
	GPtrArray *c = mp->children;

	for (guint i = 0; i < c->len; i++) {
		const mk_node *k = c->pdata[i];

		if (is_text_body(k) && is_type(k, "text/plain") && has_text(k))
			return (int)i;
	}
	for (guint i = 0; i < c->len; i++)
		if (is_text_body(c->pdata[i]) && is_type(c->pdata[i], "text/html"))
			return (int)i;
	for (guint i = 0; i < c->len; i++)
		if (((mk_node *)c->pdata[i])->kind == MK_NODE_MULTIPART)
			return (int)i;
	return (int)c->len - 1;
}

typedef struct {
	const char *cid;
	bool found;
} cid_search;

static bool
cid_in_html(mk_node *n, void *user)
{
	cid_search *cs = user;
	char *needle;
	gsize len = 0;
	const char *p;

	if (n->kind != MK_NODE_PART || !is_type(n, "text/html") || n->data == NULL)
		return true;
	p = g_bytes_get_data(n->data, &len);
	needle = g_strconcat("cid:", cs->cid, NULL);
	cs->found = p != NULL && memmem(p, len, needle, strlen(needle)) != NULL;
	g_free(needle);
	return !cs->found;
}

static void
leaf_role(mk_node *n, const mk_node *related, bool unused)
{
	cid_search cs = { n->content_id, false };

	if (is_text_body(n)) {
		n->role = unused ? MK_ROLE_ALTERNATIVE : MK_ROLE_BODY;
		return;
	}
	if (related != NULL && n->content_id != NULL)
		mk_node_walk((mk_node *)related, cid_in_html, &cs);
	n->role = cs.found ? MK_ROLE_INLINE : MK_ROLE_ATTACHMENT;
}

static void
assign_roles(mk_node *n, const mk_node *related, bool unused)
{
	GPtrArray *c = n->children;

	if (n->kind == MK_NODE_MESSAGE) {
		if (n->parent != NULL)
			n->role = MK_ROLE_ATTACHMENT;
		for (guint i = 0; i < c->len; i++)
			assign_roles(c->pdata[i], NULL, false);
	} else if (n->kind == MK_NODE_MULTIPART) {
		bool alt = n->subtype && strcmp(n->subtype, "alternative") == 0;
		int chosen = alt ? choose_alternative(n) : -1;

		if (n->subtype && strcmp(n->subtype, "related") == 0)
			related = n;
		for (guint i = 0; i < c->len; i++) {
			mk_node *k = c->pdata[i];
			bool off = unused || (alt && (int)i != chosen);

			assign_roles(k, related, off);
			if (alt && (int)i != chosen && k->kind == MK_NODE_PART)
				k->role = MK_ROLE_ALTERNATIVE;
		}
	} else if (n->kind == MK_NODE_PART) {
		leaf_role(n, related, unused);
	}
}

/* ---- entry point -------------------------------------------------------- */

static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
           gpointer user)
{
	parse_state *st = user;

	(void)offset;
	(void)item;
	if ((guint)code < 32)
		st->warned |= 1u << (guint)code;
}

static void
warnings_to_findings(parse_state *st, mk_node *root)
{
	static const struct {
		GMimeParserWarning w;
		mk_finding_code f;
		const char *what;
	} rows[] = {
		{ GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY, MK_F_MALFORMED_MIME,
		  "multipart without boundary" },
		{ GMIME_WARN_MALFORMED_MULTIPART, MK_F_MALFORMED_MIME,
		  "multipart without parts" },
		{ GMIME_WARN_TRUNCATED_MESSAGE, MK_F_MALFORMED_MIME,
		  "message truncated" },
		{ GMIME_WARN_MALFORMED_MESSAGE, MK_F_MALFORMED_MIME,
		  "message malformed" },
		{ GMIME_CRIT_INVALID_HEADER_NAME, MK_F_MALFORMED_MIME,
		  "invalid header name" },
		{ GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT, MK_F_MALFORMED_MIME,
		  "part without headers or content" },
		{ GMIME_CRIT_CONFLICTING_HEADER, MK_F_DUPLICATE_HEADER,
		  "conflicting header" },
		{ GMIME_CRIT_CONFLICTING_PARAMETER, MK_F_DUPLICATE_HEADER,
		  "conflicting header parameter" },
		{ GMIME_CRIT_NESTING_OVERFLOW, MK_F_LIMIT,
		  "GMime nesting limit exceeded" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		if ((st->warned & (1u << (guint)rows[i].w)) &&
		    !mk_node_has_finding(root, rows[i].f))
			mk_node_add_finding(root, rows[i].f, "parser: %s", rows[i].what);
}

static GMimeMessage *
run_parser(parse_state *st, gsize start)
{
	static const char *fallback[] = { "UTF-8", "CP932", "ISO-8859-1", NULL };
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(st->raw + start,
	                                                   st->raw_len - start);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeParserOptions *o = g_mime_parser_options_new();
	GMimeMessage *m;

	g_mime_parser_options_set_warning_callback(o, on_warning, st);
	g_mime_parser_options_set_fallback_charsets(o, fallback);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(p, o);
	g_mime_parser_options_free(o);
	g_object_unref(p);
	g_object_unref(s);
	return m;
}

static void
parse_failed(mk_node *root, GBytes *raw, const char *why)
{
	if (!mk_node_has_finding(root, MK_F_PARSE_ERROR))
		mk_node_add_finding(root, MK_F_PARSE_ERROR, "%s", why);
	mk_node_set_data(root, raw);
}

mk_node *
mk_mime_parse(mk_ctx *ctx, GBytes *raw, mk_error *err)
{
	parse_state st = { .ctx = ctx };
	mk_node *root;
	GMimeMessage *msg;
	gsize start, hlen;
	GMimeObject *body;
	hb_state hb;
	bool key;

	if (ctx == NULL || ctx->cfg == NULL || raw == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "mime: no context or input");
		return NULL;
	}
	mk_mime_init();
	st.raw = g_bytes_get_data(raw, &st.raw_len);
	if (st.raw == NULL)
		st.raw = "";
	root = mk_node_new(MK_NODE_MESSAGE, NULL);
	ctx->nodes++;
	start = header_start(st.raw, st.raw_len);
	hlen = header_block_len(st.raw, st.raw_len, start);
	if (ctx->cfg->limits.max_header_size > 0 &&
	    (gint64)hlen > ctx->cfg->limits.max_header_size) {
		mk_node_add_finding(root, MK_F_LIMIT, "header block of %zu bytes", hlen);
		mk_node_set_data(root, raw);
		goto out;
	}
	hb = scan_headers(st.raw, st.raw_len, &key);
	if (hb == HB_NONE)
		mk_node_add_finding(root, MK_F_PARSE_ERROR,
		                    "input does not start with RFC 5322 headers");
	else if (hb == HB_BROKEN)
		mk_node_add_finding(root, MK_F_MALFORMED_MIME,
		                    "header block holds a line that is no header");
	msg = run_parser(&st, start);
	if (msg == NULL) {
		parse_failed(root, raw, "GMime could not parse the message");
		goto out;
	}
	root->mime = GMIME_OBJECT(msg);
	check_headers(root, g_mime_object_get_header_list(root->mime), true);
	mk_addr_check(root);
	body = g_mime_message_get_mime_part(msg);
	if (body != NULL)
		build_object(&st, body, root);
	warnings_to_findings(&st, root);
	assign_roles(root, NULL, false);
out:
	return root;
}
