/*
 * NAME
 *   f_pdf_out - a minimal image-only PDF writer for the PDF filter
 *
 * SUMMARY
 *   mk_pdfw *w = mk_pdfw_new(max_bytes);
 *   mk_pdfw_page(w, data, stride, wpx, hpx, scale, w_pt, h_pt, &err);
 *   GBytes *pdf = mk_pdfw_finish(w, &err);
 *   mk_pdfw_free(&w);
 *
 * DESCRIPTION
 *   DATA is a rendered page in cairo's CAIRO_FORMAT_RGB24 layout (one
 *   native-endian 32-bit xRGB word per pixel, STRIDE bytes per row),
 *   WPX x HPX pixels rendered at SCALE pixels per point, shown on a page
 *   of W_PT x H_PT points.  Each page becomes one Flate-compressed
 *   image drawn from the page's top left corner, and nothing else (see
 *   f_pdf_out.c): DeviceGray when every pixel has R = G = B (a third of
 *   the bytes to compress and keep), DeviceRGB otherwise.
 *
 * FAILURE
 *   Output over MAX_BYTES: MK_ERR_LIMIT; a zlib failure or a bad image
 *   size: MK_ERR_SOFTWARE.  mk_pdfw_finish() returns NULL then; no partial
 *   PDF is ever returned.
 *
 * OWNERSHIP
 *   DATA is borrowed.  The returned bytes are new (caller unrefs).
 */
#ifndef MK_F_PDF_OUT_H
#define MK_F_PDF_OUT_H

#include <glib.h>
#include <stdbool.h>

#include "mk_error.h"

typedef struct mk_pdfw mk_pdfw;

mk_pdfw *mk_pdfw_new(gsize max);
int mk_pdfw_page(mk_pdfw *w, const guint8 *data, int stride, int wpx, int hpx,
                 double scale, double w_pt, double h_pt, mk_error *err);
GBytes *mk_pdfw_finish(mk_pdfw *w, mk_error *err);
void mk_pdfw_free(mk_pdfw **w);

#endif
