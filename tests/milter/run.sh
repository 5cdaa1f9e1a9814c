#!/bin/bash
# NAME
#   run.sh - run the miltertest scripts (tests/milter/t-*.lua) against
#            mukaika-milter
#
# SYNOPSIS
#   tests/milter/run.sh [t-NAME.lua ...]
#
# DESCRIPTION
#   Makes a temp dir with a test signature database (EICAR and ClamAV test
#   file, EICAR built from pieces), a config (unix socket, 1M message cap;
#   archive limits wide open and worker.max_memory 256M, so that the bzip2
#   bomb of t-parser-bomb.lua, written to tmpdir/bomb.b64, reaches its
#   parser; general.user = the daemon account of scripts/daemon-user.sh
#   when run as root: the milter never stays root) and starts
#   $MK_BUILDDIR/src/milter/mukaika-milter --foreground
#   on it under a 3 GB address-space ulimit (not in ASan builds, which
#   skip t-parser-bomb.lua; a daemon that parsed the bomb
#   itself dies of it); runs each script with
#   `miltertest -D sock=... -D libdir=... -D tmpdir=...`; stops the milter
#   and removes the temp dir at exit, whatever happens.
#   miltertest (1.0.0) crashes ("stack smashing") on a reply packet over
#   ~1 KB, so the scripts keep rebuilt bodies small; big bodies are covered
#   by tests/e2e with real Postfix.
#
# EXIT STATUS
#   0 all scripts passed, 1 any failed, 77 miltertest or the binary missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${MK_SRCDIR:-$(cd "$here/../.." && pwd)}
build=${MK_BUILDDIR:-$src/build}
bin=${MM_MILTER_BIN:-$build/src/milter/mukaika-milter}
command -v miltertest >/dev/null || { echo "SKIP: no miltertest"; exit 77; }
[ -x "$bin" ] || { echo "SKIP: no $bin"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mkmt.XXXXXX")
chmod 755 "$T"   # the milter runs as general.user: it must reach its state
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$src/tests/e2e/lib.sh"
if [ "$(id -u)" = 0 ]; then
	duser=$("$src/scripts/daemon-user.sh") || { echo "FAIL: no daemon account"; exit 1; }
else
	duser=   # not root: the milter stays as it is
fi
e2e_sigdb "$T/db"
cat >"$T/mukaika.conf" <<CONF
[general]
state_dir = $T/state
user = $duser
[log]
file = $T/milter.log
level = info
[limits]
max_message_size = 1M
max_member_size = 16G
max_unpacked_size = 64G
max_compression_ratio = 100000
[worker]
max_memory = 256M
[clamav]
database_dir = $T/db
max_db_age_hours = 0
[milter]
socket = unix:$T/m.sock
outbound_auth_users = alice
outbound_domains = city.example.jp
CONF
"$bin" --check --config "$T/mukaika.conf" >/dev/null || { echo "FAIL: --check"; exit 1; }
# 512 bzip2 streams of 8 MiB of "A", then 64 KiB of noise (4 GiB decoded;
# compression ratio under 100000; not a tar, so one raw member)
python3 - "$T/bomb.b64" <<'PY' || { echo "FAIL: bomb"; exit 1; }
import base64, bz2, os, sys
s = bz2.compress(b"A" * (8 << 20), 9) * 512 + os.urandom(64 << 10)
open(sys.argv[1], "w").write(base64.encodebytes(s).decode().replace("\n", "\r\n"))
PY
asan=false
nm -D --undefined-only "$bin" 2>/dev/null | grep -q ' __asan_init' && asan=true
if $asan; then   # ASan: no address-space limits anywhere (see wseccomp.c)
	"$bin" --foreground --config "$T/mukaika.conf" 2>>"$T/milter.log" &
else
	(ulimit -v 3000000; exec "$bin" --foreground --config "$T/mukaika.conf" 2>>"$T/milter.log") &
fi
pid=$!
for _ in $(seq 100); do [ -S "$T/m.sock" ] && break; sleep 0.1; done
[ -S "$T/m.sock" ] || { echo "FAIL: milter did not open its socket"; cat "$T/milter.log"; exit 1; }

scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
	for s in "$here"/t-*.lua; do
		# the parser bomb needs the worker's RLIMIT_AS, which ASan builds lack
		if $asan && [ "$(basename "$s")" = t-parser-bomb.lua ]; then
			echo "skip t-parser-bomb.lua (AddressSanitizer build)"
			continue
		fi
		scripts+=("$s")
	done
fi
nfail=0
for s in "${scripts[@]}"; do
	[ -f "$s" ] || s=$here/$s
	start=$(date +%s%N)
	if out=$(miltertest -D sock="unix:$T/m.sock" -D libdir="$here" -D tmpdir="$T" -s "$s" 2>&1); then
		echo "ok   $(basename "$s") ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
	else
		nfail=$((nfail + 1))
		echo "FAIL $(basename "$s"):"
		printf '%s\n' "$out" | sed 's/^/    /' | tail -20
	fi
	kill -0 "$pid" 2>/dev/null || { echo "FAIL: milter died after $(basename "$s")"; nfail=$((nfail + 1)); pid=; break; }
done
if [ $nfail -gt 0 ]; then
	echo "--- milter log (last 30 lines)"; tail -30 "$T/milter.log"
	exit 1
fi
exit 0
