/*
 * NAME
 *   mukaika - sanitize or scan a message or file, check the configuration,
 *   look into the quarantine
 *
 * SYNOPSIS
 *   mukaika sanitize [--config F] [-o OUT] [--report R] [--mail|--file] IN
 *   mukaika scan [--config F] [--mail|--file] IN
 *   mukaika config check|dump [F]
 *   mukaika quarantine list|search|show|requests|request|approve|deny|
 *                      release|unlock|delete|purge ...
 *   mukaika user add|passwd|lock|unlock|role|list ...
 *   mukaika audit list|export|verify|purge ...
 *   mukaika health [--config F] [--skip CHECKS]
 *   mukaika purge [--config F] [--dry-run]
 *   mukaika store migrate --from sqlite:PATH --to postgresql:CONNINFO
 *   mukaika help [COMMAND], mukaika COMMAND --help
 *
 * DESCRIPTION
 *   The operator's front end to the engine; also the easiest way to test
 *   it.  See mukaika(1).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config_open.h"
#include "cli_review.h"
#include "log.h"

static const struct topic {
	const char *name;
	const char *text;
} topics[] = {
	{ "sanitize",
	  "usage: mukaika sanitize [--config FILE] [-o OUT] [--report REPORT.json]\n"
	  "                        [--mail|--file] [--name NAME] [--id ID]\n"
	  "                        [--sender ADDR] [--recipients A,B] [--no-store] [-q] IN\n"
	  "\n"
	  "Sanitize IN (a message or any file; '-' reads standard input).  A message\n"
	  "is recognised by its content; --mail or --file force the mode.  The result\n"
	  "goes to OUT (standard output when -o is not given) only when it may be\n"
	  "forwarded; for a held message OUT receives the notice-only message.\n"
	  "Originals of everything not passed unchanged go to the quarantine unless\n"
	  "--no-store is given.\n"
	  "\n"
	  "  -c, --config FILE     configuration file (default " MK_DEFAULT_CONFIG
	  " if present,\n"
	  "                        else the built-in defaults)\n"
	  "  -o, --output OUT      where the sanitized result is written\n"
	  "  -r, --report FILE     write the JSON report to FILE\n"
	  "      --mail, --file    treat IN as a message / as a file\n"
	  "      --name NAME       file name of IN for the file channel (data only)\n"
	  "      --id ID           use ID as report id (reproducible output)\n"
	  "      --sender ADDR     envelope sender recorded with the item\n"
	  "      --recipients LIST envelope recipients (or file owner) recorded\n"
	  "      --no-store        do not write the quarantine\n"
	  "  -q, --quiet           no summary line on standard error\n"
	  "\n"
	  "Exit status: 0 forwarded (pass, cleaned, stripped), 2 quarantined,\n"
	  "3 rejected, 75 temporary failure (e.g. virus signatures missing or\n"
	  "stale; try again), 64 usage error, 78 configuration error.\n" },
	{ "scan",
	  "usage: mukaika scan [--config FILE] [--mail|--file] [--name NAME] IN\n"
	  "\n"
	  "Run the whole engine on IN and print the JSON report on standard output.\n"
	  "Nothing is written to the quarantine.  Exit status as for sanitize.\n" },
	{ "config",
	  "usage: mukaika config check [FILE]\n"
	  "       mukaika config dump [FILE]\n"
	  "\n"
	  "check validates FILE (default " MK_DEFAULT_CONFIG "): every problem is\n"
	  "printed as FILE:LINE: group.key: message and the exit status is 78.\n"
	  "dump prints the effective configuration, every key with its description,\n"
	  "default and range, followed by the policy and finding rules.\n" },
	{ "quarantine",
	  "usage: mukaika quarantine list|search [--config FILE] [FILTERS] [--limit N]\n"
	  "       mukaika quarantine show [--config FILE] ID\n"
	  "       mukaika quarantine requests [--status S] [--item ID]\n"
	  "       mukaika quarantine request --as NAME --reason TEXT ID\n"
	  "       mukaika quarantine approve|deny --as NAME [--comment TEXT] REQUEST\n"
	  "       mukaika quarantine release --as NAME REQUEST\n"
	  "       mukaika quarantine unlock --as NAME [--password-file FILE|-] ID\n"
	  "       mukaika quarantine delete --as ADMIN ID\n"
	  "       mukaika quarantine purge --as ADMIN\n"
	  "\n"
	  "Look into the quarantine and let an original out under the two-person\n"
	  "rule: one account requests, a different approver or admin approves, then\n"
	  "release delivers it.  Every step, refused ones included, is an audit event.\n"
	  "\n"
	  "Subcommands:\n"
	  "  list, search   the items, newest first: id, received (UTC), channel,\n"
	  "                 verdict, findings, sender, subject or file name.  FILTERS:\n"
	  "      --since DATE, --until DATE   received in [DATE, DATE) (YYYY-MM-DD or\n"
	  "                                   ISO 8601, UTC)\n"
	  "      --sender S, --recipient R    envelope sender / recipient or file owner\n"
	  "      --verdict V                  cleaned, stripped, quarantined, rejected\n"
	  "      --finding F                  a finding code, e.g. encrypted,\n"
	  "                                   active_content, executable\n"
	  "      --status S                   held, released, unlocked, deleted\n"
	  "      --text T                     in subject or file name\n"
	  "      --limit N                    at most N rows\n"
	  "  show ID        the JSON report of one item\n"
	  "  requests       release requests: number, item, status (pending,\n"
	  "                 approved, denied, released), requester, approver, reason;\n"
	  "                 --status S and --item ID narrow the list\n"
	  "  request ID     ask for the release of a held item (operator or above);\n"
	  "                 --reason is required; prints the request number\n"
	  "  approve, deny REQUEST\n"
	  "                 decide a pending request (approver or admin, never the\n"
	  "                 requester); --comment TEXT is kept with the decision\n"
	  "  release REQUEST\n"
	  "                 deliver an approved request (operator or above): a mail is\n"
	  "                 re-injected unchanged but for X-Mukaika-Released-By to its\n"
	  "                 original recipients through release.smtp_relay; a file is\n"
	  "                 written into dropd.out_dir/OWNER/.  A failed delivery\n"
	  "                 leaves the request approved (exit 75): run it again\n"
	  "  unlock ID      PPAP: open a held encrypted archive (operator or above, no\n"
	  "                 approval: the original never leaves).  The engine runs\n"
	  "                 again with the password(s); only a clean sanitized result\n"
	  "                 is delivered like release.  --password-file FILE: one\n"
	  "                 candidate per line; - (default): $MUKAIKA_ARCHIVE_PASSWORD\n"
	  "                 or the next line of standard input.  Passwords are never\n"
	  "                 printed, logged or audited; wrong ones are rate limited\n"
	  "                 (web.max_unlock_attempts per web.unlock_window_minutes)\n"
	  "  delete ID      remove one item and its objects (admin)\n"
	  "  purge          remove items older than quarantine.retention_days (admin)\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE   configuration file (default $MUKAIKA_CONFIG, else\n"
	  "                      " MK_DEFAULT_CONFIG ")\n"
	  "  -a, --as NAME       act as account NAME; its password is read from\n"
	  "                      $MUKAIKA_PASSWORD or the first line of standard input\n"
	  "                      and checked like a web login (lockout, audit)\n"
	  "\n"
	  "Exit status: 0 done, 1 refused (login, role, two-person rule, wrong state,\n"
	  "wrong archive password, content still held), 64 usage error, 66 no such\n"
	  "item or request (or unreadable password file), 75 store or relay\n"
	  "unavailable (try again), 78 configuration error.\n"
	  "\n"
	  "Example:\n"
	  "  mukaika quarantine search --since 2026-04-01 --finding encrypted\n"
	  "  mukaika quarantine request --as sato --reason 'invoice, confirmed by phone' \\\n"
	  "      20260401-093012-1a2b3c4d\n"
	  "  mukaika quarantine approve --as suzuki 12     # prints nothing, exit 0\n"
	  "  mukaika quarantine release --as sato 12\n" },
	{ "user",
	  "usage: mukaika user add [--config FILE] [--as ADMIN] [--role ROLE] NAME\n"
	  "       mukaika user passwd --as ACCOUNT NAME\n"
	  "       mukaika user lock|unlock --as ADMIN NAME\n"
	  "       mukaika user role --as ADMIN NAME ROLE\n"
	  "       mukaika user confirm [--as ADMIN] NAME\n"
	  "       mukaika user delete --as ADMIN NAME\n"
	  "       mukaika user mfa-reset --as ADMIN NAME\n"
	  "       mukaika user list [--config FILE] [--unused DAYS]\n"
	  "\n"
	  "Accounts of the review UI (mukaika-web) and of the changing quarantine\n"
	  "commands.  Roles, each including the one before: viewer (reads), operator\n"
	  "(requests releases, PPAP unlock), approver (approves or denies others'\n"
	  "requests), admin (accounts, policy exceptions, delete, purge).\n"
	  "\n"
	  "Subcommands:\n"
	  "  add NAME       create an account (--role ROLE, default viewer) and print\n"
	  "                 a temporary password once; it must be changed at first\n"
	  "                 login.  The very first account needs no --as; every later\n"
	  "                 one needs an admin\n"
	  "  passwd NAME    by an admin for another account: print a new temporary\n"
	  "                 password.  For one's own account (--as NAME NAME): the\n"
	  "                 current password is the first line of standard input or\n"
	  "                 $MUKAIKA_PASSWORD, the new one the second line or\n"
	  "                 $MUKAIKA_NEW_PASSWORD: at least web.min_password_length\n"
	  "                 characters of web.password_min_classes kinds, without\n"
	  "                 the account name, not a common password (shipped list)\n"
	  "                 nor one with digits or symbols added\n"
	  "  lock NAME      disable an account (admin); unlock enables it again and\n"
	  "                 ends a lockout after web.max_failed_logins\n"
	  "  role NAME ROLE change the role (admin)\n"
	  "  confirm NAME   a second, confirmed admin confirms that NAME was added,\n"
	  "                 reset, given its role or had its second factor reset by\n"
	  "                 the admin shown as set-up-by.  Until then NAME is\n"
	  "                 pending: it can do no more than an operator (no\n"
	  "                 decisions, no account changes) and it and that admin\n"
	  "                 cannot decide each other's requests (two-person rule).\n"
	  "                 Without --as (the shell, audited as bootstrap) only\n"
	  "                 while fewer than two confirmed admins exist\n"
	  "  delete NAME    remove an account (admin; not one's own, not the last\n"
	  "                 confirmed admin); its audit events stay\n"
	  "  mfa-reset NAME clear NAME's second factor (it enrols again at its next\n"
	  "                 web login) and make NAME pending: another admin confirms\n"
	  "  list           name, role, locked/locked-out/must-change, last login,\n"
	  "                 pending-confirmation set-up-by ADMIN while unconfirmed;\n"
	  "                 --unused DAYS: only accounts without a login for DAYS\n"
	  "                 days (never logged in: counted from their creation)\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE   configuration file (default $MUKAIKA_CONFIG, else\n"
	  "                      " MK_DEFAULT_CONFIG ")\n"
	  "  -a, --as NAME       act as account NAME (password as for passwd above;\n"
	  "                      an account enrolled in the second factor also gives\n"
	  "                      a TOTP or recovery code: $MUKAIKA_TOTP or the third\n"
	  "                      line of standard input)\n"
	  "      --unused DAYS   list: accounts unused for DAYS days\n"
	  "      --role ROLE     viewer, operator, approver or admin (add)\n"
	  "\n"
	  "web.max_admins caps the admin accounts (add, role).\n"
	  "Every change is an audit event (user.add, user.passwd, ...).  Passwords\n"
	  "other than a fresh temporary one are never printed.\n"
	  "\n"
	  "Exit status: 0 done, 1 refused (login, not an admin, weak password),\n"
	  "64 usage error, 66 no such account, 75 store unavailable,\n"
	  "78 configuration error.\n"
	  "\n"
	  "Example:\n"
	  "  mukaika user add --role admin root          # first account\n"
	  "  mukaika user add --as root --role approver suzuki\n"
	  "  printf '%s\\n%s\\n' \"$TEMP\" \"$NEW\" | mukaika user passwd --as suzuki suzuki\n" },
	{ "audit",
	  "usage: mukaika audit list [--config FILE] [FILTERS] [--limit N]\n"
	  "       mukaika audit export --format csv|json [FILTERS] [--limit N]\n"
	  "       mukaika audit verify [--config FILE]\n"
	  "       mukaika audit purge --as ADMIN [--config FILE]\n"
	  "       mukaika audit reanchor --as ADMIN [--config FILE]\n"
	  "\n"
	  "Every login, request, decision, release, unlock, deletion and account\n"
	  "change is an event: number, time (UTC), account, client address (\"local\"\n"
	  "for this command), action, item, result, detail.  Events are chained by\n"
	  "HMAC-SHA256 under a key outside the database (audit.key_file) and the\n"
	  "newest one is kept in audit.checkpoint_file and the log.\n"
	  "\n"
	  "Subcommands:\n"
	  "  list           events newest first, one per line, fields escaped\n"
	  "  export         the same events as CSV (RFC 4180, cells that a spreadsheet\n"
	  "                 would run as a formula neutralised) or JSON\n"
	  "  verify         check the chain from event 1 (or the last purge's anchor),\n"
	  "                 every MAC and the head against the checkpoint; prints\n"
	  "                 \"audit chain OK\" or what is wrong (an event changed,\n"
	  "                 inserted or removed, oldest and newest included)\n"
	  "  purge          delete events older than audit.retention_days (admin,\n"
	  "                 --as) - the only way events are ever removed\n"
	  "  reanchor       once after an upgrade from a mukaika whose chain was not\n"
	  "                 keyed (verify then reports its old events as unkeyed):\n"
	  "                 checks them by the old, unkeyed rule, checks the keyed\n"
	  "                 events after them, and appends a keyed audit.reanchor\n"
	  "                 event naming that legacy segment; verify then checks the\n"
	  "                 segment by the old rule against the anchor (admin, --as).\n"
	  "                 Refused when the chain is broken anywhere else\n"
	  "\n"
	  "FILTERS:\n"
	  "      --since DATE, --until DATE   YYYY-MM-DD or ISO 8601 (UTC)\n"
	  "      --who NAME                   the acting account\n"
	  "      --what ACTION                e.g. login, release.approve, item.unlock\n"
	  "      --item ID                    one quarantined item\n"
	  "      --limit N                    at most N events\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE   configuration file (default $MUKAIKA_CONFIG, else\n"
	  "                      " MK_DEFAULT_CONFIG ")\n"
	  "  -a, --as NAME       act as account NAME (purge); password from\n"
	  "                      $MUKAIKA_PASSWORD or the first line of standard input\n"
	  "      --format F      csv or json (export)\n"
	  "\n"
	  "Exit status: 0 done (verify: chain intact), 1 refused or chain broken,\n"
	  "64 usage error, 75 store unavailable, 78 configuration error.\n"
	  "\n"
	  "Example:\n"
	  "  mukaika audit list --item 20260401-093012-1a2b3c4d --what release.request\n"
	  "  mukaika audit export --format csv --since 2026-04-01 > audit-april.csv\n" },
	{ "report",
	  "usage: mukaika report [--config FILE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	  "                      [--format text|csv|json] [--mail]\n"
	  "\n"
	  "Every item processed in the days FROM..TO (UTC, both included; default\n"
	  "today): mail and files, passed ones included (not scan-only runs, not\n"
	  "temporary failures, which come again).  Each item left a small row: id,\n"
	  "time, channel, verdict, finding codes, size, whether the original is kept\n"
	  "- no addresses, no subjects, no content.  The text goes on with the review\n"
	  "activity of the days from the audit log and the quarantine: items held\n"
	  "for review and their status now, release requests (requester, decision,\n"
	  "approver, delivered), failed logins, refused second factors, locked\n"
	  "accounts, health alerts (mukaika health --mail).\n"
	  "\n"
	  "Formats:\n"
	  "  text   totals by channel and verdict, originals kept, bytes, items per\n"
	  "         finding code and per day (default)\n"
	  "  csv    one line per item (RFC 4180, formula cells neutralised)\n"
	  "  json   the totals and the items\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE   configuration file (default $MUKAIKA_CONFIG, else\n"
	  "                      " MK_DEFAULT_CONFIG ")\n"
	  "      --from DAY, --to DAY, --format F\n"
	  "      --mail          the text also goes to notify.admins through\n"
	  "                      notify.smtp_relay: the daily summary of\n"
	  "                      mukaika-report.timer (nothing mailed when\n"
	  "                      notify.admins is empty)\n"
	  "\n"
	  "Exit status: 0 done, 64 usage error, 75 store unavailable or the relay\n"
	  "did not take the mail, 78 configuration error (notify addresses).\n"
	  "\n"
	  "Example:\n"
	  "  mukaika report --from 2026-04-01 --to 2026-04-30\n"
	  "  mukaika report --from 2026-04-01 --to 2026-04-30 --format csv > april.csv\n" },
	{ "health",
	  "usage: mukaika health [--config FILE] [--skip CHECK,...] [--mail]\n"
	  "\n"
	  "Print one Nagios-style line, e.g. \"MUKAIKA OK - signatures 3 h old (max\n"
	  "24 h); disk 42% free (/var/lib/mukaika); store ok (120 items, 3 held); clock\n"
	  "synchronised | db_age_h=3;12;24 ...\", and exit 0 OK, 1 WARNING,\n"
	  "2 CRITICAL (3: usage error).  Checks (names for --skip):\n"
	  "  signatures  age of the newest file in clamav.database_dir: critical\n"
	  "              at clamav.max_db_age_hours (mail then tempfails), warning\n"
	  "              at health.db_warn_percent of it; missing or empty: critical\n"
	  "  disk        free space of the filesystems of the state directory,\n"
	  "              quarantine, spool and drop folders: health.disk_warn_percent,\n"
	  "              health.disk_crit_percent\n"
	  "  store       the quarantine database opens and answers\n"
	  "  clock       the kernel says the clock is synchronised (NTP): warning if not\n"
	  "  daemons     the metrics textfiles of mukaika-milter and mukaika-dropd:\n"
	  "              engine not ready critical, not updated for 4 x\n"
	  "              metrics.interval_s (at least 120 s) warning\n"
	  "\n"
	  "--mail: when the levels differ from the last alert (state_dir/health.alert),\n"
	  "the line and what to do are mailed to notify.admins, once per change:\n"
	  "a stale signature database, and the all-clear when it is fresh again.\n"
	  "With metrics.enabled the levels and measures also go to\n"
	  "metrics.dir/mukaika-health.prom (node_exporter).\n"
	  "\n"
	  "mukaika-health.timer runs it (with --mail) every 10 minutes; the line goes\n"
	  "to the journal with the priority of its status (journalctl -u mukaika-health).\n" },
	{ "purge",
	  "usage: mukaika purge [--config FILE] [--dry-run]\n"
	  "\n"
	  "The retention routine (mukaika-purge.timer, daily): delete every\n"
	  "quarantined item past its expiry (quarantine.retention_days), each with\n"
	  "an \"item.dispose\" audit event as its disposal record (received and\n"
	  "expiry dates, channel, size, sha256), then audit events older than\n"
	  "audit.retention_days.  No account logs in: run it as the account that\n"
	  "owns the store.  --dry-run lists what would be disposed.\n"
	  "\n"
	  "Exit status: 0 done, 64 usage error, 75 store unavailable (the next run\n"
	  "continues), 78 configuration error.\n" },
	{ "store",
	  "usage: mukaika store migrate --from sqlite:PATH --to postgresql:CONNINFO\n"
	  "                             [--config FILE] [--objects DIR]\n"
	  "\n"
	  "Move this host's SQLite store (the database file PATH; the originals from\n"
	  "DIR, default QUARANTINE_DIR/objects) into an empty PostgreSQL database\n"
	  "(CONNINFO: a libpq connection string), in one transaction: items,\n"
	  "originals, reports, accounts, sessions, requests, decisions, policy\n"
	  "exceptions, processed rows, second-factor records and the audit events.\n"
	  "Then the audit chain is verified on the target with this host's\n"
	  "audit.key.  Stop the daemons first; then set store.backend = postgresql\n"
	  "and store.postgresql = CONNINFO, and copy audit.key to every host.\n"
	  "\n"
	  "Exit status: 0 moved and verified, 1 moved but the chain does not\n"
	  "verify, 64 usage error or the target not empty, 65 an original missing\n"
	  "or damaged, 75 a database unavailable, 78 configuration error.\n"
	  "\n"
	  "Example:\n"
	  "  mukaika store migrate --from sqlite:/var/lib/mukaika/mukaika.db \\\n"
	  "      --to 'postgresql:host=db1 dbname=mukaika user=mukaika sslmode=verify-full'\n" },
};

void
cli_usage(FILE *to)
{
	fputs("usage: mukaika COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  sanitize    sanitize a message or file, write the result and a report\n"
	      "  scan        print the report for a message or file, change nothing\n"
	      "  config      check or dump a configuration file\n"
	      "  quarantine  list, search, show, request, approve, release held items\n"
	      "  user        review accounts (add, passwd, lock, unlock, role, confirm, list)\n"
	      "  audit       list, export, verify or purge the audit log\n"
	      "  report      processed items of a period: totals or one line per item\n"
	      "  health      one status line for monitoring (exit 0/1/2)\n"
	      "  purge       the retention routine (expired items, old audit events)\n"
	      "  store       migrate a SQLite store into PostgreSQL\n"
	      "  help CMD    help for one command\n"
	      "\n"
	      "Options: --help, --version.  See mukaika(1).\n", to);
}

int
cli_help(const char *topic)
{
	for (size_t i = 0; i < G_N_ELEMENTS(topics); i++)
		if (topic != NULL && strcmp(topic, topics[i].name) == 0) {
			fputs(topics[i].text, stdout);
			return MK_EXIT_OK;
		}
	cli_usage(topic ? stderr : stdout);
	return topic ? MK_EXIT_USAGE : MK_EXIT_OK;
}

mk_config *
cli_load_config(const char *path)
{
	mk_error err = { 0 };

	if (path == NULL)
		path = g_getenv("MUKAIKA_CONFIG");
	if (path == NULL && access(MK_DEFAULT_CONFIG, F_OK) == 0)
		path = MK_DEFAULT_CONFIG;
	return mk_config_open(path, mk_config_report_stderr, NULL, &err);
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	mk_log_open("mukaika", "warning", "");
	if (cmd == NULL) {
		cli_usage(stderr);
		return MK_EXIT_USAGE;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("mukaika %s\n", MK_VERSION);
		return MK_EXIT_OK;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return cli_help(NULL);
	if (strcmp(cmd, "help") == 0)
		return cli_help(argc > 2 ? argv[2] : NULL);
	if (strcmp(cmd, "sanitize") == 0)
		return cmd_sanitize(argc - 1, argv + 1, false);
	if (strcmp(cmd, "scan") == 0)
		return cmd_sanitize(argc - 1, argv + 1, true);
	if (strcmp(cmd, "config") == 0)
		return cmd_config(argc - 1, argv + 1);
	if (strcmp(cmd, "quarantine") == 0)
		return cmd_quarantine(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "health") == 0)
		return cmd_health(argc - 1, argv + 1);
	if (strcmp(cmd, "purge") == 0)
		return cmd_purge(argc - 1, argv + 1);
	if (strcmp(cmd, "store") == 0)
		return cmd_store(argc - 1, argv + 1);
	fprintf(stderr, "mukaika: unknown command \"%s\"\n", cmd);
	cli_usage(stderr);
	return MK_EXIT_USAGE;
}
