#!/bin/bash
# NAME
#   t-sandbox.sh - hostile parsing happens in the sandboxed worker only
#
# DESCRIPTION
#   1. Build level: mukaika, mukaika-milter, mukaika-dropd and mukaika-web
#      import no libarchive read or write function (nm -D) and contain none
#      of the archive, TNEF, OLE2/Office, zip-refine, HTML, CSV, iCalendar
#      or body-rendering code (nm); the worker does (so the check is not
#      vacuous).
#   2. A parser that exhausts its memory: a bzip2 stream decoding to 4 GiB
#      (512 streams of 8 MiB of "A" and 64 KiB of noise; ratio under the
#      limit), with the archive limits wide open so that only memory stops
#      it, sanitized as a file and as a mail attachment by the CLI under a
#      3 GB address-space ulimit: exit 2 (held), a report that validates
#      and carries worker_crash.  (Parsed in process, the CLI died of it
#      with no report.)
#   3. A parser that runs out of time: the same bomb with
#      worker.timeout_ms=1000 and memory to spare: exit 2, worker_timeout.
#   4. Text parsers out of time: 30 MB of HTML (as a body, an attachment
#      and a file), CSV and iCalendar with worker.timeout_ms=100: exit 2,
#      worker_timeout, in both channels.
#   The milter side (held, and the next mail served) is
#   tests/milter/t-parser-bomb.lua.
. "$(dirname "$0")/lib.sh"
mk_init

# --- 1. no parser of attacker bytes linked into a daemon or the CLI ---------
parsers='mk_archive_expand|mk_tnef_expand|mk_office_inspect|mk_zip_list|mk_zip_refine|mk_zip_read_member'
# the text run (HTML, CSV, iCalendar, bodies) and the zip writer of the rebuild
parsers="$parsers|mk_html_to_text|mk_csv_defuse|mk_ics_strip|mk_textrun_part|mk_filter_decode"
for b in src/cli/mukaika src/milter/mukaika-milter src/dropd/mukaika-dropd src/web/mukaika-web; do
	f=$MK_BUILDDIR/$b
	if [ ! -x "$f" ]; then
		mk_skip "$b not built"
		continue
	fi
	if nm -D --undefined-only "$f" | grep -Eq ' archive_(read|write)'; then
		mk_fail "$b imports libarchive read/write functions: $(nm -D --undefined-only "$f" | grep -Eo 'archive_(read|write)[a-z_0-9]*' | head -3 | tr '\n' ' ')"
	elif nm "$f" 2>/dev/null | grep -Eq " T ($parsers)\$"; then
		mk_fail "$b contains a worker-side parser: $(nm "$f" | grep -Eo " T ($parsers)\$" | head -3 | tr '\n' ' ')"
	else
		mk_ok
	fi
done
w=$MK_BUILDDIR/src/worker/mukaika-worker
if nm -D --undefined-only "$w" | grep -q ' archive_read_open_memory' &&
   nm "$w" | grep -q ' T mk_tnef_expand$' && nm "$w" | grep -q ' T mk_html_to_text$'; then
	mk_ok
else
	mk_fail "the worker has no archive/TNEF parser (is the check above vacuous?)"
fi

# --- 2./3. parser bombs through the CLI ---------------------------------------
mk_py - "$T/bomb.bz2" "$T/bomb.eml" <<'PY' || mk_die "building the bomb failed"
import bz2, os, sys
import mkcheck as mc
s = bz2.compress(b"A" * (8 << 20), 9) * 512 + os.urandom(64 << 10)
open(sys.argv[1], "wb").write(s)
open(sys.argv[2], "wb").write(mc.mail_with(s, "data.bz2", "application/octet-stream"))
PY
wide=('[limits]' 'max_member_size = 16G' 'max_unpacked_size = 64G' 'max_compression_ratio = 100000')

# LABEL CONF WANT-FINDING ULIMIT-KB INPUT SANITIZE-ARGS...
bomb_case() {
	local label=$1 conf=$2 want=$3 lim=$4 in=$5 rc; shift 5
	rm -f "$T/b.json" "$T/b.out"
	(ulimit -v "$lim"; exec "$MK" sanitize --config "$conf" --no-store -o "$T/b.out" \
		--report "$T/b.json" "$@" "$in") > "$T/b.stdout" 2> "$T/b.stderr"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		mk_fail "$label: exit $rc, want 2 (held); $(tail -c 300 "$T/b.stderr" | tr '\n' ' ')"
	elif [ ! -s "$T/b.json" ]; then
		mk_fail "$label: no report"
	elif ! mk_has_code "$T/b.json" "$want"; then
		mk_fail "$label: no $want finding (got: $(mk_codes "$T/b.json" | tr '\n' ' '))"
	elif ! why=$(mk_schema "$T/b.json"); then
		mk_fail "$label: report does not validate: $why"
	else
		mk_ok
	fi
}

mk_write_conf "$T/mem.conf" "$T/state" "$T/db" "${wide[@]}" '[worker]' 'max_memory = 256M'
if nm -D --undefined-only "$MK" 2>/dev/null | grep -q ' __asan_init'; then
	# ASan reserves terabytes of address space: no ulimit -v for the CLI
	# and no RLIMIT_AS in the worker (wseccomp.c), so no memory limit to hit
	mk_skip "memory bomb rows: AddressSanitizer build"
else
	bomb_case "memory bomb (file)" "$T/mem.conf" worker_crash 3000000 "$T/bomb.bz2" --file --name data.bz2
	bomb_case "memory bomb (mail)" "$T/mem.conf" worker_crash 3000000 "$T/bomb.eml" --mail
fi

mk_write_conf "$T/time.conf" "$T/state" "$T/db" "${wide[@]}" 'item_time_budget_ms = 3000' \
	'[worker]' 'max_memory = 8G' 'timeout_ms = 1000'
bomb_case "time bomb (file)" "$T/time.conf" worker_timeout unlimited "$T/bomb.bz2" --file --name data.bz2

# --- 4. text parsers out of time: bodies and text parts (HTML, CSV, ICS) -----
# 30 MB of text the text run needs well over 100 ms for (decoding, charset
# detection, rendering): worker.timeout_ms = 100 ends it; the item is held
# with worker_timeout, in both channels.  (Rendered in process, a slow or
# crashing renderer stalled or killed the daemon.)
mk_py - "$T" <<'PY' || mk_die "building the text bombs failed"
import os, sys
import mkcheck as mc
t = sys.argv[1]
n = 30 << 20
html = (b"<html><body>" + b"<p>x <a href='http://a.example/'>y</a>" * (n // 38))
csv = b"=1+1,@SUM(A1),-2+3\r\n" * (n // 20)
ics = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" +
       b"DESCRIPTION:see http://a.example/ now\r\n" * (n // 38) +
       b"END:VEVENT\r\nEND:VCALENDAR\r\n")
for name, data, ctype in (("p.html", html, "text/html"), ("d.csv", csv, "text/csv"),
                          ("i.ics", ics, "text/calendar")):
    open(os.path.join(t, "tb-" + name), "wb").write(data)
    open(os.path.join(t, "tb-" + name + ".eml"), "wb").write(mc.mail_with(data, name, ctype))
body = ("From: a@example.org\r\nTo: b@example.jp\r\nSubject: body\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n").encode()
open(os.path.join(t, "tb-body.eml"), "wb").write(body + html)
PY
mk_write_conf "$T/ttime.conf" "$T/state" "$T/db" '[limits]' 'max_text_size = 64M' \
	'[worker]' 'timeout_ms = 100'
bomb_case "text time bomb (HTML body)" "$T/ttime.conf" worker_timeout unlimited "$T/tb-body.eml" --mail
for f in p.html d.csv i.ics; do
	bomb_case "text time bomb ($f, mail)" "$T/ttime.conf" worker_timeout unlimited "$T/tb-$f.eml" --mail
	bomb_case "text time bomb ($f, file)" "$T/ttime.conf" worker_timeout unlimited "$T/tb-$f" --file --name "$f"
done

mk_finish
