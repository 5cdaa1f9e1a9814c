/*
 * NAME
 *   notice - what was converted or removed, in words (see notice.h)
 *
 * NEVER
 *   Puts a raw input name into the text: names go through mk_names_safe().
 */
#include "notice.h"

#include <string.h>

#include "names.h"
#include "policy.h"

typedef struct words {
	const char *head, *intro, *unchanged, *body_html, *body_text, *charset, *removed,
	           *converted, *held, *rejected, *tempfail, *report, *ask,
	           *signed_note, *type_rule, *part, *nested;
} words;

static const words words_ja = {
	"【無害化通知】",
	"このメールはインターネットから受信したため、無害化処理を行いました。",
	"このメールはインターネットから受信し、検査しました。変更した箇所はありません。",
	"本文: HTML をテキストに変換しました（リンクは無効化しています）",
	"本文: テキストとして表示しています",
	"本文: 文字コードを推定して変換しました",
	"削除",
	"変換",
	"このメールは安全のため保留（隔離）されました。本文と添付は届けていません。",
	"このメールは受け付けを拒否しました。",
	"一時的な障害のため処理できませんでした。",
	"処理ID",
	"原本が必要な場合は、この処理IDを添えてシステム管理者に依頼してください。",
	"電子署名は無害化により無効になっています。",
	"この種類のファイルは受け付けない設定です",
	"添付",
	"転送されたメッセージ",
};

static const words words_en = {
	"[mukaika sanitization notice]",
	"This message came from the internet and was sanitized.",
	"This message came from the internet and was checked. Nothing was changed.",
	"Body: HTML was converted to plain text (links are disabled)",
	"Body: shown as plain text",
	"Body: the character set was detected and converted",
	"removed",
	"converted",
	"This message was held (quarantined) for safety. Its body and attachments were not delivered.",
	"This message was rejected.",
	"This message could not be processed because of a temporary failure.",
	"Report ID",
	"If you need the original, ask your administrator and quote this report ID.",
	"The digital signature is no longer valid after sanitizing.",
	"files of this type are not accepted",
	"Attachment",
	"Forwarded message",
};

static const words *
lang(const mk_config *cfg)
{
	return strcmp(cfg->general.language, "en") == 0 ? &words_en : &words_ja;
}

char *
mk_notice_size(gint64 n)
{
	if (n < 1024)
		return g_strdup_printf("%" G_GINT64_FORMAT " B", n);
	if (n < 1024 * 1024)
		return g_strdup_printf("%" G_GINT64_FORMAT " KB", (n + 1023) / 1024);
	return g_strdup_printf("%.1f MB", (double)n / (1024.0 * 1024.0));
}

/* Why N got its action, in words: the findings that force an action, or
 * the type rule.  Caller frees. */
static char *
reason(const mk_config *cfg, const mk_node *n)
{
	bool en = strcmp(cfg->general.language, "en") == 0;
	GString *g = g_string_new(NULL);

	for (guint i = 0; i < n->findings->len; i++) {
		const mk_finding *f = g_ptr_array_index(n->findings, i);
		if (cfg->finding_action[f->code] == MK_ACT_NONE)
			continue;
		const char *t = mk_finding_text(f->code, cfg->general.language);
		if (strstr(g->str, t) != NULL)
			continue;
		if (g->len > 0)
			g_string_append(g, en ? "; " : "、");
		g_string_append(g, t);
	}
	if (g->len == 0 && n->rule != NULL && g_str_has_prefix(n->rule, "members:"))
		g_string_append(g, en ? "it contains files that are not accepted" :
		                "受け付けないファイルを含んでいます");
	if (g->len == 0)
		g_string_append(g, lang(cfg)->type_rule);
	return g_string_free(g, FALSE);
}

static void
part_line(GString *g, const mk_config *cfg, const mk_node *n, const char *what)
{
	char *name = mk_names_safe(n->declared_name ? n->declared_name : "",
	                           (gsize)cfg->limits.max_name_length);
	char *size = mk_notice_size(n->size);
	char *why = reason(cfg, n);

	g_string_append_printf(g, "- %s \"%s\" (%s, %s): %s — %s\n", lang(cfg)->part,
	                       name, n->true_type ? n->true_type : "?", size, what, why);
	g_free(why);
	g_free(size);
	g_free(name);
}

static void
list_nodes(GString *g, const mk_config *cfg, const mk_node *n)
{
	const words *w = lang(cfg);
	bool leaf = n->kind != MK_NODE_MESSAGE && n->kind != MK_NODE_MULTIPART;

	if (n->role == MK_ROLE_BODY && g_strcmp0(n->rule, "body") == 0 &&
	    n->action == MK_ACT_SANITIZE) {
		if (g_strcmp0(n->filter, "html2text") == 0)
			g_string_append_printf(g, "- %s\n", w->body_html);
		if (mk_node_has_finding(n, MK_F_CHARSET))
			g_string_append_printf(g, "- %s\n", w->charset);
	} else if (leaf && n->role != MK_ROLE_ALTERNATIVE && !mk_policy_is_unwrapped(n)) {
		if (n->action >= MK_ACT_STRIP) {
			part_line(g, cfg, n, w->removed);
			return;   /* its members went with it */
		}
		if (n->action == MK_ACT_SANITIZE && n->out != NULL)
			part_line(g, cfg, n, w->converted);
		if (n->children->len > 0 && n->action != MK_ACT_SANITIZE)
			return;   /* allowed container: members go as one piece */
	}
	for (guint i = 0; i < n->children->len; i++)
		list_nodes(g, cfg, g_ptr_array_index(n->children, i));
}

static bool
has_signed(const mk_node *n)
{
	if (mk_node_has_finding(n, MK_F_SIGNED))
		return true;
	for (guint i = 0; i < n->children->len; i++)
		if (has_signed(g_ptr_array_index(n->children, i)))
			return true;
	return false;
}

char *
mk_notice_text(const mk_config *cfg, const mk_node *root, mk_verdict v,
               const char *id, bool stored)
{
	const words *w = lang(cfg);
	GString *g = g_string_new(NULL);

	g_string_append_printf(g, "%s\n", w->head);
	if (v == MK_V_QUARANTINED)
		g_string_append_printf(g, "%s\n", w->held);
	else if (v == MK_V_REJECTED)
		g_string_append_printf(g, "%s\n", w->rejected);
	else if (v == MK_V_TEMPFAIL)
		g_string_append_printf(g, "%s\n", w->tempfail);
	else if (v == MK_V_PASS)
		g_string_append_printf(g, "%s\n", w->unchanged);
	else
		g_string_append_printf(g, "%s\n", w->intro);
	list_nodes(g, cfg, root);
	if (has_signed(root))
		g_string_append_printf(g, "- %s\n", w->signed_note);
	g_string_append_printf(g, "%s: %s\n", w->report, id);
	if (stored)
		g_string_append_printf(g, "%s\n", w->ask);
	return g_string_free(g, FALSE);
}
