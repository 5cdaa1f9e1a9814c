/*
 * NAME
 *   json - a tiny streaming JSON writer over GString (see json.h)
 *
 * DESCRIPTION
 *   The writer keeps a small fixed stack of open containers (object or
 *   array, and how many members each has) so that it can place commas,
 *   newlines and indentation itself.  Pretty output indents by two spaces
 *   per level and writes "key": value; compact output has no whitespace at
 *   all.  Empty containers are written as {} and [].  No trailing newline.
 *
 *   Strings (values and keys) are written as RFC 8259 literals: '"' and '\'
 *   escaped, control characters as \b \f \n \r \t or \u00XX, DEL and the
 *   JavaScript line separators U+2028/U+2029 as \u escapes, and every byte
 *   that does not start a valid UTF-8 sequence (overlong forms, surrogates,
 *   truncated sequences, bytes over U+10FFFF) replaced by U+FFFD.
 *
 * OWNS
 *   Only its own GString and stack.  Never touches files or the network.
 *
 * FAILURE
 *   Misuse never produces invalid JSON: nesting deeper than
 *   MK_JSON_MAX_DEPTH is dropped (with one g_warning), a missing key in an
 *   object becomes "", a key given in an array or at the top is ignored,
 *   surplus end_* calls are ignored, and mk_json_finish() closes containers
 *   left open (with a g_warning).
 */
#include "json.h"

#include <string.h>

/* Structural bound of this writer (not an input limit: reports nest a few
 * levels per MIME/archive level, and those depths are capped by config). */
#define MK_JSON_MAX_DEPTH 64

typedef struct {
	bool array;       /* false: object */
	guint64 count;    /* members written so far */
} mk_json_frame;

struct mk_json {
	GString *out;
	bool pretty;
	bool top_done;    /* a top-level value has been written */
	int depth;        /* open containers on the stack */
	int overflow;     /* containers opened beyond the stack, dropped */
	mk_json_frame stack[MK_JSON_MAX_DEPTH];
};

mk_json *
mk_json_new(bool pretty)
{
	mk_json *j = g_new0(mk_json, 1);

	j->out = g_string_new(NULL);
	j->pretty = pretty;
	return j;
}

static void
append_escaped_char(GString *out, gunichar c)
{
	switch (c) {
	case '"':  g_string_append(out, "\\\""); break;
	case '\\': g_string_append(out, "\\\\"); break;
	case '\b': g_string_append(out, "\\b"); break;
	case '\f': g_string_append(out, "\\f"); break;
	case '\n': g_string_append(out, "\\n"); break;
	case '\r': g_string_append(out, "\\r"); break;
	case '\t': g_string_append(out, "\\t"); break;
	default:
		if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
			g_string_append_printf(out, "\\u%04x", (unsigned)c);
		else
			g_string_append_unichar(out, c);
	}
}

void
mk_json_escape(GString *out, const char *s)
{
	const char *p = s;
	const char *end;

	if (s == NULL) {
		g_string_append(out, "null");
		return;
	}
	end = s + strlen(s);
	g_string_append_c(out, '"');
	while (p < end) {
		gunichar c = g_utf8_get_char_validated(p, end - p);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_unichar(out, 0xFFFD);
			p++;
			continue;
		}
		append_escaped_char(out, c);
		p = g_utf8_next_char(p);
	}
	g_string_append_c(out, '"');
}

static void
newline_indent(mk_json *j)
{
	if (!j->pretty)
		return;
	g_string_append_c(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		g_string_append(j->out, "  ");
}

/* Write the separator and key before a value; false if the value must be
 * dropped (too deep, or a second top-level value). */
static bool
begin_value(mk_json *j, const char *key)
{
	mk_json_frame *f;

	if (j->overflow > 0)
		return false;
	if (j->depth == 0) {
		if (j->top_done)
			return false;
		j->top_done = true;
		return true;
	}
	f = &j->stack[j->depth - 1];
	if (f->count++ > 0)
		g_string_append_c(j->out, ',');
	newline_indent(j);
	if (!f->array) {
		mk_json_escape(j->out, key != NULL ? key : "");
		g_string_append(j->out, j->pretty ? ": " : ":");
	}
	return true;
}

static void
begin_container(mk_json *j, const char *key, bool array)
{
	if (j->overflow > 0 || j->depth >= MK_JSON_MAX_DEPTH) {
		if (j->overflow++ == 0)
			g_warning("json: nesting deeper than %d dropped",
			          MK_JSON_MAX_DEPTH);
		return;
	}
	if (!begin_value(j, key))
		return;
	g_string_append_c(j->out, array ? '[' : '{');
	j->stack[j->depth].array = array;
	j->stack[j->depth].count = 0;
	j->depth++;
}

static void
end_container(mk_json *j)
{
	bool had;
	bool array;

	if (j->overflow > 0) {
		j->overflow--;
		return;
	}
	if (j->depth == 0)
		return;
	had = j->stack[j->depth - 1].count > 0;
	array = j->stack[j->depth - 1].array;
	j->depth--;
	if (had)
		newline_indent(j);
	g_string_append_c(j->out, array ? ']' : '}');
}

void
mk_json_begin_object(mk_json *j, const char *key)
{
	begin_container(j, key, false);
}

void
mk_json_begin_array(mk_json *j, const char *key)
{
	begin_container(j, key, true);
}

void
mk_json_end_object(mk_json *j)
{
	end_container(j);
}

void
mk_json_end_array(mk_json *j)
{
	end_container(j);
}

void
mk_json_string(mk_json *j, const char *key, const char *value)
{
	if (begin_value(j, key))
		mk_json_escape(j->out, value);
}

void
mk_json_int(mk_json *j, const char *key, gint64 value)
{
	if (begin_value(j, key))
		g_string_append_printf(j->out, "%" G_GINT64_FORMAT, value);
}

void
mk_json_bool(mk_json *j, const char *key, bool value)
{
	if (begin_value(j, key))
		g_string_append(j->out, value ? "true" : "false");
}

void
mk_json_null(mk_json *j, const char *key)
{
	if (begin_value(j, key))
		g_string_append(j->out, "null");
}

char *
mk_json_finish(mk_json **jp)
{
	mk_json *j;
	char *text;

	if (jp == NULL || *jp == NULL)
		return NULL;
	j = *jp;
	if (j->depth > 0 || j->overflow > 0)
		g_warning("json: %d container(s) left open, closed",
		          j->depth + j->overflow);
	j->overflow = 0;
	while (j->depth > 0)
		end_container(j);
	if (!j->top_done)
		g_string_append(j->out, "null");
	text = g_string_free(j->out, FALSE);
	g_free(j);
	*jp = NULL;
	return text;
}
