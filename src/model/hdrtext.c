/*
 * NAME
 *   hdrtext - header text to clean UTF-8 and back (see hdrtext.h)
 *
 * DESCRIPTION
 *   The lexer walks the unfolded value once.  Inside raw ISO-2022-JP
 *   (after ESC $ and before ESC ( ) nothing is an encoded word: two JIS
 *   bytes can spell "=?".  Decoded bytes wait in a pending buffer as long
 *   as the next word has the same charset; the conversion itself is
 *   mk_text_to_utf8(), the body decoder, so a header and a body with the
 *   same label decode the same way.
 *
 * OWNS
 *   Nothing beyond the strings it returns.
 *
 * NEVER
 *   Writes or reads anything but its arguments.
 */
#include "hdrtext.h"

#include <string.h>

#include "f_text.h"

/* ---- cleaning ------------------------------------------------------- */

static bool
drop_char(gunichar c)
{
	return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2060 && c <= 0x2069) || c == 0x061C || c == 0xFEFF ||
	       c == 0x180E || c == 0xAD;
}

char *
mk_hdr_clean(const char *utf8)
{
	char *valid = g_utf8_make_valid(utf8 ? utf8 : "", -1);
	GString *o = g_string_sized_new(strlen(valid) + 1);

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (drop_char(c))
			continue;
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029)
			c = ' ';
		g_string_append_unichar(o, c);
	}
	g_free(valid);
	return g_strstrip(g_string_free(o, FALSE));
}

/* ---- decoding ------------------------------------------------------- */

/* Raw 8-bit header text without a label: a few bytes are too little for
 * a detector, so the strict decoders of what Japanese senders write come
 * first: UTF-8, CP932, EUC-JP-MS.  NULL when none decodes all of it. */
static char *
raw_japanese(const char *bytes, gsize len)
{
	static const char *const order[] = { "CP932", "EUC-JP-MS" };
	bool high = false;

	for (gsize i = 0; i < len && !high; i++)
		high = (guchar)bytes[i] >= 0x80;
	if (!high || memchr(bytes, 0, len) != NULL)
		return NULL;
	if (g_utf8_validate_len(bytes, len, NULL))
		return g_strndup(bytes, len);
	for (gsize i = 0; i < G_N_ELEMENTS(order); i++) {
		char *s = g_convert(bytes, (gssize)len, "UTF-8", order[i], NULL, NULL, NULL);
		if (s != NULL)
			return s;
	}
	return NULL;
}

char *
mk_hdr_name_utf8(const char *bytes)
{
	const char *b = bytes ? bytes : "";
	char *s;

	if (g_utf8_validate(b, -1, NULL))
		return g_strdup(b);
	s = raw_japanese(b, strlen(b));
	return s ? s : g_utf8_make_valid(b, -1);
}

/* BYTES in CHARSET (NULL: unknown) appended to OUT as UTF-8. */
static void
append_converted(GString *out, const char *bytes, gsize len, const char *charset)
{
	bool plain = true;
	char *s = NULL;

	if (len == 0)
		return;
	for (gsize i = 0; i < len && plain; i++)
		plain = (guchar)bytes[i] < 0x80 && bytes[i] != 0x1B && bytes[i] != 0;
	if (plain && charset == NULL) {
		g_string_append_len(out, bytes, (gssize)len);
		return;
	}
	if (charset == NULL)
		s = raw_japanese(bytes, len);
	if (s == NULL)
		s = mk_text_to_utf8(bytes, len, charset, NULL, NULL, NULL);
	if (s != NULL)
		g_string_append(out, s);
	g_free(s);
}

static int
hexval(char c)
{
	return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

typedef struct {
	char *charset;          /* without an RFC 2231 "*lang" */
	GString *bytes;
	gsize len;              /* raw length of the word */
} eword;

/* The encoded word at P (P[0..1] == "=?"), or false. */
static bool
lex_word(const char *p, eword *w)
{
	const char *cs = p + 2, *q = cs, *text, *end;

	while (*q && *q != '?' && !g_ascii_isspace(*q))
		q++;
	if (*q != '?' || q == cs || !strchr("BbQq", q[1]) || q[1] == '\0' || q[2] != '?')
		return false;
	text = q + 3;
	end = text;
	while (*end && !(end[0] == '?' && end[1] == '=') && !g_ascii_isspace(*end))
		end++;
	if (end[0] != '?')
		return false;
	w->charset = g_strndup(cs, (gsize)(q - cs));
	if (strchr(w->charset, '*'))
		*strchr(w->charset, '*') = '\0';
	w->bytes = g_string_new(NULL);
	w->len = (gsize)(end + 2 - p);
	if (q[1] == 'B' || q[1] == 'b') {
		gsize n = (gsize)(end - text);
		guchar *buf = g_malloc(n / 4 * 3 + 4);
		gint state = 0;
		guint save = 0;
		gsize got = g_base64_decode_step(text, n, buf, &state, &save);
		g_string_append_len(w->bytes, (const char *)buf, (gssize)got);
		g_free(buf);
		return true;
	}
	for (const char *t = text; t < end; t++) {
		if (*t == '_')
			g_string_append_c(w->bytes, ' ');
		else if (*t == '=' && t + 2 < end && hexval(t[1]) >= 0 && hexval(t[2]) >= 0) {
			g_string_append_c(w->bytes, (char)(hexval(t[1]) * 16 + hexval(t[2])));
			t += 2;
		} else
			g_string_append_c(w->bytes, *t);
	}
	return true;
}

typedef struct {
	GString *out;           /* UTF-8 so far */
	GString *plain;         /* raw text since the last word */
	GString *pend;          /* bytes of adjacent words, one charset */
	char *pend_cs;
	bool after_word;
} dec_state;

static void
flush_pending(dec_state *d)
{
	if (d->pend_cs != NULL)
		append_converted(d->out, d->pend->str, d->pend->len, d->pend_cs);
	g_string_truncate(d->pend, 0);
	g_clear_pointer(&d->pend_cs, g_free);
}

static void
flush_plain(dec_state *d)
{
	append_converted(d->out, d->plain->str, d->plain->len, NULL);
	g_string_truncate(d->plain, 0);
}

static bool
all_space(const GString *s)
{
	for (gsize i = 0; i < s->len; i++)
		if (s->str[i] != ' ' && s->str[i] != '\t')
			return false;
	return true;
}

static void
take_word(dec_state *d, eword *w)
{
	bool joined = d->after_word && all_space(d->plain);

	if (joined)
		g_string_truncate(d->plain, 0);
	if (!joined || g_ascii_strcasecmp(d->pend_cs ? d->pend_cs : "", w->charset) != 0) {
		flush_pending(d);
		flush_plain(d);
		d->pend_cs = g_strdup(w->charset);
	}
	g_string_append_len(d->pend, w->bytes->str, (gssize)w->bytes->len);
	d->after_word = true;
}

/* RAW without CR and LF (RFC 5322 unfolding). */
static char *
unfold(const char *raw)
{
	GString *u = g_string_new(NULL);

	for (const char *p = raw ? raw : ""; *p; p++)
		if (*p != '\r' && *p != '\n')
			g_string_append_c(u, *p);
	return g_string_free(u, FALSE);
}

/* Decoded RAW; cleaned (mk_hdr_clean) or only made valid UTF-8. */
static char *
decode(const char *raw, bool clean)
{
	char *u = unfold(raw);
	dec_state d = { g_string_new(NULL), g_string_new(NULL), g_string_new(NULL),
	                NULL, false };
	bool jis = false;   /* inside ESC $ ... ESC ( */
	char *res;

	for (const char *p = u; *p;) {
		eword w = { 0 };
		if (p[0] == 0x1B && (p[1] == '$' || p[1] == '('))
			jis = p[1] == '$';
		if (!jis && p[0] == '=' && p[1] == '?' && lex_word(p, &w)) {
			take_word(&d, &w);
			p += w.len;
			g_free(w.charset);
			g_string_free(w.bytes, TRUE);
			continue;
		}
		if (d.after_word && !(*p == ' ' || *p == '\t') && d.pend_cs != NULL) {
			flush_pending(&d);
			d.after_word = false;
		}
		g_string_append_c(d.plain, *p++);
	}
	flush_pending(&d);
	flush_plain(&d);
	res = clean ? mk_hdr_clean(d.out->str) : g_utf8_make_valid(d.out->str, -1);
	g_string_free(d.out, TRUE);
	g_string_free(d.plain, TRUE);
	g_string_free(d.pend, TRUE);
	g_free(u);
	return res;
}

char *
mk_hdr_decode(const char *raw)
{
	return decode(raw, true);
}

/* ---- parameters (RFC 2231, RFC 2047 in quotes, raw) ------------------- */

typedef struct {
	char *plain;            /* NAME= */
	char *ext;              /* NAME*= */
	GHashTable *sect;       /* N -> "E" or "L" + value (extended/literal) */
} param_set;

static bool
sjis_lead(guchar c)
{
	return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
}

/* The quoted string at P (on its '"'), as bytes; *END after it.  With
 * CJK, the second byte of a Shift_JIS pair and the bytes between ESC $
 * and ESC ( (ISO-2022-JP) are taken as they are, never as '\\' or '"':
 * the trail byte of 表, ソ, 能 ... is 0x5C. */
static GString *
quoted(const char *p, bool cjk, const char **end)
{
	GString *v = g_string_new(NULL);
	bool jis = false;

	for (p++; *p && (jis || *p != '"'); p++) {
		if (cjk && p[0] == 0x1B && (p[1] == '$' || p[1] == '(')) {
			jis = p[1] == '$';
		} else if (cjk && !jis && sjis_lead((guchar)*p) && p[1] != '\0') {
			g_string_append_c(v, *p++);
		} else if (!jis && *p == '\\' && p[1] != '\0') {
			p++;
		}
		g_string_append_c(v, *p);
	}
	*end = *p == '"' ? p + 1 : p;
	return v;
}

/* Reads a token or quoted string at *P; advances.  A quoted string is
 * read the RFC way, unless that gives bytes that are not UTF-8 (or it
 * holds ISO-2022-JP) and the Japanese reading (quoted()) differs. */
static char *
read_value(const char **pp)
{
	const char *p = *pp;
	GString *v;

	if (*p == '"') {
		const char *e1, *e2;
		GString *cjk = quoted(p, true, &e2);
		v = quoted(p, false, &e1);
		if ((e1 != e2 || !g_string_equal(v, cjk)) &&
		    (!g_utf8_validate_len(v->str, v->len, NULL) || strstr(cjk->str, "\x1b$"))) {
			g_string_free(v, TRUE);
			v = cjk;
			p = e2;
		} else {
			g_string_free(cjk, TRUE);
			p = e1;
		}
	} else {
		v = g_string_new(NULL);
		while (*p && *p != ';' && *p != ' ' && *p != '\t')
			g_string_append_c(v, *p++);
	}
	*pp = p;
	return g_string_free(v, FALSE);
}

/* Sorts attribute ATTR (already known to start with NAME) into PS. */
static void
file_param(param_set *ps, const char *rest, char *value)
{
	char *end = NULL;
	guint64 n;

	if (*rest == '\0') {
		if (ps->plain == NULL)
			ps->plain = g_steal_pointer(&value);
	} else if (strcmp(rest, "*") == 0) {
		if (ps->ext == NULL)
			ps->ext = g_steal_pointer(&value);
	} else if (rest[0] == '*' && g_ascii_isdigit(rest[1])) {
		n = g_ascii_strtoull(rest + 1, &end, 10);
		if ((end[0] == '\0' || strcmp(end, "*") == 0) && n < G_MAXUINT &&
		    !g_hash_table_contains(ps->sect, GUINT_TO_POINTER((guint)n + 1))) {
			char *tagged = g_strconcat(*end ? "E" : "L", value, NULL);
			g_hash_table_insert(ps->sect, GUINT_TO_POINTER((guint)n + 1), tagged);
		}
	}
	g_free(value);
}

static void
scan_params(const char *raw, const char *name, param_set *ps)
{
	const char *p = raw;
	gsize nl = strlen(name);

	while (*p && *p != ';') {          /* the type or disposition */
		if (*p == '"') {
			char *skip = read_value(&p);
			g_free(skip);
		} else
			p++;
	}
	while (*p) {
		const char *a;
		char *attr;
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		a = p;
		while (*p && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		attr = g_strndup(a, (gsize)(p - a));
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '=') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			char *v = read_value(&p);
			if (g_ascii_strncasecmp(attr, name, nl) == 0 &&
			    (attr[nl] == '\0' || attr[nl] == '*'))
				file_param(ps, attr + nl, v);
			else
				g_free(v);
		}
		g_free(attr);
		while (*p && *p != ';')
			p++;
	}
}

/* %XX-decodes S onto OUT. */
static void
pct_decode(GString *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			g_string_append_c(out, (char)(hexval(s[1]) * 16 + hexval(s[2])));
			s += 2;
		} else
			g_string_append_c(out, *s);
	}
}

/* "charset'lang'%XX..": charset to *CS (NULL when empty), bytes to OUT. */
static void
ext_first(GString *out, const char *v, char **cs)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

	if (q2 == NULL) {
		pct_decode(out, v);
		return;
	}
	if (q1 > v)
		*cs = g_strndup(v, (gsize)(q1 - v));
	pct_decode(out, q2 + 1);
}

static char *
join_sections(param_set *ps)
{
	GString *b = g_string_new(NULL);
	char *cs = NULL, *res;
	GString *o = g_string_new(NULL);
	const char *v;

	for (guint n = 1; (v = g_hash_table_lookup(ps->sect, GUINT_TO_POINTER(n))); n++) {
		if (v[0] == 'E' && n == 1)
			ext_first(b, v + 1, &cs);
		else if (v[0] == 'E')
			pct_decode(b, v + 1);
		else
			g_string_append(b, v + 1);
	}
	append_converted(o, b->str, b->len, cs);
	res = g_utf8_make_valid(o->str, -1);
	g_string_free(o, TRUE);
	g_string_free(b, TRUE);
	g_free(cs);
	return res;
}

char *
mk_hdr_param(const char *raw, const char *name)
{
	param_set ps = { NULL, NULL, g_hash_table_new_full(NULL, NULL, NULL, g_free) };
	char *u = unfold(raw), *res = NULL;

	scan_params(u, name, &ps);
	if (ps.ext != NULL) {        /* NAME*= beats sections */
		g_hash_table_remove_all(ps.sect);
		g_hash_table_insert(ps.sect, GUINT_TO_POINTER(1u),
		                    g_strconcat("E", ps.ext, NULL));
	}
	if (g_hash_table_contains(ps.sect, GUINT_TO_POINTER(1u)))
		res = join_sections(&ps);
	else if (ps.plain != NULL)
		res = decode(ps.plain, false);
	g_hash_table_destroy(ps.sect);
	g_free(ps.plain);
	g_free(ps.ext);
	g_free(u);
	return res;
}

/* ---- encoding ------------------------------------------------------- */

/* Max bytes of UTF-8 per encoded word: 45 -> 60 base64 characters, plus
 * "=?UTF-8?B?" and "?=" makes 72 (RFC 2047 allows 75). */
#define WORD_BYTES 45

static bool
printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((guchar)*s < 0x20 || (guchar)*s > 0x7E)
			return false;
	return true;
}

static char *
encode_words(const char *utf8)
{
	GString *o = g_string_new(NULL);
	const char *p = utf8;

	while (*p) {
		const char *start = p;
		while (*p && (gsize)(g_utf8_next_char(p) - start) <= WORD_BYTES)
			p = g_utf8_next_char(p);
		if (p == start)
			p = g_utf8_next_char(p);
		char *b = g_base64_encode((const guchar *)start, (gsize)(p - start));
		g_string_append_printf(o, "%s=?UTF-8?B?%s?=", o->len ? "\n\t" : "", b);
		g_free(b);
	}
	return g_string_free(o, FALSE);
}

char *
mk_hdr_encode(const char *utf8)
{
	if (utf8 == NULL)
		return g_strdup("");
	if (printable_ascii(utf8) && strstr(utf8, "=?") == NULL)
		return g_strdup(utf8);
	return encode_words(utf8);
}

static bool
atoms_only(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && strchr(" !#$%&'*+-/=?^_`{|}~", *s) == NULL)
			return false;
	return true;
}

char *
mk_hdr_encode_phrase(const char *utf8)
{
	GString *q;

	if (utf8 == NULL || *utf8 == '\0')
		return g_strdup("");
	if (!printable_ascii(utf8) || strstr(utf8, "=?") != NULL)
		return encode_words(utf8);
	if (atoms_only(utf8) && utf8[0] != ' ' && strstr(utf8, "  ") == NULL &&
	    utf8[strlen(utf8) - 1] != ' ')
		return g_strdup(utf8);   /* atoms read back with single spaces */
	q = g_string_new("\"");
	for (const char *p = utf8; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(q, '\\');
		g_string_append_c(q, *p);
	}
	g_string_append_c(q, '"');
	return g_string_free(q, FALSE);
}

const char *
mk_hdr_raw(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *hl = obj ? g_mime_object_get_header_list(obj) : NULL;
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;

	return raw ? raw : h ? g_mime_header_get_value(h) : NULL;
}

char *
mk_hdr_obj_decode(GMimeObject *obj, const char *header)
{
	const char *raw = mk_hdr_raw(obj, header);

	return raw ? mk_hdr_decode(raw) : NULL;
}

char *
mk_hdr_obj_param(GMimeObject *obj, const char *header, const char *param)
{
	const char *raw = mk_hdr_raw(obj, header);

	return raw ? mk_hdr_param(raw, param) : NULL;
}

char *
mk_hdr_file_name(GMimeObject *obj)
{
	char *name = mk_hdr_obj_param(obj, "Content-Disposition", "filename");

	if (name == NULL)
		name = mk_hdr_obj_param(obj, "Content-Type", "name");
	if (name != NULL && *name == '\0')
		g_clear_pointer(&name, g_free);
	return name;
}
