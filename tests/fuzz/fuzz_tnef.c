/*
 * NAME
 *   fuzz_tnef - libFuzzer target for the TNEF parser (src/model/tnef.c)
 *
 * DESCRIPTION
 *   The input becomes the data of a MK_NODE_PART leaf and mk_tnef_expand()
 *   parses it with the built-in default limits: attributes, MAPI property
 *   blocks, names in every charset path and LZFu-compressed RTF.  Useful
 *   seeds: the .tnef files of ../shared/corpora/tnef and clamav-testfiles/clam.tnef.
 *
 * OWNS
 *   One configuration snapshot (built once, kept for the process lifetime).
 *
 * NEVER
 *   Writes to the filesystem or asserts on findings: findings are the normal
 *   outcome of hostile input.  Only crashes, sanitizer reports, leaks and
 *   hangs are failures.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "config.h"
#include "mk_error.h"
#include "ctx.h"
#include "item.h"
#include "tnef.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mk_config *fuzz_cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_cfg = mk_config_defaults();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_error err = { 0 };
	mk_node *leaf;
	GBytes *bytes;
	mk_ctx ctx;

	if (fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_ctx_init(&ctx, fuzz_cfg, NULL);
	leaf = mk_node_new(MK_NODE_PART, NULL);
	bytes = g_bytes_new(data, size);
	mk_node_set_data(leaf, bytes);
	if (mk_tnef_expand(&ctx, leaf, &err) == 0 &&
	    ctx.nodes != (gint64)leaf->children->len)
		__builtin_trap();   /* every child must be accounted for */
	g_bytes_unref(bytes);
	mk_node_free(&leaf);
	return 0;
}
