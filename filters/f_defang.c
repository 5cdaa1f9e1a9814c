/*
 * NAME
 *   f_defang - links in text made inert (contract: f_defang.h)
 *
 * DESCRIPTION
 *   One left-to-right scan: at every place a link can start (a known or
 *   slash-followed scheme, a UNC run, "www."), the link's prefix (scheme,
 *   slashes, authority) is rewritten; the rest is scanned again.
 *
 * NEVER
 *   Drops text: every byte of the input is in the output, rewritten or not.
 */
#include "f_defang.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

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
	/* other clients a mail reader starts on a click */
	{ "telnet", false }, { "news", false }, { "nntp", false },
	{ "snews", false }, { "gopher", false }, { "rlogin", false },
	{ "tn3270", false },
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
/* False only where url_start() and unc_start() are both certainly 0: a
 * byte that is no ASCII letter, slash, backslash or '[' (no scheme, "www"
 * or slash run starts there), or a letter right after a character that
 * url_start() refuses as the one before a link.  The scan copies such
 * bytes in runs instead of asking both at every character. */
static bool
may_start_link(const char *text, const char *p)
{
	guchar c = (guchar)*p, prev = p > text ? (guchar)p[-1] : ' ';

	if (c == '/' || c == '\\' || c == '[')
		return true;
	if (!g_ascii_isalpha(c))
		return false;
	return !g_ascii_isalnum(prev) && (prev == '\0' || strchr("+-.@/_", prev) == NULL);
}

static void
defang_scan(GString *out, const char *text, const char *p)
{
	while (*p) {
		const char *q = p;

		while (*q && !may_start_link(text, q))
			q++;
		if (q > p) {   /* whole UTF-8 characters: no lead byte can start a link */
			g_string_append_len(out, p, (gssize)(q - p));
			p = q;
			continue;
		}
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

/* ---- shown text against target ----------------------------------------- */

/* Two-letter file extensions that are not meant as country domains. */
static const char *const NOT_TLD[] = { "js", "py", "sh", "gz", "xz", "bz", "7z", "pl", "rb" };
static const char *const GENERIC_TLD[] = {
	"com", "net", "org", "info", "biz", "gov", "edu", "mil", "int", "example",
	"test", "app", "dev", "xyz", "top", "online", "site", "shop", "tokyo",
	"osaka", "nagoya", "yokohama", "co", "io", "bank", "club", "cloud",
};

static bool
is_host_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '.';
}

/* The host at P (up to a port, path, query or anything not in a host),
 * lower case; "" when there is none. */
static char *
host_at(const char *p)
{
	const char *e = p;

	while (is_host_char(*e))
		e++;
	while (e > p && e[-1] == '.')
		e--;
	return g_ascii_strdown(p, e - p);
}

/* Whether HOST's last label makes it a domain name in running text. */
static bool
tld_ok(const char *host)
{
	const char *dot = strrchr(host, '.');
	const char *tld = dot ? dot + 1 : NULL;
	gsize n = tld ? strlen(tld) : 0;

	if (tld == NULL || dot == host)
		return false;
	for (gsize i = 0; i < n; i++)
		if (!g_ascii_isalpha(tld[i]))
			return false;
	for (gsize i = 0; n == 2 && i < G_N_ELEMENTS(NOT_TLD); i++)
		if (strcmp(tld, NOT_TLD[i]) == 0)
			return false;
	for (gsize i = 0; n > 2 && i < G_N_ELEMENTS(GENERIC_TLD); i++)
		if (strcmp(tld, GENERIC_TLD[i]) == 0)
			return true;
	return n == 2;
}

/* The host a link target goes to: scheme://[user@]host, mailto:x@host;
 * NULL for anything else (relative, fragments, handlers). */
static char *
target_host(const char *href)
{
	const char *p = href, *at, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (g_ascii_strncasecmp(p, "mailto:", 7) == 0) {
		at = strchr(p, '@');
		return at ? host_at(at + 1) : NULL;
	}
	if (scheme_len(p) == 0 || strncmp(p + scheme_len(p), "://", 3) != 0)
		return NULL;
	p += scheme_len(p) + 3;
	end = p + strcspn(p, "/?#\\");
	at = memchr(p, '@', (gsize)(end - p));
	while (at != NULL) {          /* the last '@' of the authority */
		p = at + 1;
		at = memchr(p, '@', (gsize)(end - p));
	}
	return host_at(p);
}

/* The first host the shown TEXT names (a URL, www.x, a@x, or a domain
 * with a known top-level label); NULL when it names none. */
static char *
shown_host(const char *text)
{
	char *n = g_utf8_normalize(text, -1, G_NORMALIZE_ALL);
	char *res = NULL;

	for (const char *p = n ? n : ""; *p && res == NULL; p++) {
		if (p > n && (is_host_char(p[-1]) || p[-1] == '/' || p[-1] == '@' ||
		              p[-1] == ':'))
			continue;                   /* only at the start of a word */
		char *h = target_host(p);
		if (h == NULL && g_ascii_isalnum(*p)) {
			h = host_at(p);
			if (p[strlen(h)] == '@') {          /* a@host */
				const char *at = p + strlen(h) + 1;
				g_free(h);
				h = host_at(at);
			}
		}
		if (h != NULL && *h && (g_str_has_prefix(h, "www.") || tld_ok(h)))
			res = g_steal_pointer(&h);
		g_free(h);
	}
	g_free(n);
	return res;
}

static bool
same_site(const char *shown, const char *target)
{
	gsize ls = strlen(shown), lt = strlen(target);

	if (g_str_has_prefix(shown, "www."))
		shown += 4, ls -= 4;
	if (g_str_has_prefix(target, "www."))
		target += 4, lt -= 4;
	return strcmp(shown, target) == 0 ||
	       (lt > ls && target[lt - ls - 1] == '.' && strcmp(target + lt - ls, shown) == 0);
}

bool
mk_link_misleads(const char *text, const char *href)
{
	char *t = target_host(href ? href : ""), *s = NULL;
	bool bad = false;

	if (t != NULL && *t != '\0' && (s = shown_host(text ? text : "")) != NULL)
		bad = !same_site(s, t);
	g_free(s);
	g_free(t);
	return bad;
}
