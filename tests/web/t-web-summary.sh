#!/bin/bash
# NAME
#   t-web-summary.sh - the daily summary on the dashboard equals `mukaika
#   report`
#
# DESCRIPTION
#   Besides web_init's two held items, three plain mails and an EICAR file
#   go through `mukaika sanitize`.  A viewer logs in (python3 urllib) and
#   reads /dashboard: the table id="daily-summary" has 7 days, newest
#   first; today's cells (items, mail, file, each verdict) equal the
#   counts of `mukaika report --format json` for today, and the other
#   days are 0.  In English the heading is "Daily summary".
. "$(dirname "$0")/web-lib.sh"
web_init
printf 'From: a@example.org\nTo: b@lg.example.jp\nSubject: s\n\nhello\n' > "$T/p.eml"
for i in 1 2 3; do "$MK" sanitize --config "$CONF" -q -o "$T/p$i.out" "$T/p.eml" || mk_die "sanitize $i"; done
mk_eicar "$T/e.txt"
"$MK" sanitize --config "$CONF" -q --file -o "$T/e.out" "$T/e.txt"; [ $? -le 3 ] || mk_die "sanitize eicar"
web_account viewer1 viewer 'viewer-password-01'
"$MK" report --config "$CONF" --format json > "$T/report.json" || mk_die "report"
web_start
cd "$(dirname "$0")" && python3 - "$BASE" "$T/report.json" <<'EOF'
import json, re, sys, collections, datetime
from webclient import Client, Checks
base, rj = sys.argv[1], sys.argv[2]
ck = Checks("t-web-summary")
rows = json.load(open(rj))["items"]
want = collections.Counter()
for r in rows:
    want["items"] += 1
    want[r["channel"]] += 1
    want[r["verdict"]] += 1
c = Client(base)
st, _ = c.login("viewer1", "viewer-password-01", mfa=False)
st, _, page = c.req("GET", "/dashboard")
ck("dashboard 200", st == 200, st)
m = re.search(r'<table id="daily-summary".*?</table>', page, re.S)
ck("daily summary table present", m is not None)
table = m.group(0) if m else ""
cells = re.findall(r'<td data-day="([0-9-]+)" data-col="([a-z]+)">([0-9]+)</td>', table)
days = sorted({d for d, _, _ in cells}, reverse=True)
today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
ck("7 days, newest first", len(days) == 7 and days[0] == today and
   re.findall(r'data-day="([0-9-]+)"', table)[0] == today, days)
got = {col: int(n) for d, col, n in cells if d == today}
bad = {k: (got.get(k), want[k]) for k in ["items", "mail", "file", "pass", "cleaned",
       "stripped", "quarantined", "rejected"] if got.get(k) != want[k]}
ck("today's cells equal mukaika report (%d items)" % want["items"], not bad, bad)
ck("report counted the test's items", want["items"] == 6 and want["mail"] == 4, dict(want))
ck("older days are 0", all(int(n) == 0 for d, _, n in cells if d != today))
c.req("GET", "/login?lang=en")
st, _, page = c.req("GET", "/dashboard")
ck("English heading", "Daily summary (UTC, every item processed)" in page)
sys.exit(ck.done())
EOF
