# test_notify.sh: an inbox that keeps up, end to end through nginx. Each
# submission stores the urgency of the outcome it came from (looked up in
# the site manifest, never posted); `hhd-admin notify` mails each new one
# (or a digest) to the helpdesk through a stand-in sendmail that records its
# arguments and input, marks them notified only when sendmail exited 0, and
# sends nothing twice; `show ID --reply` drafts an answer in nl and en.
. "$(dirname "$0")/lib.sh"
FORM='Content-Type: application/x-www-form-urlencoded'
"$BUILD/hhd-admin" keygen "$T/k.secret" "$T/k.pub" >/dev/null
ADMIN="$BUILD/hhd-admin --db $STATE/hhd.db --key $T/k.secret --site $SITE"
start --relaxed-limits -- --rate-limit 0 --seal-key "$T/k.pub"

# the stand-in sendmail: argv in N.args (one per line), stdin in N.msg,
# exit status from the file "exit" (0 when absent)
MAIL=$T/mail
mkdir -p "$MAIL"
cat >"$T/sendmail" <<EOF
#!/bin/sh
n=\$(ls "$MAIL" | grep -c '\.msg\$')
n=\$((n + 1))
printf '%s\n' "\$0" "\$@" >"$MAIL/\$n.args"
cat >"$MAIL/\$n.msg"
exit \$(cat "$MAIL/exit" 2>/dev/null || echo 0)
EOF
chmod 755 "$T/sendmail"
NOTIFY="notify --to helpdesk@example.nl --sendmail $T/sendmail"
nmails() { ls "$MAIL" | grep -c '\.msg$' || true; }

post() { # LANG INCIDENT NODE MARK [NAME]
	status POST /api/contact -H "$FORM" --data-urlencode "lang=$1" --data-urlencode "incident=$2" \
		--data-urlencode "node=$3" --data-urlencode "name=${5-Naam $4}" --data-urlencode "email=$4@example.nl" \
		--data-urlencode "message=Bericht $4" --data-urlencode "consent=yes"
}
eq "$(post nl ransomware klaar Kqx1Acute)" 303 "from an acute outcome"
eq "$(post en ransomware done Kqx2Today 'Jane Doe')" 303 "from a today outcome"
eq "$(post nl '' '' Kqx3None '')" 303 "from the general form"
eq "$(post nl ransomware start Kqx4Question)" 303 "from a question"
# the urgency comes from the manifest: a posted one is an unknown field
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=x%40example.nl&message=m&consent=yes&urgency=acute')" \
	400 "a posted urgency is refused"
eq "$(sql 'SELECT group_concat(urgency, " ") FROM (SELECT urgency FROM contact ORDER BY id)')" \
	"acute today none none" "stored urgencies"

# inbox: acute first, then oldest first
sql "UPDATE contact SET created = created - 3600 WHERE id = 3"
eq "$($ADMIN inbox | grep -o '^#[0-9]*' | tr -d '#' | tr '\n' ' ')" "1 3 2 4 " "inbox order"
$ADMIN inbox | grep -q '^#1 .*  open  ACUTE  nl  ransomware/klaar  waiting [0-9] min$' || fail "inbox: $($ADMIN inbox)"
sql "UPDATE contact SET created = created + 3600 WHERE id = 3"

# notify: one mail per submission, to the helpdesk only
out=$($ADMIN $NOTIFY) || fail "notify failed"
eq "$out" "4 submissions sent to helpdesk@example.nl" "notify says what it sent"
eq "$(nmails)" 4 "four mails"
eq "$(tr '\n' ' ' <"$MAIL/1.args")" "$T/sendmail -t -oi " "sendmail -t -oi, no address on the command line"
m=$MAIL/1.msg
eq "$(grep -c '^To: ' "$m")/$(grep '^To: ' "$m")" "1/To: helpdesk@example.nl" "To"
grep -qi -e '^cc:' -e '^bcc:' "$m" && fail "another recipient header"
grep -q '^Subject: Hackhelpdesk #1 (ACUTE): ransomware/klaar$' "$m" || fail "subject: $(grep Subject "$m")"
grep -q '^Urgency:  ACUTE$' "$m" || fail "urgency in the body"
grep -q '^Name:     Naam Kqx1Acute$' "$m" || fail "name decrypted"
grep -q '^E-mail:   Kqx1Acute@example.nl$' "$m" || fail "e-mail decrypted"
grep -q '^Bericht Kqx1Acute$' "$m" || fail "message decrypted"
# nothing a visitor typed reaches a header
sed '/^$/q' "$MAIL"/*.msg | grep -q -e Kqx -e Naam -e Jane && fail "visitor text in a header"
grep -q '^Subject: Hackhelpdesk #2 (today): ransomware/done$' "$MAIL/2.msg" || fail "subject #2"
grep -q '^Subject: Hackhelpdesk #3 (no urgency)$' "$MAIL/3.msg" || fail "subject #3"
eq "$(sql 'SELECT count(*) FROM contact WHERE notified IS NOT NULL')" 4 "all marked notified"
CHECKS=$((CHECKS + 10))

# again: nothing new, nothing sent
eq "$($ADMIN $NOTIFY)" "0 submissions sent to helpdesk@example.nl" "notify again"
eq "$(nmails)" 4 "nothing re-sent"

# a failing sendmail marks nothing and fails
eq "$(post nl ransomware klaar Kqx5Fail)" 303 "a fifth"
eq "$(post en ransomware done Kqx6Fail)" 303 "a sixth"
echo 75 >"$MAIL/exit"
st=0
$ADMIN $NOTIFY >/dev/null 2>"$T/notify.err" || st=$?
eq "$st" 1 "notify with a failing sendmail"
grep -q 'exited with status 75' "$T/notify.err" || fail "says why: $(cat "$T/notify.err")"
eq "$(sql 'SELECT count(*) FROM contact WHERE notified IS NULL')" 2 "nothing marked"
$ADMIN $NOTIFY --digest >/dev/null 2>&1 && fail "digest with a failing sendmail"
eq "$(sql 'SELECT count(*) FROM contact WHERE notified IS NULL')" 2 "digest marked nothing"
rm "$MAIL/exit"
rm -f "$MAIL"/[5-9].*

# the digest: one mail, acute first, then both marked
n0=$(nmails)
eq "$($ADMIN $NOTIFY --digest)" "2 submissions sent to helpdesk@example.nl in one digest" "digest"
eq "$(nmails)" $((n0 + 1)) "one mail"
m=$MAIL/$((n0 + 1)).msg
grep -q '^Subject: Hackhelpdesk: 2 new submissions, 1 acute$' "$m" || fail "digest subject: $(grep Subject "$m")"
grep -q 'Bericht Kqx5Fail' "$m" && grep -q 'Bericht Kqx6Fail' "$m" || fail "digest body"
eq "$(grep -n '^Hackhelpdesk #' "$m" | cut -d' ' -f2,3 | tr '\n' ' ')" "#5 (ACUTE): #6 (today): " "digest order"
eq "$(sql 'SELECT count(*) FROM contact WHERE notified IS NULL')" 0 "digest marked both"
eq "$($ADMIN $NOTIFY --digest)" "0 submissions sent to helpdesk@example.nl" "empty digest sends nothing"
eq "$(nmails)" $((n0 + 1)) "still one"
# a done submission is not mailed
eq "$(post nl '' '' Kqx7Done)" 303 "a seventh"
$ADMIN done 7 >/dev/null
eq "$($ADMIN $NOTIFY)" "0 submissions sent to helpdesk@example.nl" "done ones are not mailed"
# a bad address starts nothing
$ADMIN notify --to 'a@b.nl, visitor@x.nl' --sendmail "$T/sendmail" 2>/dev/null && fail "a list as --to"
env -u HHD_NOTIFY_TO $ADMIN notify --sendmail "$T/sendmail" 2>/dev/null && fail "notify without --to"
# the address from the configuration (the unit's EnvironmentFile) when --to is not given
eq "$(HHD_NOTIFY_TO=helpdesk@example.nl $ADMIN notify --sendmail "$T/sendmail")" \
	"0 submissions sent to helpdesk@example.nl" "notify with HHD_NOTIFY_TO"
CHECKS=$((CHECKS + 4))

# show --reply: a draft in the visitor's language
$ADMIN show 1 --reply >"$T/reply.nl" || fail "reply nl"
grep -q '^Beste Naam Kqx1Acute,$' "$T/reply.nl" || fail "nl greeting: $(cat "$T/reply.nl")"
grep -q '^https://hhd.example/nl/hulp/ransomware/klaar/$' "$T/reply.nl" || fail "nl link"
grep -q '^Uw bestanden zijn versleuteld$' "$T/reply.nl" || fail "nl plan title"
grep -q '^1. Trek de netwerkkabel uit$' "$T/reply.nl" && grep -q '^3. Bewaar het losgeldbericht$' "$T/reply.nl" ||
	fail "nl first steps"
grep -q 'Zet de back-up terug' "$T/reply.nl" && fail "nl: more than the first three steps"
grep -q '^- Politie: 0900-8844, https://www.politie.example/$' "$T/reply.nl" || fail "nl whom to call"
grep -q '^- Uw eigen bank$' "$T/reply.nl" || fail "nl second contact"
grep -q '^Met vriendelijke groet,$' "$T/reply.nl" || fail "nl closing"
$ADMIN show 2 --reply >"$T/reply.en" || fail "reply en"
grep -q '^Dear Jane Doe,$' "$T/reply.en" || fail "en greeting: $(cat "$T/reply.en")"
grep -q '^https://hhd.example/en/help/ransomware/done/$' "$T/reply.en" || fail "en link"
grep -q '^1. Unplug the network cable$' "$T/reply.en" || fail "en steps"
grep -q '^- Police: 0900-8844$' "$T/reply.en" || fail "en whom to call"
grep -q '^Kind regards,$' "$T/reply.en" || fail "en closing"
$ADMIN show 3 --reply >"$T/reply.none" || fail "reply without a plan"
grep -q '^Beste heer, mevrouw,$' "$T/reply.none" && grep -q '^https://hhd.example/nl/$' "$T/reply.none" ||
	fail "reply without a plan: $(cat "$T/reply.none")"
$BUILD/hhd-admin --db "$STATE/hhd.db" --key "$T/k.secret" --site "$T/nosite" show 1 --reply 2>/dev/null &&
	fail "reply without a manifest"
CHECKS=$((CHECKS + 14))
done_ok
