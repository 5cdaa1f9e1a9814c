#!/bin/bash
# NAME
#   t-cdr.sh - CDR filters end to end: what comes out is inert and still opens
#
# DESCRIPTION
#   Real samples (oletools Office/RTF, pdf-payloads, clam.pdf) go through
#   `mukaika sanitize --mail` as attachments.  For every attachment of the
#   forwarded mail that the ooxml/rtf/pdf worker filter produced, tools that
#   are not ours look at it:
#     OOXML  python zipfile listing has no vbaProject/activeX/oleObject/
#            embeddings/macrosheets part, no .rels holds TargetMode="External",
#            every XML part is well-formed (xmllint --nonet), clamscan
#            --alert-macros=yes finds nothing, libmagic says an OOXML type,
#            and LibreOffice (if installed) converts it to PDF: all outputs in
#            one soffice run at the end (start-up is slow), with a private
#            profile under $T and a timeout;
#     RTF    no \object/\objdata/\objocx control word, libmagic text/rtf;
#     PDF    `qpdf --qdf --object-streams=disable` expansion has no /JS
#            /JavaScript /OpenAction /AA /Launch /EmbeddedFile /URI, pdfinfo
#            opens it, libmagic application/pdf.
#   The configuration is the built-in default: macro-enabled Office files and
#   anything with active_content go to the filters (sanitize).
#   A sample whose report shows no CDR filter at all (filters not wired in
#   this build) is skipped; a filter that ran but whose output is missing is
#   a failure only when the report says the filter succeeded.
. "$(dirname "$0")/lib.sh"
mk_init
OLE=$MK_SHARED/corpora/oletools
PDFS=$MK_SHARED/corpora/pdf-payloads
for tool in python3 xmllint; do
	command -v $tool > /dev/null || mk_die "$tool missing"
done

# extract.py MAIL DIR: writes each attachment as DIR/N.ext, prints "N.ext TYPE"
cat > "$T/extract.py" <<'PY'
import email, os, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read())
n = 0
for p in msg.walk():
    if p.is_multipart() or p.get_content_disposition() != "attachment":
        continue
    n += 1
    name = f"{n}{os.path.splitext(p.get_filename() or '')[1][:6]}"
    open(os.path.join(sys.argv[2], name), "wb").write(p.get_payload(decode=True) or b"")
    print(name, p.get_content_type())
PY

# ooxml_check.py FILE: zip listing and relationships
cat > "$T/ooxml_check.py" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = []
for n in z.namelist():
    if re.search(r"vbaproject|vbadata|activex|oleobject|embeddings/|macrosheets/|externallinks/", n, re.I):
        bad.append("part " + n)
    if n.endswith(".rels") and b'TargetMode="External"' in z.read(n):
        bad.append("external relationship in " + n)
    if n.endswith((".xml", ".rels")):
        print(n)
if z.testzip() is not None:
    bad.append("bad CRC")
if bad:
    sys.stderr.write("; ".join(bad) + "\n")
    sys.exit(1)
PY

check_ooxml() { # FILE
	local f=$1 d=$T/x bad=0 p
	python3 "$T/ooxml_check.py" "$f" > "$T/xmlparts" 2> "$T/why" || { cat "$T/why"; return 1; }
	rm -rf "$d"; mkdir -p "$d"
	python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$f" "$d"
	while IFS= read -r p; do
		xmllint --noout --nonet "$d/$p" 2> /dev/null || { echo "not well-formed: $p"; bad=1; }
	done < "$T/xmlparts"
	clamscan --no-summary --alert-macros=yes -d "$T/db" "$f" > "$T/clam" 2>&1 || {
		echo "clamscan: $(grep -m1 FOUND "$T/clam")"; bad=1; }
	file -b --mime-type "$f" | grep -q '^application/vnd\.openxmlformats-officedocument\.' ||
		{ echo "libmagic: $(file -b --mime-type "$f")"; bad=1; }
	# queued for the one LibreOffice run at the end (lo_convert)
	cp "$f" "$T/lo-in/$LO_NAME.${f##*.}"
	return $bad
}

# lo_convert: every queued OOXML output must become a non-empty PDF that
# pdfinfo opens.  One soffice process for all of them.
lo_convert() {
	local f pdf t0
	command -v soffice > /dev/null || { mk_skip "soffice missing: LibreOffice check off"; return; }
	ls "$T/lo-in/"* > /dev/null 2>&1 || return
	t0=$(date +%s)
	timeout "$LO_TIMEOUT" soffice -env:UserInstallation="file://$T/lo-profile" --headless \
		--norestore --convert-to pdf --outdir "$T/lo" "$T/lo-in/"* > "$T/lo.log" 2>&1 ||
		mk_fail "soffice: exit $? (timeout ${LO_TIMEOUT}s): $(tail -1 "$T/lo.log")"
	echo "# LibreOffice: $(ls "$T/lo-in" | wc -l) file(s) in $(($(date +%s) - t0)) s"
	for f in "$T/lo-in/"*; do
		pdf=$T/lo/$(basename "${f%.*}").pdf
		if [ -s "$pdf" ] && pdfinfo "$pdf" > /dev/null 2>&1; then mk_ok
		else mk_fail "LibreOffice cannot convert $(basename "$f")"; fi
	done
}

check_rtf() { # FILE
	python3 - "$1" <<'PY' || return 1
import re, sys
d = open(sys.argv[1], "rb").read()
for m in re.finditer(rb"(\\+)(object|objdata|objocx)(?![a-z])", d):
    if len(m.group(1)) % 2:
        print("control word \\" + m.group(2).decode()); sys.exit(1)
PY
	[ "$(file -b --mime-type "$1")" = text/rtf ] || { echo "libmagic: $(file -b --mime-type "$1")"; return 1; }
}

check_pdf() { # FILE
	local n
	qpdf --qdf --object-streams=disable "$1" "$T/q.pdf" > /dev/null 2>&1
	[ -s "$T/q.pdf" ] || { echo "qpdf cannot expand it"; return 1; }
	n=$(grep -a -c -E '/JS|/JavaScript|/OpenAction|/AA|/Launch|/EmbeddedFile|/URI' "$T/q.pdf")
	[ "$n" -eq 0 ] || { echo "$n active keys after qpdf expansion"; return 1; }
	pdfinfo "$1" > /dev/null 2>&1 || { echo "pdfinfo fails"; return 1; }
	[ "$(file -b --mime-type "$1")" = application/pdf ] || { echo "libmagic: $(file -b --mime-type "$1")"; return 1; }
}

SAMPLES=(
	"$OLE/oleform/oleform-PR314.docm" "$OLE/oleobj/embedded-simple-2007.docx"
	"$OLE/oleobj/embedded-simple-2007.xlsm" "$OLE/oleobj/embedded-simple-2007.pptm"
	"$OLE/oleobj/external_link/sample_with_external_link_to_doc.docx"
	"$OLE/msodde/dde-test.docx" "$OLE/msodde/harmless-clean.docx"
	"$OLE/excel4-macros/excel4_sample_macro.xlsm"
	"$OLE/rtfobj/issue_251.rtf" "$OLE/msodde/RTF-Spec-1.7.rtf" "$MK_TESTFILES/clam.exe.rtf"
	"$PDFS"/payload*.pdf "$MK_TESTFILES/clam.pdf"
)
command -v qpdf > /dev/null || mk_skip "qpdf missing: PDF checks off"
LO_TIMEOUT=${MK_LO_TIMEOUT:-120}
mkdir -p "$T/lo-in" "$T/lo"
for f in "${SAMPLES[@]}"; do
	[ -f "$f" ] || { mk_fail "sample missing: $f"; continue; }
	b=$(basename "$f")
	case $b in *.pdf) kind=pdf ;; *.rtf) kind=rtf ;; *) kind=ooxml ;; esac
	[ $kind = pdf ] && ! command -v qpdf > /dev/null && continue
	mk_mail_with "$f" "$b" application/octet-stream "$T/m.eml"
	rc=$(mk_sanitize "$T/m.eml" "$T/o.eml" "$T/r.json" --mail)
	filt=$(jq -r --arg k $kind '[.nodes[] | select(.filter == $k) | .filter_result // "ok"] | first // empty' "$T/r.json" 2> /dev/null)
	if [ -z "$filt" ]; then
		mk_skip "$b: no $kind filter ran (not wired in this build?)"; continue
	fi
	[ "$rc" = 0 ] || { mk_fail "$b: exit $rc"; continue; }
	rm -rf "$T/att"; mkdir -p "$T/att"
	python3 "$T/extract.py" "$T/o.eml" "$T/att" > "$T/atts"
	n=0
	while read -r a type; do
		n=$((n + 1))
		LO_NAME=${b%.*}-$n
		if why=$(check_$kind "$T/att/$a"); then mk_ok; else mk_fail "$b ($kind): $why"; fi
	done < "$T/atts"
	if [ $n -eq 0 ]; then
		case $filt in *fail*|*error*) mk_ok ;;   # stripped with a notice: fine
		*) mk_fail "$b: the $kind filter ran ($filt) but no attachment came out" ;; esac
	fi
done
lo_convert
mk_finish
