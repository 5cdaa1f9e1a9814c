#!/bin/bash
# NAME
#   t-dropd-stress.sh - 500 mixed files, 4 concurrent writers, a reader
#   polling out/, kill -9 mid-run and restart
#
# DESCRIPTION
#   Files from $MK_SHARED/corpora and clamav-testfiles are dropped into
#   in/userU/dD/ as NNNN-NAME by 4 writer threads: most written at once,
#   every 5th slowly in 4 chunks with pauses shorter than settle_ms (file
#   kept open), every 5th written elsewhere on the filesystem and renamed in.
#   A reader polls out/ every 30 ms and records each file's content the
#   first time it sees it.  When 150 outputs are visible the daemon is
#   killed with SIGKILL and restarted.  At the end: every input has exactly
#   one output or blocked notice (matched by NNNN-), each with its report;
#   no " (2)" copy, no tmp file left; outputs with verdict pass equal their
#   input byte for byte, except mail files, which are always rebuilt; every
#   file the reader saw had the same content then as at the end (never
#   half-written); in/ and work/ are empty.
. "$(dirname "$0")/dd-lib.sh"
dd_init
[ -d "$MK_SHARED/corpora" ] || { mk_skip "no corpora at $MK_SHARED"; mk_finish; }

python3 - "$T" "$DROPD" "$CONF" "$MK_SHARED/corpora" "$MK_TESTFILES" > "$T/result" 2>&1 <<'PY'
import hashlib, json, os, random, signal, subprocess, sys, threading, time
T, DROPD, CONF, CORP, TESTF = sys.argv[1:6]
N, WRITERS, KILL_AT, SETTLE = 500, 4, 150, 0.3
src = []
for root in (CORP, TESTF):
    for d, _, fs in os.walk(root):
        for f in sorted(fs):
            if f in ("SOURCE.txt", "MANIFEST.sha256", "README.md"):
                continue
            p = os.path.join(d, f)
            if os.path.isfile(p) and os.path.getsize(p) < 2 * 1024 * 1024:
                src.append(p)
src.sort()
rnd = random.Random(4)
jobs = []
for i in range(N):
    s = src[i % len(src)]
    rel = "user%d/d%d/%04d-%s" % (i % 3, i % 7, i, os.path.basename(s))
    jobs.append((i, s, rel))
data = {i: open(s, "rb").read() for i, s, _ in jobs}
log = open(os.path.join(T, "log"), "ab")

def start():
    return subprocess.Popen([DROPD, "--foreground", "--config", CONF], stdout=log, stderr=log)

def write(i, s, rel):
    dst = os.path.join(T, "in", rel)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    b = data[i]
    if i % 5 == 0:
        with open(dst, "wb") as f:
            q = max(1, len(b) // 4)
            for k in range(0, len(b), q):
                f.write(b[k:k + q]); f.flush(); time.sleep(SETTLE / 4)
    elif i % 5 == 1:
        st = os.path.join(T, "stage", rel)
        os.makedirs(os.path.dirname(st), exist_ok=True)
        with open(st, "wb") as f:
            f.write(b)
        os.rename(st, dst)
    else:
        with open(dst, "wb") as f:
            f.write(b)

seen, stop = {}, threading.Event()
def reader():
    out = os.path.join(T, "out")
    while not stop.is_set():
        for d, _, fs in os.walk(out):
            for f in fs:
                p = os.path.join(d, f)
                if f.startswith(".") or p in seen:
                    continue
                try:
                    seen[p] = hashlib.sha256(open(p, "rb").read()).hexdigest()
                except FileNotFoundError:
                    pass
        time.sleep(0.03)

def writer(k):
    for i, s, rel in jobs[k::WRITERS]:
        write(i, s, rel)

fails = []
def fail(m):
    fails.append(m)

proc = start()
time.sleep(1)
rt = threading.Thread(target=reader); rt.start()
ws = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
for w in ws: w.start()
killed = False
t0 = time.time()
while time.time() - t0 < 200:
    n = sum(1 for p in list(seen) if not p.endswith(".report.json"))
    if not killed and n >= KILL_AT:
        proc.send_signal(signal.SIGKILL); proc.wait()
        print("killed at %d outputs" % n)
        proc = start(); killed = True
    if killed and all(not w.is_alive() for w in ws) and n >= N:
        break
    time.sleep(0.1)
for w in ws: w.join()
time.sleep(1)
stop.set(); rt.join()
proc.send_signal(signal.SIGTERM)
try:
    rc = proc.wait(timeout=60)
except subprocess.TimeoutExpired:
    proc.kill(); rc = -9
if rc != 0: fail("daemon exit %s after SIGTERM" % rc)
if not killed: fail("never reached %d outputs to kill the daemon" % KILL_AT)

# end state
outs = {}
for d, _, fs in os.walk(os.path.join(T, "out")):
    for f in fs:
        p = os.path.join(d, f)
        if f.startswith("."):
            fail("tmp file left: %s" % p); continue
        if " (2)" in f:
            fail("duplicate: %s" % p)
        if f.endswith(".report.json"):
            continue
        outs.setdefault(f[:4], []).append(p)
for i, s, rel in jobs:
    got = outs.get("%04d" % i, [])
    if len(got) != 1:
        fail("input %s: %d outputs %s" % (rel, len(got), got)); continue
    p = got[0]
    base = p[:-len(".blocked.txt")] if p.endswith(".blocked.txt") else p
    try:
        rep = json.load(open(base + ".report.json"))
    except Exception as e:
        fail("input %s: no report for %s (%s)" % (rel, p, e)); continue
    mailfile = any(n.get("kind") == "message" for n in rep.get("nodes", []))
    if not p.endswith(".blocked.txt") and rep.get("verdict") == "pass":
        out = open(p, "rb").read()
        if mailfile and b"X-Mukaika-Status: pass" not in out:
            fail("input %s: a mail file passed without being rebuilt" % rel)
        elif not mailfile and out != data[i]:
            fail("input %s: pass output differs from input" % rel)
    if p.endswith(".blocked.txt") and rep.get("verdict") not in ("quarantined", "rejected"):
        fail("input %s: notice with verdict %s" % (rel, rep.get("verdict")))
for p, h in seen.items():
    try:
        now = hashlib.sha256(open(p, "rb").read()).hexdigest()
    except FileNotFoundError:
        fail("seen file vanished: %s" % p); continue
    if now != h and not p.endswith(".report.json"):
        fail("seen half-written or changed: %s" % p)
left = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(T, "in")) for f in fs]
if left: fail("%d files left in in/: %s" % (len(left), left[:3]))
jobsleft = [e for e in os.listdir(os.path.join(T, "work")) if e.startswith("j-")]
if jobsleft: fail("%d jobs left in work/" % len(jobsleft))
verdicts = {}
for d, _, fs in os.walk(os.path.join(T, "out")):
    for f in fs:
        if f.endswith(".report.json"):
            v = json.load(open(os.path.join(d, f))).get("verdict")
            verdicts[v] = verdicts.get(v, 0) + 1
print("verdicts", verdicts, "seen", len(seen), "elapsed %.1f s" % (time.time() - t0))
for m in fails[:30]:
    print("FAIL:", m)
print("RESULT", len(fails))
PY
cat "$T/result" | grep -v '^RESULT'
grep -q '^RESULT 0$' "$T/result" && mk_ok || mk_fail "stress run: $(grep -c '^FAIL' "$T/result") failures"
n=$(grep -c 'user=' "$T/log"); [ "$n" -ge 500 ] && mk_ok || mk_fail "only $n per-file log lines"
mk_finish
