/*
 * NAME
 *   cmd_user - `mukaika user add|passwd|lock|unlock|role|confirm|delete|mfa-reset|
 *   list` and the
 *   helpers shared by the review commands (cli_review.h)
 *
 * DESCRIPTION
 *   The first account may be added without --as (there is nobody to act
 *   as); every later change needs an admin (--as).  `user add` and an
 *   admin's `user passwd NAME` print a temporary password once, on
 *   standard output; it must be changed at first login.  `user passwd
 *   --as NAME NAME` changes one's own password (current password first
 *   line of stdin or $MUKAIKA_PASSWORD, new one second line or
 *   $MUKAIKA_NEW_PASSWORD).  An account added, reset or given a role by
 *   admin X stays "set up by X" until another admin confirms it (`user
 *   confirm`); until then it and X cannot decide each other's requests.
 *
 * NEVER
 *   Never prints or logs a password other than a fresh temporary one.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli_review.h"
#include <sodium.h>

#include "log.h"
#include "mfa.h"
#include "mfakey.h"
#include "pwpolicy.h"
#include "users.h"

gint64
cli_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

int
cli_fail(const char *cmd, const mk_error *err)
{
	fprintf(stderr, "mukaika %s: %s\n", cmd, err->msg);
	switch (err->code) {
	case MK_ERR_USAGE: return MK_EXIT_FAIL;
	case MK_ERR_NOINPUT: return MK_EXIT_NOINPUT;
	case MK_ERR_CONFIG: return MK_EXIT_CONFIG;
	default: return MK_EXIT_TEMPFAIL;
	}
}

gint64
cli_date(const char *s, bool *ok)
{
	GDateTime *t;
	gint64 v;
	int y, m, d;

	*ok = true;
	if (s == NULL || *s == '\0')
		return 0;
	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3)
		t = g_date_time_new_utc(y, m, d, 0, 0, 0);
	else
		t = g_date_time_new_from_iso8601(s, NULL);
	if (t == NULL) {
		*ok = false;
		return 0;
	}
	v = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return v;
}

char *
cli_read_secret(const char *env, int line)
{
	static char *lines[3];
	static bool read_done;
	const char *e = g_getenv(env);

	if (e != NULL)
		return g_strdup(e);
	if (!read_done) {
		char buf[1024];

		read_done = true;
		for (int i = 0; i < 3 && fgets(buf, sizeof buf, stdin) != NULL; i++)
			lines[i] = g_strdup(g_strchomp(buf));
	}
	return g_strdup(lines[line] != NULL ? lines[line] : "");
}

int
cli_parse(int argc, char **argv, const char *usage, cli_opts *o)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' }, { "as", required_argument, NULL, 'a' },
		{ "reason", required_argument, NULL, 'r' }, { "comment", required_argument, NULL, 'm' },
		{ "role", required_argument, NULL, 'R' }, { "format", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' }, { "until", required_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 's' }, { "to", required_argument, NULL, 'u' },
		{ "sender", required_argument, NULL, 'S' }, { "recipient", required_argument, NULL, 'T' },
		{ "verdict", required_argument, NULL, 'v' }, { "finding", required_argument, NULL, 'F' },
		{ "status", required_argument, NULL, 'x' }, { "who", required_argument, NULL, 'w' },
		{ "what", required_argument, NULL, 'W' }, { "item", required_argument, NULL, 'i' },
		{ "text", required_argument, NULL, 't' }, { "limit", required_argument, NULL, 'n' },
		{ "unused", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	/* `mukaika CMD --help|-h|help`: the full text of `mukaika help CMD` */
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	                 strcmp(argv[1], "help") == 0))
		return cli_help(argv[0]);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "c:a:r:m:n:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'a': o->as = optarg; break;
		case 'r': o->reason = optarg; break;
		case 'm': o->comment = optarg; break;
		case 'R': o->role = optarg; break;
		case 'f': o->format = optarg; break;
		case 's': o->since = optarg; break;
		case 'u': o->until = optarg; break;
		case 'S': o->sender = optarg; break;
		case 'T': o->recipient = optarg; break;
		case 'v': o->verdict = optarg; break;
		case 'F': o->finding = optarg; break;
		case 'x': o->status = optarg; break;
		case 'w': o->who = optarg; break;
		case 'W': o->what = optarg; break;
		case 'i': o->item = optarg; break;
		case 't': o->text = optarg; break;
		case 'n': o->limit = atoi(optarg); break;
		case 'N': o->unused = optarg; break;
		case 'h': return cli_help(argv[0]);
		default: fputs(usage, stderr); return MK_EXIT_USAGE;
		}
	}
	o->sub = argv[1];
	o->nargs = argc - 1 - optind;
	o->args = argv + 1 + optind;
	return -1;
}

int
cli_open(const cli_opts *o, mk_config **cfg, mk_store **q)
{
	mk_error err = { 0 };

	if ((*cfg = cli_load_config(o->config)) == NULL)
		return MK_EXIT_CONFIG;
	if ((*q = mk_store_open(*cfg, &err)) == NULL) {
		fprintf(stderr, "mukaika: %s\n", err.msg);
		mk_config_unref(cfg);
		return MK_EXIT_TEMPFAIL;
	}
	if (mk_audit_config_load(*q, *cfg, "cli", true, cli_now(), &err) != 0) {
		fprintf(stderr, "mukaika: the configuration load cannot be audited: %s\n",
		        err.msg);
		mk_store_close(q);
		mk_config_unref(cfg);
		return MK_EXIT_TEMPFAIL;
	}
	return -1;
}

/* The second factor of an enrolled account: a TOTP or recovery code from
 * $MUKAIKA_TOTP or the third line of standard input, as on the web (an
 * account that has not enrolled yet enrols at its first web login; until
 * then its password alone counts, there as here).  -1: passed. */
static int
second_factor(mk_store *q, const mk_config *cfg, const char *who)
{
	mk_mfa_rec *rec = NULL;
	mk_error err = { 0 };
	char *code;
	int rc = mk_mfa_get(q, who, &rec, &err);
	bool enrolled = rc == 0 && rec->confirmed;

	mk_mfa_rec_free(&rec);
	if (rc != 0 && rc != MK_ERR_NOINPUT)
		return cli_fail("login", &err);
	if (!enrolled)
		return -1;
	code = cli_read_secret("MUKAIKA_TOTP", 2);
	rc = mk_mfa_check_code(q, cfg, who, g_strstrip(code), cli_now(), &err);
	sodium_memzero(code, strlen(code));
	g_free(code);
	(void)mk_audit_add(q, cli_now(), who, "local", "login.mfa", who,
	                   rc == 0 ? "ok" : "refused", rc == 0 ? "cli" : err.msg, NULL);
	if (rc == 0)
		return -1;
	fprintf(stderr, "mukaika: second factor of %s refused: %s (give the code in "
	        "$MUKAIKA_TOTP)\n", who, err.msg);
	return MK_EXIT_FAIL;
}

int
cli_actor(mk_store *q, const mk_config *cfg, const cli_opts *o, mk_actor *a)
{
	mk_store *db = q;
	mk_auth_policy pol;
	mk_login l = { 0 };
	mk_error err = { 0 };
	char *pw;
	int rc, code = -1;

	if (o->as == NULL) {
		fprintf(stderr, "mukaika: this command acts as an account: give --as NAME\n");
		return MK_EXIT_USAGE;
	}
	mk_auth_policy_from(cfg, &pol);
	pw = cli_read_secret("MUKAIKA_PASSWORD", 0);
	rc = mk_user_login(db, o->as, pw, "local", cli_now(), &pol, &l, &err);
	g_free(pw);
	if (rc != 0)
		return cli_fail("login", &err);
	(void)mk_audit_add(db, cli_now(), o->as, "local", "login.cli", o->as,
	                   l.result == MK_LOGIN_OK ? "ok" : "refused",
	                   l.result == MK_LOGIN_LOCKED ? "account locked" : NULL, NULL);
	if (l.result != MK_LOGIN_OK) {
		fprintf(stderr, "mukaika: login as %s refused%s\n", o->as,
		        l.result == MK_LOGIN_LOCKED ? " (account locked)" : "");
		code = MK_EXIT_FAIL;
	} else if (l.must_change && strcmp(o->sub, "passwd") != 0) {
		fprintf(stderr, "mukaika: %s must change the temporary password first "
		        "(mukaika user passwd --as %s %s)\n", o->as, o->as, o->as);
		code = MK_EXIT_FAIL;
	}
	if (code == -1 && mk_mfa_required(cfg, l.account_role))
		code = second_factor(q, cfg, o->as);
	a->who = o->as;
	a->role = code == -1 ? l.role : MK_UR_NONE;
	a->ip = "local";
	mk_login_clear(&l);
	return code;
}

static void
print_user(const mk_user *u)
{
	char last[32] = "-";

	if (u->last_login > 0) {
		GDateTime *t = g_date_time_new_from_unix_utc(u->last_login);
		char *s = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");

		g_strlcpy(last, s, sizeof last);
		g_free(s);
		g_date_time_unref(t);
	}
	printf("%-20s %-9s %s%s%s last-login %s%s%s\n", u->name, mk_urole_name(u->role),
	       u->disabled ? "locked " : "", u->locked_until > cli_now() ? "locked-out " : "",
	       u->must_change ? "must-change " : "", last,
	       u->granted_by ? " pending-confirmation set-up-by " : "",
	       u->granted_by ? u->granted_by : "");
}

/* --unused DAYS: only accounts without a login for DAYS days. */
static int
user_list(mk_store *q, const cli_opts *o)
{
	GPtrArray *a = NULL;
	mk_error err = { 0 };
	gint64 days = -1;
	char *end = NULL;

	if (o->unused != NULL) {
		days = g_ascii_strtoll(o->unused, &end, 10);
		if (end == o->unused || *end != '\0' || days < 0 || days > 36500) {
			fprintf(stderr, "mukaika user: --unused takes a number of days\n");
			return MK_EXIT_USAGE;
		}
	}
	if (mk_user_list(q, &a, &err) != 0)
		return cli_fail("user", &err);
	for (guint i = 0; i < a->len; i++)
		if (days < 0 || mk_user_unused(g_ptr_array_index(a, i), days, cli_now()))
			print_user(g_ptr_array_index(a, i));
	g_ptr_array_unref(a);
	return MK_EXIT_OK;
}

/* add / passwd (reset or own change) / lock / unlock / role */
static int
user_change(mk_store *q, const mk_config *cfg, const char *sub, cli_opts *o)
{
	mk_store *db = q;
	mk_actor a = { .who = "bootstrap", .role = MK_UR_ADMIN, .ip = "local" };
	const char *name = o->args[0];
	char *what = g_strconcat("user.", sub, NULL);
	mk_auth_policy pol;
	mk_pwpolicy pwp;
	mk_error err = { 0 };
	char *pw = NULL, *old = NULL;
	const char *by;
	gint64 n = 0;
	bool bootstrap;
	int rc, code;

	if (mk_user_count(db, &n, &err) != 0)
		return cli_fail("user", &err);
	/* the shell sets up the first account, and confirms while fewer than
	 * two confirmed admins exist (accounts.c checks that) */
	bootstrap = (n == 0 && strcmp(sub, "add") == 0) ||
	            (o->as == NULL && strcmp(sub, "confirm") == 0);
	if (!bootstrap && (code = cli_actor(q, cfg, o, &a)) != -1) {
		g_free(what);
		return code;
	}
	by = bootstrap ? NULL : a.who;
	mk_auth_policy_from(cfg, &pol);
	if (strcmp(sub, "passwd") == 0 && strcmp(a.who, name) == 0) {
		old = cli_read_secret("MUKAIKA_PASSWORD", 0);
		pw = cli_read_secret("MUKAIKA_NEW_PASSWORD", 1);
		mk_pwpolicy_from(cfg, &pwp);
		if ((rc = mk_pw_check(&pwp, name, pw, &err)) == 0)
			rc = mk_user_change_password(db, name, old, pw, &pol, &err);
		g_clear_pointer(&pw, g_free);
	} else if (!mk_urole_can(a.role, MK_PERM_ADMIN)) {
		mk_error_set(&err, MK_ERR_USAGE, "only an admin may change accounts");
		rc = MK_ERR_USAGE;
	} else if (strcmp(sub, "add") == 0) {
		rc = mk_user_add(db, name, mk_urole_parse(o->role ? o->role : "viewer"), by,
		                 cli_now(), &pw, &err);
	} else if (strcmp(sub, "passwd") == 0) {
		rc = mk_user_reset(db, name, by, &pw, &err);
	} else if (strcmp(sub, "role") == 0) {
		rc = mk_user_set_role(db, name, mk_urole_parse(o->nargs > 1 ? o->args[1] : o->role),
		                      by, &err);
	} else if (strcmp(sub, "confirm") == 0) {
		rc = mk_user_confirm(db, name, by, &err);
	} else if (strcmp(sub, "delete") == 0) {
		rc = mk_user_delete(db, name, by, &err);
	} else if (strcmp(sub, "mfa-reset") == 0) {
		rc = mk_user_mfa_reset(db, name, by, &err);
	} else {
		rc = mk_user_set_disabled(db, name, strcmp(sub, "lock") == 0, &err);
	}
	(void)mk_audit_add(db, cli_now(), a.who, "local", what, name, rc == 0 ? "ok" : "refused", rc == 0 ? o->role : err.msg, NULL);
	if (pw != NULL)
		printf("%s\n", pw);
	g_free(pw);
	g_free(old);
	g_free(what);
	return rc == 0 ? MK_EXIT_OK : cli_fail("user", &err);
}

static const char user_usage[] =
	"usage: mukaika user add [--config F] [--as ADMIN] [--role ROLE] NAME\n"
	"       mukaika user passwd --as ACCOUNT NAME\n"
	"       mukaika user lock|unlock --as ADMIN NAME\n"
	"       mukaika user role --as ADMIN NAME ROLE\n"
	"       mukaika user confirm [--as ADMIN] NAME\n"
	"       mukaika user delete --as ADMIN NAME\n"
	"       mukaika user mfa-reset --as ADMIN NAME\n"
	"       mukaika user list [--config F] [--unused DAYS]\n"
	"\n"
	"Roles: viewer, operator (asks for releases), approver (approves or denies\n"
	"others' requests), admin (accounts, exceptions, delete).  add prints a\n"
	"temporary password that must be changed at first login; the very first\n"
	"account needs no --as.  passwd NAME by an admin prints a new temporary\n"
	"password; passwd of one's own account reads the current and the new\n"
	"password from standard input (two lines) or $MUKAIKA_PASSWORD and\n"
	"$MUKAIKA_NEW_PASSWORD.  --as reads the acting account's password the same way.\n"
	"Two-person rule: an account added, reset, given a role or whose second factor\n"
	"was reset (mfa-reset) by admin X is pending: it can do no more than an\n"
	"operator until another confirmed admin runs confirm.  Without --as, confirm\n"
	"works only while fewer than two confirmed admins exist (set-up).  An account\n"
	"with a second factor gives its code in $MUKAIKA_TOTP (or a third stdin line).\n"
	"delete keeps the account's audit events; list --unused DAYS shows accounts\n"
	"without a login for DAYS days.  web.max_admins caps the admin accounts.\n"
	"Options, exit status and examples: mukaika help user.\n";

int
cmd_user(int argc, char **argv)
{
	static const char *const subs[] = { "add", "passwd", "lock", "unlock", "role",
	                                    "confirm", "delete", "mfa-reset" };
	mk_config *cfg = NULL;
	mk_store *q = NULL;
	cli_opts o;
	int code;

	if (argc < 2)
		{
		fputs(user_usage, stderr);
		return MK_EXIT_USAGE;
	}
	if ((code = cli_parse(argc, argv, user_usage, &o)) != -1)
		return code;
	if ((code = cli_open(&o, &cfg, &q)) != -1)
		return code;
	code = MK_EXIT_USAGE;
	if (strcmp(argv[1], "list") == 0)
		code = user_list(q, &o);
	for (gsize i = 0; i < G_N_ELEMENTS(subs); i++)
		if (strcmp(argv[1], subs[i]) == 0 && o.nargs >= 1)
			code = user_change(q, cfg, subs[i], &o);
	if (code == MK_EXIT_USAGE)
		fputs(user_usage, stderr);
	mk_store_close(&q);
	mk_config_unref(&cfg);
	return code;
}
