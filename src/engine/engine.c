/*
 * NAME
 *   engine - the pipeline: parse, classify, scan, decide, sanitize,
 *   rebuild, report, store (see engine.h)
 *
 * OWNS
 *   the scanner (shared read-only by all threads) and its store port.
 *
 * NEVER
 *   Never opens the quarantine store: originals and exceptions pass
 *   through the port only.
 *
 * FAILURE
 *   Every internal failure ends in TEMPFAIL with a reason and no output.
 */
#include "engine.h"

#include <string.h>

#include "body.h"
#include "expand.h"
#include "f_clamav.h"
#include "hdrtext.h"
#include "log.h"
#include "mime.h"
#include "notice.h"
#include "policy.h"
#include "rebuild.h"
#include "report.h"
#include "scanstep.h"
#include "sniff.h"
#include "util.h"

struct mk_engine {
	mk_config *cfg;
	mk_scanner *scanner;       /* NULL when the database did not load */
	char *scanner_error;
	mk_engine_port *port;      /* NULL: nothing can be stored */
	mk_sancache *cache;        /* sandboxed runs by bytes (sancache.h) */
};

/* The exception for SENDER as a policy input in *PE (pattern copied to
 * *PAT, caller frees); false when none applies or there is no port. */
static bool
match_exception(mk_engine *e, const char *sender, mk_policy_exc *pe, char **pat)
{
	if (e->port == NULL || e->port->exception == NULL)
		return false;
	return e->port->exception(e->port->ctx, sender,
	                          g_get_real_time() / G_USEC_PER_SEC, pe, pat);
}

mk_engine *
mk_engine_new(mk_config *cfg, mk_engine_port *port, mk_error *err)
{
	mk_engine *e = g_new0(mk_engine, 1);
	mk_error serr = { 0 };

	mk_mime_init();
	e->cfg = mk_config_ref(cfg);
	e->port = port;
	e->scanner = mk_scanner_new(cfg, &serr);
	if (e->scanner == NULL) {
		e->scanner_error = g_strdup(serr.msg);
		mk_log(MK_LOG_ERROR, NULL, "virus scanner not ready: %s", serr.msg);
	}
	/* one cache per engine: its configuration and database only; a
	 * reload makes a new engine, so a new, empty cache */
	if (e->scanner != NULL && cfg->worker.cache_size > 0) {
		char digest[65];

		mk_sancache_config_digest(cfg, digest);
		e->cache = mk_sancache_new((gsize)cfg->worker.cache_size, digest,
		                           mk_scanner_db_version(e->scanner));
	}
	(void)err;
	return e;
}

void
mk_engine_free(mk_engine **ep)
{
	mk_engine *e;

	if (ep == NULL || *ep == NULL)
		return;
	e = *ep;
	*ep = NULL;
	mk_sancache_free(&e->cache);
	mk_scanner_free(&e->scanner);
	if (e->port != NULL && e->port->free != NULL)
		e->port->free(e->port->ctx);
	g_free(e->port);
	mk_config_unref(&e->cfg);
	g_free(e->scanner_error);
	g_free(e);
}

const mk_config *
mk_engine_config(const mk_engine *e)
{
	return e->cfg;
}

mk_sancache *
mk_engine_cache(mk_engine *e)
{
	return e->cache;
}

int
mk_engine_ready(mk_engine *e, mk_error *err)
{
	if (e->scanner == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "virus scanner not ready: %s",
		             e->scanner_error ? e->scanner_error : "not loaded");
		return MK_ERR_TEMP;
	}
	return mk_scanner_fresh(e->scanner, err);
}

void
mk_result_free(mk_result **rp)
{
	mk_result *r;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	*rp = NULL;
	mk_node_free(&r->root);
	if (r->output != NULL)
		g_bytes_unref(r->output);
	g_free(r->id);
	g_free(r->output_name);
	g_free(r->actions);
	g_free(r->reason);
	g_free(r->report_json);
	g_free(r);
}

/* --- helpers ------------------------------------------------------------ */

typedef struct counts {
	int stripped, sanitized, html, held;
} counts;

static void
count_walk(const mk_node *n, counts *c)
{
	bool leaf = n->kind != MK_NODE_MESSAGE && n->kind != MK_NODE_MULTIPART;

	if (g_strcmp0(n->filter, "html2text") == 0 && n->role == MK_ROLE_BODY)
		c->html++;
	if (leaf && n->role != MK_ROLE_ALTERNATIVE && !mk_policy_is_unwrapped(n)) {
		if (n->action == MK_ACT_STRIP) {
			c->stripped++;
			return;
		}
		if (n->action == MK_ACT_SANITIZE && n->out != NULL)
			c->sanitized++;
		if (n->children->len > 0 && n->action != MK_ACT_SANITIZE)
			return;
	}
	for (guint i = 0; i < n->children->len; i++)
		count_walk(g_ptr_array_index(n->children, i), c);
}

static char *
actions_text(const mk_node *root, mk_verdict v)
{
	counts c = { 0 };
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

	count_walk(root, &c);
	if (c.html > 0)
		g_ptr_array_add(a, g_strdup("html2text"));
	if (c.sanitized > 0)
		g_ptr_array_add(a, g_strdup_printf("sanitize=%d", c.sanitized));
	if (c.stripped > 0)
		g_ptr_array_add(a, g_strdup_printf("strip=%d", c.stripped));
	if (v >= MK_V_QUARANTINED)
		g_ptr_array_add(a, g_strdup(v == MK_V_QUARANTINED ? "quarantine" :
		                            v == MK_V_REJECTED ? "reject" : "tempfail"));
	if (a->len == 0)
		g_ptr_array_add(a, g_strdup("none"));
	g_ptr_array_add(a, NULL);
	char *s = g_strjoinv(",", (char **)a->pdata);
	g_ptr_array_unref(a);
	return s;
}

typedef struct why {
	const mk_node *node;          /* highest action, first in tree order */
	const mk_finding *scan_error; /* first scanner failure */
} why;

static bool
why_walk(mk_node *n, void *user)
{
	why *w = user;

	if (w->node == NULL || n->action > w->node->action)
		w->node = n;
	for (guint i = 0; i < n->findings->len && w->scan_error == NULL; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		if (f->code == MK_F_SCAN_ERROR)
			w->scan_error = f;
	}
	return true;
}

/* One line saying why the item got its verdict. Caller frees. */
static char *
reason_text(mk_node *root, mk_verdict v)
{
	why w = { 0 };
	const mk_node *n;

	mk_node_walk(root, why_walk, &w);
	if (v == MK_V_TEMPFAIL && w.scan_error != NULL)
		return g_strdup_printf("scan_error: %s", w.scan_error->detail);
	n = w.node;
	if (n == NULL || n->rule == NULL)
		return g_strdup(mk_verdict_name(v));
	if (g_str_has_prefix(n->rule, "finding:")) {
		int code = mk_finding_parse(n->rule + strlen("finding:"));
		for (guint i = 0; i < n->findings->len; i++) {
			const mk_finding *f = g_ptr_array_index(n->findings, i);
			if ((int)f->code == code)
				return g_strdup_printf("%s: %s", mk_finding_name(f->code),
				                       f->detail ? f->detail : n->path);
		}
	}
	return g_strdup_printf("%s %s (%s) at %s", mk_action_name(n->action),
	                       n->true_type ? n->true_type : "container", n->rule,
	                       n->path);
}

/* --- pipeline ------------------------------------------------------------ */

static mk_node *
parse_item(mk_ctx *ctx, const mk_input *in, bool mail, mk_error *err)
{
	mk_node *root;

	if (mail)
		return mk_mime_parse(ctx, in->data, err);
	root = mk_node_new(MK_NODE_FILE, NULL);
	root->role = MK_ROLE_ATTACHMENT;
	if (in->name != NULL) {   /* a drop folder name may be raw CP932 */
		char *u = mk_hdr_name_utf8(in->name);
		mk_set_str(&root->declared_name, u);
		g_free(u);
	}
	mk_node_set_data(root, in->data);
	return root;
}

static void
check_size(const mk_config *cfg, mk_node *root, bool mail)
{
	gint64 max = mail ? cfg->limits.max_message_size : cfg->limits.max_file_size;
	gint64 len = (gint64)g_bytes_get_size(root->data ? root->data : NULL);

	if (root->data != NULL && len > max)
		mk_node_add_finding(root, MK_F_LIMIT, "%" G_GINT64_FORMAT " bytes over "
		                    "limits.max_%s_size (%" G_GINT64_FORMAT ")", len,
		                    mail ? "message" : "file", max);
}

/* What is kept about R beside its original; *findings and *subject are
 * new (caller frees).  The subject is decoded with the header charset
 * rules (mk_hdr_decode: CP932 for Shift_JIS ...), as the forwarded one. */
static mk_qmeta
item_meta(const mk_input *in, const mk_result *r, char **findings, char **subject)
{
	const mk_node *root = r->root;

	*subject = NULL;
	if (root->mime != NULL && GMIME_IS_MESSAGE(root->mime))
		*subject = mk_hdr_obj_decode(root->mime, "Subject");
	*findings = mk_report_findings(root);
	return (mk_qmeta){
		.id = r->id, .channel = r->is_mail ? "mail" : "file",
		.sender = in->sender, .recipients = in->recipients,
		.subject = r->is_mail ? *subject : in->name, .verdict = r->verdict,
		.findings = *findings, .report_json = r->report_json,
		.received = g_get_real_time() / G_USEC_PER_SEC,
	};
}

static int
store_original(mk_engine *e, const mk_input *in, mk_result *r, mk_error *err)
{
	char *findings = NULL, *subject = NULL;
	mk_qmeta m;
	int rc;

	if (e->port == NULL || e->port->put == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "no quarantine store");
		return MK_ERR_TEMP;
	}
	m = item_meta(in, r, &findings, &subject);
	rc = e->port->put(e->port->ctx, &m, in->data, err);
	g_free(subject);
	g_free(findings);
	return rc;
}

/* Count the finished item (stats.h): final verdicts only. */
static void
note_item(mk_engine *e, const mk_input *in, mk_result *r)
{
	char *findings = NULL, *subject = NULL;
	mk_qmeta m;

	if (in->no_store || r->verdict == MK_V_TEMPFAIL || e->port == NULL ||
	    e->port->note == NULL)
		return;
	m = item_meta(in, r, &findings, &subject);
	e->port->note(e->port->ctx, &m, (gint64)g_bytes_get_size(in->data), r->stored);
	g_free(subject);
	g_free(findings);
}

static bool
wants_store(const mk_engine *e, const mk_input *in, mk_verdict v)
{
	if (in->no_store || v == MK_V_PASS || v == MK_V_TEMPFAIL)
		return false;
	return v != MK_V_CLEANED || e->cfg->quarantine.store_cleaned;
}

/* A file that is a mail (.eml): its message node, else NULL. */
static mk_node *
file_message(mk_node *root)
{
	mk_node *c;

	if (root->kind == MK_NODE_MESSAGE)
		return root;
	if (root->children->len != 1)
		return NULL;
	c = g_ptr_array_index(root->children, 0);
	return c->kind == MK_NODE_MESSAGE ? c : NULL;
}

/* File channel: what goes on is the file itself, but only when nothing in
 * it was changed (pass); its filter output; or, for a mail file, the mail
 * rebuilt from its parts like the mail channel's (returned:
 * decide_output() rebuilds it).  A mail file is rebuilt even when nothing
 * in it was changed: its bytes are what our MIME reader made of them, and
 * another reader may make something else of the same bytes (ambiguous
 * MIME).  An allowed container with changed members is never forwarded as
 * its original bytes: that would carry the stripped members on. */
static mk_node *
file_output(mk_result *r)
{
	mk_node *root = r->root, *msg = NULL;

	if (root->action == MK_ACT_ALLOW && r->verdict <= MK_V_STRIPPED &&
	    file_message(root) != NULL)
		msg = file_message(root);
	else if (root->action == MK_ACT_ALLOW && r->verdict == MK_V_PASS)
		r->output = g_bytes_ref(root->data);
	else if (root->action == MK_ACT_ALLOW && r->verdict <= MK_V_STRIPPED)
		msg = file_message(root);
	else if (root->action == MK_ACT_SANITIZE && root->out != NULL) {
		r->output = g_bytes_ref(root->out);
		r->output_name = g_strdup(root->out_name);
	}
	if (r->output == NULL && msg == NULL && r->verdict < MK_V_QUARANTINED)
		r->verdict = MK_V_QUARANTINED;   /* nothing to forward: hold it */
	return msg;
}

static void
make_report(mk_engine *e, mk_result *r)
{
	mk_report_in ri = {
		.id = r->id, .channel = r->is_mail ? "mail" : "file",
		.verdict = r->verdict, .stored = r->stored, .reason = r->reason,
		.actions = r->actions, .elapsed_ms = r->elapsed_ms,
		.scanner = e->scanner ? mk_scanner_describe(e->scanner) : NULL,
		.root = r->root,
	};
	g_free(r->report_json);
	r->report_json = mk_report_json(&ri);
}

static void
mail_output(mk_engine *e, const mk_input *in, mk_result *r, mk_node *msg,
            mk_error *err)
{
	char *notice;

	if (r->verdict >= MK_V_REJECTED)
		return;
	/* outbound: the original goes on only when nothing was found at all */
	if (in->inbound_only_av && r->verdict == MK_V_PASS) {
		r->output = g_bytes_ref(in->data);
		return;
	}
	notice = mk_notice_text(e->cfg, msg, r->verdict, r->id,
	                        r->stored || (in->no_store && in->stored_before));
	mk_rebuild_in ri = {
		.cfg = e->cfg, .root = msg, .notice = notice, .id = r->id,
		.verdict = r->verdict, .actions = r->actions,
		.notice_only = r->verdict >= MK_V_QUARANTINED,
	};
	r->output = mk_rebuild_message(&ri, err);
	g_free(notice);
}

/* The parts inside a stripped multipart or attached message (ambiguous
 * MIME, say) go with it: each gets its action and the finding that forced
 * it, so that the notice, the actions header and the report name every
 * part that was removed, not an empty container. */
static void
strip_below(mk_node *n, const mk_node *c)
{
	bool leaf = n->kind != MK_NODE_MESSAGE && n->kind != MK_NODE_MULTIPART;
	int code;

	if (c == NULL && !leaf && n->parent != NULL && n->action >= MK_ACT_STRIP)
		c = n;
	if (c != NULL && leaf && n->action < c->action) {
		n->action = c->action;
		g_free(n->rule);
		n->rule = g_strdup_printf("container:%s", c->path);
		code = g_str_has_prefix(c->rule ? c->rule : "", "finding:")
		       ? mk_finding_parse(c->rule + 8) : -1;
		for (guint i = 0; code >= 0 && i < c->findings->len; i++) {
			const mk_finding *f = g_ptr_array_index(c->findings, i);

			if ((int)f->code == code) {
				mk_node_add_finding(n, f->code, "in %s: %s", c->path,
				                    f->detail ? f->detail : "");
				break;
			}
		}
		return;   /* members of a leaf go with it */
	}
	for (guint i = 0; i < n->children->len; i++)
		strip_below(g_ptr_array_index(n->children, i), c);
}

/* Verdict, what goes on and the actions, in that order: a file that is
 * a mail is rebuilt here, and held when that fails. */
static void
decide_output(mk_engine *e, const mk_input *in, mk_result *r)
{
	mk_error err = { 0 };
	mk_node *file_msg = NULL;

	r->verdict = mk_policy_verdict(r->root);
	strip_below(r->root, NULL);
	if (!r->is_mail)
		file_msg = file_output(r);
	r->stored = wants_store(e, in, r->verdict);
	r->actions = actions_text(r->root, r->verdict);
	if (r->is_mail) {
		mail_output(e, in, r, r->root, &err);
	} else if (file_msg != NULL && r->verdict <= MK_V_STRIPPED) {
		mail_output(e, in, r, file_msg, &err);
		if (r->output == NULL) {
			mk_log(MK_LOG_ERROR, r->id, "rebuilding the mail file failed: %s",
			       err.msg);
			r->verdict = MK_V_QUARANTINED;
			r->stored = wants_store(e, in, r->verdict);
			g_free(r->actions);
			r->actions = actions_text(r->root, r->verdict);
		}
	}
}

/* Decide first, store once: the verdict, output and report are final
 * before the original is stored with that very report.  Only a store
 * failure changes the result afterwards (TEMPFAIL, nothing stored, no
 * output), and the report then says so. */
static void
finish(mk_engine *e, const mk_input *in, mk_result *r, gint64 t0)
{
	mk_error err = { 0 };

	decide_output(e, in, r);
	r->reason = reason_text(r->root, r->verdict);
	r->elapsed_ms = (g_get_monotonic_time() - t0) / 1000;
	make_report(e, r);
	if (r->stored && store_original(e, in, r, &err) < 0) {
		mk_log(MK_LOG_ERROR, r->id, "quarantine store failed: %s", err.msg);
		r->stored = false;
		r->verdict = MK_V_TEMPFAIL;
		g_free(r->reason);
		r->reason = g_strdup_printf("quarantine store failed: %s", err.msg);
		make_report(e, r);
	}
	if (r->verdict == MK_V_TEMPFAIL && r->output != NULL) {
		g_bytes_unref(r->output);
		r->output = NULL;
	}
	note_item(e, in, r);
}

/* True for an encrypted finding of the scanner's archive heuristic. */
static bool
is_scanner_archive_enc(const mk_finding *f)
{
	char *low;
	bool yes;

	if (f->code != MK_F_ENCRYPTED || f->detail == NULL ||
	    !g_str_has_prefix(f->detail, "Heuristics.Encrypted."))
		return false;
	low = g_ascii_strdown(f->detail, -1);
	yes = strstr(low, "zip") != NULL || strstr(low, "rar") != NULL ||
	      strstr(low, "7z") != NULL;
	g_free(low);
	return yes;
}

static bool
parser_encrypted(mk_node *n, void *user)
{
	bool *found = user;

	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		if (f->code == MK_F_ENCRYPTED && !is_scanner_archive_enc(f))
			*found = true;
	}
	return !*found;
}

/* PPAP unlock: the whole-original scan still sees the encrypted archive
 * (ClamAV cannot open it).  When our parser opened encrypted members with
 * the given passwords and nothing else in the tree is still encrypted,
 * that root-level archive heuristic is explained and dropped; the opened
 * members themselves were scanned one by one. */
static void
drop_opened_encryption(const mk_ctx *ctx, mk_node *root)
{
	bool still = false;

	if (ctx->passwords == NULL || ctx->decrypted == 0)
		return;
	mk_node_walk(root, parser_encrypted, &still);
	for (guint i = root->findings->len; !still && i > 0; i--)
		if (is_scanner_archive_enc(g_ptr_array_index(root->findings, i - 1)))
			g_ptr_array_remove_index(root->findings, i - 1);
}

static void
tempfail_root(mk_result *r, const char *msg)
{
	mk_node_add_finding(r->root, MK_F_SCAN_ERROR, "%s", msg);
}

int
mk_engine_process(mk_engine *e, const mk_input *in, mk_result **out,
                  mk_error *err)
{
	gint64 t0 = g_get_monotonic_time();
	mk_error perr = { 0 };
	mk_policy_exc pe = { 0 };
	char *pattern = NULL;
	mk_ctx ctx;
	mk_result *r;

	if (in == NULL || in->data == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "no input");
		return MK_ERR_USAGE;
	}
	r = g_new0(mk_result, 1);
	r->id = in->id ? g_strdup(in->id) : mk_new_id();
	gsize len = 0;
	const void *p = g_bytes_get_data(in->data, &len);
	r->is_mail = in->mode == MK_MODE_MAIL ||
	             (in->mode == MK_MODE_AUTO && mk_mime_looks_like_message(p, len));
	mk_ctx_init(&ctx, e->cfg, mk_sniffer_thread(&perr));
	ctx.passwords = in->passwords;
	r->root = parse_item(&ctx, in, r->is_mail, &perr);
	if (r->root == NULL) {
		r->root = mk_node_new(r->is_mail ? MK_NODE_MESSAGE : MK_NODE_FILE, NULL);
		tempfail_root(r, perr.msg);
	} else if (ctx.sniffer == NULL) {
		tempfail_root(r, perr.msg);
	} else {
		if (r->root->data == NULL)
			mk_node_set_data(r->root, in->data);
		check_size(e->cfg, r->root, r->is_mail);
		if (mk_expand_tree(&ctx, r->root, &perr) < 0)
			tempfail_root(r, perr.msg);
		else if (mk_engine_ready(e, &perr) < 0)
			tempfail_root(r, perr.msg);
		else
			mk_scan_tree(e->scanner, r->root,
			             e->cfg->clamav.scan_original ? in->data : NULL);
		drop_opened_encryption(&ctx, r->root);
	}
	mk_policy_decide_exc(e->cfg, r->root, in->inbound_only_av,
	                     !in->inbound_only_av && r->root != NULL &&
	                     !mk_node_has_finding(r->root, MK_F_SCAN_ERROR) &&
	                     match_exception(e, in->sender, &pe, &pattern) ? &pe : NULL);
	g_free(pattern);
	if (!in->inbound_only_av)
		mk_sanitize_tree(e->cfg, e->cache, r->root);
	finish(e, in, r, t0);
	*out = r;
	return 0;
}
