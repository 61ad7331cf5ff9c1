# test_crash.sh: no acknowledged submission is ever lost. Under concurrent
# load, hhd-fcgi is killed with SIGKILL (twice, restarting in between);
# afterwards every submission that was answered 303 must be in the
# database exactly once, and the database must pass its integrity check.
# Round 2 seals the submissions (--seal-key): sealing loses nothing either.
. "$(dirname "$0")/lib.sh"

CLIENTS=6
MAX=150       # requests per client per round, at most
FORM='Content-Type: application/x-www-form-urlencoded'

# One client: unique messages until told to stop; acknowledged ones (303)
# are written to acked-ROUND-N, one id a line.
client() {
	local round=$1 n=$2 i
	for i in $(seq 1 "$MAX"); do
		[ -e "$T/stop" ] && break
		submit_form "crash-$round-$n-$i" "$T/acked-$round-$n" "$T/codes-$round"
	done
}

round() {
	local r=$1 n pid waited=0
	rm -f "$T/stop"
	if [ "$r" = 2 ]; then
		start --relaxed-limits -- --rate-limit 0 --seal-key "$T/k.pub"
	else
		start --relaxed-limits -- --rate-limit 0
	fi
	pid=$(fcgi_pid)
	for n in $(seq 1 "$CLIENTS"); do
		client "$r" "$n" &
		BG_PIDS="$BG_PIDS $!"
	done
	# let some submissions through, then pull the plug mid-stream
	while [ "$(cat "$T"/acked-"$r"-* 2>/dev/null | wc -l)" -lt 150 ] && [ "$waited" -lt 150 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	kill -KILL "$pid"
	sleep 0.5
	touch "$T/stop"
	wait
	BG_PIDS=""
	stop
	echo "round $r: $(cat "$T"/acked-"$r"-* | wc -l) acknowledged before kill -9;" \
		"answers: $(sort "$T/codes-$r" | uniq -c | tr '\n' ' ')"
}

"$BUILD/hhd-admin" keygen "$T/k.secret" "$T/k.pub" >/dev/null
round 1
round 2

# restart once more and look: every acknowledged submission is there, once
start
sort "$T"/acked-* >"$T/acked"
# the messages, opened with the secret key (round 2's are sealed)
"$BUILD/hhd-admin" --db "$STATE/hhd.db" --key "$T/k.secret" export --csv | tr -d '\r' |
	awk -F, 'NR > 1 { gsub(/"/, "", $NF); print $NF }' | sort >"$T/stored"
[ "$(sql 'SELECT count(*) FROM contact WHERE sealed IS NOT NULL')" -gt 0 ] || fail "round 2 sealed nothing"
acked=$(wc -l <"$T/acked" | tr -d ' ')
found=$(comm -12 "$T/acked" "$T/stored" | wc -l | tr -d ' ')
[ "$acked" -ge 200 ] || fail "only $acked submissions acknowledged: no real load"
eq "$found" "$acked" "acknowledged submissions found after kill -9"
eq "$(comm -23 "$T/acked" "$T/stored" | head -n 3)" "" "missing submissions"
eq "$(uniq -d "$T/stored" | wc -l | tr -d ' ')" 0 "duplicates"
eq "$(sql 'PRAGMA integrity_check')" ok "integrity check"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=after+the+crash&consent=yes')" 303 "working after restart"
echo "crash test: $acked acknowledged, $found found, $(sql 'SELECT count(*) FROM contact') rows stored"
done_ok
