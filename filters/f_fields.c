/*
 * NAME
 *   f_fields - harmless Word field types (see f_fields.h)
 */
#include "f_fields.h"

#include <glib.h>
#include <string.h>

static const char *const safe_fields[] = {
	"=", "ADVANCE", "AUTHOR", "AUTONUM", "AUTONUMLGL", "AUTONUMOUT",
	"BIBLIOGRAPHY", "CITATION", "COMMENTS", "CREATEDATE", "DATE",
	"DOCPROPERTY", "DOCVARIABLE", "EDITTIME", "EQ", "FILENAME", "FILESIZE",
	"FORMCHECKBOX", "FORMDROPDOWN", "FORMTEXT", "INDEX", "KEYWORDS",
	"LASTSAVEDBY", "LISTNUM", "NOTEREF", "NUMCHARS", "NUMPAGES", "NUMWORDS",
	"PAGE", "PAGEREF", "PRINTDATE", "REF", "REVNUM", "SAVEDATE", "SECTION",
	"SECTIONPAGES", "SEQ", "STYLEREF", "SUBJECT", "SYMBOL", "TA", "TC",
	"TEMPLATE", "TIME", "TITLE", "TOA", "TOC", "XE",
};

bool
mk_field_instr_safe(const char *instr)
{
	char w[24];
	gsize n = 0;
	const char *s = instr ? instr : "";

	while (g_ascii_isspace(*s))
		s++;
	if (*s == '=')
		w[n++] = *s++;
	else
		while (g_ascii_isalpha(*s) && n + 1 < sizeof w)
			w[n++] = g_ascii_toupper(*s++);
	w[n] = '\0';
	if (*s && !g_ascii_isspace(*s) && *s != '\\' && *s != '"')
		return false;             /* "PAGEX", "PAGE1", a long word ... */
	for (gsize i = 0; i < G_N_ELEMENTS(safe_fields); i++)
		if (strcmp(safe_fields[i], w) == 0)
			return true;
	return false;
}
