/*
 * NAME
 *   cli_review - shared parts of `mukaika quarantine|user|audit`: options,
 *   the acting account, dates
 *
 * DESCRIPTION
 *   Changing commands act as a named account (--as NAME): the password is
 *   read from $MUKAIKA_PASSWORD or the first line of standard input and
 *   checked like a web login (lockout, failed-attempt counting, audit
 *   event "login" with ip "local").  An account that must change its
 *   temporary password cannot act until it has (`mukaika user passwd
 *   --as NAME NAME` with the new password as the second stdin line or
 *   $MUKAIKA_NEW_PASSWORD).
 */
#ifndef MK_CLI_REVIEW_H
#define MK_CLI_REVIEW_H

#include "cli.h"
#include "qstore.h"
#include "release.h"
#include "review.h"
#include "store_port.h"

typedef struct cli_opts {
	const char *config, *as, *reason, *comment, *role, *format;
	const char *since, *until, *sender, *recipient, *verdict, *finding;
	const char *status, *who, *what, *item, *text;
	int limit;
	const char *unused;       /* user list --unused DAYS */
	const char *sub;          /* the subcommand */
	int nargs;
	char **args;             /* positional arguments after the subcommand */
} cli_opts;

int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Parse the common options (argv[0] = command, argv[1] = subcommand).
 * Returns -1 when parsing succeeded, else an exit code. */
int cli_parse(int argc, char **argv, const char *usage, cli_opts *o);
/* Open config and store; prints the problem and returns an exit code on
 * failure, -1 on success. */
int cli_open(const cli_opts *o, mk_config **cfg, mk_store **q);
/* Authenticate o->as; fills A (strings borrowed from o / static). */
int cli_actor(mk_store *q, const mk_config *cfg, const cli_opts *o, mk_actor *a);
/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" -> unix seconds, 0 if NULL. */
gint64 cli_date(const char *s, bool *ok);
/* Map an mk_error code to an exit code, printing "mukaika CMD: msg". */
int cli_fail(const char *cmd, const mk_error *err);
gint64 cli_now(void);
char *cli_read_secret(const char *env, int line);

#endif
