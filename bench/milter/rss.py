#!/usr/bin/env python3
"""
NAME
    rss.py - sample the RSS and CPU time of a filter's processes every second

SYNOPSIS
    rss.py [--interval S] OUT.tsv PIDFILE...

DESCRIPTION
    Every S seconds (default 1) reads each PIDFILE, takes that process and
    all its descendants (found through /proc/*/stat parent ids), and appends
    one line to OUT.tsv:
        time  rss_kb  cpu_s  nprocs
    rss_kb is the sum of VmRSS over those processes (pages shared between
    forked children are counted once per process, as `ps` would); cpu_s is
    the CPU seconds used since each was first seen, summed over the
    processes alive at this sample: their own utime+stime plus their reaped
    children's cutime+cstime.  A short-lived process (a sandboxed worker)
    is thus counted once, when its parent has reaped it: in the filter's
    own children's time (exec'd workers) or in the worker fork server's
    (mukaika-worker --zygote, whose runners reap the documents' processes).
    Counting the short-lived processes' own samples as well would count
    them twice; counting only the pid files' processes' children's time
    would miss everything the fork server reaped.  Runs until SIGTERM/SIGINT.

NEVER
    Signals or writes to the processes it watches; writes only OUT.tsv.
"""
import argparse
import os
import signal
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat_of(pid):
    """(ppid, utime+stime, cutime+cstime) in ticks, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def rss_of(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def roots(pidfiles):
    out = []
    for p in pidfiles:
        try:
            with open(p) as f:
                out.append(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
    return out


def tree(root_pids):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = stat_of(int(d))
            if st:
                kids.setdefault(st[0], []).append(int(d))
    seen, todo = set(), list(root_pids)
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(kids.get(p, []))
    return seen


def main():
    ap = argparse.ArgumentParser(description="RSS/CPU sampler")
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("out")
    ap.add_argument("pidfiles", nargs="+")
    a = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    first, last, cfirst, clast = {}, {}, {}, {}
    with open(a.out, "w") as out:
        while not stop:
            rp = roots(a.pidfiles)
            pids = tree(rp)
            rss, alive = 0, []
            for p in pids:
                st = stat_of(p)
                if not st:
                    continue
                first.setdefault(p, st[1])
                last[p] = st[1]
                cfirst.setdefault(p, st[2])
                clast[p] = st[2]
                alive.append(p)
                rss += rss_of(p)
            cpu = sum(last[p] - first[p] + clast[p] - cfirst[p] for p in alive)
            out.write("%.3f\t%d\t%.2f\t%d\n" % (time.time(), rss, cpu / TICK, len(pids)))
            out.flush()
            time.sleep(a.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
