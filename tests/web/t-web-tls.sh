#!/bin/bash
# NAME
#   t-web-tls.sh - mukaika-web over HTTPS, and the fail-closed start-up
#
# DESCRIPTION
#   A throwaway self-signed certificate (openssl req -x509, CN and SAN
#   localhost/127.0.0.1, one day) is made at run time.  mukaika-web runs
#   with it on a free loopback port; curl (--cacert) checks: the login page
#   over HTTPS, HSTS, the pre-login and session cookies are Secure,
#   HttpOnly and SameSite=Strict, a logged-in page works over TLS, the
#   certificate is not trusted without --cacert, TLS 1.2 is accepted,
#   plain HTTP to the TLS port gets no page.
#   Start-up refusals (exit 78, a message naming the setting, never a
#   listening server): certificate or key unreadable, key of another
#   certificate, garbled key, empty key file, only one of tls_cert/tls_key,
#   and plain HTTP on a non-loopback address (0.0.0.0, ::).  With TLS a
#   wildcard address is allowed.
#
# DEPENDENCIES
#   openssl, curl (apt packages openssl, curl).
. "$(dirname "$0")/web-lib.sh"
for p in openssl curl; do
	command -v $p > /dev/null || { echo "SKIP: no $p (apt package $p)"; exit 77; }
done
[ -x "$WEB" ] || mk_die "no binary $WEB (build first)"
T=$(mktemp -d "${TMPDIR:-/tmp}/mktls.XXXXXX")
trap web_cleanup EXIT
mkdir -p "$T/state" "$T/db" "$T/keydir"
fail=0
ck() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

mkcert() { # NAME: $T/NAME.pem, $T/NAME.key
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$T/$1.key" -out "$T/$1.pem" 2> "$T/openssl.err" ||
		{ cat "$T/openssl.err"; mk_die "openssl req"; }
}
mkcert good
mkcert other
# a key whose base64 body is damaged (line 5 reversed), and an empty one
awk 'NR == 5 { n = split($0, c, ""); s = ""; for (i = n; i > 0; i--) s = s c[i]; $0 = s } 1' \
	"$T/good.key" > "$T/garbled.key"
: > "$T/empty.key"
ck "garbled key differs" '! cmp -s "$T/good.key" "$T/garbled.key"'

PORT=$(free_port)
conf() { # FILE LISTEN CERT KEY
	mk_write_conf "$1" "$T/state" "$T/db" "[web]" "listen = $2" \
		"password_hash_cost = minimum" "hostnames = 127.0.0.1" \
		"tls_cert = $3" "tls_key = $4"
}
CONF=$T/web.conf
conf "$CONF" "127.0.0.1:$PORT" "$T/good.pem" "$T/good.key"
temp=$("$MK" user add --config "$CONF" --role admin root) || mk_die "first admin"
MUKAIKA_PASSWORD=$temp MUKAIKA_NEW_PASSWORD=$ADMIN_PW "$MK" user passwd \
	--config "$CONF" --as root root < /dev/null || mk_die "admin passwd"

# --- refusals: each must exit 78 with MESSAGE and never listen
refused() { # NAME LISTEN CERT KEY MESSAGE
	local c="$T/bad.conf" rc=0
	conf "$c" "$2" "$3" "$4"
	timeout 20 "$WEB" --foreground --config "$c" > "$T/bad.log" 2>&1 || rc=$?
	if [ $rc -eq 78 ] && grep -q -- "$5" "$T/bad.log" && ! grep -q listening "$T/bad.log"
	then echo "ok: refused: $1"
	else echo "FAIL: refused: $1 (exit $rc)"; cat "$T/bad.log"; fail=1
	fi
}
L=127.0.0.1:$PORT
refused "certificate missing" "$L" "$T/nonexistent.pem" "$T/good.key" "web.tls_cert: .*nonexistent.pem"
refused "key unreadable (a directory)" "$L" "$T/good.pem" "$T/keydir" "web.tls_key: "
refused "key of another certificate" "$L" "$T/good.pem" "$T/other.key" "do not match"
refused "garbled key" "$L" "$T/good.pem" "$T/garbled.key" "web.tls_cert/web.tls_key unusable"
refused "empty key file" "$L" "$T/good.pem" "$T/empty.key" "web.tls_key: .* is not a PEM file"
refused "certificate as key" "$L" "$T/good.pem" "$T/good.pem" "unusable"
refused "tls_cert without tls_key" "$L" "$T/good.pem" "" "web.tls_key is empty"
refused "tls_key without tls_cert" "$L" "" "$T/good.key" "web.tls_cert is empty"
refused "plain HTTP on 0.0.0.0" "0.0.0.0:$PORT" "" "" "not a loopback address"
refused "plain HTTP on [::]" "[::]:$PORT" "" "" "not a loopback address"

# --- with TLS a wildcard address is allowed (reached through loopback)
conf "$T/any.conf" "0.0.0.0:$PORT" "$T/good.pem" "$T/good.key"
CONF=$T/any.conf web_start
ck "TLS on 0.0.0.0 serves" 'curl -sf --max-time 10 --cacert "$T/good.pem" -o /dev/null "https://127.0.0.1:$PORT/login"'
kill "$WPID"; wait "$WPID" 2>/dev/null; WPID=
rm -f "$T/web.log"

# --- the TLS server
web_start
ck "log says TLS" 'grep -q "listening on 127.0.0.1:$PORT (TLS)" "$T/web.log"'
B=https://127.0.0.1:$PORT
C=(curl -s --max-time 10 --cacert "$T/good.pem" -c "$T/jar" -b "$T/jar")
"${C[@]}" -D "$T/h1" -o "$T/login.html" "$B/login"
ck "HTTPS login page" 'grep -q "^HTTP/1.1 200" "$T/h1" && grep -q "name=\"csrf\"" "$T/login.html"'
ck "HSTS header" 'grep -qi "^Strict-Transport-Security: max-age=[1-9]" "$T/h1"'
ck "pre-login cookie Secure, HttpOnly, SameSite=Strict" \
	'grep -i "^Set-Cookie: mk_pre=" "$T/h1" | grep -q "; HttpOnly; SameSite=Strict; Secure"'
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/login.html")
"${C[@]}" -D "$T/h1b" -o "$T/mfa.html" -H "Origin: $B" --data-urlencode "csrf=$csrf" \
	--data-urlencode user=root --data-urlencode "password=$ADMIN_PW" "$B/login"
ck "admin asked for the second factor" 'grep -q "action=\"/mfa\"" "$T/mfa.html"'
ck "pending-login cookie Secure, HttpOnly, SameSite=Strict" \
	'grep -i "^Set-Cookie: mk_mfa=" "$T/h1b" | grep -q "; HttpOnly; SameSite=Strict; Secure"'
secret=$(sed -n 's/.*id="secret">\([A-Z2-7]*\)<.*/\1/p' "$T/mfa.html")
code=$(cd "$(dirname "$0")" && python3 -c 'import sys, time; from webclient import totp
print(totp(sys.argv[1], int(time.time()) // 30))' "$secret")
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/mfa.html")
"${C[@]}" -D "$T/h2" -o "$T/welcome.html" -H "Origin: $B" --data-urlencode "csrf=$csrf" \
	--data-urlencode "code=$code" "$B/mfa"
ck "login over TLS" 'grep -q "id=\"lastlogin\"" "$T/welcome.html"'
ck "session cookie Secure, HttpOnly, SameSite=Strict" \
	'grep -i "^Set-Cookie: mk_session=" "$T/h2" | grep -q "; HttpOnly; SameSite=Strict; Secure"'
ck "HSTS on every answer" 'grep -qi "^Strict-Transport-Security:" "$T/h2"'
code=$("${C[@]}" -o "$T/dash.html" -w '%{http_code}' "$B/dashboard")
ck "session works over TLS" '[ "$code" = 200 ] && grep -q "<svg" "$T/dash.html"'
ck "lang cookie Secure" \
	'"${C[@]}" -D - -o /dev/null "$B/login?lang=en" | grep -i "^Set-Cookie: mk_lang=" | grep -q "; Secure"'
rc=0; curl -s --max-time 10 -o /dev/null "$B/login" || rc=$?
ck "not trusted without --cacert (curl exit 60)" '[ $rc -eq 60 ]'
ck "TLS 1.2 accepted" '"${C[@]}" --tlsv1.2 --tls-max 1.2 -o /dev/null -f "$B/login"'
rc=0; curl -s --max-time 10 -o "$T/plain.out" "http://127.0.0.1:$PORT/login" || rc=$?
ck "plain HTTP to the TLS port fails" '[ $rc -ne 0 ] && ! grep -q csrf "$T/plain.out" 2>/dev/null'
ck "server still up after the plain request" '"${C[@]}" -o /dev/null -f "$B/login"'
ck "no key material in the log" '! grep -q "PRIVATE KEY" "$T/web.log"'
[ $fail -eq 0 ] || { echo "--- web.log"; cat "$T/web.log"; }
exit $fail
