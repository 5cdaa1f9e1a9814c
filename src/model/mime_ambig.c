/*
 * NAME
 *   mime_ambig - MIME headers that two readers can read differently
 *   (see mime.h)
 *
 * DESCRIPTION
 *   mk_mime_ambig_check() reads the raw Content-Type, Content-Disposition
 *   and Content-Transfer-Encoding headers of one MIME object, as written,
 *   and adds the finding ambiguous_mime for each way in which mail readers
 *   are known to disagree about them (GMime keeps one answer; Outlook,
 *   Thunderbird, Python's email package and lenient parsers may keep
 *   another, first or last occurrence winning):
 *     - one of these headers repeated with a different value;
 *     - a parameter (boundary, charset, name, filename, any other)
 *       repeated with a different value;
 *     - an RFC 2231 value that collides with another form of the same
 *       parameter: a plain value and an extended one (name*=, name*0=,
 *       name*0*=) that decode to different text, an extended value and
 *       continuations, or one continuation section twice;
 *     - a value with text after it before the next ";" (boundary="a"b,
 *       boundary=a b: the boundary is "a", "ab" or "a b" depending on the
 *       reader), an unterminated quoted value, or text after the media
 *       type ("text/plain garbage; ...");
 *     - a Content-Type "name" and a Content-Disposition "filename" that
 *       decode to different names (compared in NFC, case folded).
 *   A repetition with the same value (what GMime only warns about) is no
 *   finding.  A node gets one ambiguous_mime finding, the first found; the
 *   work is linear in the size of the headers.  The finding's default action strips the part (a multipart
 *   with its parts; at the top the whole mail is held): what the recipient
 *   gets is never decided by our reading alone.
 *
 * OWNS
 *   Nothing beyond the call.
 *
 * NEVER
 *   Changes the GMime object or the node's declared fields.
 *
 * FAILURE
 *   None: findings only.
 */
#include "mime.h"

#include <string.h>

#include "hdrtext.h"

/* One parameter as written: lower-case name, the value's text as written
 * (quotes included) and its unquoted form. */
typedef struct {
	char *name;
	char *raw;
	char *value;
} wparam;

static void
wparam_free(gpointer p)
{
	wparam *w = p;

	g_free(w->name);
	g_free(w->raw);
	g_free(w->value);
	g_free(w);
}

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* Skips a (possibly nested) comment at S; returns S when there is none. */
static const char *
skip_comment(const char *s)
{
	int depth = 0;
	const char *p = s;

	if (*p != '(')
		return s;
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

static const char *
skip_cfws(const char *s)
{
	const char *p;

	for (;;) {
		s = skip_ws(s);
		p = skip_comment(s);
		if (p == s)
			return s;
		s = p;
	}
}

/* Parses one value at S into W; returns the end, *junk set when text
 * follows the value before ";" or the end. */
static const char *
parse_value(const char *s, wparam *w, const char **junk)
{
	const char *start = s, *e;
	GString *v = g_string_new(NULL);

	if (*s == '"') {
		for (s++; *s != '\0' && *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			g_string_append_c(v, *s);
		}
		if (*s != '"')
			*junk = "an unterminated quoted value";
		else
			s++;
	} else {
		for (; *s != '\0' && *s != ';' && *s != ' ' && *s != '\t' &&
		       *s != '\r' && *s != '\n' && *s != '(' && *s != '"'; s++)
			g_string_append_c(v, *s);
	}
	w->raw = g_strndup(start, (gsize)(s - start));
	w->value = g_string_free(v, FALSE);
	e = skip_cfws(s);
	if (*e != '\0' && *e != ';' && *junk == NULL)
		*junk = "text after a parameter value";
	while (*e != '\0' && *e != ';')
		e++;
	return e;
}

/* The parameters of VALUE after its first token (the media type or the
 * disposition); *junk names the first defect of form. */
static GPtrArray *
parse_params(const char *value, const char **junk)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(wparam_free);
	const char *s = skip_cfws(value), *t;

	while (*s != '\0' && *s != ';' && *s != ' ' && *s != '\t' && *s != '(' &&
	       *s != '\r' && *s != '\n')
		s++;
	t = skip_cfws(s);
	if (*t != '\0' && *t != ';')
		*junk = "text after the type";
	s = strchr(s, ';');
	while (s != NULL && *s == ';') {
		const char *n = skip_cfws(s + 1), *ne = n;
		wparam *w;

		while (*ne != '\0' && *ne != '=' && *ne != ';' && *ne != ' ' &&
		       *ne != '\t')
			ne++;
		t = skip_ws(ne);
		if (ne == n || *t != '=') {     /* no "name=": skipped by all */
			s = strchr(t, ';');
			continue;
		}
		w = g_new0(wparam, 1);
		w->name = g_ascii_strdown(n, (gssize)(ne - n));
		s = parse_value(skip_ws(t + 1), w, junk);
		g_ptr_array_add(out, w);
	}
	return out;
}

/* "filename*0*" → base "filename", *section 0; "filename*" → -2 (one
 * extended value); "filename" → -1. */
static char *
param_base(const char *name, int *section)
{
	const char *star = strchr(name, '*');
	char *end = NULL;
	long v;

	*section = -1;
	if (star == NULL)
		return g_strdup(name);
	if (star[1] == '\0') {
		*section = -2;
	} else {
		v = strtol(star + 1, &end, 10);
		*section = (end != NULL && end != star + 1 &&
		            (*end == '\0' || strcmp(end, "*") == 0) && v >= 0 && v < 1000)
		           ? (int)v : -3;
	}
	return g_strndup(name, (gsize)(star - name));
}

/* The value the plain (or the RFC 2231) forms in PS, the parameters named
 * BASE, decode to alone (RFC 2047 / 2231 applied, with the charset rules
 * of the delivered name: mk_hdr_param), or NULL. */
static char *
decode_alone(GPtrArray *ps, const char *base, bool extended)
{
	GString *g = g_string_new("x");
	char *v;

	for (guint i = 0; i < ps->len; i++) {
		wparam *w = g_ptr_array_index(ps, i);

		if ((strchr(w->name, '*') != NULL) == extended)
			g_string_append_printf(g, "; %s=%s", w->name, w->raw);
	}
	v = mk_hdr_param(g->str, base);
	g_string_free(g, TRUE);
	return v;
}

static bool
same_text(const char *a, const char *b)
{
	char *na, *nb, *fa, *fb;
	bool same;

	if (a == NULL || b == NULL)
		return a == b;
	na = g_utf8_normalize(a, -1, G_NORMALIZE_NFC);
	nb = g_utf8_normalize(b, -1, G_NORMALIZE_NFC);
	if (na == NULL || nb == NULL) {
		same = strcmp(a, b) == 0;
	} else {
		fa = g_utf8_casefold(g_strstrip(na), -1);
		fb = g_utf8_casefold(g_strstrip(nb), -1);
		same = strcmp(fa, fb) == 0;
		g_free(fa);
		g_free(fb);
	}
	g_free(na);
	g_free(nb);
	return same;
}

/* Collisions among the forms PS (wparam*, all named BASE) of one
 * parameter of header HDR. */
static void
check_base(mk_node *n, const char *hdr, GPtrArray *ps, const char *base)
{
	const char *plain = NULL, *ext = NULL;
	GHashTable *secs = g_hash_table_new(g_direct_hash, g_direct_equal);
	const char *why = NULL;
	int sec;

	for (guint i = 0; i < ps->len && why == NULL; i++) {
		wparam *w = g_ptr_array_index(ps, i);

		g_free(param_base(w->name, &sec));
		if (sec == -1 && plain != NULL && strcmp(plain, w->value) != 0)
			why = "repeated with another value";
		else if (sec == -2 && ext != NULL && strcmp(ext, w->value) != 0)
			why = "repeated with another value";
		else if (sec >= 0 && g_hash_table_contains(secs, GINT_TO_POINTER(sec)))
			why = "has a continuation section twice";
		else if (sec == -3)
			why = "has a malformed RFC 2231 section";
		if (sec == -1 && plain == NULL)
			plain = w->value;
		if (sec == -2 && ext == NULL)
			ext = w->value;
		if (sec >= 0)
			g_hash_table_add(secs, GINT_TO_POINTER(sec));
	}
	if (why == NULL && ext != NULL && g_hash_table_size(secs) > 0)
		why = "has both an extended value and continuations";
	if (why == NULL && plain != NULL && (ext != NULL || g_hash_table_size(secs) > 0)) {
		char *a = decode_alone(ps, base, false), *b = decode_alone(ps, base, true);

		if (!same_text(a, b))
			why = "has an RFC 2231 value that differs from its plain value";
		g_free(a);
		g_free(b);
	}
	if (why != NULL && !mk_node_has_finding(n, MK_F_AMBIGUOUS_MIME))
		mk_node_add_finding(n, MK_F_AMBIGUOUS_MIME, "%s parameter \"%.40s\" %s",
		                    hdr, base, why);
	g_hash_table_destroy(secs);
}

/* The parameters of one header grouped by base name (linear in their
 * number: a header of many thousand parameters costs no more than its
 * size), each group judged once. */
static void
check_params(mk_node *n, const char *hdr, const char *value)
{
	const char *junk = NULL;
	GPtrArray *ps = parse_params(value, &junk);
	GHashTable *groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                           (GDestroyNotify)g_ptr_array_unref);
	GPtrArray *order = g_ptr_array_new();   /* bases, first seen first */
	int sec;

	if (junk != NULL && !mk_node_has_finding(n, MK_F_AMBIGUOUS_MIME))
		mk_node_add_finding(n, MK_F_AMBIGUOUS_MIME, "%s has %s", hdr, junk);
	for (guint i = 0; i < ps->len; i++) {
		wparam *w = g_ptr_array_index(ps, i);
		char *b = param_base(w->name, &sec);
		GPtrArray *g = g_hash_table_lookup(groups, b);

		if (g == NULL) {
			g = g_ptr_array_new();
			g_hash_table_insert(groups, b, g);
			g_ptr_array_add(order, b);
		} else {
			g_free(b);
		}
		g_ptr_array_add(g, w);
	}
	for (guint i = 0; i < order->len; i++)
		check_base(n, hdr, g_hash_table_lookup(groups, order->pdata[i]),
		           order->pdata[i]);
	g_ptr_array_free(order, TRUE);
	g_hash_table_destroy(groups);
	g_ptr_array_unref(ps);
}

static void
check_names(mk_node *n, GMimeObject *obj)
{
	/* decoded as the delivered name is (mk_hdr_file_name) */
	char *name = mk_hdr_obj_param(obj, "Content-Type", "name");
	char *file = mk_hdr_obj_param(obj, "Content-Disposition", "filename");

	if (name != NULL && file != NULL && *name != '\0' && *file != '\0' &&
	    !same_text(name, file) && !mk_node_has_finding(n, MK_F_AMBIGUOUS_MIME))
		mk_node_add_finding(n, MK_F_AMBIGUOUS_MIME, "Content-Type name and "
		                    "Content-Disposition filename differ");
	g_free(name);
	g_free(file);
}

void
mk_mime_ambig_check(mk_node *n, GMimeObject *obj)
{
	static const char *const hdrs[] = {
		"Content-Type", "Content-Disposition", "Content-Transfer-Encoding",
	};
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	const char *first[G_N_ELEMENTS(hdrs)] = { NULL };
	bool repeated[G_N_ELEMENTS(hdrs)] = { false };

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);

		for (gsize k = 0; name != NULL && raw != NULL && k < G_N_ELEMENTS(hdrs); k++) {
			if (g_ascii_strcasecmp(name, hdrs[k]) != 0)
				continue;
			if (first[k] != NULL && !repeated[k] && !same_text(first[k], raw) &&
			    !mk_node_has_finding(n, MK_F_AMBIGUOUS_MIME)) {
				repeated[k] = true;
				mk_node_add_finding(n, MK_F_AMBIGUOUS_MIME,
				                    "%s repeated with another value", hdrs[k]);
			}
			if (first[k] == NULL)
				first[k] = raw;
			if (k < 2)
				check_params(n, hdrs[k], raw);
		}
	}
	check_names(n, obj);
}
