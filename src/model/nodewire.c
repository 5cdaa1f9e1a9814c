/*
 * NAME
 *   nodewire - unpack request and node list codec (see nodewire.h)
 *
 * DESCRIPTION
 *   One record reader (rd_next) checks every length against the buffer;
 *   the decoders check each value on top of it.  Strings travel without a
 *   terminating NUL; a NUL inside one is malformed, except in a finding,
 *   where it separates the finding's name from its detail.
 *
 * NEVER
 *   Trusts a length, index, kind or name from the response.
 */
#include "nodewire.h"

#include <string.h>

#include "wirerec.h"

#define REQ_MAGIC  "MKQ1"
#define RESP_MAGIC "MKN1"

/* ---- request ---------------------------------------------------------- */

static void
limits_vec(const mk_wire_limits *l, gint64 v[9])
{
	gint64 t[9] = { l->max_parts, l->max_archive_depth, l->max_archive_members,
	                l->max_unpacked_size, l->max_member_size,
	                l->max_compression_ratio, l->max_text_size,
	                l->max_name_length, l->max_mime_depth };

	memcpy(v, t, sizeof t);
}

static void
limits_unvec(mk_wire_limits *l, const gint64 v[9])
{
	*l = (mk_wire_limits){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8] };
}

void
mk_wire_limits_from(mk_wire_limits *l, const mk_config *cfg)
{
	*l = (mk_wire_limits){
		cfg->limits.max_parts, cfg->limits.max_archive_depth,
		cfg->limits.max_archive_members, cfg->limits.max_unpacked_size,
		cfg->limits.max_member_size, cfg->limits.max_compression_ratio,
		cfg->limits.max_text_size, cfg->limits.max_name_length,
		cfg->limits.max_mime_depth };
}

void
mk_wire_limits_to(const mk_wire_limits *l, mk_config *cfg)
{
	cfg->limits.max_parts = l->max_parts;
	cfg->limits.max_archive_depth = l->max_archive_depth;
	cfg->limits.max_archive_members = l->max_archive_members;
	cfg->limits.max_unpacked_size = l->max_unpacked_size;
	cfg->limits.max_member_size = l->max_member_size;
	cfg->limits.max_compression_ratio = l->max_compression_ratio;
	cfg->limits.max_text_size = l->max_text_size;
	cfg->limits.max_name_length = l->max_name_length;
	cfg->limits.max_mime_depth = l->max_mime_depth;
}

GBytes *
mk_wire_req_encode(const mk_wire_req *r)
{
	GByteArray *b = g_byte_array_new();
	gint64 k[4] = { r->kind, r->role, r->depth, r->archive_depth };
	gint64 c[4] = { r->counts.nodes, r->counts.unpacked, r->counts.decrypted,
	                r->time_left_ms };
	gint64 l[9];
	gsize len = 0;
	const void *d = r->data ? g_bytes_get_data(r->data, &len) : NULL;

	g_byte_array_append(b, (const guint8 *)REQ_MAGIC, 4);
	mk_wrec_put_str(b, 't', r->true_type);
	mk_wrec_put_str(b, 'n', r->declared_name);
	mk_wrec_put_i64s(b, 'k', k, 4);
	mk_wrec_put_i64s(b, 'o', &r->ops, 1);
	limits_vec(&r->lim, l);
	mk_wrec_put_i64s(b, 'l', l, 9);
	mk_wrec_put_i64s(b, 'c', c, 4);
	for (guint i = 0; r->passwords != NULL && i < r->passwords->len; i++)
		mk_wrec_put_str(b, 'p', g_ptr_array_index(r->passwords, i));
	mk_wrec_put(b, 'd', d, len);
	return g_byte_array_free_to_bytes(b);
}

static bool
req_field(mk_wire_req *r, GBytes *in, const guint8 *base, char tag,
          const guint8 *v, gsize vlen)
{
	gint64 t[9];

	switch (tag) {
	case 't':
		return r->true_type == NULL && (r->true_type = mk_wrec_get_str(v, vlen)) != NULL;
	case 'n':
		return r->declared_name == NULL &&
		       (r->declared_name = mk_wrec_get_str(v, vlen)) != NULL;
	case 'k':
		if (!mk_wrec_get_i64s(v, vlen, t, 4))
			return false;
		r->kind = t[0], r->role = t[1], r->depth = t[2], r->archive_depth = t[3];
		return true;
	case 'o': return mk_wrec_get_i64s(v, vlen, &r->ops, 1);
	case 'l':
		if (!mk_wrec_get_i64s(v, vlen, t, 9))
			return false;
		limits_unvec(&r->lim, t);
		return true;
	case 'c':
		if (!mk_wrec_get_i64s(v, vlen, t, 4))
			return false;
		r->counts = (mk_wire_counts){ t[0], t[1], t[2] };
		r->time_left_ms = t[3];
		return true;
	case 'p':
		if (r->passwords == NULL)
			r->passwords = g_ptr_array_new();
		g_ptr_array_add(r->passwords, g_strndup((const char *)v, vlen));
		return true;
	case 'd':
		if (r->data != NULL)
			return false;
		r->data = g_bytes_new_from_bytes(in, (gsize)(v - base), vlen);
		return true;
	default:
		return false;
	}
}

int
mk_wire_req_decode(GBytes *in, mk_wire_req *r, mk_error *err)
{
	mk_wrec_rd rr = { 0 };
	const guint8 *v;
	gsize vlen;
	char tag;
	int n;

	*r = (mk_wire_req){ 0 };
	if (!mk_wrec_open(&rr, in, REQ_MAGIC))
		goto bad;
	while ((n = mk_wrec_next(&rr, &tag, &v, &vlen)) > 0)
		if (!req_field(r, in, rr.p, tag, v, vlen))
			goto bad;
	if (n < 0 || r->data == NULL || r->true_type == NULL)
		goto bad;
	return 0;
bad:
	mk_wire_req_clear(r);
	mk_error_set(err, MK_ERR_DATA, "unpack: malformed request");
	return MK_ERR_DATA;
}

void
mk_wire_req_clear(mk_wire_req *r)
{
	g_free(r->true_type);
	g_free(r->declared_name);
	for (guint i = 0; r->passwords != NULL && i < r->passwords->len; i++) {
		char *pw = g_ptr_array_index(r->passwords, i);
		memset(pw, 0, strlen(pw));
		g_free(pw);
	}
	if (r->passwords != NULL)
		g_ptr_array_free(r->passwords, TRUE);
	if (r->data != NULL)
		g_bytes_unref(r->data);
	*r = (mk_wire_req){ 0 };
}

/* ---- response --------------------------------------------------------- */

static void
put_node(GByteArray *b, mk_node *n, gint64 parent_index, gint64 *index)
{
	gint64 h[3] = { parent_index, n->kind, n->role };
	gint64 me = ++*index;

	mk_wrec_put_i64s(b, 'N', h, 3);
	mk_wrec_put_str(b, 'n', n->declared_name);
	mk_wrec_put_str(b, 'y', n->declared_type);
	for (guint i = 0; i < n->findings->len; i++)
		mk_wrec_put_finding(b, 'f', g_ptr_array_index(n->findings, i));
	if (n->data != NULL) {
		gsize len = 0;
		const void *p = g_bytes_get_data(n->data, &len);

		mk_wrec_put(b, 'd', p, len);
		g_clear_pointer(&n->data, g_bytes_unref);   /* held once */
	}
	for (guint i = 0; i < n->children->len; i++)
		put_node(b, g_ptr_array_index(n->children, i), me, index);
}

GBytes *
mk_wire_resp_encode(mk_node *leaf, guint first_finding, const char *refined,
                    const mk_ctx *ctx)
{
	GByteArray *b = g_byte_array_new();
	gint64 c[3] = { ctx->nodes, ctx->unpacked, ctx->decrypted };
	gint64 index = 0;

	g_byte_array_append(b, (const guint8 *)RESP_MAGIC, 4);
	mk_wrec_put_str(b, 'T', refined);
	for (guint i = first_finding; i < leaf->findings->len; i++)
		mk_wrec_put_finding(b, 'F', g_ptr_array_index(leaf->findings, i));
	mk_wrec_put_i64s(b, 'C', c, 3);
	for (guint i = 0; i < leaf->children->len; i++)
		put_node(b, g_ptr_array_index(leaf->children, i), 0, &index);
	return g_byte_array_free_to_bytes(b);
}

typedef struct {
	GBytes *out;
	const guint8 *base;
	mk_node *holder;
	GPtrArray *nodes;     /* borrowed mk_node*, index 0 = holder */
	gint64 max_nodes, max_depth;
	mk_wire_counts *counts;
	char **refined;
} resp_st;

static bool
resp_node(resp_st *s, const guint8 *v, gsize vlen)
{
	gint64 h[3];
	mk_node *parent, *n;

	if (!mk_wrec_get_i64s(v, vlen, h, 3) || h[0] < 0 || h[0] >= (gint64)s->nodes->len ||
	    (gint64)s->nodes->len > s->max_nodes ||
	    h[1] < MK_NODE_MEMBER || h[1] > MK_NODE_EMBEDDED ||
	    h[2] < MK_ROLE_NONE || h[2] > MK_ROLE_INLINE)
		return false;
	parent = g_ptr_array_index(s->nodes, (guint)h[0]);
	if (parent->depth + 1 > s->max_depth)
		return false;
	n = mk_node_new((mk_node_kind)h[1], parent);
	n->role = (mk_role)h[2];
	g_ptr_array_add(s->nodes, n);
	return true;
}

static bool
resp_field(resp_st *s, char tag, const guint8 *v, gsize vlen)
{
	mk_node *cur = s->nodes->len > 1 ?
	               g_ptr_array_index(s->nodes, s->nodes->len - 1) : NULL;
	gint64 c[3];
	GBytes *d;

	switch (tag) {
	case 'T':
		return cur == NULL && *s->refined == NULL &&
		       (*s->refined = mk_wrec_get_str(v, vlen)) != NULL;
	case 'F': return cur == NULL && mk_wrec_add_finding(s->holder, v, vlen);
	case 'C':
		if (cur != NULL || !mk_wrec_get_i64s(v, vlen, c, 3))
			return false;
		*s->counts = (mk_wire_counts){ c[0], c[1], c[2] };
		return true;
	case 'N': return resp_node(s, v, vlen);
	case 'n':
		return cur != NULL && cur->declared_name == NULL &&
		       (cur->declared_name = mk_wrec_get_str(v, vlen)) != NULL;
	case 'y':
		return cur != NULL && cur->declared_type == NULL &&
		       (cur->declared_type = mk_wrec_get_str(v, vlen)) != NULL;
	case 'f': return cur != NULL && mk_wrec_add_finding(cur, v, vlen);
	case 'd':
		if (cur == NULL || cur->data != NULL)
			return false;
		d = g_bytes_new_from_bytes(s->out, (gsize)(v - s->base), vlen);
		mk_node_set_data(cur, d);
		g_bytes_unref(d);
		return true;
	default:
		return false;
	}
}

mk_node *
mk_wire_resp_decode(GBytes *out, const mk_node *like, const mk_wire_limits *lim,
                    mk_wire_counts *c, char **refined, mk_error *err)
{
	resp_st s = { .out = out, .counts = c, .refined = refined };
	mk_wrec_rd r = { 0 };
	const guint8 *v;
	gsize vlen;
	char tag;
	int n;

	*refined = NULL;
	s.holder = mk_node_new(MK_NODE_FILE, NULL);
	mk_set_str(&s.holder->path, like->path);
	s.holder->depth = like->depth;
	s.holder->archive_depth = like->archive_depth;
	s.nodes = g_ptr_array_new();
	g_ptr_array_add(s.nodes, s.holder);
	s.max_nodes = lim->max_archive_members + lim->max_parts + 1;
	s.max_depth = like->depth + 1 + lim->max_archive_depth + lim->max_mime_depth;
	if (!mk_wrec_open(&r, out, RESP_MAGIC))
		goto bad;
	s.base = r.p;
	while ((n = mk_wrec_next(&r, &tag, &v, &vlen)) > 0)
		if (!resp_field(&s, tag, v, vlen))
			goto bad;
	if (n < 0)
		goto bad;
	g_ptr_array_unref(s.nodes);
	return s.holder;
bad:
	g_ptr_array_unref(s.nodes);
	mk_node_free(&s.holder);
	g_clear_pointer(refined, g_free);
	mk_error_set(err, MK_ERR_SOFTWARE, "unpack: malformed node list from the worker");
	return NULL;
}
