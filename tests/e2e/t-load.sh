#!/bin/bash
# NAME
#   t-load.sh - end-to-end: 200 mails from 8 concurrent swaks clients
#
# DESCRIPTION
#   One private gateway; 8 clients send 25 mails each (plain text, HTML, a
#   small attachment) straight to the filtering smtpd.  A mail refused with a
#   4xx is sent again (up to 5 times), as an MTA would.  Then: exactly 200
#   mails delivered, every Message-ID once, every one with X-Mukaika-Status,
#   no milter error in the log.  Prints the time taken.
. "$(dirname "$0")/lib.sh"
e2e_init
e2e_start
N=200
P=8
printf 'plain attachment text\n' >"$T/note.txt"

send_one() {   # i
	local i=$1 try out args=()
	case $((i % 3)) in
	0) args=(--body "plain body $i") ;;
	1) args=(--add-header 'Content-Type: text/html; charset=utf-8'
	         --body "<html><body><p>html body $i <a href=\"http://x.example/\">x</a></p></body></html>") ;;
	2) args=(--body "with attachment $i" --attach "@$T/note.txt") ;;
	esac
	for try in 1 2 3 4 5; do
		out=$(swaks --server "127.0.0.1:$GW_SMTP_PORT" --helo client.example \
			--from "sender$i@example.org" --to "user$((i % 7))@lgwan.example" \
			--header "Message-Id: <load-$i@example.org>" --header "Subject: load $i" \
			"${args[@]}" 2>&1)
		if printf '%s\n' "$out" | awk '/^ -> \.$/ { getline; print; exit }' | grep -q '^<- *250'; then
			return 0
		fi
		sleep 1
	done
	echo "load-$i: not accepted after 5 tries"
	return 1
}
export -f send_one
export GW_SMTP_PORT T

t0=$SECONDS
seq 1 $N | xargs -P $P -I{} bash -c 'send_one {}' >"$T/load.out" 2>&1
sent_s=$((SECONDS - t0))
if [ -s "$T/load.out" ]; then fail "clients: $(head -3 "$T/load.out")"; else ok "$N mails accepted by $P clients in ${sent_s}s"; fi
if e2e_wait_queue_empty 60 && e2e_wait_sink $N 30; then
	ok "queue empty, sink has $(e2e_sink_count) mails"
else
	fail "delivery: queue $(e2e_queue_count), sink $(e2e_sink_count)"
fi
python3 "$E2E_DIR/check_mail.py" ids "$GW_SINK_DIR" | sort >"$T/ids"
seq 1 $N | sed 's/.*/<load-&@example.org>/' | sort >"$T/want"
[ "$(wc -l <"$T/ids")" = $N ] && ok "count matches ($N)" || fail "delivered $(wc -l <"$T/ids"), want $N"
dups=$(uniq -d "$T/ids" | wc -l)
[ "$dups" = 0 ] && ok "no duplicates" || fail "$dups duplicated Message-IDs"
missing=$(comm -23 "$T/want" "$T/ids" | wc -l)
[ "$missing" = 0 ] && ok "none missing" || fail "$missing mails missing"
nost=$(grep -L '^X-Mukaika-Status:' "$GW_SINK_DIR"/mail.* | wc -l)
[ "$nost" = 0 ] && ok "every mail carries X-Mukaika-Status" || fail "$nost mails without X-Mukaika-Status"
nlog=$(grep -c 'verdict=' "$GW_MILTER_LOG")
[ "$nlog" -ge $N ] && ok "milter logged $nlog messages" || fail "milter logged only $nlog messages"
grep -q ' error: ' "$GW_MILTER_LOG" && fail "errors in the milter log" || ok "no errors in the milter log"
e2e_finish
