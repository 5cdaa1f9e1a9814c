/*
 * NAME
 *   cmd_config - `mukaika config check|dump [FILE]`
 *
 * DESCRIPTION
 *   check prints every problem as FILE:LINE: group.key: message (exit 78) or
 *   "FILE: OK"; dump prints the effective configuration from the schema.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int
config_check(const char *path)
{
	GPtrArray *probs = NULL;
	mk_error err = { 0 };
	mk_config *cfg;

	if (path == NULL)
		path = MK_DEFAULT_CONFIG;
	cfg = mk_config_load(path, &probs, &err);
	for (guint i = 0; probs != NULL && i < probs->len; i++)
		fprintf(stderr, "%s\n", (char *)g_ptr_array_index(probs, i));
	if (probs != NULL)
		g_ptr_array_unref(probs);
	if (cfg == NULL)
		return MK_EXIT_CONFIG;
	printf("%s: OK\n", path);
	mk_config_unref(&cfg);
	return MK_EXIT_OK;
}

static int
config_dump(const char *path)
{
	mk_config *cfg = cli_load_config(path);
	char *text;

	if (cfg == NULL)
		return MK_EXIT_CONFIG;
	text = mk_config_dump(cfg);
	fputs(text, stdout);
	g_free(text);
	mk_config_unref(&cfg);
	return MK_EXIT_OK;
}

int
cmd_config(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: mukaika config check|dump [FILE]\n", stderr);
		return MK_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return config_check(argc == 3 ? argv[2] : NULL);
	if (strcmp(argv[1], "dump") == 0)
		return config_dump(argc == 3 ? argv[2] : NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
		return cli_help("config");
	fprintf(stderr, "mukaika config: unknown subcommand \"%s\"\n", argv[1]);
	return MK_EXIT_USAGE;
}
