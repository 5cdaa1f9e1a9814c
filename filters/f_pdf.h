/*
 * NAME
 *   f_pdf - PDF content disarm by rasterizing every page
 *
 * SUMMARY
 *   extern const mk_wfilter mk_wfilter_pdf;     name "pdf"
 *
 * DESCRIPTION
 *   Opens the input from memory with poppler-glib (no password), refuses
 *   more than o->pdf_max_pages pages, renders each page with cairo at
 *   o->pdf_dpi onto a white RGB image (refusing a page over
 *   o->pdf_max_pixels pixels), and paints the images into a brand-new PDF
 *   written by cairo's PDF surface to a memory stream.  The output holds
 *   nothing but one image per page: JavaScript, forms, actions, embedded
 *   files, links and metadata cannot survive by construction.  With
 *   o->pdf_text_layer (pdf.text_layer, default on) the extracted text of
 *   each page is drawn under its image (hidden by it) so that the output
 *   stays searchable and pdftotext reads the original's words
 *   (f_pdf_text.h); web links become defanged text after their anchor
 *   ("our site <hxxps://example[.]jp/a>"), URLs in the text are defanged
 *   too, so a viewer that turns URLs in text into links finds none live.
 *   A document with no text and no link on any page gets no layer.
 *
 *   Reads only the input bytes and, through fontconfig, font files
 *   (read-only); writes nothing to the filesystem.
 *
 * DIAGNOSTICS
 *   Encrypted (password-protected) input: MK_ERR_DATA, message contains
 *   "encrypted".  Unparseable: MK_ERR_DATA.  Pages, pixels or output over
 *   their limit: MK_ERR_LIMIT.  No partial output is ever returned.
 *
 * OWNERSHIP
 *   *out, *out_type and notes strings are new (caller frees).
 */
#ifndef MK_F_PDF_H
#define MK_F_PDF_H

#include "worker/wfilter.h"

extern const mk_wfilter mk_wfilter_pdf;

#endif
