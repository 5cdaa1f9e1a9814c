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
#include "fuzz_model.h"
#include "office.h"
#include "zipsniff.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_ctx ctx;
	mk_node *leaf = fuzz_leaf(&ctx, MK_NODE_PART, data, size);

	leaf->true_type = mk_zip_refine(data, size);
	if (leaf->true_type == NULL)
		leaf->true_type = g_strdup("application/octet-stream");
	mk_office_inspect(&ctx, leaf);
	if (leaf->children->len != 0)
		__builtin_trap();   /* inspection never adds nodes */
	mk_node_free(&leaf);
	return 0;
}
