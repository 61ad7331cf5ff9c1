# test_batch.sh: hits that arrive together share one transaction and are
# answered only after its commit (fcgi/main.c). Concurrent hits mixed with
# contact forms all land, each exactly once; a SIGTERM under concurrent hit
# load loses no acknowledged hit, and hhd-fcgi exits 0 after committing and
# answering the batch in hand; after a kill -9 under the same load every
# acknowledged hit is stored too (a batch may be stored unanswered).
. "$(dirname "$0")/lib.sh"
start --relaxed-limits -- --rate-limit 0

FORM='Content-Type: application/x-www-form-urlencoded'
SOCK=$STATE/hhd-fcgi.sock
GIF="/api/hit.gif?p=%2Fnl%2F&e=view"
BEACON='p=/nl/hulp/ransomware/&e=help'

# own: run hhd-fcgi as this shell's child (so its exit status can be read)
# on the socket nginx uses; FCGI is its PID
own() {
	rm -f "$SOCK"
	"$BUILD/hhd-fcgi" --socket "$SOCK" --db "$STATE/hhd.db" --site "$SITE" --rate-limit 0 \
		>>"$STATE/hhd-fcgi.log" 2>&1 &
	FCGI=$!
	BG_PIDS="$BG_PIDS $FCGI"
	for _ in $(seq 1 50); do [ "$(status GET /api/hit.gif)" = 204 ] && break; sleep 0.1; done
	eq "$(status GET /api/hit.gif)" 204 "own hhd-fcgi answers"
}
old=$(fcgi_pid)
kill -TERM "$old"
for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
own

# burst N gif|beacon: N counted hits through one curl, 12 at a time, so that
# they queue on hhd-fcgi's socket; prints each answer's status, one a line.
# The bursts stay well below the socket's backlog (LISTEN_BACKLOG in fcgi/main.c).
burst() {
	local n=$1 kind=$2 i urls=()
	for i in $(seq 1 "$n"); do
		if [ "$kind" = gif ]; then urls+=("$URL$GIF" -o /dev/null); else urls+=("$URL/api/hit" -o /dev/null); fi
	done
	if [ "$kind" = gif ]; then
		curl -s -Z --parallel-max 12 -A "$UA" --max-time 10 -w '%{http_code}\n' "${urls[@]}" || true
	else
		curl -s -Z --parallel-max 12 -A "$UA" --max-time 10 -w '%{http_code}\n' -H "$FORM" \
			--data "$BEACON" "${urls[@]}" || true
	fi
}

# contact CLIENT N: N unique submissions, one after another; acknowledged
# ones (303) go to acked-CLIENT, one message a line
contact() {
	local c=$1 i
	for i in $(seq 1 "$2"); do
		submit_form "mixed-$c-$i" "$T/acked-$c" "$T/contact-codes"
	done
}

count() { # count CODE FILES...: lines equal to CODE
	local code=$1
	shift
	cat "$@" 2>/dev/null | grep -c "^$code\$" || true
}

# 1. hits and contact forms at once: every answer a success, every one stored
burst 150 gif >"$T/gif-1" &
BG_PIDS="$BG_PIDS $!"
burst 150 gif >"$T/gif-2" &
BG_PIDS="$BG_PIDS $!"
burst 150 beacon >"$T/beacon-1" &
BG_PIDS="$BG_PIDS $!"
burst 150 beacon >"$T/beacon-2" &
BG_PIDS="$BG_PIDS $!"
contact a 20 &
BG_PIDS="$BG_PIDS $!"
contact b 20 &
BG_PIDS="$BG_PIDS $!"
wait $(echo "$BG_PIDS" | tr ' ' '\n' | grep -v "^$FCGI\$")
BG_PIDS=" $FCGI"
eq "$(count 200 "$T"/gif-*)" 300 "GIFs answered 200"
eq "$(count 204 "$T"/beacon-*)" 300 "beacons answered 204"
eq "$(count 303 "$T/contact-codes")" 40 "contact forms answered 303"
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/' AND event = 'view'")" 300 "views stored"
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/hulp/ransomware/' AND event = 'help'")" 300 "help presses stored"
sort "$T"/acked-* >"$T/acked"
sql "SELECT message FROM contact" | sort >"$T/stored"
eq "$(comm -3 "$T/acked" "$T/stored" | head -n 3)" "" "contact forms stored, each once"
eq "$(sql 'SELECT count(*) FROM contact')" 40 "contact rows"

views() {
	sql "SELECT coalesce(sum(n), 0) FROM hit WHERE path = '/nl/' AND event = 'view'"
}

# load SIGNAL TAG: three clients sending hits until hhd-fcgi, after 200 were
# acknowledged, gets SIGNAL; their answers go to TAG-N. Sets rc to its exit
# status, acked to the hits answered 200 and stored to those counted.
load() {
	local sig=$1 tag=$2 n waited=0 before
	before=$(views)
	rm -f "$T/stop"
	for n in 1 2 3; do
		( while [ ! -e "$T/stop" ]; do burst 32 gif >>"$T/$tag-$n"; done ) &
		BG_PIDS="$BG_PIDS $!"
	done
	while [ "$(count 200 "$T/$tag"-*)" -lt 200 ] && [ "$waited" -lt 150 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	kill "-$sig" "$FCGI"
	rc=0
	wait "$FCGI" || rc=$?
	touch "$T/stop"
	wait $(echo "$BG_PIDS" | tr ' ' '\n' | grep -v "^$FCGI\$")
	BG_PIDS=""
	acked=$(count 200 "$T/$tag"-*)
	stored=$(($(views) - before))
	[ "$acked" -ge 200 ] || fail "only $acked hits acknowledged before SIG$sig: no real load"
	echo "SIG$sig under load: $acked acknowledged, $stored stored," \
		"answers: $(sort "$T/$tag"-* | uniq -c | tr '\n' ' ')"
}

# 2. SIGTERM under concurrent hit load: the batch in hand is committed and
# answered, the process exits 0, and every acknowledged hit is stored
load TERM term
eq "$rc" 0 "exit status after SIGTERM"
eq "$stored" "$acked" "acknowledged hits stored after SIGTERM"
eq "$(tail -n 1 "$STATE/hhd-fcgi.log" | grep -c 'stopping after')" 1 "clean stop logged"
eq "$(grep -c 'client went away\|not counted' "$STATE/hhd-fcgi.log" || true)" 0 "no reply lost, no hit refused"

# 3. kill -9 under the same load: no acknowledged hit is lost (a batch
# committed but not yet answered is stored unacknowledged: allowed)
own
load KILL kill
eq "$rc" 137 "killed"
[ "$stored" -ge "$acked" ] || fail "kill -9: $acked hits acknowledged, only $stored stored"
CHECKS=$((CHECKS + 1))
eq "$(sql 'PRAGMA integrity_check')" ok "integrity check"
done_ok
