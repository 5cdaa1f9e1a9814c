/*
 * NAME
 *   scanstep - virus scan of the tree and the original (see scanstep.h)
 *
 *   The original is scanned once more as a whole, except when the tree is
 *   one leaf holding exactly the original bytes (a plain file): that scan
 *   would be the same scan twice.
 *
 * NEVER
 *   Treats a scanner failure as clean.
 */
#include "scanstep.h"

#include <string.h>

static bool
needs_scan(const mk_node *n)
{
	if (n->data == NULL || n->kind == MK_NODE_MESSAGE ||
	    n->kind == MK_NODE_MULTIPART)
		return false;
	if (n->children->len == 0)
		return true;
	/* a container we could not fully open: let libclamav try */
	return mk_node_has_finding(n, MK_F_ENCRYPTED) ||
	       mk_node_has_finding(n, MK_F_PARSE_ERROR) ||
	       mk_node_has_finding(n, MK_F_LIMIT);
}

static void
add_hits(mk_node *n, GPtrArray *hits, GHashTable *seen)
{
	for (guint i = 0; i < hits->len; i++) {
		const char *name = g_ptr_array_index(hits, i);
		int code = mk_scanner_hit_finding(name);
		if (seen != NULL)
			g_hash_table_add(seen, g_strdup(name));
		if (!mk_node_has_finding(n, (mk_finding_code)code) ||
		    code == MK_F_VIRUS)
			mk_node_add_finding(n, (mk_finding_code)code, "%s", name);
	}
}

typedef struct walk_ctx {
	mk_scanner *s;
	GHashTable *seen;   /* hit names already attributed to a node */
} walk_ctx;

static bool
scan_node(mk_node *n, void *user)
{
	walk_ctx *w = user;
	GPtrArray *hits;
	mk_error err = { 0 };
	gsize len = 0;
	const void *p;

	if (!needs_scan(n))
		return true;
	hits = g_ptr_array_new_with_free_func(g_free);
	p = g_bytes_get_data(n->data, &len);
	int rc = mk_scanner_scan(w->s, p ? p : "", len, hits, &err);
	if (rc < 0)
		mk_node_add_finding(n, MK_F_SCAN_ERROR, "%s", err.msg);
	else
		add_hits(n, hits, w->seen);
	g_ptr_array_unref(hits);
	return true;
}

void
mk_scan_tree(mk_scanner *s, mk_node *root, GBytes *original)
{
	walk_ctx w = { s, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
	mk_error err = { 0 };

	if (s == NULL) {
		mk_node_add_finding(root, MK_F_SCAN_ERROR, "no virus scanner loaded");
		goto out;
	}
	mk_node_walk(root, scan_node, &w);
	/* A single leaf holding the original bytes was just scanned as such. */
	if (original != NULL && needs_scan(root) && root->data != NULL &&
	    g_bytes_equal(root->data, original))
		original = NULL;
	if (original != NULL) {
		GPtrArray *hits = g_ptr_array_new_with_free_func(g_free);
		gsize len = 0;
		const void *p = g_bytes_get_data(original, &len);
		int rc = mk_scanner_scan(s, p ? p : "", len, hits, &err);
		if (rc < 0) {
			mk_node_add_finding(root, MK_F_SCAN_ERROR, "%s", err.msg);
		} else {
			/* keep only what no node explains */
			for (guint i = hits->len; i > 0; i--)
				if (g_hash_table_contains(w.seen, g_ptr_array_index(hits, i - 1)))
					g_ptr_array_remove_index(hits, i - 1);
			add_hits(root, hits, NULL);
		}
		g_ptr_array_unref(hits);
	}
out:
	g_hash_table_unref(w.seen);
}
