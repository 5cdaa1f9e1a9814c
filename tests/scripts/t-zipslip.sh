#!/bin/bash
# NAME
#   t-zipslip.sh - path traversal in archive member names is caught
#
# DESCRIPTION
#   The four zip-slip archives of $MK_SHARED/corpora/zip-slip ("../" and
#   "..\" 40 levels up, zip and tar), as files and as mail attachments, plus
#   variants built at run time (absolute member path, a traversal inside a
#   zip nested in a zip): the report carries a path_traversal (or
#   absolute_path) finding, the item is not forwarded (exit 2 or 3), a file
#   gets no output, and a mail's notice-only output holds no copy of the archive.
. "$(dirname "$0")/lib.sh"
mk_init
CORP=$MK_SHARED/corpora/zip-slip
[ -d "$CORP" ] || mk_die "corpus $CORP missing"

python3 - "$T" <<'PY'
import io, sys, tarfile, zipfile
t = sys.argv[1]
def z(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as zf:
        for n, d in members:
            zf.writestr(zipfile.ZipInfo(n), d)
    return b.getvalue()
evil = "../" * 12 + "tmp/evil.txt"
open(t + "/abs.zip", "wb").write(z([("good.txt", b"good\n"), ("/etc/cron.d/evil", b"* * * * * root id\n")]))
open(t + "/nested.zip", "wb").write(z([("inner.zip", z([("good.txt", b"good\n"), (evil, b"evil\n")]))]))
with tarfile.open(t + "/slip.tar.gz", "w:gz") as tf:
    for n, d in (("good.txt", b"good\n"), (evil, b"evil\n")):
        ti = tarfile.TarInfo(n); ti.size = len(d); ti.mtime = 0
        tf.addfile(ti, io.BytesIO(d))
PY

check() { # label input codes-regex args...
	local label=$1 in=$2 want=$3 rc; shift 3
	local mode=file; [ "$1" = --mail ] && mode=mail
	rc=$(mk_sanitize "$in" "$T/o" "$T/r.json" "$@")
	case $rc in 2|3) ;; *) mk_fail "$label ($mode): exit $rc, want 2/3 (not forwarded)"; return ;; esac
	if ! mk_codes "$T/r.json" | grep -Eqx "$want"; then
		mk_fail "$label ($mode): no $want finding (codes: $(mk_codes "$T/r.json" | tr '\n' ' '))"
		return
	fi
	if [ $mode = file ] && [ -e "$T/o" ]; then
		mk_fail "$label (file): output written"; return
	fi
	if [ -e "$T/o" ] && python3 - "$T/o" "$in_orig" <<'PY'
import email, hashlib, sys
want = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
msg = email.message_from_bytes(open(sys.argv[1], "rb").read())
for p in msg.walk():
    d = None if p.is_multipart() else p.get_payload(decode=True)
    if d and hashlib.sha256(d).hexdigest() == want:
        sys.exit(0)
sys.exit(1)
PY
	then
		mk_fail "$label (mail): the archive is still attached"; return
	fi
	mk_ok
}

for f in "$CORP"/*.zip "$CORP"/*.tar "$T/nested.zip" "$T/slip.tar.gz" "$T/abs.zip"; do
	b=$(basename "$f")
	want=path_traversal; [ "$b" = abs.zip ] && want='absolute_path|path_traversal'
	in_orig=$f
	check "$b" "$f" "$want" --file --name "$b"
	mk_mail_with "$f" "$b" application/octet-stream "$T/m.eml"
	check "$b" "$T/m.eml" "$want" --mail
done
mk_finish
