#!/bin/bash
# NAME
#   t-dropd-evasion.sh - the file channel of tests/evasion through the drop
#   folder: mukaika-dropd --once on every "file" case of gen.py
#
# DESCRIPTION
#   tests/evasion/gen.py builds its cases (the same as t-evasion.sh, which
#   drives the CLI); every file-channel case is dropped into in/u/ under its
#   name, and one `mukaika-dropd --once` run handles them all.  Per case:
#   exactly one output or blocked notice with its report; the report's
#   verdict and finding codes meet the case's expectation; what reached
#   out/ is never the input's own bytes when the case says not_original
#   (a mail file with ambiguous MIME, a polyglot), is a rebuilt mail when
#   it says rebuilt, and never holds the payload (tests/evasion/absent.py).
. "$(dirname "$0")/dd-lib.sh"
dd_init "[limits]" "max_unpacked_size = 8M"
EV=$MK_SRCDIR/tests/evasion
python3 "$EV/gen.py" "$T/cases" "$MK_TESTFILES/clam.exe" > /dev/null || mk_die "gen.py failed"
mkdir -p "$T/in/u"
awk -F'\t' '$3 == "file" { print $2 }' "$T/cases/cases.tsv" | while read -r f; do
	cp "$f" "$T/in/u/"
done
timeout 240 "$DROPD" --once --config "$CONF" > "$T/o" 2> "$T/e"
rc=$?
[ "$rc" -eq 0 ] && mk_ok || mk_fail "dropd --once: exit $rc ($(tail -c 300 "$T/e" | tr '\n' ' '))"

python3 - "$T/cases/cases.tsv" "$T/out/u" "$EV" > "$T/result" <<'PY'
import json, os, re, sys
sys.path.insert(0, sys.argv[3])
from absent import find_payload
tsv, out = sys.argv[1], sys.argv[2]
fails = n = 0
for line in open(tsv):
    name, inp, chan, payload, expect = line.rstrip("\n").split("\t")
    if chan != "file":
        continue
    n += 1
    # the output keeps the input's name, or its stem when a filter
    # changed the type (page.html -> page.txt)
    stem = os.path.splitext(os.path.basename(inp))[0]
    reps = [f for f in os.listdir(out) if f.endswith(".report.json") and
            (f.startswith(os.path.basename(inp) + ".") or f.startswith(stem + "."))]
    rep, bad = os.path.join(out, reps[0]) if len(reps) == 1 else "", []
    base = rep[:-len(".report.json")]
    outp = base if rep and os.path.exists(base) else None
    if not os.path.exists(rep):
        print(f"FAIL: {name}: no report"); fails += 1; continue
    doc = json.load(open(rep))
    verdict = doc.get("verdict", "")
    codes = {f.get("code") for nd in doc.get("nodes", []) for f in nd.get("findings", [])}
    data = open(inp, "rb").read()
    for e in expect.split(","):
        if e.startswith("verdict=") and not re.fullmatch(e[8:], verdict):
            bad.append(f"verdict {verdict}, want {e[8:]}")
        elif e.startswith("code=") and not any(re.fullmatch(e[5:], c or "") for c in codes):
            bad.append(f"no finding {e[5:]} (have {sorted(c for c in codes if c)})")
        elif e == "not_original" and outp and open(outp, "rb").read() == data:
            bad.append("the input went on as its original bytes")
        elif e == "rebuilt" and (not outp or b"X-Mukaika-Status:" not in open(outp, "rb").read()):
            bad.append("no rebuilt mail forwarded")
        elif e == "undelivered" and outp:
            bad.append("delivered")
    if outp:
        why = find_payload(open(outp, "rb").read(), open(payload, "rb").read())
        if why:
            bad.append(f"PAYLOAD DELIVERED: {why}")
    if bad:
        fails += 1
        print(f"FAIL: {name} ({verdict}): {'; '.join(bad)}")
print(f"{n} cases, {fails} failed")
PY
cat "$T/result"
grep -q ' 0 failed$' "$T/result" && mk_ok || mk_fail "dropd evasion cases"
mk_finish
