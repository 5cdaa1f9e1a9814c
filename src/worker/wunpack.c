/*
 * NAME
 *   wunpack - the worker's "unpack" run: every container and Office
 *   parser of one leaf, confined
 *
 * DESCRIPTION
 *   Input: an unpack request (nodewire.h) with the leaf's bytes.  In this
 *   order, as the engine did in process before: refine a zip's true type
 *   (zipsniff.h), inspect Office/RTF containers for active content
 *   (office.h), then unpack TNEF, an archive or compressed stream of any
 *   libarchive format (archive.h), or uuencoded blocks of a text leaf
 *   (uu.h).  Output: the node list (refined type, the leaf's new findings,
 *   the new child nodes with their bytes, the item's updated totals).
 *
 *   Runs after mukaika-worker set its rlimits (worker.max_memory as
 *   RLIMIT_AS, worker.cpu_s) and seccomp filter; the engine kills it at
 *   worker.timeout_ms or the end of the item's time budget.  So a
 *   decompression bomb, a huge declared size or a parser loop ends this
 *   process, and the engine turns that into a finding on the leaf
 *   (src/model/unpack.c), never a dead or stalled daemon.
 *
 *   The limits the parsers check (limits.max_member_size ...) come in the
 *   request, not from a config file: the worker reads no file.
 *
 * NEVER
 *   Writes a file, follows a member name, or decides an action.
 */
#include <iconv.h>
#include <string.h>

#include "archive.h"
#include "nodewire.h"
#include "office.h"
#include "tnef.h"
#include "uu.h"
#include "wfilter.h"
#include "zipsniff.h"

static mk_node *
leaf_from(const mk_wire_req *r)
{
	mk_node *leaf = mk_node_new(MK_NODE_PART, NULL);

	if (r->kind >= MK_NODE_FILE && r->kind <= MK_NODE_EMBEDDED)
		leaf->kind = (mk_node_kind)r->kind;
	if (r->role >= MK_ROLE_NONE && r->role <= MK_ROLE_INLINE)
		leaf->role = (mk_role)r->role;
	leaf->depth = (int)CLAMP(r->depth, 0, G_MAXINT);
	leaf->archive_depth = (int)CLAMP(r->archive_depth, 0, G_MAXINT);
	mk_set_str(&leaf->true_type, r->true_type);
	mk_set_str(&leaf->declared_name, r->declared_name);
	leaf->data = g_bytes_ref(r->data);       /* no sha256: never reported */
	leaf->size = (gint64)g_bytes_get_size(r->data);
	return leaf;
}

static int
unpack(mk_ctx *ctx, mk_node *leaf, gint64 ops, mk_error *err)
{
	gsize len = 0;
	const void *p = g_bytes_get_data(leaf->data, &len);

	if (ops & MK_WIRE_OP_OFFICE)
		mk_office_inspect(ctx, leaf);
	if ((ops & MK_WIRE_OP_TNEF) && mk_tnef_is_tnef(p, len))
		return mk_tnef_expand(ctx, leaf, err);
	if ((ops & MK_WIRE_OP_ARCHIVE) && mk_archive_is_container(leaf->true_type))
		return mk_archive_expand(ctx, leaf, err);
	if (ops & MK_WIRE_OP_UU)
		return mk_uu_extract(ctx, leaf, err);
	return 0;
}

static int
unpack_run(GBytes *in, const mk_wopts *o, GBytes **out, char **out_type,
           GPtrArray *notes, mk_error *err)
{
	mk_wire_req r;
	mk_config cfg = { 0 };
	mk_ctx ctx;
	mk_node *leaf = NULL;
	char *refined = NULL;
	int rc;

	if ((rc = mk_wire_req_decode(in, &r, err)) < 0)
		return rc;
	mk_wire_limits_to(&r.lim, &cfg);
	ctx = (mk_ctx){ .cfg = &cfg, .nodes = r.counts.nodes,
	                .unpacked = r.counts.unpacked,
	                .decrypted = r.counts.decrypted, .passwords = r.passwords };
	if (r.time_left_ms > 0)
		ctx.deadline_us = g_get_monotonic_time() + r.time_left_ms * 1000;
	leaf = leaf_from(&r);
	if (r.ops & MK_WIRE_OP_ZIP_REFINE)
		refined = mk_zip_refine_type(g_bytes_get_data(leaf->data, NULL),
		                             g_bytes_get_size(leaf->data), leaf->true_type);
	if (refined != NULL)
		mk_set_str(&leaf->true_type, refined);
	if ((rc = unpack(&ctx, leaf, r.ops, err)) < 0)
		goto out;
	*out = mk_wire_resp_encode(leaf, 0, refined, &ctx);
	*out_type = g_strdup(MK_WIRE_TYPE);
out:
	g_free(refined);
	mk_node_free(&leaf);
	mk_wire_req_clear(&r);
	return rc;
}

/* Charsets libarchive (7z/iso9660 UTF-16 names, lha CP932 ...) and
 * mk_archive_entry_name() convert from: their iconv modules are dlopen'ed
 * (mapped executable: refused under seccomp), so they are loaded here and
 * kept loaded (the handles are never closed). */
void
mk_wunpack_init(void)
{
	static const char *const cs[] = {
		"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32", "CP932", "SHIFT_JIS",
		"EUC-JP", "CP437", "CP850", "CP1252",
	};
	static bool done;

	if (done)
		return;
	done = true;
	for (gsize i = 0; i < G_N_ELEMENTS(cs); i++)
		(void)iconv_open("UTF-8", cs[i]);
}

const mk_wfilter mk_wfilter_unpack = { "unpack", unpack_run };
