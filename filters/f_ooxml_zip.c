/*
 * NAME
 *   f_ooxml_zip - the OOXML filter's container: zip in, zip out
 *
 * SUMMARY
 *   mk_ox_read_zip(x, in, &err);          every member → a part in x
 *   mk_ox_write_zip(x, ct, &out, &err);   [Content_Types].xml + kept parts
 *
 * DESCRIPTION
 *   mk_ox_read_zip reads the zip from memory (libarchive) into x->parts,
 *   in zip order, and x->by_name (lower-case name).  An OLE2 container
 *   (an encrypted OOXML) is refused first.  Directories are skipped; a
 *   member name must be relative, without "." / ".." / empty segments,
 *   backslashes or control characters, valid UTF-8 and unique ignoring
 *   case.  Members are counted against o->ooxml_max_parts, each unpacked
 *   member against o->ooxml_max_part_size, their sum against
 *   o->max_output.
 *
 *   mk_ox_write_zip writes a new deflated zip: CT as [Content_Types].xml,
 *   then every kept part in input order, all with a fixed time (zip's
 *   epoch) and mode 0644, no block padding; the output is bounded by
 *   o->max_output.
 *
 * OWNS
 *   The libarchive handles and the output buffer while they run.  New
 *   parts go to X (see f_ooxml_int.h); *out is new (caller unrefs).
 *
 * NEVER
 *   Touches the filesystem (memory only); judges or changes part content.
 *
 * FAILURE
 *   MK_ERR_DATA: not a zip, OLE2, unreadable member, bad or duplicate
 *   name.  MK_ERR_LIMIT: a bound was hit.  MK_ERR_SOFTWARE: libarchive
 *   failed writing.  Parts read before a failure stay in X (the caller
 *   frees them with X); no output is returned on failure.
 */
#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "f_ooxml_int.h"

#define ZIP_MTIME 315532800           /* 1980-01-01, zip's epoch */

/* ---- zip in ---------------------------------------------------------- */

/* A part name we can carry: relative, no "..", "." or empty segment, no
 * backslash, valid UTF-8 and no control character (it ends up in
 * [Content_Types].xml, and XML 1.0 cannot hold most controls at all). */
static bool name_ok(const char *n)
{
	if (!*n || n[0] == '/' || strchr(n, '\\') || strstr(n, "//"))
		return false;
	for (const unsigned char *c = (const unsigned char *)n; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	for (const char *s = n; s; s = strchr(s, '/')) {
		s += *s == '/';
		if (g_str_has_prefix(s, "..") || g_str_has_prefix(s, "./"))
			return false;
	}
	return g_utf8_validate(n, -1, NULL);
}

static int read_member(ox *x, struct archive *a, const char *name,
                       gsize *total, mk_error *err)
{
	GByteArray *buf = g_byte_array_new();
	char chunk[16384];
	la_ssize_t n;
	while ((n = archive_read_data(a, chunk, sizeof chunk)) > 0) {
		*total += (gsize)n;
		if (buf->len + (gsize)n > (gsize)x->o->ooxml_max_part_size) {
			g_byte_array_unref(buf);
			mk_error_set(err, MK_ERR_LIMIT, "ooxml: part over %" G_GINT64_FORMAT
			             " bytes (ooxml.max_part_size)", x->o->ooxml_max_part_size);
			return MK_ERR_LIMIT;
		}
		if (*total > (gsize)x->o->max_output) {
			g_byte_array_unref(buf);
			mk_error_set(err, MK_ERR_LIMIT, "ooxml: unpacked size over %"
			             G_GINT64_FORMAT, x->o->max_output);
			return MK_ERR_LIMIT;
		}
		g_byte_array_append(buf, (guint8 *)chunk, (guint)n);
	}
	if (n < 0) {
		g_byte_array_unref(buf);
		mk_error_set(err, MK_ERR_DATA, "ooxml: member unreadable: %s",
		             archive_error_string(a));
		return MK_ERR_DATA;
	}
	part *p = g_new0(part, 1);
	p->name = g_strdup(name);
	p->lname = g_ascii_strdown(name, -1);
	p->data = g_byte_array_free_to_bytes(buf);
	p->is_rels = g_str_has_suffix(p->lname, ".rels");
	g_ptr_array_add(x->parts, p);
	g_hash_table_insert(x->by_name, p->lname, p);
	return 0;
}

int mk_ox_read_zip(ox *x, GBytes *in, mk_error *err)
{
	gsize len = 0, total = 0;
	const guchar *d = g_bytes_get_data(in, &len);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc = MK_ERR_DATA, r;

	archive_read_support_format_zip(a);
	if (len >= 4 && memcmp(d, "\xd0\xcf\x11\xe0", 4) == 0) {
		mk_error_set(err, MK_ERR_DATA, "ooxml: OLE2 container (encrypted "
		             "document or legacy format)");
		goto out;
	}
	if (archive_read_open_memory(a, d, len) != ARCHIVE_OK)
		goto bad;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if ((gint64)x->parts->len >= x->o->ooxml_max_parts) {
			mk_error_set(err, MK_ERR_LIMIT, "ooxml: more than %" G_GINT64_FORMAT
			             " parts (ooxml.max_parts)", x->o->ooxml_max_parts);
			rc = MK_ERR_LIMIT;
			goto out;
		}
		char *l = name ? g_ascii_strdown(name, -1) : NULL;
		bool dup = l && g_hash_table_contains(x->by_name, l);
		g_free(l);
		if (!name || !name_ok(name) || dup) {
			mk_error_set(err, MK_ERR_DATA, "ooxml: bad or duplicate part name");
			rc = MK_ERR_DATA;
			goto out;
		}
		if ((rc = read_member(x, a, name, &total, err)) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF)
		goto bad;
	rc = 0;
	goto out;
bad:
	mk_error_set(err, MK_ERR_DATA, "ooxml: not a readable zip: %s",
	             archive_error_string(a) ? archive_error_string(a) : "?");
	rc = MK_ERR_DATA;
out:
	archive_read_free(a);
	return rc;
}

/* ---- zip out --------------------------------------------------------- */

typedef struct zsink {
	GByteArray *buf;
	gsize max;
} zsink;

static la_ssize_t zwrite(struct archive *a, void *cd, const void *b, size_t n)
{
	zsink *s = cd;
	if (s->buf->len + n > s->max) {
		archive_set_error(a, EFBIG, "output over the limit");
		return -1;
	}
	g_byte_array_append(s->buf, b, (guint)n);
	return (la_ssize_t)n;
}

static int zip_add(struct archive *a, const char *name, GBytes *data)
{
	gsize len = 0;
	const void *d = g_bytes_get_data(data, &len);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, ZIP_MTIME, 0);
	int r = archive_write_header(a, e);
	if (r == ARCHIVE_OK && len > 0 &&
	    archive_write_data(a, d, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

int mk_ox_write_zip(ox *x, GBytes *ct, GBytes **out, mk_error *err)
{
	zsink s = { g_byte_array_new(), (gsize)x->o->max_output };
	struct archive *a = archive_write_new();
	int rc = -1;

	archive_write_set_format_zip(a);
	archive_write_zip_set_compression_deflate(a);
	/* no block padding: the end-of-central-directory record must be the
	 * last bytes, or LibreOffice refuses the package */
	archive_write_set_bytes_per_block(a, 0);
	if (archive_write_open(a, &s, NULL, zwrite, NULL) == ARCHIVE_OK &&
	    zip_add(a, "[Content_Types].xml", ct) == 0) {
		rc = 0;
		for (guint i = 0; i < x->parts->len && rc == 0; i++) {
			part *p = x->parts->pdata[i];
			if (p->keep)
				rc = zip_add(a, p->name, p->data);
		}
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		rc = -1;
	if (rc < 0) {
		mk_error_set(err, s.buf->len + 1 > s.max ? MK_ERR_LIMIT : MK_ERR_SOFTWARE,
		             "ooxml: writing the zip: %s",
		             archive_error_string(a) ? archive_error_string(a) : "?");
		rc = err ? err->code : MK_ERR_SOFTWARE;
		g_byte_array_unref(s.buf);
	} else {
		*out = g_byte_array_free_to_bytes(s.buf);
	}
	archive_write_free(a);
	return rc;
}
