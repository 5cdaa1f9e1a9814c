/*
 * NAME
 *   revmail - review notifications by mail (revmail.h)
 *
 * NEVER
 *   Never attaches or quotes the original; never lets a failed mail undo
 *   or hold up the decision it reports (one attempt, release.timeout_s).
 */
#include <string.h>

#include "audit.h"
#include "log.h"
#include "revmail.h"
#include "release.h"
#include "review.h"

#define LINE_MAX_CHARS 200      /* one field of the body, in characters */

/* S as one line: control characters (CR, LF, tabs...) become spaces, cut
 * to LINE_MAX_CHARS characters; "-" when empty.  Caller frees. */
static char *
one_line(const char *s)
{
	char *v = g_utf8_make_valid(s != NULL && *s ? s : "-", -1);
	GString *g = g_string_new(NULL);
	glong n = 0;

	for (const char *p = v; *p && n < LINE_MAX_CHARS; p = g_utf8_next_char(p), n++) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029)
			g_string_append_c(g, ' ');
		else
			g_string_append_unichar(g, c);
	}
	g_free(v);
	return g_string_free(g, FALSE);
}

static void
field(GString *m, const char *ja, const char *en, const char *v)
{
	char *l = one_line(v);

	g_string_append_printf(m, "%s / %s: %s\r\n", ja, en, l);
	g_free(l);
}

static const char *
helo_of(const mk_config *cfg)
{
	return *cfg->release.helo ? cfg->release.helo
	       : *cfg->general.hostname ? cfg->general.hostname : "localhost";
}

/* notify.from, else mukaika@HOST (caller frees). */
static char *
from_of(const mk_config *cfg)
{
	return *cfg->notify.from ? g_strdup(cfg->notify.from)
	       : g_strdup_printf("mukaika@%s", *cfg->general.hostname ? cfg->general.hostname
	                         : g_get_host_name());
}

char *
mk_revmail_message(const mk_config *cfg, const mk_request *r, bool decided,
                  const char *to)
{
	bool del = g_strcmp0(r->kind, "delete") == 0;
	const char *ja = decided ? (strcmp(r->status, "denied") == 0 ? "却下されました"
	                            : "承認されました")
	                 : "承認待ちの申請があります";
	const char *en = decided ? (strcmp(r->status, "denied") == 0 ? "denied" : "approved")
	                 : "waiting for approval";
	char *subj = g_strdup_printf("[mukaika] %s%s #%" G_GINT64_FORMAT " (%s)",
	                             del ? "削除申請" : "リリース申請", ja, r->id, en);
	char *b64 = g_base64_encode((const guchar *)subj, strlen(subj));
	GString *m = g_string_new(NULL);
	GDateTime *now = g_date_time_new_now_utc();
	char *date = g_date_time_format(now, "%a, %d %b %Y %H:%M:%S +0000");
	char num[24], *from = from_of(cfg);

	g_string_append_printf(m, "From: %s\r\nTo: %s\r\nDate: %s\r\n"
	                       "Subject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\n"
	                       "Content-Type: text/plain; charset=utf-8\r\n"
	                       "Content-Transfer-Encoding: 8bit\r\n"
	                       "Auto-Submitted: auto-generated\r\n\r\n",
	                       from, to, date, b64);
	g_free(from);
	g_snprintf(num, sizeof num, "%" G_GINT64_FORMAT, r->id);
	field(m, "申請番号", "Request", num);
	field(m, "種類", "Kind", del ? "削除 (delete)" : "原本のリリース (release of the original)");
	field(m, "状態", "Status", decided ? ja : "承認待ち (pending)");
	field(m, "隔離アイテム", "Item", r->item);
	field(m, "件名/ファイル名", "Subject", r->subject);
	field(m, "申請者", "Requester", r->requester);
	field(m, "理由", "Reason", r->reason);
	if (decided) {
		field(m, "判断した人", "Decided by", r->approver);
		field(m, "コメント", "Comment", r->comment);
	} else {
		g_string_append(m, "\r\n申請者以外の承認者が mukaika-web の「承認待ち」で判断してください。\r\n"
		                "Another approver decides it on the Approvals page of mukaika-web.\r\n");
	}
	g_free(date);
	g_date_time_unref(now);
	g_free(b64);
	g_free(subj);
	return g_string_free(m, FALSE);
}

static int
send(mk_store *q, const mk_config *cfg, const mk_request *r, bool decided,
     char **rcpts)
{
	char *to = g_strjoinv(", ", rcpts);
	char *msg = mk_revmail_message(cfg, r, decided, to);
	GBytes *b = g_bytes_new_take(msg, strlen(msg));
	char *from = from_of(cfg);
	mk_error err = { 0 };
	int rc;

	rc = mk_smtp_send(*cfg->notify.smtp_relay ? cfg->notify.smtp_relay
	                  : cfg->release.smtp_relay, helo_of(cfg), from, rcpts, b,
	                  cfg->release.timeout_s, &err);
	g_free(from);
	if (rc != 0)
		mk_log(MK_LOG_WARNING, r->item, "notification for request %" G_GINT64_FORMAT
		       " not sent: %s", r->id, err.msg);
	(void)mk_audit_add(q, g_get_real_time() / G_USEC_PER_SEC, "system", "local",
	                   "notify.send", r->item, rc == 0 ? "ok" : "failed",
	                   rc == 0 ? to : err.msg, NULL);
	g_bytes_unref(b);
	g_free(to);
	return rc;
}

/* The non-empty, trimmed addresses of a comma list. */
static char **
addresses(const char *list)
{
	char **v = g_strsplit(list != NULL ? list : "", ",", -1);
	GPtrArray *a = g_ptr_array_new();

	for (char **p = v; *p; p++) {
		g_strstrip(*p);
		if (**p != '\0' && strchr(*p, '@') != NULL && strpbrk(*p, "<>\r\n ") == NULL)
			g_ptr_array_add(a, g_strdup(*p));
	}
	g_strfreev(v);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

static int
notify(mk_store *q, const mk_config *cfg, gint64 req_id, bool decided)
{
	mk_request *r = NULL;
	mk_error err = { 0 };
	char **rcpts = NULL;
	int rc = 0;

	if (mk_review_get(q, req_id, &r, &err) != 0)
		return 0;
	if (!decided) {
		rcpts = addresses(cfg->notify.approvers);
	} else if (*cfg->notify.account_domain != '\0') {
		char *a = g_strdup_printf("%s@%s", r->requester, cfg->notify.account_domain);

		rcpts = addresses(a);
		g_free(a);
	}
	if (rcpts != NULL && rcpts[0] != NULL)
		rc = send(q, cfg, r, decided, rcpts);
	g_strfreev(rcpts);
	mk_request_free(&r);
	return rc;
}

int
mk_revmail_request(mk_store *q, const mk_config *cfg, gint64 req_id)
{
	return notify(q, cfg, req_id, false);
}

int
mk_revmail_decision(mk_store *q, const mk_config *cfg, gint64 req_id)
{
	return notify(q, cfg, req_id, true);
}
