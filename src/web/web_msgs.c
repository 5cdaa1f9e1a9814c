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
