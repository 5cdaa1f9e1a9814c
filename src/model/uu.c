/*
 * NAME
 *   uu - uuencoded, begin-base64 and yEnc blocks inside text bodies
 *        (see uu.h)
 *
 * DESCRIPTION
 *   mk_uu_extract() (the decoding) runs in mukaika-worker only (the
 *   "unpack" run, src/worker/wunpack.c); mk_uu_strip() runs in the engine on
 *   body text it already holds, and only replaces lines.
 *
 *   One scanner (find_block) finds the blocks; mk_uu_extract() decodes each
 *   into an MK_NODE_EMBEDDED child of the text leaf, mk_uu_strip() replaces
 *   each by one notice line.  Both use the same scanner, so whatever is
 *   extracted (and inspected) is exactly what is removed from the text.
 *
 *   Recognised:  "begin MODE NAME" ... "end"        (uuencode)
 *                "begin-base64 MODE NAME" ... "===="  (base64)
 *                "=ybegin ... name=NAME" ... "=yend"  (yEnc)
 *   A "begin" line counts only when the next line looks like encoded data
 *   (or the end marker), so prose that says "begin 644 x" is left alone.
 *   A block without its end line runs to the end of the text.  Lines may end
 *   in LF or CRLF.
 *
 * OWNS
 *   The embedded nodes it adds (then owned by the tree) and returned strings.
 *
 * NEVER
 *   Writes files or uses NAME as a path.
 *
 * FAILURE
 *   Limits (limits.max_parts via ctx->nodes, limits.max_member_size per
 *   block, limits.max_unpacked_size via ctx->unpacked, the time budget) add
 *   the finding limit to the text leaf and stop extraction; the leaf then
 *   still carries the finding uuencode.
 */
#include "uu.h"

#include <string.h>

#include "names.h"

typedef enum { BLK_UU, BLK_B64, BLK_YENC } blk_kind;

typedef struct {
	blk_kind kind;
	gsize start;      /* offset of the begin line */
	gsize body;       /* offset of the first data line */
	gsize body_end;   /* offset of the end line (len if none) */
	gsize end;        /* offset after the end line */
	bool terminated;
	bool crlf;        /* begin line ended with CRLF */
	char *name;       /* raw bytes of the name, owned */
} uu_block;

/* Line at POS: returns the offset of the next line; *LL = content length
 * without CR/LF. */
static gsize
next_line(const char *t, gsize len, gsize pos, gsize *ll)
{
	const char *nl = memchr(t + pos, '\n', len - pos);
	gsize e = nl ? (gsize)(nl - t) : len;
	gsize l = e - pos;

	if (l > 0 && t[pos + l - 1] == '\r')
		l--;
	*ll = l;
	return nl ? e + 1 : len;
}

static gsize
rtrim(const char *s, gsize l)
{
	while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
		l--;
	return l;
}

static bool
line_is(const char *s, gsize l, const char *word)
{
	l = rtrim(s, l);
	return l == strlen(word) && memcmp(s, word, l) == 0;
}

static bool
uu_line_ok(const char *s, gsize l)
{
	l = rtrim(s, l);
	if (l == 0)
		return false;
	for (gsize i = 0; i < l; i++)
		if ((guchar)s[i] < 32 || (guchar)s[i] > 96)
			return false;
	return true;
}

static bool
b64_line_ok(const char *s, gsize l)
{
	l = rtrim(s, l);
	if (l == 0)
		return false;
	for (gsize i = 0; i < l; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '+' && s[i] != '/' &&
		    s[i] != '=')
			return false;
	return true;
}

/* "begin[-base64] MODE NAME": the name, or NULL. */
static char *
parse_begin(const char *s, gsize l, blk_kind *kind)
{
	gsize i, d = 0;

	if (l > 13 && memcmp(s, "begin-base64 ", 13) == 0) {
		*kind = BLK_B64;
		i = 13;
	} else if (l > 6 && memcmp(s, "begin ", 6) == 0) {
		*kind = BLK_UU;
		i = 6;
	} else {
		return NULL;
	}
	while (i < l && s[i] >= '0' && s[i] <= '7' && d < 5) {
		i++;
		d++;
	}
	if (d < 1 || d > 4 || i >= l || s[i] != ' ')
		return NULL;
	while (i < l && s[i] == ' ')
		i++;
	l = rtrim(s, l);
	return i < l ? g_strndup(s + i, l - i) : NULL;
}

static char *
parse_ybegin(const char *s, gsize l)
{
	const char *nm;

	if (l < 8 || memcmp(s, "=ybegin ", 8) != 0)
		return NULL;
	nm = g_strstr_len(s, (gssize)l, " name=");
	if (nm == NULL)
		return NULL;
	nm += 6;
	l = rtrim(nm, (gsize)(s + l - nm));
	return l > 0 ? g_strndup(nm, l) : NULL;
}

static bool
data_follows(const char *t, gsize len, gsize pos, blk_kind k)
{
	gsize ll;

	if (pos >= len)
		return false;
	next_line(t, len, pos, &ll);
	if (k == BLK_UU)
		return line_is(t + pos, ll, "end") || uu_line_ok(t + pos, ll);
	return line_is(t + pos, ll, "====") || b64_line_ok(t + pos, ll);
}

static void
find_end(const char *t, gsize len, uu_block *b)
{
	const char *marker = b->kind == BLK_UU ? "end" :
	                     b->kind == BLK_B64 ? "====" : NULL;
	gsize pos = b->body, ll, nx;

	b->body_end = b->end = len;
	while (pos < len) {
		nx = next_line(t, len, pos, &ll);
		if (marker ? line_is(t + pos, ll, marker)
		           : (ll >= 5 && memcmp(t + pos, "=yend", 5) == 0)) {
			b->body_end = pos;
			b->end = nx;
			b->terminated = true;
			return;
		}
		pos = nx;
	}
}

/* Next block at or after FROM; fills B (caller frees B->name). */
static bool
find_block(const char *t, gsize len, gsize from, uu_block *b)
{
	gsize pos = from, ll, nx;

	while (pos < len) {
		blk_kind k = BLK_UU;
		char *name;

		nx = next_line(t, len, pos, &ll);
		name = parse_begin(t + pos, ll, &k);
		if (name != NULL && !data_follows(t, len, nx, k))
			g_clear_pointer(&name, g_free);
		if (name == NULL && (name = parse_ybegin(t + pos, ll)) != NULL)
			k = BLK_YENC;
		if (name != NULL) {
			*b = (uu_block){ .kind = k, .start = pos, .body = nx,
			                 .name = name };
			b->crlf = nx > pos + ll + 1;
			find_end(t, len, b);
			return true;
		}
		pos = nx;
	}
	return false;
}

static void
decode_uu_line(const char *s, gsize l, GByteArray *out)
{
	gsize want, i;

	l = rtrim(s, l);
	if (l == 0)
		return;
	want = ((guchar)s[0] - 32) & 63;
	/* trailing spaces may have been cut: missing characters count as 0 */
	for (i = 1; want > 0; i += 4) {
		guchar c[4] = { 0, 0, 0, 0 }, o[3];

		for (gsize j = 0; j < 4 && i + j < l; j++)
			c[j] = ((guchar)s[i + j] - 32) & 63;
		o[0] = (guchar)(c[0] << 2 | c[1] >> 4);
		o[1] = (guchar)(c[1] << 4 | c[2] >> 2);
		o[2] = (guchar)(c[2] << 6 | c[3]);
		g_byte_array_append(out, o, (guint)MIN(want, 3));
		want -= MIN(want, 3);
	}
}

static void
decode_yenc_line(const char *s, gsize l, GByteArray *out)
{
	if (l >= 2 && s[0] == '=' && s[1] == 'y')
		return;   /* =ypart, =yend */
	for (gsize i = 0; i < l; i++) {
		guchar c = (guchar)s[i];

		if (c == '=' && i + 1 < l)
			c = (guchar)((guchar)s[++i] - 64);
		c = (guchar)(c - 42);
		g_byte_array_append(out, &c, 1);
	}
}

/* Decode the body of B; false when the output would exceed MAX. */
static bool
decode_block(const char *t, const uu_block *b, gint64 max, GByteArray *out)
{
	gsize pos = b->body, ll, nx;
	gint state = 0;
	guint save = 0;

	while (pos < b->body_end) {
		nx = next_line(t, b->body_end, pos, &ll);
		if (b->kind == BLK_UU) {
			if (uu_line_ok(t + pos, ll))   /* skip junk lines */
				decode_uu_line(t + pos, ll, out);
		} else if (b->kind == BLK_YENC) {
			decode_yenc_line(t + pos, ll, out);
		} else {
			guint old = out->len;

			g_byte_array_set_size(out, old + (guint)(ll / 4 * 3 + 3));
			out->len = old + (guint)g_base64_decode_step(t + pos, ll,
			            out->data + old, &state, &save);
		}
		if (max > 0 && (gint64)out->len > max)
			return false;
		pos = nx;
	}
	return true;
}

static bool
room_for_block(mk_ctx *ctx, mk_node *leaf)
{
	const mk_config *cfg = ctx->cfg;

	if (mk_ctx_expired(ctx)) {
		mk_node_add_finding(leaf, MK_F_LIMIT, "time budget spent in uudecode");
		return false;
	}
	if (cfg->limits.max_parts > 0 && ctx->nodes >= cfg->limits.max_parts) {
		mk_node_add_finding(leaf, MK_F_LIMIT, "more than %" G_GINT64_FORMAT
		                    " parts (uuencoded blocks)",
		                    cfg->limits.max_parts);
		return false;
	}
	return true;
}

static int
add_block(mk_ctx *ctx, mk_node *leaf, const char *t, const uu_block *b)
{
	const mk_config *cfg = ctx->cfg;
	gint64 max = cfg->limits.max_member_size;
	gint64 left = cfg->limits.max_unpacked_size - ctx->unpacked;
	GByteArray *out = g_byte_array_new();
	mk_node *c;
	GBytes *bytes;
	char *name;
	int rc = -1;

	if (cfg->limits.max_unpacked_size > 0 && (max <= 0 || left < max))
		max = MAX(left, 0);
	if (!decode_block(t, b, max, out)) {
		mk_node_add_finding(leaf, MK_F_LIMIT, "uuencoded %s over %"
		                    G_GINT64_FORMAT " bytes", b->name, max);
		goto out;
	}
	c = mk_node_new(MK_NODE_EMBEDDED, leaf);
	ctx->nodes++;
	ctx->unpacked += out->len;
	c->role = MK_ROLE_ATTACHMENT;
	name = g_utf8_make_valid(b->name, -1);
	mk_set_str(&c->declared_name, name);
	g_free(name);
	bytes = g_byte_array_free_to_bytes(out);
	out = NULL;
	mk_node_set_data(c, bytes);
	g_bytes_unref(bytes);
	if (!b->terminated)
		mk_node_add_finding(c, MK_F_MALFORMED_MIME,
		                    "encoded block without end line");
	rc = 0;
out:
	if (out != NULL)
		g_byte_array_unref(out);
	return rc;
}

int
mk_uu_extract(mk_ctx *ctx, mk_node *text_leaf, mk_error *err)
{
	const char *t;
	gsize len = 0, pos = 0;
	uu_block b;
	guint found = 0;

	if (ctx == NULL || text_leaf == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "uu: no context or node");
		return MK_ERR_USAGE;
	}
	if (text_leaf->data == NULL)
		return 0;
	t = g_bytes_get_data(text_leaf->data, &len);
	while (t != NULL && find_block(t, len, pos, &b)) {
		found++;
		pos = b.end > b.start ? b.end : len;
		if (found == 1)
			mk_node_add_finding(text_leaf, MK_F_UUENCODE,
			                    "encoded block \"%s\"", b.name);
		bool go = room_for_block(ctx, text_leaf) &&
		          add_block(ctx, text_leaf, t, &b) == 0;
		g_free(b.name);
		if (!go)
			break;
	}
	return 0;
}

/* A line starting with S (at offset 0 or after a newline)? */
static bool
line_starts(const char *t, gsize len, const char *s)
{
	gsize sl = strlen(s);

	for (gsize pos = 0; pos < len;) {
		const char *nl;

		if (len - pos >= sl && memcmp(t + pos, s, sl) == 0)
			return true;
		nl = memchr(t + pos, '\n', len - pos);
		if (nl == NULL)
			break;
		pos = (gsize)(nl - t) + 1;
	}
	return false;
}

bool
mk_uu_maybe(const void *buf, gsize len)
{
	return buf != NULL && (line_starts(buf, len, "begin") ||
	                       line_starts(buf, len, "=ybegin "));
}

char *
mk_uu_strip(const char *text)
{
	GString *s;
	gsize len, pos = 0;
	uu_block b;

	if (text == NULL)
		return g_strdup("");
	len = strlen(text);
	s = g_string_sized_new(len);
	while (find_block(text, len, pos, &b)) {
		char *safe = mk_names_safe(b.name, 0);

		g_string_append_len(s, text + pos, (gssize)(b.start - pos));
		g_string_append_printf(s, "[uuencoded %s removed]%s", safe,
		                       b.crlf ? "\r\n" : "\n");
		g_free(safe);
		g_free(b.name);
		pos = b.end > b.start ? b.end : len;
	}
	g_string_append_len(s, text + pos, (gssize)(len - pos));
	return g_string_free(s, FALSE);
}
