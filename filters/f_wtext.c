/*
 * NAME
 *   f_wtext - the engine side of the worker's "text" run (see f_wtext.h)
 *
 * NEVER
 *   Decodes, renders or parses a body or text part in this process.
 */
#include "f_wtext.h"

#include <string.h>

#include "log.h"
#include "policy.h"
#include "registry.h"
#include "textwire.h"
#include "worker/wclient.h"

bool
mk_wtext_is_body(const mk_node *n)
{
	return n->role == MK_ROLE_BODY && g_strcmp0(n->rule, "body") == 0;
}

const char *
mk_wtext_op(const mk_node *n)
{
	const mk_filter *f;

	if (mk_wtext_is_body(n))
		return "body";
	f = mk_filter_find(n->true_type);
	return f != NULL && f->run == mk_wtext_filter ? f->name : NULL;
}

/* A failed run as a verdict on every node. */
static void
all_failed(const mk_config *cfg, GPtrArray *nodes, int rc, const mk_error *werr,
           int *rcs, mk_error *errs)
{
	mk_finding_code code = MK_F_WORKER_CRASH;

	if (rc == MK_ERR_LIMIT)
		code = strstr(werr->msg, "timeout") ? MK_F_WORKER_TIMEOUT : MK_F_LIMIT;
	for (guint i = 0; i < nodes->len; i++) {
		mk_node *n = g_ptr_array_index(nodes, i);

		if (rc != MK_ERR_CONFIG && rc != MK_ERR_OS) {
			mk_node_add_finding(n, code, "%s", werr->msg);
			mk_policy_raise(cfg, n, code);
		}
		mk_log(MK_LOG_WARNING, n->path, "text: %s", werr->msg);
		rcs[i] = rc < 0 ? rc : MK_ERR_SOFTWARE;
		errs[i] = *werr;
	}
}

static void
take_str(char **slot, char **from)
{
	g_free(*slot);
	*slot = g_steal_pointer(from);
}

static void
apply(const mk_config *cfg, mk_node *n, bool body, mk_twire_res *res, int *rc,
      mk_error *err)
{
	mk_node *r = res->r;
	gsize len = 0;
	gpointer *v = g_ptr_array_steal(r->findings, &len);

	for (gsize i = 0; i < len; i++) {
		mk_finding *f = v[i];

		g_ptr_array_add(n->findings, f);
		if (body && (f->code == MK_F_LIMIT || f->code == MK_F_FILTER_FAILED))
			mk_policy_raise(cfg, n, f->code);
	}
	g_free(v);
	for (guint i = 0; i < r->notes->len; i++)
		g_ptr_array_add(n->notes, g_strdup(g_ptr_array_index(r->notes, i)));
	*rc = 0;
	if (body) {
		take_str(&n->text, &r->text);
		if (r->filter != NULL)
			take_str(&n->filter, &r->filter);
		if (n->text != NULL)
			mk_set_str(&n->filter_result, "ok");
		return;
	}
	if (!res->ok || r->out == NULL) {
		*rc = res->rc < 0 ? res->rc : MK_ERR_DATA;
		mk_error_set(err, *rc, "%s", res->msg ? res->msg : "no output");
		return;
	}
	if (n->out != NULL)
		g_bytes_unref(n->out);
	n->out = g_steal_pointer(&r->out);
	take_str(&n->out_type, &r->out_type);
	take_str(&n->out_name, &r->out_name);
	take_str(&n->text, &r->text);
}

void
mk_wtext_run(const mk_config *cfg, GPtrArray *nodes, const char *const *ops,
             int *rcs, mk_error *errs)
{
	mk_wcall c = { cfg->worker.timeout_ms, cfg->worker.max_output, NULL };
	GBytes *in = NULL, *out = NULL;
	mk_twire_res *res = NULL;
	mk_error werr = { 0 };
	char *type = NULL;
	int rc;

	if (nodes->len == 0)
		goto out;
	in = mk_twire_req_encode(cfg, nodes, ops);
	rc = mk_worker_call(cfg, "text", &c, in, &out, &type, NULL, &werr);
	if (rc == 0 && strcmp(type, MK_TWIRE_TYPE) != 0) {
		mk_error_set(&werr, MK_ERR_SOFTWARE, "text: answer of type %s", type);
		rc = MK_ERR_SOFTWARE;
	}
	if (rc == 0 && (res = mk_twire_resp_decode(out, nodes->len, &werr)) == NULL)
		rc = MK_ERR_SOFTWARE;
	if (rc < 0) {
		all_failed(cfg, nodes, rc, &werr, rcs, errs);
		goto out;
	}
	for (guint i = 0; i < nodes->len; i++)
		apply(cfg, g_ptr_array_index(nodes, i), g_strcmp0(ops[i], "body") == 0,
		      &res[i], &rcs[i], &errs[i]);
out:
	mk_twire_res_free(res, nodes->len);
	g_free(type);
	if (out != NULL)
		g_bytes_unref(out);
	if (in != NULL)
		g_bytes_unref(in);
}

int
mk_wtext_filter(const mk_config *cfg, mk_node *n, mk_error *err)
{
	GPtrArray *one = g_ptr_array_new();
	const char *op = mk_wtext_op(n);
	int rc = 0;

	g_ptr_array_add(one, n);
	mk_wtext_run(cfg, one, &op, &rc, err);
	g_ptr_array_unref(one);
	return rc;
}
