/*
 * NAME
 *   f_ooxml_href - web hyperlinks of an OOXML document kept as defanged
 *   text after their anchor (OOXML filter, passes 2 and 3)
 *
 * SUMMARY
 *   mk_ox_href_keep(src, rel);       pass 2: REL (a Relationship of SRC's
 *                                    .rels) is being dropped
 *   mk_ox_href_text(x, p, doc);      pass 3, before the scrub: DOC is P
 *   mk_ox_href_run(x, after, ns, url, anchor);  " <URL>" as a new run
 *                                    after AFTER
 *
 * DESCRIPTION
 *   Every external relationship goes in pass 2, hyperlinks included.
 *   mk_ox_href_keep() remembers, for a dropped relationship of the
 *   hyperlink type whose target is an http or https URL (at most 4096
 *   bytes, no control character), its id and URL in SRC->hrefs.  Any other
 *   target (file:, javascript:, mailto:, ms-*, UNC, a relative path) is
 *   not remembered: it goes without a trace in the text.
 *
 *   mk_ox_href_text() then puts " <URL>" (mk_defang_url(): hxxps,
 *   [.]) as plain text right after each anchor that named one:
 *     - WordprocessingML: w:hyperlink with r:id, a new run
 *       w:r/w:t (xml:space="preserve") after the hyperlink element;
 *     - DrawingML text (pptx, and shapes in docx/xlsx): a:r whose a:rPr
 *       holds a:hlinkClick with r:id, a new a:r/a:t after that run.
 *     - SpreadsheetML: x:hyperlink ref="A1" (a range: its first cell)
 *       with r:id; the cell becomes an inline string, its shown value
 *       (shared string, inline string, number, cached formula result)
 *       followed by " <URL>"; the x:hyperlink goes (and x:hyperlinks
 *       when left empty).  A hyperlink on a cell that has no c element
 *       (an empty cell) writes nothing.
 *   The scrub that follows removes the r:id attributes (their
 *   relationship is gone), so only the text remains.  Word HYPERLINK
 *   fields call mk_ox_href_run() from f_ooxml_word.c.  Each URL written
 *   is counted in x->web_links.
 *
 * OWNS
 *   SRC->hrefs (created here; freed with the part).  DOC and X are
 *   borrowed.
 *
 * NEVER
 *   Writes a relationship, an attribute that links, or a URL that is
 *   not defanged.
 *
 * FAILURE
 *   None: it only adds text nodes.
 */
#include <string.h>

#include <libxml/tree.h>

#include "f_defang.h"
#include "f_html.h"
#include "f_ooxml_int.h"

#define HREF_MAX_URL 4096
#define REL_HYPERLINK "/relationships/hyperlink"

static bool web_url(const char *u)
{
	if (g_ascii_strncasecmp(u, "http://", 7) != 0 &&
	    g_ascii_strncasecmp(u, "https://", 8) != 0)
		return false;
	if (strlen(u) > HREF_MAX_URL)
		return false;
	for (const char *p = u; *p; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

void mk_ox_href_keep(part *src, xmlNodePtr rel)
{
	char *type = mk_ox_attr(rel, "Type"), *target = mk_ox_attr(rel, "Target");
	char *id = mk_ox_attr(rel, "Id");

	if (src && type && target && id && g_str_has_suffix(type, REL_HYPERLINK) &&
	    web_url(target)) {
		if (!src->hrefs)
			src->hrefs = g_hash_table_new_full(g_str_hash, g_str_equal,
			                                   g_free, g_free);
		g_hash_table_replace(src->hrefs, id, target);
		id = target = NULL;
	}
	g_free(type);
	g_free(target);
	g_free(id);
}

/* The URL of the relationship N's r:id names, or NULL. */
static const char *href_of(const part *p, xmlNodePtr n)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		if (!a->ns || strcmp((const char *)a->name, "id") != 0 ||
		    !g_str_has_suffix((const char *)a->ns->href, "relationships"))
			continue;
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		const char *url = v ? g_hash_table_lookup(p->hrefs, v) : NULL;
		xmlFree(v);
		return url;
	}
	return NULL;
}

/* The mark for a link whose shown text names another host. */
static const char *mark(const ox *x)
{
	return x->o->lang_en ? MK_HTML_MISMATCH_MARK_EN : MK_HTML_MISMATCH_MARK_JA;
}

/* After AFTER: <R><T xml:space="preserve"> <URL></T></R> in NS; when
 * ANCHOR (the shown text, may be NULL) names another host than URL, the
 * mark goes first (" MARK <URL>"). */
void mk_ox_href_run(ox *x, xmlNodePtr after, xmlNsPtr ns, const char *url,
                    const char *anchor)
{
	bool bad = anchor && mk_link_misleads(anchor, url);
	char *d = mk_defang_url(url);
	char *text = g_strdup_printf(" %s%s<%s>", bad ? mark(x) : "", bad ? " " : "", d);
	xmlNodePtr r = xmlNewNode(ns, BAD_CAST "r");
	xmlNodePtr t = xmlNewChild(r, ns, BAD_CAST "t", NULL);

	xmlNodeAddContent(t, BAD_CAST text);
	xmlNodeSetSpacePreserve(t, 1);
	xmlAddNextSibling(after, r);
	x->web_links++;
	x->mismatches += bad;
	g_free(text);
	g_free(d);
}

/* The text content of N (caller frees with g_free). */
static char *node_text(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s = g_strdup(c ? (const char *)c : "");

	xmlFree(c);
	return s;
}

/* a:r whose a:rPr has a:hlinkClick naming a remembered link: its URL. */
static const char *drawing_run_href(const part *p, xmlNodePtr r)
{
	for (xmlNodePtr c = r->children; c; c = c->next) {
		if (!mk_ox_is_elem(c, "rPr"))
			continue;
		for (xmlNodePtr h = c->children; h; h = h->next)
			if (mk_ox_is_elem(h, "hlinkClick"))
				return href_of(p, h);
	}
	return NULL;
}

static bool in_ns(xmlNodePtr n, const char *tail)
{
	return n->ns && g_str_has_suffix((const char *)n->ns->href, tail);
}

typedef struct hw {
	ox *x;
	const part *p;
	xmlDocPtr doc;
	GPtrArray *sst;          /* shared strings, read on first use */
} hw;

/* The text of an si/is element: its t elements, not the phonetic runs. */
static void si_text(xmlNodePtr n, GString *g)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || mk_ox_is_elem(n, "rPh"))
			continue;
		if (mk_ox_is_elem(n, "t")) {
			xmlChar *c = xmlNodeGetContent(n);
			g_string_append(g, c ? (const char *)c : "");
			xmlFree(c);
		} else {
			si_text(n->children, g);
		}
	}
}

static GPtrArray *read_sst(ox *x)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	part *s = g_hash_table_lookup(x->by_name, "xl/sharedstrings.xml");
	mk_error err = { 0 };
	xmlDocPtr doc = s && s->keep && s->data ? mk_ox_parse(s, &err) : NULL;

	for (xmlNodePtr n = doc ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !mk_ox_is_elem(n, "si"))
			continue;
		GString *g = g_string_new(NULL);
		si_text(n->children, g);
		g_ptr_array_add(a, g_string_free(g, FALSE));
	}
	xmlFreeDoc(doc);
	return a;
}

/* The c element at REF (its first cell: "B2" of "B2:C4") in the sheet. */
static xmlNodePtr find_cell(xmlNodePtr root, const char *ref)
{
	char *cell = g_strndup(ref, strcspn(ref, ":"));
	xmlNodePtr found = NULL;

	for (xmlNodePtr d = root ? root->children : NULL; d && !found; d = d->next) {
		if (!mk_ox_is_elem(d, "sheetData"))
			continue;
		for (xmlNodePtr r = d->children; r && !found; r = r->next)
			for (xmlNodePtr c = r->children; c && !found; c = c->next) {
				char *at = mk_ox_is_elem(c, "c") ? mk_ox_attr(c, "r") : NULL;
				if (at && g_ascii_strcasecmp(at, cell) == 0)
					found = c;
				g_free(at);
			}
	}
	g_free(cell);
	return found;
}

/* The value cell C shows, as text (caller frees). */
static char *cell_text(hw *w, xmlNodePtr c)
{
	char *t = mk_ox_attr(c, "t");
	GString *g = g_string_new(NULL);

	for (xmlNodePtr k = c->children; k; k = k->next) {
		if (mk_ox_is_elem(k, "is")) {
			si_text(k->children, g);
		} else if (mk_ox_is_elem(k, "v")) {
			xmlChar *v = xmlNodeGetContent(k);
			const char *vs = v ? (const char *)v : "";
			if (g_strcmp0(t, "s") == 0) {
				if (!w->sst)
					w->sst = read_sst(w->x);
				gint64 i = g_ascii_strtoll(vs, NULL, 10);
				if (i >= 0 && i < (gint64)w->sst->len)
					g_string_append(g, w->sst->pdata[i]);
			} else if (g_strcmp0(t, "b") == 0) {
				g_string_append(g, strcmp(vs, "1") == 0 ? "TRUE" : "FALSE");
			} else {
				g_string_append(g, vs);
			}
			xmlFree(v);
		}
	}
	g_free(t);
	return g_string_free(g, FALSE);
}

/* x:hyperlink ref=... with a remembered r:id: the cell at REF becomes an
 * inline string "VALUE <URL>". */
static void cell_link(hw *w, xmlNodePtr h, const char *url)
{
	char *ref = mk_ox_attr(h, "ref");
	xmlNodePtr c = ref ? find_cell(xmlDocGetRootElement(w->doc), ref) : NULL;

	if (c) {
		char *val = cell_text(w, c), *d = mk_defang_url(url);
		bool bad = mk_link_misleads(val, url);
		char *text = g_strdup_printf("%s%s%s%s<%s>", val, *val ? " " : "",
		                             bad ? mark(w->x) : "", bad ? " " : "", d);
		while (c->children) {
			xmlNodePtr k = c->children;
			xmlUnlinkNode(k);
			xmlFreeNode(k);
		}
		xmlSetProp(c, BAD_CAST "t", BAD_CAST "inlineStr");
		xmlNodePtr is = xmlNewChild(c, c->ns, BAD_CAST "is", NULL);
		xmlNodePtr t = xmlNewChild(is, c->ns, BAD_CAST "t", NULL);
		xmlNodeAddContent(t, BAD_CAST text);
		xmlNodeSetSpacePreserve(t, 1);
		w->x->web_links++;
		w->x->mismatches += bad;
		g_free(text);
		g_free(d);
		g_free(val);
	}
	g_free(ref);
}

/* x:hyperlinks: each hyperlink with a remembered URL is written into its
 * cell and goes; an x:hyperlinks left empty goes too (the schema wants
 * one child at least). */
static void sheet_links(hw *w, xmlNodePtr hs)
{
	bool left = false;

	for (xmlNodePtr h = hs->children, next; h; h = next) {
		const char *url = NULL;
		next = h->next;
		if (h->type != XML_ELEMENT_NODE)
			continue;
		if (mk_ox_is_elem(h, "hyperlink") && (url = href_of(w->p, h)) != NULL) {
			cell_link(w, h, url);
			xmlUnlinkNode(h);
			xmlFreeNode(h);
		} else {
			left = true;
		}
	}
	if (!left) {
		xmlUnlinkNode(hs);
		xmlFreeNode(hs);
	}
}

static void walk(hw *w, xmlNodePtr n)
{
	for (xmlNodePtr next; n; n = next) {
		const char *url = NULL;
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (mk_ox_is_elem(n, "hyperlinks") && in_ns(n, "/main") &&
		    strstr((const char *)n->ns->href, "spreadsheetml")) {
			sheet_links(w, n);
			continue;
		}
		if (mk_ox_is_elem(n, "hyperlink") && in_ns(n, "/main") &&
		    strstr((const char *)n->ns->href, "wordprocessingml"))
			url = href_of(w->p, n);
		else if (mk_ox_is_elem(n, "r") && in_ns(n, "/drawingml/2006/main"))
			url = drawing_run_href(w->p, n);
		if (url) {
			char *anchor = node_text(n);
			mk_ox_href_run(w->x, n, n->ns, url, anchor);
			g_free(anchor);
		} else
			walk(w, n->children);
	}
}

void mk_ox_href_text(ox *x, part *p, xmlDocPtr doc)
{
	hw w = { x, p, doc, NULL };

	if (p->hrefs && g_hash_table_size(p->hrefs))
		walk(&w, xmlDocGetRootElement(doc));
	if (w.sst)
		g_ptr_array_unref(w.sst);
}
