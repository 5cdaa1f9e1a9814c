/*
 * NAME
 *   fuzz_mime - libFuzzer target for the MIME parser and the expansion of
 *   the tree it builds
 *
 * DESCRIPTION
 *   mk_mime_parse() on the input with the built-in default limits, then
 *   mk_expand_tree() over the whole tree (sniffing, names, Office, archives,
 *   TNEF, uuencode, attached messages), then the tree is freed.
 *
 * OWNS
 *   One configuration snapshot (built once, kept for the process lifetime).
 *
 * NEVER
 *   Writes to the filesystem or asserts on findings: findings are the
 *   normal outcome of hostile input.  Only crashes, sanitizer reports, leaks
 *   and hangs are failures.  A NULL tree (internal error) is not a crash.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

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
	mk_mime_init();
	fuzz_cfg = mk_config_defaults();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_error err = { 0 };
	mk_sniffer *sniffer = mk_sniffer_thread(&err);
	GBytes *bytes = NULL;
	mk_node *root = NULL;
	mk_ctx ctx;

	if (sniffer == NULL || fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_ctx_init(&ctx, fuzz_cfg, sniffer);
	bytes = g_bytes_new(data, size);
	root = mk_mime_parse(&ctx, bytes, &err);
	if (root == NULL)
		goto out;
	(void)mk_expand_tree(&ctx, root, &err);
out:
	mk_node_free(&root);
	g_bytes_unref(bytes);
	return 0;
}
