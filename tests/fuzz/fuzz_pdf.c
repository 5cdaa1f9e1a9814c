/*
 * NAME
 *   fuzz_pdf - libFuzzer target for the PDF worker filter (filters/f_pdf.c:
 *   poppler's parser, the page rasterizer, the text layer and the link
 *   extraction)
 *
 * DESCRIPTION
 *   The filter must return cleanly (output or error) on any input.  Pages
 *   are rasterized at 24 dpi, at most 2 pages and 4 megapixels, so that a
 *   run spends its time in the parser rather than in cairo; the text layer
 *   and links are on, as by default.  The output is not fed back (it is
 *   our own image-only PDF, slow to render again).  Useful seeds:
 *   corpora/pdf-payloads.
 */
#include "f_pdf.h"
#include "fuzz_wfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* fontconfig (poppler's and cairo's font lookup) keeps its configuration
 * for the life of the process: not a leak of ours (as in test_pdf.c). */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_wopts o = fuzz_wopts();

	o.pdf_dpi = 24;
	o.pdf_max_pages = 2;
	o.pdf_max_pixels = 4000000;
	o.pdf_max_links = MK_DEF_PDF_MAX_LINKS;
	o.pdf_text_layer = true;
	return fuzz_wfilter_opts(&mk_wfilter_pdf, &o, data, size, false);
}
