/*
 * NAME
 *   sniff_poly - what else a common reader makes of the same bytes
 *   (polyglots; see sniff.h)
 *
 * DESCRIPTION
 *   libmagic answers one type, from the start of the buffer.  Readers are
 *   more lenient, and a file that is text to libmagic can be a document,
 *   a web page or an archive to the program that opens it:
 *     - PDF readers accept "%PDF-" anywhere in the first 1024 bytes, and
 *       lenient ones (pdf.js, MuPDF, PDFium's repair) anywhere at all when
 *       the file ends like a PDF ("startxref" or "%%EOF" in its last KB)
 *       and has an object after the header;
 *     - browsers sniff HTML (WHATWG "MIME sniffing": after white space and
 *       a byte order mark, "<html", "<script", "<!doctype html", "<body",
 *       "<iframe", "<div" ... followed by a blank or ">"; older engines
 *       find "<html", "<script", "<iframe", "<body", "<svg" anywhere in
 *       the first 256 bytes), and render "<svg" as SVG; with a UTF-16
 *       byte order mark they decode UTF-16 first (checked on the first
 *       POLY_UTF16_WINDOW bytes, taken as ASCII when they are);
 *     - Word opens a file as RTF when "{\rt" comes within the first bytes,
 *       after junk;
 *     - unzip, 7-Zip, Java and Office find a zip from its end-of-central-
 *       directory record, whatever comes before the archive (checked: the
 *       central directory it names starts with its signature), also a
 *       zip64 one (the record's fields 0xFFFFFFFF, the sizes in the zip64
 *       record its locator points back to).
 *   mk_sniff_polyglot() returns the most dangerous of these readings (an
 *   archive or document over markup over nothing), and mk_sniff_rank()
 *   orders types so that mk_sniff() keeps libmagic's answer unless a
 *   reading outranks it.  OLE2 and executables are recognised by their
 *   magic at offset 0 only (as their loaders require): libmagic's job.
 *
 * NEVER
 *   Allocates, decodes, or reads past LEN.
 *
 * FAILURE
 *   None: no reading is NULL.
 */
#include "sniff.h"

#include <string.h>

#include "names.h"

#define POLY_PDF_WINDOW   1024     /* Acrobat: header within the first KB */
#define POLY_RTF_WINDOW   1024     /* Word: "{\rt" after junk */
#define POLY_HTML_WINDOW  256      /* legacy engines: tags anywhere here */
#define ZIP_EOCD_LEN      22
#define ZIP_EOCD_SPAN     (ZIP_EOCD_LEN + 65535)   /* record + longest comment */
#define ZIP64_LOC_LEN     20
#define ZIP64_EOCD_LEN    56       /* without its extensible data */
#define POLY_PDF_TAIL     1024     /* readers look for startxref here */
#define POLY_UTF16_WINDOW 1024     /* bytes of UTF-16 sniffed as markup */

static const void *
find_ci(const guint8 *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (g_ascii_strncasecmp((const char *)p + i, needle, n) == 0)
			return p + i;
	return NULL;
}

/* "%PDF-" in the first KB; or anywhere, when the end reads like a PDF's
 * and an object follows the header (a lenient reader repairs the rest). */
static const guint8 *
pdf_header(const guint8 *p, size_t len)
{
	const guint8 *at = memmem(p, MIN(len, (size_t)POLY_PDF_WINDOW), "%PDF-", 5);
	size_t tail = len > POLY_PDF_TAIL ? len - POLY_PDF_TAIL : 0;

	if (at != NULL || len <= POLY_PDF_WINDOW)
		return at;
	if (memmem(p + tail, len - tail, "startxref", 9) == NULL &&
	    memmem(p + tail, len - tail, "%%EOF", 5) == NULL)
		return NULL;
	at = memmem(p, len, "%PDF-", 5);
	return at != NULL && memmem(at, len - (size_t)(at - p), " obj", 4) != NULL
	       ? at : NULL;
}

/* WHATWG "identifying a resource with an unknown MIME type": the tag
 * must be followed by a blank or ">" (a "tag-terminating byte"). */
static const char *
html_start(const guint8 *p, size_t len)
{
	static const char *const tags[] = {
		"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1",
		"<div", "<font", "<table", "<a", "<style", "<title", "<b",
		"<body", "<br", "<p", "<!--", "<object", "<embed", "<form",
		"<meta", "<img", "<svg",
	};
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	                   p[i] == '\r' || p[i] == '\f'))
		i++;
	for (size_t k = 0; k < G_N_ELEMENTS(tags); k++) {
		size_t n = strlen(tags[k]);

		if (len - i > n && g_ascii_strncasecmp((const char *)p + i, tags[k], n) == 0 &&
		    (p[i + n] == ' ' || p[i + n] == '>' || p[i + n] == '\t' ||
		     p[i + n] == '\n' || p[i + n] == '\r' || p[i + n] == '/' ||
		     strcmp(tags[k], "<!--") == 0))
			return strcmp(tags[k], "<svg") == 0 ? "image/svg+xml" : "text/html";
	}
	return NULL;
}

static const char *
html_anywhere(const guint8 *p, size_t len)
{
	static const char *const tags[] = {
		"<html", "<script", "<iframe", "<body", "<!doctype html",
	};
	size_t w = MIN(len, (size_t)POLY_HTML_WINDOW);

	for (size_t k = 0; k < G_N_ELEMENTS(tags); k++)
		if (find_ci(p, w, tags[k]) != NULL)
			return "text/html";
	return find_ci(p, w, "<svg") != NULL ? "image/svg+xml" : NULL;
}

/* The markup a browser sniffs in UTF-16 text with a byte order mark:
 * the first code units, as long as they are ASCII, into OUT. */
static const char *
html_utf16(const guint8 *p, size_t len)
{
	guint8 out[POLY_UTF16_WINDOW / 2];
	size_t n = 0, hi;
	const char *t;

	if (len < 4 || !((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return NULL;
	hi = p[0] == 0xFF ? 1 : 0;   /* LE: the high byte second */
	for (size_t i = 2; i + 1 < MIN(len, (size_t)POLY_UTF16_WINDOW) &&
	                   p[i + hi] == 0 && p[i + 1 - hi] < 0x80; i += 2)
		out[n++] = p[i + 1 - hi];
	if (n == 0)
		return NULL;
	if ((t = html_start(out, n)) == NULL)
		t = html_anywhere(out, n);
	return t;
}

static guint32
le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 |
	       (guint32)p[3] << 24;
}

static guint64
le64(const guint8 *p)
{
	return (guint64)le32(p) | (guint64)le32(p + 4) << 32;
}

/* The zip64 end record's central directory for the record at I (its
 * locator right before it): the junk before the archive, or -1. */
static gssize
zip64_from_end(const guint8 *p, size_t i)
{
	size_t loc, rec;
	guint64 rec_size, cd_size, cd_off, cd;

	if (i < ZIP64_LOC_LEN + ZIP64_EOCD_LEN)
		return -1;
	loc = i - ZIP64_LOC_LEN;
	if (memcmp(p + loc, "PK\006\007", 4) != 0)
		return -1;
	/* the record ends at the locator; its size field counts what follows
	 * its first 12 bytes (at least the 44 of the fixed part) */
	for (rec = loc - ZIP64_EOCD_LEN + 1; rec-- > 0 && loc - rec <= 65536 + ZIP64_EOCD_LEN;) {
		if (memcmp(p + rec, "PK\006\006", 4) != 0)
			continue;
		rec_size = le64(p + rec + 4);
		if (rec_size != loc - rec - 12)
			continue;
		cd_size = le64(p + rec + 40);
		cd_off = le64(p + rec + 48);
		if (cd_size == 0 || cd_size > rec)
			return -1;
		cd = rec - cd_size;
		if (memcmp(p + cd, "PK\001\002", 4) != 0 || cd_off > cd)
			return -1;
		return (gssize)(cd - cd_off);
	}
	return -1;
}

/* Offset where a zip found from its end starts (its first local header as
 * its directory counts it), or -1.  The record must name a central
 * directory that ends right before it and starts with "PK\1\2". */
gssize
mk_sniff_zip_from_end(const void *buf, size_t len)
{
	const guint8 *p = buf;
	size_t lo = len > ZIP_EOCD_SPAN ? len - ZIP_EOCD_SPAN : 0;

	if (len < ZIP_EOCD_LEN)
		return -1;
	for (size_t i = len - ZIP_EOCD_LEN + 1; i-- > lo;) {
		guint32 cd_size, cd_off;
		size_t cd;

		if (memcmp(p + i, "PK\005\006", 4) != 0)
			continue;
		if (le32(p + i + 12) == 0xFFFFFFFFu || le32(p + i + 16) == 0xFFFFFFFFu) {
			gssize junk = zip64_from_end(p, i);

			if (junk >= 0)
				return junk;
			continue;
		}
		cd_size = le32(p + i + 12);
		cd_off = le32(p + i + 16);
		if (cd_size == 0 || cd_size > i)
			continue;
		cd = i - cd_size;
		if (memcmp(p + cd, "PK\001\002", 4) != 0 || cd_off > cd)
			continue;
		return (gssize)(cd - cd_off);   /* junk before the archive */
	}
	return -1;
}

int
mk_sniff_rank(const char *t)
{
	static const char *const active[] = {
		"application/pdf", "text/html", "application/xhtml+xml",
		"image/svg+xml", "text/rtf", "application/rtf", "application/zip",
		"application/x-ole-storage", "application/cdfv2", "application/msword",
		"application/vnd.ms-excel", "application/vnd.ms-powerpoint",
		"application/vnd.ms-office", "application/java-archive",
	};

	if (t == NULL)
		return 0;
	if (mk_names_type_is_executable(t))
		return 3;
	for (size_t i = 0; i < G_N_ELEMENTS(active); i++)
		if (strcmp(t, active[i]) == 0)
			return 2;
	if (g_str_has_prefix(t, "application/vnd.openxmlformats-") ||
	    g_str_has_prefix(t, "application/vnd.ms-") ||
	    g_str_has_prefix(t, "application/vnd.oasis.opendocument."))
		return 2;
	return 1;
}

const char *
mk_sniff_polyglot(const void *buf, size_t len, char *why, size_t why_len)
{
	const guint8 *p = buf, *at;
	const char *t;
	gssize junk;

	if (buf == NULL || len == 0)
		return NULL;
	if ((junk = mk_sniff_zip_from_end(buf, len)) >= 0) {
		g_snprintf(why, why_len, "a zip reader finds an archive from its "
		           "end (%zd bytes before it)", junk);
		return "application/zip";
	}
	if ((at = pdf_header(p, len)) != NULL) {
		g_snprintf(why, why_len, "a PDF reader finds %%PDF- at byte %td",
		           at - p);
		return "application/pdf";
	}
	if ((at = find_ci(p, MIN(len, (size_t)POLY_RTF_WINDOW), "{\\rt")) != NULL) {
		g_snprintf(why, why_len, "Word finds {\\rt at byte %td", at - p);
		return "text/rtf";
	}
	if ((t = html_start(p, len)) != NULL || (t = html_anywhere(p, len)) != NULL) {
		g_snprintf(why, why_len, "a browser sniffs %s markup",
		           strcmp(t, "text/html") == 0 ? "HTML" : "SVG");
		return t;
	}
	if ((t = html_utf16(p, len)) != NULL) {
		g_snprintf(why, why_len, "a browser sniffs %s markup in UTF-16",
		           strcmp(t, "text/html") == 0 ? "HTML" : "SVG");
		return t;
	}
	return NULL;
}
