/*
 * NAME
 *   fuzz_archive - libFuzzer target for the archive reader (and what
 *   mk_expand_tree does with the members)
 *
 * DESCRIPTION
 *   The input becomes the data of a MK_NODE_FILE leaf; its true type is set
 *   by mk_sniff() and mk_zip_refine() as the engine and the worker's unpack
 *   run would, then mk_archive_expand() unpacks it with the built-in default
 *   limits.  Members that are archives themselves are unpacked the same way
 *   (as the engine would send them to the worker again), so nested archives
 *   are reached too.  (TNEF, Office and uu have their own targets.)
 *
 * OWNS
 *   One configuration snapshot (built once, kept for the process lifetime).
 *
 * NEVER
 *   Writes to the filesystem or asserts on findings: findings are the
 *   normal outcome of hostile input.  Only crashes, sanitizer reports, leaks
 *   and hangs are failures.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "fuzz_model.h"
#include "archive.h"
#include "config.h"
#include "ctx.h"
#include "item.h"
#include "mk_error.h"
#include "sniff.h"
#include "zipsniff.h"

/* Sniff N as the engine and the worker would; false when libmagic fails. */
static bool
type_of(mk_sniffer *sniffer, mk_node *n)
{
	gsize len = 0;
	const void *p = g_bytes_get_data(n->data, &len);
	mk_error err = { 0 };
	char *refined;

	if (mk_sniff(sniffer, p, len, &n->true_type, &n->magic, &err) < 0)
		return false;
	if ((refined = mk_zip_refine_type(p, len, n->true_type)) != NULL) {
		g_free(n->true_type);
		n->true_type = refined;
	}
	return true;
}

static void
unpack_rec(mk_ctx *ctx, mk_sniffer *sniffer, mk_node *n)
{
	mk_error err = { 0 };

	if (!type_of(sniffer, n) || mk_archive_expand(ctx, n, &err) < 0)
		return;
	for (guint i = 0; i < n->children->len; i++)
		unpack_rec(ctx, sniffer, g_ptr_array_index(n->children, i));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_error err = { 0 };
	mk_sniffer *sniffer = mk_sniffer_thread(&err);
	mk_node *leaf = NULL;
	GBytes *bytes = NULL;
	mk_ctx ctx;

	if (sniffer == NULL || fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_ctx_init(&ctx, fuzz_cfg, sniffer);
	leaf = mk_node_new(MK_NODE_FILE, NULL);
	bytes = g_bytes_new(data, size);
	mk_node_set_data(leaf, bytes);
	unpack_rec(&ctx, sniffer, leaf);
	g_bytes_unref(bytes);
	mk_node_free(&leaf);
	return 0;
}
