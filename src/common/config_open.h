/*
 * NAME
 *   config_open - load the configuration and report its problems (one way
 *   for every program)
 *
 * SUMMARY
 *   cfg = mk_config_open(path, mk_config_report_stderr, NULL, &err);
 *   cfg = mk_config_open(path, mk_config_report_log, NULL, &err);
 *
 * DESCRIPTION
 *   PATH NULL means the built-in defaults.  Otherwise the file is loaded
 *   with mk_config_load() and, when that fails, every problem line
 *   ("FILE:LINE: group.key: message") is handed to REPORT(UD, line), or the
 *   error message when the loader gave no lines.  The programs differ only in
 *   REPORT: the CLI, the milter and the web daemon print to stderr, the
 *   drop-folder daemon logs.
 *
 * OWNERSHIP
 *   Returns a new reference (caller unrefs).  LINE is borrowed for the call.
 *
 * FAILURE
 *   NULL with err set (MK_ERR_CONFIG); nothing is half-loaded.
 */
#ifndef MK_CONFIG_OPEN_H
#define MK_CONFIG_OPEN_H

#include "config.h"

typedef void (*mk_config_report_fn)(void *ud, const char *line);

mk_config *mk_config_open(const char *path, mk_config_report_fn report, void *ud,
                          mk_error *err);

/* Reporters: one line to stderr / one error-level log line. */
void mk_config_report_stderr(void *ud, const char *line);
void mk_config_report_log(void *ud, const char *line);

#endif
