# test_contact.sh: the contact form end to end, through nginx and hhd-fcgi
# into SQLite: a valid submission is stored exactly once with every field
# intact; each invalid case gets its status and stores nothing.
. "$(dirname "$0")/lib.sh"
start --relaxed-limits -- --rate-limit 0

FORM='Content-Type: application/x-www-form-urlencoded'
name='Jan "Jantje" de Vries-Ünal'
company="Bakkerij 't Hoekje & Zonen <BV>"
email='jan.de.vries+hhd@example.nl'
phone='+31 (0)6 1234 5678'
message=$(printf 'Alles is versleuteld!\r\nWat nu? 100%% zeker: a=b&c=d; DROP TABLE contact; --\r\n\tمرحبا 😨')
stored_message=$(printf 'Alles is versleuteld!\nWat nu? 100%% zeker: a=b&c=d; DROP TABLE contact; --\n\tمرحبا 😨')

submit() {
	status POST /api/contact -H "$FORM" \
		--data-urlencode "lang=nl" --data-urlencode "incident=ransomware" --data-urlencode "node=start" \
		--data-urlencode "name=$name" --data-urlencode "company=$company" --data-urlencode "email=$email" \
		--data-urlencode "phone=$phone" --data-urlencode "message=$message" --data-urlencode "consent=yes" \
		--data-urlencode "website=" "$@"
}

# valid: 303 to the thank-you page, one row, every field intact
eq "$(submit)" 303 "valid submission"
eq "$(header Location)" /nl/bedankt/ "redirect"
eq "$(header Cache-Control)" no-store "Cache-Control"
eq "$(header X-Content-Type-Options)" nosniff "nosniff"
eq "$(sql 'SELECT count(*) FROM contact')" 1 "rows after one submission"
eq "$(sql 'SELECT hex(lang), hex(incident), hex(node) FROM contact' )" "$(hexof nl)|$(hexof ransomware)|$(hexof start)" "lang, incident, node"
eq "$(sql 'SELECT hex(name) FROM contact')" "$(hexof "$name")" "name"
eq "$(sql 'SELECT hex(company) FROM contact')" "$(hexof "$company")" "company"
eq "$(sql 'SELECT hex(email) FROM contact')" "$(hexof "$email")" "email"
eq "$(sql 'SELECT hex(phone) FROM contact')" "$(hexof "$phone")" "phone"
eq "$(sql 'SELECT hex(message) FROM contact')" "$(hexof "$stored_message")" "message (CR LF stored as LF)"
eq "$(sql 'SELECT consent, done IS NULL FROM contact')" "1|1" "consent, open"

# a double click: the same answer, still one row
eq "$(submit)" 303 "repeated submission"
eq "$(sql 'SELECT count(*) FROM contact')" 1 "rows after a double submit"

# JSON clients
eq "$(submit -H 'Accept: application/json' --data-urlencode 'message=another one')" 400 "message given twice"
eq "$(status POST /api/contact -H "$FORM" -H 'Accept: application/json' -d 'lang=en&email=a%40b.nl&message=json&consent=yes')" 200 "JSON submission"
eq "$(cat "$T/body")" '{"ok":true,"redirect":"/en/thanks/"}' "JSON answer"
eq "$(sql 'SELECT count(*) FROM contact')" 2 "rows after the JSON submission"

# invalid cases: each its status, nothing stored
big=$(head -c 40000 /dev/zero | tr '\0' a)
eq "$(status POST /api/contact -H "$FORM" --data-binary "lang=nl&message=$big")" 413 "too large (nginx)"
eq "$(status POST /api/contact -H 'Content-Type: multipart/form-data; boundary=x' --data-binary 'x')" 415 "wrong type"
eq "$(status POST /api/contact -H 'Content-Type: application/json' -d '{"lang":"nl"}')" 415 "JSON body"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&consent=yes')" 422 "missing message"
grep -q '<strong>Bericht</strong>: Vul dit in.' "$T/body" || fail "422 page names the missing message"
grep -q 'href="/nl/contact/"' "$T/body" || fail "422 page links back"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=en&message=x&consent=yes')" 422 "no email or phone"
grep -q '<html lang="en">' "$T/body" || fail "422 page in English"
eq "$(status POST /api/contact -H "$FORM" -H 'Accept: application/json' -d 'lang=nl&email=a%40b.nl&message=x%FF&consent=yes')" 422 "bad UTF-8"
grep -q '"message":{"code":"invalid_utf8"' "$T/body" || fail "per-field error for bad UTF-8"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=x%1B%5B2J&consent=yes')" 422 "control character"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=x&consent=yes&website=http%3A%2F%2Fspam.example')" 303 "honeypot (looks like success)"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=x&consent=yes&subject=hi')" 400 "unknown field"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=x&consent=yes&email=b%40c.nl')" 400 "duplicate field"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&message=%G0')" 400 "bad escape"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=de&email=a%40b.nl&message=x&consent=yes')" 422 "language without a thank-you page"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&incident=ransomware&node=nope&email=a%40b.nl&message=x&consent=yes')" 422 "node not in the site"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=not-an-address&message=x&consent=yes')" 422 "bad email"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&phone=12&message=x&consent=yes')" 422 "bad phone"
eq "$(status POST /api/contact -H "$FORM")" 411 "no length"
eq "$(status GET /api/contact)" 405 "GET"
eq "$(header Allow)" POST "Allow header"
eq "$(sql 'SELECT count(*) FROM contact')" 2 "nothing stored by the invalid cases"

# the log has one line per refusal, with a request id and no field values
grep -q 'req=[0-9a-f]*-[0-9]*: contact: 400 form duplicate_field' "$STATE/hhd-fcgi.log" || fail "log line for the duplicate"
if grep -q -e 'Jantje' -e 'example.nl' -e '127.0.0.1' -e 'spam' "$STATE/hhd-fcgi.log" "$STATE/access.log" ||
	grep -q -e 'client: ' "$STATE/error.log"; then
	fail "personal data or an address in a log"
fi
CHECKS=$((CHECKS + 1))

# The form's maxlength values (as hhd writes them: golden.pages keeps this
# page equal to the generator's output) are exactly what hhd-fcgi accepts:
# a value at each field's maxlength is stored, one more character is a 422.
page=$SRC/tests/golden/expected/nl/contact/index.html
maxlen() {
	sed -n "s/.*name=\"$1\"[^>]*maxlength=\"\([0-9]*\)\".*/\1/p" "$page"
}
# rep CHAR N: CHAR N times
rep() {
	awk -v c="$1" -v n="$2" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s c; printf "%s", s }'
}
for f in message name company phone; do
	n=$(maxlen $f)
	[ -n "$n" ] || fail "no maxlength for $f in the generated form"
	for len in "$n" $((n + 1)); do
		case $f in
		phone) v=0612345678$(rep - $((len - 10))) ;;
		*) v=$(rep é "$len") ;;
		esac
		want=303
		[ "$len" = "$n" ] || want=422
		got=$(status POST /api/contact -H "$FORM" --data-urlencode "lang=nl" --data-urlencode "email=max-$f-$len@example.nl" \
			--data-urlencode "consent=yes" --data-urlencode "message=limit $f" --data-urlencode "$f=$v")
		[ $f = message ] && got=$(status POST /api/contact -H "$FORM" --data-urlencode "lang=nl" \
			--data-urlencode "email=max-$f-$len@example.nl" --data-urlencode "consent=yes" --data-urlencode "$f=$v")
		eq "$got" $want "$f of $len characters (form maxlength $n)"
	done
done
done_ok
