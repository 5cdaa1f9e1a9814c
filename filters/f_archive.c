/*
 * NAME
 *   f_archive - rebuild an archive as a new zip (see f_archive.h)
 *
 * DESCRIPTION
 *   The members and their safe paths are chosen here; the zip itself is
 *   written by `mukaika-worker zip` (f_zipwrite.c): the request is the
 *   size bound, then a path and the bytes per member (wirerec.h).
 *
 * OWNS
 *   the request during one call.
 */
#include "f_archive.h"

#include <string.h>

#include "names.h"
#include "wirerec.h"
#include "worker/wclient.h"

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

/* The request: the bound, then each surviving member's path and bytes;
 * *kept = how many. */
static GBytes *
zip_request(const mk_config *cfg, const mk_node *n, guint *kept)
{
	GByteArray *b = g_byte_array_new();
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	*kept = 0;
	g_byte_array_append(b, (const guint8 *)MK_ZIPREQ_MAGIC, 4);
	mk_wrec_put_i64s(b, 'l', &cfg->limits.max_unpacked_size, 1);
	for (guint i = 0; i < n->children->len; i++) {
		const mk_node *c = g_ptr_array_index(n->children, i);
		GBytes *m = member_bytes(c);
		gsize len = 0;
		const void *p;
		char *path;

		if (m == NULL)
			continue;
		path = entry_path(cfg, c, seen, i + 1);
		p = g_bytes_get_data(m, &len);
		mk_wrec_put_str(b, 'e', path);
		mk_wrec_put(b, 'd', p, len);
		g_free(path);
		++*kept;
	}
	g_hash_table_unref(seen);
	return g_byte_array_free_to_bytes(b);
}

int
mk_archive_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	mk_wcall c = { cfg->worker.timeout_ms, cfg->worker.max_output, NULL };
	GBytes *req = NULL, *out = NULL;
	char *type = NULL;
	guint kept = 0;
	int rc = MK_ERR_DATA;

	if (n->children->len == 0) {
		mk_error_set(err, MK_ERR_DATA, "archive has no readable members");
		goto out;
	}
	req = zip_request(cfg, n, &kept);
	if (kept == 0) {
		mk_error_set(err, MK_ERR_DATA, "no member survived sanitizing");
		goto out;
	}
	rc = mk_worker_call(cfg, "zip", &c, req, &out, &type, NULL, err);
	if (rc == MK_ERR_DATA && strstr(err->msg, "over limits.max_unpacked_size"))
		rc = err->code = MK_ERR_LIMIT;   /* the worker's "fail" message */
	if (rc < 0)
		goto out;
	if (strcmp(type, "application/zip") != 0) {
		mk_error_set(err, MK_ERR_SOFTWARE, "zip: answer of type %s", type);
		rc = MK_ERR_SOFTWARE;
		goto out;
	}
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = g_steal_pointer(&out);
	mk_set_str(&n->out_type, "application/zip");
	g_free(n->out_name);
	n->out_name = mk_archive_zip_name(n->declared_name);
out:
	g_free(type);
	if (out != NULL)
		g_bytes_unref(out);
	if (req != NULL)
		g_bytes_unref(req);
	return rc;
}
