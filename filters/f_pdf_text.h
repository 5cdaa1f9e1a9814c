/*
 * NAME
 *   f_pdf_text - the invisible text layer of a rasterized PDF page, with
 *   its web links as defanged text
 *
 * SUMMARY
 *   mk_pdf_text_stats st = { 0 };
 *   mk_pdf_text_layer(page, h_pt, max_links, cr, &st);
 *
 * DESCRIPTION
 *   Draws PAGE's text (poppler's text in reading order and its
 *   per-character boxes) on CR, in runs of characters that share a line,
 *   each run scaled into its box with the font MK_PDF_TEXT_FONT (Latin and
 *   Japanese; fontconfig falls back), black, in PDF points with the origin
 *   at the top left of a page H_PT points high.  The caller paints the
 *   opaque page image over it afterwards: the text is hidden, yet
 *   searchable and copyable (cairo subsets the font and writes a ToUnicode
 *   map), and pdftotext reads it in the original's order.
 *
 *   Links: a link annotation whose URI is http or https (at most
 *   MAX_LINKS a page, in the page's order) is kept as text: " <URL>"
 *   right after the last character inside its area, or, when no
 *   character is inside (a linked picture), as a run of its own in its
 *   area; skipped when the text there already shows the URL.  Every
 *   other link (file:, javascript:, mailto:, UNC, launch, GoTo ...) is
 *   dropped.  The whole text of every run then goes through
 *   mk_text_defang(): URLs in the layer read "hxxps://example[.]jp/...",
 *   so no viewer that turns text into links can make a live one.
 *
 *   ST counts characters drawn (chars), web links kept as text (links)
 *   and links dropped (dropped, including web links over MAX_LINKS).
 *
 *   mk_pdf_text_any(): whether PAGE has anything for the layer (text
 *   other than white space, or a link annotation); a document where no
 *   page has goes out without a layer (the faster image-only writer).
 *
 * NEVER
 *   Writes a link annotation, an action or anything but glyphs.
 *
 * FAILURE
 *   None reported: text that poppler cannot give as UTF-8 is left out
 *   (the page image is unaffected); cairo errors surface as the caller's
 *   surface status.
 */
#ifndef MK_F_PDF_TEXT_H
#define MK_F_PDF_TEXT_H

#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <stdbool.h>

#define MK_PDF_TEXT_FONT "IPAGothic"

typedef struct mk_pdf_text_stats {
	guint chars, links, dropped;
	guint mismatches;        /* links whose text names another host */
	const char *mark;        /* in: put before such a link's URL; NULL: none */
} mk_pdf_text_stats;

void mk_pdf_text_layer(PopplerPage *page, double h_pt, gint64 max_links,
                       cairo_t *cr, mk_pdf_text_stats *st);
bool mk_pdf_text_any(PopplerPage *page);

#endif
