/*
 * NAME
 *   fuzz_office - libFuzzer target for the Office inspection (OLE2/CFB
 *   walker, OOXML/ODF zip listing, RTF object scan: src/model/office.c)
 *   and the zip type refinement (src/model/zipsniff.c)
 *
 * DESCRIPTION
 *   As the worker's unpack run does: the input becomes a leaf, a zip's
 *   true type is refined by mk_zip_refine(), then mk_office_inspect()
 *   walks it with the built-in default limits.  Useful seeds: the .doc,
 *   .xls, .ppt, .docm and .rtf files of /usr/share/clamav-testfiles and
 *   ../shared/corpora/oletools.
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
#include "office.h"
#include "zipsniff.h"

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
	mk_node *leaf;
	GBytes *bytes;
	mk_ctx ctx;

	if (fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_ctx_init(&ctx, fuzz_cfg, NULL);
	leaf = mk_node_new(MK_NODE_PART, NULL);
	bytes = g_bytes_new(data, size);
	mk_node_set_data(leaf, bytes);
	leaf->true_type = mk_zip_refine(data, size);
	if (leaf->true_type == NULL)
		leaf->true_type = g_strdup("application/octet-stream");
	mk_office_inspect(&ctx, leaf);
	if (leaf->children->len != 0)
		__builtin_trap();   /* inspection never adds nodes */
	g_bytes_unref(bytes);
	mk_node_free(&leaf);
	return 0;
}
