/*
 * NAME
 *   sniff - true type of content by libmagic, never by name (see sniff.h)
 *
 * DESCRIPTION
 *   Two libmagic handles per sniffer: one with MAGIC_MIME_TYPE and
 *   MAGIC_MIME_ENCODING for the type, one with MAGIC_NONE for the
 *   description.  For text/ types the description is libmagic's MIME
 *   answer itself ("text/plain; charset=us-ascii"): libmagic 5.44 runs its
 *   regex and search tests over every text buffer (compiled once per
 *   handle; matching is most of the per-file cost for text), so a second
 *   call on text would double that for a field that only goes into the
 *   report.  Compressed streams are not
 *   looked into (no MAGIC_COMPRESS): we want the container's type.  libmagic
 *   work is bounded by its parameters (bytes examined, indirections, name
 *   recursion, ELF sections), set at creation.
 *
 *   Zip containers are refined from their member list (mk_zip_list, headers
 *   only) and, for OOXML, the bounded [Content_Types].xml: OOXML main types
 *   (macro-enabled when the content type says so or a vbaProject.bin is
 *   present), XPS, ODF/EPUB (from the "mimetype" member, accepted only when it
 *   names an ODF or EPUB type), JAR, APK.  An unrecognised zip stays zip.
 *
 *   What a lenient reader makes of the same bytes (sniff_poly.c: a PDF
 *   header within the first KB, sniffed HTML or SVG, RTF after junk, a zip
 *   found from its end) replaces libmagic's answer when it is more
 *   dangerous (an active document or archive over text, image or
 *   unknown); the description keeps libmagic's answer and names the other
 *   reading.  A mail keeps its type: it is always rebuilt.
 *
 *   Empty input is "application/x-empty": known ("empty") but carrying no
 *   content, so mk_sniff_is_unknown() counts it as unknown; the policy for
 *   empty files lives in the policy, not here.
 *
 * OWNS
 *   the thread's sniffer (GPrivate, freed at thread exit).
 *
 * NEVER
 *   looks at names or declared types; writes anything.
 *
 * FAILURE
 *   libmagic failing on a buffer is an error (MK_ERR_SOFTWARE), never a
 *   guessed type.
 */
#include "sniff.h"

#include <magic.h>
#include <string.h>

#include "archive.h"
#include "mk_limits.h"

/* libmagic's own bounds (not per-site policy: they only cap its work). */
#define SNIFF_BYTES_MAX      (1 * MK_MiB)
#define SNIFF_INDIR_MAX      15
#define SNIFF_NAME_MAX       30
#define SNIFF_ELF_SHNUM_MAX  1024
#define SNIFF_ELF_PHNUM_MAX  2048
#define SNIFF_ZIP_MEMBERS    4096      /* names listed to refine a zip */
#define SNIFF_CT_MAX         (64 * MK_KiB)  /* [Content_Types].xml read */
#define SNIFF_MIMETYPE_MAX   128       /* ODF "mimetype" member read */

struct mk_sniffer {
	magic_t type;   /* MAGIC_MIME_TYPE */
	magic_t desc;   /* MAGIC_NONE */
};

static void
sniffer_destroy(gpointer p)
{
	mk_sniffer *s = p;

	mk_sniffer_free(&s);
}

static GPrivate sniffer_key = G_PRIVATE_INIT(sniffer_destroy);

static int
magic_open_one(magic_t *m, int flags, mk_error *err)
{
	size_t v;

	*m = magic_open(flags);
	if (*m == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "magic_open failed");
		return MK_ERR_SOFTWARE;
	}
	if (magic_load(*m, NULL) != 0) {
		mk_error_set(err, MK_ERR_SOFTWARE, "magic_load: %s",
		             magic_error(*m));
		return MK_ERR_SOFTWARE;
	}
	v = SNIFF_BYTES_MAX;
	(void)magic_setparam(*m, MAGIC_PARAM_BYTES_MAX, &v);
	v = SNIFF_INDIR_MAX;
	(void)magic_setparam(*m, MAGIC_PARAM_INDIR_MAX, &v);
	v = SNIFF_NAME_MAX;
	(void)magic_setparam(*m, MAGIC_PARAM_NAME_MAX, &v);
	v = SNIFF_ELF_SHNUM_MAX;
	(void)magic_setparam(*m, MAGIC_PARAM_ELF_SHNUM_MAX, &v);
	v = SNIFF_ELF_PHNUM_MAX;
	(void)magic_setparam(*m, MAGIC_PARAM_ELF_PHNUM_MAX, &v);
	return 0;
}

mk_sniffer *
mk_sniffer_new(mk_error *err)
{
	mk_sniffer *s = g_new0(mk_sniffer, 1);

	if (magic_open_one(&s->type, MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_ERROR,
	                   err) != 0 ||
	    magic_open_one(&s->desc, MAGIC_NONE | MAGIC_ERROR, err) != 0)
		mk_sniffer_free(&s);
	return s;
}

void
mk_sniffer_free(mk_sniffer **sp)
{
	mk_sniffer *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	*sp = NULL;
	if (s->type != NULL)
		magic_close(s->type);
	if (s->desc != NULL)
		magic_close(s->desc);
	g_free(s);
}

mk_sniffer *
mk_sniffer_thread(mk_error *err)
{
	mk_sniffer *s = g_private_get(&sniffer_key);

	if (s == NULL) {
		s = mk_sniffer_new(err);
		if (s != NULL)
			g_private_set(&sniffer_key, s);
	}
	return s;
}

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
static char *
zip_refine(const void *buf, size_t len)
{
	GPtrArray *names = mk_zip_list(buf, len, SNIFF_ZIP_MEMBERS, NULL);
	zip_marks m = { 0 };
	const char *t = NULL;
	char *odf = NULL;

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

static char *
type_clean(const char *t)
{
	char *s = g_ascii_strdown(t, -1);
	char *semi = strchr(s, ';');

	if (semi != NULL)
		*semi = '\0';
	g_strstrip(s);
	if (*s == '\0') {
		g_free(s);
		s = g_strdup("application/octet-stream");
	}
	return s;
}

/* A text/ type: libmagic's text path, where the regex cost is. */
static bool
is_text_answer(const char *t)
{
	return g_str_has_prefix(t, "text/");
}

/* A reading of the bytes by a lenient reader (sniff_poly.c) that
 * outranks libmagic's answer replaces it; libmagic's description stays,
 * with the reading appended.  A mail is left alone: it is always rebuilt,
 * never forwarded as its bytes.  A zip behind junk is refined from where
 * it starts (an OOXML document behind junk is still a document). */
static void
polyglot(const void *buf, size_t len, char **mime, char **desc)
{
	char why[160];
	const char *t = mk_sniff_polyglot(buf, len, why, sizeof why);
	gssize junk;
	char *refined = NULL, *d;

	if (t == NULL || g_str_has_prefix(*mime, "message/") ||
	    mk_sniff_rank(t) <= mk_sniff_rank(*mime))
		return;
	if (strcmp(t, "application/zip") == 0 &&
	    (junk = mk_sniff_zip_from_end(buf, len)) > 0)
		refined = zip_refine((const char *)buf + junk, len - (size_t)junk);
	d = g_strdup_printf("%s (also %s: %s)", *desc, refined ? refined : t, why);
	g_free(*desc);
	*desc = d;
	g_free(*mime);
	*mime = refined != NULL ? refined : g_strdup(t);
}

int
mk_sniff(mk_sniffer *s, const void *buf, size_t len,
         char **mime, char **desc, mk_error *err)
{
	const char *t, *d;
	char *refined = NULL;

	*mime = NULL;
	*desc = NULL;
	if (len == 0) {
		*mime = g_strdup("application/x-empty");
		*desc = g_strdup("empty");
		return 0;
	}
	t = magic_buffer(s->type, buf, len);
	d = t != NULL && is_text_answer(t) ? t : NULL;
	if (t != NULL && d == NULL)
		d = magic_buffer(s->desc, buf, len);
	if (t == NULL || d == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "libmagic: %s",
		             magic_error(t == NULL ? s->type : s->desc));
		return MK_ERR_SOFTWARE;
	}
	if (len >= 4 && memcmp(buf, "PK\003\004", 4) == 0)
		refined = zip_refine(buf, len);
	*mime = refined != NULL ? refined : type_clean(t);
	*desc = g_strdup(d);
	g_strdelimit(*desc, "\r\n\t", ' ');
	if (refined == NULL)     /* a zip's own type was refined already */
		polyglot(buf, len, mime, desc);
	return 0;
}

bool
mk_sniff_is_unknown(const char *mime)
{
	static const char *const unknown[] = {
		"application/octet-stream", "application/x-empty",
		"inode/x-empty", "application/data", "application/unknown",
	};

	if (mime == NULL || *mime == '\0')
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++)
		if (g_ascii_strcasecmp(mime, unknown[i]) == 0)
			return true;
	return false;
}
