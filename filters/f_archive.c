/*
 * NAME
 *   f_archive - rebuild an archive as a new zip (see f_archive.h)
 *
 * DESCRIPTION
 *   libarchive's zip writer with a write callback that appends to a
 *   GByteArray and stops (ARCHIVE_FATAL) past limits.max_unpacked_size.
 *
 * OWNS
 *   the writer and the output buffer during one call.
 */
#include "f_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "names.h"

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

char *
mk_archive_member_path(const char *name, gsize max_len)
{
	char *norm = g_strdup(name ? name : "");
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
	char **comps;
	char *out;

	g_strdelimit(norm, "\\", '/');
	comps = g_strsplit(norm, "/", -1);
	for (char **c = comps; *c; c++) {
		char *t = g_strstrip(*c);
		if (*t == '\0' || strcmp(t, ".") == 0 || strcmp(t, "..") == 0)
			continue;
		if (c[1] == NULL || t[strlen(t) - 1] != ':')   /* "C:" drive */
			g_ptr_array_add(parts, mk_names_safe(t, max_len));
	}
	g_ptr_array_add(parts, NULL);
	out = g_strjoinv("/", (char **)parts->pdata);
	g_strfreev(comps);
	g_ptr_array_unref(parts);
	g_free(norm);
	return out;
}

char *
mk_archive_zip_name(const char *declared)
{
	static const char *const two[] = { ".tar.gz", ".tar.bz2", ".tar.xz",
	                                   ".tar.zst", ".tar.lz", ".tar.z" };
	char *base = declared && *declared ? g_path_get_basename(declared) : NULL;
	gsize n = base ? strlen(base) : 0;
	char *dot, *out;

	if (base == NULL || strcmp(base, "/") == 0 || strcmp(base, ".") == 0) {
		g_free(base);
		return g_strdup("archive.zip");
	}
	for (gsize i = 0; i < G_N_ELEMENTS(two); i++) {
		gsize e = strlen(two[i]);
		if (n > e && g_ascii_strcasecmp(base + n - e, two[i]) == 0) {
			base[n - e] = '\0';
			goto done;
		}
	}
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base)
		*dot = '\0';
done:
	out = g_strconcat(base, ".zip", NULL);
	g_free(base);
	return out;
}

/* Path inside the new zip for CHILD (unique within SEEN); NULL if none. */
static char *
entry_path(const mk_config *cfg, const mk_node *c, GHashTable *seen, guint idx)
{
	const char *decl = c->declared_name ? c->declared_name : "";
	const char *name = decl;
	char *tmp = NULL, *path, *dot;
	const char *slash = strrchr(decl, '/');

	if (c->action == MK_ACT_SANITIZE && c->out_name && *c->out_name) {
		name = c->out_name;
		if (strchr(name, '/') == NULL && slash != NULL)
			name = tmp = g_strdup_printf("%.*s/%s", (int)(slash - decl),
			                             decl, c->out_name);
	}
	path = mk_archive_member_path(name, (gsize)cfg->limits.max_name_length);
	if (*path == '\0') {
		g_free(path);
		path = g_strdup_printf("file%u", idx);
	}
	for (guint k = 2; g_hash_table_contains(seen, path); k++) {
		char *base = g_strdup(path);
		dot = strrchr(base, '.');
		if (dot != NULL && dot > base && strchr(dot, '/') == NULL) {
			*dot = '\0';
			g_free(path);
			path = g_strdup_printf("%s~%u.%s", base, k, dot + 1);
		} else {
			g_free(path);
			path = g_strdup_printf("%s~%u", base, k);
		}
		g_free(base);
	}
	g_hash_table_add(seen, g_strdup(path));
	g_free(tmp);
	return path;
}

/* The bytes CHILD contributes, or NULL when it is left out (borrowed). */
static GBytes *
member_bytes(const mk_node *c)
{
	if (c->action == MK_ACT_ALLOW)
		return c->data;
	if (c->action == MK_ACT_SANITIZE)
		return c->out;
	return NULL;
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

/* Write the surviving members; returns how many (negative on error). */
static int
write_members(const mk_config *cfg, const mk_node *n, struct archive *a,
              mk_error *err)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int kept = 0;

	for (guint i = 0; i < n->children->len && kept >= 0; i++) {
		const mk_node *c = g_ptr_array_index(n->children, i);
		GBytes *b = member_bytes(c);
		char *path;

		if (b == NULL)
			continue;
		path = entry_path(cfg, c, seen, i + 1);
		kept = add_entry(a, path, b, err) < 0 ? -1 : kept + 1;
		g_free(path);
	}
	g_hash_table_unref(seen);
	return kept;
}

int
mk_archive_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	zip_out z = { g_byte_array_new(), cfg->limits.max_unpacked_size, false };
	struct archive *a = NULL;
	int rc = MK_ERR_DATA, kept;

	if (n->children->len == 0) {
		mk_error_set(err, MK_ERR_DATA, "archive has no readable members");
		goto out;
	}
	rc = MK_ERR_SOFTWARE;
	a = open_writer(&z, err);
	if (a == NULL)
		goto out;
	kept = write_members(cfg, n, a, err);
	if (kept >= 0 && archive_write_close(a) != ARCHIVE_OK) {
		mk_error_set(err, MK_ERR_SOFTWARE, "zip: %s", archive_error_string(a));
		kept = -1;
	}
	if (z.over) {
		mk_error_set(err, MK_ERR_LIMIT, "rebuilt zip over limits.max_unpacked_size");
		rc = MK_ERR_LIMIT;
		goto out;
	}
	if (kept <= 0) {
		if (kept == 0)
			mk_error_set(err, MK_ERR_DATA, "no member survived sanitizing");
		rc = kept == 0 ? MK_ERR_DATA : MK_ERR_SOFTWARE;
		goto out;
	}
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = g_byte_array_free_to_bytes(z.buf);
	z.buf = NULL;
	mk_set_str(&n->out_type, "application/zip");
	g_free(n->out_name);
	n->out_name = mk_archive_zip_name(n->declared_name);
	rc = 0;
out:
	if (a != NULL)
		archive_write_free(a);
	if (z.buf != NULL)
		g_byte_array_unref(z.buf);
	return rc;
}
