#!/bin/bash
# NAME
#   start.sh - install, build, and sanitize a sample mail locally (README command 1)
#
# DESCRIPTION
#   1. scripts/install-deps.sh (as root)
#   2. meson setup/compile into build/
#   3. ./run/: mukaika.conf (state and signature DB under ./run; every other
#      setting is the embedded default, see run/defaults.conf), a generated
#      test signature DB (EICAR + ClamAV test file; a real deployment points
#      clamav.database_dir at freshclam's /var/lib/clamav)
#   4. sanitizes tests/data/sample/sample.eml (HTML mail, Japanese subject,
#      an "invoice.pdf.exe" attachment) with the CLI and prints where the
#      output and the report are;
#   5. starts the local mail gateway on loopback (scripts/gateway-start.sh:
#      its own Postfix, mukaika-milter on a unix socket, smtp-sink), sends
#      the same sample through it with swaks and shows where it landed.
#      Stop it with scripts/gateway-stop.sh.  START_GATEWAY=0 skips 5.
#
# EXIT STATUS
#   0 when the sample was processed (any verdict), non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
RUN=$SRC/run

if [ "$(id -u)" -eq 0 ]; then
	bash scripts/install-deps.sh
else
	bash scripts/install-deps.sh || echo "start.sh: not root; continuing with installed packages" >&2
fi

if [ -f build/build.ninja ]; then meson setup --reconfigure build > /dev/null; else meson setup build; fi
meson compile -C build
MK=$SRC/build/src/cli/mukaika

mkdir -p "$RUN/state" "$RUN/out"
. tests/scripts/lib.sh       # mk_sigdb, mk_write_conf (no side effects when sourced)
mk_sigdb "$RUN/db"
if [ ! -f "$RUN/mukaika.conf" ]; then
	mk_write_conf "$RUN/mukaika.conf" "$RUN/state" "$RUN/db" \
		"# Everything else is the embedded default: see defaults.conf."
fi
"$MK" config check "$RUN/mukaika.conf"
"$MK" config dump "$RUN/mukaika.conf" > "$RUN/defaults.conf"

set +e
"$MK" sanitize --config "$RUN/mukaika.conf" -o "$RUN/out/sample.eml" \
	--report "$RUN/out/sample.json" tests/data/sample/sample.eml
rc=$?
set -e
case $rc in 0|2|3) ;; *) echo "start.sh: sanitize failed (exit $rc)" >&2; exit 1 ;; esac

echo
"$MK" --version | head -1
echo "  config : $RUN/mukaika.conf   (effective values: $RUN/defaults.conf)"
echo "  input  : $SRC/tests/data/sample/sample.eml"
if [ -e "$RUN/out/sample.eml" ]; then
	echo "  output : $RUN/out/sample.eml"
else
	echo "  output : (none: the item was not forwarded)"
fi
echo "  report : $RUN/out/sample.json"
echo "  verdict: $(jq -r '.verdict + " (" + (.actions // "") + ")"' "$RUN/out/sample.json" 2>/dev/null) - exit $rc"
echo "  quarantine: $MK quarantine list --config $RUN/mukaika.conf"

if [ "${START_GATEWAY:-1}" = 1 ]; then
	echo
	if [ -f "$RUN/gateway/gateway.env" ]; then   # a gateway from an earlier start
		bash scripts/gateway-stop.sh --dir "$RUN/gateway" || true
	fi
	bash scripts/gateway-start.sh --dir "$RUN/gateway" --builddir "$SRC/build"
	. "$RUN/gateway/gateway.env"
	swaks --server "127.0.0.1:$GW_SMTP_PORT" --from sender@example.com \
		--to user@lgwan.example --data @tests/data/sample/sample.eml \
		--silent 2 || echo "start.sh: the sample was refused by the gateway" >&2
	sleep 1
	echo "  sample through the gateway: $(ls -t "$RUN/gateway/sink/" 2>/dev/null | head -1 |
		sed "s|^|$RUN/gateway/sink/|")"
fi
