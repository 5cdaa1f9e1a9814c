#!/bin/bash
# NAME
#   t-deb.sh - the Debian packages: build, lintian, install, units, and the
#   installed milter behind a Postfix
#
# DESCRIPTION
#   1. copies the source tree to a temp dir and builds the packages there
#      (scripts/build-deb.sh: dpkg-buildpackage -us -uc -b, no tests);
#   2. lintian: no error (warnings and infos are printed, not counted);
#   3. installs them (dpkg -i): the mukaika user (sysusers.d), the state
#      and socket directories (tmpfiles.d: /var/spool/postfix/mukaika is
#      2750 mukaika:postfix), /etc/mukaika/mukaika.conf is a conffile that
#      `mukaika config check` accepts and that a reinstall leaves alone
#      when the administrator changed it;
#   4. `systemd-analyze verify` of every installed unit (no exception) and
#      `security --offline=true` exposure <= MK_UNIT_MAX_EXPOSURE (2.0);
#   5. starts the INSTALLED /usr/sbin/mukaika-milter without systemd, as the
#      packaged user under the installed unit's system call filter and
#      MemoryDenyWriteExecute (sdsandbox), with the installed configuration
#      (only paths and the test signature database changed), its socket in
#      the queue directory of a private Postfix whose smtpd is chrooted like
#      Debian's, and Postfix settings from the installed
#      examples/main.cf.milter; one mail with a PNG and a PDF (the worker
#      runs) must arrive sanitized at the sink;
#   6. the installed `mukaika health` as the packaged user says OK;
#   7. the milter and health wrote their metrics textfiles (0644) into
#      /var/lib/mukaika-metrics (0755), the packaged metrics.dir.
#   Everything installed is purged at the end, and the mukaika user removed
#   when it did not exist before.  Skips (77) when not root, when a tool is
#   missing, or when mukaika packages are already installed (it never
#   replaces an installation it did not make).
. "$(dirname "$0")/../scripts/lib.sh"
. "$(dirname "$0")/units-lib.sh"
. "$MK_SRCDIR/scripts/postfix-instance.sh"
SDSANDBOX=${SDSANDBOX:-$MK_BUILDDIR/tests/packaging/sdsandbox}
MAX=${MK_UNIT_MAX_EXPOSURE:-2.0}
PKGS="mukaika-common mukaika-milter mukaika-dropd mukaika-web"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg -i, Postfix)"; exit 77; }
for t in dpkg-buildpackage lintian systemd-analyze postfix swaks python3 jq; do
	command -v $t > /dev/null || { echo "SKIP: $t missing"; exit 77; }
done
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q installed; then
		echo "SKIP: $p is installed already; not touching it"; exit 77
	fi
done
had_user=0; getent passwd mukaika > /dev/null && had_user=1
made=()   # directories the packages created that dpkg --purge leaves
for d in /var/lib/mukaika /var/lib/mukaika-metrics /srv/mukaika /var/spool/postfix/mukaika; do
	[ -e "$d" ] || made+=("$d")
done

mk_init
chmod 755 "$T"
PF=$T/pf
cleanup() {
	[ -f "$PF/etc/main.cf" ] && postfix -c "$PF/etc" stop > /dev/null 2>&1
	for f in "$T/milter.pid" "$T/sink.pid"; do
		[ -f "$f" ] && kill "$(cat "$f")" 2> /dev/null
	done
	sleep 0.5
	dpkg --purge $PKGS > "$T/purge.log" 2>&1 || cat "$T/purge.log"
	[ $had_user = 0 ] && getent passwd mukaika > /dev/null && userdel mukaika 2> /dev/null
	[ $had_user = 0 ] && getent group mukaika > /dev/null && groupdel mukaika 2> /dev/null
	for d in "${made[@]}"; do rm -rf "$d"; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM    # so that cleanup runs when meson stops the test

# --- 1. build ---------------------------------------------------------------
start=$SECONDS
mkdir -p "$T/src"
tar -C "$MK_SRCDIR" --exclude='./build*' --exclude=./.git --exclude=./debian \
	--exclude='./obj-*' --exclude=./run --exclude=node_modules -cf - . | tar -C "$T/src" -xf -
if "$T/src/scripts/build-deb.sh" "$T/debs" > "$T/build.log" 2>&1; then mk_ok
else tail -30 "$T/build.log"; mk_die "package build failed"; fi
echo "package build: $((SECONDS - start)) s"
debs=()
for p in $PKGS; do debs+=("$T/debs/${p}_"*_*.deb); done
[ ${#debs[@]} = 4 ] && [ -f "${debs[0]}" ] && mk_ok || mk_die "packages missing: $(ls "$T/debs")"

# --- 2. lintian ----------------------------------------------------------------
lintian --fail-on error --suppress-tags package-supports-alternative-init-but-no-init.d-script \
	"${debs[@]}" > "$T/lintian" 2>&1; rc=$?
grep -v 'running with root privileges' "$T/lintian" | sed 's/^/lintian: /'
[ $rc = 0 ] && ! grep -q '^E: ' "$T/lintian" && mk_ok || mk_fail "lintian errors"

# --- 3. install --------------------------------------------------------------------
dpkg -i "${debs[@]}" > "$T/install.log" 2>&1 && mk_ok ||
	{ tail -20 "$T/install.log"; mk_die "dpkg -i failed"; }
# made by sysusers.d (an account that existed before is left as it was)
if [ $had_user = 1 ]; then getent passwd mukaika > /dev/null && mk_ok || mk_fail "user mukaika gone"
else getent passwd mukaika | grep -q ':/var/lib/mukaika:/usr/sbin/nologin$' && mk_ok ||
	mk_fail "no system user mukaika: $(getent passwd mukaika)"; fi
[ "$(stat -c '%U:%G %a' /var/lib/mukaika 2> /dev/null)" = "mukaika:mukaika 750" ] && mk_ok ||
	mk_fail "/var/lib/mukaika: $(stat -c '%U:%G %a' /var/lib/mukaika 2>&1)"
[ "$(stat -c '%U:%G %a' /var/spool/postfix/mukaika 2> /dev/null)" = "mukaika:postfix 2750" ] && mk_ok ||
	mk_fail "/var/spool/postfix/mukaika: $(stat -c '%U:%G %a' /var/spool/postfix/mukaika 2>&1)"
dpkg-query -W -f='${Conffiles}\n' mukaika-common | grep -q '/etc/mukaika/mukaika.conf' && mk_ok ||
	mk_fail "mukaika.conf is not a conffile"
/usr/bin/mukaika config check /etc/mukaika/mukaika.conf > "$T/cc" 2>&1 && mk_ok ||
	mk_fail "installed config: $(head -3 "$T/cc")"
echo "# changed by the administrator" >> /etc/mukaika/mukaika.conf
dpkg -i "${debs[@]}" > "$T/reinstall.log" 2>&1 && mk_ok || mk_fail "reinstall failed"
tail -1 /etc/mukaika/mukaika.conf | grep -q 'changed by the administrator' && mk_ok ||
	mk_fail "reinstall overwrote /etc/mukaika/mukaika.conf"
man -w mukaika.conf > /dev/null 2>&1 && man -w 8 mukaika-worker > /dev/null 2>&1 && mk_ok ||
	mk_fail "man pages mukaika.conf(5) / mukaika-worker(8) not installed"

# --- 4. installed units ------------------------------------------------------------
units=$(dpkg -L $PKGS | grep -E '^/lib/systemd/system/mukaika-.*\.(service|timer)$')
[ "$(echo "$units" | grep -c .)" -ge 7 ] && mk_ok || mk_fail "installed units: $units"
for u in $units; do
	systemd-analyze verify --man=no "$u" > "$T/verify" 2>&1
	[ -s "$T/verify" ] && mk_fail "verify $u: $(head -3 "$T/verify" | tr '\n' ' ')" || mk_ok
	case $u in *.service)
		e=$(systemd-analyze security --offline=true --no-pager "$u" 2>&1 |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		echo "$(basename "$u"): exposure $e"
		awk -v e="${e:-99}" -v m="$MAX" 'BEGIN { exit !(e <= m) }' && mk_ok ||
			mk_fail "$u: exposure ${e:-?} > $MAX" ;;
	esac
done

# --- 5. the installed milter, as mukaika, under its unit's filter, with Postfix -----
SINK_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SMTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pfi_prepare "$PF"
install -d -m 2750 -o mukaika -g postfix "$PF/queue/mukaika"     # as tmpfiles.d does
rm -rf "$T/state" && install -d -m 0750 -o mukaika -g mukaika "$T/state"
chmod 755 "$T/db" && chmod 644 "$T/db"/*
sed -e "s|^state_dir = .*|state_dir = $T/state|" \
	-e "s|^database_dir = .*|database_dir = $T/db|" \
	-e "s|^socket = unix:/var/spool/postfix/mukaika/milter.sock$|socket = unix:$PF/queue/mukaika/milter.sock|" \
	/etc/mukaika/mukaika.conf > "$T/installed.conf"
python3 - "$T/installed.conf" <<'PY'
# merge [clamav] max_db_age_hours into the existing group (a key file has
# each group once)
import sys
conf = sys.argv[1]
lines = open(conf).read().splitlines()
out, done = [], False
for l in lines:
    out.append(l)
    if l.strip() == "[clamav]" and not done:
        out.append("max_db_age_hours = 0"); done = True
open(conf, "w").write("\n".join(out) + "\n")
PY
chmod 644 "$T/installed.conf"
/usr/bin/mukaika config check "$T/installed.conf" > "$T/cc2" 2>&1 && mk_ok ||
	mk_fail "test copy of the installed config: $(head -3 "$T/cc2")"
{
	pfi_main_cf "$PF" gw.mukaika.invalid "$SINK_PORT"
	grep -v '^#' /usr/share/doc/mukaika-milter/examples/main.cf.milter | grep .
} > "$PF/etc/main.cf"
grep -qx 'smtpd_milters = unix:mukaika/milter.sock' "$PF/etc/main.cf" && mk_ok ||
	mk_fail "examples/main.cf.milter does not use the packaged socket"
{
	# chroot column y, as in Debian's default master.cf
	echo "127.0.0.1:$SMTP_PORT inet n - y - - smtpd"
	pfi_master_cf
} > "$PF/etc/master.cf"

pfi_sink "$T/sink" "$SINK_PORT" "$T/sink.log" "$T/sink.pid"
unit=/lib/systemd/system/mukaika-milter.service
unit_syscalls "$unit" > "$T/milter.sc"
mdwe=(); unit_mdwe "$unit" && mdwe=(--mdwe)
# the unit's UMask, user, filter; exec keeps one pid: subshell = sdsandbox = milter
( umask "$(sed -n 's/^UMask=//p' "$unit")"
  exec "$SDSANDBOX" --user mukaika "${mdwe[@]}" --syscalls "$T/milter.sc" -- \
	/usr/sbin/mukaika-milter --foreground --config "$T/installed.conf"
) > "$T/milter.log" 2>&1 &
echo $! > "$T/milter.pid"
SOCK=$PF/queue/mukaika/milter.sock
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
if [ -S "$SOCK" ]; then mk_ok; else mk_fail "no socket $SOCK: $(tail -5 "$T/milter.log")"; fi
echo "socket: $(stat -c '%U:%G %a' "$SOCK" 2>&1)"
[ "$(stat -c %G "$SOCK" 2> /dev/null)" = postfix ] && mk_ok || mk_fail "socket group is not postfix"
[ "$(ps -o user= -p "$(cat "$T/milter.pid")" 2> /dev/null)" = mukaika ] &&
	mk_ok || mk_fail "the milter does not run as mukaika"
pfi_start "$PF" "$T/postfix-start.log" && mk_ok || mk_fail "postfix: $(tail -3 "$T/postfix-start.log")"
for _ in $(seq 100); do
	(exec 3<> "/dev/tcp/127.0.0.1/$SMTP_PORT") 2> /dev/null && break
	sleep 0.1
done

python3 "$(dirname "$0")/sbmail.py" "$T/sb.eml"
swaks --server "127.0.0.1:$SMTP_PORT" --helo client.example --from sender@example.org \
	--to user@lgwan.example --data "@$T/sb.eml" --timeout 60 > "$T/swaks.out" 2>&1 && mk_ok ||
	mk_fail "swaks: $(grep -E '^<~? *[45][0-9][0-9]' "$T/swaks.out" | tail -2 | tr '\n' ' ')"
for _ in $(seq 300); do
	ls "$T/sink"/mail.* > /dev/null 2>&1 && break
	sleep 0.1
done
got=$(ls "$T/sink"/mail.* 2> /dev/null | head -1)
if [ -n "$got" ] && grep -q '^X-Mukaika-Status: cleaned' "$got"; then mk_ok
else
	mk_fail "no sanitized mail at the sink: $(tail -5 "$PF/maillog" 2> /dev/null)"
	tail -20 "$T/milter.log"
fi
[ -n "$got" ] && grep -qi 'filename="\?b.pdf' "$got" && grep -qi 'filename="\?a.png' "$got" &&
	mk_ok || mk_fail "the sanitized attachments are missing (worker under the unit filter)"

# --- 6. health as the packaged user --------------------------------------------------
"$SDSANDBOX" --user mukaika --syscalls <(unit_syscalls /lib/systemd/system/mukaika-health.service) \
	-- /usr/bin/mukaika health --config "$T/installed.conf" --skip clock > "$T/health" 2>&1
grep -q '^MUKAIKA OK - ' "$T/health" && mk_ok || mk_fail "health: $(cat "$T/health")"

# --- 7. the metrics textfiles where the packaged configuration puts them --------------
MD=/var/lib/mukaika-metrics
[ "$(stat -c '%U:%G %a' $MD 2> /dev/null)" = "mukaika:mukaika 755" ] && mk_ok ||
	mk_fail "$MD: $(stat -c '%U:%G %a' $MD 2>&1)"
for f in milter health; do
	if [ "$(stat -c '%U %a' "$MD/mukaika-$f.prom" 2> /dev/null)" = "mukaika 644" ] &&
		grep -q '^mukaika_' "$MD/mukaika-$f.prom"; then mk_ok
	else mk_fail "$MD/mukaika-$f.prom: $(ls -l $MD 2>&1 | tr '\n' ' ')"; fi
done
grep -q '^mukaika_engine_ready{daemon="milter",channel="mail"} 1$' "$MD/mukaika-milter.prom" &&
	mk_ok || mk_fail "installed milter's textfile: engine not ready"
echo "t-deb total: $((SECONDS - start)) s"
mk_finish
