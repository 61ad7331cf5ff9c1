# test_visitors.sh: unique visitors per day through nginx. Each simulated
# visitor is a distinct user agent (all from 127.0.0.1, as nginx passes
# REMOTE_ADDR); hhd-fcgi hashes address and user agent with its in-memory
# key into the day's HyperLogLog sketch and stores only the sketch, at
# exit merged with what is stored. Checked: one visitor five times counts
# once; 500 visitors (100 of them twice) and then 500 more in a second
# process give 1,000 within 3%; 9,000 more in a third give 10,000 within
# 3%; neither address nor user agent reaches the database files or a log.
. "$(dirname "$0")/lib.sh"
ADMIN="$BUILD/hhd-admin --db $STATE/hhd.db"
today=$(date +%F)

# visit FROM TO: visitors FROM..TO, each one counter hit with its own user agent
visit() {
	seq "$1" "$2" | awk -v url="$URL/api/hit.gif?p=/nl/&e=view" '{
		if (NR > 1)
			print "next"
		printf "url = \"%s\"\noutput = \"/dev/null\"\nuser-agent = \"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 hhd-e2e-visitor-%d\"\nwrite-out = \"%%{http_code}\\n\"\n", url, $1
	}' >"$T/curl.cfg"
	curl -s -K "$T/curl.cfg" >"$T/codes"
	eq "$(sort "$T/codes" | uniq -c | awk '{ print $2 ":" $1 }')" "200:$(($2 - $1 + 1))" "visitors $1..$2 answered"
}
unique() {
	$ADMIN stats --json --from "$today" --to "$today" | sed -n 's/.*"day":"'"$today"'".*"unique":\([0-9]*\)}.*/\1/p'
}
# within LOW HIGH N WHAT
within() {
	[ -n "$3" ] && [ "$3" -ge "$1" ] && [ "$3" -le "$2" ] || fail "$4: $3 not within $1..$2"
	CHECKS=$((CHECKS + 1))
}

# the same visitor five times: one
start --relaxed-limits
visit 7 7
visit 7 7
visit 7 7
visit 7 7
visit 7 7
stop
eq "$(sql 'SELECT count(*) FROM visitors')" 1 "one sketch for the day"
eq "$(unique)" 1 "the same visitor five times"

# 500 visitors, 100 of them again: 501 (with the one above)
start --relaxed-limits
visit 1001 1500
visit 1001 1100
stop
n=$(unique)
within 486 516 "$n" "500 visitors, 100 twice, plus 1"
echo "after 501 distinct visitors: $n"

# 500 more in another process: its sketch is merged with the stored one
start --relaxed-limits
visit 1501 2000
stop
n=$(unique)
within 971 1031 "$n" "1,001 distinct visitors over two processes"
echo "after 1,001 distinct visitors: $n"
$ADMIN stats | grep -q "^$today .* $n\$" || fail "stats text shows the day's unique visitors"
$ADMIN stats --csv --from "$today" --to "$today" | grep -q "^day,$today,unique,$n"$'\r'"\$" || fail "stats csv"
monday=$(date -d "$today -$(($(date +%u) - 1)) days" +%F)
$ADMIN stats | sed -n '/unique visitors per week/,$p' | grep -q "^$monday  *$n\$" || fail "stats per week"
CHECKS=$((CHECKS + 3))

# 9,000 more in a third process: 10,001 in all
start --relaxed-limits
visit 2001 11000
stop
n=$(unique)
within 9701 10301 "$n" "10,001 distinct visitors over three processes"
echo "after 10,001 distinct visitors: $n"

# nothing about a visitor on disk or in a log
for f in "$STATE"/hhd.db "$STATE"/hhd.db-wal "$STATE"/*.log; do
	[ -f "$f" ] || continue
	grep -a -q -e 'hhd-e2e-visitor' -e 'Firefox' "$f" && fail "a user agent in $(basename "$f")"
	grep -a -q -e '127\.0\.0\.1' "$f" && fail "an address in $(basename "$f")"
done
CHECKS=$((CHECKS + 1))
done_ok
