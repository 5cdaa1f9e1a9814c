/*
 * NAME
 *   f_image - image content disarm: decode and re-encode (worker filter)
 *
 * SUMMARY
 *   extern const mk_wfilter mk_wfilter_image;     name "image"
 *
 * DESCRIPTION
 *   PNG, JPEG, GIF, BMP, WebP and TIFF, recognised by their signature (not
 *   by the declared type).  The width and height are read from the header by our
 *   own code and checked against image_max_dimension and image_max_pixels
 *   before any library decodes a pixel; the decoders re-check them.  The
 *   pixels are then decoded and written anew: JPEG -> JPEG (baseline,
 *   quality MK_IMAGE_JPEG_QUALITY, same colour space), everything else ->
 *   PNG (8-bit RGB, or RGBA when the source has transparency; a GIF keeps
 *   its first frame only, a TIFF its first page with a note; WebP becomes
 *   PNG too: lossless, readable everywhere, and no WebP encoder in the
 *   worker).  Nothing but pixels survives: no metadata
 *   (EXIF, XMP, comments, ICC, text chunks), no trailing or appended data,
 *   no second format hidden in the file (polyglots).
 *
 *   Runs inside mukaika-worker only: memory in, memory out.
 *
 * FAILURE
 *   MK_ERR_DATA unknown signature, truncated or corrupt data, unsupported
 *   variant (BMP RLE/JPEG-in-BMP, 1- or 2-bit planes, animated WebP,
 *   BigTIFF ...); MK_ERR_LIMIT
 *   dimensions or output over the limits.
 *
 * OWNERSHIP
 *   *out and *out_type are new; notes get new strings.
 */
#ifndef MK_F_IMAGE_H
#define MK_F_IMAGE_H

#include <glib.h>

#include "mk_error.h"
#include "worker/wfilter.h"

extern const mk_wfilter mk_wfilter_image;

/* Internal to f_image*.c: a decoded 8-bit RGB (3) or RGBA (4) picture. */
typedef struct mk_img {
	guint32 w, h, ch;
	guint8 *px;          /* w * h * ch bytes, rows top-down; owned */
} mk_img;

int mk_img_check_dims(gint64 w, gint64 h, const mk_wopts *o, mk_error *err);
int mk_img_decode_gif(const guint8 *p, gsize len, const mk_wopts *o,
                      mk_img *img, mk_error *err);
int mk_img_decode_bmp(const guint8 *p, gsize len, const mk_wopts *o,
                      mk_img *img, mk_error *err);
/* f_image_x.c: header dimensions (false: not that format) and decoders. */
bool mk_img_webp_dims(const guint8 *p, gsize len, gint64 *w, gint64 *h);
bool mk_img_tiff_dims(const guint8 *p, gsize len, gint64 *w, gint64 *h);
int mk_img_decode_webp(const guint8 *p, gsize len, const mk_wopts *o,
                       mk_img *img, mk_error *err);
int mk_img_decode_tiff(const guint8 *p, gsize len, const mk_wopts *o,
                       mk_img *img, GPtrArray *notes, mk_error *err);

#endif
