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
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "config.h"
#include "ctx.h"
#include "item.h"
#include "uu.h"

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
	char *text, *stripped;

	if (fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_ctx_init(&ctx, fuzz_cfg, NULL);
	leaf = mk_node_new(MK_NODE_PART, NULL);
	leaf->role = MK_ROLE_BODY;
	bytes = g_bytes_new(data, size);
	mk_node_set_data(leaf, bytes);
	if (mk_uu_extract(&ctx, leaf, &err) < 0)
		__builtin_trap();   /* no internal error on any text */
	if (mk_node_has_finding(leaf, MK_F_UUENCODE) && !mk_uu_maybe(data, size))
		__builtin_trap();   /* the engine would not have asked */
	text = g_strndup((const char *)data, size);
	stripped = mk_uu_strip(text);
	g_free(stripped);
	g_free(text);
	g_bytes_unref(bytes);
	mk_node_free(&leaf);
	return 0;
}
