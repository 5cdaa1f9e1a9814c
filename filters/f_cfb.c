/*
 * NAME
 *   f_cfb - compound file reader (see f_cfb.h; the writer is f_cfb_write.c)
 *
 * DESCRIPTION
 *   The file is held as given (borrowed bytes).  The FAT is collected from
 *   the header's 109 DIFAT slots and the DIFAT chain; chains (FAT and mini
 *   FAT) are followed with a "seen" bitmap, so a loop is an error and no
 *   walk is longer than the number of sectors.  The directory is one
 *   array; the tree is walked with an explicit stack over the sibling
 *   links and a bitmap of entries already placed.
 *
 * NEVER
 *   Writes anything, follows an index it has not range checked.
 */
#include "f_cfb.h"

#include <string.h>

#define CFB_FREE     0xFFFFFFFFu
#define CFB_ENDCHAIN 0xFFFFFFFEu
#define CFB_NOSTREAM 0xFFFFFFFFu
#define CFB_DIRENT   128
#define CFB_MINI     64

static const guint8 cfb_sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

typedef struct cfb {
	const guint8 *buf;
	gsize len;
	guint32 ssz, nsect, cutoff;
	GArray *fat, *minifat;   /* guint32 */
	GByteArray *dir, *mini;
	mk_error *err;
} cfb;

static guint32 le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

static guint16 le16(const guint8 *p)
{
	return (guint16)(p[0] | p[1] << 8);
}

static const guint8 *sector(const cfb *c, guint32 s)
{
	return s < c->nsect ? c->buf + (gsize)(s + 1) * c->ssz : NULL;
}

static bool fail(cfb *c, const char *what)
{
	mk_error_set(c->err, MK_ERR_DATA, "cfb: %s", what);
	return false;
}

/* Follows the chain from START in TABLE (units of UNIT bytes from
 * SRC/SRCLEN, or sectors when SRC is NULL) into OUT, at most MAX bytes. */
static bool chain(cfb *c, const GArray *table, guint32 start, const guint8 *src,
                  gsize srclen, gsize unit, gsize max, GByteArray *out)
{
	guint n = table->len;
	guint8 *seen = g_malloc0(n / 8 + 1);
	bool ok = true;

	for (guint32 s = start; s != CFB_ENDCHAIN && out->len < max;) {
		const guint8 *p = src ? (s < n && ((gsize)s + 1) * unit <= srclen
		                         ? src + (gsize)s * unit : NULL)
		                      : (s < n ? sector(c, s) : NULL);
		if (p == NULL || (seen[s / 8] & (1u << (s % 8)))) {
			ok = fail(c, "bad or looping sector chain");
			break;
		}
		seen[s / 8] |= 1u << (s % 8);
		g_byte_array_append(out, p, (guint)unit);
		s = g_array_index(table, guint32, s);
	}
	g_free(seen);
	if (ok && out->len < max && max != G_MAXSIZE)
		ok = fail(c, "stream shorter than its size");
	if (out->len > max)
		g_byte_array_set_size(out, (guint)max);
	return ok;
}

static bool read_fat(cfb *c)
{
	const guint8 *h = c->buf;
	guint32 nfat = le32(h + 0x2C), difat = le32(h + 0x44);
	guint32 per = c->ssz / 4;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = true;

	for (guint i = 0; i < 109 && ids->len < nfat; i++) {
		guint32 v = le32(h + 0x4C + 4 * i);
		g_array_append_val(ids, v);
	}
	for (guint hops = 0; ids->len < nfat && difat < c->nsect && hops <= c->nsect; hops++) {
		const guint8 *d = sector(c, difat);
		for (guint i = 0; i + 1 < per && ids->len < nfat; i++) {
			guint32 v = le32(d + 4 * i);
			g_array_append_val(ids, v);
		}
		difat = le32(d + 4 * (per - 1));
	}
	if (ids->len < nfat || nfat > c->nsect)
		ok = fail(c, "DIFAT shorter than the FAT");
	for (guint i = 0; ok && i < ids->len; i++) {
		const guint8 *s = sector(c, g_array_index(ids, guint32, i));
		if (s == NULL) {
			ok = fail(c, "FAT sector out of range");
			break;
		}
		for (guint k = 0; k < per; k++) {
			guint32 v = le32(s + 4 * k);
			g_array_append_val(c->fat, v);
		}
	}
	g_array_unref(ids);
	return ok;
}

static bool read_header(cfb *c)
{
	const guint8 *h = c->buf;
	guint16 major, shift;

	if (c->len < 512 || memcmp(h, cfb_sig, 8) != 0)
		return fail(c, "not a compound file");
	major = le16(h + 0x1A);
	shift = le16(h + 0x1E);
	if (le16(h + 0x1C) != 0xFFFE || !((major == 3 && shift == 9) ||
	                                  (major == 4 && shift == 12)) ||
	    le16(h + 0x20) != 6)
		return fail(c, "unsupported header");
	c->ssz = 1u << shift;
	c->nsect = (guint32)MIN((c->len - MIN(c->len, c->ssz)) / c->ssz, 0x7FFFFFFFu);
	c->cutoff = le32(h + 0x38);
	if (c->cutoff != 4096)
		return fail(c, "unsupported mini stream cutoff");
	return read_fat(c);
}

static void free_one(gpointer p)
{
	mk_cfb_entry *e = p;
	mk_cfb_free(&e);
}

static mk_cfb_entry *new_entry(const guint8 *d)
{
	mk_cfb_entry *e = g_new0(mk_cfb_entry, 1);
	guint16 nlen = le16(d + 64);

	e->wlen = nlen >= 2 && nlen <= 64 ? nlen / 2 - 1 : 0;
	e->wname = g_new0(gunichar2, e->wlen + 1);
	for (glong i = 0; i < e->wlen; i++)
		e->wname[i] = le16(d + 2 * i);
	e->name = g_utf16_to_utf8(e->wname, e->wlen, NULL, NULL, NULL);
	if (e->name == NULL)
		e->name = g_strdup("?");
	e->type = d[66];
	memcpy(e->clsid, d + 80, 16);
	memcpy(e->state, d + 96, 4);
	memcpy(e->times, d + 100, 16);
	if (e->type != MK_CFB_STREAM)
		e->kids = g_ptr_array_new_with_free_func(free_one);
	return e;
}

/* The content of stream entry D (its start and size). */
static bool read_stream(cfb *c, const guint8 *d, mk_cfb_entry *e, bool v3)
{
	guint64 size = le32(d + 120) | (v3 ? 0 : (guint64)le32(d + 124) << 32);
	guint32 start = le32(d + 116);
	GByteArray *b = g_byte_array_new();
	bool ok;

	if (size > c->len) {   /* sectors are never shared: no stream is larger */
		g_byte_array_unref(b);
		return fail(c, "stream size over the file's");
	}
	if (size == 0)
		ok = true;
	else if (size < c->cutoff)
		ok = chain(c, c->minifat, start, c->mini->data, c->mini->len,
		           CFB_MINI, (gsize)size, b);
	else
		ok = chain(c, c->fat, start, NULL, 0, c->ssz, (gsize)size, b);
	e->data = g_byte_array_free_to_bytes(b);
	return ok;
}

typedef struct frame {
	mk_cfb_entry *parent;
	guint32 id;
	int depth;
} frame;

/* Places entry F.id (and, through the stack, its siblings and children). */
static bool place(cfb *c, GArray *stack, guint8 *seen, guint n, bool v3)
{
	frame f = g_array_index(stack, frame, stack->len - 1);
	const guint8 *d;
	mk_cfb_entry *e;

	g_array_set_size(stack, stack->len - 1);
	if (f.id == CFB_NOSTREAM)
		return true;
	if (f.id >= n || (seen[f.id / 8] & (1u << (f.id % 8))))
		return fail(c, "bad or looping directory tree");
	seen[f.id / 8] |= 1u << (f.id % 8);
	d = c->dir->data + (gsize)f.id * CFB_DIRENT;
	if (d[66] != MK_CFB_STORAGE && d[66] != MK_CFB_STREAM)
		return fail(c, "bad directory entry type");
	e = new_entry(d);
	g_ptr_array_add(f.parent->kids, e);
	g_array_append_val(stack, ((frame){ f.parent, le32(d + 68), f.depth }));
	g_array_append_val(stack, ((frame){ f.parent, le32(d + 72), f.depth }));
	if (e->type == MK_CFB_STORAGE) {
		if (f.depth >= MK_CFB_MAX_DEPTH)
			return fail(c, "storages nested too deep");
		g_array_append_val(stack, ((frame){ e, le32(d + 76), f.depth + 1 }));
		return true;
	}
	return read_stream(c, d, e, v3);
}

static mk_cfb_entry *read_tree(cfb *c, bool v3)
{
	guint n = c->dir->len / CFB_DIRENT;
	guint8 *seen = g_malloc0(n / 8 + 1);
	GArray *stack = g_array_new(FALSE, FALSE, sizeof(frame));
	const guint8 *r = c->dir->data;
	mk_cfb_entry *root = NULL;
	bool ok = true;

	if (n == 0 || r[66] != MK_CFB_ROOT) {
		fail(c, "no root entry");
		goto out;
	}
	root = new_entry(r);
	seen[0] = 1;
	g_array_append_val(stack, ((frame){ root, le32(r + 76), 0 }));
	while (ok && stack->len)
		ok = place(c, stack, seen, n, v3);
	if (!ok)
		mk_cfb_free(&root);
out:
	g_array_unref(stack);
	g_free(seen);
	return root;
}

mk_cfb_entry *mk_cfb_read(GBytes *in, mk_error *err)
{
	cfb c = { .err = err, .fat = g_array_new(FALSE, FALSE, sizeof(guint32)),
	          .minifat = g_array_new(FALSE, FALSE, sizeof(guint32)),
	          .dir = g_byte_array_new(), .mini = g_byte_array_new() };
	GByteArray *mf = g_byte_array_new();
	mk_cfb_entry *root = NULL;

	c.buf = g_bytes_get_data(in, &c.len);
	if (!read_header(&c) ||
	    !chain(&c, c.fat, le32(c.buf + 0x30), NULL, 0, c.ssz, G_MAXSIZE, c.dir))
		goto out;
	g_byte_array_set_size(c.dir, c.dir->len / CFB_DIRENT * CFB_DIRENT);
	if (c.dir->len == 0 || c.dir->data[66] != MK_CFB_ROOT) {
		fail(&c, "no root entry");
		goto out;
	}
	if (le32(c.buf + 0x3C) != CFB_ENDCHAIN && le32(c.buf + 0x40) > 0 &&
	    !chain(&c, c.fat, le32(c.buf + 0x3C), NULL, 0, c.ssz, G_MAXSIZE, mf))
		goto out;
	for (guint i = 0; i + 4 <= mf->len; i += 4) {
		guint32 v = le32(mf->data + i);
		g_array_append_val(c.minifat, v);
	}
	guint32 msize = le32(c.dir->data + 120);
	if (msize > 0 && !chain(&c, c.fat, le32(c.dir->data + 116), NULL, 0, c.ssz,
	                        msize, c.mini))
		goto out;
	root = read_tree(&c, le16(c.buf + 0x1A) == 3);
out:
	g_byte_array_unref(mf);
	g_byte_array_unref(c.mini);
	g_byte_array_unref(c.dir);
	g_array_unref(c.minifat);
	g_array_unref(c.fat);
	return root;
}

void mk_cfb_free(mk_cfb_entry **e)
{
	if (e == NULL || *e == NULL)
		return;
	g_free((*e)->name);
	g_free((*e)->wname);
	if ((*e)->data)
		g_bytes_unref((*e)->data);
	if ((*e)->kids)
		g_ptr_array_unref((*e)->kids);
	g_free(*e);
	*e = NULL;
}

mk_cfb_entry *mk_cfb_child(const mk_cfb_entry *e, const char *name)
{
	for (guint i = 0; e->kids && i < e->kids->len; i++) {
		mk_cfb_entry *k = g_ptr_array_index(e->kids, i);
		if (g_ascii_strcasecmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}
