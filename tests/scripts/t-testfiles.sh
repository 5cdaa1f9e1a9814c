#!/bin/bash
# NAME
#   t-testfiles.sh - every ClamAV test file is caught, bare and wrapped
#
# DESCRIPTION
#   Each file of $MK_TESTFILES (clam.exe plain or packed/contained 44 ways)
#   must be caught (a "virus" finding in the report) alone, inside a zip, a
#   zip inside a zip and a tar.gz (rejected: exit 3, no output), and as a
#   base64 mail attachment (clamav.virus_in_attachment = strip: the mail is
#   delivered without the attachment, or held when the attachment cannot be
#   read; the payload in no recoverable form in the output).  The test
#   files that are themselves mail (mbox) are judged like mail.  The containers are built at run time with
#   python3's zipfile/tarfile.  MK_QUICK=1 (the sanitizer build in
#   scripts/test.sh) keeps the bare file, the mail and the zip-in-zip only.
. "$(dirname "$0")/lib.sh"
mk_init
[ -d "$MK_TESTFILES" ] || { echo "no $MK_TESTFILES"; exit 77; }

wrap() { # kind in out
	python3 - "$@" <<'PY'
import io, sys, tarfile, zipfile
kind, src, out = sys.argv[1:4]
name = src.rsplit("/", 1)[-1]
data = open(src, "rb").read()
def zipbytes(n, d):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(n, d)
    return b.getvalue()
if kind == "zip":
    open(out, "wb").write(zipbytes(name, data))
elif kind == "zipzip":
    open(out, "wb").write(zipbytes("inner.zip", zipbytes(name, data)))
elif kind == "targz":
    with tarfile.open(out, "w:gz") as t:
        ti = tarfile.TarInfo("dir/" + name); ti.size = len(data); ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
PY
}

# check LABEL INPUT WANT [args]: WANT is "reject" (exit 3, nothing written)
# or "caught" (a mail, or a file recognised as one: exit 3, or 0/2 with the
# infected part dropped or the mail held, and the payload in no recoverable
# form in the output).  Either way the report names the virus.
check() {
	local label=$1 in=$2 want=$3 rc why; shift 3
	rc=$(mk_sanitize "$in" "$T/o" "$T/r.json" "$@")
	if ! mk_has_code "$T/r.json" virus; then
		mk_fail "$label: report has no virus finding (exit $rc)"
	elif [ "$want" = reject ] && [ "$rc" != 3 ]; then
		mk_fail "$label: exit $rc, want 3 (rejected)"
	elif [ "$want" = reject ] && [ -e "$T/o" ]; then
		mk_fail "$label: rejected but output written"
	elif [ "$want" = caught ] && [ "$rc" != 0 ] && [ "$rc" != 2 ] && [ "$rc" != 3 ]; then
		mk_fail "$label: exit $rc, want 0, 2 or 3"
	elif [ "$want" = caught ] && [ -e "$T/o" ] &&
	     ! why=$(python3 "$MK_SRCDIR/tests/evasion/absent.py" "$T/o" "$PAYLOAD"); then
		mk_fail "$label: PAYLOAD DELIVERED: $why"
	else
		mk_ok
	fi
}

n=0
for f in "$MK_TESTFILES"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	b=$(basename "$f")
	PAYLOAD=$f
	if python3 -c 'import sys; d=open(sys.argv[1],"rb").read(2048); sys.exit(0 if b"\nContent-Type:" in d or d.startswith((b"From ", b"Received:", b"Return-Path:")) else 1)' "$f"; then
		PAYLOAD=$MK_TESTFILES/clam.exe   # what the mailbox carries
		check "$b alone (a mailbox)" "$f" caught
		PAYLOAD=$f
	else
		check "$b alone" "$f" reject
	fi
	mk_mail_with "$f" "$b" application/octet-stream "$T/m.eml"
	check "$b in mail" "$T/m.eml" caught --mail
	wrap zipzip "$f" "$T/ww.zip";    check "$b in zip in zip" "$T/ww.zip" reject --file --name ww.zip
	[ -n "${MK_QUICK:-}" ] && continue
	wrap zip "$f" "$T/w.zip";        check "$b in zip" "$T/w.zip" reject --file --name w.zip
	wrap targz "$f" "$T/w.tar.gz";   check "$b in tar.gz" "$T/w.tar.gz" reject --file --name w.tar.gz
done
echo "t-testfiles: $n files x 5 wrappings"
[ "$n" -ge 40 ] || mk_fail "only $n test files"
mk_finish
