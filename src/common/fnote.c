/*
 * NAME
 *   fnote - structured filter notes (see fnote.h)
 *
 * DESCRIPTION
 *   One row per code: its key (stable: it is in reports), the English
 *   words of the report and the words of the notice in ja and en.  The
 *   count goes after the words ("（2 件）", " (2)").
 */
#include "fnote.h"

#include <string.h>

static const struct {
	const char *key, *report, *ja, *en;
} FN[MK_FN_N] = {
	[MK_FN_VBA] = { "vba", "removed %d VBA project(s) (macros)",
		"マクロ（VBA プロジェクト）を削除しました",
		"the macros (VBA project) were removed" },
	[MK_FN_XLM_SHEET] = { "xlm_sheet", "emptied %d Excel 4 macro sheet(s)",
		"Excel 4 マクロシートを空のシートにしました",
		"Excel 4 macro sheets were made empty sheets" },
	[MK_FN_VBA_SHEET] = { "vba_sheet", "emptied %d VB module sheet(s)",
		"VB モジュールシートを空のシートにしました",
		"VB module sheets were made empty sheets" },
	[MK_FN_AUTO_NAME] = { "auto_name", "neutralized %d auto-run or macro name(s)",
		"自動実行（Auto_Open 等）・マクロの名前定義を無効にしました",
		"auto-run (Auto_Open and the like) and macro names were disabled" },
	[MK_FN_OBJECT] = { "object", "removed %d embedded OLE object(s)",
		"埋め込みオブジェクト（OLE）を削除しました",
		"embedded (OLE) objects were removed" },
	[MK_FN_CONTROL] = { "control", "removed %d ActiveX control(s)",
		"ActiveX コントロールを削除しました", "ActiveX controls were removed" },
	[MK_FN_OLE_LINK] = { "ole_link", "removed %d linked OLE object(s)",
		"他のファイルへのリンク（OLE リンク）を削除しました",
		"links to other files (OLE links) were removed" },
	[MK_FN_EXT_BOOK] = { "ext_book", "cut %d link(s) to other workbooks",
		"他のブックへの外部参照を切りました",
		"references to other workbooks were cut" },
	[MK_FN_DDE] = { "dde", "cut %d DDE link(s)",
		"DDE（他のプログラムからデータを取り込む仕組み）を切りました",
		"DDE links (data fetched from other programs) were cut" },
	[MK_FN_FIELD] = { "field", "blanked %d field instruction(s) (DDE, INCLUDE, ...)",
		"フィールド命令（DDE・INCLUDE 等）を消しました（表示されていた結果は残しています）",
		"field instructions (DDE, INCLUDE and the like) were blanked (their shown result stays)" },
	[MK_FN_ACTION] = { "action", "removed %d click action(s) that run a macro or program",
		"クリックでマクロやプログラムを動かす動作設定を削除しました",
		"click actions that run a macro or program were removed" },
	[MK_FN_MEDIA_LINK] = { "media_link", "removed %d link(s) to outside media files",
		"外部の音声・動画ファイルへのリンクを削除しました",
		"links to outside sound or movie files were removed" },
	[MK_FN_WEB_LINK] = { "web_link", "kept %d web link(s) as defanged text",
		"Web リンクはリンクを外し、URL を無効化した文字で残しました",
		"web links were unlinked and their URLs kept as defanged text" },
	[MK_FN_WEB_UNLINKED] = { "web_unlinked", "made %d web link(s) inactive",
		"Web リンクはクリックできないようにしました（表示の文字は残しています。この形式では URL を文字で残せません）",
		"web links were made inactive (their shown text stays; this format has no room for the URL as text)" },
	[MK_FN_OTHER_LINK] = { "other_link", "removed %d link(s) of other schemes",
		"Web 以外のリンク（ファイル・プログラム等）を削除しました",
		"links that are not web links (files, programs ...) were removed" },
	[MK_FN_LINK_MISMATCH] = { "link_mismatch", "marked %d link(s) whose shown text names another target",
		"表示と異なるリンク先に【注意: 表示と異なるリンク先】の印を付けました",
		"links whose shown text names another target were marked [Warning: link target differs from its text]" },
	[MK_FN_OTHER] = { "other", "removed %d other storage(s) or stream(s)",
		"文書の表示に不要な部分（その他の埋め込みデータ）を削除しました",
		"other parts the document does not need to show were removed" },
};

void mk_fnote_add(GPtrArray *notes, mk_fnote_code code, int count)
{
	GString *g;

	if (code >= MK_FN_N || count <= 0)
		return;
	g = g_string_new(NULL);
	g_string_append_printf(g, "%s %d: ", FN[code].key, count);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	g_string_append_printf(g, FN[code].report, count);
#pragma GCC diagnostic pop
	g_ptr_array_add(notes, g_string_free(g, FALSE));
}

bool mk_fnote_parse(const char *note, mk_fnote_code *code, int *count)
{
	for (int c = 0; c < MK_FN_N; c++) {
		gsize kl = strlen(FN[c].key);
		const char *p = note + kl;
		long n = 0;

		if (strncmp(note, FN[c].key, kl) != 0 || *p != ' ' || !g_ascii_isdigit(p[1]))
			continue;
		for (p++; g_ascii_isdigit(*p) && n < 1000000; p++)
			n = n * 10 + (*p - '0');
		if (*p != ':')
			continue;
		*code = (mk_fnote_code)c;
		*count = (int)n;
		return true;
	}
	return false;
}

char *mk_fnote_text(mk_fnote_code code, const char *language, int count)
{
	bool en = g_strcmp0(language, "en") == 0;

	if (code >= MK_FN_N)
		return NULL;
	return g_strdup_printf(en ? "%s (%d)" : "%s（%d 件）",
	                       en ? FN[code].en : FN[code].ja, count);
}
