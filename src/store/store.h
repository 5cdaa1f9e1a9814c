/*
 * NAME
 *   store - the one interface to the quarantine store: items and their
 *   originals, reports, review accounts, sessions, release requests and
 *   decisions, policy exceptions and the audit chain
 *
 * SUMMARY
 *   mk_store *s = mk_store_open(cfg, &err);
 *   rc = mk_qstore_put(s, &meta, original, &err);        (qstore.h)
 *   rc = mk_user_login(s, name, pw, ip, now, &pol, &res, &err); (users.h)
 *   rc = mk_review_request(s, &actor, id, reason, now, &req, &err); (review.h)
 *   rc = mk_audit_add(s, now, who, ip, what, item, result, detail, &err);
 *   mk_store_close(&s);
 *
 * DESCRIPTION
 *   Every program (CLI, web, milter, dropd, engine) reaches stored state
 *   through this header and the ones it includes, never through SQL or a
 *   database handle: no sqlite3 type appears outside src/store/.  The
 *   handle is opaque.  The backend is chosen by store.backend; each
 *   backend is a table of functions (store_backend.h), the way OpenSMTPD
 *   chooses its queue backend.
 *
 *   A handle is used by one thread at a time; handles may coexist (each
 *   is its own connection) in one or several processes.
 *
 * OWNERSHIP
 *   mk_store_open() returns a new handle (mk_store_close).  Records
 *   returned by the operations are new; the free functions are declared
 *   beside them.
 *
 * FAILURE
 *   Store failures are MK_ERR_TEMP with the backend's message (callers
 *   tempfail and keep the item); see each header for the other codes.
 */
#ifndef MK_STORE_H
#define MK_STORE_H

#include <glib.h>

#include "config.h"
#include "mk_error.h"

typedef struct mk_store mk_store;

mk_store *mk_store_open(const mk_config *cfg, mk_error *err);
void mk_store_close(mk_store **s);
/* Has the configured store been created?  (sqlite: its file exists; a
 * database server: always - opening it tells.)  For readers that must
 * not create one. */
bool mk_store_exists(const mk_config *cfg);

#include "qstore.h"
#include "users.h"
#include "audit.h"
#include "review.h"
#include "stats.h"

#endif
