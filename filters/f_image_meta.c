/*
 * NAME
 *   f_image_meta - EMF and WMF metafiles rebuilt from their records (see
 *   f_image_meta.h)
 *
 * DESCRIPTION
 *   One walk per format over the record stream, collecting the kept
 *   records into a new buffer behind a header written here.  Record types
 *   are on an allowlist (MS-EMF 2.1.1, MS-WMF 2.1.1.1); comments and
 *   escapes are counted and left out.
 *
 * NEVER
 *   Touches the filesystem or draws anything; copies no header bytes from
 *   the input other than the fields named below.
 */
#include <string.h>

#include "f_image_meta.h"

#define EMF_HEADER_SIZE 88         /* EMR_HEADER without extensions */
#define EMR_HEADER 1
#define EMR_EOF 14
#define EMR_MAX 122
#define WMF_PLACEABLE_SIZE 22
#define WMF_HEADER_SIZE 18
#define WMF_PLACEABLE_KEY 0x9ac6cdd7u
#define META_EOF 0x0000

static guint32 le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

static guint16 le16(const guint8 *p)
{
	return (guint16)(p[0] | p[1] << 8);
}

static void put32(guint8 *p, guint32 v)
{
	p[0] = (guint8)v, p[1] = (guint8)(v >> 8);
	p[2] = (guint8)(v >> 16), p[3] = (guint8)(v >> 24);
}

static void put16(guint8 *p, guint16 v)
{
	p[0] = (guint8)v, p[1] = (guint8)(v >> 8);
}

static int bad(mk_error *err, const char *what)
{
	mk_error_set(err, MK_ERR_DATA, "metafile: %s", what);
	return MK_ERR_DATA;
}

/* ---- EMF ------------------------------------------------------------- */

/* Reserved numbers: not drawn by anyone, refused. */
static bool emf_reserved(guint32 t)
{
	return t == 69 || t == 105 || t == 106 || t == 107 || t == 117;
}

/* EMR_COMMENT (EMF+, EMFSPOOL, public comments), EMR_GLSRECORD,
 * EMR_GLSBOUNDEDRECORD (OpenGL data) and EMR_NAMEDESCAPE (driver data):
 * opaque payloads, left out. */
static bool emf_dropped(guint32 t)
{
	return t == 70 || t == 102 || t == 103 || t == 110;
}

/* Bitmap records: fixed part size and offset of offBmiSrc (then cbBmiSrc,
 * offBitsSrc, cbBitsSrc follow). */
static const struct { guint32 type, fixed, off; } emf_dib[] = {
	{ 76, 100, 84 },   /* EMR_BITBLT */
	{ 77, 108, 84 },   /* EMR_STRETCHBLT */
	{ 80, 76, 48 },    /* EMR_SETDIBITSTODEVICE */
	{ 81, 80, 48 },    /* EMR_STRETCHDIBITS */
};

/* A bitmap header at B (CB bytes) and bits of NB bytes that agree. */
static bool dib_ok(const guint8 *b, guint32 cb, guint32 nb)
{
	if (cb < 40)
		return false;
	guint32 hs = le32(b), comp = le32(b + 16), used = le32(b + 32);
	gint32 w = (gint32)le32(b + 4), h = (gint32)le32(b + 8);
	guint16 bpp = le16(b + 14);
	if ((hs != 40 && hs != 108 && hs != 124) || hs > cb || w <= 0 ||
	    h == 0 || h == G_MININT32)
		return false;
	guint64 colours = used ? used : bpp <= 8 ? 1u << bpp : 0;
	if (colours > 256 || cb - hs > colours * 4 + 12)
		return false;
	guint64 stride = ((guint64)w * bpp + 31) / 32 * 4;
	guint64 need = stride * (guint64)(h < 0 ? -(gint64)h : h);
	if (comp == 0 || comp == 3)                /* BI_RGB, BI_BITFIELDS */
		return bpp && need <= nb && nb < need + 4;
	if (comp == 1 || comp == 2)                /* RLE8, RLE4 */
		return nb <= le32(b + 20) + 3;
	return false;                              /* JPEG, PNG, others */
}

static bool emf_dib_ok(const guint8 *r, guint32 size, guint32 type)
{
	for (gsize i = 0; i < G_N_ELEMENTS(emf_dib); i++) {
		if (emf_dib[i].type != type)
			continue;
		guint32 f = emf_dib[i].fixed, o = emf_dib[i].off;
		if (size < f)
			return false;
		guint64 ob = le32(r + o), cb = le32(r + o + 4);
		guint64 os = le32(r + o + 8), cs = le32(r + o + 12);
		if (cb == 0 && cs == 0)                /* no source bitmap */
			return size - f < 4;
		return ob >= f && ob - f < 4 && os >= ob + cb &&
		       os - (ob + cb) < 4 && os + cs <= size &&
		       size - (os + cs) < 4 && dib_ok(r + ob, (guint32)cb,
		                                      (guint32)cs);
	}
	return true;
}

static int emf_rebuild(const guint8 *p, gsize n, GByteArray *o,
                       guint *dropped, mk_error *err)
{
	guint32 nrec = 1;
	gsize i;
	bool eof = false;

	if (n < EMF_HEADER_SIZE || le32(p) != EMR_HEADER ||
	    memcmp(p + 40, " EMF", 4) != 0)
		return bad(err, "no EMF header");
	guint32 hsize = le32(p + 4);
	if (hsize < EMF_HEADER_SIZE || hsize % 4 || hsize > n || le32(p + 48) != n)
		return bad(err, "EMF header size does not match the file");
	g_byte_array_append(o, p, EMF_HEADER_SIZE);
	put32(o->data + 4, EMF_HEADER_SIZE);
	put16(o->data + 58, 0);                   /* reserved */
	put32(o->data + 60, 0);                   /* no description */
	put32(o->data + 64, 0);
	for (i = hsize; i < n && !eof; ) {
		if (n - i < 8)
			return bad(err, "truncated EMF record");
		guint32 t = le32(p + i), size = le32(p + i + 4);
		if (size < 8 || size % 4 || size > n - i)
			return bad(err, "EMF record size");
		if (t == EMR_HEADER || t == 0 || t > EMR_MAX || emf_reserved(t))
			return bad(err, "unknown EMF record");
		if (!emf_dib_ok(p + i, size, t))
			return bad(err, "EMF bitmap record inconsistent");
		eof = t == EMR_EOF;
		if (emf_dropped(t)) {
			(*dropped)++;
		} else {
			g_byte_array_append(o, p + i, size);
			nrec++;
		}
		i += size;
	}
	if (!eof || i != n)
		return bad(err, "EMF does not end with EMR_EOF at its end");
	put32(o->data + 48, o->len);
	put32(o->data + 52, nrec);
	return 0;
}

/* ---- WMF ------------------------------------------------------------- */

/* MS-WMF RecordType, without META_ESCAPE (0x0626, left out). */
static const guint16 wmf_known[] = {
	0x0000, 0x001e, 0x0035, 0x0037, 0x00f7, 0x0102, 0x0103, 0x0104,
	0x0105, 0x0106, 0x0107, 0x0108, 0x0127, 0x012c, 0x012d, 0x012e,
	0x0139, 0x0142, 0x0149, 0x01f0, 0x01f9, 0x0201, 0x0209, 0x020a,
	0x020b, 0x020c, 0x020d, 0x020e, 0x020f, 0x0211, 0x0213, 0x0214,
	0x0220, 0x0228, 0x0231, 0x0234, 0x02fa, 0x02fb, 0x02fc, 0x0324,
	0x0325, 0x0410, 0x0412, 0x0415, 0x0416, 0x0418, 0x0419, 0x041b,
	0x041f, 0x0429, 0x0436, 0x0521, 0x0538, 0x0548, 0x061c, 0x061d,
	0x06ff, 0x0817, 0x081a, 0x0830, 0x0922, 0x0940, 0x0a32, 0x0b23,
	0x0b41, 0x0d33, 0x0f43,
};
#define META_ESCAPE 0x0626

static bool wmf_is_known(guint16 f)
{
	for (gsize i = 0; i < G_N_ELEMENTS(wmf_known); i++)
		if (wmf_known[i] == f)
			return true;
	return false;
}

static int wmf_rebuild(const guint8 *p, gsize n, GByteArray *o,
                       guint *dropped, mk_error *err)
{
	gsize h = 0, i;
	guint32 maxrec = 0;
	bool eof = false;

	if (n >= WMF_PLACEABLE_SIZE && le32(p) == WMF_PLACEABLE_KEY) {
		guint8 ph[WMF_PLACEABLE_SIZE];
		guint16 sum = 0;
		memcpy(ph, p, WMF_PLACEABLE_SIZE);
		put32(ph + 16, 0);                    /* reserved */
		for (int k = 0; k < 10; k++)
			sum ^= le16(ph + 2 * k);
		put16(ph + 20, sum);
		g_byte_array_append(o, ph, WMF_PLACEABLE_SIZE);
		h = WMF_PLACEABLE_SIZE;
	}
	const guint8 *mh = p + h;
	if (n - h < WMF_HEADER_SIZE || (le16(mh) != 1 && le16(mh) != 2) ||
	    le16(mh + 2) != 9 || (le16(mh + 4) != 0x100 && le16(mh + 4) != 0x300))
		return bad(err, "no WMF header");
	if ((n - h) % 2 || (gsize)le32(mh + 6) * 2 != n - h)
		return bad(err, "WMF header size does not match the file");
	gsize mpos = o->len;
	g_byte_array_append(o, mh, WMF_HEADER_SIZE);
	put16(o->data + mpos + 16, 0);            /* mtNoParameters */
	for (i = h + WMF_HEADER_SIZE; i < n && !eof; ) {
		if (n - i < 6)
			return bad(err, "truncated WMF record");
		guint64 size = (guint64)le32(p + i) * 2;
		guint16 f = le16(p + i + 4);
		if (size < 6 || size > n - i)
			return bad(err, "WMF record size");
		if (f != META_ESCAPE && !wmf_is_known(f))
			return bad(err, "unknown WMF record");
		eof = f == META_EOF;
		if (f == META_ESCAPE) {
			(*dropped)++;
		} else {
			g_byte_array_append(o, p + i, (guint)size);
			maxrec = MAX(maxrec, (guint32)(size / 2));
		}
		i += size;
	}
	if (!eof || i != n)
		return bad(err, "WMF does not end with META_EOF at its end");
	put32(o->data + mpos + 6, (guint32)((o->len - mpos) / 2));
	put32(o->data + mpos + 12, maxrec);
	return 0;
}

int mk_meta_rebuild(const guint8 *p, gsize n, bool emf, GBytes **out,
                    guint *dropped, mk_error *err)
{
	GByteArray *o = g_byte_array_new();
	int rc;

	*out = NULL;
	*dropped = 0;
	if (n > G_MAXUINT32 / 2) {
		rc = bad(err, "too large");
		goto out;
	}
	rc = emf ? emf_rebuild(p, n, o, dropped, err)
	         : wmf_rebuild(p, n, o, dropped, err);
	if (rc == 0) {
		*out = g_byte_array_free_to_bytes(o);
		o = NULL;
	}
out:
	if (o)
		g_byte_array_unref(o);
	return rc;
}
