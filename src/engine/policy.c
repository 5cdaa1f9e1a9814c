/*
 * NAME
 *   policy - node actions and the item verdict (see policy.h)
 *
 * DESCRIPTION
 *   Order of a decision for one node:
 *     1. the type rule ([policy], first glob over the true type) for leaves;
 *        bodies whose content is text (or undeterminable bytes declared as
 *        text) are always "sanitize" (rendered to text by the engine);
 *     2. raised by the least action of each finding ([findings]);
 *     3. containers that cannot be partly dropped are raised: the root
 *        cannot be stripped (-> quarantine); a kept container leaf (archive)
 *        whose members are not all allowed is raised to strip at least;
 *     4. quarantine/reject anywhere count for the whole item.
 *   A virus inside a mail attachment takes clamav.virus_in_attachment
 *   (default strip: the rest of the mail is delivered, the original is
 *   kept); in a body, a file or the item as a whole, [findings] virus.
 *   Active content in legacy (OLE2) Office takes office.legacy_macros
 *   (sanitize: Word, Excel and PowerPoint go to the ole filter, which
 *   removes it; other OLE2 files are held then).
 *   Unwrapped containers (TNEF, an attached .eml) are never forwarded
 *   themselves; their children are judged and forwarded one by one.
 *
 *   An approved exception (mk_policy_decide_exc, semantics in
 *   src/store/exceptions.c) is applied in step 2: a node held only by
 *   waivable findings or the fallback rule becomes sanitize/strip; a block
 *   raises the root after step 4.
 */
#include "policy.h"

#include <string.h>

#include "sniff.h"

static mk_action
max_action(mk_action a, mk_action b)
{
	return a > b ? a : b;
}

static bool
is_container_kind(const mk_node *n)
{
	return n->kind == MK_NODE_MESSAGE || n->kind == MK_NODE_MULTIPART;
}

bool
mk_policy_is_unwrapped(const mk_node *n)
{
	if (n->children->len == 0 || is_container_kind(n))
		return false;
	const mk_node *c = g_ptr_array_index(n->children, 0);
	return c->kind == MK_NODE_EMBEDDED || c->kind == MK_NODE_MESSAGE;
}

/* Body content that the engine renders to text whatever its exact type. */
static bool
body_is_text(const mk_node *n)
{
	const char *t = n->true_type ? n->true_type : "";

	if (n->role != MK_ROLE_BODY)
		return false;
	if (g_str_has_prefix(t, "text/") || strcmp(t, "application/x-empty") == 0)
		return true;
	return mk_sniff_is_unknown(t) && n->declared_type != NULL &&
	       g_str_has_prefix(n->declared_type, "text/");
}

/* True for a node that is, or lies inside, an attachment of a message:
 * dropping it leaves the rest of the mail intact. */
static bool
in_mail_attachment(const mk_node *n)
{
	bool attached = false;

	for (; n->parent != NULL; n = n->parent)
		if (n->role == MK_ROLE_ATTACHMENT || n->role == MK_ROLE_INLINE ||
		    n->kind == MK_NODE_MEMBER || n->kind == MK_NODE_EMBEDDED)
			attached = true;
	return attached && n->kind == MK_NODE_MESSAGE;
}

static mk_action
virus_action(const mk_config *cfg, const mk_node *n, bool av_only)
{
	mk_action a = cfg->finding_action[MK_F_VIRUS];

	/* outbound mail is forwarded as it is, never rebuilt: no stripping */
	if (!av_only && in_mail_attachment(n) &&
	    mk_action_parse(cfg->clamav.virus_in_attachment, &a) < 0)
		a = MK_ACT_REJECT;
	return a;
}

/* Legacy OLE2 Office: no filter rebuilds it, active content in it is held. */
static bool
is_legacy_office(const mk_node *n)
{
	static const char *const types[] = { "application/msword",
		"application/vnd.ms-excel", "application/vnd.ms-powerpoint",
		"application/vnd.ms-office", "application/cdfv2",
		"application/x-ole-storage", NULL };

	return n->true_type != NULL &&
	       g_strv_contains((const char *const *)types, n->true_type);
}

/* Word, Excel and PowerPoint: the ole filter (f_ole.h) rebuilds them
 * without macros, objects and links; other OLE2 files it does not know. */
static bool
legacy_rebuilt(const mk_node *n)
{
	return g_strcmp0(n->true_type, "application/msword") == 0 ||
	       g_strcmp0(n->true_type, "application/vnd.ms-excel") == 0 ||
	       g_strcmp0(n->true_type, "application/vnd.ms-powerpoint") == 0;
}

static mk_action
legacy_macro_action(const mk_config *cfg, const mk_node *n, mk_action base)
{
	mk_action a = MK_ACT_QUARANTINE;

	if (!is_legacy_office(n))
		return base;
	if (mk_action_parse(cfg->office.legacy_macros, &a) < 0)
		a = MK_ACT_QUARANTINE;
	if (a == MK_ACT_SANITIZE && !legacy_rebuilt(n))
		a = MK_ACT_QUARANTINE;
	return a > base ? a : base;
}

/* Findings an approved exception may waive (exceptions.c). */
static bool
waivable(mk_finding_code c)
{
	switch (c) {
	case MK_F_ENCRYPTED: case MK_F_ACTIVE_CONTENT: case MK_F_UNKNOWN_TYPE:
	case MK_F_TYPE_MISMATCH: case MK_F_DOUBLE_EXTENSION: case MK_F_BIDI_NAME:
	case MK_F_CONTROL_NAME: case MK_F_LONG_NAME: case MK_F_NO_FILTER:
	case MK_F_ENCRYPTED_MAIL: case MK_F_SIGNED:
		return true;
	default:
		return false;
	}
}

/* The least action of N's findings; *hard gets the part due to findings
 * an exception may not waive, *why the finding that set the result. */
static mk_action
findings_action(const mk_config *cfg, mk_node *n, bool av_only, mk_action *hard,
                const char **why)
{
	mk_action a = MK_ACT_NONE;

	*hard = MK_ACT_NONE;
	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		mk_action fa = f->code == MK_F_VIRUS ? virus_action(cfg, n, av_only) :
		               cfg->finding_action[f->code];
		if (f->code == MK_F_ACTIVE_CONTENT)
			fa = legacy_macro_action(cfg, n, fa);
		if (av_only && f->code != MK_F_VIRUS && f->code != MK_F_SCAN_ERROR &&
		    f->code != MK_F_LIMIT)
			continue;
		if (!waivable(f->code) && fa > *hard)
			*hard = fa;
		if (fa > a) {
			a = fa;
			*why = mk_finding_name(f->code);
		}
	}
	return a;
}

static void
set_rule(mk_node *n, const char *prefix, const char *what)
{
	g_free(n->rule);
	n->rule = prefix ? g_strdup_printf("%s:%s", prefix, what) : g_strdup(what);
}

typedef struct pol {
	const mk_config *cfg;
	bool av_only;
	const mk_policy_exc *relax;   /* a relaxing exception, or NULL */
} pol;

/* What a relaxed hold becomes: strip for the strip exception and for
 * anything encrypted, else sanitize (no filter -> strip, body.c). */
static mk_action
relaxed_action(const pol *p, const mk_node *n)
{
	if (p->relax->action == MK_ACT_STRIP || mk_node_has_finding(n, MK_F_ENCRYPTED))
		return MK_ACT_STRIP;
	return MK_ACT_SANITIZE;
}

/* Type rule and findings of N under P; sets n->rule. */
static mk_action
own_action(const pol *p, mk_node *n)
{
	const char *pattern = "container", *why = NULL;
	mk_action a = MK_ACT_ALLOW, hard = MK_ACT_NONE, fa;

	if (p->av_only)
		pattern = "outbound";
	else if (body_is_text(n)) {
		a = MK_ACT_SANITIZE;
		pattern = "body";
	} else if (n->role == MK_ROLE_ALTERNATIVE) {
		a = MK_ACT_STRIP;
		pattern = "alternative";
	} else if (!is_container_kind(n) && !mk_policy_is_unwrapped(n))
		a = mk_config_policy_for(p->cfg, n->true_type, &pattern);
	set_rule(n, NULL, pattern);
	/* what no exception changes: explicit type rules, hard findings */
	fa = findings_action(p->cfg, n, p->av_only, &hard, &why);
	if (a != MK_ACT_QUARANTINE || strcmp(pattern, "default") != 0)
		hard = MAX(hard, a);
	if (fa > a) {
		a = fa;
		set_rule(n, "finding", why);
	}
	if (p->relax == NULL || a != MK_ACT_QUARANTINE || hard >= MK_ACT_QUARANTINE ||
	    is_container_kind(n))
		return a;
	a = MAX(relaxed_action(p, n), hard);
	g_free(n->rule);
	n->rule = g_strdup_printf("exception:#%" G_GINT64_FORMAT, p->relax->id);
	return a;
}

/* Returns the highest action in N's subtree (N included). */
static mk_action
decide(const pol *p, mk_node *n)
{
	mk_action a, sub = MK_ACT_NONE;

	for (guint i = 0; i < n->children->len; i++)
		sub = max_action(sub, decide(p, g_ptr_array_index(n->children, i)));
	a = own_action(p, n);
	/* an allowed container must not carry members that are not allowed;
	 * a sanitized one is rebuilt from its sanitized members by its filter */
	if (!is_container_kind(n) && !mk_policy_is_unwrapped(n) &&
	    n->children->len > 0 && a == MK_ACT_ALLOW && sub > MK_ACT_ALLOW &&
	    !p->av_only) {
		a = MK_ACT_STRIP;
		set_rule(n, "members", "not all allowed");
	}
	/* a mail or TNEF inside an archive is unwrapped for checking, but the
	 * archive's rebuild can only copy it whole: with changed parts it would
	 * carry the originals on */
	if (n->kind == MK_NODE_MEMBER && mk_policy_is_unwrapped(n) &&
	    a == MK_ACT_ALLOW && sub > MK_ACT_ALLOW && !p->av_only) {
		a = MK_ACT_STRIP;
		set_rule(n, "members", "an archived mail or TNEF with changed parts");
	}
	if (n->parent == NULL && a > MK_ACT_ALLOW && a < MK_ACT_QUARANTINE &&
	    is_container_kind(n)) {
		a = MK_ACT_QUARANTINE;
	}
	n->action = a;
	return max_action(a, sub);
}

void
mk_policy_decide(const mk_config *cfg, mk_node *root, bool av_only)
{
	mk_policy_decide_exc(cfg, root, av_only, NULL);
}

void
mk_policy_decide_exc(const mk_config *cfg, mk_node *root, bool av_only,
                     const mk_policy_exc *exc)
{
	pol p = { .cfg = cfg, .av_only = av_only };

	if (exc != NULL && !av_only) {
		mk_node_add_finding(root, MK_F_EXCEPTION_APPLIED, "#%" G_GINT64_FORMAT
		                    " %s %s", exc->id, exc->pattern ? exc->pattern : "",
		                    mk_action_name(exc->action));
		if (exc->action < MK_ACT_QUARANTINE)
			p.relax = exc;
	}
	decide(&p, root);
	if (p.relax == NULL && exc != NULL && !av_only && exc->action > root->action) {
		root->action = exc->action;
		g_free(root->rule);
		root->rule = g_strdup_printf("exception:#%" G_GINT64_FORMAT, exc->id);
	}
}

static mk_verdict
node_verdict(const mk_node *n)
{
	if (mk_node_has_finding(n, MK_F_SCAN_ERROR))
		return MK_V_TEMPFAIL;
	if (n->role == MK_ROLE_ALTERNATIVE && n->action == MK_ACT_STRIP)
		return MK_V_CLEANED;
	if (n->action == MK_ACT_SANITIZE) {
		/* rendered bodies and filtered parts: cleaned; a plain UTF-8 text
		 * body rendered without change is still a pass */
		if (n->role == MK_ROLE_BODY && n->filter == NULL)
			return MK_V_PASS;
		return n->out != NULL || n->text != NULL ? MK_V_CLEANED : MK_V_STRIPPED;
	}
	return mk_verdict_for_action(n->action, false);
}

static mk_verdict
verdict_walk(const mk_node *n, bool below_stripped)
{
	mk_verdict v = node_verdict(n);

	/* members of a stripped container only matter when they escalate */
	if (below_stripped && v < MK_V_QUARANTINED)
		v = MK_V_PASS;
	bool stripped = below_stripped || n->action == MK_ACT_STRIP;
	for (guint i = 0; i < n->children->len; i++) {
		mk_verdict c = verdict_walk(g_ptr_array_index(n->children, i), stripped);
		if (c > v)
			v = c;
	}
	return v;
}

mk_verdict
mk_policy_verdict(const mk_node *root)
{
	return verdict_walk(root, false);
}

void
mk_policy_raise(const mk_config *cfg, mk_node *n, mk_finding_code code)
{
	if (cfg->finding_action[code] > n->action) {
		n->action = cfg->finding_action[code];
		g_free(n->rule);
		n->rule = g_strdup_printf("finding:%s", mk_finding_name(code));
	}
}
