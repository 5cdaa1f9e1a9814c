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
#include "fuzz_model.h"
#include "mk_error.h"
#include "tnef.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_error err = { 0 };
	mk_ctx ctx;
	mk_node *leaf = fuzz_leaf(&ctx, MK_NODE_PART, data, size);

	if (mk_tnef_expand(&ctx, leaf, &err) == 0 &&
	    ctx.nodes != (gint64)leaf->children->len)
		__builtin_trap();   /* every child must be accounted for */
	mk_node_free(&leaf);
	return 0;
}
