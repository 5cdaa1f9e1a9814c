#!/bin/bash
# NAME
#   t-doctext.sh - documents keep their text: pdftotext of a rasterized
#   PDF gives the original's words in order, Japanese included; web links
#   of PDF and DOCX stay as defanged text, other links go
#
# DESCRIPTION
#   LibreOffice (one headless run) writes the inputs from text and HTML:
#   an English and a Japanese document of several pages, and a page of
#   links (https, http with a Japanese anchor, file:, javascript:).  Each
#   goes through `mukaika sanitize --file` with the built-in defaults.
#   For every output: the words pdftotext reads (after white space is
#   normalised) are the input's, in the same order; pdffonts lists only
#   embedded fonts with a ToUnicode map; qpdf's expansion has no /URI,
#   /Annots or /JavaScript; pdftoppm renders the first page the same (within one gray level) with the
#   text layer as with `pdf.text_layer = false` (the layer is invisible).
#   The links page shows "our site <hxxps://www[.]example[.]jp/...>" and
#   nothing of the file: and javascript: targets.  The same HTML as DOCX
#   (LibreOffice) goes through the ooxml filter; LibreOffice converts the
#   output to PDF, whose text has the same defanged links and no trace of
#   the others.  The same for cell hyperlinks (an XLSX LibreOffice writes
#   from a flat ODS) and Word HYPERLINK fields (a DOCX and a DOCM made
#   here with a w:fldSimple and a complex field): the sheet's and the
#   document's PDF show "anchor <hxxps://...>" and nothing of the file:
#   target.  Skipped without soffice.
. "$(dirname "$0")/lib.sh"
mk_init
for tool in soffice pdftotext pdffonts pdftoppm qpdf; do
	command -v $tool > /dev/null || { mk_skip "$tool missing"; mk_finish; }
done

mkdir -p "$T/src" "$T/in"
python3 - "$T/src" <<'PY'
import sys
d = sys.argv[1]
en = ["Paragraph %d of the quarterly report: the committee reviewed the budget "
      "and approved items %d to %d without changes." % (i, i * 3, i * 3 + 2) for i in range(60)]
ja = ["第%d項 令和六年度の予算について、委員会は申請書%d件を審査し、"
      "住民課の要望どおり承認しました。" % (i, i + 10) for i in range(60)]
open(d + "/english.txt", "w").write("\n\n".join(en) + "\n")
open(d + "/japanese.txt", "w").write("\n\n".join(ja) + "\n")
open(d + "/links.html", "w").write(
    '<html><head><meta charset="utf-8"><title>t</title></head><body>\n<h1>Links</h1>\n'
    '<p>Visit <a href="https://www.example.jp/path/a?b=1">our site</a> today.</p>\n'
    '<p>Also <a href="file://fileserver/share/x.exe">a file</a> and '
    '<a href="javascript:alert(1)">a script</a> here.</p>\n'
    '<p>市の<a href="http://city.example.lg.jp/info">お知らせ</a>です。</p></body></html>\n')
open(d + "/cells.fods", "w").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
    '<office:body><office:spreadsheet><table:table table:name="S">'
    '<table:table-row><table:table-cell office:value-type="string"><text:p><text:a xlink:href="https://www.example.jp/path/a?b=1">our site</text:a></text:p></table:table-cell></table:table-row>'
    '<table:table-row><table:table-cell office:value-type="string"><text:p><text:a xlink:href="file://fileserver/share/x.exe">a file</text:a></text:p></table:table-cell></table:table-row>'
    '<table:table-row><table:table-cell office:value-type="string"><text:p><text:a xlink:href="http://city.example.lg.jp/info">お知らせ</text:a></text:p></table:table-cell></table:table-row>'
    '</table:table></office:spreadsheet></office:body></office:document>\n')
PY
# fields.docx / fields.docm: HYPERLINK fields, simple and complex
python3 - "$T/in" <<'PY'
import sys, zipfile
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
run = lambda x: "<w:r>%s</w:r>" % x
fc = lambda t: run('<w:fldChar w:fldCharType="%s"/>' % t)
body = ('<w:p><w:r><w:t xml:space="preserve">Visit </w:t></w:r>'
        '<w:fldSimple w:instr=" HYPERLINK &quot;https://www.example.jp/path/a?b=1&quot; ">'
        '<w:r><w:t>our site</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> today.</w:t></w:r></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">Also </w:t></w:r>' + fc("begin") +
        run('<w:instrText xml:space="preserve"> HYPERLINK "file://fileserver/share/x.exe" </w:instrText>') +
        fc("separate") + run("<w:t>a file</w:t>") + fc("end") + '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
        '<w:fldSimple w:instr=" HYPERLINK &quot;javascript:alert(1)&quot; "><w:r><w:t>a script</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> here.</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>市の</w:t></w:r>' + fc("begin") +
        run('<w:instrText xml:space="preserve"> HYPERLINK "http://city.example.lg.jp/info" \\o "tip" </w:instrText>') +
        fc("separate") + run("<w:t>お知らせ</w:t>") + fc("end") + run("<w:t>です。</w:t>") + '</w:p>')
for ext, ct in (("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
                ("docm", "application/vnd.ms-word.document.macroEnabled.main+xml")):
    z = zipfile.ZipFile("%s/fields.%s" % (sys.argv[1], ext), "w")
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="%s"/></Types>' % ct)
    z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="%s"><w:body>%s</w:body></w:document>' % (W, body))
    z.close()
PY
lo() { # FILTER FILES...
	local f=$1; shift
	timeout 120 soffice -env:UserInstallation="file://$T/lo-profile" --headless --norestore \
		--convert-to "$f" --outdir "$T/in" "$@" > "$T/lo.log" 2>&1 ||
		mk_die "soffice: $(tail -1 "$T/lo.log")"
}
lo pdf "$T/src/english.txt" "$T/src/japanese.txt"
lo pdf:writer_web_pdf_Export "$T/src/links.html"
lo "docx:MS Word 2007 XML" "$T/src/links.html"
lo "xlsx:Calc MS Excel 2007 XML" "$T/src/cells.fods"

mk_write_conf "$T/plain.conf" "$T/state" "$T/db" "[pdf]" "text_layer = false"
words() { pdftotext "$1" - | tr -s ' \n\f' '\n\n\n' | sed '/^$/d'; }

for name in english japanese links; do
	in=$T/in/$name.pdf out=$T/$name.out.pdf
	[ -s "$in" ] || { mk_fail "$name: LibreOffice wrote no PDF"; continue; }
	rc=$(mk_sanitize "$in" "$out" "$T/$name.json" --file)
	[ "$rc" = 0 ] && [ -s "$out" ] || { mk_fail "$name: exit $rc"; continue; }
	words "$in" > "$T/$name.want"
	words "$out" > "$T/$name.got"
	[ -s "$T/$name.want" ] || mk_fail "$name: the input has no text"
	if [ $name != links ]; then
		if cmp -s "$T/$name.want" "$T/$name.got"; then mk_ok
		else mk_fail "$name: words differ: $(diff "$T/$name.want" "$T/$name.got" | head -3 | tr '\n' ' ')"; fi
	fi
	if pdffonts "$out" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-2) != "yes") { bad = 1 } END { exit bad }'
	then mk_ok; else mk_fail "$name: a font not embedded or without ToUnicode"; fi
	qpdf --qdf --object-streams=disable "$out" "$T/q.pdf" > /dev/null 2>&1
	if grep -a -q -E '/URI|/Annots|/JavaScript|/Launch' "$T/q.pdf"; then
		mk_fail "$name: link or action in the output"; else mk_ok; fi
	"$MK" sanitize --config "$T/plain.conf" --file --no-store -o "$T/plain.pdf" "$in" 2> /dev/null
	pdftoppm -r 30 -f 1 -l 1 -gray -singlefile "$T/plain.pdf" "$T/p-plain"
	pdftoppm -r 30 -f 1 -l 1 -gray -singlefile "$out" "$T/p-layer"
	# the two writers round gray differently: one level apart is the same
	if python3 -c 'import sys; a, b = (open(f, "rb").read() for f in sys.argv[1:])
sys.exit(len(a) != len(b) or max(abs(x - y) for x, y in zip(a, b)) > 2)' \
		"$T/p-plain.pgm" "$T/p-layer.pgm"; then mk_ok
	else mk_fail "$name: the text layer is visible"; fi
done

check_links() { # LABEL TEXT
	local label=$1 got=$2 want never
	for want in "our site <hxxps://www[.]example[.]jp/path/a?b=1> today." \
		"お知らせ <hxxp://city[.]example[.]lg[.]jp/info>です。" "a file and a script here."; do
		case $got in *"$want"*) mk_ok ;; *) mk_fail "$label: no \"$want\" in: $got" ;; esac
	done
	for never in fileserver share alert javascript https://; do
		case $got in *"$never"*) mk_fail "$label: \"$never\" in: $got" ;; *) mk_ok ;; esac
	done
}
check_links links.pdf "$(tr '\n' ' ' < "$T/links.got")"

python3 -c 'import sys, zipfile
sys.exit(b"hyperlink ref=" not in zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml"))' \
	"$T/in/cells.xlsx" 2> /dev/null || mk_fail "cells.xlsx: LibreOffice wrote no cell hyperlink"
mkdir -p "$T/office"
for f in links.docx cells.xlsx fields.docx fields.docm; do   # out-NAME-EXT.EXT
	rc=$(mk_sanitize "$T/in/$f" "$T/office/out-${f/./-}.${f##*.}" "$T/$f.json" --file)
	[ "$rc" = 0 ] || mk_fail "$f: exit $rc"
done
timeout 120 soffice -env:UserInstallation="file://$T/lo-profile" --headless --norestore \
	--convert-to pdf --outdir "$T/office" "$T"/office/out-* > "$T/lo.log" 2>&1
for f in links.docx cells.xlsx fields.docx fields.docm; do
	pdf=$T/office/out-${f/./-}.pdf
	[ -s "$pdf" ] || { mk_fail "$f: LibreOffice cannot open the output"; continue; }
	got=$(words "$pdf" | tr '\n' ' ')
	if [ "$f" = cells.xlsx ]; then   # one cell per line: no sentence around
		for want in "our site <hxxps://www[.]example[.]jp/path/a?b=1>" "a file" \
			"お知らせ <hxxp://city[.]example[.]lg[.]jp/info>"; do
			case $got in *"$want"*) mk_ok ;; *) mk_fail "$f: no \"$want\" in: $got" ;; esac
		done
		case $got in *fileserver*|*https://*) mk_fail "$f: a live target in: $got" ;; *) mk_ok ;; esac
	else
		check_links "$f" "$got"
	fi
done
mk_finish
