/*
 * NAME
 *   csvcell - one cell of an exported CSV file, formula-safe (csvcell.h)
 *
 * DESCRIPTION
 *   Works on bytes: the leading blanks and the full-width signs are
 *   recognised by their UTF-8 spelling; invalid UTF-8 is copied as it is
 *   (the exporter's input is our own audit text).
 */
#include <string.h>

#include "csvcell.h"

static const char *const blanks[] = { " ", "\t", "\r", "\n", "\xe3\x80\x80" /* U+3000 */ };
static const char *const signs[] = {
	"=", "+", "-", "@",
	"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d", "\xef\xbc\xa0",   /* ＝ ＋ － ＠ */
};

static gsize
starts(const char *s, const char *const *set, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (strncmp(s, set[i], strlen(set[i])) == 0)
			return strlen(set[i]);
	return 0;
}

gssize
mk_csv_formula_lead(const char *s, bool eol)
{
	const char *p = s;
	gsize k;

	if (s == NULL)
		return -1;
	while (*p == '"' ||
	       ((k = starts(p, blanks, G_N_ELEMENTS(blanks))) > 0 &&
	        (eol || (*p != '\r' && *p != '\n'))))
		p += *p == '"' ? 1 : k;
	return starts(p, signs, G_N_ELEMENTS(signs)) > 0 ? (gssize)(p - s) : -1;
}

bool
mk_csv_formula(const char *s)
{
	return mk_csv_formula_lead(s, true) >= 0;
}

void
mk_csv_cell(GString *g, const char *s, bool last)
{
	const char *v = s != NULL ? s : "";

	g_string_append_c(g, '"');
	if (mk_csv_formula(v))
		g_string_append_c(g, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c(g, '"');
		g_string_append_c(g, *p == '\r' || *p == '\n' ? ' ' : *p);
	}
	g_string_append(g, last ? "\"\r\n" : "\",");
}
