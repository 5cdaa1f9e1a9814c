/*
 * NAME
 *   f_text - text bodies to clean UTF-8: charset decoding, normalising
 *   (contract: f_text.h; links: f_defang.c)
 *
 * DESCRIPTION
 *   Decoding runs every candidate through GIConv (glibc iconv) in strict
 *   mode; the first candidate that decodes the whole buffer wins.  Charset
 *   names are mapped to their Microsoft supersets (Shift_JIS -> CP932, ...).
 *   ISO-2022-JP is decoded by a small state machine here: JIS X 0208 pairs
 *   are turned into Shift_JIS bytes and decoded as CP932, so the NEC/IBM
 *   extension characters Windows mailers put into ISO-2022-JP (1 in a
 *   circle, (kabu), fullwidth tilde) come out right; glibc's ISO-2022-JP-2/-3
 *   are the fallback.  Detection uses uchardet, run only when a decision
 *   reads its guess (never for data that decodes under a right declared
 *   label).  The last resort decodes
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
/* uchardet's guess, made the first time it is asked for (it is most of
 * the cost of decoding a body whose declared charset is right, where it
 * is never asked for); NULL when the data gives it no say (7-bit data
 * under a declared charset). */
typedef struct lazy_det {
	const char *buf;
	gsize len;
	bool wanted;       /* high bytes, or no declared charset */
	bool done;
	const char *cs;
} lazy_det;

static const char *
det_get(lazy_det *d)
{
	if (!d->done && d->wanted)
		d->cs = detect(d->buf, d->len);
	d->done = true;
	return d->cs;
}

static bool
declared_is_wrong(const char *cs, const text_stats *st, lazy_det *det)
{
	if (g_ascii_strcasecmp(cs, "UTF-8") == 0)
		return false;
	if (st->high > 0 && st->bad == 0 && st->mb > 0 &&
	    (charset_is_single_byte(cs) || g_strcmp0(det_get(det), "UTF-8") == 0))
		return true;
	if (!charset_is_single_byte(cs))
		return false;
	if (st->high == 0 && st->jis_escape)
		return true;
	return st->high > 0 && is_cjk_multibyte(det_get(det));
}

/* Strict candidates in order, then lossy ones.  A failed multibyte label
 * (Shift_JIS, EUC-JP ...) keeps the Japanese decoders ahead of a
 * single-byte uchardet guess, which would decode anything as mojibake. */
static const char *
guess(const char *buf, gsize len, const text_stats *st, lazy_det *ld,
      const char *declared, GString *out)
{
	bool mbdecl = declared != NULL && !charset_is_single_byte(declared);

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
	const char *det = det_get(ld);
	const char *sdet = det && !charset_is_single_byte(det) ? det : NULL;
	const char *strict[] = { mbdecl ? sdet : det, "CP932", "EUC-JP" };
	const char *lossy[] = { mbdecl ? declared : det, mbdecl ? det : declared,
	                        "UTF-8" };

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
	const char *got = NULL;
	text_stats st;
	lazy_det det = { 0 };

	if (buf == NULL)
		buf = "", len = 0;
	scan_stats(buf, len, &st);
	det = (lazy_det){ .buf = buf, .len = len, .wanted = st.high > 0 || cs == NULL };
	if (cs != NULL && !declared_is_wrong(cs, &st, &det) &&
	    decode_as(buf, len, cs, false, out))
		got = cs;
	if (guessed != NULL)
		*guessed = got == NULL;
	if (got == NULL)
		got = guess(buf, len, &st, &det, cs, out);
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
