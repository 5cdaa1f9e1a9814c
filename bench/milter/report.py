#!/usr/bin/env python3
"""
NAME
    report.py - the table of bench/milter/run.sh

SYNOPSIS
    report.py [--set mixed|text|repeat] [--clients C] TMPDIR NAME...

DESCRIPTION
    For each contender NAME reads TMPDIR/NAME/sent.tsv (send.py), the sink
    files TMPDIR/NAME/sink/mail.* (mail id from the envelope sender in the
    sink's X-Mail-Args line, else X-Bench-Id; file mtime = delivery time) and TMPDIR/NAME/rss.tsv (rss.py), and prints per contender:
      accepted/rejected/failed   final SMTP replies 2xx / 5xx / none or 4xx
      delivered, dup             distinct X-Bench-Id in the sink, duplicates
      msgs/s                     mails sent / (last sink mtime - first send)
      latency                    sink mtime - send time per delivered mail;
                                 "added" = minus the median of contender
                                 "postfix" (Postfix alone) when present
      p99<100K                   added p99 over mails under 100 KB
      RSS start/peak/end (MB)    sum over the filter's processes, 1 s samples
      cpu_s                      CPU seconds used by the filter's processes
    then the throughput ratios mukaika/clamav, mukaika/amavis and each one
    against postfix, and the targets of issue 17 that this run measures,
    each with PASS or MISS:
      set text, C > 1    1: throughput mukaika/clamav >= 1.0
      set text, C = 1    1: mukaika +p50 <= 10 ms and +p99 < 50 ms
      set mixed, C > 1   2: throughput mukaika/clamav >= 0.5, /amavis >= 1.0
      set mixed, C = 1   2: mukaika +p99 < 100 ms for mails under 100 KB
      any set            6: mukaika RSS at the end within 10 % of the RSS
                            when a tenth of the mails had been sent (a run
                            of 20 000 mails: after 20 000 against after
                            2 000); the peak is printed with it

NEVER
    Writes anything; reads only under TMPDIR.
"""
import os
import re
import sys

# the envelope sender (send.py: sender<ID>@example.org), as smtp-sink dumps
# it: survives every filter, unlike X-Bench-Id, which mukaika's header
# sanitization drops
ENV_RE = re.compile(rb"^X-Mail-Args: <sender(\d+)@example\.org>", re.M)
ID_RE = re.compile(rb"^X-Bench-Id: *(\d+)", re.M | re.I)


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


def load_sent(path):
    sent = {}
    with open(path) as f:
        for line in f:
            i, t0, t1, code, tries, size = line.split("\t")
            sent[int(i)] = (float(t0), float(t1), int(code), int(tries), int(size))
    return sent


def load_sink(d):
    got, dups = {}, 0
    for name in os.listdir(d):
        p = os.path.join(d, name)
        with open(p, "rb") as f:
            head = f.read(65536)
        m = ENV_RE.search(head) or ID_RE.search(head)
        if not m:
            continue
        i = int(m.group(1))
        if i in got:
            dups += 1
        got[i] = os.stat(p).st_mtime_ns / 1e9
    return got, dups


def load_rss(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                t, rss, cpu, npr = line.split("\t")
                rows.append((float(t), int(rss), float(cpu), int(npr)))
    return rows


def contender(tmp, name):
    d = os.path.join(tmp, name)
    sent = load_sent(os.path.join(d, "sent.tsv"))
    got, dups = load_sink(os.path.join(d, "sink"))
    r = {"name": name, "n": len(sent), "dups": dups, "delivered": len(got)}
    r["acc"] = sum(1 for s in sent.values() if 200 <= s[2] < 300)
    r["rej"] = sum(1 for s in sent.values() if 500 <= s[2] < 600)
    r["fail"] = r["n"] - r["acc"] - r["rej"]
    r["retried"] = sum(1 for s in sent.values() if s[3] > 1)
    first = min(s[0] for s in sent.values())
    last = max(list(got.values()) + [max(s[1] for s in sent.values())])
    r["secs"] = last - first
    r["rate"] = r["n"] / r["secs"]
    r["lat"] = [(got[i] - sent[i][0], sent[i][4]) for i in got if i in sent]
    rss = load_rss(os.path.join(d, "rss.tsv"))
    if rss:
        r["rss"] = (rss[0][1] / 1024, max(x[1] for x in rss) / 1024, rss[-1][1] / 1024)
        r["cpu"] = rss[-1][2]
        r["nproc"] = max(x[3] for x in rss)
        r["rss_rows"] = rss
    r["sends"] = sorted(s[1] for s in sent.values())
    return r


def verdict(ok):
    return "PASS" if ok else "MISS"


def rss_at(r, frac):
    """RSS (MB) of the first sample after FRAC of the mails were sent."""
    rows = r.get("rss_rows") or []
    if not rows or not r.get("sends"):
        return None
    k = min(len(r["sends"]) - 1, max(0, int(len(r["sends"]) * frac) - 1))
    t = r["sends"][k]
    for row in rows:
        if row[0] >= t:
            return row[1] / 1024
    return rows[-1][1] / 1024


def targets(rows, base, kind, clients):
    m = rows.get("mukaika")
    if m is None:
        return
    added = [(x[0] - base) * 1000 for x in m["lat"]]
    small = [(x[0] - base) * 1000 for x in m["lat"] if x[1] < 100 * 1024]

    def ratio(b):
        return m["rate"] / rows[b]["rate"] if b in rows else None
    out = []
    if kind == "text" and clients > 1 and ratio("clamav") is not None:
        out.append(("1", "text mails: throughput mukaika / clamav-milter",
                    ratio("clamav"), ">=", 1.0))
    if kind == "text" and clients == 1:
        out.append(("1", "text mails: one client, mukaika +p50 ms", pct(added, 50), "<=", 10.0))
        out.append(("1", "text mails: one client, mukaika +p99 ms", pct(added, 99), "<", 50.0))
    if kind == "mixed" and clients > 1:
        if ratio("clamav") is not None:
            out.append(("2", "mixed: throughput mukaika / clamav-milter", ratio("clamav"), ">=", 0.5))
        if ratio("amavis") is not None:
            out.append(("2", "mixed: throughput mukaika / amavisd-new", ratio("amavis"), ">=", 1.0))
    if kind == "mixed" and clients == 1:
        out.append(("2", "mixed: one client, mukaika +p99 ms (< 100 KB)", pct(small, 99), "<", 100.0))
    early, end = rss_at(m, 0.1), (m["rss"][2] if m.get("rss") else None)
    if early and end:
        out.append(("6", "RSS at end / RSS after a tenth of the mails (peak %.0f MB)"
                    % m["rss"][1], end / early, "<=", 1.1))
    for num, what, val, op, lim in out:
        ok = val <= lim if op == "<=" else val < lim if op == "<" else val >= lim
        print("target %s  %-58s %8.2f  (%s %.2f)  %s" % (num, what, val, op, lim, verdict(ok)))


def main():
    args = sys.argv[1:]
    kind, clients = "mixed", 8
    while args and args[0].startswith("--"):
        if args[0] == "--set":
            kind = args[1]
        elif args[0] == "--clients":
            clients = int(args[1])
        args = args[2:]
    tmp, names = args[0], args[1:]
    rows = {}
    for n in names:
        try:
            rows[n] = contender(tmp, n)
        except (OSError, ValueError) as e:
            print("%s: no results (%s)" % (n, e))
    base = 0.0
    if "postfix" in rows:
        base = pct([x[0] for x in rows["postfix"]["lat"]], 50)
    hdr = ("%-8s %5s %5s %4s %5s %4s %8s %7s | %7s %7s %8s | %6s %6s %6s %7s"
           % ("", "acc", "rej", "fail", "deliv", "dup", "secs", "msgs/s",
              "+p50ms", "+p99ms", "+p99<100K", "RSS0MB", "peakMB", "endMB", "cpu_s"))
    print(hdr)
    for n, r in rows.items():
        added = [(x[0] - base) * 1000 for x in r["lat"]]
        small = [(x[0] - base) * 1000 for x in r["lat"] if x[1] < 100 * 1024]
        rss = r.get("rss")
        print("%-8s %5d %5d %4d %5d %4d %8.1f %7.2f | %7.1f %7.1f %8.1f | %s %7s"
              % (n, r["acc"], r["rej"], r["fail"], r["delivered"], r["dups"], r["secs"],
                 r["rate"], pct(added, 50), pct(added, 99), pct(small, 99),
                 "%6.0f %6.0f %6.0f" % rss if rss else "%6s %6s %6s" % ("-", "-", "-"),
                 "%.1f" % r["cpu"] if rss else "-"))
    print("latency: sink file mtime - send time; '+' = minus Postfix alone's median (%.1f ms)"
          % (base * 1000))
    print("RSS/cpu: mukaika = mukaika-milter; clamav = clamav-milter + clamd; "
          "amavis = amavisd (all children) + clamd")
    for a, b in (("mukaika", "clamav"), ("mukaika", "amavis"), ("mukaika", "postfix"),
                 ("clamav", "postfix"), ("amavis", "postfix")):
        if a in rows and b in rows:
            extra = ""
            if "cpu" in rows[a] and "cpu" in rows[b]:
                extra = "   filter cpu_s ratio %.2f" % (rows[a]["cpu"] / max(rows[b]["cpu"], 0.01))
            print("throughput %-7s / %-7s = %5.2f%s"
                  % (a, b, rows[a]["rate"] / rows[b]["rate"], extra))
    targets(rows, base, kind, clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
