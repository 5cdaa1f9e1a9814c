/*
 * NAME
 *   f_pdf - PDF content disarm by rasterizing (see f_pdf.h)
 *
 * DESCRIPTION
 *   poppler renders, cairo writes: the only thing carried from the input
 *   to the output is pixels.  The output stream is a GByteArray capped at
 *   o->max_output; going over makes cairo fail the surface and us return
 *   MK_ERR_LIMIT.
 *
 *   With o->pdf_text_layer, each page's text is drawn first by
 *   mk_pdf_text_layer() (f_pdf_text.h: lines of real text with a ToUnicode
 *   map, web links as defanged text) and the opaque page image is painted
 *   over it: invisible, but searchable and copyable.  Only glyphs go out;
 *   the output has no link or action.
 *
 *   Never writes to the filesystem; never opens anything but (through
 *   fontconfig, read-only) font files.
 *
 * FAILURE
 *   Any poppler or cairo error fails the whole document; no page is ever
 *   skipped silently and no partial PDF is returned.
 */
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <poppler.h>

#include "f_pdf.h"
#include "f_pdf_out.h"
#include "f_pdf_text.h"
#include "f_html.h"
#include "fnote.h"
#include "f_pixbuf.h"

#define PDF_POINTS_PER_INCH 72.0

typedef struct pdf_sink {
	GByteArray *buf;
	gsize max;
	bool over;
} pdf_sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data,
                                 unsigned int len)
{
	pdf_sink *s = closure;
	if (s->buf->len + (gsize)len > s->max) {
		s->over = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	g_byte_array_append(s->buf, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static PopplerDocument *open_doc(GBytes *in, mk_error *err)
{
	GError *ge = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(in, NULL, &ge);
	if (doc)
		return doc;
	if (g_error_matches(ge, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
		mk_error_set(err, MK_ERR_DATA, "pdf: encrypted (password required)");
	else
		mk_error_set(err, MK_ERR_DATA, "pdf: cannot parse: %s",
		             ge ? ge->message : "unknown error");
	g_clear_error(&ge);
	return NULL;
}

/* A white RGB24 image: one memset instead of cairo's zeroing and a white
 * paint over it (the buffer goes with the surface; see f_pixbuf.h). */
static cairo_surface_t *white_surface(int w, int h)
{
	int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w);
	static const cairo_user_data_key_t key;
	gsize len = stride > 0 ? (gsize)stride * (gsize)h : 0;
	guint8 *px = mk_pixbuf_try_new(len, false);
	cairo_surface_t *s;

	if (px == NULL)
		return cairo_image_surface_create(CAIRO_FORMAT_RGB24, 0, 0);
	memset(px, 0xff, len);
	s = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_RGB24, w, h, stride);
	if (cairo_surface_set_user_data(s, &key, px, g_free) != CAIRO_STATUS_SUCCESS)
		g_free(px);   /* an error surface: nothing refers to px */
	return s;
}

/* Render PAGE into a new white RGB image of its size at DPI. */
static cairo_surface_t *raster(PopplerPage *page, const mk_wopts *o,
                               double w_pt, double h_pt, mk_error *err)
{
	double scale = (double)o->pdf_dpi / PDF_POINTS_PER_INCH;
	double wpx = ceil(w_pt * scale), hpx = ceil(h_pt * scale);

	if (!(wpx >= 1 && hpx >= 1) || wpx * hpx > (double)o->pdf_max_pixels ||
	    wpx > G_MAXINT16 || hpx > G_MAXINT16) {
		mk_error_set(err, MK_ERR_LIMIT, "pdf: page of %.0fx%.0f pixels "
		             "(limit %" G_GINT64_FORMAT ")", wpx, hpx,
		             o->pdf_max_pixels);
		return NULL;
	}
	cairo_surface_t *img = white_surface((int)wpx, (int)hpx);
	cairo_t *cr = cairo_create(img);
	cairo_scale(cr, scale, scale);
	poppler_page_render_for_printing(page, cr);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(img);
	if (st != CAIRO_STATUS_SUCCESS) {
		mk_error_set(err, MK_ERR_DATA, "pdf: render: %s",
		             cairo_status_to_string(st));
		cairo_surface_destroy(img);
		return NULL;
	}
	return img;
}

/* Page I (its size in *w_pt, *h_pt) and its rendered image in *img. */
static PopplerPage *page_image(PopplerDocument *doc, int i, const mk_wopts *o,
                               double *w_pt, double *h_pt,
                               cairo_surface_t **img, mk_error *err)
{
	PopplerPage *page = poppler_document_get_page(doc, i);

	*img = NULL;
	if (!page) {
		mk_error_set(err, MK_ERR_DATA, "pdf: page %d unreadable", i + 1);
		return NULL;
	}
	poppler_page_get_size(page, w_pt, h_pt);
	if (!isfinite(*w_pt) || !isfinite(*h_pt)) {
		mk_error_set(err, MK_ERR_DATA, "pdf: page %d has no size", i + 1);
	} else if (!(*img = raster(page, o, *w_pt, *h_pt, err))) {
		mk_error_prefix(err, "page %d", i + 1);
	} else {
		return page;
	}
	g_object_unref(page);
	return NULL;
}

static int add_page(PopplerDocument *doc, int i, const mk_wopts *o,
                    cairo_surface_t *pdfs, cairo_t *pcr,
                    mk_pdf_text_stats *st, mk_error *err)
{
	double w_pt = 0, h_pt = 0, scale = (double)o->pdf_dpi / PDF_POINTS_PER_INCH;
	cairo_surface_t *img = NULL;
	PopplerPage *page = page_image(doc, i, o, &w_pt, &h_pt, &img, err);
	int rc = err && err->code ? err->code : MK_ERR_DATA;

	if (!page)
		goto out;
	cairo_pdf_surface_set_size(pdfs, w_pt, h_pt);
	/* first: the opaque page image covers it */
	mk_pdf_text_layer(page, h_pt, o->pdf_max_links, pcr, st);
	cairo_save(pcr);
	cairo_scale(pcr, 1.0 / scale, 1.0 / scale);
	cairo_set_source_surface(pcr, img, 0, 0);
	cairo_paint(pcr);
	cairo_restore(pcr);
	cairo_show_page(pcr);
	rc = 0;
out:
	if (img)
		cairo_surface_destroy(img);
	if (page)
		g_object_unref(page);
	return rc;
}

static int check_opts(const mk_wopts *o, int pages, mk_error *err)
{
	if (o->pdf_dpi <= 0 || o->pdf_max_pixels <= 0 || o->max_output <= 0) {
		mk_error_set(err, MK_ERR_CONFIG, "pdf: dpi/max_pixels/max_output "
		             "must be positive");
		return MK_ERR_CONFIG;
	}
	if (pages < 1) {
		mk_error_set(err, MK_ERR_DATA, "pdf: no pages");
		return MK_ERR_DATA;
	}
	if (pages > o->pdf_max_pages) {
		mk_error_set(err, MK_ERR_LIMIT, "pdf: %d pages (limit %"
		             G_GINT64_FORMAT ")", pages, o->pdf_max_pages);
		return MK_ERR_LIMIT;
	}
	return 0;
}

/* Without a text layer: the page images into our own writer. */
static int rasterize_plain(PopplerDocument *doc, int pages, const mk_wopts *o,
                           GBytes **out, mk_error *err)
{
	mk_pdfw *w = mk_pdfw_new((gsize)o->max_output);
	int rc = 0;

	for (int i = 0; i < pages && rc == 0; i++) {
		double w_pt = 0, h_pt = 0;
		cairo_surface_t *img = NULL;
		PopplerPage *page = page_image(doc, i, o, &w_pt, &h_pt, &img, err);
		if (!page) {
			rc = err && err->code ? err->code : MK_ERR_DATA;
			break;
		}
		rc = mk_pdfw_page(w, cairo_image_surface_get_data(img),
		                  cairo_image_surface_get_stride(img),
		                  cairo_image_surface_get_width(img),
		                  cairo_image_surface_get_height(img),
		                  (double)o->pdf_dpi / PDF_POINTS_PER_INCH, w_pt, h_pt, err);
		cairo_surface_destroy(img);
		g_object_unref(page);
	}
	if (rc == 0 && (*out = mk_pdfw_finish(w, err)) == NULL)
		rc = err && err->code ? err->code : MK_ERR_SOFTWARE;
	mk_pdfw_free(&w);
	return rc;
}

static int rasterize(PopplerDocument *doc, int pages, const mk_wopts *o,
                     pdf_sink *sink, mk_pdf_text_stats *st, mk_error *err)
{
	/* The first page sets its own size in add_page(). */
	cairo_surface_t *pdfs = cairo_pdf_surface_create_for_stream(sink_write,
	                                                            sink, 1, 1);
	cairo_t *pcr = cairo_create(pdfs);
	int rc = 0;

	/* a fixed date: the same input gives the same bytes (reproducible
	 * output, no clock of the gateway leaked into documents) */
	cairo_pdf_surface_set_metadata(pdfs, CAIRO_PDF_METADATA_CREATE_DATE,
	                               "2000-01-01T00:00:00Z");
	cairo_pdf_surface_set_metadata(pdfs, CAIRO_PDF_METADATA_CREATOR, "mukaika");
	for (int i = 0; i < pages && rc == 0; i++)
		rc = add_page(doc, i, o, pdfs, pcr, st, err);
	cairo_destroy(pcr);
	cairo_surface_finish(pdfs);
	cairo_status_t cst = cairo_surface_status(pdfs);
	cairo_surface_destroy(pdfs);
	if (rc == 0 && sink->over) {
		mk_error_set(err, MK_ERR_LIMIT, "pdf: output over %" G_GSIZE_FORMAT
		             " bytes", sink->max);
		rc = MK_ERR_LIMIT;
	} else if (rc == 0 && cst != CAIRO_STATUS_SUCCESS) {
		mk_error_set(err, MK_ERR_SOFTWARE, "pdf: write: %s",
		             cairo_status_to_string(cst));
		rc = MK_ERR_SOFTWARE;
	}
	return rc;
}

/* Whether any page has text or a link for the text layer. */
static bool any_text(PopplerDocument *doc, int pages)
{
	bool any = false;

	for (int i = 0; i < pages && !any; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (page) {
			any = mk_pdf_text_any(page);
			g_object_unref(page);
		}
	}
	return any;
}

static int pdf_run(GBytes *in, const mk_wopts *o, GBytes **out,
                   char **out_type, GPtrArray *notes, mk_error *err)
{
	pdf_sink sink = { .buf = g_byte_array_new(), .max = (gsize)o->max_output };
	PopplerDocument *doc = open_doc(in, err);
	int rc = MK_ERR_DATA, pages = 0;
	mk_pdf_text_stats st = { .mark = o->lang_en ? MK_HTML_MISMATCH_MARK_EN
	                                            : MK_HTML_MISMATCH_MARK_JA };
	bool layer = false;

	if (!doc)
		goto out;
	pages = poppler_document_get_n_pages(doc);
	if ((rc = check_opts(o, pages, err)) < 0)
		goto out;
	if (!(layer = o->pdf_text_layer && any_text(doc, pages))) {
		if ((rc = rasterize_plain(doc, pages, o, out, err)) < 0)
			goto out;
	} else if ((rc = rasterize(doc, pages, o, &sink, &st, err)) < 0) {
		goto out;
	} else {
		*out = g_byte_array_free_to_bytes(sink.buf);
		sink.buf = NULL;
	}
	g_ptr_array_add(notes, g_strdup_printf("rasterized %d page(s) at %"
	                G_GINT64_FORMAT " dpi", pages, o->pdf_dpi));
	if (layer)
		g_ptr_array_add(notes, g_strdup_printf("text layer of %u character(s) "
		                "under the page images", st.chars));
	mk_fnote_add(notes, MK_FN_WEB_LINK, (int)st.links);
	mk_fnote_add(notes, MK_FN_OTHER_LINK, (int)st.dropped);
	mk_fnote_add(notes, MK_FN_LINK_MISMATCH, (int)st.mismatches);
	*out_type = g_strdup("application/pdf");
out:
	if (sink.buf)
		g_byte_array_unref(sink.buf);
	if (doc)
		g_object_unref(doc);
	return rc;
}

const mk_wfilter mk_wfilter_pdf = { "pdf", pdf_run };
