/*
 * NAME
 *   web_parse - form bodies, URL paths and escapes (see web_parse.h)
 *
 * DESCRIPTION
 *   Moved out of web_http.c so that a fuzz target reaches them without a
 *   server (tests/fuzz/fuzz_web.c).
 */
#include "web_parse.h"

#include <string.h>

void
web_parse_form(GHashTable *h, const char *text)
{
	char **pairs = g_strsplit(text, "&", -1);

	for (char **p = pairs; *p; p++) {
		char *eq = strchr(*p, '=');
		char *k, *v;

		if (eq == NULL)
			continue;
		*eq = '\0';
		g_strdelimit(*p, "+", ' ');
		g_strdelimit(eq + 1, "+", ' ');
		k = g_uri_unescape_string(*p, NULL);
		v = g_uri_unescape_string(eq + 1, NULL);
		if (k != NULL && v != NULL && g_utf8_validate(v, -1, NULL))
			g_hash_table_replace(h, k, v);
		else {
			g_free(k);
			g_free(v);
		}
	}
	g_strfreev(pairs);
}

static bool
plain_segment(const char *s)
{
	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return true;
}

bool
web_split_path(const char *url, char ***seg, int *nseg)
{
	char **parts = g_strsplit(url, "/", -1);
	GPtrArray *a = g_ptr_array_new();

	for (char **p = parts; *p; p++) {
		if (**p == '\0')
			continue;
		if (!plain_segment(*p)) {
			g_ptr_array_set_free_func(a, g_free);   /* the segments so far */
			g_ptr_array_free(a, TRUE);
			g_strfreev(parts);
			*seg = g_new0(char *, 1);
			*nseg = 0;
			return false;
		}
		g_ptr_array_add(a, g_strdup(*p));
	}
	g_ptr_array_add(a, NULL);
	*nseg = (int)a->len - 1;
	*seg = (char **)g_ptr_array_free(a, FALSE);
	g_strfreev(parts);
	return true;
}

size_t
web_unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r == '%' && g_ascii_isxdigit(r[1]) && g_ascii_isxdigit(r[2])) {
			int v = g_ascii_xdigit_value(r[1]) * 16 + g_ascii_xdigit_value(r[2]);

			*w++ = v == 0 ? '%' : (char)v;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

