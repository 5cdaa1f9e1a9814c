/*
 * NAME
 *   registry - the sanitize filters and the true types each accepts
 *   (contract: registry.h)
 *
 * DESCRIPTION
 *   In-process filters, text formats only:
 *     html2text  text/html, application/xhtml+xml -> text/plain, the name's
 *                extension replaced by ".txt" (or "message.txt")
 *     text       text/plain -> the same type, the same name
 *     csv        text/csv -> UTF-8 text/csv, formula cells prefixed (f_csv.h)
 *     ics        text/calendar -> the same without ATTACH properties (f_ics.h)
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
 *   Both decode n->data with mk_text_to_utf8 (n->charset as declared),
 *   normalise, and defang links when text.defang_links is set.  A guessed
 *   charset adds the charset finding.
 *
 * FAILURE
 *   Input over limits.max_text_size, or HTML over limits.html_max_nodes
 *   (also a limit finding), fails with MK_ERR_LIMIT and leaves n->out
 *   unset: the engine then applies filter_failed.  Never touches n->data.
 */
#include "registry.h"

#include <string.h>

#include "f_archive.h"
#include "f_csv.h"
#include "f_html.h"
#include "f_linkmark.h"
#include "f_ics.h"
#include "f_text.h"
#include "f_worker.h"

int
mk_filter_decode(const mk_config *cfg, mk_node *n, const char *what,
                 char **out, mk_error *err)
{
	gsize len = 0;
	const char *p = n->data ? g_bytes_get_data(n->data, &len) : NULL;
	char *used = NULL, *utf8;
	bool guessed = false, high = false;

	if ((gint64)len > cfg->limits.max_text_size) {
		mk_error_set(err, MK_ERR_LIMIT, "%s of %zu bytes over "
		             "limits.max_text_size", what, (size_t)len);
		return MK_ERR_LIMIT;
	}
	utf8 = mk_text_to_utf8(p ? p : "", len, n->charset, &used, &guessed, err);
	for (gsize i = 0; i < len && !high; i++)
		high = (guchar)p[i] >= 0x80 || p[i] == 0x1B;
	if (utf8 != NULL && guessed && high)
		mk_node_add_finding(n, MK_F_CHARSET, "declared %s, decoded as %s",
		                    n->charset ? n->charset : "(none)",
		                    used ? used : "?");
	g_free(used);
	*out = utf8;
	return utf8 ? 0 : MK_ERR_SOFTWARE;
}

static void
set_output(mk_node *n, char *text, const char *type, const char *name)
{
	if (n->out != NULL)
		g_bytes_unref(n->out);
	mk_set_str(&n->text, text);
	n->out = g_bytes_new_take(text, strlen(text));
	mk_set_str(&n->out_type, type);
	mk_set_str(&n->out_name, name);
}

/* "report.html" -> "report.txt", "x" -> "x.txt", NULL -> "message.txt". */
static char *
txt_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (name == NULL || *name == '\0')
		return g_strdup("message.txt");
	if (dot == NULL || dot == name)
		return g_strconcat(name, ".txt", NULL);
	return g_strdup_printf("%.*s.txt", (int)(dot - name), name);
}

static int
run_html(const mk_config *cfg, mk_node *n, mk_error *err)
{
	bool truncated = false;
	unsigned misleading = 0;
	mk_html_opts o = { .defang = cfg->text.defang_links,
	                   .show_links = cfg->text.show_link_targets,
	                   .max_nodes = cfg->limits.html_max_nodes,
	                   .truncated = &truncated,
	                   .mismatch_mark = MK_HTML_MISMATCH_MARK(cfg->general.language),
	                   .mismatches = &misleading };
	char *utf8 = NULL, *text = NULL, *name = NULL;
	int rc = mk_filter_decode(cfg, n, "text", &utf8, err);

	if (rc < 0)
		goto out;
	text = mk_html_to_text(utf8, strlen(utf8), &o, err);
	rc = MK_ERR_SOFTWARE;
	if (text == NULL)
		goto out;
	if (truncated) {
		mk_node_add_finding(n, MK_F_LIMIT, "HTML over limits.html_max_nodes"
		                    " elements");
		mk_error_set(err, MK_ERR_LIMIT, "HTML over limits.html_max_nodes");
		rc = MK_ERR_LIMIT;
		goto out;
	}
	if (misleading > 0)
		mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%u link(s) whose shown "
		                    "text names another target", misleading);
	name = txt_name(n->declared_name);
	set_output(n, text, "text/plain", name);
	text = NULL;
	rc = 0;
out:
	g_free(name);
	g_free(text);
	g_free(utf8);
	return rc;
}

static int
run_text(const mk_config *cfg, mk_node *n, mk_error *err)
{
	char *utf8 = NULL, *norm = NULL, *text = NULL;
	int rc = mk_filter_decode(cfg, n, "text", &utf8, err);

	if (rc < 0)
		goto out;
	unsigned misleading = 0;
	char *marked = mk_text_mark_misleading(utf8,
	                   MK_HTML_MISMATCH_MARK(cfg->general.language), &misleading);
	norm = mk_text_normalise(marked);
	g_free(marked);
	text = cfg->text.defang_links ? mk_text_defang(norm) : g_strdup(norm);
	if (misleading > 0)
		mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%u link(s) whose shown "
		                    "text names another target", misleading);
	set_output(n, text, g_strcmp0(n->true_type, "text/csv") == 0
	                        ? "text/csv" : "text/plain", n->declared_name);
	text = NULL;
	rc = 0;
out:
	g_free(text);
	g_free(norm);
	g_free(utf8);
	return rc;
}

static const mk_filter f_html2text = {
	"html2text", "text/html;application/xhtml+xml", run_html,
};
static const mk_filter f_textplain = {
	"text", "text/plain", run_text,
};
static const mk_filter f_csv = { "csv", "text/csv", mk_csv_filter };
static const mk_filter f_ics = { "ics", "text/calendar", mk_ics_filter };
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
