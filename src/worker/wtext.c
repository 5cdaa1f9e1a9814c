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
 *   executable: refused under seccomp.  So the modules of the charsets
 *   below are loaded once before the filter is installed (in the fork
 *   server: once per server) and kept loaded.
 *
 * NEVER
 *   Writes a file, decides an action.
 */
#include <iconv.h>
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

/* The converters the decoder may ask for: the charsets f_text.c maps
 * names to and guesses with, uchardet's answers, and those mail declares
 * in practice.  Not every module glibc has: each one loaded is mapped into
 * every forked run, and fork time grows with the mappings (all ~240 of
 * them tripled the cost of a run).  A declared charset outside this list
 * is decoded as guessed, with the charset finding. */
static const char *const charsets[] = {
	"CP932", "SHIFT_JIS", "EUC-JP", "EUC-JP-MS", "ISO-2022-JP",
	"ISO-2022-JP-3", "ISO-2022-KR", "ISO-2022-CN", "ISO-2022-CN-EXT",
	"GB18030", "GBK", "EUC-CN", "BIG5", "BIG5-HKSCS", "EUC-TW", "EUC-KR",
	"CP949", "JOHAB", "UTF-7", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4",
	"ISO-8859-5", "ISO-8859-6", "ISO-8859-7", "ISO-8859-8", "ISO-8859-9",
	"ISO-8859-10", "ISO-8859-11", "ISO-8859-13", "ISO-8859-14",
	"ISO-8859-15", "ISO-8859-16", "WINDOWS-1250", "WINDOWS-1251",
	"WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254", "WINDOWS-1255",
	"WINDOWS-1256", "WINDOWS-1257", "WINDOWS-1258", "KOI8-R", "KOI8-U",
	"IBM855", "IBM866", "MAC-CYRILLIC", "MACINTOSH", "TIS-620", "VISCII",
	"GEORGIAN-PS", "ARMSCII-8", "CP437", "CP850", "CP852",
};

void
mk_wtext_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	for (gsize i = 0; i < G_N_ELEMENTS(charsets); i++)
		(void)iconv_open("UTF-8", charsets[i]);   /* kept: stays mapped */
}

const mk_wfilter mk_wfilter_text = { "text", text_run };
