/*
 * NAME
 *   mukaika - sanitize or scan a message or file, check the configuration,
 *   look into the quarantine
 *
 * SYNOPSIS
 *   mukaika sanitize [--config F] [-o OUT] [--report R] [--mail|--file] IN
 *   mukaika scan [--config F] [--mail|--file] IN
 *   mukaika config check|dump [F]
 *   mukaika quarantine list|show [--config F] [ID]
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
	  "usage: mukaika quarantine list [--config FILE] [--limit N]\n"
	  "       mukaika quarantine show [--config FILE] ID\n"
	  "\n"
	  "list prints the held items, newest first: id, received (UTC), channel,\n"
	  "verdict, findings, sender and subject or file name.  show prints the JSON\n"
	  "report of one item.\n" },
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
	      "  user        review accounts (add, passwd, lock, unlock, role, list)\n"
	      "  audit       list, export, verify or purge the audit log\n"
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
	fprintf(stderr, "mukaika: unknown command \"%s\"\n", cmd);
	cli_usage(stderr);
	return MK_EXIT_USAGE;
}
