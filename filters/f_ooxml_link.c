/*
 * NAME
 *   f_ooxml_link - links and macro names in attributes (OOXML filter,
 *   pass 3, every kept XML part)
 *
 * SUMMARY
 *   bool mk_ox_link_scrub(x, n);  N: one element of a kept XML part
 *
 * DESCRIPTION
 *   Relationships are judged in pass 2; this is for what a part names in
 *   its own attributes and elements, outside the relationship mechanism:
 *     - href, althref and src attributes (VML v:shape/@href,
 *       v:imagedata/@src and @o:href, v:fill/@src ...): removed unless the
 *       value is a bookmark in the same document ("#name"); r:* attributes
 *       (relationship ids) are pass 2's.  The picture
 *       itself comes through r:id, which pass 2 has checked.
 *     - macro attributes (xdr:sp/@macro, xdr:pic, xdr:cxnSp,
 *       xdr:graphicFrame ...), whatever they name: removed.
 *     - action attributes (a:hlinkClick/@action ...): kept only for jumps
 *       inside the presentation (ppaction://hlinksldjump, hlinkshowjump,
 *       customshow, noaction); macro, program, ole ... go.
 *     - textlink attributes and VML x:Fmla* elements that point at another
 *       workbook, a DDE link or a path ('[', '|', '\', "://"): removed;
 *       x:FmlaMacro always.
 *   Each removal is counted in x->counts ("link/macro attribute").
 *   mk_ox_link_scrub() is called by pass 3's walk (f_ooxml.c, scrub) on
 *   every element it keeps: it removes N's denied attributes, or returns
 *   true when N itself (an x:Fmla* element) must go, for the walk to free.
 *
 * OWNS
 *   Nothing; N and X are borrowed.
 *
 * NEVER
 *   Parses or serialises XML, follows a link, touches anything but N's
 *   attributes and x->counts.
 *
 * FAILURE
 *   None: it only removes attributes and elements.
 */
#include <string.h>

#include <libxml/tree.h>

#include "f_ooxml_int.h"

#define WHAT "link/macro attribute"

/* Jumps inside a presentation: harmless actions. */
static const char *const safe_actions[] = {
	"ppaction://hlinksldjump", "ppaction://hlinkshowjump",
	"ppaction://customshow", "ppaction://noaction", NULL,
};

/* Points at another workbook, a DDE server or a path. */
static bool names_outside(const char *v)
{
	return strchr(v, '[') || strchr(v, '|') || strchr(v, '\\') ||
	       strstr(v, "://");
}

static bool action_safe(const char *v)
{
	for (gsize i = 0; safe_actions[i]; i++)
		if (g_ascii_strncasecmp(v, safe_actions[i],
		                        strlen(safe_actions[i])) == 0)
			return true;
	return false;
}

/* Attribute A (local name lower case L, value V) goes. */
static bool attr_denied(const char *l, const char *v)
{
	if (strcmp(l, "href") == 0 || strcmp(l, "althref") == 0 ||
	    strcmp(l, "src") == 0)
		return v[0] != '#';
	if (strcmp(l, "macro") == 0)
		return true;
	if (strcmp(l, "action") == 0)
		return !action_safe(v);
	if (strcmp(l, "textlink") == 0)
		return names_outside(v);
	return false;
}

static void scrub_attrs(ox *x, xmlNodePtr n)
{
	for (xmlAttrPtr a = n->properties, an; a; a = an) {
		an = a->next;
		if (a->ns && g_str_has_suffix((const char *)a->ns->href,
		                              "relationships"))
			continue;                 /* r:id ...: judged in pass 2 */
		char *l = g_ascii_strdown((const char *)a->name, -1);
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		if (attr_denied(l, v ? (const char *)v : "")) {
			xmlRemoveProp(a);
			mk_ox_count(x, WHAT);
		}
		xmlFree(v);
		g_free(l);
	}
}

/* VML x:FmlaMacro, or an x:Fmla* that names something outside. */
static bool fmla_denied(xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	if (!g_str_has_prefix(name, "Fmla"))
		return false;
	if (strcmp(name, "FmlaMacro") == 0)
		return true;
	xmlChar *c = xmlNodeGetContent(n);
	bool deny = c && names_outside((const char *)c);
	xmlFree(c);
	return deny;
}

bool mk_ox_link_scrub(ox *x, xmlNodePtr n)
{
	if (fmla_denied(n)) {
		mk_ox_count(x, WHAT);
		return true;
	}
	scrub_attrs(x, n);
	return false;
}
