/*
 * NAME
 *   mm_apply - put a rebuilt message in place of the original, through libmilter
 *
 * SUMMARY
 *   mm_apply_output(ctx, conn, output, err);
 *   mm_reply_text(text);
 *
 * DESCRIPTION
 *   The engine returns a whole new message (headers + body).  The MTA keeps its
 *   own header list, so the difference is applied as edits:
 *     - trace headers the MTA owns (Received, Return-Path, Delivered-To,
 *       X-Original-To) are never touched;
 *     - for every other name, the i-th original occurrence is changed to the
 *       i-th rebuilt one when the values differ, deleted when the rebuilt
 *       message has fewer occurrences (highest index first, so indexes stay
 *       valid whether or not the MTA renumbers), and extra rebuilt occurrences
 *       are added in rebuilt order;
 *   then the body is replaced by the rebuilt body, CRLF line ends, in chunks.
 *   Header values are compared unfolded and without leading white space.
 *
 * NEVER
 *   Never forwards part of the original body: the body is always replaced
 *   whole, and any libmilter failure is returned as an error (the caller
 *   tempfails).
 */
#include <string.h>

#include "mm.h"

typedef struct nhdr {
	char *name;
	char *value;   /* raw, folding as in the output, without leading space */
} nhdr;

static void
nhdr_free(gpointer p)
{
	nhdr *h = p;

	g_free(h->name);
	g_free(h->value);
	g_free(h);
}

static bool
is_trace(const char *name)
{
	static const char *const trace[] = {
		"Received", "Return-Path", "Delivered-To", "X-Original-To",
	};

	for (gsize i = 0; i < G_N_ELEMENTS(trace); i++)
		if (g_ascii_strcasecmp(name, trace[i]) == 0)
			return true;
	return false;
}

/* Split OUT into its header fields and the offset of the body. */
static GPtrArray *
parse_headers(const char *p, gsize len, gsize *body_off)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(nhdr_free);
	gsize i = 0;

	*body_off = len;
	while (i < len) {
		gsize s = i, e;
		const char *colon;
		nhdr *h;

		if (p[i] == '\n' || (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')) {
			*body_off = i + (p[i] == '\r' ? 2 : 1);
			break;
		}
		/* one field: up to a newline not followed by white space */
		for (e = i; e < len; e++)
			if (p[e] == '\n' && !(e + 1 < len && (p[e + 1] == ' ' || p[e + 1] == '\t')))
				break;
		i = e < len ? e + 1 : len;
		colon = memchr(p + s, ':', e - s);
		if (colon == NULL)
			continue;          /* not a field: ignore */
		h = g_new0(nhdr, 1);
		h->name = g_strndup(p + s, colon - (p + s));
		g_strstrip(h->name);
		colon++;
		while (colon < p + e && (*colon == ' ' || *colon == '\t'))
			colon++;
		h->value = g_strndup(colon, (p + e) - colon);
		g_strchomp(h->value);
		g_ptr_array_add(a, h);
	}
	return a;
}

/* Unfolded value without CR/LF and leading/trailing white space. */
static char *
norm_value(const char *v)
{
	GString *s = g_string_new(NULL);

	for (; *v; v++)
		if (*v != '\r' && *v != '\n')
			g_string_append_c(s, *v);
	g_strstrip(s->str);
	return g_string_free(s, FALSE);
}

/* Value to hand to libmilter: LF folding only, leading space if needed. */
static char *
milter_value(const mm_conn *c, const char *v)
{
	GString *s = g_string_new(c->leadspc ? " " : "");

	for (; *v; v++)
		if (*v != '\r')
			g_string_append_c(s, *v);
	return g_string_free(s, FALSE);
}

static GPtrArray *
values_named(GPtrArray *list, const char *name, bool orig)
{
	GPtrArray *v = g_ptr_array_new();

	for (guint i = 0; i < list->len; i++) {
		const char *n = orig ? ((mm_hdr *)list->pdata[i])->name
		                     : ((nhdr *)list->pdata[i])->name;
		const char *val = orig ? ((mm_hdr *)list->pdata[i])->value
		                       : ((nhdr *)list->pdata[i])->value;
		if (g_ascii_strcasecmp(n, name) == 0)
			g_ptr_array_add(v, (gpointer)val);
	}
	return v;
}

static int
edit_name(SMFICTX *ctx, const mm_conn *c, const char *name, GPtrArray *nh,
          mk_error *err)
{
	GPtrArray *ov = values_named(c->msg.hdrs, name, true);
	GPtrArray *nv = values_named(nh, name, false);
	int rc = 0;

	for (guint i = 0; i < ov->len && i < nv->len && rc == 0; i++) {
		char *a = norm_value(ov->pdata[i]), *b = norm_value(nv->pdata[i]);
		if (strcmp(a, b) != 0) {
			char *mv = milter_value(c, nv->pdata[i]);
			if (smfi_chgheader(ctx, (char *)name, (int)i + 1, mv) != MI_SUCCESS)
				rc = MK_ERR_TEMP;
			g_free(mv);
		}
		g_free(a);
		g_free(b);
	}
	for (guint i = ov->len; i > nv->len && rc == 0; i--)
		if (smfi_chgheader(ctx, (char *)name, (int)i, NULL) != MI_SUCCESS)
			rc = MK_ERR_TEMP;
	if (rc != 0)
		mk_error_set(err, MK_ERR_TEMP, "smfi_chgheader %s failed", name);
	g_ptr_array_unref(ov);
	g_ptr_array_unref(nv);
	return rc;
}

static int
edit_headers(SMFICTX *ctx, const mm_conn *c, GPtrArray *nh, mk_error *err)
{
	GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int rc = 0;

	/* changes and deletions, once per original name */
	for (guint i = 0; i < c->msg.hdrs->len && rc == 0; i++) {
		const char *name = ((mm_hdr *)c->msg.hdrs->pdata[i])->name;
		char *key = g_ascii_strdown(name, -1);
		if (is_trace(name) || g_hash_table_contains(done, key)) {
			g_free(key);
			continue;
		}
		g_hash_table_add(done, key);
		rc = edit_name(ctx, c, name, nh, err);
	}
	/* additions: rebuilt occurrences beyond the original count */
	for (guint i = 0; i < nh->len && rc == 0; i++) {
		nhdr *h = nh->pdata[i];
		GPtrArray *ov, *nv;
		guint nth = 0;

		if (is_trace(h->name))
			continue;
		ov = values_named(c->msg.hdrs, h->name, true);
		nv = values_named(nh, h->name, false);
		for (guint j = 0; j < nv->len; j++)
			if (nv->pdata[j] == h->value)
				nth = j;
		if (nth >= ov->len) {
			char *mv = milter_value(c, h->value);
			if (smfi_addheader(ctx, h->name, mv) != MI_SUCCESS) {
				mk_error_set(err, MK_ERR_TEMP, "smfi_addheader %s failed", h->name);
				rc = MK_ERR_TEMP;
			}
			g_free(mv);
		}
		g_ptr_array_unref(ov);
		g_ptr_array_unref(nv);
	}
	g_hash_table_unref(done);
	return rc;
}

static int
replace_body(SMFICTX *ctx, const char *p, gsize len, mk_error *err)
{
	GByteArray *buf = g_byte_array_sized_new(MM_BODY_CHUNK + 2);
	int rc = 0;

	for (gsize i = 0; i <= len && rc == 0; i++) {
		bool end = i == len;
		if (!end) {
			if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
				g_byte_array_append(buf, (const guint8 *)"\r", 1);
			g_byte_array_append(buf, (const guint8 *)p + i, 1);
		}
		if ((end && buf->len > 0) || buf->len >= MM_BODY_CHUNK) {
			if (smfi_replacebody(ctx, buf->data, (int)buf->len) != MI_SUCCESS)
				rc = MK_ERR_TEMP;
			g_byte_array_set_size(buf, 0);
		}
	}
	if (rc == 0 && len == 0 &&
	    smfi_replacebody(ctx, (unsigned char *)"", 0) != MI_SUCCESS)
		rc = MK_ERR_TEMP;
	if (rc != 0)
		mk_error_set(err, MK_ERR_TEMP, "smfi_replacebody failed");
	g_byte_array_unref(buf);
	return rc;
}

int
mm_apply_output(SMFICTX *ctx, const mm_conn *c, GBytes *out, mk_error *err)
{
	gsize len = 0, body_off = 0;
	const char *p = out ? g_bytes_get_data(out, &len) : NULL;
	GPtrArray *nh = NULL;
	int rc;

	if (p == NULL || !c->can_modify) {
		mk_error_set(err, MK_ERR_TEMP, "%s", p == NULL ?
		             "engine gave no output for a forwarded verdict" :
		             "MTA does not allow header/body changes");
		return MK_ERR_TEMP;
	}
	nh = parse_headers(p, len, &body_off);
	rc = edit_headers(ctx, c, nh, err);
	if (rc == 0)
		rc = replace_body(ctx, p + body_off, len - body_off, err);
	g_ptr_array_unref(nh);
	return rc;
}

char *
mm_reply_text(const char *text)
{
	GString *s = g_string_new(NULL);

	for (const char *p = text ? text : ""; *p && s->len < MM_REPLY_MAX; p++) {
		unsigned char ch = (unsigned char)*p;
		g_string_append_c(s, (ch >= 0x20 && ch < 0x7f && ch != '%') ? (char)ch : ' ');
	}
	if (s->len == 0)
		g_string_append(s, "rejected by content policy");
	return g_string_free(s, FALSE);
}
