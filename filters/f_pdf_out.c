/*
 * NAME
 *   f_pdf_out - write an image-only PDF from rendered pages (see f_pdf_out.h)
 *
 * DESCRIPTION
 *   PDF 1.4, objects in the order written: per page a content stream, an
 *   image XObject (8 bits, FlateDecode at zlib's fastest level, packed row
 *   by row from cairo's xRGB words: DeviceGray when every pixel is gray,
 *   else DeviceRGB) and the page; at the end the
 *   page tree, the catalog, the xref table and the trailer.  Object 1 is
 *   the catalog and 2 the page tree (forward references are fine in PDF);
 *   nothing else exists: no Info dictionary, no date, no font, no action.
 *   The same pixels give the same bytes.
 *
 *   Why not cairo's PDF surface: for a rasterized page it spent as long
 *   converting and deflating the pixels (default zlib level) as poppler
 *   spent rendering them; this writer takes a fraction of that.  The text
 *   layer (pdf.text_layer) needs glyphs, so it still goes through cairo.
 *
 * NEVER
 *   Writes anything that did not come from the pixels and page sizes it is
 *   given; grows past its byte limit.
 */
#include "f_pdf_out.h"

#include <stdarg.h>
#include <string.h>
#include <zlib.h>

#define PDFW_FIRST_PAGE_OBJ 3    /* 1 catalog, 2 page tree */
#define PDFW_OBJS_PER_PAGE  3    /* content, image, page */
#define PDFW_ROW_MAX        (G_MAXINT16 * 3)

struct mk_pdfw {
	GByteArray *buf;
	GArray *offsets;     /* gsize per object number (index 0 unused) */
	GArray *pages;       /* object numbers of the pages */
	gsize max;
	bool over;
};

mk_pdfw *
mk_pdfw_new(gsize max)
{
	mk_pdfw *w = g_new0(mk_pdfw, 1);
	gsize zero = 0;

	w->buf = g_byte_array_new();
	w->offsets = g_array_new(FALSE, TRUE, sizeof(gsize));
	w->pages = g_array_new(FALSE, FALSE, sizeof(int));
	w->max = max;
	g_array_append_val(w->offsets, zero);
	g_array_set_size(w->offsets, PDFW_FIRST_PAGE_OBJ);
	g_byte_array_append(w->buf, (const guint8 *)"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
	return w;
}

void
mk_pdfw_free(mk_pdfw **wp)
{
	mk_pdfw *w = wp ? *wp : NULL;

	if (w == NULL)
		return;
	if (w->buf)
		g_byte_array_unref(w->buf);
	g_array_unref(w->offsets);
	g_array_unref(w->pages);
	g_free(w);
	*wp = NULL;
}

static void
put(mk_pdfw *w, const void *p, gsize n)
{
	if (w->over || w->buf->len + n > w->max) {
		w->over = true;
		return;
	}
	g_byte_array_append(w->buf, p, (guint)n);
}

static void G_GNUC_PRINTF(2, 3)
putf(mk_pdfw *w, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = g_vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(w, tmp, MIN((gsize)n, sizeof tmp - 1));
}

/* Start object NUM at the current offset. */
static void
obj(mk_pdfw *w, int num)
{
	gsize off = w->buf->len;

	if ((guint)num >= w->offsets->len)
		g_array_set_size(w->offsets, (guint)num + 1);
	g_array_index(w->offsets, gsize, num) = off;
	putf(w, "%d 0 obj\n", num);
}

static void
stream_obj(mk_pdfw *w, int num, const char *dict, const void *data, gsize len)
{
	obj(w, num);
	putf(w, "<< %s/Length %" G_GSIZE_FORMAT " >>\nstream\n", dict, len);
	put(w, data, len);
	put(w, "\nendstream\nendobj\n", 18);
}

/* Every pixel of the xRGB image has R = G = B (a page without colour:
 * most text pages), so one byte per pixel says all of it. */
static bool
image_is_gray(const guint8 *data, int stride, int wpx, int hpx)
{
	for (int y = 0; y < hpx; y++) {
		const guint32 *px = (const guint32 *)(const void *)(data + (gsize)y * (gsize)stride);
		for (int x = 0; x < wpx; x++) {
			guint32 v = px[x];
			if (((v >> 16) & 0xff) != (v & 0xff) || ((v >> 8) & 0xff) != (v & 0xff))
				return false;
		}
	}
	return true;
}

/* The page's pixels as zlib-deflated bytes, COMPS (1 gray or 3 RGB) per
 * pixel (NULL on a zlib error). */
static GByteArray *
deflate_pixels(const guint8 *data, int stride, int wpx, int hpx, int comps,
               gsize max)
{
	GByteArray *z = g_byte_array_new();
	guint8 *row = g_malloc((gsize)wpx * 3), chunk[65536];
	z_stream zs = { 0 };
	int zr = Z_OK;

	if (deflateInit(&zs, Z_BEST_SPEED) != Z_OK)
		goto fail;
	for (int y = 0; y < hpx && zr != Z_STREAM_ERROR; y++) {
		const guint32 *px = (const guint32 *)(const void *)(data + (gsize)y * (gsize)stride);
		if (comps == 1) {
			for (int x = 0; x < wpx; x++)
				row[x] = (guint8)px[x];
		} else {
			for (int x = 0; x < wpx; x++) {
				row[3 * x] = (guint8)(px[x] >> 16);
				row[3 * x + 1] = (guint8)(px[x] >> 8);
				row[3 * x + 2] = (guint8)px[x];
			}
		}
		zs.next_in = row;
		zs.avail_in = (uInt)wpx * (uInt)comps;
		int flush = y + 1 == hpx ? Z_FINISH : Z_NO_FLUSH;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof chunk;
			zr = deflate(&zs, flush);
			g_byte_array_append(z, chunk, (guint)(sizeof chunk - zs.avail_out));
		} while (zs.avail_out == 0 && zr != Z_STREAM_ERROR && z->len <= max);
		if (z->len > max)
			break;
	}
	deflateEnd(&zs);
	if (zr != Z_STREAM_END && z->len <= max)
		goto fail;
	g_free(row);
	return z;
fail:
	g_free(row);
	g_byte_array_unref(z);
	return NULL;
}

int
mk_pdfw_page(mk_pdfw *w, const guint8 *data, int stride, int wpx, int hpx,
             double scale, double w_pt, double h_pt, mk_error *err)
{
	/* the image at SCALE pixels per point from the page's top left corner,
	 * as cairo's PDF surface places it (the last row or column of pixels
	 * may reach past the page edge) */
	double iw = wpx / scale, ih = hpx / scale;
	int first = (int)w->offsets->len, content = first, image = first + 1,
	    page = first + 2;
	GByteArray *z;
	char dict[160], cs[96];
	int n, comps;

	if (wpx < 1 || hpx < 1 || wpx > PDFW_ROW_MAX / 3 || stride < wpx * 4 ||
	    !(scale > 0)) {
		mk_error_set(err, MK_ERR_SOFTWARE, "pdf: bad page image %dx%d", wpx, hpx);
		return MK_ERR_SOFTWARE;
	}
	comps = image_is_gray(data, stride, wpx, hpx) ? 1 : 3;
	z = deflate_pixels(data, stride, wpx, hpx, comps, w->max);
	if (z == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "pdf: zlib failed");
		return MK_ERR_SOFTWARE;
	}
	n = g_snprintf(cs, sizeof cs, "q\n%.4f 0 0 %.4f 0 %.4f cm\n/Im0 Do\nQ\n", iw, ih,
	               h_pt - ih);
	stream_obj(w, content, "", cs, (gsize)n);
	g_snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image /Width %d "
	           "/Height %d /ColorSpace /%s /BitsPerComponent 8 "
	           "/Filter /FlateDecode ", wpx, hpx,
	           comps == 1 ? "DeviceGray" : "DeviceRGB");
	stream_obj(w, image, dict, z->data, z->len);
	g_byte_array_unref(z);
	obj(w, page);
	putf(w, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] "
	     "/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>\n"
	     "endobj\n", w_pt, h_pt, image, content);
	g_array_append_val(w->pages, page);
	if (w->over) {
		mk_error_set(err, MK_ERR_LIMIT, "pdf: output over %" G_GSIZE_FORMAT
		             " bytes", w->max);
		return MK_ERR_LIMIT;
	}
	return 0;
}

GBytes *
mk_pdfw_finish(mk_pdfw *w, mk_error *err)
{
	gsize xref;
	GBytes *b;

	obj(w, 2);
	putf(w, "<< /Type /Pages /Count %u /Kids [", w->pages->len);
	for (guint i = 0; i < w->pages->len; i++)
		putf(w, "%s%d 0 R", i ? " " : "", g_array_index(w->pages, int, i));
	put(w, "] >>\nendobj\n", 12);
	obj(w, 1);
	putf(w, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	xref = w->buf->len;
	putf(w, "xref\n0 %u\n0000000000 65535 f \n", w->offsets->len);
	for (guint i = 1; i < w->offsets->len; i++)
		putf(w, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index(w->offsets, gsize, i));
	putf(w, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%" G_GSIZE_FORMAT
	     "\n%%%%EOF\n", w->offsets->len, xref);
	if (w->over) {
		mk_error_set(err, MK_ERR_LIMIT, "pdf: output over %" G_GSIZE_FORMAT
		             " bytes", w->max);
		return NULL;
	}
	b = g_byte_array_free_to_bytes(w->buf);
	w->buf = NULL;
	return b;
}
