#!/bin/bash
# NAME
#   t-evasion.sh - known ways to smuggle a payload past a mail gateway
#
# DESCRIPTION
#   tests/evasion/gen.py builds one input per case (RFC 2231/2047 names,
#   duplicate headers, broken boundaries, deep message/rfc822, message/partial,
#   message/external-body, uuencode, base64 with garbage, zip bombs by ratio
#   and by total size, renamed executables, double extensions, RTLO names,
#   EICAR in HTML / quoted-printable / base64 bodies, MIME headers readers
#   read differently (repeated boundary/charset/name/filename parameters,
#   RFC 2231 collisions, repeated Content-* headers) in the mail and the
#   file channel, polyglots that libmagic calls text (a PDF, HTML, a zip,
#   RTF behind text) ...) with its expectation.
#   For every case: no crash (exit 0, 2 or 3), the expectation holds
#   (undelivered / verdict / finding code), the report is valid against
#   docs/report-schema.json, and the output, if any, does not contain the
#   payload in any recoverable form (tests/evasion/absent.py).
#   The config lowers limits.max_unpacked_size to 8M so that the size bomb
#   stays small.  mk_batch runs every case, then one python3 judges them all.
. "$(dirname "$0")/lib.sh"
mk_init
EV=$MK_SRCDIR/tests/evasion
mk_write_conf "$CONF" "$T/state" "$T/db" "[limits]" "max_unpacked_size = 8M"
python3 "$EV/gen.py" "$T/cases" "$MK_TESTFILES/clam.exe" || mk_die "gen.py failed"

# run list: c<line> INPUT --CHANNEL --name BASENAME
awk -F'\t' -v OFS='\t' '{ b = $2; sub(/.*\//, "", b); print "c" NR, $2, "--" $3, "--name", b }' \
	"$T/cases/cases.tsv" > "$T/runs.tsv"
mk_batch "$T/runs.tsv" "$T/res"

mk_judge - "$T/cases/cases.tsv" "$T/res" "$MK_SRCDIR/docs/report-schema.json" <<'PY'
import os, re, sys
import mkcheck as mc
from absent import find_payload
runs, t = mc.runs(sys.argv[2]), mc.Tally()
for n, line in enumerate(open(sys.argv[1]), 1):
    name, _inp, _chan, payload, expect = line.rstrip("\n").split("\t")
    r = runs.get(f"c{n}")
    if r is None:
        t.fail(f"{name}: never run"); continue
    rc = r.rc
    if rc not in (0, 2, 3):
        t.fail(f"{name}: exit {rc} ({r.err()})"); continue
    doc = mc.load_report(r.report)
    verdict = "" if doc is None else (doc.get("verdict") or "none") if isinstance(doc, dict) else ""
    codes = sorted(mc.codes(r.report))
    bad = []
    for e in expect.split(","):
        if e in ("-", ""):
            pass
        elif e == "undelivered":
            if rc not in (2, 3):
                bad.append(f"delivered (exit {rc})")
        elif e.startswith("verdict="):
            if not re.fullmatch(e[8:], verdict):
                bad.append(f"verdict {verdict}, want {e[8:]}")
        elif e == "not_original":
            if os.path.exists(r.out) and open(r.out, "rb").read() == open(_inp, "rb").read():
                bad.append("the input went on as its original bytes")
        elif e == "named":
            m = re.search(rb"^X-Mukaika-Actions: *(\S+)", open(r.out, "rb").read(), re.M) \
                if os.path.exists(r.out) else None
            if m is not None and m.group(1) == b"none":
                bad.append("X-Mukaika-Actions: none")
        elif e == "rebuilt":
            if not os.path.exists(r.out) or b"X-Mukaika-Status:" not in open(r.out, "rb").read():
                bad.append("no rebuilt mail forwarded")
        elif e.startswith("code="):
            if not any(re.fullmatch(e[5:], c) for c in codes):
                bad.append(f"no finding {e[5:]} (have: {' '.join(codes)} )")
        else:
            bad.append(f"unknown expectation {e}")
    why = mc.schema_error(r.report, sys.argv[3])
    if why:
        bad.append(f"report violates the schema: {why}")
    if os.path.exists(r.out):
        why = find_payload(open(r.out, "rb").read(), open(payload, "rb").read())
        if why:
            bad.append(f"PAYLOAD DELIVERED: {why}")
    t.check(bad, f"{name} (exit {rc}, {verdict})")
t.done()
PY
mk_finish
