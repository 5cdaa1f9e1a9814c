/*
 * NAME
 *   fuzz_model - the set-up shared by the model-parser fuzz targets
 *
 * DESCRIPTION
 *   Defines LLVMFuzzerInitialize() (one default configuration for the
 *   process lifetime, fuzz_cfg) and fuzz_leaf(): a context with the
 *   default limits and a node of KIND holding a copy of the input, as the
 *   worker's unpack run gets it.  Include once, from the target's .c.
 */
#ifndef MK_FUZZ_MODEL_H
#define MK_FUZZ_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "config.h"
#include "ctx.h"
#include "item.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mk_config *fuzz_cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_cfg = mk_config_defaults();
	return 0;
}

/* CTX with the default limits; a new node of KIND holding DATA (caller
 * frees it with mk_node_free). */
static inline mk_node *
fuzz_leaf(mk_ctx *ctx, mk_node_kind kind, const uint8_t *data, size_t size)
{
	mk_node *leaf;
	GBytes *bytes;

	if (fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_ctx_init(ctx, fuzz_cfg, NULL);
	leaf = mk_node_new(kind, NULL);
	bytes = g_bytes_new(data, size);
	mk_node_set_data(leaf, bytes);
	g_bytes_unref(bytes);
	return leaf;
}

#endif
