#!/bin/bash
# NAME
#   t-testfiles.sh - every ClamAV test file is caught, bare and wrapped
#
# DESCRIPTION
#   Each file of $MK_TESTFILES (clam.exe plain or packed/contained 44 ways)
#   must be rejected (exit 3, no output, a "virus" finding in the report):
#   alone, as a base64 mail attachment, inside a zip, inside a zip inside a
#   zip, and inside a tar.gz.  The containers are built at run time with
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

check() { # label input [args]
	local label=$1 in=$2 rc; shift 2
	rc=$(mk_sanitize "$in" "$T/o" "$T/r.json" "$@")
	if [ "$rc" != 3 ]; then
		mk_fail "$label: exit $rc, want 3 (rejected); codes: $(mk_codes "$T/r.json" | tr '\n' ' ')"
	elif [ -e "$T/o" ]; then
		mk_fail "$label: rejected but output written"
	elif ! mk_has_code "$T/r.json" virus; then
		mk_fail "$label: report has no virus finding"
	else
		mk_ok
	fi
}

n=0
for f in "$MK_TESTFILES"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	b=$(basename "$f")
	check "$b alone" "$f"
	mk_mail_with "$f" "$b" application/octet-stream "$T/m.eml"
	check "$b in mail" "$T/m.eml" --mail
	wrap zipzip "$f" "$T/ww.zip";    check "$b in zip in zip" "$T/ww.zip" --file --name ww.zip
	[ -n "${MK_QUICK:-}" ] && continue
	wrap zip "$f" "$T/w.zip";        check "$b in zip" "$T/w.zip" --file --name w.zip
	wrap targz "$f" "$T/w.tar.gz";   check "$b in tar.gz" "$T/w.tar.gz" --file --name w.tar.gz
done
echo "t-testfiles: $n files x 5 wrappings"
[ "$n" -ge 40 ] || mk_fail "only $n test files"
mk_finish
