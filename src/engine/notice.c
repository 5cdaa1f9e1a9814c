/*
 * NAME
 *   notice - what was converted or removed, in words (see notice.h)
 *
 * NEVER
 *   Puts a raw input name into the text: names go through mk_names_safe().
 */
#include "notice.h"

#include <string.h>

#include "addr.h"
#include "fnote.h"
#include "names.h"
#include "policy.h"

typedef struct words {
	const char *head, *intro, *unchanged, *body_html, *body_text, *charset, *removed,
	           *converted, *held, *rejected, *tempfail, *report, *ask,
	           *signed_note, *type_rule, *part, *nested, *held_part, *password,
	           *removed_items, *sep, *links;
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
	"保留",
	"パスワードはこのメールに返信せず、電話など別の方法でシステム管理者に伝えてください。"
	"管理者が処理IDの項目を開いて検査し、安全であれば届けます",
	"除去",
	"、",
	"本文: 表示と異なるリンク先があります（【注意: 表示と異なるリンク先】の印を付けました）",
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
	"held",
	"Do not reply with the password: give it to your administrator another way "
	"(for example by phone). The administrator opens the item by its report ID, "
	"checks it and delivers it if it is clean",
	"removed",
	", ",
	"Body: a link's shown text differs from its target (marked [Warning: link target differs from its text])",
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

/* What a filter does, in words. */
static const struct {
	const char *filter, *ja, *en;
} CONVERSIONS[] = {
	{ "pdf", "各ページを画像にした PDF に変換しました（スクリプト・リンク・注釈・埋め込みファイルは残りません）",
	  "each page became an image in a new PDF (scripts, links, annotations and embedded files do not survive)" },
	{ "ooxml", "Office 文書を作り直しました", "the Office document was rebuilt" },
	{ "rtf", "RTF 文書を作り直しました", "the RTF document was rebuilt" },
	{ "ole", "旧形式の Office 文書を作り直しました", "the legacy Office document was rebuilt" },
	{ "image", "画像を描き直しました（メタデータ等は削除）",
	  "the image was redrawn (metadata removed)" },
	{ "archive", "書庫を展開して中身を検査し、作り直しました",
	  "the archive was unpacked, its members checked and the archive rebuilt" },
	{ "html2text", "HTML をテキストに変換しました（スクリプトは削除、リンクは無効化）",
	  "HTML was converted to plain text (scripts removed, links disabled)" },
	{ "text", "テキストとして整えました", "normalised as plain text" },
	{ "csv", "CSV の数式になるセルを文字列にしました", "CSV cells that would run as formulas were made text" },
	{ "ics", "予定表の添付・HTML の説明・アラームを削除しました",
	  "the calendar lost its attachments, HTML description and alarms" },
};

/* What free-text filter notes say was removed (or added), by keyword;
 * structured notes (fnote.h) get a line each instead (fnote_lines). */
static const struct {
	const char *needle, *ja, *en;
} NOTE_WORDS[] = {
	{ "vba", "マクロ", "macros" },
	{ "macro", "マクロ", "macros" },
	{ "oleObject", "埋め込みオブジェクト", "embedded objects" },
	{ "embeddings", "埋め込みオブジェクト", "embedded objects" },
	{ "\\object", "埋め込みオブジェクト", "embedded objects" },
	{ "activeX", "ActiveX", "ActiveX" },
	{ "link", "外部リンク・外部参照", "external links and references" },
	{ "external", "外部リンク・外部参照", "external links and references" },
	{ "field instruction", "フィールド命令（DDE 等）", "field instructions (DDE and the like)" },
	{ "formula", "外部を参照する数式", "formulas that fetch external data" },
	{ "script", "スクリプト", "scripts" },
	{ "metafile", "メタファイルの命令", "metafile records" },
};

/* Notes that say something was added. */
static const struct {
	const char *needle, *ja, *en;
} NOTE_ADDED[] = {
	{ "text layer", "（検索・コピー用の文字を重ねています）",
	  " (with an invisible text layer for search and copy)" },
};

/* "converted to X (removed: macros, links)" for N.  Caller frees. */
static char *
converted_why(const mk_config *cfg, const mk_node *n)
{
	bool en = strcmp(cfg->general.language, "en") == 0;
	const words *w = lang(cfg);
	GString *g = g_string_new(NULL), *items = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(CONVERSIONS) && g->len == 0; i++)
		if (g_strcmp0(n->filter, CONVERSIONS[i].filter) == 0)
			g_string_append(g, en ? CONVERSIONS[i].en : CONVERSIONS[i].ja);
	if (g->len == 0)
		g_string_append(g, en ? "sanitized" : "無害化しました");
	for (guint k = 0; k < n->notes->len; k++) {
		const char *note = g_ptr_array_index(n->notes, k);
		mk_fnote_code code;
		int count;
		if (mk_fnote_parse(note, &code, &count))
			continue;
		for (gsize i = 0; i < G_N_ELEMENTS(NOTE_WORDS); i++) {
			const char *t = en ? NOTE_WORDS[i].en : NOTE_WORDS[i].ja;
			if (strstr(note, NOTE_WORDS[i].needle) == NULL || strstr(items->str, t))
				continue;
			g_string_append_printf(items, "%s%s", items->len ? w->sep : "", t);
			break;
		}
	}
	if (items->len > 0)
		g_string_append_printf(g, en ? " (%s: %s)" : "（%s: %s）", w->removed_items,
		                       items->str);
	for (gsize i = 0; i < G_N_ELEMENTS(NOTE_ADDED); i++)
		for (guint k = 0; k < n->notes->len; k++)
			if (strstr(g_ptr_array_index(n->notes, k), NOTE_ADDED[i].needle)) {
				g_string_append(g, en ? NOTE_ADDED[i].en : NOTE_ADDED[i].ja);
				break;
			}
	if (n->out_name != NULL && g_strcmp0(n->out_name, n->declared_name) != 0) {
		char *o = mk_names_safe(n->out_name, (gsize)cfg->limits.max_name_length);
		g_string_append_printf(g, en ? " -> \"%s\"" : " → \"%s\"", o);
		g_free(o);
	}
	g_string_free(items, TRUE);
	return g_string_free(g, FALSE);
}

/* One indented line per structured note of N: what exactly was removed
 * or changed, and how many. */
static void
fnote_lines(GString *g, const mk_config *cfg, const mk_node *n)
{
	for (guint k = 0; k < n->notes->len; k++) {
		mk_fnote_code code;
		int count;
		if (!mk_fnote_parse(g_ptr_array_index(n->notes, k), &code, &count))
			continue;
		char *t = mk_fnote_text(code, cfg->general.language, count);
		g_string_append_printf(g, "  - %s\n", t);
		g_free(t);
	}
}

static void
part_line(GString *g, const mk_config *cfg, const mk_node *n, const char *what)
{
	char *name = mk_names_safe(n->declared_name ? n->declared_name : "",
	                           (gsize)cfg->limits.max_name_length);
	char *size = mk_notice_size(n->size);
	char *why = n->action == MK_ACT_SANITIZE ? converted_why(cfg, n) : reason(cfg, n);

	g_string_append_printf(g, "- %s \"%s\" (%s, %s): %s — %s", lang(cfg)->part,
	                       name, n->true_type ? n->true_type : "?", size, what, why);
	if (n->action == MK_ACT_QUARANTINE && mk_node_has_finding(n, MK_F_ENCRYPTED))
		g_string_append_printf(g, strcmp(cfg->general.language, "en") == 0 ?
		                       ". %s." : "。%s。", lang(cfg)->password);
	g_string_append_c(g, '\n');
	if (n->action == MK_ACT_SANITIZE)
		fnote_lines(g, cfg, n);
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
			part_line(g, cfg, n, n->action == MK_ACT_QUARANTINE ? w->held_part
			                                                    : w->removed);
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

typedef struct {
	GString *g;
	bool en;
} sender_ctx;

/* One "【注意】" line per problem of the sender and recipient headers. */
static void
sender_line(const char *hdr, mk_addr_issue issue, const char *addr,
            const char *why, void *user)
{
	sender_ctx *c = user;
	bool from = strcmp(hdr, "From") == 0 || strcmp(hdr, "Sender") == 0;

	switch (issue) {
	case MK_ADDR_NAME_HAS_ADDRESS:
		if (from)
			g_string_append_printf(c->g, c->en ?
			    "[Warning] The sender's display name contains an e-mail address: the real sender is <%s>\n" :
			    "【注意】差出人の表示名にメールアドレスが含まれています: 実際の差出人は <%s>\n", addr);
		else
			g_string_append_printf(c->g, c->en ?
			    "[Warning] A display name in %s contains an e-mail address: the real address is <%s>\n" :
			    "【注意】%s の表示名にメールアドレスが含まれています: 実際のアドレスは <%s>\n", hdr, addr);
		break;
	case MK_ADDR_NO_SENDER:
		g_string_append(c->g, c->en ?
		    "[Warning] The message has no sender (From was missing or empty)\n" :
		    "【注意】差出人（From）がないか空でした\n");
		break;
	case MK_ADDR_SEVERAL:
		g_string_append_printf(c->g, c->en ?
		    "[Warning] %s held several addresses: only the first, <%s>, was kept\n" :
		    "【注意】%s に複数のアドレスがありました: 最初の <%s> だけを残しました\n", hdr, addr);
		break;
	case MK_ADDR_AMBIGUOUS:
		g_string_append_printf(c->g, c->en ?
		    "[Warning] %s is malformed and could be read in more than one way (only the addresses that parse were kept)\n" :
		    "【注意】%s の書式に誤りがあり、解釈が分かれるおそれがあります（正しく読めたアドレスだけを残しました）\n", hdr);
		break;
	}
	(void)why;
}

static bool
tree_has(const mk_node *n, mk_finding_code code)
{
	if (mk_node_has_finding(n, code))
		return true;
	for (guint i = 0; i < n->children->len; i++)
		if (tree_has(g_ptr_array_index(n->children, i), code))
			return true;
	return false;
}

/* A body part (not an attachment) of N has CODE. */
static bool
body_has(const mk_node *n, mk_finding_code code)
{
	if (n->role == MK_ROLE_BODY && mk_node_has_finding(n, code))
		return true;
	for (guint i = 0; i < n->children->len; i++)
		if (body_has(g_ptr_array_index(n->children, i), code))
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
	if (root->mime != NULL && GMIME_IS_MESSAGE(root->mime)) {
		sender_ctx sc = { g, strcmp(cfg->general.language, "en") == 0 };
		mk_addr_issues(root->mime, sender_line, &sc);
	}
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
	if (body_has(root, MK_F_LINK_MISMATCH))   /* attachments: their own line */
		g_string_append_printf(g, "- %s\n", w->links);
	if (tree_has(root, MK_F_SIGNED))
		g_string_append_printf(g, "- %s\n", w->signed_note);
	g_string_append_printf(g, "%s: %s\n", w->report, id);
	if (stored)
		g_string_append_printf(g, "%s\n", w->ask);
	return g_string_free(g, FALSE);
}

/* The first node (pre-order) with the highest action at or above STRIP. */
static const mk_node *
deciding(const mk_node *n, const mk_node *best)
{
	if (n->action >= MK_ACT_STRIP && (best == NULL || n->action > best->action))
		best = n;
	for (guint i = 0; i < n->children->len; i++)
		best = deciding(g_ptr_array_index(n->children, i), best);
	return best;
}

char *
mk_notice_why(const mk_config *cfg, const mk_node *root)
{
	const mk_node *n = root ? deciding(root, NULL) : NULL;
	bool en = strcmp(cfg->general.language, "en") == 0;
	char *why, *res;

	if (n == NULL)
		return NULL;
	why = reason(cfg, n);
	if (n->action == MK_ACT_QUARANTINE && mk_node_has_finding(n, MK_F_ENCRYPTED))
		res = g_strdup_printf(en ? "%s. %s." : "%s。%s。", why, lang(cfg)->password);
	else
		res = g_strdup(why);
	g_free(why);
	return res;
}
