#!/usr/bin/env python3
"""
NAME
    gen_sigs.py - random ClamAV signatures that make the matcher do real work

SYNOPSIS
    gen_sigs.py [--seed S] [--hashes N] [--bodies M] OUTDIR

DESCRIPTION
    Writes OUTDIR/bench.hdb with N random MD5 hash signatures
    ("md5:size:Bench.Hash.I", sizes 1 KiB-10 MiB) and OUTDIR/bench.ndb with M
    random body signatures of 16-32 bytes at any offset in any file
    ("Bench.Body.I:0:*:hex").  Same seed, same files.  Random patterns of
    that length practically never match real content, so verdicts stay those
    of the test signatures; what changes is the size of the hash tables and
    of the Aho-Corasick automaton, as with a real database.

NEVER
    Writes outside OUTDIR.
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser(description="random ClamAV benchmark signatures")
    ap.add_argument("--seed", default="20240401")
    ap.add_argument("--hashes", type=int, default=1000000)
    ap.add_argument("--bodies", type=int, default=100000)
    ap.add_argument("outdir")
    a = ap.parse_args()
    rng = random.Random("sigs:" + a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "bench.hdb"), "w") as f:
        for i in range(a.hashes):
            f.write("%s:%d:Bench.Hash.%d\n" % (rng.randbytes(16).hex(),
                                                rng.randint(1024, 10 << 20), i))
    with open(os.path.join(a.outdir, "bench.ndb"), "w") as f:
        for i in range(a.bodies):
            f.write("Bench.Body.%d:0:*:%s\n" % (i, rng.randbytes(rng.randint(16, 32)).hex()))


if __name__ == "__main__":
    main()
