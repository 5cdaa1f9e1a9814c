/*
 * NAME
 *   audit_chain - the key, the MAC and the checkpoint of the audit chain,
 *   the same for every store backend (internal to src/store/)
 *
 * SUMMARY
 *   rc = mk_audit_key_load(cfg, key, err);
 *   mk_audit_mac(key, prev, id, ts, fields, mac);
 *   mk_audit_checkpoint_write(path, id, mac);
 *   rc = mk_audit_checkpoint_read(path, &id, mac);
 *
 * DESCRIPTION
 *   Each audit event carries mac = HMAC-SHA256(key, prev \x1f id \x1f ts
 *   \x1f who \x1f ip \x1f what \x1f item \x1f result \x1f detail), prev
 *   being the MAC of event id-1 (64 zeros before the first).  The key
 *   lives outside the database, in audit.key_file (default
 *   STATE/audit.key: 64 hex digits), so that whoever can write the
 *   database cannot recompute the chain.  It is created at first use
 *   (mode 0640, owner and group those of its directory, so the daemons'
 *   user and the CLI group read it) and refused when others may read it.
 *
 *   The head of the chain (id and MAC of the newest event) is logged at
 *   every event and kept in audit.checkpoint_file (default
 *   STATE/audit.head: "ID MAC\n"), which only ever moves forward (flock,
 *   written after the event's transaction committed).  `mukaika audit
 *   verify` then finds newest events removed (the store's head behind
 *   the checkpoint) as well as any changed, inserted or removed event
 *   inside the chain.
 *
 * FAILURE
 *   A key that cannot be read or created: MK_ERR_TEMP (the store does not
 *   open: nothing may happen unaudited).  A checkpoint that cannot be
 *   written is logged (the log line is the other anchor).
 */
#ifndef MK_AUDIT_CHAIN_H
#define MK_AUDIT_CHAIN_H

#include <glib.h>

#include "config.h"
#include "mk_error.h"

#define MK_AUDIT_KEY_BYTES 32
#define MK_AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* In the detail of an audit.purge event: where the kept chain starts
 * (first event id, the MAC it follows).  verify reads it back. */
#define MK_AUDIT_ANCHOR "chain kept from event %" G_GINT64_FORMAT " after %s"
#define MK_AUDIT_ANCHOR_SCAN "chain kept from event %" G_GINT64_FORMAT " after %64[0-9a-f]"

int mk_audit_key_load(const mk_config *cfg, guint8 key[MK_AUDIT_KEY_BYTES],
                      mk_error *err);
/* F: who, ip, what, item, result, detail (NULL = ""). */
void mk_audit_mac(const guint8 key[MK_AUDIT_KEY_BYTES], const char *prev, gint64 id,
                  gint64 ts, const char *const f[6], char out[65]);
/* Path of the checkpoint file (caller frees). */
char *mk_audit_checkpoint_path(const mk_config *cfg);
/* Move the checkpoint to ID/MAC when ID is newer; logs the head. */
void mk_audit_checkpoint_write(const char *path, gint64 id, const char *mac);
/* 0 with *id, mac; MK_ERR_NOINPUT when there is none; MK_ERR_DATA when
 * it is malformed. */
int mk_audit_checkpoint_read(const char *path, gint64 *id, char mac[65],
                             mk_error *err);

#endif
