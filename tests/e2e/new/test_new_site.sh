#!/bin/bash
# e2e: `hhd new site DIR [--lang ...] [--theme DIR]`: the starting site
# builds and checks at once (exit 0) with exactly the warnings that point at
# what is still to write; one language works alone; a non-empty folder, an
# unknown language, a folder that is no theme and (when none is installed)
# no theme at all are refused without writing anything.
# usage: test_new_site.sh HHD SOURCE_DIR INSTALLED_THEME
set -u
HHD=$1
SRC=$2
ITHEME=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0
cd "$T" || exit 1

# hhd's messages but for its own summary lines ("hhd: ...")
diags() { grep -v '^hhd: ' "$1"; }

cat > want-nl-en <<'EOF'
content/en/pages/about.md:3:10: warning: 'summary' is still to be written: who runs the helpdesk and why; this is example text
content/en/pages/disclaimer.md:3:10: warning: 'summary' is still to be written: what readers may expect of the advice on this site; this is example text
content/en/pages/privacy.md:3:10: warning: 'summary' is still to be written: what you keep, why and for how long; this is example text
content/en/tips/back-ups.md:3:10: warning: 'summary' is still to be written: one sentence on what the reader learns here; this is an example tip
content/en/trees/triage.yaml:21:12: warning: 'intro' is still to be written: this is an example step plan; write your own steps
content/en/trees/triage.yaml:32:12: warning: 'intro' is still to be written: this is an example step plan; write your own steps
content/nl/pages/about.md:3:10: warning: 'summary' is still to be written: wie de helpdesk maakt en waarom; dit is voorbeeldtekst
content/nl/pages/disclaimer.md:3:10: warning: 'summary' is still to be written: wat de lezer van het advies op deze site mag verwachten; dit is voorbeeldtekst
content/nl/pages/privacy.md:3:10: warning: 'summary' is still to be written: wat u bewaart, waarom en hoe lang; dit is voorbeeldtekst
content/nl/tips/back-ups.md:3:10: warning: 'summary' is still to be written: een zin over wat de lezer hier leert; dit is een voorbeeldtip
content/nl/trees/triage.yaml:21:12: warning: 'intro' is still to be written: dit is een voorbeeld van een stappenplan; schrijf uw eigen stappen
content/nl/trees/triage.yaml:32:12: warning: 'intro' is still to be written: dit is een voorbeeld van een stappenplan; schrijf uw eigen stappen
content/site.yaml:13:9: warning: 'name' is still to be written: the name of the organisation that runs this site
EOF
grep '^content/en/\|^content/site.yaml' want-nl-en > want-en

# Dutch and English (the default), with a copy of the source's theme
"$HHD" new site two --theme "$SRC/themes/default" 2>log || fail "new site: $(cat log)"
grep -q '^hhd: wrote a new site into two (21 files and a copy of the theme' log || fail "no summary line: $(cat log)"
for f in README.md content/site.yaml content/orgs.yaml themes/default/templates/base.mustache \
	 content/{nl,en}/{index.md,tips/back-ups.md,trees/triage.yaml} \
	 content/{nl,en}/pages/{contact,thanks,feedback,about,privacy,disclaimer}.md; do
	[ -f "two/$f" ] || fail "two/$f was not written"
done
grep -q '^default_language: nl$' two/content/site.yaml || fail "nl is not the default language"
grep -q "^reviewed: $(date +%Y-%m-%d)\$" two/content/nl/tips/back-ups.md || fail "the tip's reviewed date is not today"
grep -q '@[a-z]*@\|@each' -r two/content two/README.md && fail "a starter placeholder was left in the files"
grep -q '^# Voor de redactie' two/README.md && grep -q '^# For the editors' two/README.md || fail "the README lacks a language"
n=$((n + 1))
(cd two && "$HHD" build -j 1) 2>build.log || fail "build: $(cat build.log)"
diags build.log | diff want-nl-en - || fail "build's warnings differ (above)"
grep -q '^hhd: 13 warning(s)$' build.log || fail "no warning count"
[ -f two/public/nl/contact/index.html ] && [ -f two/public/en/help/triage/index.html ] || fail "no contact page or triage"
n=$((n + 1))
(cd two && "$HHD" check -j 1) 2>check.log || fail "check: $(cat check.log)"
diags check.log | diff want-nl-en - || fail "check's warnings differ (above)"
(cd two && "$HHD" check -j 1 --strict) 2>/dev/null && fail "check --strict passed with TODOs left"
n=$((n + 1))
# the error pages: the police's number; the helpdesk's only once the operator has a phone
grep -q 'Politie, geen spoed: <a href="tel:09008844">0900-8844</a>' two/public/50x.html || fail "50x.html lacks the police number"
grep -q 'Bel de helpdesk' two/public/50x.html && fail "50x.html shows a helpdesk phone the operator lacks"
sed -i 's/^  # phone: 010-123 45 67 /  phone: 010-123 45 67 /' two/content/site.yaml
(cd two && "$HHD" build -j 1 -q) 2>/dev/null || fail "build with the operator's phone"
grep -q 'Call the helpdesk (TODO: the name of the organisation that runs this site): <a href="tel:+31101234567">010-123 45 67</a>' two/public/429.html ||
	fail "429.html lacks the helpdesk's phone"
n=$((n + 1))

# one language: English only, into an empty folder that exists
mkdir one
"$HHD" new site one --lang en --theme "$SRC/themes/default" 2>log || fail "new site --lang en: $(cat log)"
[ -e one/content/nl ] && fail "--lang en wrote Dutch content"
grep -q '^default_language: en$' one/content/site.yaml || fail "en is not the default language"
grep -q '^  - code: nl' one/content/site.yaml && fail "site.yaml lists nl"
grep -q '^# Voor de redactie' one/README.md && fail "the README is in Dutch too"
(cd one && "$HHD" build -j 1 && "$HHD" check -j 1) 2>one.log || fail "build/check of the English site: $(cat one.log)"
diags one.log | sort -u | diff want-en - || fail "the English site's warnings differ (above)"
n=$((n + 1))

# refusals: exit 2, a message, nothing written
find two -type f | wc -l > count
"$HHD" new site two --theme "$SRC/themes/default" 2>log && fail "new site into a non-empty folder"
grep -q '^hhd: two is not an empty folder' log || fail "no word on the non-empty folder: $(cat log)"
[ "$(find two -type f | wc -l)" = "$(cat count)" ] || fail "files were written into the non-empty folder"
n=$((n + 1))
"$HHD" new site three --lang nl,xx --theme "$SRC/themes/default" 2>log && fail "new site with an unknown language"
grep -q "^hhd: hhd new site has no starter texts in language 'xx' (it has nl and en)" log || fail "no word on the language: $(cat log)"
[ -e three ] && fail "an unknown language still wrote three/"
n=$((n + 1))
"$HHD" new site four --theme "$SRC/content" 2>log && fail "new site with a folder that is no theme"
grep -q "is not a theme folder" log || fail "no word on the theme: $(cat log)"
[ -e four ] && fail "a bad theme still wrote four/"
n=$((n + 1))
if [ -d "$ITHEME" ]; then
	"$HHD" new site five 2>log || fail "new site with the installed theme: $(cat log)"
	[ -e five/themes ] && fail "the installed theme was copied"
	(cd five && "$HHD" build -j 1 -q) 2>/dev/null || fail "build with the installed theme"
else
	"$HHD" new site five 2>log && fail "new site without --theme and no installed theme"
	grep -q "^hhd: no installed default theme in $ITHEME; name one with --theme DIR" log || fail "no word on the theme: $(cat log)"
	[ -e five ] && fail "no theme still wrote five/"
fi
n=$((n + 1))
"$HHD" --help | grep -q 'hhd new site DIR \[--lang nl,en\] \[--theme DIR\]' || fail "--help does not show new site"
n=$((n + 1))
echo "test_new_site.sh: $n checks passed"
