/*
 * NAME
 *   expand - classify every leaf and unpack containers, recursively
 *
 * DESCRIPTION
 *   Dispatch only: sniff (true type, libmagic), names, then the worker's
 *   unpack run (unpack.h) for every leaf that is a container, an Office or
 *   RTF document, TNEF or a text with uuencoded blocks: the zip type
 *   refinement, the Office inspection and the container parsers (archive,
 *   TNEF, uuencode) run in mukaika-worker, and their findings and children
 *   come back as a node list.  Attached messages that were not declared
 *   message/rfc822 are parsed here (GMime).  Every step adds findings to
 *   the node; none of them drops content.  Work stops at the item's time
 *   budget with a `limit` finding on the node that was next.
 *
 * NEVER
 *   Writes to the filesystem, follows a name, decides an action, or
 *   parses a container in this process.
 */
#include "expand.h"

#include <string.h>

#include "mime.h"
#include "names.h"
#include "sniff.h"
#include "tnef.h"
#include "unpack.h"

static int expand_node(mk_ctx *ctx, mk_node *n, mk_error *err);

static bool
type_is(const mk_node *n, const char *t)
{
	return n->true_type != NULL && strcmp(n->true_type, t) == 0;
}

static bool
declared_is(const mk_node *n, const char *t)
{
	return n->declared_type != NULL && strcmp(n->declared_type, t) == 0;
}

/* Re-number PATH and depth below N after it moved under a new parent. */
static void
renumber(mk_node *n)
{
	for (guint i = 0; i < n->children->len; i++) {
		mk_node *c = g_ptr_array_index(n->children, i);
		g_free(c->path);
		c->path = g_strdup_printf("%s.%u", n->path, i + 1);
		c->depth = n->depth + 1;
		c->archive_depth = n->archive_depth + (c->kind == MK_NODE_MEMBER ? 1 : 0);
		renumber(c);
	}
}

/* A leaf whose content is a whole message (e.g. an .eml sent as
 * application/octet-stream): parse it and hang the message below it. */
static int
expand_message(mk_ctx *ctx, mk_node *leaf, mk_error *err)
{
	mk_node *msg;

	if (leaf->depth >= ctx->cfg->limits.max_mime_depth) {
		mk_node_add_finding(leaf, MK_F_LIMIT, "attached message nested deeper "
		                    "than limits.max_mime_depth (%" G_GINT64_FORMAT ")",
		                    ctx->cfg->limits.max_mime_depth);
		return 0;
	}
	msg = mk_mime_parse(ctx, leaf->data, err);
	if (msg == NULL)
		return MK_ERR_SOFTWARE;
	msg->parent = leaf;
	g_ptr_array_add(leaf->children, msg);
	g_free(msg->path);
	msg->path = g_strdup_printf("%s.%u", leaf->path, leaf->children->len);
	msg->depth = leaf->depth + 1;
	msg->archive_depth = leaf->archive_depth;
	renumber(msg);
	mk_node_add_finding(leaf, MK_F_NESTED_MESSAGE, NULL);
	return 0;
}

/* Uuencoded blocks are looked for in text a reader gets. */
static bool
uu_wanted(const mk_node *n)
{
	return g_str_has_prefix(n->true_type, "text/") &&
	       (n->role == MK_ROLE_BODY || n->role == MK_ROLE_ATTACHMENT ||
	        n->kind == MK_NODE_FILE);
}

/* What is left for this process: messages (GMime).  TNEF was the
 * worker's, whatever its declared or sniffed type. */
static int
unpack(mk_ctx *ctx, mk_node *n, mk_error *err)
{
	if (mk_tnef_is_tnef(g_bytes_get_data(n->data, NULL), g_bytes_get_size(n->data)))
		return 0;
	if (type_is(n, "message/rfc822") || type_is(n, "message/news"))
		return n->kind == MK_NODE_MESSAGE ? 0 : expand_message(ctx, n, err);
	return 0;
}

/* Text that libmagic does not call markup, in a file whose name (or, for an
 * attachment, declared type) makes a browser or viewer render it as markup
 * ("x.html" with 10 KB of blanks first, an SVG after 3 000 lines, a .csv
 * whose first line is prose and whose second is a formula): handled
 * as the markup type, so it is sanitized or held like the real thing and
 * never passed as plain text.  Body parts are rendered by their declared
 * type already (body.c).  libmagic's answer stays in n->magic. */
static void
render_as_named(mk_node *n)
{
	const char *as;
	char *magic;

	if (n->role == MK_ROLE_BODY || !g_str_has_prefix(n->true_type, "text/") ||
	    strcmp(n->true_type, "text/html") == 0 || strcmp(n->true_type, "text/xml") == 0)
		return;
	as = mk_names_rendered_as(n->declared_name, n->declared_type);
	if (as == NULL || strcmp(as, n->true_type) == 0)
		return;
	magic = g_strdup_printf("%s (handled as %s: its name or declared type "
	                        "is rendered so)", n->magic ? n->magic : n->true_type, as);
	g_free(n->magic);
	n->magic = magic;
	mk_set_str(&n->true_type, as);
}

static int
classify_leaf(mk_ctx *ctx, mk_node *n, mk_error *err)
{
	mk_node *res = NULL;
	bool sniffed = false;
	gsize len = 0;
	const void *p;

	if (n->data == NULL) {
		GBytes *empty = g_bytes_new_static("", 0);
		mk_node_set_data(n, empty);
		g_bytes_unref(empty);
	}
	p = g_bytes_get_data(n->data, &len);
	if (n->true_type == NULL) {
		if (mk_sniff(ctx->sniffer, p, len, &n->true_type, &n->magic, err) < 0)
			return err ? err->code : MK_ERR_SOFTWARE;
		/* an empty body part is plain text of length 0 */
		if (len == 0 && declared_is(n, "text/plain"))
			mk_set_str(&n->true_type, "text/plain");
		sniffed = true;
	}
	render_as_named(n);
	if (mk_unpack_wanted(n, uu_wanted(n)) &&
	    (res = mk_unpack_run(ctx, n, sniffed, uu_wanted(n), err)) == NULL)
		return err ? err->code : MK_ERR_SOFTWARE;
	if (mk_sniff_is_unknown(n->true_type))
		mk_node_add_finding(n, MK_F_UNKNOWN_TYPE, "%s", n->magic ? n->magic : "data");
	mk_names_check(ctx, n);
	mk_unpack_adopt(n, &res);
	return 0;
}

static int
expand_node(mk_ctx *ctx, mk_node *n, mk_error *err)
{
	int rc;

	if (mk_ctx_expired(ctx)) {
		mk_node_add_finding(n, MK_F_LIMIT, "item time budget of %" G_GINT64_FORMAT
		                    " ms spent", ctx->cfg->limits.item_time_budget_ms);
		return 0;
	}
	if (n->kind != MK_NODE_MESSAGE && n->kind != MK_NODE_MULTIPART) {
		if ((rc = classify_leaf(ctx, n, err)) < 0)
			return rc;
		if ((rc = unpack(ctx, n, err)) < 0)
			return rc;
	}
	/* message/multipart children come from the MIME parser; leaves get
	 * theirs from unpack() above: walk all of them */
	for (guint i = 0; i < n->children->len; i++)
		if ((rc = expand_node(ctx, g_ptr_array_index(n->children, i), err)) < 0)
			return rc;
	return 0;
}

int
mk_expand_tree(mk_ctx *ctx, mk_node *root, mk_error *err)
{
	return expand_node(ctx, root, err);
}
