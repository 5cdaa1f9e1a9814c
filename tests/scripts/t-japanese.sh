#!/bin/bash
# NAME
#   t-japanese.sh - Japanese mails from the common mail programs arrive as sent
#
# DESCRIPTION
#   jp_profiles.py builds one mail per sender profile (Outlook/CP932,
#   Thunderbird/ISO-2022-JP, a web mailer/UTF-8, a mobile phone/Shift_JIS
#   with half-width katakana) and mails holding every character of the
#   CP932 extension rows in the subject and the file names; each is
#   sanitized by the CLI, then the same script checks that the subject,
#   the sender, the file names (delivered mail and report) and the body
#   are exactly what was sent, and that the rebuilt headers are 7-bit
#   UTF-8 encoded words.  Then sender tricks (an empty From before another
#   header, several From mailboxes, an address only in an encoded word, a
#   display name that is an address, controls and bidi marks in a name,
#   a raw CP932 name):
#   the rebuilt From and the notice's warning line.  An old mailer's raw
#   8-bit Shift_JIS subject and quoted file name whose characters end in
#   byte 0x5C (表, 能, ソ) arrive as sent too, and so does the same name
#   given raw to the file channel (--name).  A misleading link in a plain
#   text body and in a .docx field is marked and reported.
. "$(dirname "$0")/lib.sh"
mk_init
python3 "$MK_SRCDIR/tests/scripts/jp_profiles.py" gen "$T/jp" || mk_die "jp_profiles.py gen failed"
for in in "$T"/jp/*.eml; do
	k=$(basename "$in" .eml)
	"$MK" sanitize --config "$CONF" --no-store -o "$T/jp/$k.out" --report "$T/jp/$k.json" \
		"$in" > /dev/null 2> "$T/jp/$k.err"
	rc=$?
	[ "$rc" -eq 0 ] && mk_ok || mk_fail "$k: exit $rc ($(head -c 200 "$T/jp/$k.err"))"
done
if python3 "$MK_SRCDIR/tests/scripts/jp_profiles.py" check "$T/jp"; then mk_ok; else mk_fail "profiles differ (above)"; fi

# The quarantine list shows the subject as sent too (stored, not --no-store).
"$MK" sanitize --config "$CONF" -o "$T/stored.out" "$T/jp/outlook.eml" > /dev/null 2>&1
"$MK" quarantine list --config "$CONF" 2>/dev/null | grep -qF '【至急】（①）請求書㈱の件' && mk_ok ||
	mk_fail "quarantine list: the Outlook subject is not shown as sent"

# Senders from public spoofing tricks: the rebuilt headers and the notice.
# sender_case NAME 'HEADER LINES' 'EGREP the headers must match' 'EGREP they must not' 'NOTICE TEXT'
sender_case() {
	local k=$1 out
	printf '%b\nTo: soumu@city.example.lg.jp\nSubject: s\nMIME-Version: 1.0\n\nbody\n' "$2" > "$T/$k.eml"
	"$MK" sanitize --config "$CONF" --no-store -o "$T/$k.out" "$T/$k.eml" > /dev/null 2>&1 ||
		{ mk_fail "$k: sanitize failed"; return; }
	out=$(sed '/^$/q' "$T/$k.out")
	if [ -n "$3" ] && ! grep -Eq "$3" <<< "$out"; then mk_fail "$k: headers lack /$3/: $out"; return; fi
	if [ -n "$4" ] && grep -Eq "$4" <<< "$out"; then mk_fail "$k: headers match /$4/: $out"; return; fi
	if [ -n "$5" ] && ! python3 -c 'import email,sys; from email import policy
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
p = m.get_body(("plain",)); sys.exit(0 if sys.argv[2] in p.get_content() else 1)' "$T/$k.out" "$5"; then
		mk_fail "$k: notice lacks \"$5\""; return
	fi
	mk_ok
}
sender_case empty_from 'From:\nReply-To: a@b.example' '^Reply-To: a@b.example$' '^From:' '差出人（From）がないか空でした'
sender_case several_from 'From: a@x.example, b@y.example' '^From: a@x.example$' 'b@y.example' '最初の <a@x.example> だけを残しました'
sender_case encoded_address 'From: =?utf-8?B?ZXZpbEBldmlsLmV4YW1wbGU=?=' '' 'evil@evil.example|^From:' '差出人（From）がないか空でした'
sender_case name_is_address 'From: "bank@bank.example" <evil@x.example>' '^From: "bank@bank.example" <evil@x.example>$' '' \
	'【注意】差出人の表示名にメールアドレスが含まれています: 実際の差出人は <evil@x.example>'
sender_case name_controls 'From: =?UTF-8?B?QWxpY2UKQmNjOiB4QHkuZXhhbXBsZQ==?= <a@x.example>' \
	'^From: "Alice Bcc: x@y.example" <a@x.example>$' '^Bcc:' ''
sender_case raw_cp932_name 'From: \x8e\x52\x93\x63 <y@example.jp>' '^From: =\?UTF-8\?B\?5bGx55Sw\?= <y@example.jp>$' '' ''
sender_case name_bidi 'From: =?UTF-8?B?4oCu6YqA6KGM?= <a@x.example>' '^From: =\?UTF-8\?B\?6YqA6KGM\?= <a@x.example>$' '' ''
# a link whose shown text names another host, the way mail programs write
# HTML as text, in a text/plain body (mail), and as a Word HYPERLINK field
# in a .docx (file channel; a plain text file is allowed unchanged): marked,
# counted as link_mismatch, and the mail notice says so (issue 14, item 3)
printf 'From: a@example.jp\nTo: b@example.jp\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nログイン: www.bank.example <https://login.evil.example/>\n' > "$T/mis.eml"
python3 - "$T/mis.docx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
           '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
           'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
           'Target="word/document.xml"/></Relationships>')
z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t xml:space="preserve">ログイン: </w:t></w:r><w:fldSimple w:instr=" HYPERLINK &quot;https://login.evil.example/&quot; ">'
           '<w:r><w:t>www.bank.example</w:t></w:r></w:fldSimple></w:p></w:body></w:document>')
z.close()
PY
for ch in mail file; do
	in=$T/mis.eml args=""
	[ $ch = file ] && in=$T/mis.docx args=--file
	# shellcheck disable=SC2086
	"$MK" sanitize --config "$CONF" --no-store $args -o "$T/mis.$ch" --report "$T/mis.$ch.json" "$in" > /dev/null 2>&1
	jq -e '[.nodes[].findings[]?.code] | index("link_mismatch")' "$T/mis.$ch.json" > /dev/null 2>&1 && mk_ok ||
		mk_fail "$ch: no link_mismatch finding"
	if [ $ch = mail ]; then got=$(mk_body_text "$T/mis.$ch")
	else got=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode())' "$T/mis.$ch" 2>&1); fi
	case $got in *"【注意: 表示と異なるリンク先】"*"hxxps://login[.]evil[.]example/"*) mk_ok ;;
	*) mk_fail "$ch: no mark in: $got" ;; esac
	[ $ch = file ] || case $got in *"本文: 表示と異なるリンク先があります"*) mk_ok ;; *) mk_fail "mail: notice line missing" ;; esac
done

# the file channel: a raw CP932 name (a drop folder entry) is decoded, its
# 0x5C bytes are not separators
printf 'sjis name\n' > "$T/name.txt"
"$MK" sanitize --config "$CONF" --no-store --file --name "$(printf '\x95\x5c\x8e\xa6\x94\x5c\x97\xcd.txt')" \
	-o "$T/name.out" --report "$T/name.json" "$T/name.txt" > /dev/null 2>&1
n=$(jq -r '.nodes[0].declared_name' "$T/name.json" 2> /dev/null)
[ "$n" = 表示能力.txt ] && mk_ok || mk_fail "file channel: raw CP932 name read as \"$n\""
mk_finish
