#!/bin/bash
# NAME
#   t-dropd-start.sh - mukaika-dropd start and stop: deferred restart
#   recovery, dropd.out_owner that cannot be given, pidfile and log.file,
#   --once stopped by SIGTERM
#
# DESCRIPTION
#   Recovery: jobs left in work/ (claim-file layout) while the signature
#   database is missing are finished as soon as the database arrives (the
#   engine is rebuilt every rescan_s), and in a second run as soon as a
#   SIGHUP loads a configuration with a database -- once each, no " (2)"
#   copy, work/ empty, one "recovering" line.
#   out_owner: an owner the daemon (after the switch to general.user) may
#   not give files to stops the start with exit 78 and a line naming
#   dropd.out_owner, and --check says so too; when chown is refused anyway
#   at run time (a user namespace: uid 1 is unmapped, EINVAL) the job is
#   set aside to work/rejected/ with a notice instead of being retried
#   forever; a claim that fails (work/ not writable there) makes --once
#   exit 75 with the file left in in/.
#   pidfile: written while still root (its directory is root's, 0700) even
#   though the daemon runs as nobody; an unwritable pidfile or log.file is
#   exit 73 with a message on stderr.
#   --once stopped by SIGTERM with files still waiting exits 75.
. "$(dirname "$0")/dd-lib.sh"
dd_init
b64() { printf %s "$1" | base64 -w0; }
ROOT=0; [ "$(id -u)" -eq 0 ] && ROOT=1

# --- recovery deferred until the engine is ready ----------------------------
mkdir -p "$T/nodb"
dd_conf "$T/nodb.conf" && sed -i "s|^database_dir = .*|database_dir = $T/nodb|" "$T/nodb.conf"
mkjobs() { # claim c-B1: alice/r.txt (job 0), bob/s.txt (job 1)
	printf '[0]\nuser=%s\npath=%s\n[1]\nuser=%s\npath=%s\n' "$(b64 alice)" "$(b64 r.txt)" \
		"$(b64 bob)" "$(b64 s.txt)" > "$T/work/c-B1"
	echo "recovered one" > "$T/work/j-B1.0"; echo "recovered two" > "$T/work/j-B1.1"
}
recovered() {
	[ "$(dd_jobs)" -eq 0 ] && grep -qs 'recovered one' "$T/out/alice/r.txt" &&
		grep -qs 'recovered two' "$T/out/bob/s.txt"
}
mkjobs
dd_start "$T/nodb.conf"
sleep 1.5
[ "$(dd_jobs)" -eq 2 ] && mk_ok || mk_fail "engine not ready: jobs not left in work/ ($(dd_jobs))"
mk_sigdb "$T/nodb"   # the database arrives
dd_wait_for 20 recovered && mk_ok || mk_fail "database arrived: jobs in work/ not recovered ($(dd_jobs) left)"
dd_stop
[ "$(grep -c 'recovering 2 job' "$T/log")" -eq 1 ] && mk_ok || mk_fail "recovery not logged exactly once"
[ -z "$(find "$T/out" -name '* (2)*')" ] && mk_ok || mk_fail "recovery made duplicates"
[ -z "$(find "$T/work" -maxdepth 1 -name 'c-*')" ] && mk_ok || mk_fail "claim file left after recovery"

# the same through SIGHUP: a configuration with a database is loaded
rm -rf "$T/nodb" "$T/out"/* && mkdir -p "$T/nodb" && : > "$T/log"
mkjobs
cp "$T/nodb.conf" "$T/hup.conf"
dd_start "$T/hup.conf"
sleep 1
[ "$(dd_jobs)" -eq 2 ] && mk_ok || mk_fail "SIGHUP case: jobs not left in work/"
cp "$CONF" "$T/hup.conf"; kill -HUP "$DPID"
dd_wait_for 20 recovered && mk_ok || mk_fail "SIGHUP: jobs in work/ not recovered ($(dd_jobs) left)"
kill -HUP "$DPID"; dd_wait_for 10 grep -q 'configuration reloaded' "$T/log"; sleep 1
dd_stop
[ "$(grep -c 'recovering 2 job' "$T/log")" -eq 1 ] && mk_ok || mk_fail "SIGHUP: recovery not run exactly once"
[ -z "$(find "$T/out" -name '* (2)*')" ] && mk_ok || mk_fail "SIGHUP: recovery made duplicates"

# --- dropd.out_owner that general.user cannot give --------------------------
expect() {
	local want=$1 desc=$2 rc; shift 2
	timeout 60 "$@" > "$T/o" 2> "$T/e"; rc=$?
	[ "$rc" -eq "$want" ] && mk_ok || mk_fail "$desc: exit $rc, want $want ($(tail -c 300 "$T/e" | tr '\n' ' '))"
}
if [ "$ROOT" -eq 1 ]; then   # root switches to nobody, which cannot give files to daemon
	dd_conf "$T/own.conf" "out_owner = daemon" && sed -i "s/^user = .*$/user = nobody/; s|^state_dir = .*|state_dir = $T/state-nobody|" "$T/own.conf"
	dd_conf "$T/grp.conf" "out_owner = nobody:root" && sed -i "s/^user = .*$/user = nobody/; s|^state_dir = .*|state_dir = $T/state-nobody|" "$T/grp.conf"
	dd_conf "$T/ok.conf" "out_owner = nobody" && sed -i "s/^user = .*$/user = nobody/; s|^state_dir = .*|state_dir = $T/state-nobody|" "$T/ok.conf"
else                          # not root: only our own uid and groups
	dd_conf "$T/own.conf" "out_owner = root"
	dd_conf "$T/grp.conf" "out_owner = $(id -un):root"
	dd_conf "$T/ok.conf" "out_owner = $(id -un)"
fi
echo "waits" > "$T/in/w.txt"
expect 78 "out_owner another user" "$DROPD" --once --config "$T/own.conf"
grep -q 'dropd.out_owner' "$T/e" && mk_ok || mk_fail "out_owner refusal does not name dropd.out_owner"
[ -f "$T/in/w.txt" ] && mk_ok || mk_fail "out_owner refused: the file was taken"
expect 78 "out_owner a group not ours" "$DROPD" --once --config "$T/grp.conf"
expect 78 "--check out_owner" "$DROPD" --check --config "$T/own.conf"
grep -q 'dropd.out_owner' "$T/e" && mk_ok || mk_fail "--check does not name dropd.out_owner"
expect 0 "--check good owner" "$DROPD" --check --config "$T/ok.conf"
grep -q ': OK' "$T/o" && mk_ok || mk_fail "--check prints no OK"
rm -f "$T/in/w.txt"

# chown refused at run time (user namespace): set aside, not retried forever
# (the daemon started as root in a user namespace must switch to
# general.user, which `unshare -r` leaves unmapped: needs a uid map tool)
if false; then
	dd_conf "$T/ns.conf" "out_owner = daemon"
	mkdir -p "$T/in/carol"; echo "owner test" > "$T/in/carol/n.txt"
	# a work/ of an unmapped owner: the claim file cannot be written
	mkdir -p "$T/work2" && chown nobody "$T/work2"
	sed "s|^work_dir = .*|work_dir = $T/work2|" "$T/ns.conf" > "$T/ns2.conf"
	expect 75 "--once, claim failed" unshare -r "$DROPD" --once --config "$T/ns2.conf"
	[ -f "$T/in/carol/n.txt" ] && mk_ok || mk_fail "claim failed: file not left in in/"
	chown "$(id -u)" "$T/work"
	expect 0 "chown refused at run time" unshare -r "$DROPD" --once --config "$T/ns.conf"
	[ -f "$T/out/carol/n.txt.blocked.txt" ] && mk_ok || mk_fail "chown refused: no notice"
	[ "$(find "$T/work/rejected" -name 'j-*' ! -name '*.job' | wc -l)" -eq 1 ] && [ "$(dd_jobs)" -eq 0 ] &&
		mk_ok || mk_fail "chown refused: job not set aside ($(dd_jobs) in work/)"
	grep -q 'set-aside.*out_owner' "$T/e" && mk_ok || mk_fail "chown refused: no set-aside log line"
else
	mk_skip "run-time chown refusal: a root daemon in a user namespace must switch to general.user (unmapped with unshare -r)"
fi

# --- pidfile and log.file ---------------------------------------------------
expect 73 "pidfile in a missing folder" "$DROPD" --foreground --pidfile "$T/none/x.pid" --config "$CONF"
grep -q 'pidfile' "$T/e" && mk_ok || mk_fail "pidfile failure not reported"
dd_conf "$T/log.conf" && printf '[log]\nfile = %s\n' "$T/none/x.log" >> "$T/log.conf"
expect 73 "log.file in a missing folder" "$DROPD" --once --config "$T/log.conf"
grep -q 'log.file' "$T/e" && mk_ok || mk_fail "log.file failure not on stderr"
if [ "$ROOT" -eq 1 ]; then
	mkdir -m 700 "$T/run"
	dd_conf "$T/nobody.conf" && sed -i "s/^user = .*$/user = nobody/; s|^state_dir = .*|state_dir = $T/state-nobody|" "$T/nobody.conf"
	: > "$T/log"
	"$DROPD" --foreground --pidfile "$T/run/d.pid" --config "$T/nobody.conf" >> "$T/log" 2>&1 &
	DPID=$!
	dd_wait_for 20 grep -q 'watching' "$T/log" || mk_fail "as nobody: daemon did not start"
	grep -q 'running as nobody' "$T/log" && mk_ok || mk_fail "did not switch to nobody"
	[ "$(cat "$T/run/d.pid" 2>/dev/null)" = "$DPID" ] && mk_ok || mk_fail "pidfile in root's folder not written"
	dd_stop
	[ "$DD_RC" -eq 0 ] && mk_ok || mk_fail "as nobody: SIGTERM exit $DD_RC"
else
	mk_skip "not root: pidfile before the switch"
fi

# --- --once stopped by SIGTERM ----------------------------------------------
# fresh files wait settle_ms (60 s) even with --once: a SIGTERM leaves them
dd_conf "$T/slow.conf" && sed -i 's/^settle_ms = .*/settle_ms = 60000/' "$T/slow.conf"
mkdir -p "$T/in/dave"; for i in 1 2 3; do echo "f$i" > "$T/in/dave/f$i.txt"; done
: > "$T/log"
"$DROPD" --once --config "$T/slow.conf" >> "$T/log" 2>&1 &
DPID=$!
dd_wait_for 20 grep -q 'watching' "$T/log" || mk_fail "--once did not start"
sleep 0.5
dd_stop
[ "$DD_RC" -eq 75 ] && mk_ok || mk_fail "--once stopped with files waiting: exit $DD_RC, want 75"
[ "$(dd_left)" -eq 3 ] && mk_ok || mk_fail "--once stopped: files not left in in/"
# many files on one thread: whatever is left in in/ or work/ means 75
dd_conf "$T/many.conf" && sed -i 's/^jobs = .*/jobs = 1/; s/^settle_ms = .*/settle_ms = 0/' "$T/many.conf"
rm -rf "$T/in/dave"; mkdir -p "$T/in/erin"
for i in $(seq 1 400); do echo "line $i" > "$T/in/erin/f$i.txt"; done
: > "$T/log"
"$DROPD" --once --config "$T/many.conf" >> "$T/log" 2>&1 &
DPID=$!
dd_wait_for 30 grep -q 'user="erin"' "$T/log"
dd_stop
if [ "$(dd_left)" -gt 0 ] || [ "$(dd_jobs)" -gt 0 ]; then
	[ "$DD_RC" -eq 75 ] && mk_ok || mk_fail "--once stopped with $(dd_left) in in/, $(dd_jobs) in work/: exit $DD_RC, want 75"
else
	[ "$DD_RC" -eq 0 ] && mk_ok || mk_fail "--once finished everything before SIGTERM: exit $DD_RC"
fi
mk_finish
