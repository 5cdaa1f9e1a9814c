#!/usr/bin/env python3
"""accounts.py BASE CONF MK ADMIN_PW - account lifecycle of issue 18 item 10.

Rows: an approver added by one admin is pending (operator rights at most, on
the web and the CLI) until a second admin confirms it; the granter cannot
confirm; web.max_admins caps admin accounts; delete needs a ticked box, not
oneself, keeps the audit events; a second-factor reset makes the account
pending; the unused-accounts filter; config loads are audit events.
Needs accounts root and adm2 (confirmed admins), op1, ap1 (enrolled by
attack.py) and request 1 (op1's, pending) from attack.py.
"""
import os
import re
import subprocess
import sys

from webclient import Checks, Client, next_code

BASE, CONF, MK, ADMIN_PW = sys.argv[1:5]
check = Checks("accounts.py")


def cli(args, pw, totp=None, **env):
    e = dict(os.environ, MUKAIKA_PASSWORD=pw, **env)
    if totp:
        e["MUKAIKA_TOTP"] = next_code(totp)
    return subprocess.run([MK] + args + ["--config", CONF], capture_output=True, text=True,
                          env=e, stdin=subprocess.DEVNULL)


root = Client(BASE, 20)
st, page = root.login("root", ADMIN_PW)
check("root logs in", st == 200 and "prev-login" in page, st)
tok = root.csrf("/users")
st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "add", "name": "ap2",
                                          "role": "approver"})
m = re.search(r'id="temp-pw">([^<]+)<', page)
check("admin adds approver ap2", st == 200 and m, st)
check("ap2 shown pending", "確認待ち" in page, "")
out = cli(["user", "passwd", "--as", "ap2", "ap2"], m.group(1) if m else "",
          MUKAIKA_NEW_PASSWORD="approver2-password-02")
check("ap2 sets its password", out.returncode == 0, out.stderr)

ap2 = Client(BASE, 20)
st, page = ap2.login("ap2", "approver2-password-02")
check("pending ap2 enrols its second factor and is told", st == 200 and
      'id="pending-account"' in page, st)
atok = ap2.csrf("/approvals")
st, _, page = ap2.req("POST", "/request/1/approve", {"csrf": atok, "confirm": "1"})
check("pending approver cannot approve (web)", st == 403, st)
out = cli(["quarantine", "approve", "--as", "ap2", "1"], "approver2-password-02", totp="ap2")
check("pending approver cannot approve (CLI)", out.returncode != 0 and
      "role may not" in out.stderr, out.stdout + out.stderr)
st, _, page = ap2.req("POST", "/users", {"csrf": atok, "op": "confirm", "name": "ap2"})
check("pending account cannot confirm itself", st == 403, st)

st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "confirm", "name": "ap2"})
check("the granter cannot confirm", 'id="msg"' in page and "two-person" in page, st)
adm2 = Client(BASE, 20)
st, page = adm2.login("adm2", "admin2-password-0002")
check("adm2 logs in", st == 200, st)
tok2 = adm2.csrf("/users")
check("adm2 sees a confirm button", 'class="op-confirm"' in adm2.req("GET", "/users")[2], "")
st, _, page = adm2.req("POST", "/users", {"csrf": tok2, "op": "confirm", "name": "ap2"})
check("a second admin confirms", st == 200 and 'id="msg"' not in page, page[-300:])
st, _, page = ap2.req("POST", "/request/1/deny", {"csrf": atok, "comment": "no"})
check("confirmed ap2 decides (same session)", st == 303, st)

# web.max_admins (default 5): root, adm2 + three
for i, name in enumerate(["adm3", "adm4", "adm5", "adm6"]):
    st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "add", "name": name,
                                              "role": "admin"})
    if i < 3:
        check("admin %s added" % name, 'id="temp-pw"' in page, st)
    else:
        check("web.max_admins refuses %s" % name, "max_admins" in page and
              'id="temp-pw"' not in page, st)

st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "delete", "name": "adm5"})
check("delete without the ticked box refused", 'id="msg"' in page, st)
st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "delete", "name": "root",
                                          "sure": "1"})
check("deleting oneself refused", 'id="msg"' in page, st)
st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "delete", "name": "adm5",
                                          "sure": "1"})
check("admin deletes adm5", 'id="msg"' not in page and ">adm5<" not in page, st)
st, _, page = root.req("GET", "/audit?what=user.delete")
check("the deletion is on record", "adm5" in page, st)

st, _, page = root.req("GET", "/users?unused=0")
check("unused=0 lists every account", page.count('class="user-row"') >= 6, st)
st, _, page = root.req("GET", "/users?unused=10000")
check("unused=10000 lists none", 'class="user-row"' not in page, st)
out = cli(["user", "list", "--unused", "0"], "")
check("CLI user list --unused", out.returncode == 0 and "ap2" in out.stdout, out.stderr)

st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "mfa_reset", "name": "ap1"})
check("admin resets ap1's second factor", 'id="msg"' not in page, st)
out = cli(["quarantine", "approve", "--as", "ap1", "1"], "approver-password-01")
check("after the reset ap1 is pending (operator rights)", out.returncode != 0 and
      "role may not" in out.stderr, out.stdout + out.stderr)
st, _, page = adm2.req("POST", "/users", {"csrf": tok2, "op": "confirm", "name": "ap1"})
check("adm2 confirms ap1", 'id="msg"' not in page, st)
st, _, page = root.req("POST", "/users", {"csrf": tok, "op": "mfa_reset", "name": "root"})
check("own second factor cannot be reset", 'id="msg"' in page, st)

st, _, page = root.req("GET", "/audit?what=config.load")
check("config loads are audited", "mukaika-web" in page and "sha256=" in page, st)
check.done()
