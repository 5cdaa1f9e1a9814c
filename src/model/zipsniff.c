/*
 * NAME
 *   zipsniff - the true type of a zip container from its members
 *
 * DESCRIPTION
 *   Zip containers are refined from their member list (mk_zip_list, headers
 *   only) and, for OOXML, the bounded [Content_Types].xml: OOXML main types
 *   (macro-enabled when the content type says so or a vbaProject.bin is
 *   present), XPS, ODF/EPUB (from the "mimetype" member, accepted only when it
 *   names an ODF or EPUB type), JAR, APK.  An unrecognised zip stays zip.
 *
 *   Reads the archive with libarchive: runs in mukaika-worker only (the
 *   "unpack" run of the leaf, src/worker/wunpack.c), never in a daemon.
 *
 * NEVER
 *   looks at names or declared types; writes anything.
 */
#include "zipsniff.h"

#include <string.h>

#include "archive.h"
#include "mk_limits.h"
#include "sniff.h"

#define SNIFF_ZIP_MEMBERS    4096      /* names listed to refine a zip */
#define SNIFF_CT_MAX         (64 * MK_KiB)  /* [Content_Types].xml read */
#define SNIFF_MIMETYPE_MAX   128       /* ODF "mimetype" member read */

/* OOXML main-part content types (lower case) → the document's type. */
static const struct {
	const char *needle;
	const char *type;
} ooxml_types[] = {
	{ "application/vnd.ms-word.document.macroenabled.main+xml",
	  "application/vnd.ms-word.document.macroenabled.12" },
	{ "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
	  "application/vnd.ms-word.template.macroenabled.12" },
	{ "wordprocessingml.template.main+xml",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.template" },
	{ "wordprocessingml.document.main+xml",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "application/vnd.ms-excel.sheet.macroenabled.main+xml",
	  "application/vnd.ms-excel.sheet.macroenabled.12" },
	{ "application/vnd.ms-excel.sheet.binary.macroenabled.main",
	  "application/vnd.ms-excel.sheet.binary.macroenabled.12" },
	{ "application/vnd.ms-excel.template.macroenabled.main+xml",
	  "application/vnd.ms-excel.template.macroenabled.12" },
	{ "application/vnd.ms-excel.addin.macroenabled.main+xml",
	  "application/vnd.ms-excel.addin.macroenabled.12" },
	{ "spreadsheetml.template.main+xml",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.template" },
	{ "spreadsheetml.sheet.main+xml",
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
	  "application/vnd.ms-powerpoint.presentation.macroenabled.12" },
	{ "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml",
	  "application/vnd.ms-powerpoint.slideshow.macroenabled.12" },
	{ "application/vnd.ms-powerpoint.template.macroenabled.main+xml",
	  "application/vnd.ms-powerpoint.template.macroenabled.12" },
	{ "application/vnd.ms-powerpoint.addin.macroenabled.main+xml",
	  "application/vnd.ms-powerpoint.addin.macroenabled.12" },
	{ "presentationml.slideshow.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.slideshow" },
	{ "presentationml.template.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.template" },
	{ "presentationml.presentation.main+xml",
	  "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "application/vnd.ms-package.xps-fixeddocumentsequence+xml",
	  "application/vnd.ms-xpsdocument" },
};

/* The plain OOXML types and what they become with a vbaProject.bin. */
static const struct {
	const char *plain;
	const char *macro;
} ooxml_macro[] = {
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  "application/vnd.ms-word.document.macroenabled.12" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  "application/vnd.ms-excel.sheet.macroenabled.12" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	  "application/vnd.ms-powerpoint.presentation.macroenabled.12" },
};

typedef struct {
	bool content_types, word, xl, ppt, vba, fdseq, mimetype, manifest, apk;
} zip_marks;

static void
zip_marks_scan(GPtrArray *names, zip_marks *m)
{
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);

		if (g_ascii_strcasecmp(n, "[Content_Types].xml") == 0)
			m->content_types = true;
		else if (g_ascii_strncasecmp(n, "word/", 5) == 0)
			m->word = true;
		else if (g_ascii_strncasecmp(n, "xl/", 3) == 0)
			m->xl = true;
		else if (g_ascii_strncasecmp(n, "ppt/", 4) == 0)
			m->ppt = true;
		else if (strcmp(n, "mimetype") == 0)
			m->mimetype = true;
		else if (g_ascii_strcasecmp(n, "META-INF/MANIFEST.MF") == 0)
			m->manifest = true;
		else if (strcmp(n, "AndroidManifest.xml") == 0)
			m->apk = true;
		if (g_str_has_suffix(n, ".fdseq"))
			m->fdseq = true;
		if (g_str_has_suffix(n, "vbaProject.bin"))
			m->vba = true;
	}
}

static const char *
ooxml_from_content_types(const void *buf, size_t len)
{
	GBytes *ct = mk_zip_read_member(buf, len, "[Content_Types].xml",
	                                SNIFF_CT_MAX);
	const char *type = NULL;
	char *low;

	if (ct == NULL)
		return NULL;
	low = g_ascii_strdown(g_bytes_get_data(ct, NULL), g_bytes_get_size(ct));
	for (size_t i = 0; i < G_N_ELEMENTS(ooxml_types) && type == NULL; i++)
		if (strstr(low, ooxml_types[i].needle) != NULL)
			type = ooxml_types[i].type;
	g_free(low);
	g_bytes_unref(ct);
	return type;
}

static const char *
ooxml_type(const void *buf, size_t len, const zip_marks *m)
{
	const char *type = ooxml_from_content_types(buf, len);

	if (type == NULL && m->fdseq)
		type = "application/vnd.ms-xpsdocument";
	else if (type == NULL && m->word)
		type = ooxml_macro[0].plain;
	else if (type == NULL && m->xl)
		type = ooxml_macro[1].plain;
	else if (type == NULL && m->ppt)
		type = ooxml_macro[2].plain;
	for (size_t i = 0; m->vba && type != NULL &&
	     i < G_N_ELEMENTS(ooxml_macro); i++)
		if (strcmp(type, ooxml_macro[i].plain) == 0)
			type = ooxml_macro[i].macro;
	return type;
}

/* ODF/EPUB type from the "mimetype" member; NULL unless it names one. */
static char *
odf_type(const void *buf, size_t len)
{
	GBytes *b = mk_zip_read_member(buf, len, "mimetype", SNIFF_MIMETYPE_MAX);
	char *t = NULL;

	if (b == NULL)
		return NULL;
	t = g_ascii_strdown(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
	g_strstrip(t);
	if ((!g_str_has_prefix(t, "application/vnd.oasis.opendocument.") &&
	     strcmp(t, "application/epub+zip") != 0) ||
	    strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789.+-/") != strlen(t))
		g_clear_pointer(&t, g_free);
	g_bytes_unref(b);
	return t;
}

/* Refined type of a zip, or NULL to keep libmagic's answer. */
char *
mk_zip_refine(const void *buf, size_t len)
{
	GPtrArray *names;
	zip_marks m = { 0 };
	const char *t = NULL;
	char *odf = NULL;

	if (len < 4 || memcmp(buf, "PK\003\004", 4) != 0)
		return NULL;
	names = mk_zip_list(buf, len, SNIFF_ZIP_MEMBERS, NULL);
	if (names == NULL)
		return NULL;
	zip_marks_scan(names, &m);
	g_ptr_array_unref(names);
	if (m.content_types)
		t = ooxml_type(buf, len, &m);
	if (t == NULL && m.mimetype)
		odf = odf_type(buf, len);
	if (odf != NULL)
		return odf;
	if (t == NULL && m.apk)
		t = "application/vnd.android.package-archive";
	if (t == NULL && m.manifest)
		t = "application/java-archive";
	return g_strdup(t);
}

char *
mk_zip_refine_type(const void *buf, size_t len, const char *true_type)
{
	gssize junk;

	if (len >= 4 && memcmp(buf, "PK\003\004", 4) == 0)
		return mk_zip_refine(buf, len);
	if (g_strcmp0(true_type, "application/zip") == 0 &&
	    (junk = mk_sniff_zip_from_end(buf, len)) > 0)
		return mk_zip_refine((const char *)buf + junk, len - (size_t)junk);
	return NULL;
}
