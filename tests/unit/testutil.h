/*
 * NAME
 *   testutil - helpers shared by the unit tests
 *
 * DESCRIPTION
 *   mkt_tmpdir(): a new directory under $TMPDIR (removed by mkt_rm_rf).
 *   mkt_config(dir): the built-in defaults with general.state_dir = DIR/state
 *     and clamav.database_dir = DIR/db holding the test signatures
 *     (mkt_write_sigdb), quarantine under the state dir,
 *     web.password_hash_cost = minimum (a test of accounts applies it with
 *     mk_auth_policy_from(); argon2id at interactive cost made the account
 *     tests take most of a minute).
 *   mkt_write_sigdb(dir): test.hdb (EICAR and ClamAV-Test-File hashes) and
 *     test.ndb (EICAR body signature, any offset) into DIR.
 *   mkt_eicar(): the 68-byte EICAR test string (built at run time).
 *   mkt_shared_path("corpora/x"): $MK_SHARED/corpora/x.
 *   mkt_read(path): whole file or a test failure.
 *   mkt_fixture / mkt_fx: temp dir + mkt_config, set up and torn down.
 *   mkt_set_worker(): worker.path of CFG as below (mkt_config() calls it:
 *   the engine unpacks containers in the worker).
 *   mkt_worker_config(): the defaults with worker.path = $MK_WORKER, else
 *     the build tree's mukaika-worker.
 *   mkt_children_of(pid): PID's child processes as "PID PID ..." ("" when
 *     none), from /proc.
 *   mkt_sink_start(sink, cfg): a one-session SMTP sink thread on a free
 *     loopback port, set as cfg's release.smtp_relay; it logs every line it
 *     gets into sink->log and refuses RCPT when sink->refuse_rcpt.
 *     mkt_sink_join() waits for the session to end; mkt_sink_stop() ends a
 *     sink that was never connected to; both close it (log stays until
 *     mkt_sink_free()).
 */
#ifndef MK_TESTUTIL_H
#define MK_TESTUTIL_H

#include <check.h>
#include <glib.h>

#include "config.h"
#include "store.h"

char *mkt_tmpdir(void);
void mkt_rm_rf(const char *dir);
mk_config *mkt_config(const char *dir);
void mkt_write_sigdb(const char *dir);
const char *mkt_eicar(void);
char *mkt_shared_path(const char *rel);
char *mkt_src_path(const char *rel);
mk_config *mkt_worker_config(void);
void mkt_set_worker(mk_config *cfg);
char *mkt_children_of(int pid);

typedef struct mkt_sink {
	int lfd, port, refuse_rcpt;
	GString *log;
	GThread *thread;
} mkt_sink;
void mkt_sink_start(mkt_sink *s, mk_config *cfg);
void mkt_sink_join(mkt_sink *s);
void mkt_sink_stop(mkt_sink *s);
void mkt_sink_free(mkt_sink *s);
GBytes *mkt_read(const char *path);
/* Run SUITE, return exit code for main(). */
int mkt_run(Suite *s);

/* A temp dir with mkt_config() in it.  mkt_fixture_init/clear for a
 * fixture of one's own; mkt_fx + mkt_fx_setup/mkt_fx_teardown for
 * tcase_add_checked_fixture (one per test process, CK_FORK). */
typedef struct mkt_fixture {
	char *dir;
	mk_config *cfg;
	mk_store *q;      /* mkt_fx_store_setup() only */
} mkt_fixture;
extern mkt_fixture mkt_fx;
void mkt_fixture_init(mkt_fixture *f);
void mkt_fixture_clear(mkt_fixture *f);
void mkt_fx_setup(void);
void mkt_fx_teardown(void);
/* mkt_fx_setup() plus dropd.out_dir = DIR/out (created) and the quarantine
 * store open in mkt_fx.q (the review, release and unlock tests). */
void mkt_fx_store_setup(void);
void mkt_fx_store_teardown(void);
/* A second, raw connection to the SQLite file of CFG's store: the tests
 * that play an attacker with write access to the database file (triggers,
 * forged rows) use it; the code under test never sees it.  Opened once per
 * test process, closed by mkt_fixture_clear(). */
struct sqlite3 *mkt_raw_db(const mk_config *cfg);
/* The same for either backend (MK_STORE_BACKEND=postgresql: a fresh
 * schema per mkt_config() on the server named by $MK_TEST_PG, started by
 * tests/tools/pgtmp.sh): run SQL (0 ok, -1 refused), its rows as string
 * vectors, its first cell as a number (-1: none), drop the audit
 * table's guards. */
bool mkt_pg(void);
int mkt_raw_exec(const mk_config *cfg, const char *sql);
GPtrArray *mkt_raw_rows(const mk_config *cfg, const char *sql);
gint64 mkt_raw_int(const mk_config *cfg, const char *sql);
void mkt_raw_unguard(const mk_config *cfg);

#endif
