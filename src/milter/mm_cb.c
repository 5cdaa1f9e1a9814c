/*
 * NAME
 *   mm_cb - libmilter callbacks of mukaika-milter
 *
 * SUMMARY
 *   struct smfiDesc mm_filter;
 *
 * DESCRIPTION
 *   The callbacks only collect: client address, sender, recipients, headers
 *   (kept for the header edits and written to the spool), body chunks (written
 *   to the spool).  The spool is a private temp file under milter.spool_dir,
 *   unlinked as soon as it is created, so nothing is left behind by a crash.
 *   At end of message the spool is read back (bounded by
 *   limits.max_message_size), the engine runs, and the verdict becomes:
 *     pass/cleaned/stripped  -> headers edited, body replaced (mm_apply.c)
 *     quarantined            -> milter.quarantine_mode: notice (deliver the
 *                               notice-only output) | discard | reject
 *     rejected               -> 550 5.7.1 REASON
 *     tempfail, any failure  -> 451 4.7.1
 *   A SIZE= above the cap at MAIL FROM, or spooled bytes above it, -> 552 5.3.4.
 *   The route (mm_route.c) is decided at end of message from the client
 *   address and the SMTP AUTH identity ({auth_authen}, asked for at
 *   negotiation with smfi_setsymlist), narrowed by the envelope sender.
 *   One log line per message: queue id, message id, sender, recipient count,
 *   route, verdict, actions, report id, milliseconds.
 *
 * NEVER
 *   Never accepts a message unchanged: a forwarded verdict always replaces the
 *   body, and every error path tempfails.
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "report.h"
#include "util.h"
#include "mm.h"

#define CONN(ctx) ((mm_conn *)smfi_getpriv(ctx))

static void
hdr_free(gpointer p)
{
	mm_hdr *h = p;

	g_free(h->name);
	g_free(h->value);
	g_free(h);
}

static void
msg_reset(mm_msg *m)
{
	mm_engine_put(&m->eng);
	g_clear_pointer(&m->sender, g_free);
	g_clear_pointer(&m->auth_authen, g_free);
	g_clear_pointer(&m->rcpts, g_ptr_array_unref);
	g_clear_pointer(&m->hdrs, g_ptr_array_unref);
	g_clear_pointer(&m->message_id, g_free);
	if (m->spool)
		fclose(m->spool);
	memset(m, 0, sizeof *m);
}

static void
msg_fail(mm_msg *m, const char *why)
{
	if (!m->failed)
		g_strlcpy(m->fail_reason, why, sizeof m->fail_reason);
	m->failed = true;
}

static sfsistat
reply(SMFICTX *ctx, const char *code, const char *xcode, const char *text,
      sfsistat st)
{
	char *t = mm_reply_text(text);

	smfi_setreply(ctx, (char *)code, (char *)xcode, t);
	g_free(t);
	return st;
}

static sfsistat
tempfail(SMFICTX *ctx)
{
	return reply(ctx, "451", "4.7.1",
	             "Message cannot be checked now, try again later", SMFIS_TEMPFAIL);
}

static void log_message(SMFICTX *ctx, const mm_msg *m, const mk_result *r,
                        const char *what);

/* Refused before the end of the message: its one log line is written here. */
static sfsistat
too_big(SMFICTX *ctx, const mm_msg *m)
{
	log_message(ctx, m, NULL, "too-big");
	return reply(ctx, "552", "5.3.4", "Message size exceeds fixed maximum message size",
	             SMFIS_REJECT);
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
             unsigned long f2, unsigned long f3, unsigned long *pf0,
             unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	mm_conn *c = g_new0(mm_conn, 1);
	unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY;

	c->can_modify = (f0 & want) == want;
	c->leadspc = (f1 & SMFIP_HDR_LEADSPC) != 0;
	*pf0 = f0 & want;
	/* the route needs the SMTP AUTH identity at MAIL FROM (mm_route.h) */
	if ((f0 & SMFIF_SETSYMLIST) &&
	    smfi_setsymlist(ctx, SMFIM_ENVFROM, (char *)MM_ENVFROM_MACROS) == MI_SUCCESS)
		*pf0 |= SMFIF_SETSYMLIST;
	*pf1 = (f1 & (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA |
	              SMFIP_HDR_LEADSPC));
	*pf2 = 0;
	*pf3 = 0;
	smfi_setpriv(ctx, c);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	mm_conn *c = CONN(ctx);
	char buf[INET6_ADDRSTRLEN] = "";

	if (c == NULL) {           /* MTA without negotiation (protocol < 6) */
		c = g_new0(mm_conn, 1);
		smfi_setpriv(ctx, c);
	}
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)sa)->sin_addr, buf, sizeof buf);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)sa)->sin6_addr, buf, sizeof buf);
	g_free(c->client_ip);
	c->client_ip = g_strdup(buf);
	return SMFIS_CONTINUE;
}

static gint64
esmtp_size(char **argv)
{
	for (int i = 1; argv && argv[i]; i++)
		if (g_ascii_strncasecmp(argv[i], "SIZE=", 5) == 0)
			return g_ascii_strtoll(argv[i] + 5, NULL, 10);
	return -1;
}

static bool
spool_open(mm_msg *m)
{
	mk_error err = {0};
	char *dir = mk_config_state_path(m->eng->cfg, m->eng->cfg->milter.spool_dir, "spool");
	char *tmpl = g_build_filename(dir, "mm-XXXXXX", NULL);
	int fd = -1;

	if (mk_mkdir_p(dir, 0700, &err) == 0)
		fd = mkstemp(tmpl);
	if (fd >= 0) {
		unlink(tmpl);
		m->spool = fdopen(fd, "w+");
		if (m->spool == NULL)
			close(fd);
	}
	if (m->spool == NULL)
		mk_log(MK_LOG_ERROR, NULL, "spool %s: %s", dir,
		       err.code ? err.msg : g_strerror(errno));
	g_free(tmpl);
	g_free(dir);
	return m->spool != NULL;
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	mm_conn *c = CONN(ctx);
	mm_msg *m = &c->msg;
	gint64 size = esmtp_size(argv);
	const char *auth;

	msg_reset(m);
	m->start_us = g_get_monotonic_time();
	m->sender = g_strdup(argv && argv[0] ? argv[0] : "<>");
	g_strdelimit(m->sender, "<>", ' ');
	g_strstrip(m->sender);
	auth = smfi_getsymval(ctx, (char *)"{auth_authen}");
	m->auth_authen = auth != NULL && *auth != '\0' ? g_strdup(auth) : NULL;
	m->rcpts = g_ptr_array_new_with_free_func(g_free);
	m->hdrs = g_ptr_array_new_with_free_func(hdr_free);
	m->eng = mm_engine_get();
	if (m->eng == NULL) {
		log_message(ctx, m, NULL, "tempfail");
		return tempfail(ctx);
	}
	if (size > m->eng->cfg->limits.max_message_size)
		return too_big(ctx, m);
	if (!spool_open(m))
		msg_fail(m, "spool unavailable");
	return SMFIS_CONTINUE;
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	mm_msg *m = &CONN(ctx)->msg;
	char *r = g_strdup(argv && argv[0] ? argv[0] : "");

	g_strdelimit(r, "<>", ' ');
	g_strstrip(r);
	if (m->rcpts)
		g_ptr_array_add(m->rcpts, r);
	else
		g_free(r);
	return SMFIS_CONTINUE;
}

/* Append to the spool; false (and the message fails) on I/O error. */
static bool
spool_put(mm_msg *m, const void *p, size_t n)
{
	if (m->failed || m->spool == NULL)
		return false;
	if (n > 0 && fwrite(p, 1, n, m->spool) != n) {
		msg_fail(m, "spool write failed");
		return false;
	}
	m->size += (gint64)n;
	return true;
}

static bool
over_cap(const mm_msg *m)
{
	return m->eng && m->size > m->eng->cfg->limits.max_message_size;
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	mm_msg *m = &CONN(ctx)->msg;
	mm_hdr *h;
	GString *line;

	if (m->hdrs == NULL)
		return tempfail(ctx);
	h = g_new0(mm_hdr, 1);
	h->name = g_strdup(name);
	h->value = g_strdup(value ? value : "");
	g_ptr_array_add(m->hdrs, h);
	if (m->message_id == NULL && g_ascii_strcasecmp(name, "Message-ID") == 0)
		m->message_id = g_strstrip(g_strdup(h->value));
	line = g_string_new(name);
	g_string_append_c(line, ':');
	if (!CONN(ctx)->leadspc)
		g_string_append_c(line, ' ');
	for (const char *p = h->value; *p; p++) {
		if (*p == '\n' && (p == h->value || p[-1] != '\r'))
			g_string_append_c(line, '\r');
		g_string_append_c(line, *p);
	}
	g_string_append(line, "\r\n");
	spool_put(m, line->str, line->len);
	g_string_free(line, TRUE);
	return over_cap(m) ? too_big(ctx, m) : SMFIS_CONTINUE;
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	mm_msg *m = &CONN(ctx)->msg;

	spool_put(m, "\r\n", 2);
	m->in_body = true;
	return over_cap(m) ? too_big(ctx, m) : SMFIS_CONTINUE;
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	mm_msg *m = &CONN(ctx)->msg;

	spool_put(m, chunk, len);
	return over_cap(m) ? too_big(ctx, m) : SMFIS_CONTINUE;
}

/* Read the spooled message back (bounded). */
static GBytes *
spool_read(mm_msg *m, mk_error *err)
{
	if (m->failed || m->spool == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "%s", m->failed ? m->fail_reason : "no spool");
		return NULL;
	}
	if (fflush(m->spool) != 0 || fseek(m->spool, 0, SEEK_SET) != 0) {
		mk_error_set(err, MK_ERR_IO, "spool: %s", g_strerror(errno));
		return NULL;
	}
	return mk_read_fd(fileno(m->spool), m->eng->cfg->limits.max_message_size, err);
}

static void
log_message(SMFICTX *ctx, const mm_msg *m, const mk_result *r, const char *what)
{
	const char *qid = smfi_getsymval(ctx, "i");
	char *mid = mk_log_escape(m->message_id ? m->message_id : "-", 200);
	char *from = mk_log_escape(m->sender ? m->sender : "-", 200);
	char *act = mk_log_escape(r && r->actions ? r->actions : "-", 200);
	char *findings = r && r->root ? mk_report_findings(r->root) : NULL;
	gint64 now = g_get_monotonic_time();

	mk_log(MK_LOG_INFO, r ? r->id : NULL,
	       "queue=%s msgid=%s from=<%s> nrcpt=%u route=%s verdict=%s "
	       "actions=\"%s\" report=%s ms=%" G_GINT64_FORMAT,
	       qid ? qid : "-", mid, from, m->rcpts ? m->rcpts->len : 0,
	       m->outbound ? "outbound" : "inbound", what, act,
	       r && r->id ? r->id : "-", (now - m->start_us) / 1000);
	mk_metrics_item(mm_metrics, what, m->eom_us ? (now - m->eom_us) / 1000 : 0, findings);
	g_free(findings);
	g_free(mid);
	g_free(from);
	g_free(act);
}

static sfsistat
decide(SMFICTX *ctx, mm_conn *c, mk_result *r, const char **what)
{
	const mk_config *cfg = c->msg.eng->cfg;
	const char *qmode = cfg->milter.quarantine_mode ? cfg->milter.quarantine_mode : "notice";
	mk_error err = {0};

	*what = mk_verdict_name(r->verdict);
	switch (r->verdict) {
	case MK_V_PASS:
	case MK_V_CLEANED:
	case MK_V_STRIPPED:
		break;
	case MK_V_QUARANTINED:
		if (strcmp(qmode, "discard") == 0)
			return SMFIS_DISCARD;
		if (strcmp(qmode, "reject") == 0)
			return reply(ctx, "550", "5.7.1", r->reason, SMFIS_REJECT);
		break;
	case MK_V_REJECTED:
		return reply(ctx, "550", "5.7.1", r->reason, SMFIS_REJECT);
	default:
		mk_log(MK_LOG_WARNING, r->id, "tempfail: %s", r->reason ? r->reason : "-");
		return tempfail(ctx);
	}
	if (mm_apply_output(ctx, c, r->output, &err) != 0) {
		mk_log(MK_LOG_ERROR, r->id, "cannot apply output: %s", err.msg);
		*what = "tempfail";
		return tempfail(ctx);
	}
	return SMFIS_CONTINUE;
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	mm_conn *c = CONN(ctx);
	mm_msg *m = &c->msg;
	mk_error err = {0};
	mk_result *r = NULL;
	GBytes *data = NULL;
	char *rcpts = NULL;
	const char *what = "tempfail";
	sfsistat st = SMFIS_TEMPFAIL;
	int rc;

	m->eom_us = g_get_monotonic_time();
	if (m->eng == NULL || mk_engine_ready(m->eng->engine, &err) != 0)
		goto fail;
	if (over_cap(m)) {
		st = too_big(ctx, m);   /* writes the log line */
		goto done;
	}
	data = spool_read(m, &err);
	if (data == NULL)
		goto fail;
	g_ptr_array_add(m->rcpts, NULL);
	rcpts = g_strjoinv(",", (char **)m->rcpts->pdata);
	g_ptr_array_remove_index(m->rcpts, m->rcpts->len - 1);
	mm_route_in route = {
		.client_ip = c->client_ip, .auth_authen = m->auth_authen, .sender = m->sender,
	};
	m->outbound = mm_route_outbound(m->eng->cfg, &route);
	mk_input in = {
		.data = data, .mode = MK_MODE_MAIL, .channel = "mail",
		.sender = m->sender, .recipients = rcpts, .inbound_only_av = m->outbound,
	};
	mk_metrics_begin(mm_metrics);
	rc = mk_engine_process(m->eng->engine, &in, &r, &err);
	mk_metrics_end(mm_metrics);
	if (rc != 0 || r == NULL)
		goto fail;
	st = decide(ctx, c, r, &what);
	goto out;
fail:
	mk_log(MK_LOG_WARNING, NULL, "tempfail: %s", err.code ? err.msg : "engine unavailable");
	st = tempfail(ctx);
out:
	log_message(ctx, m, r, what);
done:
	mk_result_free(&r);
	if (data)
		g_bytes_unref(data);
	g_free(rcpts);
	msg_reset(m);
	return st;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	mm_conn *c = CONN(ctx);

	if (c)
		msg_reset(&c->msg);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	mm_conn *c = CONN(ctx);

	if (c) {
		msg_reset(&c->msg);
		g_free(c->client_ip);
		g_free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

struct smfiDesc mm_filter = {
	.xxfi_name = "mukaika-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY,
	.xxfi_connect = cb_connect,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};
