/*
 * NAME
 *   f_ole_xls - Excel 97-2003 workbook stream rebuilt without macro sheets,
 *   auto-run names or external links (see f_ole.h, mk_ole_xls)
 *
 * DESCRIPTION
 *   The stream is cut into BIFF records (type, length <= 8224) and into
 *   substreams (BOF ... EOF at the top level; the first is the globals).
 *   Globals are copied record by record with these changes:
 *     BOUNDSHEET of type 1 (Excel 4 macro sheet) or 6 (VB module): type 0,
 *       and its substream replaced by an empty worksheet (BOF, DIMENSIONS,
 *       WINDOW2, EOF), so every sheet index stays valid;
 *     NAME (BIFF8, or BIFF5/7 without the fHighByte) that runs on open/close/activation (built-in 0x01, 0x02, 0x0A,
 *       0x0B, or spelt "Auto_Open"... as a prefix) or is a macro name
 *       (fFunc, fOB, fProc): renamed "_mk_removed_N", hidden, formula
 *       =#REF!, its CONTINUE records dropped (its index stays);
 *     SUPBOOK of another workbook or a DDE server: its path is "_";
 *     OBJPROJ (there is no VBA project any more): dropped.
 *   Then the substreams in their order; the BOUNDSHEET positions, the
 *   INDEX records' absolute positions (ibXF, rgibRw) and the EXTSST
 *   bucket positions are moved by how far their record moved.
 *
 * NEVER
 *   Keeps bytes between or after substreams.
 *
 * FAILURE
 *   FILEPASS (encrypted), a truncated record, no globals, a BOUNDSHEET
 *   that points at no substream: MK_ERR_DATA.
 */
#include <string.h>

#include "f_ole.h"

#define R_BOF 0x0809
#define R_EOF 0x000A
#define R_FILEPASS 0x002F
#define R_BOUNDSHEET 0x0085
#define R_NAME 0x0018
#define R_SUPBOOK 0x01AE
#define R_OBJPROJ 0x00D3
#define R_CONTINUE 0x003C
#define R_SST 0x00FC
#define R_EXTSST 0x00FF
#define R_INDEX 0x020B
#define REC_MAX 8224

typedef struct rec {
	gsize off;
	guint16 type, len;
} rec;

typedef struct sub {
	guint first, last;        /* record indices, BOF ... EOF */
	bool empty;               /* replaced by an empty worksheet */
	gsize new_off;
} sub;

typedef struct xls {
	const guint8 *d;
	gsize len;
	GArray *recs, *subs;
	GByteArray *out;
	GArray *ply;              /* (out offset of lbPlyPos, sub index) pairs */
	int *counts;               /* [MK_FN_N] */
	int names;
	bool biff8;               /* else BIFF5/7: names without fHighByte */
} xls;

static guint16 le16(const guint8 *p) { return (guint16)(p[0] | p[1] << 8); }
static guint32 le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}
static void put32(guint8 *p, guint32 v)
{
	p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}

static int bad(mk_error *err, const char *what)
{
	mk_error_set(err, MK_ERR_DATA, "ole: Excel: %s", what);
	return MK_ERR_DATA;
}

static int cut(xls *x, mk_error *err)
{
	int depth = 0;
	sub s = { 0 };

	for (gsize off = 0; off + 4 <= x->len;) {
		rec r = { off, le16(x->d + off), le16(x->d + off + 2) };
		if (r.len > REC_MAX || r.len > x->len - off - 4)
			return bad(err, "truncated record");
		if (r.type == R_FILEPASS) {
			mk_error_set(err, MK_ERR_DATA, "ole: encrypted (password required)");
			return MK_ERR_DATA;
		}
		if (r.type == R_BOF && depth++ == 0)
			s.first = x->recs->len;
		g_array_append_val(x->recs, r);
		if (r.type == R_EOF && depth > 0 && --depth == 0) {
			s.last = x->recs->len - 1;
			g_array_append_val(x->subs, s);
		}
		off += 4 + r.len;
	}
	return x->subs->len ? 0 : bad(err, "no workbook globals");
}

static void emit(xls *x, guint16 type, const guint8 *body, guint16 len)
{
	guint8 h[4] = { type & 0xff, type >> 8, len & 0xff, len >> 8 };
	g_byte_array_append(x->out, h, 4);
	if (len)
		g_byte_array_append(x->out, body, len);
}

static const rec *R(const xls *x, guint i) { return &g_array_index(x->recs, rec, i); }
static const guint8 *body(const xls *x, const rec *r) { return x->d + r->off + 4; }

/* Does NAME record R run something, or name a macro? */
static bool bad_name(const xls *x, const rec *r)
{
	const guint8 *b = body(x, r);
	static const char *const autos[] = { "auto_open", "auto_close",
		"auto_activate", "auto_deactivate", NULL };
	char name[64] = "";

	guint at = x->biff8 ? 15 : 14;         /* the name's first character */

	if (r->len < at + 1)
		return r->len > 0;
	guint16 grbit = le16(b);
	guint cch = b[3], wide = x->biff8 ? (b[14] & 1) : 0;
	if (grbit & 0x000E)
		return true;                       /* fFunc, fOB, fProc */
	if (grbit & 0x0020)
		return b[at] == 0x01 || b[at] == 0x02 || b[at] == 0x0A || b[at] == 0x0B;
	for (guint i = 0; i < cch && i + 1 < sizeof name && at + i * (wide + 1) < r->len; i++)
		name[i] = (char)g_ascii_tolower(b[at + i * (wide + 1)]);
	for (guint i = 0; autos[i]; i++)
		if (g_str_has_prefix(name, autos[i]))
			return true;
	return false;
}

static void new_name(xls *x, const rec *r)
{
	guint8 b[64] = { 0 };
	char *n = g_strdup_printf("_mk_removed_%d", ++x->names);
	gsize l = strlen(n), at = x->biff8 ? 15 : 14;

	b[0] = 0x01;                            /* hidden */
	b[3] = (guint8)l;
	b[4] = 2;                               /* cce */
	if (r->len >= 10)
		memcpy(b + 8, body(x, r) + 8, 2);   /* itab: the same scope */
	memcpy(b + at, n, l);                   /* BIFF8: b[14] = 0, 8-bit */
	b[at + l] = 0x1C;                       /* PtgErr #REF! */
	b[at + l + 1] = 0x17;
	emit(x, R_NAME, b, (guint16)(at + l + 2));
	g_free(n);
}

/* SUPBOOK of another workbook or a DDE server: path "_". */
static void supbook(xls *x, const rec *r)
{
	const guint8 *b = body(x, r);
	guint16 cch = r->len >= 4 ? le16(b + 2) : 0;
	gsize skip;

	if (r->len < 5 || cch == 0x0401 || cch == 0x3A01 || cch > 255) {
		emit(x, r->type, b, r->len);
		return;
	}
	skip = 5 + (gsize)cch * ((b[4] & 1) + 1);
	if (skip > r->len) {
		emit(x, r->type, b, r->len);   /* odd: Excel will not use it either */
		return;
	}
	bool dde = memchr(b + 5, 0x03, skip - 5) != NULL;
	GByteArray *n = g_byte_array_new();
	guint8 head[6] = { b[0], b[1], 1, 0, 0, '_' };
	g_byte_array_append(n, head, 6);
	g_byte_array_append(n, b + skip, (guint)(r->len - skip));
	emit(x, r->type, n->data, (guint16)n->len);
	g_byte_array_unref(n);
	x->counts[dde ? MK_FN_DDE : MK_FN_EXT_BOOK]++;
}

static int boundsheet(xls *x, const rec *r, mk_error *err)
{
	guint8 b[REC_MAX];
	guint k;

	if (r->len < 8)
		return bad(err, "short BOUNDSHEET");
	memcpy(b, body(x, r), r->len);
	for (k = 1; k < x->subs->len; k++)
		if (R(x, g_array_index(x->subs, sub, k).first)->off == le32(b))
			break;
	if (k == x->subs->len)
		return bad(err, "a sheet without its substream");
	if (b[5] == 1 || b[5] == 6) {
		x->counts[b[5] == 1 ? MK_FN_XLM_SHEET : MK_FN_VBA_SHEET]++;
		g_array_index(x->subs, sub, k).empty = true;
		b[5] = 0;
	}
	guint64 pair = (guint64)(x->out->len + 4) << 32 | k;
	g_array_append_val(x->ply, pair);
	emit(x, r->type, b, r->len);
	return 0;
}

static int globals(xls *x, mk_error *err)
{
	const sub *g = &g_array_index(x->subs, sub, 0);
	gsize sst_delta = 0;

	for (guint i = g->first; i <= g->last; i++) {
		const rec *r = R(x, i);
		int rc = 0;
		if (r->type == R_BOUNDSHEET)
			rc = boundsheet(x, r, err);
		else if (r->type == R_NAME && bad_name(x, r)) {
			x->counts[MK_FN_AUTO_NAME]++;
			new_name(x, r);
			while (i < g->last && R(x, i + 1)->type == R_CONTINUE)
				i++;
		} else if (r->type == R_SUPBOOK)
			supbook(x, r);
		else if (r->type == R_OBJPROJ)
			continue;
		else if (r->type == R_EXTSST && r->len >= 2) {
			guint8 b[REC_MAX];
			memcpy(b, body(x, r), r->len);
			for (gsize o = 2; o + 8 <= r->len; o += 8)
				put32(b + o, (guint32)(le32(b + o) + sst_delta));
			emit(x, r->type, b, r->len);
		} else {
			if (r->type == R_SST)
				sst_delta = x->out->len - r->off;
			emit(x, r->type, body(x, r), r->len);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void empty_sheet(xls *x)
{
	static const guint8 bof[16] = { 0x00, 0x06, 0x10, 0x00, 0xBB, 0x0D, 0xCC, 0x07,
		0, 0, 0, 0, 0x06, 0, 0, 0 };
	static const guint8 dim[14] = { 0 };
	static const guint8 win[18] = { 0xB6, 0x00, 0, 0, 0, 0, 0x40, 0 };

	emit(x, R_BOF, bof, 16);
	emit(x, 0x0200, dim, 14);
	emit(x, 0x023E, win, 18);
	emit(x, R_EOF, NULL, 0);
}

/* Substream K copied, INDEX positions moved with it. */
static void copy_sub(xls *x, const sub *s)
{
	gsize delta = x->out->len - R(x, s->first)->off;
	int depth = 0;

	for (guint i = s->first; i <= s->last; i++) {
		const rec *r = R(x, i);
		depth += r->type == R_BOF;
		if (r->type == R_INDEX && depth == 1 && r->len >= 16) {
			guint8 b[REC_MAX];
			memcpy(b, body(x, r), r->len);
			if (le32(b + 12))
				put32(b + 12, (guint32)(le32(b + 12) + delta));
			for (gsize o = 16; o + 4 <= r->len; o += 4)
				put32(b + o, (guint32)(le32(b + o) + delta));
			emit(x, r->type, b, r->len);
		} else {
			emit(x, r->type, body(x, r), r->len);
		}
		depth -= r->type == R_EOF;
	}
}

int mk_ole_xls(GBytes **book, int *counts, mk_error *err)
{
	xls x = { .recs = g_array_new(FALSE, FALSE, sizeof(rec)),
	          .subs = g_array_new(FALSE, FALSE, sizeof(sub)),
	          .out = g_byte_array_new(), .counts = counts,
	          .ply = g_array_new(FALSE, FALSE, sizeof(guint64)) };
	int rc;

	x.d = g_bytes_get_data(*book, &x.len);
	if ((rc = cut(&x, err)) < 0)
		goto out;
	x.biff8 = R(&x, 0)->len >= 2 && le16(x.d + R(&x, 0)->off + 4) == 0x0600;
	if ((rc = globals(&x, err)) < 0)
		goto out;
	for (guint k = 1; k < x.subs->len; k++) {
		sub *s = &g_array_index(x.subs, sub, k);
		s->new_off = x.out->len;
		if (s->empty)
			empty_sheet(&x);
		else
			copy_sub(&x, s);
	}
	for (guint i = 0; i < x.ply->len; i++) {
		guint64 p = g_array_index(x.ply, guint64, i);
		put32(x.out->data + (p >> 32),
		      (guint32)g_array_index(x.subs, sub, (guint)(p & 0xffffffffu)).new_off);
	}
	g_bytes_unref(*book);
	*book = g_byte_array_free_to_bytes(x.out);
	x.out = NULL;
out:
	if (x.out)
		g_byte_array_unref(x.out);
	g_array_unref(x.ply);
	g_array_unref(x.subs);
	g_array_unref(x.recs);
	return rc;
}
