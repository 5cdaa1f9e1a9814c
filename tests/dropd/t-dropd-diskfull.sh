#!/bin/bash
# NAME
#   t-dropd-diskfull.sh - output filesystem full, SIGHUP, SIGTERM
#
# DESCRIPTION
#   out/ lives on a 1 MiB tmpfs mounted inside the test's temp dir (needs
#   root; skipped otherwise) that a filler file makes full.  Thirty 20 KiB
#   text files and an EICAR are dropped while the daemon runs: nothing may
#   appear half-written, nothing may be lost (each input is in in/, in
#   work/ or in out/ at every check), no tmp file stays visible.  The
#   filler is removed: within a few rescans every file is in out/ with the
#   same content and work/ is empty.  SIGHUP mid-run reloads (log line,
#   daemon keeps working); SIGTERM ends it with exit 0.
. "$(dirname "$0")/dd-lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to mount a tmpfs"; exit 77; }
DD_OUT=$(mktemp -d "${TMPDIR:-/tmp}/mkddfs.XXXXXX")/out
dd_init
DD_MNT=$(dirname "$DD_OUT")
mv "$DD_MNT" "$T/fs" && DD_MNT=$T/fs && DD_OUT=$T/fs/out
dd_conf "$CONF"
mount -t tmpfs -o size=1m,mode=0755 mkdd-test "$DD_MNT" || { echo "SKIP: cannot mount tmpfs"; exit 77; }
mkdir -p "$DD_OUT"
dd if=/dev/zero of="$DD_MNT/filler" bs=4k 2>/dev/null   # until ENOSPC
dd_start
mkdir -p "$T/in/u/s" "$T/src"
for i in $(seq -w 1 30); do
	yes "line $i of a text file" | head -n 800 > "$T/src/f$i.txt"
	cp "$T/src/f$i.txt" "$T/in/u/s/f$i.txt"
done
mk_eicar "$T/in/u/v.com"
sleep 3
kill -HUP "$DPID"
dd_wait_for 10 grep -q 'configuration reloaded' "$T/log" && mk_ok || mk_fail "SIGHUP: no reload"
count() { # inputs accounted for in in/, work/ or out/
	local n=0 i
	for i in $(seq -w 1 30); do
		if [ -f "$T/in/u/s/f$i.txt" ] || [ -f "$DD_OUT/u/s/f$i.txt" ] ||
		   grep -qs "^line $i of" "$T/work"/j-*; then n=$((n + 1)); fi
	done
	echo "$n"
}
[ "$(count)" -eq 30 ] && mk_ok || mk_fail "disk full: inputs lost ($(count)/30 accounted for)"
[ "$(dd_jobs)" -gt 0 ] && mk_ok || mk_fail "disk full: nothing waiting in work/"
grep -q 'retry' "$T/log" && mk_ok || mk_fail "disk full: no retry logged"
for f in $(dd_outputs "$DD_OUT"); do
	case $f in *.blocked.txt) continue ;; esac
	cmp -s "$f" "$T/src/$(basename "$f")" || mk_fail "half-written output $f"
done
kill -0 "$DPID" && mk_ok || mk_fail "daemon died on a full disk"
rm -f "$DD_MNT/filler"
done_all() { [ "$(dd_jobs)" -eq 0 ] && [ "$(dd_left)" -eq 0 ] && [ -f "$DD_OUT/u/v.com.blocked.txt" ]; }
dd_wait_for 60 done_all && mk_ok || mk_fail "after space returned: $(dd_jobs) jobs, $(dd_left) inputs left"
bad=0
for i in $(seq -w 1 30); do
	cmp -s "$DD_OUT/u/s/f$i.txt" "$T/src/f$i.txt" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && mk_ok || mk_fail "$bad outputs missing or wrong after the retry"
[ -z "$(find "$DD_OUT" -name '.mk-tmp*')" ] && mk_ok || mk_fail "tmp files left in out/"
[ -z "$(find "$DD_OUT" -name '* (2)*')" ] && mk_ok || mk_fail "retry produced duplicates"
dd_stop
[ "$DD_RC" -eq 0 ] && mk_ok || mk_fail "SIGTERM: exit $DD_RC"
umount "$DD_MNT" && DD_MNT=
mk_finish
