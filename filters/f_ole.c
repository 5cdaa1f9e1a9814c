/*
 * NAME
 *   f_ole - legacy Office (OLE2) content disarm (see f_ole.h)
 *
 * DESCRIPTION
 *   Root allowlist per kind, then the kind's stream rewrite, then a new
 *   compound file.  Storages below the root are kept only when the
 *   allowlist names them (pivot caches), whole.
 *
 * NEVER
 *   Writes an input byte that is not in a kept stream; writes files.
 */
#include "f_ole.h"

#include <string.h>

#include "f_cfb.h"

typedef enum { OLE_WORD, OLE_XLS, OLE_PPT } ole_kind;

static const char *const keep_any[] = {
	"\001CompObj", "\005SummaryInformation", "\005DocumentSummaryInformation", NULL,
};
static const char *const keep_word[] = { "WordDocument", "0Table", "1Table", "Data", NULL };
static const char *const keep_xls[] = { "Workbook", "Book", "_SX_DB_CUR", "_SX_DB", NULL };
static const char *const keep_ppt[] = {
	"PowerPoint Document", "Current User", "Pictures", NULL,
};
static const char *const macro_names[] = {
	"Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT", NULL,
};

void mk_ole_count(GHashTable *counts, const char *what, int n)
{
	gpointer v = g_hash_table_lookup(counts, what);
	g_hash_table_replace(counts, g_strdup(what),
	                     GINT_TO_POINTER(GPOINTER_TO_INT(v) + n));
}

static bool listed(const char *const *l, const char *name)
{
	for (; *l; l++)
		if (g_ascii_strcasecmp(*l, name) == 0)
			return true;
	return false;
}

/* Why root entry E goes (a note), or NULL to keep it. */
static const char *verdict(ole_kind k, const mk_cfb_entry *e)
{
	const char *const *keep = k == OLE_WORD ? keep_word : k == OLE_XLS ? keep_xls : keep_ppt;

	if (listed(keep_any, e->name) || listed(keep, e->name))
		return NULL;
	if (listed(macro_names, e->name))
		return "VBA/macro storage";
	if (g_ascii_strcasecmp(e->name, "ObjectPool") == 0 ||
	    g_ascii_strncasecmp(e->name, "MBD", 3) == 0 ||
	    strstr(e->name, "Ole10Native") || g_ascii_strcasecmp(e->name, "Package") == 0)
		return "embedded OLE object";
	if (strcmp(e->name, "\001Ole") == 0)   /* 20 bytes: no moniker, no link */
		return e->data && g_bytes_get_size(e->data) <= 20 ? "" : "OLE link";
	return "other storage or stream";
}

static int find_kind(const mk_cfb_entry *root, ole_kind *k, mk_error *err)
{
	if (mk_cfb_child(root, "EncryptedPackage") || mk_cfb_child(root, "EncryptionInfo") ||
	    mk_cfb_child(root, "EncryptedSummary")) {
		mk_error_set(err, MK_ERR_DATA, "ole: encrypted (password required)");
		return MK_ERR_DATA;
	}
	if (mk_cfb_child(root, "WordDocument"))
		*k = OLE_WORD;
	else if (mk_cfb_child(root, "Workbook") || mk_cfb_child(root, "Book"))
		*k = OLE_XLS;
	else if (mk_cfb_child(root, "PowerPoint Document"))
		*k = OLE_PPT;
	else {
		mk_error_set(err, MK_ERR_DATA, "ole: not a Word, Excel or PowerPoint file");
		return MK_ERR_DATA;
	}
	return 0;
}

/* Drops the root entries KIND does not need, counted in COUNTS. */
static void prune(mk_cfb_entry *root, ole_kind k, GHashTable *counts)
{
	for (guint i = root->kids->len; i-- > 0;) {
		mk_cfb_entry *e = g_ptr_array_index(root->kids, i);
		const char *why = verdict(k, e);
		if (why) {
			if (*why)
				mk_ole_count(counts, why, 1);
			g_ptr_array_remove_index(root->kids, i);
		}
	}
}

/* PowerPoint: any ExOleObjStg record (embedded object or VBA project)
 * in the document stream fails the document. */
static int ppt_check(const mk_cfb_entry *root, mk_error *err)
{
	const mk_cfb_entry *d = mk_cfb_child(root, "PowerPoint Document");
	gsize len = 0;
	const guint8 *p = d && d->data ? g_bytes_get_data(d->data, &len) : NULL;

	for (gsize off = 0; p && off + 8 <= len;) {
		guint16 ver = p[off] & 0x0F, type = (guint16)(p[off + 2] | p[off + 3] << 8);
		guint32 rlen = (guint32)p[off + 4] | (guint32)p[off + 5] << 8 |
		               (guint32)p[off + 6] << 16 | (guint32)p[off + 7] << 24;
		if (type == 0x1011) {
			mk_error_set(err, MK_ERR_DATA, "ole: PowerPoint with an embedded "
			             "object or VBA project (not rebuilt)");
			return MK_ERR_DATA;
		}
		if (type == 0x2F14) {   /* CryptSession10Container */
			mk_error_set(err, MK_ERR_DATA, "ole: encrypted (password required)");
			return MK_ERR_DATA;
		}
		off += 8 + (ver == 0x0F ? 0 : (gsize)rlen);   /* into containers */
	}
	return 0;
}

static int word(mk_cfb_entry *root, GHashTable *counts, mk_error *err)
{
	mk_cfb_entry *w = mk_cfb_child(root, "WordDocument");
	mk_cfb_entry *t0 = mk_cfb_child(root, "0Table"), *t1 = mk_cfb_child(root, "1Table");
	GBytes *no0 = NULL, *no1 = NULL;

	if (w->type != MK_CFB_STREAM || (t0 && t0->type != MK_CFB_STREAM) ||
	    (t1 && t1->type != MK_CFB_STREAM)) {
		mk_error_set(err, MK_ERR_DATA, "ole: Word streams are storages");
		return MK_ERR_DATA;
	}
	return mk_ole_word(&w->data, t0 ? &t0->data : &no0, t1 ? &t1->data : &no1,
	                   counts, err);
}

static int xls(mk_cfb_entry *root, GHashTable *counts, mk_error *err)
{
	mk_cfb_entry *b = mk_cfb_child(root, "Workbook");

	if (b == NULL)
		b = mk_cfb_child(root, "Book");
	if (b->type != MK_CFB_STREAM) {
		mk_error_set(err, MK_ERR_DATA, "ole: the workbook is a storage");
		return MK_ERR_DATA;
	}
	return mk_ole_xls(&b->data, counts, err);
}

static void add_notes(GHashTable *counts, GPtrArray *notes)
{
	GList *keys = g_list_sort(g_hash_table_get_keys(counts), (GCompareFunc)strcmp);

	for (GList *l = keys; l; l = l->next) {
		const char *what = l->data;
		int n = GPOINTER_TO_INT(g_hash_table_lookup(counts, what));
		bool done = g_str_has_prefix(what, "neutralized ");
		g_ptr_array_add(notes, done ? g_strdup_printf("%s: %d", what, n)
		                            : g_strdup_printf("removed %d %s(s)", n, what));
	}
	g_list_free(keys);
}

static int ole_run(GBytes *in, const mk_wopts *o, GBytes **out,
                   char **out_type, GPtrArray *notes, mk_error *err)
{
	static const char *const types[] = { "application/msword",
		"application/vnd.ms-excel", "application/vnd.ms-powerpoint" };
	GHashTable *counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	mk_cfb_entry *root = mk_cfb_read(in, err);
	ole_kind k = OLE_WORD;
	int rc = MK_ERR_DATA;

	*out = NULL;
	if (root == NULL || (rc = find_kind(root, &k, err)) < 0)
		goto out;
	prune(root, k, counts);
	rc = k == OLE_WORD ? word(root, counts, err)
	   : k == OLE_XLS ? xls(root, counts, err) : ppt_check(root, err);
	if (rc < 0)
		goto out;
	if ((*out = mk_cfb_write(root, (gsize)o->max_output, err)) == NULL) {
		rc = err && err->code ? err->code : MK_ERR_SOFTWARE;
		goto out;
	}
	add_notes(counts, notes);
	*out_type = g_strdup(types[k]);
	rc = 0;
out:
	mk_cfb_free(&root);
	g_hash_table_destroy(counts);
	return rc;
}

const mk_wfilter mk_wfilter_ole = { "ole", ole_run };
