#!/bin/bash
# NAME
#   t-web-attack.sh - scripted attacks on mukaika-web over HTTP
#
# DESCRIPTION
#   A real mukaika-web on loopback with accounts of every role; attack.py
#   (python3 urllib, no browser) checks that no page or action is reachable
#   without a session, that role escalation and two-person bypasses are
#   refused, that path traversal in ids is refused, that POSTs without the
#   CSRF token are refused, that input is escaped and that every answer
#   carries the security headers.  gate.py then checks Host/Origin, the
#   server-issued pre-login token, HEAD, that 16 parallel logins (argon2id
#   at the interactive cost) do not delay a static file or a page, and that
#   a login flood from one address is answered 429 before argon2 runs.
#   mfa.py checks the second factor of approvers (no session from the
#   password alone, enrolment, replay, recovery codes, storage).
#   accounts.py checks the account lifecycle: pending grants until a second
#   admin confirms, web.max_admins, delete, second-factor reset, unused
#   accounts, config loads on record.  review.py checks the safe view,
#   mail notifications, bulk deny/delete and the audit filters and export.
. "$(dirname "$0")/web-lib.sh"
web_init
web_account viewer1 viewer 'viewer-password-01'
web_account op1 operator 'operator-password-01'
web_account ap1 approver 'approver-password-01'
web_account mfa1 approver 'mfa-approver-pass-01'
# an account whose hash has the production cost (the others: minimum)
sed 's/^password_hash_cost = minimum/password_hash_cost = interactive/' "$CONF" > "$T/slow.conf"
SLOW_TEMP=$(web_account slow1 viewer)
MUKAIKA_PASSWORD=$SLOW_TEMP MUKAIKA_NEW_PASSWORD=slow-viewer-pass-77 "$MK" user passwd \
	--config "$T/slow.conf" --as slow1 slow1 </dev/null || mk_die "passwd slow1"
# the second admin last: with two confirmed admins the shell confirms no more
web_account adm2 admin 'admin2-password-0002'
rc=0
# the CLI checks new passwords with the same rules (pwpolicy.c)
for weak in password1234 'Password2024!' 'viewer1-Long-pw-9'; do
	if MUKAIKA_PASSWORD=viewer-password-01 MUKAIKA_NEW_PASSWORD=$weak "$MK" user passwd \
		--config "$CONF" --as viewer1 viewer1 </dev/null 2>"$T/pw.err"; then
		echo "FAIL: CLI accepted the password $weak"; rc=1
	else
		echo "ok: CLI refused $weak: $(cat "$T/pw.err")"
	fi
done
# review notifications (issue 18): approvers and requesters through the sink
printf '[notify]\napprovers = approvers@lg.example.jp\naccount_domain = lg.example.jp\n' >> "$CONF"
web_start
export WEBCLIENT_STATE=$T/webclient.json
python3 "$(dirname "$0")/attack.py" "$BASE" "$MAIL_ID" "$CONF" "$MK" || rc=1
python3 "$(dirname "$0")/mfa.py" "$BASE" "$T/state" mfa1 mfa-approver-pass-01 || rc=1
python3 "$(dirname "$0")/accounts.py" "$BASE" "$CONF" "$MK" "$ADMIN_PW" || rc=1
python3 "$(dirname "$0")/review.py" "$BASE" "$CONF" "$MK" "$ADMIN_PW" "$T/sink" "$MAIL_ID" \
	"$FILE_ID" || rc=1
python3 "$(dirname "$0")/gate.py" "$BASE" slow1 slow-viewer-pass-77 || rc=1
[ $rc -eq 0 ] || { echo "--- web.log"; cat "$T/web.log"; }
exit $rc
