#!/usr/bin/env python3
"""
NAME
    absent.py - prove that a payload does not survive in a sanitized output

SYNOPSIS
    absent.py OUTPUT PAYLOAD
    from absent import find_payload   # find_payload(out_bytes, payload_bytes)

DESCRIPTION
    Searches OUTPUT (a mail or a file) for PAYLOAD in every form a recipient
    could turn back into it: the raw bytes, its first 16 bytes (the "MZ" PE
    header of clam.exe / the start of EICAR), its base64 form (also with the
    line breaks removed), a text payload in UTF-16 (LE and BE), its uuencoded first line, the decoded content of
    every MIME part, and the members of any zip among them (recursively).
    Exit 0 when absent, 1 (with the reason) when found.  find_payload()
    returns the reason, or None when absent; the batch judges of
    tests/scripts call it once per output instead of starting this script.
"""
import base64, binascii, email, email.policy, io, re, sys, zipfile


def _needles(payload):
    b64 = base64.b64encode(payload)
    n = {"payload bytes": payload, "payload header": payload[:16],
         "base64 form": b64[:60],
         "uuencoded form": binascii.b2a_uu(payload[:45]).rstrip(b"\n")}
    try:   # text payloads also in UTF-16 (a browser decodes it behind a BOM)
        t = payload.decode("ascii")
        n["UTF-16LE form"] = t.encode("utf-16-le")
        n["UTF-16BE form"] = t.encode("utf-16-be")
    except UnicodeDecodeError:
        pass
    return n, b64[:60]


def _search(blob, where, needles, b64, depth=0):
    for what, n in needles.items():
        if n and n in blob:
            return f"{what} found in {where}"
    flat = re.sub(rb"[^A-Za-z0-9+/=]+", b"", blob)
    if b64 in flat:
        return f"base64 form (unwrapped) found in {where}"
    if depth < 4 and blob[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as z:
                for m in z.infolist():
                    r = _search(z.read(m), f"{where}/{m.filename}", needles, b64,
                                depth + 1)
                    if r:
                        return r
        except Exception:
            pass
    return None


def find_payload(out, payload):
    """Reason the payload is recoverable from OUT (bytes), or None."""
    needles, b64 = _needles(payload)
    r = _search(out, "output", needles, b64)
    if r:
        return r
    msg = email.message_from_bytes(out, policy=email.policy.compat32)
    for i, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            continue
        r = _search(data, f"decoded part {i} ({part.get_content_type()})",
                    needles, b64)
        if r:
            return r
    return None


if __name__ == "__main__":
    r = find_payload(open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read())
    if r:
        print(r)
        sys.exit(1)
    sys.exit(0)
