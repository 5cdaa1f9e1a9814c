/*
 * NAME
 *   test_mime - mk_mime_parse() and mk_mime_looks_like_message()
 *
 * DESCRIPTION
 *   Each row is a crafted message and lines that must (or must not) occur in
 *   the dump of its tree: "PATH KIND ROLE TYPE name=NAME [FINDINGS]".
 *   A second table checks decoded data of single nodes.  The corpus test
 *   parses every .eml/.msg of the stalwart-mail-parser and mime4j corpora.
 */
#include <string.h>

#include "mime.h"
#include "testutil.h"

#define CRLF "\r\n"

typedef struct {
	const char *name;
	const char *raw;
	const char *must[8];   /* "!x": x must not occur */
} tree_row;

static const tree_row TREE_ROWS[] = {
	{ "alternative prefers plain",
	  "From: a@example.jp\nSubject: t\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=XX\n\n"
	  "--XX\nContent-Type: text/plain; charset=utf-8\n\nhello\n"
	  "--XX\nContent-Type: text/html\n\n<p>hello</p>\n--XX--\n",
	  { "1 message none - name=- []", "1.1 multipart none multipart/alternative",
	    "1.1.1 part body text/plain name=- []",
	    "1.1.2 part alternative text/html name=- []",
	    "!malformed_mime", "!parse_error", "!duplicate_header" } },
	{ "alternative with empty plain uses html in related",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=A\n\n"
	  "--A\nContent-Type: text/plain\n\n  \n"
	  "--A\nContent-Type: multipart/related; boundary=B\n\n"
	  "--B\nContent-Type: text/html\n\n<img src=\"cid:img1@x\">\n"
	  "--B\nContent-Type: image/png\nContent-ID: <img1@x>\n"
	  "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
	  "--B\nContent-Type: image/gif\nContent-ID: <hidden@x>\n\nGIF89a\n"
	  "--B--\n--A--\n",
	  { "1.1.1 part alternative text/plain", "1.1.2.1 part body text/html",
	    "1.1.2.2 part inline image/png", "1.1.2.3 part attachment image/gif",
	    "!malformed_mime" } },
	{ "mixed: body and attachments",
	  "From: a@example.jp\nTo: b@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=\"b 1\"\n\npreface\n"
	  "--b 1\n\nimplicit text/plain body\n"
	  "--b 1\nContent-Type: text/plain\nContent-Disposition: attachment; "
	  "filename=notes.txt\n\nnotes\n"
	  "--b 1\nContent-Type: application/pdf; name=\"a.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b 1--\n",
	  { "1.1.1 part body text/plain name=- []",
	    "1.1.2 part attachment text/plain name=notes.txt []",
	    "1.1.3 part attachment application/pdf name=a.pdf []",
	    "!malformed_mime", "!parse_error" } },
	{ "message/partial",
	  "From: a@example.jp\nSubject: p\nMIME-Version: 1.0\n"
	  "Content-Type: message/partial; id=\"abc@x\"; number=1; total=2\n\n"
	  "Subject: inner\n\nhalf\n",
	  { "partial_message" } },
	{ "message/external-body",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=Z\n\n--Z\n"
	  "Content-Type: message/external-body; access-type=URL; "
	  "URL=\"http://example.com/x.exe\"\n\nContent-Type: application/x-msdownload\n\n"
	  "--Z--\n",
	  { "external_body" } },
	{ "duplicate Content-Type and Content-Disposition",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=Z\n\n--Z\n"
	  "Content-Type: text/plain\nContent-Type: application/x-msdownload\n"
	  "Content-Disposition: inline\nContent-Disposition: attachment; "
	  "filename=x.exe\n\nMZ\n--Z--\n",
	  { "1.1.1 part attachment", "duplicate_header" } },
	{ "RFC 2231 split and encoded filename",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=Z\n\n--Z\n\nbody\n--Z\n"
	  "Content-Type: application/pdf\n"
	  "Content-Disposition: attachment;\n"
	  " filename*0*=UTF-8''%E8%AB%8B%E6%B1%82;\n"
	  " filename*1*=%E6%9B%B8.pdf\n\n%PDF-1.4\n--Z--\n",
	  { "1.1.2 part attachment application/pdf name=請求書.pdf []" } },
	{ "RFC 2047 ISO-2022-JP filename",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=Z\n\n--Z\n\nbody\n--Z\n"
	  "Content-Type: text/plain; name=\"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhCLnR4dA==?=\"\n"
	  "Content-Disposition: attachment; "
	  "filename=\"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhCLnR4dA==?=\"\n\nx\n--Z--\n",
	  { "1.1.2 part attachment text/plain name=テスト.txt" } },
	{ "multipart without boundary parameter",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed\n\n--Z\nContent-Type: text/plain\n\nx\n--Z--\n",
	  { "1.1 multipart none multipart/mixed name=- [malformed_mime",
	    "1.1.1 part attachment - name=- [unparsed_mime]" } },
	{ "missing closing boundary",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=Z\n\n--Z\n\nbody\n"
	  "--Z\nContent-Type: application/octet-stream\n\nABC\n",
	  { "1.1 multipart none multipart/mixed name=- [malformed_mime]",
	    "1.1.2 part attachment application/octet-stream" } },
	{ "base64 with garbage",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: application/octet-stream\n"
	  "Content-Transfer-Encoding: base64\n\naGVsbG8gd2*9ybGQgcGF5bG9hZAo=\n",
	  { "1.1 part attachment application/octet-stream name=- [malformed_mime]" } },
	{ "empty body",
	  "From: a@example.jp\nSubject: nothing\n\n",
	  { "1 message none - name=- []",
	    "!parse_error", "!malformed_mime" } },
	{ "mbox From line and CRLF",
	  "From sender@example.jp Mon Jan  1 00:00:00 2024" CRLF
	  "From: a@example.jp" CRLF "Subject: mbox" CRLF CRLF "body" CRLF,
	  { "1 message none - name=- []", "1.1 part body text/plain name=- []",
	    "!parse_error" } },
	{ "not a message",
	  "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n",
	  { "1 message none - name=- [parse_error" } },
	{ "signed, encrypted and pkcs7 enveloped",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=O\n\n--O\n"
	  "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; "
	  "micalg=pgp-sha256; boundary=S\n\n--S\n\nsigned text\n--S\n"
	  "Content-Type: application/pgp-signature\n\nsig\n--S--\n--O\n"
	  "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
	  "boundary=E\n\n--E\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	  "--E\nContent-Type: application/octet-stream\n\ncipher\n--E--\n--O\n"
	  "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; "
	  "name=smime.p7m\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CA\n"
	  "--O--\n",
	  { "1.1.1 multipart none multipart/signed name=- [signed]",
	    "1.1.1.1 part body text/plain",
	    "1.1.2 multipart none multipart/encrypted name=- [encrypted_mail]",
	    "1.1.3 part attachment application/pkcs7-mime name=smime.p7m [encrypted_mail]" } },
	{ "attached message/rfc822",
	  "From: a@example.jp\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=Z\n\n--Z\n\nouter\n--Z\n"
	  "Content-Type: message/rfc822\n\nFrom: c@example.jp\nSubject: inner\n"
	  "Content-Type: text/html\n\n<b>inner</b>\n--Z--\n",
	  { "1.1.2 message attachment message/rfc822 name=- [nested_message]",
	    "1.1.2.1 part body text/html name=- []" } },
	{ "duplicate From and Subject",
	  "From: a@example.jp\nFrom: ceo@example.jp\nSubject: a\nSubject: b\n\nx\n",
	  { "1 message none - name=- [duplicate_header,duplicate_header]" } },
	/* MIME that readers read differently (ambiguous_mime, mime_ambig.c) */
#define AMB_HEAD "From: a@example.jp\nMIME-Version: 1.0\n"
#define AMB_PART(h) AMB_HEAD "Content-Type: multipart/mixed; boundary=M\n\n--M\n" \
	"Content-Type: text/plain\n\nhi\n--M\n" h "\nx\n--M--\n"
	{ "two boundaries", AMB_HEAD "Content-Type: multipart/mixed; boundary=A; "
	  "boundary=B\n\n--A\n\na\n--A--\n",
	  { "1.1 multipart none multipart/mixed name=- [ambiguous_mime" } },
	{ "text after a quoted boundary", AMB_HEAD "Content-Type: multipart/mixed; "
	  "boundary=\"A\"B\n\n--A\n\na\n--A--\n", { "ambiguous_mime" } },
	{ "unquoted boundary with a blank", AMB_HEAD "Content-Type: multipart/mixed; "
	  "boundary=A B\n\n--A\n\na\n--A--\n", { "ambiguous_mime" } },
	{ "two charsets", AMB_PART("Content-Type: text/plain; charset=us-ascii; charset=utf-7\n"),
	  { "1.1.2 part body text/plain name=- [ambiguous_mime]" } },
	{ "two filenames", AMB_PART("Content-Disposition: attachment; filename=a.txt; "
	  "filename=a.exe\n"), { "ambiguous_mime" } },
	{ "plain and RFC 2231 filename differ", AMB_PART("Content-Disposition: attachment; "
	  "filename=\"a.txt\"; filename*=UTF-8''a.exe\n"), { "ambiguous_mime" } },
	{ "continuation and plain name differ", AMB_PART("Content-Type: text/plain; "
	  "name*0=\"a.\"; name*1=\"exe\"; name=\"a.txt\"\n"), { "ambiguous_mime" } },
	{ "continuation section twice", AMB_PART("Content-Disposition: attachment; "
	  "filename*0=\"a\"; filename*0=\"b\"; filename*1=\".exe\"\n"), { "ambiguous_mime" } },
	{ "extended value and continuations", AMB_PART("Content-Disposition: attachment; "
	  "filename*=UTF-8''a.txt; filename*0=\"b.exe\"\n"), { "ambiguous_mime" } },
	{ "name and filename differ", AMB_PART("Content-Type: text/plain; name=a.txt\n"
	  "Content-Disposition: attachment; filename=a.exe\n"), { "ambiguous_mime" } },
	{ "two transfer encodings", AMB_PART("Content-Type: text/plain\n"
	  "Content-Transfer-Encoding: base64\nContent-Transfer-Encoding: 7bit\n"),
	  { "ambiguous_mime" } },
	{ "two content types at the top", AMB_HEAD "Content-Type: text/plain\n"
	  "Content-Type: multipart/mixed; boundary=M\n\n--M\n\nx\n--M--\n",
	  { "ambiguous_mime" } },
	/* what every reader reads the same: no finding */
	{ "same value twice, RFC 2231 and RFC 2047 forms of one name",
	  AMB_PART("Content-Type: text/plain; charset=utf-8; charset=\"utf-8\"; "
	  "name=\"=?UTF-8?B?6KuL5rGC5pu4LnBkZg==?=\"\nContent-Disposition: attachment; "
	  "filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.pdf; "
	  "filename=\"=?UTF-8?B?6KuL5rGC5pu4LnBkZg==?=\"\n"),
	  { "name=請求書.pdf []", "!ambiguous_mime" } },
	{ "continuations alone, name in other case",
	  AMB_PART("Content-Type: text/plain; name=\"Notes.TXT\"\nContent-Disposition: "
	  "attachment; filename*0=\"no\"; filename*1=\"tes.txt\"\n"),
	  { "name=notes.txt []", "!ambiguous_mime" } },
	{ "header repeated with the same value",
	  AMB_PART("Content-Type: text/plain\nContent-Type: text/plain\n"),
	  { "!ambiguous_mime" } },
};

static void
dump_node(mk_node *n, GString *s)
{
	g_string_append_printf(s, "%s %s %s %s name=%s [", n->path,
	                       mk_node_kind_name(n->kind), mk_role_name(n->role),
	                       n->declared_type && n->parent ? n->declared_type : "-",
	                       n->declared_name ? n->declared_name : "-");
	for (guint i = 0; i < n->findings->len; i++) {
		mk_finding *f = n->findings->pdata[i];

		g_string_append_printf(s, "%s%s", i ? "," : "",
		                       mk_finding_name(f->code));
	}
	g_string_append(s, "]\n");
	for (guint i = 0; i < n->children->len; i++)
		dump_node(n->children->pdata[i], s);
}

static mk_node *
parse_str(mk_config *cfg, const char *raw, mk_ctx *ctx)
{
	GBytes *b = g_bytes_new_static(raw, strlen(raw));
	mk_error err = { 0 };
	mk_node *root;

	mk_ctx_init(ctx, cfg, NULL);
	root = mk_mime_parse(ctx, b, &err);
	ck_assert_msg(root != NULL, "%s", err.msg);
	g_bytes_unref(b);
	return root;
}

START_TEST(test_tree_rows)
{
	const tree_row *r = &TREE_ROWS[_i];
	mk_config *cfg = mk_config_defaults();
	GString *s = g_string_new(NULL);
	mk_ctx ctx;
	mk_node *root = parse_str(cfg, r->raw, &ctx);

	dump_node(root, s);
	for (int k = 0; k < 8 && r->must[k]; k++) {
		bool neg = r->must[k][0] == '!';
		const char *w = r->must[k] + (neg ? 1 : 0);

		ck_assert_msg((strstr(s->str, w) == NULL) == neg,
		              "%s: %s \"%s\" in\n%s", r->name,
		              neg ? "unexpected" : "missing", w, s->str);
	}
	ck_assert_int_eq(ctx.nodes, (gint64)mk_node_count(root));
	mk_node_free(&root);
	g_string_free(s, TRUE);
	mk_config_unref(&cfg);
}
END_TEST

typedef struct {
	const char *raw;
	const char *path;
	const char *data;
} data_row;

static const data_row DATA_ROWS[] = {
	{ "From: a@x\nContent-Transfer-Encoding: base64\n\n"
	  "aGVsbG8gd29ybGQgcGF5bG9hZAo=\n", "1.1", "hello world payload\n" },
	{ "From: a@x\nContent-Transfer-Encoding: base64\n\n"
	  "aGVsbG8gd2*9ybGQgcGF5bG9hZAo=\n", "1.1", "hello world payload\n" },
	{ "From: a@x\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "caf=C3=A9 =\nsoft\n", "1.1", "café soft\n" },
	{ "From: a@x\nContent-Type: multipart/mixed; boundary=Z\n\n"
	  "--Z\n\nfirst\n--Z\n\nsecond\n--Z--\n", "1.1.2", "second" },
};

static bool
find_path(mk_node *n, void *user)
{
	gpointer *q = user;

	if (strcmp(n->path, q[0]) == 0) {
		q[1] = n;
		return false;
	}
	return true;
}

START_TEST(test_data_rows)
{
	const data_row *r = &DATA_ROWS[_i];
	mk_config *cfg = mk_config_defaults();
	mk_ctx ctx;
	mk_node *root = parse_str(cfg, r->raw, &ctx);
	gpointer q[2] = { (gpointer)r->path, NULL };
	mk_node *n;
	gsize len = 0;
	const char *p;

	mk_node_walk(root, find_path, q);
	n = q[1];
	ck_assert_msg(n != NULL && n->data != NULL, "row %d: no %s", _i, r->path);
	p = g_bytes_get_data(n->data, &len);
	ck_assert_int_eq(len, strlen(r->data));
	ck_assert(memcmp(p, r->data, len) == 0);
	ck_assert_int_eq(n->size, (gint64)len);
	ck_assert_int_eq(strlen(n->sha256), 64);
	mk_node_free(&root);
	mk_config_unref(&cfg);
}
END_TEST

/* N message/rfc822 levels around a text body. */
static char *
nested_message(int levels)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; i < levels; i++)
		g_string_append_printf(s, "From: l%d@example.jp\n"
		                       "Content-Type: message/rfc822\n\n", i);
	g_string_append(s, "From: last@example.jp\n\ndeep body\n");
	return g_string_free(s, FALSE);
}

static bool
max_depth(mk_node *n, void *user)
{
	int *d = user;

	*d = MAX(*d, n->depth);
	return true;
}

static bool
has_limit(mk_node *n, void *user)
{
	bool *b = user;

	*b = *b || mk_node_has_finding(n, MK_F_LIMIT);
	return true;
}

START_TEST(test_depth_limit)
{
	mk_config *cfg = mk_config_defaults();
	char *raw = nested_message(12);
	mk_ctx ctx;
	mk_node *root;
	int depth = 0;
	bool limit = false;

	cfg->limits.max_mime_depth = 4;
	root = parse_str(cfg, raw, &ctx);
	mk_node_walk(root, max_depth, &depth);
	mk_node_walk(root, has_limit, &limit);
	ck_assert_int_le(depth, 4);
	ck_assert(limit);
	mk_node_free(&root);
	/* within the limit: every level is there, no limit finding */
	cfg->limits.max_mime_depth = 40;
	root = parse_str(cfg, raw, &ctx);
	depth = 0;
	limit = false;
	mk_node_walk(root, max_depth, &depth);
	mk_node_walk(root, has_limit, &limit);
	ck_assert_int_eq(depth, 12 + 1);
	ck_assert(!limit);
	mk_node_free(&root);
	g_free(raw);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_parts_and_header_limits)
{
	mk_config *cfg = mk_config_defaults();
	GString *raw = g_string_new("From: a@x\nContent-Type: multipart/mixed; "
	                            "boundary=Z\n\n");
	mk_ctx ctx;
	mk_node *root;

	for (int i = 0; i < 10; i++)
		g_string_append_printf(raw, "--Z\n\npart %d\n", i);
	g_string_append(raw, "--Z--\n");
	cfg->limits.max_parts = 5;
	root = parse_str(cfg, raw->str, &ctx);
	ck_assert_int_le(mk_node_count(root), 5);
	ck_assert(mk_node_has_finding(root->children->pdata[0], MK_F_LIMIT));
	mk_node_free(&root);
	cfg->limits.max_parts = 1000;
	cfg->limits.max_header_size = 16;
	root = parse_str(cfg, raw->str, &ctx);
	ck_assert(mk_node_has_finding(root, MK_F_LIMIT));
	ck_assert_int_eq(mk_node_count(root), 1);
	ck_assert(root->data != NULL);
	mk_node_free(&root);
	g_string_free(raw, TRUE);
	mk_config_unref(&cfg);
}
END_TEST

typedef struct {
	const char *buf;
	bool expect;
} looks_row;

static const looks_row LOOKS_ROWS[] = {
	{ "From: a@b\nSubject: x\n\nbody", true },
	{ "\xEF\xBB\xBF\r\n\r\nSubject: x\r\n folded\r\n\r\n", true },
	{ "From someone Mon Jan 1\nReceived: from x\n by y\nX-A: b\n", true },
	{ "X-Custom: 1\nX-Other: 2\n\nbody", false },
	{ "Subject: x\nthis is not a header\n\n", false },
	{ " folded first\nSubject: x\n\n", false },
	{ "Subject: x\nFrom: a\n \nbody after a blank-ish line\n", true },
	{ "Content-Type: text/plain\n\nbody", false },
	{ "%PDF-1.7\n", false },
	{ "", false },
	{ "PK\x03\x04", false },
};

START_TEST(test_looks_like)
{
	const looks_row *r = &LOOKS_ROWS[_i];

	ck_assert_msg(mk_mime_looks_like_message(r->buf, strlen(r->buf)) == r->expect,
	              "row %d", _i);
}
END_TEST

static bool
leaf_ok(mk_node *n, void *user)
{
	int *bad = user;

	if (n->kind == MK_NODE_PART && n->data == NULL &&
	    !mk_node_has_finding(n, MK_F_LIMIT))
		(*bad)++;
	if (n->parent != NULL && n->depth != n->parent->depth + 1)
		(*bad)++;
	return true;
}

static void
parse_dir(mk_config *cfg, const char *dir, int *files, int *errors)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *e;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, e, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			parse_dir(cfg, p, files, errors);
		} else if (g_str_has_suffix(e, ".eml") || g_str_has_suffix(e, ".msg")) {
			GBytes *b = mkt_read(p);
			mk_error err = { 0 };
			mk_ctx ctx;
			mk_node *root;
			int bad = 0;

			mk_ctx_init(&ctx, cfg, NULL);
			root = mk_mime_parse(&ctx, b, &err);
			ck_assert_msg(root != NULL, "%s: %s", p, err.msg);
			ck_assert_int_eq(root->kind, MK_NODE_MESSAGE);
			mk_node_walk(root, leaf_ok, &bad);
			ck_assert_msg(bad == 0, "%s: %d bad nodes", p, bad);
			if (mk_node_has_finding(root, MK_F_PARSE_ERROR))
				(*errors)++;
			else
				ck_assert_msg(root->children->len > 0 || root->mime,
				              "%s: no tree", p);
			(*files)++;
			mk_node_free(&root);
			g_bytes_unref(b);
		}
		g_free(p);
	}
	g_dir_close(d);
}

START_TEST(test_corpora)
{
	static const char *const sets[] = {
		"corpora/stalwart-mail-parser", "corpora/mime4j",
	};
	mk_config *cfg = mk_config_defaults();
	int files = 0, errors = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(sets); i++) {
		char *dir = mkt_shared_path(sets[i]);

		parse_dir(cfg, dir, &files, &errors);
		g_free(dir);
	}
	ck_assert_int_ge(files, 150);
	/* nearly all are real messages: few may lack RFC 5322 headers */
	ck_assert_msg(errors * 50 < files, "%d of %d not messages", errors, files);
	mk_config_unref(&cfg);
}
END_TEST

/* Real data: ClamAV's test program inside mails, base64 and x-uuencode. */
static const char *const CLAM_MAILS[] = {
	"clam.exe.mbox.base64", "clam.exe.mbox.uu", "clam.mail",
};

static bool
find_clam(mk_node *n, void *user)
{
	bool *found = user;

	*found = *found || strcmp(n->sha256,
	    "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495") == 0;
	return !*found;
}

START_TEST(test_clamav_mails)
{
	const char *dir = g_getenv("MK_TESTFILES");
	char *path = g_build_filename(dir ? dir : "/usr/share/clamav-testfiles",
	                              CLAM_MAILS[_i], NULL);
	mk_config *cfg = mk_config_defaults();
	GBytes *b = mkt_read(path);
	mk_error err = { 0 };
	mk_ctx ctx;
	mk_node *root;
	bool found = false;

	mk_ctx_init(&ctx, cfg, NULL);
	root = mk_mime_parse(&ctx, b, &err);
	ck_assert(root != NULL);
	ck_assert(!mk_node_has_finding(root, MK_F_PARSE_ERROR));
	mk_node_walk(root, find_clam, &found);
	ck_assert_msg(found, "%s: clam.exe not decoded", CLAM_MAILS[_i]);
	mk_node_free(&root);
	g_bytes_unref(b);
	g_free(path);
	mk_config_unref(&cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("core");

	mk_mime_init();
	tcase_add_loop_test(tc, test_tree_rows, 0, G_N_ELEMENTS(TREE_ROWS));
	tcase_add_loop_test(tc, test_data_rows, 0, G_N_ELEMENTS(DATA_ROWS));
	tcase_add_loop_test(tc, test_looks_like, 0, G_N_ELEMENTS(LOOKS_ROWS));
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_parts_and_header_limits);
	tcase_add_test(tc, test_corpora);
	tcase_add_loop_test(tc, test_clamav_mails, 0, G_N_ELEMENTS(CLAM_MAILS));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
