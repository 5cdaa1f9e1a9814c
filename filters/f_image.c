/*
 * NAME
 *   f_image - image content disarm, PNG and JPEG codecs and the dispatcher
 *   (see f_image.h; GIF and BMP decoders in f_image_dec.c)
 *
 * DESCRIPTION
 *   header_dims() reads the width and height from the raw bytes (PNG IHDR,
 *   JPEG SOFn marker, GIF logical screen, BMP info header) and
 *   mk_img_check_dims() rejects them before a decoder starts.  libpng and
 *   libjpeg report errors through longjmp into the function that set the
 *   jump; everything allocated there is reachable from volatile locals.
 *
 * NEVER
 *   Copies a byte of the input to the output other than decoded pixels.
 */
#include "f_image.h"
#include "f_pixbuf.h"

#include <stdio.h>   /* before jpeglib.h */

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define MK_IMAGE_JPEG_QUALITY 90   /* re-encoding quality, not a limit */

typedef enum { IMG_NONE, IMG_PNG, IMG_JPEG, IMG_GIF, IMG_BMP, IMG_WEBP,
               IMG_TIFF } img_fmt;

static guint32
be32(const guint8 *p)
{
	return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

int
mk_img_check_dims(gint64 w, gint64 h, const mk_wopts *o, mk_error *err)
{
	if (w <= 0 || h <= 0) {
		mk_error_set(err, MK_ERR_DATA, "image of %" G_GINT64_FORMAT "x%"
		             G_GINT64_FORMAT " pixels", w, h);
		return MK_ERR_DATA;
	}
	if (w > o->image_max_dimension || h > o->image_max_dimension ||
	    w * h > o->image_max_pixels) {
		mk_error_set(err, MK_ERR_LIMIT, "image of %" G_GINT64_FORMAT "x%"
		             G_GINT64_FORMAT " pixels over image.max_dimension/"
		             "image.max_pixels", w, h);
		return MK_ERR_LIMIT;
	}
	return 0;
}

/* Width/height of the first SOFn frame of a JPEG. */
static bool
jpeg_dims(const guint8 *p, gsize len, gint64 *w, gint64 *h)
{
	gsize i = 2;

	while (i + 4 <= len) {
		guint8 m;

		if (p[i] != 0xFF)
			return false;
		m = p[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
			i += 2;
			continue;
		}
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 9 > len)
				return false;
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return true;
		}
		i += 2 + (gsize)(p[i + 2] << 8 | p[i + 3]);
	}
	return false;
}

static img_fmt
header_dims(const guint8 *p, gsize len, gint64 *w, gint64 *h)
{
	*w = *h = 0;
	if (len >= 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	    memcmp(p + 12, "IHDR", 4) == 0) {
		*w = be32(p + 16);
		*h = be32(p + 20);
		return IMG_PNG;
	}
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return jpeg_dims(p, len, w, h) ? IMG_JPEG : IMG_NONE;
	if (len >= 10 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) {
		*w = p[6] | p[7] << 8;
		*h = p[8] | p[9] << 8;
		return IMG_GIF;
	}
	if (len >= 26 && p[0] == 'B' && p[1] == 'M') {
		guint32 hs = p[14] | p[15] << 8 | p[16] << 16 | (guint32)p[17] << 24;
		if (hs == 12) {
			*w = p[18] | p[19] << 8;
			*h = (gint16)(p[20] | p[21] << 8);
		} else {
			*w = (gint32)(p[18] | p[19] << 8 | p[20] << 16 | (guint32)p[21] << 24);
			*h = (gint32)(p[22] | p[23] << 8 | p[24] << 16 | (guint32)p[25] << 24);
		}
		*h = ABS(*h);
		return IMG_BMP;
	}
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return mk_img_webp_dims(p, len, w, h) ? IMG_WEBP : IMG_NONE;
	if (len >= 4 && (memcmp(p, "II", 2) == 0 || memcmp(p, "MM", 2) == 0))
		return mk_img_tiff_dims(p, len, w, h) ? IMG_TIFF : IMG_NONE;
	return IMG_NONE;
}

/* ---- PNG ----------------------------------------------------------- */

typedef struct {
	const guint8 *p;
	gsize len, off;
	GByteArray *out;
	gint64 max;
} png_io;

static void
png_fail(png_structp png, png_const_charp msg)
{
	mk_error *err = png_get_error_ptr(png);

	mk_error_set(err, MK_ERR_DATA, "PNG: %s", msg);
	png_longjmp(png, 1);
}

static void
png_quiet(png_structp png, png_const_charp msg)
{
}

static void
png_read_mem(png_structp png, png_bytep buf, png_size_t n)
{
	png_io *io = png_get_io_ptr(png);

	if (n > io->len - io->off)
		png_error(png, "truncated");
	memcpy(buf, io->p + io->off, n);
	io->off += n;
}

static void
png_write_mem(png_structp png, png_bytep buf, png_size_t n)
{
	png_io *io = png_get_io_ptr(png);

	if ((gint64)(io->out->len + n) > io->max)
		png_error(png, "output over worker.max_output");
	g_byte_array_append(io->out, buf, (guint)n);
}

static void
png_flush_mem(png_structp png)
{
}

/* Transformations to 8-bit RGB or RGBA; returns the channel count. */
static guint32
png_normalise(png_structp png, png_infop info)
{
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_gray_to_rgb(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	return png_get_channels(png, info);
}

/* Bound on one libpng allocation besides the file's size (protocol bound,
 * not a content limit: pixels are bounded by image.max_pixels and are
 * allocated by us, not by libpng). */
#define PNG_CHUNK_FLOOR (4u << 20)

static png_voidp
png_bounded_malloc(png_structp png, png_alloc_size_t n)
{
	const gsize *cap = png_get_mem_ptr(png);

	return cap != NULL && n > *cap ? NULL : malloc(n);
}

static void
png_bounded_free(png_structp png, png_voidp p)
{
	(void)png;
	free(p);
}

static int
decode_png(const guint8 *p, gsize len, const mk_wopts *o, mk_img *img,
           mk_error *err)
{
	png_io io = { p, len, 0, NULL, 0 };
	/* no single libpng allocation past the file (a chunk is held whole),
	 * PNG_CHUNK_FLOOR (a compressed text or profile once inflated) or a
	 * row of the largest allowed width: a chunk length of 1.6 GB in a
	 * 300-byte file was allocated as declared (fuzz_image) */
	gsize cap = MAX(len, PNG_CHUNK_FLOOR) + (gsize)o->image_max_dimension * 16;
	png_structp png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, err,
	                                           png_fail, png_quiet, &cap,
	                                           png_bounded_malloc, png_bounded_free);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	guint8 *volatile px = NULL;
	png_bytep *volatile rows = NULL;
	volatile int rc = MK_ERR_DATA;   /* survives png_longjmp */

	if (info == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "PNG: out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_user_limits(png, (png_uint_32)o->image_max_dimension,
	                    (png_uint_32)o->image_max_dimension);
	png_set_chunk_malloc_max(png, (png_alloc_size_t)cap);
	png_set_read_fn(png, &io, png_read_mem);
	png_read_info(png, info);
	img->w = png_get_image_width(png, info);
	img->h = png_get_image_height(png, info);
	rc = mk_img_check_dims(img->w, img->h, o, err);
	if (rc < 0)
		goto out;
	img->ch = png_normalise(png, info);
	rc = MK_ERR_DATA;
	if ((img->ch != 3 && img->ch != 4) ||
	    png_get_rowbytes(png, info) != (gsize)img->w * img->ch)
		png_error(png, "unexpected pixel layout");
	px = mk_pixbuf_try_new((gsize)img->w * img->h * img->ch, false);
	if (px == NULL)
		png_error(png, "out of memory");
	rows = g_new(png_bytep, img->h);
	for (guint32 y = 0; y < img->h; y++)
		rows[y] = px + (gsize)y * img->w * img->ch;
	png_read_image(png, rows);
	img->px = px;
	px = NULL;
	rc = 0;
out:
	png_destroy_read_struct(&png, &info, NULL);
	g_free(rows);
	g_free(px);
	return rc;
}

static GBytes *
encode_png(const mk_img *img, gint64 max, mk_error *err)
{
	png_io io = { NULL, 0, 0, g_byte_array_new(), max };
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err,
	                                          png_fail, png_quiet);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_bytep *volatile rows = NULL;
	GBytes *volatile out = NULL;

	if (info == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "PNG: out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, &io, png_write_mem, png_flush_mem);
	png_set_IHDR(png, info, img->w, img->h, 8, img->ch == 4 ?
	             PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	             PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	rows = g_new(png_bytep, img->h);
	for (guint32 y = 0; y < img->h; y++)
		rows[y] = img->px + (gsize)y * img->w * img->ch;
	png_write_image(png, rows);
	png_write_end(png, NULL);
	out = g_byte_array_free_to_bytes(io.out);
	io.out = NULL;
out:
	png_destroy_write_struct(&png, &info);
	g_free(rows);
	if (io.out != NULL)
		g_byte_array_unref(io.out);
	return out;
}

/* ---- JPEG ---------------------------------------------------------- */

typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	mk_error *err;
} jpeg_err;

static void
jpeg_fail(j_common_ptr c)
{
	jpeg_err *je = (jpeg_err *)c->err;
	char msg[JMSG_LENGTH_MAX];

	c->err->format_message(c, msg);
	mk_error_set(je->err, MK_ERR_DATA, "JPEG: %s", msg);
	longjmp(je->jb, 1);
}

static void
jpeg_quiet(j_common_ptr c)
{
}

static void
jpeg_setup_out(struct jpeg_decompress_struct *d, struct jpeg_compress_struct *c)
{
	if (d->jpeg_color_space == JCS_CMYK || d->jpeg_color_space == JCS_YCCK)
		d->out_color_space = JCS_CMYK;
	else if (d->jpeg_color_space == JCS_GRAYSCALE)
		d->out_color_space = JCS_GRAYSCALE;
	else
		d->out_color_space = JCS_RGB;
	jpeg_start_decompress(d);
	c->image_width = d->output_width;
	c->image_height = d->output_height;
	c->input_components = d->output_components;
	c->in_color_space = d->out_color_space;
	jpeg_set_defaults(c);
	jpeg_set_quality(c, MK_IMAGE_JPEG_QUALITY, TRUE);
	jpeg_start_compress(c, TRUE);
}

static GBytes *
recode_jpeg(const guint8 *p, gsize len, const mk_wopts *o, GPtrArray *notes,
            mk_error *err)
{
	struct jpeg_decompress_struct d;
	struct jpeg_compress_struct c;
	jpeg_err je = { .err = err };
	unsigned char *volatile obuf = NULL;
	unsigned long osize = 0;
	JSAMPLE *volatile row = NULL;
	GBytes *volatile out = NULL;

	d.err = c.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jpeg_fail;
	je.pub.output_message = jpeg_quiet;
	jpeg_create_decompress(&d);
	jpeg_create_compress(&c);
	if (setjmp(je.jb))
		goto out;
	jpeg_mem_src(&d, p, (unsigned long)len);
	jpeg_mem_dest(&c, (unsigned char **)&obuf, &osize);
	jpeg_read_header(&d, TRUE);
	if (mk_img_check_dims(d.image_width, d.image_height, o, err) < 0)
		goto out;
	jpeg_setup_out(&d, &c);
	row = g_malloc((gsize)d.output_width * d.output_components);
	while (d.output_scanline < d.output_height) {
		JSAMPROW r = row;
		if (jpeg_read_scanlines(&d, &r, 1) != 1)
			break;
		jpeg_write_scanlines(&c, &r, 1);
	}
	jpeg_finish_compress(&c);
	if ((gint64)osize > o->max_output)
		mk_error_set(err, MK_ERR_LIMIT, "JPEG: output over worker.max_output");
	else
		out = g_bytes_new(obuf, osize);
	if (je.pub.num_warnings > 0)
		g_ptr_array_add(notes, g_strdup_printf("JPEG: %ld warning(s), damaged "
		                "data re-encoded as decoded", je.pub.num_warnings));
out:
	jpeg_destroy_decompress(&d);
	jpeg_destroy_compress(&c);
	free(obuf);
	g_free(row);
	return out;
}

/* ---- filter -------------------------------------------------------- */

static const char *const fmt_names[] = { "?", "PNG", "JPEG", "GIF", "BMP", "WebP",
                                         "TIFF" };

static int
image_run(GBytes *in, const mk_wopts *o, GBytes **out, char **out_type,
          GPtrArray *notes, mk_error *err)
{
	gsize len = 0;
	const guint8 *p = g_bytes_get_data(in, &len);
	mk_img img = { 0 };
	gint64 w, h;
	img_fmt f = header_dims(p, len, &w, &h);
	int rc;

	if (f == IMG_NONE) {
		mk_error_set(err, MK_ERR_DATA, "not a PNG, JPEG, GIF, BMP, WebP or TIFF "
		             "image (or its header is unreadable)");
		return MK_ERR_DATA;
	}
	rc = mk_img_check_dims(w, h, o, err);
	if (rc < 0)
		return rc;
	if (f == IMG_JPEG) {
		*out = recode_jpeg(p, len, o, notes, err);
		*out_type = *out ? g_strdup("image/jpeg") : NULL;
		return *out ? 0 : (err->code ? err->code : MK_ERR_DATA);
	}
	if (f == IMG_PNG)
		rc = decode_png(p, len, o, &img, err);
	else if (f == IMG_GIF)
		rc = mk_img_decode_gif(p, len, o, &img, err);
	else if (f == IMG_WEBP)
		rc = mk_img_decode_webp(p, len, o, &img, err);
	else if (f == IMG_TIFF)
		rc = mk_img_decode_tiff(p, len, o, &img, notes, err);
	else
		rc = mk_img_decode_bmp(p, len, o, &img, err);
	if (rc == 0 && img.px == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "%s: no pixels decoded", fmt_names[f]);
		rc = MK_ERR_SOFTWARE;
	}
	if (rc == 0) {
		*out = encode_png(&img, o->max_output, err);
		rc = *out ? 0 : (err->code ? err->code : MK_ERR_SOFTWARE);
	}
	if (rc == 0) {
		*out_type = g_strdup("image/png");
		g_ptr_array_add(notes, g_strdup_printf("%s %ux%u re-encoded as PNG",
		                fmt_names[f], img.w, img.h));
	}
	g_free(img.px);
	return rc;
}

const mk_wfilter mk_wfilter_image = { "image", image_run };
