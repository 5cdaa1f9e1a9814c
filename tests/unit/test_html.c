/*
 * NAME
 *   test_html - unit tests of filters/f_html.c (HTML to text)
 *
 * DESCRIPTION
 *   Rows of crafted HTML: each names substrings the text must contain and
 *   must not contain (dropped elements, hidden content, dangerous links,
 *   defanging, layout of p/br/li/table, entities, Japanese text runs).
 *   Exact-output rows pin the layout.  Stress rows: 100000 nested <div>,
 *   <ul> and <a>, 10 MB over the node budget (truncated, bounded time), and
 *   the registry filters (html2text, text) on nodes, including the size
 *   limit.
 */
#include <string.h>

#include "testutil.h"
#include "f_html.h"
#include "f_text.h"
#include "registry.h"
#include "model/item.h"

#define N_SUB 5

typedef struct {
	const char *name;
	const char *html;
	bool nodefang;
	bool nolinks;
	const char *has[N_SUB];
	const char *hasnt[N_SUB];
} html_row;

static const html_row rows[] = {
	{ "script_style", "<html><head><style>p{color:red}</style>"
	  "<script>alert('x')</script></head><body><p>Hello</p>"
	  "<script>var secret=1;</script><noscript>NS</noscript></body></html>",
	  false, false, { "Hello" }, { "alert", "secret", "color", "NS" } },
	{ "link_defang", "<a href=\"https://example.jp/path?q=1\">click</a>",
	  false, false, { "click <hxxps://example[.]jp/path?q=1>" },
	  { "https://" } },
	{ "link_nodefang", "<a href=\"https://example.jp/\">click</a>", true,
	  false, { "click <https://example.jp/>" }, { "hxxp" } },
	{ "link_hidden_targets", "<a href=\"https://example.jp/\">click</a>",
	  false, true, { "click" }, { "example" } },
	{ "link_same_as_text", "<a href=\"https://example.jp/\">"
	  "https://example.jp/</a>", false, false,
	  { "hxxps://example[.]jp/" }, { "<", "https" } },
	{ "link_phish_text", "<a href=\"http://evil.example/\">"
	  "https://bank.example.jp/</a>", false, false,
	  { "hxxps://bank[.]example[.]jp/ [Warning: link target differs from its text] "
	    "<hxxp://evil[.]example/>" }, { NULL } },
	{ "link_javascript", "<a href=\"javascript:alert(1)\">go</a>", false,
	  false, { "go [removed link]" }, { "alert", "javascript" } },
	{ "link_js_obfuscated", "<a href=\" JaVa\tScRiPt:alert(1)\">go</a>",
	  false, false, { "[removed link]" }, { "alert" } },
	{ "link_data", "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
	  false, false, { "x [removed link]" }, { "base64" } },
	{ "link_vbscript_file", "<a href=vbscript:msgbox>a</a>"
	  "<a href=\"file:///c:/x.exe\">b</a>", false, false,
	  { "a [removed link]", "b [removed link]" }, { "msgbox", "x.exe" } },
	{ "link_mailto", "<a href=\"mailto:info@example.jp\">info@example.jp"
	  "</a>", false, false, { "info@example.jp" }, { "<" } },
	{ "link_anchor_cid", "<a href=\"#top\">top</a> <a href=\"cid:x@y\">"
	  "img</a>", false, false, { "top img" }, { "#top", "cid:" } },
	{ "text_url_defanged", "<p>visit https://evil.example.com/ now</p>",
	  false, false, { "hxxps://evil[.]example[.]com/" }, { "https" } },
	{ "link_unc", "<a href=\"\\\\evil.example\\share\\x.exe\">a</a>", false,
	  false, { "a <[\\\\]evil[.]example\\share\\x.exe>" }, { "evil.example" } },
	{ "link_search_ms", "<a href=\"search-ms:query=x&amp;crumb=location:"
	  "\\\\evil.example@80\\share\">b</a>", false, false,
	  { "b <search-ms[:]query=x&crumb=location[:][\\\\]evil[.]example[@]80"
	    "\\share>" }, { "search-ms:", "evil.example" } },
	{ "link_handlers", "<a href=\"ms-msdt:/id PCWDiagnostic\">c</a> "
	  "<a href=\"ms-word:ofe|u|https://e.example/a.docx\">d</a> "
	  "<a href=\"//evil.example/s/x\">e</a>", false, false,
	  { "c <ms-msdt[:]/id PCWDiagnostic>",
	    "d <ms-word[:]ofe|u|hxxps://e[.]example/a.docx>",
	    "e <[//]evil[.]example/s/x>" }, { "ms-msdt:", "ms-word:", "e.example" } },
	{ "text_unc_handlers", "<p>\\\\evil.example\\share\\y.exe search-ms:"
	  "query=x ms-settings:display \\/e.example\\s hxxp:\\\\e.example\\x</p>",
	  false, false, { "[\\\\]evil[.]example\\share\\y.exe search-ms[:]query=x "
	  "ms-settings[:]display [\\/]e[.]example\\s hxxp:[\\\\]e[.]example\\x" },
	  { "evil.example", "e.example" } },
	{ "text_prose_kept", "<p>C:\\Users\\a at 10:30, ms-word: docs</p>", false,
	  false, { "C:\\Users\\a at 10:30, ms-word: docs" }, { "[" } },
	{ "hidden", "<div hidden>H1</div><div style=\"DISPLAY : none\">H2</div>"
	  "<span style=\"visibility:hidden\">H3</span><p>shown</p>", false,
	  false, { "shown" }, { "H1", "H2", "H3" } },
	{ "entities", "<p>&lt;tag&gt; &amp; &quot;q&quot; &copy; &#x3042;"
	  "&#12356;</p>", false, false, { "<tag> & \"q\" © あい" }, { NULL } },
	{ "image_alt", "<p><img src=\"https://t.example/p.gif\" alt=\"Logo\">"
	  "<img src=\"x.png\"></p>", false, false, { "[image: Logo]" },
	  { "t.example", "x.png", "[image: ]" } },
	{ "iframe_object", "<iframe src=x>IF</iframe><object>OB</object>"
	  "<embed src=y><template>TP</template>ok", false, false, { "ok" },
	  { "IF", "OB", "TP" } },
	{ "meta_charset", "<html><head><meta charset=\"shift_jis\"></head>"
	  "<body>日本語のメール</body></html>", false, false,
	  { "日本語のメール" }, { NULL } },
	{ "japanese_inline", "<p>お世話に<b>なって</b>おります。<span>株式会社"
	  "</span><a href=\"#\">サンプル</a>です。</p>", false, false,
	  { "お世話になっております。株式会社サンプルです。" }, { NULL } },
	{ "japanese_source_newline", "<p>本日は\n  晴天なり。\nHello\nworld</p>",
	  false, false, { "本日は晴天なり。 Hello world" }, { NULL } },
	{ "bidi_zero_width", "<p>pay\u200Bpal \u202Egnp.exe</p>", false, false,
	  { "paypal gnp.exe" }, { "\u202E", "\u200B" } },
	{ "pre", "<pre>a   b\n  c</pre><p>x    y</p>", false, false,
	  { "a   b\n  c", "x y" }, { NULL } },
	{ "broken_markup", "<p>unclosed <b>bold <i>it</p><div><table><td>cell"
	  "</div></html></html>after", false, false,
	  { "unclosed bold it", "cell", "after" }, { NULL } },
	{ "comment_cdata", "a<!-- secret -->b<![CDATA[ c ]]>", false, false,
	  { "ab" }, { "secret" } },
};

static char *
render(const char *html, bool defang, bool links, int64_t max, bool *trunc)
{
	mk_html_opts o = { .defang = defang, .show_links = links,
	                   .max_nodes = max, .truncated = trunc };
	mk_error err = { 0 };
	char *t = mk_html_to_text(html, strlen(html), &o, &err);

	ck_assert_msg(t != NULL, "NULL: %s", err.msg);
	ck_assert(g_utf8_validate(t, -1, NULL));
	return t;
}

START_TEST(test_rows)
{
	const html_row *r = &rows[_i];
	bool trunc = true;
	char *t = render(r->html, !r->nodefang, !r->nolinks, 1000, &trunc);

	ck_assert_msg(!trunc, "%s: truncated", r->name);
	for (int i = 0; i < N_SUB && r->has[i]; i++)
		ck_assert_msg(strstr(t, r->has[i]) != NULL,
		              "%s: \"%s\" not in \"%s\"", r->name, r->has[i], t);
	for (int i = 0; i < N_SUB && r->hasnt[i]; i++)
		ck_assert_msg(strstr(t, r->hasnt[i]) == NULL,
		              "%s: \"%s\" in \"%s\"", r->name, r->hasnt[i], t);
	g_free(t);
}
END_TEST

static const struct {
	const char *html, *want;
} exact_rows[] = {
	{ "<p>one</p><p>two<br>three</p>", "one\n\ntwo\nthree\n" },
	{ "<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>",
	  "- a\n- b\n\n  - c\n" },
	{ "<ol start=3><li>x<li>y</ol>", "3. x\n4. y\n" },
	{ "<table><tr><th>名前</th><th>値</th></tr><tr><td>a</td><td>1</td>"
	  "</tr></table>", "名前 | 値\na | 1\n" },
	{ "<h1>Title</h1>text<hr>end", "Title\n\ntext\n\n----------\n\nend\n" },
	{ "<div>a</div><div>b</div>\n\n<div>c</div>", "a\nb\nc\n" },
	{ "", "" },
	{ "   \n\t ", "" },
};

START_TEST(test_exact_rows)
{
	char *t = render(exact_rows[_i].html, true, true, 1000, NULL);

	ck_assert_str_eq(t, exact_rows[_i].want);
	g_free(t);
}
END_TEST

/* mk_link_misleads(): shown text against target. */
static const struct {
	const char *text, *href;
	bool misleads;
} mislead_rows[] = {
	{ "https://bank.example/login", "https://evil.example/login", true },
	{ "https://bank.example/login", "https://bank.example/other", false },
	{ "bank.example", "https://www.bank.example/", false },
	{ "www.bank.example", "https://bank.example@evil.example/", true },
	{ "bank.example", "https://login.bank.example/", false },
	{ "login.bank.example", "https://bank.example/", true },
	{ "bank.example.evil.example", "https://bank.example/", true },
	{ "report.pdf", "https://files.example/report.pdf", false },
	{ "こちら", "https://evil.example/", false },
	{ "こちらｂａｎｋ．ｅｘａｍｐｌｅ", "https://evil.example/", true },
	{ "a@bank.example", "mailto:a@evil.example", true },
	{ "a@bank.example", "mailto:a@bank.example", false },
	{ "city.lg.jp のサイト", "https://evil.example/", true },
	{ "BANK.EXAMPLE", "HTTPS://bank.example/", false },
	{ "https://bank.example", "/relative", false },
	{ "https://bank.example", "#top", false },
	{ "Visit bank.co.jp now", "http://bank.co.jp.evil.example/", true },
	{ "setup.js", "https://cdn.example/setup.js", false },
};

START_TEST(test_mislead_rows)
{
	ck_assert_msg(mk_link_misleads(mislead_rows[_i].text, mislead_rows[_i].href) ==
	              mislead_rows[_i].misleads, "row %d: %s -> %s", _i,
	              mislead_rows[_i].text, mislead_rows[_i].href);
}
END_TEST

/* The mark in the text and the count. */
START_TEST(test_mislead_mark)
{
	unsigned count = 0;
	mk_html_opts o = { .defang = true, .show_links = true, .max_nodes = 100,
	                   .mismatch_mark = MK_HTML_MISMATCH_MARK_JA, .mismatches = &count };
	const char *h = "<a href=\"https://evil.example\">https://bank.example</a> "
	                "<a href=\"https://bank.example/x\">bank.example</a>";
	char *t = mk_html_to_text(h, strlen(h), &o, NULL);

	ck_assert_ptr_nonnull(strstr(t, "hxxps://bank[.]example 【注意: 表示と異なるリンク先】 <hxxps://evil[.]example>"));
	ck_assert_uint_eq(count, 1);
	g_free(t);
	o.mismatch_mark = NULL;
	o.show_links = false;
	t = mk_html_to_text(h, strlen(h), &o, NULL);
	ck_assert_ptr_nonnull(strstr(t, MK_HTML_MISMATCH_MARK_EN));
	ck_assert_uint_eq(count, 2);
	g_free(t);
}
END_TEST

/* Hostile nesting: no stack overflow, text still there, bounded output. */
START_TEST(test_deep_nesting)
{
	static const char *const open[] = { "<div>", "<ul><li>", "<a href=x>",
	                                    "<table><tr><td>", "<span>" };
	GString *s = g_string_new(NULL);
	bool trunc = false;

	for (int i = 0; i < 100000; i++)
		g_string_append(s, open[_i]);
	g_string_append(s, "DEEP");
	char *t = render(s->str, true, true, 1000000, &trunc);
	ck_assert_msg(strstr(t, "DEEP") != NULL, "lost text");
	ck_assert(!trunc);
	ck_assert_uint_lt(strlen(t), 10 * s->len);
	g_free(t);
	g_string_free(s, TRUE);
}
END_TEST

/* 10 MB of elements against the default budget: stops, keeps a prefix. */
START_TEST(test_budget)
{
	mk_config *cfg = mk_config_defaults();
	GString *s = g_string_new("<p>START</p>");
	bool trunc = false;
	gint64 t0 = g_get_monotonic_time();

	while (s->len < 10 * 1024 * 1024)
		g_string_append(s, "<b>x</b><i>y</i> ");
	char *t = render(s->str, true, true, cfg->limits.html_max_nodes, &trunc);
	ck_assert(trunc);
	ck_assert(g_str_has_prefix(t, "START\n"));
	ck_assert_int_lt(g_get_monotonic_time() - t0, 20 * G_USEC_PER_SEC);
	g_free(t);
	/* under the budget: not truncated */
	t = render("<p>a</p><p>b</p>", true, true, 4, &trunc);
	ck_assert(!trunc);
	g_free(t);
	t = render("<p>a</p><p>b</p><p>c</p><p>d</p>", true, true, 3, &trunc);
	ck_assert(trunc);
	ck_assert_ptr_null(strstr(t, "d"));
	g_free(t);
	g_string_free(s, TRUE);
	mk_config_unref(&cfg);
}
END_TEST

/* ---- registry filters ------------------------------------------------ */

typedef struct {
	const char *type, *filter, *name, *charset;
	const char *data;
	const char *out_type, *out_name, *has;
} reg_row;

static const reg_row reg_rows[] = {
	{ "text/html", "html2text", "page.html", "utf-8",
	  "<p>Hi <a href='https://a.example/'>x</a></p>", "text/plain",
	  "page.txt", "Hi x <hxxps://a[.]example/>" },
	{ "application/xhtml+xml", "html2text", NULL, NULL,
	  "<html><body>X</body></html>", "text/plain", "message.txt", "X" },
	{ "text/html", "html2text", "報告", "Shift_JIS",
	  "<p>\x95\x5c\x8e\xa6\x81\x60</p>", "text/plain", "報告.txt",
	  "表示～" },
	{ "text/plain", "text", "memo.txt", "ISO-2022-JP",
	  "\x1b$B\x2d\x21\x1b(B see https://x.example/\r\n", "text/plain",
	  "memo.txt", "① see hxxps://x[.]example/\n" },
	{ "text/csv", "csv", "a.csv", NULL, "a,b\r\n=1+2,2\r\n", "text/csv",
	  "a.csv", "'=1+2" },
};

START_TEST(test_registry_rows)
{
	const reg_row *r = &reg_rows[_i];
	mk_config *cfg = mkt_worker_config();   /* the filter runs in the worker */
	const mk_filter *f = mk_filter_find(r->type);
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	GBytes *b = g_bytes_new(r->data, strlen(r->data));
	mk_error err = { 0 };

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, r->filter);
	mk_node_set_data(n, b);
	mk_set_str(&n->true_type, r->type);
	mk_set_str(&n->declared_name, r->name);
	mk_set_str(&n->charset, r->charset);
	ck_assert_msg(f->run(cfg, n, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(n->out_type, r->out_type);
	ck_assert_str_eq(n->out_name, r->out_name);
	char *t = g_strndup(g_bytes_get_data(n->out, NULL),
	                    g_bytes_get_size(n->out));
	ck_assert_msg(strstr(t, r->has) != NULL, "got \"%s\"", t);
	g_free(t);
	g_bytes_unref(b);
	mk_node_free(&n);
	mk_config_unref(&cfg);
}
END_TEST

START_TEST(test_registry_misc)
{
	mk_config *cfg = mkt_worker_config();   /* the filter runs in the worker */
	mk_node *n = mk_node_new(MK_NODE_PART, NULL);
	GBytes *b = g_bytes_new("<p>0123456789</p>", 17);
	mk_error err = { 0 };
	const mk_filter *f = mk_filter_find("text/html");
	int count = 0;

	ck_assert_str_eq(mk_filter_find("application/pdf")->name, "pdf");
	ck_assert_ptr_null(mk_filter_find("text/x-shellscript"));
	ck_assert_ptr_null(mk_filter_find("application/x-dosexec"));
	ck_assert_ptr_null(mk_filter_find(NULL));
	for (const mk_filter *const *p = mk_filter_all(); *p; p++)
		count++;
	ck_assert_int_ge(count, 2);
	mk_node_set_data(n, b);
	mk_set_str(&n->true_type, "text/html");
	cfg->limits.max_text_size = 10;
	ck_assert_int_eq(f->run(cfg, n, &err), MK_ERR_LIMIT);
	ck_assert_ptr_null(n->out);
	cfg->limits.max_text_size = 100;
	cfg->limits.html_max_nodes = 1;
	mk_error_clear(&err);
	ck_assert_int_eq(f->run(cfg, n, &err), MK_ERR_LIMIT);
	ck_assert(mk_node_has_finding(n, MK_F_LIMIT));
	ck_assert_ptr_null(n->out);
	cfg->limits.html_max_nodes = 100;
	mk_error_clear(&err);
	ck_assert_int_eq(f->run(cfg, n, &err), 0);
	ck_assert_ptr_nonnull(n->out);
	g_bytes_unref(b);
	mk_node_free(&n);
	mk_config_unref(&cfg);
}
END_TEST

/* Charset finding only when something was guessed; defang follows config. */
START_TEST(test_registry_charset)
{
	mk_config *cfg = mkt_worker_config();   /* the filter runs in the worker */
	const mk_filter *f = mk_filter_find("text/plain");
	const char *sjis = "\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x65\x83\x4c"
	                   "\x83\x58\x83\x67\x82\xc5\x82\xb7\x81\x42 "
	                   "http://a.example/";
	mk_error err = { 0 };

	for (int i = 0; i < 2; i++) {
		mk_node *n = mk_node_new(MK_NODE_PART, NULL);
		GBytes *b = g_bytes_new(sjis, strlen(sjis));
		mk_node_set_data(n, b);
		mk_set_str(&n->true_type, "text/plain");
		mk_set_str(&n->charset, i ? "Shift_JIS" : NULL);
		cfg->text.defang_links = i == 0;
		ck_assert_int_eq(f->run(cfg, n, &err), 0);
		ck_assert(mk_node_has_finding(n, MK_F_CHARSET) == (i == 0));
		char *t = g_strndup(g_bytes_get_data(n->out, NULL),
		                    g_bytes_get_size(n->out));
		ck_assert_msg(strstr(t, "日本語のテキストです。") != NULL, "%s", t);
		ck_assert(strstr(t, i ? "http://a.example/" : "hxxp://a[.]example/"));
		g_free(t);
		g_bytes_unref(b);
		mk_node_free(&n);
	}
	mk_config_unref(&cfg);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_rows, 0, G_N_ELEMENTS(rows));
	tcase_add_loop_test(tc, test_exact_rows, 0, G_N_ELEMENTS(exact_rows));
	tcase_add_loop_test(tc, test_deep_nesting, 0, 5);
	tcase_add_test(tc, test_budget);
	tcase_add_loop_test(tc, test_mislead_rows, 0, G_N_ELEMENTS(mislead_rows));
	tcase_add_test(tc, test_mislead_mark);
	tcase_add_loop_test(tc, test_registry_rows, 0, G_N_ELEMENTS(reg_rows));
	tcase_add_test(tc, test_registry_misc);
	tcase_add_test(tc, test_registry_charset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mkt_run(html_suite());
}
