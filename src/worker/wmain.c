/*
 * NAME
 *   mukaika-worker - run one CDR filter on hostile bytes, confined
 *
 * SYNOPSIS
 *   mukaika-worker FILTER [key=value ...]   (started by wclient.c only)
 *   mukaika-worker --zygote                 (fork server, see wzygote.h)
 *
 * DESCRIPTION
 *   Descriptors: 3 input (read to the end), 4 output (written from
 *   offset 0), 5 status ("note TEXT" lines, then "ok TYPE" or
 *   "fail MESSAGE").  Options: memory, cpu, max_output (limits) and the
 *   mk_wopts fields (pdf_dpi, pdf_max_pages, pdf_max_pixels,
 *   pdf_text_layer, pdf_max_links, image_max_pixels, image_max_dimension,
 *   csv_prefix_formulas, lang_en, rtf_max_depth, ooxml_max_parts,
 *   ooxml_max_part_size), all integers.  Run through the fork server
 *   (wzygote.h) the same options arrive in the request instead of argv.
 *
 *   Order: parse argv, find the filter, set rlimits and no_new_privs,
 *   close every descriptor above 5, install the seccomp filter, and only
 *   then read a byte of input.
 *
 * EXIT STATUS
 *   0 output written and "ok" sent; 1 the filter failed ("fail" sent);
 *   64 bad invocation.  A signal (SIGSYS from seccomp, SIGKILL/SIGXCPU from
 *   a limit, SIGSEGV) is the parent's to report.
 *
 * NEVER
 *   Opens a file for writing, a socket or a process; falls back to the
 *   input bytes.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mk_asan.h"
#include "wclient.h"
#include "wfilter.h"
#include "wseccomp.h"
#include "wzygote.h"

#if MK_ASAN
/* LeakSanitizer's exit check needs ptrace/clone: not in our allowlist. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static void
status(const char *kind, const char *text)
{
	GString *s = g_string_new(kind);

	g_string_append_c(s, ' ');
	for (const char *p = text ? text : ""; *p; p++)
		g_string_append_c(s, (unsigned char)*p < 0x20 ? ' ' : *p);
	g_string_append_c(s, '\n');
	for (gsize off = 0; off < s->len;) {
		ssize_t n = write(MK_WORKER_FD_STATUS, s->str + off, s->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (gsize)n;
	}
	g_string_free(s, TRUE);
}

static void __attribute__((noreturn))
fail(int code, const char *msg)
{
	status("fail", msg);
	_exit(code);
}

static bool
parse_opt(const char *arg, mk_wopts *o, mk_wlimits *l)
{
	const char *eq = strchr(arg, '=');
	char *end = NULL;
	gint64 v;

	if (eq == NULL)
		return false;
	errno = 0;
	v = g_ascii_strtoll(eq + 1, &end, 10);
	if (errno != 0 || end == eq + 1 || *end != '\0' || v < 0)
		return false;
#define K(name, field) if (strncmp(arg, name "=", strlen(name) + 1) == 0) { field = v; return true; }
	K("memory", l->memory);
	K("cpu", l->cpu_s);
	K("max_output", l->max_output);
	K("pdf_dpi", o->pdf_dpi);
	K("pdf_max_pages", o->pdf_max_pages);
	K("pdf_max_pixels", o->pdf_max_pixels);
	K("pdf_text_layer", o->pdf_text_layer);
	K("pdf_max_links", o->pdf_max_links);
	K("image_max_pixels", o->image_max_pixels);
	K("image_max_dimension", o->image_max_dimension);
	K("csv_prefix_formulas", o->csv_prefix_formulas);
	K("lang_en", o->lang_en);
	K("rtf_max_depth", o->rtf_max_depth);
	K("ooxml_max_parts", o->ooxml_max_parts);
	K("ooxml_max_part_size", o->ooxml_max_part_size);
#undef K
	return false;
}

static GBytes *
read_input(mk_error *err)
{
	struct stat sb;
	GByteArray *buf;
	guint8 chunk[65536];

	buf = g_byte_array_sized_new(fstat(MK_WORKER_FD_IN, &sb) == 0 &&
	                             sb.st_size > 0 ? (guint)MIN(sb.st_size, G_MAXUINT) : 0);
	for (;;) {
		ssize_t n = read(MK_WORKER_FD_IN, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mk_error_set(err, MK_ERR_IO, "input: %s", g_strerror(errno));
			g_byte_array_unref(buf);
			return NULL;
		}
		if (n == 0)
			break;
		g_byte_array_append(buf, chunk, (guint)n);
	}
	return g_byte_array_free_to_bytes(buf);
}

static int
write_output(GBytes *out, mk_error *err)
{
	gsize len = 0;
	const guint8 *p = g_bytes_get_data(out, &len);

	for (gsize off = 0; off < len;) {
		ssize_t n = write(MK_WORKER_FD_OUT, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mk_error_set(err, MK_ERR_LIMIT, "output: %s",
			             n < 0 && errno == EFBIG ? "over worker.max_output"
			                                     : g_strerror(errno));
			return MK_ERR_LIMIT;
		}
		off += (gsize)n;
	}
	return 0;
}

int
mk_worker_child_main(int argc, char **argv)
{
	mk_wopts o = { 0 };
	mk_wlimits l = { 0 };
	mk_error err = { 0 };
	const mk_wfilter *f;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	GBytes *in, *out = NULL;
	char *type = NULL;

	if (argc < 2)
		fail(64, "usage: mukaika-worker FILTER [key=value ...]");
	for (int i = 2; i < argc; i++)
		if (!parse_opt(argv[i], &o, &l))
			fail(64, "bad option");
	if (l.memory <= 0 || l.cpu_s <= 0 || l.max_output <= 0)
		fail(64, "memory, cpu and max_output are required");
	o.max_output = l.max_output;
	f = mk_wfilter_find(argv[1]);
	if (f == NULL)
		fail(64, "unknown filter");
	signal(SIGXFSZ, SIG_IGN);   /* an oversize write fails with EFBIG */
	mk_wfilter_init_all();
	if (mk_wsandbox_limits(&l, &err) < 0 || mk_wsandbox_seccomp(&err) < 0)
		fail(1, err.msg);
	in = read_input(&err);
	if (in == NULL)
		fail(1, err.msg);
	if (f->run(in, &o, &out, &type, notes, &err) < 0 || out == NULL)
		fail(1, err.msg[0] ? err.msg : "filter gave no output");
	if ((gint64)g_bytes_get_size(out) > l.max_output)
		fail(1, "output over worker.max_output");
	if (write_output(out, &err) < 0)
		fail(1, err.msg);
	for (guint i = 0; i < notes->len; i++)
		status("note", g_ptr_array_index(notes, i));
	status("ok", type ? type : "");
	_exit(0);
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--zygote") == 0)
		return mk_wzygote_main(MK_WORKER_FD_IN);
	return mk_worker_child_main(argc, argv);
}
