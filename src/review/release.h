/*
 * NAME
 *   release - an original or an unlocked archive leaves the quarantine
 *
 * SUMMARY
 *   rc = mk_review_release(s, cfg, &actor, req_id, now, &where, err);
 *   rc = mk_review_unlock(s, engine, &actor, item_id, passwords, now, &where, err);
 *
 * DESCRIPTION
 *   Release sits above the engine and the store (DESIGN §5): it reads the
 *   store (store.h) and, for a PPAP unlock, runs the engine; neither of
 *   them calls it.  Shared by the CLI and mukaika-web.
 *
 *   Release (operator or above) of an approved request (review.h): mail
 *   is re-injected unchanged but for a prepended X-Mukaika-Released-By
 *   header to the original envelope recipients through
 *   release.smtp_relay; a file is written into dropd.out_dir/OWNER/
 *   (atomic, no replace).  Every step, refused ones included, is an audit
 *   event (actor->who, actor->ip).
 *
 *   PPAP unlock (operator or above, no approval: the original never
 *   leaves): the engine opens the held encrypted archive with the given
 *   password(s) and only a clean sanitized result is delivered.
 *
 * FAILURE
 *   Not allowed (role, wrong state): MK_ERR_USAGE with the reason,
 *   audited as "refused".  Unknown ids MK_ERR_NOINPUT.  Relay or disk
 *   failure during release: MK_ERR_TEMP, the request goes back to
 *   "approved" so it may be retried; audited as "failed".
 */
#ifndef MK_RELEASE_H
#define MK_RELEASE_H

#include <glib.h>

#include "engine.h"
#include "store.h"

/* *where: "smtp HOST:PORT n recipients" or the output path (caller frees). */
int mk_review_release(mk_store *q, const mk_config *cfg, const mk_actor *a,
                      gint64 req_id, gint64 now, char **where, mk_error *err);
/* PPAP: open a held item's encrypted archive with candidate PASSWORDS
 * (char*, not kept, never logged) by re-running ENGINE on the stored
 * original; deliver the sanitized result only when nothing is held and
 * no virus was found (see release.c); the configuration is the engine's.
 * Returns 0 when delivered (*where as mk_review_release, caller frees);
 * MK_ERR_USAGE with the reason when refused: role, item not held, too many
 * wrong passwords ("rate limited"), password wrong ("wrong password"),
 * encryption libarchive cannot open, 7z/rar ("this archive's encryption
 * cannot be opened..."), content still held ("still held: REASON");
 * MK_ERR_TEMP when delivery failed.  Every attempt is an audit event
 * "item.unlock" with result ok, wrong_password, unsupported, still_held,
 * rate_limited, refused or failed. */
int mk_review_unlock(mk_store *q, mk_engine *e, const mk_actor *a,
                     const char *item, GPtrArray *passwords, gint64 now,
                     char **where, mk_error *err);

/* SMTP delivery of DATA to RCPTS (NULL-terminated) via HOST:PORT (smtp.c). */
int mk_smtp_send(const char *relay, const char *helo, const char *from,
                 char *const *rcpts, GBytes *data, gint64 timeout_s,
                 mk_error *err);

#endif
