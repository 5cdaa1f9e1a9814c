/*
 * NAME
 *   f_text - text bodies to clean UTF-8: charset decoding, normalising,
 *   link defanging (contract: f_text.h)
 *
 * DESCRIPTION
 *   Decoding runs every candidate through GIConv (glibc iconv) in strict
 *   mode; the first candidate that decodes the whole buffer wins.  Charset
 *   names are mapped to their Microsoft supersets (Shift_JIS -> CP932, ...).
 *   ISO-2022-JP is decoded by a small state machine here: JIS X 0208 pairs
 *   are turned into Shift_JIS bytes and decoded as CP932, so the NEC/IBM
 *   extension characters Windows mailers put into ISO-2022-JP (1 in a
 *   circle, (kabu), fullwidth tilde) come out right; glibc's ISO-2022-JP-2/-3
 *   are the fallback.  Detection uses uchardet.  The last resort decodes
 *   with U+FFFD for every undecodable byte.
 *
 * OWNS
 *   Nothing beyond the strings it returns.
 *
 * NEVER
 *   Fails on bad data (NULL only when iconv itself cannot be opened for
 *   UTF-8); never returns text containing NUL.
 */
#include "f_text.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <uchardet.h>

#define ISO2022JP "ISO-2022-JP"

/* ---- charset names --------------------------------------------------- */

static const struct {
	const char *alias;
	const char *iconv;
} charset_aliases[] = {
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
	{ "x-sjis", "CP932" }, { "windows-31j", "CP932" }, { "cp932", "CP932" },
	{ "ms932", "CP932" }, { "ms_kanji", "CP932" }, { "x-ms-cp932", "CP932" },
	{ "csshiftjis", "CP932" },
	{ "iso-2022-jp", ISO2022JP }, { "csiso2022jp", ISO2022JP },
	{ "iso-2022-jp-ms", ISO2022JP }, { "iso-2022-jp-1", ISO2022JP },
	{ "euc-jp", "EUC-JP" }, { "x-euc-jp", "EUC-JP" }, { "eucjp", "EUC-JP" },
	{ "cseucpkdfmtjapanese", "EUC-JP" }, { "euc-jp-ms", "EUC-JP-MS" },
	{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" },
	{ "us-ascii", "ASCII" }, { "ascii", "ASCII" },
	{ "iso-8859-1", "WINDOWS-1252" }, { "latin1", "WINDOWS-1252" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
	{ "euc-kr", "CP949" }, { "ks_c_5601-1987", "CP949" },
	{ "big5", "BIG5-HKSCS" },
};

/* iconv name for a MIME charset name; unknown names are returned as is. */
static const char *
charset_canon(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(charset_aliases); i++)
		if (g_ascii_strcasecmp(name, charset_aliases[i].alias) == 0)
			return charset_aliases[i].iconv;
	return name;
}

static bool
charset_is_single_byte(const char *cs)
{
	static const char *const prefixes[] = {
		"ASCII", "ISO-8859", "ISO8859", "WINDOWS-125", "CP125", "KOI8",
		"LATIN", "MACINTOSH",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (g_ascii_strncasecmp(cs, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* ---- decoders -------------------------------------------------------- */

/* Decode BUF from CHARSET into OUT.  Strict: false on the first
 * undecodable byte.  Lossy: U+FFFD per bad byte.  False too when iconv
 * does not know CHARSET. */
static bool
iconv_decode(const char *buf, gsize len, const char *charset, bool lossy,
             GString *out)
{
	GIConv cd = g_iconv_open("UTF-8", charset);
	char chunk[4096];
	gchar *in = (gchar *)buf;
	gsize inleft = len;
	bool ok = true;

	if (cd == (GIConv)-1)
		return false;
	while (ok) {
		gchar *o = chunk;
		gsize oleft = sizeof chunk;
		gsize r = inleft ? g_iconv(cd, &in, &inleft, &o, &oleft)
		                 : g_iconv(cd, NULL, NULL, &o, &oleft);
		int e = errno;

		g_string_append_len(out, chunk, (gssize)(o - chunk));
		if (r != (gsize)-1) {
			if (inleft == 0 && in != NULL)
				in = NULL, inleft = 0;  /* next round flushes */
			else
				break;
			continue;
		}
		if (e == E2BIG)
			continue;
		if (!lossy || inleft == 0) {
			ok = false;
			break;
		}
		g_string_append(out, "\xEF\xBF\xBD");
		in++, inleft--;
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	g_iconv_close(cd);
	return ok;
}

/* Shift_JIS bytes for the JIS X 0208 pair (J1, J2), both 0x21..0x7E. */
static void
jis_to_sjis(guchar j1, guchar j2, GString *sj)
{
	guchar s1 = (guchar)(((j1 + 1) >> 1) + (j1 <= 0x5E ? 0x70 : 0xB0));
	guchar s2;

	if (j1 & 1)
		s2 = (guchar)(j2 + (j2 >= 0x60 ? 0x20 : 0x1F));
	else
		s2 = (guchar)(j2 + 0x7E);
	g_string_append_c(sj, (gchar)s1);
	g_string_append_c(sj, (gchar)s2);
}

enum jis_mode { JIS_ASCII, JIS_KANJI, JIS_KANA };

/* Length of the escape sequence at P (P[0] == ESC) and the mode it selects;
 * 0 for an escape we do not map to CP932. */
static gsize
jis_escape(const guchar *p, gsize left, enum jis_mode *mode)
{
	static const struct { const char *seq; enum jis_mode mode; } esc[] = {
		{ "\033(B", JIS_ASCII }, { "\033(J", JIS_ASCII },
		{ "\033(I", JIS_KANA }, { "\033$@", JIS_KANJI },
		{ "\033$B", JIS_KANJI }, { "\033&@\033$B", JIS_KANJI },
		{ "\033$(B", JIS_KANJI }, { "\033$(@", JIS_KANJI },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(esc); i++) {
		gsize n = strlen(esc[i].seq);
		if (left >= n && memcmp(p, esc[i].seq, n) == 0) {
			*mode = esc[i].mode;
			return n;
		}
	}
	return 0;
}

/* ISO-2022-JP (with SO/SI and half-width kana) to Shift_JIS bytes; false
 * on 8-bit bytes, unknown escapes (JIS X 0212/0213) or a broken pair. */
static bool
iso2022jp_to_sjis(const guchar *p, gsize len, GString *sj)
{
	enum jis_mode mode = JIS_ASCII, saved = JIS_ASCII;
	gsize i = 0;

	while (i < len) {
		guchar c = p[i];
		if (c >= 0x80)
			return false;
		if (c == 0x1B) {
			gsize n = jis_escape(p + i, len - i, &mode);
			if (n == 0)
				return false;
			i += n;
		} else if (c == 0x0E || c == 0x0F) {
			if (c == 0x0E)
				saved = mode, mode = JIS_KANA;
			else
				mode = saved;
			i++;
		} else if (c < 0x21 || c == 0x7F || mode == JIS_ASCII) {
			g_string_append_c(sj, (gchar)c);
			i++;
		} else if (mode == JIS_KANA) {
			if (c > 0x5F)
				return false;
			g_string_append_c(sj, (gchar)(c + 0x80));
			i++;
		} else {
			if (i + 1 >= len || p[i + 1] < 0x21 || p[i + 1] > 0x7E)
				return false;
			jis_to_sjis(c, p[i + 1], sj);
			i += 2;
		}
	}
	return true;
}

static bool
decode_iso2022jp(const char *buf, gsize len, bool lossy, GString *out)
{
	GString *sj = g_string_sized_new(len);
	bool ok = iso2022jp_to_sjis((const guchar *)buf, len, sj) &&
	          iconv_decode(sj->str, sj->len, "CP932", lossy, out);

	g_string_free(sj, TRUE);
	if (ok)
		return true;
	g_string_truncate(out, 0);
	if (iconv_decode(buf, len, "ISO-2022-JP-3", false, out))
		return true;
	g_string_truncate(out, 0);
	return iconv_decode(buf, len, "ISO-2022-JP-2", lossy, out);
}

/* Decode with CHARSET (an iconv name or ISO2022JP); OUT is reset first. */
static bool
decode_as(const char *buf, gsize len, const char *charset, bool lossy,
          GString *out)
{
	g_string_truncate(out, 0);
	if (g_ascii_strcasecmp(charset, ISO2022JP) == 0)
		return decode_iso2022jp(buf, len, lossy, out);
	if (g_ascii_strcasecmp(charset, "UTF-8") == 0) {
		if (!g_utf8_validate_len(buf, len, NULL) && !lossy)
			return false;
		char *v = g_utf8_make_valid(buf, (gssize)len);
		g_string_append(out, v);
		g_free(v);
		return true;
	}
	if (g_ascii_strcasecmp(charset, "EUC-JP") == 0) {
		if (iconv_decode(buf, len, charset, false, out))
			return true;
		g_string_truncate(out, 0);
		return iconv_decode(buf, len, "EUC-JP-MS", lossy, out);
	}
	if (g_ascii_strcasecmp(charset, "WINDOWS-1252") == 0) {
		if (iconv_decode(buf, len, charset, false, out))
			return true;
		g_string_truncate(out, 0);
		return iconv_decode(buf, len, "ISO-8859-1", lossy, out);
	}
	return iconv_decode(buf, len, charset, lossy, out);
}

/* ---- detection ------------------------------------------------------- */

typedef struct {
	gsize high;        /* bytes >= 0x80 */
	gsize mb;          /* valid UTF-8 multibyte sequences */
	gsize bad;         /* bytes that are not valid UTF-8 */
	bool jis_escape;   /* ESC $ B / ESC $ @ / ESC ( I seen */
} text_stats;

static void
scan_stats(const guchar *p, gsize len, text_stats *st)
{
	memset(st, 0, sizeof *st);
	for (gsize i = 0; i < len;) {
		if (p[i] == 0x1B && i + 2 < len &&
		    ((p[i + 1] == '$' && (p[i + 2] == 'B' || p[i + 2] == '@')) ||
		     (p[i + 1] == '(' && p[i + 2] == 'I')))
			st->jis_escape = true;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		st->high++;
		const gchar *end = NULL;
		gsize n = MIN(len - i, 4);
		g_utf8_validate_len((const gchar *)p + i, n, &end);
		gsize good = (gsize)(end - (const gchar *)(p + i));
		if (good > 0) {
			st->mb++;
			st->high += good - 1;
			i += good;
		} else {
			st->bad++;
			i++;
		}
	}
}

/* uchardet's guess mapped to an iconv name, or NULL. */
static const char *
detect(const char *buf, gsize len)
{
	uchardet_t ud = uchardet_new();
	const char *cs = NULL;

	if (ud == NULL)
		return NULL;
	if (uchardet_handle_data(ud, buf, len) == 0) {
		uchardet_data_end(ud);
		const char *g = uchardet_get_charset(ud);
		if (g != NULL && *g != '\0')
			cs = g_intern_string(charset_canon(g));
	}
	uchardet_delete(ud);
	return cs;
}

static bool
is_cjk_multibyte(const char *cs)
{
	static const char *const cjk[] = {
		"CP932", "EUC-JP", ISO2022JP, "GB18030", "BIG5-HKSCS", "CP949",
		"EUC-TW", "UTF-8",
	};
	for (gsize i = 0; cs != NULL && i < G_N_ELEMENTS(cjk); i++)
		if (g_ascii_strcasecmp(cs, cjk[i]) == 0)
			return true;
	return false;
}

/* Declared CS is trusted unless the data clearly says otherwise: valid
 * UTF-8 under a single-byte or (confirmed by uchardet) other label, or
 * ISO-2022-JP escapes in 7-bit data under a single-byte label. */
static bool
declared_is_wrong(const char *cs, const text_stats *st, const char *det)
{
	if (g_ascii_strcasecmp(cs, "UTF-8") == 0)
		return false;
	if (st->high > 0 && st->bad == 0 && st->mb > 0 &&
	    (charset_is_single_byte(cs) || g_strcmp0(det, "UTF-8") == 0))
		return true;
	if (!charset_is_single_byte(cs))
		return false;
	if (st->high == 0 && st->jis_escape)
		return true;
	return st->high > 0 && is_cjk_multibyte(det);
}

/* Strict candidates in order, then lossy ones.  A failed multibyte label
 * (Shift_JIS, EUC-JP ...) keeps the Japanese decoders ahead of a
 * single-byte uchardet guess, which would decode anything as mojibake. */
static const char *
guess(const char *buf, gsize len, const text_stats *st, const char *det,
      const char *declared, GString *out)
{
	bool mbdecl = declared != NULL && !charset_is_single_byte(declared);
	const char *sdet = det && !charset_is_single_byte(det) ? det : NULL;
	const char *strict[] = { mbdecl ? sdet : det, "CP932", "EUC-JP" };
	const char *lossy[] = { mbdecl ? declared : det, mbdecl ? det : declared,
	                        "UTF-8" };

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 &&
	    decode_as(buf, len, "UTF-8", false, out))
		return "UTF-8";
	if (len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 ||
	                 memcmp(buf, "\xFE\xFF", 2) == 0) &&
	    decode_as(buf, len, "UTF-16", false, out))
		return "UTF-16";
	if (st->high == 0 && st->jis_escape)
		return decode_as(buf, len, ISO2022JP, true, out), ISO2022JP;
	if (st->high == 0 && decode_as(buf, len, "ASCII", false, out))
		return "US-ASCII";
	if (decode_as(buf, len, "UTF-8", false, out))
		return "UTF-8";
	if (st->mb > 0 && st->bad <= st->mb)
		return decode_as(buf, len, "UTF-8", true, out), "UTF-8";
	for (gsize i = 0; i < G_N_ELEMENTS(strict); i++)
		if (strict[i] != NULL && decode_as(buf, len, strict[i], false, out))
			return strict[i];
	for (gsize i = 0; i < G_N_ELEMENTS(lossy); i++)
		if (lossy[i] != NULL && decode_as(buf, len, lossy[i], true, out))
			return lossy[i];
	return decode_as(buf, len, "UTF-8", true, out), "UTF-8";
}

/* Remove NUL characters so the result is a proper C string. */
static char *
finish(GString *out)
{
	gsize w = 0;
	for (gsize r = 0; r < out->len; r++)
		if (out->str[r] != '\0')
			out->str[w++] = out->str[r];
	g_string_truncate(out, w);
	return g_string_free(out, FALSE);
}

char *
mk_text_to_utf8(const void *buf, size_t len, const char *declared,
                char **used, bool *guessed, mk_error *err)
{
	GString *out = g_string_sized_new(len + len / 2 + 1);
	const char *cs = declared && *declared ? charset_canon(declared) : NULL;
	const char *det = NULL, *got = NULL;
	text_stats st;

	if (buf == NULL)
		buf = "", len = 0;
	scan_stats(buf, len, &st);
	if (st.high > 0 || cs == NULL)
		det = detect(buf, len);
	if (cs != NULL && !declared_is_wrong(cs, &st, det) &&
	    decode_as(buf, len, cs, false, out))
		got = cs;
	if (guessed != NULL)
		*guessed = got == NULL;
	if (got == NULL)
		got = guess(buf, len, &st, det, cs, out);
	if (used != NULL)
		*used = g_strdup(got);
	(void)err;
	return finish(out);
}

/* ---- normalising ----------------------------------------------------- */

static bool
is_invisible(gunichar c)
{
	return (c < 0x20 && c != '\t' && c != '\n') ||
	       (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x061C ||
	       c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) ||
	       c == 0xFEFF;
}

static bool
is_trailing_space(gunichar c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000;
}

/* Drop trailing white space of the last line of S. */
static void
trim_line(GString *s)
{
	while (s->len > 0) {
		const char *prev = g_utf8_find_prev_char(s->str, s->str + s->len);
		if (prev == NULL || !is_trailing_space(g_utf8_get_char(prev)))
			break;
		g_string_truncate(s, (gsize)(prev - s->str));
	}
}

char *
mk_text_normalise(const char *utf8)
{
	char *valid = g_utf8_make_valid(utf8 ? utf8 : "", -1);
	GString *out = g_string_sized_new(strlen(valid) + 1);
	int blank = 0;            /* empty lines in a row */
	bool line_empty = true;

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r') {
			if (p[1] == '\n')
				continue;
			c = '\n';
		}
		if (c == 0x2028 || c == 0x2029)
			c = '\n';
		if (c != '\n' && is_invisible(c))
			continue;
		if (c != '\n') {
			g_string_append_unichar(out, c);
			line_empty = line_empty && is_trailing_space(c);
			continue;
		}
		trim_line(out);
		blank = line_empty ? blank + 1 : 0;
		line_empty = true;
		if (blank <= 2)
			g_string_append_c(out, '\n');
	}
	trim_line(out);
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* ---- defanging ------------------------------------------------------- */

/* Schemes recognised in running text; any other scheme is recognised only
 * when "//" or a backslash follows (scheme_len, url_start), and so are
 * ms-... and microsoft-... (wildcards in url_start). */
static const struct {
	const char *name;
	bool slash;       /* only a URL when "/" or "\\" follows the colon */
} url_schemes[] = {
	{ "https", true }, { "http", true }, { "ftps", true }, { "ftp", true },
	{ "sftp", true }, { "file", true }, { "mailto", false },
	{ "javascript", false }, { "data", false }, { "vbscript", false },
	{ "hxxps", true }, { "hxxp", true }, { "fxp", true },
	/* Windows/Office protocol handlers that act without "//" */
	{ "search-ms", false }, { "search", false }, { "shell", false },
	{ "mk", false }, { "mhtml", false }, { "hcp", false },
	{ "onenote", false }, { "callto", false },
};

/* Schemes that keep their ':' (web links, defanged by hxxp and "[.]");
 * every other one is a handler that gets "[:]". */
static bool
scheme_is_web(const char *s)
{
	static const char *const web[] = { "https", "http", "hxxps", "hxxp",
	                                   "ftps", "ftp", "fxp", "sftp",
	                                   "mailto" };
	for (gsize i = 0; i < G_N_ELEMENTS(web); i++)
		if (g_ascii_strcasecmp(s, web[i]) == 0)
			return true;
	return false;
}

/* Length of the scheme-like word at P ([A-Za-z][A-Za-z0-9+-]*). */
static gsize
scheme_len(const char *p)
{
	if (!g_ascii_isalpha(*p))
		return 0;
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789+-");
}

/* A run of '/' and '\\' at P, or one defanging bracketed ("[\\\\]").
 * Returns the bytes it takes (0: none); *raw the slashes in it. */
static gsize
slash_run(const char *p, gsize *raw, bool *bracketed)
{
	gsize k = strspn(p + (*p == '['), "/\\");

	*raw = k;
	*bracketed = *p == '[';
	if (!*bracketed)
		return k;
	if (k == 0 || p[k + 1] != ']')
		return *raw = 0;
	return k + 2;
}

/* Append the N-byte slash run at P ("//", "\\\\", "[\\\\]" ...).  A run
 * that can start a UNC path (two or more slashes with a backslash, more
 * than three) is bracketed unless KEEP or already bracketed. */
static void
append_run(GString *out, const char *p, gsize n, gsize raw, bool bracketed,
           bool keep)
{
	bool web = raw < 2 || (raw <= 3 && strspn(p, "/") == raw);

	if (bracketed || (keep && web)) {
		g_string_append_len(out, p, (gssize)n);
		return;
	}
	g_string_append_c(out, '[');
	g_string_append_len(out, p, (gssize)n);
	g_string_append_c(out, ']');
}

/* Append HOST to OUT with '.' -> "[.]", leaving "[.]" as it is.  HOST
 * lies in a NUL-terminated string, so H[N] may be looked at: a token cut
 * before the ']' of "[.]" (url_length) is still seen as defanged. */
static void
append_host(GString *out, const char *h, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		bool bracketed = i > 0 && h[i - 1] == '[' && h[i + 1] == ']';
		if (h[i] == '.' && !bracketed)
			g_string_append(out, "[.]");
		else
			g_string_append_c(out, h[i]);
	}
}

/* Authority (userinfo@host:port) of N bytes: '@' -> "[@]", dots of both
 * sides bracketed ("www.bank.example@evil.example" reads as a host). */
static void
append_authority(GString *out, const char *s, gsize n)
{
	const char *at = g_strrstr_len(s, (gssize)n, "@");

	if (at != NULL) {
		gsize u = (gsize)(at - s);
		if (u >= 1 && s[u - 1] == '[' && s[u + 1] == ']') {  /* see append_host */
			gsize k = MIN(u + 2, n);
			append_host(out, s, k);
			s += k, n -= k;
		} else {
			append_host(out, s, u);
			g_string_append(out, "[@]");
			s += u + 1, n -= u + 1;
		}
	}
	append_host(out, s, n);
}

/* Length of the authority at P, at most N bytes: up to one of STOPS or a
 * bracketed slash run (which a first pass may have written). */
static gsize
authority_len(const char *p, gsize n, const char *stops)
{
	gsize i, raw;
	bool br;

	for (i = 0; i < n && strchr(stops, p[i]) == NULL; i++)
		if (p[i] == '[' && slash_run(p + i, &raw, &br) > 0)
			break;
	return i;
}

/* Slash run and authority at P (at most N bytes): the run as append_run
 * does, the authority as append_authority. */
static gsize
append_run_authority(GString *out, const char *p, gsize n, bool keep)
{
	gsize raw;
	bool br;
	gsize r = MIN(slash_run(p, &raw, &br), n);
	gsize a = authority_len(p + r, n - r, "/?#\\");

	append_run(out, p, r, raw, br, keep);
	append_authority(out, p + r, a);
	return r + a;
}

/* Scheme at P of SL bytes, its SEP-byte separator and what follows, at
 * most N bytes: writes the defanged scheme and authority; returns the
 * bytes taken. */
static gsize
append_scheme_prefix(GString *out, const char *p, gsize sl, gsize sep, gsize n)
{
	char *scheme = g_ascii_strdown(p, (gssize)sl);
	const char *rest = p + sl + sep;
	gsize m = sl + sep, raw;
	bool br;

	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)
		scheme[1] = scheme[2] = 'x';
	else if (strcmp(scheme, "ftp") == 0)
		scheme[1] = 'x', scheme[2] = 'p', scheme[3] = '\0';
	g_string_append(out, scheme);
	g_string_append(out, sep == 3 || !scheme_is_web(scheme) ? "[:]" : ":");
	if (strcmp(scheme, "mailto") == 0) {
		gsize k = MIN(strcspn(rest, "?#"), n - MIN(m, n));
		const char *at = g_strrstr_len(rest, (gssize)k, "@");
		gsize u = at ? (gsize)(at - rest) + 1 : 0;
		g_string_append_len(out, rest, (gssize)u);
		append_host(out, rest + u, k - u);
		m += k;
	} else if (slash_run(rest, &raw, &br) > 0) {
		m += append_run_authority(out, rest, n - MIN(m, n), true);
	}
	g_free(scheme);
	return m;
}

/* 1 for ":", 3 for a defanged "[:]", else 0. */
static gsize
scheme_sep(const char *p)
{
	return *p == ':' ? 1 : strncmp(p, "[:]", 3) == 0 ? 3 : 0;
}

/* Defanged form of the N-byte link prefix at P appended to OUT: the
 * scheme, a slash run and the authority (UNC: run and host; no scheme:
 * the host).  Returns the bytes taken (the rest is scanned as text). */
static gsize
defang_prefix(GString *out, const char *p, gsize n)
{
	gsize sl = scheme_len(p), sep = sl > 0 ? scheme_sep(p + sl) : 0;
	gsize raw;
	bool br;

	if (sep > 0)
		return append_scheme_prefix(out, p, sl, sep, n);
	if (slash_run(p, &raw, &br) > 0 && (br || raw >= 2))
		return append_run_authority(out, p, n, false);
	gsize m = authority_len(p, n, "/?#:\\");
	append_host(out, p, m);
	return m;
}

/* True when the character at P ends a URL token. */
static bool
url_stop(const char *p)
{
	guchar b = (guchar)*p;

	if (b < 0x80)
		return b <= 0x20 || b == 0x7F || strchr("<>\"'`", b) != NULL;
	gunichar c = g_utf8_get_char_validated(p, -1);
	return c == (gunichar)-1 || c == (gunichar)-2 || g_unichar_isspace(c) ||
	       (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
	       (c >= 0xFF00 && c <= 0xFFEF);
}

/* True when a UNC path (\\host\..., //host/..., mixed) starts at P in
 * TEXT.  Not after a word character or another slash, not the "C:\\" of
 * a drive, and "//" not after a ':' (what follows a scheme or a port);
 * "//host" needs a '/' or '\\' after the host.  A bracketed run is one
 * defanged before: taken again with its host, so that nothing changes. */
static bool
unc_start(const char *text, const char *p)
{
	gsize raw, k;
	bool br;
	guchar prev = p > text ? (guchar)p[-1] : ' ';

	if (slash_run(p, &raw, &br) == 0 || raw < 2)
		return false;
	if (br)                 /* defanged before: cut as the first pass did */
		return true;
	if (g_ascii_isalnum(prev) || prev == '/' || prev == '\\' ||
	    (prev == '[' && p[raw] == ']'))
		return false;
	if (prev == ':' && p - text >= 2 && g_ascii_isalpha(p[-2]) &&
	    (p - text == 2 || !g_ascii_isalnum(p[-3])))
		return false;                               /* C:\\dir */
	if (url_stop(p + raw))
		return false;
	if (strspn(p, "/") < raw)                       /* a backslash in it */
		return true;
	k = raw;
	while (p[k] && !url_stop(p + k) && p[k] != '/' && p[k] != '\\')
		k++;
	return prev != ':' && (p[k] == '/' || p[k] == '\\');
}

/* Length of the scheme at P when a URL starts there, else 0 (-1 for www).
 * Defanged URLs (hxxps://, file[:]//) are recognised too, so a second
 * pass cuts them exactly as the first did. */
static gssize
url_start(const char *text, const char *p)
{
	guchar prev = p > text ? (guchar)p[-1] : ' ';
	gsize n = scheme_len(p), sep, raw;
	bool br;

	if (g_ascii_isalnum(prev) || strchr("+-.@/_", prev) != NULL)
		return 0;
	/* "[.]" and "[@]" are what defanging made of '.' and '@' */
	if (p - text >= 3 && (strncmp(p - 3, "[.]", 3) == 0 ||
	                      strncmp(p - 3, "[@]", 3) == 0))
		return 0;
	if ((g_ascii_strncasecmp(p, "www.", 4) == 0 && g_ascii_isalnum(p[4])) ||
	    (g_ascii_strncasecmp(p, "www[.]", 6) == 0 && g_ascii_isalnum(p[6])))
		return -1;
	sep = n > 0 ? scheme_sep(p + n) : 0;
	if (sep == 0 || url_stop(p + n + sep))
		return 0;
	const char *next = p + n + sep;
	gsize run = slash_run(next, &raw, &br);
	for (gsize i = 0; i < G_N_ELEMENTS(url_schemes); i++) {
		const char *s = url_schemes[i].name;
		if (n != strlen(s) || g_ascii_strncasecmp(p, s, n) != 0)
			continue;
		if (strcmp(s, "data") == 0 && !g_ascii_isalpha(*next))
			return 0;
		return url_schemes[i].slash && run == 0 ? 0 : (gssize)n;
	}
	if ((n > 3 && g_ascii_strncasecmp(p, "ms-", 3) == 0) ||
	    (n > 10 && g_ascii_strncasecmp(p, "microsoft-", 10) == 0))
		return (gssize)n;
	/* any other scheme followed by "//", "\\\\" ...; not a drive "C:\\" */
	return n >= 2 && run > 0 && (br || raw >= 2) ? (gssize)n : 0;
}

/* Token length from P: up to a stop character, without trailing
 * punctuation or unbalanced closing brackets. */
static gsize
url_length(const char *p)
{
	const char *e = p;
	int paren = 0, square = 0;

	while (*e && !url_stop(e)) {
		paren += *e == '(' ? 1 : *e == ')' ? -1 : 0;
		square += *e == '[' ? 1 : *e == ']' ? -1 : 0;
		e = g_utf8_next_char(e);
	}
	while (e > p) {
		char c = e[-1];
		if (strchr(".,;:!?", c) != NULL)
			e--;
		else if (c == ')' && paren < 0)
			e--, paren++;
		else if (c == ']' && square < 0)
			e--, square++;
		else
			break;
	}
	return (gsize)(e - p);
}

/* Defang TEXT from P to its end into OUT.  Only a link's prefix (scheme,
 * slashes, authority) is rewritten; the rest (path, query, an opaque
 * scheme's body) is scanned again, so links nested in it are defanged
 * too and a second pass finds nothing new. */
static void
defang_scan(GString *out, const char *text, const char *p)
{
	while (*p) {
		gsize n = url_start(text, p) != 0 || unc_start(text, p)
		          ? url_length(p) : 0;
		gsize m = n > 0 ? defang_prefix(out, p, n) : 0;
		if (m == 0) {
			const char *next = g_utf8_next_char(p);
			g_string_append_len(out, p, (gssize)(next - p));
			p = next;
		}
		p += m;
	}
}

char *
mk_defang_url(const char *url)
{
	char *u = g_utf8_make_valid(url ? url : "", -1);
	GString *out = g_string_new(NULL);

	defang_scan(out, u, u + defang_prefix(out, u, strlen(u)));
	g_free(u);
	return g_string_free(out, FALSE);
}

char *
mk_text_defang(const char *utf8)
{
	char *text = g_utf8_make_valid(utf8 ? utf8 : "", -1);
	GString *out = g_string_sized_new(strlen(text) + 16);

	defang_scan(out, text, text);
	g_free(text);
	return g_string_free(out, FALSE);
}
