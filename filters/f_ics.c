/*
 * NAME
 *   f_ics - iCalendar without attachments (see f_ics.h)
 *
 * DESCRIPTION
 *   Logical lines, as a client reads them: CRLF, LF or a bare CR end a
 *   physical line, and one that starts with a blank continues the one
 *   before (folding, also inside a property name: "ATT" CRLF " ACH").  A
 *   property's name is what precedes its first ';' or ':'.  Kept lines go
 *   out unfolded, each ended by CRLF.
 *
 * NEVER
 *   Reorders what it keeps; touches n->data.
 */
#include "f_ics.h"

#include <string.h>

#include "f_text.h"
#include "registry.h"

/* Properties that go whole: attachments, the HTML description Outlook
 * renders, vCalendar 1.0 audio/procedure alarms (a URL or a program). */
static const char *const dropped_props[] = {
	"ATTACH", "X-ALT-DESC", "AALARM", "PALARM", "DALARM", "MALARM",
};

/* Properties whose value a client shows as text or opens: defanged. */
static const char *const shown_props[] = {
	"DESCRIPTION", "SUMMARY", "LOCATION", "COMMENT", "URL", "CONTACT",
	"RESOURCES", "CATEGORIES",
};

/* The name of the unfolded property LINE: up to ';' or ':'. */
static bool
named(const char *line, const char *const *names, gsize n)
{
	gsize l = strcspn(line, ";:");

	for (gsize i = 0; i < n; i++)
		if (strlen(names[i]) == l && g_ascii_strncasecmp(line, names[i], l) == 0)
			return true;
	return false;
}

/* Length of the physical line at P (without its end) and of its end:
 * CRLF, LF or a bare CR all end a line. */
static gsize
line_at(const char *p, const char *end, gsize *eol)
{
	const char *q = p;

	while (q < end && *q != '\n' && *q != '\r')
		q++;
	*eol = q < end ? (*q == '\r' && q + 1 < end && q[1] == '\n' ? 2 : 1) : 0;
	return (gsize)(q - p);
}

char *
mk_ics_strip(const char *text, gsize len, guint *dropped_n)
{
	GString *out = g_string_sized_new(len), *line = g_string_new(NULL);
	const char *p = text, *end = text + len;
	guint count = 0;

	while (p < end) {
		gsize eol, l = line_at(p, end, &eol);

		/* one logical line: the continuation lines (a blank first) joined
		 * without their line end and that blank, as a client reads it */
		g_string_assign(line, "");
		g_string_append_len(line, p, (gssize)l);
		p += l + eol;
		while (p < end && (*p == ' ' || *p == '\t')) {
			l = line_at(p + 1, end, &eol);
			g_string_append_len(line, p + 1, (gssize)l);
			p += 1 + l + eol;
		}
		if (named(line->str, dropped_props, G_N_ELEMENTS(dropped_props))) {
			count++;
			continue;
		}
		if (named(line->str, shown_props, G_N_ELEMENTS(shown_props))) {
			char *d = mk_text_defang(line->str);
			g_string_append(out, d);
			g_free(d);
		} else {
			g_string_append_len(out, line->str, (gssize)line->len);
		}
		g_string_append(out, "\r\n");
	}
	g_string_free(line, TRUE);
	if (dropped_n != NULL)
		*dropped_n = count;
	return g_string_free(out, FALSE);
}

int
mk_ics_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	guint dropped = 0;
	char *text, *utf8 = NULL;
	int rc = mk_filter_decode(cfg, n, "calendar", &utf8, err);

	if (rc < 0)
		return rc;
	text = mk_ics_strip(utf8, strlen(utf8), &dropped);
	g_free(utf8);
	if (dropped > 0)
		g_ptr_array_add(n->notes, g_strdup_printf("ics: %u propert%s removed "
		                "(attachments, HTML description, alarms)", dropped,
		                dropped == 1 ? "y" : "ies"));
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = g_bytes_new_take(text, strlen(text));
	mk_set_str(&n->out_type, "text/calendar");
	mk_set_str(&n->out_name, n->declared_name != NULL && *n->declared_name
	                         ? n->declared_name : "invite.ics");
	return 0;
}
