/*
 * NAME
 *   report - the JSON report of one item (see report.h)
 */
#include "report.h"

#include "config.h"
#include "json.h"

static void
node_json(mk_json *j, const mk_node *n)
{
	mk_json_begin_object(j, NULL);
	mk_json_string(j, "path", n->path);
	mk_json_string(j, "kind", mk_node_kind_name(n->kind));
	mk_json_string(j, "role", mk_role_name(n->role));
	mk_json_int(j, "depth", n->depth);
	mk_json_string(j, "declared_name", n->declared_name);
	mk_json_string(j, "declared_type", n->declared_type);
	mk_json_string(j, "true_type", n->true_type);
	mk_json_string(j, "magic", n->magic);
	mk_json_int(j, "size", n->size);
	mk_json_string(j, "sha256", n->sha256[0] ? n->sha256 : NULL);
	mk_json_begin_array(j, "findings");
	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		mk_json_begin_object(j, NULL);
		mk_json_string(j, "code", mk_finding_name(f->code));
		mk_json_string(j, "detail", f->detail);
		mk_json_end_object(j);
	}
	mk_json_end_array(j);
	mk_json_string(j, "action", mk_action_name(n->action));
	mk_json_string(j, "rule", n->rule);
	mk_json_string(j, "filter", n->filter);
	mk_json_string(j, "filter_result", n->filter_result);
	mk_json_begin_array(j, "notes");
	for (guint i = 0; i < n->notes->len; i++)
		mk_json_string(j, NULL, g_ptr_array_index(n->notes, i));
	mk_json_end_array(j);
	mk_json_end_object(j);
	for (guint i = 0; i < n->children->len; i++)
		node_json(j, g_ptr_array_index(n->children, i));
}

char *
mk_report_json(const mk_report_in *in)
{
	mk_json *j = mk_json_new(true);
	GDateTime *now = g_date_time_new_now_utc();
	char *created = g_date_time_format_iso8601(now);

	mk_json_begin_object(j, NULL);
	mk_json_string(j, "id", in->id);
	mk_json_int(j, "version", 1);
	mk_json_string(j, "created", created);
	mk_json_string(j, "channel", in->channel);
	mk_json_string(j, "verdict", mk_verdict_name(in->verdict));
	mk_json_string(j, "quarantine_id", in->stored ? in->id : NULL);
	mk_json_string(j, "reason", in->reason);
	mk_json_string(j, "actions", in->actions);
	mk_json_int(j, "elapsed_ms", in->elapsed_ms);
	mk_json_string(j, "scanner", in->scanner);
	mk_json_begin_array(j, "nodes");
	if (in->root != NULL)
		node_json(j, in->root);
	mk_json_end_array(j);
	mk_json_end_object(j);
	g_free(created);
	g_date_time_unref(now);
	return mk_json_finish(&j);
}

static void
collect_findings(const mk_node *n, GPtrArray *names)
{
	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		const char *name = mk_finding_name(f->code);
		if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL))
			g_ptr_array_add(names, (gpointer)name);
	}
	for (guint i = 0; i < n->children->len; i++)
		collect_findings(g_ptr_array_index(n->children, i), names);
}

char *
mk_report_findings(const mk_node *root)
{
	GPtrArray *names = g_ptr_array_new();

	collect_findings(root, names);
	g_ptr_array_add(names, NULL);
	char *s = g_strjoinv(",", (char **)names->pdata);
	g_ptr_array_unref(names);
	return s;
}
