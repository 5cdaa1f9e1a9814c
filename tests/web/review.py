#!/usr/bin/env python3
"""review.py BASE CONF MK ADMIN_PW SINK MAIL_ID FILE_ID - what a reviewer works
with (issue 18): the safe view of a held original, mail notifications, bulk
deny/delete (delete stays two-person), audit filters and export.

Runs after attack.py and accounts.py (request 1 by op1 denied by ap2, request
2 by ap1 pending; accounts root, adm2, op1, viewer1) with [notify] approvers
and account_domain set.  Deletes both held items at its end.
"""
import glob
import hashlib
import re
import sys

from webclient import Checks, Client

BASE, CONF, MK, ADMIN_PW, SINK, MAIL_ID, FILE_ID = sys.argv[1:8]
check = Checks("review.py")


def sink_mails():
    out = []
    for p in sorted(glob.glob(SINK + "/*.eml")):
        out.append((open(p.replace(".eml", ".env")).read(), open(p, "rb").read()))
    return out


# --- notifications (attack.py asked for #1, accounts.py denied it) ---------
mails = sink_mails()
waiting = [m for e, m in mails if "RCPT TO:<approvers@lg.example.jp>" in e and
           b"\r\n" in m and "申請番号 / Request: 1".encode() in m]
check("approvers mailed when request 1 waits", len(waiting) == 1, len(mails))
decided = [m for e, m in mails if "RCPT TO:<op1@lg.example.jp>" in e]
check("requester mailed when request 1 was denied", len(decided) == 1 and
      "却下されました".encode() in decided[0] and b"Decided by: ap2" in decided[0],
      [m[:300] for m in decided])
check("notification carries no original", all(b"<script>" not in m for _, m in mails
                                              if b"Auto-Submitted" in m), "")

root = Client(BASE, 20)
st, page = root.login("root", ADMIN_PW)
check("root logs in", st == 200, st)

# --- safe view ----------------------------------------------------------
st, h, page = root.req("GET", "/item/%s" % MAIL_ID)
check("item page links the safe view", 'id="safe-view"' in page, st)
st, h, page = root.req("GET", "/item/%s/view" % MAIL_ID)
csp = " ".join(v for k, v in h.items() if k.lower() == "content-security-policy")
check("safe view answers", st == 200, st)
check("safe view CSP: nothing runs or loads", "sandbox" in csp and "img-src 'none'" in csp,
      csp)
check("all headers shown", 'id="sv-headers"' in page and "Message-ID" in page and
      "&lt;t1@example.com&gt;" in page, "")
check("From display name and address apart", re.search(
    r'sv-from-name.*?<td>Sender</td>', page, re.S) and "sender@example.com" in page, "")
html = b"<html><body><p>Hello <b>world</b> <script>alert(1)</script></p></body></html>\n"
check("the part's sha256 shown", hashlib.sha256(html).hexdigest() in page, "")
check("html body as text only", "Hello" in page and "world" in page and
      "alert(1)" not in page and "<script" not in page and "<b>world" not in page, "")
check("decoded subject header", "請求書" in page, "")
st, _, page = root.req("GET", "/item/%s/view" % FILE_ID)
check("file safe view: text and hash", st == 200 and "echo hi" in page and
      hashlib.sha256(b"#!/bin/sh\necho hi\n").hexdigest() in page, st)
st, _, page = root.req("GET", "/item/..%2f..%2fetc%2fpasswd/view")
check("safe view refuses a bad id", st == 404, st)
st, _, page = root.req("GET", "/audit?what=item.view")
check("safe views are audited", MAIL_ID in page, st)

# --- bulk -----------------------------------------------------------------
tok = root.csrf("/approvals")
op = Client(BASE, 20)
op.login("op1", "operator-password-01")
otok = op.csrf("/items")
st, _, _ = op.req("POST", "/approvals/bulk", {"csrf": otok, "op": "deny", "sel_2": "1",
                                               "sure": "1"})
check("operator cannot bulk-deny", st == 403, st)
st, _, _ = op.req("POST", "/items/bulk", {"csrf": otok, "op": "request_delete",
                                           "sel_" + MAIL_ID: "1", "sure": "1"})
check("operator cannot bulk-delete", st == 403, st)
st, _, page = root.req("GET", "/approvals")
check("approvals list has a bulk form", 'id="bulk-requests"' in page and
      'name="sel_2"' in page, st)
st, _, _ = root.req("POST", "/approvals/bulk", {"csrf": tok, "op": "deny", "sel_2": "1"})
check("bulk without the ticked box refused", st == 400, st)
st, _, page = root.req("POST", "/approvals/bulk", {
    "csrf": tok, "op": "deny", "sel_2": "1", "sel_1": "1", "sel_999": "1", "sure": "1",
    "comment": "=cmd|' /C calc'!A0"})
check("bulk deny: pending one denied, others refused", st == 200 and
      page.count('class="bulk-ok"') == 1 and page.count('class="bulk-refused"') == 2, page[-600:])
st, _, page = root.req("GET", "/items")
check("items list has a bulk form (admin)", 'id="bulk-items"' in page and
      ('name="sel_%s"' % MAIL_ID) in page, st)
itok = root.csrf("/items")
st, _, page = root.req("POST", "/items/bulk", {"csrf": itok, "op": "request_delete",
                                              "sel_" + MAIL_ID: "1", "sel_" + FILE_ID: "1",
                                              "sure": "1"})
check("bulk delete asks for two deletions", page.count('class="bulk-ok"') == 2, page[-600:])
st, _, page = root.req("GET", "/item/%s" % MAIL_ID)
check("nothing deleted by one admin", st == 200, st)
adm2 = Client(BASE, 20)
adm2.login("adm2", "admin2-password-0002")
a2 = adm2.csrf("/approvals")
reqs = re.findall(r'name="sel_(\d+)"', adm2.req("GET", "/approvals")[2])
check("two deletion requests wait", len(reqs) == 2, reqs)
st, _, page = root.req("POST", "/approvals/bulk", dict(
    {"csrf": tok, "op": "approve_delete", "sure": "1"}, **{"sel_" + i: "1" for i in reqs}))
check("the requesting admin cannot approve its deletions",
      page.count('class="bulk-refused"') == 2 and "two-person" in page, page[-600:])
st, _, page = adm2.req("POST", "/approvals/bulk", dict(
    {"csrf": a2, "op": "approve_delete", "sure": "1"}, **{"sel_" + i: "1" for i in reqs}))
check("a second admin approves both deletions", page.count('class="bulk-ok"') == 2,
      page[-600:])
for i in (MAIL_ID, FILE_ID):
    st, _, _ = root.req("GET", "/item/%s" % i)
    check("%s deleted" % i, st == 404, st)
mails = sink_mails()
check("deletion requests mailed to the approvers", sum(
    1 for e, m in mails if "approvers@lg.example.jp" in e and
    "種類 / Kind: 削除".encode() in m) == 2, len(mails))

# --- audit filters and export ----------------------------------------------
st, _, page = root.req("GET", "/audit?what=release.&since=2000-01-01")
rows = re.findall(r'<tr class="audit-row">(.*?)</tr>', page, re.S)
check("audit filter by action prefix", rows and all("release." in r for r in rows), len(rows))
check("audit filter form keeps values", 'id="a-what"' in page and 'value="release."' in page,
      "")
st, _, page = root.req("GET", "/audit?until=2000-01-01")
check("audit date filter", 'class="audit-row"' not in page, st)
st, h, body = root.req("GET", "/audit/export?format=csv&what=release.deny")
check("CSV export", st == 200 and h.get("Content-Type", "").startswith("text/csv") and
      "attachment" in h.get("Content-Disposition", "") and
      body.startswith("id,time,who,ip,what,item,result,detail"), (st, h))
check("CSV export neutralises formulas", "'=cmd" in body and ",\"=cmd" not in body and
      ",=cmd" not in body, body[-300:])
st, h, body = root.req("GET", "/audit/export?format=json&who=adm2")
check("JSON export", st == 200 and '"who":"adm2"' in body.replace(" ", ""), st)
st, _, _ = op.req("GET", "/audit/export?format=csv")
check("operator cannot export", st == 403, st)
st, _, page = root.req("GET", "/audit?what=audit.export")
check("exports are audited", "audit.export" in page, st)
check.done()
