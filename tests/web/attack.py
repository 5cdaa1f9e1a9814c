#!/usr/bin/env python3
"""attack.py BASE MAIL_ID CONF MK - HTTP attack set against mukaika-web.

Each check is a row; a failing row is printed and the exit status is 1.
"""
import http.cookiejar
import os
import subprocess
import sys

from webclient import Client, next_code

BASE, MAIL_ID, CONF, MK = sys.argv[1:5]
FAILS = []
PASSES = [0]

HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def check(name, cond, info=""):
    if cond:
        PASSES[0] += 1
    else:
        FAILS.append(name)
        print("FAIL: %s %s" % (name, info))


def headers_ok(h):
    return all(v in h.get(k, "") for k, v in HEADERS.items())


anon = Client(BASE, 10)
PAGES = ["/", "/dashboard", "/items", "/item/" + MAIL_ID, "/approvals", "/audit",
         "/users", "/exceptions", "/passwd"]
for p in PAGES:
    st, h, body = anon.req("GET", p)
    check("anon GET %s redirects to login" % p, st == 303 and h.get("Location") == "/login", st)
    check("anon GET %s headers" % p, headers_ok(h), h)
ACTIONS = [("/item/%s/request" % MAIL_ID, {"reason": "x"}), ("/request/1/approve", {}),
           ("/item/%s/unlock" % MAIL_ID, {"password": "x"}),
           ("/users", {"op": "add", "name": "evil", "role": "admin"}),
           ("/exceptions", {"op": "propose"}), ("/logout", {}), ("/passwd", {})]
for p, d in ACTIONS:
    st, _, _ = anon.req("POST", p, d)
    check("anon POST %s refused" % p, st == 403, st)
forged = Client(BASE, 10)
forged.jar.set_cookie(http.cookiejar.Cookie(
    0, "mk_session", "a" * 64, None, False, "127.0.0.1", False, False, "/", True,
    False, None, False, None, None, {}))
st, _, _ = forged.req("GET", "/items")
check("forged session refused", st == 303, st)
st, _, _ = anon.req("POST", "/login", {"user": "root", "password": "x"})
check("login POST without pre-login token refused", st == 403, st)

viewer = Client(BASE, 10)
st, page = viewer.login("viewer1", "viewer-password-01")
check("viewer logs in", st == 200 and "failed-since" in page, st)
st, _, page = viewer.req("GET", "/items?until=2000-01-01")
check("date filter: nothing before 2000", st == 200 and MAIL_ID not in page, st)
st, _, page = viewer.req("GET", "/items?since=2000-01-01&text=web-")
check("date filter: since 2000", MAIL_ID in page, st)
st, h, page = viewer.req("GET", "/items")
check("viewer sees items", st == 200 and MAIL_ID in page and headers_ok(h), st)
check("session cookie flags", any(c.name == "mk_session" and c.has_nonstandard_attr("HttpOnly")
                                  for c in viewer.jar), [c for c in viewer.jar])
tok = viewer.csrf("/items")
for p, d in [("/users", {"op": "add", "name": "evil", "role": "admin"}),
             ("/users", {"op": "role", "name": "viewer1", "role": "admin"}),
             ("/exceptions", {"op": "propose", "pattern": "@evil.example", "action": "allow",
                              "reason": "x", "days": "9"}),
             ("/item/%s/request" % MAIL_ID, {"reason": "x"}),
             ("/item/%s/unlock" % MAIL_ID, {"password": "x"}),
             ("/request/1/approve", {})]:
    d = dict(d, csrf=tok)
    st, _, _ = viewer.req("POST", p, d)
    check("viewer POST %s refused" % p, st in (403, 404), st)
for p in ["/users", "/exceptions"]:
    st, _, _ = viewer.req("GET", p)
    check("viewer GET %s refused" % p, st == 403, st)

op = Client(BASE, 10)
op.login("op1", "operator-password-01")
st, _, page = op.req("GET", "/passwd")
check("password rules shown in Japanese", 'id="pw-rules"' in page and "文字以上" in page and
      "password1234" in page, st)
tok = op.csrf("/items")
for weak, why in [("password1234", "よく使われる"), ("Dragon2024!!", ""),
                  ("op1-Long-enough-pw", "アカウント名"), ("alllowercaseletters", "種類")]:
    st, _, page = op.req("POST", "/passwd", {"csrf": tok, "old": "operator-password-01",
                                             "new": weak, "new2": weak})
    check("web refuses password %s" % weak, st == 400 and why in page and
          'class="error"' in page, st)
st, _, _ = op.req("POST", "/users", {"csrf": tok, "op": "role", "name": "op1", "role": "admin"})
check("operator self-escalation refused", st == 403, st)
st, _, _ = op.req("POST", "/item/%s/request" % MAIL_ID, {"reason": "need it"})
check("operator POST without CSRF token refused", st == 403, st)
st, _, _ = op.req("POST", "/item/%s/request" % MAIL_ID, {"reason": "need it", "csrf": "0" * 64})
check("operator POST with wrong CSRF token refused", st == 403, st)
st, h, _ = op.req("POST", "/item/%s/request" % MAIL_ID, {"reason": "need it", "csrf": tok})
check("operator request accepted", st == 303, st)
st, _, page = op.req("POST", "/request/1/approve", {"csrf": tok, "confirm": "1"})
check("operator cannot approve (role)", st == 403, st)
ap = Client(BASE, 10)
ap.login("ap1", "approver-password-01")
atok = ap.csrf("/approvals")
# the CLI asks an enrolled account for its second factor too (#18)
out = subprocess.run([MK, "quarantine", "request", "--config", CONF, "--as", "ap1",
                      "--reason", "mine", "web-file-0001"], input="approver-password-01\n",
                     capture_output=True, text=True)
check("CLI without the second factor refused", out.returncode == 1 and
      "second factor" in out.stderr, out.stderr)
out = subprocess.run([MK, "quarantine", "request", "--config", CONF, "--as", "ap1",
                      "--reason", "mine", "web-file-0001"], input="approver-password-01\n",
                     capture_output=True, text=True,
                     env=dict(os.environ, MUKAIKA_TOTP=next_code("ap1")))
check("approver requests via CLI", out.returncode == 0, out.stderr)
rid = out.stdout.strip()
st, _, page = ap.req("POST", "/request/%s/approve" % rid, {"csrf": atok, "confirm": "1"})
check("approver cannot approve own request", st == 403 and "two-person" in page, st)

TRAVERSAL = ["/item/..%2F..%2F..%2Fetc%2Fpasswd", "/item/../../../etc/passwd",
             "/item/%2e%2e", "/static/../../../../etc/passwd", "/item/" + MAIL_ID + "%00",
             "/item/a%2Fb", "/request/1%2F..%2F2/approve", "/item/" + "A" * 300,
             "/item/x'%3BDROP%20TABLE%20items%3B--"]
for p in TRAVERSAL:
    st, _, body = ap.req("GET", p)
    check("traversal %s refused" % p, st in (303, 404) and "root:" not in body, st)
st, _, _ = ap.req("PUT", "/items", body=b"x")
check("PUT refused", st == 405, st)
st, _, _ = ap.req("POST", "/items", body=b"a=" + b"x" * 70000)
check("oversized body refused", st == 413, st)
st, _, page = ap.req("GET", "/item/" + MAIL_ID)
check("item page escapes input", "<script>alert" not in page and "<b>x</b>" not in page, "")
check("item page has report tree", 'id="tree"' in page, "")
check("no original offered", "download" not in page.lower() and ".eml" not in page, "")
st, h, css = ap.req("GET", "/static/style.css")
check("stylesheet", st == 200 and h.get("Content-Type", "").startswith("text/css"), st)

print("attack.py: %d passed, %d failed" % (PASSES[0], len(FAILS)))
sys.exit(1 if FAILS else 0)
