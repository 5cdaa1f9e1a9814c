"""webclient - a cookie-keeping HTTP client for the mukaika-web tests.

Client(base, timeout).req(METHOD, PATH, data=FORM | body=BYTES) returns
(status, headers dict, text); redirects are not followed (the tests check
them).  POSTs carry Origin: BASE (as a browser's do) unless origin=False
or another origin is given.  csrf(PATH) fetches PATH and returns its form's CSRF token ("" when
none); login(USER, PASSWORD) posts the login form and returns
(status, text), passing the second factor (TOTP) when the account needs it:
the key shown at enrolment is kept in SECRETS, and each code is of a
later time step than the last one used (a step is never used twice); with
$WEBCLIENT_STATE both are kept in that file for the next script.
Used by attack.py, gate.py, mfa.py and unlock.py.
"""
class Checks:
    """check(name, cond, info): a named row; done() prints the tally and exits
    1 when a row failed."""

    def __init__(self, script):
        self.script, self.fails, self.passes = script, [], 0

    def __call__(self, name, cond, info=""):
        if cond:
            self.passes += 1
        else:
            self.fails.append(name)
            print("FAIL: %s %s" % (name, info))

    def done(self):
        print("%s: %d passed, %d failed" % (self.script, self.passes, len(self.fails)))
        sys.exit(1 if self.fails else 0)


SECRETS = {}     # account -> base32 TOTP key (seen at enrolment)
LAST_STEP = {}   # account -> last time step used
# $WEBCLIENT_STATE (a JSON file): both kept across the scripts of one test
def _load():
    state = os.environ.get("WEBCLIENT_STATE")
    if state and os.path.exists(state):
        d = json.load(open(state))
        SECRETS.update(d.get("secrets", {}))
        LAST_STEP.update(d.get("last_step", {}))


def _save():
    state = os.environ.get("WEBCLIENT_STATE")
    if state:
        with open(state, "w") as f:
            json.dump({"secrets": SECRETS, "last_step": LAST_STEP}, f)


def totp(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[19] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def next_code(user):
    """A code of a step not used yet (now - 1 .. now + 1), waiting if need be."""
    while True:
        now = int(time.time()) // 30
        step = max(now - 1, LAST_STEP.get(user, 0) + 1)
        if step <= now + 1:
            LAST_STEP[user] = step
            _save()
            return totp(SECRETS[user], step)
        time.sleep(1)

import base64
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


class Client:
    def __init__(self, base, timeout=10, origin=True):
        self.base, self.timeout = base, timeout
        self.origin = base if origin is True else origin
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def req(self, method, path, data=None, body=None):
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        r = urllib.request.Request(self.base + path, data=body, method=method)
        if method == "POST" and self.origin:
            r.add_header("Origin", self.origin)
        if body is not None:
            r.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            resp = self.op.open(r, timeout=self.timeout)
            return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")

    def csrf(self, path):
        _, _, page = self.req("GET", path)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        return m.group(1) if m else ""

    def login(self, user, pw, mfa=True):
        tok = self.csrf("/login")
        st, _, page = self.req("POST", "/login", {"csrf": tok, "user": user, "password": pw})
        if mfa and 'action="/mfa"' in page:
            m = re.search(r'id="secret">([A-Z2-7]+)<', page)
            if m:
                SECRETS[user] = m.group(1)
                LAST_STEP.pop(user, None)
                _save()
            st, page = self.mfa(user, page)
        return st, page

    def mfa(self, user, page, code=None, recovery=""):
        tok = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        st, _, page = self.req("POST", "/mfa", {
            "csrf": tok, "code": code if code is not None else next_code(user),
            "recovery": recovery})
        return st, page


_load()
