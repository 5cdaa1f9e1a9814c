/*
 * NAME
 *   store_migrate - move an existing SQLite store into an empty
 *   PostgreSQL store (`mukaika store migrate`)
 *
 * SUMMARY
 *   mk_store *dst = mk_store_open(cfg_with_backend_postgresql, &err);
 *   rc = mk_store_migrate("/var/lib/mukaika/mukaika.db",
 *                         "/var/lib/mukaika/quarantine/objects", dst, &c, &err);
 *
 * DESCRIPTION
 *   Items with their originals (read from OBJDIR, checked against their
 *   sha256), reports, accounts, sessions, requests, decisions, policy
 *   exceptions, processed rows, second-factor records and the audit
 *   events with their MACs, in one transaction on the target: all or
 *   nothing.  The target must be empty.  Afterwards `mukaika audit
 *   verify` on the target checks the chain with the same audit.key.
 *
 * OWNERSHIP
 *   DST borrowed; C filled (rows per table in the order of
 *   mk_migrate_table_name(), originals).
 *
 * FAILURE
 *   MK_ERR_USAGE target not empty, not postgresql, or source schema old;
 *   MK_ERR_DATA an original missing or damaged; MK_ERR_TEMP database.
 */
#ifndef MK_STORE_MIGRATE_H
#define MK_STORE_MIGRATE_H

#include "store.h"

#define MK_MIGRATE_TABLES 10

typedef struct mk_migrate_counts {
	gint64 rows[MK_MIGRATE_TABLES];
	gint64 originals;
} mk_migrate_counts;

int mk_store_migrate(const char *sqlite_path, const char *objdir, mk_store *dst,
                     mk_migrate_counts *c, mk_error *err);
/* Name of table I of the counts (NULL past the last). */
const char *mk_migrate_table_name(int i);

#endif
