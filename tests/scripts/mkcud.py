#!/usr/bin/env python3
"""mkcud.py OUT.cud STIME SRC.hdb SRC.ndb: an unsigned daily database
(.cud) built at time STIME (epoch seconds), for tests that need a
signature date (clamd VERSION reports the daily database's date)."""
import hashlib, io, os, sys, tarfile, time

def member(tf, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    tf.addfile(ti, io.BytesIO(data))

def main(out, stime, hdb, ndb):
    stime = int(stime)
    files = [("daily.hdb", open(hdb, "rb").read()),
             ("daily.ndb", open(ndb, "rb").read())]
    sigs = sum(d.count(b"\n") for _, d in files)
    when = time.strftime("%d %b %Y %H-%M +0000", time.gmtime(stime))
    head = "ClamAV-VDB:%s:7:%d:90:" % (when, sigs)
    info = head + "X:X:test:%d\n" % stime
    for n, d in files:
        info += "%s:%d:%s\n" % (n, len(d), hashlib.sha256(d).hexdigest())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.USTAR_FORMAT) as tf:
        member(tf, "COPYING", b"test\n")
        member(tf, "daily.info", info.encode())
        for n, d in files:
            member(tf, n, d)
    tgz = buf.getvalue()
    hdr = (head + "%s:X:test:%d" % (hashlib.md5(tgz).hexdigest(), stime)).encode()
    with open(out, "wb") as f:
        f.write(hdr.ljust(512, b" ") + tgz)

if __name__ == "__main__":
    main(*sys.argv[1:5])
