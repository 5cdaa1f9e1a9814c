/*
 * NAME
 *   config_schema - the one table of configuration keys
 *
 * DESCRIPTION
 *   Each row: group, key, type, offset into mk_config, default (as text, parsed
 *   by the same code as the file), min, max, allowed words, description.  The
 *   loader, `mukaika config check` and `mukaika config dump` read this table
 *   only; a key exists if and only if it has a row here.
 */
#ifndef MK_CONFIG_SCHEMA_H
#define MK_CONFIG_SCHEMA_H

#include <stddef.h>

#include "config.h"

/* MK_T_MODE: permission bits written in octal ("0660"), kept in a gint64. */
typedef enum { MK_T_STR, MK_T_INT, MK_T_SIZE, MK_T_BOOL, MK_T_WORD, MK_T_MODE } mk_ktype;

typedef struct mk_key {
	const char *group;
	const char *key;
	mk_ktype type;
	size_t offset;       /* into mk_config */
	const char *def;     /* default, as it would be written in the file */
	gint64 min, max;     /* numbers only */
	const char *words;   /* MK_T_WORD: '|'-separated allowed values */
	const char *desc;
} mk_key;

extern const mk_key mk_schema[];
extern const size_t mk_schema_len;

/* Built-in [policy] rules, in order, NULL-terminated pairs. */
extern const char *const mk_default_policy[][2];
extern const char *const mk_default_policy_fallback;

/* Parse VALUE for K into CFG; NULL on success, else a message (caller frees). */
char *mk_config_set_key(mk_config *cfg, const mk_key *k, const char *value);

#endif
