/*
 * NAME
 *   mukaika-web - review UI for the quarantine (libmicrohttpd)
 *
 * SYNOPSIS
 *   mukaika-web [--foreground] [--config FILE] [--pidfile FILE]
 *   mukaika-web --check [--config FILE]
 *   mukaika-web --help | --version
 *
 * DESCRIPTION
 *   The hooks of the common daemon skeleton (mk_daemon_main, daemon.h):
 *     pre_drop   (root) web.listen checked and bound, the TLS certificate
 *                and key read (web.tls_cert, web.tls_key: files only root
 *                may read stay so), general.state_dir created for
 *                general.user when missing;
 *     post_drop  (general.user) the quarantine store opened;
 *     serve      the pages of web.h until SIGTERM/SIGINT.
 *   Plain HTTP is served on a loopback address only: any other web.listen
 *   without TLS, only one of the two keys, an unreadable or garbled PEM
 *   file or a key that does not belong to the certificate stop the program
 *   (78) before it listens; it never falls back to plain HTTP.
 *   The first account is made with `mukaika user add --role admin NAME`.
 *
 * EXIT STATUS
 *   mk_exit.h: 0 after a signal, 64 usage, 73 log.file, pidfile or state
 *   directory, 75 store unavailable or cannot listen, 78 configuration
 *   (TLS material included; general.user missing or empty when started as
 *   root), 71 privileges cannot be dropped.
 */
#include <gmime/gmime.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "web.h"

static volatile sig_atomic_t stop_flag;
static web_ctx ctx = { .lfd = -1 };

static void
on_signal(int sig)
{
	stop_flag = sig;
}

static int
exit_code(const mk_error *err)
{
	return err->code == MK_ERR_CONFIG ? MK_EXIT_CONFIG : MK_EXIT_TEMPFAIL;
}

static int
pre_drop(mk_daemon *d)
{
	mk_error err = { 0 };
	char *db;
	int rc;

	if (sodium_init() < 0)
		return MK_EXIT_SOFTWARE;
	ctx.cfg = d->cfg;
	/* either key set means TLS; web_listen refuses a half configuration */
	ctx.tls = *ctx.cfg->web.tls_cert != '\0' || *ctx.cfg->web.tls_key != '\0';
	mk_auth_policy_from(ctx.cfg, &ctx.pol);
	if ((rc = mk_daemon_dir(d, ctx.cfg->general.state_dir, 0750, "general.state_dir",
	                        true, MK_EXIT_CANTCREAT)) != 0)
		return rc;
	db = mk_config_state_path(ctx.cfg, ctx.cfg->quarantine.db, "mukaika.db");
	mk_daemon_file(d, db, "quarantine.db", MK_EXIT_CANTCREAT);
	g_free(db);
	if (web_listen(&ctx, &err) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		return exit_code(&err);
	}
	return 0;
}

static int
post_drop(mk_daemon *d)
{
	mk_error err = { 0 };

	(void)d;
	g_mime_init();
	if ((ctx.q = mk_store_open(ctx.cfg, &err)) == NULL) {
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		return MK_EXIT_TEMPFAIL;
	}
	if (mk_audit_config_load(ctx.q, ctx.cfg, "mukaika-web", false, web_now(), &err) != 0)
		mk_log(MK_LOG_WARNING, NULL, "config.load not audited: %s", err.msg);
	return 0;
}

static int
serve(mk_daemon *d)
{
	struct sigaction sa = { .sa_handler = on_signal };
	mk_error err = { 0 };

	(void)d;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (web_serve(&ctx, (volatile int *)&stop_flag, &err) != 0) {
		mk_log(MK_LOG_ERROR, NULL, "%s", err.msg);
		return exit_code(&err);
	}
	return MK_EXIT_OK;
}

static void
cleanup(mk_daemon *d)
{
	(void)d;
	mk_engine_free(&ctx.engine);
	mk_store_close(&ctx.q);
	web_tls_clear(&ctx.tlsm);
	if (ctx.lfd >= 0)
		close(ctx.lfd);
	ctx.cfg = NULL;   /* borrowed from the skeleton */
}

int
main(int argc, char **argv)
{
	static const mk_daemon_hooks h = {
		.prog = "mukaika-web",
		.param = "- mukaika review UI",
		.summary = "Review UI for the mukaika quarantine: listens on web.listen, HTTPS "
		           "when web.tls_cert and web.tls_key (PEM) are set; without them "
		           "web.listen must be a loopback address (see mukaika-web(8)).",
		.pre_drop = pre_drop,
		.post_drop = post_drop,
		.serve = serve,
		.cleanup = cleanup,
	};

	return mk_daemon_main(&h, argc, argv);
}
