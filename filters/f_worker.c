/*
 * NAME
 *   f_worker - registry run function of the worker filters (see f_worker.h)
 *
 * DESCRIPTION
 *   On success the worker's notes are logged and appended to n->notes
 *   (they go to the report; a structured link_mismatch note, fnote.h,
 *   also becomes that finding); on failure nothing of the node changes.
 *
 * NEVER
 *   Decodes hostile bytes in this process.
 */
#include "f_worker.h"

#include <string.h>

#include "fnote.h"
#include "log.h"
#include "registry.h"
#include "worker/wclient.h"

/* Output type -> extensions that already name it (first one is used). */
static const struct { const char *type; const char *ext[3]; } type_exts[] = {
	{ "image/png", { "png" } },
	{ "image/jpeg", { "jpg", "jpeg", "jpe" } },
	{ "application/pdf", { "pdf" } },
	{ "application/rtf", { "rtf" } },
	{ "text/rtf", { "rtf" } },
	{ "application/zip", { "zip" } },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  { "docx" } },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  { "xlsx" } },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	  { "pptx" } },
};

char *
mk_worker_out_name(const char *declared, const char *out_type)
{
	const char *dot = declared ? strrchr(declared, '.') : NULL;
	const char *slash = declared ? strrchr(declared, '/') : NULL;
	const char *const *exts = NULL;
	gsize stem;

	for (gsize i = 0; i < G_N_ELEMENTS(type_exts) && exts == NULL; i++)
		if (g_strcmp0(type_exts[i].type, out_type) == 0)
			exts = type_exts[i].ext;
	if (declared == NULL || *declared == '\0')
		return g_strconcat("attachment.", exts ? exts[0] : "bin", NULL);
	if (dot == NULL || dot == declared || (slash && dot < slash))
		dot = declared + strlen(declared);
	if (exts == NULL)
		return g_strdup(declared);
	for (int i = 0; i < 3 && exts[i]; i++)
		if (*dot && g_ascii_strcasecmp(dot + 1, exts[i]) == 0)
			return g_strdup(declared);
	stem = (gsize)(dot - declared);
	return g_strdup_printf("%.*s.%s", (int)stem, declared, exts[0]);
}

void
mk_worker_apply_notes(mk_node *n, const char *filter, const GPtrArray *notes)
{
	for (guint i = 0; notes != NULL && i < notes->len; i++) {
		mk_log(MK_LOG_INFO, n->path, "%s: %s", filter,
		       (char *)g_ptr_array_index(notes, i));
		g_ptr_array_add(n->notes, g_strdup(g_ptr_array_index(notes, i)));
		mk_fnote_code code;
		int count;
		if (mk_fnote_parse(g_ptr_array_index(notes, i), &code, &count) &&
		    code == MK_FN_LINK_MISMATCH)
			mk_node_add_finding(n, MK_F_LINK_MISMATCH, "%d link(s) whose shown "
			                    "text names another target", count);
	}
}

int
mk_worker_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	const mk_filter *f = mk_filter_find(n->true_type);
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	GBytes *out = NULL;
	char *type = NULL;
	int rc;

	if (f == NULL || n->data == NULL) {
		mk_error_set(err, MK_ERR_SOFTWARE, "no worker filter for %s",
		             n->true_type ? n->true_type : "(no type)");
		rc = MK_ERR_SOFTWARE;
		goto out;
	}
	rc = mk_worker_run(cfg, f->name, n->data, &out, &type, notes, err);
	if (rc < 0)
		goto out;
	mk_worker_apply_notes(n, f->name, notes);
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = out;
	out = NULL;
	g_free(n->out_type);
	n->out_type = g_steal_pointer(&type);
	g_free(n->out_name);
	n->out_name = mk_worker_out_name(n->declared_name, n->out_type);
out:
	if (out != NULL)
		g_bytes_unref(out);
	g_free(type);
	g_ptr_array_unref(notes);
	return rc;
}
