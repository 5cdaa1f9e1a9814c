/*
 * NAME
 *   textwire - text run request and response codec (see textwire.h)
 *
 * NEVER
 *   Trusts a length, a count, a name or a type from the response.
 */
#include "textwire.h"

#include <string.h>

#include "wirerec.h"

#define REQ_MAGIC  "MKT1"
#define RESP_MAGIC "MKU1"

static const char *const out_types[] = { "text/plain", "text/csv", "text/calendar" };

/* ---- request ---------------------------------------------------------- */

GBytes *
mk_twire_req_encode(const mk_config *cfg, GPtrArray *nodes, const char *const *ops)
{
	GByteArray *b = g_byte_array_new();
	gint64 o[5] = { cfg->text.defang_links, cfg->text.show_link_targets,
	                cfg->limits.html_max_nodes, cfg->limits.max_text_size,
	                cfg->csv.prefix_formulas };

	g_byte_array_append(b, (const guint8 *)REQ_MAGIC, 4);
	mk_wrec_put_i64s(b, 'o', o, 5);
	mk_wrec_put_str(b, 'g', cfg->general.language);
	for (guint i = 0; i < nodes->len; i++) {
		const mk_node *n = g_ptr_array_index(nodes, i);
		gsize len = 0;
		const void *d = n->data ? g_bytes_get_data(n->data, &len) : NULL;

		mk_wrec_put_str(b, 'P', ops[i]);
		mk_wrec_put_str(b, 't', n->true_type);
		mk_wrec_put_str(b, 'y', n->declared_type);
		mk_wrec_put_str(b, 'c', n->charset);
		mk_wrec_put_str(b, 'n', n->declared_name);
		mk_wrec_put(b, 'd', d, len);
	}
	return g_byte_array_free_to_bytes(b);
}

/* Set a string field once. */
static bool
set_once(char **slot, const guint8 *v, gsize vlen)
{
	return *slot == NULL && (*slot = mk_wrec_get_str(v, vlen)) != NULL;
}

static bool
req_field(GBytes *in, const guint8 *base, mk_config *cfg, GPtrArray *parts,
          char tag, const guint8 *v, gsize vlen)
{
	mk_node *cur = parts->len ? g_ptr_array_index(parts, parts->len - 1) : NULL;
	gint64 o[5];
	GBytes *d;

	switch (tag) {
	case 'o':
		if (cur != NULL || !mk_wrec_get_i64s(v, vlen, o, 5))
			return false;
		cfg->text.defang_links = o[0] != 0;
		cfg->text.show_link_targets = o[1] != 0;
		cfg->limits.html_max_nodes = o[2];
		cfg->limits.max_text_size = o[3];
		cfg->csv.prefix_formulas = o[4] != 0;
		return true;
	case 'g': return cur == NULL && set_once(&cfg->general.language, v, vlen);
	case 'P':
		cur = mk_node_new(MK_NODE_PART, NULL);
		g_ptr_array_add(parts, cur);
		return set_once(&cur->rule, v, vlen);
	case 't': return cur != NULL && set_once(&cur->true_type, v, vlen);
	case 'y': return cur != NULL && set_once(&cur->declared_type, v, vlen);
	case 'c': return cur != NULL && set_once(&cur->charset, v, vlen);
	case 'n': return cur != NULL && set_once(&cur->declared_name, v, vlen);
	case 'd':
		if (cur == NULL || cur->data != NULL)
			return false;
		d = g_bytes_new_from_bytes(in, (gsize)(v - base), vlen);
		cur->data = d;             /* no sha256: never reported */
		cur->size = (gint64)vlen;
		return true;
	default:
		return false;
	}
}

int
mk_twire_req_decode(GBytes *in, mk_config *cfg, GPtrArray *parts, mk_error *err)
{
	mk_wrec_rd r = { 0 };
	const guint8 *v;
	gsize vlen;
	char tag;
	int n;

	if (!mk_wrec_open(&r, in, REQ_MAGIC))
		goto bad;
	while ((n = mk_wrec_next(&r, &tag, &v, &vlen)) > 0)
		if (!req_field(in, r.p, cfg, parts, tag, v, vlen))
			goto bad;
	if (n < 0)
		goto bad;
	for (guint i = 0; i < parts->len; i++)
		if (((mk_node *)g_ptr_array_index(parts, i))->data == NULL)
			goto bad;
	return 0;
bad:
	mk_error_set(err, MK_ERR_DATA, "text: malformed request");
	return MK_ERR_DATA;
}

void
mk_twire_cfg_clear(mk_config *cfg)
{
	g_clear_pointer(&cfg->general.language, g_free);
}

/* ---- response --------------------------------------------------------- */

GBytes *
mk_twire_resp_encode(GPtrArray *parts, const int *rcs, const char *const *msgs)
{
	GByteArray *b = g_byte_array_new();

	g_byte_array_append(b, (const guint8 *)RESP_MAGIC, 4);
	for (guint i = 0; i < parts->len; i++) {
		mk_node *n = g_ptr_array_index(parts, i);
		gint64 st = rcs[i] < 0 ? MAX(rcs[i], -255) : 0;

		mk_wrec_put_i64s(b, 'P', &st, 1);
		if (rcs[i] < 0)
			mk_wrec_put_str(b, 'e', msgs[i]);
		mk_wrec_put_str(b, 'f', n->filter);
		mk_wrec_put_str(b, 'x', n->text);
		if (n->out != NULL) {
			gsize len = 0;
			const void *p = g_bytes_get_data(n->out, &len);
			mk_wrec_put(b, 'u', p, len);
		}
		mk_wrec_put_str(b, 'y', n->out_type);
		mk_wrec_put_str(b, 'm', n->out_name);
		for (guint k = 0; k < n->findings->len; k++)
			mk_wrec_put_finding(b, 'F', g_ptr_array_index(n->findings, k));
		for (guint k = 0; k < n->notes->len; k++)
			mk_wrec_put_str(b, 'N', g_ptr_array_index(n->notes, k));
	}
	return g_byte_array_free_to_bytes(b);
}

static bool
resp_field(mk_twire_res *res, guint nparts,
           guint *cur, char tag, const guint8 *v, gsize vlen)
{
	mk_twire_res *c = *cur > 0 ? &res[*cur - 1] : NULL;
	gint64 st;
	char *s, *copy;

	if (tag == 'P') {
		if (*cur >= nparts || !mk_wrec_get_i64s(v, vlen, &st, 1) ||
		    st > 0 || st < -255)
			return false;
		c = &res[(*cur)++];
		c->ok = st == 0;
		c->rc = (int)st;
		c->r = mk_node_new(MK_NODE_PART, NULL);
		return true;
	}
	if (c == NULL)
		return false;
	switch (tag) {
	case 'e': return set_once(&c->msg, v, vlen);
	case 'f': return set_once(&c->r->filter, v, vlen);
	case 'x': return set_once(&c->r->text, v, vlen);
	case 'u':
		if (c->r->out != NULL)
			return false;
		copy = g_malloc(vlen + 1);   /* text: NUL after the end, as in process */
		memcpy(copy, v, vlen);
		copy[vlen] = '\0';
		c->r->out = g_bytes_new_take(copy, vlen);
		return true;
	case 'y':
		if (!set_once(&c->r->out_type, v, vlen))
			return false;
		for (gsize i = 0; i < G_N_ELEMENTS(out_types); i++)
			if (strcmp(c->r->out_type, out_types[i]) == 0)
				return true;
		return false;
	case 'm': return set_once(&c->r->out_name, v, vlen);
	case 'F': return mk_wrec_add_finding(c->r, v, vlen);
	case 'N':
		if ((s = mk_wrec_get_str(v, vlen)) == NULL)
			return false;
		g_ptr_array_add(c->r->notes, s);
		return true;
	default:
		return false;
	}
}

mk_twire_res *
mk_twire_resp_decode(GBytes *out, guint nparts, mk_error *err)
{
	mk_twire_res *res = g_new0(mk_twire_res, MAX(nparts, 1));
	mk_wrec_rd r = { 0 };
	const guint8 *v;
	gsize vlen;
	guint cur = 0;
	char tag;
	int n;

	if (!mk_wrec_open(&r, out, RESP_MAGIC))
		goto bad;
	while ((n = mk_wrec_next(&r, &tag, &v, &vlen)) > 0)
		if (!resp_field(res, nparts, &cur, tag, v, vlen))
			goto bad;
	if (n < 0 || cur != nparts)
		goto bad;
	return res;
bad:
	mk_twire_res_free(res, nparts);
	mk_error_set(err, MK_ERR_SOFTWARE, "text: malformed answer from the worker");
	return NULL;
}

void
mk_twire_res_free(mk_twire_res *res, guint nparts)
{
	for (guint i = 0; res != NULL && i < nparts; i++) {
		g_free(res[i].msg);
		mk_node_free(&res[i].r);
	}
	g_free(res);
}
