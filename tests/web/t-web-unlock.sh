#!/bin/bash
# NAME
#   t-web-unlock.sh - PPAP: opening held encrypted archives with the CLI
#   (`mukaika quarantine unlock`) and the web form
#
# DESCRIPTION
#   Encrypted zips are made here with `zip -P` (apt package zip): one with
#   a clean text member, one with EICAR, each mailed through
#   `mukaika sanitize` into the quarantine (held: encrypted).  CLI: a wrong
#   password keeps the item held and is audited; the right one from
#   --password-file delivers the sanitized mail to the SMTP sink.  Web
#   (unlock.py, python3 urllib): the form, posting to its own route
#   /item/ID/unlock (the old op=unlock on /request is 400), is shown to an
#   operator only (a viewer's POST is 403),
#   a POST without CSRF is refused, wrong password -> refused, right
#   password on EICAR -> still held and nothing delivered, right password
#   on a clean zip -> delivered; the passwords are in no audit row, report,
#   log or delivered mail.
. "$(dirname "$0")/web-lib.sh"
command -v zip > /dev/null || { echo "SKIP: no zip (apt package zip)"; exit 77; }
web_init
OP_PW='operator-password-01'
web_account op1 operator "$OP_PW"
web_account viewer1 viewer 'viewer-password-01'
RIGHT=$PPAP_PW
mkdir -p "$T/z"
printf 'meeting at ten\n' > "$T/z/clean.txt"
mk_eicar "$T/z/eicar.txt"
web_ppap_mail ppap-cli-0001 "$T/z/clean.txt"
web_ppap_mail ppap-web-0001 "$T/z/clean.txt"
web_ppap_mail ppap-web-0002 "$T/z/eicar.txt"

fail=0
ck() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
sent() { grep -l "X-Mukaika-Unlocked-By: $1" "$T"/sink/*.eml 2>/dev/null | wc -l; }

# CLI: wrong password (stdin line 2), then the right one from a file
rc=0
printf '%s\nwrong-one\n' "$OP_PW" | "$MK" quarantine unlock --config "$CONF" --as op1 \
	--password-file - ppap-cli-0001 > "$T/cli1.out" 2>&1 || rc=$?
ck "cli wrong password exits 1" '[ $rc -eq 1 ]'
ck "cli wrong password says so" 'grep -q "wrong password" "$T/cli1.out"'
ck "cli wrong password delivers nothing" '[ "$(sent op1)" -eq 0 ]'
"$MK" audit list --config "$CONF" --item ppap-cli-0001 > "$T/audit1.txt"
ck "cli wrong password audited" 'grep -q "wrong_password" "$T/audit1.txt"'
printf 'not-it\n%s\n' "$RIGHT" > "$T/pw.txt"
rc=0
MUKAIKA_PASSWORD=$OP_PW "$MK" quarantine unlock --config "$CONF" --as op1 \
	--password-file "$T/pw.txt" ppap-cli-0001 > "$T/cli2.out" 2>&1 < /dev/null || rc=$?
ck "cli right password exits 0" '[ $rc -eq 0 ]'
ck "cli right password delivered" '[ "$(sent op1)" -eq 1 ]'
"$MK" audit list --config "$CONF" --item ppap-cli-0001 > "$T/audit2.txt"
ck "cli unlock audited ok" 'grep -q "item.unlock.*ok" "$T/audit2.txt"'
ck "item is unlocked" '"$MK" quarantine search --config "$CONF" --status unlocked | grep -q ppap-cli-0001'
ck "delivered mail is the sanitized one" 'grep -l "X-Mukaika-Unlocked-By: op1" "$T"/sink/*.eml | xargs grep -q "X-Mukaika-Status"'
# the rebuilt zip opens without a password and holds the member
ck "delivered zip is open and complete" 'python3 - $(grep -l "X-Mukaika-Unlocked-By: op1" "$T"/sink/*.eml) <<"PY"
import email, io, sys, zipfile
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
z = [p for p in m.walk() if p.get_filename() == "docs.zip"][0].get_payload(decode=True)
assert zipfile.ZipFile(io.BytesIO(z)).read("note.txt") == b"meeting at ten\n"
PY'

# Web
web_start
python3 "$(dirname "$0")/unlock.py" "$BASE" "$T/sink" "$RIGHT" || fail=1

# the passwords are nowhere (the first check shows that grep sees the store)
ck "grep reads the store" 'grep -rqa ppap-cli-0001 "$T/state"'
ck "no password in the database" '! grep -rqa -e "$RIGHT" -e wrong-one "$T/state"'
ck "no password in the web log" '! grep -qa -e "$RIGHT" -e wrong-one "$T/web.log"'
ck "no password in delivered mail" '! grep -rqa -e "$RIGHT" "$T/sink"'
[ $fail -eq 0 ] || { echo "--- web.log"; cat "$T/web.log"; }
exit $fail
