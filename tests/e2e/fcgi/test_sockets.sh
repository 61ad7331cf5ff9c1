# test_sockets.sh: the three ways hhd-fcgi gets its socket, each behind
# the same nginx: --socket PATH (what scripts/serve uses, mode 0660),
# fd 0 from spawn-fcgi, and systemd socket activation (fd 3, LISTEN_FDS).
. "$(dirname "$0")/lib.sh"
FORM='Content-Type: application/x-www-form-urlencoded'
SOCK=$STATE/hhd-fcgi.sock
FCGI="$BUILD/hhd-fcgi --db $STATE/hhd.db --site $SITE"

start
eq "$(stat -c %a "$SOCK")" 660 "socket mode"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=via+--socket&consent=yes')" 303 "--socket"

# swap in a responder started another way, on the same socket path
swap() {
	kill -TERM "$(fcgi_pid)"
	for _ in $(seq 1 50); do [ -S "$SOCK" ] && kill -0 "$(fcgi_pid)" 2>/dev/null || break; sleep 0.1; done
	rm -f "$SOCK"
}
wait_up() {
	for _ in $(seq 1 50); do
		[ "$(status GET /api/hit.gif)" = 204 ] && return 0
		sleep 0.1
	done
	fail "no answer through $1"
}

if command -v spawn-fcgi >/dev/null; then
	swap
	# -n: spawn-fcgi binds the socket and execs hhd-fcgi in its own place
	spawn-fcgi -n -s "$SOCK" -M 0660 -- $FCGI >>"$STATE/hhd-fcgi.log" 2>&1 &
	spawned=$!
	BG_PIDS="$BG_PIDS $spawned"
	wait_up spawn-fcgi
	eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=via+fd+0&consent=yes')" 303 "fd 0 (spawn-fcgi)"
	grep -q 'ready (fd 0' "$STATE/hhd-fcgi.log" || fail "fd 0 mode not used"
	kill -TERM "$spawned"
	wait "$spawned" || true
	rm -f "$SOCK"
else
	echo "spawn-fcgi not installed: fd 0 not tested"
	swap
fi

if command -v systemd-socket-activate >/dev/null; then
	[ -S "$SOCK" ] && swap
	systemd-socket-activate -l "$SOCK" $FCGI >>"$STATE/hhd-fcgi.log" 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	wait_up systemd-socket-activate
	eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=via+fd+3&consent=yes')" 303 "fd 3 (LISTEN_FDS)"
	grep -q 'ready (systemd socket' "$STATE/hhd-fcgi.log" || fail "socket activation not used"
else
	echo "systemd-socket-activate not installed: fd 3 not tested"
fi

eq "$(sql 'SELECT count(*) FROM contact')" "$(grep -c 'contact: stored' "$STATE/hhd-fcgi.log")" "every stored submission in the database"
done_ok
