#!/usr/bin/env python3
"""
NAME
    send.py - send the benchmark mail set to one SMTP port with P clients

SYNOPSIS
    send.py --port PORT [--clients P] [--tries T] LIST OUT.tsv

DESCRIPTION
    LIST holds one .eml path per line.  Every mail is read into memory first
    (LF turned into CRLF), then P threads take mails from a shared queue in
    list order and send each over its own SMTP connection to 127.0.0.1:PORT
    (smtplib), with two header lines prepended:
        X-Bench-Id: <index in LIST>
        X-Bench-Sent: <send time, seconds since the epoch>
    The send time is taken just before connecting.  A 4xx reply (or a dropped
    connection) is retried after one second, up to T tries (default 5), as an
    MTA would; the send time of the last try is the one recorded.
    OUT.tsv gets one line per mail:
        id  send_ts  done_ts  code  tries  bytes
    where code is the final SMTP reply to the end of data (250, 550, ...), or
    0 when no reply was obtained.

NEVER
    Connects anywhere but 127.0.0.1; writes only OUT.tsv.

DIAGNOSTICS
    Exit 0 when every mail got a final reply (2xx or 5xx), 1 otherwise.
"""
import argparse
import queue
import smtplib
import threading
import time


def load(list_path):
    mails = []
    with open(list_path) as f:
        for line in f:
            path = line.strip()
            if not path:
                continue
            with open(path, "rb") as m:
                data = m.read()
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            mails.append(data)
    return mails


def send_one(port, idx, data):
    """One SMTP transaction; returns (send_ts, done_ts, code)."""
    t0 = time.time()
    msg = (b"X-Bench-Id: %d\r\nX-Bench-Sent: %.6f\r\n" % (idx, t0)) + data
    code = 0
    try:
        with smtplib.SMTP("127.0.0.1", port, local_hostname="client.bench.invalid",
                          timeout=600) as s:
            try:
                s.sendmail("sender%d@example.org" % idx,
                           ["user%d@lgwan.example" % (idx % 7)], msg)
                code = 250
            except smtplib.SMTPResponseException as e:
                code = e.smtp_code
            except smtplib.SMTPRecipientsRefused as e:
                code = list(e.recipients.values())[0][0]
    except (OSError, smtplib.SMTPException):
        code = code or 0
    return t0, time.time(), code


def worker(port, tries, mails, q, results):
    while True:
        try:
            idx = q.get_nowait()
        except queue.Empty:
            return
        for n in range(1, tries + 1):
            t0, t1, code = send_one(port, idx, mails[idx])
            if 200 <= code < 300 or 500 <= code < 600:
                break
            time.sleep(1)
        results[idx] = (t0, t1, code, n, len(mails[idx]))


def main():
    ap = argparse.ArgumentParser(description="benchmark SMTP sender")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("list")
    ap.add_argument("out")
    a = ap.parse_args()
    mails = load(a.list)
    q = queue.Queue()
    for i in range(len(mails)):
        q.put(i)
    results = [None] * len(mails)
    threads = [threading.Thread(target=worker, args=(a.port, a.tries, mails, q, results))
               for _ in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = 0
    with open(a.out, "w") as f:
        for i, r in enumerate(results):
            f.write("%d\t%.6f\t%.6f\t%d\t%d\t%d\n" % ((i,) + r))
            if not (200 <= r[2] < 300 or 500 <= r[2] < 600):
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
