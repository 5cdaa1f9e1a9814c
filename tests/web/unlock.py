#!/usr/bin/env python3
"""unlock.py BASE SINKDIR RIGHT - the PPAP password form of mukaika-web.

Accounts op1 (operator) and viewer1 (viewer) and the held items
ppap-web-0001 (clean member) and ppap-web-0002 (EICAR member) come from
t-web-unlock.sh.  Exit 0 when every check passed.
"""
import glob
import re
import sys

from webclient import Client

BASE, SINK, RIGHT = sys.argv[1], sys.argv[2], sys.argv[3]
FAILS = []


def check(name, cond, info=""):
    print(("ok: " if cond else "FAIL: ") + name + ("" if cond else " " + str(info)[:300]))
    if not cond:
        FAILS.append(name)


def delivered():
    return sum(1 for f in glob.glob(SINK + "/*.eml")
               if "X-Mukaika-Unlocked-By: op1 (item ppap-web-" in open(f, errors="replace").read())


viewer = Client(BASE, 60)
viewer.login("viewer1", "viewer-password-01")
_, _, page = viewer.req("GET", "/item/ppap-web-0001")
check("viewer sees no unlock form", 'id="archive-pw"' not in page and "ppap-web-0001" in page)
tok = viewer.csrf("/item/ppap-web-0001")
st, _, _ = viewer.req("POST", "/item/ppap-web-0001/unlock",
                      {"csrf": tok, "password": RIGHT})
check("viewer unlock refused", st == 403, st)

op = Client(BASE, 60)
op.req("GET", "/?lang=en")
op.login("op1", "operator-password-01")
_, _, page = op.req("GET", "/item/ppap-web-0001")
check("operator sees the unlock form", 'id="archive-pw"' in page and 'type="password"' in page,
      page[-400:])
_, _, other = op.req("GET", "/item/web-mail-0001")
check("no form on an item without encrypted content", 'id="archive-pw"' not in other)
tok = op.csrf("/item/ppap-web-0001")
check("the form posts to /item/ID/unlock",
      'action="/item/ppap-web-0001/unlock"' in page and 'name="op"' not in page, page[-400:])
st, _, _ = op.req("GET", "/item/ppap-web-0001/unlock")
check("GET /item/ID/unlock is no route", st == 404, st)
st, _, _ = op.req("POST", "/item/ppap-web-0001/request",
                  {"csrf": tok, "op": "unlock", "password": RIGHT})
check("the old op=unlock on /request is refused (400)", st == 400, st)
_, _, page = op.req("GET", "/approvals")
check("... and made no release request", "ppap-web-0001" not in page, page[-400:])
st, _, _ = op.req("POST", "/item/..%2Fetc/unlock", {"csrf": tok, "password": RIGHT})
check("unlock: traversal id refused", st == 404, st)
st, _, _ = op.req("POST", "/item/no-such-item-9/unlock", {"csrf": tok, "password": RIGHT})
check("unlock: unknown item 404", st == 404, st)
st, _, _ = op.req("POST", "/item/ppap-web-0001/unlock",
                  {"csrf": "0" * 64, "password": RIGHT})
check("unlock without CSRF token refused", st in (400, 403), st)
check("nothing delivered yet", delivered() == 0)
st, _, page = op.req("POST", "/item/ppap-web-0001/unlock",
                     {"csrf": tok, "password": "wrong-one"})
check("wrong password refused", st == 403 and 'id="why"' in page and "wrong password" in page,
      (st, page[-300:]))
check("wrong password not echoed", "wrong-one" not in page)
st, _, page = op.req("POST", "/item/ppap-web-0002/unlock",
                     {"csrf": tok, "password": RIGHT})
check("eicar: still held", st == 403 and "still held" in page, (st, page[-300:]))
check("eicar: nothing delivered", delivered() == 0)
st, h, page = op.req("POST", "/item/ppap-web-0001/unlock",
                     {"csrf": tok, "password": RIGHT})
check("right password: redirect", st == 303 and "msg=unlocked" in h.get("Location", ""),
      (st, h, page[-300:]))
check("right password: delivered once", delivered() == 1)
_, _, page = op.req("GET", "/item/ppap-web-0001?msg=unlocked")
check("item shows unlocked", re.search(r'id="m-status">[^<]*<small class="code">unlocked<', page) and 'id="archive-pw"' not in page,
      page[:200])
_, _, page = op.req("GET", "/audit?what=item.unlock")
check("audit shows the attempts", page.count("item.unlock") >= 3 and "wrong_password" in page
      and "still_held" in page, page[-500:])
check("no password in the audit page", RIGHT not in page and "wrong-one" not in page)
print("unlock.py: %d failed" % len(FAILS))
sys.exit(1 if FAILS else 0)
