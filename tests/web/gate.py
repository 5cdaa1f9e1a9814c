#!/usr/bin/env python3
"""gate.py BASE SLOW_USER SLOW_PW - Host/Origin, pre-login token, HEAD,
thread pools and the login throttle of mukaika-web (issue 18 items 4, 7).

SLOW_USER's password hash has the interactive argon2id cost, so that 16
parallel logins keep the auth threads busy.  Runs last: it empties the
login bucket of 127.0.0.1.  Each failing row is printed; exit status 1.
"""
import http.client
import re
import sys
import threading
import time
import urllib.parse

from webclient import Checks, Client

BASE, SLOW_USER, SLOW_PW = sys.argv[1:4]
HOSTPORT = urllib.parse.urlparse(BASE).netloc
check = Checks("gate.py")


def raw(method, path, headers, body=None):
    """One request with exactly these headers (Host included)."""
    c = http.client.HTTPConnection(HOSTPORT, timeout=30)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        c.putheader(k, v)
    data = body.encode() if body is not None else None
    if data is not None:
        c.putheader("Content-Type", "application/x-www-form-urlencoded")
        c.putheader("Content-Length", str(len(data)))
    c.endheaders(data)
    r = c.getresponse()
    out = (r.status, dict(r.getheaders()), r.read().decode("utf-8", "replace"))
    c.close()
    return out


def pre_token():
    """A server-issued pre-login token and its cookie header."""
    st, h, page = raw("GET", "/login", {"Host": HOSTPORT})
    m = re.search(r"mk_pre=([0-9a-f]+)", h.get("Set-Cookie", ""))
    return m.group(1) if m else ""


def login_body(tok, user, pw):
    return urllib.parse.urlencode({"csrf": tok, "user": user, "password": pw})


# --- Host and Origin (item 7)
st, _, _ = raw("GET", "/login", {"Host": "evil.example"})
check("unknown Host refused", st == 421, st)
st, _, _ = raw("GET", "/login", {})
check("missing Host refused", st in (400, 421), st)
tok = pre_token()
check("pre-login token issued", len(tok) > 64, tok)
ck = {"Host": HOSTPORT, "Cookie": "mk_pre=" + tok}
for origin, want in [("http://evil.example", 403), ("null", 403),
                     (BASE + ".evil.example", 403), ("https://" + HOSTPORT, 403)]:
    st, _, _ = raw("POST", "/login", dict(ck, Origin=origin),
                   login_body(tok, SLOW_USER, SLOW_PW))
    check("POST /login from Origin %s refused" % origin, st == want, st)
st, _, _ = raw("POST", "/login", ck, login_body(tok, SLOW_USER, SLOW_PW))
check("POST without Origin or Referer refused", st == 403, st)
st, _, _ = raw("POST", "/login", dict(ck, Referer="http://evil.example/login"),
               login_body(tok, SLOW_USER, SLOW_PW))
check("POST with a foreign Referer refused", st == 403, st)
st, _, _ = raw("POST", "/login", dict(ck, Referer=BASE + "/login"),
               login_body(tok, SLOW_USER, SLOW_PW))
check("POST with our Referer accepted", st == 200, st)
st, _, _ = raw("POST", "/login", dict(ck, Origin=BASE, Host="evil.example"),
               login_body(tok, SLOW_USER, SLOW_PW))
check("POST with our Origin but another Host refused", st in (403, 421), st)

# --- the pre-login cookie is server-issued only
chosen = "a" * 64
st, h, _ = raw("GET", "/login", {"Host": HOSTPORT, "Cookie": "mk_pre=" + chosen})
check("client-chosen mk_pre replaced", "mk_pre=" in h.get("Set-Cookie", "") and
      chosen not in h.get("Set-Cookie", ""), h.get("Set-Cookie"))
st, _, _ = raw("POST", "/login", {"Host": HOSTPORT, "Origin": BASE,
                                  "Cookie": "mk_pre=" + chosen},
               login_body(chosen, SLOW_USER, SLOW_PW))
check("login with a client-chosen token refused", st == 403, st)
forged = tok[:-2] + ("00" if tok[-2:] != "00" else "11")
st, _, _ = raw("POST", "/login", {"Host": HOSTPORT, "Origin": BASE,
                                  "Cookie": "mk_pre=" + forged},
               login_body(forged, SLOW_USER, SLOW_PW))
check("login with a forged token refused", st == 403, st)

# --- HEAD where GET is served
for p in ["/login", "/static/style.css"]:
    st, h, body = raw("HEAD", p, {"Host": HOSTPORT})
    check("HEAD %s served" % p, st == 200 and body == "" and "Content-Security-Policy" in h, st)
st, h, _ = raw("HEAD", "/items", {"Host": HOSTPORT})
check("HEAD /items needs a session", st == 303, st)

# --- 16 parallel logins do not make a static file or a page wait (item 4)
tokens = [pre_token() for _ in range(16)]
done = []


def slow_login(t):
    st, _, _ = raw("POST", "/login", {"Host": HOSTPORT, "Origin": BASE,
                                      "Cookie": "mk_pre=" + t},
                   login_body(t, SLOW_USER, SLOW_PW))
    done.append(st)


t0 = time.monotonic()
threads = [threading.Thread(target=slow_login, args=(t,)) for t in tokens]
for t in threads:
    t.start()
time.sleep(0.05)
s0 = time.monotonic()
st_css, _, _ = raw("GET", "/static/style.css", {"Host": HOSTPORT})
css_s = time.monotonic() - s0
s0 = time.monotonic()
st_page, _, _ = raw("GET", "/login", {"Host": HOSTPORT})
page_s = time.monotonic() - s0
for t in threads:
    t.join()
flood_s = time.monotonic() - t0
print("gate.py: 16 logins %.2fs, stylesheet %.3fs, login page %.3fs during them"
      % (flood_s, css_s, page_s))
check("16 parallel logins succeed", done.count(200) == 16, done)
check("stylesheet not delayed by logins", st_css == 200 and css_s < max(0.25, flood_s / 4),
      "%.3fs of %.2fs" % (css_s, flood_s))
check("page not delayed by logins", st_page == 200 and page_s < max(0.25, flood_s / 4),
      "%.3fs of %.2fs" % (page_s, flood_s))

# --- a login flood from one address is throttled before argon2 (item 4)
codes, slow429 = [], 0
for i in range(60):
    s0 = time.monotonic()
    st, h, _ = raw("POST", "/login", {"Host": HOSTPORT, "Origin": BASE,
                                      "Cookie": "mk_pre=" + tokens[0]},
                   login_body(tokens[0], SLOW_USER, "wrong-%d" % i))
    codes.append(st)
    if st == 429 and time.monotonic() - s0 > 0.05:
        slow429 += 1
check("login flood throttled (429)", codes.count(429) >= 10, codes)
check("throttled logins answered at once", slow429 == 0, slow429)
check("429 says when to retry", "Retry-After" in h, h)
anon = Client(BASE, 10)
st, _, _ = anon.req("GET", "/static/style.css")
check("server serves after the flood", st == 200, st)

check.done()
