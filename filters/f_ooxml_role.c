/*
 * NAME
 *   f_ooxml_role - what an OOXML part is to Office: its role (OOXML
 *   filter, passes 2 and 3)
 *
 * SUMMARY
 *   mk_ox_role_mark(p, type);     pass 2: P is the target of a kept
 *                                 relationship of TYPE
 *   mk_ox_role(p, doc);           pass 3: the roles of parsed part P
 *
 * DESCRIPTION
 *   Office reads a part as what the relationship that reaches it says, not
 *   as what its content type says: a macro-enabled document's main part
 *   ("application/vnd.ms-word.document.macroEnabled.main+xml") holds the
 *   same WordprocessingML as a docx, and used to keep its DDE fields
 *   because the field scrub looked for "wordprocessingml" in the content
 *   type.  A part's role is the union of
 *     - the relationships that reach it: Word's main document, glossary
 *       document, headers, footers, footnotes, endnotes and comments;
 *       Excel's workbook, worksheets, chartsheets, tables and pivot parts;
 *     - its root element's namespace (WordprocessingML, SpreadsheetML, in
 *       the transitional and the strict schema): the main part, whatever
 *       its content type, is the document its root says it is;
 *     - its content type, macro-enabled and add-in types included.
 *   The union only ever adds scrubbing: a part with two roles gets both.
 *
 * OWNS
 *   Nothing.
 *
 * NEVER
 *   Parses XML or changes a part's data.
 *
 * FAILURE
 *   None.
 */
#include <string.h>

#include "f_ooxml_int.h"

/* Relationship types (last segment, lower case) and the role they give. */
static const struct { const char *type; unsigned role; } rel_roles[] = {
	{ "officedocument", 0 },            /* decided by its root below */
	{ "glossarydocument", OX_ROLE_WORD }, { "header", OX_ROLE_WORD },
	{ "footer", OX_ROLE_WORD }, { "footnotes", OX_ROLE_WORD },
	{ "endnotes", OX_ROLE_WORD }, { "comments", OX_ROLE_WORD },
	{ "commentsextended", OX_ROLE_WORD }, { "document", OX_ROLE_WORD },
	{ "worksheet", OX_ROLE_SHEET }, { "chartsheet", OX_ROLE_SHEET },
	{ "table", OX_ROLE_SHEET }, { "pivottable", OX_ROLE_SHEET },
	{ "pivotcachedefinition", OX_ROLE_SHEET },
	{ "pivotcacherecords", OX_ROLE_SHEET }, { "sheetmetadata", OX_ROLE_SHEET },
	{ "volatiledependencies", OX_ROLE_SHEET },
};

void mk_ox_role_mark(part *p, const char *type)
{
	const char *s = strrchr(type, '/');
	char *l = g_ascii_strdown(s ? s + 1 : type, -1);

	for (gsize i = 0; i < G_N_ELEMENTS(rel_roles); i++)
		if (strcmp(l, rel_roles[i].type) == 0)
			p->role |= rel_roles[i].role;
	g_free(l);
}

static unsigned role_of_text(const char *s)
{
	unsigned r = 0;

	if (s == NULL)
		return 0;
	if (strstr(s, "wordprocessingml") || strstr(s, "ms-word."))
		r |= OX_ROLE_WORD;
	if (strstr(s, "spreadsheetml") || strstr(s, "ms-excel."))
		r |= OX_ROLE_SHEET;
	return r;
}

unsigned mk_ox_role(const part *p, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	unsigned r = p->role | role_of_text(p->ct);

	if (root && root->ns && root->ns->href) {
		char *ns = g_ascii_strdown((const char *)root->ns->href, -1);
		r |= role_of_text(ns);
		g_free(ns);
	}
	return r;
}
