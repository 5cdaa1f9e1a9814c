#!/bin/bash
# NAME
#   t-web-browser.sh - mukaika-web in a real headless Chromium
#
# DESCRIPTION
#   Installs npm playwright-core into tests/web/node_modules when missing
#   (skips, exit 77, when npm or /usr/bin/chromium is unavailable), starts a
#   real mukaika-web and SMTP sink on loopback and runs browser.mjs: banner,
#   lockout, forced password change, operator request, two-person refusal,
#   approval and delivery (SMTP sink / out dir), PPAP password entry for an
#   encrypted zip (wrong, then right: the sanitized mail is delivered),
#   audit trail, CSRF-less POST, expired session, English UI.  Screenshots go to $MK_WEB_SHOTS
#   (default BUILDDIR/meson-logs/web-screenshots).
. "$(dirname "$0")/web-lib.sh"
D=$(cd "$(dirname "$0")" && pwd)
[ -x /usr/bin/chromium ] || { echo "SKIP: no /usr/bin/chromium"; exit 77; }
if [ ! -f "$D/node_modules/playwright-core/package.json" ]; then
	command -v npm >/dev/null || { echo "SKIP: no npm"; exit 77; }
	(cd "$D" && npm install --no-audit --no-fund --silent) || mk_die "npm install failed"
fi
web_init
PPAP_ID=web-ppap-0001
printf 'meeting at ten\n' > "$T/ppap-note.txt"
web_ppap_mail "$PPAP_ID" "$T/ppap-note.txt"
OP_TEMP=$(web_account op1 operator)
AP_TEMP=$(web_account ap1 approver)
VICTIM_TEMP=$(web_account victim viewer)
web_start
SHOTS=${MK_WEB_SHOTS:-$MK_BUILDDIR/meson-logs/web-screenshots}
mkdir -p "$SHOTS"
export BASE CONF MK T SHOTS MAIL_ID FILE_ID OP_TEMP AP_TEMP VICTIM_TEMP ADMIN_PW PPAP_ID PPAP_PW
[ -n "${WEB_DEBUG:-}" ] && echo "OP_TEMP=$OP_TEMP AP=$AP_TEMP V=$VICTIM_TEMP"
node "$D/browser.mjs"
rc=$?
[ $rc -eq 0 ] || { echo "--- web.log"; cat "$T/web.log"; }
exit $rc
