/*
 * NAME
 *   fuzz_archive - libFuzzer target for the archive reader (and what
 *   mk_expand_tree does with the members)
 *
 * DESCRIPTION
 *   The input becomes the data of a MK_NODE_FILE leaf; its true type is set
 *   by mk_sniff() exactly as mk_expand_tree() would, then mk_archive_expand()
 *   unpacks it with the built-in default limits.  Each member is then walked
 *   by mk_expand_tree(), so nested archives, TNEF, uuencoded text, names and
 *   Office inspection are reached from archive members too.
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

#include "archive.h"
#include "config.h"
#include "ctx.h"
#include "expand.h"
#include "item.h"
#include "mime.h"
#include "mk_error.h"
#include "sniff.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mk_config *fuzz_cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mk_mime_init();   /* members may be messages: mk_expand_tree parses them */
	fuzz_cfg = mk_config_defaults();
	return 0;
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
	if (mk_sniff(sniffer, data, size, &leaf->true_type, &leaf->magic, &err) < 0)
		goto out;
	if (mk_archive_expand(&ctx, leaf, &err) < 0)
		goto out;
	for (guint i = 0; i < leaf->children->len; i++)
		if (mk_expand_tree(&ctx, g_ptr_array_index(leaf->children, i), &err) < 0)
			goto out;
out:
	g_bytes_unref(bytes);
	mk_node_free(&leaf);
	return 0;
}
