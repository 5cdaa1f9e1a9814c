/*
 * NAME
 *   body - the sanitize step: bodies rendered to UTF-8 text, filters run
 *   for parts whose action is "sanitize"
 *
 * DESCRIPTION
 *   Walks only what could be forwarded: a subtree whose action is strip or
 *   worse is skipped, an allowed container (archive) goes as one piece, a
 *   container being sanitized gets its members sanitized first so that its
 *   filter can rebuild it from them.  A body becomes n->text (charset
 *   decoded, uuencoded blocks removed, HTML rendered, links defanged) and a
 *   text part (HTML, plain text, CSV, iCalendar) its n->out in the worker's
 *   "text" run (f_wtext.h); every other part becomes n->out through its
 *   registered filter.  A missing filter or a failure is a finding that
 *   raises the node's action (no_filter, filter_failed, worker_crash):
 *   nothing falls back to the original bytes.
 *
 *   Sandboxed runs (worker filters: PDF, Office, RTF, images) read only
 *   their own node's data and write only their own node, so those of one
 *   tree are started together, on up to worker.parallel threads (0: one
 *   per CPU), before the ordered walk, which then finds them done: a mail
 *   with a PDF and two images waits for its slowest document, not for the
 *   sum.  All bodies and text parts of the tree go to the worker in one
 *   "text" run on the calling thread meanwhile (one fork per item, not per
 *   part).  The walk itself and archive rebuilds stay in order on the
 *   calling thread.
 *
 *   A sandboxed run for bytes the engine's sanitize cache already holds a
 *   result for (same sha256, filter, configuration and database:
 *   sancache.h) takes that result instead of running again; a new
 *   successful run is put into the cache.
 *
 * NEVER
 *   Changes n->data.
 */
#include "body.h"

#include <string.h>

#include "f_worker.h"
#include "f_wtext.h"
#include "log.h"
#include "policy.h"
#include "registry.h"

/* The end of a filter run: output kept, or filter_failed. */
static void
filter_done(const mk_config *cfg, mk_node *n, const char *name, int rc,
            const mk_error *err)
{
	if (rc < 0 || n->out == NULL) {
		mk_set_str(&n->filter_result, "failed");
		mk_node_add_finding(n, MK_F_FILTER_FAILED, "%s: %s", name,
		                    err->msg[0] ? err->msg : "no output");
		mk_policy_raise(cfg, n, MK_F_FILTER_FAILED);
		if (n->out != NULL) {
			g_bytes_unref(n->out);
			n->out = NULL;
		}
		return;
	}
	mk_set_str(&n->filter_result, "ok");
}

/* A sandboxed run already made for these bytes (sancache.h): its output,
 * type, notes and the findings they carry, as mk_worker_filter() sets
 * them. */
static bool
cached_run(mk_sancache *cache, const mk_filter *f, mk_node *n)
{
	GBytes *out = NULL;
	char *type = NULL;
	GPtrArray *notes;

	if (cache == NULL || f->run != mk_worker_filter)
		return false;
	notes = g_ptr_array_new_with_free_func(g_free);
	if (!mk_sancache_get(cache, f->name, n->sha256, &out, &type, notes)) {
		g_ptr_array_unref(notes);
		return false;
	}
	mk_worker_apply_notes(n, f->name, notes);   /* and their findings */
	g_ptr_array_unref(notes);
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = out;
	g_free(n->out_type);
	n->out_type = type;
	g_free(n->out_name);
	n->out_name = mk_worker_out_name(n->declared_name, n->out_type);
	mk_log(MK_LOG_DEBUG, n->path, "%s: output of an earlier run of the same "
	       "bytes (sanitize cache)", f->name);
	return true;
}

static void
run_filter(const mk_config *cfg, mk_sancache *cache, mk_node *n)
{
	const mk_filter *f = mk_filter_find(n->true_type);
	mk_error err = { 0 };
	guint notes0 = n->notes->len;
	int rc;

	if (f == NULL) {
		mk_node_add_finding(n, MK_F_NO_FILTER, "%s", n->true_type);
		mk_policy_raise(cfg, n, MK_F_NO_FILTER);
		return;
	}
	mk_set_str(&n->filter, f->name);
	if (cached_run(cache, f, n)) {
		mk_set_str(&n->filter_result, "ok");
		return;
	}
	rc = f->run(cfg, n, &err);
	filter_done(cfg, n, f->name, rc, &err);
	if (cache != NULL && f->run == mk_worker_filter && n->out != NULL &&
	    g_strcmp0(n->filter_result, "ok") == 0) {
		GPtrArray *notes = g_ptr_array_new();

		for (guint i = notes0; i < n->notes->len; i++)
			g_ptr_array_add(notes, g_ptr_array_index(n->notes, i));
		mk_sancache_put(cache, f->name, n->sha256, n->out, n->out_type, notes);
		g_ptr_array_unref(notes);
	}
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
	mk_sancache *cache;
	GPtrArray *nodes;     /* the sandboxed runs of the tree */
	gint next;            /* index of the next one to take (atomic) */
	GPtrArray *text;      /* bodies and text parts: one "text" run */
	GHashTable *done;     /* the nodes of that run */
} par_runs;

static void
collect_sandboxed(mk_node *n, void *user)
{
	par_runs *pr = user;
	const mk_filter *f;

	if (mk_wtext_op(n) != NULL) {
		g_ptr_array_add(pr->text, n);
		return;
	}
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
		run_filter(pr->cfg, pr->cache, g_ptr_array_index(pr->nodes, i));
	return NULL;
}

/* Every body and text part of the tree in one worker run. */
static void
run_text(par_runs *pr)
{
	guint len = pr->text->len;
	int *rcs = g_new0(int, MAX(len, 1));
	mk_error *errs = g_new0(mk_error, MAX(len, 1));
	const char **ops = g_new0(const char *, MAX(len, 1));

	/* before the run: a finding may change a body's rule */
	for (guint i = 0; i < len; i++)
		ops[i] = mk_wtext_op(g_ptr_array_index(pr->text, i));
	mk_wtext_run(pr->cfg, pr->text, ops, rcs, errs);
	for (guint i = 0; i < len; i++) {
		mk_node *n = g_ptr_array_index(pr->text, i);
		const char *op = ops[i];

		g_hash_table_add(pr->done, n);
		if (op != NULL && strcmp(op, "body") != 0) {
			mk_set_str(&n->filter, op);
			filter_done(pr->cfg, n, op, rcs[i], &errs[i]);
		}
	}
	g_free(ops);
	g_free(errs);
	g_free(rcs);
}

static void
run_sandboxed_together(par_runs *pr, mk_node *root)
{
	guint want = pr->cfg->worker.parallel > 0 ? (guint)pr->cfg->worker.parallel
	                                          : g_get_num_processors();
	GThread *th[64];
	guint nth = 0;

	walk(root, collect_sandboxed, pr);
	want = MIN(MIN(want, pr->nodes->len + (pr->text->len > 0)), G_N_ELEMENTS(th));
	/* the calling thread is one of them; only a second run needs threads */
	for (guint t = 1; t < want; t++) {
		th[nth] = g_thread_try_new("mk-sanitize", par_thread, pr, NULL);
		if (th[nth] != NULL)
			nth++;
	}
	if (pr->text->len > 0)
		run_text(pr);
	par_thread(pr);
	for (guint t = 0; t < nth; t++)
		g_thread_join(th[t]);
}

static void
sanitize_one(mk_node *n, void *user)
{
	par_runs *pr = user;

	if (g_hash_table_contains(pr->done, n))
		return;
	if (mk_wtext_is_body(n)) {
		g_ptr_array_set_size(pr->text, 0);
		g_ptr_array_add(pr->text, n);
		run_text(pr);
	} else if (n->filter_result == NULL) {   /* not run together before */
		run_filter(pr->cfg, pr->cache, n);
	}
}

void
mk_sanitize_tree(const mk_config *cfg, mk_sancache *cache, mk_node *root)
{
	par_runs pr = { cfg, cache, g_ptr_array_new(), 0, g_ptr_array_new(),
	                g_hash_table_new(NULL, NULL) };

	run_sandboxed_together(&pr, root);
	walk(root, sanitize_one, &pr);
	g_hash_table_unref(pr.done);
	g_ptr_array_unref(pr.text);
	g_ptr_array_unref(pr.nodes);
}
