/*
 * NAME
 *   bench_store - the store's cost per item: SQLite vs PostgreSQL, one run
 *
 * SYNOPSIS
 *   bench_store STATE_DIR CONNINFO N SIZE
 *
 * DESCRIPTION
 *   For each backend: N held items (an original of SIZE pseudo-random
 *   bytes from a fixed seed, its report, its processed row), each with
 *   one audit event, then every item read back with its original
 *   (verified), then one search.  Prints wall and CPU seconds per phase
 *   and per backend, and the ratios postgresql / sqlite.  Not a test:
 *   no pass or fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "store.h"

static double
cpu(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
	       (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

typedef struct { double put_w, put_c, get_w, get_c; } times;

static int
run(mk_config *cfg, int n, gsize size, times *t)
{
	mk_error err = { 0 };
	mk_store *s = mk_store_open(cfg, &err);
	GRand *r = g_rand_new_with_seed(42);
	guint8 *buf = g_malloc(size);
	double w0, c0;

	if (s == NULL) {
		fprintf(stderr, "bench_store: %s\n", err.msg);
		return 1;
	}
	w0 = g_get_monotonic_time() / 1e6;
	c0 = cpu();
	for (int i = 0; i < n; i++) {
		char id[32];
		GBytes *b;
		mk_qmeta m = { 0 };

		for (gsize k = 0; k < size; k += 4)
			*(guint32 *)(buf + k) = g_rand_int(r);
		g_snprintf(id, sizeof id, "bench-%06d", i);
		m.id = id;
		m.channel = "mail";
		m.sender = "sender@example.org";
		m.recipients = "user@lgwan.example";
		m.subject = "bench";
		m.verdict = MK_V_QUARANTINED;
		m.findings = "virus";
		m.report_json = "{\"bench\":true}";
		m.received = 1700000000 + i;
		b = g_bytes_new(buf, size);
		if (mk_qstore_put(s, &m, b, &err) != 0 ||
		    mk_stats_add(s, &m, (gint64)size, true, &err) != 0 ||
		    mk_audit_add(s, m.received, "system", "local", "item.hold", id, "ok", NULL,
		                 &err) != 0) {
			fprintf(stderr, "bench_store: %s\n", err.msg);
			return 1;
		}
		g_bytes_unref(b);
	}
	t->put_w = g_get_monotonic_time() / 1e6 - w0;
	t->put_c = cpu() - c0;
	w0 = g_get_monotonic_time() / 1e6;
	c0 = cpu();
	for (int i = 0; i < n; i++) {
		char id[32];
		mk_qrecord *q = NULL;
		GBytes *b;

		g_snprintf(id, sizeof id, "bench-%06d", i);
		if (mk_qstore_get(s, id, &q, &err) != 0 ||
		    (b = mk_qstore_object(s, q->sha256, &err)) == NULL) {
			fprintf(stderr, "bench_store: %s\n", err.msg);
			return 1;
		}
		g_bytes_unref(b);
		mk_qrecord_free(&q);
	}
	t->get_w = g_get_monotonic_time() / 1e6 - w0;
	t->get_c = cpu() - c0;
	g_free(buf);
	g_rand_free(r);
	mk_store_close(&s);
	return 0;
}

int
main(int argc, char **argv)
{
	mk_config *cfg;
	times sq, pg;
	int n;
	gsize size;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_store STATE_DIR CONNINFO N SIZE\n");
		return 64;
	}
	n = atoi(argv[3]);
	size = (gsize)atol(argv[4]) & ~(gsize)3;
	cfg = mk_config_defaults();
	g_free(cfg->general.state_dir);
	cfg->general.state_dir = g_strdup(argv[1]);
	if (run(cfg, n, size, &sq) != 0)
		return 1;
	g_free(cfg->store.backend);
	cfg->store.backend = g_strdup("postgresql");
	g_free(cfg->store.postgresql);
	cfg->store.postgresql = g_strdup(argv[2]);
	if (run(cfg, n, size, &pg) != 0)
		return 1;
	printf("%d items of %zu bytes (put = original + report + processed row + audit "
	       "event; get = row + original, verified)\n", n, size);
	printf("%-22s %10s %10s %10s %10s\n", "", "put wall", "put cpu", "get wall", "get cpu");
	printf("%-22s %9.2fs %9.2fs %9.2fs %9.2fs\n", "sqlite", sq.put_w, sq.put_c, sq.get_w,
	       sq.get_c);
	printf("%-22s %9.2fs %9.2fs %9.2fs %9.2fs\n", "postgresql (socket)", pg.put_w, pg.put_c,
	       pg.get_w, pg.get_c);
	printf("%-22s %10.2f %10.2f %10.2f %10.2f\n", "ratio postgresql/sqlite",
	       pg.put_w / sq.put_w, pg.put_c / (sq.put_c > 0 ? sq.put_c : 1e-3),
	       pg.get_w / sq.get_w, pg.get_c / (sq.get_c > 0 ? sq.get_c : 1e-3));
	printf("items/s put: sqlite %.0f, postgresql %.0f\n", n / sq.put_w, n / pg.put_w);
	mk_config_unref(&cfg);
	return 0;
}
