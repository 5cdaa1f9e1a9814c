/*
 * NAME
 *   registry - the sanitize filters and the true types each accepts
 *   (contract: registry.h)
 *
 * DESCRIPTION
 *   Text filters (run = mk_wtext_filter, f_wtext.h: in the worker's
 *   "text" run, f_textrun.h, one run for all text of an item):
 *     html2text  text/html, application/xhtml+xml -> text/plain, the name's
 *                extension replaced by ".txt" (or "message.txt")
 *     text       text/plain -> the same type, the same name
 *     csv        text/csv -> UTF-8 text/csv, formula cells prefixed (f_csv.h)
 *     ics        text/calendar -> the same without ATTACH properties (f_ics.h)
 *   The archive rebuild (its zip written by the worker, f_archive.h):
 *     archive    zip, 7z, tar, gzip, bzip2, xz, zstd, rar, cab, cpio -> a new
 *                zip of the sanitized members (f_archive.h)
 *   Worker filters (run = mk_worker_filter, f_worker.h; the row name is
 *   the mukaika-worker filter name):
 *     image      PNG, JPEG, GIF, BMP, WebP, TIFF -> re-encoded PNG/JPEG (f_image.h)
 *     ooxml      docx/xlsx/pptx (+ templates, macro-enabled variants,
 *                add-ins) -> the
 *                macro-free OOXML type, active parts removed (f_ooxml.h)
 *     rtf        RTF -> rebuilt RTF without objects/templates (f_rtf.h)
 *     pdf        PDF -> image-only PDF, pages rasterized (f_pdf.h)
 *     ole        .doc/.xls/.ppt (OLE2) -> the same type, rebuilt without
 *                macros, embedded objects, DDE/external links (f_ole.h)
 *   The text filters decode n->data with mk_text_to_utf8 (n->charset as
 *   declared), normalise, and defang links when text.defang_links is set.
 *   A guessed charset adds the charset finding.  A worker that dies or
 *   runs out of time adds worker_crash / worker_timeout.
 *
 * FAILURE
 *   Input over limits.max_text_size, or HTML over limits.html_max_nodes
 *   (also a limit finding), fails with MK_ERR_LIMIT and leaves n->out
 *   unset: the engine then applies filter_failed.  Never touches n->data.
 */
#include "registry.h"

#include <string.h>

#include "f_archive.h"
#include "f_worker.h"
#include "f_wtext.h"

static const mk_filter f_html2text = {
	"html2text", "text/html;application/xhtml+xml", mk_wtext_filter,
};
static const mk_filter f_textplain = {
	"text", "text/plain", mk_wtext_filter,
};
static const mk_filter f_csv = { "csv", "text/csv", mk_wtext_filter };
static const mk_filter f_ics = { "ics", "text/calendar", mk_wtext_filter };
static const mk_filter f_archive = {
	"archive", "application/zip;application/x-zip-compressed;"
	"application/x-7z-compressed;application/x-tar;application/x-gtar;"
	"application/x-ustar;application/gzip;application/x-gzip;"
	"application/x-bzip2;application/x-xz;application/zstd;application/x-zstd;"
	"application/x-rar;application/vnd.rar;application/x-rar-compressed;"
	"application/vnd.ms-cab-compressed;application/x-cpio", mk_archive_filter,
};
static const mk_filter f_image = {
	"image", "image/png;image/jpeg;image/gif;image/bmp;image/x-ms-bmp;"
	"image/webp;image/tiff",
	mk_worker_filter,
};
static const mk_filter f_ooxml = {
	"ooxml", "application/vnd.openxmlformats-officedocument.*;"
	"application/vnd.ms-word.document.macroenabled.12;"
	"application/vnd.ms-word.template.macroenabled.12;"
	"application/vnd.ms-excel.sheet.macroenabled.12;"
	"application/vnd.ms-excel.template.macroenabled.12;"
	"application/vnd.ms-excel.addin.macroenabled.12;"
	"application/vnd.ms-powerpoint.addin.macroenabled.12;"
	"application/vnd.ms-powerpoint.presentation.macroenabled.12;"
	"application/vnd.ms-powerpoint.slideshow.macroenabled.12;"
	"application/vnd.ms-powerpoint.template.macroenabled.12",
	mk_worker_filter,
};
static const mk_filter f_rtf = {
	"rtf", "text/rtf;application/rtf", mk_worker_filter,
};
static const mk_filter f_pdf = { "pdf", "application/pdf", mk_worker_filter };
static const mk_filter f_ole = {
	"ole", "application/msword;application/vnd.ms-excel;"
	"application/vnd.ms-powerpoint", mk_worker_filter,
};
static const mk_filter *const filters[] = {
	&f_html2text, &f_textplain, &f_csv, &f_ics, &f_archive, &f_image, &f_ooxml,
	&f_rtf, &f_pdf, &f_ole, NULL,
};

const mk_filter *
mk_filter_find(const char *true_type)
{
	if (true_type == NULL)
		return NULL;
	for (gsize i = 0; filters[i] != NULL; i++) {
		char **globs = g_strsplit(filters[i]->types, ";", -1);
		bool hit = false;
		for (char **g = globs; *g && !hit; g++)
			hit = **g && g_pattern_match_simple(g_strstrip(*g), true_type);
		g_strfreev(globs);
		if (hit)
			return filters[i];
	}
	return NULL;
}

const mk_filter *const *
mk_filter_all(void)
{
	return filters;
}
