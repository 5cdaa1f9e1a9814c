/*
 * NAME
 *   bench_cdr - per-type throughput of the sandboxed CDR filters against a
 *   libclamav scan of the same files, in the same run
 *
 * SYNOPSIS
 *   bench_cdr CONFIG LISTFILE ROUNDS [OUTDIR]
 *
 * DESCRIPTION
 *   LISTFILE has one "MIME-TYPE<TAB>PATH" a line.  Every file is read into
 *   memory (not timed).  For each type that has a worker filter in the
 *   registry, ROUNDS passes over its files are timed twice with
 *   CLOCK_MONOTONIC: (a) mk_worker_run() with the filter (fork, exec,
 *   sandbox, convert: what the engine pays per document) and (b)
 *   mk_scanner_scan() on the same bytes (one scanner, database loaded once,
 *   not timed).  Prints one line per type:
 *     type=application/pdf filter=pdf files=3 bytes=... ok=.. failed=..
 *       cdr_docs_s=.. cdr_mb_s=.. scan_docs_s=.. scan_mb_s=.. ratio=..
 *   ratio = CDR time / scan time for the same documents.  For PDF, the
 *   same passes again with pdf.text_layer switched, and a line
 *     type=application/pdf text_layer: pages=.. ms_page_with=..
 *       ms_page_without=.. added_ms_page=.. ratio_with_without=..
 *   With OUTDIR, the first pass's outputs are saved there as N.EXT (the
 *   input's extension), listed in OUTDIR/outputs.tsv ("TYPE<TAB>INPUT<TAB>OUTPUT"), for
 *   run.sh to check that they open and keep their text (not timed).
 *
 * DIAGNOSTICS
 *   Exit 0 after a completed run, 64 usage, 66 unreadable input, 75 when
 *   the scanner cannot be created.
 *
 * NEVER
 *   Writes any file but OUTDIR's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "config.h"
#include "f_clamav.h"
#include "f_worker.h"
#include "registry.h"
#include "worker/wclient.h"

typedef struct {
	char *type;
	GPtrArray *files;   /* GBytes* */
	GPtrArray *paths;   /* char*, in step with files */
	gsize bytes;
} group;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static GHashTable *
read_list(const char *list)
{
	GHashTable *groups = g_hash_table_new(g_str_hash, g_str_equal);
	char *text = NULL;

	if (!g_file_get_contents(list, &text, NULL, NULL))
		return NULL;
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		char **f = g_strsplit(*l, "\t", 2);
		GBytes *b = NULL;
		gchar *data;
		gsize len;

		if (f[0] && f[1] && g_file_get_contents(f[1], &data, &len, NULL)) {
			group *g = g_hash_table_lookup(groups, f[0]);
			if (g == NULL) {
				g = g_new0(group, 1);
				g->type = g_strdup(f[0]);
				g->files = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
				g->paths = g_ptr_array_new_with_free_func(g_free);
				g_hash_table_insert(groups, g->type, g);
			}
			b = g_bytes_new_take(data, len);
			g_ptr_array_add(g->files, b);
			g_ptr_array_add(g->paths, g_strdup(f[1]));
			g->bytes += len;
		}
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_free(text);
	return groups;
}

/* Pages of a PDF run, from the filter's "rasterized N page(s)" note. */
static int
note_pages(GPtrArray *notes)
{
	for (guint i = 0; i < notes->len; i++) {
		int n = 0;
		if (sscanf(g_ptr_array_index(notes, i), "rasterized %d page", &n) == 1)
			return n;
	}
	return 0;
}

/* Saves OUT as OUTDIR/N.EXT and lists it for run.sh's usability checks. */
static void
save_output(const char *outdir, const group *g, guint i, GBytes *out)
{
	static guint serial;
	const char *path = g_ptr_array_index(g->paths, i);
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	const char *ext = dot && dot > (slash ? slash : path) && strlen(dot) < 7 ? dot + 1 : "out";
	char *name = g_strdup_printf("%s/%u.%s", outdir, serial++, ext);
	char *list = g_build_filename(outdir, "outputs.tsv", NULL);
	FILE *fp;

	if (g_file_set_contents(name, g_bytes_get_data(out, NULL),
	                        (gssize)g_bytes_get_size(out), NULL) &&
	    (fp = fopen(list, "a")) != NULL) {
		fprintf(fp, "%s\t%s\t%s\n", g->type,
		        (const char *)g_ptr_array_index(g->paths, i), name);
		fclose(fp);
	}
	g_free(list);
	g_free(name);
}

/* ROUNDS passes of the filter over G's files: seconds; *ok, *failed and
 * *pages (PDF pages of one pass) are counted; round 0 saved when OUTDIR. */
static double
time_cdr(const mk_config *cfg, const mk_filter *f, const group *g, int rounds,
         const char *outdir, int *ok, int *failed, int *pages)
{
	double t0 = now_s();

	*ok = *failed = *pages = 0;
	for (int r = 0; r < rounds; r++)
		for (guint i = 0; i < g->files->len; i++) {
			GBytes *out = NULL;
			char *type = NULL;
			mk_error err = { 0 };
			GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
			if (mk_worker_run(cfg, f->name, g_ptr_array_index(g->files, i),
			                  &out, &type, notes, &err) == 0)
				(*ok)++;
			else
				(*failed)++;
			if (r == 0) {
				*pages += note_pages(notes);
				if (outdir && out)
					save_output(outdir, g, i, out);
			}
			g_ptr_array_unref(notes);
			if (out)
				g_bytes_unref(out);
			g_free(type);
		}
	return now_s() - t0;
}

static double
time_scan(mk_scanner *s, const group *g, int rounds)
{
	double t0 = now_s();

	for (int r = 0; r < rounds; r++)
		for (guint i = 0; i < g->files->len; i++) {
			GBytes *b = g_ptr_array_index(g->files, i);
			GPtrArray *hits = g_ptr_array_new_with_free_func(g_free);
			mk_error err = { 0 };
			mk_scanner_scan(s, g_bytes_get_data(b, NULL), g_bytes_get_size(b),
			                hits, &err);
			g_ptr_array_unref(hits);
		}
	return now_s() - t0;
}

/* PDFs again without the text layer: what the layer adds per page. */
static void
text_layer_cost(mk_config *cfg, const mk_filter *f, const group *g, int rounds,
                double with_s, int pages)
{
	int ok, failed, p;
	bool was = cfg->pdf.text_layer;

	cfg->pdf.text_layer = !was;
	double other = time_cdr(cfg, f, g, rounds, NULL, &ok, &failed, &p);
	cfg->pdf.text_layer = was;
	double on = was ? with_s : other, off = was ? other : with_s;
	double per = pages > 0 ? 1000.0 / ((double)pages * rounds) : 0;
	printf("type=%s text_layer: pages=%d ms_page_with=%.1f ms_page_without=%.1f "
	       "added_ms_page=%.1f ratio_with_without=%.2f\n", g->type, pages,
	       on * per, off * per, (on - off) * per, off > 0 ? on / off : 0);
}

static void
bench_group(mk_config *cfg, mk_scanner *s, const group *g, int rounds,
            const char *outdir)
{
	const mk_filter *f = mk_filter_find(g->type);
	int ok = 0, failed = 0, pages = 0;
	double cdr, scan;

	if (f == NULL || f->run != mk_worker_filter)
		return;   /* in-process filters are bench/engine's business */
	cdr = time_cdr(cfg, f, g, rounds, outdir, &ok, &failed, &pages);
	scan = time_scan(s, g, rounds);
	double docs = (double)g->files->len * rounds, mb = (double)g->bytes * rounds / 1e6;
	printf("type=%s filter=%s files=%u bytes=%zu ok=%d failed=%d "
	       "cdr_docs_s=%.1f cdr_mb_s=%.2f scan_docs_s=%.1f scan_mb_s=%.2f "
	       "ratio=%.1f\n", g->type, f->name, g->files->len, g->bytes, ok, failed,
	       docs / cdr, mb / cdr, docs / scan, mb / scan, cdr / scan);
	if (strcmp(f->name, "pdf") == 0)
		text_layer_cost(cfg, f, g, rounds, cdr, pages);
}

int
main(int argc, char **argv)
{
	mk_error err = { 0 };
	mk_config *cfg;
	mk_scanner *s;
	GHashTable *groups;
	GHashTableIter it;
	gpointer k, v;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: bench_cdr CONFIG LISTFILE ROUNDS [OUTDIR]\n");
		return 64;
	}
	cfg = mk_config_load(argv[1], NULL, &err);
	if (cfg == NULL) {
		fprintf(stderr, "bench_cdr: %s\n", err.msg);
		return 64;
	}
	groups = read_list(argv[2]);
	if (groups == NULL)
		return 66;
	s = mk_scanner_new(cfg, &err);
	if (s == NULL) {
		fprintf(stderr, "bench_cdr: scanner: %s\n", err.msg);
		return 75;
	}
	g_hash_table_iter_init(&it, groups);
	while (g_hash_table_iter_next(&it, &k, &v))
		bench_group(cfg, s, v, MAX(1, atoi(argv[3])), argc == 5 ? argv[4] : NULL);
	mk_scanner_free(&s);
	mk_config_unref(&cfg);
	return 0;
}
