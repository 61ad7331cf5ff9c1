# lib.sh: shared set-up for the hhd-fcgi end-to-end tests (sourced).
#
# Each test gets its own temporary folder with a copy of the fixture site,
# starts real nginx (deploy/nginx/hhd.conf, templated by scripts/serve) and
# build/hhd-fcgi on a free 127.0.0.1 port with `scripts/serve --daemon`, and
# talks to them with curl. On exit, whatever way it comes, the trap stops
# exactly what the test started: the servers through `serve --stop` (which
# checks each PID against the state folder) and the test's own background
# jobs by the PIDs it recorded. Set HHD_E2E_KEEP=1 to keep the folder.
set -eu

SRC=${HHD_SRC:?set HHD_SRC to the source tree}
BUILD=${HHD_BUILD:?set HHD_BUILD to the build folder}
# Without the tools there is nothing to test: skip (CTest's SKIP_RETURN_CODE).
for tool in curl sqlite3; do
	command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (scripts/deps test)"; exit 77; }
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "skipped: nginx is not installed"; exit 77; }
T=$(mktemp -d /tmp/hhd-e2e-XXXXXX)
STATE=$T/state
SITE=$T/site
URL=
BG_PIDS=""
UA='Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 hhd-e2e'
CHECKS=0
cp -r "$SRC/tests/e2e/fcgi/fixtures/site" "$SITE"

cleanup() {
	rc=$?
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	"$SRC/scripts/serve" --stop --state "$STATE" >/dev/null 2>&1 || true
	if [ "$rc" != 0 ] || [ -n "${HHD_E2E_KEEP:-}" ]; then
		echo "logs kept in $T" >&2
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*" >&2
	for f in "$STATE/hhd-fcgi.log" "$STATE/error.log"; do
		[ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 20 "$f" >&2; }
	done
	exit 1
}

# eq GOT WANT WHAT
eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
	CHECKS=$((CHECKS + 1))
}

# ok COMMAND... : the command must succeed
ok() {
	"$@" || fail "$*"
	CHECKS=$((CHECKS + 1))
}

done_ok() {
	echo "$(basename "$0"): $CHECKS checks passed"
}

# start [serve options] [-- hhd-fcgi options]: a free port, retried if taken
start() {
	local i
	for i in 1 2 3 4 5; do
		PORT=$("$SRC/scripts/free-port")
		if "$SRC/scripts/serve" --port "$PORT" --public "$SITE" --state "$STATE" --build "$BUILD" \
			--daemon "$@" >"$T/serve.log" 2>&1; then
			URL=http://127.0.0.1:$PORT
			return 0
		fi
		"$SRC/scripts/serve" --stop --state "$STATE" >/dev/null 2>&1 || true
		# the failed attempt's "bind() failed" lines are not the test's business
		rm -f "$STATE/error.log"
	done
	cat "$T/serve.log" >&2
	fail "scripts/serve did not start"
}

stop() {
	"$SRC/scripts/serve" --stop --state "$STATE" >/dev/null
}

# submit_form ID ACKED CODES: post one valid contact form whose message is
# ID; append ID to the file ACKED when it is acknowledged (303), and the
# status to the file CODES.
submit_form() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -A "$UA" --max-time 10 \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		--data "lang=nl&email=e2e%40example.nl&consent=yes&message=$1" "$URL/api/contact" || true)
	[ "$code" = 303 ] && echo "$1" >>"$2"
	echo "$code" >>"$3"
}

fcgi_pid() {
	awk '$1 == "hhd-fcgi" { print $2 }' "$STATE/pids"
}

sql() {
	sqlite3 -batch "$STATE/hhd.db" "$1"
}

# hex of a string, as SQLite's hex() writes it
hexof() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

# status METHOD PATH [curl args...]: print the HTTP status; the body goes
# to $T/body and the headers to $T/headers
status() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" -A "$UA" --max-time 10 "$@" "$URL$p"  || true
}

# header NAME: the value of a response header of the last status call
header() {
	tr -d '\r' <"$T/headers" | awk -v n="$(echo "$1" | tr A-Z a-z)" -F': ' 'tolower($1) == n { print substr($0, length($1) + 3) }'
}
