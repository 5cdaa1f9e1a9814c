/*
 * NAME
 *   notify - mail a text to the administrators (see notify.h)
 *
 * NEVER
 *   Puts bytes of a processed item into the mail, or sends to an address
 *   that is not in notify.admins.
 */
#include "notify.h"

#include <string.h>

#include "release.h"

/* Base64 body lines (RFC 2045: at most 76 characters). */
#define NOTIFY_B64_LINE 76

static const char *
host_name(const mk_config *cfg)
{
	return *cfg->general.hostname ? cfg->general.hostname : g_get_host_name();
}

char *
mk_notify_from(const mk_config *cfg)
{
	if (*cfg->notify.from)
		return g_strdup(cfg->notify.from);
	return g_strdup_printf("mukaika@%s", host_name(cfg));
}

/* The addresses of notify.admins (comma, semicolon or blank separated). */
static GPtrArray *
admins(const mk_config *cfg)
{
	char **v = g_strsplit_set(cfg->notify.admins, ",; \t", -1);
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

	for (char **p = v; *p; p++)
		if (**p)
			g_ptr_array_add(a, g_strdup(*p));
	g_strfreev(v);
	return a;
}

static bool
addr_ok(const char *a)
{
	const char *at = strchr(a, '@');

	return at != NULL && at != a && at[1] != '\0' && strlen(a) < 256 &&
	       strpbrk(a, "\r\n<>()\",:\\ ") == NULL && g_utf8_validate(a, -1, NULL);
}

/* RFC 5322 date in UTC, English names whatever the locale. */
static char *
rfc_date(gint64 now)
{
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };
	GDateTime *d = g_date_time_new_from_unix_utc(now);
	char *s;

	if (d == NULL)
		return g_strdup("Thu, 01 Jan 1970 00:00:00 +0000");
	s = g_strdup_printf("%s, %02d %s %04d %02d:%02d:%02d +0000",
	                    wd[g_date_time_get_day_of_week(d) - 1], g_date_time_get_day_of_month(d),
	                    mo[g_date_time_get_month(d) - 1], g_date_time_get_year(d),
	                    g_date_time_get_hour(d), g_date_time_get_minute(d),
	                    g_date_time_get_second(d));
	g_date_time_unref(d);
	return s;
}

/* SUBJECT as one or more RFC 2047 B words (whole characters per word). */
static void
put_subject(GString *m, const char *subject)
{
	const char *p = subject;

	g_string_append(m, "Subject:");
	while (*p) {
		const char *q = p;
		char *b64;

		while (*q && q - p < 39)   /* 39 bytes -> 52 base64 chars per word */
			q = g_utf8_next_char(q);
		b64 = g_base64_encode((const guchar *)p, (gsize)(q - p));
		g_string_append_printf(m, "%s=?UTF-8?B?%s?=", p == subject ? " " : "\r\n ", b64);
		g_free(b64);
		p = q;
	}
	g_string_append(m, "\r\n");
}

char *
mk_notify_message(const mk_config *cfg, const char *kind, const char *subject,
                  const char *text, gint64 now)
{
	GPtrArray *to = admins(cfg);
	GString *m = g_string_new(NULL);
	char *from = mk_notify_from(cfg), *date = rfc_date(now), *uuid = g_uuid_string_random();
	char *valid = g_utf8_make_valid(text, -1);
	char *b64 = g_base64_encode((const guchar *)valid, strlen(valid));
	char *safe_subject = g_utf8_make_valid(subject, -1);
	size_t n = strlen(b64);

	g_strdelimit(safe_subject, "\r\n", ' ');
	g_string_append_printf(m, "From: mukaika <%s>\r\nTo: ", from);
	for (guint i = 0; i < to->len; i++)
		g_string_append_printf(m, "%s%s", i ? ",\r\n " : "", (char *)to->pdata[i]);
	g_string_append(m, "\r\n");
	put_subject(m, safe_subject);
	g_string_append_printf(m, "Date: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
	                       "Content-Type: text/plain; charset=utf-8\r\n"
	                       "Content-Transfer-Encoding: base64\r\n"
	                       "Auto-Submitted: auto-generated\r\nX-Mukaika-Notice: %s\r\n\r\n",
	                       date, uuid, host_name(cfg), kind);
	for (size_t i = 0; i < n; i += NOTIFY_B64_LINE) {
		g_string_append_len(m, b64 + i, (gssize)MIN((size_t)NOTIFY_B64_LINE, n - i));
		g_string_append(m, "\r\n");
	}
	g_free(safe_subject);
	g_free(b64);
	g_free(valid);
	g_free(uuid);
	g_free(date);
	g_free(from);
	g_ptr_array_unref(to);
	return g_string_free(m, FALSE);
}

int
mk_notify_admins(const mk_config *cfg, const char *kind, const char *subject,
                 const char *text, gint64 now, mk_error *err)
{
	GPtrArray *to = admins(cfg);
	const char *relay = *cfg->notify.smtp_relay ? cfg->notify.smtp_relay
	                    : cfg->release.smtp_relay;
	const char *helo = *cfg->release.helo ? cfg->release.helo : host_name(cfg);
	char *from = mk_notify_from(cfg), *msg = NULL;
	GBytes *data = NULL;
	int rc = 1;

	if (to->len == 0)
		goto out;
	rc = MK_ERR_CONFIG;
	if (!addr_ok(from)) {
		mk_error_set(err, MK_ERR_CONFIG, "notify.from: unusable address");
		goto out;
	}
	for (guint i = 0; i < to->len; i++)
		if (!addr_ok(to->pdata[i])) {
			mk_error_set(err, MK_ERR_CONFIG, "notify.admins: unusable address #%u", i + 1);
			goto out;
		}
	msg = mk_notify_message(cfg, kind, subject, text, now);
	data = g_bytes_new_take(msg, strlen(msg));
	g_ptr_array_add(to, NULL);
	rc = mk_smtp_send(relay, helo, from, (char *const *)to->pdata, data,
	                  cfg->release.timeout_s, err);
out:
	if (data)
		g_bytes_unref(data);
	g_free(from);
	g_ptr_array_unref(to);
	return rc;
}
