/*
 * NAME
 *   f_zipwrite - the worker's "zip" run: write the rebuilt archive of
 *   sanitized members (engine side: f_archive.h)
 *
 * DESCRIPTION
 *   Input: MK_ZIPREQ_MAGIC, an 'l' record with the size bound
 *   (limits.max_unpacked_size), then per member an 'e' record (its safe
 *   path, chosen by the engine) and a 'd' record (its bytes) (wirerec.h).
 *   libarchive's zip writer with a write callback that appends to a
 *   GByteArray and stops (ARCHIVE_FATAL) past the bound.  Entries are
 *   regular files, mode 0644, a fixed time (1980-01-01), deflate, UTF-8
 *   names.  Output: application/zip.
 *
 * NEVER
 *   Reads a path from anywhere but the request; writes a file.
 *
 * FAILURE
 *   A malformed request or no member: MK_ERR_DATA; over the bound:
 *   MK_ERR_LIMIT; a libarchive error: MK_ERR_SOFTWARE.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>

#include "f_archive.h"
#include "worker/wfilter.h"
#include "wirerec.h"

#define ZIP_MTIME 315532800   /* 1980-01-01 UTC: zip's epoch, reproducible */

typedef struct {
	GByteArray *buf;
	gint64 max;
	bool over;
} zip_out;

static la_ssize_t
zip_write(struct archive *a, void *user, const void *p, size_t n)
{
	zip_out *z = user;

	if ((gint64)(z->buf->len + n) > z->max) {
		z->over = true;
		archive_set_error(a, ENOSPC, "over limits.max_unpacked_size");
		return -1;
	}
	g_byte_array_append(z->buf, p, (guint)n);
	return (la_ssize_t)n;
}

static int
add_entry(struct archive *a, const char *path, GBytes *b, mk_error *err)
{
	struct archive_entry *e = archive_entry_new();
	gsize len = 0;
	const void *p = g_bytes_get_data(b, &len);
	int rc = 0;

	archive_entry_set_pathname_utf8(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, ZIP_MTIME, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len > 0 && archive_write_data(a, p, len) != (la_ssize_t)len)) {
		mk_error_set(err, MK_ERR_SOFTWARE, "zip: %s", archive_error_string(a));
		rc = MK_ERR_SOFTWARE;
	}
	archive_entry_free(e);
	return rc;
}

static struct archive *
open_writer(zip_out *z, mk_error *err)
{
	struct archive *a = archive_write_new();

	if (a == NULL || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate,"
	                              "zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open2(a, z, NULL, zip_write, NULL, NULL) != ARCHIVE_OK) {
		mk_error_set(err, MK_ERR_SOFTWARE, "zip writer: %s",
		             a ? archive_error_string(a) : "out of memory");
		if (a != NULL)
			archive_write_free(a);
		return NULL;
	}
	return a;
}

/* Each 'e' then 'd' pair of the request as an entry; returns how many
 * (negative on error). */
static int
write_entries(mk_wrec_rd *r, struct archive *a, mk_error *err)
{
	const guint8 *v;
	gsize vlen;
	char tag, *path = NULL;
	int n, kept = 0;

	while (kept >= 0 && (n = mk_wrec_next(r, &tag, &v, &vlen)) > 0) {
		if (tag == 'e' && path == NULL && (path = mk_wrec_get_str(v, vlen)) != NULL)
			continue;
		if (tag != 'd' || path == NULL) {
			kept = MK_ERR_DATA;
			break;
		}
		GBytes *b = g_bytes_new_static(v, vlen);
		kept = add_entry(a, path, b, err) < 0 ? MK_ERR_SOFTWARE : kept + 1;
		g_bytes_unref(b);
		g_clear_pointer(&path, g_free);
	}
	if (kept >= 0 && (n < 0 || path != NULL))
		kept = MK_ERR_DATA;
	if (kept == MK_ERR_DATA)
		mk_error_set(err, MK_ERR_DATA, "zip: malformed request");
	g_free(path);
	return kept;
}

static int
zip_run(GBytes *in, const mk_wopts *o, GBytes **out, char **out_type,
        GPtrArray *notes, mk_error *err)
{
	zip_out z = { g_byte_array_new(), 0, false };
	mk_wrec_rd r = { 0 };
	struct archive *a = NULL;
	const guint8 *v;
	gsize vlen;
	char tag;
	int rc = MK_ERR_DATA, kept;

	(void)o;
	(void)notes;
	if (!mk_wrec_open(&r, in, MK_ZIPREQ_MAGIC) ||
	    mk_wrec_next(&r, &tag, &v, &vlen) != 1 || tag != 'l' ||
	    !mk_wrec_get_i64s(v, vlen, &z.max, 1)) {
		mk_error_set(err, MK_ERR_DATA, "zip: malformed request");
		goto out;
	}
	rc = MK_ERR_SOFTWARE;
	if ((a = open_writer(&z, err)) == NULL)
		goto out;
	kept = write_entries(&r, a, err);
	if (kept >= 0 && archive_write_close(a) != ARCHIVE_OK) {
		mk_error_set(err, MK_ERR_SOFTWARE, "zip: %s", archive_error_string(a));
		kept = MK_ERR_SOFTWARE;
	}
	if (z.over) {
		mk_error_set(err, MK_ERR_LIMIT, "rebuilt zip over limits.max_unpacked_size");
		rc = MK_ERR_LIMIT;
		goto out;
	}
	if (kept <= 0) {
		if (kept == 0)
			mk_error_set(err, MK_ERR_DATA, "no member survived sanitizing");
		rc = kept == 0 ? MK_ERR_DATA : kept;
		goto out;
	}
	*out = g_byte_array_free_to_bytes(z.buf);
	z.buf = NULL;
	*out_type = g_strdup("application/zip");
	rc = 0;
out:
	if (a != NULL)
		archive_write_free(a);
	if (z.buf != NULL)
		g_byte_array_unref(z.buf);
	return rc;
}

const mk_wfilter mk_wfilter_zip = { "zip", zip_run };
