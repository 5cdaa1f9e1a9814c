/*
 * NAME
 *   body - the sanitize step: bodies rendered to UTF-8 text, filters run
 *   for parts whose action is "sanitize"
 *
 * DESCRIPTION
 *   Walks only what could be forwarded: a subtree whose action is strip or
 *   worse is skipped, an allowed container (archive) goes as one piece, a
 *   container being sanitized gets its members sanitized first so that its
 *   filter can rebuild it from them.  A body becomes n->text: charset decoded (f_text), uuencoded
 *   blocks removed, HTML rendered (f_html), links defanged.  A part becomes
 *   n->out through its registered filter.  A missing filter or a failure is
 *   a finding that raises the node's action (no_filter, filter_failed):
 *   nothing falls back to the original bytes.
 *
 *   Sandboxed runs (worker filters: PDF, Office, RTF, images) read only
 *   their own node's data and write only their own node, so those of one
 *   tree are started together, on up to worker.parallel threads (0: one
 *   per CPU), before the ordered walk, which then finds them done: a mail
 *   with a PDF and two images waits for its slowest document, not for the
 *   sum.  The walk itself, bodies, in-process filters and archive
 *   rebuilds stay in order on the calling thread.
 *
 * NEVER
 *   Changes n->data.
 */
#include "body.h"

#include <string.h>

#include "f_html.h"
#include "f_linkmark.h"
#include "f_text.h"
#include "f_worker.h"
#include "policy.h"
#include "registry.h"
#include "uu.h"

static bool
is_html(const mk_node *n)
{
	const char *t = n->true_type ? n->true_type : "";
	const char *d = n->declared_type ? n->declared_type : "";

	return strcmp(t, "text/html") == 0 || strcmp(d, "text/html") == 0 ||
	       strcmp(t, "application/xhtml+xml") == 0;
}

static void
raise_for(const mk_config *cfg, mk_node *n, mk_finding_code code)
{
	if (cfg->finding_action[code] > n->action) {
		n->action = cfg->finding_action[code];
		g_free(n->rule);
		n->rule = g_strdup_printf("finding:%s", mk_finding_name(code));
	}
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
		raise_for(cfg, n, MK_F_LIMIT);
		return;
	}
	utf8 = mk_text_to_utf8(p ? p : "", len, n->charset, &used, &guessed, &err);
	if (utf8 == NULL) {
		mk_node_add_finding(n, MK_F_FILTER_FAILED, "charset: %s", err.msg);
		raise_for(cfg, n, MK_F_FILTER_FAILED);
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
			raise_for(cfg, n, MK_F_LIMIT);
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
		raise_for(cfg, n, MK_F_FILTER_FAILED);
	} else {
		strip_formed_uu(n);
		mk_set_str(&n->filter_result, "ok");
	}
	g_free(utf8);
	g_free(used);
}

static void
run_filter(const mk_config *cfg, mk_node *n)
{
	const mk_filter *f = mk_filter_find(n->true_type);
	mk_error err = { 0 };

	if (f == NULL) {
		mk_node_add_finding(n, MK_F_NO_FILTER, "%s", n->true_type);
		raise_for(cfg, n, MK_F_NO_FILTER);
		return;
	}
	mk_set_str(&n->filter, f->name);
	if (f->run(cfg, n, &err) < 0 || n->out == NULL) {
		mk_set_str(&n->filter_result, "failed");
		mk_node_add_finding(n, MK_F_FILTER_FAILED, "%s: %s", f->name,
		                    err.msg[0] ? err.msg : "no output");
		raise_for(cfg, n, MK_F_FILTER_FAILED);
		if (n->out != NULL) {
			g_bytes_unref(n->out);
			n->out = NULL;
		}
		return;
	}
	mk_set_str(&n->filter_result, "ok");
}

static bool
is_body(const mk_node *n)
{
	return n->role == MK_ROLE_BODY && g_strcmp0(n->rule, "body") == 0;
}

/* The walk of sanitize_node(): VISIT(n) for every node it would filter, in
 * its order (members before their container). */
static void
walk(mk_node *n, void (*visit)(mk_node *, void *), void *user)
{
	if (n->action >= MK_ACT_STRIP)
		return;
	bool leaf = n->kind != MK_NODE_MESSAGE && n->kind != MK_NODE_MULTIPART;
	bool kept = leaf && n->children->len > 0 && !mk_policy_is_unwrapped(n);

	/* an allowed container goes as one piece; a container being sanitized
	 * (archive rebuild) needs its members sanitized first */
	if (!kept || n->action == MK_ACT_SANITIZE)
		for (guint i = 0; i < n->children->len; i++)
			walk(g_ptr_array_index(n->children, i), visit, user);
	if (leaf && n->action == MK_ACT_SANITIZE)
		visit(n, user);
}

typedef struct {
	const mk_config *cfg;
	GPtrArray *nodes;     /* the sandboxed runs of the tree */
	gint next;            /* index of the next one to take (atomic) */
} par_runs;

static void
collect_sandboxed(mk_node *n, void *user)
{
	par_runs *pr = user;
	const mk_filter *f;

	if (is_body(n))
		return;
	f = mk_filter_find(n->true_type);
	if (f != NULL && f->run == mk_worker_filter)
		g_ptr_array_add(pr->nodes, n);
}

static gpointer
par_thread(gpointer user)
{
	par_runs *pr = user;
	gint i;

	while ((i = g_atomic_int_add(&pr->next, 1)) < (gint)pr->nodes->len)
		run_filter(pr->cfg, g_ptr_array_index(pr->nodes, i));
	return NULL;
}

static void
run_sandboxed_together(const mk_config *cfg, mk_node *root)
{
	par_runs pr = { cfg, g_ptr_array_new(), 0 };
	guint want = cfg->worker.parallel > 0 ? (guint)cfg->worker.parallel
	                                      : g_get_num_processors();
	GThread *th[64];
	guint nth = 0;

	walk(root, collect_sandboxed, &pr);
	want = MIN(MIN(want, pr.nodes->len), G_N_ELEMENTS(th));
	/* the calling thread is one of them; only a second run needs threads */
	for (guint t = 1; t < want; t++) {
		th[nth] = g_thread_try_new("mk-sanitize", par_thread, &pr, NULL);
		if (th[nth] != NULL)
			nth++;
	}
	par_thread(&pr);
	for (guint t = 0; t < nth; t++)
		g_thread_join(th[t]);
	g_ptr_array_unref(pr.nodes);
}

static void
sanitize_one(mk_node *n, void *user)
{
	const mk_config *cfg = user;

	if (is_body(n))
		render_body(cfg, n);
	else if (n->filter_result == NULL)   /* not run together before */
		run_filter(cfg, n);
}

void
mk_sanitize_tree(const mk_config *cfg, mk_node *root)
{
	run_sandboxed_together(cfg, root);
	walk(root, sanitize_one, (void *)cfg);
}
