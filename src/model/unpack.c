/*
 * NAME
 *   unpack - send a leaf's parsing to the sandboxed worker (see unpack.h)
 *
 * DESCRIPTION
 *   Builds the request (nodewire.h) from the leaf and the item context,
 *   runs `mukaika-worker unpack` (wclient.h, fork server), and decodes the
 *   answer as hostile input.  The only bytes of the leaf read here are its
 *   first eight (signatures) and, for text, line starts (mk_uu_maybe).
 *
 * NEVER
 *   Parses an archive, TNEF, OLE2, OOXML or uuencoded data in this process,
 *   or falls back to doing so when the worker fails.
 */
#include "unpack.h"

#include <string.h>

#include "archive.h"
#include "log.h"
#include "nodewire.h"
#include "tnef.h"
#include "uu.h"
#include "worker/wclient.h"

static const guint8 cfb_sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

bool
mk_unpack_wanted(const mk_node *n, bool uu)
{
	gsize len = 0;
	const guint8 *p;

	if (n->data == NULL)
		return false;
	p = g_bytes_get_data(n->data, &len);
	return (len >= 4 && memcmp(p, "PK\003\004", 4) == 0) ||
	       (len >= 8 && memcmp(p, cfb_sig, 8) == 0) ||
	       (len >= 5 && memcmp(p, "{\\rt", 4) == 0) ||
	       mk_tnef_is_tnef(p, len) || mk_archive_is_container(n->true_type) ||
	       (uu && mk_uu_maybe(p, len));
}

static GBytes *
request(const mk_ctx *ctx, const mk_node *n, bool refine, bool uu)
{
	mk_wire_req r = {
		.true_type = n->true_type, .declared_name = n->declared_name,
		.kind = n->kind, .role = n->role, .depth = n->depth,
		.archive_depth = n->archive_depth,
		.ops = MK_WIRE_OP_OFFICE | MK_WIRE_OP_TNEF | MK_WIRE_OP_ARCHIVE |
		       (refine ? MK_WIRE_OP_ZIP_REFINE : 0) | (uu ? MK_WIRE_OP_UU : 0),
		.counts = { ctx->nodes, ctx->unpacked, ctx->decrypted },
		.passwords = (GPtrArray *)ctx->passwords,
		.data = n->data,
	};

	mk_wire_limits_from(&r.lim, ctx->cfg);
	if (ctx->deadline_us != 0)
		r.time_left_ms = MAX(1, (ctx->deadline_us - g_get_monotonic_time()) / 1000);
	return mk_wire_req_encode(&r);
}

/* The limits of this run: the item's time and unpacked bytes left. */
static void
call_limits(const mk_ctx *ctx, mk_wcall *c)
{
	const mk_config *cfg = ctx->cfg;
	gint64 left = cfg->limits.max_unpacked_size - ctx->unpacked;

	*c = (mk_wcall){ cfg->worker.timeout_ms, MAX(left, 0) + MK_UNPACK_META_MAX,
	                 "worker.timeout_ms" };
	if (ctx->deadline_us != 0) {
		gint64 t = (ctx->deadline_us - g_get_monotonic_time()) / 1000;

		if (t < c->timeout_ms) {
			c->timeout_ms = MAX(t, 1);
			c->timeout_key = "limits.item_time_budget_ms";
		}
	}
}

/* A failed run as a verdict on N: the result carries the finding. */
static mk_node *
failed(const mk_node *n, int rc, const mk_error *werr)
{
	mk_node *res = mk_node_new(MK_NODE_FILE, NULL);
	mk_finding_code code = MK_F_WORKER_CRASH;

	if (rc == MK_ERR_LIMIT)
		code = strstr(werr->msg, "timeout") ? MK_F_WORKER_TIMEOUT : MK_F_LIMIT;
	mk_node_add_finding(res, code, "%s", werr->msg);
	mk_log(MK_LOG_WARNING, n->path, "%s: %s", mk_finding_name(code), werr->msg);
	return res;
}

/* A zip behind junk (sniff.c, polyglot) was described as "also
 * application/zip": name the type the worker refined it to instead. */
static void
name_reading(mk_node *n, const char *refined)
{
	static const char key[] = "(also application/zip: ";
	char *at = n->magic ? strstr(n->magic, key) : NULL, *d;

	if (at == NULL)
		return;
	d = g_strdup_printf("%.*s(also %s: %s", (int)(at - n->magic), n->magic,
	                    refined, at + strlen(key));
	g_free(n->magic);
	n->magic = d;
}

/* Take the worker's totals, never lower than ours. */
static void
take_counts(mk_ctx *ctx, const mk_wire_counts *c)
{
	ctx->nodes = MAX(ctx->nodes, c->nodes);
	ctx->unpacked = MAX(ctx->unpacked, c->unpacked);
	ctx->decrypted = MAX(ctx->decrypted, c->decrypted);
}

mk_node *
mk_unpack_run(mk_ctx *ctx, mk_node *n, bool refine, bool uu, mk_error *err)
{
	GBytes *in = request(ctx, n, refine, uu), *out = NULL;
	mk_error werr = { 0 };
	mk_wire_limits lim;
	mk_wire_counts counts = { ctx->nodes, ctx->unpacked, ctx->decrypted };
	mk_wcall c;
	mk_node *res = NULL;
	char *type = NULL, *refined = NULL;
	int rc;

	call_limits(ctx, &c);
	rc = mk_worker_call(ctx->cfg, "unpack", &c, in, &out, &type, NULL, &werr);
	if (rc == MK_ERR_CONFIG || rc == MK_ERR_OS) {
		mk_error_set(err, rc, "%s", werr.msg);
		goto out;
	}
	if (rc < 0) {
		res = failed(n, rc, &werr);
		goto out;
	}
	mk_wire_limits_from(&lim, ctx->cfg);
	if (strcmp(type, MK_WIRE_TYPE) != 0 ||
	    (res = mk_wire_resp_decode(out, n, &lim, &counts, &refined, &werr)) == NULL) {
		if (werr.msg[0] == '\0')
			mk_error_set(&werr, MK_ERR_SOFTWARE, "unpack: answer of type %s", type);
		res = failed(n, MK_ERR_SOFTWARE, &werr);
		goto out;
	}
	take_counts(ctx, &counts);
	if (refine && refined != NULL) {
		mk_set_str(&n->true_type, refined);
		name_reading(n, refined);
	}
out:
	g_free(refined);
	g_free(type);
	if (out != NULL)
		g_bytes_unref(out);
	g_bytes_unref(in);
	return res;
}

void
mk_unpack_adopt(mk_node *n, mk_node **result)
{
	mk_node *res = result ? *result : NULL;
	gpointer *v;
	gsize len = 0;

	if (res == NULL)
		return;
	*result = NULL;
	v = g_ptr_array_steal(res->findings, &len);
	for (gsize i = 0; i < len; i++)
		g_ptr_array_add(n->findings, v[i]);
	g_free(v);
	v = g_ptr_array_steal(res->children, &len);
	for (gsize i = 0; i < len; i++) {
		mk_node *c = v[i];

		c->parent = n;
		g_ptr_array_add(n->children, c);
		g_free(c->path);
		c->path = g_strdup_printf("%s.%u", n->path, n->children->len);
	}
	g_free(v);
	mk_node_free(&res);
}
