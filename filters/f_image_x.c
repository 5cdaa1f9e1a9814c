/*
 * NAME
 *   f_image_x - WebP and TIFF decoders of the image filter (see f_image.h)
 *
 * DESCRIPTION
 *   mk_img_webp_dims() / mk_img_tiff_dims() read width and height with our
 *   own code (RIFF VP8/VP8L/VP8X header; the first TIFF IFD, classic TIFF
 *   only) so that f_image.c checks them against image.max_dimension and
 *   image.max_pixels before a library sees the data.  The decoders then
 *   decode with libwebp (still images; animations are refused) and libtiff
 *   (first page, any photometric libtiff's RGBA interface handles, read
 *   from memory through TIFFClientOpen, no mapping, no file) into an mk_img,
 *   RGB when every pixel is opaque, else RGBA.  The caller re-encodes PNG.
 *
 *   Never opens a file or writes outside the memory it is given; libtiff's
 *   warning and error handlers are replaced (nothing goes to stderr).
 *
 * FAILURE
 *   MK_ERR_DATA: truncated or corrupt data, animated WebP, BigTIFF, a
 *   decoder error; MK_ERR_LIMIT: decoded dimensions over the limits.  No
 *   partial image is ever returned.
 */
#include <stdarg.h>
#include <string.h>

#include <tiffio.h>
#include <webp/decode.h>

#include "f_image.h"
#include "f_pixbuf.h"

static guint32
le16(const guint8 *p)
{
	return p[0] | (guint32)p[1] << 8;
}

static guint32
le24(const guint8 *p)
{
	return p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16;
}

bool
mk_img_webp_dims(const guint8 *p, gsize len, gint64 *w, gint64 *h)
{
	if (len < 30 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
		return false;
	if (memcmp(p + 12, "VP8X", 4) == 0) {
		*w = (gint64)le24(p + 24) + 1;
		*h = (gint64)le24(p + 27) + 1;
		return true;
	}
	if (memcmp(p + 12, "VP8 ", 4) == 0) {
		if (memcmp(p + 23, "\x9d\x01\x2a", 3) != 0)
			return false;
		*w = le16(p + 26) & 0x3FFF;
		*h = le16(p + 28) & 0x3FFF;
		return true;
	}
	if (memcmp(p + 12, "VP8L", 4) == 0 && p[20] == 0x2F) {
		guint32 b = p[21] | (guint32)p[22] << 8 | (guint32)p[23] << 16 |
		            (guint32)p[24] << 24;
		*w = (gint64)(b & 0x3FFF) + 1;
		*h = (gint64)((b >> 14) & 0x3FFF) + 1;
		return true;
	}
	return false;
}

/* Drop the alpha channel when every pixel is opaque. */
static void
maybe_rgb(mk_img *img)
{
	gsize n = (gsize)img->w * img->h;

	if (img->ch != 4)
		return;
	for (gsize i = 0; i < n; i++)
		if (img->px[i * 4 + 3] != 255)
			return;
	for (gsize i = 0; i < n; i++)
		memmove(img->px + i * 3, img->px + i * 4, 3);
	img->ch = 3;
}

int
mk_img_decode_webp(const guint8 *p, gsize len, const mk_wopts *o, mk_img *img,
                   mk_error *err)
{
	WebPBitstreamFeatures ft;
	guint8 *px = NULL;
	gsize size;
	int rc;

	if (WebPGetFeatures(p, len, &ft) != VP8_STATUS_OK) {
		mk_error_set(err, MK_ERR_DATA, "WebP: bad header");
		return MK_ERR_DATA;
	}
	if (ft.has_animation) {
		mk_error_set(err, MK_ERR_DATA, "WebP: animation unsupported");
		return MK_ERR_DATA;
	}
	if ((rc = mk_img_check_dims(ft.width, ft.height, o, err)) < 0)
		return rc;
	size = (gsize)ft.width * (gsize)ft.height * 4;
	px = mk_pixbuf_try_new(size, false);
	if (px == NULL || WebPDecodeRGBAInto(p, len, px, size, ft.width * 4) == NULL) {
		g_free(px);
		mk_error_set(err, MK_ERR_DATA, "WebP: %s", px ? "truncated or corrupt data"
		                                               : "out of memory");
		return MK_ERR_DATA;
	}
	img->w = (guint32)ft.width;
	img->h = (guint32)ft.height;
	img->ch = 4;
	img->px = px;
	maybe_rgb(img);
	return 0;
}

/* ---- TIFF ------------------------------------------------------------ */

static guint32
tget(const guint8 *p, bool be, int n)
{
	guint32 v = 0;

	for (int i = 0; i < n; i++)
		v |= (guint32)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

bool
mk_img_tiff_dims(const guint8 *p, gsize len, gint64 *w, gint64 *h)
{
	bool be;
	guint32 ifd, count;

	if (len < 8 || !((memcmp(p, "II*\0", 4) == 0) || memcmp(p, "MM\0*", 4) == 0))
		return false;
	be = p[0] == 'M';
	ifd = tget(p + 4, be, 4);
	if (ifd < 8 || ifd > len - 2)
		return false;
	count = tget(p + ifd, be, 2);
	*w = *h = 0;
	for (guint32 i = 0; i < count && ifd + 2 + (gsize)i * 12 + 12 <= len; i++) {
		const guint8 *e = p + ifd + 2 + (gsize)i * 12;
		guint32 tag = tget(e, be, 2), type = tget(e + 2, be, 2);
		gint64 v = type == 3 ? (gint64)tget(e + 8, be, 2)
		         : type == 4 ? (gint64)tget(e + 8, be, 4) : -1;
		if (tag == 256)
			*w = v;
		else if (tag == 257)
			*h = v;
	}
	return *w != 0 && *h != 0;
}

typedef struct {
	const guint8 *p;
	gsize len, off;
} tiff_mem;

static tmsize_t
t_read(thandle_t h, void *buf, tmsize_t n)
{
	tiff_mem *m = h;
	gsize k = m->off >= m->len ? 0 : MIN((gsize)n, m->len - m->off);

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (tmsize_t)k;
}

static tmsize_t
t_write(thandle_t h, void *buf, tmsize_t n)
{
	(void)h; (void)buf; (void)n;
	return -1;
}

static toff_t
t_seek(thandle_t h, toff_t off, int whence)
{
	tiff_mem *m = h;
	guint64 base = whence == SEEK_CUR ? m->off : whence == SEEK_END ? m->len : 0;

	if (base + off > G_MAXSIZE)
		return (toff_t)-1;
	m->off = (gsize)(base + off);
	return m->off;
}

static int
t_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t
t_size(thandle_t h)
{
	return ((tiff_mem *)h)->len;
}

static void
t_quiet(const char *mod, const char *fmt, va_list ap)
{
	(void)mod; (void)fmt; (void)ap;
}

static int
tiff_read(TIFF *t, const mk_wopts *o, mk_img *img, GPtrArray *notes,
          mk_error *err)
{
	uint32_t w = 0, h = 0;
	guint8 *px = NULL;
	int rc, pages = TIFFNumberOfDirectories(t);

	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	if ((rc = mk_img_check_dims(w, h, o, err)) < 0)
		return rc;
	px = mk_pixbuf_try_new((gsize)w * h * 4, false);
	if (px == NULL || !TIFFReadRGBAImageOriented(t, w, h, (uint32_t *)px,
	                                             ORIENTATION_TOPLEFT, 1)) {
		g_free(px);
		mk_error_set(err, MK_ERR_DATA, "TIFF: %s", px ? "truncated, corrupt or "
		             "unsupported data" : "out of memory");
		return MK_ERR_DATA;
	}
	/* TIFFRGBA: uint32 ABGR, i.e. R, G, B, A in memory on little endian. */
	for (gsize i = 0; G_BYTE_ORDER == G_BIG_ENDIAN && i < (gsize)w * h; i++) {
		guint32 v = ((guint32 *)px)[i];
		px[i * 4] = TIFFGetR(v);
		px[i * 4 + 1] = TIFFGetG(v);
		px[i * 4 + 2] = TIFFGetB(v);
		px[i * 4 + 3] = TIFFGetA(v);
	}
	img->w = w;
	img->h = h;
	img->ch = 4;
	img->px = px;
	maybe_rgb(img);
	if (pages > 1)
		g_ptr_array_add(notes, g_strdup_printf("TIFF: first of %d pages kept, "
		                "%d dropped", pages, pages - 1));
	return 0;
}

int
mk_img_decode_tiff(const guint8 *p, gsize len, const mk_wopts *o, mk_img *img,
                   GPtrArray *notes, mk_error *err)
{
	tiff_mem m = { p, len, 0 };
	TIFF *t;
	int rc;

	if (len >= 4 && (p[2] == 43 || p[3] == 43)) {
		mk_error_set(err, MK_ERR_DATA, "TIFF: BigTIFF unsupported");
		return MK_ERR_DATA;
	}
	TIFFSetWarningHandler(t_quiet);
	TIFFSetErrorHandler(t_quiet);
	t = TIFFClientOpen("input", "rm", &m, t_read, t_write, t_seek, t_close,
	                   t_size, NULL, NULL);
	if (t == NULL) {
		mk_error_set(err, MK_ERR_DATA, "TIFF: unreadable header");
		return MK_ERR_DATA;
	}
	rc = tiff_read(t, o, img, notes, err);
	TIFFClose(t);
	return rc;
}
