/*
 * NAME
 *   f_ooxml_xlsx - SpreadsheetML formulas that fetch or run (OOXML filter,
 *   pass 3)
 *
 * SUMMARY
 *   mk_ox_xlsx_formulas(x, doc);  DOC: one parsed SpreadsheetML part
 *
 * DESCRIPTION
 *   A formula is denied when, outside string literals, it calls a
 *   worksheet function that fetches, links out or calls code (the
 *   deny_funcs list, any CUBE*, with or without a _xlfn./_xlws./_xludf.
 *   prefix), has a DDE "app|topic" link or an external workbook reference
 *   "[1]".  What goes:
 *     - a denied cell formula <f>, and the shared formulas (t="shared")
 *       with the same si; the cell keeps its cached value as a constant
 *       (a t="str" result becomes an inline string);
 *     - a denied <definedName>, table <calculatedColumnFormula> or
 *       <totalsRowFormula>, a pivot <calculatedItem> whose formula
 *       attribute is denied, and such a formula attribute of a pivot
 *       cache's calculated <cacheField> (the field stays, as data);
 *     - a conditional format / data validation rule whose <formula>,
 *       <formula1> or <formula2> is denied (the whole rule);
 *   and a <conditionalFormatting>, <definedNames> or <dataValidations>
 *   left without an element child goes too (it may not be empty).
 *   Connections, query tables and external links are parts and
 *   relationships: f_ooxml.c drops them (deny_paths/deny_types/deny_rels),
 *   and <externalReferences> with deny_elems.
 *
 * OWNS
 *   Its walking state only (kill list, shared-formula ids); DOC and X are
 *   borrowed, nodes removed from DOC are freed here.
 *
 * NEVER
 *   Parses or serialises XML, evaluates a formula, touches anything but
 *   DOC and x->counts.
 *
 * FAILURE
 *   None: it only removes or replaces nodes; every removal is counted in
 *   x->counts ("fetching/external formula").
 */
#include <string.h>

#include <libxml/tree.h>

#include "f_ooxml_int.h"

/* Worksheet functions that fetch, link out, or call code (CUBE* too);
 * newer ones are written with a "_xlfn."/"_xlws." prefix in the file. */
static const char *const deny_funcs[] = {
	"WEBSERVICE", "FILTERXML", "IMAGE", "HYPERLINK", "RTD", "CALL",
	"REGISTER", "REGISTER.ID", "EXEC", "EXECUTE", "SQL.REQUEST", "PY",
	"DDE", "DDEAUTO", NULL,
};

static bool func_denied(const char *name, gsize n)
{
	char *u = g_ascii_strup(name, (gssize)n), *f = u;
	while (g_str_has_prefix(f, "_XLFN.") || g_str_has_prefix(f, "_XLWS.") ||
	       g_str_has_prefix(f, "_XLUDF."))
		f = strchr(f, '.') + 1;
	bool deny = mk_ox_in_list(deny_funcs, f) || g_str_has_prefix(f, "CUBE");
	g_free(u);
	return deny;
}

/* A formula that calls a denied function, has a DDE "app|topic" link or
 * an external workbook reference "[1]Sheet!A1" (outside string
 * literals). */
static bool formula_denied(const char *s)
{
	for (const char *p = s; *p;) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				;
			p += *p == '"';
			continue;
		}
		if (*p == '|')
			return true;
		if (*p == '[' && g_ascii_isdigit(p[1])) {
			const char *q = p + 1;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q == ']')
				return true;
		}
		if (g_ascii_isalpha(*p) || *p == '_') {
			const char *b = p;
			while (g_ascii_isalnum(*p) || *p == '_' || *p == '.')
				p++;
			const char *q = p;
			while (*q == ' ')
				q++;
			if (*q == '(' && func_denied(b, (gsize)(p - b)))
				return true;
			continue;
		}
		p++;
	}
	return false;
}

static bool formula_elem_denied(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	bool deny = c && formula_denied((const char *)c);
	xmlFree(c);
	return deny;
}

/* A pivot cache's calculated field or a pivot table's calculated item
 * (pivotCacheDefinition / pivotTable parts) holds its formula in an
 * attribute. */
static bool formula_attr_denied(xmlNodePtr n)
{
	char *f;
	bool deny;

	if (!mk_ox_is_elem(n, "cacheField") && !mk_ox_is_elem(n, "calculatedItem"))
		return false;
	f = mk_ox_attr(n, "formula");
	deny = f && formula_denied(f);
	g_free(f);
	return deny;
}

/* Cell C loses its formula: a string result (t="str") becomes an inline
 * string, every other cached value stays as it is. */
static void cell_to_constant(xmlNodePtr c)
{
	char *t = mk_ox_attr(c, "t");
	xmlNodePtr v = NULL;
	for (xmlNodePtr k = c->children; k; k = k->next)
		if (mk_ox_is_elem(k, "v"))
			v = k;
	if (t && strcmp(t, "str") == 0 && v) {
		xmlChar *txt = xmlNodeGetContent(v);
		xmlNodePtr is = xmlNewNode(c->ns, (const xmlChar *)"is");
		xmlNewTextChild(is, c->ns, (const xmlChar *)"t", txt);
		xmlAddPrevSibling(v, is);
		xmlUnlinkNode(v);
		xmlFreeNode(v);
		xmlSetProp(c, (const xmlChar *)"t", (const xmlChar *)"inlineStr");
		xmlFree(txt);
	}
	g_free(t);
}

static bool shared_master(xmlNodePtr f, GHashTable *si)
{
	char *t = mk_ox_attr(f, "t"), *id = mk_ox_attr(f, "si");
	bool hit = t && id && strcmp(t, "shared") == 0 &&
	           g_hash_table_contains(si, id);
	g_free(t);
	g_free(id);
	return hit;
}

/* Collect what goes: denied cell formulas (and the shared formulas that
 * use a denied one: their si goes into SI), defined names, conditional
 * format and validation rules. */
static void collect_formulas(xmlNodePtr n, GPtrArray *kill, GHashTable *si)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		bool f = mk_ox_is_elem(n, "f");
		bool dn = mk_ox_is_elem(n, "definedName");
		bool rule = mk_ox_is_elem(n, "formula") ||
		            mk_ox_is_elem(n, "formula1") ||
		            mk_ox_is_elem(n, "formula2");
		/* a table column's formula (tables/tableN.xml) */
		dn = dn || mk_ox_is_elem(n, "calculatedColumnFormula") ||
		     mk_ox_is_elem(n, "totalsRowFormula");
		if (formula_attr_denied(n)) {   /* the item; a field its formula */
			if (!g_ptr_array_find(kill, n, NULL))
				g_ptr_array_add(kill, n);
			continue;
		}
		if ((f || dn || rule) && formula_elem_denied(n)) {
			char *id = f ? mk_ox_attr(n, "si") : NULL;
			if (id)
				g_hash_table_add(si, id);
			xmlNodePtr k = rule && n->parent ? n->parent : n;
			if (!g_ptr_array_find(kill, k, NULL))   /* formula1 and 2 */
				g_ptr_array_add(kill, k);
			continue;
		}
		collect_formulas(n->children, kill, si);
	}
}

static void collect_shared(xmlNodePtr n, GPtrArray *kill, GHashTable *si)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (mk_ox_is_elem(n, "f") && shared_master(n, si) &&
		    !g_ptr_array_find(kill, n, NULL))
			g_ptr_array_add(kill, n);
		else
			collect_shared(n->children, kill, si);
	}
}

void mk_ox_xlsx_formulas(ox *x, xmlDocPtr doc)
{
	GPtrArray *kill = g_ptr_array_new();
	GHashTable *si = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                       NULL);
	collect_formulas(xmlDocGetRootElement(doc), kill, si);
	if (g_hash_table_size(si))
		collect_shared(xmlDocGetRootElement(doc), kill, si);
	for (guint i = 0; i < kill->len; i++) {
		xmlNodePtr n = kill->pdata[i], parent = n->parent;
		if (mk_ox_is_elem(n, "cacheField")) {   /* stays, not calculated */
			xmlUnsetProp(n, (const xmlChar *)"formula");
			mk_ox_count(x, "fetching/external formula");
			continue;
		}
		xmlUnlinkNode(n);
		if (mk_ox_is_elem(n, "f") && parent && mk_ox_is_elem(parent, "c"))
			cell_to_constant(parent);
		else if (parent && (mk_ox_is_elem(parent, "conditionalFormatting") ||
		                    mk_ox_is_elem(parent, "definedNames") ||
		                    mk_ox_is_elem(parent, "dataValidations")) &&
		         !xmlFirstElementChild(parent)) {   /* may not be empty */
			xmlUnlinkNode(parent);
			xmlFreeNode(parent);
		}
		xmlFreeNode(n);
		mk_ox_count(x, "fetching/external formula");
	}
	g_hash_table_destroy(si);
	g_ptr_array_free(kill, TRUE);
}
