#!/bin/bash
# NAME
#   t-corpora.sh - every real-world mail of the shared corpora through sanitize
#
# DESCRIPTION
#   $MK_SHARED/corpora/stalwart-mail-parser (*.eml) and mime4j (*.msg) are
#   sanitized one by one (--mail).  No input may crash the CLI: the exit code
#   must be 0, 2 or 3 (70 = internal error and >= 128 = signal fail), and every
#   forwarded output (exit 0) must pass mkverify (parses, UTF-8 text bodies,
#   only allowed attachment types, X-Mukaika-Status).  Quarantined mail (2)
#   gets its notice-only output verified as well.  Every run but a tempfail
#   (75) leaves a JSON report with a verdict.  mk_batch runs sanitize for
#   every message, then one python3 judges them all (mkverify as its
#   subprocess, MK_BATCH_JOBS at a time).  MK_QUICK=1 (the sanitizer build in
#   scripts/test.sh) runs every message but skips mkverify: the normal build
#   checks the contract, the sanitizer build looks for memory errors.
. "$(dirname "$0")/lib.sh"
mk_init
[ -x "$MKVERIFY" ] || mk_die "no verifier $MKVERIFY"

: > "$T/runs.tsv"
for set in stalwart-mail-parser mime4j; do
	[ -d "$MK_SHARED/corpora/$set" ] || mk_fail "corpus $MK_SHARED/corpora/$set missing"
done
mk_py - "$MK_SHARED/corpora" "$T/runs.tsv" <<'PY' || mk_die "listing the corpora failed"
import os, sys
import mkcheck as mc
root, rows = sys.argv[1], []
for s in ("stalwart-mail-parser", "mime4j"):
    for r, _, fs in sorted(os.walk(os.path.join(root, s))):   # like find | sort
        for f in sorted(fs):
            if f.endswith((".eml", ".msg")):
                rows.append((f"c{len(rows)}", os.path.join(r, f), "--mail"))
mc.manifest(sys.argv[2], rows)
PY
mk_batch "$T/runs.tsv" "$T/res"

mk_judge - "$T/runs.tsv" "$T/res" "$MK_SHARED/corpora" "$MKVERIFY" "$CONF" "${MK_QUICK:-}" "${MK_KEEP:-}" <<'PY'
import concurrent.futures, os, shutil, subprocess, sys
import mkcheck as mc
runs_tsv, res, root, verify, conf, quick, keep = sys.argv[1:8]
runs, t = mc.runs(res), mc.Tally()
cases = [line.rstrip("\n").split("\t")[:2] for line in open(runs_tsv, encoding="utf-8", errors="surrogateescape")]
def verified(r):   # (ok, first 300 characters of mkverify's output)
    p = subprocess.run([verify, "--config", conf, r.out], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout[:300].decode("utf-8", "replace")
def has_output(r):
    return os.path.exists(r.out) and os.path.getsize(r.out) > 0
todo = {} if quick else {cid: runs[cid] for cid, _ in cases
                         if cid in runs and runs[cid].rc in (0, 2) and has_output(runs[cid])}
jobs = int(os.environ.get("MK_BATCH_JOBS") or os.cpu_count() or 1)
with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
    vres = dict(zip(todo, ex.map(verified, todo.values())))
for cid, path in cases:
    rel, r = os.path.relpath(path, root), runs.get(cid)
    if r is None:
        t.fail(f"{rel}: never run"); continue
    rc, out = r.rc, os.path.exists(r.out)
    if rc in (0, 2):
        if not has_output(r):
            t.fail(f"{rel}: exit {rc} but no output")
        elif quick or vres[cid][0]:
            t.ok()   # quick (sanitizer build): the contract is checked by the normal one
        else:
            t.fail(f"{rel}: exit {rc}, output fails verify: {vres[cid][1]}")
            if keep:
                shutil.copy(r.out, os.path.join(keep, rel.replace("/", "_") + ".out"))
    elif rc == 3:
        t.check("rejected but output written" if out else "", rel)
    else:
        t.fail(f"{rel}: exit {rc} ({r.err()})")
    doc = mc.load_report(r.report)
    if rc != 75 and not (isinstance(doc, dict) and doc.get("verdict") not in (None, False)):
        t.fail(f"{rel}: no valid JSON report")
print(f"t-corpora: {len(cases)} messages")
if len(cases) < 150:
    t.fail(f"only {len(cases)} corpus messages found")
t.done()
PY
mk_finish
