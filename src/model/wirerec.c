/*
 * NAME
 *   wirerec - record codec of the sandbox messages (see wirerec.h)
 *
 * NEVER
 *   Reads past a record's buffer.
 */
#include "wirerec.h"

#include <string.h>

#define REC_HDR    5u       /* tag + u32 length */

/* ---- encoding --------------------------------------------------------- */

void
mk_wrec_put(GByteArray *b, char tag, const void *p, gsize len)
{
	guint8 h[REC_HDR];
	guint32 l = (guint32)len;

	h[0] = (guint8)tag;
	for (int i = 0; i < 4; i++)
		h[1 + i] = (guint8)(l >> (8 * i));
	g_byte_array_append(b, h, REC_HDR);
	if (len > 0)
		g_byte_array_append(b, p, (guint)len);
}

void
mk_wrec_put_str(GByteArray *b, char tag, const char *s)
{
	if (s != NULL)
		mk_wrec_put(b, tag, s, strlen(s));
}

void
mk_wrec_put_i64s(GByteArray *b, char tag, const gint64 *v, gsize n)
{
	guint8 buf[8 * 16];

	g_assert(n <= 16);
	for (gsize k = 0; k < n; k++)
		for (int i = 0; i < 8; i++)
			buf[8 * k + (gsize)i] = (guint8)((guint64)v[k] >> (8 * i));
	mk_wrec_put(b, tag, buf, 8 * n);
}

void
mk_wrec_put_finding(GByteArray *b, char tag, const mk_finding *f)
{
	GString *s = g_string_new(mk_finding_name(f->code));

	if (f->detail != NULL) {
		g_string_append_c(s, '\0');
		g_string_append(s, f->detail);
	}
	mk_wrec_put(b, tag, s->str, s->len);
	g_string_free(s, TRUE);
}

/* ---- decoding --------------------------------------------------------- */

/* 1 = a record, 0 = end, -1 = malformed. */
int
mk_wrec_next(mk_wrec_rd *r, char *tag, const guint8 **val, gsize *vlen)
{
	guint32 l = 0;

	if (r->off == r->len)
		return 0;
	if (r->len - r->off < REC_HDR)
		return -1;
	*tag = (char)r->p[r->off];
	for (int i = 0; i < 4; i++)
		l |= (guint32)r->p[r->off + 1 + (gsize)i] << (8 * i);
	r->off += REC_HDR;
	if (l > r->len - r->off)
		return -1;
	*val = r->p + r->off;
	*vlen = l;
	r->off += l;
	return 1;
}

bool
mk_wrec_get_i64s(const guint8 *v, gsize vlen, gint64 *out, gsize n)
{
	if (vlen != 8 * n)
		return false;
	for (gsize k = 0; k < n; k++) {
		guint64 x = 0;
		for (int i = 0; i < 8; i++)
			x |= (guint64)v[8 * k + (gsize)i] << (8 * i);
		out[k] = (gint64)x;
	}
	return true;
}

/* A new UTF-8 string without NULs, or NULL. */
char *
mk_wrec_get_str(const guint8 *v, gsize vlen)
{
	if (memchr(v, '\0', vlen) != NULL || !g_utf8_validate((const char *)v,
	                                                       (gssize)vlen, NULL))
		return NULL;
	return g_strndup((const char *)v, vlen);
}

bool
mk_wrec_add_finding(mk_node *n, const guint8 *v, gsize vlen)
{
	const guint8 *nul = memchr(v, '\0', vlen);
	gsize nlen = nul ? (gsize)(nul - v) : vlen;
	char *name = mk_wrec_get_str(v, nlen);
	char *detail = nul ? mk_wrec_get_str(nul + 1, vlen - nlen - 1) : NULL;
	int code = name ? mk_finding_parse(name) : -1;
	bool ok = code >= 0 && (nul == NULL || detail != NULL);

	if (ok && detail != NULL)
		mk_node_add_finding(n, (mk_finding_code)code, "%s", detail);
	else if (ok)
		mk_node_add_finding(n, (mk_finding_code)code, NULL);
	g_free(name);
	g_free(detail);
	return ok;
}

bool
mk_wrec_open(mk_wrec_rd *r, GBytes *b, const char *magic)
{
	r->p = b ? g_bytes_get_data(b, &r->len) : NULL;
	r->off = 0;
	if (r->p == NULL || r->len < 4 || memcmp(r->p, magic, 4) != 0)
		return false;
	r->off = 4;
	return true;
}

