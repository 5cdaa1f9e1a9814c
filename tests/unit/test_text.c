/*
 * NAME
 *   test_text - unit tests of filters/f_text.c (charsets, normalise, defang)
 *
 * DESCRIPTION
 *   Decode rows: hand-built byte strings for the classic Japanese mail
 *   cases (ISO-2022-JP with NEC row 13 / fullwidth tilde, Shift_JIS 0x5C
 *   trail bytes, EUC-JP, BOMs), rows whose bytes are produced by iconv from
 *   a UTF-8 sentence (undeclared or wrongly declared charsets, which need
 *   uchardet), broken and random input.  File rows: tests/data/text/ja.*
 *   (one business mail in CP932, EUC-JP-MS and Windows-style ISO-2022-JP,
 *   which glibc's own ISO-2022-JP cannot decode) against ja.utf8.txt.
 *   Normalise and defang rows, each defang row also checked idempotent.
 */
#include <string.h>

#include "testutil.h"
#include "f_text.h"
#include "f_linkmark.h"

/* ---- decoding --------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *in;        /* bytes (or UTF-8 text when enc is set) */
	gssize len;            /* -1: strlen */
	const char *enc;       /* encode IN from UTF-8 with iconv first */
	const char *declared;
	const char *expect;    /* substring of the result */
	const char *used;      /* expected *used, NULL = don't care */
	int guessed;           /* 0/1, -1 = don't care */
} dec_row;

#define JA_SENTENCE \
	"お世話になっております。来週の会議資料を送付いたしますので、" \
	"ご確認のほどよろしくお願い申し上げます。表示とソフトの件も" \
	"あわせてご検討ください。"

static const dec_row dec_rows[] = {
	{ "jis_nec_row13", "\x1b$B\x2d\x21\x2d\x6a\x21\x41\x1b(B", -1, NULL,
	  "ISO-2022-JP", "①㈱～", "ISO-2022-JP", 0 },
	{ "jis_hiragana", "\x1b$B$3$s$K$A$O\x1b(B world", -1, NULL,
	  "iso-2022-jp", "こんにちは world", NULL, 0 },
	{ "jis_kana_esc", "\x1b(I\x31\x32\x1b(B!", -1, NULL, "ISO-2022-JP",
	  "ｱｲ!", NULL, 0 },
	{ "jis_kana_so_si", "\x0e\x31\x0f" "a", -1, NULL, "ISO-2022-JP",
	  "ｱa", NULL, 0 },
	{ "jis_ibm_ext", "\x1b$B\x79\x21\x1b(B", -1, NULL, "ISO-2022-JP",
	  "纊", NULL, 0 },
	{ "sjis_5c_trail", "\x95\x5c\x8e\xa6\x83\x5c\x83\x74\x83\x67", -1, NULL,
	  "Shift_JIS", "表示ソフト", "CP932", 0 },
	{ "sjis_tilde_circled", "\x81\x60\x87\x40\x87\x8a", -1, NULL,
	  "shift_jis", "～①㈱", "CP932", 0 },
	{ "sjis_alias_xsjis", "\x82\xa0", -1, NULL, "x-sjis", "あ", NULL, 0 },
	{ "sjis_alias_win31j", "\x82\xa0", -1, NULL, "Windows-31J", "あ",
	  NULL, 0 },
	{ "eucjp", "\xc6\xfc\xcb\xdc\xb8\xec", -1, NULL, "EUC-JP", "日本語",
	  "EUC-JP", 0 },
	{ "eucjp_nec_row13", "\xad\xa1\xa1\xc1", -1, NULL, "euc-jp", "①", NULL,
	  0 },
	{ "utf8_bom_undeclared", "\xef\xbb\xbfテスト", -1, NULL, NULL, "テスト",
	  "UTF-8", 1 },
	{ "utf16le_bom", "\xff\xfe" "A\0B\0", 6, NULL, NULL, "AB", "UTF-16", 1 },
	{ "utf8_declared", "日本語 text", -1, NULL, "UTF-8", "日本語 text",
	  "UTF-8", 0 },
	{ "latin1_real", "caf\xe9 cr\xe8me", -1, NULL, "ISO-8859-1",
	  "café crème", NULL, 0 },
	{ "cp1252_quotes", "\x93quoted\x94", -1, NULL, "iso-8859-1",
	  "“quoted”", NULL, 0 },
	{ "ascii_undeclared", "plain text", -1, NULL, NULL, "plain text",
	  "US-ASCII", 1 },
	{ "empty", "", 0, NULL, "UTF-8", "", NULL, -1 },
	{ "undeclared_sjis", JA_SENTENCE, -1, "CP932", NULL, JA_SENTENCE,
	  "CP932", 1 },
	{ "undeclared_eucjp", JA_SENTENCE, -1, "EUC-JP", NULL, JA_SENTENCE,
	  NULL, 1 },
	{ "undeclared_jis", JA_SENTENCE, -1, "ISO-2022-JP", NULL, JA_SENTENCE,
	  "ISO-2022-JP", 1 },
	{ "wrong_latin1_is_utf8", JA_SENTENCE, -1, NULL, "ISO-8859-1",
	  JA_SENTENCE, "UTF-8", 1 },
	{ "wrong_ascii_is_jis", JA_SENTENCE, -1, "ISO-2022-JP", "us-ascii",
	  JA_SENTENCE, "ISO-2022-JP", 1 },
	{ "wrong_latin1_is_sjis", JA_SENTENCE, -1, "CP932", "ISO-8859-1",
	  JA_SENTENCE, "CP932", 1 },
	{ "wrong_utf8_is_sjis", JA_SENTENCE, -1, "CP932", "UTF-8", JA_SENTENCE,
	  "CP932", 1 },
	{ "wrong_sjis_is_utf8", JA_SENTENCE, -1, NULL, "Shift_JIS",
	  JA_SENTENCE, "UTF-8", 1 },
	{ "wrong_jis_is_utf8", JA_SENTENCE, -1, NULL, "ISO-2022-JP",
	  JA_SENTENCE, "UTF-8", 1 },
	{ "unknown_declared", JA_SENTENCE, -1, NULL, "x-no-such-charset",
	  JA_SENTENCE, "UTF-8", 1 },
	{ "utf8_invalid_bytes", "日本語\xff\xfe end", -1, NULL, "UTF-8",
	  "日本語\xef\xbf\xbd\xef\xbf\xbd end", "UTF-8", 1 },
	{ "utf8_truncated_seq", "abc\xe6\x97", -1, NULL, "UTF-8", "abc", NULL,
	  1 },
	{ "sjis_one_bad_byte", "\x93\xfa\x96\x7b\x8c\xea\xff\x82\xa0", -1, NULL,
	  "Shift_JIS", "日本語", NULL, 1 },
	{ "jis_unterminated_pair", "\x1b$B$3$", -1, NULL, "ISO-2022-JP", "",
	  NULL, 1 },
	{ "embedded_nul", "a\0b", 3, NULL, "UTF-8", "ab", NULL, -1 },
};

static GBytes *
row_bytes(const dec_row *r)
{
	gsize len = r->len < 0 ? strlen(r->in) : (gsize)r->len;
	gsize wrote = 0;
	char *b;

	if (r->enc == NULL)
		return g_bytes_new(r->in, len);
	b = g_convert(r->in, (gssize)len, r->enc, "UTF-8", NULL, &wrote, NULL);
	ck_assert_msg(b != NULL, "%s: cannot encode as %s", r->name, r->enc);
	return g_bytes_new_take(b, wrote);
}

START_TEST(test_decode_rows)
{
	const dec_row *r = &dec_rows[_i];
	GBytes *in = row_bytes(r);
	gsize len = 0;
	const void *buf = g_bytes_get_data(in, &len);
	mk_error err = { 0 };
	char *used = NULL;
	bool guessed = false;
	char *out = mk_text_to_utf8(buf, len, r->declared, &used, &guessed, &err);

	ck_assert_msg(out != NULL, "%s: NULL (%s)", r->name, err.msg);
	ck_assert_msg(g_utf8_validate(out, -1, NULL), "%s: invalid UTF-8",
	              r->name);
	ck_assert_msg(strstr(out, r->expect) != NULL,
	              "%s: got \"%s\" (used %s), want \"%s\"", r->name, out,
	              used, r->expect);
	ck_assert_ptr_nonnull(used);
	if (r->used != NULL)
		ck_assert_msg(g_ascii_strcasecmp(used, r->used) == 0,
		              "%s: used %s, want %s", r->name, used, r->used);
	if (r->guessed >= 0)
		ck_assert_msg(guessed == (r->guessed == 1), "%s: guessed=%d",
		              r->name, guessed);
	g_free(used);
	g_free(out);
	g_bytes_unref(in);
}
END_TEST

/* The real-looking mail in three legacy encodings decodes to the UTF-8
 * original, declared and undeclared. */
static const struct {
	const char *file;
	const char *declared;
} file_rows[] = {
	{ "ja.cp932.txt", "Shift_JIS" }, { "ja.cp932.txt", NULL },
	{ "ja.eucjpms.txt", "EUC-JP" }, { "ja.eucjpms.txt", NULL },
	{ "ja.iso2022jp.txt", "ISO-2022-JP" }, { "ja.iso2022jp.txt", NULL },
	{ "ja.iso2022jp.txt", "iso-8859-1" }, { "ja.utf8.txt", "utf-8" },
	{ "ja.utf8.txt", NULL }, { "ja.utf8.txt", "Shift_JIS" },
};

static GBytes *
data_file(const char *name)
{
	char *rel = g_build_filename("tests/data/text", name, NULL);
	char *path = mkt_src_path(rel);
	GBytes *b = mkt_read(path);

	g_free(path);
	g_free(rel);
	return b;
}

START_TEST(test_decode_files)
{
	GBytes *ref = data_file("ja.utf8.txt");
	GBytes *in = data_file(file_rows[_i].file);
	gsize len = 0;
	const void *buf = g_bytes_get_data(in, &len);
	char *out = mk_text_to_utf8(buf, len, file_rows[_i].declared, NULL,
	                            NULL, NULL);
	char *want = g_strndup(g_bytes_get_data(ref, NULL), g_bytes_get_size(ref));

	ck_assert_msg(g_strcmp0(out, want) == 0, "%s/%s: got\n%s",
	              file_rows[_i].file, file_rows[_i].declared, out);
	g_free(want);
	g_free(out);
	g_bytes_unref(in);
	g_bytes_unref(ref);
}
END_TEST

/* Random bytes under every declared charset: valid UTF-8, never NULL. */
START_TEST(test_decode_random)
{
	static const char *const cs[] = {
		NULL, "UTF-8", "Shift_JIS", "EUC-JP", "ISO-2022-JP", "ISO-8859-1",
		"x-bogus", "UTF-16", "GB2312",
	};
	GRand *rnd = g_rand_new_with_seed(1234 + (guint32)_i);
	guchar buf[2048];

	for (int round = 0; round < 20; round++) {
		gsize len = (gsize)g_rand_int_range(rnd, 0, sizeof buf);
		for (gsize i = 0; i < len; i++)
			buf[i] = (guchar)g_rand_int_range(rnd, 0, 256);
		if (round % 2)
			for (gsize i = 0; i + 3 < len; i += 7)
				memcpy(buf + i, "\x1b$B", 3);
		char *out = mk_text_to_utf8(buf, len, cs[_i], NULL, NULL, NULL);
		ck_assert_ptr_nonnull(out);
		ck_assert(g_utf8_validate(out, -1, NULL));
		g_free(out);
	}
	g_rand_free(rnd);
}
END_TEST

/* ---- normalise -------------------------------------------------------- */

static const struct {
	const char *in, *want;
} norm_rows[] = {
	{ "a\r\nb\rc\n", "a\nb\nc\n" },
	{ "\xef\xbb\xbf" "abc", "abc" },
	{ "x\x01\x1b[31my\x7f", "x[31my" },
	{ "a\tb", "a\tb" },
	{ "abc\u202Etxt.exe", "abctxt.exe" },
	{ "\u2066x\u2069\u200Ey\u200F", "xy" },
	{ "pay\u200Bpal\u2060", "paypal" },
	{ "a  \nb\t\n", "a\nb\n" },
	{ "a\n\n\n\n\n\nb", "a\n\n\nb" },
	{ "a\n \n\t\n  \n\nb", "a\n\n\nb" },
	{ "c1\xc2\x85\xc2\x9b" "x", "c1x" },
	{ "line\u2028next", "line\nnext" },
	{ "日本語　テスト　\n", "日本語　テスト\n" },
	{ "bad\xff\xfe", "bad\xef\xbf\xbd\xef\xbf\xbd" },
	{ "", "" },
};

START_TEST(test_normalise_rows)
{
	char *out = mk_text_normalise(norm_rows[_i].in);

	ck_assert_str_eq(out, norm_rows[_i].want);
	g_free(out);
}
END_TEST

/* ---- defang ----------------------------------------------------------- */

static const struct {
	const char *in, *want;
} defang_rows[] = {
	{ "see https://example.jp/path?q=1 now",
	  "see hxxps://example[.]jp/path?q=1 now" },
	{ "http://a.b.c/", "hxxp://a[.]b[.]c/" },
	{ "www.example.co.jp", "www[.]example[.]co[.]jp" },
	{ "go to www.example.co.jp/x.", "go to www[.]example[.]co[.]jp/x." },
	{ "mailto:user@example.jp", "mailto:user@example[.]jp" },
	{ "javascript:alert(1)", "javascript[:]alert(1)" },
	{ "telnet:evil.example and news:evil.example",
	  "telnet[:]evil.example and news[:]evil.example" },
	{ "news: today", "news: today" },                /* prose stays */
	{ "(https://example.jp/a)", "(hxxps://example[.]jp/a)" },
	{ "https://ja.wikipedia.org/wiki/A_(B)",
	  "hxxps://ja[.]wikipedia[.]org/wiki/A_(B)" },
	{ "「https://example.jp/」をご覧", "「hxxps://example[.]jp/」をご覧" },
	{ "https://example.jp、次（www.a.jp）。",
	  "hxxps://example[.]jp、次（www[.]a[.]jp）。" },
	{ "ftp://files.example.org/x", "fxp://files[.]example[.]org/x" },
	{ "ftps://f.example/ sftp://s.example/",
	  "ftps://f[.]example/ sftp://s[.]example/" },
	{ "https://user:pw@evil.example:8443/",
	  "hxxps://user:pw[@]evil[.]example:8443/" },
	{ "HTTPS://EXAMPLE.JP", "hxxps://EXAMPLE[.]JP" },
	{ "data:text/html;base64,PHNj", "data[:]text/html;base64,PHNj" },
	{ "file:///etc/passwd", "file[:]///etc/passwd" },
	{ "file://server.example/share", "file[:]//server[.]example/share" },
	{ "vbscript:msgbox", "vbscript[:]msgbox" },
	{ "<https://example.jp>", "<hxxps://example[.]jp>" },
	{ "\"https://example.jp\"", "\"hxxps://example[.]jp\"" },
	{ "https://example.jp/日本語", "hxxps://example[.]jp/日本語" },
	{ "no url here: data: value, http: x", "no url here: data: value, http: x" },
	{ "email user@example.jp", "email user@example.jp" },
	{ "version 1.2.3 and nowww.x", "version 1.2.3 and nowww.x" },
	{ "xhttps:example.jp", "xhttps:example.jp" },
	{ "hxxps://example[.]jp/a", "hxxps://example[.]jp/a" },
	{ "javascript[:]x www[.]a[.]jp", "javascript[:]x www[.]a[.]jp" },
	{ "日本語https://example.jp", "日本語hxxps://example[.]jp" },
	{ "data:https://a.example/x", "data[:]hxxps://a[.]example/x" },
	{ "https://a.example/?u=https://b.example/",
	  "hxxps://a[.]example/?u=hxxps://b[.]example/" },
	{ "javascript:location='http://c.example'",
	  "javascript[:]location='hxxp://c[.]example'" },
	{ "URL:https://example.jp/", "URL:hxxps://example[.]jp/" },
	{ "https://a.https://a", "hxxps://a[.]https://a" },
	{ "https://a.emailto:https://a.ex/", "hxxps://a[.]emailto:https://a.ex/" },
	{ "file://a.b/c data:text/x", "file[:]//a[.]b/c data[:]text/x" },
	{ "http://u@https://b.example", "hxxp://u[@]https://b.example" },
	/* UNC paths: slashes bracketed, host dots too; backslash/slash mixes */
	{ "\\\\evil.example\\share\\x.exe", "[\\\\]evil[.]example\\share\\x.exe" },
	{ "see //evil.example/share/x now", "see [//]evil[.]example/share/x now" },
	{ "\\/evil.example\\s /\\evil.example/s",
	  "[\\/]evil[.]example\\s [/\\]evil[.]example/s" },
	{ "(\\\\10.0.0.1\\c$).", "([\\\\]10[.]0[.]0[.]1\\c$)." },
	{ "[\\\\evil.example\\s] 日本\\\\e.example",
	  "[[\\\\]evil[.]example\\s] 日本[\\\\]e[.]example" },
	{ "location=\\\\evil\\s x-\\\\evil\\s",
	  "location=[\\\\]evil\\s x-[\\\\]evil\\s" },
	/* a scheme before backslashes or more than "///" */
	{ "hxxp:\\\\evil18.example\\x", "hxxp:[\\\\]evil18[.]example\\x" },
	{ "http:\\\\evil.example\\x", "hxxp:[\\\\]evil[.]example\\x" },
	{ "file://///evil.example/s", "file[:][/////]evil[.]example/s" },
	{ "file:\\\\evil.example\\s", "file[:][\\\\]evil[.]example\\s" },
	/* handler schemes: "[:]", nested links and UNC paths defanged too */
	{ "search-ms:query=x&crumb=location:\\\\evil.example@80\\share",
	  "search-ms[:]query=x&crumb=location[:][\\\\]evil[.]example[@]80\\share" },
	{ "search:query=calc shell:startup",
	  "search[:]query=calc shell[:]startup" },
	{ "ms-msdt:/id PCWDiagnostic", "ms-msdt[:]/id PCWDiagnostic" },
	{ "ms-word:ofe|u|https://evil.example/a.docx",
	  "ms-word[:]ofe|u|hxxps://evil[.]example/a.docx" },
	{ "MS-Excel:ofv|u|\\\\evil.example\\a.xlsx",
	  "ms-excel[:]ofv|u|[\\\\]evil[.]example\\a.xlsx" },
	{ "ms-powerpoint:ofe|u|x ms-appinstaller:?source=x ms-settings:display",
	  "ms-powerpoint[:]ofe|u|x ms-appinstaller[:]?source=x "
	  "ms-settings[:]display" },
	{ "ms-cxh://setaddlocalonly ms-officecmd:{\"id\":3}",
	  "ms-cxh[:]//setaddlocalonly ms-officecmd[:]{\"id\":3}" },
	{ "microsoft-edge:http://e.example", "microsoft-edge[:]hxxp://e[.]example" },
	{ "zoommtg://zoom.example/j xhttps://example.jp",
	  "zoommtg[:]//zoom[.]example/j xhttps[:]//example[.]jp" },
	{ "https://www.bank.example@evil.example/",
	  "hxxps://www[.]bank[.]example[@]evil[.]example/" },
	/* prose stays as it is */
	{ "C:\\Users\\a and C:\\\\Users\\\\b", "C:\\Users\\a and C:\\\\Users\\\\b" },
	{ "at 10:30, 3:4, note:x, ms-word: docs, MS-DOS, tel:03",
	  "at 10:30, 3:4, note:x, ms-word: docs, MS-DOS, tel:03" },
	{ "// comment and/or a // b, x\\\\y, \\\\ end",
	  "// comment and/or a // b, x\\\\y, \\\\ end" },
	{ "", "" },
};

START_TEST(test_defang_rows)
{
	char *out = mk_text_defang(defang_rows[_i].in);
	char *again = mk_text_defang(out);

	ck_assert_str_eq(out, defang_rows[_i].want);
	ck_assert_str_eq(again, out);
	g_free(again);
	g_free(out);
}
END_TEST

static const struct {
	const char *in, *want;
} url_rows[] = {
	{ "https://example.jp/a", "hxxps://example[.]jp/a" },
	{ "hxxps://example[.]jp/a", "hxxps://example[.]jp/a" },
	{ "http://user@a.example", "hxxp://user[@]a[.]example" },
	{ "hxxp://user[@]a[.]example", "hxxp://user[@]a[.]example" },
	{ "javascript[:]alert(1)", "javascript[:]alert(1)" },
	{ "www.example.jp:8080/p.html", "www[.]example[.]jp:8080/p.html" },
	{ "https://example.jp/a.b?c=d.e", "hxxps://example[.]jp/a.b?c=d.e" },
	{ "\\\\evil.example\\share\\x.exe", "[\\\\]evil[.]example\\share\\x.exe" },
	{ "//evil.example/x", "[//]evil[.]example/x" },
	{ "search-ms:query=x&crumb=location:\\\\e.example\\s",
	  "search-ms[:]query=x&crumb=location[:][\\\\]e[.]example\\s" },
	{ "ms-msdt:/id PCWDiagnostic", "ms-msdt[:]/id PCWDiagnostic" },
	{ "tel:+81312345678", "tel[:]+81312345678" },
	{ "https://a.example/?u=\\\\evil.example\\x",
	  "hxxps://a[.]example/?u=[\\\\]evil[.]example\\x" },
	{ "https:\\\\evil.example\\x", "hxxps:[\\\\]evil[.]example\\x" },
};

START_TEST(test_defang_url_rows)
{
	char *out = mk_defang_url(url_rows[_i].in);
	char *again = mk_defang_url(out);

	ck_assert_str_eq(out, url_rows[_i].want);
	ck_assert_str_eq(again, out);
	g_free(again);
	g_free(out);
}
END_TEST

/* Misleading links in plain text (issue 14, item 3): the forms mail
 * programs write when they turn HTML into text. */
#define M "[!]"
static const struct {
	const char *in, *want;
	unsigned count;
} mark_rows[] = {
	{ "www.bank.example <https://evil.example/login>",
	  "www.bank.example " M " <https://evil.example/login>", 1 },
	{ "Log in: https://www.bank.example/login<https://login.evil.example/>",
	  "Log in: https://www.bank.example/login " M "<https://login.evil.example/>", 1 },
	{ "こちら www.bank.example <http://evil.example>\nthanks",
	  "こちら www.bank.example " M " <http://evil.example>\nthanks", 1 },
	{ "[https://www.bank.example/](https://evil.example/x) and [docs](https://d.example)",
	  "[https://www.bank.example/](https://evil.example/x) " M " and [docs](https://d.example)", 1 },
	{ "support@bank.example <mailto:x@evil.example>",
	  "support@bank.example " M " <mailto:x@evil.example>", 1 },
	/* the same site, a subdomain, plain words, no scheme: left */
	{ "www.example.jp <https://example.jp/a>", "www.example.jp <https://example.jp/a>", 0 },
	{ "example.jp <https://news.example.jp/>", "example.jp <https://news.example.jp/>", 0 },
	{ "our site <https://evil.example/>", "our site <https://evil.example/>", 0 },
	{ "a.example.com <b.example.org>", "a.example.com <b.example.org>", 0 },
	{ "www.bank.example <https://evil.example/ x>", "www.bank.example <https://evil.example/ x>", 0 },
	/* already marked: not again */
	{ "www.bank.example " M " <https://evil.example/>", "www.bank.example " M " <https://evil.example/>", 0 },
	{ "", "", 0 },
};

START_TEST(test_mark_rows)
{
	unsigned n = 0;
	char *got = mk_text_mark_misleading(mark_rows[_i].in, M, &n);

	ck_assert_msg(strcmp(got, mark_rows[_i].want) == 0, "row %d: got \"%s\"", _i, got);
	ck_assert_uint_eq(n, mark_rows[_i].count);
	g_free(got);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_loop_test(tc, test_decode_rows, 0, G_N_ELEMENTS(dec_rows));
	tcase_add_loop_test(tc, test_decode_files, 0, G_N_ELEMENTS(file_rows));
	tcase_add_loop_test(tc, test_decode_random, 0, 9);
	tcase_add_loop_test(tc, test_normalise_rows, 0, G_N_ELEMENTS(norm_rows));
	tcase_add_loop_test(tc, test_defang_rows, 0, G_N_ELEMENTS(defang_rows));
	tcase_add_loop_test(tc, test_defang_url_rows, 0, G_N_ELEMENTS(url_rows));
	tcase_add_loop_test(tc, test_mark_rows, 0, G_N_ELEMENTS(mark_rows));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mkt_run(text_suite());
}
