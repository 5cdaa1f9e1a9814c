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
#   carries the security headers.
. "$(dirname "$0")/web-lib.sh"
web_init
web_account viewer1 viewer 'viewer-password-01'
web_account op1 operator 'operator-password-01'
web_account ap1 approver 'approver-password-01'
web_start
python3 "$(dirname "$0")/attack.py" "$BASE" "$MAIL_ID" "$CONF" "$MK"
rc=$?
[ $rc -eq 0 ] || { echo "--- web.log"; cat "$T/web.log"; }
exit $rc
