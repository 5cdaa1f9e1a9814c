/*
 * NAME
 *   wtext - the worker's "text" run: every body and text part of one item,
 *   confined (engine side: filters/f_wtext.h)
 *
 * DESCRIPTION
 *   Input: a text request (textwire.h) with the settings the text filters
 *   read and the parts.  Each part is rendered (op "body") or filtered
 *   (html2text, text, csv, ics) by f_textrun.h, in order; the answer
 *   carries per part its status, text, output and findings.  One part's
 *   failure is its own; a crash, the memory or CPU limit or the engine's
 *   timeout ends the run and is a verdict on all its parts.
 *
 *   mk_wtext_init(): the charset decoder (glibc iconv through GIConv)
 *   loads a converter module per charset with dlopen, which maps it
 *   executable: refused under seccomp.  So every module listed in the
 *   gconv configuration is loaded once before the filter is installed (in
 *   the fork server: once per server; about 13 ms) and kept loaded.
 *
 * NEVER
 *   Writes a file, decides an action.
 */
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "f_textrun.h"
#include "textwire.h"
#include "wfilter.h"

static int
text_run(GBytes *in, const mk_wopts *o, GBytes **out, char **out_type,
         GPtrArray *notes, mk_error *err)
{
	mk_config cfg = { 0 };
	GPtrArray *parts = g_ptr_array_new();
	int *rcs = NULL;
	char **msgs = NULL;
	int rc;

	(void)o;
	(void)notes;
	if ((rc = mk_twire_req_decode(in, &cfg, parts, err)) < 0)
		goto out;
	rcs = g_new0(int, parts->len + 1);
	msgs = g_new0(char *, parts->len + 1);
	for (guint i = 0; i < parts->len; i++) {
		mk_node *n = g_ptr_array_index(parts, i);
		mk_error e = { 0 };

		rcs[i] = mk_textrun_part(&cfg, n, n->rule, &e);
		msgs[i] = g_strdup(e.msg);
		if (rcs[i] < 0 && n->out != NULL)
			g_clear_pointer(&n->out, g_bytes_unref);
	}
	*out = mk_twire_resp_encode(parts, rcs, (const char *const *)msgs);
	*out_type = g_strdup(MK_TWIRE_TYPE);
out:
	for (guint i = 0; i < parts->len; i++) {
		mk_node *n = g_ptr_array_index(parts, i);
		mk_node_free(&n);
		g_free(msgs ? msgs[i] : NULL);
	}
	g_ptr_array_unref(parts);
	g_free(msgs);
	g_free(rcs);
	mk_twire_cfg_clear(&cfg);
	return rc;
}

/* Load the converter of every "module FROM INTERNAL FILE" line in FILE. */
static void
load_gconv_conf(const char *file, GHashTable *seen)
{
	FILE *fp = fopen(file, "re");
	char line[512], kw[16], from[128], to[128], so[128];

	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		gsize l;

		if (sscanf(line, "%15s %127s %127s %127s", kw, from, to, so) != 4 ||
		    strcmp(kw, "module") != 0 || strcmp(to, "INTERNAL") != 0 ||
		    g_hash_table_contains(seen, so))
			continue;
		g_hash_table_add(seen, g_strdup(so));
		while ((l = strlen(from)) > 0 && from[l - 1] == '/')
			from[l - 1] = '\0';
		iconv_t cd = iconv_open("UTF-8", from);
		if (cd != (iconv_t)-1)
			(void)cd;   /* kept open: the module stays mapped */
	}
	fclose(fp);
}

void
mk_wtext_init(void)
{
	static const char *const dirs[] = {
		"/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/aarch64-linux-gnu/gconv",
		"/usr/lib/i386-linux-gnu/gconv", "/usr/lib64/gconv", "/usr/lib/gconv",
	};
	static bool done;
	GHashTable *seen;

	if (done)
		return;
	done = true;
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
		char *conf = g_build_filename(dirs[i], "gconv-modules", NULL);
		char *extra = g_build_filename(dirs[i], "gconv-modules.d",
		                               "gconv-modules-extra.conf", NULL);
		load_gconv_conf(conf, seen);
		load_gconv_conf(extra, seen);
		g_free(extra);
		g_free(conf);
	}
	g_hash_table_unref(seen);
}

const mk_wfilter mk_wfilter_text = { "text", text_run };
