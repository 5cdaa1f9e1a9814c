/*
 * NAME
 *   mkverify - check that a forwarded message obeys the sanitizing contract
 *
 * SYNOPSIS
 *   mkverify [--config FILE] OUT.eml
 *
 * DESCRIPTION
 *   Parses a message written by `mukaika sanitize` with GMime and checks:
 *   it parses; it carries X-Mukaika-Status; every body leaf (a part that is
 *   not an attachment) is text/plain; charset=utf-8 and its decoded content is
 *   valid UTF-8 without NUL bytes; every attachment (and every attached
 *   message) is empty or has a true type, by content (mk_sniff), that is not
 *   unknown and
 *   that the policy of FILE (built-in defaults without --config) maps to
 *   allow or sanitize - never an executable, never an unknown type.
 *   Used by tests/scripts/t-corpora.sh and t-cli.sh.
 *
 *   It owns nothing but its own allocations, never writes files and never
 *   trusts the message: every name it prints is escaped.
 *
 * EXIT STATUS
 *   0 the message is fine; 1 a check failed (the reasons on stdout, one per
 *   line); 2 usage, unreadable file or configuration error.
 */
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "config.h"
#include "mk_error.h"
#include "sniff.h"
#include "zipsniff.h"

typedef struct {
	const mk_config *cfg;
	mk_sniffer *sniffer;
	int problems;
	int leaves;
} verifier;

static void G_GNUC_PRINTF(3, 4)
problem(verifier *v, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg, *esc;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	esc = g_strescape(msg, NULL);
	printf("%s: %s\n", path, esc);
	g_free(esc);
	g_free(msg);
	v->problems++;
}

/* Decoded (transfer encoding removed) content of a leaf; caller unrefs. */
static GByteArray *
leaf_content(GMimeObject *obj)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba, *copy;

	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));

		if (w != NULL)
			g_mime_data_wrapper_write_to_stream(w, mem);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		if (m != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, mem);
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	copy = g_byte_array_sized_new(ba->len);
	g_byte_array_append(copy, ba->data, ba->len);
	g_object_unref(mem);
	return copy;
}

static gboolean
is_attachment(GMimeObject *obj)
{
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);

	if (GMIME_IS_MESSAGE_PART(obj))
		return TRUE;
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd))
		return TRUE;
	return GMIME_IS_PART(obj) && g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

static void
check_body(verifier *v, GMimeObject *obj, const char *path)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
	GByteArray *ba;

	if (ct == NULL || !g_mime_content_type_is_type(ct, "text", "plain")) {
		char *t = ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("(none)");

		problem(v, path, "body part is %s, not text/plain", t);
		g_free(t);
		return;
	}
	if (cs == NULL || g_ascii_strcasecmp(cs, "utf-8") != 0)
		problem(v, path, "body charset is %s, not utf-8", cs ? cs : "(none)");
	ba = leaf_content(obj);
	if (!g_utf8_validate((const char *)ba->data, (gssize)ba->len, NULL))
		problem(v, path, "body is not valid UTF-8 (or holds NUL bytes)");
	g_byte_array_unref(ba);
}

static void
check_attachment(verifier *v, GMimeObject *obj, const char *path)
{
	GByteArray *ba = leaf_content(obj);
	char *mime = NULL, *desc = NULL, *refined;
	const char *pattern = NULL;
	mk_action act;
	mk_error err = { 0 };

	if (ba->len == 0)       /* nothing to carry a payload: harmless */
		goto out;
	if (mk_sniff(v->sniffer, ba->data, ba->len, &mime, &desc, &err) < 0) {
		problem(v, path, "cannot determine the attachment type: %s", err.msg);
		goto out;
	}
	if ((refined = mk_zip_refine_type(ba->data, ba->len, mime)) != NULL) {
		g_free(mime);
		mime = refined;
	}
	if (mk_sniff_is_unknown(mime)) {
		problem(v, path, "attachment of unknown type %s (%s)", mime, desc);
		goto out;
	}
	act = mk_config_policy_for(v->cfg, mime, &pattern);
	if (act != MK_ACT_ALLOW && act != MK_ACT_SANITIZE)
		problem(v, path, "attachment of type %s is forwarded but policy says %s (rule %s)",
		        mime, mk_action_name(act), pattern ? pattern : "?");
out:
	g_free(mime);
	g_free(desc);
	g_byte_array_unref(ba);
}

static void
walk(verifier *v, GMimeObject *obj, const char *path, int depth)
{
	if (depth > 64) {
		problem(v, path, "MIME nesting deeper than 64");
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		if (n == 0)
			problem(v, path, "empty multipart");
		for (int i = 0; i < n; i++) {
			char *sub = g_strdup_printf("%s.%d", path, i + 1);

			walk(v, g_mime_multipart_get_part(mp, i), sub, depth + 1);
			g_free(sub);
		}
		return;
	}
	v->leaves++;
	if (is_attachment(obj))
		check_attachment(v, obj, path);
	else
		check_body(v, obj, path);
}

static int
verify_file(verifier *v, const char *file)
{
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	FILE *fp = fopen(file, "rb");
	int rc = 2;

	if (fp == NULL) {
		fprintf(stderr, "mkverify: cannot open %s\n", file);
		goto out;
	}
	stream = g_mime_stream_file_new(fp);   /* owns fp */
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	rc = 1;
	if (msg == NULL || g_mime_message_get_mime_part(msg) == NULL) {
		printf("%s: does not parse as a MIME message\n", file);
		goto out;
	}
	if (g_mime_object_get_header(GMIME_OBJECT(msg), "X-Mukaika-Status") == NULL)
		problem(v, "message", "no X-Mukaika-Status header");
	walk(v, g_mime_message_get_mime_part(msg), "1", 0);
	if (v->leaves == 0)
		problem(v, "message", "no body part");
	rc = v->problems ? 1 : 0;
out:
	if (msg)
		g_object_unref(msg);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	return rc;
}

int
main(int argc, char **argv)
{
	verifier v = { 0 };
	mk_config *cfg = NULL;
	mk_error err = { 0 };
	const char *conf = NULL, *file = NULL;
	int rc = 2;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (argv[i][0] == '-' || file != NULL)
			file = "", i = argc;   /* unknown option or extra argument */
		else
			file = argv[i];
	}
	if (file == NULL || *file == '\0') {
		fprintf(stderr, "usage: mkverify [--config FILE] OUT.eml\n");
		return 2;
	}
	g_mime_init();
	cfg = conf ? mk_config_load(conf, NULL, &err) : mk_config_defaults();
	if (cfg == NULL) {
		fprintf(stderr, "mkverify: %s\n", err.msg);
		goto out;
	}
	v.cfg = cfg;
	v.sniffer = mk_sniffer_new(&err);
	if (v.sniffer == NULL) {
		fprintf(stderr, "mkverify: %s\n", err.msg);
		goto out;
	}
	rc = verify_file(&v, file);
out:
	mk_sniffer_free(&v.sniffer);
	mk_config_unref(&cfg);
	g_mime_shutdown();
	return rc;
}
