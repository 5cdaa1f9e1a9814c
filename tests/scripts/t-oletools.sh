#!/bin/bash
# NAME
#   t-oletools.sh - Office active content never reaches the output
#
# DESCRIPTION
#   Every sample of $MK_SHARED/corpora/oletools goes through sanitize twice:
#   as a file and as a mail attachment.  No sample may crash the CLI (exit in
#   0/2/3).  A sample with macros (olevba/, excel4-macros/, oleform/,
#   macro-enabled OOXML names *.??m, or bytes holding vbaProject/_VBA_PROJECT)
#   and an encrypted sample (encrypted/, basic/encrypted.docx, the
#   password-protected *.zip) must not be forwarded as is: the output is
#   absent, holds no part with the input's sha256, and (for macro samples)
#   contains no vbaProject / _VBA_PROJECT at all.  MK_QUICK=1 (the sanitizer
#   build in scripts/test.sh) runs the mail channel only for macro and
#   encrypted samples.
. "$(dirname "$0")/lib.sh"
mk_init
CORP=$MK_SHARED/corpora/oletools
[ -d "$CORP" ] || mk_die "corpus $CORP missing"

# check_out.py OUT INPUT MODE(file|mail) STRICT(0|1): prints a reason and exits
# 1 when the output carries the input as is (or VBA storage names when STRICT).
cat > "$T/check_out.py" <<'PY'
import email, email.policy, hashlib, sys
out, inp, mode, strict = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
want = hashlib.sha256(open(inp, "rb").read()).hexdigest()
raw = open(out, "rb").read()
blobs = [raw]
if mode == "mail":
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if data:
            blobs.append(data)
bad = []
for b in blobs:
    if hashlib.sha256(b).hexdigest() == want:
        bad.append("the input is forwarded unchanged")
    if strict and (b"vbaProject" in b or "_VBA_PROJECT".encode("utf-16le") in b):
        bad.append("a VBA project is still present")
if bad:
    print("; ".join(sorted(set(bad))))
    sys.exit(1)
PY

classify() { # path -> macro|encrypted|other
	local rel=${1#"$CORP/"}
	case $rel in
	encrypted/*|basic/encrypted.docx|*.zip) echo encrypted; return ;;
	olevba/*|excel4-macros/*|oleform/*|*.docm|*.dotm|*.xlsm|*.xltm|*.xlam|*.pptm|*.potm|*.ppsm)
		echo macro; return ;;
	esac
	if python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if b"vbaProject" in d or "_VBA_PROJECT".encode("utf-16le") in d else 1)' "$1"; then
		echo macro
	else
		echo other
	fi
}

nm=0; ne=0; n=0
while IFS= read -r -d '' f; do
	rel=${f#"$CORP/"}
	case $rel in SOURCE.txt|MANIFEST.sha256|LICENSE.md) continue ;; esac
	n=$((n + 1))
	kind=$(classify "$f")
	[ "$kind" = macro ] && nm=$((nm + 1))
	[ "$kind" = encrypted ] && ne=$((ne + 1))
	b=$(basename "$f")
	mk_mail_with "$f" "$b" application/octet-stream "$T/m.eml"
	modes="file mail"
	[ -n "${MK_QUICK:-}" ] && [ "$kind" = other ] && modes=file
	for mode in $modes; do
		if [ $mode = file ]; then
			rc=$(mk_sanitize "$f" "$T/o" "$T/r.json" --file --name "$b")
		else
			rc=$(mk_sanitize "$T/m.eml" "$T/o" "$T/r.json" --mail)
		fi
		case $rc in 0|2|3) ;; *)
			mk_fail "$rel ($mode): exit $rc ($(head -c 200 "$T/last.stderr" | tr '\n' ' '))"
			continue ;;
		esac
		if [ "$kind" = other ] || [ ! -e "$T/o" ]; then
			mk_ok; continue
		fi
		strict=0; [ "$kind" = macro ] && strict=1
		if why=$(python3 "$T/check_out.py" "$T/o" "$f" "$mode" "$strict"); then
			mk_ok
		else
			mk_fail "$rel ($mode, $kind, exit $rc): $why"
		fi
	done
done < <(find "$CORP" -type f -print0 | sort -z)
echo "t-oletools: $n samples ($nm with macros, $ne encrypted)"
[ "$nm" -ge 20 ] && [ "$ne" -ge 15 ] || mk_fail "sample classification found too few ($nm macro, $ne encrypted)"
mk_finish
