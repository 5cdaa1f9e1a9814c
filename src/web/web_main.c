/*
 * NAME
 *   mukaika-web - review UI for the quarantine (libmicrohttpd)
 *
 * SYNOPSIS
 *   mukaika-web [--foreground] [--config FILE]
 *   mukaika-web --help | --version
 *
 * DESCRIPTION
 *   Serves the pages of web.h on web.listen, over TLS (1.2/1.3) when
 *   web.tls_cert and web.tls_key are set.  Plain HTTP is served on a
 *   loopback address only: any other web.listen without TLS, only one of
 *   the two keys, an unreadable or garbled PEM file or a key that does not
 *   belong to the certificate stop the program (78) before it listens;
 *   it never falls back to plain HTTP.  Runs until SIGTERM/SIGINT.  Logs
 *   to stderr.
 *   The first account is made with `mukaika user add --role admin NAME`.
 *
 * EXIT STATUS
 *   0 after a signal, 64 usage, 75 store unavailable or cannot listen,
 *   78 configuration (TLS material included).
 */
#include <getopt.h>
#include <gmime/gmime.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "config_open.h"
#include "web.h"

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	stop_flag = sig;
}

static const char usage[] =
	"usage: mukaika-web [--foreground] [--config FILE]\n"
	"       mukaika-web --help | --version\n"
	"\n"
	"Review UI for the mukaika quarantine: listens on web.listen, HTTPS when\n"
	"web.tls_cert and web.tls_key (PEM) are set.  Without them web.listen must be\n"
	"a loopback address.  Create the first account with\n"
	"`mukaika user add --role admin NAME`.\n"
	"\n"
	"Exit status: 0 after SIGTERM/SIGINT, 64 usage, 75 store unavailable or\n"
	"address in use, 78 configuration (including TLS certificate or key).\n";

static mk_config *
load(const char *path)
{
	mk_error err = { 0 };

	return mk_config_open(path, mk_config_report_stderr, NULL, &err);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' }, { "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	web_ctx ctx = { 0 };
	mk_error err = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	int c, code = 0;

	while ((c = getopt_long(argc, argv, "c:fhV", lo, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'f': break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("mukaika-web %s\n", MK_VERSION); return 0;
		default: fputs(usage, stderr); return 64;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 64;
	}
	if (sodium_init() < 0 || (ctx.cfg = load(path)) == NULL)
		return 78;
	g_mime_init();
	/* either key set means TLS; web_serve refuses a half configuration */
	ctx.tls = *ctx.cfg->web.tls_cert != '\0' || *ctx.cfg->web.tls_key != '\0';
	mk_auth_policy_from(ctx.cfg, &ctx.pol);
	if ((ctx.q = mk_store_open(ctx.cfg, &err)) == NULL) {
		fprintf(stderr, "mukaika-web: %s\n", err.msg);
		code = 75;
		goto out;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (web_serve(&ctx, (volatile int *)&stop_flag, &err) != 0) {
		fprintf(stderr, "mukaika-web: %s\n", err.msg);
		code = err.code == MK_ERR_CONFIG ? 78 : 75;
	}
out:
	mk_engine_free(&ctx.engine);
	mk_store_close(&ctx.q);
	mk_config_unref(&ctx.cfg);
	return code;
}
