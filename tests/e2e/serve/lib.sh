# Shared by the hhd serve e2e scripts (sourced): wait for a started server's
# port. Expects $T (the test folder), $PID (the server) and fail().

# wait_port LOG: set PORT from the "serving" line the server writes to LOG
# (it listens on port 0, so the kernel chose); fails after 10 s or when the
# server exits.
wait_port() {
	PORT=
	for _ in $(seq 100); do
		PORT=$(sed -n 's|^hhd: serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$1")
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || fail "hhd serve exited early"
		sleep 0.1
	done
	fail "no 'serving' line within 10 s"
}
