#!/bin/bash
# e2e: `hhd serve` keeps parsed content files between its builds
# (generator/loadcache.h). After each kind of change the preview folder must
# hold exactly what a clean `hhd build --drafts` of the same files writes,
# and the build must have parsed only what the change touched: a tip, a
# tree, orgs.yaml, site.yaml (a text, then a setting parses depend on), a
# template, a page added and removed, a page whose alias validation
# completes, a translation added and removed, a language folder moved away
# and back, a broken file and its fix. The server starts on a broken file:
# after the first good build, the warm build fills the writer's spare tree.
# Every rebuild checks what render_deps.c kept without keying it.
# usage: test_serve_reuse.sh HHD SOURCE_DIR
set -u
HHD=$1
SRC=$2
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

T=$(mktemp -d)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/log" ] && { echo "--- server log (last 40 lines):"; tail -40 "$T/log"; }; exit 1; }
. "$(dirname "$0")/lib.sh"

C=$T/content
TH=$T/theme
cp -r "$SRC/tests/fixtures/site/content" "$C"
cp -r "$SRC/themes/default" "$TH"
mkdir "$T/tmp"
# start with a broken tip: the first build fails
cp "$C/nl/tips/back-ups.md" "$T/back-ups.md"
printf -- '---\ntitle: Kapot\nweight: tien\n---\nTekst.\n' >"$C/nl/tips/back-ups.md"

# HHD_DEPS_CHECK: a rebuild that keeps a page whose values changed fails
# (generator/render_deps.c), and shows as a failed flag below
(cd "$T" && HHD_TIMING=1 HHD_DEPS_CHECK=1 TMPDIR="$T/tmp" exec "$HHD" serve --port 0 --content "$C" --theme "$TH" 2>"$T/log") &
PID=$!
wait_port "$T/log"
SITE=$(echo "$T"/tmp/hhd-serve-*)/site

status() { curl -s --max-time 5 "http://127.0.0.1:$PORT/__hhd/status"; }
gen() { status | sed -n 's/.*"generation":\([0-9]*\).*/\1/p'; }
GEN=$(gen)
[ -n "$GEN" ] || fail "no generation in /__hhd/status"
status | grep -q '"failed":1' || fail "the first build with a broken tip did not fail"

# wait_rebuild NAME FAILED: wait until the generation passes $GEN (at most
# 15 s); the rebuild's "failed" flag must be FAILED
wait_rebuild() {
	for _ in $(seq 150); do
		kill -0 "$PID" 2>/dev/null || fail "hhd serve died"
		g=$(gen)
		[ -n "$g" ] && [ "$g" -gt "$GEN" ] && break
		sleep 0.1
	done
	[ -n "$g" ] && [ "$g" -gt "$GEN" ] || fail "$1: no rebuild within 15 s"
	GEN=$g
	status | grep -q "\"failed\":$2" || fail "$1: the rebuild's failed flag is not $2"
}

# step NAME PARSED: wait for the rebuild after a change; the build must
# have parsed PARSED files ("all": every listed one, "-": no check), and
# the preview must equal a clean build's output
step() {
	name=$1 want=$2
	wait_rebuild "$name" 0
	line=$(grep '^hhd: timing: load cache: ' "$T/log" | tail -1)
	reused=$(echo "$line" | sed -n 's/.*: \([0-9]*\) files reused, \([0-9]*\) parsed$/\1/p')
	parsed=$(echo "$line" | sed -n 's/.*: \([0-9]*\) files reused, \([0-9]*\) parsed$/\2/p')
	[ -n "$parsed" ] || fail "$name: no load cache line in the log"
	case $want in
	-) ;;
	all) [ "$reused" = 0 ] || fail "$name: $reused files reused, want every file parsed again" ;;
	*) [ "$parsed" = "$want" ] || fail "$name: $parsed files parsed ($reused reused), want $want" ;;
	esac
	rm -rf "$T/clean" "$T/clean.hhd-"*
	"$HHD" build -q --drafts --content "$C" --theme "$TH" --out "$T/clean" 2>"$T/clean.err" ||
		fail "$name: the clean build failed: $(cat "$T/clean.err")"
	diff -r "$T/clean" "$SITE" >"$T/diff" || fail "$name: the preview differs from a clean build: $(head -20 "$T/diff")"
	echo "ok: $name ($reused reused, $parsed parsed)"
}

# wait_failed NAME: wait for a rebuild that fails
wait_failed() {
	wait_rebuild "$1" 1
	echo "ok: $1 (failed as it should)"
}

cp "$T/back-ups.md" "$C/nl/tips/back-ups.md"
step "the first good build" -
[ -d "$SITE" ] || fail "no preview folder after the first good build"
# After it, hhd serve builds once more with nothing changed (the warm hook),
# so the writer's spare tree holds every file too and the next save links
# nothing into it. No event tells when that is done: wait for the lists.
listing() { (cd "$1" 2>/dev/null && find . -type f | sort); }
for _ in $(seq 150); do
	[ "$(listing "$SITE.hhd-spare")" = "$(listing "$SITE")" ] && break
	sleep 0.1
done
[ "$(listing "$SITE.hhd-spare")" = "$(listing "$SITE")" ] ||
	fail "the spare tree does not hold the site after the warm build: $(listing "$SITE.hhd-spare" | wc -l) of $(listing "$SITE" | wc -l) files"
echo "ok: the warm build filled the spare tree"
sed -i 's/^summary: .*/summary: Een andere samenvatting./' "$C/nl/tips/back-ups.md"
step "tip" 1
sed -i 's/^    question: Kunt u nog bij uw bestanden?/    question: Kunt u nog bij al uw bestanden?/' "$C/nl/trees/ransomware.yaml"
grep -q 'bij al uw bestanden' "$C/nl/trees/ransomware.yaml" || fail "the tree edit did not apply"
step "tree" 1
sed -i 's/^    name: Politie$/    name: Politie Nederland/' "$C/orgs.yaml"
step "organisation" 0
sed -i 's/^    tagline: Eerste hulp bij een test$/    tagline: Eerste hulp bij een proef/' "$C/site.yaml"
step "site.yaml text" 0
# en/tips/passwords.md has an alias validation completes ("/en/tips/old-passwords"
# -> ".../"): a kept page must not carry the last build's completed copy
sed -i 's/^title: .*/title: Strong passwords, again/' "$C/en/tips/passwords.md"
step "page with an alias" 1
sed -i 's/^  allow_raw_html: false/  allow_raw_html: true/' "$C/site.yaml"
step "site.yaml setting" all
sed -i 's|^<footer class="foot">|<footer class="foot" data-generation="2">|' "$TH/templates/base.mustache"
step "template" 0
printf -- '---\ntitle: Nieuw\nsummary: Een nieuwe tip.\nreviewed: 2026-01-01\n---\n## Kop\n\nTekst.\n' >"$C/nl/tips/nieuw.md"
step "page added" 1
printf -- '---\ntitle: New\nsummary: A new tip.\nreviewed: 2026-01-01\n---\n## Heading\n\nText.\n' >"$C/en/tips/nieuw.md"
step "translation added" 1
rm "$C/en/tips/nieuw.md"
step "translation removed" 0
rm "$C/nl/tips/nieuw.md"
step "page removed" 0
mv "$C/en/trees" "$T/en-trees"
step "folder moved away" 0
mv "$T/en-trees" "$C/en/trees"
step "folder moved back" "$(ls "$C/en/trees" | wc -l)"
cp "$C/nl/tips/back-ups.md" "$T/back-ups.md"
printf -- '---\ntitle: Kapot\nweight: tien\n---\nTekst.\n' >"$C/nl/tips/back-ups.md"
wait_failed "broken tip"
cp "$T/back-ups.md" "$C/nl/tips/back-ups.md"
step "broken tip fixed" 1

kill -TERM $PID
wait $PID
rc=$?
PID=
[ $rc = 0 ] || fail "hhd serve exits $rc on SIGTERM"
echo "ok: hhd serve keeps parsed files and stays equal to a clean build"
