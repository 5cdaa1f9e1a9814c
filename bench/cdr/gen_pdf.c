/*
 * NAME
 *   gen_pdf - text PDFs for bench/cdr, the same bytes for the same arguments
 *
 * SYNOPSIS
 *   gen_pdf OUT.pdf PAGES en|ja
 *
 * DESCRIPTION
 *   PAGES A4 pages of 40 lines of text each, drawn by cairo with the font
 *   IPAGothic (embedded subset, ToUnicode map): English words or Japanese
 *   phrases picked by a fixed linear congruential sequence, so a run
 *   always writes the same file (fixed creation date, no clock).
 *
 * DIAGNOSTICS
 *   Exit 0, 64 usage, 1 when cairo fails.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

static const char *const en[] = {
	"the", "committee", "reviewed", "budget", "application", "resident",
	"office", "report", "approved", "items", "quarterly", "without",
	"changes", "meeting", "schedule", "public", "notice", "document",
};
static const char *const ja[] = {
	"令和六年度", "予算", "委員会", "申請書", "住民課", "承認しました",
	"お知らせ", "請求書", "見積書", "会議", "日程", "について", "、", "。",
};

int main(int argc, char **argv)
{
	unsigned seed = 12345;
	int pages = argc == 4 ? atoi(argv[2]) : 0;
	bool jp = argc == 4 && strcmp(argv[3], "ja") == 0;
	const char *const *words = jp ? ja : en;
	size_t nw = jp ? sizeof ja / sizeof *ja : sizeof en / sizeof *en;

	if (pages < 1) {
		fprintf(stderr, "usage: gen_pdf OUT.pdf PAGES en|ja\n");
		return 64;
	}
	cairo_surface_t *s = cairo_pdf_surface_create(argv[1], 595, 842);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	                               "2000-01-01T00:00:00Z");
	cairo_t *cr = cairo_create(s);
	cairo_select_font_face(cr, "IPAGothic", CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 11);
	for (int p = 0; p < pages; p++) {
		for (int l = 0; l < 40; l++) {
			char line[512] = "";
			for (int k = 0; k < (jp ? 8 : 10); k++) {
				seed = seed * 1103515245u + 12345u;
				strcat(line, words[(seed >> 16) % nw]);
				if (!jp)
					strcat(line, " ");
			}
			cairo_move_to(cr, 50, 60 + l * 18);
			cairo_show_text(cr, line);
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? 0 : 1;
	cairo_surface_destroy(s);
	return rc;
}
