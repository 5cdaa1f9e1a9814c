/*
 * NAME
 *   web_html - HTML output helpers, page frame, messages (ja/en), CSS
 *
 * DESCRIPTION
 *   Every piece of data reaches the page through web_esc() (& < > " '
 *   escaped, invalid UTF-8 replaced, C0 controls dropped).  web_printf()
 *   is for our own markup: its %s arguments must be constants or already
 *   escaped; data goes through web_put().  Messages are looked up in one
 *   table by key; Japanese is the default, English when the request asks.
 */
#include <stdarg.h>
#include <string.h>

#include "audit.h"
#include "finding.h"
#include "web.h"

static const struct msg { const char *key, *ja, *en; } msgs[] = {
	{ "app", "mukaika 無害化ゲートウェイ", "mukaika sanitization gateway" },
	{ "login", "ログイン", "Log in" },
	{ "logout", "ログアウト", "Log out" },
	{ "user", "ユーザー名", "User name" },
	{ "password", "パスワード", "Password" },
	{ "login_failed", "ユーザー名かパスワードが違うか、アカウントがロックされています。",
	  "Wrong user name or password, or the account is locked." },
	{ "welcome", "ログインしました", "Logged in" },
	{ "last_login", "前回のログイン", "Last successful login" },
	{ "never", "(初回)", "(first login)" },
	{ "failed_since", "前回以降の失敗したログイン", "Failed logins since then" },
	{ "continue", "続ける", "Continue" },
	{ "passwd", "パスワード変更", "Change password" },
	{ "passwd_forced", "仮パスワードです。続けるには新しいパスワードを設定してください。",
	  "This is a temporary password. Set a new password to continue." },
	{ "old_pw", "現在のパスワード", "Current password" },
	{ "new_pw", "新しいパスワード", "New password" },
	{ "new_pw2", "新しいパスワード(確認)", "New password (again)" },
	{ "pw_mismatch", "新しいパスワードが一致しません。", "The new passwords differ." },
	{ "pw_changed", "パスワードを変更しました。", "Password changed." },
	{ "pw_rules", "新しいパスワードの条件:", "A new password must be:" },
	{ "items", "隔離一覧", "Quarantine" },
	{ "item", "隔離アイテム", "Quarantined item" },
	{ "approvals", "承認待ち", "Approvals" },
	{ "audit", "監査ログ", "Audit log" },
	{ "users", "アカウント", "Accounts" },
	{ "exceptions", "ポリシー例外", "Policy exceptions" },
	{ "dashboard", "ダッシュボード", "Dashboard" },
	{ "received", "受信日時", "Received" },
	{ "channel", "経路", "Channel" },
	{ "verdict", "判定", "Verdict" },
	{ "findings", "検出", "Findings" },
	{ "sender", "送信者", "Sender" },
	{ "recipient", "宛先", "Recipient" },
	{ "subject", "件名/ファイル名", "Subject / file name" },
	{ "status", "状態", "Status" },
	{ "search", "検索", "Search" },
	{ "next", "次へ", "Next" },
	{ "prev", "前へ", "Previous" },
	{ "report", "レポート(構造と検出)", "Report (tree and findings)" },
	{ "text_view", "無害化後のテキスト", "Sanitized text" },
	{ "text_none", "(表示できるテキストはありません)", "(no text to show)" },
	{ "request_release", "原本のリリースを申請", "Request release of the original" },
	{ "reason", "理由", "Reason" },
	{ "comment", "コメント", "Comment" },
	{ "requested", "リリースを申請しました。別の承認者の承認が必要です。",
	  "Release requested. Another account must approve it." },
	{ "approve", "承認してリリース", "Approve and release" },
	{ "deny", "却下", "Deny" },
	{ "approved", "承認し、原本をリリースしました。", "Approved; the original was released." },
	{ "denied", "却下しました。", "Denied." },
	{ "requester", "申請者", "Requester" },
	{ "approver", "承認者", "Approver" },
	{ "requests", "リリース申請", "Release requests" },
	{ "own_request", "自分の申請は承認できません(二人承認)", "Your own request (two-person rule)" },
	{ "when", "日時", "Time" },
	{ "who", "操作者", "Account" },
	{ "from", "接続元", "From" },
	{ "what", "操作", "Action" },
	{ "result", "結果", "Result" },
	{ "detail", "詳細", "Detail" },
	{ "role", "権限", "Role" },
	{ "add_user", "アカウント追加", "Add account" },
	{ "temp_pw", "仮パスワード(一度だけ表示)", "Temporary password (shown once)" },
	{ "reset", "パスワード再設定", "Reset password" },
	{ "lock", "ロック", "Lock" },
	{ "unlock", "ロック解除", "Unlock" },
	{ "set_role", "権限変更", "Change role" },
	{ "pattern", "送信者/@ドメイン", "Sender / @domain" },
	{ "action", "処理", "Action" },
	{ "expires", "期限", "Expires" },
	{ "propose", "例外を申請", "Propose exception" },
	{ "revoke", "取消", "Revoke" },
	{ "days", "日数", "Days" },
	{ "per_day", "日別の件数", "Items per day" },
	{ "per_verdict", "判定別", "By verdict" },
	{ "per_finding", "検出別", "By finding" },
	{ "count", "件数", "Count" },
	{ "forbidden", "この操作の権限がありません。", "You may not do this." },
	{ "not_found", "見つかりません。", "Not found." },
	{ "bad_request", "不正な要求です。", "Bad request." },
	{ "csrf", "フォームの有効期限が切れました。もう一度操作してください。",
	  "The form expired. Please try again." },
	{ "failed", "処理できませんでした", "The operation failed" },
	{ "bad_host", "このホスト名では利用できません。", "Unknown host name." },
	{ "bad_origin", "他のサイトからの送信は受け付けません。",
	  "Forms posted from another site are refused." },
	{ "throttled", "ログインの試行が多すぎます。しばらくしてから再度お試しください。",
	  "Too many login attempts. Please try again later." },
	{ "mfa", "確認コード(二要素認証)", "Verification code (second factor)" },
	{ "mfa_code", "認証アプリの 6 桁のコード", "6-digit code from the authenticator app" },
	{ "mfa_recovery", "または回復コード", "or a recovery code" },
	{ "mfa_enrol", "二要素認証の登録", "Set up the second factor" },
	{ "mfa_enrol_help", "このアカウントは二要素認証が必要です。認証アプリ(TOTP)でこの QR コードを"
	  "読み取り、表示された 6 桁のコードを入力してください。QR コードはこの一度だけ表示されます。",
	  "This account needs a second factor. Scan this QR code with an authenticator app "
	  "(TOTP) and enter the 6-digit code it shows. The QR code is shown this once only." },
	{ "mfa_secret", "手入力用のキー:", "Key for manual entry:" },
	{ "mfa_recovery_title", "回復コード", "Recovery codes" },
	{ "mfa_enrolled", "二要素認証を登録しました。次の回復コードを安全な場所に保管してください"
	  "(各コードは一度だけ使えます。この画面は一度だけ表示されます)。",
	  "The second factor is set up. Keep these recovery codes in a safe place (each works "
	  "once; this page is shown once)." },
	{ "mfa_wrong", "コードが違うか、すでに使われたコードです。",
	  "Wrong code, or a code already used." },
	{ "mfa_expired", "ログインの有効期限が切れました。もう一度ログインしてください。",
	  "The login expired. Please log in again." },
	{ "mfa_unavailable", "二要素認証を利用できません(管理者に連絡してください)。",
	  "The second factor is unavailable (contact the administrator)." },
	{ "busy", "混み合っています。しばらくしてから再度お試しください。",
	  "The server is busy. Please try again shortly." },
	{ "lang_other", "English", "日本語" },
	{ "banner", "注意", "Notice" },
	{ "unlock_archive", "パスワード付き書庫を開く（PPAP）", "Open the encrypted archive (PPAP)" },
	{ "archive_pw", "書庫のパスワード", "Archive password" },
	{ "unlock_help", "パスワードで書庫を開いて中身を検査・無害化し、問題がなければ無害化した結果"
	  "だけを元の宛先に配送します。原本は隔離されたままです。",
	  "The password opens the archive inside the gateway; its content is scanned and "
	  "sanitized and, only if nothing is found, the sanitized result is delivered to the "
	  "original recipients. The original stays in quarantine." },
	{ "unlocked", "書庫を開き、無害化した結果を配送しました。",
	  "The archive was opened and the sanitized result was delivered." },
	{ "unlock_wrong", "パスワードが違います（暗号化されたままです）。",
	  "Wrong password (the archive is still encrypted)." },
	{ "unlock_rate", "パスワードの誤りが多すぎます。しばらくしてから再度お試しください。",
	  "Too many wrong passwords. Please try again later." },
	{ "unlock_held", "書庫は開けましたが、内容が隔離対象のため配送しませんでした。",
	  "The archive opened, but its content is still held; nothing was delivered." },
	{ "unlock_unsupported", "この書庫の暗号方式は開けません（開けるのは ZIP のみで、7z・RAR は"
	  "開けません）。隔離したままにします。",
	  "This archive's encryption cannot be opened (only ZIP can, not 7z or RAR); "
	  "it stays held." },
	{ "back", "戻る", "Back" },
	{ "v_pass", "問題なし", "Clean" },
	{ "v_cleaned", "無害化済み", "Sanitized" },
	{ "v_stripped", "一部削除", "Parts removed" },
	{ "v_quarantined", "隔離", "Held" },
	{ "v_rejected", "拒否", "Rejected" },
	{ "v_tempfail", "一時エラー", "Temporary failure" },
	{ "s_held", "保留中", "Held" },
	{ "s_released", "リリース済み", "Released" },
	{ "s_deleted", "削除済み", "Deleted" },
	{ "s_unlocked", "書庫を開いて配送済み", "Archive opened and delivered" },
	{ "s_pending", "申請中", "Requested" },
	{ "s_approved", "承認済み", "Approved" },
	{ "s_denied", "却下", "Denied" },
	{ "viewer", "閲覧者", "Viewer" },
	{ "operator", "担当者", "Operator" },
	{ "admin", "管理者", "Administrator" },
	{ "confirm_title", "承認してリリースの確認", "Confirm approval and release" },
	{ "confirm_warning", "承認すると、隔離された原本をそのまま元の宛先に配送します。"
	  "取り消せません。内容と申請理由を確認してください。",
	  "Approving delivers the held original as it is to its recipients. This cannot "
	  "be undone. Check the item and the reason." },
	{ "confirm_button", "確認して承認・リリース", "Approve and release" },
	{ "since", "受信日(から)", "Received from" },
	{ "until", "受信日(まで)", "Received until" },
	{ "held_count", "保留中のアイテム", "Items held" },
	{ "pending_count", "承認待ちの申請", "Requests waiting for approval" },
	{ "total", "件", "items" },
};

const char *
T(const web_req *r, const char *key)
{
	bool en = r != NULL && r->lang != NULL && strcmp(r->lang, "en") == 0;

	const char *more;

	for (gsize i = 0; i < G_N_ELEMENTS(msgs); i++)
		if (strcmp(msgs[i].key, key) == 0)
			return en ? msgs[i].en : msgs[i].ja;
	more = web_msg_more(key, en);
	return more != NULL ? more : key;
}

void
web_esc(GString *out, const char *s)
{
	char *valid;

	if (s == NULL)
		return;
	valid = g_utf8_make_valid(s, -1);
	for (const char *p = valid; *p; p++) {
		switch (*p) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&#39;"); break;
		default:
			if ((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t')
				g_string_append_c(out, *p);
		}
	}
	g_free(valid);
}

void
web_printf(web_req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_string_append_vprintf(r->out, fmt, ap);
	va_end(ap);
}

void
web_put(web_req *r, const char *s)
{
	web_esc(r->out, s);
}

void
web_header(web_req *r, const char *name, const char *value)
{
	g_ptr_array_add(r->headers, g_strdup(name));
	g_ptr_array_add(r->headers, g_strdup(value));
}

static void
nav_link(web_req *r, const char *href, const char *key)
{
	web_printf(r, "<a href=\"%s\">", href);
	web_put(r, T(r, key));
	web_printf(r, "</a> ");
}

void
web_begin(web_req *r, const char *title)
{
	web_printf(r, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	           "<link rel=\"stylesheet\" href=\"/static/style.css\"><title>",
	           strcmp(r->lang, "en") == 0 ? "en" : "ja");
	web_put(r, title);
	web_printf(r, " - mukaika</title></head><body><header><b>");
	web_put(r, T(r, "app"));
	web_printf(r, "</b> <nav>");
	if (r->sess != NULL && !r->sess->must_change) {
		nav_link(r, "/dashboard", "dashboard");
		nav_link(r, "/items", "items");
		nav_link(r, "/approvals", "approvals");
		nav_link(r, "/audit", "audit");
		if (mk_urole_can(r->sess->role, MK_PERM_ADMIN)) {
			nav_link(r, "/users", "users");
			nav_link(r, "/exceptions", "exceptions");
		}
	}
	web_printf(r, "<a href=\"?lang=%s\">", strcmp(r->lang, "en") == 0 ? "ja" : "en");
	web_put(r, T(r, "lang_other"));
	web_printf(r, "</a></nav>");
	if (r->sess != NULL) {
		web_printf(r, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
		web_csrf_field(r);
		web_printf(r, "<span class=\"who\" id=\"who\">");
		web_put(r, r->sess->user);
		web_printf(r, " (%s)</span> <button type=\"submit\">", mk_urole_name(r->sess->role));
		web_put(r, T(r, "logout"));
		web_printf(r, "</button></form>");
	}
	web_printf(r, "</header><main><h1>");
	web_put(r, title);
	web_printf(r, "</h1>\n");
}

void
web_end(web_req *r)
{
	web_printf(r, "</main></body></html>\n");
}

void
web_csrf_field(web_req *r)
{
	web_printf(r, "<input type=\"hidden\" name=\"csrf\" value=\"");
	web_put(r, r->sess != NULL ? r->sess->csrf : "");
	web_printf(r, "\">");
}

void
web_time(web_req *r, gint64 t)
{
	GDateTime *u = t > 0 ? g_date_time_new_from_unix_utc(t) : NULL;
	GDateTime *l = u != NULL ? (r->ctx->tz != NULL ? g_date_time_to_timezone(u, r->ctx->tz)
	                                                : g_date_time_to_utc(u)) : NULL;
	char *s = l != NULL ? g_date_time_format(l, "%Y-%m-%d %H:%M:%S %Z") : g_strdup("-");

	web_put(r, s);
	g_free(s);
	if (l != NULL)
		g_date_time_unref(l);
	if (u != NULL)
		g_date_time_unref(u);
}

/* CODE (a verdict, a status) in the page's language with the code small
 * beside it; the message key is PREFIX CODE.  Unknown codes as they are. */
void
web_label(web_req *r, const char *prefix, const char *code)
{
	char key[64];
	const char *t;

	if (code == NULL || *code == '\0')
		return;
	g_snprintf(key, sizeof key, "%s%s", prefix, code);
	t = T(r, key);
	if (strcmp(t, key) != 0) {
		web_put(r, t);
		web_printf(r, " ");
	}
	web_printf(r, "<small class=\"code\">");
	web_put(r, code);
	web_printf(r, "</small>");
}

/* A comma list of finding codes, each described (finding.c) with its code. */
void
web_findings(web_req *r, const char *csv)
{
	char **fs = g_strsplit(csv != NULL ? csv : "", ",", -1);
	bool first = true;

	for (char **p = fs; *p; p++) {
		int c;

		if (**p == '\0')
			continue;
		if (!first)
			web_printf(r, "<br>");
		first = false;
		if ((c = mk_finding_parse(*p)) >= 0) {
			web_put(r, mk_finding_text((mk_finding_code)c, r->lang));
			web_printf(r, " ");
		}
		web_printf(r, "<small class=\"code\">");
		web_put(r, *p);
		web_printf(r, "</small>");
	}
	g_strfreev(fs);
}

void
web_error(web_req *r, int status, const char *msg_key)
{
	g_string_truncate(r->out, 0);
	r->status = status;
	web_begin(r, T(r, msg_key));
	web_printf(r, "<p class=\"error\" id=\"error\">");
	web_put(r, T(r, msg_key));
	web_printf(r, "</p>");
	web_end(r);
}

void
web_redirect(web_req *r, const char *to)
{
	r->status = 303;
	web_header(r, "Location", to);
}

const char *
web_field(const web_req *r, const char *name)
{
	const char *v = r->form != NULL ? g_hash_table_lookup(r->form, name) : NULL;

	return v != NULL ? v : "";
}

const char *
web_arg(const web_req *r, const char *name)
{
	const char *v = r->query != NULL ? g_hash_table_lookup(r->query, name) : NULL;

	return v != NULL ? v : "";
}

gint64
web_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

void
web_audit(web_req *r, const char *what, const char *item, const char *result,
          const char *detail)
{
	(void)mk_audit_add(r->q, web_now(),
	                   r->sess != NULL ? r->sess->user : "-", r->ip, what, item,
	                   result, detail, NULL);
}

const char web_css[] =
	"body{font-family:'IPAGothic','IPAexGothic',sans-serif;margin:0;color:#222}"
	"header{background:#234;color:#fff;padding:.5em 1em;display:flex;gap:1em;"
	"align-items:center;flex-wrap:wrap}header a{color:#cde;margin-right:.6em}"
	"main{padding:1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;"
	"padding:.2em .5em;text-align:left;vertical-align:top}th{background:#eef}"
	".banner{border:2px solid #a00;padding:.6em;background:#fee;max-width:40em}"
	".error{color:#a00;font-weight:bold}.ok{color:#060;font-weight:bold}"
	"pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em;max-width:60em}"
	"form.inline{display:inline}.logout{margin-left:auto}label{display:block;margin:.3em 0}"
	".bar{fill:#468}.axis{font-size:10px}small.code{color:#666;font-size:75%}"
	"#counts td{font-size:150%;text-align:right}";
