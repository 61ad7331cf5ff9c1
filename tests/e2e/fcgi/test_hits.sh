# test_hits.sh: the anonymous counters end to end. Counts add up exactly
# after concurrent hits (8 parallel clients x 50 requests); unknown paths,
# events and partner codes and obvious bots are answered 204 and not
# counted; the plain "did this help" form is sent on to the feedback page.
. "$(dirname "$0")/lib.sh"
start --relaxed-limits

LOOPS=8
PER=50
FORM='Content-Type: application/x-www-form-urlencoded'
HEADLESS='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36'

# One client: PER requests, alternating the <noscript> GIF (a view) and
# sendBeacon-style POSTs (help presses via a partner link), each answer
# recorded so the test can compare counts with acknowledgements.
client() {
	local n=$1 i code
	for i in $(seq 1 "$PER"); do
		if [ $((i % 2)) = 1 ]; then
			code=$(curl -s -o /dev/null -w '%{http_code}' -A "$UA" --max-time 10 \
				"$URL/api/hit.gif?p=%2Fnl%2Fhulp%2Fransomware%2F&e=view" || true)
		else
			code=$(curl -s -o /dev/null -w '%{http_code}' -A "$HEADLESS" --max-time 10 -H "$FORM" \
				--data 'p=/nl/hulp/ransomware/&e=help&via=partner-a' "$URL/api/hit" || true)
		fi
		echo "$code" >>"$T/client-$n"
	done
}

t0=$(date +%s)
for n in $(seq 1 "$LOOPS"); do
	client "$n" &
	BG_PIDS="$BG_PIDS $!"
done
wait
BG_PIDS=""
t1=$(date +%s)

total=$((LOOPS * PER))
eq "$(cat "$T"/client-* | wc -l | tr -d ' ')" "$total" "answers"
eq "$(grep -c '^200$' "$T"/client-* | awk -F: '{ s += $2 } END { print s }')" $((total / 2)) "GIFs answered 200"
eq "$(grep -c '^204$' "$T"/client-* | awk -F: '{ s += $2 } END { print s }')" $((total / 2)) "beacons answered 204"
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/hulp/ransomware/' AND event = 'view' AND via = ''")" $((total / 2)) "views counted"
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/hulp/ransomware/' AND event = 'help' AND via = 'partner-a'")" $((total / 2)) "help presses counted"
eq "$(sql 'SELECT count(*), sum(n) FROM hit')" "2|$total" "aggregate rows only"
echo "concurrent hits: $total acknowledged, $(sql 'SELECT sum(n) FROM hit') counted in $((t1 - t0)) s"

# the GIF
eq "$(status GET '/api/hit.gif?p=/en/&e=view')" 200 "GIF status"
eq "$(header Content-Type)" image/gif "GIF type"
eq "$(head -c 6 "$T/body")" GIF89a "GIF body"
eq "$(header Cache-Control)" no-store "no-store"

# every event, and the partner code
for e in view help outcome yes no; do
	eq "$(status POST /api/hit -H "$FORM" --data "p=/en/help/ransomware/done/&e=$e")" 204 "event $e"
done
eq "$(status POST /api/hit -H 'Content-Type: text/plain;charset=UTF-8' --data 'p=/en/&e=view&via=KVK_2025')" 204 "text/plain beacon"
eq "$(sql "SELECT count(*) FROM hit WHERE path = '/en/help/ransomware/done/'")" 5 "all five events"
eq "$(sql "SELECT n FROM hit WHERE path = '/en/' AND via = 'KVK_2025'")" 1 "partner code"

# the feedback form without JavaScript: counted, then 303
eq "$(status POST /api/hit -H "$FORM" --data 'p=%2Fnl%2Fhulp%2Fransomware%2Fklaar%2F&e=yes&back=1')" 303 "feedback form"
eq "$(header Location)" /nl/bedankt-feedback/ "feedback page (nl)"
eq "$(status POST /api/hit -H "$FORM" --data 'p=/en/help/ransomware/done/&e=yes&back=1')" 303 "feedback form (en)"
eq "$(header Location)" /en/feedback/ "feedback page (en)"
# "no" on a step plan goes back to its reasons (test_taps.sh has the rest)
eq "$(status POST /api/hit -H "$FORM" --data 'p=/en/help/ransomware/done/&e=no&back=1')" 303 "feedback form no (en)"
eq "$(header Location)" "/en/help/ransomware/done/#hhd-why" "reasons after no (en)"
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/hulp/ransomware/klaar/' AND event = 'yes'")" 1 "yes counted"

# ignored: 204 and no row
before=$(sql 'SELECT sum(n) FROM hit')
for q in 'p=/nope/&e=view' 'p=/nl&e=view' 'p=/nl/&e=click' 'p=/nl/&e=view&via=stranger' 'p=/nl/&e=view&e=view' \
	'p=/nl/&e=view&utm_source=x' 'e=view' 'p=/nl/%FF/&e=view' 'p=/nl/&e=view&via=partner-a%0A'; do
	eq "$(status GET "/api/hit.gif?$q")" 204 "ignored GIF $q"
	eq "$(status POST /api/hit -H "$FORM" --data "$q")" 204 "ignored beacon $q"
done
# bots: curl's own agent, crawlers, no agent at all
eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/hit.gif?p=/nl/&e=view")" 204 "curl is a bot"
eq "$(status GET '/api/hit.gif?p=/nl/&e=view' -A 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')" 204 "Googlebot"
eq "$(status GET '/api/hit.gif?p=/nl/&e=view' -A '')" 204 "no user agent"
eq "$(sql 'SELECT sum(n) FROM hit')" "$before" "nothing counted"
eq "$(sql "SELECT count(*) FROM hit WHERE path NOT IN ('/nl/hulp/ransomware/', '/en/help/ransomware/done/', '/en/', '/nl/hulp/ransomware/klaar/')")" 0 "no invented paths"

# a rebuilt site: the new manifest is picked up without a restart (and
# read inside hhd-fcgi's system-call filter)
eq "$(status GET '/api/hit.gif?p=/nl/nieuw/&e=view')" 204 "page not yet in the site"
printf 'P\t/nl/nieuw/\tnl\tpage\t-\t-\n' >>"$SITE/hhd-manifest.tsv"
sleep 2.2
eq "$(status GET '/api/hit.gif?p=/nl/nieuw/&e=view')" 200 "page counted after the manifest changed"
grep -q 'site manifest loaded: 18 pages' "$STATE/hhd-fcgi.log" || fail "manifest reload logged"

# protocol errors
eq "$(status POST /api/hit.gif -H "$FORM" --data 'p=/nl/&e=view')" 405 "POST to the GIF"
eq "$(status GET '/api/hit?p=/nl/&e=view')" 405 "GET to the beacon"
eq "$(status POST /api/hit -H "$FORM" --data "p=/nl/&e=view&via=$(head -c 2000 /dev/zero | tr '\0' a)")" 413 "beacon too large"
eq "$(status GET /api/nothing)" 404 "unknown /api/ path"
done_ok
