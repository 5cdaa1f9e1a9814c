/*
 * NAME
 *   bench_engine - in-process throughput of the mukaika engine and of
 *   libclamav alone, over a list of mail files
 *
 * SYNOPSIS
 *   bench_engine full|store|scan CONFIG LISTFILE
 *
 * DESCRIPTION
 *   Reads every file named in LISTFILE (one path a line) into memory, then:
 *     full  - one engine (mk_engine_new, CONFIG) processes every mail with
 *             mk_engine_process(no_store = true): parse, classify, scan,
 *             decide, sanitize, rebuild, report;
 *     store - as full, but with the configured quarantine store behind the
 *             engine (mk_store_port_new) and no_store = false: what the
 *             milter does per mail (original + report kept, stats row);
 *     scan  - one scanner (mk_scanner_new, CONFIG) scans every whole mail
 *             with mk_scanner_scan: the libclamav-in-process reference.
 *   The database load (engine or scanner creation) and the processing loop
 *   are timed separately with CLOCK_MONOTONIC (secs) and the loop also in
 *   CPU seconds (cpu_s: this process plus its ended children, i.e. the
 *   sandboxed CDR workers, whose fork server is ended before reading the
 *   clock; less sensitive to other load on the machine); file reading is
 *   not timed.
 *   Prints one line of key=value pairs:
 *     mode=full load_s=2.31 files=300 bytes=203847123 secs=12.5 cpu_s=12.3 \
 *       pass=.. cleaned=.. stripped=.. quarantined=.. rejected=.. tempfail=.. \
 *       [cache_hits=.. cache_misses=.. cache_entries=.. cache_bytes=..]
 *     mode=scan load_s=2.20 files=300 bytes=... secs=... cpu_s=... clean=.. infected=.. error=..
 *
 * DIAGNOSTICS
 *   Exit 0 on a completed run, 64 usage, 66 unreadable input, 75 when the
 *   engine or scanner is not ready (a benchmark of tempfails means nothing),
 *   70 when the engine fails on an item.
 *
 * NEVER
 *   Writes the quarantine (except in mode store) or any other file.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>

#include "config.h"
#include "engine.h"
#include "f_clamav.h"
#include "item.h"
#include "log.h"
#include "mime.h"
#include "mk_error.h"
#include "store_port.h"
#include "worker/wclient.h"

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* This process and its ended children: the sandboxed workers (their fork
 * server is ended first so that its runs are counted). */
static double
cpu_s(void)
{
	struct rusage ru;

	mk_worker_shutdown();
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
		return clock_s(CLOCK_PROCESS_CPUTIME_ID);
	return clock_s(CLOCK_PROCESS_CPUTIME_ID) + (double)ru.ru_utime.tv_sec +
	       (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* Files of LISTFILE as GBytes (caller unrefs the array); NULL on error. */
static GPtrArray *
read_list(const char *listfile, guint64 *total)
{
	GPtrArray *files = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	char *text = NULL, **lines = NULL;
	GError *gerr = NULL;

	*total = 0;
	if (!g_file_get_contents(listfile, &text, NULL, &gerr))
		goto fail;
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		char *data = NULL;
		gsize len = 0;

		if (**l == '\0')
			continue;
		if (!g_file_get_contents(*l, &data, &len, &gerr))
			goto fail;
		g_ptr_array_add(files, g_bytes_new_take(data, len));
		*total += len;
	}
	g_strfreev(lines);
	g_free(text);
	return files;
fail:
	fprintf(stderr, "bench_engine: %s\n", gerr->message);
	g_error_free(gerr);
	g_strfreev(lines);
	g_free(text);
	g_ptr_array_unref(files);
	return NULL;
}

static int
run_full(mk_config *cfg, GPtrArray *files, guint64 total, bool store)
{
	guint counts[MK_V_TEMPFAIL + 1] = { 0 };
	mk_error err = { 0 };
	mk_engine *e;
	double t0, t1, t2, c1;
	int rc = 0;

	mk_mime_init();
	t0 = now_s();
	e = mk_engine_new(cfg, store ? mk_store_port_new(cfg) : NULL, &err);
	t1 = now_s();
	if (e == NULL || mk_engine_ready(e, &err) < 0) {
		fprintf(stderr, "bench_engine: engine not ready: %s\n", err.msg);
		rc = 75;
		goto out;
	}
	c1 = cpu_s();
	for (guint i = 0; i < files->len; i++) {
		mk_input in = { .data = g_ptr_array_index(files, i), .mode = MK_MODE_MAIL,
		                .no_store = !store, .sender = "bench@example.org" };
		mk_result *r = NULL;

		if (mk_engine_process(e, &in, &r, &err) < 0 || r == NULL) {
			fprintf(stderr, "bench_engine: item %u: %s\n", i + 1, err.msg);
			rc = 70;
			goto out;
		}
		counts[r->verdict]++;
		mk_result_free(&r);
	}
	t2 = now_s();
	printf("mode=%s load_s=%.3f files=%u bytes=%" G_GUINT64_FORMAT
	       " secs=%.3f cpu_s=%.3f", store ? "store" : "full", t1 - t0, files->len, total, t2 - t1,
	       cpu_s() - c1);
	for (int v = MK_V_PASS; v <= MK_V_TEMPFAIL; v++)
		printf(" %s=%u", mk_verdict_name((mk_verdict)v), counts[v]);
	if (mk_engine_cache(e) != NULL) {
		mk_sancache_stats st;

		mk_sancache_get_stats(mk_engine_cache(e), &st);
		printf(" cache_hits=%" G_GUINT64_FORMAT " cache_misses=%" G_GUINT64_FORMAT
		       " cache_entries=%u cache_bytes=%zu", st.hits, st.misses, st.entries,
		       (size_t)st.bytes);
	}
	printf("\n");
out:
	mk_engine_free(&e);
	return rc;
}

static int
run_scan(mk_config *cfg, GPtrArray *files, guint64 total)
{
	guint clean = 0, infected = 0, errors = 0;
	mk_error err = { 0 };
	mk_scanner *s;
	double t0, t1, t2, c1;

	t0 = now_s();
	s = mk_scanner_new(cfg, &err);
	t1 = now_s();
	if (s == NULL) {
		fprintf(stderr, "bench_engine: scanner not ready: %s\n", err.msg);
		return 75;
	}
	c1 = cpu_s();
	for (guint i = 0; i < files->len; i++) {
		GPtrArray *hits = g_ptr_array_new_with_free_func(g_free);
		gsize len = 0;
		const void *p = g_bytes_get_data(g_ptr_array_index(files, i), &len);
		int rc = mk_scanner_scan(s, p, len, hits, &err);

		if (rc < 0)
			errors++;
		else if (rc > 0)
			infected++;
		else
			clean++;
		g_ptr_array_unref(hits);
	}
	t2 = now_s();
	printf("mode=scan load_s=%.3f files=%u bytes=%" G_GUINT64_FORMAT " secs=%.3f "
	       "cpu_s=%.3f clean=%u infected=%u error=%u\n", t1 - t0, files->len,
	       total, t2 - t1, cpu_s() - c1, clean, infected, errors);
	mk_scanner_free(&s);
	return errors > 0 ? 70 : 0;
}

int
main(int argc, char **argv)
{
	mk_error err = { 0 };
	mk_config *cfg = NULL;
	GPtrArray *files = NULL;
	guint64 total = 0;
	int rc = 64;

	if (argc != 4 || (strcmp(argv[1], "full") != 0 && strcmp(argv[1], "store") != 0 &&
	                  strcmp(argv[1], "scan") != 0)) {
		fprintf(stderr, "usage: bench_engine full|store|scan CONFIG LISTFILE\n");
		goto out;
	}
	cfg = mk_config_load(argv[2], NULL, &err);
	if (cfg == NULL) {
		fprintf(stderr, "bench_engine: %s: %s\n", argv[2], err.msg);
		rc = 78;
		goto out;
	}
	/* [log] level of CONFIG: per-document notes would otherwise go to stderr */
	mk_log_open("bench_engine", cfg->log.level, "");
	rc = 66;
	if ((files = read_list(argv[3], &total)) == NULL)
		goto out;
	rc = strcmp(argv[1], "scan") == 0 ? run_scan(cfg, files, total)
	     : run_full(cfg, files, total, strcmp(argv[1], "store") == 0);
out:
	if (files != NULL)
		g_ptr_array_unref(files);
	mk_config_unref(&cfg);
	return rc;
}
