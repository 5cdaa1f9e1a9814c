# NAME
#   web-lib.sh - helpers for the mukaika-web tests (tests/web/t-web-*.sh)
#
# SUMMARY
#   . "$(dirname "$0")/web-lib.sh"
#   web_init          temp dir $T (removed at exit), signature DB, SMTP sink,
#                     config $CONF with a free web port ($BASE = http://...),
#                     out dir $T/out, accounts (see below), two held items
#                     ($MAIL_ID mail, $FILE_ID file)
#   web_start         run mukaika-web --foreground ($WPID), log $T/web.log
#                     (as root: $T/state and $T/out given to $WEB_USER first)
#   web_account NAME ROLE [PASSWORD]
#                     create NAME; with PASSWORD also change the temporary
#                     password (so the account is usable); else print the
#                     temporary password
#   web_ppap_mail ID FILE
#                     mail FILE as note.txt in a zip encrypted with
#                     $PPAP_PW (`zip -P`, apt package zip) from
#                     ppap@example.jp to user1@lg.example.jp into the
#                     quarantine as item ID (held: encrypted)
#
# DESCRIPTION
#   The admin account "root" is created with password $ADMIN_PW.  Every
#   process started here is killed at exit by its pid.
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
WEB=${WEB:-$MK_BUILDDIR/src/web/mukaika-web}
MK=${MK:-$MK_BUILDDIR/src/cli/mukaika}
WPID= SPID=
# Run as root, mukaika-web switches to general.user (default mukaika) after
# binding its port: the account must exist, and web_start hands it the
# state and out folders the CLI made as root.
WEB_USER=
if [ "$(id -u)" = 0 ]; then
	WEB_USER=$("$MK_SRCDIR/scripts/daemon-user.sh") || mk_die "no daemon account"
fi
ADMIN_PW='admin-password-0001'
PPAP_PW='Ppap-Pw-4711'

web_cleanup() {
	[ -n "$WPID" ] && kill "$WPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

web_account() {
	local name=$1 role=$2 pw=${3:-} temp
	temp=$(MUKAIKA_PASSWORD=$ADMIN_PW "$MK" user add --config "$CONF" --as root \
		--role "$role" "$name" </dev/null) || mk_die "user add $name"
	# set-up: one confirmed admin, so the shell confirms (two-person rule)
	"$MK" user confirm --config "$CONF" "$name" </dev/null >/dev/null || mk_die "confirm $name"
	if [ -n "$pw" ]; then
		MUKAIKA_PASSWORD=$temp MUKAIKA_NEW_PASSWORD=$pw "$MK" user passwd \
			--config "$CONF" --as "$name" "$name" </dev/null || mk_die "passwd $name"
	else
		echo "$temp"
	fi
}

web_init() {
	[ -x "$WEB" ] || mk_die "no binary $WEB (build first)"
	T=$(mktemp -d "${TMPDIR:-/tmp}/mkweb.XXXXXX")
	trap web_cleanup EXIT
	mkdir -p "$T/out" "$T/sink" "$T/state"
	mk_sigdb "$T/db"
	python3 "$(dirname "${BASH_SOURCE[0]}")/smtp_sink.py" "$T/sink.port" "$T/sink" &
	SPID=$!
	for _ in $(seq 1 50); do [ -s "$T/sink.port" ] && break; sleep 0.1; done
	[ -s "$T/sink.port" ] || mk_die "smtp sink did not start"
	PORT=$(free_port)
	BASE=http://127.0.0.1:$PORT
	CONF=$T/web.conf
	mk_write_conf "$CONF" "$T/state" "$T/db" \
		"[dropd]" "out_dir = $T/out" \
		"[web]" "listen = 127.0.0.1:$PORT" "max_failed_logins = 3" \
		"password_hash_cost = minimum" "login_burst = 80" \
		"banner = 許可された職員のみ利用できます。TEST-BANNER" \
		"[release]" "smtp_relay = 127.0.0.1:$(cat "$T/sink.port")" "helo = test.invalid"
	local temp
	temp=$("$MK" user add --config "$CONF" --role admin root) || mk_die "first admin"
	MUKAIKA_PASSWORD=$temp MUKAIKA_NEW_PASSWORD=$ADMIN_PW "$MK" user passwd \
		--config "$CONF" --as root root </dev/null || mk_die "admin passwd"
	printf 'From: Sender <sender@example.com>\nTo: user1@lg.example.jp\nSubject: =?UTF-8?B?6KuL5rGC5pu4?= <b>x</b>\nMessage-ID: <t1@example.com>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Hello <b>world</b> <script>alert(1)</script></p></body></html>\n' > "$T/in.eml"
	MAIL_ID=web-mail-0001
	"$MK" sanitize --config "$CONF" -q --id "$MAIL_ID" --sender sender@example.com \
		--recipients user1@lg.example.jp,user2@lg.example.jp -o "$T/fwd.eml" "$T/in.eml" ||
		[ $? -eq 2 ] || mk_die "sanitize mail"
	printf '#!/bin/sh\necho hi\n' > "$T/tool.sh"
	FILE_ID=web-file-0001
	"$MK" sanitize --config "$CONF" -q --file --name 'tool<1>.sh' --id "$FILE_ID" \
		--recipients owner1 -o "$T/fwd.bin" "$T/tool.sh" || [ $? -eq 2 ] || mk_die "sanitize file"
	"$MK" quarantine list --config "$CONF" | grep -q "$MAIL_ID" || mk_die "mail not held"
	"$MK" quarantine list --config "$CONF" | grep -q "$FILE_ID" || mk_die "file not held"
}

web_start() {
	if [ -n "$WEB_USER" ]; then
		chmod 755 "$T"
		chown -R "$WEB_USER" "$T/state" 2>/dev/null
		[ -d "$T/out" ] && chown -R "$WEB_USER" "$T/out"
	fi
	"$WEB" --foreground --config "$CONF" >> "$T/web.log" 2>&1 &
	WPID=$!
	for _ in $(seq 1 50); do grep -q listening "$T/web.log" 2>/dev/null && return 0; sleep 0.1; done
	cat "$T/web.log"
	mk_die "mukaika-web did not start"
}

web_ppap_mail() {
	local id=$1 content=$2 rc=0 z="$T/ppap"
	command -v zip > /dev/null || mk_die "no zip (apt package zip)"
	mkdir -p "$z"
	rm -f "$z/docs.zip"
	cp "$content" "$z/note.txt"
	(cd "$z" && zip -q -P "$PPAP_PW" docs.zip note.txt) || mk_die "zip -P"
	python3 - "$z/docs.zip" "$z/$id.eml" <<'PY'
import base64, sys
z = base64.encodebytes(open(sys.argv[1], "rb").read()).decode()
open(sys.argv[2], "w").write(
    "From: <ppap@example.jp>\nTo: <user1@lg.example.jp>\nSubject: ppap\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b1\n\n"
    "--b1\nContent-Type: text/plain\n\nthe password follows\n--b1\n"
    "Content-Type: application/zip; name=docs.zip\n"
    "Content-Disposition: attachment; filename=docs.zip\n"
    "Content-Transfer-Encoding: base64\n\n" + z + "--b1--\n")
PY
	"$MK" sanitize --config "$CONF" -q --id "$id" --sender ppap@example.jp \
		--recipients user1@lg.example.jp -o "$z/$id.fwd" "$z/$id.eml" || rc=$?
	[ $rc -eq 2 ] || mk_die "$id: not held (exit $rc)"
}
