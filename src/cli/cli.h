/*
 * NAME
 *   cli - the `mukaika` operator command: shared definitions
 *
 * DESCRIPTION
 *   Exit codes: mk_exit.h (sysexits(3) where they exist; the verdict codes
 *   are mukaika's own: 0 forwarded, 2 quarantined, 3 rejected).
 */
#ifndef MK_CLI_H
#define MK_CLI_H

#include "config.h"
#include "mk_exit.h"


#define MK_DEFAULT_CONFIG "/etc/mukaika/mukaika.conf"

/* --config F, else $MUKAIKA_CONFIG, else MK_DEFAULT_CONFIG when it exists,
 * else the built-in defaults.  Prints every problem and returns NULL on a
 * bad file (exit MK_EXIT_CONFIG). */
mk_config *cli_load_config(const char *path);

int cmd_sanitize(int argc, char **argv, bool scan_only);
int cmd_config(int argc, char **argv);
int cmd_quarantine(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_store(int argc, char **argv);
void cli_usage(FILE *to);
int cli_help(const char *topic);

#endif
