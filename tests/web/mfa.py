#!/usr/bin/env python3
"""mfa.py BASE STATE_DIR USER PASSWORD - the second login factor (issue 18
item 8) against a real mukaika-web.

USER is an approver that has never logged in: a correct password alone
must give no session; enrolment shows the QR code once; codes are RFC 6238
and a step is never used twice; recovery codes work once; the TOTP key is
stored encrypted under a 0640 key file outside the database.  Each failing
row is printed; exit status 1.
"""
import base64
import http.cookiejar
import os
import re
import sqlite3
import stat
import sys

import webclient
from webclient import Checks, Client

BASE, STATE, USER, PW = sys.argv[1:5]
check = Checks("mfa.py")


def cookie(c, name):
    return next((k.value for k in c.jar if k.name == name and k.value), None)


def password_only(c):
    tok = c.csrf("/login")
    return c.req("POST", "/login", {"csrf": tok, "user": USER, "password": PW})


# --- a correct password alone gets nowhere
c = Client(BASE, 10)
st, _, page = password_only(c)
check("password alone: second factor asked", st == 200 and 'action="/mfa"' in page, st)
check("enrolment shows a QR code", '<svg id="qr"' in page and 'id="secret"' in page, "")
check("enrolment text in Japanese", "二要素認証" in page, "")
check("password alone: no session cookie", cookie(c, "mk_session") is None,
      [k.name for k in c.jar])
secret = re.search(r'id="secret">([A-Z2-7]+)<', page).group(1)
webclient.SECRETS[USER] = secret
for p in ["/items", "/approvals", "/dashboard", "/users"]:
    st, h, _ = c.req("GET", p)
    check("password alone: GET %s -> login" % p, st == 303 and h.get("Location") == "/login", st)
st, _, _ = c.req("POST", "/request/1/approve", {"csrf": "0" * 64})
check("password alone: approve refused", st == 403, st)
pending = cookie(c, "mk_mfa")
forged = Client(BASE, 10)
forged.jar.set_cookie(http.cookiejar.Cookie(
    0, "mk_session", pending or "x", None, False, "127.0.0.1", False, False, "/", True,
    False, None, False, None, None, {}))
st, _, _ = forged.req("GET", "/items")
check("pending token is no session", st == 303, st)
st, page2 = c.mfa(USER, page, code=webclient.totp(secret, 12345))   # a long-gone step
check("wrong code refused", st == 401 and "mfa-error" in page2, st)
check("wrong code: still no session", cookie(c, "mk_session") is None, "")
st, page3 = c.mfa(USER, page)
codes = re.findall(r"<li><code>([A-Z2-7]+)</code></li>", page3)
check("right code: enrolled, recovery codes shown once", st == 200 and len(codes) >= 10,
      (st, len(codes)))
check("right code: session", cookie(c, "mk_session") is not None, "")
st, _, _ = c.req("GET", "/approvals")
check("after the second factor the approver works", st == 200, st)

# --- the next login asks for the code only; a used step is refused
used = webclient.totp(secret, webclient.LAST_STEP[USER])
c2 = Client(BASE, 10)
st, _, page = password_only(c2)
check("second login: code asked, no QR again", 'action="/mfa"' in page and
      'id="qr"' not in page and secret not in page, st)
st, page = c2.mfa(USER, page, code=used)
check("a used code is refused (replay)", st == 401 and cookie(c2, "mk_session") is None, st)
st, page = c2.mfa(USER, page)
check("a new code logs in", st == 200 and cookie(c2, "mk_session") is not None, st)

# --- recovery codes work once
c3 = Client(BASE, 10)
st, _, page = password_only(c3)
st, _ = c3.mfa(USER, page, code="", recovery=codes[0].lower())
check("recovery code logs in", st == 200 and cookie(c3, "mk_session") is not None, st)
c4 = Client(BASE, 10)
st, _, page = password_only(c4)
st, _ = c4.mfa(USER, page, code="", recovery=codes[0])
check("recovery code works once", st == 401 and cookie(c4, "mk_session") is None, st)

# --- wrong codes end the pending login
c5 = Client(BASE, 10)
st, _, page = password_only(c5)
for _ in range(5):
    st, page = c5.mfa(USER, page, code="", recovery="AAAAAAAAAAAAAAAA")
st, _ = c5.mfa(USER, page)
check("after 5 wrong codes the login starts again", st == 403 and
      cookie(c5, "mk_session") is None, st)

# --- storage: encrypted key, hashed recovery codes, key file outside the db
db = sqlite3.connect(os.path.join(STATE, "mukaika.db"))
box = db.execute("SELECT box FROM mfa WHERE user = ?", (USER,)).fetchone()[0]
raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
check("TOTP key not stored in clear", raw not in box and secret.encode() not in box, "")
hashes = [h for (h,) in db.execute("SELECT hash FROM mfa_recovery WHERE user = ?", (USER,))]
check("recovery codes stored hashed", len(hashes) == len(codes) and
      not set(codes) & set(hashes) and all(len(h) == 64 for h in hashes), len(hashes))
db.close()
kf = os.path.join(STATE, "mfa.key")
mode = stat.S_IMODE(os.stat(kf).st_mode) if os.path.exists(kf) else None
check("key file 0640, 32 bytes", mode == 0o640 and os.path.getsize(kf) == 32, oct(mode or 0))

check.done()
