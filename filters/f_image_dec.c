/*
 * NAME
 *   f_image_dec - GIF (giflib) and BMP (own parser) decoders of the image
 *   filter (see f_image.h)
 *
 * DESCRIPTION
 *   GIF: the logical screen is the picture; the first image descriptor is
 *   drawn onto a transparent canvas (its transparent index from the
 *   graphic control extension before it), clipped to the screen; the rest
 *   of the file is not read.  Every frame's size is checked before its
 *   lines are decoded.
 *
 *   BMP: BITMAPCOREHEADER (12) and BITMAPINFOHEADER and later (40, 52, 56,
 *   108, 124) with 1/4/8-bit palettes, 16/24/32-bit BI_RGB and 16/32-bit
 *   BI_BITFIELDS, bottom-up or top-down.  Every offset is checked against
 *   the buffer before it is read; RLE, JPEG and PNG compression fail.
 *
 * NEVER
 *   Reads outside the input buffer or keeps anything but pixels.
 */
#include "f_image.h"
#include "f_pixbuf.h"

#include <gif_lib.h>
#include <string.h>

/* ---- GIF ----------------------------------------------------------- */

typedef struct {
	const guint8 *p;
	gsize len, off;
} gif_in;

static int
gif_read(GifFileType *g, GifByteType *buf, int n)
{
	gif_in *in = g->UserData;
	gsize k = MIN((gsize)n, in->len - in->off);

	memcpy(buf, in->p + in->off, k);
	in->off += k;
	return (int)k;
}

static int
gif_error(GifFileType *g, mk_error *err)
{
	mk_error_set(err, MK_ERR_DATA, "GIF: %s", GifErrorString(g->Error));
	return MK_ERR_DATA;
}

/* Skip an extension; a graphic control one sets *TRANSPARENT (or -1). */
static int
gif_extension(GifFileType *g, int *transparent, mk_error *err)
{
	GifByteType *ext = NULL;
	int code = 0;

	if (DGifGetExtension(g, &code, &ext) != GIF_OK)
		return gif_error(g, err);
	if (code == GRAPHICS_EXT_FUNC_CODE && ext != NULL && ext[0] >= 4)
		*transparent = (ext[1] & 1) ? ext[4] : -1;
	while (ext != NULL)
		if (DGifGetExtensionNext(g, &ext) != GIF_OK)
			return gif_error(g, err);
	return 0;
}

static int
gif_frame(GifFileType *g, int transparent, const mk_wopts *o, mk_img *img,
          mk_error *err)
{
	static const int start[] = { 0, 4, 2, 1 }, step[] = { 8, 8, 4, 2 };
	GifImageDesc *d;
	ColorMapObject *cm;
	GifPixelType *line = NULL;
	int rc;

	if (DGifGetImageDesc(g) != GIF_OK)
		return gif_error(g, err);
	d = &g->Image;
	cm = d->ColorMap ? d->ColorMap : g->SColorMap;
	rc = mk_img_check_dims(d->Width, d->Height, o, err);
	if (rc < 0)
		return rc;
	if (cm == NULL) {
		mk_error_set(err, MK_ERR_DATA, "GIF: no colour map");
		return MK_ERR_DATA;
	}
	line = g_malloc(d->Width);
	for (int pass = d->Interlace ? 0 : 3; pass < 4 && rc == 0; pass++)
		for (int y = d->Interlace ? start[pass] : 0; y < d->Height && rc == 0;
		     y += d->Interlace ? step[pass] : 1) {
			if (DGifGetLine(g, line, d->Width) != GIF_OK) {
				rc = gif_error(g, err);
				break;
			}
			gint64 cy = (gint64)d->Top + y;
			for (int x = 0; x < d->Width && cy < img->h; x++) {
				gint64 cx = (gint64)d->Left + x;
				if (cx >= img->w || line[x] == transparent ||
				    line[x] >= cm->ColorCount)
					continue;
				guint8 *px = img->px + ((gsize)cy * img->w + cx) * 4;
				px[0] = cm->Colors[line[x]].Red;
				px[1] = cm->Colors[line[x]].Green;
				px[2] = cm->Colors[line[x]].Blue;
				px[3] = 255;
			}
		}
	g_free(line);
	return rc;
}

int
mk_img_decode_gif(const guint8 *p, gsize len, const mk_wopts *o, mk_img *img,
                  mk_error *err)
{
	gif_in in = { p, len, 0 };
	int e = 0, rc = MK_ERR_DATA, transparent = -1;
	GifFileType *g = DGifOpen(&in, gif_read, &e);
	GifRecordType t;

	if (g == NULL) {
		mk_error_set(err, MK_ERR_DATA, "GIF: %s", GifErrorString(e));
		return MK_ERR_DATA;
	}
	rc = mk_img_check_dims(g->SWidth, g->SHeight, o, err);
	if (rc < 0)
		goto out;
	img->w = (guint32)g->SWidth;
	img->h = (guint32)g->SHeight;
	img->ch = 4;
	img->px = mk_pixbuf_try_new((gsize)img->w * img->h * 4, true);
	if (img->px == NULL) {
		mk_error_set(err, MK_ERR_DATA, "GIF: out of memory");
		rc = MK_ERR_DATA;
		goto out;
	}
	for (;;) {
		if (DGifGetRecordType(g, &t) != GIF_OK) {
			rc = gif_error(g, err);
			break;
		}
		if (t == EXTENSION_RECORD_TYPE) {
			rc = gif_extension(g, &transparent, err);
		} else if (t == IMAGE_DESC_RECORD_TYPE) {
			rc = gif_frame(g, transparent, o, img, err);
			break;
		} else {
			mk_error_set(err, MK_ERR_DATA, "GIF: no image");
			rc = MK_ERR_DATA;
		}
		if (rc < 0)
			break;
	}
out:
	DGifCloseFile(g, &e);
	if (rc < 0) {
		g_free(img->px);
		img->px = NULL;
	}
	return rc;
}

/* ---- BMP ----------------------------------------------------------- */

typedef struct {
	const guint8 *p;
	gsize len;
	guint32 hsize, bpp, comp, ncolors, palette, pal_entry, data;
	gint64 w, h;
	bool topdown;
	guint32 mask[3];
} bmp_info;

static guint32
le16(const guint8 *p)
{
	return p[0] | (guint32)p[1] << 8;
}

static guint32
le32(const guint8 *p)
{
	return p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static int
bmp_header(bmp_info *b, mk_error *err)
{
	const guint8 *p = b->p;

	b->data = le32(p + 10);
	b->hsize = le32(p + 14);
	if (b->hsize == 12) {
		b->w = le16(p + 18);
		b->h = (gint16)le16(p + 20);
		b->bpp = le16(p + 24);
		b->pal_entry = 3;
	} else if (b->hsize >= 40 && b->hsize <= 124 && b->len >= 14 + 40) {
		b->w = (gint32)le32(p + 18);
		b->h = (gint32)le32(p + 22);
		b->bpp = le16(p + 28);
		b->comp = le32(p + 30);
		b->ncolors = le32(p + 46);
		b->pal_entry = 4;
	} else {
		goto bad;
	}
	b->topdown = b->h < 0;
	b->h = ABS(b->h);
	b->palette = 14 + b->hsize;
	if (b->comp == 3 && (b->bpp == 16 || b->bpp == 32)) {
		gsize at = b->hsize >= 52 ? 54 : 14 + b->hsize;
		if (at + 12 > b->len)
			goto bad;
		for (int i = 0; i < 3; i++)
			b->mask[i] = le32(p + at + 4 * i);
		if (b->hsize < 52)
			b->palette += 12;
	} else if (b->comp == 0 && (b->bpp == 16 || b->bpp == 32)) {
		bool s = b->bpp == 16;
		b->mask[0] = s ? 0x7C00 : 0xFF0000;
		b->mask[1] = s ? 0x03E0 : 0x00FF00;
		b->mask[2] = s ? 0x001F : 0x0000FF;
	} else if (b->comp != 0 || (b->bpp != 1 && b->bpp != 4 && b->bpp != 8 &&
	                            b->bpp != 24)) {
		mk_error_set(err, MK_ERR_DATA, "BMP: unsupported %u-bit compression "
		             "%u", b->bpp, b->comp);
		return MK_ERR_DATA;
	}
	if (b->bpp <= 8) {
		if (b->ncolors == 0 || b->ncolors > (1u << b->bpp))
			b->ncolors = 1u << b->bpp;
		if (b->palette + (gsize)b->ncolors * b->pal_entry > b->len)
			goto bad;
	}
	return 0;
bad:
	mk_error_set(err, MK_ERR_DATA, "BMP: malformed header");
	return MK_ERR_DATA;
}

/* 8-bit value of the bits of V under MASK. */
static guint8
mask_value(guint32 v, guint32 mask)
{
	guint32 max;

	if (mask == 0)
		return 0;
	while (!(mask & 1)) {
		mask >>= 1;
		v >>= 1;
	}
	max = mask;
	return (guint8)(((guint64)(v & mask) * 255) / max);
}

static void
bmp_pixel(const bmp_info *b, const guint8 *row, gint64 x, guint8 *px)
{
	if (b->bpp <= 8) {
		guint32 bit = (guint32)x * b->bpp;
		guint32 idx = (row[bit / 8] >> (8 - b->bpp - bit % 8)) & ((1u << b->bpp) - 1);
		const guint8 *c = b->p + b->palette + (gsize)idx * b->pal_entry;
		if (idx >= b->ncolors) {
			px[0] = px[1] = px[2] = 0;
			return;
		}
		px[0] = c[2], px[1] = c[1], px[2] = c[0];
	} else if (b->bpp == 24) {
		px[0] = row[x * 3 + 2], px[1] = row[x * 3 + 1], px[2] = row[x * 3];
	} else {
		guint32 v = b->bpp == 16 ? le16(row + x * 2) : le32(row + x * 4);
		for (int i = 0; i < 3; i++)
			px[i] = mask_value(v, b->mask[i]);
	}
}

int
mk_img_decode_bmp(const guint8 *p, gsize len, const mk_wopts *o, mk_img *img,
                  mk_error *err)
{
	bmp_info b = { .p = p, .len = len };
	gsize stride;
	int rc;

	if (len < 26) {
		mk_error_set(err, MK_ERR_DATA, "BMP: truncated header");
		return MK_ERR_DATA;
	}
	rc = bmp_header(&b, err);
	if (rc == 0)
		rc = mk_img_check_dims(b.w, b.h, o, err);
	if (rc < 0)
		return rc;
	stride = (((gsize)b.w * b.bpp + 31) / 32) * 4;
	if (b.data > len || stride * (gsize)b.h > len - b.data) {
		mk_error_set(err, MK_ERR_DATA, "BMP: pixel data truncated");
		return MK_ERR_DATA;
	}
	img->w = (guint32)b.w;
	img->h = (guint32)b.h;
	img->ch = 3;
	img->px = mk_pixbuf_try_new((gsize)img->w * img->h * 3, false);
	if (img->px == NULL) {
		mk_error_set(err, MK_ERR_DATA, "BMP: out of memory");
		return MK_ERR_DATA;
	}
	for (gint64 y = 0; y < b.h; y++) {
		gint64 src = b.topdown ? y : b.h - 1 - y;
		const guint8 *row = p + b.data + (gsize)src * stride;
		guint8 *dst = img->px + (gsize)y * img->w * 3;
		for (gint64 x = 0; x < b.w; x++)
			bmp_pixel(&b, row, x, dst + x * 3);
	}
	return 0;
}
