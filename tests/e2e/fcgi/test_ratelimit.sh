# test_ratelimit.sh: abuse limits. hhd-fcgi's own per-client limit on the
# contact form answers 429 past its burst (nginx's limits raised out of
# the way); then, with the shipped nginx limits, a burst of counter hits
# from one address meets nginx's limit_req (429) and the logs stay free of
# the client's address.
. "$(dirname "$0")/lib.sh"
FORM='Content-Type: application/x-www-form-urlencoded'

# 1. in process: burst of 4 stored submissions, then 429 with Retry-After.
# Refused posts do not count: a stressed visitor who mistypes five times
# (and more) and double-clicks is not locked out.
start --relaxed-limits -- --rate-limit 4
for i in 1 2 3 4 5 6 7 8; do
	eq "$(status POST /api/contact -H "$FORM" -d "lang=nl&email=a%40b&message=bericht+$i&consent=yes")" 422 "mistyped submission $i"
done
eq "$(status POST /api/contact -H "$FORM" -d "lang=nl&email=a%40b.nl&message=bericht+1&consent=yes")" 303 "submission 1"
for i in 1 2 3; do
	eq "$(status POST /api/contact -H "$FORM" -d "lang=nl&email=a%40b.nl&message=bericht+1&consent=yes")" 303 "repeat $i of submission 1"
done
for i in 2 3 4; do
	eq "$(status POST /api/contact -H "$FORM" -d "lang=nl&email=a%40b.nl&message=bericht+$i&consent=yes")" 303 "submission $i"
done
eq "$(status POST /api/contact -H "$FORM" -H 'Accept: application/json' -d 'lang=nl&email=a%40b.nl&message=five&consent=yes')" 429 "past the burst"
grep -q '"status":429' "$T/body" || fail "429 from hhd-fcgi itself (JSON body)"
retry=$(header Retry-After)
[ "$retry" -ge 1 ] && [ "$retry" -le 60 ] || fail "Retry-After '$retry'"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=six&consent=yes')" 429 "still limited"
grep -q 'Te veel pogingen' "$T/body" || fail "429 page in Dutch"
eq "$(sql 'SELECT count(*) FROM contact')" 4 "only the allowed submissions stored"
# the counters are not limited by it
eq "$(status GET '/api/hit.gif?p=/nl/&e=view')" 200 "counter still counts"
stop

# 2. the shipped nginx limits: 200 quick hits from one address
start
before=$(sql "SELECT n FROM hit WHERE path = '/nl/' AND event = 'view'")
# one curl, one connection, 200 requests as fast as they go
codes=$(for i in $(seq 1 200); do printf -- '-o /dev/null %s\n' "$URL/api/hit.gif?p=/nl/&e=view"; done |
	xargs curl -s -A "$UA" -w '%{http_code}\n' 2>/dev/null | sort | uniq -c)
echo "$codes" | grep -q ' 429$' || fail "nginx limit_req never answered 429: $codes"
# nginx's 429 is hhd build's page (every language, the emergency numbers)
mkdir "$T/burst"
curl -s -A "$UA" -o "$T/burst/#1" -w '%{http_code}\n' "$URL/api/hit.gif?p=/nl/&e=view&n=[1-100]" >"$T/burst.codes" 2>/dev/null || true
grep -q '^429$' "$T/burst.codes" || fail "no 429 in the second burst"
n429=$(grep -c '^429$' "$T/burst.codes")
eq "$(grep -l '<section lang="en">' "$T"/burst/* | xargs grep -l 'tel:112' | wc -l | tr -d ' ')" "$n429" "every 429 is /429.html"
CHECKS=$((CHECKS + 1))
n200=$(echo "$codes" | awk '$2 == 200 { print $1 }')
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/' AND event = 'view'")" $((before + n200)) "counted = acknowledged"
# nothing about the client in nginx's logs
if grep -q '127\.0\.0\.1' "$STATE/access.log" || grep -q 'client: ' "$STATE/error.log"; then
	fail "client address in nginx's logs"
fi
grep -q '"/api/hit.gif" 429' "$STATE/access.log" || fail "429s in the anonymous access log"
CHECKS=$((CHECKS + 2))
echo "nginx limit: $(echo $codes)"
done_ok
