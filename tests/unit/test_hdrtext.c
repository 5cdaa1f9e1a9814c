/*
 * NAME
 *   test_hdrtext - mk_hdr_decode(), mk_hdr_param(), mk_hdr_encode*()
 *
 * DESCRIPTION
 *   Decode rows: a raw header value and its decoded text.  Param rows: a
 *   raw Content-Type/-Disposition value, a parameter and its decoded value.
 *   Encode rows: text and its header form (which must decode back).
 *   The extension tests take every character of the CP932 extension rows
 *   (NEC special row 13, NEC-selected IBM rows 89-92, IBM rows 115-119)
 *   and the half-width katakana, as glibc's CP932 decodes them, and send
 *   them through Shift_JIS words (B and Q), ISO-2022-JP words (rows 13 and
 *   89-92 and ESC ( I kana: IBM rows 115-119 have no ISO-2022-JP form),
 *   RFC 2231 file names, and words cut inside a character.
 */
#include <string.h>

#include "hdrtext.h"
#include "testutil.h"

typedef struct {
	const char *raw, *want;
} dec_row;

static const dec_row DECODE_ROWS[] = {
	{ "plain text", "plain text" },
	{ " folded\n\ttext\n", "folded text" },
	{ "=?UTF-8?B?6KuL5rGC5pu4?=", "請求書" },
	{ "=?utf-8?q?a_b=3Dc?=", "a b=c" },
	/* Shift_JIS means CP932: (1 in a circle) and (kabu) */
	{ "=?Shift_JIS?B?gWmHQIFq?=", "（①）" },
	{ "=?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?=", "請求書" },
	/* ISO-2022-JP with NEC row 13: 請求書①㈱ */
	{ "=?ISO-2022-JP?B?GyRCQEE1YT1xLSEtahsoQg==?=", "請求書①㈱" },
	/* a character cut across two words of the same charset */
	{ "=?UTF-8?B?6KuL?= =?UTF-8?B?5rGC5pu4?=", "請求書" },
	{ "=?UTF-8?B?6Ks=?= =?UTF-8?B?i+axgg==?=", "請求" },
	{ "=?UTF-8?Q?=E8=AB?=\n =?UTF-8?Q?=8B?=", "請" },
	{ "=?Shift_JIS?B?gQ==?= =?Shift_JIS?B?aYdA?=", "（①" },
	/* white space between words goes, around text it stays */
	{ "=?UTF-8?B?YQ==?=   =?UTF-8?B?Yg==?= c", "ab c" },
	{ "x =?UTF-8?B?YQ==?= y", "x a y" },
	/* glued words (common from Japanese mailers) */
	{ "=?ISO-2022-JP?B?GyRCJDMbKEI=?==?ISO-2022-JP?B?GyRCJHMbKEI=?=", "こん" },
	/* different charsets next to each other */
	{ "=?UTF-8?B?44GC?= =?Shift_JIS?B?gqI=?=", "あい" },
	/* RFC 2231 language in a word */
	{ "=?UTF-8*ja?B?44GC?=", "あ" },
	/* raw 8-bit: UTF-8, CP932, raw ISO-2022-JP */
	{ "\xe8\xab\x8b\xe6\xb1\x82", "請求" },
	{ "\x90\xbf\x8b\x81\x87\x40", "請求①" },
	{ "\x8e\x52\x93\x63 <y@example.jp>", "山田 <y@example.jp>" },
	{ "M\xfcller", "M\xc3\xbcller" },
	{ "\x1b$B@A5a\x1b(B", "請求" },
	/* "=?" spelled by JIS bytes is not a word */
	{ "\x1b$B=?\x1b(B", "戎" },
	/* controls and bidi marks */
	{ "=?UTF-8?B?YQ1CY2M6IGI=?=", "a Bcc: b" },
	{ "=?UTF-8?B?4oCucGRmLmV4ZQ==?=", "pdf.exe" },
	/* broken words stay text */
	{ "=?UTF-8?B?", "=?UTF-8?B?" },
	{ "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=" },
	{ "=??B?YQ==?=", "=??B?YQ==?=" },
	{ "", "" },
};

START_TEST(test_decode_rows)
{
	const dec_row *r = &DECODE_ROWS[_i];
	char *got = mk_hdr_decode(r->raw);

	ck_assert_msg(strcmp(got, r->want) == 0, "row %d: got \"%s\" want \"%s\"",
	              _i, got, r->want);
	g_free(got);
}
END_TEST

typedef struct {
	const char *raw, *param, *want;
} param_row;

static const param_row PARAM_ROWS[] = {
	{ "attachment; filename=\"a.pdf\"", "filename", "a.pdf" },
	{ "attachment; filename=a.pdf", "filename", "a.pdf" },
	{ "application/pdf; name=\"=?Shift_JIS?B?jKmQz4+Rh0AucGRm?=\"", "name", "見積書①.pdf" },
	{ "attachment; filename*=ISO-2022-JP''%1B%24B8%2B%40Q-%21%1B%28B.pdf",
	  "filename", "見積①.pdf" },
	{ "attachment; filename*=UTF-8'ja'%E8%A6%8B.pdf; filename=\"x.pdf\"", "filename", "見.pdf" },
	{ "attachment; filename=\"x.pdf\"; filename*=UTF-8''%E8%A6%8B.pdf", "filename", "見.pdf" },
	/* sections joined as bytes: the cut is inside a character */
	{ "attachment;\n filename*0*=UTF-8''%E8%A6;\n filename*1*=%8B%E7%A9%8D.pdf", "filename",
	  "見積.pdf" },
	{ "attachment; filename*1*=%8B.pdf; filename*0*=UTF-8''%E8%A6", "filename", "見.pdf" },
	{ "attachment; filename*0=\"part\"; filename*1=\"two.txt\"", "filename", "parttwo.txt" },
	/* ISO-2022-JP sections cut between the escape and the text */
	{ "attachment; filename*0*=ISO-2022-JP''%1B%24B; filename*1*=%248%1B%28B.txt",
	  "filename", "じ.txt" },
	/* raw CP932 bytes in quotes */
	{ "attachment; filename=\"\x8c\xa9\x90\xcf.pdf\"", "filename", "見積.pdf" },
	/* ... whose second byte is 0x5C: not a quoting backslash (issue 14) */
	{ "attachment; filename=\"\x95\x5c.pdf\"", "filename", "表.pdf" },
	{ "attachment; filename=\"\x94\x5c\x97\xcd\x83\x5c\x83\x74\x83\x67.txt\"", "filename",
	  "能力ソフト.txt" },
	{ "attachment; filename=\"\x83\x5c\"; size=1", "filename", "ソ" },
	{ "attachment; filename=\x95\x5c\x8e\xa6.pdf", "filename", "表示.pdf" },
	{ "application/pdf; name=\"\x95\x5c\x5c\x5c.pdf\"", "name", "表\\.pdf" },
	/* raw ISO-2022-JP: ※ is 0x22 0x28 in JIS, a '"' that ends nothing */
	{ "attachment; filename=\"\x1b$B\x22\x28\x1b(B.pdf\"", "filename", "※.pdf" },
	/* a control character stays (names.c reports it) */
	{ "attachment; filename=\"=?UTF-8?B?4oCuZXhlLnBkZg==?=\"", "filename", "\xe2\x80\xae" "exe.pdf" },
	{ "attachment; size=3", "filename", NULL },
	{ "attachment; xfilename=\"a\"", "filename", NULL },
	{ "attachment; filename=\"a;b.txt\"; size=1", "filename", "a;b.txt" },
	{ "text/plain; name=\"a\\\"b\"", "name", "a\"b" },
};

/* File names as bytes (drop folder, CLI --name): UTF-8 as is, raw CP932
 * decoded with its 0x5C trail bytes. */
static const struct {
	const char *raw, *want;
} NAME_ROWS[] = {
	{ "a.pdf", "a.pdf" },
	{ "表.pdf", "表.pdf" },
	{ "\x95\x5c.pdf", "表.pdf" },
	{ "\x83\x5c\x83\x74\x83\x67\x94\x5c\x97\xcd.xlsx", "ソフト能力.xlsx" },
	{ "=?UTF-8?B?YQ==?=.txt", "=?UTF-8?B?YQ==?=.txt" },
	{ "a\\b.txt", "a\\b.txt" },
	{ "", "" },
};

START_TEST(test_name_rows)
{
	char *got = mk_hdr_name_utf8(NAME_ROWS[_i].raw);

	ck_assert_msg(strcmp(got, NAME_ROWS[_i].want) == 0, "row %d: got \"%s\"", _i, got);
	g_free(got);
}
END_TEST

START_TEST(test_param_rows)
{
	const param_row *r = &PARAM_ROWS[_i];
	char *got = mk_hdr_param(r->raw, r->param);

	if (r->want == NULL) {
		ck_assert_msg(got == NULL, "row %d: got \"%s\"", _i, got);
	} else {
		ck_assert_msg(got != NULL && strcmp(got, r->want) == 0,
		              "row %d: got \"%s\" want \"%s\"", _i, got ? got : "(null)", r->want);
	}
	g_free(got);
}
END_TEST

typedef struct {
	const char *text, *want;
	bool phrase;
} enc_row;

static const enc_row ENCODE_ROWS[] = {
	{ "Hello world", "Hello world", false },
	{ "請求書", "=?UTF-8?B?6KuL5rGC5pu4?=", false },
	{ "a =?x?= b", "=?UTF-8?B?YSA9P3g/PSBi?=", false },
	{ "Taro", "Taro", true },
	{ "Yamada, Taro", "\"Yamada, Taro\"", true },
	{ "", "", true },
};

START_TEST(test_encode_rows)
{
	const enc_row *r = &ENCODE_ROWS[_i];
	char *got = r->phrase ? mk_hdr_encode_phrase(r->text) : mk_hdr_encode(r->text);
	char *back = mk_hdr_decode(got);

	ck_assert_str_eq(got, r->want);
	if (!r->phrase)
		ck_assert_str_eq(back, r->text);
	g_free(back);
	g_free(got);
}
END_TEST

/* Long text: words of at most 75 characters, cut on characters, folded. */
START_TEST(test_encode_long)
{
	GString *t = g_string_new(NULL);
	char *enc, *back, **lines;

	for (int i = 0; i < 100; i++)
		g_string_append(t, i % 3 ? "請求書" : "a①ｶ");
	enc = mk_hdr_encode(t->str);
	lines = g_strsplit(enc, "\n", -1);
	for (char **l = lines; *l; l++)
		ck_assert_int_le(strlen(*l), 76);
	back = mk_hdr_decode(enc);
	ck_assert_str_eq(back, t->str);
	g_strfreev(lines);
	g_free(back);
	g_free(enc);
	g_string_free(t, TRUE);
}
END_TEST

/* ---- the CP932 extension rows ----------------------------------------- */

/* Shift_JIS bytes of kuten (ROW, CELL). */
static void
kuten_sjis(int row, int cell, GString *out)
{
	int s1 = row <= 62 ? (row + 0x101) / 2 : (row + 0x181) / 2;
	int s2 = row % 2 ? cell + 0x3F + (cell >= 64) : cell + 0x9E;

	g_string_append_c(out, (char)s1);
	g_string_append_c(out, (char)s2);
}

/* Every character of ROWS that CP932 decodes: *SJIS gets the bytes,
 * *JIS the ISO-2022-JP form (rows <= 94 only), the return value UTF-8. */
static char *
extension_chars(const int *rows, gsize nrows, GString *sjis, GString *jis)
{
	GString *utf8 = g_string_new(NULL);

	if (jis)
		g_string_append(jis, "\033$B");
	for (gsize r = 0; r < nrows; r++) {
		for (int cell = 1; cell <= 94; cell++) {
			GString *one = g_string_new(NULL);
			char *u;
			kuten_sjis(rows[r], cell, one);
			u = g_convert(one->str, (gssize)one->len, "UTF-8", "CP932", NULL, NULL, NULL);
			if (u != NULL && *u != '\0' && strcmp(u, "\xef\xbf\xbd") != 0) {
				g_string_append_len(sjis, one->str, (gssize)one->len);
				g_string_append(utf8, u);
				if (jis) {
					g_string_append_c(jis, (char)(rows[r] + 0x20));
					g_string_append_c(jis, (char)(cell + 0x20));
				}
			}
			g_free(u);
			g_string_free(one, TRUE);
		}
	}
	if (jis)
		g_string_append(jis, "\033(B");
	return g_string_free(utf8, FALSE);
}

/* Encoded words of CHARSET for BYTES, cut every CUT bytes (so, for odd
 * CUT, inside characters), B or Q. */
static char *
words(const char *charset, const GString *bytes, gsize cut, bool q)
{
	GString *o = g_string_new(NULL);

	for (gsize i = 0; i < bytes->len; i += cut) {
		gsize n = MIN(cut, bytes->len - i);
		g_string_append_printf(o, "%s=?%s?%c?", i ? "\n " : "", charset, q ? 'Q' : 'B');
		if (q) {
			for (gsize k = 0; k < n; k++)
				g_string_append_printf(o, "=%02X", (guchar)bytes->str[i + k]);
		} else {
			char *b = g_base64_encode((const guchar *)bytes->str + i, n);
			g_string_append(o, b);
			g_free(b);
		}
		g_string_append(o, "?=");
	}
	return g_string_free(o, FALSE);
}

static const int NEC_ROWS[] = { 13 };
static const int NEC_IBM_ROWS[] = { 89, 90, 91, 92 };
static const int IBM_ROWS[] = { 115, 116, 117, 118, 119 };

static void
check_rows(const int *rows, gsize n, gsize expect_min, bool with_jis)
{
	GString *sjis = g_string_new(NULL), *jis = with_jis ? g_string_new(NULL) : NULL;
	char *want = extension_chars(rows, n, sjis, jis);
	const char *labels[] = { "Shift_JIS", "shift-jis", "x-sjis", "Windows-31J", "CP932" };

	ck_assert_uint_ge(g_utf8_strlen(want, -1), expect_min);
	for (gsize l = 0; l < G_N_ELEMENTS(labels); l++) {
		for (gsize cut = 7; cut <= 45; cut += 38) {
			char *w = words(labels[l], sjis, cut, cut == 7), *got = mk_hdr_decode(w);
			ck_assert_msg(strcmp(got, want) == 0, "%s cut %zu: got %s want %s",
			              labels[l], cut, got, want);
			g_free(got);
			g_free(w);
		}
	}
	if (jis != NULL) {
		char *w = words("ISO-2022-JP", jis, 45, false), *got = mk_hdr_decode(w);
		ck_assert_msg(strcmp(got, want) == 0, "ISO-2022-JP: got %s want %s", got, want);
		g_free(got);
		g_free(w);
		/* RFC 2231 file name of the same bytes */
		GString *p = g_string_new("attachment; filename*=ISO-2022-JP''");
		for (gsize i = 0; i < jis->len; i++)
			g_string_append_printf(p, "%%%02X", (guchar)jis->str[i]);
		got = mk_hdr_param(p->str, "filename");
		ck_assert_str_eq(got, want);
		g_free(got);
		g_string_free(p, TRUE);
		g_string_free(jis, TRUE);
	}
	GString *p = g_string_new("attachment; filename*=Shift_JIS''");
	for (gsize i = 0; i < sjis->len; i++)
		g_string_append_printf(p, "%%%02X", (guchar)sjis->str[i]);
	char *got = mk_hdr_param(p->str, "filename");
	ck_assert_str_eq(got, want);
	g_free(got);
	g_string_free(p, TRUE);
	g_string_free(sjis, TRUE);
	g_free(want);
}

START_TEST(test_nec_row13)
{
	check_rows(NEC_ROWS, G_N_ELEMENTS(NEC_ROWS), 83, true);
}
END_TEST

START_TEST(test_nec_ibm_rows)
{
	check_rows(NEC_IBM_ROWS, G_N_ELEMENTS(NEC_IBM_ROWS), 370, true);
}
END_TEST

START_TEST(test_ibm_rows)
{
	check_rows(IBM_ROWS, G_N_ELEMENTS(IBM_ROWS), 380, false);
}
END_TEST

/* Half-width katakana: Shift_JIS single bytes, ISO-2022-JP ESC ( I and
 * SO/SI, and a name with both. */
START_TEST(test_halfwidth_kana)
{
	GString *sj = g_string_new(NULL), *jis = g_string_new("\033(I");
	char *want, *w, *got;

	for (int c = 0xA1; c <= 0xDF; c++) {
		g_string_append_c(sj, (char)c);
		g_string_append_c(jis, (char)(c - 0x80));
	}
	g_string_append(jis, "\033(B");
	want = g_convert(sj->str, (gssize)sj->len, "UTF-8", "CP932", NULL, NULL, NULL);
	ck_assert_uint_eq(g_utf8_strlen(want, -1), 63);
	w = words("Shift_JIS", sj, 45, false);
	got = mk_hdr_decode(w);
	ck_assert_str_eq(got, want);
	g_free(got);
	g_free(w);
	w = words("ISO-2022-JP", jis, 45, false);
	got = mk_hdr_decode(w);
	ck_assert_str_eq(got, want);
	g_free(got);
	g_free(w);
	got = mk_hdr_decode("=?ISO-2022-JP?B?GyhJSl02OBsoQg==?=");
	ck_assert_str_eq(got, "ﾊﾝｶｸ");
	g_free(got);
	got = mk_hdr_decode("=?ISO-2022-JP?Q?=0EJ]68=0F?=");
	ck_assert_str_eq(got, "ﾊﾝｶｸ");
	g_free(got);
	got = mk_hdr_param("attachment; filename=\"=?Shift_JIS?B?yt22uC5wZGY=?=\"", "filename");
	ck_assert_str_eq(got, "ﾊﾝｶｸ.pdf");
	g_free(got);
	g_free(want);
	g_string_free(sj, TRUE);
	g_string_free(jis, TRUE);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hdrtext");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_decode_rows, 0, G_N_ELEMENTS(DECODE_ROWS));
	tcase_add_loop_test(tc, test_param_rows, 0, G_N_ELEMENTS(PARAM_ROWS));
	tcase_add_loop_test(tc, test_name_rows, 0, G_N_ELEMENTS(NAME_ROWS));
	tcase_add_loop_test(tc, test_encode_rows, 0, G_N_ELEMENTS(ENCODE_ROWS));
	tcase_add_test(tc, test_encode_long);
	tcase_add_test(tc, test_nec_row13);
	tcase_add_test(tc, test_nec_ibm_rows);
	tcase_add_test(tc, test_ibm_rows);
	tcase_add_test(tc, test_halfwidth_kana);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
