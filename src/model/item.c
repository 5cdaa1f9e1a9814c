/*
 * NAME
 *   item - the item tree (see item.h)
 *
 * OWNS
 *   every node below a root, their strings, data and findings.
 */
#include "item.h"

#include <stdarg.h>

#include "util.h"

static void
finding_free(gpointer p)
{
	mk_finding *f = p;

	g_free(f->detail);
	g_free(f);
}

static void
node_free_cb(gpointer p)
{
	mk_node *n = p;

	mk_node_free(&n);
}

mk_node *
mk_node_new(mk_node_kind kind, mk_node *parent)
{
	mk_node *n = g_new0(mk_node, 1);

	n->kind = kind;
	n->children = g_ptr_array_new_with_free_func(node_free_cb);
	n->findings = g_ptr_array_new_with_free_func(finding_free);
	n->notes = g_ptr_array_new_with_free_func(g_free);
	if (parent != NULL) {
		n->parent = parent;
		g_ptr_array_add(parent->children, n);
		n->path = g_strdup_printf("%s.%u", parent->path, parent->children->len);
		n->depth = parent->depth + 1;
		n->archive_depth = parent->archive_depth +
		                   (kind == MK_NODE_MEMBER ? 1 : 0);
	} else {
		n->path = g_strdup("1");
	}
	return n;
}

void
mk_node_free(mk_node **np)
{
	mk_node *n;

	if (np == NULL || *np == NULL)
		return;
	n = *np;
	*np = NULL;
	g_ptr_array_unref(n->children);
	g_ptr_array_unref(n->findings);
	g_ptr_array_unref(n->notes);
	if (n->data != NULL)
		g_bytes_unref(n->data);
	if (n->out != NULL)
		g_bytes_unref(n->out);
	if (n->mime != NULL)
		g_object_unref(n->mime);
	g_free(n->path);
	g_free(n->declared_name);
	g_free(n->declared_type);
	g_free(n->charset);
	g_free(n->disposition);
	g_free(n->content_id);
	g_free(n->subtype);
	g_free(n->true_type);
	g_free(n->magic);
	g_free(n->rule);
	g_free(n->filter);
	g_free(n->filter_result);
	g_free(n->out_type);
	g_free(n->out_name);
	g_free(n->text);
	g_free(n);
}

void
mk_node_set_data(mk_node *n, GBytes *bytes)
{
	gsize len = 0;
	const void *p;

	if (n->data != NULL)
		g_bytes_unref(n->data);
	n->data = bytes ? g_bytes_ref(bytes) : NULL;
	if (bytes == NULL) {
		n->size = 0;
		n->sha256[0] = '\0';
		return;
	}
	p = g_bytes_get_data(bytes, &len);
	n->size = (gint64)len;
	mk_sha256_hex(p ? p : "", len, n->sha256);
}

void
mk_node_add_finding(mk_node *n, mk_finding_code code, const char *fmt, ...)
{
	mk_finding *f = g_new0(mk_finding, 1);
	va_list ap;

	f->code = code;
	if (fmt != NULL) {
		va_start(ap, fmt);
		f->detail = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		if (!g_utf8_validate(f->detail, -1, NULL)) {
			char *v = g_utf8_make_valid(f->detail, -1);
			g_free(f->detail);
			f->detail = v;
		}
	}
	g_ptr_array_add(n->findings, f);
}

bool
mk_node_has_finding(const mk_node *n, mk_finding_code code)
{
	for (guint i = 0; i < n->findings->len; i++)
		if (((mk_finding *)g_ptr_array_index(n->findings, i))->code == code)
			return true;
	return false;
}

static bool
walk(mk_node *n, mk_node_fn fn, void *user)
{
	if (!fn(n, user))
		return false;
	for (guint i = 0; i < n->children->len; i++)
		if (!walk(g_ptr_array_index(n->children, i), fn, user))
			return false;
	return true;
}

void
mk_node_walk(mk_node *root, mk_node_fn fn, void *user)
{
	if (root != NULL)
		walk(root, fn, user);
}

guint
mk_node_count(const mk_node *root)
{
	guint c = 1;

	for (guint i = 0; i < root->children->len; i++)
		c += mk_node_count(g_ptr_array_index(root->children, i));
	return c;
}

mk_verdict
mk_verdict_for_action(mk_action a, bool sanitized_ok)
{
	switch (a) {
	case MK_ACT_NONE:
	case MK_ACT_ALLOW:
		return MK_V_PASS;
	case MK_ACT_SANITIZE:
		return sanitized_ok ? MK_V_CLEANED : MK_V_STRIPPED;
	case MK_ACT_STRIP:
		return MK_V_STRIPPED;
	case MK_ACT_QUARANTINE:
		return MK_V_QUARANTINED;
	case MK_ACT_REJECT:
		return MK_V_REJECTED;
	}
	return MK_V_QUARANTINED;
}

const char *
mk_verdict_name(mk_verdict v)
{
	static const char *const names[] = { "pass", "cleaned", "stripped",
		"quarantined", "rejected", "tempfail" };

	return (unsigned)v < G_N_ELEMENTS(names) ? names[v] : "invalid";
}

const char *
mk_node_kind_name(mk_node_kind k)
{
	static const char *const names[] = { "file", "message", "multipart",
		"part", "member", "embedded" };

	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "invalid";
}

const char *
mk_role_name(mk_role r)
{
	static const char *const names[] = { "none", "body", "alternative",
		"attachment", "inline" };

	return (unsigned)r < G_N_ELEMENTS(names) ? names[r] : "invalid";
}

void
mk_set_str(char **slot, const char *s)
{
	g_free(*slot);
	*slot = s ? g_strdup(s) : NULL;
}
