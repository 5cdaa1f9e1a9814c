/*
 * NAME
 *   f_csv - CSV formula neutralising (see f_csv.h)
 *
 * DESCRIPTION
 *   A small state machine over the UTF-8 text: at the start of every cell
 *   (start of text, after a separator, after a line end outside quotes)
 *   the cell is looked at once; inside quotes "" is an escaped quote.
 *   The separator is the one of a first line "sep=X" (Excel honours it),
 *   else the most frequent of ',', ';' and TAB on the first line.  As the
 *   reader may split on another character than we do (locale list
 *   separator, a directive it ignores after a BOM, an import dialog), the
 *   text after every other usual separator (ALT_SEPS), quoted or not, is
 *   looked at too, and a "'" goes right after that separator.
 *
 * NEVER
 *   Evaluates, reorders or drops cells; touches n->data.
 */
#include "f_csv.h"

#include <string.h>

#include "csvcell.h"
#include "f_text.h"
#include "registry.h"

/* Characters some reader may take as the separator besides ours. */
#define ALT_SEPS ",;\t|^"

/* The X of a first line "sep=X" (one ASCII character, then the line end),
 * or '\0'. */
static char
sep_directive(const char *s)
{
	char x;

	if (g_ascii_strncasecmp(s, "sep=", 4) != 0)
		return '\0';
	x = s[4];
	if (x <= 0 || x == '\r' || x == '\n' || x == '"')
		return '\0';
	return s[5] == '\0' || s[5] == '\r' || s[5] == '\n' ? x : '\0';
}

static char
pick_separator(const char *s)
{
	guint n[3] = { 0 };
	static const char seps[3] = { ',', ';', '\t' };
	bool q = false;
	char best = ',';
	guint max = 0;

	for (; *s && (q || (*s != '\n' && *s != '\r')); s++) {
		if (*s == '"')
			q = !q;
		for (int i = 0; i < 3 && !q; i++)
			n[i] += *s == seps[i];
	}
	for (int i = 0; i < 3; i++)
		if (n[i] > max) {
			max = n[i];
			best = seps[i];
		}
	return best;
}

/* True when the cell at S (up to SEP, the separator END that opened it,
 * the line end) is a number. */
static bool
is_number(const char *s, char sep, char end)
{
	bool digit = false;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s && *s != sep && *s != end && *s != '\n' && *s != '\r' &&
	       *s != '"'; s++) {
		if (g_ascii_isdigit(*s))
			digit = true;
		else if (*s != '.' && *s != ',')
			return false;
	}
	return digit;
}

/* A cell starting with TAB or CR, or read as a formula by the rule of
 * the exports (csvcell.h: after leading blanks and quotes, = + - @ or a
 * full-width form), unless it is a number. */
static bool
dangerous(const char *s, char sep, char end)
{
	gssize k;

	if (*s == '\t' || *s == '\r')
		return true;
	k = mk_csv_formula_lead(s, false);
	return k >= 0 && !is_number(s + k, sep, end);
}

/* True when S[0] is one of ALT_SEPS other than SEP and the cell another
 * reader sees after it (past an opening quote) starts with a formula. */
static bool
dangerous_after_alt(const char *s, char sep)
{
	const char *c = s + 1;

	if (*s == sep || *s == '\0' || strchr(ALT_SEPS, *s) == NULL)
		return false;
	if (*c == '"')
		c++;
	if (*c == '\0' || *c == '\r' || *c == '\n' || *c == sep ||
	    strchr(ALT_SEPS, *c) != NULL)
		return false;           /* an empty cell; a separator is checked itself */
	return dangerous(c, sep, *s);
}

char *
mk_csv_defuse(const char *utf8, bool prefix, guint *count)
{
	GString *o = g_string_sized_new(strlen(utf8) + 16);
	char sep = sep_directive(utf8);
	bool quoted = false, start = true;
	guint k = 0;

	if (sep == '\0')
		sep = pick_separator(utf8);
	for (const char *s = utf8; *s; s++) {
		if (start && !quoted) {
			start = false;
			if (*s == '"') {
				g_string_append_c(o, '"');
				quoted = true;
				if (prefix && dangerous(s + 1, sep, sep)) {
					g_string_append_c(o, '\'');
					k++;
				}
				continue;
			}
			/* unquoted, a CR ends the line: it is no cell content */
			if (prefix && *s != sep && *s != '\r' && dangerous(s, sep, sep)) {
				g_string_append_c(o, '\'');
				k++;
			}
		}
		if (quoted && *s == '"') {
			if (s[1] == '"')
				g_string_append_c(o, *s++);
			else
				quoted = false;
		} else if (!quoted && (*s == sep || *s == '\n')) {
			start = true;
		} else if (!quoted && *s == '\r' && s[1] != '\n') {
			start = true;
		}
		g_string_append_c(o, *s);
		if (prefix && dangerous_after_alt(s, sep)) {
			g_string_append_c(o, '\'');
			k++;
		}
	}
	if (count != NULL)
		*count = k;
	return g_string_free(o, FALSE);
}

static bool
has_high(const char *s)
{
	for (; *s; s++)
		if ((guchar)*s >= 0x80)
			return true;
	return false;
}

int
mk_csv_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	char *utf8 = NULL, *csv = NULL;
	guint count = 0;
	int rc = mk_filter_decode(cfg, n, "CSV", &utf8, err);

	if (rc < 0)
		return rc;
	csv = mk_csv_defuse(g_str_has_prefix(utf8, "\xEF\xBB\xBF") ? utf8 + 3 : utf8,
	                    cfg->csv.prefix_formulas, &count);
	if (has_high(csv)) {
		char *bom = g_strconcat("\xEF\xBB\xBF", csv, NULL);
		g_free(csv);
		csv = bom;
	}
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = g_bytes_new_take(csv, strlen(csv));
	csv = NULL;
	mk_set_str(&n->out_type, "text/csv");
	mk_set_str(&n->out_name, n->declared_name && *n->declared_name
	                         ? n->declared_name : "data.csv");
	g_free(utf8);
	return 0;
}
