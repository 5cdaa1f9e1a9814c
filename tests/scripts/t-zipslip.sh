#!/bin/bash
# NAME
#   t-zipslip.sh - path traversal in archive member names is caught
#
# DESCRIPTION
#   The four zip-slip archives of $MK_SHARED/corpora/zip-slip ("../" and
#   "..\" 40 levels up, zip and tar), as files and as mail attachments, plus
#   variants built at run time (absolute member path, a traversal inside a
#   zip nested in a zip): the report carries a path_traversal (or
#   absolute_path) finding, the item is not forwarded (exit 2 or 3), a file
#   gets no output, and a mail's notice-only output holds no copy of the archive.
#   One python3 builds the inputs and the run list, mk_batch runs sanitize,
#   one python3 judges.
. "$(dirname "$0")/lib.sh"
mk_init
CORP=$MK_SHARED/corpora/zip-slip
[ -d "$CORP" ] || mk_die "corpus $CORP missing"

mk_py - "$CORP" "$T/in" <<'PY' || mk_die "building inputs failed"
import glob, io, json, os, sys, tarfile, zipfile
import mkcheck as mc
corp, d = sys.argv[1], sys.argv[2]
os.makedirs(d)
def z(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as zf:
        for n, data in members:
            zf.writestr(zipfile.ZipInfo(n), data)
    return b.getvalue()
def put(name, data):
    open(os.path.join(d, name), "wb").write(data)
    return os.path.join(d, name)
evil = "../" * 12 + "tmp/evil.txt"
made = [put("nested.zip", z([("inner.zip", z([("good.txt", b"good\n"), (evil, b"evil\n")]))]))]
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w:gz") as tf:
    for n, data in (("good.txt", b"good\n"), (evil, b"evil\n")):
        ti = tarfile.TarInfo(n); ti.size = len(data); ti.mtime = 0
        tf.addfile(ti, io.BytesIO(data))
made.append(put("slip.tar.gz", b.getvalue()))
made.append(put("abs.zip", z([("good.txt", b"good\n"), ("/etc/cron.d/evil", b"* * * * * root id\n")])))
inputs = sorted(glob.glob(corp + "/*.zip")) + sorted(glob.glob(corp + "/*.tar")) + made
rows, cases = [], []
for i, f in enumerate(inputs):
    name = os.path.basename(f)
    want = "absolute_path|path_traversal" if name == "abs.zip" else "path_traversal"
    mail = put(f"{i}.eml", mc.mail_with(open(f, "rb").read(), name, "application/octet-stream"))
    for mode, row in (("file", (f, "--file", "--name", name)), ("mail", (mail, "--mail"))):
        rows.append((f"c{len(rows)}",) + row)
        cases.append({"id": rows[-1][0], "label": name, "mode": mode, "want": want, "orig": f})
mc.manifest(os.path.join(d, "runs.tsv"), rows)
json.dump(cases, open(os.path.join(d, "cases.json"), "w"))
PY

mk_batch "$T/in/runs.tsv" "$T/res"

mk_judge - "$T/in/cases.json" "$T/res" <<'PY'
import email, hashlib, json, os, re, sys
import mkcheck as mc
def attached(out, orig):
    want = hashlib.sha256(open(orig, "rb").read()).hexdigest()
    msg = email.message_from_bytes(open(out, "rb").read())
    for p in msg.walk():
        data = None if p.is_multipart() else p.get_payload(decode=True)
        if data and hashlib.sha256(data).hexdigest() == want:
            return True
    return False
cases, runs, t = json.load(open(sys.argv[1])), mc.runs(sys.argv[2]), mc.Tally()
for c in cases:
    label, mode, want, r = c["label"], c["mode"], c["want"], runs.get(c["id"])
    if r is None:
        t.fail(f"{label} ({mode}): never run"); continue
    codes = mc.codes(r.report)
    if r.rc not in (2, 3):
        t.fail(f"{label} ({mode}): exit {r.rc}, want 2/3 (not forwarded)")
    elif not any(re.fullmatch(want, x) for x in codes):
        t.fail(f"{label} ({mode}): no {want} finding (codes: {' '.join(sorted(codes))} )")
    elif mode == "file" and os.path.exists(r.out):
        t.fail(f"{label} (file): output written")
    elif os.path.exists(r.out) and attached(r.out, c["orig"]):
        t.fail(f"{label} (mail): the archive is still attached")
    else:
        t.ok()
t.done()
PY
mk_finish
