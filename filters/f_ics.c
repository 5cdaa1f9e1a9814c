/*
 * NAME
 *   f_ics - iCalendar without attachments (see f_ics.h)
 *
 * DESCRIPTION
 *   Line by line: a line that starts with a blank continues the property
 *   before it (folding), so it goes or stays with that property.  A
 *   property's name is what precedes its first ';' or ':'.
 *
 * NEVER
 *   Unfolds, re-encodes or reorders what it keeps; touches n->data.
 */
#include "f_ics.h"

#include <string.h>

#include "f_text.h"

/* True when the property line at P (LEN bytes) is named ATTACH. */
static bool
is_attach(const char *p, gsize len)
{
	static const char name[] = "ATTACH";
	gsize n = sizeof name - 1;

	return len > n && g_ascii_strncasecmp(p, name, n) == 0 &&
	       (p[n] == ';' || p[n] == ':');
}

char *
mk_ics_strip(const char *text, gsize len, guint *dropped)
{
	GString *out = g_string_sized_new(len);
	const char *p = text, *end = text + len;
	bool dropping = false;
	guint count = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (gsize)(end - p));
		gsize l = nl != NULL ? (gsize)(nl - p) + 1 : (gsize)(end - p);

		if (p[0] != ' ' && p[0] != '\t') {
			dropping = is_attach(p, l);
			count += dropping;
		}
		if (!dropping)
			g_string_append_len(out, p, (gssize)l);
		p += l;
	}
	if (dropped != NULL)
		*dropped = count;
	return g_string_free(out, FALSE);
}

int
mk_ics_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	gsize len = 0;
	const char *p = n->data != NULL ? g_bytes_get_data(n->data, &len) : NULL;
	guint dropped = 0;
	bool guessed = false;
	char *text, *utf8, *used = NULL;

	if ((gint64)len > cfg->limits.max_text_size) {
		mk_error_set(err, MK_ERR_LIMIT, "calendar over limits.max_text_size");
		return MK_ERR_LIMIT;
	}
	utf8 = mk_text_to_utf8(p ? p : "", len, n->charset, &used, &guessed, err);
	if (utf8 == NULL) {
		g_free(used);
		return MK_ERR_DATA;
	}
	if (guessed && n->charset != NULL)
		mk_node_add_finding(n, MK_F_CHARSET, "declared %s, decoded as %s",
		                    n->charset, used ? used : "?");
	text = mk_ics_strip(utf8, strlen(utf8), &dropped);
	g_free(utf8);
	g_free(used);
	if (dropped > 0)
		g_ptr_array_add(n->notes, g_strdup_printf("ics: %u attachment%s "
		                "(ATTACH) removed", dropped, dropped == 1 ? "" : "s"));
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = g_bytes_new_take(text, strlen(text));
	mk_set_str(&n->out_type, "text/calendar");
	mk_set_str(&n->out_name, n->declared_name != NULL && *n->declared_name
	                         ? n->declared_name : "invite.ics");
	return 0;
}
