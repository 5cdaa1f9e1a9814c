/*
 * NAME
 *   f_cfb_write - write a tree of storages and streams as a new version 3
 *   compound file (see f_cfb.h)
 *
 * DESCRIPTION
 *   Entries get directory ids in a walk of the tree (root 0).  A storage's
 *   children are sorted in the CFB order (shorter name first, then the
 *   upper-cased UTF-16 units) and linked as a balanced binary tree (the
 *   middle child is the storage's child, each half its left and right
 *   subtree), every node black.  Sector layout after the header: mini
 *   stream, big streams, directory, mini FAT, FAT, DIFAT; the FAT and
 *   DIFAT counts are found by iterating until they cover every sector
 *   including themselves.
 *
 * NEVER
 *   Copies anything from an input file but the entries' fields and data.
 */
#include "f_cfb.h"

#include <string.h>

#define W_FREE     0xFFFFFFFFu
#define W_END      0xFFFFFFFEu
#define W_FATSECT  0xFFFFFFFDu
#define W_DIFSECT  0xFFFFFFFCu
#define W_NOSTREAM 0xFFFFFFFFu
#define W_SSZ      512u
#define W_MINI     64u
#define W_CUTOFF   4096u

typedef struct went {
	const mk_cfb_entry *e;
	guint32 left, right, child, start;
	guint64 size;
} went;

typedef struct wr {
	GArray *ents;      /* went, by directory id */
	GArray *fat;       /* guint32 */
	GArray *minifat;   /* guint32 */
	GByteArray *mini;  /* the mini stream */
	GPtrArray *big;    /* went index (GUINT_TO_POINTER) of big streams */
} wr;

static void put32(guint8 *p, guint32 v)
{
	p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24;
}

static void put16(guint8 *p, guint16 v)
{
	p[0] = v & 0xff; p[1] = v >> 8;
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
	const mk_cfb_entry *x = *(mk_cfb_entry *const *)a, *y = *(mk_cfb_entry *const *)b;

	if (x->wlen != y->wlen)
		return x->wlen < y->wlen ? -1 : 1;
	for (glong i = 0; i < x->wlen; i++) {
		gunichar2 p = x->wname[i], q = y->wname[i];
		p = p < 0x80 ? (gunichar2)g_ascii_toupper((char)p) : p;
		q = q < 0x80 ? (gunichar2)g_ascii_toupper((char)q) : q;
		if (p != q)
			return p < q ? -1 : 1;
	}
	return 0;
}

static guint32 add_entry(wr *w, const mk_cfb_entry *e);

/* Ids of KIDS[lo, hi) as a balanced tree; returns the subtree's root. */
static guint32 link_kids(wr *w, GPtrArray *kids, guint lo, guint hi)
{
	if (lo >= hi)
		return W_NOSTREAM;
	guint mid = lo + (hi - lo) / 2;
	guint32 id = add_entry(w, g_ptr_array_index(kids, mid));
	guint32 l = link_kids(w, kids, lo, mid), r = link_kids(w, kids, mid + 1, hi);
	g_array_index(w->ents, went, id).left = l;
	g_array_index(w->ents, went, id).right = r;
	return id;
}

static guint32 add_entry(wr *w, const mk_cfb_entry *e)
{
	went x = { e, W_NOSTREAM, W_NOSTREAM, W_NOSTREAM, 0, 0 };
	guint32 id = w->ents->len;

	g_array_append_val(w->ents, x);
	if (e->kids && e->kids->len) {
		GPtrArray *k = g_ptr_array_sized_new(e->kids->len);   /* borrowed */
		for (guint i = 0; i < e->kids->len; i++)
			g_ptr_array_add(k, e->kids->pdata[i]);
		g_ptr_array_sort(k, cmp_names);
		guint32 c = link_kids(w, k, 0, k->len);
		g_array_index(w->ents, went, id).child = c;
		g_ptr_array_unref(k);
	}
	return id;
}

static void chain_out(GArray *table, guint32 first, guint32 count)
{
	for (guint32 i = 0; i < count; i++) {
		guint32 v = i + 1 < count ? first + i + 1 : W_END;
		g_array_append_val(table, v);
	}
}

/* Streams into the mini stream or the big list; names checked. */
static bool place_streams(wr *w, mk_error *err)
{
	for (guint i = 0; i < w->ents->len; i++) {
		went *x = &g_array_index(w->ents, went, i);
		gsize len = x->e->data ? g_bytes_get_size(x->e->data) : 0;
		if (x->e->wlen > 31) {
			mk_error_set(err, MK_ERR_LIMIT, "cfb: name over 31 characters");
			return false;
		}
		x->start = x->e->type == MK_CFB_STREAM ? W_END : 0;
		if (x->e->type != MK_CFB_STREAM || len == 0)
			continue;
		x->size = len;
		if (len >= W_CUTOFF) {
			g_ptr_array_add(w->big, GUINT_TO_POINTER(i));
			continue;
		}
		guint32 n = (guint32)((len + W_MINI - 1) / W_MINI);
		x->start = w->mini->len / W_MINI;
		chain_out(w->minifat, x->start, n);
		g_byte_array_append(w->mini, g_bytes_get_data(x->e->data, NULL), (guint)len);
		g_byte_array_set_size(w->mini, x->start * W_MINI + n * W_MINI);
		memset(w->mini->data + x->start * W_MINI + len, 0, n * W_MINI - len);
	}
	return true;
}

static guint32 nsect(gsize bytes)
{
	return (guint32)((bytes + W_SSZ - 1) / W_SSZ);
}

static void dir_entry(guint8 *d, const went *x)
{
	const mk_cfb_entry *e = x->e;

	for (glong i = 0; i < e->wlen; i++)
		put16(d + 2 * i, e->wname[i]);
	put16(d + 64, (guint16)((e->wlen + 1) * 2));
	d[66] = (guint8)e->type;
	d[67] = 1;   /* black */
	put32(d + 68, x->left);
	put32(d + 72, x->right);
	put32(d + 76, x->child);
	memcpy(d + 80, e->clsid, 16);
	memcpy(d + 96, e->state, 4);
	memcpy(d + 100, e->times, 16);
	put32(d + 116, x->start);
	put32(d + 120, (guint32)x->size);
}

/* FAT and DIFAT sector counts that cover DATA sectors and themselves. */
static void fat_size(guint32 data, guint32 *nfat, guint32 *ndif)
{
	*nfat = *ndif = 0;
	for (;;) {
		guint32 total = data + *nfat + *ndif;
		guint32 f = (total + 127) / 128, d = f > 109 ? (f - 109 + 126) / 127 : 0;
		if (f == *nfat && d == *ndif)
			return;
		*nfat = f;
		*ndif = d;
	}
}

static void header(guint8 *h, guint32 nfat, guint32 dir, guint32 mfat,
                   guint32 nmfat, guint32 dif, guint32 ndif, guint32 fat0)
{
	static const guint8 sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

	memcpy(h, sig, 8);
	put16(h + 0x18, 0x003E);
	put16(h + 0x1A, 3);
	put16(h + 0x1C, 0xFFFE);
	put16(h + 0x1E, 9);
	put16(h + 0x20, 6);
	put32(h + 0x2C, nfat);
	put32(h + 0x30, dir);
	put32(h + 0x38, W_CUTOFF);
	put32(h + 0x3C, nmfat ? mfat : W_END);
	put32(h + 0x40, nmfat);
	put32(h + 0x44, ndif ? dif : W_END);
	put32(h + 0x48, ndif);
	for (guint i = 0; i < 109; i++)
		put32(h + 0x4C + 4 * i, i < nfat ? fat0 + i : W_FREE);
}

/* The sector chains of the layout, in order; *pos gets each part's first
 * sector: 0 mini stream, 1 directory, 2 mini FAT, 3 FAT, 4 DIFAT. */
static guint32 layout(wr *w, guint32 s_mini, guint32 s_dir, guint32 s_mfat,
                      guint32 nfat, guint32 ndif, guint32 pos[5])
{
	guint32 cur = 0, v;

	pos[0] = cur;
	chain_out(w->fat, cur, s_mini);
	cur += s_mini;
	for (guint i = 0; i < w->big->len; i++) {
		went *x = &g_array_index(w->ents, went, GPOINTER_TO_UINT(w->big->pdata[i]));
		guint32 n = nsect(x->size);
		x->start = cur;
		chain_out(w->fat, cur, n);
		cur += n;
	}
	pos[1] = cur;
	chain_out(w->fat, cur, s_dir);
	cur += s_dir;
	pos[2] = cur;
	chain_out(w->fat, cur, s_mfat);
	cur += s_mfat;
	pos[3] = cur;
	for (v = W_FATSECT; cur < pos[3] + nfat; cur++)
		g_array_append_val(w->fat, v);
	pos[4] = cur;
	for (v = W_DIFSECT; cur < pos[4] + ndif; cur++)
		g_array_append_val(w->fat, v);
	for (v = W_FREE; w->fat->len < nfat * 128;)
		g_array_append_val(w->fat, v);
	return cur;
}

static void write_tables(wr *w, guint8 *o, const guint32 pos[5], guint32 nfat,
                         guint32 ndif, guint32 s_mfat)
{
	guint8 *sec = o + W_SSZ;

	for (guint i = 0; i < w->ents->len; i++)
		dir_entry(sec + (gsize)pos[1] * W_SSZ + (gsize)i * 128,
		          &g_array_index(w->ents, went, i));
	for (guint i = w->ents->len; i % 4; i++) {   /* unused slots */
		guint8 *d = sec + (gsize)pos[1] * W_SSZ + (gsize)i * 128;
		put32(d + 68, W_NOSTREAM);
		put32(d + 72, W_NOSTREAM);
		put32(d + 76, W_NOSTREAM);
	}
	for (guint i = 0; i < s_mfat * 128; i++)
		put32(sec + (gsize)pos[2] * W_SSZ + 4 * i, i < w->minifat->len
		      ? g_array_index(w->minifat, guint32, i) : W_FREE);
	for (guint i = 0; i < nfat * 128; i++)
		put32(sec + (gsize)pos[3] * W_SSZ + 4 * i, g_array_index(w->fat, guint32, i));
	for (guint d = 0; d < ndif; d++) {
		guint8 *s = sec + (gsize)(pos[4] + d) * W_SSZ;
		for (guint i = 0; i < 127; i++) {
			guint32 f = 109 + d * 127 + i;
			put32(s + 4 * i, f < nfat ? pos[3] + f : W_FREE);
		}
		put32(s + 508, d + 1 < ndif ? pos[4] + d + 1 : W_END);
	}
}

GBytes *mk_cfb_write(const mk_cfb_entry *root, gsize max, mk_error *err)
{
	wr w = { g_array_new(FALSE, FALSE, sizeof(went)),
	         g_array_new(FALSE, FALSE, sizeof(guint32)),
	         g_array_new(FALSE, FALSE, sizeof(guint32)), g_byte_array_new(),
	         g_ptr_array_new() };
	guint32 pos[5], nfat, ndif, s_big = 0;
	GBytes *out = NULL;

	add_entry(&w, root);
	if (!place_streams(&w, err))
		goto out;
	for (guint i = 0; i < w.big->len; i++)
		s_big += nsect(g_array_index(w.ents, went,
		                             GPOINTER_TO_UINT(w.big->pdata[i])).size);
	guint32 s_mini = nsect(w.mini->len), s_dir = nsect((gsize)w.ents->len * 128);
	guint32 s_mfat = nsect((gsize)w.minifat->len * 4);
	fat_size(s_mini + s_big + s_dir + s_mfat, &nfat, &ndif);
	guint64 bytes = (guint64)W_SSZ * (1 + s_mini + s_big + s_dir + s_mfat + nfat + ndif);
	if (bytes > max) {
		mk_error_set(err, MK_ERR_LIMIT, "cfb: output over %zu bytes", max);
		goto out;
	}
	layout(&w, s_mini, s_dir, s_mfat, nfat, ndif, pos);
	went *r = &g_array_index(w.ents, went, 0);
	r->start = s_mini ? pos[0] : W_END;
	r->size = w.mini->len;
	guint8 *o = g_malloc0((gsize)bytes);
	header(o, nfat, pos[1], pos[2], s_mfat, pos[4], ndif, pos[3]);
	if (w.mini->len > 0)   /* an empty GByteArray's data may be NULL */
		memcpy(o + W_SSZ, w.mini->data, w.mini->len);
	for (guint i = 0; i < w.big->len; i++) {
		const went *x = &g_array_index(w.ents, went, GPOINTER_TO_UINT(w.big->pdata[i]));
		if (x->size > 0)
			memcpy(o + W_SSZ + (gsize)x->start * W_SSZ,
			       g_bytes_get_data(x->e->data, NULL), (gsize)x->size);
	}
	write_tables(&w, o, pos, nfat, ndif, s_mfat);
	out = g_bytes_new_take(o, (gsize)bytes);
out:
	g_ptr_array_unref(w.big);
	g_byte_array_unref(w.mini);
	g_array_unref(w.minifat);
	g_array_unref(w.fat);
	g_array_unref(w.ents);
	return out;
}
