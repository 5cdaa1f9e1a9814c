/*
 * NAME
 *   finding - names, default actions and notice texts of findings
 */
#include "finding.h"

#include <string.h>

static const struct {
	const char *name;
	mk_action action;
	const char *ja;
	const char *en;
} table[MK_F_COUNT] = {
	[MK_F_VIRUS] = { "virus", MK_ACT_REJECT,
		"ウイルスを検出しました", "a virus was detected" },
	[MK_F_SCAN_ERROR] = { "scan_error", MK_ACT_QUARANTINE,
		"ウイルス検査を完了できませんでした", "the virus scan could not complete" },
	[MK_F_PARSE_ERROR] = { "parse_error", MK_ACT_QUARANTINE,
		"形式が壊れていて解析できません", "the content is malformed and cannot be parsed" },
	[MK_F_LIMIT] = { "limit", MK_ACT_QUARANTINE,
		"検査上限（サイズ・数・深さ・圧縮率・時間）を超えました",
		"a size, count, depth, ratio or time limit was exceeded" },
	[MK_F_UNKNOWN_TYPE] = { "unknown_type", MK_ACT_NONE,
		"種類を判別できないファイルです", "the file type is not recognised" },
	[MK_F_TYPE_MISMATCH] = { "type_mismatch", MK_ACT_STRIP,
		"名前・申告された種類と中身が一致しません",
		"the declared name or type does not match the content" },
	[MK_F_DOUBLE_EXTENSION] = { "double_extension", MK_ACT_STRIP,
		"二重拡張子のファイル名です", "the file name has a double extension" },
	[MK_F_BIDI_NAME] = { "bidi_name", MK_ACT_STRIP,
		"ファイル名に文字の向きを変える制御文字（RLO等）が含まれます",
		"the file name contains bidirectional control characters (RLO)" },
	[MK_F_CONTROL_NAME] = { "control_name", MK_ACT_STRIP,
		"ファイル名に制御文字が含まれます", "the file name contains control characters" },
	[MK_F_LONG_NAME] = { "long_name", MK_ACT_STRIP,
		"ファイル名が長すぎます", "the file name is too long" },
	[MK_F_ENCRYPTED] = { "encrypted", MK_ACT_QUARANTINE,
		"暗号化されていて検査できません", "it is encrypted and cannot be inspected" },
	[MK_F_PATH_TRAVERSAL] = { "path_traversal", MK_ACT_QUARANTINE,
		"書庫内に上位フォルダを指すパス（..）があります",
		"an archive member path escapes its folder (..)" },
	[MK_F_ABSOLUTE_PATH] = { "absolute_path", MK_ACT_QUARANTINE,
		"書庫内に絶対パスがあります", "an archive member has an absolute path" },
	[MK_F_LINK_MEMBER] = { "link_member", MK_ACT_QUARANTINE,
		"書庫内にリンクや特殊ファイルがあります",
		"an archive member is a link or special file" },
	[MK_F_ACTIVE_CONTENT] = { "active_content", MK_ACT_SANITIZE,
		"マクロ等の実行可能な要素を含みます",
		"it contains active content (macros, scripts, objects)" },
	[MK_F_EXECUTABLE] = { "executable", MK_ACT_STRIP,
		"実行形式またはスクリプトです", "it is an executable or a script" },
	[MK_F_PARTIAL_MESSAGE] = { "partial_message", MK_ACT_QUARANTINE,
		"分割メール（message/partial）は受け付けません",
		"split messages (message/partial) are not accepted" },
	[MK_F_EXTERNAL_BODY] = { "external_body", MK_ACT_STRIP,
		"外部参照の本文（message/external-body）です",
		"the body is an external reference (message/external-body)" },
	[MK_F_UUENCODE] = { "uuencode", MK_ACT_STRIP,
		"本文中に uuencode されたファイルがあります",
		"the body contains a uuencoded file" },
	[MK_F_SIGNED] = { "signed", MK_ACT_NONE,
		"電子署名付きのメールです（無害化により署名は無効になります）",
		"the message was signed (sanitizing breaks the signature)" },
	[MK_F_ENCRYPTED_MAIL] = { "encrypted_mail", MK_ACT_QUARANTINE,
		"暗号化されたメールで検査できません",
		"the message is encrypted and cannot be inspected" },
	[MK_F_DUPLICATE_HEADER] = { "duplicate_header", MK_ACT_NONE,
		"同じヘッダが重複しています", "a MIME header is duplicated" },
	[MK_F_MALFORMED_MIME] = { "malformed_mime", MK_ACT_NONE,
		"MIME 構造の誤りを補正しました", "a MIME structure defect was repaired" },
	[MK_F_NO_FILTER] = { "no_filter", MK_ACT_STRIP,
		"この種類を無害化する機能がありません",
		"no sanitizer is available for this type" },
	[MK_F_FILTER_FAILED] = { "filter_failed", MK_ACT_STRIP,
		"無害化処理に失敗しました", "sanitizing failed" },
	[MK_F_CHARSET] = { "charset", MK_ACT_NONE,
		"文字コードの指定が無いか誤っていたため推定しました",
		"the character set was missing or wrong and was detected" },
	[MK_F_NESTED_MESSAGE] = { "nested_message", MK_ACT_NONE,
		"添付されたメールを展開しました", "an attached message was unpacked" },
	[MK_F_UNPARSED_MIME] = { "unparsed_mime", MK_ACT_QUARANTINE,
		"MIME の区切りが壊れていて内容を分解できません",
		"the MIME structure is broken and its content cannot be separated" },
	[MK_F_EXCEPTION_APPLIED] = { "exception_applied", MK_ACT_NONE,
		"承認済みのポリシー例外を適用しました", "an approved policy exception was applied" },
	[MK_F_AMBIGUOUS_MIME] = { "ambiguous_mime", MK_ACT_STRIP,
		"読み手によって解釈が分かれる MIME ヘッダです（重複した境界・文字コード・ファイル名など）",
		"MIME headers that mail readers read differently (a repeated boundary, charset or file name)" },
	[MK_F_WORKER_CRASH] = { "worker_crash", MK_ACT_QUARANTINE,
		"隔離環境での解析が異常終了しました（メモリ上限・破損データ等）",
		"parsing it in the sandbox failed (memory limit, crash)" },
	[MK_F_WORKER_TIMEOUT] = { "worker_timeout", MK_ACT_QUARANTINE,
		"隔離環境での解析が時間上限を超えました",
		"parsing it in the sandbox ran out of time" },
	[MK_F_SENDER_NAME] = { "sender_name", MK_ACT_NONE,
		"表示名にメールアドレスが含まれています",
		"a display name contains an e-mail address" },
	[MK_F_SENDER_AMBIGUOUS] = { "sender_ambiguous", MK_ACT_NONE,
		"差出人等のアドレスが無いか、複数あるか、解釈が分かれます",
		"a sender or recipient header is missing, holds several mailboxes or is ambiguous" },
	[MK_F_LINK_MISMATCH] = { "link_mismatch", MK_ACT_NONE,
		"表示と異なるリンク先があります",
		"a link's shown text differs from its target" },
};

const char *
mk_finding_name(mk_finding_code c)
{
	if ((int)c < 0 || c >= MK_F_COUNT)
		return "invalid";
	return table[c].name;
}

int
mk_finding_parse(const char *name)
{
	for (int i = 0; i < MK_F_COUNT; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

mk_action
mk_finding_default_action(mk_finding_code c)
{
	if ((int)c < 0 || c >= MK_F_COUNT)
		return MK_ACT_QUARANTINE;
	return table[c].action;
}

const char *
mk_finding_text(mk_finding_code c, const char *lang)
{
	if ((int)c < 0 || c >= MK_F_COUNT)
		return "?";
	return (lang != NULL && strcmp(lang, "en") == 0) ? table[c].en : table[c].ja;
}
