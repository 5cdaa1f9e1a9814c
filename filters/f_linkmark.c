/*
 * NAME
 *   f_linkmark - misleading links in plain text marked (see f_linkmark.h)
 *
 * NEVER
 *   Changes a byte of the text besides inserting the mark.
 */
#include "f_linkmark.h"

#include <glib.h>
#include <string.h>

#include "f_defang.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Length of the link target at P (after '<' or '('), up to STOP, or 0
 * when it is not a scheme:// or mailto: target on one line. */
static gsize
target_len(const char *p, char stop)
{
	gsize n = 0;

	while (p[n] && p[n] != stop && !blank(p[n]) && n <= MK_LINKMARK_MAX_URL)
		n++;
	if (p[n] != stop || n > MK_LINKMARK_MAX_URL)
		return 0;
	for (gsize i = 0; i < n && (g_ascii_isalnum(p[i]) || strchr("+-.", p[i])); i++)
		if (i + 3 <= n && p[i + 1] == ':' && p[i + 2] == '/' && p[i + 3] == '/')
			return n;
	return g_ascii_strncasecmp(p, "mailto:", 7) == 0 ? n : 0;
}

static void
mark_at(GString *out, const char *mark, unsigned *count)
{
	g_string_append_c(out, ' ');
	g_string_append(out, mark);
	if (count)
		(*count)++;
}

char *
mk_text_mark_misleading(const char *utf8, const char *mark, unsigned *count)
{
	const char *s = utf8 ? utf8 : "";
	GString *out = g_string_sized_new(strlen(s) + 16);
	gsize len = strlen(s), done = 0;   /* S[0..done) is in OUT */

	for (gsize i = 0; i < len; i++) {
		gsize n;
		if (s[i] == '<' && (n = target_len(s + i + 1, '>')) > 0) {
			gsize end = i, start;
			while (end > done && (s[end - 1] == ' ' || s[end - 1] == '\t'))
				end--;
			for (start = end; start > done && !blank(s[start - 1]) &&
			     s[start - 1] != '>'; start--)
				;
			char *text = g_strndup(s + start, end - start);
			char *url = g_strndup(s + i + 1, n);
			if (end > start && mk_link_misleads(text, url)) {
				g_string_append_len(out, s + done, (gssize)(end - done));
				mark_at(out, mark, count);
				done = end;
			}
			g_free(text);
			g_free(url);
			i += n + 1;
		} else if (s[i] == ']' && s[i + 1] == '(' && (n = target_len(s + i + 2, ')')) > 0) {
			gsize open = i;
			while (open > done && s[open - 1] != '[' && s[open - 1] != '\n')
				open--;
			if (open > done && s[open - 1] == '[') {
				char *text = g_strndup(s + open, i - open);
				char *url = g_strndup(s + i + 2, n);
				gsize after = i + 2 + n + 1;
				if (mk_link_misleads(text, url)) {
					g_string_append_len(out, s + done, (gssize)(after - done));
					mark_at(out, mark, count);
					done = after;
				}
				g_free(text);
				g_free(url);
			}
			i += n + 2;
		}
	}
	g_string_append(out, s + done);
	return g_string_free(out, FALSE);
}
