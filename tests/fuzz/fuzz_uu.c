/*
 * NAME
 *   fuzz_uu - libFuzzer target for uuencode/begin-base64/yEnc blocks in
 *   text (src/model/uu.c)
 *
 * DESCRIPTION
 *   The input is a text leaf: mk_uu_extract() decodes its blocks into
 *   children (the worker's unpack run), mk_uu_strip() replaces them in the
 *   text (the engine's body rebuild), and mk_uu_maybe() (the engine's cheap
 *   test) must be true whenever a block was found.
 *
 * NEVER
 *   Writes to the filesystem or asserts on findings; only crashes,
 *   sanitizer reports, leaks and hangs are failures.
 */
#include "fuzz_model.h"
#include "uu.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_error err = { 0 };
	mk_ctx ctx;
	mk_node *leaf = fuzz_leaf(&ctx, MK_NODE_PART, data, size);
	char *text, *stripped;

	leaf->role = MK_ROLE_BODY;
	if (mk_uu_extract(&ctx, leaf, &err) < 0)
		__builtin_trap();   /* no internal error on any text */
	if (mk_node_has_finding(leaf, MK_F_UUENCODE) && !mk_uu_maybe(data, size))
		__builtin_trap();   /* the engine would not have asked */
	text = g_strndup((const char *)data, size);
	stripped = mk_uu_strip(text);
	g_free(stripped);
	g_free(text);
	mk_node_free(&leaf);
	return 0;
}
