#!/bin/bash
# NAME
#   t-counts.sh - end-to-end: what the metrics textfiles and `mukaika report`
#   count is what was sent through the real gateway and drop folder
#
# DESCRIPTION
#   A private gateway (real Postfix + mukaika-milter + smtp-sink; metrics
#   written every second) gets a known mix, each mail's SMTP reply checked:
#     3 plain text mails      250  cleaned (the body is always rebuilt)
#     1 mail with an .exe     250  stripped
#     2 EICAR-only mails      550  rejected
#     1 body over the cap     552  too-big
#     1 mail, DB removed      451  tempfail   (DB back afterwards)
#   Then mukaika-milter.prom must show exactly these per verdict, the
#   histogram must count all 8, nothing in flight, the engine ready and the
#   signature age set.  mukaika-dropd --once on the same configuration gets
#   2 text files and 1 EICAR file: mukaika-dropd.prom shows 2 pass and
#   1 rejected.  `mukaika report --format json` for today must count
#   every finished item (not the too-big refusal, not the tempfail: they
#   never were items) per channel and verdict, equal to the textfiles, in
#   its rows and in its totals (count, mail, file, mail_verdicts,
#   file_verdicts).
#   `mukaika health` writes mukaika-health.prom with its status.
. "$(dirname "$0")/lib.sh"
e2e_init
printf '[limits]\nmax_message_size = 1M\n[metrics]\ninterval_s = 1\n[dropd]\nin_dir = %s\nout_dir = %s\nwork_dir = %s\nsettle_ms = 100\n' \
	"$T/in" "$T/out" "$T/work" >"$T/extra.conf"
e2e_start "$T/extra.conf"
CLI=$GW_CLI_BIN
MDIR=$GW_DIR/state/metrics
D=$T/data
mkdir -p "$D"

# send EXPECTED_CODE ARGS...: one mail, its DATA reply code checked
sent=0
send() {
	local want=$1; shift
	e2e_swaks "$GW_SMTP_PORT" "$@"
	local got; got=$(e2e_data_code)
	[ "$got" = "$want" ] && sent=$((sent + 1)) || fail "expected $want, got: $(e2e_data_reply)"
}
for i in 1 2 3; do send 250 --header "Subject: plain $i" --body "hello $i"; done
send 250 --header 'Subject: tool' --attach-type application/octet-stream --attach-name tool.exe --attach /bin/true
e2e_eicar "$D/eicar.com"
send 550 --header 'Subject: eicar 1' --body "$(cat "$D/eicar.com")"
send 550 --header 'Subject: eicar 2' --body "$(cat "$D/eicar.com")"
head -c 1500000 /dev/urandom | base64 >"$D/big.txt"
send 552 --header 'Subject: big' --body "$D/big.txt"
dbdir=$(sed -n 's/^database_dir = //p' "$GW_CONF")
mv "$dbdir" "$dbdir.off"
kill -HUP "$(cat "$GW_MILTER_PID")"
e2e_wait_log 'engine not ready' 1 20 || fail "engine still ready without a DB"
send 451 --header 'Subject: db off' --body 'x'
mv "$dbdir.off" "$dbdir"
kill -HUP "$(cat "$GW_MILTER_PID")"
e2e_wait_log 'engine ready' 2 20 || fail "engine not ready after DB restore"
[ "$sent" = 8 ] && ok "8 mails got the expected replies" || fail "only $sent of 8 replies as expected"

# metric NAME LABELS FILE: the value of one series ("" when absent)
metric() {
	awk -v k="$1{$2}" '$1 == k { print $2 }' "$3"
}
M=$MDIR/mukaika-milter.prom
end=$((SECONDS + 20))
while [ $SECONDS -le $end ]; do
	[ "$(metric mukaika_item_duration_seconds_count 'daemon="milter",channel="mail"' "$M" 2>/dev/null)" = 8 ] &&
		[ "$(metric mukaika_engine_ready 'daemon="milter",channel="mail"' "$M")" = 1 ] && break
	sleep 0.2
done
L='daemon="milter",channel="mail"'
bad=
for vc in cleaned:3 stripped:1 rejected:2 too-big:1 tempfail:1 pass:0 quarantined:0 other:0; do
	v=${vc%%:*} want=${vc#*:}
	got=$(metric mukaika_items_total "$L,verdict=\"$v\"" "$M")
	[ "$got" = "$want" ] || bad="$bad $v=$got(want $want)"
done
[ -z "$bad" ] && ok "milter textfile counts what was sent per verdict" || fail "milter textfile:$bad"
[ "$(metric mukaika_item_duration_seconds_count "$L" "$M")" = 8 ] &&
	[ "$(metric mukaika_item_duration_seconds_bucket "$L,le=\"+Inf\"" "$M")" = 8 ] &&
	ok "latency histogram counts all 8" || fail "histogram: $(grep duration_seconds_count "$M")"
[ "$(metric mukaika_items_in_flight "$L" "$M")" = 0 ] && ok "nothing in flight" || fail "in flight: $(grep in_flight "$M")"
[ "$(metric mukaika_findings_total "$L,code=\"virus\"" "$M")" = 2 ] && ok "2 virus findings" ||
	fail "virus findings: $(grep 'code="virus"' "$M")"
age=$(metric mukaika_signature_db_age_seconds "$L" "$M")
[ -n "$age" ] && [ "$age" -lt 3600 ] && ok "signature DB age $age s" || fail "signature age: '$age'"
[ "$(stat -c %a "$M")" = 644 ] && ok "textfile mode 0644" || fail "textfile mode $(stat -c %a "$M")"

# ---- drop folder --------------------------------------------------------------
umask 0
mkdir -p "$T/in"
echo "first file" >"$T/in/a.txt"
echo "second file" >"$T/in/b.txt"
cp "$D/eicar.com" "$T/in/c.txt"
sleep 0.3
if "$MK_BUILDDIR/src/dropd/mukaika-dropd" --once --config "$GW_CONF" >"$T/dropd.out" 2>&1; then
	ok "dropd --once handled the folder"
else
	fail "dropd --once: $(tail -3 "$T/dropd.out")"
fi
F=$MDIR/mukaika-dropd.prom
L2='daemon="dropd",channel="file"'
bad=
for vc in pass:2 rejected:1 cleaned:0 quarantined:0 tempfail:0; do
	v=${vc%%:*} want=${vc#*:}
	got=$(metric mukaika_items_total "$L2,verdict=\"$v\"" "$F")
	[ "$got" = "$want" ] || bad="$bad $v=$got(want $want)"
done
[ -z "$bad" ] && ok "dropd textfile counts the 3 files" || fail "dropd textfile:$bad"

# ---- mukaika report: the same counts -------------------------------------------
day=$(date -u +%F)
"$CLI" report --config "$GW_CONF" --from "$day" --to "$day" --format json >"$T/report.json" 2>"$T/report.err" ||
	fail "mukaika report: $(cat "$T/report.err")"
if out=$(python3 - "$T/report.json" "$M" "$F" <<'EOF'
import json, sys, collections
rep = json.load(open(sys.argv[1]))
got = collections.Counter((r['channel'], r['verdict']) for r in rep['items'])
tot = collections.Counter({(ch, v): n for ch in ('mail', 'file')
                           for v, n in rep[ch + '_verdicts'].items() if n})
if tot != got or rep['count'] != len(rep['items']) or rep['mail'] != 6 or rep['file'] != 3:
    print('totals %s count %s mail %s file %s, rows %s' % (dict(tot), rep['count'],
          rep['mail'], rep['file'], dict(got))); sys.exit(1)
def prom(path, ch):
    c = collections.Counter()
    for line in open(path):
        if line.startswith('mukaika_items_total{'):
            lab, val = line.rsplit(' ', 1)
            v = lab.split('verdict="')[1].split('"')[0]
            if v not in ('tempfail', 'too-big') and int(val):
                c[(ch, v)] = int(val)
    return c
want = prom(sys.argv[2], 'mail') + prom(sys.argv[3], 'file')
exp = {('mail', 'cleaned'): 3, ('mail', 'stripped'): 1, ('mail', 'rejected'): 2,
       ("file", "pass"): 2, ("file", "rejected"): 1}
if got != want or dict(got) != exp:
    print('report %s, textfiles %s, sent %s' % (dict(got), dict(want), exp)); sys.exit(1)
print('%d items' % sum(got.values()))
EOF
); then ok "mukaika report counts = textfiles = what was sent ($out)"; else fail "$out"; fi
"$CLI" report --config "$GW_CONF" --from "$day" --to "$day" >"$T/report.txt" 2>&1
if grep -q '^items 9 (mail 6, file 3)' "$T/report.txt" &&
	grep -Eq '^cleaned +3 +0 +3$' "$T/report.txt" && grep -Eq '^rejected +2 +1 +3$' "$T/report.txt"; then
	ok "text report: 9 items, mail 6, file 3"
else
	fail "text report: $(head -12 "$T/report.txt" | tr '\n' '|')"
fi

# ---- mukaika health's textfile ---------------------------------------------------
"$CLI" health --config "$GW_CONF" --skip clock >"$T/health.out" 2>&1
H=$MDIR/mukaika-health.prom
if [ -s "$H" ] && grep -q '^mukaika_health_status{check="signatures"} 0$' "$H" &&
	grep -q '^mukaika_quarantine_items{status="held"} ' "$H"; then
	ok "health textfile ($(grep -c '^mukaika_' "$H") series)"
else
	fail "health textfile: $(cat "$T/health.out"; head -c 600 "$H" 2>/dev/null)"
fi
e2e_finish
