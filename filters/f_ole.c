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
	"\001CompObj", "\005SummaryInformation", NULL,
};
static const char *const keep_word[] = { "WordDocument", "0Table", "1Table", "Data", NULL };
static const char *const keep_xls[] = { "Workbook", "Book", "_SX_DB_CUR", "_SX_DB", NULL };
static const char *const keep_ppt[] = {
	"PowerPoint Document", "Current User", "Pictures", NULL,
};
static const char *const macro_names[] = {
	"Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT", NULL,
};

static bool listed(const char *const *l, const char *name)
{
	for (; *l; l++)
		if (g_ascii_strcasecmp(*l, name) == 0)
			return true;
	return false;
}

/* Why root entry E goes (a note code, or -1: silently), or MK_FN_N to
 * keep it. */
static int verdict(ole_kind k, const mk_cfb_entry *e)
{
	const char *const *keep = k == OLE_WORD ? keep_word : k == OLE_XLS ? keep_xls : keep_ppt;

	if (listed(keep_any, e->name) || listed(keep, e->name))
		return MK_FN_N;
	if (strcmp(e->name, "\005DocumentSummaryInformation") == 0)
		return -1;   /* metadata, and a copy of every link (_PID_HLINKS) */
	if (listed(macro_names, e->name))
		return MK_FN_VBA;
	if (g_ascii_strcasecmp(e->name, "ObjectPool") == 0 ||
	    g_ascii_strncasecmp(e->name, "MBD", 3) == 0 ||
	    strstr(e->name, "Ole10Native") || g_ascii_strcasecmp(e->name, "Package") == 0)
		return MK_FN_OBJECT;
	if (strcmp(e->name, "\001Ole") == 0)   /* 20 bytes: no moniker, no link */
		return e->data && g_bytes_get_size(e->data) <= 20 ? -1 : MK_FN_OLE_LINK;
	return MK_FN_OTHER;
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
static void prune(mk_cfb_entry *root, ole_kind k, int *counts)
{
	for (guint i = root->kids->len; i-- > 0;) {
		mk_cfb_entry *e = g_ptr_array_index(root->kids, i);
		int why = verdict(k, e);
		if (why != MK_FN_N) {
			if (why >= 0)
				counts[why]++;
			g_ptr_array_remove_index(root->kids, i);
		}
	}
}

static int ppt(mk_cfb_entry *root, int *counts, mk_error *err)
{
	mk_cfb_entry *d = mk_cfb_child(root, "PowerPoint Document");

	if (d->type != MK_CFB_STREAM) {
		mk_error_set(err, MK_ERR_DATA, "ole: the PowerPoint document is a storage");
		return MK_ERR_DATA;
	}
	return mk_ole_ppt(&d->data, counts, err);
}

static int word(mk_cfb_entry *root, int *counts, mk_error *err)
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

static int xls(mk_cfb_entry *root, int *counts, mk_error *err)
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

static void add_notes(const int *counts, GPtrArray *notes)
{
	for (int c = 0; c < MK_FN_N; c++)
		mk_fnote_add(notes, (mk_fnote_code)c, counts[c]);
}

static int ole_run(GBytes *in, const mk_wopts *o, GBytes **out,
                   char **out_type, GPtrArray *notes, mk_error *err)
{
	static const char *const types[] = { "application/msword",
		"application/vnd.ms-excel", "application/vnd.ms-powerpoint" };
	int counts[MK_FN_N] = { 0 };
	mk_cfb_entry *root = mk_cfb_read(in, err);
	ole_kind k = OLE_WORD;
	int rc = MK_ERR_DATA;

	*out = NULL;
	if (root == NULL || (rc = find_kind(root, &k, err)) < 0)
		goto out;
	prune(root, k, counts);
	rc = k == OLE_WORD ? word(root, counts, err)
	   : k == OLE_XLS ? xls(root, counts, err) : ppt(root, counts, err);
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
	return rc;
}

const mk_wfilter mk_wfilter_ole = { "ole", ole_run };
