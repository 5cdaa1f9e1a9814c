#!/bin/bash
# NAME
#   t-ole.sh - legacy Office (.doc, .xls, .ppt) sanitized by the ole filter
#   opens in LibreOffice with its text, and holds nothing active
#
# DESCRIPTION
#   Inputs: clean documents LibreOffice writes here (Word from text, Excel
#   from UTF-8 CSV, PowerPoint from a flat ODP), each with English and
#   Japanese text; oletools samples with an Excel 4 macro sheet and
#   Auto_Open, embedded OLE objects (doc, xls), DDE/DDEAUTO fields (doc,
#   from the password-protected zips, password in the corpus SOURCE.txt).
#   Each goes through `mukaika sanitize --file` with the built-in
#   defaults and must come out cleaned (exit 0).  Checks with a compound
#   file lister that is not ours (python, below): no Macros,
#   _VBA_PROJECT_CUR, VBA, ObjectPool, MBD* or \x01Ole10Native entry; in
#   a workbook no BOUNDSHEET of type 1 or 6 and no Auto_Open/Auto_Close
#   name (built-in or spelt); in a Word document no DDE, DDEAUTO or
#   INCLUDE instruction left in the WordDocument stream.  Then one
#   LibreOffice run converts every output to PDF: each converts, and
#   pdftotext finds the text the input is known to hold.
#   PowerPoint (.ppt, .pps, .pot) with a VBA project, a click action that
#   runs a macro, embedded objects (one a .lnk package), and a deck
#   LibreOffice writes with a web link and a file:// UNC link: sanitized
#   (exit 0), no ExOleObjStg with a byte left, no macro/program action,
#   no link target left in the file, and LibreOffice's PDF of it has no
#   link (/URI) but the slide text.  Skipped without soffice.
. "$(dirname "$0")/lib.sh"
mk_init
OLE=$MK_SHARED/corpora/oletools
command -v soffice > /dev/null || { mk_skip "soffice missing"; mk_finish; }

mkdir -p "$T/src" "$T/in" "$T/out" "$T/pdf"
printf 'Minutes of the council meeting.\n会議の議事録です。\n' > "$T/src/minutes.txt"
printf 'item,amount\nPaper,1200\n合計,1200\n' > "$T/src/budget.csv"
cat > "$T/src/slides.fodp" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation><draw:page draw:name="p1"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>Slides for the council</text:p><text:p>議会資料のスライド</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document>
EOF
cat > "$T/src/links.fodp" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation><draw:page draw:name="p1"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="6cm"><draw:text-box><text:p>リンクのスライド</text:p><text:p><text:a xlink:type="simple" xlink:href="https://city.example.jp/notice">お知らせページ</text:a></text:p><text:p><text:a xlink:type="simple" xlink:href="file://///evil.example/share/run.exe">共有フォルダ</text:a></text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document>
EOF
cat > "$T/src/dlinks.fodt" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text><text:p>文書のリンク <text:a xlink:type="simple" xlink:href="https://city.example.jp/notice">お知らせページ</text:a> と <text:a xlink:type="simple" xlink:href="file://///evil.example/share/run.exe">共有フォルダ</text:a></text:p></office:text></office:body></office:document>
EOF
lo() { # OUTDIR FORMAT FILES... (LO_IN: an --infilter option or empty)
	local d=$1 f=$2; shift 2
	timeout 120 soffice -env:UserInstallation="file://$T/lo-profile" --headless --norestore \
		${LO_IN:+"$LO_IN"} --convert-to "$f" --outdir "$d" "$@" > "$T/lo.log" 2>&1 ||
		mk_fail "soffice: exit $?: $(grep -v javaldx "$T/lo.log" | tail -1)"
}
lo "$T/in" doc "$T/src/minutes.txt" "$T/src/dlinks.fodt"
LO_IN="--infilter=Text - txt - csv (StarCalc):44,34,76" lo "$T/in" xls "$T/src/budget.csv"
lo "$T/in" ppt "$T/src/slides.fodp" "$T/src/links.fodp"
for z in dde-test-from-office2003 dde-test-from-office2016; do
	python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1])
open(sys.argv[2], "wb").write(z.read(z.namelist()[0], pwd=b"infected-test"))' \
		"$OLE/msodde/$z.doc.zip" "$T/in/$z.doc" || mk_fail "$z: cannot unzip"
done
cp "$OLE/excel4-macros/excel4_sample_macro.xls" "$OLE/oleobj/embedded-simple-2007.doc" \
	"$T/in/"
cp "$OLE/oleobj/embedded-simple-2007.xls" "$T/in/embedded-xls.xls"
cp "$OLE/olevba/sample_with_vba.ppt" "$OLE/oleobj/sample_with_lnk_file.pps" "$T/in/"
for x in ppt pps pot; do cp "$OLE/oleobj/embedded-simple-2007.$x" "$T/in/embedded-$x.$x"; done

# NAME<TAB>text the output's PDF must hold ("-": none known)
cat > "$T/want" <<'EOF'
minutes.doc	会議の議事録です
budget.xls	合計
slides.ppt	議会資料のスライド
dde-test-from-office2003.doc	-
dde-test-from-office2016.doc	-
excel4_sample_macro.xls	-
embedded-simple-2007.doc	embedded
embedded-xls.xls	embedded
links.ppt	お知らせページ
dlinks.doc	お知らせページ
sample_with_vba.ppt	PPT VBA TEST
sample_with_lnk_file.pps	calc.lnk
embedded-ppt.ppt	Embedded Objects
embedded-pps.pps	Embedded Objects
embedded-pot.pot	Embedded Objects
EOF

# cfbcheck.py FILE: prints one line per problem
cat > "$T/cfbcheck.py" <<'PY'
import re, struct, sys
d = open(sys.argv[1], "rb").read()
bad = []
if d[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
    print("not a compound file"); sys.exit(0)
ssz = 1 << struct.unpack_from("<H", d, 0x1E)[0]
sec = lambda s: d[(s + 1) * ssz:(s + 2) * ssz]
nfat, dir0, mf0 = struct.unpack_from("<I", d, 0x2C)[0], struct.unpack_from("<I", d, 0x30)[0], struct.unpack_from("<I", d, 0x3C)[0]
difat = list(struct.unpack_from("<109I", d, 0x4C))
nxt = struct.unpack_from("<I", d, 0x44)[0]
while nxt < 0xFFFFFFFA:
    s = sec(nxt); difat += struct.unpack_from("<%dI" % (ssz // 4 - 1), s); nxt = struct.unpack_from("<I", s, ssz - 4)[0]
fat = []
for f in difat[:nfat]:
    fat += struct.unpack_from("<%dI" % (ssz // 4), sec(f))
def chain(s, tbl, get):
    out, n = b"", 0
    while s < 0xFFFFFFFA and n <= len(tbl):
        out += get(s); s = tbl[s]; n += 1
    return out
dirs = chain(dir0, fat, sec)
ents = [dirs[i:i + 128] for i in range(0, len(dirs), 128)]
mini = chain(struct.unpack_from("<I", ents[0], 116)[0], fat, sec)
mfat = list(struct.unpack_from("<%dI" % (len(chain(mf0, fat, sec)) // 4), chain(mf0, fat, sec)))
def stream(e):
    start, size = struct.unpack_from("<II", e, 116)
    if size < 4096:
        return chain(start, mfat, lambda s: mini[s * 64:(s + 1) * 64])[:size]
    return chain(start, fat, sec)[:size]
names = {}
for e in ents:
    nl = struct.unpack_from("<H", e, 64)[0]
    if e[66] in (1, 2) and nl >= 2:
        names[e[:nl - 2].decode("utf-16-le")] = e
for n in names:
    if n.lower() in ("macros", "_vba_project_cur", "vba", "objectpool", "\x01ole10native") or n.upper().startswith("MBD"):
        bad.append("entry " + repr(n))
wb = names.get("Workbook")
if wb is not None:
    b, o = stream(wb), 0
    while o + 4 <= len(b):
        t, l = struct.unpack_from("<HH", b, o)
        r = b[o + 4:o + 4 + l]
        if t == 0x85 and len(r) > 5 and r[5] in (1, 6):
            bad.append("macro sheet")
        if t == 0x18 and len(r) > 15:
            if r[0] & 0x20 and r[15] in (1, 2):
                bad.append("built-in auto-run name")
            if r[15:24].lower().startswith((b"auto_open", b"auto_clos")):
                bad.append("auto-run name")
        o += 4 + l
wd = names.get("WordDocument")
if wd is not None:
    w = stream(wd)
    for pat in (rb"DDE", rb"D\0D\0E\0", rb"INCLUDE", rb"I\0N\0C\0L\0U\0D\0E\0"):
        if re.search(rb"\x13\0?\s*\0?" + pat, w):
            bad.append("field instruction " + pat.decode("latin-1").replace("\0", ""))
pd = names.get("PowerPoint Document")
if pd is not None:
    p, o = stream(pd), 0
    while o + 8 <= len(p):
        vi, t, l = struct.unpack_from("<HHI", p, o)
        r = p[o + 8:o + 8 + l]
        if t == 0x1011 and r.strip(b"\0"):
            bad.append("ExOleObjStg with content")
        if t == 0x0FF3 and len(r) > 8 and r[8] in (1, 2, 5):
            bad.append("click action %d" % r[8])
        if t == 0x0400 and r[:8].strip(b"\0"):
            bad.append("VBA project reference")
        o += 8 + (0 if vi & 0xF == 0xF else l)
    for u in ("evil.example",):   # PowerPoint: no link target left anywhere
        if u.encode("utf-16-le") in d or u.encode() in d:
            bad.append("link target " + u)
for x in bad:
    print(x)
PY

for f in "$T"/in/*; do
	b=$(basename "$f")
	rc=$(mk_sanitize "$f" "$T/out/$b" "$T/$b.json" --file)
	if [ "$rc" != 0 ] || [ ! -s "$T/out/$b" ]; then
		mk_fail "$b: exit $rc ($(jq -r '[.nodes[].findings[]?.code] | join(",")' "$T/$b.json" 2> /dev/null))"
		continue
	fi
	why=$(python3 "$T/cfbcheck.py" "$T/out/$b")
	if [ -z "$why" ]; then mk_ok; else mk_fail "$b: $(echo "$why" | tr '\n' ' ')"; fi
done

# the source files hold what the checks look for
why=$(python3 "$T/cfbcheck.py" "$T/in/excel4_sample_macro.xls")
case $why in *"macro sheet"*) mk_ok ;; *) mk_fail "excel4 input: no macro sheet found: $why" ;; esac
why=$(python3 "$T/cfbcheck.py" "$T/in/dde-test-from-office2003.doc")
case $why in *DDE*) mk_ok ;; *) mk_fail "dde input: no DDE field found: $why" ;; esac

t0=$(date +%s)
lo "$T/pdf" pdf "$T"/out/*
echo "# LibreOffice: $(ls "$T/out" | wc -l) outputs in $(($(date +%s) - t0)) s"
while IFS=$'\t' read -r b want; do
	pdf=$T/pdf/${b%.*}.pdf
	[ -f "$T/out/$b" ] || continue
	if [ ! -s "$pdf" ] || ! pdfinfo "$pdf" > /dev/null 2>&1; then
		mk_fail "$b: LibreOffice cannot open the output"; continue
	fi
	if [ "$want" = - ] || pdftotext "$pdf" - | grep -q -F "$want"; then mk_ok
	else mk_fail "$b: text \"$want\" not in LibreOffice's PDF"; fi
done < "$T/want"

# the inputs hold what the checks look for; no link survives in the PDF
why=$(python3 "$T/cfbcheck.py" "$T/in/sample_with_vba.ppt")
case $why in *"ExOleObjStg"*) mk_ok ;; *) mk_fail "vba ppt input: $why" ;; esac
case $why in *"click action 1"*) mk_ok ;; *) mk_fail "vba ppt input: $why" ;; esac
why=$(python3 "$T/cfbcheck.py" "$T/in/links.ppt")
case $why in *evil.example*) mk_ok ;; *) mk_fail "links.ppt input: no link found: $why" ;; esac
for f in links dlinks; do
	if grep -a -q '/URI' "$T/pdf/$f.pdf"; then mk_fail "$f: a link in LibreOffice's PDF"
	else mk_ok; fi
done
# Word HYPERLINK fields are told apart from other field instructions
n=$(jq -r '[.nodes[].notes[]?] | join(";")' "$T/dlinks.doc.json" 2> /dev/null)
case $n in *"web_unlinked 1:"*"other_link 1:"*|*"other_link 1:"*"web_unlinked 1:"*) mk_ok ;;
*) mk_fail "dlinks.doc: notes $n" ;; esac
# the mail channel: the notice names each removal, in ja and en
python3 - "$T/mail.eml" "$OLE/olevba/sample_with_vba.ppt" "$T/in/excel4_sample_macro.xls" \
	"$T/in/dde-test-from-office2003.doc" "$T/in/links.ppt" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"], m["To"], m["Subject"] = "a@example.com", "b@example.jp", "slides"
m.set_content("資料です。")
for f in sys.argv[2:]:
    m.add_attachment(open(f, "rb").read(), maintype="application",
                     subtype="octet-stream", filename=f.rsplit("/", 1)[1])
open(sys.argv[1], "wb").write(bytes(m))
PY
cp "$CONF" "$T/en.conf"
printf '[general]\nlanguage = en\n' >> "$T/en.conf"
while IFS=$'\t' read -r lang want; do
	conf=$CONF
	[ "$lang" = en ] && conf=$T/en.conf
	"$MK" sanitize --config "$conf" --no-store -o "$T/mail.$lang" --report "$T/mail.json" \
		"$T/mail.eml" > /dev/null 2>&1 || { mk_fail "mail ($lang): exit $?"; continue; }
	if mk_body_text "$T/mail.$lang" | grep -q -F -- "$want"; then mk_ok
	else mk_fail "mail ($lang): no notice line \"$want\""; fi
done <<'EOF'
ja	  - マクロ（VBA プロジェクト）を削除しました（1 件）
ja	  - クリックでマクロやプログラムを動かす動作設定を削除しました（1 件）
ja	  - Excel 4 マクロシートを空のシートにしました（1 件）
ja	  - 自動実行（Auto_Open 等）・マクロの名前定義を無効にしました（
ja	  - フィールド命令（DDE・INCLUDE 等）を消しました（表示されていた結果は残しています）（4 件）
ja	  - Web リンクはクリックできないようにしました（表示の文字は残しています。この形式では URL を文字で残せません）（1 件）
ja	  - Web 以外のリンク（ファイル・プログラム等）を削除しました（1 件）
ja	旧形式の Office 文書を作り直しました
en	  - the macros (VBA project) were removed (1)
en	  - Excel 4 macro sheets were made empty sheets (1)
en	  - links that are not web links (files, programs ...) were removed (1)
en	the legacy Office document was rebuilt
EOF
mk_finish
