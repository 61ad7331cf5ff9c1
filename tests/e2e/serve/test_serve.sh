#!/bin/bash
# e2e: `hhd serve` on a copy of the fixture site: a page is served with the
# reload script, an edit rebuilds it and sends "reload" over the event stream,
# a broken file shows the error panel above the last good page until it is
# fixed, drafts carry the marker only in the preview, paths outside the site
# are refused, /api/ without --fcgi answers 503, a taken port exits 2, and
# SIGTERM stops the server and removes its preview folder.
# usage: test_serve.sh HHD SOURCE_DIR
set -u
HHD=$1
SRC=$2
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

T=$(mktemp -d)
PID=
PID2=
SSE=
cleanup() {
	for p in $SSE $PID2 $PID; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/log" ] && { echo "--- server log:"; cat "$T/log"; }; exit 1; }
. "$(dirname "$0")/lib.sh"

cp -r "$SRC/tests/fixtures/site/content" "$T/content"
mkdir "$T/tmp"
TIP="$T/content/nl/tips/back-ups.md"
cp "$TIP" "$T/back-ups.orig"

# start on a free port (0: the kernel chooses; the server prints it)
(cd "$T" && TMPDIR="$T/tmp" exec "$HHD" serve --port 0 --content content --theme "$SRC/themes/default" 2>"$T/log") &
PID=$!
wait_port "$T/log"
URL="http://127.0.0.1:$PORT"
[ "$(ls "$T/tmp" | grep -c '^hhd-serve-')" = 1 ] || fail "the preview folder is not in TMPDIR"
[ -e "$T/public" ] && fail "serve wrote public/"

get() { curl -s --max-time 5 --path-as-is "$URL$1"; }
code() { curl -s --max-time 5 --path-as-is -o /dev/null -w '%{http_code}' "$URL$1"; }

PAGE=/nl/tips/back-ups/
get $PAGE >"$T/p0" || fail "cannot fetch $PAGE"
grep -q 'Een back-up is een extra kopie' "$T/p0" || fail "the tip is not served"
grep -q '<script src="/__hhd/reload.js"' "$T/p0" || fail "no reload script in the preview page"
grep -q 'hhd-draft' "$T/p0" && fail "a page that is not a draft carries the draft marker"

# the event stream
curl -sN --max-time 60 "$URL/__hhd/events" >"$T/events" &
SSE=$!
wait_event() { # EVENT NTH: wait until the stream has shown EVENT at least NTH times
	for _ in $(seq 100); do
		[ "$(grep -c "^event: $1\$" "$T/events")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "no '$1' event (#$2) within 10 s; stream: $(cat "$T/events")"
}
wait_event hello 1

# 1. an edit: rebuilt, "reload" sent, the page shows the change
sed -i 's/Test de back-up ook\./Test de back-up ook. Zebra-merkteken-4711./' "$TIP"
wait_event reload 1
get $PAGE | grep -q 'Zebra-merkteken-4711' || fail "the edit does not show after the reload event"
# the preview keeps no build stamp: it rebuilds only after a change, and the
# stamp's walk of every file and its fsync would be paid on every save
ls -a "$T"/tmp/hhd-serve-*/ | grep -q 'hhd-stamp' && fail "the preview folder has a build stamp: $(ls -a "$T"/tmp/hhd-serve-*/)"

# 2. a broken file: "build-error", the panel above the last good page
printf -- '---\ntitle: Maak back-ups\n  summary: <kapot> & fout\n---\nTekst\n' >"$TIP"
wait_event build-error 1
get $PAGE >"$T/p2"
grep -q 'hhd-preview-errors' "$T/p2" || fail "no error panel after a broken file"
grep -q 'back-ups.md:[0-9]*:[0-9]*: error: ' "$T/p2" || fail "the panel does not list file:line:col: error:"
grep -q 'Zebra-merkteken-4711' "$T/p2" || fail "the last good page is not shown under the panel"
grep -q '<kapot>' "$T/p2" && fail "the panel does not escape"
[ "$(get /__hhd/status | grep -o '"failed":[01]')" = '"failed":1' ] || fail "status does not say failed"
get /nl/ | grep -q 'hhd-preview-errors' || fail "other pages do not show the panel"

# 3. fixed: "reload", the panel gone, the page back
cp "$T/back-ups.orig" "$TIP"
wait_event reload 2
get $PAGE >"$T/p3"
grep -q 'hhd-preview-errors' "$T/p3" && fail "the panel stays after the fix"
grep -q 'Een back-up is een extra kopie' "$T/p3" || fail "the page does not come back after the fix"
grep -q 'Zebra-merkteken-4711' "$T/p3" && fail "the page is not the fixed version"

# 4. a draft: shown in the preview with the marker and banner; never in hhd build's output
sed -e 's/^title: .*/title: Concepttip/' -e 's/^weight: .*/weight: 90\ndraft: true/' "$T/back-ups.orig" \
	>"$T/content/nl/tips/concept.md"
wait_event reload 3
get /nl/tips/concept/ >"$T/p4"
grep -q '<meta name="hhd-draft" content="">' "$T/p4" || fail "a draft has no draft marker in the preview"
grep -q 'hhd-preview-draft' "$T/p4" || fail "a draft has no concept banner"
"$HHD" build -q --drafts --content "$T/content" --theme "$SRC/themes/default" --out "$T/pub" 2>/dev/null ||
	fail "hhd build --drafts failed"
[ -f "$T/pub/nl/tips/concept/index.html" ] || fail "hhd build --drafts did not write the draft"
grep -q 'hhd-draft\|__hhd' -r "$T/pub" && fail "the published site carries the preview's marker or script"

# 5. paths outside the site are refused
for p in '/../../../../etc/passwd' '/%2e%2e/%2e%2e/%2e%2e/etc/passwd' '/nl/%2E%2E/%2e%2e/%2e%2e/%2e%2e/etc/passwd' \
	 '/..%2f..%2f..%2fetc/passwd' '/nl/tips/%00' ; do
	c=$(code "$p")
	case $c in 400|403|404) ;; *) fail "$p answered $c" ;; esac
	get "$p" | grep -q 'root:' && fail "$p leaked a file outside the site"
done
ln -s /etc "$T/content/nl/etc" # not copied into the site, but the build must still pass
wait_event reload 4
c=$(code /nl/etc/passwd)
case $c in 400|403|404) ;; *) fail "/nl/etc/passwd answered $c" ;; esac

# 6. /api/ without --fcgi
[ "$(code /api/contact)" = 503 ] || fail "/api/ without --fcgi does not answer 503"

# 7. the port in use: a clear message and exit status 2
"$HHD" serve --port "$PORT" --content "$T/content" --theme "$SRC/themes/default" 2>"$T/log2" &
PID2=$!
wait $PID2
rc=$?
PID2=
[ $rc = 2 ] || fail "a port in use exits $rc, not 2"
grep -q "port $PORT on 127.0.0.1 is already in use" "$T/log2" || fail "no clear message for a port in use: $(cat "$T/log2")"

# 8. SIGTERM: exit 0, the preview folder removed
kill -TERM $PID
wait $PID
rc=$?
PID=
[ $rc = 0 ] || fail "hhd serve exits $rc on SIGTERM"
[ -z "$(ls "$T/tmp")" ] || fail "the preview folder was left behind: $(ls "$T/tmp")"
echo "ok: hhd serve e2e"
