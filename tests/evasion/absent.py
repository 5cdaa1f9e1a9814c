#!/usr/bin/env python3
"""
NAME
    absent.py - prove that a payload does not survive in a sanitized output

SYNOPSIS
    absent.py OUTPUT PAYLOAD

DESCRIPTION
    Searches OUTPUT (a mail or a file) for PAYLOAD in every form a recipient
    could turn back into it: the raw bytes, its first 16 bytes (the "MZ" PE
    header of clam.exe / the start of EICAR), its base64 form (also with the
    line breaks removed), its uuencoded first line, the decoded content of
    every MIME part, and the members of any zip among them (recursively).
    Exit 0 when absent, 1 (with the reason) when found.
"""
import base64, binascii, email, email.policy, io, re, sys, zipfile

out = open(sys.argv[1], "rb").read()
payload = open(sys.argv[2], "rb").read()
head = payload[:16]
needles = {"payload bytes": payload, "payload header": head}
b64 = base64.b64encode(payload)
needles["base64 form"] = b64[:60]
needles["uuencoded form"] = binascii.b2a_uu(payload[:45]).rstrip(b"\n")


def search(blob, where, depth=0):
    for what, n in needles.items():
        if n and n in blob:
            return f"{what} found in {where}"
    flat = re.sub(rb"[^A-Za-z0-9+/=]+", b"", blob)
    if b64[:60] in flat:
        return f"base64 form (unwrapped) found in {where}"
    if depth < 4 and blob[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as z:
                for m in z.infolist():
                    r = search(z.read(m), f"{where}/{m.filename}", depth + 1)
                    if r:
                        return r
        except Exception:
            pass
    return None


r = search(out, "output")
if not r:
    msg = email.message_from_bytes(out, policy=email.policy.compat32)
    for i, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            continue
        r = search(data, f"decoded part {i} ({part.get_content_type()})")
        if r:
            break
if r:
    print(r)
    sys.exit(1)
sys.exit(0)
