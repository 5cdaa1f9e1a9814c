#!/bin/bash
# NAME
#   t-oletools.sh - Office active content never reaches the output
#
# DESCRIPTION
#   Every sample of $MK_SHARED/corpora/oletools goes through sanitize twice:
#   as a file and as a mail attachment.  No sample may crash the CLI (exit in
#   0/2/3).  A sample with macros (olevba/, excel4-macros/, oleform/,
#   macro-enabled OOXML names *.??m, or bytes holding vbaProject/_VBA_PROJECT)
#   and an encrypted sample (encrypted/, basic/encrypted.docx, the
#   password-protected *.zip) must not be forwarded as is: the output is
#   absent, holds no part with the input's sha256, and (for macro samples)
#   contains no vbaProject / _VBA_PROJECT at all.  MK_QUICK=1 (the sanitizer
#   build in scripts/test.sh) runs the mail channel only for macro and
#   encrypted samples.
#
#   One python3 classifies the samples and builds the mails and the run list,
#   mk_batch runs sanitize once per check, one python3 judges every output.
. "$(dirname "$0")/lib.sh"
mk_init
CORP=$MK_SHARED/corpora/oletools
[ -d "$CORP" ] || mk_die "corpus $CORP missing"

mk_py - "$CORP" "$T/in" "${MK_QUICK:-}" <<'PY' || mk_die "building inputs failed"
import fnmatch, json, os, sys
import mkcheck as mc
corp, d, quick = sys.argv[1], sys.argv[2], sys.argv[3] != ""
os.makedirs(d)
VBA = (b"vbaProject", "_VBA_PROJECT".encode("utf-16le"))
ENC = ("encrypted/*", "basic/encrypted.docx", "*.zip")
MACRO = ("olevba/*", "excel4-macros/*", "oleform/*", "*.docm", "*.dotm", "*.xlsm",
         "*.xltm", "*.xlam", "*.pptm", "*.potm", "*.ppsm")
def classify(rel, data):   # the patterns match like a shell `case` (* spans /)
    if any(fnmatch.fnmatchcase(rel, p) for p in ENC):
        return "encrypted"
    if any(fnmatch.fnmatchcase(rel, p) for p in MACRO) or any(v in data for v in VBA):
        return "macro"
    return "other"
paths = sorted(os.path.join(r, f) for r, _, fs in os.walk(corp) for f in fs)
rows, cases = [], []
for i, f in enumerate(paths):
    rel = os.path.relpath(f, corp)
    if rel in ("SOURCE.txt", "MANIFEST.sha256", "LICENSE.md"):
        continue
    data = open(f, "rb").read()
    kind, b = classify(rel, data), os.path.basename(f)
    mail = os.path.join(d, f"{i}.eml")
    open(mail, "wb").write(mc.mail_with(data, b, "application/octet-stream"))
    modes = ["file"] if quick and kind == "other" else ["file", "mail"]
    for mode in modes:
        cid = f"c{len(rows)}"
        rows.append((cid, f, "--file", "--name", b) if mode == "file" else (cid, mail, "--mail"))
        cases.append({"id": cid, "rel": rel, "input": f, "mode": mode, "kind": kind})
mc.manifest(os.path.join(d, "runs.tsv"), rows)
json.dump(cases, open(os.path.join(d, "cases.json"), "w"))
PY

mk_batch "$T/in/runs.tsv" "$T/res"

# An output carries the input as is: the whole output or (mail) a decoded
# part has the input's sha256, or (macro samples) VBA storage names remain.
mk_judge - "$T/in/cases.json" "$T/res" <<'PY'
import email, email.policy, hashlib, json, os, sys
import mkcheck as mc
VBA = (b"vbaProject", "_VBA_PROJECT".encode("utf-16le"))
def carried(out, inp, mode, strict):
    want = hashlib.sha256(open(inp, "rb").read()).hexdigest()
    raw = open(out, "rb").read()
    blobs = [raw]
    if mode == "mail":
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        for part in msg.walk():
            if not part.is_multipart():
                data = part.get_payload(decode=True)
                if data:
                    blobs.append(data)
    bad = set()
    for b in blobs:
        if hashlib.sha256(b).hexdigest() == want:
            bad.add("the input is forwarded unchanged")
        if strict and any(v in b for v in VBA):
            bad.add("a VBA project is still present")
    return "; ".join(sorted(bad))
cases, runs, t = json.load(open(sys.argv[1])), mc.runs(sys.argv[2]), mc.Tally()
for c in cases:
    rel, mode, kind, r = c["rel"], c["mode"], c["kind"], runs.get(c["id"])
    if r is None:
        t.fail(f"{rel} ({mode}): never run")
    elif r.rc not in (0, 2, 3):
        t.fail(f"{rel} ({mode}): exit {r.rc} ({r.err(200)})")
    elif kind == "other" or not os.path.exists(r.out):
        t.ok()
    else:
        t.check(carried(r.out, c["input"], mode, kind == "macro"),
                f"{rel} ({mode}, {kind}, exit {r.rc})")
samples = {c["rel"]: c["kind"] for c in cases}
nm = sum(1 for k in samples.values() if k == "macro")
ne = sum(1 for k in samples.values() if k == "encrypted")
print(f"t-oletools: {len(samples)} samples ({nm} with macros, {ne} encrypted)")
if nm < 20 or ne < 15:
    t.fail(f"sample classification found too few ({nm} macro, {ne} encrypted)")
t.done()
PY
mk_finish
