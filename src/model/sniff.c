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
 *   A zip keeps libmagic's answer here: refining it (OOXML, ODF, JAR ...)
 *   means reading the archive, which is the worker's job (zipsniff.h, run
 *   by unpack.c before the type is used).
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

#include "mk_limits.h"

/* libmagic's own bounds (not per-site policy: they only cap its work). */
#define SNIFF_BYTES_MAX      (1 * MK_MiB)
#define SNIFF_INDIR_MAX      15
#define SNIFF_NAME_MAX       30
#define SNIFF_ELF_SHNUM_MAX  1024
#define SNIFF_ELF_PHNUM_MAX  2048

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
 * never forwarded as its bytes.  A zip behind junk stays application/zip
 * here: the worker's unpack run refines it from where it starts (an OOXML
 * document behind junk is still a document) and the engine then names
 * the refined type in the description (unpack.c). */
static void
polyglot(const void *buf, size_t len, char **mime, char **desc)
{
	char why[160];
	const char *t = mk_sniff_polyglot(buf, len, why, sizeof why);
	char *d;

	if (t == NULL || g_str_has_prefix(*mime, "message/") ||
	    mk_sniff_rank(t) <= mk_sniff_rank(*mime))
		return;
	d = g_strdup_printf("%s (also %s: %s)", *desc, t, why);
	g_free(*desc);
	*desc = d;
	g_free(*mime);
	*mime = g_strdup(t);
}

int
mk_sniff(mk_sniffer *s, const void *buf, size_t len,
         char **mime, char **desc, mk_error *err)
{
	const char *t, *d;

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
	*mime = type_clean(t);
	*desc = g_strdup(d);
	g_strdelimit(*desc, "\r\n\t", ' ');
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
