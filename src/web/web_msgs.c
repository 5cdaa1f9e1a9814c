/*
 * NAME
 *   web_msgs - the review UI's messages added with accounts, safe view,
 *   bulk actions, audit export and notifications (Japanese first, English)
 *
 * DESCRIPTION
 *   T() (web_html.c) looks a key up in its own table and then here, so
 *   that each feature keeps its words beside the others without one long
 *   table to edit.
 */
#include <string.h>

#include "web.h"

static const struct { const char *key, *ja, *en; } msgs[] = {
	/* accounts */
	{ "sure", "確認した", "I am sure" },
	{ "mfa_reset", "二要素認証をリセット", "Reset second factor" },
	{ "delete", "削除", "Delete" },
	{ "confirm", "確認(二人目の管理者)", "Confirm (second admin)" },
	{ "u_disabled", "無効 ", "disabled " },
	{ "u_locked_out", "ロック中 ", "locked out " },
	{ "u_must_change", "仮パスワード ", "temporary password " },
	{ "u_pending", "確認待ち(設定者:", "awaiting confirmation (set up by" },
	{ "unused_days", "未使用の日数(以上)", "Unused for at least (days)" },
	/* bulk actions */
	{ "bulk_selected", "選択した項目を", "Selected:" },
	{ "bulk_go", "まとめて実行", "Apply to selected" },
	{ "bulk_results", "一括操作の結果", "Results" },
	{ "bulk_done", "完了", "done" },
	{ "bulk_refused", "できませんでした", "refused" },
	{ "approve_delete", "削除申請を承認(削除)", "Approve deletion requests (delete)" },
	{ "request_delete", "削除を申請(別の管理者の承認が必要)",
	  "Request deletion (another admin approves)" },
	/* audit list */
	{ "export", "エクスポート", "Export" },
	{ "item_id", "アイテム", "Item" },
	/* safe view */
	{ "sv_title", "原本の安全な表示(テキストのみ)", "Safe view of the original (text only)" },
	{ "sv_note", "原本をテキストだけで表示しています。スクリプト・画像・リンク先は読み込まれず、"
	  "原本のデータはブラウザに送られません。", "The original shown as text only: no script, "
	  "image or link target is loaded and its bytes never reach the browser." },
	{ "sv_headers", "すべてのヘッダー", "All headers" },
	{ "sv_auth", "送信ドメイン認証(SPF/DKIM/DMARC)", "Authentication-Results (SPF/DKIM/DMARC)" },
	{ "sv_display_name", "表示名", "Display name" },
	{ "sv_address", "アドレス", "Address" },
	{ "sv_name_has_addr", "注意: 表示名にメールアドレスが含まれています(なりすましに使われる形です)。",
	  "Note: the display name holds an address (a common disguise)." },
	{ "sv_parts", "本文と添付ファイル", "Body and attachments" },
	{ "sv_type", "種類", "Type" },
	{ "sv_disposition", "配置", "Disposition" },
	{ "sv_name", "ファイル名", "File name" },
	{ "sv_size", "サイズ(バイト)", "Size (bytes)" },
	{ "sv_not_shown", "(テキストではないため表示しません)", "(not text: not shown)" },
	{ "sv_more", "部分が多すぎるため、残りは表示しません。", "Too many parts: the rest is not shown." },
	{ "sv_unreadable", "メールとして読めませんでした。", "Not readable as a mail." },
	{ "pending_account", "このアカウントは別の管理者の確認待ちです。確認されるまで承認や管理の"
	  "操作はできません。", "This account awaits confirmation by another admin; until "
	  "then it cannot approve or administer." },
};

const char *
web_msg_more(const char *key, bool en)
{
	for (gsize i = 0; i < G_N_ELEMENTS(msgs); i++)
		if (strcmp(msgs[i].key, key) == 0)
			return en ? msgs[i].en : msgs[i].ja;
	return NULL;
}
