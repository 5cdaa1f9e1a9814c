/*
 * NAME
 *   fuzz_nodewire - libFuzzer target for the node list the engine reads
 *   back from the sandboxed worker (src/model/nodewire.c)
 *
 * DESCRIPTION
 *   The worker parsed attacker bytes, so its answer is hostile too.  The
 *   input, after the response magic, is decoded by mk_wire_resp_decode()
 *   exactly as src/model/unpack.c does (default limits, a leaf at depth
 *   2); the same bytes after the request magic go to mk_wire_req_decode().
 *   A decoded list is re-encoded and decoded again: it must come back.
 *
 * NEVER
 *   Writes to the filesystem; only crashes, sanitizer reports, leaks and
 *   hangs are failures.
 */
#include <string.h>

#include "fuzz_model.h"
#include "nodewire.h"

static GBytes *
with_magic(const char *magic, const uint8_t *data, size_t size)
{
	guint8 *b = g_malloc(size + 4);

	memcpy(b, magic, 4);
	if (size > 0)
		memcpy(b + 4, data, size);
	return g_bytes_new_take(b, size + 4);
}

static void
response(const uint8_t *data, size_t size, const mk_wire_limits *lim)
{
	GBytes *in = with_magic("MKN1", data, size), *again;
	mk_node *like = mk_node_new(MK_NODE_PART, NULL), *res, *res2;
	mk_wire_counts c = { 0 };
	mk_error err = { 0 };
	mk_ctx ctx = { 0 };
	char *refined = NULL, *refined2 = NULL;

	like->depth = 2;
	res = mk_wire_resp_decode(in, like, lim, &c, &refined, &err);
	if (res != NULL) {
		ctx.nodes = c.nodes;
		again = mk_wire_resp_encode(res, 0, refined, &ctx);
		res2 = mk_wire_resp_decode(again, like, lim, &c, &refined2, &err);
		if (res2 == NULL)
			__builtin_trap();   /* our own encoding must decode */
		mk_node_free(&res2);
		g_bytes_unref(again);
	}
	g_free(refined);
	g_free(refined2);
	mk_node_free(&res);
	mk_node_free(&like);
	g_bytes_unref(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GBytes *in;
	mk_wire_limits lim;
	mk_wire_req r;
	mk_error err = { 0 };

	if (fuzz_cfg == NULL)
		__builtin_trap();   /* setup failure: not the input's fault */
	mk_wire_limits_from(&lim, fuzz_cfg);
	response(data, size, &lim);
	in = with_magic("MKQ1", data, size);
	if (mk_wire_req_decode(in, &r, &err) == 0)
		mk_wire_req_clear(&r);
	g_bytes_unref(in);
	return 0;
}
