#!/bin/bash
# NAME
#   t-testfiles.sh - every ClamAV test file is caught, bare and wrapped
#
# DESCRIPTION
#   Each file of $MK_TESTFILES (clam.exe plain or packed/contained 44 ways)
#   must be caught (a "virus" finding in the report) alone, inside a zip, a
#   zip inside a zip and a tar.gz (rejected: exit 3, no output), and as a
#   base64 mail attachment (clamav.virus_in_attachment = strip: the mail is
#   delivered without the attachment, or held when the attachment cannot be
#   read; the payload in no recoverable form in the output).  The test
#   files that are themselves mail (mbox) are judged like mail.
#   MK_QUICK=1 (the sanitizer build in scripts/test.sh) keeps the bare file,
#   the mail and the zip-in-zip only.
#
#   Three steps, so that python3 starts twice rather than per check: one
#   python3 builds every input (zip/tar.gz/mail via mkcheck.py) and the run
#   list, mk_batch runs `mukaika sanitize` once per check, one python3 judges
#   every exit code, report and output.
. "$(dirname "$0")/lib.sh"
mk_init
[ -d "$MK_TESTFILES" ] || { echo "no $MK_TESTFILES"; exit 77; }

mk_py - "$MK_TESTFILES" "$T/in" "${MK_QUICK:-}" <<'PY' || mk_die "building inputs failed"
import json, os, sys
import mkcheck as mc
src, d, quick = sys.argv[1], sys.argv[2], sys.argv[3] != ""
os.makedirs(d)
clam = os.path.join(src, "clam.exe")
rows, cases = [], []
def add(label, inp, want, payload, *args):
    cid = f"c{len(rows)}"
    rows.append((cid, inp) + args)
    cases.append({"id": cid, "label": label, "want": want, "payload": payload})
def put(name, data):
    p = os.path.join(d, name)
    open(p, "wb").write(data)
    return p
for i, b in enumerate(sorted(os.listdir(src))):
    f = os.path.join(src, b)
    if not os.path.isfile(f):
        continue
    data = open(f, "rb").read()
    head = data[:2048]
    if b"\nContent-Type:" in head or head.startswith((b"From ", b"Received:", b"Return-Path:")):
        add(f"{b} alone (a mailbox)", f, "caught", clam)   # the mailbox carries clam.exe
    else:
        add(f"{b} alone", f, "reject", f)
    add(f"{b} in mail", put(f"{i}.eml", mc.mail_with(data, b, "application/octet-stream")),
        "caught", f, "--mail")
    add(f"{b} in zip in zip", put(f"{i}.ww.zip", mc.zipbytes("inner.zip", mc.zipbytes(b, data))),
        "reject", f, "--file", "--name", "ww.zip")
    if quick:
        continue
    add(f"{b} in zip", put(f"{i}.w.zip", mc.zipbytes(b, data)),
        "reject", f, "--file", "--name", "w.zip")
    add(f"{b} in tar.gz", put(f"{i}.w.tar.gz", mc.targz("dir/" + b, data)),
        "reject", f, "--file", "--name", "w.tar.gz")
mc.manifest(os.path.join(d, "runs.tsv"), rows)
json.dump(cases, open(os.path.join(d, "cases.json"), "w"))
PY

mk_batch "$T/in/runs.tsv" "$T/res"

# WANT "reject": exit 3, nothing written.  "caught" (a mail, or a file
# recognised as one): exit 3, or 0/2 with the infected part dropped or the
# mail held, and the payload in no recoverable form in the output.  Either
# way the report names the virus.
mk_judge - "$T/in/cases.json" "$T/res" <<'PY'
import json, os, sys
import mkcheck as mc
from absent import find_payload
cases, runs, t = json.load(open(sys.argv[1])), mc.runs(sys.argv[2]), mc.Tally()
files = set()
for c in cases:
    label, want, r = c["label"], c["want"], runs.get(c["id"])
    files.add(c["payload"])
    if r is None:
        t.fail(f"{label}: never run"); continue
    rc, out = r.rc, os.path.exists(r.out)
    if "virus" not in mc.codes(r.report):
        t.fail(f"{label}: report has no virus finding (exit {rc})")
    elif want == "reject" and rc != 3:
        t.fail(f"{label}: exit {rc}, want 3 (rejected)")
    elif want == "reject" and out:
        t.fail(f"{label}: rejected but output written")
    elif want == "caught" and rc not in (0, 2, 3):
        t.fail(f"{label}: exit {rc}, want 0, 2 or 3")
    elif want == "caught" and out and (why := find_payload(
            open(r.out, "rb").read(), open(c["payload"], "rb").read())):
        t.fail(f"{label}: PAYLOAD DELIVERED: {why}")
    else:
        t.ok()
print(f"t-testfiles: {len(files)} files, {len(cases)} checks")
if len(files) < 40:
    t.fail(f"only {len(files)} test files")
t.done()
PY
mk_finish
