/*
 * NAME
 *   f_ooxml_href - web hyperlinks of an OOXML document kept as defanged
 *   text after their anchor (OOXML filter, passes 2 and 3)
 *
 * SUMMARY
 *   mk_ox_href_keep(src, rel);       pass 2: REL (a Relationship of SRC's
 *                                    .rels) is being dropped
 *   mk_ox_href_text(x, p, doc);      pass 3, before the scrub: DOC is P
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
 *   The scrub that follows removes the r:id attributes (their
 *   relationship is gone), so only the text remains.  Spreadsheet cell
 *   hyperlinks (x:hyperlink ref=...) are not turned into text: the cell
 *   keeps its value, the link goes.  Each URL written is counted in
 *   x->web_links.
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

/* After AFTER: <R><T xml:space="preserve"> <URL></T></R> in NS. */
static void add_run(ox *x, xmlNodePtr after, xmlNsPtr ns, const char *url)
{
	char *d = mk_defang_url(url), *text = g_strdup_printf(" <%s>", d);
	xmlNodePtr r = xmlNewNode(ns, BAD_CAST "r");
	xmlNodePtr t = xmlNewChild(r, ns, BAD_CAST "t", NULL);

	xmlNodeAddContent(t, BAD_CAST text);
	xmlNodeSetSpacePreserve(t, 1);
	xmlAddNextSibling(after, r);
	x->web_links++;
	g_free(text);
	g_free(d);
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

static void walk(ox *x, const part *p, xmlNodePtr n)
{
	for (xmlNodePtr next; n; n = next) {
		const char *url = NULL;
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (mk_ox_is_elem(n, "hyperlink") && in_ns(n, "/main") &&
		    strstr((const char *)n->ns->href, "wordprocessingml"))
			url = href_of(p, n);
		else if (mk_ox_is_elem(n, "r") && in_ns(n, "/drawingml/2006/main"))
			url = drawing_run_href(p, n);
		if (url)
			add_run(x, n, n->ns, url);
		else
			walk(x, p, n->children);
	}
}

void mk_ox_href_text(ox *x, part *p, xmlDocPtr doc)
{
	if (p->hrefs && g_hash_table_size(p->hrefs))
		walk(x, p, xmlDocGetRootElement(doc));
}
