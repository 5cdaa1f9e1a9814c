/*
 * NAME
 *   f_textrun - the text filters and the body rendering, as the worker's
 *   "text" run does them (contract: f_textrun.h)
 *
 * DESCRIPTION
 *   A body becomes n->text: charset decoded (f_text), uuencoded blocks
 *   removed, HTML rendered (f_html), links defanged.  A text part becomes
 *   n->out through html2text, text, csv (f_csv.h) or ics (f_ics.h).  The
 *   findings go on the node; which of them raise its action is the
 *   engine's business (src/engine/textrun.c).
 *
 * NEVER
 *   Changes n->data; decides an action.
 */
#include "f_textrun.h"

#include <string.h>

#include "f_csv.h"
#include "f_html.h"
#include "f_ics.h"
#include "f_linkmark.h"
#include "f_text.h"
#include "registry.h"
#include "uu.h"

int
mk_filter_decode(const mk_config *cfg, mk_node *n, const char *what,
                 char **out, mk_error *err)
{
	gsize len = 0;
	const char *p = n->data ? g_bytes_get_data(n->data, &len) : NULL;
	char *used = NULL, *utf8;
	bool guessed = false, high = false;

	if ((gint64)len > cfg->limits.max_text_size) {
		mk_error_set(err, MK_ERR_LIMIT, "%s of %zu bytes over "
		             "limits.max_text_size", what, (size_t)len);
		return MK_ERR_LIMIT;
	}
	utf8 = mk_text_to_utf8(p ? p : "", len, n->charset, &used, &guessed, err);
	for (gsize i = 0; i < len && !high; i++)
		high = (guchar)p[i] >= 0x80 || p[i] == 0x1B;
	if (utf8 != NULL && guessed && high)
		mk_node_add_finding(n, MK_F_CHARSET, "declared %s, decoded as %s",
		                    n->charset ? n->charset : "(none)",
		                    used ? used : "?");
	g_free(used);
	*out = utf8;
	return utf8 ? 0 : MK_ERR_SOFTWARE;
}

static void
set_output(mk_node *n, char *text, const char *type, const char *name)
{
	if (n->out != NULL)
		g_bytes_unref(n->out);
	mk_set_str(&n->text, text);
	n->out = g_bytes_new_take(text, strlen(text));
	mk_set_str(&n->out_type, type);
	mk_set_str(&n->out_name, name);
}

/* "report.html" -> "report.txt", "x" -> "x.txt", NULL -> "message.txt". */
static char *
txt_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (name == NULL || *name == '\0')
		return g_strdup("message.txt");
	if (dot == NULL || dot == name)
		return g_strconcat(name, ".txt", NULL);
	return g_strdup_printf("%.*s.txt", (int)(dot - name), name);
}

static int
run_html(const mk_config *cfg, mk_node *n, mk_error *err)
{
	bool truncated = false;
	unsigned misleading = 0;
	mk_html_opts o = { .defang = cfg->text.defang_links,
	                   .show_links = cfg->text.show_link_targets,
	                   .max_nodes = cfg->limits.html_max_nodes,
	                   .truncated = &truncated,
	                   .mismatch_mark = MK_HTML_MISMATCH_MARK(cfg->general.language),
	                   .mismatches = &misleading };
	char *utf8 = NULL, *text = NULL, *name = NULL;
	int rc = mk_filter_decode(cfg, n, "text", &utf8, err);

	if (rc < 0)
		goto out;
	text = mk_html_to_text(utf8, strlen(utf8), &o, err);
	rc = MK_ERR_SOFTWARE;
	if (text == NULL)
		goto out;
	if (truncated) {
		mk_node_add_finding(n, MK_F_LIMIT, "HTML over limits.html_max_nodes"
		                    " elements");
		mk_error_set(err, MK_ERR_LIMIT, "HTML over limits.html_max_nodes");
		rc = MK_ERR_LIMIT;
		goto out;
	}
	if (misleading > 0)
		mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%u link(s) whose shown "
		                    "text names another target", misleading);
	name = txt_name(n->declared_name);
	set_output(n, text, "text/plain", name);
	text = NULL;
	rc = 0;
out:
	g_free(name);
	g_free(text);
	g_free(utf8);
	return rc;
}

static int
run_text(const mk_config *cfg, mk_node *n, mk_error *err)
{
	char *utf8 = NULL, *norm = NULL, *text = NULL;
	int rc = mk_filter_decode(cfg, n, "text", &utf8, err);

	if (rc < 0)
		goto out;
	unsigned misleading = 0;
	char *marked = mk_text_mark_misleading(utf8,
	                   MK_HTML_MISMATCH_MARK(cfg->general.language), &misleading);
	norm = mk_text_normalise(marked);
	g_free(marked);
	text = cfg->text.defang_links ? mk_text_defang(norm) : g_strdup(norm);
	if (misleading > 0)
		mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%u link(s) whose shown "
		                    "text names another target", misleading);
	set_output(n, text, g_strcmp0(n->true_type, "text/csv") == 0
	                        ? "text/csv" : "text/plain", n->declared_name);
	text = NULL;
	rc = 0;
out:
	g_free(text);
	g_free(norm);
	g_free(utf8);
	return rc;
}

static bool
is_html(const mk_node *n)
{
	const char *t = n->true_type ? n->true_type : "";
	const char *d = n->declared_type ? n->declared_type : "";

	return strcmp(t, "text/html") == 0 || strcmp(d, "text/html") == 0 ||
	       strcmp(t, "application/xhtml+xml") == 0;
}

static bool
ascii_only(const char *p, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80 || p[i] == 0x1b)
			return false;
	return true;
}

static char *
render_text(const mk_config *cfg, const char *utf8)
{
	char *nouu = mk_uu_strip(utf8);
	char *norm = mk_text_normalise(nouu ? nouu : utf8);
	char *out = norm;

	if (norm != NULL && cfg->text.defang_links) {
		out = mk_text_defang(norm);
		g_free(norm);
	}
	g_free(nouu);
	return out;
}

/* Rendering can form a uuencoded block the raw text did not have (lines
 * split by <br>/<div>, bare CR or U+2028, a "b<ZWSP>egin" made "begin" by
 * normalising): what goes on is checked once more and such a block removed. */
static void
strip_formed_uu(mk_node *n)
{
	char *clean = mk_uu_strip(n->text);

	if (clean != NULL && strcmp(clean, n->text) != 0) {
		mk_node_add_finding(n, MK_F_UUENCODE, "encoded block formed by "
		                    "rendering the body, removed");
		g_free(n->text);
		n->text = clean;
		clean = NULL;
	}
	g_free(clean);
}

static void
render_body(const mk_config *cfg, mk_node *n)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(n->data, &len);
	char *used = NULL, *utf8 = NULL;
	bool guessed = false;
	mk_error err = { 0 };

	if ((gint64)len > cfg->limits.max_text_size) {
		mk_node_add_finding(n, MK_F_LIMIT, "text body of %zu bytes over "
		                    "limits.max_text_size", (size_t)len);
		return;
	}
	utf8 = mk_text_to_utf8(p ? p : "", len, n->charset, &used, &guessed, &err);
	if (utf8 == NULL) {
		mk_node_add_finding(n, MK_F_FILTER_FAILED, "charset: %s", err.msg);
		return;
	}
	/* undeclared pure ASCII is simply us-ascii (RFC 2045), not a guess */
	if (guessed && (n->charset != NULL || !ascii_only(p, len)))
		mk_node_add_finding(n, MK_F_CHARSET, "declared %s, decoded as %s",
		                    n->charset ? n->charset : "(none)", used ? used : "?");
	if (is_html(n)) {
		bool truncated = false;
		unsigned misleading = 0;
		mk_html_opts o = { .defang = cfg->text.defang_links,
			.show_links = cfg->text.show_link_targets,
			.max_nodes = cfg->limits.html_max_nodes, .truncated = &truncated,
			.mismatch_mark = MK_HTML_MISMATCH_MARK(cfg->general.language),
			.mismatches = &misleading };
		n->text = mk_html_to_text(utf8, strlen(utf8), &o, &err);
		mk_set_str(&n->filter, "html2text");
		if (misleading > 0)
			mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%u link(s) whose "
			                    "shown text names another target", misleading);
		if (truncated) {
			mk_node_add_finding(n, MK_F_LIMIT, "HTML body over "
			                    "limits.html_max_nodes elements, cut");
		}
	} else {
		unsigned misleading = 0;
		char *marked = mk_text_mark_misleading(utf8,
		                   MK_HTML_MISMATCH_MARK(cfg->general.language), &misleading);
		n->text = render_text(cfg, marked);
		g_free(marked);
		if (n->text != NULL && strcmp(n->text, utf8) != 0)
			mk_set_str(&n->filter, "text");
		if (misleading > 0)
			mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%u link(s) whose "
			                    "shown text names another target", misleading);
	}
	if (n->text == NULL) {
		mk_node_add_finding(n, MK_F_FILTER_FAILED, "%s", err.msg);
	} else {
		strip_formed_uu(n);
		mk_set_str(&n->filter_result, "ok");
	}
	g_free(utf8);
	g_free(used);
}

static const struct {
	const char *name;
	int (*run)(const mk_config *cfg, mk_node *n, mk_error *err);
} text_filters[] = {
	{ "html2text", run_html }, { "text", run_text },
	{ "csv", mk_csv_filter }, { "ics", mk_ics_filter },
};

int
mk_textrun_part(const mk_config *cfg, mk_node *n, const char *op, mk_error *err)
{
	if (g_strcmp0(op, "body") == 0) {
		render_body(cfg, n);
		return 0;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(text_filters); i++)
		if (g_strcmp0(op, text_filters[i].name) == 0) {
			mk_set_str(&n->filter, op);
			return text_filters[i].run(cfg, n, err);
		}
	mk_error_set(err, MK_ERR_SOFTWARE, "no text filter %s", op ? op : "(none)");
	return MK_ERR_SOFTWARE;
}
