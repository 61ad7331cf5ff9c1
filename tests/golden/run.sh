#!/bin/sh
# tests/golden/run.sh: build the fixture site and check what hhd writes.
#
#   sh tests/golden/run.sh [--hhd PATH] [--update] TEST...
#
# The fixture is tests/fixtures/site/content, built with themes/default into
# a temporary folder. TEST is one of (or "all"):
#   pages     chosen output files equal tests/golden/expected/... byte for byte,
#             but for asset hashes (/assets/site.HASH.css); --update rewrites
#             them from the build (review the diff)
#   links     every internal href/src (starting with '/', or with the site's
#             base URL) and every sitemap URL leads to a generated file;
#             /api/ is hhd-fcgi's and is left out
#   hreflang  hreflang alternates pair up: if page A (language a) lists B
#             (language b), then B is in language b, lists A as a, and both
#             list the same set; the same for the sitemap's alternates
#   jobs      builds with -j1 and -j4 are byte-identical
#   mtime     a second build with nothing changed (skipped thanks to the
#             stamp beside the output, and again with --force) keeps every
#             file's mtime; a deleted output is built again;
#             after a content change, every file whose bytes did not change
#             keeps its mtime
#   failed    a build that fails (a content error; a template that fails while
#             pages are written) leaves the previous output exactly as it was
#             (bytes, mtimes, no file added or removed) and nothing new beside it
#             but the spare tree
#   incremental  the output and its spare (write.h) are brought up to date
#             in place: after each kind of change (tip, tree, organisation,
#             site.yaml, template, theme string, asset, a page added, the
#             same page removed, back to the build before last) the output
#             equals a clean build of the same input byte for byte, holds no
#             leftover, and unchanged files keep their mtime
#   mdcache   the Markdown cache (<out>.hhd-cache/markdown): a build whose
#             Markdown all comes from the cache writes the same files and
#             prints the same diagnostics (warnings, and errors of a build
#             that fails) as a --force build into a fresh folder
#   graph     hhd graph prints DOT with every node and answer label; --svg
#             gives <svg> when Graphviz's dot is on PATH, and without it
#             exits 2 with a message that names dot
#   i18n      the Arabic fixture (tests/fixtures/i18n/make.sh): right to
#             left, stand-ins with their notice, quick exit, no counters on
#             sensitive pages (expected pages in tests/golden/expected/i18n/)
#   report    hhd check --report lists a translation falling back and one
#             reviewed earlier than the default language's; --html FILE
#             writes the same as one page
# Ends with "N passed, N failed". KEEP=1 keeps the temporary folder.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fixture=$root/tests/fixtures/site/content
theme=$root/themes/default
expected_dir=$here/expected
hhd=${HHD:-$root/build/hhd}
base_url=https://fixture.example
update=0

# The files compared byte for byte (paths under the output folder).
golden_files='
index.html
404.html
50x.html
429.html
robots.txt
sitemap.xml
hhd-manifest.tsv
nl/index.html
en/index.html
nl/tips/index.html
nl/tips/back-ups/index.html
nl/tips/oud-wachtwoord/index.html
nl/hulp/index.html
nl/hulp/triage/index.html
nl/hulp/triage/more/index.html
nl/hulp/ransomware/index.html
nl/hulp/ransomware/encrypted/index.html
nl/hulp/ransomware/encrypted/vraag-de-helpdesk/index.html
en/help/ransomware/encrypted/index.html
nl/stappenplannen/index.html
nl/organisaties/index.html
nl/contact/index.html
nl/over-ons/index.html
en/about/index.html
nl/bedankt/index.html
nl/zoeken/index.html
nl/zoeken/index.json
en/search/index.json
'

tests=
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	--hhd) shift; hhd=${1:?--hhd needs a path} ;;
	--hhd=*) hhd=${1#--hhd=} ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
	all) tests="pages links hreflang jobs mtime failed incremental mdcache graph report i18n" ;;
	*) tests="$tests $1" ;;
	esac
	shift
done
[ -n "$tests" ] || tests="pages links hreflang jobs mtime failed incremental mdcache graph report i18n"
case $hhd in
/*) ;;
*) hhd=$(pwd)/$hhd ;;
esac
if [ ! -x "$hhd" ]; then
	echo "run.sh: no hhd at '$hhd' (build first, or pass --hhd PATH)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hhd-golden.XXXXXX")
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# build OUT CONTENT [hhd options...]: build quietly; the status is returned.
build() {
	out=$1
	content=$2
	shift 2
	"$hhd" build -q --content "$content" --theme "$theme" --out "$out" "$@" 2> "$tmp/build.err"
}

# A listing of every file under $1: path, checksum, size and mtime (ns).
listing() {
	(cd "$1" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
		sum=$(cksum < "$f")
		printf '%s %s %s\n' "$f" "$sum" "$(stat -c '%y' "$f" | tr ' ' '_')"
	done)
}

# Every file's path and checksum under $1.
sums() {
	(cd "$1" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
		printf '%s %s\n' "$f" "$(cksum < "$f")"
	done)
}

site=$tmp/site
site_built=0
need_site() {
	[ $site_built = 1 ] && return 0
	if ! build "$site/public" "$fixture"; then
		echo "FAIL the fixture site does not build:"
		cat "$tmp/build.err"
		exit 1
	fi
	if [ -s "$tmp/build.err" ]; then
		echo "FAIL the fixture site builds with messages:"
		cat "$tmp/build.err"
		failed=$((failed + 1))
	fi
	site_built=1
}

# The bytes of $1 with asset hashes replaced (/assets/site.1a2b3c4d.css ->
# /assets/site.HASH.css): every change to the theme's CSS would otherwise
# touch every golden page. The links test checks that the hashed files exist.
normalise() {
	sed 's|\(/assets/[^"/]*\.\)[0-9a-f]\{8\}\.|\1HASH.|g' "$1"
}

# compare_pages NAME OUT SUB FILE...: each FILE under OUT equals
# tests/golden/expected/SUB/FILE (asset hashes normalised); --update rewrites.
compare_pages() {
	cp_name=$1 cp_out=$2 cp_sub=$3
	shift 3
	for f in "$@"; do
		got=$cp_out/$f
		want=$expected_dir/$cp_sub$f
		if [ ! -f "$got" ]; then
			fail "$cp_name: $f was not generated"
			continue
		fi
		normalise "$got" > "$tmp/got"
		if [ $update = 1 ]; then
			if ! cmp -s "$tmp/got" "$want"; then
				mkdir -p "$(dirname "$want")"
				cp "$tmp/got" "$want"
				echo "UPDATED $cp_sub$f"
			fi
			pass
		elif [ ! -f "$want" ]; then
			fail "$cp_name: no expected file $want (run with --update)"
		elif cmp -s "$want" "$tmp/got"; then
			pass
		else
			fail "$cp_name: $f differs from tests/golden/expected/$cp_sub$f"
			diff -u "$want" "$tmp/got" | sed -e '1s|.*|--- expected|' -e '2s|.*|+++ actual|' | head -60
		fi
	done
}

test_pages() {
	need_site
	# shellcheck disable=SC2086 # the list is split on purpose
	compare_pages pages "$site/public" "" $golden_files
}

# Print "FILE<TAB>URL" for every href/src value in the HTML files and every
# <loc>/href in the sitemap, with &amp; decoded.
all_urls() { # dir
	(cd "$1" && find . -type f \( -name '*.html' -o -name '*.xml' \) | LC_ALL=C sort | while IFS= read -r f; do
		awk -v file="${f#./}" '{
			s = $0
			while (match(s, /(href|src)="[^"]*"|<loc>[^<]*<\/loc>/)) {
				v = substr(s, RSTART, RLENGTH)
				s = substr(s, RSTART + RLENGTH)
				if (v ~ /^<loc>/) { sub(/^<loc>/, "", v); sub(/<\/loc>$/, "", v) }
				else { sub(/^[a-z]*="/, "", v); sub(/"$/, "", v) }
				gsub(/&amp;/, "\\&", v)
				print file "\t" v
			}
		}' "$f"
	done)
}

test_links() {
	need_site
	all_urls "$site/public" > "$tmp/urls"
	n=$(wc -l < "$tmp/urls")
	bad=$(awk -F '\t' -v base="$base_url" '
		{
			u = $2
			if (index(u, base "/") == 1) u = substr(u, length(base) + 1)
			if (u !~ /^\// || u ~ /^\/\//) next
			sub(/[?#].*/, "", u)
			if (u ~ /^\/api\//) next
			print $1 "\t" $2 "\t" u
		}' "$tmp/urls" | while IFS='	' read -r file url path; do
			target=$site/public$path
			case $path in
			*/) target=${target}index.html ;;
			esac
			if [ ! -f "$target" ] && [ ! -f "$target/index.html" ]; then
				echo "$file: '$url' leads to no generated file"
			fi
		done)
	if [ "$n" -lt 100 ]; then
		fail "links: only $n links found; the extraction is broken"
	elif [ -n "$bad" ]; then
		fail "links:"
		printf '%s\n' "$bad"
	else
		pass
	fi
}

test_hreflang() {
	need_site
	# One line per HTML page: URL LANG then "lang=url" for each alternate.
	(cd "$site/public" && find . -name '*.html' | LC_ALL=C sort | while IFS= read -r f; do
		awk -v file="${f#./}" -v base="$base_url" '
			/<html lang="/ { l = $0; sub(/.*<html lang="/, "", l); sub(/".*/, "", l); lang = l }
			/<link rel="alternate" hreflang="/ {
				h = $0; sub(/.*hreflang="/, "", h); sub(/".*/, "", h)
				u = $0; sub(/.*href="/, "", u); sub(/".*/, "", u)
				if (index(u, base) == 1) u = substr(u, length(base) + 1)
				alts = alts " " h "=" u
			}
			END {
				url = "/" file; sub(/index\.html$/, "", url)
				print url " " lang alts
			}' "$f"
	done) > "$tmp/hreflang"
	# Sitemap: LOC then "lang=url" for each alternate (LANG "-").
	awk -v base="$base_url" '
		/<url>/ {
			s = $0
			loc = s; sub(/.*<loc>/, "", loc); sub(/<\/loc>.*/, "", loc); sub(base, "", loc)
			alts = ""
			while (match(s, /hreflang="[^"]*" href="[^"]*"/)) {
				v = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
				h = v; sub(/^hreflang="/, "", h); sub(/".*/, "", h)
				u = v; sub(/.*href="/, "", u); sub(/"$/, "", u); sub(base, "", u)
				alts = alts " " h "=" u
			}
			print loc " -" alts
		}' "$site/public/sitemap.xml" > "$tmp/sitemap-alts"
	bad=$(awk '
		FNR == 1 { src = FILENAME ~ /sitemap/ ? "sitemap.xml" : "page" }
		{
			key = src SUBSEP $1
			lang[key] = $2
			set = ""
			for (i = 3; i <= NF; i++) set = set " " $i
			alts[key] = set
			urls[++n] = key
		}
		END {
			pairs = 0
			for (k = 1; k <= n; k++) {
				key = urls[k]; split(key, kp, SUBSEP)
				if (alts[key] == "") continue
				m = split(substr(alts[key], 2), a, " ")
				self = 0
				for (i = 1; i <= m; i++) {
					eq = index(a[i], "="); l = substr(a[i], 1, eq - 1); u = substr(a[i], eq + 1)
					if (u == kp[2]) { self = 1; if (kp[1] == "page" && l != lang[key]) print kp[1] " " kp[2] ": lists itself as " l " but is " lang[key]; continue }
					other = kp[1] SUBSEP u
					if (!(other in lang)) { print kp[1] " " kp[2] ": alternate " u " (" l ") does not exist"; continue }
					if (kp[1] == "page" && lang[other] != l) print kp[1] " " kp[2] ": alternate " u " is " lang[other] ", not " l
					if (alts[other] != alts[key]) print kp[1] " " kp[2] ": alternate " u " lists" alts[other] " instead of" alts[key]
					else pairs++
				}
				if (!self) print kp[1] " " kp[2] ": does not list itself among its alternates"
			}
			if (pairs < 20) print "only " pairs " hreflang pairs found; the extraction is broken"
		}' "$tmp/hreflang" "$tmp/sitemap-alts")
	if [ -n "$bad" ]; then
		fail "hreflang:"
		printf '%s\n' "$bad"
	else
		pass
	fi
}

test_jobs() {
	# Both builds go to the same --out (the folder's name is part of the
	# .hhd-stamp file); the second needs --force, since nothing changed.
	out=$tmp/jobs/public
	if ! build "$out" "$fixture" -j1; then fail "jobs: -j1 build failed"; cat "$tmp/build.err"; return; fi
	cp -R "$out" "$tmp/jobs/j1"
	if ! build "$out" "$fixture" -j4 --force; then fail "jobs: -j4 build failed"; cat "$tmp/build.err"; return; fi
	if diff -r "$tmp/jobs/j1" "$out" > "$tmp/jobs.diff"; then
		pass
	else
		fail "jobs: -j1 and -j4 builds differ:"
		head -40 "$tmp/jobs.diff"
	fi
}

test_mtime() {
	out=$tmp/mtime/public
	if ! build "$out" "$fixture"; then fail "mtime: first build failed"; cat "$tmp/build.err"; return; fi
	listing "$out" > "$tmp/mtime.1"
	sleep 1 # a rewritten file would get a visibly newer mtime
	# nothing changed: hhd sees that from its stamp and writes nothing
	if ! build "$out" "$fixture"; then fail "mtime: second build failed"; cat "$tmp/build.err"; return; fi
	listing "$out" > "$tmp/mtime.2"
	if cmp -s "$tmp/mtime.1" "$tmp/mtime.2"; then
		pass
	else
		fail "mtime: a build with nothing changed changed these files (path, checksum, size, mtime):"
		diff "$tmp/mtime.1" "$tmp/mtime.2" | head -40
	fi
	# the stamp belongs to the output it was written with: after the output
	# is deleted (or replaced by a copy) the next build writes the site again
	mv "$out" "$tmp/mtime/moved"
	if ! build "$out" "$fixture"; then fail "mtime: build after deleting the output failed"; cat "$tmp/build.err"; return; fi
	if [ -f "$out/index.html" ] && [ -f "$out/nl/index.html" ]; then
		pass
	else
		fail "mtime: after the output was deleted, the next build wrote no site"
	fi
	rm -rf "$out"
	mv "$tmp/mtime/moved" "$out"
	# --force renders and writes everything again: same bytes, same mtimes
	if ! build "$out" "$fixture" --force; then fail "mtime: forced build failed"; cat "$tmp/build.err"; return; fi
	listing "$out" > "$tmp/mtime.2"
	if cmp -s "$tmp/mtime.1" "$tmp/mtime.2"; then
		pass
	else
		fail "mtime: a forced build with nothing changed changed these files (path, checksum, size, mtime):"
		diff "$tmp/mtime.1" "$tmp/mtime.2" | head -40
	fi
	# Change one tip: its page and the pages listing it change, nothing else.
	cp -R "$fixture" "$tmp/mtime/content"
	sed 's/^summary: .*/summary: Een nieuwe samenvatting./' "$fixture/nl/tips/back-ups.md" \
		> "$tmp/mtime/content/nl/tips/back-ups.md"
	sleep 1
	if ! build "$out" "$tmp/mtime/content"; then fail "mtime: third build failed"; cat "$tmp/build.err"; return; fi
	listing "$out" > "$tmp/mtime.3"
	bad=$(awk '
		FNR == NR { before[$1] = $2 " " $3 " " $4; next }
		{
			now = $2 " " $3 " " $4
			if (!($1 in before)) next
			split(before[$1], b, " ")
			if (b[1] == $2 && b[2] == $3 && b[3] != $4) print $1 ": same bytes, new mtime"
			if (b[1] != $2) changed++
		}
		END { if (changed < 2) print "only " changed + 0 " files changed after a content change" }
	' "$tmp/mtime.2" "$tmp/mtime.3")
	if [ -n "$bad" ]; then
		fail "mtime after a change:"
		printf '%s\n' "$bad" | head -40
	else
		pass
	fi
}

# failed_build NAME CONTENT THEME: a build that must fail leaves $out as it was.
failed_build() {
	name=$1
	sleep 1 # anything rewritten would get a visibly newer mtime
	"$hhd" build -q --content "$2" --theme "$3" --out "$out" 2> "$tmp/build.err"
	status=$?
	if [ $status = 1 ] && [ -s "$tmp/build.err" ]; then
		pass
	else
		fail "failed ($name): the build exited $status, not 1 with a message"
		cat "$tmp/build.err"
	fi
	listing "$out" > "$tmp/failed.2"
	if cmp -s "$tmp/failed.1" "$tmp/failed.2"; then
		pass
	else
		fail "failed ($name): the previous output changed (path, checksum, size, mtime):"
		diff "$tmp/failed.1" "$tmp/failed.2" | head -40
	fi
	# the spare is the writer's scratch tree (write.h); a failed build may
	# have started on it, and it is never part of the site
	ls -a "$tmp/failed" | grep -v '^public\.hhd-spare$' > "$tmp/failed.dir2"
	if cmp -s "$tmp/failed.dir1" "$tmp/failed.dir2"; then
		pass
	else
		fail "failed ($name): the output's folder holds something new (a staging folder?):"
		diff "$tmp/failed.dir1" "$tmp/failed.dir2"
	fi
}

test_failed() {
	mkdir -p "$tmp/failed" "$tmp/failed-input"
	out=$tmp/failed/public
	if ! build "$out" "$fixture"; then fail "failed: first build failed"; cat "$tmp/build.err"; return; fi
	listing "$out" > "$tmp/failed.1"
	ls -a "$tmp/failed" | grep -v '^public\.hhd-spare$' > "$tmp/failed.dir1"
	# 1. A content error (found before anything is written), beside a change
	# that would alter pages if it were written.
	content=$tmp/failed-input/content
	cp -R "$fixture" "$content"
	printf -- '---\ntitle: Kapot\nweight: tien\n---\nTekst.\n' > "$content/nl/tips/broken.md"
	sed 's/^summary: .*/summary: Anders./' "$fixture/nl/tips/passwords.md" > "$content/nl/tips/passwords.md"
	failed_build "content error" "$content" "$theme"
	# 2. A template that fails while the pages are being written (a partial
	# that includes itself), with changed content: the staging folder holds
	# half a site when the build gives up.
	cp -R "$theme" "$tmp/failed-input/theme"
	echo '{{>contact}}' > "$tmp/failed-input/theme/templates/contact.mustache"
	rm "$content/nl/tips/broken.md"
	failed_build "render error" "$content" "$tmp/failed-input/theme"
	# 3. A good build over the same output after the failures changes nothing.
	if build "$out" "$fixture" && listing "$out" > "$tmp/failed.3" && cmp -s "$tmp/failed.1" "$tmp/failed.3"; then
		pass
	else
		fail "failed: a good build after the failed ones changed the output"
		diff "$tmp/failed.1" "$tmp/failed.3" | head -20
	fi
}

# incr_step NAME [REUSE]: build $incr/content into $incr/public (incrementally)
# and into a fresh folder, and compare. REUSE "some": the build must have
# kept pages from the last one without rendering them (the render memo).
incr_step() {
	name=$1
	if ! "$hhd" build --content "$incr/content" --theme "$theme" --out "$incr/public" 2> "$tmp/build.err"; then
		fail "incremental ($name): the build failed"; cat "$tmp/build.err"; return
	fi
	kept=$(sed -n 's/^hhd: wrote [0-9]* files ([0-9]* unchanged, \([0-9]*\) of them not rendered again).*/\1/p' \
		"$tmp/build.err")
	if [ -z "$kept" ] && [ -z "${2:-}" ] && grep -q '^hhd: nothing changed since the last build' "$tmp/build.err"; then
		kept=stamp
	fi
	case "${2:-}:$kept" in
	:[0-9]*|:stamp|some:[1-9]*) pass ;;
	*) fail "incremental ($name): expected ${2:-any} pages not rendered again, the build said:"
	   cat "$tmp/build.err" ;;
	esac
	rm -rf "$incr/clean" "$incr/clean.hhd-"*
	if ! build "$incr/clean" "$incr/content"; then fail "incremental ($name): the clean build failed"; cat "$tmp/build.err"; return; fi
	if diff -r "$incr/clean" "$incr/public" > "$tmp/incr.diff"; then
		pass
	else
		fail "incremental ($name): the output differs from a clean build:"
		head -30 "$tmp/incr.diff"
	fi
	left=$(find "$incr/public" "$incr/public.hhd-spare" -name '*.hhd-tmp' 2>/dev/null | head -5)
	extra=$(ls -a "$incr" | grep -v -x -e . -e .. -e content -e theme -e clean -e 'clean\.hhd-.*' \
		-e public -e public.hhd-spare -e public.hhd-lock -e public.hhd-stamp -e public.hhd-cache)
	if [ -z "$left$extra" ]; then
		pass
	else
		fail "incremental ($name): leftovers: $left $extra"
	fi
}

test_incremental() {
	# every incremental build checks what render_deps.c kept unkeyed
	HHD_DEPS_CHECK=1
	export HHD_DEPS_CHECK
	incr=$tmp/incr
	mkdir -p "$incr"
	cp -R "$fixture" "$incr/content"
	cp -R "$theme" "$incr/theme"
	theme_saved=$theme
	theme=$incr/theme
	incr_step "first build"
	incr_step "second build, nothing changed"
	listing "$incr/public" > "$tmp/incr.1"
	sleep 1 # a rewritten file would get a visibly newer mtime
	c=$incr/content
	sed -i 's/^summary: .*/summary: Een andere samenvatting./' "$c/nl/tips/back-ups.md"
	incr_step "tip" some
	# files whose bytes did not change keep their mtime, in both trees
	listing "$incr/public" > "$tmp/incr.2"
	bad=$(awk 'FNR == NR { b[$1] = $2 " " $3 " " $4; next }
		($1 in b) { split(b[$1], o, " "); if (o[1] == $2 && o[3] != $4) print $1 ": same bytes, new mtime" }' \
		"$tmp/incr.1" "$tmp/incr.2")
	if [ -z "$bad" ]; then pass; else fail "incremental (tip): $bad" | head -20; fi
	# the same number of bytes: only a comparison of the bytes sees it
	sed -i 's/^summary: Een andere samenvatting./summary: Een andere samenvattinG./' "$c/nl/tips/back-ups.md"
	incr_step "same size" some
	# what render_deps.c lets a change reach (HHD_DEPS_CHECK fails a
	# build that keeps a page whose values changed): a tip's body only
	# (its page, and the plans that list it), the contact page (every
	# ask page shows it), the home page, a tip's slug and alias (its
	# translation's language switcher, the lists, the sitemap), a
	# translation removed (a stand-in takes its place) and back, the
	# contact page's translation removed and back
	sed -i 's/^Een back-up is een extra kopie/Een back-up is een tweede kopie/' "$c/nl/tips/back-ups.md"
	incr_step "tip body" some
	sed -i 's/^Bij direct gevaar belt u/Bij acuut gevaar belt u/' "$c/nl/pages/contact.md"
	incr_step "contact page" some
	sed -i 's/^Gehackt? Beantwoord een paar vragen./Gehackt? Beantwoord enkele vragen./' "$c/nl/index.md"
	incr_step "home page" some
	sed -i -e 's/^slug: wachtwoorden$/slug: sterke-wachtwoorden/' \
		-e 's|^aliases: \[/nl/tips/oud-wachtwoord/\]|aliases: [/nl/tips/oude-wachtwoorden/]|' "$c/nl/tips/passwords.md"
	sed -i 's|(\.\./wachtwoorden/)|(../sterke-wachtwoorden/)|' "$c/nl/tips/back-ups.md"
	incr_step "tip slug and alias" some
	mv "$c/en/tips/passwords.md" "$tmp/passwords.en"
	incr_step "translation removed" some
	mv "$tmp/passwords.en" "$c/en/tips/passwords.md"
	incr_step "translation back" some
	# the English contact page removed: a stand-in of the Dutch one takes
	# its place, and every English ask page shows that instead
	mv "$c/en/pages/contact.md" "$tmp/contact.en"
	incr_step "contact translation removed" some
	mv "$tmp/contact.en" "$c/en/pages/contact.md"
	incr_step "contact translation back" some
	sed -i 's/^    question: Kunt u nog bij uw bestanden?/    question: Kunt u nog bij al uw bestanden?/' "$c/nl/trees/ransomware.yaml"
	incr_step "tree" some
	sed -i 's/^    name: Politie$/    name: Politie Nederland/' "$c/orgs.yaml"
	incr_step "organisation" some
	sed -i 's/^    tagline: Eerste hulp bij een test$/    tagline: Eerste hulp bij een proef/' "$c/site.yaml"
	incr_step "site.yaml"
	sed -i 's|^<footer class="foot">|<footer class="foot" data-generation="2">|' "$theme/templates/base.mustache"
	incr_step "template"
	sed -i 's/^skip: .*/skip: Direct naar de inhoud/' "$theme/i18n/nl.yaml"
	incr_step "theme string"
	printf '\n/* a change */\n' >> "$theme/assets/site.css"
	incr_step "asset"
	printf -- '---\ntitle: Nieuw\nsummary: Een nieuwe tip.\nreviewed: 2026-01-01\n---\nTekst.\n' > "$c/nl/tips/nieuw.md"
	printf -- '---\ntitle: New\nsummary: A new tip.\nreviewed: 2026-01-01\n---\nText.\n' > "$c/en/tips/nieuw.md"
	incr_step "page added" some
	rm "$c/nl/tips/nieuw.md" "$c/en/tips/nieuw.md"
	incr_step "page removed" some
	# the spare is the tree before last: going back to it must work too
	sed -i 's/^skip: .*/skip: Naar de inhoud/' "$theme/i18n/nl.yaml"
	incr_step "back to an earlier string"
	sed -i 's/^skip: .*/skip: Direct naar de inhoud/' "$theme/i18n/nl.yaml"
	incr_step "and forward again"
	# A file put into the output by hand: hhd build trusts its journal and
	# does not look for it; --force checks every file and removes it, and
	# the builds after that do not bring it back from the spare.
	echo stray > "$incr/public/stray.html"
	if "$hhd" build -q --force --content "$c" --theme "$theme" --out "$incr/public" 2> "$tmp/build.err" \
		&& [ ! -e "$incr/public/stray.html" ]; then
		pass
	else
		fail "incremental (--force): the build failed or left a file added by hand"; cat "$tmp/build.err"
	fi
	sed -i 's/^skip: .*/skip: Naar de inhoud/' "$theme/i18n/nl.yaml"
	incr_step "after --force"
	sed -i 's/^skip: .*/skip: Direct naar de inhoud/' "$theme/i18n/nl.yaml"
	incr_step "after --force, twice"
	theme=$theme_saved
	unset HHD_DEPS_CHECK
}

# md_build NAME OUT [hhd options...]: build $md/content with HHD_TIMING
# into OUT; diagnostics into $tmp/md.NAME.err, the timing lines into
# $tmp/md.NAME.timing; the status is returned.
md_build() {
	mb_name=$1 mb_out=$2
	shift 2
	HHD_TIMING=1 "$hhd" build -q --content "$md/content" --theme "$theme" --out "$mb_out" "$@" 2> "$tmp/md.raw"
	mb_status=$?
	grep -v '^hhd: timing:' "$tmp/md.raw" > "$tmp/md.$mb_name.err"
	grep '^hhd: timing:' "$tmp/md.raw" > "$tmp/md.$mb_name.timing"
	return $mb_status
}

# md_same NAME WANT_STATUS MISSES: build incrementally and with --force into
# a fresh folder; both end with WANT_STATUS, print the same, write the same,
# and the incremental build rendered MISSES texts of Markdown.
md_same() {
	name=$1 want=$2 misses=$3
	md_build "$name" "$md/public"
	st=$?
	rm -rf "$md/clean" "$md/clean.hhd-"*
	md_build "$name.force" "$md/clean" --force
	stf=$?
	if [ $st != "$want" ] || [ $stf != "$want" ]; then
		fail "mdcache ($name): exit $st, and $stf with --force (want $want)"
		cat "$tmp/md.$name.err"
		return
	fi
	if cmp -s "$tmp/md.$name.err" "$tmp/md.$name.force.err"; then
		pass
	else
		fail "mdcache ($name): the diagnostics differ from a --force build's:"
		diff "$tmp/md.$name.force.err" "$tmp/md.$name.err" | head -20
	fi
	if [ "$want" = 0 ]; then
		if diff -r "$md/clean" "$md/public" > "$tmp/md.diff"; then
			pass
		else
			fail "mdcache ($name): the output differs from a --force build's:"
			head -30 "$tmp/md.diff"
		fi
	fi
	if grep -q " hits, $misses misses\$" "$tmp/md.$name.timing"; then
		pass
	else
		fail "mdcache ($name): not $misses misses: $(grep 'markdown cache read' "$tmp/md.$name.timing")"
	fi
}

test_mdcache() {
	md=$tmp/mdcache
	mkdir -p "$md"
	cp -R "$fixture" "$md/content"
	c=$md/content
	# a tip whose Markdown gets warnings: a sentence too long, a phone
	# number that is not a link (and its translation, with the same)
	for l in nl en; do
		cat > "$c/$l/tips/lang.md" <<'TIP'
---
title: Een lange tip
summary: Een tip met te lange zinnen.
reviewed: 2026-01-01
---
Dit is een hele lange zin met veel te veel woorden zodat de lezer halverwege de draad kwijtraakt en niet meer weet waar het begon of waar het over ging.

## Bellen

Bel 0900-8844 als u twijfelt, of lees [de tip over back-ups](/nl/tips/back-ups/).
TIP
	done
	md_build cold "$md/public"
	if grep -q 'warning: sentence of 3[0-9] words' "$tmp/md.cold.err" && grep -q 'warning: .*0900-8844' "$tmp/md.cold.err"; then
		pass
	else
		fail "mdcache: the tip gets no warnings to replay:"
		cat "$tmp/md.cold.err"
	fi
	# front matter only: every text of Markdown comes from the cache
	sed -i 's/^summary: .*/summary: Een andere samenvatting./' "$c/nl/tips/back-ups.md"
	md_same "summary" 0 0
	# a body: that text alone is rendered
	sed -i 's/^Een back-up is een extra kopie/Een back-up is een tweede kopie/' "$c/nl/tips/back-ups.md"
	md_same "body" 0 1
	# raw HTML: an error, and the build fails; the failed build's texts are
	# cached too, so the same failure again renders nothing
	printf '\nEen <b>vet</b> woord.\n' >> "$c/nl/tips/lang.md"
	md_same "error" 1 1
	touch "$c/site.yaml"
	md_same "error again" 1 0
	# back to the good text: the cache keeps only what the last build used,
	# so it is rendered again
	sed -i '/^Een <b>vet<\/b> woord.$/d' "$c/nl/tips/lang.md"
	sed -i '$d' "$c/nl/tips/lang.md"
	md_same "repaired" 0 1
	# a damaged cache is read as none: all is rendered again, no message
	# (every record zeroed, the 16-byte id kept: one changed byte may fall in
	# a record no index names any more, and where each record lies follows
	# the threads)
	blob=$md/public.hhd-cache/markdown.blob
	size=$(wc -c < "$blob")
	dd if=/dev/zero of="$blob" bs=1 seek=16 count=$((size - 16)) conv=notrunc 2> /dev/null
	touch "$c/site.yaml"
	md_build damaged "$md/public"
	if [ -s "$tmp/md.damaged.err" ] && cmp -s "$tmp/md.damaged.err" "$tmp/md.repaired.err" &&
	   ! grep -q ' 0 misses$' "$tmp/md.damaged.timing"; then
		pass
	else
		fail "mdcache (damaged): $(cat "$tmp/md.damaged.timing")"
		diff "$tmp/md.repaired.err" "$tmp/md.damaged.err" | head
	fi
	# hhd check neither reads nor writes it
	rm -rf "$md/public.hhd-cache"
	"$hhd" check -q --content "$c" --theme "$theme" --out "$md/public" 2> /dev/null
	if [ -e "$md/public.hhd-cache" ]; then fail "mdcache: hhd check wrote a cache"; else pass; fi
}

# hhd check --report: per language, what the default language has that this
# one lacks or has with an older `reviewed` date.
test_report() {
	cp -R "$fixture" "$tmp/report"
	rm "$tmp/report/en/tips/passwords.md"
	sed 's/^reviewed: .*/reviewed: 2000-01-01/' "$fixture/en/trees/ransomware.yaml" > "$tmp/report/en/trees/ransomware.yaml"
	"$hhd" check -q --report --content "$tmp/report" --theme "$theme" > "$tmp/report.out" 2> "$tmp/report.err"
	cat > "$tmp/report.want" <<'WANT'
language nl (default)
  home   1 of 1 translated, 0 falling back, 0 reviewed earlier than nl
  pages  4 of 4 translated, 0 falling back, 0 reviewed earlier than nl
  tips   2 of 2 translated, 0 falling back, 0 reviewed earlier than nl
  trees  2 of 2 translated, 0 falling back, 0 reviewed earlier than nl
language en
  home   1 of 1 translated, 0 falling back, 0 reviewed earlier than nl
  pages  4 of 4 translated, 0 falling back, 0 reviewed earlier than nl
  tips   1 of 2 translated, 1 falling back, 0 reviewed earlier than nl
    falling back: passwords (shown in nl)
  trees  2 of 2 translated, 0 falling back, 1 reviewed earlier than nl
    older: ransomware (reviewed 2000-01-01, nl 2026-01-15)
WANT
	if cmp -s "$tmp/report.want" "$tmp/report.out"; then
		pass
	else
		fail "report: hhd check --report printed something else:"
		diff "$tmp/report.want" "$tmp/report.out" | head -30
		cat "$tmp/report.err"
	fi
	# --html FILE: the same as one page, with a row per item
	"$hhd" check -q --report --html "$tmp/report.html" --content "$tmp/report" --theme "$theme" \
		> "$tmp/report.hout" 2>> "$tmp/report.err"
	if [ -s "$tmp/report.hout" ]; then
		fail "report --html: wrote to stdout too"
	elif grep -q '<tr class="falling-back"><td>tips</td><td>passwords</td>.*falling back (shown in nl)' "$tmp/report.html" &&
	     grep -q '<tr class="older"><td>trees</td><td>ransomware</td>.*<td>2000-01-01</td><td>2026-01-15</td>' "$tmp/report.html" &&
	     grep -q '<td>1 of 2</td>\|<td>8 of 9</td>' "$tmp/report.html" && grep -q '^</html>$' "$tmp/report.html"; then
		pass
	else
		fail "report --html: the page lacks the falling-back or older row, or the summary"
		grep -n '<tr' "$tmp/report.html" | head -20
	fi
	if "$hhd" build --html "$tmp/x.html" --content "$tmp/report" --theme "$theme" 2> "$tmp/report.herr"; then
		fail "report --html: accepted without check --report"
	elif grep -q -- '--html FILE goes with check --report' "$tmp/report.herr"; then
		pass
	else
		fail "report --html: without check --report, another message: $(cat "$tmp/report.herr")"
	fi
}

test_graph() {
	"$hhd" graph triage --content "$fixture" > "$tmp/graph.dot" 2> "$tmp/graph.err"
	status=$?
	if [ $status != 0 ]; then
		fail "graph: exit $status"
		cat "$tmp/graph.err"
		return
	fi
	missing=
	for want in 'digraph "triage"' \
		'"start" [shape=ellipse, label="[start]\nWat is er gebeurd?", penwidth=2];' \
		'"more" [shape=ellipse, label="[more]\nZiet u een losgeldbericht?"];' \
		'"start" -> "ransomware" [label="Mijn bestanden zijn versleuteld"];' \
		'"start" -> "more" [label="Iets anders"];' \
		'"more" -> "ransomware#encrypted" [label="Ja, en alles is versleuteld"];' \
		'"more" -> "ransomware#restored" [label="Nee, maar ik heb mijn back-up teruggezet"];' \
		'"ransomware#encrypted" [shape=note, label="→ Ransomware\n[ransomware#encrypted]"];' \
		'rankdir=TB;' 'label="Legenda";' \
		'"legend:acute" [shape=box, style="filled,rounded", fillcolor="#f8d0d0", label="uitkomst: acuut"];'; do
		grep -qF -- "$want" "$tmp/graph.dot" || missing="$missing
  $want"
	done
	if [ -n "$missing" ]; then
		fail "graph: the DOT lacks:$missing"
		cat "$tmp/graph.dot"
	else
		pass
	fi
	# English, and outcomes styled by urgency
	"$hhd" graph ransomware --lang en --content "$fixture" > "$tmp/graph-en.dot" 2>&1
	if grep -qF '"encrypted" [shape=box, style="filled,rounded", fillcolor="#f8d0d0", label="[encrypted]\nYour files are encrypted\n(acute)"];' "$tmp/graph-en.dot" &&
		grep -qF 'label="Legend";' "$tmp/graph-en.dot" &&
		grep -qF '"start" -> "restored" [label="Yes, I restored a back-up"];' "$tmp/graph-en.dot"; then
		pass
	else
		fail "graph: the English ransomware DOT lacks its outcome or edge:"
		cat "$tmp/graph-en.dot"
	fi
	# A wide tree (more than GRAPH_WIDE nodes on one level) is laid out left to right.
	rm -rf "$tmp/wide" && cp -r "$fixture" "$tmp/wide"
	{
		printf 'title: Breed\nreviewed: 2026-01-15\nstart: start\nnodes:\n  start:\n    question: Welke?\n    answers:\n'
		for i in 1 2 3 4 5; do printf '      - label: Antwoord %s\n        next: uit-%s\n' $i $i; done
		for i in 1 2 3 4 5; do printf '  uit-%s:\n    title: Uitkomst %s\n    urgency: soon\n    steps:\n      - title: Stap\n' $i $i; done
	} > "$tmp/wide/nl/trees/breed.yaml"
	"$hhd" graph breed --content "$tmp/wide" > "$tmp/graph-wide.dot" 2> "$tmp/graph.err"
	if grep -qF 'rankdir=LR;' "$tmp/graph-wide.dot" && grep -qF '"uit-5" [shape=box' "$tmp/graph-wide.dot"; then
		pass
	else
		fail "graph: a tree with five outcomes on one level is not laid out left to right: $(cat "$tmp/graph.err")"
		cat "$tmp/graph-wide.dot"
	fi
	# An unknown tree is a usage error.
	"$hhd" graph nope --content "$fixture" > /dev/null 2> "$tmp/graph.err"
	status=$?
	if [ $status = 2 ] && grep -q "no tree 'nope'" "$tmp/graph.err"; then
		pass
	else
		fail "graph: an unknown tree gave exit $status: $(cat "$tmp/graph.err")"
	fi
	# --svg without dot on PATH: exit 2 and a message naming dot.
	mkdir -p "$tmp/empty-path"
	PATH=$tmp/empty-path "$hhd" graph triage --svg --content "$fixture" > "$tmp/graph.svg" 2> "$tmp/graph.err"
	status=$?
	if [ $status = 2 ] && grep -q "dot" "$tmp/graph.err" && [ ! -s "$tmp/graph.svg" ]; then
		pass
	else
		fail "graph --svg without dot: exit $status, stderr: $(cat "$tmp/graph.err")"
	fi
	# --svg with dot: an SVG (only where Graphviz is installed).
	if command -v dot > /dev/null 2>&1; then
		"$hhd" graph triage --svg --content "$fixture" > "$tmp/graph.svg" 2> "$tmp/graph.err"
		status=$?
		if [ $status = 0 ] && grep -q '<svg' "$tmp/graph.svg"; then
			pass
		else
			fail "graph --svg: exit $status, no <svg>: $(cat "$tmp/graph.err")"
		fi
	else
		echo "SKIP graph --svg with dot: Graphviz is not installed"
	fi
}

# The Arabic fixture (tests/fixtures/i18n/make.sh): right to left, stand-ins
# for what Arabic lacks, a sensitive tree with its quick exit. Chosen pages
# byte for byte (tests/golden/expected/i18n/, --update as for pages), the
# one fallback note, the sitemap without stand-ins, and the links and
# hreflang checks over the whole site.
i18n_files='
index.html
sitemap.xml
ar/index.html
ar/man-nahnu/index.html
ar/musaada/triage/more/index.html
ar/musaada/ransomware/index.html
ar/musaada/ransomware/encrypted/index.html
ar/nasaih/passwords/index.html
nl/hulp/ransomware/encrypted/index.html
nl/over-ons/index.html
'
test_i18n() {
	sh "$root/tests/fixtures/i18n/make.sh" "$tmp/i18n"
	if ! "$hhd" build -q --content "$tmp/i18n/content" --theme "$tmp/i18n/theme" --out "$tmp/i18n/public" \
		2> "$tmp/i18n.err"; then
		fail "i18n: the Arabic fixture does not build:"
		cat "$tmp/i18n.err"
		return
	fi
	want_err="$tmp/i18n/content/site.yaml:49:5: note: language 'ar' shows 5 of 7 pages and 1 of 2 trees in 'en' until they are translated (hhd check --report lists them)"
	if [ "$(cat "$tmp/i18n.err")" = "$want_err" ]; then pass; else fail "i18n: messages: $(cat "$tmp/i18n.err")"; fi
	# shellcheck disable=SC2086 # the list is split on purpose
	compare_pages i18n "$tmp/i18n/public" i18n/ $i18n_files
	# no stand-in in the sitemap; every page of a sensitive tree without counters
	if grep -q '/ar/nasaih/[a-z]\|/ar/musaada/ransomware/\|/ar/contact/' "$tmp/i18n/public/sitemap.xml"; then
		fail "i18n: the sitemap lists a stand-in"
	else
		pass
	fi
	hits=$(grep -l 'data-hit-path\|/api/hit' $(find "$tmp/i18n/public/nl/hulp/ransomware" "$tmp/i18n/public/en/help/ransomware" \
		"$tmp/i18n/public/ar/musaada/ransomware" -name '*.html') 2>/dev/null)
	exits=$(grep -L 'class="quick-exit"' $(find "$tmp/i18n/public/nl/hulp/ransomware" "$tmp/i18n/public/ar/musaada/ransomware" -name '*.html'))
	if [ -n "$hits" ] || [ -n "$exits" ]; then
		fail "i18n: sensitive pages with a counter: $hits; without the quick exit: $exits"
	else
		pass
	fi
	# the same whole-site checks as for the fixture site
	site=$tmp/i18n site_built=1 test_links
	site=$tmp/i18n site_built=1 test_hreflang
}

for t in $tests; do
	case $t in
	pages|links|hreflang|jobs|mtime|failed|incremental|mdcache|graph|report|i18n) "test_$t" ;;
	*) echo "run.sh: unknown test '$t'" >&2; exit 2 ;;
	esac
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
