#!/bin/bash
# NAME
#   t-privs.sh - end-to-end: every daemon started as root ends unprivileged,
#   or does not start
#
# DESCRIPTION
#   Started as root, as an init system would:
#     1. the gateway's mukaika-milter (scripts/gateway-start.sh), a
#        mukaika-dropd and a mukaika-web on the same state: each one, and
#        every process below it (worker fork server, workers), holds no
#        uid or gid 0 (/proc/PID/status) after start; the milter's socket
#        is owner general.user, group postfix, mode 0660; a mail goes
#        through, a dropped file comes out, the web UI answers;
#     2. general.user missing or empty -> exit 78 with the reason, for all
#        three; --check says so too;
#     3. a state directory or quarantine database the user cannot write ->
#        exit 73 naming it;
#     4. mukaika-dropd --once whose in/ general.user cannot read -> 66,
#        naming dropd.in_dir.
. "$(dirname "$0")/lib.sh"
e2e_init
[ -x "$MK_BUILDDIR/src/dropd/mukaika-dropd" ] && [ -x "$MK_BUILDDIR/src/web/mukaika-web" ] ||
	{ echo "SKIP: no mukaika-dropd or mukaika-web"; exit 77; }
DROPD=$MK_BUILDDIR/src/dropd/mukaika-dropd
WEB=$MK_BUILDDIR/src/web/mukaika-web
MILTER=$MK_BUILDDIR/src/milter/mukaika-milter
DPID= WPID=
stop_mine() {
	local p
	for p in $DPID $WPID; do kill -TERM "$p" 2>/dev/null; done
	for p in $DPID $WPID; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	e2e_cleanup
}
trap stop_mine EXIT
e2e_start
USER_=$(sed -n 's/^user = //p' "$GW_CONF")
# the gateway's configuration, logging to stderr (the tests read it)
sed '/^file = /d' "$GW_CONF" >"$T/base.conf"

# ---- 1. running daemons --------------------------------------------------------
[ "$USER_" != "" ] && [ "$USER_" != root ] && ok "gateway config: general.user = $USER_" ||
	fail "gateway config: general.user is '$USER_'"
e2e_privs mukaika-milter "$(cat "$GW_MILTER_PID")"
st=$(stat -c '%U %G %a' "$GW_SOCK")
[ "$st" = "$USER_ postfix 660" ] && ok "milter socket: $st" || fail "milter socket: $st"
e2e_swaks "$GW_SMTP_PORT" --header 'Subject: privs' --body 'hello'
[ "$(e2e_data_code)" = 250 ] && ok "mail accepted by the unprivileged milter" ||
	fail "mail: $(e2e_data_reply)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{ cat "$T/base.conf"; printf '[web]\nlisten = 127.0.0.1:%s\n' "$port"; } >"$T/web.conf"
"$WEB" --foreground --config "$T/web.conf" >"$T/web.log" 2>&1 &
WPID=$!
for _ in $(seq 100); do grep -q listening "$T/web.log" && break; sleep 0.1; done
if grep -q listening "$T/web.log"; then
	e2e_privs mukaika-web "$WPID"
	c=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login")
	[ "$c" = 200 ] && ok "web answers as $USER_ (GET /login 200)" || fail "web GET /login: $c"
else
	fail "mukaika-web did not start: $(tail -3 "$T/web.log")"
fi

DD=$T/dd
mkdir -p "$DD"
chmod 755 "$DD"
cp "$T/base.conf" "$T/dropd.conf"
sed -i "s|^state_dir = .*|state_dir = $DD/state|" "$T/dropd.conf"
printf '[dropd]\nin_dir = %s\nout_dir = %s\nwork_dir = %s\nsettle_ms = 200\nrescan_s = 1\n' \
	"$DD/in" "$DD/out" "$DD/work" >>"$T/dropd.conf"
"$DROPD" --foreground --config "$T/dropd.conf" >"$T/dropd.log" 2>&1 &
DPID=$!
for _ in $(seq 100); do grep -q watching "$T/dropd.log" && break; sleep 0.1; done
if grep -q watching "$T/dropd.log"; then
	e2e_privs mukaika-dropd "$DPID"
	st=$(stat -c '%U' "$DD/in" "$DD/out" "$DD/work" "$DD/state" | sort -u | tr '\n' ' ')
	[ "$st" = "$USER_ " ] && ok "dropd created its folders for $USER_" || fail "dropd folders owned by: $st"
	install -d -o "$USER_" "$DD/in/alice"
	printf 'plain text\n' >"$DD/in/alice/note.txt"
	for _ in $(seq 100); do [ -f "$DD/out/alice/note.txt" ] && break; sleep 0.1; done
	[ -f "$DD/out/alice/note.txt" ] && ok "a dropped file comes out" ||
		fail "dropped file not processed: $(tail -3 "$T/dropd.log")"
	e2e_privs "mukaika-dropd after a job" "$DPID"
else
	fail "mukaika-dropd did not start: $(tail -3 "$T/dropd.log")"
fi

# ---- 2. no account to switch to -----------------------------------------------
refuse() { # NAME WANT-CODE WANT-TEXT CMD...
	local name=$1 want=$2 text=$3 rc=0; shift 3
	timeout 20 "$@" >"$T/r.out" 2>&1 </dev/null || rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$text" "$T/r.out"; then
		ok "$name: exit $rc, says '$text'"
	else
		fail "$name: exit $rc (want $want), output: $(head -c 300 "$T/r.out")"
	fi
}
for u in "user = mk-no-such-account" "user ="; do
	want=$([ "$u" = "user =" ] && echo "general.user is empty" || echo "mk-no-such-account does not exist")
	sed "s|^user = .*|$u|" "$T/base.conf" | sed "s|^socket = unix:.*|socket = unix:$T/nouser.sock|" >"$T/nouser.conf"
	refuse "milter, '$u'" 78 "$want" "$MILTER" --foreground --config "$T/nouser.conf"
	refuse "milter --check, '$u'" 78 "$want" "$MILTER" --check --config "$T/nouser.conf"
	sed "s|^user = .*|$u|" "$T/web.conf" >"$T/nouser-web.conf"
	refuse "web, '$u'" 78 "$want" "$WEB" --foreground --config "$T/nouser-web.conf"
	sed "s|^user = .*|$u|" "$T/dropd.conf" >"$T/nouser-dd.conf"
	refuse "dropd --once, '$u'" 78 "$want" "$DROPD" --once --config "$T/nouser-dd.conf"
done
[ ! -e "$T/nouser.sock" ] && ok "no socket left by a refused start" || fail "a refused milter opened its socket"

# ---- 3. a state directory the user cannot write -----------------------------------
mkdir -p "$T/rootstate"
sed "s|^state_dir = .*|state_dir = $T/rootstate|" "$T/base.conf" |
	sed "s|^socket = unix:.*|socket = unix:$T/rs.sock|" >"$T/rs.conf"
refuse "milter, state_dir not writable" 73 "general.state_dir $T/rootstate is not" \
	"$MILTER" --foreground --config "$T/rs.conf"
sed "s|^state_dir = .*|state_dir = $T/rootstate|" "$T/dropd.conf" >"$T/rs-dd.conf"
refuse "dropd, state_dir not writable" 73 "general.state_dir $T/rootstate is not" \
	"$DROPD" --once --config "$T/rs-dd.conf"

# a database a root CLI run left behind: named at start, not a tempfail per mail
install -d -o "$USER_" "$T/dbstate"
: >"$T/dbstate/mukaika.db"
sed "s|^state_dir = .*|state_dir = $T/dbstate|" "$T/rs.conf" >"$T/db.conf"
refuse "milter, root's quarantine.db" 73 "quarantine.db $T/dbstate/mukaika.db is not" \
	"$MILTER" --foreground --config "$T/db.conf"

# ---- 4. dropd --once, in/ not readable ------------------------------------------------
mkdir -p "$T/closed-in"
chmod 700 "$T/closed-in"
sed "s|^in_dir = .*|in_dir = $T/closed-in|" "$T/dropd.conf" |
	sed "s|^work_dir = .*|work_dir = $T/closed-work|" >"$T/ci.conf"
refuse "dropd --once, in/ unreadable" 66 "dropd.in_dir $T/closed-in is not" \
	"$DROPD" --once --config "$T/ci.conf"
e2e_finish
