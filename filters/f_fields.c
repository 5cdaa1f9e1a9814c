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

/* The next argument of a field instruction at *S (quoted or a word), or
 * NULL at the end.  Caller frees. */
static char *
field_arg(const char **s)
{
	const char *p = *s;
	GString *g;

	while (g_ascii_isspace(*p))
		p++;
	if (*p == '\0')
		return NULL;
	g = g_string_new(NULL);
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			g_string_append_c(g, *p);
		}
		if (*p == '"')
			p++;
	} else {
		while (*p && !g_ascii_isspace(*p))
			g_string_append_c(g, *p++);
	}
	*s = p;
	return g_string_free(g, FALSE);
}

static bool
web_url(const char *u)
{
	if (g_ascii_strncasecmp(u, "http://", 7) != 0 &&
	    g_ascii_strncasecmp(u, "https://", 8) != 0)
		return false;
	if (strlen(u) > MK_FIELD_MAX_URL)
		return false;
	for (const char *p = u; *p; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

char *
mk_field_web_target(const char *instr)
{
	const char *s = instr ? instr : "";
	char *a;

	while (g_ascii_isspace(*s))
		s++;
	if (g_ascii_strncasecmp(s, "HYPERLINK", 9) != 0 ||
	    (s[9] && !g_ascii_isspace(s[9]) && s[9] != '"'))
		return NULL;
	s += 9;
	while ((a = field_arg(&s)) != NULL) {
		if (a[0] == '\\' && a[1] != '\\') {
			bool takes = strchr("lotLOT", a[1]) != NULL && a[1] != '\0';
			g_free(a);
			if (takes)
				g_free(field_arg(&s));
			continue;
		}
		if (web_url(a))
			return a;
		g_free(a);
		return NULL;
	}
	return NULL;
}
