/*
 * NAME
 *   f_html - HTML to plain text with libxml2's HTML parser (contract:
 *   f_html.h)
 *
 * DESCRIPTION
 *   The input is cut before the (max_nodes + 1)-th start tag so the DOM
 *   libxml2 builds is bounded too, then parsed with htmlReadMemory (no
 *   network, no external entities, the document's own <meta charset>
 *   ignored: the input is UTF-8 already).  XML_PARSE_HUGE lifts libxml2's
 *   nesting cap of 256, past which it would silently drop the rest of the
 *   document; size is already bounded by the node budget and
 *   limits.max_text_size.  libxml2 builds and frees the tree without
 *   recursion and the DOM is walked following parent/next pointers, so
 *   hostile nesting depth costs no stack.  <embed> is not skipped: libxml2
 *   does not know it is void and would hang the following text inside.  Inline elements add nothing between text runs;
 *   collapsed white space that held a line break is dropped between two
 *   CJK characters, as a browser renders Japanese.
 *
 * OWNS
 *   The libxml2 document of one call.
 *
 * NEVER
 *   Fetches anything, runs scripts, or returns the markup itself.
 */
#include "f_html.h"

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

#include "f_text.h"

/* Nested lists indent by two spaces per level up to this many levels: a
 * presentation choice, not a limit (deeper levels stay at this indent). */
#define LIST_INDENT_LEVELS 8

enum {
	T_SKIP = 1 << 0,   /* dropped with its content */
	T_BLOCK = 1 << 1,  /* own line */
	T_PARA = 1 << 2,   /* blank line around */
};

static const struct {
	const char *name;
	int flags;
} tags[] = {
	{ "script", T_SKIP }, { "style", T_SKIP }, { "head", T_SKIP },
	{ "template", T_SKIP }, { "noscript", T_SKIP }, { "object", T_SKIP },
	{ "iframe", T_SKIP }, { "frame", T_SKIP },
	{ "frameset", T_SKIP }, { "applet", T_SKIP }, { "svg", T_SKIP },
	{ "math", T_SKIP }, { "canvas", T_SKIP }, { "audio", T_SKIP },
	{ "video", T_SKIP }, { "select", T_SKIP }, { "input", T_SKIP },
	{ "button", T_SKIP }, { "title", T_SKIP }, { "meta", T_SKIP },
	{ "link", T_SKIP }, { "base", T_SKIP }, { "noembed", T_SKIP },
	{ "div", T_BLOCK }, { "section", T_BLOCK }, { "article", T_BLOCK },
	{ "aside", T_BLOCK }, { "header", T_BLOCK }, { "footer", T_BLOCK },
	{ "nav", T_BLOCK }, { "main", T_BLOCK }, { "address", T_BLOCK },
	{ "figure", T_BLOCK }, { "figcaption", T_BLOCK }, { "form", T_BLOCK },
	{ "fieldset", T_BLOCK }, { "legend", T_BLOCK }, { "details", T_BLOCK },
	{ "summary", T_BLOCK }, { "center", T_BLOCK }, { "dt", T_BLOCK },
	{ "dd", T_BLOCK }, { "tr", T_BLOCK }, { "caption", T_BLOCK },
	{ "dl", T_BLOCK }, { "textarea", T_BLOCK }, { "li", T_BLOCK },
	{ "p", T_PARA }, { "h1", T_PARA }, { "h2", T_PARA }, { "h3", T_PARA },
	{ "h4", T_PARA }, { "h5", T_PARA }, { "h6", T_PARA },
	{ "blockquote", T_PARA }, { "pre", T_PARA }, { "table", T_PARA },
	{ "ul", T_PARA }, { "ol", T_PARA }, { "hr", T_PARA },
};

typedef struct {
	GString *out;
	const mk_html_opts *opts;
	int pre;               /* open <pre> elements */
	bool space;            /* collapsed white space pending */
	bool space_nl;         /* ... and it held a line break */
	bool line_text;        /* current output line has visible text */
	GArray *lists;         /* int per open ul/ol: -1 or next number */
	xmlNode *link;         /* open <a>, NULL when none */
	gsize link_start;      /* out->len when it opened */
	gint64 elements;
	bool truncated;
} render;

static int
tag_flags(const xmlNode *n)
{
	for (gsize i = 0; i < G_N_ELEMENTS(tags); i++)
		if (xmlStrcasecmp(n->name, (const xmlChar *)tags[i].name) == 0)
			return tags[i].flags;
	return 0;
}

static bool
is_tag(const xmlNode *n, const char *name)
{
	return xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

static char *
attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? g_strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* hidden attribute, display:none or visibility:hidden in style. */
static bool
is_hidden(const xmlNode *n)
{
	char *style = attr(n, "style");
	bool hidden = xmlHasProp(n, (const xmlChar *)"hidden") != NULL;

	if (style != NULL && !hidden) {
		GString *s = g_string_new(NULL);
		for (const char *p = style; *p; p++)
			if (!g_ascii_isspace(*p))
				g_string_append_c(s, g_ascii_tolower(*p));
		hidden = strstr(s->str, "display:none") != NULL ||
		         strstr(s->str, "visibility:hidden") != NULL;
		g_string_free(s, TRUE);
	}
	g_free(style);
	return hidden;
}

/* ---- output ---------------------------------------------------------- */

static gunichar
last_char(const GString *s)
{
	const char *p = s->len ? g_utf8_find_prev_char(s->str, s->str + s->len)
	                       : NULL;
	return p ? g_utf8_get_char(p) : 0;
}

static bool
is_cjk(gunichar c)
{
	return g_unichar_iswide(c) || (c >= 0xFF61 && c <= 0xFF9F);
}

static void
line_break(render *r)
{
	r->space = r->space_nl = false;
	if (r->out->len > 0 && r->out->str[r->out->len - 1] != '\n')
		g_string_append_c(r->out, '\n');
	r->line_text = false;
}

static void
para_break(render *r)
{
	line_break(r);
	if (r->out->len > 1 && r->out->str[r->out->len - 2] != '\n')
		g_string_append_c(r->out, '\n');
}

/* Append visible character C, first the pending collapsed space. */
static void
put_char(render *r, gunichar c)
{
	if (r->space && r->line_text) {
		gunichar prev = last_char(r->out);
		if (!(r->space_nl && is_cjk(prev) && is_cjk(c)) && prev != ' ')
			g_string_append_c(r->out, ' ');
	}
	r->space = r->space_nl = false;
	if (c == 0xA0)
		c = ' ';
	g_string_append_unichar(r->out, c);
	if (c == '\n')
		r->line_text = false;
	else if (c != ' ' && c != '\t')
		r->line_text = true;
}

static void
put_text(render *r, const char *s)
{
	char *v = g_utf8_make_valid(s, -1);

	for (const char *p = v; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (r->pre == 0 && (c == ' ' || c == '\t' || c == '\n' ||
		                    c == '\r' || c == '\f')) {
			r->space = true;
			r->space_nl = r->space_nl || c == '\n' || c == '\r';
			continue;
		}
		put_char(r, c);
	}
	g_free(v);
}

/* ---- elements -------------------------------------------------------- */

static bool
href_is_dangerous(const char *href)
{
	static const char *const bad[] = { "javascript:", "vbscript:", "data:",
	                                   "file:" };
	GString *s = g_string_new(NULL);
	bool hit = false;

	for (const char *p = href; *p; p++)
		if ((guchar)*p > 0x20 && *p != 0x7F)
			g_string_append_c(s, g_ascii_tolower(*p));
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
		hit = hit || g_str_has_prefix(s->str, bad[i]);
	g_string_free(s, TRUE);
	return hit;
}

/* The closing </a>: write " <TARGET>" after the link text. */
static void
close_link(render *r)
{
	char *href = g_strstrip(attr(r->link, "href"));
	char *text = g_strstrip(g_strdup(r->out->str + r->link_start));
	const char *bare = g_str_has_prefix(href, "mailto:") ? href + 7 : href;

	r->link = NULL;
	if (mk_link_misleads(text, href)) {
		put_text(r, " ");
		put_text(r, r->opts->mismatch_mark ? r->opts->mismatch_mark
		                                   : MK_HTML_MISMATCH_MARK_EN);
		if (r->opts->mismatches != NULL)
			(*r->opts->mismatches)++;
	}
	if (href_is_dangerous(href)) {
		put_text(r, " ");
		put_text(r, "[removed link]");
	} else if (r->opts->show_links && *href && *href != '#' &&
	           !g_str_has_prefix(href, "cid:") && strcmp(text, href) != 0 &&
	           strcmp(text, bare) != 0) {
		char *d = r->opts->defang ? mk_defang_url(href) : g_strdup(href);
		char *s = g_strdup_printf("<%s>", d);
		if (*text)
			put_text(r, " ");
		put_text(r, s);
		g_free(s);
		g_free(d);
	}
	g_free(text);
	g_free(href);
}

static void
open_li(render *r)
{
	guint depth = r->lists->len;
	int *num = depth ? &g_array_index(r->lists, int, depth - 1) : NULL;

	line_break(r);
	for (guint i = 1; i < MIN(depth, LIST_INDENT_LEVELS); i++)
		g_string_append(r->out, "  ");
	if (num != NULL && *num >= 0) {
		char buf[32];
		g_snprintf(buf, sizeof buf, "%d. ", (*num)++);
		g_string_append(r->out, buf);
	} else {
		g_string_append(r->out, "- ");
	}
}

static void
open_element(render *r, xmlNode *n, int flags)
{
	if (flags & T_PARA)
		para_break(r);
	else if (flags & T_BLOCK)
		line_break(r);
	if (is_tag(n, "pre"))
		r->pre++;
	if (is_tag(n, "ul") || is_tag(n, "ol")) {
		char *start = is_tag(n, "ol") ? attr(n, "start") : NULL;
		gint64 s = start ? g_ascii_strtoll(start, NULL, 10) : 1;
		int v = is_tag(n, "ol") ? (int)CLAMP(s, 0, G_MAXINT / 2) : -1;
		g_array_append_val(r->lists, v);
		g_free(start);
	}
	if (is_tag(n, "li"))
		open_li(r);
	if (is_tag(n, "br")) {
		r->space = false;
		put_char(r, '\n');
	}
	if (is_tag(n, "hr"))
		g_string_append(r->out, "----------");
	if ((is_tag(n, "td") || is_tag(n, "th")) && r->line_text) {
		r->space = false;
		put_text(r, " | ");
	}
	if (is_tag(n, "a") && r->link == NULL && xmlHasProp(n, (const xmlChar *)"href")) {
		r->link = n;
		r->link_start = r->out->len;
	}
}

static void
close_element(render *r, xmlNode *n)
{
	int flags = tag_flags(n);

	if (n == r->link)
		close_link(r);
	if (is_tag(n, "pre") && r->pre > 0)
		r->pre--;
	if ((is_tag(n, "ul") || is_tag(n, "ol")) && r->lists->len > 0)
		g_array_set_size(r->lists, r->lists->len - 1);
	if (flags & T_PARA)
		para_break(r);
	else if (flags & T_BLOCK)
		line_break(r);
}

static void
put_image(render *r, xmlNode *n)
{
	char *alt = attr(n, "alt");

	if (alt != NULL && *g_strstrip(alt) != '\0') {
		char *s = g_strdup_printf("[image: %s]", alt);
		put_text(r, s);
		g_free(s);
	}
	g_free(alt);
}

/* Returns true when the walk goes into N's children. */
static bool
enter(render *r, xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			put_text(r, (const char *)n->content);
		return false;
	}
	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return false;
	if (r->opts->max_nodes > 0 && ++r->elements > r->opts->max_nodes) {
		r->truncated = true;
		return false;
	}
	int flags = tag_flags(n);
	if ((flags & T_SKIP) || is_hidden(n))
		return false;
	if (is_tag(n, "img")) {
		put_image(r, n);
		return false;
	}
	open_element(r, n, flags);
	return true;
}

/* Pre-order walk over parent/next pointers: no recursion. */
static void
walk(render *r, xmlDoc *doc)
{
	xmlNode *cur = doc->children;

	while (cur != NULL && !r->truncated) {
		bool in = enter(r, cur);
		if (in && cur->children != NULL) {
			cur = cur->children;
			continue;
		}
		if (in)
			close_element(r, cur);
		while (cur != NULL) {
			if (cur->next != NULL) {
				cur = cur->next;
				break;
			}
			cur = cur->parent;
			if (cur == NULL || cur == (xmlNode *)doc) {
				cur = NULL;
				break;
			}
			close_element(r, cur);
		}
	}
}

/* Length of the prefix of S holding at most MAX start tags ("<" + letter). */
static size_t
budget_prefix(const char *s, size_t len, int64_t max, bool *cut)
{
	int64_t seen = 0;

	*cut = false;
	if (max <= 0)
		return len;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '<' && g_ascii_isalpha(s[i + 1]) && ++seen > max) {
			*cut = true;
			return i;
		}
	return len;
}

/* Normalise; no leading blank lines, exactly one final newline. */
static char *
finish(GString *out, const mk_html_opts *opts)
{
	char *raw = g_string_free(out, FALSE);
	char *d = opts->defang ? mk_text_defang(raw) : g_strdup(raw);
	char *n = mk_text_normalise(d);
	const char *p = n;
	GString *res;

	while (*p == '\n')
		p++;
	res = g_string_new(p);
	while (res->len > 0 && res->str[res->len - 1] == '\n')
		g_string_truncate(res, res->len - 1);
	if (res->len > 0)
		g_string_append_c(res, '\n');
	g_free(raw);
	g_free(d);
	g_free(n);
	return g_string_free(res, FALSE);
}

char *
mk_html_to_text(const char *utf8, size_t len, const mk_html_opts *opts,
                mk_error *err)
{
	render r = { 0 };
	xmlDoc *doc = NULL;
	bool cut = false;
	size_t plen;

	if (utf8 == NULL)
		utf8 = "", len = 0;
	plen = budget_prefix(utf8, len, opts->max_nodes, &cut);
	if (plen > (size_t)G_MAXINT) {
		mk_error_set(err, MK_ERR_LIMIT, "html: %zu bytes is too large", len);
		return NULL;
	}
	xmlInitParser();
	r.out = g_string_sized_new(plen / 2 + 1);
	r.opts = opts;
	r.lists = g_array_new(FALSE, FALSE, sizeof(int));
	if (plen > 0)
		doc = htmlReadMemory(utf8, (int)plen, NULL, "UTF-8",
		                     HTML_PARSE_RECOVER | HTML_PARSE_NONET |
		                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		                     HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
	if (doc != NULL)
		walk(&r, doc);
	if (opts->truncated != NULL)
		*opts->truncated = cut || r.truncated;
	xmlFreeDoc(doc);
	g_array_free(r.lists, TRUE);
	return finish(r.out, opts);
}
